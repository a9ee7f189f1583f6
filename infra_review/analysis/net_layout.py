"""Layout: where everything sits — subnet classes, VPCs, AZs, tiers, public addresses, load-balancer
chains, NACL verdicts and the flows security groups allow.

:func:`build_layout` turns the collected facts (:class:`~infra_review.analysis.net_collect.NetworkRaw`)
into a :class:`~infra_review.analysis.net_types.NetworkModel` without its exposure paths:

* a subnet's class comes from its effective route table (the association, else the VPC's main
  table): ``public`` (default route to an internet gateway), ``private-egress`` (NAT, transit
  gateway, instance), ``isolated`` (no default route), ``unknown``; a name/tag heuristic is the
  fallback and is marked ``confidence="heuristic"``;
* tiers (``edge``/``app``/``data``) from a ``tier`` tag, else from the kind (:func:`tier_of`);
* public addresses, with ``unknown: why`` when a deciding value is not statically known.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource
>>> tier_of(ResourceGraph(), Resource("aws_db_instance.main", "aws_db_instance"))
('data', 'inferred')
>>> is_bastion(Resource("aws_instance.jump_host", "aws_instance"))
True
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from typing import Any

from infra_review.analysis.net_attrs import block, tags_of, targets
from infra_review.analysis.net_collect import NetworkRaw
from infra_review.analysis.net_kinds import (
    COMPUTE_KINDS,
    DATA_KINDS,
    EDGE_KINDS,
    LB_KINDS,
    SUBNET_KINDS,
    SUPPORT_KINDS,
    TIER_ORDER,
    UNKNOWN_AZ,
    WORLD_V4,
    WORLD_V6,
)
from infra_review.analysis.net_ports import PortSet
from infra_review.analysis.net_types import Flow, LbChain, NetworkModel, SubnetInfo, nacl_world_ports
from infra_review.graph import INTERNET, ResourceGraph
from infra_review.model import Resource, Unresolved
from infra_review.model.coerce import as_int, tri

__all__ = ["build_layout", "is_bastion", "tier_of"]

_TIER_WORDS = {
    "edge": "edge",
    "dmz": "edge",
    "public": "edge",
    "web": "edge",
    "frontend": "edge",
    "app": "app",
    "application": "app",
    "private": "app",
    "compute": "app",
    "backend": "app",
    "service": "app",
    "data": "data",
    "db": "data",
    "database": "data",
    "storage": "data",
    "isolated": "data",
    "intra": "data",
    "persistence": "data",
}


def build_layout(rg: ResourceGraph, raw: NetworkRaw) -> NetworkModel:
    """A :class:`NetworkModel` of ``rg`` with everything but the exposure paths and violations."""
    m = NetworkModel()
    _subnets(rg, raw, m)
    m.placement = {k: tuple(dict.fromkeys(v)) for k, v in raw.placement.items() if v}
    m.sgs = {k: tuple(dict.fromkeys(v)) for k, v in raw.sgs.items() if v}
    members: dict[str, list[str]] = defaultdict(list)
    for res, sgs in m.sgs.items():
        for sg in sgs:
            members[sg].append(res)
    m.sg_members = {k: tuple(v) for k, v in members.items()}
    m.sg_rules = {k: list(v) for k, v in raw.sg_rules.items()}
    m.nacl_rules = {k: list(v) for k, v in raw.nacl_rules.items()}
    m.route_tables = {k: list(v) for k, v in raw.routes.items()}
    _vpcs(rg, raw, m)
    _azs(rg, m)
    _tiers(rg, raw, m)
    _public_addresses(rg, raw, m)
    _lb_chains(rg, raw, m)
    m.protected_by = _protected(raw)
    _nacls(rg, raw, m)
    _flows(rg, m)
    return m


def _cidr(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _subnets(rg: ResourceGraph, raw: NetworkRaw, m: NetworkModel) -> None:
    nat_serves: dict[str, list[str]] = defaultdict(list)
    for res in rg.resources(*SUBNET_KINDS):
        vpc = raw.vpc_of.get(res.address, "")
        rt, via = raw.rt_of.get(res.address, ("", ""))
        if not rt and vpc in raw.main_rt:
            rt, via = raw.main_rt[vpc], "main"
        cls, conf, default, dkind, reason = "unknown", "unknown", "", "", ""
        if rt:
            v4 = [r for r in raw.routes.get(rt, ()) if r["dest"] == WORLD_V4]
            v6 = [r for r in raw.routes.get(rt, ()) if r["dest"] == WORLD_V6]
            unknown_dest = any(r["dest_unknown"] for r in raw.routes.get(rt, ()))
            igw = next((r for r in v4 + v6 if r["target_kind"] == "igw"), None)
            egress = next(
                (r for r in v4 if r["target_kind"] in ("nat", "tgw", "instance", "eni", "vgw")), None
            )
            unk = next((r for r in v4 + v6 if r["target_kind"] in ("unknown", "")), None)
            conf = "route"
            if igw:
                cls, default, dkind, reason = (
                    "public",
                    igw["target"],
                    "igw",
                    f"default route to {igw['target']}",
                )
            elif egress:
                cls, default, dkind = "private-egress", egress["target"], egress["target_kind"]
                reason = f"default route to {egress['target']}"
                if egress["target_kind"] == "nat":
                    nat_serves[egress["target"]].append(res.address)
            elif unk or unknown_dest:
                cls, conf, reason = "unknown", "unknown", "default route target is not statically known"
            else:
                cls, reason = "isolated", "no default route"
        if cls == "unknown":
            hcls, why = _heuristic_class(res)
            if hcls:
                cls, conf, reason = hcls, "heuristic", why
            elif not rt:
                reason = "no route table association and no main route table in the repository"
        m.subnets[res.address] = SubnetInfo(
            address=res.address,
            vpc=vpc,
            az=_subnet_az(rg, res),
            cidr=_cidr(res.attrs.get("cidr_block")),
            cls=cls,
            confidence=conf,
            route_table=rt,
            route_table_via=via,
            default_route=default,
            default_route_kind=dkind,
            nacl=raw.nacl_of.get(res.address) or raw.default_nacl.get(vpc, ""),
            reason=reason,
        )
    m.nat_serves = {k: tuple(v) for k, v in nat_serves.items()}


def _heuristic_class(res: Resource) -> tuple[str, str]:
    if tri(res.attrs.get("map_public_ip_on_launch"), False):
        return "public", "map_public_ip_on_launch = true"
    tags = tags_of(res)
    words = " ".join([tags.get("Name", ""), tags.get("Tier", ""), tags.get("tier", ""), res.name]).lower()
    for word, cls in (
        ("public", "public"),
        ("dmz", "public"),
        ("database", "isolated"),
        ("isolated", "isolated"),
        ("intra", "isolated"),
        ("data", "isolated"),
        ("db", "isolated"),
        ("private", "private-egress"),
        ("app", "private-egress"),
    ):
        if re.search(rf"(^|[^a-z]){word}([^a-z]|$)", words):
            return cls, f"name/tag says {word!r}"
    return "", ""


_AZ_INDEX = re.compile(r"aws_availability_zones\.[\w-]+\.(?:names|zone_ids)\[(\d+)\]")
_AZ_ELEMENT = re.compile(
    r"element\(\s*data\.aws_availability_zones\.[\w-]+\.(?:names|zone_ids)\s*,\s*(\d+)\s*\)"
)


def _subnet_az(rg: ResourceGraph, res: Resource) -> str:
    for key in ("availability_zone", "availability_zone_id"):
        value = res.attrs.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, Unresolved):
            expr = value.expr
            idx = res.meta.get("count.index")
            if idx is not None:
                expr = expr.replace("count.index", str(idx))
            match = _AZ_INDEX.search(expr) or _AZ_ELEMENT.search(expr)
            if match:
                region = _region(rg, res)
                return f"{region + ' ' if region else ''}az#{int(match.group(1)) + 1}"
    return UNKNOWN_AZ


def _region(rg: ResourceGraph, res: Resource) -> str:
    prov = rg.get("provider." + res.provider) if res.provider else None
    region = prov.attrs.get("region") if prov is not None else None
    return region if isinstance(region, str) else ""


def _vpcs(rg: ResourceGraph, raw: NetworkRaw, m: NetworkModel) -> None:
    for res in rg.resources("aws_vpc", "aws_default_vpc"):
        m.vpcs[res.address] = {"cidr": _cidr(res.attrs.get("cidr_block")), "subnets": [], "azs": []}
    for sub in m.subnets.values():
        if sub.vpc:
            info = m.vpcs.setdefault(sub.vpc, {"cidr": "", "subnets": [], "azs": []})
            info["subnets"].append(sub.address)
            if sub.az not in info["azs"]:
                info["azs"].append(sub.az)
    for info in m.vpcs.values():
        info["igws"] = [igw for igw, vpc in raw.igw_vpc.items() if info is m.vpcs.get(vpc)]


def _azs(rg: ResourceGraph, m: NetworkModel) -> None:
    for res, subs in m.placement.items():
        m.azs[res] = tuple(dict.fromkeys(m.subnets[s].az for s in subs if s in m.subnets))
    for res in rg.resources("aws_instance", "aws_db_instance", "aws_ebs_volume", "aws_elasticache_cluster"):
        if res.address in m.azs and any(a != UNKNOWN_AZ for a in m.azs[res.address]):
            continue
        value = res.attrs.get("availability_zone")
        if isinstance(value, str) and value:
            m.azs[res.address] = (value,)
    for res in rg.resources("aws_autoscaling_group"):
        if res.address not in m.azs:
            zones = res.attrs.get("availability_zones")
            if isinstance(zones, list) and all(isinstance(z, str) for z in zones):
                m.azs[res.address] = tuple(zones)


def tier_of(rg: ResourceGraph, res: Resource, m: NetworkModel | None = None) -> tuple[str, str]:
    """The tier (``edge``/``app``/``data``/``""``) of a resource and its source (``tag``/``inferred``)."""
    tags = tags_of(res)
    for key in ("tier", "Tier", "TIER"):
        if key in tags:
            word = tags[key].strip().lower()
            if word in _TIER_WORDS:
                return _TIER_WORDS[word], "tag"
    kind = res.kind
    name = res.name.lower()
    role = tags.get("role", tags.get("Role", "")).lower()
    if "bastion" in (name, role) or re.search(r"(^|[_-])(bastion|jump)([_-]|$)", name):
        return "edge", "inferred"
    if kind in ("aws_lb", "aws_alb", "aws_elb"):
        internal = tri(res.attrs.get("internal"), False)
        return ("app" if internal else "edge"), "inferred"
    if kind in EDGE_KINDS:
        return "edge", "inferred"
    if kind in DATA_KINDS:
        return "data", "inferred"
    if kind == "aws_lambda_function" and not res.attrs.get("vpc_config"):
        return "", "inferred"
    if kind in COMPUTE_KINDS:
        # compute keeps its role even when misplaced in a public subnet (that is NET001's finding)
        return "app", "inferred"
    if m is not None and kind not in SUPPORT_KINDS:
        subs = m.placement.get(res.address, ())
        if subs and all(m.subnets.get(s) and m.subnets[s].cls == "public" for s in subs):
            return "edge", "inferred"
    return "", "inferred"


_K8S_APP = frozenset(
    {
        "k8s:Deployment",
        "k8s:StatefulSet",
        "k8s:DaemonSet",
        "k8s:ReplicaSet",
        "k8s:Job",
        "k8s:CronJob",
        "k8s:Pod",
        "k8s:Rollout",
    }
)


def _tiers(rg: ResourceGraph, raw: NetworkRaw, m: NetworkModel) -> None:
    for res in rg.resources():
        if res.kind in SUPPORT_KINDS:
            continue
        if res.kind in _K8S_APP:
            m.tiers[res.address], m.tier_source[res.address] = "app", "inferred"
            continue
        tier, src = tier_of(rg, res, m)
        if tier:
            m.tiers[res.address] = tier
            m.tier_source[res.address] = src
    # LB targets are app tier unless tagged
    for tgts in raw.tg_targets.values():
        for tgt, _ in tgts:
            if m.tier_source.get(tgt) != "tag" and m.tiers.get(tgt) in (None, "", "edge") and tgt in m.tiers:
                node = rg.get(tgt)
                if node is not None and node.kind in COMPUTE_KINDS and not is_bastion(node):
                    m.tiers[tgt] = "app"
    # subnet tiers: majority of residents, else from the class
    residents: dict[str, list[str]] = defaultdict(list)
    for res, subs in m.placement.items():
        t = m.tiers.get(res)
        if t:
            for s in subs:
                residents[s].append(t)
    for addr, info in list(m.subnets.items()):
        node = rg.get(addr)
        tagged = tier_of(rg, node, None) if node is not None else ("", "")
        if tagged[1] == "tag" and tagged[0]:
            tier = tagged[0]
        elif residents.get(addr):
            counts = {t: residents[addr].count(t) for t in TIER_ORDER}
            tier = max(TIER_ORDER, key=lambda t: (counts[t], -TIER_ORDER.index(t)))
            if info.cls == "public" and counts["edge"]:
                tier = "edge"
        else:
            tier = {"public": "edge", "private-egress": "app", "isolated": "data"}.get(info.cls, "app")
        m.subnets[addr] = replace(info, tier=tier)


def is_bastion(res: Resource) -> bool:
    """A bastion / jump host, by its ``role`` tag or its name (``bastion``, ``jump``, ``jumphost``)."""
    tags = tags_of(res)
    role = (tags.get("role") or tags.get("Role") or "").lower()
    return role == "bastion" or bool(re.search(r"(^|[_-])(bastion|jump)([_-]|$|host)", res.name.lower()))


def _public_addresses(rg: ResourceGraph, raw: NetworkRaw, m: NetworkModel) -> None:
    def in_public(addr: str) -> tuple[bool, bool]:
        subs = m.placement.get(addr, ())
        pub = [s for s in subs if m.subnets.get(s) and m.subnets[s].cls == "public"]
        return bool(pub), any(tri(rg[s].attrs.get("map_public_ip_on_launch"), False) for s in pub)

    lt_public: dict[str, bool | None] = {}
    for res in rg.resources("aws_launch_template"):
        vals = [tri(ni.get("associate_public_ip_address")) for ni in block(res.attrs, "network_interfaces")]
        if any(v is True for v in vals):
            lt_public[res.address] = True
        elif any(
            v is None and ni.get("associate_public_ip_address") is not None
            for v, ni in zip(vals, block(res.attrs, "network_interfaces"), strict=True)
        ):
            lt_public[res.address] = None
        elif vals:
            lt_public[res.address] = False
    for res in rg.resources():
        addr, a = res.address, res.attrs
        pub, mapped = in_public(addr)
        if res.kind in LB_KINDS:
            internal = tri(a.get("internal"), False)
            if internal is False:
                m.public_address[addr] = "internet-facing load balancer"
            elif internal is None:
                m.public_address[addr] = "unknown: internal is not statically known"
            continue
        if raw.eips.get(addr):
            m.public_address[addr] = f"Elastic IP {raw.eips[addr][0]}"
            continue
        if res.kind == "aws_instance":
            v = tri(a.get("associate_public_ip_address"))
            if v is True:
                m.public_address[addr] = "associate_public_ip_address = true"
            elif v is None and a.get("associate_public_ip_address") is not None:
                m.public_address[addr] = "unknown: associate_public_ip_address is not statically known"
            elif a.get("associate_public_ip_address") is None and mapped:
                m.public_address[addr] = "subnet maps public IPs on launch"
        elif res.kind in ("aws_autoscaling_group", "aws_eks_node_group"):
            lts = targets(
                rg,
                res,
                [
                    "launch_template.id",
                    "launch_template.name",
                    "mixed_instances_policy.launch_template.launch_template_specification.launch_template_id",
                ],
                {"aws_launch_template"},
            )
            vals = [lt_public.get(lt, bool(mapped)) for lt in lts] or [mapped]
            if any(v is True for v in vals):
                m.public_address[addr] = "launch template/subnet assigns a public IP"
            elif any(v is None for v in vals):
                m.public_address[addr] = "unknown: launch template public IP is not statically known"
        elif res.kind == "aws_ecs_service":
            v = [tri(nc.get("assign_public_ip"), False) for nc in block(a, "network_configuration")]
            if any(x is True for x in v):
                m.public_address[addr] = "assign_public_ip = true"
            elif any(x is None for x in v):
                m.public_address[addr] = "unknown: assign_public_ip is not statically known"
        elif "publicly_accessible" in a:
            v = tri(a.get("publicly_accessible"), False)
            if v is True:
                m.public_address[addr] = "publicly_accessible = true"
            elif v is None:
                m.public_address[addr] = "unknown: publicly_accessible is not statically known"
        elif res.kind == "aws_nat_gateway" and str(a.get("connectivity_type", "public")) == "public":
            m.public_address[addr] = "public NAT gateway"
        _ = pub


def _lb_chains(rg: ResourceGraph, raw: NetworkRaw, m: NetworkModel) -> None:
    for lb, listeners in sorted(raw.listeners.items()):
        for lst in listeners:
            node = rg[lst]
            port = as_int(node.attrs.get("port"))
            proto = str(node.attrs.get("protocol", "")) if isinstance(node.attrs.get("protocol"), str) else ""
            for tg in raw.listener_tgs.get(lst, ()):
                tg_node = rg.get(tg)
                tg_port = as_int(tg_node.attrs.get("port")) if tg_node else None
                m.lb_chains.append(
                    LbChain(
                        lb, lst, port, proto, tg, tg_port, tuple(t for t, _ in raw.tg_targets.get(tg, ()))
                    )
                )
    for res in rg.resources("aws_elb"):
        for i, lst in enumerate(block(res.attrs, "listener")):
            m.lb_chains.append(
                LbChain(
                    res.address,
                    f"{res.address}#listener[{i}]",
                    as_int(lst.get("lb_port")),
                    str(lst.get("lb_protocol", "")),
                    res.address,
                    as_int(lst.get("instance_port")),
                    tuple(t for t, _ in raw.tg_targets.get(res.address, ())),
                )
            )


def _protected(raw: NetworkRaw) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    for src, dst in raw.protects:
        out[dst].append(src)
    return {k: tuple(v) for k, v in out.items()}


def _nacls(rg: ResourceGraph, raw: NetworkRaw, m: NetworkModel) -> None:
    for addr, info in m.subnets.items():
        if not info.nacl:
            m.nacl_world_in[addr] = PortSet.ALL
            m.nacl_return_ok[addr] = True
            continue
        rules = raw.nacl_rules.get(info.nacl, [])
        m.nacl_world_in[addr] = nacl_world_ports(rules, "ingress")
        ephemeral = PortSet.tcp(1024, 65535)
        out = nacl_world_ports(rules, "egress")
        m.nacl_return_ok[addr] = (ephemeral & out) == ephemeral.certain() if not out.uncertain else None


_TEMPLATE_KINDS = frozenset(
    {"aws_launch_template", "aws_launch_configuration", "google_compute_instance_template"}
)


def _flows(rg: ResourceGraph, m: NetworkModel) -> None:
    def runtime_members(sg: str) -> tuple[str, ...]:
        # templates are not running nodes: the groups launched from them carry their SGs
        return tuple(a for a in m.sg_members.get(sg, ()) if rg[a].kind not in _TEMPLATE_KINDS)

    for sg, rules in m.sg_rules.items():
        dsts = runtime_members(sg)
        if not dsts:
            continue
        for r in rules:
            if r.direction != "ingress" or r.action != "allow":
                continue
            if r.source_kind == "world":
                srcs: tuple[str, ...] = (INTERNET,)
            elif r.source_kind in ("sg", "self"):
                srcs = runtime_members(r.source)
            else:
                continue
            for s in srcs:
                for d in dsts:
                    if s != d:
                        m.flows.append(Flow(s, d, r.ports, sg, r.origin))
