"""Collection: the network facts written in resource attributes, gathered once per graph.

:func:`collect` reads every resource's attributes (following the references loaders put in
them, see :mod:`infra_review.analysis.net_attrs`) into a :class:`NetworkRaw`: VPC membership,
subnet placement, security-group attachment and rules (all three AWS forms), route tables and
routes, NACLs and their rules, load-balancer listeners and targets, WAF/CDN protection and
Elastic IPs.  It reads attributes only, never edges, so it gives the same answer before and
after the runtime edges are derived from it (:mod:`infra_review.analysis.runtime_edges`).
:func:`network_raw` is the memoised accessor rules and analyses use.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource, Unresolved as U
>>> rg = ResourceGraph()
>>> rg.add(Resource("aws_subnet.a", "aws_subnet"))
>>> sub = U("aws_subnet.a.id", ("aws_subnet.a",))
>>> rg.add(Resource("aws_instance.x", "aws_instance", attrs={"subnet_id": sub}))
>>> dict(network_raw(rg).placement)
{'aws_instance.x': ['aws_subnet.a']}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from infra_review.analysis.net_attrs import block, literal_strings, refs_of, resolve, targets
from infra_review.analysis.net_kinds import (
    LB_KINDS,
    LISTENER_KINDS,
    SG_KINDS,
    SUBNET_GROUP_KINDS,
    SUBNET_KINDS,
    TG_KINDS,
    WORLD_V4,
    WORLD_V6,
)
from infra_review.analysis.net_ports import PortSet
from infra_review.analysis.net_types import SGRule
from infra_review.graph import ResourceGraph
from infra_review.model import Resource, Unresolved
from infra_review.model.coerce import as_int, tri

__all__ = ["NetworkRaw", "collect", "keep_raw", "network_raw"]

#: Resources of the graph by kind (a missing kind reads as an empty list).
_ByKind = defaultdict[str, list[Resource]]

_ASSOC_KINDS = frozenset(
    {
        "aws_route_table_association",
        "aws_network_acl_association",
        "aws_network_acl",
        "aws_default_network_acl",
        "aws_ec2_subnet_cidr_reservation",
        "aws_subnet",
        "aws_route",
        "aws_network_acl_rule",
    }
)
_SUBNET_ATTRS = (
    "subnet_id",
    "subnet_ids",
    "subnets",
    "vpc_zone_identifier",
    "subnet_mapping.subnet_id",
    "vpc_config.subnet_ids",
    "vpc_options.subnet_ids",
    "network_configuration.subnets",
    "broker_node_group_info.client_subnets",
    "compute_resources.subnets",
    "network_interfaces.subnet_id",
)
_GROUP_ATTRS = (
    "db_subnet_group_name",
    "subnet_group_name",
    "cluster_subnet_group_name",
    "replication_subnet_group_id",
)
_SG_ATTRS = (
    "vpc_security_group_ids",
    "security_groups",
    "security_group_ids",
    "vpc_config.security_group_ids",
    "vpc_options.security_group_ids",
    "network_configuration.security_groups",
    "network_interfaces.security_groups",
    "broker_node_group_info.security_groups",
    "compute_resources.security_group_ids",
)
_ROUTE_TARGETS = (
    "gateway_id",
    "nat_gateway_id",
    "transit_gateway_id",
    "vpc_peering_connection_id",
    "egress_only_gateway_id",
    "network_interface_id",
    "instance_id",
    "vpc_endpoint_id",
    "local_gateway_id",
    "carrier_gateway_id",
    "core_network_arn",
)
_TARGET_KIND = {
    "aws_internet_gateway": "igw",
    "aws_nat_gateway": "nat",
    "aws_ec2_transit_gateway": "tgw",
    "aws_vpc_peering_connection": "peering",
    "aws_egress_only_internet_gateway": "eigw",
    "aws_network_interface": "eni",
    "aws_instance": "instance",
    "aws_vpn_gateway": "vgw",
    "aws_vpc_endpoint": "endpoint",
}
_LITERAL_PREFIX = {
    "igw-": "igw",
    "nat-": "nat",
    "tgw-": "tgw",
    "pcx-": "peering",
    "eigw-": "eigw",
    "eni-": "eni",
    "i-": "instance",
    "vgw-": "vgw",
    "vpce-": "endpoint",
}


@dataclass
class NetworkRaw:
    """The network facts of a graph as written in attributes (addresses all the way down)."""

    placement: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    groups: dict[str, list[str]] = field(default_factory=dict)
    via_group: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    sgs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    sg_rules: dict[str, list[SGRule]] = field(default_factory=lambda: defaultdict(list))
    sg_forms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    vpc_of: dict[str, str] = field(default_factory=dict)
    rt_of: dict[str, tuple[str, str]] = field(default_factory=dict)
    main_rt: dict[str, str] = field(default_factory=dict)
    routes: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    nacl_of: dict[str, str] = field(default_factory=dict)
    default_nacl: dict[str, str] = field(default_factory=dict)
    nacl_rules: dict[str, list[SGRule]] = field(default_factory=lambda: defaultdict(list))
    listeners: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    listener_tgs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    tg_targets: dict[str, list[tuple[str, int | None]]] = field(default_factory=lambda: defaultdict(list))
    protects: list[tuple[str, str]] = field(default_factory=list)
    eips: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    igw_vpc: dict[str, str] = field(default_factory=dict)


def _first_ref(rg: ResourceGraph, res: Resource, path: str, kinds: Iterable[str] | None = None) -> str:
    found = targets(rg, res, [path], kinds)
    return found[0] if found else ""


def collect(rg: ResourceGraph) -> NetworkRaw:
    """Gather the network facts written in the attributes of every resource of ``rg``."""
    raw = NetworkRaw()
    by_kind: _ByKind = defaultdict(list)
    for res in rg.resources():
        by_kind[res.kind].append(res)
    for step in (
        _collect_vpcs,
        _collect_placement,
        _collect_sg_attachment,
        _collect_sg_rules,
        _collect_routes,
        _collect_nacls,
        _collect_load_balancers,
        _collect_protection,
        _collect_eips,
    ):
        step(rg, by_kind, raw)
    return raw


@dataclass
class _RawSlot:
    raw: NetworkRaw | None = None


def _raw_slot(rg: ResourceGraph) -> _RawSlot:
    return _RawSlot()


def network_raw(rg: ResourceGraph) -> NetworkRaw:
    """The :class:`NetworkRaw` of ``rg``, collected once per graph (memoised)."""
    slot = rg.memo(_raw_slot)
    if slot.raw is None:
        slot.raw = collect(rg)
    return slot.raw


def keep_raw(rg: ResourceGraph, raw: NetworkRaw) -> None:
    """Memoise ``raw`` (collected from ``rg`` before a write that cleared the memo) as its facts.

    For the runtime-edge derivation: it adds edges and the ``INTERNET`` node, never attributes,
    so the facts it collected stay valid after its writes.
    """
    rg.memo(_raw_slot).raw = raw


def _collect_vpcs(rg: ResourceGraph, by_kind: _ByKind, raw: NetworkRaw) -> None:
    """VPC membership of subnets, security groups, route tables, NACLs, target groups and IGWs."""
    for res in rg.resources():
        if res.kind in (
            "aws_subnet",
            "aws_security_group",
            "aws_route_table",
            "aws_network_acl",
            "aws_lb_target_group",
        ):
            vpc = _first_ref(rg, res, "vpc_id", {"aws_vpc", "aws_default_vpc"})
            if vpc:
                raw.vpc_of[res.address] = vpc
    for res in by_kind["aws_internet_gateway"]:
        vpc = _first_ref(rg, res, "vpc_id", {"aws_vpc", "aws_default_vpc"})
        if vpc:
            raw.igw_vpc[res.address] = vpc
    for res in by_kind["aws_internet_gateway_attachment"]:
        igw = _first_ref(rg, res, "internet_gateway_id", {"aws_internet_gateway"})
        vpc = _first_ref(rg, res, "vpc_id", {"aws_vpc"})
        if igw and vpc:
            raw.igw_vpc[igw] = vpc


def _collect_placement(rg: ResourceGraph, by_kind: _ByKind, raw: NetworkRaw) -> None:
    """Subnet groups and the subnets each resource is placed in (inherited by cluster members)."""
    for kind in SUBNET_GROUP_KINDS:
        for res in by_kind[kind]:
            raw.groups[res.address] = targets(rg, res, ["subnet_ids"], SUBNET_KINDS)
    for res in rg.resources():
        if (
            res.kind in _ASSOC_KINDS
            or res.kind in SUBNET_GROUP_KINDS
            or res.kind.startswith(("azurerm_", "google_", "k8s:"))
        ):
            continue
        subs = targets(rg, res, _SUBNET_ATTRS, SUBNET_KINDS)
        if subs:
            raw.placement[res.address].extend(subs)
        grps = targets(rg, res, _GROUP_ATTRS, SUBNET_GROUP_KINDS)
        for g in grps:
            raw.via_group[res.address].append(g)
            for s in raw.groups.get(g, ()):
                if s not in raw.placement[res.address]:
                    raw.placement[res.address].append(s)
    # inherited placement: cluster members, replication-group members
    for kind, attr, parent_kinds in (
        ("aws_rds_cluster_instance", "cluster_identifier", {"aws_rds_cluster"}),
        ("aws_docdb_cluster_instance", "cluster_identifier", {"aws_docdb_cluster"}),
        ("aws_neptune_cluster_instance", "cluster_identifier", {"aws_neptune_cluster"}),
        ("aws_elasticache_cluster", "replication_group_id", {"aws_elasticache_replication_group"}),
    ):
        for res in by_kind[kind]:
            if raw.placement.get(res.address):
                continue
            parent = _first_ref(rg, res, attr, parent_kinds)
            if parent and raw.placement.get(parent):
                raw.placement[res.address] = list(raw.placement[parent])


def _collect_sg_attachment(rg: ResourceGraph, by_kind: _ByKind, raw: NetworkRaw) -> None:
    """The security groups each resource uses (launch templates and ENIs pass theirs on)."""
    for res in rg.resources():
        if (
            res.kind in SG_KINDS
            or res.kind in ("aws_security_group_rule",)
            or res.kind.startswith(("aws_vpc_security_group_", "azurerm_", "google_", "k8s:"))
        ):
            continue
        sgs = targets(rg, res, _SG_ATTRS, SG_KINDS)
        if sgs:
            raw.sgs[res.address].extend(sgs)
    for res in by_kind["aws_network_interface_sg_attachment"]:
        sg = _first_ref(rg, res, "security_group_id", SG_KINDS)
        eni = _first_ref(rg, res, "network_interface_id")
        if sg and eni and sg not in raw.sgs[eni]:
            raw.sgs[eni].append(sg)
    # ASG / node group inherit the launch template's SGs and subnets
    for res in by_kind["aws_autoscaling_group"] + by_kind["aws_eks_node_group"]:
        lts = targets(
            rg,
            res,
            [
                "launch_template.id",
                "launch_template.name",
                "mixed_instances_policy.launch_template.launch_template_specification.launch_template_id",
                "mixed_instances_policy.launch_template.launch_template_specification.launch_template_name",
                "launch_configuration",
            ],
            {"aws_launch_template", "aws_launch_configuration"},
        )
        for lt in lts:
            for sg in raw.sgs.get(lt, ()):
                if sg not in raw.sgs[res.address]:
                    raw.sgs[res.address].append(sg)
    # ECS service on a cluster: nothing more; EC2 instances through ENIs
    for res in by_kind["aws_instance"]:
        for eni in targets(rg, res, ["network_interface.network_interface_id"], {"aws_network_interface"}):
            for sg in raw.sgs.get(eni, ()):
                if sg not in raw.sgs[res.address]:
                    raw.sgs[res.address].append(sg)
            for s in raw.placement.get(eni, ()):
                if s not in raw.placement[res.address]:
                    raw.placement[res.address].append(s)


def _collect_sg_rules(rg: ResourceGraph, by_kind: _ByKind, raw: NetworkRaw) -> None:
    """Security-group rules in all three AWS forms (inline, ``aws_security_group_rule``, VPC rules)."""
    for res in by_kind["aws_security_group"] + by_kind["aws_default_security_group"]:
        for direction in ("ingress", "egress"):
            for i, rule in enumerate(_blocks_or_unknown(res.attrs.get(direction))):
                attribute = f"{direction}[{i}]"
                if rule is None:
                    raw.sg_rules[res.address].append(
                        SGRule(
                            res.address,
                            direction,
                            PortSet.of(PortSet.ALL.ranges, True),
                            "unknown",
                            "",
                            res.address,
                            attribute,
                        )
                    )
                    continue
                raw.sg_forms[res.address].add("inline")
                raw.sg_rules[res.address].extend(
                    _aws_rule(rg, res.address, direction, rule, res.address, attribute)
                )
    for res in by_kind["aws_security_group_rule"]:
        sg = _first_ref(rg, res, "security_group_id", SG_KINDS)
        if not sg:
            continue
        raw.sg_forms[sg].add("rule")
        direction = str(res.attrs.get("type", "ingress"))
        norm = dict(res.attrs)
        if "source_security_group_id" in norm:
            norm["security_groups"] = [norm["source_security_group_id"]]
        raw.sg_rules[sg].extend(_aws_rule(rg, sg, direction, norm, res.address, ""))
    for kind, direction in (
        ("aws_vpc_security_group_ingress_rule", "ingress"),
        ("aws_vpc_security_group_egress_rule", "egress"),
    ):
        for res in by_kind[kind]:
            sg = _first_ref(rg, res, "security_group_id", SG_KINDS)
            if not sg:
                continue
            raw.sg_forms[sg].add("vpc_rule")
            a = res.attrs
            norm = {
                "protocol": a.get("ip_protocol"),
                "from_port": a.get("from_port"),
                "to_port": a.get("to_port"),
                "cidr_blocks": [a["cidr_ipv4"]] if "cidr_ipv4" in a else [],
                "ipv6_cidr_blocks": [a["cidr_ipv6"]] if "cidr_ipv6" in a else [],
                "security_groups": [a["referenced_security_group_id"]]
                if "referenced_security_group_id" in a
                else [],
                "prefix_list_ids": [a["prefix_list_id"]] if "prefix_list_id" in a else [],
                "description": a.get("description", ""),
            }
            if _is_all_protocol(a.get("ip_protocol")):
                norm["from_port"], norm["to_port"] = 0, 65535
            raw.sg_rules[sg].extend(_aws_rule(rg, sg, direction, norm, res.address, ""))


def _collect_routes(rg: ResourceGraph, by_kind: _ByKind, raw: NetworkRaw) -> None:
    """Route tables, their routes and associations, and each VPC's main route table."""
    for res in by_kind["aws_route_table"] + by_kind["aws_default_route_table"]:
        for i, rt in enumerate(block(res.attrs, "route")):
            raw.routes[res.address].append(_route(rg, res, rt, f"route[{i}]"))
        if res.kind == "aws_default_route_table":
            vpc = _first_ref(rg, res, "default_route_table_id", {"aws_vpc"}) or _first_ref(
                rg, res, "vpc_id", {"aws_vpc"}
            )
            if vpc:
                raw.main_rt.setdefault(vpc, res.address)
                raw.vpc_of[res.address] = vpc
    for res in by_kind["aws_route"]:
        rt = _first_ref(rg, res, "route_table_id", {"aws_route_table", "aws_default_route_table"})
        if rt:
            a = dict(res.attrs)
            a.setdefault("cidr_block", a.get("destination_cidr_block"))
            a.setdefault("ipv6_cidr_block", a.get("destination_ipv6_cidr_block"))
            raw.routes[rt].append(_route(rg, res, a, ""))
    for res in by_kind["aws_main_route_table_association"]:
        vpc = _first_ref(rg, res, "vpc_id", {"aws_vpc"})
        rt = _first_ref(rg, res, "route_table_id", {"aws_route_table", "aws_default_route_table"})
        if vpc and rt:
            raw.main_rt[vpc] = rt
    for res in by_kind["aws_route_table_association"]:
        rt = _first_ref(rg, res, "route_table_id", {"aws_route_table", "aws_default_route_table"})
        for sub in targets(rg, res, ["subnet_id"], SUBNET_KINDS):
            if rt:
                raw.rt_of[sub] = (rt, res.address)


