"""JUnit XML: one testcase per rule × resource, failures/skipped/errors, parseable."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from infra_review.model import Area, Finding, Severity, Status
from infra_review.report.junit import to_junit


def _parse(run):
    return ET.fromstring(to_junit(run.findings, errors=run.errors).encode())


def test_structure_and_counts(review_run):
    root = _parse(review_run)
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert sorted(suites) == ["TST401", "TST402", "TST403", "TST404"]
    ssh = suites["TST401"]
    cases = {c.get("name"): c for c in ssh.findall("testcase")}
    assert sorted(cases) == ["aws_security_group.jump", "aws_security_group.legacy", "aws_security_group.web"]
    fail = cases["aws_security_group.web"].find("failure")
    assert fail is not None
    assert fail.get("type") == "critical"
    assert "net work/main.tf:1" in fail.text
    assert "Restrict ``cidr_blocks``" in fail.text
    assert cases["aws_security_group.web"].get("classname") == "infra_review.network_security.TST401"
    assert "jump host" in cases["aws_security_group.jump"].find("skipped").get("message")
    assert "baseline" in cases["aws_security_group.legacy"].find("skipped").get("message")
    assert (ssh.get("tests"), ssh.get("failures"), ssh.get("skipped")) == ("3", "1", "2")
    db = suites["TST402"].find("testcase")
    assert db.find("skipped").get("message").startswith("unknown: publicly_accessible")
    crash = suites["TST404"].find("testcase/error")
    assert crash.get("type") == "RuntimeError"
    assert root.get("errors") == "1"
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites.values())
    assert int(root.get("failures")) == 2


def test_pass_only_case_and_multiple_attributes_merge():
    fs = [
        Finding("TST001", Area.IAC, Severity.LOW, Status.PASS, "a.b", "fine"),
        Finding("TST002", Area.IAC, Severity.LOW, Status.FAIL, "a.b", "first", attribute="x"),
        Finding("TST002", Area.IAC, Severity.HIGH, Status.FAIL, "a.b", "second", attribute="y"),
    ]
    root = ET.fromstring(to_junit(fs).encode())
    ok = root.find("testsuite[@name='TST001']/testcase")
    assert list(ok) == []
    cases = root.findall("testsuite[@name='TST002']/testcase")
    assert len(cases) == 1
    failure = cases[0].find("failure")
    assert failure.get("type") == "high"
    assert "first" in failure.text
    assert "second" in failure.text


def test_hostile_strings_stay_well_formed():
    f = Finding("TST001", Area.IAC, Severity.LOW, Status.FAIL, 'x."<&>\x01', "bad \x00 chars ]]> here")
    root = ET.fromstring(to_junit([f]).encode())
    case = root.find("testsuite/testcase")
    assert case.get("name") == 'x."<&>'
    assert "]]> here" in case.find("failure").text


def test_empty():
    root = ET.fromstring(to_junit([]).encode())
    assert root.get("tests") == "0"
