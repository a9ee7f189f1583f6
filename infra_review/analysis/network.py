"""Network segmentation model: subnet classes, tiers and internet-exposure paths.

Everything is derived from resource attributes and the references loaders put in them
(``Unresolved(..., refs=(...))``), following RULES.md §9.  :func:`network_model` returns a
:class:`NetworkModel` (memoised per graph): subnet classes from the effective route table
(heuristic fallback marked as such), tiers, VPCs and AZs, merged security-group rules of all
three AWS forms, NACL verdicts, the load-balancer chains, internet-exposure paths with hop
counts and exposed ports (port sets intersected hop by hop), non-VPC exposure and tier
violations.  This module assembles the model; the pieces live in modules named for them:

* :mod:`~infra_review.analysis.net_kinds` the kind tables, :mod:`~infra_review.analysis.net_types`
  the records;
* :mod:`~infra_review.analysis.net_collect` the facts read from attributes
  (:func:`network_raw`), :mod:`~infra_review.analysis.runtime_edges` the runtime edges derived
  from them at load;
* :mod:`~infra_review.analysis.net_layout` subnets, tiers, public addresses, LB chains, flows;
* :mod:`~infra_review.analysis.net_exposure` the exposure search inside VPCs and tier
  violations, :mod:`~infra_review.analysis.net_nonvpc` non-VPC exposure,
  :mod:`~infra_review.analysis.net_cloud` Azure and GCP, :mod:`~infra_review.analysis.net_k8s`
  Kubernetes and managed endpoints.

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

from infra_review.analysis.net_cloud import cloud_exposures
from infra_review.analysis.net_collect import network_raw
from infra_review.analysis.net_exposure import shortest_per_target, tier_violations, vpc_exposures
from infra_review.analysis.net_k8s import endpoint_exposures, k8s_exposures
from infra_review.analysis.net_kinds import (
    COMPUTE_KINDS,
    DATA_KINDS,
    EDGE_KINDS,
    LB_KINDS,
    SG_KINDS,
    TG_KINDS,
    UNKNOWN_AZ,
)
from infra_review.analysis.net_layout import build_layout, is_bastion, tier_of
from infra_review.analysis.net_nonvpc import nonvpc_exposures
from infra_review.analysis.net_types import (
    ExposurePath,
    Flow,
    LbChain,
    NetworkModel,
    NonVpcExposure,
    SGRule,
    SubnetInfo,
    TierViolation,
    first_match_ports,
    nacl_world_ports,
)
from infra_review.analysis.runtime_edges import ensure_derived, is_derived
from infra_review.graph import FrozenGraphError, ResourceGraph

__all__ = [
    "COMPUTE_KINDS",
    "DATA_KINDS",
    "EDGE_KINDS",
    "LB_KINDS",
    "SG_KINDS",
    "TG_KINDS",
    "UNKNOWN_AZ",
    "ExposurePath",
    "Flow",
    "LbChain",
    "NetworkModel",
    "NonVpcExposure",
    "SGRule",
    "SubnetInfo",
    "TierViolation",
    "first_match_ports",
    "is_bastion",
    "nacl_world_ports",
    "network_model",
    "network_raw",
    "tier_of",
]


def network_model(rg: ResourceGraph) -> NetworkModel:
    """The :class:`NetworkModel` of ``rg``, derived once per graph (memoised).

    Reads the graph only.  The runtime edges must have been derived
    (:func:`infra_review.analysis.runtime_edges.derive`, which the load pipeline calls before it
    freezes the graph); on a graph that is not frozen yet they are derived here first.

    Raises
    ------
    FrozenGraphError
        ``rg`` was frozen before its runtime edges were derived.
    """
    if not rg.frozen:
        ensure_derived(rg)
    elif not is_derived(rg):
        msg = (
            "runtime edges were not derived before the graph was frozen: call "
            "infra_review.analysis.runtime_edges.derive(rg) before rg.freeze()"
        )
        raise FrozenGraphError(msg)
    return rg.memo(_build)


def _build(rg: ResourceGraph) -> NetworkModel:
    raw = network_raw(rg)
    m = build_layout(rg, raw)
    m.exposures = vpc_exposures(rg, raw, m)
    m.nonvpc = nonvpc_exposures(rg)
    m.exposures.extend(cloud_exposures(rg, m))
    m.exposures = shortest_per_target(m.exposures + k8s_exposures(rg) + endpoint_exposures(rg, m))
    m.tier_violations = tier_violations(rg, m)
    return m
