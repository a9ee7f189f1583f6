"""Baseline files: create, load, apply; only new findings stay active."""

from __future__ import annotations

import dataclasses
import json

import pytest

from infra_review.graph import ResourceGraph
from infra_review.model import Area, Finding, Resource, Severity, SourceLocation, Status
from infra_review.review.baseline import Baseline, BaselineError, fingerprint
from infra_review.review.engine import exit_code, review
from infra_review.rules import Hit, rule


def _f(addr, msg="SSH open", attr="ingress[0]", status=Status.FAIL, line=3):
    return Finding("NET007", Area.NETWORK_SECURITY, Severity.CRITICAL, status, addr, msg,
                   file="sg.tf", line=line, attribute=attr)


def test_round_trip(tmp_path):
    findings = [_f("aws_security_group.a"), _f("aws_security_group.b"), _f("aws_security_group.c",
                status=Status.PASS), dataclasses.replace(_f("aws_security_group.d"), suppressed=True)]
    bl = Baseline.from_findings(findings)
    assert len(bl) == 2  # PASS and already-suppressed findings are not baselined
    path = tmp_path / "baseline.json"
    bl.save(path)
    data = json.loads(path.read_text())
    assert data["version"] == 1
    assert data["tool"] == "infra-review"
    assert {e["address"] for e in data["findings"]} == {"aws_security_group.a", "aws_security_group.b"}
    loaded = Baseline.load(path)
    assert loaded.fingerprints == bl.fingerprints
    assert loaded.path == str(path)


def test_apply_marks_known_and_keeps_new():
    old = [_f("aws_security_group.a")]
    bl = Baseline.from_findings(old)
    now = [_f("aws_security_group.a", line=40),            # moved in the file: still known
           _f("aws_security_group.a", msg="SSH and RDP open"),  # changed problem: new
           _f("aws_security_group.b")]                     # new resource: new
    out = bl.apply(now)
    assert [f.suppressed for f in out] == [True, False, False]
    assert out[0].suppression_source == "baseline"
    assert out[0].suppression_reason.startswith("accepted in baseline created ")
    assert exit_code(out[:1], Severity.HIGH) == 0
    assert exit_code(out, Severity.HIGH) == 1


def test_fingerprint_ignores_line_and_whitespace():
    assert fingerprint(_f("x", line=1)) == fingerprint(_f("x", msg="SSH  open", line=99))
    assert fingerprint(_f("x")) != fingerprint(_f("x", attr="ingress[1]"))


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        ("{not json", "not JSON"),
        ("[]", "no 'findings' list"),
        ('{"version": 9, "findings": []}', "unsupported baseline version"),
        ('{"version": 1, "findings": [{"rule_id": "X"}]}', "entry 0 has no fingerprint"),
    ],
)
def test_bad_baseline_files(tmp_path, content, detail):
    p = tmp_path / "b.json"
    p.write_text(content)
    with pytest.raises(BaselineError, match=detail):
        Baseline.load(p)


def test_missing_baseline(tmp_path):
    with pytest.raises(BaselineError, match="no such file"):
        Baseline.load(tmp_path / "nope.json")


def test_review_with_baseline_path(tmp_path):
    def body(rg):
        for r in rg.resources("aws_security_group"):
            yield Hit(r, f"{r.name} open", "ingress")

    body.__doc__ = "T.\n\nRemediation\n-----------\nx\n"
    r = rule("TST301", area=Area.NETWORK_SECURITY, severity=Severity.HIGH, title="t",
             register=False)(body).rule
    rg = ResourceGraph()
    rg.add(Resource("aws_security_group.a", "aws_security_group", source=SourceLocation("sg.tf", 1)))
    first = review(rg, rules=[r])
    path = tmp_path / "bl.json"
    Baseline.from_findings(first).save(path)
    rg.add(Resource("aws_security_group.b", "aws_security_group", source=SourceLocation("sg.tf", 9)))
    second = {f.address: f for f in review(rg, rules=[r], baseline=str(path))}
    assert second["aws_security_group.a"].suppressed
    assert not second["aws_security_group.b"].suppressed
    assert len(second) == 2  # baselined findings stay visible
