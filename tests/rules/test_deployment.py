"""Deployment rules beyond the fixtures: replica reasoning, HPA/PDB interplay, severities."""

from __future__ import annotations

from pathlib import Path

from infra_review.model import Severity, Status
from infra_review.pipeline import load_repo
from infra_review.review.engine import review

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
{spec}
"""


def _findings(tmp_path: Path, rule_id: str, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    rg = load_repo(tmp_path, cache=False, isolate=False).graph
    return [f for f in review(rg, select=[rule_id]) if f.status != Status.PASS]


def test_migration_in_daemonset_counts_as_replicated(tmp_path):
    spec = (
        "      initContainers:\n      - {name: m, image: a:1, command: [flyway, migrate]}\n"
        "      containers: [{name: a, image: a:1}]"
    )
    text = DEPLOY.format(name="agent", replicas=1, spec=spec).replace("Deployment", "DaemonSet")
    found = _findings(tmp_path, "DEP004", {"ds.yaml": text.replace("  replicas: 1\n", "")})
    assert [f.address for f in found] == ["k8s:apps/DaemonSet/default/agent"]
    assert found[0].attribute == "spec.template.spec.initContainers[0]"


def test_pdb_with_non_matching_selector_does_not_count(tmp_path):
    spec = "      containers: [{name: a, image: a:1}]"
    pdb = (
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\n"
        "spec: {maxUnavailable: 1, selector: {matchLabels: {app: other}}}\n"
    )
    found = _findings(
        tmp_path, "DEP007", {"d.yaml": DEPLOY.format(name="api", replicas=2, spec=spec), "p.yaml": pdb}
    )
    assert [f.address for f in found] == ["k8s:apps/Deployment/default/api"]
    assert "PodDisruptionBudget" in found[0].message


def test_max_unavailable_percentage_rounds_down(tmp_path):
    spec = "      containers: [{name: a, image: a:1}]"
    text = DEPLOY.format(name="api", replicas=3, spec=spec).replace(
        "  replicas: 3\n", "  replicas: 3\n  strategy: {rollingUpdate: {maxUnavailable: '50%'}}\n"
    )
    pdb = (
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\n"
        "spec: {maxUnavailable: 1, selector: {matchLabels: {app: api}}}\n"
    )
    assert _findings(tmp_path, "DEP007", {"d.yaml": text, "p.yaml": pdb}) == []


def test_prestop_info_only_for_service_backed(tmp_path):
    spec = "      containers: [{name: a, image: a:1}]"
    svc = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
        "spec: {selector: {app: api}, ports: [{port: 80}]}\n"
    )
    found = _findings(
        tmp_path, "DEP009", {"d.yaml": DEPLOY.format(name="api", replicas=2, spec=spec), "s.yaml": svc}
    )
    assert [(f.address, f.severity) for f in found] == [("k8s:apps/Deployment/default/api", Severity.INFO)]


def test_shell_form_inherited_from_an_earlier_stage(tmp_path):
    df = "FROM python:3.12-slim AS base\nCMD python -m app\nFROM base\nUSER 10001\n"
    found = _findings(tmp_path, "DEP010", {"svc/Dockerfile": df})
    assert [f.address for f in found] == ["docker:svc/Dockerfile#1"]


def test_terraform_rules_name_the_attribute():
    rg = load_repo(FIXTURES / "DEP002", cache=False, isolate=False).graph
    found = {f.address: f for f in review(rg, select=["DEP002"])}
    assert found["aws_ecs_service.fail_no_breaker"].attribute == "deployment_circuit_breaker"
    assert found["aws_ecs_service.unknown_rollback"].status == Status.UNKNOWN
    asg = found["aws_autoscaling_group.fail_refresh_no_rollback"]
    assert asg.attribute == "instance_refresh[0].preferences.auto_rollback"
