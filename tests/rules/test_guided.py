"""Guided questions: registered, and their evidence functions read the graph."""

from __future__ import annotations

import json

import pytest

from infra_review.graph import ResourceGraph
from infra_review.model import Area, FileRecord, FileStatus, Resource, SourceLocation, Unresolved
from infra_review.model.facts import RepoFacts
from infra_review.rules import GUIDED
from infra_review.rules.guided import QUESTIONS


def _r(addr, kind, block="resource", **attrs):
    return Resource(addr, kind, block=block, attrs=attrs, source=SourceLocation("main.tf", 1), provider="aws")


@pytest.fixture
def rg():
    g = ResourceGraph()
    g.add(Resource("provider.aws", "aws", block="provider", attrs={"region": "eu-west-1"}))
    g.add(_r("aws_instance.web", "aws_instance", instance_type="m5.large", monitoring=True))
    g.add(_r("aws_instance.batch", "aws_instance", instance_type="c5.4xlarge",
             subnet_id="subnet-0123456789abcdef0"))
    g.add(_r("aws_db_instance.main", "aws_db_instance", instance_class="db.r6g.large",
             backup_retention_period=7, multi_az=True))
    g.add(_r("aws_dynamodb_table.t", "aws_dynamodb_table", point_in_time_recovery=[{"enabled": False}]))
    g.add(_r("aws_cloudwatch_metric_alarm.cpu", "aws_cloudwatch_metric_alarm", metric_name="CPUUtilization",
             namespace="AWS/EC2", threshold=80, period=300, evaluation_periods=2,
             alarm_description="High CPU. Runbook: https://wiki.example/runbooks/cpu",
             dimensions={"InstanceId": Unresolved("aws_instance.web.id", ("aws_instance.web",))}))
    g.add(_r("aws_autoscaling_group.app", "aws_autoscaling_group", min_size=3, max_size=6))
    g.add(_r("aws_launch_template.app", "aws_launch_template", instance_type="m5.xlarge"))
    g.add_edge("aws_autoscaling_group.app", "aws_launch_template.app", "ref", attr="launch_template")
    g.add_edge("aws_cloudwatch_metric_alarm.cpu", "aws_instance.web", "ref", attr="dimensions.InstanceId")
    g.add(_r("aws_ecs_task_definition.migrate", "aws_ecs_task_definition",
             container_definitions=[{"name": "m", "command": ["flyway", "migrate"],
                                     "environment": [{"name": "LAUNCHDARKLY_SDK_KEY", "value": "x"}]}]))
    g.add(_r("import.aws_instance.web", "import", block="import"))
    g.add(_r("aws_instance.legacy", "aws_instance", lifecycle=[{"ignore_changes": ["tags"]}]))
    g.add(Resource("k8s:chaos-mesh.org/PodChaos/shop/kill", "k8s:PodChaos", block="k8s"))
    g.add(Resource("k8s:sloth.slok.dev/PrometheusServiceLevel/shop/api", "k8s:PrometheusServiceLevel",
                   block="k8s"))
    g.files += [FileRecord(p, "other", FileStatus.SKIPPED) for p in (
        "README.md", ".github/workflows/plan.yml", "docs/runbooks/db.md", "modules/vpc/main.tf",
        "docs/dr-plan.md")]
    g.files.append(FileRecord("main.tf", "terraform", FileStatus.PARSED))
    g.facts = RepoFacts(paths=tuple(f.path for f in g.files))  # what the loader would record
    return g


def test_every_question_is_registered_with_evidence():
    assert set(QUESTIONS) <= set(GUIDED)
    for qid in QUESTIONS:
        q = GUIDED[qid]
        assert q.id.startswith("Q-")
        assert isinstance(q.area, Area)
        assert q.question.endswith("?")
        assert q.evidence is not None


