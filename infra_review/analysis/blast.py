"""Blast radius: what fails with a node, and SPOFs ranked by it (RULES.md §10).

The *impact graph* is the ``ref``/``depends_on`` edges plus the runtime edges (``in_subnet``,
``in_vpc``, ``uses_sg``, ``rt_assoc``, ``routes_via``, ``lb_targets``, ``protects``,
``encrypts``, ``assumes``, ``hosted_on``, ``selects``, ``runs_image``), all dependent →
dependency, so the nodes hit when ``N`` fails are the ancestors of ``N``.  Two refinements
keep the answer honest:

* a target group depends on its targets (an extra ``serves`` impact edge), so a standalone
  instance that is the only target takes its target group, load balancer chain and DNS down;
* redundancy: a node whose dependencies of one kind are several (an ASG in three subnets,
  a target group with three targets) is only **degraded** until all of them are hit.
  Degraded nodes are listed apart and do not propagate.

Only managed resources are reported (variables, locals and outputs are traversed through
their direct edges but never listed); glue objects (associations, attachments, rules) are
traversed but left out of the counts.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource
>>> rg = ResourceGraph()
>>> for a, k in [("aws_nat_gateway.a", "aws_nat_gateway"), ("aws_route_table.p", "aws_route_table"),
...              ("aws_subnet.p", "aws_subnet"), ("aws_instance.app", "aws_instance")]:
...     rg.add(Resource(a, k))
>>> rg.add_edge("aws_route_table.p", "aws_nat_gateway.a", "routes_via")
>>> rg.add_edge("aws_subnet.p", "aws_route_table.p", "rt_assoc")
>>> rg.add_edge("aws_instance.app", "aws_subnet.p", "in_subnet")
>>> br = blast_radius(rg, "aws_nat_gateway.a")
>>> br.down, br.by_tier
(('aws_instance.app', 'aws_route_table.p', 'aws_subnet.p'), {'app': 1})
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from infra_review.analysis.net_kinds import DATA_KINDS, LB_KINDS
from infra_review.analysis.network import network_model
from infra_review.analysis.spof import find_spofs
from infra_review.analysis.tags import environment_of
from infra_review.graph import INTERNET, RUNTIME_EDGE_KINDS, ResourceGraph

__all__ = [
    "TIER_WEIGHT",
    "BlastRadius",
    "RankedSpof",
    "blast_radius",
    "impact_graph",
    "rank_spofs",
]

TIER_WEIGHT = {"data": 3.0, "app": 2.0, "edge": 1.0}
PROD_MULTIPLIER = 2.0
IMPACT_EDGE_KINDS = frozenset({"ref", "depends_on", "in_vpc", "serves", *RUNTIME_EDGE_KINDS}) - {"sg_allows"}
#: Edge kinds whose several targets are redundant for the dependent.
REDUNDANT_KINDS = frozenset({"in_subnet", "serves"})
_GLUE = re.compile(
    r"(_association|_attachment|_rule|^aws_route$|_policy$|_lifecycle_hook|_subscription|_alarm$|_version$)"
)
_ENTRY = frozenset(
    {
        *LB_KINDS,
        "aws_lb_listener",
        "aws_alb_listener",
        "aws_cloudfront_distribution",
        "aws_api_gateway_rest_api",
        "aws_apigatewayv2_api",
        "aws_route53_record",
        "aws_globalaccelerator_accelerator",
        "k8s:Ingress",
    }
)


@dataclass
class BlastRadius:
    """What is hit when ``address`` fails."""

    address: str
    down: tuple[str, ...] = ()
    degraded: tuple[str, ...] = ()
    by_tier: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    azs: tuple[str, ...] = ()
    entry_points: tuple[str, ...] = ()
    data_stores: tuple[str, ...] = ()
    prod: bool = False
    tree: dict[str, Any] = field(default_factory=dict)
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "down": list(self.down),
            "degraded": list(self.degraded),
            "by_tier": dict(self.by_tier),
            "by_type": dict(self.by_type),
            "azs": list(self.azs),
            "entry_points": list(self.entry_points),
            "data_stores": list(self.data_stores),
            "prod": self.prod,
            "score": self.score,
            "tree": self.tree,
        }


@dataclass(frozen=True)
class RankedSpof:
    """A SPOF with its blast radius, for RED009 ordering."""

    rule_id: str
    address: str
    score: float
    blast: BlastRadius
    spof: Any


def impact_graph(
    rg: ResourceGraph,
) -> tuple[dict[str, list[tuple[str, str]]], dict[str, dict[str, list[str]]]]:
    """``(preds, succs)``: for each node, its impact predecessors (node, kind) and successors by kind."""
    network_model(rg)  # derives the runtime edges read below (when the graph is not finished yet)
    return rg.memo(_impact)


def _impact(
    rg: ResourceGraph,
) -> tuple[dict[str, list[tuple[str, str]]], dict[str, dict[str, list[str]]]]:
    m = network_model(rg)
    preds: dict[str, list[tuple[str, str]]] = {}
    succs: dict[str, dict[str, list[str]]] = {}
    # Same order as ``rg.g.edges(data=True)``, read from the adjacency dicts directly.
    for u, nbrs in rg.g._succ.items():
        if u == INTERNET:
            continue
        for v, keydict in nbrs.items():
            if v == INTERNET:
                continue
            runtime_parallel: bool | None = None
            for data in keydict.values():
                kind = data.get("kind", "ref")
                if kind not in IMPACT_EDGE_KINDS:
                    continue
                if kind in ("ref", "depends_on"):
                    # a typed runtime edge between the same nodes says how they fail together
                    if runtime_parallel is None:
                        runtime_parallel = any(
                            d.get("kind") in RUNTIME_EDGE_KINDS or d.get("kind") == "in_vpc"
                            for d in keydict.values()
                        )
                    if runtime_parallel:
                        continue
                preds.setdefault(v, []).append((u, kind))
                succs.setdefault(u, {}).setdefault(kind, []).append(v)
    tg_targets: dict[str, set[str]] = defaultdict(set)
    for ch in m.lb_chains:
        tg_targets[ch.target_group].update(ch.targets)
    for tg, tgts in tg_targets.items():
        for t in tgts:
            if t in rg and tg != t:
                preds.setdefault(t, []).append((tg, "serves"))
                succs.setdefault(tg, {}).setdefault("serves", []).append(t)
    return preds, succs


def blast_radius(rg: ResourceGraph, address: str, depth: int = 3) -> BlastRadius:
    """What fails with ``address`` (see the module docstring); the tree goes ``depth`` levels deep."""
    if address not in rg:
        msg = f"unknown node {address!r}"
        raise KeyError(msg)
    m = network_model(rg)
    preds, succs = impact_graph(rg)
    down: set[str] = {address}
    degraded: set[str] = set()
    parent: dict[str, str] = {}
    queue = deque([address])
    while queue:
        x = queue.popleft()
        for p, kind in preds.get(x, ()):
            if p in down:
                continue
            if kind in REDUNDANT_KINDS:
                deps = succs.get(p, {}).get(kind, ())
                if len(deps) > 1 and not all(d in down for d in deps):
                    degraded.add(p)
                    continue
            down.add(p)
            degraded.discard(p)
            parent[p] = x
            queue.append(p)
    down.discard(address)

    def reportable(a: str) -> bool:
        node = rg.get(a)
        return (
            node is not None
            and node.block in ("resource", "k8s", "compose", "dockerfile")
            and not _GLUE.search(node.kind)
        )

    down_r = sorted(a for a in down if reportable(a))
    deg_r = sorted(a for a in degraded if reportable(a))
    by_tier = Counter(m.tiers[a] for a in down_r if m.tiers.get(a))
    by_type = Counter(rg[a].kind for a in down_r)
    azs = sorted({z for a in [address, *down_r] for z in m.azs.get(a, ())})
    entries = tuple(a for a in down_r if rg[a].kind in _ENTRY)
    data = tuple(a for a in down_r if rg[a].kind in DATA_KINDS)
    prod = any(environment_of(rg, rg[a]).is_prod for a in [address, *down_r])
    score = 0.0
    for a in down_r:
        w = TIER_WEIGHT.get(m.tiers.get(a, ""), 0.0)
        score += w * (PROD_MULTIPLIER if environment_of(rg, rg[a]).is_prod else 1.0)
    for a in deg_r:
        score += 0.25 * TIER_WEIGHT.get(m.tiers.get(a, ""), 0.0)
    children: dict[str, list[str]] = defaultdict(list)
    for child, par in parent.items():
        children[par].append(child)

    def build(node: str, level: int) -> dict[str, Any]:
        if level >= depth:
            rest = len([c for c in children.get(node, ()) if reportable(c)])
            return {"more": rest} if rest else {}
        out: dict[str, Any] = {}
        for c in sorted(children.get(node, ())):
            sub = build(c, level + 1)
            if reportable(c):
                out[c] = sub
            else:  # glue node: splice its children in
                out.update({k: v for k, v in sub.items() if k != "more"})
        return out

    return BlastRadius(
        address=address,
        down=tuple(down_r),
        degraded=tuple(deg_r),
        by_tier={t: by_tier[t] for t in ("edge", "app", "data") if by_tier.get(t)},
        by_type=dict(sorted(by_type.items())),
        azs=tuple(azs),
        entry_points=entries,
        data_stores=data,
        prod=prod,
        tree={address: build(address, 0)},
        score=round(score, 2),
    )


def rank_spofs(rg: ResourceGraph, spofs: Iterable[Any] | None = None) -> list[RankedSpof]:
    """SPOF findings (FAIL only) sorted by blast-radius score, highest first.

    ``spofs`` defaults to :func:`infra_review.analysis.spof.find_spofs`; any object with
    ``rule_id``, ``address`` and ``status`` (a :class:`~infra_review.model.Finding` too) works.
    """
    if spofs is None:
        spofs = find_spofs(rg)
    out: list[RankedSpof] = []
    cache: dict[str, BlastRadius] = {}
    for s in spofs:
        if str(getattr(s, "status", "FAIL")) != "FAIL" or s.address not in rg:
            continue
        br = cache.get(s.address) or blast_radius(rg, s.address)
        cache[s.address] = br
        # the SPOF node itself counts too (a single-AZ database is data tier lost)
        self_w = TIER_WEIGHT.get(network_model(rg).tiers.get(s.address, ""), 0.0)
        self_w *= PROD_MULTIPLIER if environment_of(rg, rg[s.address]).is_prod else 1.0
        out.append(RankedSpof(s.rule_id, s.address, round(br.score + self_w, 2), br, s))
    out.sort(key=lambda r: (-r.score, r.rule_id, r.address))
    return out