def _collect_nacls(rg: ResourceGraph, by_kind: _ByKind, raw: NetworkRaw) -> None:
    """Network ACLs, their rules and the subnets they are associated with."""
    for res in by_kind["aws_network_acl"] + by_kind["aws_default_network_acl"]:
        for sub in targets(rg, res, ["subnet_ids"], SUBNET_KINDS):
            raw.nacl_of[sub] = res.address
        for direction in ("ingress", "egress"):
            for i, rule in enumerate(block(res.attrs, direction)):
                raw.nacl_rules[res.address].extend(
                    _nacl_rule(res.address, direction, rule, res.address, f"{direction}[{i}]")
                )
        raw.nacl_rules.setdefault(res.address, [])
        if res.kind == "aws_default_network_acl":
            vpc = _first_ref(rg, res, "default_network_acl_id", {"aws_vpc"})
            if vpc:
                raw.default_nacl[vpc] = res.address
    for res in by_kind["aws_network_acl_rule"]:
        nacl = _first_ref(rg, res, "network_acl_id", {"aws_network_acl", "aws_default_network_acl"})
        if nacl:
            a = dict(res.attrs)
            a.setdefault("rule_no", a.get("rule_number"))
            a.setdefault("action", a.get("rule_action"))
            direction = "egress" if tri(a.get("egress"), False) else "ingress"
            raw.nacl_rules[nacl].extend(_nacl_rule(nacl, direction, a, res.address, ""))
    for res in by_kind["aws_network_acl_association"]:
        nacl = _first_ref(rg, res, "network_acl_id", {"aws_network_acl"})
        sub = _first_ref(rg, res, "subnet_id", SUBNET_KINDS)
        if nacl and sub:
            raw.nacl_of[sub] = nacl


