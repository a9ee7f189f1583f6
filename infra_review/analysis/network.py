"""Network segmentation model: runtime edges, subnet classes, tiers and internet-exposure paths.

Everything is derived from resource attributes and the references loaders put in them
(``Unresolved(..., refs=(...))``), following RULES.md §9:

* :func:`derive_runtime_edges` adds ``in_subnet``, ``in_vpc``, ``uses_sg``, ``sg_allows``,
  ``rt_assoc``, ``routes_via``, ``nacl_assoc``, ``lb_targets`` and ``protects`` edges
  (dependent → dependency, like every edge of the graph).  It is idempotent.
* :func:`network_model` returns a :class:`NetworkModel` (memoised in ``rg.cache``): subnet
  classes from the effective route table (heuristic fallback marked as such), tiers, VPCs and
  AZs, merged security-group rules of all three AWS forms, NACL verdicts, the load-balancer
  chains, internet-exposure paths with hop counts and exposed ports (port sets intersected
  hop by hop), non-VPC exposure and tier violations.  Azure and GCP exposure come from
  :mod:`infra_review.analysis.net_cloud`.

Examples
--------
>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource, Unresolved as U
>>> def ref(a):
...     return U(a + ".id", refs=(a,))
>>> rg = ResourceGraph()
>>> rg.add(Resource("aws_vpc.main", "aws_vpc", attrs={"cidr_block": "10.0.0.0/16"}))
>>> rg.add(Resource("aws_internet_gateway.gw", "aws_internet_gateway", attrs={"vpc_id": ref("aws_vpc.main")}))
>>> rg.add(Resource("aws_subnet.pub", "aws_subnet", attrs={"vpc_id": ref("aws_vpc.main"),
...     "cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a"}))
>>> rg.add(Resource("aws_route_table.pub", "aws_route_table", attrs={"vpc_id": ref("aws_vpc.main"),
...     "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": ref("aws_internet_gateway.gw")}]}))
>>> rg.add(Resource("aws_route_table_association.pub", "aws_route_table_association",
...     attrs={"subnet_id": ref("aws_subnet.pub"), "route_table_id": ref("aws_route_table.pub")}))
>>> rg.add(Resource("aws_security_group.ssh", "aws_security_group", attrs={"vpc_id": ref("aws_vpc.main"),
...     "ingress": [{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}]}))
>>> rg.add(Resource("aws_instance.web", "aws_instance", attrs={"subnet_id": ref("aws_subnet.pub"),
...     "vpc_security_group_ids": [ref("aws_security_group.ssh")], "associate_public_ip_address": True}))
>>> m = network_model(rg)
>>> m.subnets["aws_subnet.pub"].cls, m.tiers["aws_instance.web"]
('public', 'app')
>>> [p.text() for p in m.exposures]
['INTERNET → aws_internet_gateway.gw → aws_route_table.pub → aws_subnet.pub → aws_instance.web:22']
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from infra_review.analysis.net_attrs import (
    as_int,
    attr_path,
    block,
    literal_strings,
    refs_of,
    resolve,
    tags_of,
    targets,
    tri,
)
from infra_review.analysis.net_ports import PortSet
from infra_review.graph import INTERNET, ResourceGraph
from infra_review.model import Resource, Unresolved

__all__ = [
    "COMPUTE_KINDS",
    "DATA_KINDS",
    "EDGE_KINDS",
    "ExposurePath",
    "Flow",
    "LbChain",
    "NetworkModel",
    "NonVpcExposure",
    "SGRule",
    "SubnetInfo",
    "TierViolation",
    "derive_runtime_edges",
    "network_model",
]

WORLD_V4 = "0.0.0.0/0"
WORLD_V6 = "::/0"
WORLD = frozenset({WORLD_V4, WORLD_V6, "*", "internet", "any", "0.0.0.0"})
UNKNOWN_AZ = "UNKNOWN"

SUBNET_KINDS = frozenset({"aws_subnet", "aws_default_subnet"})
SG_KINDS = frozenset({"aws_security_group", "aws_default_security_group"})
SUBNET_GROUP_KINDS = frozenset(
    {
        "aws_db_subnet_group",
        "aws_elasticache_subnet_group",
        "aws_redshift_subnet_group",
        "aws_docdb_subnet_group",
        "aws_neptune_subnet_group",
        "aws_dms_replication_subnet_group",
        "aws_memorydb_subnet_group",
        "aws_dax_subnet_group",
    }
)
LB_KINDS = frozenset({"aws_lb", "aws_alb", "aws_elb"})
LISTENER_KINDS = frozenset({"aws_lb_listener", "aws_alb_listener"})
TG_KINDS = frozenset({"aws_lb_target_group", "aws_alb_target_group"})
#: Compute that runs workloads (app tier unless placed at the edge).
COMPUTE_KINDS = frozenset(
    {
        "aws_instance",
        "aws_autoscaling_group",
        "aws_launch_template",
        "aws_launch_configuration",
        "aws_ecs_service",
        "aws_ecs_task_definition",
        "aws_eks_node_group",
        "aws_eks_cluster",
        "aws_lambda_function",
        "aws_batch_compute_environment",
        "aws_spot_instance_request",
        "aws_network_interface",
        "azurerm_linux_virtual_machine",
        "azurerm_windows_virtual_machine",
        "azurerm_virtual_machine",
        "azurerm_linux_virtual_machine_scale_set",
        "azurerm_windows_virtual_machine_scale_set",
        "azurerm_kubernetes_cluster",
        "google_compute_instance",
        "google_compute_instance_template",
        "google_compute_instance_group_manager",
        "google_compute_region_instance_group_manager",
        "google_container_cluster",
        "google_container_node_pool",
    }
)
#: Data stores (RULES.md §9 data tier).
DATA_KINDS = frozenset(
    {
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_rds_cluster_instance",
        "aws_elasticache_cluster",
        "aws_elasticache_replication_group",
        "aws_elasticache_serverless_cache",
        "aws_memorydb_cluster",
        "aws_docdb_cluster",
        "aws_docdb_cluster_instance",
        "aws_neptune_cluster",
        "aws_neptune_cluster_instance",
        "aws_opensearch_domain",
        "aws_elasticsearch_domain",
        "aws_redshift_cluster",
        "aws_msk_cluster",
        "aws_mq_broker",
        "aws_efs_file_system",
        "aws_efs_mount_target",
        "aws_s3_bucket",
        "aws_dynamodb_table",
        "aws_dax_cluster",
        "aws_fsx_lustre_file_system",
        "aws_fsx_windows_file_system",
        "azurerm_mssql_server",
        "azurerm_mssql_database",
        "azurerm_sql_server",
        "azurerm_postgresql_server",
        "azurerm_postgresql_flexible_server",
        "azurerm_mysql_server",
        "azurerm_mysql_flexible_server",
        "azurerm_cosmosdb_account",
        "azurerm_redis_cache",
        "azurerm_storage_account",
        "google_sql_database_instance",
        "google_redis_instance",
        "google_storage_bucket",
        "google_bigtable_instance",
        "google_spanner_instance",
        "google_alloydb_cluster",
    }
)
#: Edge / DMZ kinds (internet-facing by nature).
EDGE_KINDS = frozenset(
    {
        "aws_nat_gateway",
        "aws_internet_gateway",
        "aws_cloudfront_distribution",
        "aws_api_gateway_rest_api",
        "aws_api_gateway_stage",
        "aws_apigatewayv2_api",
        "aws_apigatewayv2_stage",
        "aws_globalaccelerator_accelerator",
        "aws_ec2_instance_connect_endpoint",
        "azurerm_application_gateway",
        "azurerm_bastion_host",
        "azurerm_public_ip",
        "azurerm_nat_gateway",
        "azurerm_frontdoor",
        "google_compute_global_forwarding_rule",
        "google_compute_forwarding_rule",
        "google_compute_router_nat",
    }
)
SUPPORT_KINDS = (
    SUBNET_KINDS
    | SG_KINDS
    | SUBNET_GROUP_KINDS
    | {
        "aws_vpc",
        "aws_route_table",
        "aws_default_route_table",
        "aws_network_acl",
        "aws_default_network_acl",
    }
)
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
TIER_ORDER = ("edge", "app", "data")


# ---------------------------------------------------------------------------------------------
# result types
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SGRule:
    """One merged security-group (or NSG/firewall) rule.

    ``source_kind`` is ``world`` (0.0.0.0/0, ::/0), ``cidr``, ``sg`` (``source`` is the SG
    address), ``self``, ``prefix_list`` or ``unknown``; ``origin`` is the resource that wrote
    it and ``attribute`` where (``ingress[0]``).
    """

    sg: str
    direction: str  # ingress | egress
    ports: PortSet
    source_kind: str
    source: str
    origin: str
    attribute: str = ""
    description: str = ""
    action: str = "allow"
    priority: int = 0

    @property
    def is_world(self) -> bool:
        return self.source_kind == "world"


@dataclass(frozen=True, slots=True)
class SubnetInfo:
    """A subnet's class (``public``/``private-egress``/``isolated``/``unknown``), place and tables."""

    address: str
    vpc: str
    az: str
    cidr: str
    cls: str
    confidence: str  # route | heuristic | unknown
    route_table: str = ""
    route_table_via: str = ""  # association address, "main" or ""
    default_route: str = ""  # address (or literal id) of the default route's target
    default_route_kind: str = ""  # igw | nat | tgw | instance | ...
    nacl: str = ""
    tier: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class LbChain:
    """One listener's forwarding: LB → listener (port) → target group → targets."""

    lb: str
    listener: str
    port: int | None
    protocol: str
    target_group: str
    tg_port: int | None
    targets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExposurePath:
    """A shortest internet-exposure path.

    ``nodes`` are graph addresses from ``INTERNET`` to ``target``; ``node_ports`` gives, for
    each node, the port label reached there (``""`` for routing hops).  ``hops`` counts the
    workload hops (the first internet-facing resource is hop 1).
    """

    target: str
    nodes: tuple[str, ...]
    node_ports: tuple[str, ...]
    ports: PortSet
    hops: int
    kind: str  # direct | lb | lateral | cdn | azure | gcp
    via_lb: bool = False
    confidence: str = "certain"  # certain | uncertain

    def text(self) -> str:
        """``INTERNET → igw → rtb → subnet → lb:443 → tg → asg:8080``."""
        parts = [n + (f":{p}" if p else "") for n, p in zip(self.nodes, self.node_ports, strict=True)]
        return " → ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "path": list(self.nodes),
            "path_ports": list(self.node_ports),
            "ports": self.ports.label(),
            "hops": self.hops,
            "kind": self.kind,
            "via_lb": self.via_lb,
            "confidence": self.confidence,
            "text": self.text(),
        }


