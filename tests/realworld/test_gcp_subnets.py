"""GCP flow logs (MON005) through a dynamic ``log_config`` switched by a string flag."""

from __future__ import annotations

SUBNET = 'module.subnets.google_compute_subnetwork.this["europe-west1/{}"]'


def test_only_the_subnet_without_flow_logs_fails(scanned, failing):
    loaded, run = scanned("gcp_subnets_module")
    assert run.errors == []
    subnets = {r.address for r in loaded.graph.resources("google_compute_subnetwork")}
    assert subnets == {SUBNET.format(n) for n in ("app", "data", "edge", "proxy")}
    assert failing(run, "MON005") == {SUBNET.format("app")}
