"""Exposure: the shortest path from the internet to every reachable resource, and what the
paths mean for segmentation.

:func:`vpc_exposures` searches inside AWS VPCs (route, NACL, SGs, load-balancer chains, lateral
hops); Azure, GCP, Kubernetes and managed endpoints add theirs in
:mod:`~infra_review.analysis.net_cloud` and :mod:`~infra_review.analysis.net_k8s`;
:func:`shortest_per_target` keeps one path per target; :func:`tier_violations` reads the
finished model.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict, deque

from infra_review.analysis.net_attrs import targets
from infra_review.analysis.net_collect import NetworkRaw
from infra_review.analysis.net_kinds import COMPUTE_KINDS, LB_KINDS
from infra_review.analysis.net_ports import PortSet
from infra_review.analysis.net_types import ExposurePath, LbChain, NetworkModel, TierViolation
from infra_review.graph import INTERNET, ResourceGraph

__all__ = ["cidr_contains", "shortest_per_target", "tier_violations", "vpc_exposures"]


def vpc_exposures(rg: ResourceGraph, raw: NetworkRaw, m: NetworkModel) -> list[ExposurePath]:
    """The shortest internet-exposure path of every resource reachable inside AWS VPCs.

    Breadth-first from the internet: direct entry through a public subnet (its route, NACL and
    the resource's SGs), then load-balancer chains (listener → target group → target, ports
    intersected hop by hop), then lateral hops between resources whose SGs admit each other,
    up to six hops; CloudFront origins last.  ``m`` must hold the layout
    (:func:`~infra_review.analysis.net_layout.build_layout`).
    """
    search = _Search(rg, raw, m)
    search.enter_directly()
    search.walk()
    search.enter_through_cdn()
    return sorted(search.found.values(), key=lambda p: (p.hops, p.target))


class _Search:
    """The state of one exposure search: the best path found per target and the queue to expand."""

    def __init__(self, rg: ResourceGraph, raw: NetworkRaw, m: NetworkModel) -> None:
        self.rg, self.raw, self.m = rg, raw, m
        self.found: dict[str, ExposurePath] = {}
        self.queue: deque[ExposurePath] = deque()
        self.chains_by_lb: dict[str, list[LbChain]] = defaultdict(list)  # m.lb_chains per LB, in order
        for ch in m.lb_chains:
            self.chains_by_lb[ch.lb].append(ch)
        self._lateral_ok: dict[str, bool] = {}

    def offer(self, p: ExposurePath) -> None:
        """Keep ``p`` when it is the first or a shorter path to its target (same hops: merge ports)."""
        if not p.ports:
            return
        found = self.found
        old = found.get(p.target)
        if old is not None and old.nodes == p.nodes:
            # same hops through another listener: merge the ports
            merged_ports = tuple(
                _merge_labels(a, b) for a, b in zip(old.node_ports, p.node_ports, strict=True)
            )
            found[p.target] = ExposurePath(
                p.target,
                p.nodes,
                merged_ports,
                old.ports | p.ports,
                p.hops,
                p.kind,
                p.via_lb,
                "uncertain" if "uncertain" in (old.confidence, p.confidence) else "certain",
            )
            self.queue.append(found[p.target])
            return
        if old is None or (p.hops, len(p.nodes)) < (old.hops, len(old.nodes)):
            found[p.target] = p
            self.queue.append(p)

    # -- hop 1: direct entry through a public subnet ------------------------------------------
    def enter_directly(self) -> None:
        """Offer every resource with a public address in a public subnet (hop 1)."""
        rg, m = self.rg, self.m
        for addr, why in sorted(m.public_address.items()):
            node = rg.get(addr)
            if node is None or node.kind == "aws_nat_gateway":
                continue
            subs = [s for s in m.placement.get(addr, ()) if m.subnets.get(s) and m.subnets[s].cls == "public"]
            if not subs:
                continue
            is_lb = node.kind in LB_KINDS
            ports = self._listener_ports(addr) if is_lb else _admitted_from_world(m, addr)
            uncertain = why.startswith("unknown") or ports.uncertain
            best: ExposurePath | None = None
            for s in sorted(subs):
                p = ports & m.nacl_world_in.get(s, PortSet.ALL)
                if m.nacl_return_ok.get(s) is False:
                    p = PortSet.EMPTY
                if not p:
                    continue
                nodes = [*_entry_route(m, s), addr]
                cand = ExposurePath(
                    addr,
                    tuple(nodes),
                    tuple([""] * (len(nodes) - 1) + [p.label()]),
                    p,
                    1,
                    "lb" if is_lb else "direct",
                    is_lb,
                    "uncertain" if uncertain else "certain",
                )
                best = cand if best is None else best
            if best is not None:
                self.offer(best)

    def _listener_ports(self, lb: str) -> PortSet:
        """Ports a load balancer listens on that its SGs (if any) admit from the world."""
        lst_ports = PortSet.EMPTY
        for ch in self.chains_by_lb.get(lb, ()):
            if ch.port is not None:
                lst_ports = lst_ports | PortSet.tcp(ch.port)
        listener_ports = PortSet.of(lst_ports.ranges)
        if lb not in self.chains_by_lb:
            listener_ports = PortSet.EMPTY
        sg_ports = _admitted_from_world(self.m, lb) if self.m.sgs.get(lb) else PortSet.ALL
        return listener_ports & sg_ports

    # -- further hops: load-balancer chains and lateral SG hops ---------------------------------
    def walk(self) -> None:
        """Expand the queue breadth-first: LB chains, then lateral hops, up to six hops."""
        admitters, cidr_members = self._lateral_index()
        while self.queue:
            cur = self.queue.popleft()
            if self.found.get(cur.target) is not cur or cur.hops >= 6:
                continue
            node = self.rg.get(cur.target)
            if node is None:
                continue
            if node.kind in LB_KINDS:
                self._through_lb(cur)
            elif node.kind in COMPUTE_KINDS:  # data stores and gateways do not originate connections
                self._lateral(cur, admitters, cidr_members)

    def _lateral_index(self) -> tuple[dict[str, set[str]], set[str]]:
        """Which SGs admit a given SG, and the members of SGs with CIDR-sourced ingress.

        The CIDR members are candidates for every lateral hop (by address range), so they are
        gathered once.
        """
        m = self.m
        admitters: dict[str, set[str]] = defaultdict(set)
        cidr_sgs: set[str] = set()
        for sg, rules in m.sg_rules.items():
            for r in rules:
                if r.direction == "ingress" and r.action == "allow":
                    if r.source_kind == "sg":
                        admitters[r.source].add(sg)
                    elif r.source_kind == "self":
                        admitters[sg].add(sg)
                    elif r.source_kind == "cidr":
                        cidr_sgs.add(sg)
        cidr_members: set[str] = set()
        for tsg in cidr_sgs:
            cidr_members.update(c for c in m.sg_members.get(tsg, ()) if self._lands(c))
        return admitters, cidr_members

    def _lands(self, addr: str) -> bool:
        """A node a lateral hop can land on: it exists and is not a launch template/config."""
        ok = self._lateral_ok.get(addr)
        if ok is None:
            onode = self.rg.get(addr)
            ok = self._lateral_ok[addr] = onode is not None and onode.kind not in (
                "aws_launch_template",
                "aws_launch_configuration",
            )
        return ok

    def _through_lb(self, cur: ExposurePath) -> None:
        """Offer the targets of every listener of the LB ``cur`` reaches on the listener's port."""
        m = self.m
        for ch in self.chains_by_lb.get(cur.target, ()):
            if ch.port is None or (("tcp", ch.port) not in cur.ports):
                continue
            for tgt in ch.targets:
                tport = None
                for t, p in self.raw.tg_targets.get(ch.target_group, ()):
                    if t == tgt and p is not None:
                        tport = p
                tport = tport if tport is not None else ch.tg_port
                want = PortSet.tcp(tport) if tport is not None else PortSet.of(PortSet.ALL.ranges, True)
                if m.sgs.get(tgt):
                    got = want & _admits_from(m, tgt, cur.target)
                    if not got:
                        got = want & _admits_vpc_of(m, tgt, cur.target)
                else:
                    got = PortSet(want.ranges, True)
                if not got:
                    continue
                nodes = [*list(cur.nodes[:-1]), cur.target]
                ports_list = [*list(cur.node_ports[:-1]), str(ch.port)]
                if ch.target_group != cur.target:
                    nodes.append(ch.target_group)
                    ports_list.append("")
                nodes.append(tgt)
                ports_list.append(got.label())
                entry = PortSet(PortSet.tcp(ch.port).ranges, got.uncertain)
                self.offer(
                    ExposurePath(
                        tgt,
                        tuple(nodes),
                        tuple(ports_list),
                        entry,
                        cur.hops + 1,
                        "lb",
                        True,
                        "uncertain" if got.uncertain or cur.confidence == "uncertain" else "certain",
                    )
                )

    def _lateral(self, cur: ExposurePath, admitters: dict[str, set[str]], cidr_members: set[str]) -> None:
        """Offer every resource whose SGs admit the compute ``cur`` reaches (by SG or address range)."""
        m, found = self.m, self.found
        candidates: set[str] = set()
        for sg in m.sgs.get(cur.target, ()):
            for tsg in admitters.get(sg, ()):
                candidates.update(m.sg_members.get(tsg, ()))
        candidates = {c for c in candidates if self._lands(c)} | cidr_members
        for other in sorted(candidates):
            if other == cur.target or (other in found and found[other].hops <= cur.hops + 1):
                continue
            got = _admits_from(m, other, cur.target, world=False)
            if not got:
                continue
            self.offer(
                ExposurePath(
                    other,
                    (*cur.nodes, other),
                    (*cur.node_ports, got.label()),
                    got,
                    cur.hops + 1,
                    "lateral",
                    cur.via_lb,
                    "uncertain" if got.uncertain or cur.confidence == "uncertain" else "certain",
                )
            )

    # -- CloudFront entry points -----------------------------------------------------------
    def enter_through_cdn(self) -> None:
        """Offer load balancers that are CloudFront origins (``INTERNET → distribution → LB``)."""
        rg = self.rg
        for res in rg.resources("aws_cloudfront_distribution"):
            for origin in targets(rg, res, ["origin.domain_name"]):
                onode = rg.get(origin)
                if onode is not None and onode.kind in LB_KINDS and origin not in self.found:
                    self.offer(
                        ExposurePath(
                            origin,
                            (INTERNET, res.address, origin),
                            ("", "443", ""),
                            PortSet.tcp(443),
                            1,
                            "cdn",
                        )
                    )


