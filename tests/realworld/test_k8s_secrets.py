"""Committed Kubernetes Secrets: CTR006 reports every one, RED003 only those holding credentials."""

from __future__ import annotations

NS = "k8s:core/Secret/monitoring"


def test_only_credential_secrets_are_hardcoded_secrets(scanned, failing):
    _, run = scanned("k8s_config_secrets")
    assert run.errors == []
    assert failing(run, "CTR006") == {
        f"{NS}/dashboards-config",
        f"{NS}/dashboards-datasources",
        f"{NS}/dashboards-admin",
    }
    assert failing(run, "RED003") == {f"{NS}/dashboards-admin"}


def test_observability_stack_needs_no_apm():
    from infra_review.rules.monitoring import _is_infra_image

    stack = [
        "grafana/grafana:11.1.0",
        "quay.io/prometheus/alertmanager:v0.26.0",
        "registry.k8s.io/ingress-nginx/controller:v1.9.0",
        "gcr.io/google-samples/cassandra:v14",
    ]
    assert all(_is_infra_image(i) for i in stack)
    apps = ("ghcr.io/acme/controller:1.0", "registry.k8s.io/guestbook:v3")
    assert not any(_is_infra_image(i) for i in apps)