@dataclass(frozen=True, slots=True)
class NonVpcExposure:
    """A resource reachable from the internet outside any VPC path (bucket policy, URL, ...)."""

    address: str
    kind: str  # s3_acl | s3_policy | eks_endpoint | lambda_url | opensearch_public | cloudfront | api
    reason: str
    certain: bool = True


@dataclass(frozen=True, slots=True)
class TierViolation:
    """A segmentation violation (NET015)."""

    address: str
    kind: str  # data_in_public_subnet | data_sg_admits | app_bypasses_lb | data_near_internet
    reason: str
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Flow:
    """An allowed flow ``source → target`` on ``ports`` (through ``sg``)."""

    source: str
    target: str
    ports: PortSet
    sg: str
    rule_origin: str


@dataclass
class NetworkModel:
    """Everything :func:`network_model` derives; plain data, safe to read from views and rules."""

    subnets: dict[str, SubnetInfo] = field(default_factory=dict)
    vpcs: dict[str, dict[str, Any]] = field(default_factory=dict)
    placement: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sgs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sg_members: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sg_rules: dict[str, list[SGRule]] = field(default_factory=dict)
    tiers: dict[str, str] = field(default_factory=dict)
    tier_source: dict[str, str] = field(default_factory=dict)
    azs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    public_address: dict[str, str] = field(default_factory=dict)  # resource → why (or "unknown: why")
    nacl_world_in: dict[str, PortSet] = field(default_factory=dict)  # subnet → ports the NACL admits
    nacl_return_ok: dict[str, bool | None] = field(default_factory=dict)
    nacl_rules: dict[str, list[SGRule]] = field(default_factory=dict)
    lb_chains: list[LbChain] = field(default_factory=list)
    protected_by: dict[str, tuple[str, ...]] = field(default_factory=dict)  # resource → WAF/CF
    exposures: list[ExposurePath] = field(default_factory=list)
    nonvpc: list[NonVpcExposure] = field(default_factory=list)
    tier_violations: list[TierViolation] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    route_tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    nat_serves: dict[str, tuple[str, ...]] = field(default_factory=dict)  # NAT → subnets routed to it

    def exposure_of(self, address: str) -> ExposurePath | None:
        """The exposure path ending at ``address``, if any."""
        for p in self.exposures:
            if p.target == address:
                return p
        return None

    def world_ingress(self, sg: str) -> PortSet:
        """Ports an SG admits from the whole internet."""
        out = PortSet.EMPTY
        for r in self.sg_rules.get(sg, ()):
            if r.direction == "ingress" and r.is_world and r.action == "allow":
                out = out | r.ports
        return out