def shortest_per_target(paths: list[ExposurePath]) -> list[ExposurePath]:
    """One path per target: the fewest hops, then the fewest nodes (first one wins a tie)."""
    best: dict[str, ExposurePath] = {}
    for p in paths:
        old = best.get(p.target)
        if old is None or (p.hops, len(p.nodes)) < (old.hops, len(old.nodes)):
            best[p.target] = p
    return sorted(best.values(), key=lambda p: (p.hops, p.target))


def _merge_labels(a: str, b: str) -> str:
    if not a or a == b:
        return b or a
    if not b:
        return a
    nums = []
    for part in (a + ", " + b).split(", "):
        if part not in nums:
            nums.append(part)
    return ", ".join(sorted(nums, key=lambda x: (len(x), x)))


def _admits_vpc_of(m: NetworkModel, target: str, source: str) -> PortSet:
    out = PortSet.EMPTY
    vpcs = {m.subnets[s].vpc for s in m.placement.get(source, ()) if s in m.subnets}
    vcidrs = [m.vpcs[v]["cidr"] for v in vpcs if v in m.vpcs and m.vpcs[v]["cidr"]]
    for sg in m.sgs.get(target, ()):
        for r in m.sg_rules.get(sg, ()):
            if (
                r.direction == "ingress"
                and r.source_kind == "cidr"
                and any(cidr_contains(r.source, c) for c in vcidrs)
            ):
                out = out | r.ports
    return out


