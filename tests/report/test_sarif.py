"""SARIF 2.1.0: validates against the official schema; rules, locations, suppressions."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from infra_review.model import Area, Finding, Severity, Status
from infra_review.report.sarif import dumps_sarif, level_of, to_sarif

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())


def _validate(log):
    jsonschema.Draft4Validator(SCHEMA).validate(log)


def _log(run, **kw):
    return to_sarif(run.findings, rules=run.rules, errors=run.errors, **kw)


def test_validates_against_schema(review_run):
    log = _log(review_run)
    _validate(log)
    _validate(_log(review_run, include_pass=True))
    _validate(json.loads(dumps_sarif(review_run.findings, errors=review_run.errors)))


def test_driver_rules_metadata(review_run):
    driver = _log(review_run)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "infra-review"
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == ["TST401", "TST402", "TST403", "TST404"]
    r = rules["TST401"]
    assert r["name"] == "Open"
    assert r["shortDescription"]["text"] == "SSH open to the world"
    assert r["fullDescription"]["text"] == "Ingress allows SSH from anywhere."
    assert "Why it matters:\nOpen ports get scanned." in r["help"]["text"]
    assert "```hcl" in r["help"]["markdown"]
    assert "`cidr_blocks`" in r["help"]["markdown"]
    assert r["defaultConfiguration"]["level"] == "error"
    assert r["properties"]["security-severity"] == "9.5"
    assert r["properties"]["checkov"] == ["CKV_AWS_24"]
    assert "security" in r["properties"]["tags"]
    assert rules["TST402"]["properties"]["tags"][1] == "reliability"


def test_results_locations_levels_fingerprints(review_run):
    run = _log(review_run)["runs"][0]
    results = run["results"]
    by = {(r["ruleId"], r["properties"]["address"]): r for r in results}
    web = by[("TST401", "aws_security_group.web")]
    assert web["kind"] == "fail"
    assert web["level"] == "error"
    phys = web["locations"][0]["physicalLocation"]
    assert phys["artifactLocation"] == {"uri": "net%20work/main.tf", "uriBaseId": "%SRCROOT%"}
    assert phys["region"]["startLine"] == 1
    assert web["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "aws_security_group.web"
    assert len(web["partialFingerprints"]["infraReviewFinding/v1"]) == 32
    assert run["tool"]["driver"]["rules"][web["ruleIndex"]]["id"] == "TST401"
    unknown = by[("TST402", "aws_db_instance.main")]
    assert (unknown["kind"], unknown["level"]) == ("review", "none")
    assert all(r["properties"]["status"] != "PASS" for r in results)


def test_suppressions(review_run):
    results = _log(review_run)["runs"][0]["results"]
    by = {r["properties"]["address"]: r for r in results if r["ruleId"] == "TST401"}
    assert "suppressions" not in by["aws_security_group.web"]
    jump = by["aws_security_group.jump"]["suppressions"]
    assert jump[0]["kind"] == "inSource"
    assert jump[0]["justification"] == "jump host, CIDR is the office VPN"
    legacy = by["aws_security_group.legacy"]["suppressions"]
    assert legacy[0]["kind"] == "external"
    assert legacy[0]["properties"]["source"] == "baseline"


def test_rule_errors_are_notifications(review_run):
    inv = _log(review_run)["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert inv["toolExecutionNotifications"][0]["descriptor"]["id"] == "TST404"


def test_no_secret_in_output(review_run):
    assert "hunter2" not in json.dumps(_log(review_run))


def test_empty_review_is_valid_and_unlocated_findings_are_valid():
    _validate(to_sarif([], rules=[]))
    f = Finding("TST001", Area.IAC, Severity.LOW, Status.FAIL, "terraform", "no backend")
    log = to_sarif([f], rules=[], fallback_uri="README.md")
    _validate(log)
    result = log["runs"][0]["results"][0]
    loc = result["locations"][0]
    # GitHub rejects the whole upload when a result has no physical location
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "README.md"
    assert loc["physicalLocation"]["region"]["startLine"] == 1
    assert result["properties"]["repository_level"] is True
    assert "ruleIndex" not in log["runs"][0]["results"][0]


@pytest.mark.parametrize(
    ("sev", "level"),
    [
        (Severity.CRITICAL, "error"),
        (Severity.HIGH, "error"),
        (Severity.MEDIUM, "warning"),
        (Severity.LOW, "note"),
        (Severity.INFO, "note"),
    ],
)
def test_levels(sev, level):
    assert level_of(sev) == level


def test_every_result_has_a_physical_location(review_run):
    for fmt_kwargs in ({}, {"include_pass": True}):
        for r in _log(review_run, **fmt_kwargs)["runs"][0]["results"]:
            assert r["locations"]
            assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def test_uri_prefix_for_sub_directory_scans(review_run):
    log = _log(review_run, uri_prefix="/infra/")
    _validate(log)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]
    }
    assert uris == {"infra/net%20work/main.tf"}