# ---------------------------------------------------------------------------------------------
# collection from attributes
# ---------------------------------------------------------------------------------------------
@dataclass
class _Raw:
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


def _collect(rg: ResourceGraph) -> _Raw:
    raw = _Raw()
    by_kind: dict[str, list[Resource]] = defaultdict(list)
    for res in rg.resources():
        by_kind[res.kind].append(res)

    # VPC membership ------------------------------------------------------------------------
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

    # subnet groups, placement ----------------------------------------------------------------
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

    # security groups: attachment -----------------------------------------------------------
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

    # security group rules: three forms -------------------------------------------------------
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
            if normalize_all(a.get("ip_protocol")):
                norm["from_port"], norm["to_port"] = 0, 65535
            raw.sg_rules[sg].extend(_aws_rule(rg, sg, direction, norm, res.address, ""))

    # route tables -------------------------------------------------------------------------
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

    # NACLs -------------------------------------------------------------------------------
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

    # load balancers -----------------------------------------------------------------------
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
        port = _int(res.attrs.get("port"))
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
            port = _int(lb_block.get("container_port"))
            for ref in refs_of(lb_block.get("target_group_arn")):
                for tg in resolve(rg, ref):
                    raw.tg_targets[tg].append((res.address, port))
    for res in by_kind["aws_elb"]:
        for inst in targets(rg, res, ["instances"], {"aws_instance"}):
            raw.tg_targets[res.address].append((inst, None))
        raw.listener_tgs.setdefault(res.address, [])

    # WAF / CDN ----------------------------------------------------------------------------
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

    # Elastic IPs ----------------------------------------------------------------------------
    for res in by_kind["aws_eip"]:
        for tgt in targets(rg, res, ["instance", "network_interface"]):
            raw.eips[tgt].append(res.address)
    for res in by_kind["aws_eip_association"]:
        for tgt in targets(rg, res, ["instance_id", "network_interface_id"]):
            raw.eips[tgt].append(res.address)
    return raw


