"""COST001–COST010: fixtures (exact FAIL/UNKNOWN sets, rule run alone) and graph-level cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_review.graph import ResourceGraph
from infra_review.loaders.repo import load_repo
from infra_review.model import FileStatus, Resource, Severity, Status
from infra_review.rules import RULES
from infra_review.rules import cost as cst

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
IDS = ["COST001", "COST002", "COST004", "COST005", "COST006", "COST007", "COST008"]


def run_fixture(rule_id: str):
    result = load_repo(FIXTURES / rule_id, workers=1, cache=False)
    rg = result.graph
    assert all(f.status is FileStatus.PARSED for f in rg.files if f.kind == "terraform"), rule_id
    hits = list(RULES[rule_id](rg))
    return rg, hits


@pytest.mark.parametrize("rule_id", IDS)
def test_fixture_exact_sets(rule_id):
    rg, hits = run_fixture(rule_id)
    names = {r.address: r.name for r in rg.resources()}
    fails = {h.resource.address for h in hits if h.status is Status.FAIL}
    unknown = {h.resource.address for h in hits if h.status is Status.UNKNOWN}
    assert fails == {a for a, n in names.items() if n.startswith("fail")}
    assert unknown == {a for a, n in names.items() if n.startswith("unknown")}
    assert any(n.startswith("fail") for n in names.values()), "fixture must contain a failing resource"
    for h in hits:
        assert h.message


@pytest.mark.parametrize("rule_id", IDS)
def test_rule_is_documented(rule_id):
    r = RULES[rule_id]
    for section in ("Why it matters", "Remediation", "Example"):
        assert r.section(section), (rule_id, section)


def test_parse_instance_type_and_inventory():
    assert cst.parse_instance_type("cache.r6g.2xlarge") == ("r6g", "2xlarge", 2)
    rg, _ = run_fixture("COST001")
    inv = cst.evidence_size_inventory(rg)
    assert inv["sizes"]["m5.8xlarge"] == 2
    assert inv["unknown"] == ["aws_instance.unknown_dev_size"]


def test_no_budget_is_a_low_repo_level_finding():
    rg = ResourceGraph()
    rg.add(Resource("provider.aws", "aws", block="provider", attrs={"region": "us-east-1"}))
    rg.add(
        Resource("aws_nat_gateway.n", "aws_nat_gateway", attrs={"tags": {"cost-center": "x"}}, provider="aws")
    )
    hits = list(cst.cost_allocation_tags(rg))
    assert [(h.resource.address, h.severity) for h in hits] == [("provider.aws", Severity.LOW)]


def test_kubernetes_hpa_checks():
    def k8s(kind, name, spec):
        return Resource(
            f"k8s:apps/{kind}/default/{name}",
            f"k8s:{kind}",
            block="k8s",
            format="kubernetes",
            meta={"name": name, "namespace": "default"},
            attrs={"kind": kind, "metadata": {"name": name, "namespace": "default"}, "spec": spec},
        )

    rg = ResourceGraph()
    rg.add(k8s("Deployment", "api", {"replicas": 2, "template": {"metadata": {"labels": {"app": "api"}}}}))
    rg.add(
        k8s(
            "HorizontalPodAutoscaler",
            "api",
            {"scaleTargetRef": {"kind": "Deployment", "name": "api"}, "minReplicas": 3, "maxReplicas": 3},
        )
    )
    rg.add(k8s("Deployment", "web", {"replicas": 2}))
    hits = {(h.resource.name, h.severity) for h in cst.no_autoscaling(rg)}
    assert ("api", None) in hits  # the HPA that cannot scale
    assert ("web", Severity.INFO) in hits  # no HPA at all


def test_commitments_baseline_groups_by_family_and_region():
    rg, _ = run_fixture("COST006")
    ev = cst.evidence_commitments(rg)
    fams = {row["family"] for row in ev["baseline"]}
    assert "ec2:t3" in fams
    assert ev["summary"].startswith("steady-state on-demand baseline")
    est = cst.evidence_cost_estimate(rg)
    assert est["total_usd"] > 0
    assert est["by_area"]["compute"] > 0
