"""COST001–COST010: fixtures (exact FAIL/UNKNOWN sets, rule run alone) and graph-level cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_review.graph import ResourceGraph
from infra_review.model import FileStatus, Resource, Severity, Status
from infra_review.pipeline import load_repo
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


def _k8s(kind, name, spec, group="apps"):
    return Resource(
        f"k8s:{group}/{kind}/default/{name}",
        f"k8s:{kind}",
        block="k8s",
        format="kubernetes",
        meta={"name": name, "namespace": "default"},
        attrs={"kind": kind, "metadata": {"name": name, "namespace": "default"}, "spec": spec},
    )


def _ng(name, capacity, labels):
    return Resource(
        f"aws_eks_node_group.{name}",
        "aws_eks_node_group",
        provider="aws",
        attrs={
            "node_group_name": name,
            "capacity_type": capacity,
            "labels": labels,
            "scaling_config": [{"min_size": 0, "max_size": 5, "desired_size": 1}],
        },
    )


def test_cost004_node_group_running_only_cronjobs():
    rg = ResourceGraph()
    rg.add(_ng("reports", "ON_DEMAND", {"workload": "reports"}))
    rg.add(_ng("general", "ON_DEMAND", {"workload": "general"}))
    cron = {
        "schedule": "0 2 * * *",
        "jobTemplate": {
            "spec": {
                "template": {
                    "spec": {
                        "nodeSelector": {"workload": "reports"},
                        "containers": [{"name": "r", "image": "acme/r:1"}],
                    }
                }
            }
        },
    }
    rg.add(_k8s("CronJob", "nightly", cron, group="batch"))
    rg.add(
        _k8s(
            "Deployment",
            "api",
            {
                "replicas": 2,
                "template": {
                    "spec": {
                        "nodeSelector": {"workload": "general"},
                        "containers": [{"name": "a", "image": "acme/a:1"}],
                    }
                },
            },
        )
    )
    hits = list(cst.batch_not_on_spot(rg))
    assert [h.resource.address for h in hits] == ["aws_eks_node_group.reports"]
    assert hits[0].evidence["workloads"] == ["k8s:batch/CronJob/default/nightly"]
    assert cst.pods_on_node_group(rg, rg["aws_eks_node_group.general"])[0].name == "api"


def test_cost005_singleton_pinned_to_spot():
    rg = ResourceGraph()
    rg.add(_ng("spot", "SPOT", {"pool": "spot"}))

    def dep(name, replicas, selector):
        return _k8s(
            "Deployment",
            name,
            {
                "replicas": replicas,
                "template": {
                    "spec": {"nodeSelector": selector, "containers": [{"name": "c", "image": "acme/c:1"}]}
                },
            },
        )

    rg.add(dep("lonely", 1, {"pool": "spot"}))
    rg.add(dep("karpenter_single", 1, {"karpenter.sh/capacity-type": "spot"}))
    rg.add(dep("fleet", 3, {"pool": "spot"}))
    rg.add(dep("ondemand", 1, {"pool": "general"}))
    names = sorted(h.resource.name for h in cst.spot_singleton(rg))
    assert names == ["karpenter_single", "lonely"]
