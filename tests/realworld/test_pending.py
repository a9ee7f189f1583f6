"""Real-world constructs that other components do not handle yet (see pending/*/README.md).

Each test states the expected behaviour and is a strict xfail: when the owner fixes it, the
XPASS fails the suite so the marker gets removed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_review.loaders.repo import load_repo

PENDING = Path(__file__).parent / "pending"


@pytest.mark.xfail(strict=True, reason="NET010/011/014 cover AWS only (pending/azure-gcp-network-recall)")
def test_azure_gcp_transport_and_endpoint_recall():
    from infra_review.review import run_review

    rg = load_repo(PENDING / "azure-gcp-network-recall").graph
    run = run_review(rg, select=["NET010", "NET011", "NET014"])
    fails = {(f.rule_id, f.address) for f in run.findings if f.status.name == "FAIL"}
    assert fails >= {
        ("NET011", "azurerm_postgresql_server.plaintext"),
        ("NET010", "azurerm_app_service.plain_http"),
        ("NET014", "google_container_cluster.open_master"),
    }
