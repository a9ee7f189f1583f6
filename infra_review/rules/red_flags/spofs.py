"""Red flag: single points of failure ranked by blast radius (RED009)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from infra_review.analysis.blast import rank_spofs
from infra_review.analysis.spof import find_spofs
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Severity
from infra_review.rules._registry import Hit, rule

__all__: list[str] = []


# -- RED009 SPOFs ranked ---------------------------------------------------------------------------


@rule(
    "RED009",
    area=Area.RED_FLAGS,
    severity=Severity.HIGH,
    title="Single points of failure, ranked by blast radius",
    checkov=("CKV_AWS_157", "CKV2_AWS_50"),
)
def spofs_ranked(rg: ResourceGraph) -> Iterator[Hit]:
    """Every single point of failure found by the SPOF analyses (RULES.md §10), one finding per resource,
    ranked by blast radius.

    Uses :func:`infra_review.analysis.blast.rank_spofs` (score = Σ tier weight × prod
    multiplier over what fails with the node); structural singletons reported as info by
    SPOF08 are left out.  The evidence carries the rank, the score, the SPOF rules and the
    blast radius (counts by tier/type, AZs, entry points, data stores hit).

    Why it matters
    --------------
    A single instance, NAT gateway or database takes everything that depends on it down when
    it fails; ranking by blast radius shows which one to fix first.

    Remediation
    -----------
    Spread each tier over at least two AZs: Multi-AZ databases, replication groups with
    automatic failover, ASGs with ``min_size`` ≥ 2, one NAT gateway per AZ.

    Example
    -------
    .. code-block:: hcl

        resource "aws_db_instance" "main" {
          multi_az = true
        }
    """

    spofs = [s for s in find_spofs(rg) if s.status == "FAIL" and s.severity is not Severity.INFO]
    ranked = rank_spofs(rg, spofs)
    by_addr: dict[str, list[Any]] = defaultdict(list)
    order: list[str] = []
    for r in ranked:
        if r.address not in by_addr:
            order.append(r.address)
        by_addr[r.address].append(r)
    total = len(order)
    for rank, addr in enumerate(order, 1):
        entries = by_addr[addr]
        res = rg.get(addr)
        if res is None:
            continue
        top = entries[0]
        br = top.blast
        rules = sorted({e.rule_id for e in entries})
        msgs = "; ".join(f"{e.rule_id}: {e.spof.message}" for e in entries)
        yield Hit(
            res,
            f"SPOF #{rank} of {total} (blast score {top.score}, {len(br.down)} resources down): {msgs}",
            entries[0].spof.attribute,
            evidence={
                "rank": rank,
                "of": total,
                "score": top.score,
                "spof_rules": rules,
                "blast": {
                    "down": len(br.down),
                    "by_tier": dict(br.by_tier),
                    "by_type": dict(br.by_type),
                    "azs": list(br.azs),
                    "entry_points": list(br.entry_points),
                    "data_stores": list(br.data_stores),
                    "prod": br.prod,
                },
            },
        )
