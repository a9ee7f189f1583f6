"""Terraform written in older, generated or newest styles: legacy ``map()``/``list()``,
``tags { }`` blocks, CDKTF ``.tf.json``, ``ephemeral`` blocks (Terraform >= 1.10)."""

from __future__ import annotations

from pathlib import Path

from infra_review.model import Unresolved
from infra_review.pipeline import load_repo

FIXTURES = Path(__file__).parent / "fixtures"


def test_legacy_map_function_is_evaluated():
    rg = load_repo(FIXTURES / "legacy-map-function").graph
    assert rg.get("aws_vpc.main").attrs["tags"] == {
        "Name": "shop",
        "Environment": "production",
        "Owner": "platform",
    }


def test_nonprod_reason_reads_tags_blocks():
    from infra_review.review.engine import nonprod_reason

    rg = load_repo(FIXTURES / "tags-block-environment").graph
    assert nonprod_reason(rg.get("aws_instance.sandbox_box"), rg) == "tag Environment=dev"


def test_tfjson_required_providers_are_kept():
    rg = load_repo(FIXTURES / "tfjson-required-providers").graph
    assert rg.get("terraform").attrs["required_providers"] == {"aws": {"source": "aws", "version": "5.31.0"}}


def test_ephemeral_resources_are_nodes():
    rg = load_repo(FIXTURES / "ephemeral-resources").graph
    assert rg.get("ephemeral.aws_secretsmanager_secret_version.db") is not None
    pw = rg.get("aws_db_instance.orders").attrs["password_wo"]
    assert isinstance(pw, Unresolved)
    assert pw.refs == ("ephemeral.aws_secretsmanager_secret_version.db",)
