"""Focused tests of IAC rules on hand-built graphs: repository-level facts and backends."""

from infra_review.analysis.repo_layout import backend_of, repo_anchor
from infra_review.graph import ResourceGraph
from infra_review.loaders.safety.walk import confined_reader
from infra_review.model import Resource, Severity, SourceLocation, Status, Unresolved
from infra_review.model.facts import RepoFacts
from infra_review.rules import RULES
from infra_review.rules.iac import classify_module_source


def _facts(repo):
    """What the loader would gather for a hand-written ``repo`` dict (paths, and files under ``root``)."""
    root = repo.get("root", "")
    reader = confined_reader(root, cap=1 << 20) if root else None
    return RepoFacts(root, tuple(repo.get("paths", ())), reader=reader)


def _rg(*res, repo=None):
    rg = ResourceGraph()
    for r in res:
        rg.add(r)
    rg.repo.update(repo or {})
    rg.facts = _facts(rg.repo)
    return rg


def _hits(rule_id, rg):
    return list(RULES[rule_id](rg))


TF = Resource(
    "terraform",
    "terraform",
    block="terraform",
    source=SourceLocation("versions.tf", 1),
    meta={"root": ".", "name": "terraform"},
)


def _bucket(name="b", **attrs):
    return Resource(
        f"aws_s3_bucket.{name}",
        "aws_s3_bucket",
        attrs={"bucket": name, **attrs},
        source=SourceLocation("main.tf", 5),
        meta={"root": "."},
    )


def _tf(**attrs):
    return Resource(
        "terraform",
        "terraform",
        block="terraform",
        attrs=attrs,
        source=SourceLocation("versions.tf", 1),
        meta={"root": ".", "name": "terraform"},
    )


def test_anchor_prefers_terraform_block_then_provider_then_resource():
    prov = Resource("provider.aws", "aws", block="provider", source=SourceLocation("main.tf", 1))
    assert repo_anchor(_rg(_bucket(), prov, TF)).address == "terraform"
    assert repo_anchor(_rg(_bucket(), prov)).address == "provider.aws"
    assert repo_anchor(_rg(_bucket())).address == "aws_s3_bucket.b"
    assert repo_anchor(_rg()).address == "repo:."


def test_backend_shapes():
    for backend in (
        [{"bucket": "x", "_labels": ["s3"]}],
        [{"s3": {"bucket": "x"}}],
        [{"type": "s3", "bucket": "x"}],
    ):
        btype, cfg, _ = backend_of(_rg(_tf(backend=backend), _bucket()))
        assert (btype, cfg["bucket"]) == ("s3", "x")


def test_iac004_local_and_missing_backend():
    (hit,) = _hits("IAC004", _rg(_tf(backend=[{"_labels": ["local"], "path": "x.tfstate"}]), _bucket()))
    assert hit.resource.address == "terraform"
    assert "local" in hit.message
    (hit,) = _hits("IAC004", _rg(_tf(required_version=">= 1.6"), _bucket()))
    assert hit.status is Status.FAIL
    assert hit.resource.address == "terraform"
    assert _hits("IAC004", _rg(_tf(cloud=[{"organization": "acme"}]), _bucket())) == []
    assert _hits("IAC004", _rg(_tf())) == []  # no resources: a reusable module, not a root


def test_iac005_locking_encryption_and_partial_config():
    s3 = [{"_labels": ["s3"], "bucket": "state", "key": "k"}]
    hits = _hits("IAC005", _rg(_tf(backend=s3), _bucket("x")))
    assert sorted(h.attribute for h in hits) == ["backend.encrypt", "backend.use_lockfile"]
    assert all(h.status is Status.FAIL for h in hits)
    ok = [{"_labels": ["s3"], "bucket": "state", "encrypt": True, "dynamodb_table": "locks"}]
    assert _hits("IAC005", _rg(_tf(backend=ok), _bucket("x"))) == []
    partial = _rg(_tf(backend=s3), _bucket("x"), repo={"paths": ["main.tf", "prod.s3.tfbackend"]})
    assert {h.status for h in _hits("IAC005", partial)} == {Status.UNKNOWN}
    unknown = [
        {"_labels": ["s3"], "bucket": "state", "encrypt": True, "use_lockfile": Unresolved("var.lock")}
    ]
    assert [h.status for h in _hits("IAC005", _rg(_tf(backend=unknown), _bucket("x")))] == [Status.UNKNOWN]
    http = [{"_labels": ["http"], "address": "https://state.example.com"}]
    assert [h.attribute for h in _hits("IAC005", _rg(_tf(backend=http), _bucket("x")))] == [
        "backend.lock_address"
    ]