def normalize_all(value: Any) -> bool:
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


_int = as_int


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
    prio = _int(rule.get("rule_no"))
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


# ---------------------------------------------------------------------------------------------
# runtime edges
# ---------------------------------------------------------------------------------------------
def _ensure_internet(rg: ResourceGraph) -> None:
    if INTERNET not in rg:
        rg.add(Resource(INTERNET, "internet", block="synthetic", format="synthetic", meta={"name": INTERNET}))


def derive_runtime_edges(rg: ResourceGraph) -> int:
    """Add the runtime edges derived from attributes; return how many edge specs were applied.

    Idempotent: the graph de-duplicates an edge with the same kind and attributes, so a
    second call changes nothing.

    >>> from infra_review.graph import ResourceGraph
    >>> from infra_review.model import Resource, Unresolved as U
    >>> rg = ResourceGraph()
    >>> rg.add(Resource("aws_subnet.a", "aws_subnet"))
    >>> sub = U("aws_subnet.a.id", ("aws_subnet.a",))
    >>> rg.add(Resource("aws_instance.x", "aws_instance", attrs={"subnet_id": sub}))
    >>> derive_runtime_edges(rg), derive_runtime_edges(rg)
    (1, 1)
    >>> rg.has_edge("aws_instance.x", "aws_subnet.a", "in_subnet")
    True
    >>> rg.g.number_of_edges()
    1
    """
    raw = _collect(rg)
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
    rg.cache["network.raw"] = raw
    return len(specs)


def _edge_specs(rg: ResourceGraph, raw: _Raw) -> Iterable[tuple[str, str, str, dict[str, Any]]]:
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
                port = _int(node.attrs.get("port")) if node else None
                yield tg, lb, "lb_targets", {"listener": lst, "port": port if port is not None else ""}
    for tg, tgts in raw.tg_targets.items():
        for tgt, _port in tgts:
            yield tgt, tg, "lb_targets", {}
    for src, dst in raw.protects:
        yield src, dst, "protects", {}


def _protos(ports: PortSet) -> str:
    return ",".join(sorted({p for p, _, _ in ports.ranges})) or "none"


