"""The safe walk: kind detection, Helm charts, ignored directories, one entry per path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from infra_review.loaders.formats import SNIFF, Limits, detect_by_name, size_cap, sniff_kind
from infra_review.loaders.safety.walk import display_path, is_within, safe_read, walk_repo
from infra_review.model import DiagnosticCode, FileStatus
from infra_review.pipeline import load_repo


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("main.tf", "terraform"),
        ("modules/vpc/MAIN.TF", "terraform"),
        ("stack.tf.json", "terraform_json"),
        ("terraform.tfvars", "tfvars"),
        ("prod.auto.tfvars", "tfvars"),
        ("prod.auto.tfvars.json", "tfvars_json"),
        ("Dockerfile", "dockerfile"),
        ("svc/Dockerfile.prod", "dockerfile"),
        ("api.Dockerfile", "dockerfile"),
        ("Containerfile", "dockerfile"),
        (".dockerignore", "dockerignore"),
        ("docker-compose.yml", "compose"),
        ("docker-compose.override.yaml", "compose"),
        ("compose.yaml", "compose"),
        ("compose.prod.yml", "compose"),
        ("k8s/deploy.yaml", SNIFF),
        ("plan.json", SNIFF),
        ("package-lock.json", None),
        ("README.md", None),
        (".terraform.lock.hcl", None),
        ("main.tf.bak", None),
        ("templates/_helpers.tpl", None),
    ],
)
def test_detect_by_name(path, kind):
    assert detect_by_name(path) == kind


@pytest.mark.parametrize(
    ("text", "path", "kind"),
    [
        ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n", "d.yaml", "kubernetes"),
        ("# comment\n---\napiVersion: v1\nkind: ConfigMap\n", "cm.yml", "kubernetes"),
        ('{"apiVersion": "v1", "kind": "Service", "metadata": {}}', "svc.json", "kubernetes"),
        (
            '{"format_version": "1.2", "terraform_version": "1.7.0", "planned_values": {}}',
            "p.json",
            "terraform_plan",
        ),
        ('{"format_version":"1.0","resource_changes":[]}', "p.json", "terraform_plan"),
        ('{"format_version": "1.0"}', "x.json", None),
        ("name: ci\non: [push]\njobs: {}\n", ".github/workflows/ci.yml", None),
        ("apiVersion: v2\nname: chart\nversion: 1.0.0\n", "Chart.yaml", None),  # no kind
        ("spec:\n  apiVersion: v1\n  kind: Pod\n", "nested.yaml", None),  # not top level
    ],
)
def test_sniff_kind(text, path, kind):
    assert sniff_kind(text, path) == kind


def test_size_caps():
    lim = Limits()
    assert size_cap("terraform", lim) == 1 << 20
    assert size_cap("tfvars", lim) == 1 << 20
    assert size_cap("kubernetes", lim) == 5 << 20
    assert size_cap("terraform_plan", lim) == 5 << 20
    assert size_cap("dockerfile", lim) == 1 << 20


def test_every_path_gets_exactly_one_entry(tmp_path: Path):
    root = tmp_path / "r"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "main.tf").write_text("x\n")
    (root / "a" / "notes.txt").write_text("x\n")
    (root / ".git" / "objects").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "node_modules" / "pkg").mkdir(parents=True)
    (root / "node_modules" / "pkg" / "main.tf").write_text("x\n")
    (root / ".venv").mkdir()
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.tf").write_text("x\n")
    res = walk_repo(str(root.resolve()))
    rels = [e.rel for e in res.entries]
    assert rels == sorted(rels)
    assert len(rels) == len(set(rels))
    assert rels == [".git", ".hidden/x.tf", ".venv", "a/b/main.tf", "a/notes.txt", "node_modules"]
    by = {e.rel: e for e in res.entries}
    assert by[".git"].reason == "ignored directory"
    assert by[".hidden/x.tf"].kind == "terraform"  # hidden is not ignored: only the named dirs
    assert by["a/notes.txt"].status is FileStatus.SKIPPED
    assert by["a/notes.txt"].reason == "not an IaC file"


def test_helm_chart(tmp_path: Path):
    root = tmp_path / "r"
    chart = root / "charts" / "api"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: api\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("replicaCount: 1\nimage:\n  tag: latest\n")
    (chart / "values-prod.yaml").write_text("replicaCount: 3\n")
    (chart / "templates" / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
    )
    (chart / "templates" / "static.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: static\n"
    )
    (chart / "templates" / "_helpers.tpl").write_text('{{- define "x" -}}{{- end -}}\n')
    (root / "values.yaml").write_text("not: a chart\n")  # not in a chart directory
    result = load_repo(root, cache=False)
    kinds = {r.path: (r.kind, r.status, r.reason) for r in result.files}
    assert kinds["charts/api/values.yaml"][0] == "helm_values"
    assert kinds["charts/api/values-prod.yaml"][0] == "helm_values"
    assert kinds["charts/api/templates/deployment.yaml"] == (
        "helm_template",
        FileStatus.SKIPPED,
        "helm template (needs helm to render)",
    )
    assert kinds["charts/api/templates/static.yaml"][0] == "kubernetes"
    assert kinds["charts/api/templates/_helpers.tpl"][1:] == (FileStatus.SKIPPED, "not an IaC file")
    assert kinds["values.yaml"][1:] == (FileStatus.SKIPPED, "not an IaC file")
    assert result.graph.repo["helm_charts"] == ["charts/api"]
    assert not any(
        d.code is DiagnosticCode.UNSUPPORTED
        for d in result.file("charts/api/templates/deployment.yaml").diagnostics
    )


def test_unlistable_directory_is_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "r"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "main.tf").write_text("x\n")
    (root / "ok.tf").write_text("x\n")
    real_scandir = os.scandir

    def deny(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", deny)
    res = walk_repo(str(root.resolve()))
    by = {e.rel: e for e in res.entries}
    assert by["locked"].reason == "unreadable"
    assert by["locked"].diagnostics[0].code is DiagnosticCode.UNREADABLE
    assert "ok.tf" in by


def test_safe_read_refuses_a_swapped_file(tmp_path: Path):
    f = tmp_path / "a.tf"
    f.write_text("x = 1\n")
    st = f.stat()
    assert safe_read(str(f), cap=100, ident=(st.st_dev, st.st_ino)).data == b"x = 1\n"
    f.unlink()
    f.write_text("y = 2\n")  # a new inode at the same path
    other = (st.st_dev, st.st_ino + 10**9)
    out = safe_read(str(f), cap=100, ident=other)
    assert out.data is None
    assert out.code is DiagnosticCode.UNREADABLE
    small = safe_read(str(f), cap=3)
    assert small.data is None
    assert small.code is DiagnosticCode.TOO_LARGE


def test_safe_read_does_not_follow_a_final_symlink(tmp_path: Path):
    (tmp_path / "real.tf").write_text("x\n")
    (tmp_path / "link.tf").symlink_to(tmp_path / "real.tf")
    out = safe_read(str(tmp_path / "link.tf"), cap=100)
    assert out.data is None
    assert out.code is DiagnosticCode.UNREADABLE


def test_path_helpers():
    assert is_within("/repo/a", "/repo")
    assert not is_within("/repo2/a", "/repo")
    assert display_path(os.fsdecode(b"x\xfe.tf")) == "x\\xfe.tf"


def test_confined_reader(tmp_path: Path):
    from infra_review.loaders.safety.walk import confined_reader

    root = tmp_path / "r"
    (root / "tpl").mkdir(parents=True)
    (root / "tpl" / "user_data.sh").write_text("#!/bin/sh\necho ${name}\n")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]\n")
    (tmp_path / "secret.txt").write_text("TOPSECRET\n")
    (root / "tpl" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "tpl" / "inside.txt").symlink_to(root / "tpl" / "user_data.sh")
    (root / "big.txt").write_text("x" * 200)
    (root / "latin1.txt").write_bytes(b"caf\xe9")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.txt")
    read = confined_reader(str(root.resolve()), cap=100)
    assert read("tpl/user_data.sh") == "#!/bin/sh\necho ${name}\n"
    assert read("./tpl/../tpl/user_data.sh") == "#!/bin/sh\necho ${name}\n"
    assert read("tpl/inside.txt") == "#!/bin/sh\necho ${name}\n"
    for bad in (
        "tpl/leak.txt",
        "../secret.txt",
        str(tmp_path / "secret.txt"),
        ".git/config",
        "big.txt",
        "latin1.txt",
        "pipe.txt",
        "missing.txt",
        "",
        "tpl",
    ):
        assert read(bad) is None, bad


def test_unsupported_iac_is_reported_not_hidden(tmp_path: Path):
    root = tmp_path / "r"
    (root / "cfn").mkdir(parents=True)
    (root / "cfn" / "stack.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n"
    )
    (root / "cfn" / "stack.json").write_text('{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}')
    (root / "live").mkdir()
    (root / "live" / "terragrunt.hcl").write_text('terraform {\n  source = "../modules/x"\n}\n')
    (root / "main.bicep").write_text("param location string\n")
    result = load_repo(root, cache=False)
    got = {r.path: (r.kind, r.status, r.reason) for r in result.files}
    assert got == {
        "cfn/stack.json": ("cloudformation", FileStatus.PARSED, ""),
        "cfn/stack.yaml": ("cloudformation", FileStatus.PARSED, ""),
        "live/terragrunt.hcl": ("terragrunt", FileStatus.SKIPPED, "no loader for terragrunt yet"),
        "main.bicep": ("bicep", FileStatus.SKIPPED, "no loader for bicep yet"),
    }
    assert not result.complete  # a reviewer must see that these were not reviewed
