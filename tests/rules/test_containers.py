"""Containers rules beyond the fixtures: severities, locations, redaction, graph-aware cases."""

from __future__ import annotations

from pathlib import Path

from infra_review.model import Severity, Status
from infra_review.pipeline import load_repo
from infra_review.review.engine import review
from infra_review.rules import RULES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _review(root: Path, rule_id: str):
    rg = load_repo(root, cache=False, isolate=False).graph
    return rg, [f for f in review(rg, select=[rule_id]) if f.status != Status.PASS]


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_every_containers_and_deployment_rule_has_fixtures_and_docs():
    ids = sorted(r for r in RULES if r.startswith(("CTR", "DEP")))
    assert len(ids) == 28
    for rid in ids:
        assert (FIXTURES / rid).is_dir(), rid
        rule = RULES[rid]
        for section in ("Why it matters", "Remediation", "Example"):
            assert rule.section(section), f"{rid} lacks {section}"


def test_probe_severities_and_container_lines():
    _, findings = _review(FIXTURES / "CTR008", "CTR008")
    by = {(f.address.rsplit("/", 1)[-1], f.attribute.rsplit(".", 1)[-1]): f for f in findings}
    assert by[("fail-no-probes", "readinessProbe")].severity == Severity.MEDIUM
    assert by[("fail-no-probes", "livenessProbe")].severity == Severity.LOW
    # the sidecar of the DaemonSet, not the probed main container
    sidecar = by[("fail-sidecar-unprobed", "readinessProbe")]
    assert sidecar.attribute == "spec.template.spec.containers[1].readinessProbe"
    assert sidecar.line == 38  # the "- {name: sidecar ...}" line


def test_limits_lowered_by_limitrange():
    _, findings = _review(FIXTURES / "CTR011", "CTR011")
    sev = {f.address.rsplit("/", 1)[-1]: f.severity for f in findings}
    assert sev["fail-no-resources"] == Severity.HIGH
    assert sev["fail-no-cpu-limit"] == Severity.LOW
    assert sev["fail-limitrange-lowered"] == Severity.MEDIUM


def test_security_context_critical_and_duplicate_key():
    _, findings = _review(FIXTURES / "CTR014", "CTR014")
    by = {f.address.rsplit("/", 1)[-1]: f for f in findings}
    assert by["fail-privileged"].severity == Severity.CRITICAL
    assert by["fail-duplicate-privileged"].severity == Severity.CRITICAL
    assert "privileged" in by["fail-duplicate-privileged"].message
    assert "runtime socket" in by["fail-host-network-docker-sock"].message
    assert by["fail-no-security-context"].severity == Severity.HIGH


def test_secret_values_never_in_findings():
    for rid in ("CTR005", "CTR006", "CTR007"):
        _, findings = _review(FIXTURES / rid, rid)
        text = repr([(f.message, dict(f.evidence)) for f in findings])
        for secret in (
            "Sup3rS3cret!",
            "npm_s3cr3tvalue123",
            "AKIAIOSFODNN7EXAMPLE",
            "Pr0d-P@ssw0rd",
            "cHJvZC1wYXNzd29yZA==",
            "pr0d-db-p4ss",
            "example-pass-123",
        ):
            assert secret not in text, (rid, secret)


def test_secret_rules_are_not_downgraded_in_dev(tmp_path):
    root = _write(tmp_path, {"dev/Dockerfile": "FROM alpine:3.20\nENV API_TOKEN=abcd1234efgh5678\n"})
    _, findings = _review(root, "CTR005")
    assert [f.severity for f in findings] == [Severity.CRITICAL]


def test_dockerfile_finding_points_at_the_instruction(tmp_path):
    root = _write(tmp_path, {"svc/Dockerfile": 'FROM alpine:3.20\nRUN echo\nUSER root\nCMD ["/a"]\n'})
    _, findings = _review(root, "CTR015")
    assert [(f.file, f.line) for f in findings] == [("svc/Dockerfile", 3)]


def test_healthcheck_is_info_when_the_workload_has_probes(tmp_path):
    root = _write(
        tmp_path,
        {
            "api/Dockerfile": "FROM alpine:3.20\n",
            "k8s/api.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n"
                "    spec:\n      containers:\n      - name: api\n        image: ghcr.io/acme/api:1.0\n"
                "        readinessProbe: {httpGet: {path: /, port: 80}}\n"
            ),
        },
    )
    _, findings = _review(root, "CTR009")
    assert [(f.address, f.severity) for f in findings] == [("docker:api/Dockerfile#0", Severity.INFO)]


def test_network_policy_namespace_without_object_fails_workloads_only(tmp_path):
    root = _write(
        tmp_path,
        {
            "k8s/a.yaml": (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a, namespace: x}\nspec:\n"
                "  template:\n    metadata: {labels: {app: a}}\n    spec:\n"
                "      containers: [{name: a, image: a:1}]\n"
            )
        },
    )
    _, findings = _review(root, "CTR016")
    assert [f.address for f in findings] == ["k8s:apps/Deployment/x/a"]
