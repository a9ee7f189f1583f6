"""IAC002 evidence stays bounded when many environment directories copy the same blocks."""

from __future__ import annotations

from infra_review.graph import ResourceGraph
from infra_review.model import Resource, SourceLocation
from infra_review.rules import RULES


def test_copy_paste_evidence_is_capped():
    rg = ResourceGraph()
    attrs = {"engine": "mysql", "instance_class": "db.t3.micro", "allocated_storage": 20, "multi_az": False}
    for i in range(40):
        rg.add(
            Resource(
                f"env{i}//aws_db_instance.default",
                "aws_db_instance",
                attrs=dict(attrs),
                source=SourceLocation(f"env{i}/db.tf", 1),
            )
        )
    hits = list(RULES["IAC002"](rg))
    assert len(hits) == 40
    ev = hits[0].evidence
    assert ev["total_copies"] == 40
    assert ev["total_directories"] == 40
    assert len(ev["copies"]) == 10
    assert len(ev["cluster"]) == 10