def _collect_load_balancers(rg: ResourceGraph, by_kind: _ByKind, raw: NetworkRaw) -> None:
    """Listeners, the target groups they forward to, and the targets of each group."""
    for kind in LISTENER_KINDS:
        for res in by_kind[kind]:
            lb = _first_ref(rg, res, "load_balancer_arn", LB_KINDS)
            if lb:
                raw.listeners[lb].append(res.address)
            raw.listener_tgs[res.address].extend(_action_tgs(rg, res, "default_action"))
    for res in by_kind["aws_lb_listener_rule"] + by_kind["aws_alb_listener_rule"]:
        lst = _first_ref(rg, res, "listener_arn", LISTENER_KINDS)
        if lst:
            for tg in _action_tgs(rg, res, "action"):
                if tg not in raw.listener_tgs[lst]:
                    raw.listener_tgs[lst].append(tg)
    for res in by_kind["aws_lb_target_group_attachment"] + by_kind["aws_alb_target_group_attachment"]:
        tg = _first_ref(rg, res, "target_group_arn", TG_KINDS)
        port = as_int(res.attrs.get("port"))
        for tgt in targets(rg, res, ["target_id"]):
            if tg:
                raw.tg_targets[tg].append((tgt, port))
    for res in by_kind["aws_autoscaling_group"]:
        for tg in targets(rg, res, ["target_group_arns"], TG_KINDS):
            raw.tg_targets[tg].append((res.address, None))
    for res in by_kind["aws_autoscaling_attachment"]:
        asg = _first_ref(rg, res, "autoscaling_group_name", {"aws_autoscaling_group"})
        for tg in targets(rg, res, ["lb_target_group_arn", "alb_target_group_arn"], TG_KINDS):
            if asg:
                raw.tg_targets[tg].append((asg, None))
    for res in by_kind["aws_ecs_service"]:
        for lb_block in block(res.attrs, "load_balancer"):
            port = as_int(lb_block.get("container_port"))
            for ref in refs_of(lb_block.get("target_group_arn")):
                for tg in resolve(rg, ref):
                    raw.tg_targets[tg].append((res.address, port))
    for res in by_kind["aws_elb"]:
        for inst in targets(rg, res, ["instances"], {"aws_instance"}):
            raw.tg_targets[res.address].append((inst, None))
        raw.listener_tgs.setdefault(res.address, [])


