"""review(): selection, hit → finding, environment drop, crash isolation, de-dup, order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra_review.graph import ResourceGraph
from infra_review.loaders.repo import LoadResult
from infra_review.model import Area, Resource, Severity, SourceLocation, Status, Unresolved
from infra_review.model.errors import UnknownRuleError
from infra_review.review.engine import (
    exit_code,
    finding_to_dict,
    nonprod_reason,
    resolve_selection,
    review,
    scrub,
)
from infra_review.rules import Hit, rule

DOC = """{summary}

Why it matters
--------------
Because.

Remediation
-----------
Fix ``{rid}`` like this.

Example
-------
.. code-block:: hcl

    resource "x" "y" {{}}
"""


def _make(rid, area, sev, body, *, no_env_downgrade=False, checkov=()):
    body.__doc__ = DOC.format(summary=f"Test rule {rid}.", rid=rid)
    return rule(rid, area=area, severity=sev, title=f"title {rid}", register=False,
                no_env_downgrade=no_env_downgrade, checkov=checkov)(body).rule


def _instances(rg):
    for r in rg.resources("aws_instance"):
        yield Hit(r, f"{r.name} flagged", "instance_type",
                  evidence={"instance_type": r.attrs.get("instance_type")})


R1 = _make("TST101", Area.IAC, Severity.HIGH, _instances)


def _secret_rule(rg):
    for r in rg.resources("aws_db_instance"):
        yield Hit(r, "password is a literal", "password", evidence={"password": "hunter2hunter2"})


R2 = _make("TST102", Area.RED_FLAGS, Severity.CRITICAL, _secret_rule, no_env_downgrade=True)


def _crash(rg):
    for r in rg.resources("aws_instance"):
        yield Hit(r, "before crash")
        raise KeyError("secret-value-from-repo")


R3 = _make("TST103", Area.NETWORK_SECURITY, Severity.MEDIUM, _crash)


def _dupes_and_unknown(rg):
    for r in rg.resources("aws_instance"):
        yield Hit(r, "same")
        yield Hit(r, "same")
        if isinstance(r.attrs.get("instance_type"), Unresolved):
            yield Hit(r, "type unknown", "instance_type", status=Status.UNKNOWN)
        yield Hit(r, "ok", status=Status.PASS, severity=Severity.LOW)


R4 = _make("TST104", Area.COST, Severity.LOW, _dupes_and_unknown)
ALL = [R1, R2, R3, R4]


@pytest.fixture
def rg():
    g = ResourceGraph()
    g.add(Resource("provider.aws", "aws", block="provider"))
    g.add(Resource("provider.aws.sandbox", "aws", block="provider",
                   attrs={"default_tags": [{"tags": {"Env": "sandbox"}}]}))
    g.add(Resource("aws_instance.web", "aws_instance", attrs={"instance_type": "t3.micro"},
                   source=SourceLocation("compute.tf", 10, 20), provider="aws"))
    g.add(Resource("aws_instance.api", "aws_instance", attrs={"instance_type": Unresolved("var.t")},
                   source=SourceLocation("compute.tf", 30, 40), provider="aws"))
    g.add(Resource("aws_instance.box", "aws_instance", attrs={"tags": {"environment": "dev"}},
                   source=SourceLocation("compute.tf", 50, 60), provider="aws"))
    g.add(Resource("aws_instance.tool", "aws_instance", source=SourceLocation("tools.tf", 1, 5),
                   provider="aws.sandbox"))
    g.add(Resource("aws_db_instance.test_db", "aws_db_instance", source=SourceLocation("db.tf", 3, 9)))
    return g


def test_hit_becomes_finding_with_rule_fields(rg):
    fs = [f for f in review(rg, rules=ALL, select=["TST101"]) if f.address == "aws_instance.web"]
    assert len(fs) == 1
    f = fs[0]
    assert (f.rule_id, f.area, f.severity, f.status) == ("TST101", Area.IAC, Severity.HIGH, Status.FAIL)
    assert (f.file, f.line, f.attribute) == ("compute.tf", 10, "instance_type")
    assert f.title == "title TST101"
    assert f.remediation == "Fix ``TST101`` like this."
    assert f.evidence == {"instance_type": "t3.micro"}


def test_hit_location_overrides_resource_source():
    g = ResourceGraph()
    g.add(Resource("docker:app/Dockerfile#final", "dockerfile", block="dockerfile",
                   source=SourceLocation("app/Dockerfile", 1, 12)))

    def body(rg):
        for r in rg.resources("dockerfile"):
            yield Hit(r, "USER root", "USER", location=SourceLocation("app/Dockerfile", 9))

    r = _make("TST105", Area.CONTAINERS, Severity.MEDIUM, body)
    (f,) = review(g, rules=[r])
    assert (f.file, f.line) == ("app/Dockerfile", 9)


def test_environment_drop_tags_provider_default_tags_and_names(rg):
    sev = {f.address: f for f in review(rg, rules=ALL, select="TST101")}
    assert sev["aws_instance.web"].severity is Severity.HIGH
    assert sev["aws_instance.box"].severity is Severity.MEDIUM
    assert "environment=dev" in sev["aws_instance.box"].evidence["severity_adjusted"]
    assert sev["aws_instance.tool"].severity is Severity.MEDIUM  # provider default_tags Env=sandbox
    assert "provider default_tag" in sev["aws_instance.tool"].evidence["severity_adjusted"]
    assert "severity_adjusted" not in sev["aws_instance.web"].evidence


def test_no_env_downgrade_rules_keep_severity(rg):
    (f,) = review(rg, rules=ALL, select="TST102")
    assert f.address == "aws_db_instance.test_db"
    assert nonprod_reason(rg["aws_db_instance.test_db"]) == "name test_db"
    assert f.severity is Severity.CRITICAL


@pytest.mark.parametrize(
    ("res", "expected"),
    [
        (Resource("aws_instance.a", "aws_instance", attrs={"tags": {"Environment": "Production"}}), ""),
        (Resource("aws_instance.a", "aws_instance", attrs={"tags": {"env": "staging"}}), ""),
        (Resource("aws_instance.a", "aws_instance", attrs={"tags": {"env": Unresolved("var.env")}}), ""),
        (Resource("aws_instance.a", "aws_instance", attrs={"tags": {"ENV": "test"}}), "tag ENV=test"),
        (Resource("aws_instance.a", "aws_instance", attrs={"tags": {"env": "dev-eu"}}), "tag env=dev-eu"),
        (Resource("aws_instance.a", "aws_instance", attrs={"tags": {"env": "production"}}), ""),
        (Resource("aws_instance.contest", "aws_instance"), ""),
        (Resource("aws_instance.dev-runner", "aws_instance"), "name dev-runner"),
        (Resource("module.sandbox.aws_instance.a", "aws_instance", module="module.sandbox"),
         "module sandbox"),
        (Resource("aws_instance.a", "aws_instance", source=SourceLocation("envs/dev/main.tf", 1)),
         "path dev/"),
        (Resource("aws_instance.a", "aws_instance", source=SourceLocation("envs/prod/main.tf", 1)), ""),
        (Resource("k8s:apps/Deployment/dev/api", "k8s:Deployment", block="k8s"), "namespace dev"),
        (Resource("k8s:apps/Deployment/shop/api", "k8s:Deployment", block="k8s",
                  attrs={"metadata": {"labels": {"env": "dev"}}}), "tag env=dev"),
    ],
)
def test_nonprod_reason(res, expected):
    assert nonprod_reason(res) == expected


def test_crashing_rule_is_isolated_and_reported_without_repo_text(rg):
    run = review(rg, rules=ALL)
    assert [e.rule_id for e in run.errors] == ["TST103"]
    err = run.errors[0]
    assert err.error_type == "KeyError"
    assert "secret-value-from-repo" not in err.message
    assert "_crash" in err.message
    assert err.hits_kept == 1
    # the other rules still ran
    assert {f.rule_id for f in run.findings} >= {"TST101", "TST102", "TST104"}
    assert set(run.timings) == {"TST101", "TST102", "TST103", "TST104"}


def test_rule_yielding_garbage_is_an_error(rg):
    def body(rg):
        yield "not a hit"

    run = review(rg, rules=[_make("TST106", Area.IAC, Severity.LOW, body)])
    assert run.findings == []
    assert run.errors[0].error_type == "TypeError"


def test_dedupe_unknown_pass_and_order(rg):
    fs = review(rg, rules=ALL, select=["TST104", "TST101"])
    t104 = [(f.address, f.status, f.message) for f in fs if f.rule_id == "TST104"]
    assert t104.count(("aws_instance.web", Status.FAIL, "same")) == 1
    assert ("aws_instance.api", Status.UNKNOWN, "type unknown") in t104
    statuses = [f.status for f in fs]
    assert statuses == sorted(statuses, key=[Status.FAIL, Status.UNKNOWN, Status.PASS].index)
    fails = [f for f in fs if f.status == Status.FAIL]
    keys = [(-f.severity, f.file, f.line) for f in fails]
    assert keys == sorted(keys)
    assert fails[0].severity is Severity.HIGH


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        (None, None, ["TST101", "TST102", "TST103", "TST104"]),
        (["TST101,tst102"], None, ["TST101", "TST102"]),
        (["red_flags", "network-security"], None, ["TST102", "TST103"]),
        (["TST"], ["TST103", "cost"], ["TST101", "TST102"]),
        (None, "iac", ["TST102", "TST103", "TST104"]),
        (["spof"], None, []),  # a known area with no rules selects nothing
    ],
)
def test_selection(select, ignore, expected):
    assert [r.id for r in resolve_selection(select, ignore, ALL)] == expected


@pytest.mark.parametrize("bad", ["NET999X", "nosucharea", "TST9"])
def test_unknown_selection_raises(bad, rg):
    with pytest.raises(UnknownRuleError) as exc:
        review(rg, rules=ALL, select=[bad])
    assert exc.value.rule_id == bad
    with pytest.raises(UnknownRuleError):
        review(rg, rules=ALL, ignore=bad)


def test_default_uses_the_registry():
    from infra_review.rules import RULES

    assert [r.id for r in resolve_selection()] == sorted(RULES)


def test_scrub_redacts_secret_keys_and_is_json_safe():
    ev = {
        "password": "hunter2",
        "master_password": Unresolved("var.pw"),
        "secret_name": "prod/db",
        "nested": {"api_key": ["a", "b"], "Token": "x" * 40},
        "ports": frozenset({443, 22}),
        "sev": Severity.HIGH,
        "res": Resource("aws_instance.x", "aws_instance"),
    }
    out = scrub(ev)
    assert out["password"] == "<redacted>"
    assert out["master_password"] == "${var.pw}"
    assert out["secret_name"] == "prod/db"
    assert out["nested"] == {"api_key": "<redacted>", "Token": "<redacted>"}
    assert out["ports"] == [22, 443]
    assert out["sev"] == 3
    assert out["res"] == "aws_instance.x"
    json.dumps(out)


def test_secret_evidence_never_reaches_the_finding(rg):
    (f,) = review(rg, rules=ALL, select="TST102")
    d = finding_to_dict(f)
    assert "hunter2" not in json.dumps(d)
    assert d["evidence"]["password"] == "<redacted>"
    assert d["severity"] == "critical"
    assert d["status"] == "FAIL"
    assert d["area"] == "red_flags"


def test_exit_code(rg):
    fs = review(rg, rules=ALL)
    assert exit_code(fs, Severity.HIGH) == 1
    assert exit_code(fs, None) == 0
    only_low = [f for f in fs if f.severity <= Severity.MEDIUM]
    assert exit_code(only_low, Severity.HIGH) == 0
    assert exit_code(only_low, Severity.LOW) == 1
    unknown = [f for f in fs if f.status != Status.FAIL]
    assert exit_code(unknown, Severity.INFO) == 0


def test_review_accepts_a_load_result(rg):
    loaded = LoadResult(rg, [], [], {}, Path("."))
    result = review(loaded, rules=ALL, select="TST101")
    assert result.load is loaded
    assert result.graph is rg
    assert result.findings == review(rg, rules=ALL, select="TST101").findings
    assert review(rg, rules=ALL).load is None
