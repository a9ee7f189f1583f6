"""Helm values: literal credentials found at their line, Secret references not reported."""

from __future__ import annotations

VALUES = "charts/notebook/values.yaml"


def test_literal_password_in_extra_config_is_reported(scanned):
    _, run = scanned("helm_values_secrets")
    assert run.errors == []
    hits = [f for f in run.findings if f.rule_id == "RED003" and f.status.name == "FAIL"]
    assert [(f.address, f.file, f.line) for f in hits] == [(f"helm:{VALUES}", VALUES, 5)]
    assert "notebook-demo-pass" not in hits[0].message  # redacted


def test_template_is_skipped_with_a_reason(scanned):
    loaded, _ = scanned("helm_values_secrets")
    rec = loaded.file("charts/notebook/templates/deployment.yaml")
    assert rec is not None
    assert rec.status == "skipped"
    assert "helm" in rec.reason