def _collect_protection(rg: ResourceGraph, by_kind: _ByKind, raw: NetworkRaw) -> None:
    """WAF web ACLs and CloudFront distributions in front of resources."""
    for res in by_kind["aws_wafv2_web_acl_association"] + by_kind["aws_wafregional_web_acl_association"]:
        acl = _first_ref(rg, res, "web_acl_arn") or _first_ref(rg, res, "web_acl_id") or res.address
        for tgt in targets(rg, res, ["resource_arn"]):
            raw.protects.append((acl, tgt))
    for res in by_kind["aws_cloudfront_distribution"]:
        acl = _first_ref(rg, res, "web_acl_id")
        if acl:
            raw.protects.append((acl, res.address))
        for tgt in targets(rg, res, ["origin.domain_name"]):
            raw.protects.append((res.address, tgt))


def _collect_eips(rg: ResourceGraph, by_kind: _ByKind, raw: NetworkRaw) -> None:
    """Elastic IPs attached to instances and network interfaces."""
    for res in by_kind["aws_eip"]:
        for tgt in targets(rg, res, ["instance", "network_interface"]):
            raw.eips[tgt].append(res.address)
    for res in by_kind["aws_eip_association"]:
        for tgt in targets(rg, res, ["instance_id", "network_interface_id"]):
            raw.eips[tgt].append(res.address)


