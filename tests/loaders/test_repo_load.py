"""``load_repo`` as a whole: root errors, repository facts, git without git, build hooks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from infra_review import pipeline
from infra_review.graph import ResourceGraph
from infra_review.loaders import formats
from infra_review.loaders.gitinfo import read_git_info, read_index_paths
from infra_review.model import Diagnostic, DiagnosticCode, FileStatus, Resource
from infra_review.model.errors import LoadError
from infra_review.pipeline import LoadResult, load_repo

FORMAT = textwrap.dedent(
    """
    from infra_review.loaders.base import ParsedFile
    from infra_review.model import Resource, SourceLocation

    def parse_file(rel_path, text):  # the older two-argument contract is accepted too
        return ParsedFile(rel_path, "terraform", data={"text": text})

    def build(files, rg):
        if any("CRASH_BUILD" in f.data["text"] for f in files):
            raise RuntimeError("bug in the loader")
        for f in files:
            rg.add(Resource("fake." + f.path.replace("/", "_").replace(".", "_"), "fake",
                            source=SourceLocation(f.path, 1)))
        return []
    """
)


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    mods = tmp_path / "mods"
    mods.mkdir()
    name = f"irtest_repo_{uuid.uuid4().hex[:10]}"
    (mods / f"{name}.py").write_text(FORMAT)
    monkeypatch.syspath_prepend(str(mods))
    monkeypatch.setitem(formats.FORMAT_MODULES, "terraform", name)
    return name


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = tmp_path / "repo"
    r.mkdir()
    return r


def test_unusable_roots(tmp_path: Path):
    with pytest.raises(LoadError, match="no such directory"):
        load_repo(tmp_path / "missing")
    (tmp_path / "file.tf").write_text("x")
    with pytest.raises(LoadError, match="not a directory"):
        load_repo(tmp_path / "file.tf")
    with pytest.raises(LoadError, match="empty path"):
        load_repo("")


def test_result_shape_and_repo_facts(root: Path, fake):
    (root / "main.tf").write_text("ok = 1\n")
    (root / "README.md").write_text("# x\n")
    (root / ".gitignore").write_text(".terraform\n")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "plan.yml").write_text("on: push\n")
    (root / ".github" / "CODEOWNERS").write_text("* @team\n")
    (root / ".pre-commit-config.yaml").write_text("repos: []\n")
    (root / ".terraform.lock.hcl").write_text("# lock\n")
    (root / ".terraform").mkdir()
    result = load_repo(root, cache=False)
    assert isinstance(result, LoadResult)
    assert isinstance(result.graph, ResourceGraph)
    assert result.root == root.resolve()
    assert set(result.timings) >= {"walk", "read", "parse", "build", "link", "total"}
    rg = result.graph
    assert rg.files == result.files
    repo = rg.repo
    assert repo["root"] == str(root.resolve())
    assert repo["has_readme"]
    assert repo["readme"] == "README.md"
    assert repo["has_gitignore"]
    assert repo["codeowners"] == ".github/CODEOWNERS"
    assert repo["ci_files"] == [".github/workflows/plan.yml"]
    assert repo["pre_commit"] == ".pre-commit-config.yaml"
    assert repo["terraform_lock_files"] == [".terraform.lock.hcl"]
    assert repo["ignored_dirs"] == [".terraform"]
    assert repo["coverage"] == result.coverage
    assert repo["git"]["is_repo"] is False
    assert repo["git"]["tracked"] is None
    assert repo["untracked_iac"] is None
    assert ".terraform" not in repo["paths"]  # directories are not file paths
    assert set(repo["paths"]) == {r.path for r in result.files if r.kind != "directory"}
    assert "fake.main_tf" in rg
    assert result.summary().startswith("8 files: 1 parsed")


def test_build_crash_marks_files_failed_not_the_load(root: Path, fake, monkeypatch):
    (root / "main.tf").write_text("CRASH_BUILD\n")
    (root / "Dockerfile").write_text("FROM alpine:3.20\n")
    monkeypatch.setitem(formats.FORMAT_MODULES, "dockerfile", "infra_review.loaders.not_there_yet")
    result = load_repo(root, cache=False)
    rec = result.file("main.tf")
    assert (rec.status, rec.reason) == (FileStatus.FAILED, "loader error")
    assert "RuntimeError" in rec.diagnostics[-1].message
    assert not result.complete


def test_finishers_run_after_build_and_their_diagnostics_join_the_files(root: Path, fake, monkeypatch):
    (root / "main.tf").write_text("ok\n")
    seen: list[int] = []

    def link(rg):
        seen.append(len(rg))
        rg.add(Resource("INTERNET", "internet", block="synthetic", format="synthetic"))
        return [Diagnostic(DiagnosticCode.EVAL_WARNING, "main.tf", 1, 0, "linked")]

    monkeypatch.setattr(pipeline, "FINISHERS", (("test linker", link),))
    result = load_repo(root, cache=False)
    assert seen == [1]
    assert "INTERNET" in result.graph
    assert [d.message for d in result.file("main.tf").diagnostics] == ["linked"]


def test_a_finisher_that_raises_is_a_diagnostic_not_a_crash(root: Path, fake, monkeypatch):
    (root / "main.tf").write_text("ok\n")

    def broken(rg):
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "FINISHERS", (("test linker", broken),))
    result = load_repo(root, cache=False)
    assert [d.message for d in result.diagnostics if d.file == ""] == [
        "internal error in the test linker; the edges it adds are missing"
    ]
    assert result.graph.frozen


def test_loader_with_a_broken_dependency_does_not_stop_the_load(root: Path, fake, tmp_path, monkeypatch):
    name = f"irtest_brokendep_{uuid.uuid4().hex[:8]}"
    (tmp_path / "mods" / f"{name}.py").write_text("import irtest_package_that_does_not_exist\n")
    monkeypatch.setitem(formats.FORMAT_MODULES, "dockerfile", name)
    (root / "Dockerfile").write_text("FROM alpine\n")
    (root / "main.tf").write_text("ok\n")
    result = load_repo(root, cache=False)
    rec = result.file("Dockerfile")
    assert rec.status is FileStatus.SKIPPED
    assert rec.reason == "loader for dockerfile is unavailable (ModuleNotFoundError)"
    assert result.file("main.tf").status is FileStatus.PARSED


def test_loading_never_writes_into_the_repository(root: Path, fake, monkeypatch, tmp_path):
    monkeypatch.setenv("INFRA_REVIEW_CACHE", str(tmp_path / "cache"))
    (root / "main.tf").write_text("ok\n")
    (root / "sub").mkdir()
    (root / "sub" / "x.tf").write_text("ok\n")

    def snapshot():
        return sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*"))

    before = snapshot()
    load_repo(root)
    load_repo(root)
    assert snapshot() == before


# -- git ---------------------------------------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="the fixture is built with git")


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    cmd = [
        "git",
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "-c",
        "init.defaultBranch=main",
        *args,
    ]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, (args, proc.returncode, proc.stderr)
    return proc.stdout


@needs_git
@pytest.mark.parametrize("index_version", [2, 3, 4])
def test_git_facts_match_git(root: Path, fake, index_version, monkeypatch):
    (root / "main.tf").write_text("ok\n")
    (root / "modules" / "vpc").mkdir(parents=True)
    (root / "modules" / "vpc" / "main.tf").write_text("ok\n")
    (root / "modules" / "vpc" / "a-very-long-directory-name-for-prefix-compression").mkdir()
    (root / "modules" / "vpc" / "a-very-long-directory-name-for-prefix-compression" / "x.tf").write_text(
        "x\n"
    )
    (root / "untracked.tf").write_text("x\n")
    _git(root, "init", "-q")
    _git(root, "add", "main.tf", "modules")
    _git(root, "commit", "-q", "-m", "init")
    _git(root, "checkout", "-q", "-b", "feature/x")
    _git(root, "update-index", "--index-version", str(index_version))
    head = _git(root, "rev-parse", "HEAD").strip()
    tracked = sorted(_git(root, "ls-files").split())
    # A hostile config must never run: load_repo must not execute git at all.
    (root / ".git" / "config").write_text("[core]\n\tfsmonitor = touch /tmp/infra_review_pwned\n")
    calls: list[list[str]] = []
    real_popen = subprocess.Popen

    class Spy(real_popen):  # type: ignore[misc, valid-type]
        def __init__(self, args, *a, **k):
            calls.append([str(x) for x in (args if isinstance(args, list | tuple) else [args])])
            super().__init__(args, *a, **k)

    monkeypatch.setattr(subprocess, "Popen", Spy)
    result = load_repo(root, cache=False)
    git = result.graph.repo["git"]
    assert git["is_repo"] is True
    assert git["head_commit"] == head
    assert git["branch"] == "feature/x"
    assert git["tracked"] == tracked
    assert "untracked.tf" not in git["tracked"]
    assert result.graph.repo["untracked_iac"] == ["untracked.tf"]
    assert all("git" not in os.path.basename(c[0]) for c in calls)


@needs_git
def test_git_detached_head_and_packed_refs(root: Path):
    (root / "a.tf").write_text("x\n")
    _git(root, "init", "-q")
    _git(root, "add", "a.tf")
    _git(root, "commit", "-q", "-m", "one")
    _git(root, "pack-refs", "--all")
    head = _git(root, "rev-parse", "HEAD").strip()
    assert read_git_info(str(root))["head_commit"] == head  # from packed-refs
    _git(root, "checkout", "-q", "--detach")
    info = read_git_info(str(root))
    assert (info["head_commit"], info["branch"]) == (head, None)


def test_git_metadata_problems_never_crash(root: Path, tmp_path: Path):
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".git" / "index").write_bytes(b"DIRC\x00\x00\x00\x02\x00\x00\x00\x05garbage")
    info = read_git_info(str(root))
    assert info["is_repo"] is True
    assert info["tracked"] is None
    assert info["note"]
    # a linked worktree / submodule: .git is a file pointing outside the root; not followed
    other = tmp_path / "wt"
    other.mkdir()
    (other / ".git").write_text(f"gitdir: {tmp_path}/elsewhere\n")
    info = read_git_info(str(other))
    assert info["is_repo"] is True
    assert info["tracked"] is None
    assert "not read" in info["note"]
    # a symlinked .git is not followed either
    linked = tmp_path / "ln"
    linked.mkdir()
    (linked / ".git").symlink_to(root / ".git")
    assert read_git_info(str(linked))["tracked"] is None
    with pytest.raises(ValueError, match="not a git index"):
        read_index_paths(b"nope")


# -- real format loaders, when they are installed ------------------------------------------------


def test_real_terraform_loader_diagnostics_reach_coverage(root: Path):
    pytest.importorskip("infra_review.loaders.terraform.builder")
    (root / "good.tf").write_text('resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n')
    (root / "bad.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  acl = \n}\n')
    (root / "empty.tf").write_text("")
    (root / "comments.tf").write_text("# nothing here\n// still nothing\n/* or here */\n")
    (root / "crlf_bom.tf").write_bytes(b'\xef\xbb\xbfresource "aws_sqs_queue" "q" {\r\n  name = "q"\r\n}\r\n')
    result = load_repo(root, cache=False)
    for path in ("empty.tf", "comments.tf", "crlf_bom.tf"):
        assert result.file(path).status is FileStatus.PARSED, path
    assert result.graph["aws_sqs_queue.q"].attrs["name"] == "q"
    bad = result.file("bad.tf")
    assert bad.status is FileStatus.FAILED
    assert bad.diagnostics[0].code is DiagnosticCode.PARSE_ERROR
    assert bad.diagnostics[0].line >= 3
    assert result.file("good.tf").status is FileStatus.PARSED
    assert "aws_s3_bucket.logs" in result.graph
    assert result.graph["aws_s3_bucket.logs"].file == "good.tf"


def test_build_gets_a_reader_confined_to_the_root(root: Path, tmp_path: Path, monkeypatch):
    mods = tmp_path / "mods_rt"
    mods.mkdir()
    name = f"irtest_reader_{uuid.uuid4().hex[:8]}"
    (mods / f"{name}.py").write_text(
        "from infra_review.loaders.base import ParsedFile\n"
        "from infra_review.model import Resource\n"
        "def parse_file(rel_path, text, kind):\n"
        "    return ParsedFile(rel_path, kind, data={})\n"
        "def build(files, rg, read_text=None):\n"
        "    attrs = {'in': read_text('tpl/a.sh'), 'out': read_text('../outside.txt')}\n"
        "    rg.add(Resource('t.x', 't', attrs=attrs))\n"
        "    return []\n"
    )
    monkeypatch.syspath_prepend(str(mods))
    monkeypatch.setitem(formats.FORMAT_MODULES, "terraform", name)
    (tmp_path / "outside.txt").write_text("TOPSECRET\n")
    (root / "tpl").mkdir()
    (root / "tpl" / "a.sh").write_text("echo hi\r\n")
    (root / "main.tf").write_text("x\n")
    attrs = load_repo(root, cache=False).graph["t.x"].attrs
    assert attrs == {"in": "echo hi\n", "out": None}


def test_real_loaders_hostile_inputs_stay_in_the_workers(root: Path):
    pytest.importorskip("infra_review.loaders.terraform.builder")
    pytest.importorskip("infra_review.loaders.kubernetes")
    before = sys.getrecursionlimit()
    (root / "deep.tf").write_text("locals {\n  x = " + "[" * 10000 + "]" * 10000 + "\n}\n")
    laughs = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: lol", "data:", '  a: &a ["lol"]']
    prev = "a"
    for name in "bcdefghi":
        laughs.append(f"  {name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
        prev = name
    (root / "laughs.yaml").write_text("\n".join(laughs) + "\n")
    (root / "good.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    result = load_repo(root, cache=False)
    deep = result.file("deep.tf")
    assert deep.status is FileStatus.FAILED
    assert deep.diagnostics[0].code in {DiagnosticCode.DEPTH_LIMIT, DiagnosticCode.PARSE_ERROR}
    laughs_rec = result.file("laughs.yaml")
    assert laughs_rec.kind == "kubernetes"
    assert DiagnosticCode.ALIAS_LIMIT in {d.code for d in laughs_rec.diagnostics}
    assert result.file("good.tf").status is FileStatus.PARSED
    assert "aws_sqs_queue.q" in result.graph
    assert sys.getrecursionlimit() == before


@needs_git
def test_split_index_is_not_misread(root: Path):
    (root / "a.tf").write_text("x\n")
    _git(root, "init", "-q")
    _git(root, "add", "a.tf")
    _git(root, "update-index", "--split-index")
    info = read_git_info(str(root))
    assert info["is_repo"] is True
    assert info["tracked"] is None
    assert info["note"] == "git index not understood (split index not supported)"


@pytest.mark.parametrize("isolate", [True, False])
def test_progress_callback(root: Path, fake, isolate):
    for i in range(5):
        (root / f"f{i}.tf").write_text(f"n = {i}\n")
    seen: list[tuple[int, int]] = []

    def progress(done, total):
        seen.append((done, total))
        if done == 2:
            raise RuntimeError("a broken progress bar")

    result = load_repo(root, cache=False, isolate=isolate, progress=progress)
    assert result.coverage["parsed"] == 5
    assert seen[-1] == (5, 5)
    assert [d for d, _ in seen] == sorted({d for d, _ in seen})


def test_fileset_lists_the_files_the_walk_found(tmp_path):
    """``fileset()`` gets the walk's listing (confined to the root, ignored directories left out)."""
    (tmp_path / "policies").mkdir()
    (tmp_path / ".terraform").mkdir()
    for rel in ("policies/a.json", "policies/b.json", ".terraform/c.json"):
        (tmp_path / rel).write_text("{}")
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_policy" "p" {\n  for_each = fileset(path.module, "**/*.json")\n'
        "  name     = each.key\n}\n"
    )
    result = load_repo(tmp_path, cache=False)
    assert sorted(r.address for r in result.graph.resources("aws_iam_policy")) == [
        'aws_iam_policy.p["policies/a.json"]',
        'aws_iam_policy.p["policies/b.json"]',
    ]