# ---------------------------------------------------------------------------------------------
# the model
# ---------------------------------------------------------------------------------------------
def network_model(rg: ResourceGraph) -> NetworkModel:
    """Derive (once, memoised in ``rg.cache``) the :class:`NetworkModel` of ``rg``.

    Runtime edges are added to the graph first (see :func:`derive_runtime_edges`).
    """
    cached = rg.cache.get("network.model")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    if not rg.frozen:  # a graph built by hand (tests); the load pipeline derived them already
        derive_runtime_edges(rg)
    raw: _Raw = rg.cache.get("network.raw") or _collect(rg)
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
    _exposures(rg, raw, m)
    _nonvpc(rg, m)
    from infra_review.analysis.net_cloud import cloud_exposures  # local import: optional clouds
    from infra_review.analysis.net_k8s import endpoint_exposures, k8s_exposures

    m.exposures.extend(cloud_exposures(rg, m))
    m.exposures = _shortest_per_target(m.exposures + k8s_exposures(rg) + endpoint_exposures(rg, m))
    _tier_violations(rg, m)
    rg.cache["network.raw"] = raw
    rg.cache["network.model"] = m
    return m


def _cidr(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _subnets(rg: ResourceGraph, raw: _Raw, m: NetworkModel) -> None:
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


def _vpcs(rg: ResourceGraph, raw: _Raw, m: NetworkModel) -> None:
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


def _tiers(rg: ResourceGraph, raw: _Raw, m: NetworkModel) -> None:
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
                if node is not None and node.kind in COMPUTE_KINDS and not _is_bastion(node):
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
        m.subnets[addr] = _replace(info, tier=tier)


def _replace(info: SubnetInfo, **changes: Any) -> SubnetInfo:
    from dataclasses import replace

    return replace(info, **changes)


def _is_bastion(res: Resource) -> bool:
    tags = tags_of(res)
    role = (tags.get("role") or tags.get("Role") or "").lower()
    return role == "bastion" or bool(re.search(r"(^|[_-])(bastion|jump)([_-]|$|host)", res.name.lower()))


def _public_addresses(rg: ResourceGraph, raw: _Raw, m: NetworkModel) -> None:
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


def _lb_chains(rg: ResourceGraph, raw: _Raw, m: NetworkModel) -> None:
    for lb, listeners in sorted(raw.listeners.items()):
        for lst in listeners:
            node = rg[lst]
            port = _int(node.attrs.get("port"))
            proto = str(node.attrs.get("protocol", "")) if isinstance(node.attrs.get("protocol"), str) else ""
            for tg in raw.listener_tgs.get(lst, ()):
                tg_node = rg.get(tg)
                tg_port = _int(tg_node.attrs.get("port")) if tg_node else None
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
                    _int(lst.get("lb_port")),
                    str(lst.get("lb_protocol", "")),
                    res.address,
                    _int(lst.get("instance_port")),
                    tuple(t for t, _ in raw.tg_targets.get(res.address, ())),
                )
            )


def _protected(raw: _Raw) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    for src, dst in raw.protects:
        out[dst].append(src)
    return {k: tuple(v) for k, v in out.items()}


def _nacls(rg: ResourceGraph, raw: _Raw, m: NetworkModel) -> None:
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


def nacl_world_ports(rules: Iterable[SGRule], direction: str) -> PortSet:
    """Ports ordered rules admit from (or to) the whole internet: first match wins.

    Rules are evaluated by ``priority`` (AWS NACL rule number, Azure NSG / GCP firewall
    priority), a deny before an allow at equal priority (GCP); the first rule covering a port
    decides it.

    >>> r = [SGRule("n", "ingress", PortSet.tcp(22), "world", "0.0.0.0/0", "n", action="deny", priority=90),
    ...      SGRule("n", "ingress", PortSet.tcp(0, 1024), "world", "0.0.0.0/0", "n", priority=100)]
    >>> str(nacl_world_ports(r, "ingress"))
    '0-21, 23-1024'
    """
    decided = PortSet.EMPTY
    allowed = PortSet.EMPTY
    uncertain = False
    ordered = sorted(
        (r for r in rules if r.direction == direction), key=lambda r: (r.priority, r.action != "deny")
    )
    for r in ordered:
        if r.source_kind == "unknown":
            uncertain = True
            continue
        if r.source_kind != "world":
            continue
        fresh = r.ports - decided
        if r.action == "allow":
            allowed = allowed | fresh
        decided = decided | r.ports
        uncertain = uncertain or r.ports.uncertain
    return PortSet(allowed.ranges, uncertain)


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


