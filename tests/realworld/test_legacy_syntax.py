"""Terraform 0.11-era syntax: ``tags { ... }`` blocks count as tags."""

from __future__ import annotations

from infra_review.analysis.tags import effective_tags, missing_keys


def test_tags_block_is_merged(scanned, failing):
    loaded, run = scanned("tf011_tags_block")
    assert run.errors == []
    web = loaded.graph.get("aws_instance.web")
    et = effective_tags(loaded.graph, web)
    assert et.tags["Environment"] == "production"
    assert missing_keys(et) == []
    assert failing(run, "IAC011") == {"aws_instance.batch"}
    assert failing(run, "COST008") >= {"aws_instance.batch"}
    assert "aws_instance.web" not in failing(run, "COST008")