def _admitted_from_world(m: NetworkModel, addr: str) -> PortSet:
    out = PortSet.EMPTY
    for sg in m.sgs.get(addr, ()):
        out = out | m.world_ingress(sg)
    return out


def _admits_from(m: NetworkModel, target: str, source: str, *, world: bool = True) -> PortSet:
    """Ports ``target``'s SGs admit from ``source`` (by SG reference or by CIDR containment).

    ``world=False`` leaves out rules open to the whole internet (a lateral hop is only worth
    reporting when something narrower than the world admits it).
    """
    src_sgs = set(m.sgs.get(source, ()))
    src_cidrs = [
        m.subnets[s].cidr for s in m.placement.get(source, ()) if s in m.subnets and m.subnets[s].cidr
    ]
    out = PortSet.EMPTY
    for sg in m.sgs.get(target, ()):
        for r in m.sg_rules.get(sg, ()):
            if r.direction != "ingress" or r.action != "allow":
                continue
            if (
                (r.source_kind == "sg" and r.source in src_sgs)
                or (r.source_kind == "self" and sg in src_sgs)
                or (world and r.source_kind == "world")
                or (
                    r.source_kind == "cidr"
                    and src_cidrs
                    and any(cidr_contains(r.source, c) for c in src_cidrs)
                )
            ):
                out = out | r.ports
    return out