# ---------------------------------------------------------------------------------------------
# exposure paths
# ---------------------------------------------------------------------------------------------
def _admitted_from_world(m: NetworkModel, addr: str) -> PortSet:
    out = PortSet.EMPTY
    for sg in m.sgs.get(addr, ()):
        out = out | m.world_ingress(sg)
    return out


def _admits_from(m: NetworkModel, target: str, source: str) -> PortSet:
    """Ports ``target``'s SGs admit from ``source`` (by SG reference or by CIDR containment)."""
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
                or (r.source_kind == "world")
                or (
                    r.source_kind == "cidr"
                    and src_cidrs
                    and any(_cidr_contains(r.source, c) for c in src_cidrs)
                )
            ):
                out = out | r.ports
    return out


def _cidr_contains(outer: str, inner: str) -> bool:
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


def _exposures(rg: ResourceGraph, raw: _Raw, m: NetworkModel) -> None:
    found: dict[str, ExposurePath] = {}
    queue: deque[ExposurePath] = deque()

    def offer(p: ExposurePath) -> None:
        if not p.ports:
            return
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
            queue.append(found[p.target])
            return
        if old is None or (p.hops, len(p.nodes)) < (old.hops, len(old.nodes)):
            found[p.target] = p
            queue.append(p)

    chains_by_lb: dict[str, list[LbChain]] = defaultdict(list)  # m.lb_chains per LB, in order
    for ch in m.lb_chains:
        chains_by_lb[ch.lb].append(ch)

    # 1-3: direct entry through a public subnet
    for addr, why in sorted(m.public_address.items()):
        node = rg.get(addr)
        if node is None or node.kind == "aws_nat_gateway":
            continue
        subs = [s for s in m.placement.get(addr, ()) if m.subnets.get(s) and m.subnets[s].cls == "public"]
        if not subs:
            continue
        is_lb = node.kind in LB_KINDS
        if is_lb:
            lst_ports = PortSet.EMPTY
            for ch in chains_by_lb.get(addr, ()):
                if ch.port is not None:
                    lst_ports = lst_ports | PortSet.tcp(ch.port)
            listener_ports = PortSet.of(lst_ports.ranges)
            if addr not in chains_by_lb:
                listener_ports = PortSet.EMPTY
            sg_ports = _admitted_from_world(m, addr) if m.sgs.get(addr) else PortSet.ALL
            ports = listener_ports & sg_ports
        else:
            ports = _admitted_from_world(m, addr)
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
            offer(best)

    # breadth-first: LB chain, then lateral SG hops.  Index: which SGs admit a given SG, and
    # which SGs have CIDR-sourced ingress (candidates for lateral hops by address range)
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
    lateral_ok: dict[str, bool] = {}

    def _lateral_ok(addr: str) -> bool:
        """A node a lateral hop can land on: it exists and is not a launch template/config."""
        ok = lateral_ok.get(addr)
        if ok is None:
            onode = rg.get(addr)
            ok = lateral_ok[addr] = onode is not None and onode.kind not in (
                "aws_launch_template",
                "aws_launch_configuration",
            )
        return ok

    # members of SGs with CIDR-sourced ingress: candidates for every hop, so gathered once
    cidr_members: set[str] = set()
    for tsg in cidr_sgs:
        cidr_members.update(c for c in m.sg_members.get(tsg, ()) if _lateral_ok(c))
    while queue:
        cur = queue.popleft()
        if found.get(cur.target) is not cur or cur.hops >= 6:
            continue
        node = rg.get(cur.target)
        if node is None:
            continue
        if node.kind in LB_KINDS:
            for ch in chains_by_lb.get(cur.target, ()):
                if ch.port is None or (("tcp", ch.port) not in cur.ports):
                    continue
                for tgt in ch.targets:
                    tport = None
                    for t, p in raw.tg_targets.get(ch.target_group, ()):
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
                    offer(
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
            continue
        if node.kind not in COMPUTE_KINDS:
            continue  # data stores and gateways do not originate connections
        candidates: set[str] = set()
        for sg in m.sgs.get(cur.target, ()):
            for tsg in admitters.get(sg, ()):
                candidates.update(m.sg_members.get(tsg, ()))
        candidates = {c for c in candidates if _lateral_ok(c)} | cidr_members
        for other in sorted(candidates):
            if other == cur.target or (other in found and found[other].hops <= cur.hops + 1):
                continue
            got = _admits_from_non_world(m, other, cur.target)
            if not got:
                continue
            offer(
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

    # CloudFront / API entry points
    for res in rg.resources("aws_cloudfront_distribution"):
        for origin in targets(rg, res, ["origin.domain_name"]):
            onode = rg.get(origin)
            if onode is not None and onode.kind in LB_KINDS and origin not in found:
                offer(
                    ExposurePath(
                        origin, (INTERNET, res.address, origin), ("", "443", ""), PortSet.tcp(443), 1, "cdn"
                    )
                )
    m.exposures = sorted(found.values(), key=lambda p: (p.hops, p.target))


def _shortest_per_target(paths: list[ExposurePath]) -> list[ExposurePath]:
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
                and any(_cidr_contains(r.source, c) for c in vcidrs)
            ):
                out = out | r.ports
    return out


def _admits_from_non_world(m: NetworkModel, target: str, source: str) -> PortSet:
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
                or (
                    r.source_kind == "cidr"
                    and src_cidrs
                    and any(_cidr_contains(r.source, c) for c in src_cidrs)
                )
            ):
                out = out | r.ports
    return out