def _is_all_protocol(value: Any) -> bool:
    return isinstance(value, (str, int)) and str(value).strip().lower() in ("-1", "all")


def _blocks_or_unknown(value: Any) -> list[Mapping[str, Any] | None]:
    if value is None:
        return []
    if isinstance(value, Unresolved):
        return [None]
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [v if isinstance(v, Mapping) else None for v in value]
    return []


def _aws_rule(
    rg: ResourceGraph, sg: str, direction: str, rule: Mapping[str, Any], origin: str, attribute: str
) -> list[SGRule]:
    ports = PortSet.parse(rule.get("protocol"), rule.get("from_port"), rule.get("to_port"))
    desc = rule.get("description")
    desc_s = desc if isinstance(desc, str) else ""
    out: list[SGRule] = []

    def add(kind: str, source: str) -> None:
        out.append(SGRule(sg, direction, ports, kind, source, origin, attribute, desc_s))

    for key in ("cidr_blocks", "ipv6_cidr_blocks"):
        value = rule.get(key)
        if isinstance(value, Unresolved):
            add("unknown", value.expr)
            continue
        for cidr in value or ():
            if isinstance(cidr, Unresolved):
                add("unknown", cidr.expr)
            elif isinstance(cidr, str):
                add("world" if cidr.strip() in (WORLD_V4, WORLD_V6) else "cidr", cidr.strip())
    groups = rule.get("security_groups")
    if isinstance(groups, Unresolved) and not groups.refs:
        add("unknown", groups.expr)
    for ref in refs_of(groups):
        for addr in resolve(rg, ref):
            node = rg.get(addr)
            if node is not None and node.kind in SG_KINDS:
                add("self" if addr == sg else "sg", addr)
    for lit in literal_strings(groups):
        add("sg", lit)
    if tri(rule.get("self"), False):
        add("self", sg)
    plists = rule.get("prefix_list_ids")
    if plists:
        for item in plists if isinstance(plists, list) else [plists]:
            add("prefix_list", item.expr if isinstance(item, Unresolved) else str(item))
    return out