def test_related_rule_ids_exist_or_are_pending():
    from infra_review.model.persona import PENDING
    from infra_review.rules import RULES

    for qid in QUESTIONS:
        unknown = [r for r in GUIDED[qid].rule_ids if r not in RULES and r not in PENDING]
        assert not unknown, f"{qid} names unknown rules {unknown}"


def test_evidence_is_json_safe_on_empty_and_populated_graphs(rg):
    for qid in QUESTIONS:
        for graph in (ResourceGraph(), rg):
            ev = GUIDED[qid].evidence(graph)
            assert {"summary", "resources", "items"} <= set(ev)
            assert ev["summary"]
            json.dumps(ev)


def _ev(qid, rg):
    return GUIDED[qid].evidence(rg)


def test_monitoring_coverage_names_unalarmed_resources(rg):
    ev = _ev("Q-MON-COVERAGE", rg)
    assert "aws_instance.batch" in ev["resources"]
    assert "aws_instance.web" not in ev["resources"]
    assert ev["summary"].startswith(f"{len(ev['resources'])} resource(s) have no CloudWatch alarm")


def test_specific_evidence(rg):
    assert _ev("Q-MON-CHAOS", rg)["resources"] == ["k8s:chaos-mesh.org/PodChaos/shop/kill"]
    assert _ev("Q-MON-SLO", rg)["resources"] == ["k8s:sloth.slok.dev/PrometheusServiceLevel/shop/api"]
    assert _ev("Q-MON-RUNBOOKS", rg)["resources"] == []  # the one alarm links a runbook
    assert "1 runbook file(s)" in _ev("Q-MON-RUNBOOKS", rg)["summary"]
    assert _ev("Q-DEP-MIGRATION", rg)["resources"] == ["aws_ecs_task_definition.migrate"]
    assert _ev("Q-DEP-FLAGS", rg)["resources"] == ["aws_ecs_task_definition.migrate"]
    manual = _ev("Q-RED-MANUAL", rg)
    assert manual["resources"] == ["aws_instance.batch", "import.aws_instance.web"]
    drift = _ev("Q-IAC-DRIFT", rg)
    assert drift["resources"] == ["aws_instance.legacy"]
    assert "1 CI pipeline file(s)" in drift["summary"]
    docs = _ev("Q-RED-DOCS", rg)
    assert "root README present" in docs["summary"]
    assert {"path": "modules/vpc", "what": "Terraform directory without a README"} in docs["items"]
    rpo = {i["address"]: i for i in _ev("Q-BAK-RTO-RPO", rg)["items"]}
    assert rpo["aws_db_instance.main"]["implied_rpo"] == "~5 min (PITR)"
    assert rpo["aws_db_instance.main"]["implied_rto"] == "minutes (automatic failover)"
    assert rpo["aws_dynamodb_table.t"]["implied_rpo"] == "backup plan only"
    assert rpo["aws_db_instance.main"]["region"] == "eu-west-1"
    ri = _ev("Q-COST-RI-SP", rg)
    assert ri["summary"].startswith("steady-state baseline: 4× m5, 1× c5, 1× db.r6g;"), ri["summary"]
    sizes = _ev("Q-COST-RIGHTSIZE", rg)
    assert "aws_instance.batch" in sizes["resources"]
    dr = _ev("Q-BAK-DR", rg)
    assert "1 DR document(s)" in dr["summary"]


def test_collect_isolates_broken_evidence(rg, monkeypatch):
    from infra_review.rules._registry import GuidedQuestion
    from infra_review.rules.guided import collect

    def broken(graph):
        raise KeyError("x")

    monkeypatch.setitem(GUIDED, "Q-TEST-BROKEN", GuidedQuestion("Q-TEST-BROKEN", Area.IAC, "Broken?", broken))
    ev = collect(rg)
    assert set(QUESTIONS) < set(ev)
    assert ev["Q-TEST-BROKEN"]["summary"] == "evidence could not be gathered (KeyError)"
    assert ev["Q-MON-SLO"]["resources"] == ["k8s:sloth.slok.dev/PrometheusServiceLevel/shop/api"]