# ---------------------------------------------------------------------------------------------
# non-VPC exposure and tier violations
# ---------------------------------------------------------------------------------------------
_PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})


def _policy_public(policy: Any) -> bool | None:
    """True when a JSON policy has an Allow for Principal "*" without a Condition."""
    if isinstance(policy, Unresolved):
        return None
    doc: Any = policy
    if isinstance(policy, str):
        try:
            doc = json.loads(policy)
        except ValueError:
            return None
    if not isinstance(doc, Mapping):
        return None
    stmts = doc.get("Statement", [])
    if isinstance(stmts, Mapping):
        stmts = [stmts]
    for st in stmts if isinstance(stmts, list) else []:
        if not isinstance(st, Mapping) or st.get("Effect") != "Allow" or st.get("Condition"):
            continue
        principal = st.get("Principal")
        if principal == "*" or (isinstance(principal, Mapping) and principal.get("AWS") in ("*", ["*"])):
            return True
    return False


def _nonvpc(rg: ResourceGraph, m: NetworkModel) -> None:
    pab: dict[str, bool] = {}
    for res in rg.resources("aws_s3_bucket_public_access_block"):
        flags = [tri(res.attrs.get(k), False) for k in ("block_public_policy", "restrict_public_buckets")]
        acl_flags = [tri(res.attrs.get(k), False) for k in ("block_public_acls", "ignore_public_acls")]
        for b in targets(rg, res, ["bucket"], {"aws_s3_bucket"}):
            pab[b + "#policy"] = all(f is True for f in flags)
            pab[b + "#acl"] = all(f is True for f in acl_flags)
    account_block = any(
        all(
            tri(r.attrs.get(k), False) is True
            for k in ("block_public_policy", "restrict_public_buckets", "ignore_public_acls")
        )
        for r in rg.resources("aws_s3_account_public_access_block")
    )
    for res in rg.resources("aws_s3_bucket"):
        acl = res.attrs.get("acl")
        if (
            isinstance(acl, str)
            and acl in _PUBLIC_ACLS
            and not pab.get(res.address + "#acl")
            and not account_block
        ):
            m.nonvpc.append(NonVpcExposure(res.address, "s3_acl", f"bucket ACL {acl}"))
        if (
            _policy_public(res.attrs.get("policy"))
            and not pab.get(res.address + "#policy")
            and not account_block
        ):
            m.nonvpc.append(
                NonVpcExposure(
                    res.address, "s3_policy", 'bucket policy allows Principal "*" without a Condition'
                )
            )
    for res in rg.resources("aws_s3_bucket_acl"):
        acl = res.attrs.get("acl")
        for b in targets(rg, res, ["bucket"], {"aws_s3_bucket"}):
            if isinstance(acl, str) and acl in _PUBLIC_ACLS and not pab.get(b + "#acl") and not account_block:
                m.nonvpc.append(NonVpcExposure(b, "s3_acl", f"aws_s3_bucket_acl {acl}"))
    for res in rg.resources("aws_s3_bucket_policy"):
        pol = res.attrs.get("policy")
        public = _policy_public(pol)
        if public is None and isinstance(pol, Unresolved):
            for ref in refs_of(pol):
                for doc in resolve(rg, ref):
                    dnode = rg.get(doc)
                    if dnode is not None and dnode.kind == "aws_iam_policy_document":
                        public = _doc_public(dnode)
        for b in targets(rg, res, ["bucket"], {"aws_s3_bucket"}):
            if public and not pab.get(b + "#policy") and not account_block:
                m.nonvpc.append(
                    NonVpcExposure(b, "s3_policy", 'bucket policy allows Principal "*" without a Condition')
                )
    for res in rg.resources("aws_eks_cluster"):
        for vc in block(res.attrs, "vpc_config"):
            pub = tri(vc.get("endpoint_public_access"), True)
            cidrs = vc.get("public_access_cidrs", [WORLD_V4])
            world = isinstance(cidrs, list) and WORLD_V4 in cidrs
            if pub is True and world:
                m.nonvpc.append(
                    NonVpcExposure(res.address, "eks_endpoint", "EKS API endpoint public to 0.0.0.0/0")
                )
            elif pub is None or isinstance(cidrs, Unresolved):
                m.nonvpc.append(
                    NonVpcExposure(
                        res.address, "eks_endpoint", "EKS endpoint access not statically known", False
                    )
                )
        if not block(res.attrs, "vpc_config"):
            m.nonvpc.append(NonVpcExposure(res.address, "eks_endpoint", "EKS API endpoint public by default"))
    for res in rg.resources("aws_lambda_function_url"):
        auth = res.attrs.get("authorization_type")
        if auth == "NONE":
            fns = targets(rg, res, ["function_name"], {"aws_lambda_function"})
            m.nonvpc.append(
                NonVpcExposure(
                    fns[0] if fns else res.address, "lambda_url", "function URL with authorization_type NONE"
                )
            )
    for res in rg.resources("aws_opensearch_domain", "aws_elasticsearch_domain"):
        if not block(res.attrs, "vpc_options"):
            m.nonvpc.append(
                NonVpcExposure(
                    res.address, "opensearch_public", "domain has no vpc_options (public endpoint)"
                )
            )
    for res in rg.resources("aws_cloudfront_distribution"):
        m.nonvpc.append(NonVpcExposure(res.address, "cloudfront", "CloudFront distribution (internet edge)"))
    for res in rg.resources("aws_api_gateway_rest_api", "aws_apigatewayv2_api"):
        types = attr_path(res.attrs, "endpoint_configuration.types")
        if any(isinstance(t, list) and "PRIVATE" in t for t in types):
            continue
        m.nonvpc.append(NonVpcExposure(res.address, "api", "API Gateway endpoint (internet edge)"))