def _nacl_rule(
    nacl: str, direction: str, rule: Mapping[str, Any], origin: str, attribute: str
) -> list[SGRule]:
    ports = PortSet.parse(rule.get("protocol"), rule.get("from_port"), rule.get("to_port"))
    action = str(rule.get("action", "allow")).lower()
    prio = as_int(rule.get("rule_no"))
    out = []
    for key in ("cidr_block", "ipv6_cidr_block"):
        cidr = rule.get(key)
        if cidr is None:
            continue
        if isinstance(cidr, Unresolved):
            kind, src = "unknown", cidr.expr
        else:
            kind, src = ("world" if str(cidr) in (WORLD_V4, WORLD_V6) else "cidr"), str(cidr)
        out.append(
            SGRule(
                nacl,
                direction,
                ports,
                kind,
                src,
                origin,
                attribute,
                "",
                action,
                prio if prio is not None else 32766,
            )
        )
    return out


def _route(rg: ResourceGraph, res: Resource, rt: Mapping[str, Any], attribute: str) -> dict[str, Any]:
    dest = rt.get("cidr_block") or rt.get("ipv6_cidr_block") or rt.get("destination_prefix_list_id") or ""
    target, kind = "", ""
    for key in _ROUTE_TARGETS:
        value = rt.get(key)
        if value is None or value == "":
            continue
        for ref in refs_of(value):
            for addr in resolve(rg, ref):
                node = rg.get(addr)
                if node is not None and node.block in ("resource", "data"):
                    target, kind = addr, _TARGET_KIND.get(node.kind, node.kind)
                    break
            if target:
                break
        if not target and isinstance(value, str):
            target = value
            kind = next((k for p, k in _LITERAL_PREFIX.items() if value.startswith(p)), "")
            if key == "nat_gateway_id" and not kind:
                kind = "nat"
        if not target and isinstance(value, Unresolved):
            target, kind = value.expr, "unknown"
        if target:
            break
    return {
        "dest": dest if isinstance(dest, str) else getattr(dest, "expr", "?"),
        "dest_unknown": isinstance(dest, Unresolved),
        "target": target,
        "target_kind": kind,
        "origin": res.address,
        "attribute": attribute,
    }


def _action_tgs(rg: ResourceGraph, res: Resource, name: str) -> list[str]:
    return targets(
        rg,
        res,
        [f"{name}.target_group_arn", f"{name}.forward.target_group.arn"],
        TG_KINDS,
    )
