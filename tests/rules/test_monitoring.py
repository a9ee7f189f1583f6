"""MON001–MON010: fixtures (exact FAIL/UNKNOWN sets, rule run alone) and graph-level cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_review.graph import ResourceGraph
from infra_review.model import FileStatus, Resource, Severity, Status, Unresolved
from infra_review.pipeline import load_repo
from infra_review.rules import RULES
from infra_review.rules import monitoring as mon

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
IDS = [f"MON{n:03d}" for n in range(1, 11)]


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


def test_mon001_pass_hits_carry_alarms_and_metric_gaps():
    rg, hits = run_fixture("MON001")
    passed = {h.resource.address: h for h in hits if h.status is Status.PASS}
    assert set(passed) == {"aws_instance.pass_web", "aws_db_instance.pass_db", "aws_lb.pass_lb"}
    web = passed["aws_instance.pass_web"].evidence
    assert web["alarms"][0]["alarm"] == "aws_cloudwatch_metric_alarm.web_cpu"
    assert web["missing_metrics"] == ["memory", "disk", "network"]
    assert passed["aws_db_instance.pass_db"].evidence["alarms"][0]["via"] == "literal"
    ev = mon.evidence_alarm_coverage(rg)
    assert "aws_sqs_queue.fail_queue" in ev["unmonitored"]
    assert ev["ratio"] == 0.5


def test_mon001_count_alarms_cover_each_instance(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_instance" "web" {\n  count = 2\n  instance_type = "t3.micro"\n}\n'
        'resource "aws_cloudwatch_metric_alarm" "cpu" {\n  count = 2\n  metric_name = "CPUUtilization"\n'
        "  dimensions = { InstanceId = aws_instance.web[count.index].id }\n}\n"
    )
    rg = load_repo(tmp_path, workers=1, cache=False).graph
    assert not [h for h in RULES["MON001"](rg) if h.status is not Status.PASS]


def test_mon003_platform_collector_silences_per_workload_flags():
    rg = ResourceGraph()
    rg.add(Resource("aws_lambda_function.f", "aws_lambda_function"))
    assert [h.status for h in mon.workload_without_apm(rg)] == [Status.FAIL]
    rg.add(Resource("aws_cloudwatch_log_metric_filter.m", "aws_cloudwatch_log_metric_filter"))
    assert list(mon.workload_without_apm(rg)) == []
    assert mon.evidence_apm(rg)["platform"] == ["aws_cloudwatch_log_metric_filter.m"]


def test_mon003_kubernetes_workload_instrumentation():
    def dep(name, env=None, annotations=None):
        return Resource(
            f"k8s:apps/Deployment/default/{name}",
            "k8s:Deployment",
            block="k8s",
            format="kubernetes",
            meta={"name": name, "namespace": "default"},
            attrs={
                "kind": "Deployment",
                "metadata": {"name": name},
                "spec": {
                    "template": {
                        "metadata": {"annotations": annotations or {}},
                        "spec": {"containers": [{"name": "c", "image": "app:1", "env": env or []}]},
                    }
                },
            },
        )

    rg = ResourceGraph()
    rg.add(dep("plain"))
    rg.add(dep("otel", env=[{"name": "OTEL_SERVICE_NAME", "value": "x"}]))
    rg.add(dep("injected", annotations={"instrumentation.opentelemetry.io/inject-java": "true"}))
    assert [h.resource.name for h in mon.workload_without_apm(rg)] == ["plain"]


def test_mon005_trail_absence_is_evidence_not_a_fail():
    rg = ResourceGraph()
    ev = mon.evidence_audit_logging(rg)
    assert "organisation trail" in ev["summary"]
    assert list(mon.flow_logs_and_trail(rg)) == []


def test_mon005_unresolved_flow_log_vpc_is_unknown():
    rg = ResourceGraph()
    rg.add(Resource("aws_vpc.v", "aws_vpc"))
    rg.add(Resource("aws_flow_log.f", "aws_flow_log", attrs={"vpc_id": Unresolved("var.vpc_id")}))
    assert [h.status for h in mon.flow_logs_and_trail(rg)] == [Status.UNKNOWN]


def test_mon007_prometheus_rule_alerts():
    pr = Resource(
        "k8s:monitoring.coreos.com/PrometheusRule/mon/api",
        "k8s:PrometheusRule",
        block="k8s",
        attrs={
            "spec": {
                "groups": [
                    {
                        "name": "api",
                        "rules": [
                            {
                                "alert": "Good",
                                "expr": "up == 0",
                                "for": "5m",
                                "labels": {"severity": "page"},
                                "annotations": {"runbook_url": "https://runbooks/x"},
                            },
                            {"alert": "Bad", "expr": "up == 0"},
                            {"record": "job:x:rate5m", "expr": "rate(x[5m])"},
                        ],
                    }
                ]
            }
        },
    )
    rg = ResourceGraph()
    rg.add(pr)
    attrs = sorted(h.attribute for h in mon.alarm_thresholds(rg))
    assert attrs == ["spec.groups[0].rules[1].for", "spec.groups[0].rules[1].labels"]
    assert [h.attribute for h in mon.alert_without_runbook(rg)] == ["spec.groups[0].rules[1].annotations"]


def test_mon008_any_slo_object_clears_the_flag():
    rg = ResourceGraph()
    rg.add(Resource("aws_apigatewayv2_api.a", "aws_apigatewayv2_api"))
    assert len(list(mon.no_slo(rg))) == 1
    rg.add(
        Resource(
            "k8s:sloth.slok.dev/PrometheusServiceLevel/default/api", "k8s:PrometheusServiceLevel", block="k8s"
        )
    )
    assert list(mon.no_slo(rg)) == []
    assert mon.evidence_slo(rg)["entry_points"] == ["aws_apigatewayv2_api.a"]


def test_evidence_functions_return_summaries():
    rg, _ = run_fixture("MON010")
    for fn in (
        mon.evidence_alarm_coverage,
        mon.evidence_apm,
        mon.evidence_audit_logging,
        mon.evidence_chaos,
        mon.evidence_runbooks,
        mon.evidence_slo,
    ):
        ev = fn(rg)
        assert isinstance(ev["summary"], str)
        assert ev["summary"]
    assert mon.evidence_chaos(rg)["experiments"] == [
        "aws_fis_experiment_template.pass_guarded",
        "aws_fis_experiment_template.fail_unguarded",
    ]


def test_mon003_envfrom_configmap_and_infrastructure_images():
    def dep(name, container):
        return Resource(
            f"k8s:apps/Deployment/shop/{name}",
            "k8s:Deployment",
            block="k8s",
            format="kubernetes",
            meta={"name": name, "namespace": "shop"},
            attrs={"spec": {"template": {"spec": {"containers": [container]}}}},
        )

    rg = ResourceGraph()
    rg.add(
        Resource(
            "k8s:core/ConfigMap/shop/api-config",
            "k8s:ConfigMap",
            block="k8s",
            attrs={"data": {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"}},
        )
    )
    rg.add(
        dep(
            "api",
            {"name": "api", "image": "acme/api:1", "envFrom": [{"configMapRef": {"name": "api-config"}}]},
        )
    )
    rg.add(dep("web", {"name": "web", "image": "nginx:1.27"}))
    rg.add(dep("worker", {"name": "worker", "image": "acme/worker:1"}))
    assert [h.resource.name for h in mon.workload_without_apm(rg)] == ["worker"]
    assert mon.evidence_apm(rg)["workloads"] == {
        "k8s:apps/Deployment/shop/api": "env OTEL_EXPORTER_OTLP_ENDPOINT"
    }


def test_mon004_log_shipper_for_eks_workloads():
    rg = ResourceGraph()
    rg.add(
        Resource("aws_eks_cluster.main", "aws_eks_cluster", attrs={"enabled_cluster_log_types": ["audit"]})
    )
    assert list(mon.logs_missing(rg)) == []  # no workloads in this repository: nothing to ship
    rg.add(
        Resource(
            "k8s:apps/Deployment/default/api",
            "k8s:Deployment",
            block="k8s",
            attrs={"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "acme/api:1"}]}}}},
        )
    )
    [hit] = mon.logs_missing(rg)
    assert hit.severity is Severity.INFO
    rg.add(Resource("helm_release.logs", "helm_release", attrs={"chart": "fluent-bit"}))
    assert list(mon.logs_missing(rg)) == []
