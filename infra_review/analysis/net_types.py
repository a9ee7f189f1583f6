"""The records of the network model and the ordered-rule evaluation they share.

:class:`SGRule` is one merged security-group, NACL, Azure NSG or GCP firewall rule;
:class:`NetworkModel` holds everything :func:`infra_review.analysis.network.network_model`
derives (subnets, tiers, rules, load-balancer chains, exposure paths, violations).
:func:`nacl_world_ports` and :func:`first_match_ports` evaluate ordered rules (first match wins).

>>> r = [SGRule("nsg", "ingress", PortSet.tcp(22), "world", "*", "nsg", action="deny", priority=100),
...      SGRule("nsg", "ingress", PortSet.tcp(0, 1024), "world", "*", "nsg", priority=200)]
>>> str(first_match_ports(r))
'0-21, 23-1024'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from infra_review.analysis.net_ports import PortSet

__all__ = [
    "ExposurePath",
    "Flow",
    "LbChain",
    "NetworkModel",
    "NonVpcExposure",
    "SGRule",
    "SubnetInfo",
    "TierViolation",
    "first_match_ports",
    "nacl_world_ports",
]


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


def first_match_ports(rules: Iterable[SGRule]) -> PortSet:
    """Ports allowed from the world by rules evaluated in priority order (first match wins)."""
    return nacl_world_ports(rules, "ingress")