def cidr_contains(outer: str, inner: str) -> bool:
    """True when the network ``inner`` lies inside ``outer`` (same IP version; bad text is False).

    >>> cidr_contains("10.0.0.0/16", "10.0.3.0/24"), cidr_contains("10.0.3.0/24", "10.0.0.0/16")
    (True, False)
    """
    try:
        o = ipaddress.ip_network(outer, strict=False)
        i = ipaddress.ip_network(inner, strict=False)
    except ValueError:
        return False
    return o.version == i.version and i.subnet_of(o)  # type: ignore[arg-type]


def _entry_route(m: NetworkModel, subnet: str) -> list[str]:
    info = m.subnets[subnet]
    hops = [INTERNET]
    if info.default_route and info.default_route_kind == "igw":
        hops.append(info.default_route)
    if info.route_table:
        hops.append(info.route_table)
    hops.append(subnet)
    return hops


def tier_violations(rg: ResourceGraph, m: NetworkModel) -> list[TierViolation]:
    """Segmentation violations of the finished model ``m`` (NET015).

    Data stores in public subnets or admitting the world, the edge tier or public ranges; app-tier
    compute reachable without a load balancer; data stores within two hops of the internet.
    """
    out: list[TierViolation] = []
    edge_sgs = {sg for res, sgs in m.sgs.items() if m.tiers.get(res) == "edge" for sg in sgs}
    public_cidrs = [s.cidr for s in m.subnets.values() if s.cls == "public" and s.cidr]
    for res, tier in sorted(m.tiers.items()):
        if tier != "data":
            continue
        pub = [s for s in m.placement.get(res, ()) if m.subnets.get(s) and m.subnets[s].cls == "public"]
        if pub:
            out.append(
                TierViolation(
                    res,
                    "data_in_public_subnet",
                    f"data store placed in public subnet {pub[0]}",
                    {"subnets": pub},
                )
            )
        for sg in m.sgs.get(res, ()):
            for r in m.sg_rules.get(sg, ()):
                if r.direction != "ingress":
                    continue
                why = ""
                if r.is_world:
                    why = f"{sg} admits {r.source} on {r.ports.label()}"
                elif r.source_kind == "sg" and r.source in edge_sgs:
                    why = f"{sg} admits edge-tier SG {r.source} on {r.ports.label()}"
                elif r.source_kind == "cidr" and any(
                    cidr_contains(r.source, c) or cidr_contains(c, r.source) for c in public_cidrs
                ):
                    why = f"{sg} admits public-subnet range {r.source} on {r.ports.label()}"
                if why:
                    out.append(
                        TierViolation(
                            res, "data_sg_admits", why, {"sg": sg, "rule": r.origin, "attribute": r.attribute}
                        )
                    )
    for p in m.exposures:
        tier = m.tiers.get(p.target)
        if tier == "app" and not p.via_lb and p.kind in ("direct", "lateral"):
            node = rg.get(p.target)
            if node is not None and node.kind in COMPUTE_KINDS:
                out.append(
                    TierViolation(
                        p.target,
                        "app_bypasses_lb",
                        "app-tier compute reachable from the internet without a load balancer",
                        {"path": list(p.nodes), "ports": p.ports.label()},
                    )
                )
        if tier == "data" and p.hops <= 2:
            out.append(
                TierViolation(
                    p.target,
                    "data_near_internet",
                    f"data store {p.hops} hop(s) from the internet",
                    {"path": list(p.nodes), "ports": p.ports.label()},
                )
            )
    return out
