"""``infra-review scan``: sarif/junit/markdown formats, --select/--ignore, --fail-on, baselines."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from infra_review.cli import main

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())

MAIN_TF = """\
variable "region" {}

# infra-review:ignore=IAC007 legacy input kept for old callers
variable "old" {}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
"""


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFRA_REVIEW_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text(MAIN_TF)
    return root


def _scan(capsys, *argv):
    rc = main(["scan", *map(str, argv)])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_sarif_output_validates_and_carries_suppressions(repo, capsys):
    rc, out, _ = _scan(capsys, repo, "--format", "sarif", "--fail-on", "none")
    assert rc == 0
    log = json.loads(out)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    ids = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in results} <= ids
    old = [r for r in results if r["ruleId"] == "IAC007" and r["properties"]["address"] == "var.old"]
    assert old
    assert old[0]["suppressions"][0]["kind"] == "inSource"
    assert old[0]["suppressions"][0]["justification"] == "legacy input kept for old callers"
    region = next(
        r for r in results if r["ruleId"] == "IAC007" and r["properties"]["address"] == "var.region"
    )
    assert region["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "main.tf"
    assert region["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_junit_and_markdown(repo, capsys):
    rc, out, _ = _scan(capsys, repo, "--format", "junit", "--select", "IAC007", "--fail-on", "none")
    assert rc == 0
    root = ET.fromstring(out.encode())
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["var.region"].find("failure") is not None
    assert cases["var.old"].find("skipped") is not None
    rc, out, _ = _scan(capsys, repo, "--format", "markdown", "--select", "iac", "--fail-on", "none")
    assert out.startswith("# infra-review findings")
    assert "## Red Flags" in out
    assert "## IaC Best Practices" in out
    assert "legacy input kept for old callers" in out


def test_select_ignore_and_unknown_ids(repo, capsys):
    rc, out, _ = _scan(capsys, repo, "--format", "json", "--select", "IAC007,IAC008", "--fail-on", "none")
    doc = json.loads(out)
    assert {f["rule_id"] for f in doc["findings"]} == {"IAC007", "IAC008"}
    assert doc["review"]["rules"] == ["IAC007", "IAC008"]
    assert doc["review"]["errors"] == []
    assert doc["review"]["complete"] is True
    rc, out, _ = _scan(
        capsys,
        repo,
        "--format",
        "json",
        "--select",
        "iac",
        "--ignore",
        "IAC007",
        "--ignore",
        "IAC008",
        "--fail-on",
        "none",
    )
    got = {f["rule_id"] for f in json.loads(out)["findings"]}
    assert got
    assert all(r.startswith("IAC") for r in got)
    assert not got & {"IAC007", "IAC008"}
    rc, out, err = _scan(capsys, repo, "--select", "NOPE001")
    assert rc == 2
    assert "unknown rule or area 'NOPE001'" in err


def test_fail_on(repo, capsys):
    # IAC007 is low: the default threshold (high) does not fail, --fail-on low does
    assert _scan(capsys, repo, "--format", "json", "--select", "IAC007")[0] == 0
    assert _scan(capsys, repo, "--format", "json", "--select", "IAC007", "--fail-on", "low")[0] == 1
    assert _scan(capsys, repo, "--format", "json", "--select", "IAC007", "--fail-on", "none")[0] == 0
    # the suppressed finding on var.old never counts
    (repo / "main.tf").write_text(MAIN_TF.replace('variable "region" {}', ""))
    assert _scan(capsys, repo, "--format", "json", "--select", "IAC007", "--fail-on", "low")[0] == 0


def test_baseline_round_trip(repo, tmp_path, capsys):
    bl = tmp_path / "baseline.json"
    rc, _, err = _scan(
        capsys, repo, "--format", "json", "--select", "IAC007", "--fail-on", "low", "--create-baseline", bl
    )
    assert rc == 0
    assert "wrote baseline of 1 finding(s)" in err
    data = json.loads(bl.read_text())
    assert [e["address"] for e in data["findings"]] == ["var.region"]
    assert not (repo / "baseline.json").exists()

    rc, out, _ = _scan(
        capsys, repo, "--format", "json", "--select", "IAC007", "--fail-on", "low", "--baseline", bl
    )
    assert rc == 0
    region = next(f for f in json.loads(out)["findings"] if f["address"] == "var.region")
    assert region["suppressed"] is True
    assert region["suppression_source"] == "baseline"

    (repo / "main.tf").write_text(
        MAIN_TF.replace('variable "region" {}', 'variable "region" {\n  description = "x"\n}')
    )
    rc, _, err = _scan(capsys, repo, "--format", "json", "--select", "IAC007", "--baseline", bl)
    assert "1 baseline entry no longer matches a finding" in err
    (repo / "main.tf").write_text(MAIN_TF)

    (repo / "extra.tf").write_text('variable "added" {}\n')
    rc, out, _ = _scan(
        capsys, repo, "--format", "json", "--select", "IAC007", "--fail-on", "low", "--baseline", bl
    )
    assert rc == 1
    active = [f["address"] for f in json.loads(out)["findings"] if not f["suppressed"]]
    assert active == ["var.added"]

    # re-creating with the old baseline applied keeps the old entries
    bl2 = tmp_path / "baseline2.json"
    _scan(capsys, repo, "--format", "json", "--select", "IAC007", "--baseline", bl, "--create-baseline", bl2)
    assert {e["address"] for e in json.loads(bl2.read_text())["findings"]} == {"var.region", "var.added"}


def test_bad_baseline_exits_2(repo, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    rc, _, err = _scan(capsys, repo, "--baseline", bad)
    assert rc == 2
    assert "not an infra-review baseline" in err
    rc, _, err = _scan(capsys, repo, "--baseline", tmp_path / "missing.json")
    assert rc == 2
    assert "no such file" in err


EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "three-tier-aws"
#: Secrets planted in the example (terraform.tfvars, data.tf): no output may carry them.
PLANTED_SECRETS = ("Shopfront-Prod-2023!", "pk-prod-7f3a9c2e41b84d0f9e6a5b3c2d1e0f9a")


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "markdown", "table"])
def test_example_outputs_are_valid_and_never_carry_secrets(fmt, capsys):
    rc, out, _ = _scan(capsys, EXAMPLE, "--format", fmt)
    assert rc == 1  # the example has critical findings and the default --fail-on is high
    for secret in PLANTED_SECRETS:
        assert secret in (EXAMPLE / "terraform.tfvars").read_text() + (EXAMPLE / "data.tf").read_text()
        assert secret not in out, f"{fmt} output leaks a planted secret"
    if fmt == "sarif":
        log = json.loads(out)
        jsonschema.Draft4Validator(SCHEMA).validate(log)
        for r in log["runs"][0]["results"]:  # GitHub needs a physical location on every result
            uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            assert (EXAMPLE / uri).is_file(), uri
    elif fmt == "junit":
        assert int(ET.fromstring(out.encode()).get("failures")) > 10
    elif fmt == "json":
        assert len(json.loads(out)["findings"]) > 10


def test_sarif_uri_prefix_option(repo, capsys):
    _, out, _ = _scan(capsys, repo, "--format", "sarif", "--select", "IAC007", "--sarif-uri-prefix", "infra")
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(out)["runs"][0]["results"]
    }
    assert uris == {"infra/main.tf"}


def test_crashing_rule_is_reported_and_strict_fails(repo, capsys, monkeypatch):
    from infra_review.model import Area, Severity
    from infra_review.rules import RULES, rule

    def crash(rg):
        raise ValueError("secret-ish value from the repo")
        yield  # pragma: no cover

    crash.__doc__ = "Crashes.\n\nRemediation\n-----------\nNone.\n"
    monkeypatch.setitem(
        RULES,
        "TST900",
        rule("TST900", area=Area.IAC, severity=Severity.LOW, title="crash", register=False)(crash).rule,
    )
    rc, out, err = _scan(capsys, repo, "--format", "json", "--select", "TST900,IAC007")
    assert rc == 0
    assert "warning: rule TST900 failed: ValueError in crash" in err
    assert "secret-ish" not in err + out
    doc = json.loads(out)
    assert doc["review"]["complete"] is False
    assert doc["review"]["errors"][0]["rule_id"] == "TST900"
    rc, _, err = _scan(capsys, repo, "--format", "json", "--select", "TST900", "--strict")
    assert rc == 2
    assert "1 rule(s) failed to run: TST900" in err
