"""Runtime edges: how resources fail together, derived once when the graph is loaded.

:func:`derive` adds ``in_subnet``, ``in_vpc``, ``uses_sg``, ``sg_allows``, ``rt_assoc``,
``routes_via``, ``nacl_assoc``, ``lb_targets`` and ``protects`` edges (dependent → dependency,
like every edge of the graph) and the synthetic ``INTERNET`` node, from the facts
:func:`~infra_review.analysis.net_collect.collect` reads in the attributes.  The load pipeline
calls it right after cross-format linking and then freezes the graph, so every analysis and
rule reads the same finished graph::

    link(rg)                      # infra_review.analysis.links
    runtime_edges.derive(rg)
    rg.freeze()

It is idempotent (the graph de-duplicates an edge with the same kind and attributes).  On a
graph that is not frozen (hand-built graphs in tests and doctests),
:func:`~infra_review.analysis.network.network_model` calls :func:`ensure_derived` first.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource, Unresolved as U
>>> rg = ResourceGraph()
>>> rg.add(Resource("aws_subnet.a", "aws_subnet"))
>>> sub = U("aws_subnet.a.id", ("aws_subnet.a",))
>>> rg.add(Resource("aws_instance.x", "aws_instance", attrs={"subnet_id": sub}))
>>> is_derived(rg)
False
>>> derive(rg); derive(rg)
>>> is_derived(rg), rg.has_edge("aws_instance.x", "aws_subnet.a", "in_subnet"), rg.g.number_of_edges()
(True, True, 1)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from infra_review.analysis.net_collect import NetworkRaw, keep_raw, network_raw
from infra_review.analysis.net_kinds import SUBNET_KINDS
from infra_review.analysis.net_ports import PortSet
from infra_review.graph import INTERNET, ResourceGraph
from infra_review.model import Resource
from infra_review.model.coerce import as_int

__all__ = ["derive", "ensure_derived", "is_derived"]

#: One edge to add: ``(source, target, kind, attributes)``.
EdgeSpec = tuple[str, str, str, dict[str, Any]]


@dataclass
class _Derivation:
    """Whether :func:`derive` has run on the graph as it is now (memoised, so any write resets it)."""

    done: bool = False


def _derivation(rg: ResourceGraph) -> _Derivation:
    return _Derivation()


def is_derived(rg: ResourceGraph) -> bool:
    """True once :func:`derive` has run and nothing was added to the graph since."""
    return rg.memo(_derivation).done


def derive(rg: ResourceGraph) -> None:
    """Add every runtime edge derived from attributes (and ``INTERNET`` when something faces it).

    Writes to the graph: call it before ``rg.freeze()``.
    """
    raw = network_raw(rg)
    specs = list(_edge_specs(rg, raw))
    if (
        raw.igw_vpc
        or any(rg.resources("aws_internet_gateway"))
        or any(u == INTERNET or v == INTERNET for u, v, _, _ in specs)
    ):
        _ensure_internet(rg)
    for u, v, kind, attrs in specs:
        if u in rg and v in rg and u != v:
            rg.add_edge(u, v, kind, **attrs)
    # after the writes, which cleared the memo: the facts are unchanged (edges only were added)
    keep_raw(rg, raw)
    rg.memo(_derivation).done = True


def ensure_derived(rg: ResourceGraph) -> None:
    """:func:`derive` unless it already ran on the graph as it is now."""
    if not is_derived(rg):
        derive(rg)


def _ensure_internet(rg: ResourceGraph) -> None:
    if INTERNET not in rg:
        rg.add(Resource(INTERNET, "internet", block="synthetic", format="synthetic", meta={"name": INTERNET}))


def _edge_specs(rg: ResourceGraph, raw: NetworkRaw) -> Iterator[EdgeSpec]:
    """The edges the collected facts imply, in a stable order (the caller skips missing nodes)."""
    for res, groups in raw.via_group.items():
        for g in groups:
            yield res, g, "in_subnet", {}
    for g, subs in raw.groups.items():
        for s in subs:
            yield g, s, "in_subnet", {}
    for res, subs in raw.placement.items():
        direct = set(subs) - {s for g in raw.via_group.get(res, ()) for s in raw.groups.get(g, ())}
        for s in subs:
            if s in direct:
                yield res, s, "in_subnet", {}
    for addr, vpc in raw.vpc_of.items():
        node = rg.get(addr)
        if node is not None and node.kind in SUBNET_KINDS:
            yield addr, vpc, "in_vpc", {}
    for igw, vpc in raw.igw_vpc.items():
        yield igw, vpc, "in_vpc", {}
    for res, sgs in raw.sgs.items():
        for sg in sgs:
            yield res, sg, "uses_sg", {}
    for sg, rules in raw.sg_rules.items():
        merged: dict[tuple[str, str], PortSet] = {}
        for r in rules:
            if r.direction != "ingress":
                continue
            if r.source_kind == "world":
                src = INTERNET
            elif r.source_kind == "sg" and r.source in rg:
                src = r.source
            else:
                continue
            key = (src, r.source)
            merged[key] = merged.get(key, PortSet.EMPTY) | r.ports
        for (src, source), ports in sorted(merged.items()):
            yield src, sg, "sg_allows", {"ports": ports.label(), "protocol": _protos(ports), "src": source}
    for sub, (rt, via) in raw.rt_of.items():
        yield sub, rt, "rt_assoc", {"via": via}
    for rt, routes in raw.routes.items():
        for r in routes:
            if r["target"] in rg:
                yield rt, r["target"], "routes_via", {"dest": r["dest"]}
    for sub, nacl in raw.nacl_of.items():
        yield sub, nacl, "nacl_assoc", {}
    for lb, listeners in raw.listeners.items():
        for lst in listeners:
            for tg in raw.listener_tgs.get(lst, ()):
                node = rg.get(lst)
                port = as_int(node.attrs.get("port")) if node else None
                yield tg, lb, "lb_targets", {"listener": lst, "port": port if port is not None else ""}
    for tg, tgts in raw.tg_targets.items():
        for tgt, _port in tgts:
            yield tgt, tg, "lb_targets", {}
    for src, dst in raw.protects:
        yield src, dst, "protects", {}


def _protos(ports: PortSet) -> str:
    return ",".join(sorted({p for p, _, _ in ports.ranges})) or "none"
