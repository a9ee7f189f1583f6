"""Rules of the ``network_security`` area (NET001–NET016, RULES.md §4 and §9).

Graph rules consume :func:`infra_review.analysis.network.network_model`: subnet classes,
tiers, merged security-group rules (inline, ``aws_security_group_rule`` and
``aws_vpc_security_group_{ingress,egress}_rule``), Azure NSG and GCP firewall rules, and the
internet-exposure paths (their evidence is the path as a list of addresses plus ports).

Catalog notes (RULES.md draft → provider docs):

- NET002: a subnet with ``map_public_ip_on_launch = true`` is reported only when it is not a
  public subnet by route (in a public subnet the flag is what makes it public, and NET001
  judges what runs there); an ``aws_eip`` is reported when it is attached to an instance or
  ENI that is not a bastion or NAT instance.
- NET009: rules without ``description`` are listed in the evidence of the SG's findings
  rather than as separate findings.
- NET010: an HTTPS listener without ``ssl_policy`` uses the provider/AWS default
  (TLS 1.2+ since 2023), so only explicit weak policies fail.
- NET011: PostgreSQL 15+ forces SSL by default (``rds.force_ssl = 1``), so such instances
  pass without a parameter group.
- NET016: "≥2 tiers in the same subnets" is judged for the data tier (a data store sharing
  subnets with app or edge resources); compute in public subnets is NET001.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from infra_review.analysis.k8s import get_path
from infra_review.analysis.net_attrs import attr_path, block, refs_of, resolve, tags_of, targets
from infra_review.analysis.net_ports import ADMIN_PORTS, DATA_PORTS, PortSet
from infra_review.analysis.network import (
    DATA_KINDS,
    LB_KINDS,
    SG_KINDS,
    NetworkModel,
    SGRule,
    first_match_ports,
    is_bastion,
    nacl_world_ports,
    network_model,
    network_raw,
)
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, Status, Unresolved
from infra_review.model.coerce import tri
from infra_review.rules._registry import Hit, rule

__all__ = ["CRITICAL_PORTS"]

NET = Area.NETWORK_SECURITY
#: Ports that must never be open to the whole internet (NET007).
CRITICAL_PORTS: tuple[int, ...] = (
    22,
    3389,
    3306,
    5432,
    1433,
    1521,
    6379,
    11211,
    27017,
    9200,
    2379,
    6443,
    5985,
    5986,
)
_PORT_NAMES = {
    22: "SSH",
    3389: "RDP",
    3306: "MySQL",
    5432: "PostgreSQL",
    1433: "SQL Server",
    1521: "Oracle",
    6379: "Redis",
    11211: "Memcached",
    27017: "MongoDB",
    9200: "Elasticsearch",
    2379: "etcd",
    6443: "Kubernetes API",
    5985: "WinRM",
    5986: "WinRM/TLS",
}
_NET001_KINDS = (
    "aws_instance",
    "aws_autoscaling_group",
    "aws_ecs_service",
    "aws_eks_node_group",
    "aws_lambda_function",
    "aws_spot_instance_request",
)


def _model(rg: ResourceGraph) -> NetworkModel:
    return network_model(rg)


def _is_nat_instance(res: Resource) -> bool:
    return res.kind == "aws_instance" and (
        tri(res.attrs.get("source_dest_check"), True) is False
        or bool(re.search(r"(^|[_-])nat([_-]|$)", res.name.lower()))
    )


def _ports_text(ports: list[int]) -> str:
    return ", ".join(f"{p} ({_PORT_NAMES[p]})" if p in _PORT_NAMES else str(p) for p in ports)


# -- NET001 --------------------------------------------------------------------------------------
@rule("NET001", area=NET, severity=Severity.HIGH, title="Compute runs in a public subnet")
def compute_in_public_subnet(rg: ResourceGraph) -> Iterator[Hit]:
    """Instances, auto scaling groups, ECS services, EKS node groups or in-VPC Lambda functions
    are placed in a **public** subnet (its effective route table sends ``0.0.0.0/0`` or ``::/0``
    to an internet gateway).  Bastions (``role = bastion`` tag, name ``bastion``/``jump``) and
    NAT instances are allow-listed.

    Why it matters
    --------------
    A workload in a public subnet is one security-group edit or one public IP away from the
    internet; private subnets make exposure a deliberate, reviewed change through a load
    balancer.

    Remediation
    -----------
    Move the workload to private subnets (default route to a NAT gateway) and publish it
    through a load balancer in the public subnets.

    Example
    -------
    .. code-block:: hcl

        resource "aws_instance" "app" {
          subnet_id = module.vpc.private_subnets[0]   # not public_subnets
        }
    """
    m = _model(rg)
    for res in rg.resources(*_NET001_KINDS):
        if is_bastion(res) or _is_nat_instance(res):
            continue
        subs = m.placement.get(res.address, ())
        if not subs:
            continue
        public = [s for s in subs if m.subnets[s].cls == "public"]
        unknown = [s for s in subs if m.subnets[s].cls == "unknown"]
        if public:
            info = m.subnets[public[0]]
            yield Hit(
                res,
                f"placed in public subnet {public[0]} ({info.reason or 'public by route'})",
                attribute="subnet_id",
                evidence={
                    "public_subnets": public,
                    "route_table": info.route_table,
                    "default_route": info.default_route,
                    "confidence": info.confidence,
                },
            )
        elif unknown:
            yield Hit(
                res,
                f"subnet class of {unknown[0]} is not statically known",
                status=Status.UNKNOWN,
                evidence={"subnets": unknown},
            )


# -- NET002 --------------------------------------------------------------------------------------
@rule(
    "NET002",
    area=NET,
    severity=Severity.HIGH,
    title="Resource gets a public IP address",
    checkov=("CKV_AWS_88", "CKV_AWS_333", "CKV_AWS_130"),
)
def public_ip(rg: ResourceGraph) -> Iterator[Hit]:
    """An instance or launch template with ``associate_public_ip_address = true``, an ECS
    service with ``assign_public_ip = true``, a non-public subnet with
    ``map_public_ip_on_launch = true``, or an Elastic IP attached to an instance or ENI
    (bastions and NAT instances excepted).

    Why it matters
    --------------
    A public address makes the host directly addressable from the internet; only its security
    group stands between it and every scanner.

    Remediation
    -----------
    Drop the public address and reach the host through a load balancer, SSM Session Manager
    or an EC2 Instance Connect endpoint.

    Example
    -------
    .. code-block:: hcl

        resource "aws_instance" "app" {
          associate_public_ip_address = false
        }
    """
    m = _model(rg)
    for res in rg.resources("aws_instance", "aws_spot_instance_request"):
        if is_bastion(res) or _is_nat_instance(res):
            continue
        v = res.attrs.get("associate_public_ip_address")
        if tri(v) is True:
            yield Hit(res, "associate_public_ip_address = true", attribute="associate_public_ip_address")
        elif isinstance(v, Unresolved):
            yield Hit(
                res,
                "associate_public_ip_address is not statically known",
                attribute="associate_public_ip_address",
                status=Status.UNKNOWN,
            )
    for res in rg.resources("aws_launch_template"):
        if is_bastion(res):
            continue
        for i, ni in enumerate(block(res.attrs, "network_interfaces")):
            v = ni.get("associate_public_ip_address")
            attr = f"network_interfaces[{i}].associate_public_ip_address"
            if tri(v) is True:
                yield Hit(res, "launch template network interface associates a public IP", attribute=attr)
            elif isinstance(v, Unresolved):
                yield Hit(
                    res,
                    "associate_public_ip_address is not statically known",
                    attribute=attr,
                    status=Status.UNKNOWN,
                )
    for res in rg.resources("aws_ecs_service"):
        for i, nc in enumerate(block(res.attrs, "network_configuration")):
            v = nc.get("assign_public_ip")
            attr = f"network_configuration[{i}].assign_public_ip"
            if tri(v) is True:
                yield Hit(res, "ECS tasks get a public IP (assign_public_ip = true)", attribute=attr)
            elif isinstance(v, Unresolved):
                yield Hit(
                    res, "assign_public_ip is not statically known", attribute=attr, status=Status.UNKNOWN
                )
    for res in rg.resources("aws_subnet"):
        v = res.attrs.get("map_public_ip_on_launch")
        info = m.subnets.get(res.address)
        if tri(v) is True and (info is None or info.cls != "public" or info.confidence != "route"):
            yield Hit(
                res,
                f"map_public_ip_on_launch = true on a {info.cls if info else 'unknown'} subnet",
                attribute="map_public_ip_on_launch",
            )
    for res in rg.resources("aws_eip", "aws_eip_association"):
        keys = (
            ["instance", "network_interface"]
            if res.kind == "aws_eip"
            else ["instance_id", "network_interface_id"]
        )
        for tgt in targets(rg, res, keys):
            node = rg[tgt]
            if is_bastion(node) or _is_nat_instance(node):
                continue
            yield Hit(res, f"Elastic IP attached to {tgt}", attribute=keys[0], evidence={"attached_to": tgt})


# -- NET003 --------------------------------------------------------------------------------------
_PUBLIC_ACCESS_KINDS = (
    "aws_db_instance",
    "aws_rds_cluster_instance",
    "aws_redshift_cluster",
    "aws_dms_replication_instance",
    "aws_mq_broker",
    "aws_docdb_cluster_instance",
    "aws_neptune_cluster_instance",
)


@rule(
    "NET003",
    area=NET,
    severity=Severity.CRITICAL,
    title="Database or cache reachable from public subnets",
    checkov=("CKV_AWS_17", "CKV_AWS_87", "CKV_AWS_89", "CKV_AWS_69"),
    no_env_downgrade=True,
)
def public_database(rg: ResourceGraph) -> Iterator[Hit]:
    """``publicly_accessible = true`` on an RDS instance, Aurora instance, Redshift cluster, DMS
    replication instance or MQ broker, or a DB/cache subnet group that contains a public subnet.

    Why it matters
    --------------
    A publicly accessible database gets a public DNS name and address; a subnet group with a
    public subnet lets a later change (or a failover) put it there.  Data stores belong in
    isolated subnets.

    Remediation
    -----------
    Set ``publicly_accessible = false`` and build the subnet group from isolated or private
    subnets only.

    Example
    -------
    .. code-block:: hcl

        resource "aws_db_instance" "main" {
          publicly_accessible  = false
          db_subnet_group_name = aws_db_subnet_group.isolated.name
        }
    """
    m = _model(rg)
    seen: set[str] = set()
    for res in rg.resources(*_PUBLIC_ACCESS_KINDS):
        v = res.attrs.get("publicly_accessible")
        if tri(v) is True:
            seen.add(res.address)
            yield Hit(
                res,
                "publicly_accessible = true",
                attribute="publicly_accessible",
                evidence={"exposure": p.to_dict()} if (p := m.exposure_of(res.address)) else {},
            )
        elif isinstance(v, Unresolved):
            seen.add(res.address)
            yield Hit(
                res,
                "publicly_accessible is not statically known",
                attribute="publicly_accessible",
                status=Status.UNKNOWN,
            )
    for res in rg.resources(*DATA_KINDS):
        if res.address in seen or res.kind in ("aws_s3_bucket", "aws_dynamodb_table"):
            continue
        pub = [s for s in m.placement.get(res.address, ()) if m.subnets[s].cls == "public"]
        if pub:
            yield Hit(
                res,
                f"its subnets include public subnet(s) {', '.join(pub)}",
                attribute="subnet_group",
                evidence={"public_subnets": pub, "route_table": m.subnets[pub[0]].route_table},
            )


# -- NET004 / NET005 ---------------------------------------------------------------------------------
def _cf_with_waf(rg: ResourceGraph, cf: str) -> bool:
    node = rg.get(cf)
    return node is not None and node.attrs.get("web_acl_id") not in (None, "")


@rule(
    "NET004",
    area=NET,
    severity=Severity.HIGH,
    title="Internet-facing ALB or API has no WAF",
    checkov=("CKV2_AWS_28", "CKV2_AWS_29", "CKV2_AWS_33"),
)
def alb_without_waf(rg: ResourceGraph) -> Iterator[Hit]:
    """An internet-facing application load balancer, API Gateway stage or AppSync API is neither
    the ``resource_arn`` of a WAFv2 (or WAF Regional) web ACL association nor the origin of a
    CloudFront distribution with a ``web_acl_id``.

    Why it matters
    --------------
    Without a web application firewall, injection, credential-stuffing and L7 floods reach the
    application unfiltered.

    Remediation
    -----------
    Associate a WAFv2 web ACL (AWS managed rule groups as a start) or front the endpoint with
    CloudFront carrying one.

    Example
    -------
    .. code-block:: hcl

        resource "aws_wafv2_web_acl_association" "web" {
          resource_arn = aws_lb.web.arn
          web_acl_arn  = aws_wafv2_web_acl.main.arn
        }
    """
    m = _model(rg)
    for res in rg.resources("aws_lb", "aws_alb", "aws_api_gateway_stage", "aws_appsync_graphql_api"):
        if res.kind in ("aws_lb", "aws_alb"):
            internal = tri(res.attrs.get("internal"), False)
            lbtype = res.attrs.get("load_balancer_type", "application")
            if lbtype != "application" or internal is True:
                continue
            if internal is None:
                yield Hit(
                    res, "internal is not statically known", attribute="internal", status=Status.UNKNOWN
                )
                continue
        guards = m.protected_by.get(res.address, ())
        waf = [g for g in guards if rg[g].kind != "aws_cloudfront_distribution" or _cf_with_waf(rg, g)]
        if not waf:
            cf = [g for g in guards if rg[g].kind == "aws_cloudfront_distribution"]
            yield Hit(
                res,
                "no WAF web ACL association"
                + (f"; CloudFront {cf[0]} in front has no web_acl_id" if cf else ""),
                evidence={"cloudfront": cf},
            )


@rule(
    "NET005",
    area=NET,
    severity=Severity.MEDIUM,
    title="CloudFront without WAF, or its origin bypassable",
    checkov=("CKV_AWS_68",),
)
def cloudfront_waf(rg: ResourceGraph) -> Iterator[Hit]:
    """A CloudFront distribution without ``web_acl_id``, or a load balancer that is a CloudFront
    origin while its security group admits ``0.0.0.0/0`` (clients can skip CloudFront and
    its WAF).

    Why it matters
    --------------
    The edge is where bots and floods are cheapest to stop; an origin open to the world makes
    the edge protection optional for an attacker.

    Remediation
    -----------
    Attach a WAFv2 web ACL (scope ``CLOUDFRONT``) and restrict the origin's security group to
    the managed prefix list ``com.amazonaws.global.cloudfront.origin-facing``.

    Example
    -------
    .. code-block:: hcl

        resource "aws_cloudfront_distribution" "site" {
          web_acl_id = aws_wafv2_web_acl.edge.arn
        }
    """
    m = _model(rg)
    for cf in rg.resources("aws_cloudfront_distribution"):
        v = cf.attrs.get("web_acl_id")
        if v in (None, ""):
            yield Hit(cf, "distribution has no web_acl_id", attribute="web_acl_id")
        for origin in targets(rg, cf, ["origin.domain_name"]):
            node = rg[origin]
            if node.kind not in LB_KINDS:
                continue
            world = PortSet.EMPTY
            for sg in m.sgs.get(origin, ()):
                world = world | m.world_ingress(sg)
            if world:
                yield Hit(
                    node,
                    f"CloudFront origin of {cf.address} but its security group admits 0.0.0.0/0 "
                    f"on {world.label()}",
                    evidence={"cloudfront": cf.address, "ports": world.label()},
                )


# -- NET006 --------------------------------------------------------------------------------------
@rule(
    "NET006",
    area=NET,
    severity=Severity.MEDIUM,
    title="Kubernetes ingress/service is internet-facing without WAF",
)
def k8s_public_without_waf(rg: ResourceGraph) -> Iterator[Hit]:
    """An ``Ingress`` annotated ``alb.ingress.kubernetes.io/scheme: internet-facing`` without
    ``alb.ingress.kubernetes.io/wafv2-acl-arn``; a ``Service`` of type ``LoadBalancer`` without
    ``service.beta.kubernetes.io/aws-load-balancer-scheme: internal`` (or the legacy
    ``aws-load-balancer-internal`` annotation) is UNKNOWN: it is public unless a controller
    default says otherwise.

    Why it matters
    --------------
    Cluster workloads published straight to the internet skip the edge protection the rest of
    the estate has.

    Remediation
    -----------
    Add the WAFv2 ACL annotation to internet-facing Ingresses, and make LoadBalancer Services
    internal unless they must be public.

    Example
    -------
    .. code-block:: yaml

        metadata:
          annotations:
            alb.ingress.kubernetes.io/scheme: internet-facing
            alb.ingress.kubernetes.io/wafv2-acl-arn: arn:aws:wafv2:...
    """
    for ing in rg.resources("k8s:Ingress"):
        ann = get_path(ing.attrs, "metadata.annotations") or {}
        if not isinstance(ann, Mapping):
            continue
        if (
            ann.get("alb.ingress.kubernetes.io/scheme") == "internet-facing"
            and not ann.get("alb.ingress.kubernetes.io/wafv2-acl-arn")
            and not ann.get("alb.ingress.kubernetes.io/waf-acl-id")
        ):
            yield Hit(
                ing,
                "internet-facing ALB Ingress without a WAFv2 ACL annotation",
                attribute="metadata.annotations",
            )
    for svc in rg.resources("k8s:Service"):
        if get_path(svc.attrs, "spec.type") != "LoadBalancer":
            continue
        ann = get_path(svc.attrs, "metadata.annotations") or {}
        ann = ann if isinstance(ann, Mapping) else {}
        scheme = ann.get("service.beta.kubernetes.io/aws-load-balancer-scheme")
        internal = ann.get("service.beta.kubernetes.io/aws-load-balancer-internal")
        if scheme == "internal" or str(internal).lower() in ("true", "0.0.0.0/0"):
            continue
        if scheme == "internet-facing":
            yield Hit(
                svc,
                "LoadBalancer Service is internet-facing (no WAF can be attached to an NLB)",
                attribute="metadata.annotations",
            )
        else:
            yield Hit(
                svc,
                "LoadBalancer Service without an internal scheme annotation: public by default",
                attribute="metadata.annotations",
                status=Status.UNKNOWN,
            )


# -- NET007 / NET008 ---------------------------------------------------------------------------------
def _sg_holders(rg: ResourceGraph, m: NetworkModel) -> Iterator[tuple[Resource, list[SGRule]]]:
    for sg, rules in sorted(m.sg_rules.items()):
        node = rg.get(sg)
        if node is not None:
            yield node, rules


def _rule_attr(r: SGRule) -> str:
    return r.attribute or r.origin


@rule(
    "NET007",
    area=NET,
    severity=Severity.CRITICAL,
    title="Admin or data port open to the internet",
    checkov=(
        "CKV_AWS_24",
        "CKV_AWS_25",
        "CKV_AWS_260",
        "CKV_AZURE_9",
        "CKV_AZURE_10",
        "CKV_GCP_2",
        "CKV_GCP_3",
        "CKV_GCP_88",
    ),
)
def critical_port_open(rg: ResourceGraph) -> Iterator[Hit]:
    """Ingress from ``0.0.0.0/0`` or ``::/0`` to SSH, RDP, WinRM or a database/cache/cluster port
    (22, 3389, 3306, 5432, 1433, 1521, 6379, 11211, 27017, 9200, 2379, 6443, 5985-5986) in any
    of the three AWS security-group forms, an Azure NSG rule with source ``*``/``Internet``, or
    a GCP firewall with world ``source_ranges``.  The finding is on the security group (NSG,
    firewall); ``attribute`` names the rule.

    Why it matters
    --------------
    These ports are scanned continuously; an open SSH or database port is brute-forced or
    exploited within hours of exposure.

    Remediation
    -----------
    Restrict the source to a bastion/VPN security group or CIDR, or remove the rule and use
    SSM Session Manager / IAP / Azure Bastion for administration.

    Example
    -------
    .. code-block:: hcl

        ingress {
          from_port       = 5432
          to_port         = 5432
          protocol        = "tcp"
          security_groups = [aws_security_group.app.id]   # not 0.0.0.0/0
        }
    """
    m = _model(rg)
    for node, rules in _sg_holders(rg, m):
        hits: list[tuple[SGRule, list[int]]] = []
        unknown: list[SGRule] = []
        for r in rules:
            if r.direction != "ingress" or r.action != "allow":
                continue
            open_ports = r.ports.overlaps(CRITICAL_PORTS)
            if r.is_world and open_ports:
                hits.append((r, open_ports))
            elif r.source_kind == "unknown" and open_ports:
                unknown.append(r)
        if node.kind.startswith(("azurerm_", "google_")) and hits:
            # evaluate priorities: a higher-priority deny may close the port
            allowed = first_match_ports(rules)
            hits = [
                (r, [p for p in ports if ("tcp", p) in allowed or ("udp", p) in allowed]) for r, ports in hits
            ]
            hits = [(r, ports) for r, ports in hits if ports]
        if hits:
            ports = sorted({p for _, ps in hits for p in ps})
            yield Hit(
                node,
                f"{_ports_text(ports)} open to {hits[0][0].source}",
                attribute=_rule_attr(hits[0][0]),
                evidence={
                    "ports": ports,
                    "rules": [
                        {
                            "origin": r.origin,
                            "attribute": r.attribute,
                            "source": r.source,
                            "ports": r.ports.label(),
                        }
                        for r, _ in hits
                    ],
                },
            )
        elif unknown:
            yield Hit(
                node,
                f"source of a rule covering {_ports_text(unknown[0].ports.overlaps(CRITICAL_PORTS)[:3])} "
                "is not statically known",
                attribute=_rule_attr(unknown[0]),
                status=Status.UNKNOWN,
            )


def _wide(cidr: str) -> bool:
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen < (16 if ":" not in cidr else 48)
    except ValueError:
        return False


@rule(
    "NET008",
    area=NET,
    severity=Severity.HIGH,
    title="Overly permissive security group",
    checkov=("CKV_AWS_277", "CKV_AWS_382"),
)
def permissive_sg(rg: ResourceGraph) -> Iterator[Hit]:
    """Any-source ingress with protocol ``-1`` or the whole 0–65535 range; a data port open to a
    CIDR wider than /16; egress ``-1`` to the world from a security group attached to the data
    tier (low).

    Why it matters
    --------------
    "Allow everything" rules defeat segmentation: every port of every attached resource is
    reachable, including the ones nobody knew were listening.

    Remediation
    -----------
    Open only the ports the service listens on, to the security groups of its clients; give
    data stores no internet egress.

    Example
    -------
    .. code-block:: hcl

        ingress {
          from_port       = 443
          to_port         = 443
          protocol        = "tcp"
          security_groups = [aws_security_group.lb.id]
        }
    """
    m = _model(rg)
    data_sgs = {sg for res, sgs in m.sgs.items() if m.tiers.get(res) == "data" for sg in sgs}
    for node, rules in _sg_holders(rg, m):
        if node.kind not in SG_KINDS and not node.kind.startswith(("azurerm_", "google_")):
            continue
        reasons: list[tuple[str, SGRule, Severity | None]] = []
        for r in rules:
            if r.action != "allow":
                continue
            if r.direction == "ingress" and r.is_world and (r.ports.is_all or r.ports.size("tcp") == 65536):
                reasons.append(
                    (f"any-source ingress on all {'protocols' if r.ports.is_all else 'TCP ports'}", r, None)
                )
            elif (
                r.direction == "ingress"
                and r.source_kind in ("cidr", "world")
                and _wide(r.source)
                and r.ports.overlaps(DATA_PORTS)
            ):
                reasons.append(
                    (
                        f"data port {r.ports.overlaps(DATA_PORTS)[0]} open to {r.source} (wider than /16)",
                        r,
                        None,
                    )
                )
            elif r.direction == "egress" and r.is_world and r.ports.is_all and node.address in data_sgs:
                reasons.append(
                    ("unrestricted egress to the internet from a data-tier security group", r, Severity.LOW)
                )
        if reasons:
            sev = None if any(s is None for _, _, s in reasons) else Severity.LOW
            yield Hit(
                node,
                "; ".join(dict.fromkeys(t for t, _, _ in reasons)),
                attribute=_rule_attr(reasons[0][1]),
                severity=sev,
                evidence={
                    "rules": [
                        {
                            "origin": r.origin,
                            "attribute": r.attribute,
                            "direction": r.direction,
                            "source": r.source,
                            "ports": r.ports.label(),
                        }
                        for _, r, _ in reasons
                    ]
                },
            )


# -- NET009 --------------------------------------------------------------------------------------
@rule(
    "NET009",
    area=NET,
    severity=Severity.LOW,
    title="Security group hygiene",
    checkov=("CKV2_AWS_5", "CKV2_AWS_12", "CKV_AWS_23"),
)
def sg_hygiene(rg: ResourceGraph) -> Iterator[Hit]:
    """A security group attached to nothing; an ``aws_default_security_group`` with rules; one
    security group written both inline and with separate rule resources (they overwrite each
    other on every apply).  Rules without ``description`` are listed in the evidence.

    Why it matters
    --------------
    Orphaned groups are reused by accident, default groups with rules open everything launched
    without a group, and mixed rule forms flap between applies.

    Remediation
    -----------
    Delete unused groups, keep the default group empty, and choose one rule form per group
    (``aws_vpc_security_group_ingress_rule`` is the current recommendation).

    Example
    -------
    .. code-block:: hcl

        resource "aws_default_security_group" "default" {
          vpc_id = aws_vpc.main.id   # no ingress/egress: deny all
        }
    """
    m = _model(rg)
    raw = network_raw(rg)
    forms: Mapping[str, set[str]] = raw.sg_forms if raw is not None else {}
    referenced_as_source = {r.source for rules in m.sg_rules.values() for r in rules if r.source_kind == "sg"}
    for sg in rg.resources("aws_security_group", "aws_default_security_group"):
        nodesc = [r.attribute or r.origin for r in m.sg_rules.get(sg.address, []) if not r.description]
        ev: dict[str, Any] = {"rules_without_description": sorted(set(nodesc))}
        if sg.kind == "aws_default_security_group":
            if any(sg.attrs.get(k) for k in ("ingress", "egress")) or m.sg_rules.get(sg.address):
                yield Hit(
                    sg,
                    "default security group has rules (everything launched without a group gets them)",
                    attribute="ingress",
                    evidence=ev,
                )
            continue
        if sg.meta.get("expanded") is False:
            continue
        if (
            not m.sg_members.get(sg.address)
            and sg.address not in referenced_as_source
            and not rg.referrers(sg.address)
        ):
            yield Hit(sg, "security group is attached to nothing", evidence=ev)
        elif (
            not m.sg_members.get(sg.address)
            and not any(
                r.kind
                not in (
                    "aws_security_group_rule",
                    "aws_vpc_security_group_ingress_rule",
                    "aws_vpc_security_group_egress_rule",
                    "aws_security_group",
                )
                and r.block in ("resource", "k8s")
                for r in rg.referrers(sg.address)
            )
            and sg.address not in referenced_as_source
        ):
            yield Hit(
                sg, "security group is attached to nothing (only its own rules reference it)", evidence=ev
            )
        f = forms.get(sg.address, set())
        if "inline" in f and f & {"rule", "vpc_rule"}:
            yield Hit(
                sg,
                "inline ingress/egress mixed with separate rule resources: they overwrite each other",
                attribute="ingress",
                evidence={**ev, "forms": sorted(f)},
            )


# -- NET010 --------------------------------------------------------------------------------------
_WEAK_ELB_POLICY = re.compile(
    r"^ELBSecurityPolicy-(2015-05|2016-08|TLS-1-0-2015-04|TLS-1-1-2017-01|FS-2018-06|FS-1-1-2019-08)$"
)
_STRONG_CF = ("TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025")


@rule(
    "NET010",
    area=NET,
    severity=Severity.HIGH,
    title="Traffic served without modern TLS",
    checkov=("CKV_AWS_2", "CKV_AWS_103", "CKV_AWS_376", "CKV_AWS_34", "CKV_AWS_174", "CKV2_AWS_20"),
)
def tls_in_transit(rg: ResourceGraph) -> Iterator[Hit]:
    """An HTTP ``aws_lb_listener`` whose ``default_action`` is not a redirect to HTTPS; an HTTPS/TLS
    listener whose ``ssl_policy`` allows TLS 1.0/1.1; a classic ELB listener with
    ``lb_protocol = http``; CloudFront with ``viewer_protocol_policy = allow-all``, a
    ``minimum_protocol_version`` below ``TLSv1.2_2021`` or an ``http-only`` origin.

    Why it matters
    --------------
    Plain HTTP exposes sessions and credentials to anyone on the path; TLS 1.0/1.1 are broken
    and deprecated.

    Remediation
    -----------
    Redirect port 80 to HTTPS, use ``ELBSecurityPolicy-TLS13-1-2-2021-06`` (or newer), and
    ``redirect-to-https``/``https-only`` with ``TLSv1.2_2021`` on CloudFront.

    Example
    -------
    .. code-block:: hcl

        default_action {
          type = "redirect"
          redirect {
            protocol    = "HTTPS"
            port        = "443"
            status_code = "HTTP_301"
          }
        }
    """
    yield from _azure_web_tls(rg)
    for lst in rg.resources("aws_lb_listener", "aws_alb_listener"):
        proto = lst.attrs.get("protocol")
        if isinstance(proto, str) and proto.upper() == "HTTP":
            actions = block(lst.attrs, "default_action")
            redirect = any(
                str(a.get("type")) == "redirect"
                and any(
                    str(r.get("protocol", "#{protocol}")).upper() == "HTTPS" for r in block(a, "redirect")
                )
                for a in actions
            )
            fixed = all(str(a.get("type")) == "fixed-response" for a in actions) and actions
            if not redirect and not fixed:
                yield Hit(
                    lst,
                    "HTTP listener serves traffic instead of redirecting to HTTPS",
                    attribute="default_action",
                )
        elif isinstance(proto, str) and proto.upper() in ("HTTPS", "TLS"):
            pol = lst.attrs.get("ssl_policy")
            if isinstance(pol, str) and _WEAK_ELB_POLICY.match(pol):
                yield Hit(lst, f"ssl_policy {pol} allows TLS 1.0/1.1", attribute="ssl_policy")
            elif isinstance(pol, Unresolved):
                yield Hit(
                    lst, "ssl_policy is not statically known", attribute="ssl_policy", status=Status.UNKNOWN
                )
        elif isinstance(proto, Unresolved):
            yield Hit(
                lst, "listener protocol is not statically known", attribute="protocol", status=Status.UNKNOWN
            )
    for elb in rg.resources("aws_elb"):
        for i, lst in enumerate(block(elb.attrs, "listener")):
            if str(lst.get("lb_protocol", "")).lower() == "http":
                yield Hit(
                    elb, "classic ELB listener with lb_protocol http", attribute=f"listener[{i}].lb_protocol"
                )
    for cf in rg.resources("aws_cloudfront_distribution"):
        reasons = []
        for key in ("default_cache_behavior", "ordered_cache_behavior"):
            for b in block(cf.attrs, key):
                if b.get("viewer_protocol_policy") == "allow-all":
                    reasons.append(
                        (f"{key}.viewer_protocol_policy = allow-all", f"{key}.viewer_protocol_policy")
                    )
        for vc in block(cf.attrs, "viewer_certificate"):
            mpv = vc.get("minimum_protocol_version")
            if tri(vc.get("cloudfront_default_certificate"), False) is True:
                continue  # the default certificate is TLSv1 by design; use a custom certificate
            if isinstance(mpv, str) and mpv not in _STRONG_CF:
                reasons.append(
                    (
                        f"minimum_protocol_version {mpv} below TLSv1.2_2021",
                        "viewer_certificate.minimum_protocol_version",
                    )
                )
            elif mpv is None:
                reasons.append(
                    (
                        "minimum_protocol_version defaults to TLSv1",
                        "viewer_certificate.minimum_protocol_version",
                    )
                )
        for o in block(cf.attrs, "origin"):
            for c in block(o, "custom_origin_config"):
                if c.get("origin_protocol_policy") == "http-only":
                    reasons.append(
                        (
                            "origin_protocol_policy = http-only",
                            "origin.custom_origin_config.origin_protocol_policy",
                        )
                    )
        if reasons:
            yield Hit(cf, "; ".join(t for t, _ in reasons), attribute=reasons[0][1])


# -- NET011 --------------------------------------------------------------------------------------
@rule(
    "NET011",
    area=NET,
    severity=Severity.MEDIUM,
    title="Data store accepts unencrypted connections",
    checkov=("CKV_AWS_30", "CKV_AWS_83", "CKV_AWS_81", "CKV2_AWS_69"),
)
def not_encrypted_in_transit(rg: ResourceGraph) -> Iterator[Hit]:
    """Redis/Valkey ElastiCache without ``transit_encryption_enabled``; an RDS instance whose
    parameter group does not set ``rds.force_ssl = 1`` (PostgreSQL < 15, SQL Server) or
    ``require_secure_transport = 1`` (MySQL/MariaDB); OpenSearch without
    ``domain_endpoint_options.enforce_https``; MSK ``client_broker`` other than ``TLS``; a
    Kubernetes Ingress without ``spec.tls``.

    Why it matters
    --------------
    Inside a VPC, traffic still crosses shared infrastructure; credentials and data in clear
    text are readable by anything that gets a foothold on the path.

    Remediation
    -----------
    Enable in-transit encryption and make the server refuse plain connections.

    Example
    -------
    .. code-block:: hcl

        resource "aws_db_parameter_group" "pg" {
          parameter {
            name  = "rds.force_ssl"
            value = "1"
          }
        }
    """
    yield from _azure_db_transit(rg)
    for c in rg.resources("aws_elasticache_replication_group", "aws_elasticache_cluster"):
        if c.kind == "aws_elasticache_cluster" and c.attrs.get("replication_group_id") is not None:
            continue
        engine = c.attrs.get("engine", "redis")
        if engine == "memcached":
            continue
        v = c.attrs.get("transit_encryption_enabled")
        if tri(v, False) is False:
            yield Hit(c, "transit_encryption_enabled is not true", attribute="transit_encryption_enabled")
        elif tri(v) is None:
            yield Hit(
                c,
                "transit_encryption_enabled is not statically known",
                attribute="transit_encryption_enabled",
                status=Status.UNKNOWN,
            )
    for db in rg.resources("aws_db_instance"):
        engine = db.attrs.get("engine")
        if not isinstance(engine, str):
            continue
        if engine.startswith("postgres"):
            key = "rds.force_ssl"
            ver = db.attrs.get("engine_version")
            if isinstance(ver, str) and ver.split(".")[0].isdigit() and int(ver.split(".")[0]) >= 15:
                continue
        elif engine in ("mysql", "mariadb"):
            key = "require_secure_transport"
        elif engine.startswith("sqlserver"):
            key = "rds.force_ssl"
        else:
            continue
        pg = db.attrs.get("parameter_group_name")
        groups = targets(rg, db, ["parameter_group_name"], {"aws_db_parameter_group"})
        if pg is None or (isinstance(pg, str) and pg.startswith("default.")):
            yield Hit(
                db, f"no parameter group sets {key} = 1 (default group)", attribute="parameter_group_name"
            )
            continue
        if not groups:
            yield Hit(
                db,
                f"parameter group {pg} is not in the repository: {key} unknown",
                attribute="parameter_group_name",
                status=Status.UNKNOWN,
            )
            continue
        params = {str(p.get("name")): p.get("value") for p in block(rg[groups[0]].attrs, "parameter")}
        val = params.get(key)
        if isinstance(val, Unresolved):
            yield Hit(
                db, f"{key} is not statically known", attribute="parameter_group_name", status=Status.UNKNOWN
            )
        elif str(val).upper() not in ("1", "ON", "TRUE"):
            yield Hit(
                db,
                f"parameter group {groups[0]} does not set {key} = 1",
                attribute="parameter_group_name",
                evidence={"parameter_group": groups[0]},
            )
    for d in rg.resources("aws_opensearch_domain", "aws_elasticsearch_domain"):
        opts = block(d.attrs, "domain_endpoint_options")
        if not opts or tri(opts[0].get("enforce_https"), False) is False:
            yield Hit(
                d,
                "domain_endpoint_options.enforce_https is not true",
                attribute="domain_endpoint_options.enforce_https",
            )
    for k in rg.resources("aws_msk_cluster"):
        for v in attr_path(k.attrs, "encryption_info.encryption_in_transit.client_broker"):
            if isinstance(v, str) and v != "TLS":
                yield Hit(
                    k, f"client_broker = {v}", attribute="encryption_info.encryption_in_transit.client_broker"
                )
    for ing in rg.resources("k8s:Ingress"):
        if not get_path(ing.attrs, "spec.tls"):
            yield Hit(ing, "Ingress without spec.tls serves plain HTTP", attribute="spec.tls")


# -- NET012 --------------------------------------------------------------------------------------
@rule(
    "NET012", area=NET, severity=Severity.LOW, title="Certificate managed by hand", checkov=("CKV2_AWS_71",)
)
def manual_certificates(rg: ResourceGraph) -> Iterator[Hit]:
    """An imported ``aws_acm_certificate`` (``private_key`` set: renewed by hand), or a
    DNS-validated certificate with no ``aws_acm_certificate_validation`` referencing it.

    Why it matters
    --------------
    Certificates renewed by hand expire: an expired certificate is a full outage of every
    listener that uses it.

    Remediation
    -----------
    Request the certificate from ACM with DNS validation and manage the validation records and
    ``aws_acm_certificate_validation`` in the same code.

    Example
    -------
    .. code-block:: hcl

        resource "aws_acm_certificate_validation" "web" {
          certificate_arn         = aws_acm_certificate.web.arn
          validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
        }
    """
    validated = {
        t
        for v in rg.resources("aws_acm_certificate_validation")
        for t in targets(rg, v, ["certificate_arn"], {"aws_acm_certificate"})
    }
    for cert in rg.resources("aws_acm_certificate"):
        if cert.attrs.get("private_key") is not None:
            yield Hit(
                cert, "imported certificate (private_key set): renewal is manual", attribute="private_key"
            )
        elif cert.attrs.get("validation_method") == "DNS" and cert.address not in validated:
            yield Hit(
                cert,
                "DNS-validated certificate without aws_acm_certificate_validation",
                attribute="validation_method",
            )


# -- NET013 / NET014 ---------------------------------------------------------------------------------
@rule(
    "NET013",
    area=NET,
    severity=Severity.HIGH,
    title="Admin port reachable from the internet on a non-bastion",
    checkov=("CKV_AWS_100",),
)
def admin_port_reachable(rg: ResourceGraph) -> Iterator[Hit]:
    """An internet-exposure path (RULES.md §9) reaches SSH, RDP or WinRM on a resource that is not
    a bastion (``role = bastion`` tag, name ``bastion``/``jump``).  An admin port admitted from a
    source other than the internet, a bastion's security group, an EC2 Instance Connect
    endpoint's security group or a Client VPN endpoint's ``client_cidr_block`` is reported at
    medium.

    Why it matters
    --------------
    Administration belongs on one hardened, audited path; SSH/RDP on application hosts
    multiplies the attack surface and bypasses session logging.

    Remediation
    -----------
    Remove the admin rule; use SSM Session Manager, an EC2 Instance Connect endpoint or a
    bastion in its own security group.

    Example
    -------
    .. code-block:: hcl

        ingress {
          from_port       = 22
          to_port         = 22
          protocol        = "tcp"
          security_groups = [aws_security_group.bastion.id]
        }
    """
    m = _model(rg)
    reported: set[str] = set()
    for p in m.exposures:
        node = rg.get(p.target)
        if node is None or is_bastion(node):
            continue
        admin = p.ports.overlaps(ADMIN_PORTS)
        if admin:
            reported.add(p.target)
            yield Hit(
                node,
                f"{_ports_text(admin)} reachable from the internet: {p.text()}",
                status=Status.UNKNOWN if p.confidence == "uncertain" else Status.FAIL,
                evidence={
                    "path": list(p.nodes),
                    "path_ports": list(p.node_ports),
                    "ports": admin,
                    "hops": p.hops,
                },
            )
    allowed_sgs = {
        sg
        for res, sgs in m.sgs.items()
        if (n := rg.get(res)) is not None
        and (is_bastion(n) or n.kind == "aws_ec2_instance_connect_endpoint")
        for sg in sgs
    }
    vpn_cidrs = {
        c
        for vpn in rg.resources("aws_ec2_client_vpn_endpoint")
        if isinstance(c := vpn.attrs.get("client_cidr_block"), str)
    }
    for res, sgs in sorted(m.sgs.items()):
        node = rg.get(res)
        if (
            node is None
            or res in reported
            or is_bastion(node)
            or node.kind
            in ("aws_launch_template", "aws_launch_configuration", "aws_ec2_instance_connect_endpoint")
        ):
            continue
        for sg in sgs:
            for r in m.sg_rules.get(sg, ()):
                if r.direction != "ingress" or r.action != "allow" or not r.ports.overlaps(ADMIN_PORTS):
                    continue
                if (
                    r.is_world
                    or r.source_kind == "unknown"
                    or (r.source_kind == "sg" and r.source in allowed_sgs)
                    or (r.source_kind == "cidr" and r.source in vpn_cidrs)
                ):
                    continue
                if r.source_kind == "self":
                    continue
                yield Hit(
                    node,
                    f"{_ports_text(r.ports.overlaps(ADMIN_PORTS))} admitted from {r.source} "
                    "(not a bastion or Instance Connect endpoint)",
                    severity=Severity.MEDIUM,
                    attribute=_rule_attr(r),
                    evidence={"sg": sg, "source": r.source},
                )
                break
            else:
                continue
            break


_ACCESS_KINDS = (
    "aws_ec2_client_vpn_endpoint",
    "aws_vpn_connection",
    "aws_ec2_instance_connect_endpoint",
    "azurerm_bastion_host",
)


@rule(
    "NET014",
    area=NET,
    severity=Severity.LOW,
    title="No managed remote-access path; public EKS endpoint",
    checkov=("CKV_AWS_38", "CKV_AWS_39"),
)
def remote_access_inventory(rg: ResourceGraph) -> Iterator[Hit]:
    """Instances exist but the repository has no VPN, EC2 Instance Connect endpoint, SSM path
    (``AmazonSSMManagedInstanceCore`` attached, or ``ssm``/``ssmmessages`` VPC endpoints) or
    Azure Bastion (low, on ``provider.aws``).  An EKS cluster whose public endpoint is open to
    ``0.0.0.0/0`` is high.

    Why it matters
    --------------
    Without a managed access path, people open SSH to the world "temporarily"; a public
    Kubernetes API is one leaked kubeconfig away from the cluster.

    Remediation
    -----------
    Attach ``AmazonSSMManagedInstanceCore`` to instance roles (or add an Instance Connect
    endpoint); set ``endpoint_public_access = false`` or restrict ``public_access_cidrs``.

    Example
    -------
    .. code-block:: hcl

        resource "aws_iam_role_policy_attachment" "ssm" {
          role       = aws_iam_role.app.name
          policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
        }
    """
    yield from _gke_public_control_plane(rg)
    for eks in rg.resources("aws_eks_cluster"):
        vcs = block(eks.attrs, "vpc_config")
        for vc in vcs or [{}]:
            pub = tri(vc.get("endpoint_public_access"), True)
            cidrs = vc.get("public_access_cidrs", ["0.0.0.0/0"])
            if pub is True and isinstance(cidrs, list) and "0.0.0.0/0" in cidrs:
                yield Hit(
                    eks,
                    "EKS API endpoint is public to 0.0.0.0/0",
                    attribute="vpc_config.endpoint_public_access",
                    severity=Severity.HIGH,
                )
            elif pub is None or isinstance(cidrs, Unresolved):
                yield Hit(
                    eks,
                    "EKS endpoint access is not statically known",
                    status=Status.UNKNOWN,
                    attribute="vpc_config.endpoint_public_access",
                )
    instances = [r for r in rg.resources("aws_instance", "aws_autoscaling_group") if not is_bastion(r)]
    if not instances:
        return
    paths: list[str] = [r.address for r in rg.resources(*_ACCESS_KINDS)]
    for r in rg.resources("aws_iam_role_policy_attachment", "aws_iam_policy_attachment"):
        arn = r.attrs.get("policy_arn")
        if isinstance(arn, str) and "AmazonSSMManagedInstanceCore" in arn:
            paths.append(r.address)
    for r in rg.resources("aws_iam_role"):
        arns = r.attrs.get("managed_policy_arns")
        if isinstance(arns, list) and any(
            isinstance(a, str) and "AmazonSSMManagedInstanceCore" in a for a in arns
        ):
            paths.append(r.address)
    for r in rg.resources("aws_vpc_endpoint"):
        svc = r.attrs.get("service_name")
        if isinstance(svc, str) and svc.rsplit(".", 1)[-1] in ("ssm", "ssmmessages"):
            paths.append(r.address)
    bastions = [r.address for r in rg.resources("aws_instance") if is_bastion(r)]
    if paths or bastions:
        return
    anchor = rg.get("provider.aws") or instances[0]
    yield Hit(
        anchor,
        f"{len(instances)} instance(s)/group(s) and no VPN, Instance Connect endpoint, SSM or bastion "
        "access path",
        evidence={"instances": sorted(r.address for r in instances)[:20]},
    )


# -- NET015 --------------------------------------------------------------------------------------
@rule("NET015", area=NET, severity=Severity.HIGH, title="Tier segmentation violated")
def tier_violation(rg: ResourceGraph) -> Iterator[Hit]:
    """A data store in a public subnet; a data-tier security group admitting the world, an
    edge-tier security group or a public-subnet range; app compute reachable from the internet
    other than through a load balancer; a data store within two hops of the internet.  The
    evidence carries every violation with its path.

    Why it matters
    --------------
    Tiers exist so that a compromise of the edge does not reach the data: each violation
    removes one of the layers an attacker must cross.

    Remediation
    -----------
    Put data stores in isolated subnets whose security groups admit only the app tier's
    security group; publish app compute only through a load balancer.

    Example
    -------
    .. code-block:: hcl

        ingress {
          from_port       = 5432
          to_port         = 5432
          protocol        = "tcp"
          security_groups = [aws_security_group.app.id]
        }
    """
    m = _model(rg)
    by_addr: dict[str, list[Any]] = defaultdict(list)
    for v in m.tier_violations:
        by_addr[v.address].append(v)
    for addr, vs in sorted(by_addr.items()):
        node = rg.get(addr)
        if node is None:
            continue
        yield Hit(
            node,
            "; ".join(dict.fromkeys(v.reason for v in vs)),
            evidence={"violations": [{"kind": v.kind, "reason": v.reason, **dict(v.evidence)} for v in vs]},
        )


# -- NET016 --------------------------------------------------------------------------------------
@rule(
    "NET016",
    area=NET,
    severity=Severity.MEDIUM,
    title="Flat network",
    checkov=("CKV_AWS_229", "CKV_AWS_230", "CKV_AWS_231", "CKV_AWS_232", "CKV_AWS_352", "CKV2_AWS_1"),
)
def flat_network(rg: ResourceGraph) -> Iterator[Hit]:
    """One security group shared by resources of different tiers; a VPC with only public
    subnets; a data store sharing subnets with app or edge resources; a network ACL that
    admits the world to 22/3389 or to every port; a network ACL associated with no subnet.

    Why it matters
    --------------
    Without distinct groups, subnets and ACLs per tier, one rule change or one compromised
    host opens every tier at once.

    Remediation
    -----------
    One security group per tier and role, isolated subnets for data, NACLs that allow only the
    expected ports from the expected ranges.

    Example
    -------
    .. code-block:: hcl

        resource "aws_security_group" "db" { ... }   # only the database uses it
    """
    m = _model(rg)
    for sg, members in sorted(m.sg_members.items()):
        node = rg.get(sg)
        tiers = {
            m.tiers.get(a)
            for a in members
            if rg[a].kind not in ("aws_launch_template", "aws_launch_configuration")
        }
        tiers.discard(None)
        tiers.discard("")
        if node is not None and len(tiers) >= 2 and node.kind in SG_KINDS:
            yield Hit(
                node,
                f"one security group shared across tiers ({', '.join(sorted(tiers))})",
                evidence={"members": sorted(members), "tiers": sorted(tiers)},
            )
    for vpc, info in sorted(m.vpcs.items()):
        node = rg.get(vpc)
        subs = [m.subnets[s] for s in info["subnets"] if s in m.subnets]
        if (
            node is not None
            and subs
            and all(s.cls == "public" for s in subs)
            and all(s.confidence == "route" for s in subs)
        ):
            yield Hit(
                node,
                f"VPC has only public subnets ({len(subs)})",
                evidence={"subnets": [s.address for s in subs]},
            )
    residents: dict[str, set[str]] = defaultdict(set)
    for res, subs in m.placement.items():
        t = m.tiers.get(res)
        if t and rg[res].kind not in ("aws_launch_template", "aws_network_interface"):
            for s in subs:
                residents[s].add(t)
    for sub, tiers in sorted(residents.items()):
        if "data" in tiers and len(tiers) >= 2:
            yield Hit(
                rg[sub],
                f"data store shares this subnet with {', '.join(sorted(tiers - {'data'}))} resources",
                evidence={"tiers": sorted(tiers)},
            )
    raw = network_raw(rg)
    associated = set(raw.nacl_of.values()) if raw is not None else set()
    for nacl in rg.resources("aws_network_acl"):
        rules = m.nacl_rules.get(nacl.address, [])
        world = nacl_world_ports(rules, "ingress")
        bad = [p for p in (22, 3389) if ("tcp", p) in world]
        if world.is_all or bad:
            yield Hit(
                nacl,
                "network ACL admits the internet to " + ("every port" if world.is_all else _ports_text(bad)),
                attribute="ingress",
                evidence={"ports": world.label()},
            )
        elif nacl.address not in associated:
            yield Hit(nacl, "network ACL is associated with no subnet")


_ = (refs_of, resolve, tags_of)


# -- Azure / GCP transport and endpoint checks (NET010, NET011, NET014) -----------------------------
_AZURE_WEB_APPS = (
    "azurerm_app_service",
    "azurerm_linux_web_app",
    "azurerm_windows_web_app",
    "azurerm_function_app",
    "azurerm_linux_function_app",
    "azurerm_windows_function_app",
)
_AZURE_SSL_DBS = ("azurerm_postgresql_server", "azurerm_mysql_server", "azurerm_mariadb_server")


def _tls_below_12(v: Any) -> bool | None:
    if isinstance(v, Unresolved):
        return None
    if v is None:
        return False
    try:
        return float(str(v).replace("TLS1_", "1.").replace("TLS", "").strip()) < 1.2
    except ValueError:
        return None


def _azure_web_tls(rg: ResourceGraph) -> Iterator[Hit]:
    """Azure App Service / Function App serving plain HTTP or TLS below 1.2."""
    for app in rg.resources(*_AZURE_WEB_APPS):
        https = tri(app.attrs.get("https_only"), False)
        if https is False:
            yield Hit(app, "https_only is not true: the app also serves plain HTTP", attribute="https_only")
        elif https is None:
            yield Hit(
                app, "https_only is not statically known", attribute="https_only", status=Status.UNKNOWN
            )
        for sc in block(app.attrs, "site_config") or []:
            old = _tls_below_12(sc.get("min_tls_version"))
            if old:
                yield Hit(
                    app,
                    f"site_config.min_tls_version = {sc.get('min_tls_version')} allows TLS below 1.2",
                    attribute="site_config.min_tls_version",
                )


def _azure_db_transit(rg: ResourceGraph) -> Iterator[Hit]:
    """Azure single-server PostgreSQL/MySQL/MariaDB with SSL enforcement off."""
    for db in rg.resources(*_AZURE_SSL_DBS):
        v = db.attrs.get("ssl_enforcement_enabled")
        if tri(v, True) is False:
            yield Hit(
                db,
                "ssl_enforcement_enabled = false: the server accepts plain connections",
                attribute="ssl_enforcement_enabled",
            )
        elif tri(v, True) is None:
            yield Hit(
                db,
                "ssl_enforcement_enabled is not statically known",
                attribute="ssl_enforcement_enabled",
                status=Status.UNKNOWN,
            )


def _gke_public_control_plane(rg: ResourceGraph) -> Iterator[Hit]:
    """A GKE control plane whose authorized networks include 0.0.0.0/0 (the GKE public endpoint)."""
    for gke in rg.resources("google_container_cluster"):
        for cfg in block(gke.attrs, "master_authorized_networks_config") or []:
            for cb in block(cfg, "cidr_blocks") or []:
                cidr = cb.get("cidr_block")
                if cidr in ("0.0.0.0/0", "::/0"):
                    yield Hit(
                        gke,
                        f"GKE control plane reachable from {cidr} (master_authorized_networks_config)",
                        attribute="master_authorized_networks_config.cidr_blocks",
                        severity=Severity.HIGH,
                    )