def _doc_public(doc: Resource) -> bool:
    for st in block(doc.attrs, "statement"):
        if str(st.get("effect", "Allow")) != "Allow" or st.get("condition"):
            continue
        for pr in block(st, "principals"):
            ids = pr.get("identifiers")
            if isinstance(ids, list) and "*" in ids:
                return True
    return False


def _tier_violations(rg: ResourceGraph, m: NetworkModel) -> None:
    edge_sgs = {sg for res, sgs in m.sgs.items() if m.tiers.get(res) == "edge" for sg in sgs}
    public_cidrs = [s.cidr for s in m.subnets.values() if s.cls == "public" and s.cidr]
    for res, tier in sorted(m.tiers.items()):
        if tier != "data":
            continue
        pub = [s for s in m.placement.get(res, ()) if m.subnets.get(s) and m.subnets[s].cls == "public"]
        if pub:
            m.tier_violations.append(
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
                    _cidr_contains(r.source, c) or _cidr_contains(c, r.source) for c in public_cidrs
                ):
                    why = f"{sg} admits public-subnet range {r.source} on {r.ports.label()}"
                if why:
                    m.tier_violations.append(
                        TierViolation(
                            res, "data_sg_admits", why, {"sg": sg, "rule": r.origin, "attribute": r.attribute}
                        )
                    )
    for p in m.exposures:
        tier = m.tiers.get(p.target)
        if tier == "app" and not p.via_lb and p.kind in ("direct", "lateral"):
            node = rg.get(p.target)
            if node is not None and node.kind in COMPUTE_KINDS:
                m.tier_violations.append(
                    TierViolation(
                        p.target,
                        "app_bypasses_lb",
                        "app-tier compute reachable from the internet without a load balancer",
                        {"path": list(p.nodes), "ports": p.ports.label()},
                    )
                )
        if tier == "data" and p.hops <= 2:
            m.tier_violations.append(
                TierViolation(
                    p.target,
                    "data_near_internet",
                    f"data store {p.hops} hop(s) from the internet",
                    {"path": list(p.nodes), "ports": p.ports.label()},
                )
            )