def test_iac006_tracked_state_uses_git_facts():
    repo = {
        "git": {"is_repo": True, "tracked": ["main.tf", "envs/prod/terraform.tfstate"]},
        "paths": ["main.tf", "envs/prod/terraform.tfstate", "terraform.tfstate.backup"],
    }
    hits = _hits("IAC006", _rg(TF, _bucket(), repo=repo))
    assert [(h.attribute, h.status) for h in hits] == [("envs/prod/terraform.tfstate", Status.FAIL)]
    assert hits[0].location.file == "envs/prod/terraform.tfstate"
    assert hits[0].resource.address == "terraform"


def test_iac014_scheduled_drift_job(tmp_path):
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "drift.yml").write_text(
        "on:\n  schedule:\n    - cron: '0 5 * * *'\njobs:\n  drift:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: terraform plan -detailed-exitcode -lock=false\n"
    )
    (wf / "ci.yml").write_text(
        "on: [push]\njobs:\n  plan:\n    steps:\n      - run: terraform plan -detailed-exitcode\n"
    )
    repo = {
        "root": str(tmp_path),
        "paths": [".github/workflows/drift.yml", ".github/workflows/ci.yml", "main.tf"],
    }
    assert _hits("IAC014", _rg(TF, _bucket(), repo=repo)) == []
    (wf / "drift.yml").unlink()
    repo["paths"] = [".github/workflows/ci.yml", "main.tf"]
    (hit,) = _hits("IAC014", _rg(TF, _bucket(), repo=repo))
    assert hit.status is Status.UNKNOWN  # a drift command exists, but nothing schedules it
    enabled = Resource(
        "aws_config_configuration_recorder_status.r",
        "aws_config_configuration_recorder_status",
        attrs={"is_enabled": True},
    )
    assert _hits("IAC014", _rg(TF, _bucket(), enabled, repo={"paths": ["main.tf"]})) == []


def test_iac003_root_without_version_constraints():
    (hit,) = _hits("IAC003", _rg(_tf(), _bucket()))
    assert hit.resource.address == "terraform"
    assert hit.evidence["missing"] == [
        "required_version",
        "required_providers",
    ]


def test_iac013_ignore_changes_forms():
    def res(ic):
        return Resource(
            "aws_security_group.s", "aws_security_group", attrs={"lifecycle": [{"ignore_changes": ic}]}
        )

    assert len(_hits("IAC013", _rg(res(Unresolved("all"))))) == 1
    assert len(_hits("IAC013", _rg(res("all")))) == 1
    assert len(_hits("IAC013", _rg(res([Unresolved("ingress"), Unresolved("tags")])))) == 1
    assert _hits("IAC013", _rg(res(["tags"]))) == []


def test_iac001_sources():
    assert classify_module_source("app.terraform.io/acme/vpc/aws") == "registry"
    assert classify_module_source("hg::https://example.com/m") == "hg"
    assert classify_module_source("https://example.com/m.zip") == "archive"
    call = Resource(
        "module.m", "module", block="module", attrs={"source": "git::https://u:tok@example.com/m.git"}
    )
    (hit,) = _hits("IAC001", _rg(call))
    assert "tok" not in str(hit.evidence)


def test_iac009_secret_output_via_variable():
    var = Resource("var.db_password", "variable", block="variable", attrs={"type": "string"})
    out = Resource(
        "output.url",
        "output",
        block="output",
        attrs={"description": "x", "value": Unresolved('"postgres://u:${var.db_password}@h/db"')},
    )
    rg = _rg(var, out)
    rg.add_edge("output.url", "var.db_password", "ref", attr="value")
    (hit,) = _hits("IAC009", rg)
    assert hit.severity is Severity.MEDIUM
    assert hit.attribute == "sensitive"


def test_iac004_skips_example_roots():
    ex = Resource(
        "examples/complete//aws_s3_bucket.b",
        "aws_s3_bucket",
        attrs={"bucket": "b"},
        meta={"root": "examples/complete"},
    )
    assert _hits("IAC004", _rg(ex)) == []
