"""Single points of failure (RULES.md §10, SPOF01–SPOF09), each with structured evidence.

Every check returns :class:`Spof` records: the rule id, the address it concerns, FAIL or
UNKNOWN (a value the decision needs is not statically known), a message, an optional
severity override and an ``evidence`` mapping (which AZs, which NAT serves which subnets,
what an articulation point disconnects, ...).  :func:`find_spofs` runs them all.

SPOF08 uses :func:`runtime_topology`: an undirected graph of network, compute and data nodes
(``INTERNET``, gateways, route tables, subnets, load balancers, target groups, compute and
data stores) joined by ``in_subnet``, ``rt_assoc``, ``routes_via``, ``lb_targets``,
``protects`` edges and the allowed SG flows between resources; variables, IAM and tags are
left out.  ``nx.articulation_points`` runs on it, and a cut vertex is reported only when
removing it disconnects an entry node (``INTERNET``, a load balancer, CloudFront) from an app
or data node.  By-design singletons (VPC, IGW, route tables, load balancers, target groups)
are marked ``structural`` (info).

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource
>>> rg = ResourceGraph()
>>> rg.add(Resource("aws_db_instance.main", "aws_db_instance", attrs={"multi_az": False}))
>>> [(s.rule_id, s.address, s.status) for s in spof04(rg)]
[('SPOF04', 'aws_db_instance.main', 'FAIL')]
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from infra_review.analysis.k8s import effective_replicas, has_zone_spread
from infra_review.analysis.net_attrs import block, refs_of, resolve, targets
from infra_review.analysis.net_collect import network_raw
from infra_review.analysis.net_kinds import UNKNOWN_AZ
from infra_review.analysis.net_layout import is_bastion
from infra_review.analysis.net_ports import ADMIN_PORTS, PortSet
from infra_review.analysis.network import network_model
from infra_review.graph import INTERNET, ResourceGraph
from infra_review.model import Resource, Severity, Unresolved
from infra_review.model.coerce import as_int, tri

__all__ = [
    "SPOF_CHECKS",
    "STRUCTURAL_KINDS",
    "Spof",
    "find_spofs",
    "runtime_topology",
    "spof01",
    "spof02",
    "spof03",
    "spof04",
    "spof05",
    "spof06",
    "spof07",
    "spof08",
    "spof09",
]

#: By-design singletons: reported as ``structural`` (info) when they are articulation points.
STRUCTURAL_KINDS = frozenset(
    {
        "internet",
        "aws_vpc",
        "aws_internet_gateway",
        "aws_route_table",
        "aws_default_route_table",
        "aws_lb",
        "aws_alb",
        "aws_elb",
        "aws_lb_target_group",
        "aws_alb_target_group",
        "aws_lb_listener",
        "aws_cloudfront_distribution",
        "aws_ec2_transit_gateway",
        "aws_db_subnet_group",
        "aws_elasticache_subnet_group",
        "aws_autoscaling_group",
        "aws_ecs_service",
        "aws_eks_node_group",
    }
)
_ENTRY_KINDS = frozenset({"internet", "aws_lb", "aws_alb", "aws_elb", "aws_cloudfront_distribution"})


@dataclass(frozen=True, slots=True)
class Spof:
    """One single point of failure (or an UNKNOWN that might be one)."""

    rule_id: str
    address: str
    status: str  # FAIL | UNKNOWN
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity | None = None
    attribute: str = ""


# ---------------------------------------------------------------------------------------------
def spof01(rg: ResourceGraph) -> Iterator[Spof]:
    """SPOF01 single-AZ tier: per VPC and tier, the subnets the tier uses span exactly one AZ."""
    m = network_model(rg)
    users: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for res, subs in m.placement.items():
        node = rg.get(res)
        tier = m.tiers.get(res)
        if (
            node is None
            or not tier
            or node.kind in ("aws_nat_gateway", "aws_launch_template", "aws_network_interface")
        ):
            continue
        for s in subs:
            info = m.subnets.get(s)
            if info is None:
                continue
            users[(info.vpc or "(no vpc)", tier)][info.az].append(res)
    for (vpc, tier), by_az in sorted(users.items()):
        known = sorted(a for a in by_az if a != UNKNOWN_AZ)
        resources = sorted({r for rs in by_az.values() for r in rs})
        evidence = {
            "vpc": vpc,
            "tier": tier,
            "azs": known,
            "resources": resources,
            "by_az": {a: sorted(set(rs)) for a, rs in sorted(by_az.items())},
        }
        address = vpc if vpc in rg else resources[0]
        if len(known) == 1 and UNKNOWN_AZ not in by_az:
            yield Spof(
                "SPOF01",
                address,
                "FAIL",
                f"{tier} tier of {vpc} runs in one availability zone ({known[0]})",
                evidence,
                attribute=f"tier={tier}",
            )
        elif len(known) <= 1 and UNKNOWN_AZ in by_az:
            yield Spof(
                "SPOF01",
                address,
                "UNKNOWN",
                f"{tier} tier of {vpc}: availability zones of some subnets are not statically known",
                evidence,
                attribute=f"tier={tier}",
            )


def spof02(rg: ResourceGraph) -> Iterator[Spof]:
    """SPOF02 shared NAT: private subnets in ≥2 AZs send their default route to one zonal NAT."""
    m = network_model(rg)
    for nat, subs in sorted(m.nat_serves.items()):
        node = rg.get(nat)
        if node is None or node.kind != "aws_nat_gateway":
            continue
        if node.attrs.get("availability_mode") == "regional":
            continue
        azs = sorted({m.subnets[s].az for s in subs if s in m.subnets})
        known = [a for a in azs if a != UNKNOWN_AZ]
        nat_az = [m.subnets[s].az for s in m.placement.get(nat, ()) if s in m.subnets]
        evidence = {
            "nat": nat,
            "nat_az": nat_az[0] if nat_az else UNKNOWN_AZ,
            "serves": sorted(subs),
            "azs": azs,
        }
        if len(known) >= 2:
            yield Spof(
                "SPOF02",
                nat,
                "FAIL",
                f"one NAT gateway carries the egress of private subnets in {len(known)} AZs "
                f"({', '.join(known)})",
                evidence,
            )
        elif len(known) <= 1 and UNKNOWN_AZ in azs and len(subs) >= 2:
            yield Spof(
                "SPOF02",
                nat,
                "UNKNOWN",
                "one NAT gateway serves several subnets whose AZs are not known",
                evidence,
            )
    for mod in rg.resources(block="module"):
        if any(r.address.startswith(mod.address + ".") for r in rg.resources("aws_nat_gateway")):
            continue  # a local module: its NAT gateways were judged above
        v = tri(mod.attrs.get("single_nat_gateway"), False)
        if v is True and tri(mod.attrs.get("enable_nat_gateway"), True) is not False:
            yield Spof(
                "SPOF02",
                mod.address,
                "FAIL",
                "VPC module called with single_nat_gateway = true",
                {"module": mod.address, "single_nat_gateway": True},
                attribute="single_nat_gateway",
            )


def spof03(rg: ResourceGraph) -> Iterator[Spof]:
    """SPOF03 standalone instance serving traffic (only TG target, sole DNS/EIP value, internet app port)."""
    m = network_model(rg)
    tg_targets: dict[str, set[str]] = defaultdict(set)
    for ch in m.lb_chains:
        tg_targets[ch.target_group].update(ch.targets)
    for tg, pairs in network_raw(rg).tg_targets.items():
        tg_targets[tg].update(t for t, _ in pairs)
    records: dict[str, list[str]] = defaultdict(list)
    for rec in rg.resources("aws_route53_record"):
        tgts = [
            t
            for t in targets(rg, rec, ["records", "alias.name"])
            if rg[t].kind in ("aws_instance", "aws_eip")
        ]
        if len(tgts) == 1:
            records[tgts[0]].append(rec.address)
    eip_of: dict[str, str] = {}
    for eip in rg.resources("aws_eip"):
        for t in targets(rg, eip, ["instance"], {"aws_instance"}):
            eip_of[t] = eip.address
            for r in records.get(eip.address, ()):
                records[t].append(r)
    for inst in rg.resources("aws_instance"):
        if (
            is_bastion(inst)
            or "nat" in inst.name.lower()
            or tri(inst.attrs.get("source_dest_check"), True) is False
        ):
            continue
        why: list[str] = []
        evidence: dict[str, Any] = {}
        only = sorted(tg for tg, ts in tg_targets.items() if ts == {inst.address})
        if only:
            why.append(f"only target of {', '.join(only)}")
            evidence["target_groups"] = only
        if records.get(inst.address):
            why.append(f"sole value of DNS record {records[inst.address][0]}")
            evidence["dns_records"] = sorted(set(records[inst.address]))
        if inst.address in eip_of:
            why.append(f"holds Elastic IP {eip_of[inst.address]}")
            evidence["eip"] = eip_of[inst.address]
        path = m.exposure_of(inst.address)
        if path is not None:
            app_ports = path.ports - _admin_set()
            if app_ports:
                why.append(f"internet-reachable on {app_ports.label()}")
                evidence["exposure"] = path.to_dict()
        if inst.meta.get("expanded") is False:
            continue
        if why:
            evidence["azs"] = list(m.azs.get(inst.address, ()))
            yield Spof(
                "SPOF03",
                inst.address,
                "FAIL",
                "standalone instance serves traffic: " + "; ".join(why),
                evidence,
            )


def _admin_set() -> PortSet:
    out = PortSet.EMPTY
    for p in ADMIN_PORTS:
        out = out | PortSet.tcp(p)
    return out


def spof04(rg: ResourceGraph) -> Iterator[Spof]:
    """SPOF04 single-AZ database: RDS instance without Multi-AZ/replica source; cluster with one instance."""
    for db in rg.resources("aws_db_instance"):
        if db.attrs.get("replicate_source_db") not in (None, "", False):
            continue
        multi = tri(db.attrs.get("multi_az"), False)
        engine = db.attrs.get("engine")
        if isinstance(engine, str) and engine.startswith("aurora"):
            continue
        ev = {
            "multi_az": db.attrs.get("multi_az", False)
            if not isinstance(db.attrs.get("multi_az"), Unresolved)
            else str(db.attrs["multi_az"]),
            "availability_zone": db.attrs.get("availability_zone")
            if isinstance(db.attrs.get("availability_zone"), str)
            else None,
        }
        if multi is False:
            yield Spof(
                "SPOF04",
                db.address,
                "FAIL",
                "RDS instance is single-AZ (multi_az is not true) and has no replica source",
                ev,
                attribute="multi_az",
            )
        elif multi is None:
            yield Spof(
                "SPOF04", db.address, "UNKNOWN", "multi_az is not statically known", ev, attribute="multi_az"
            )
    for kind, member_kind in (
        ("aws_rds_cluster", "aws_rds_cluster_instance"),
        ("aws_docdb_cluster", "aws_docdb_cluster_instance"),
        ("aws_neptune_cluster", "aws_neptune_cluster_instance"),
    ):
        members: dict[str, list[Resource]] = defaultdict(list)
        for inst in rg.resources(member_kind):
            for c in targets(rg, inst, ["cluster_identifier"], {kind}):
                members[c].append(inst)
        for cl in rg.resources(kind):
            if str(cl.attrs.get("engine_mode", "provisioned")) == "serverless":
                continue
            insts = members.get(cl.address, [])
            unexpanded = [i for i in insts if i.meta.get("expanded") is False]
            ev = {"instances": sorted(i.address for i in insts)}
            if unexpanded:
                yield Spof(
                    "SPOF04", cl.address, "UNKNOWN", "cluster instance count is not statically known", ev
                )
            elif len(insts) == 1:
                yield Spof(
                    "SPOF04",
                    cl.address,
                    "FAIL",
                    f"cluster has exactly one instance ({insts[0].address}): no failover",
                    ev,
                )


def spof05(rg: ResourceGraph) -> Iterator[Spof]:
    """SPOF05 single-node cache: one cache node, or a replication group without failover."""
    for c in rg.resources("aws_elasticache_cluster"):
        if c.attrs.get("replication_group_id") is not None:
            continue
        n = c.attrs.get("num_cache_nodes")
        engine = c.attrs.get("engine", "redis")
        ev = {
            "num_cache_nodes": n if not isinstance(n, Unresolved) else str(n),
            "engine": engine if isinstance(engine, str) else None,
        }
        if isinstance(n, Unresolved) or (n is not None and as_int(n) is None):
            yield Spof(
                "SPOF05",
                c.address,
                "UNKNOWN",
                "num_cache_nodes is not statically known",
                ev,
                attribute="num_cache_nodes",
            )
            continue
        count = as_int(n) if n is not None else 1
        if engine == "memcached":
            az_mode = c.attrs.get("az_mode", "single-az")
            ev["az_mode"] = az_mode if isinstance(az_mode, str) else str(az_mode)
            if count == 1 or az_mode != "cross-az":
                yield Spof(
                    "SPOF05",
                    c.address,
                    "FAIL",
                    f"memcached cluster with {count} node(s) in az_mode {ev['az_mode']}",
                    ev,
                    attribute="az_mode",
                )
        elif count == 1:
            yield Spof(
                "SPOF05",
                c.address,
                "FAIL",
                "cache cluster has a single node",
                ev,
                attribute="num_cache_nodes",
            )
    for g in rg.resources("aws_elasticache_replication_group"):
        a = g.attrs
        n = a.get("num_cache_clusters", a.get("number_cache_clusters"))
        rep = a.get("replicas_per_node_group")
        fo = tri(a.get("automatic_failover_enabled"), False)
        maz = tri(a.get("multi_az_enabled"), False)
        ev = {
            "num_cache_clusters": n if not isinstance(n, Unresolved) else str(n),
            "replicas_per_node_group": rep if not isinstance(rep, Unresolved) else str(rep),
            "automatic_failover_enabled": fo,
            "multi_az_enabled": maz,
        }
        why = []
        unknown = []
        if isinstance(n, Unresolved):
            unknown.append("num_cache_clusters")
        elif n is not None and (as_int(n) or 0) < 2 and rep is None:
            why.append(f"num_cache_clusters = {n}")
        elif n is None and rep is None:
            why.append("a single cache cluster (num_cache_clusters defaults to 1)")
        if isinstance(rep, Unresolved):
            unknown.append("replicas_per_node_group")
        elif rep is not None and as_int(rep) == 0:
            why.append("replicas_per_node_group = 0")
        for key, val in (("automatic_failover_enabled", fo), ("multi_az_enabled", maz)):
            if val is False:
                why.append(f"{key} is not true")
            elif val is None:
                unknown.append(key)
        if why:
            yield Spof(
                "SPOF05", g.address, "FAIL", "replication group cannot fail over: " + "; ".join(why), ev
            )
        elif unknown:
            yield Spof("SPOF05", g.address, "UNKNOWN", "not statically known: " + ", ".join(unknown), ev)


def spof06(rg: ResourceGraph) -> Iterator[Spof]:
    """SPOF06 capacity of one: ASG, EKS node group, ECS service."""
    for asg in rg.resources("aws_autoscaling_group"):
        a = asg.attrs
        mx, mn, dc = a.get("max_size"), a.get("min_size"), a.get("desired_capacity")
        ev = {
            k: (v if not isinstance(v, Unresolved) else str(v))
            for k, v in (("max_size", mx), ("min_size", mn), ("desired_capacity", dc))
        }
        if as_int(mx) == 1:
            yield Spof(
                "SPOF06",
                asg.address,
                "FAIL",
                "auto scaling group max_size = 1",
                ev,
                Severity.MEDIUM,
                "max_size",
            )
        elif (
            as_int(mn) == 1
            or (as_int(dc) == 1 and (mn is None or as_int(mn) in (0, 1)))
            or (as_int(mn) == 0 and as_int(dc) in (None, 1))
        ):
            if as_int(mn) == 0 and dc is None:
                continue
            yield Spof(
                "SPOF06",
                asg.address,
                "FAIL",
                "auto scaling group runs one instance at the trough (min_size/desired_capacity = 1)",
                ev,
                Severity.LOW,
                "min_size",
            )
        elif isinstance(mx, Unresolved) or isinstance(mn, Unresolved):
            yield Spof("SPOF06", asg.address, "UNKNOWN", "ASG size is not statically known", ev)
    for ng in rg.resources("aws_eks_node_group"):
        for sc in block(ng.attrs, "scaling_config"):
            mx = sc.get("max_size")
            if as_int(mx) == 1:
                yield Spof(
                    "SPOF06",
                    ng.address,
                    "FAIL",
                    "EKS node group scaling_config.max_size = 1",
                    {"max_size": 1},
                    Severity.MEDIUM,
                    "scaling_config.max_size",
                )
            elif isinstance(mx, Unresolved):
                yield Spof(
                    "SPOF06",
                    ng.address,
                    "UNKNOWN",
                    "node group max_size is not statically known",
                    {"max_size": str(mx)},
                )
    scaled: dict[str, int | None] = {}
    for t in rg.resources("aws_appautoscaling_target"):
        mn = t.attrs.get("min_capacity")
        for ref in refs_of(t.attrs.get("resource_id")):
            for addr in resolve(rg, ref):
                if rg[addr].kind == "aws_ecs_service":
                    scaled[addr] = as_int(mn)
    for svc in rg.resources("aws_ecs_service"):
        dc = svc.attrs.get("desired_count")
        if svc.attrs.get("scheduling_strategy") == "DAEMON":
            continue
        count = as_int(dc) if dc is not None else 0
        if svc.address in scaled and (scaled[svc.address] or 0) >= 2:
            continue
        ev = {
            "desired_count": dc if not isinstance(dc, Unresolved) else str(dc),
            "autoscaling_min": scaled.get(svc.address),
        }
        if count == 1:
            yield Spof(
                "SPOF06",
                svc.address,
                "FAIL",
                "ECS service desired_count = 1 and no autoscaling minimum ≥ 2",
                ev,
                Severity.MEDIUM,
                "desired_count",
            )
        elif isinstance(dc, Unresolved):
            yield Spof("SPOF06", svc.address, "UNKNOWN", "desired_count is not statically known", ev)


def spof07(rg: ResourceGraph) -> Iterator[Spof]:
    """SPOF07 single-replica workload (Deployment/StatefulSet), or replicas without zone spread (low)."""
    for w in rg.resources("k8s:Deployment", "k8s:StatefulSet", "k8s:Rollout"):
        lo, hi = effective_replicas(rg, w)
        ev = {"min_replicas": lo, "max_replicas": hi}
        if lo is None:
            yield Spof("SPOF07", w.address, "UNKNOWN", "replica count is not statically known", ev)
        elif lo <= 1:
            yield Spof(
                "SPOF07",
                w.address,
                "FAIL",
                f"workload runs {lo} replica(s) at minimum and no HPA keeps ≥2",
                ev,
                attribute="spec.replicas",
            )
        elif not has_zone_spread(w):
            yield Spof(
                "SPOF07",
                w.address,
                "FAIL",
                f"{lo} replicas without zone topologySpreadConstraints/podAntiAffinity",
                ev,
                Severity.LOW,
                "spec.template.spec.topologySpreadConstraints",
            )


# ---------------------------------------------------------------------------------------------
_TOPO_EDGES = frozenset(
    {"in_subnet", "rt_assoc", "routes_via", "lb_targets", "protects", "hosted_on", "selects"}
)


def runtime_topology(rg: ResourceGraph) -> nx.Graph:
    """The undirected runtime topology used for articulation points (see the module docstring).

    >>> from infra_review.graph import ResourceGraph
    >>> from infra_review.model import Resource, Unresolved as U
    >>> rg = ResourceGraph()
    >>> rg.add(Resource("aws_subnet.a", "aws_subnet"))
    >>> sub = U("aws_subnet.a.id", ("aws_subnet.a",))
    >>> rg.add(Resource("aws_instance.x", "aws_instance", attrs={"subnet_id": sub}))
    >>> sorted(runtime_topology(rg).edges())
    [('aws_instance.x', 'aws_subnet.a')]
    """
    network_model(rg)  # derives the runtime edges read below (when the graph is not finished yet)
    return rg.memo(_topology)


def _topology(rg: ResourceGraph) -> nx.Graph:
    m = network_model(rg)
    g = nx.Graph()
    for e in rg.edges(_TOPO_EDGES):
        g.add_edge(e.source, e.target, kind=e.kind)
    for igw in (r.address for r in rg.resources("aws_internet_gateway")):
        g.add_edge(INTERNET, igw, kind="internet")
    for p in m.exposures:
        if p.kind in ("cdn", "azure", "gcp"):
            for a, b in zip(p.nodes, p.nodes[1:], strict=False):
                g.add_edge(a, b, kind="exposure")
    for cf in rg.resources("aws_cloudfront_distribution", "aws_api_gateway_rest_api", "aws_apigatewayv2_api"):
        g.add_edge(INTERNET, cf.address, kind="internet")
    for f in m.flows:
        if f.source != INTERNET:
            g.add_edge(f.source, f.target, kind="flow")
    # SGs, IAM, variables never enter: only these edges were added
    return g


def _is_entry(rg: ResourceGraph, addr: str) -> bool:
    if addr == INTERNET:
        return True
    node = rg.get(addr)
    return node is not None and node.kind in _ENTRY_KINDS


def spof08(rg: ResourceGraph) -> Iterator[Spof]:
    """SPOF08 articulation points cutting an entry node from app or data nodes."""
    m = network_model(rg)
    g = runtime_topology(rg)
    if g.number_of_nodes() < 3:
        return
    entries = [n for n in g if _is_entry(rg, n)]
    if not entries:
        return
    workload = {n for n in g if m.tiers.get(n) in ("app", "data")}
    # a subnet that cuts the topology is an AZ concentration: when SPOF01 already reports its
    # VPC as single-AZ, the subnet is not reported again
    single_az_vpcs = {s.evidence.get("vpc") for s in spof01(rg) if s.status == "FAIL"}
    for ap in sorted(nx.articulation_points(g)):
        node = rg.get(ap)
        if node is None:
            continue
        # components of g - ap
        seen: dict[str, int] = {}
        comp_id = 0
        for start in g.neighbors(ap):
            if start in seen:
                continue
            comp_id += 1
            dq = deque([start])
            seen[start] = comp_id
            while dq:
                x = dq.popleft()
                for y in g.neighbors(x):
                    if y != ap and y not in seen:
                        seen[y] = comp_id
                        dq.append(y)
        if ap == INTERNET:
            continue
        entry_comps = {seen[e] for e in entries if e != ap and e in seen}
        if not entry_comps and not _is_entry(rg, ap):
            continue  # this part of the topology has no entry point at all
        cut = sorted(n for n in workload if n in seen and seen[n] not in entry_comps)
        # a leaf hanging only on the cut vertex (an instance in one subnet) is that leaf's own
        # single point of failure (SPOF01/03/04), not a topology cut
        is_subnet = node.kind in ("aws_subnet", "aws_default_subnet")
        if is_subnet and m.subnets.get(ap) is not None and m.subnets[ap].vpc in single_az_vpcs:
            continue
        if not cut or (is_subnet and all(g.degree(n) == 1 for n in cut)):
            continue
        structural = node.kind in STRUCTURAL_KINDS
        ev = {
            "articulation_point": ap,
            "structural": structural,
            "disconnects": cut[:50],
            "disconnected_count": len(cut),
            "entries_kept": sorted(e for e in entries if e in seen and seen[e] in entry_comps)[:10],
        }
        sev = Severity.INFO if structural else None
        msg = (
            f"{'by-design singleton; ' if structural else ''}removing it cuts {len(cut)} app/data node(s) "
            f"from every entry point (e.g. {cut[0]})"
        )
        yield Spof("SPOF08", ap, "FAIL", msg, ev, sev)


def spof09(rg: ResourceGraph) -> Iterator[Spof]:
    """SPOF09 single region: every AWS provider in one region and no cross-region replica."""
    providers = [
        p
        for p in rg.resources(block="provider")
        if p.kind in ("aws", "provider.aws") or p.address.startswith("provider.aws")
    ]
    if not providers or not any(rg.resources()):
        return
    regions: dict[str, str] = {}
    unknown = []
    for p in providers:
        r = p.attrs.get("region")
        if isinstance(r, str):
            regions[p.address] = r
        else:
            unknown.append(p.address)
    distinct = sorted(set(regions.values()))
    replicas = [
        r.address
        for r in rg.resources(
            "aws_s3_bucket_replication_configuration",
            "aws_rds_global_cluster",
            "aws_dynamodb_global_table",
            "aws_db_instance_automated_backups_replication",
            "aws_elasticache_global_replication_group",
        )
    ] + [t.address for t in rg.resources("aws_dynamodb_table") if block(t.attrs, "replica")]
    ev = {
        "regions": distinct,
        "providers": sorted(regions),
        "unknown_region_providers": sorted(unknown),
        "cross_region_replicas": sorted(replicas),
    }
    # replicas that stay in their own region give no regional redundancy
    for t in rg.resources("aws_dynamodb_table"):
        own = _resource_region(rg, t)
        same = [
            b.get("region_name") for b in block(t.attrs, "replica") if own and b.get("region_name") == own
        ]
        if same:
            yield Spof(
                "SPOF09",
                t.address,
                "FAIL",
                f"DynamoDB replica in the table's own region ({own}): no regional redundancy",
                {"region": own},
                Severity.INFO,
                "replica.region_name",
            )
            replicas.remove(t.address)
    if len(distinct) >= 2 or replicas:
        return
    anchor = providers[0].address
    if unknown and not distinct:
        yield Spof("SPOF09", anchor, "UNKNOWN", "provider region is not statically known", ev)
    elif len(distinct) == 1 and not unknown:
        yield Spof(
            "SPOF09",
            anchor,
            "FAIL",
            f"everything runs in one region ({distinct[0]}) with no cross-region replica",
            ev,
            Severity.INFO,
        )


def _resource_region(rg: ResourceGraph, res: Resource) -> str:
    prov = rg.get(f"provider.{res.provider}") if res.provider else rg.get("provider.aws")
    if prov is None:
        addr = res.meta.get("provider_address")
        prov = rg.get(str(addr)) if addr else None
    region = prov.attrs.get("region") if prov is not None else None
    return region if isinstance(region, str) else ""


SPOF_CHECKS = {
    "SPOF01": spof01,
    "SPOF02": spof02,
    "SPOF03": spof03,
    "SPOF04": spof04,
    "SPOF05": spof05,
    "SPOF06": spof06,
    "SPOF07": spof07,
    "SPOF08": spof08,
    "SPOF09": spof09,
}


def find_spofs(rg: ResourceGraph, rule_ids: Iterable[str] | None = None) -> list[Spof]:
    """Every SPOF of ``rg`` (optionally only ``rule_ids``); all checks run once per graph."""
    network_model(rg)  # derives the runtime edges (when the graph is not finished yet)
    found = rg.memo(_all_spofs)
    wanted = set(rule_ids) if rule_ids is not None else None
    return [s for s in found if wanted is None or s.rule_id in wanted]


def _all_spofs(rg: ResourceGraph) -> tuple[Spof, ...]:
    return tuple(s for check in SPOF_CHECKS.values() for s in check(rg))
