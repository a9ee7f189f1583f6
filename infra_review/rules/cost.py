"""Rules of the ``cost`` area: right-sizing, commitments, spot, auto-scaling, unused resources
and cost allocation tags (COST001–COST008; COST003 is a guided question only).

The monthly estimate itself is :func:`infra_review.analysis.cost.estimate`; the evidence
functions here (``evidence_*``) feed the guided questions registered in
``infra_review.rules.guided`` (right-sizing with metrics, Reserved Instances / Savings Plans).

Catalog corrections (RULES.md draft → provider docs):

- COST003 (RI/SP) has no flag condition in the catalog, so it is not a rule: EC2 Reserved
  Instances and Savings Plans are not Terraform resources.  :func:`evidence_commitments`
  gives the steady-state baseline the question needs.
- COST002: ``aws_ebs_volume.type`` defaults to ``gp2`` and ``aws_db_instance.storage_type`` to
  ``gp2`` (``io1`` when ``iops`` is set), so an unset type is flagged too.
- COST005: an ASG is "spot" when its ``mixed_instances_policy.instances_distribution`` has
  ``on_demand_base_capacity = 0`` and ``on_demand_percentage_above_base_capacity = 0`` (the
  provider defaults are 0 and 100, i.e. on-demand) or its launch template requests spot.
- COST007: an unattached security group is also NET009's finding (network view); it is kept
  here as the catalog asks, as clutter to clean up.  A security group referenced only by
  security-group rules (its own or as a source) counts as unattached.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from infra_review.analysis.cost import estimate, is_billable
from infra_review.analysis.k8s import effective_replicas, hpa_for, pod_spec, selected_workloads, workloads
from infra_review.analysis.net_attrs import block, refs_of, resolve
from infra_review.analysis.repo_layout import repo_anchor
from infra_review.analysis.storage import bucket_split_resources
from infra_review.analysis.tags import effective_tags, environment_of, is_taggable, missing_keys
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, Status, Unresolved
from infra_review.model.coerce import as_int, tri
from infra_review.rules._registry import Hit, rule

__all__ = [
    "COST_TAG_ALIASES",
    "COST_TAG_KEYS",
    "PREVIOUS_GENERATION",
    "evidence_commitments",
    "evidence_cost_estimate",
    "evidence_size_inventory",
    "instance_sizes",
    "parse_instance_type",
    "pods_on_node_group",
]

#: Instance families AWS lists as previous generation (EC2, RDS ``db.``, ElastiCache ``cache.``).
PREVIOUS_GENERATION = frozenset(
    {
        "t1",
        "t2",
        "m1",
        "m2",
        "m3",
        "m4",
        "c1",
        "c3",
        "c4",
        "r3",
        "r4",
        "i2",
        "d2",
        "g2",
        "g3",
        "p2",
        "x1",
        "x1e",
        "cr1",
        "hs1",
    }
)
_GPU = re.compile(r"^(p\d|g\d|inf\d|trn\d|dl\d|f\d|vt\d)")
_BATCH = re.compile(r"(^|[-_.\s])(batch|jobs?|etl|cron|spark|runners?|render)([-_.\s]|$)", re.I)

#: Tag keys that allocate cost (compared normalised: ``CostCenter`` = ``cost-center``).
COST_TAG_KEYS = ("cost-center",)
COST_TAG_ALIASES: Mapping[str, tuple[str, ...]] = {
    "cost-center": ("cost-centre", "billing-code", "cost-code", "chargeback", "billing"),
}


def _managed(rg: ResourceGraph, *kinds: str) -> Iterator[Resource]:
    for r in rg.resources(*kinds):
        if r.block in ("resource", "k8s"):
            yield r


def _referrers(rg: ResourceGraph, address: str, *kinds: str) -> list[Resource]:
    return [r for r in rg.referrers(address, *kinds) if r.block in ("resource", "k8s")]


def parse_instance_type(value: str) -> tuple[str, str, int]:
    """``(family, size, xlarge multiple)`` of an EC2/RDS/ElastiCache type.

    >>> parse_instance_type("db.r5.4xlarge"), parse_instance_type("m5.metal"), parse_instance_type("t3.micro")
    (('r5', '4xlarge', 4), ('m5', 'metal', 0), ('t3', 'micro', 0))
    """
    v = value.removeprefix("db.").removeprefix("cache.")
    family, _, size = v.partition(".")
    m = re.fullmatch(r"(\d+)xlarge", size)
    return family, size, int(m.group(1)) if m else (1 if size == "xlarge" else 0)


def instance_sizes(rg: ResourceGraph) -> Iterator[tuple[Resource, str, Any]]:
    """``(resource, attribute path, value)`` for every instance type / class / node type."""
    for r in _managed(rg, "aws_instance", "aws_launch_template", "aws_launch_configuration"):
        if "instance_type" in r.attrs:
            yield r, "instance_type", r.attrs["instance_type"]
    for r in _managed(rg, "aws_db_instance", "aws_rds_cluster_instance"):
        if "instance_class" in r.attrs:
            yield r, "instance_class", r.attrs["instance_class"]
    for r in _managed(rg, "aws_elasticache_cluster", "aws_elasticache_replication_group"):
        if "node_type" in r.attrs:
            yield r, "node_type", r.attrs["node_type"]
    for r in _managed(rg, "aws_eks_node_group"):
        types = r.attrs.get("instance_types")
        if isinstance(types, list):
            for i, t in enumerate(types):
                yield r, f"instance_types[{i}]", t
        elif isinstance(types, Unresolved):
            yield r, "instance_types", types
    for r in _managed(rg, "aws_autoscaling_group"):
        for mip in block(r.attrs, "mixed_instances_policy"):
            for lt in block(mip, "launch_template"):
                for i, o in enumerate(block(lt, "override")):
                    if "instance_type" in o:
                        path = f"mixed_instances_policy[0].launch_template[0].override[{i}].instance_type"
                        yield r, path, o["instance_type"]


# -- COST001 ------------------------------------------------------------------------------------
@rule(
    "COST001",
    area=Area.COST,
    severity=Severity.INFO,
    title="Large, GPU or bare-metal size outside production",
)
def oversized_nonprod(rg: ResourceGraph) -> Iterator[Hit]:
    """An ``instance_type``/``instance_class``/``node_type`` of 4xlarge or more, a GPU family
    (``p*``, ``g*``, ``inf*``, ``trn*``, ``dl*``) or ``.metal`` on a resource marked
    dev/test/sandbox.  Real right-sizing needs utilisation metrics: the full size inventory
    is :func:`evidence_size_inventory` for the guided question.

    Why it matters
    --------------
    Non-production copies of production sizes are a classic silent cost: a dev
    ``r5.8xlarge`` database costs about $1,500 a month idling.

    Remediation
    -----------
    Size non-production environments from a variable with a small default, and schedule
    them off outside working hours.

    Example
    -------
    .. code-block:: hcl

        variable "db_class" { default = "db.t4g.medium" }   # prod tfvars: db.r6g.2xlarge
    """
    for r, path, value in instance_sizes(rg):
        if not environment_of(rg, r).is_nonprod:
            continue
        if isinstance(value, Unresolved):
            yield Hit(r, f"`{path}` is not known statically", path, Status.UNKNOWN)
            continue
        if not isinstance(value, str):
            continue
        family, size, mult = parse_instance_type(value)
        why = (
            "GPU family"
            if _GPU.match(family)
            else "bare metal"
            if size == "metal"
            else f"{mult}xlarge"
            if mult >= 4
            else ""
        )
        if why:
            yield Hit(r, f"non-production resource uses {value} ({why})", path, evidence={"size": value})


def evidence_size_inventory(rg: ResourceGraph) -> dict[str, Any]:
    """Every instance type / class / node type in the repository, counted by value."""
    counts: dict[str, int] = defaultdict(int)
    where: dict[str, list[str]] = defaultdict(list)
    unknown = []
    for r, _path, value in instance_sizes(rg):
        if isinstance(value, str):
            counts[value] += 1
            where[value].append(r.address)
        else:
            unknown.append(r.address)
    return {
        "summary": f"{sum(counts.values())} sized resource(s) over {len(counts)} distinct size(s)"
        + (f"; {len(unknown)} size(s) not known statically" if unknown else ""),
        "sizes": dict(sorted(counts.items())),
        "resources": dict(sorted(where.items())),
        "unknown": unknown,
    }


# -- COST002 ------------------------------------------------------------------------------------
@rule("COST002", area=Area.COST, severity=Severity.LOW, title="Previous-generation instance or storage type")
def previous_generation(rg: ResourceGraph) -> Iterator[Hit]:
    """A previous-generation family (``t2``, ``m4``, ``c4``, ``r4``, ``m3``, ... and their
    ``db.``/``cache.`` classes); ``gp2`` where ``gp3`` is cheaper (``aws_ebs_volume.type``,
    unset included; launch template ``block_device_mappings.ebs.volume_type``;
    ``root_block_device``/``ebs_block_device.volume_type``; ``aws_db_instance.storage_type``,
    unset without ``iops`` included); ``io1``/``io2`` volumes outside production.

    Why it matters
    --------------
    Current generations give more performance per dollar (m4 → m6i ≈ 10 % cheaper and faster);
    gp3 is 20 % cheaper than gp2 with 3,000 IOPS included regardless of size.

    Remediation
    -----------
    Move to the current family (``t3``/``t4g``, ``m6i``/``m7g``, ``r6g``...) and to ``gp3``;
    keep provisioned IOPS for production databases that need them.

    Example
    -------
    .. code-block:: hcl

        resource "aws_ebs_volume" "data" { type = "gp3"  size = 100 }
    """
    for r, path, value in instance_sizes(rg):
        if isinstance(value, Unresolved):
            yield Hit(r, f"`{path}` is not known statically", path, Status.UNKNOWN)
        elif isinstance(value, str) and parse_instance_type(value)[0] in PREVIOUS_GENERATION:
            yield Hit(r, f"{value} is a previous-generation type", path, evidence={"type": value})
    for r in _managed(rg, "aws_ebs_volume"):
        v = r.attrs.get("type")
        if isinstance(v, Unresolved):
            yield Hit(r, "`type` is not known statically", "type", Status.UNKNOWN)
        else:
            yield from _volume_type(rg, r, "type", v if v is not None else "gp2", unset=v is None)
    for r in _managed(rg, "aws_launch_template"):
        for i, m in enumerate(block(r.attrs, "block_device_mappings")):
            for ebs in block(m, "ebs"):
                if "volume_type" in ebs:
                    path = f"block_device_mappings[{i}].ebs[0].volume_type"
                    yield from _volume_type(rg, r, path, ebs["volume_type"])
    for r in _managed(rg, "aws_instance"):
        for name in ("root_block_device", "ebs_block_device"):
            for i, d in enumerate(block(r.attrs, name)):
                if "volume_type" in d:
                    yield from _volume_type(rg, r, f"{name}[{i}].volume_type", d["volume_type"])
    for r in _managed(rg, "aws_db_instance"):
        if "replicate_source_db" in r.attrs:
            continue
        v = r.attrs.get("storage_type")
        if isinstance(v, Unresolved):
            yield Hit(r, "`storage_type` is not known statically", "storage_type", Status.UNKNOWN)
        elif v is None and "iops" not in r.attrs and "allocated_storage" in r.attrs:
            yield Hit(r, "storage_type unset: defaults to gp2 (gp3 is cheaper)", "storage_type")
        elif v is not None:
            yield from _volume_type(rg, r, "storage_type", v)


def _volume_type(rg: ResourceGraph, r: Resource, path: str, value: Any, unset: bool = False) -> Iterator[Hit]:
    if isinstance(value, Unresolved):
        yield Hit(r, f"`{path}` is not known statically", path, Status.UNKNOWN)
    elif value == "gp2":
        yield Hit(
            r,
            "gp2 volume: gp3 is about 20 % cheaper" + (" (type unset defaults to gp2)" if unset else ""),
            path,
        )
    elif value in ("io1", "io2") and environment_of(rg, r).is_nonprod:
        yield Hit(r, f"provisioned-IOPS {value} storage outside production", path)


# -- COST003 (guided) ---------------------------------------------------------------------------
def evidence_commitments(rg: ResourceGraph) -> dict[str, Any]:
    """Steady-state baseline for Reserved Instances / Savings Plans (COST003 question).

    Always-on compute, database and cache capacity (from the offline estimate: instances,
    ASG ``desired_capacity``/``min_size``, node groups, Fargate tasks, RDS/ElastiCache
    classes) by service family and region, with the on-demand monthly cost, plus the
    reservation resources Terraform can express (``aws_rds_reserved_instance``,
    ``aws_elasticache_reserved_cache_node``).
    """
    est = estimate(rg)
    groups: dict[tuple[str, str], dict[str, float]] = {}
    for ln in est.priced:
        service = ln.sku.split(":", 1)[0]
        if service not in ("ec2", "rds", "elasticache", "fargate") or "spot" in ln.assumption.lower():
            continue
        family = ln.sku.split(":")[-2 if ln.sku.endswith((":single", ":multi")) else -1]
        family = parse_instance_type(family)[0] if service != "fargate" else family
        key = (f"{service}:{family}", ln.region)
        g = groups.setdefault(key, {"unit_hours": 0.0, "monthly_usd": 0.0})
        g["unit_hours"] += ln.quantity if ln.unit in ("hour", "vCPU-hour") else 0.0
        g["monthly_usd"] += ln.monthly_usd or 0.0
    rows = [
        {
            "family": fam,
            "region": reg,
            "unit_hours": round(v["unit_hours"], 1),
            "monthly_usd": round(v["monthly_usd"], 2),
        }
        for (fam, reg), v in sorted(groups.items(), key=lambda kv: -kv[1]["monthly_usd"])
    ]
    reserved = [
        r.address for r in _managed(rg, "aws_rds_reserved_instance", "aws_elasticache_reserved_cache_node")
    ]
    total = round(sum(r["monthly_usd"] for r in rows), 2)
    return {
        "summary": f"steady-state on-demand baseline ≈ ${total:,.2f}/month over {len(rows)} "
        "family/region group(s); "
        f"{len(reserved)} reservation resource(s) in code",
        "baseline": rows,
        "reservations": reserved,
    }


def evidence_cost_estimate(rg: ResourceGraph) -> dict[str, Any]:
    """The offline monthly estimate in summary form (totals by kind, area, cost tag)."""
    est = estimate(rg)
    return {
        "summary": f"≈ ${est.total_usd:,.2f}/month on-demand list price; "
        f"{len(est.not_priced)} line(s) not priced",
        "total_usd": est.total_usd,
        "by_area": est.by_area(),
        "by_kind": est.by_kind(),
        "by_cost_center": est.by_tag("cost-center"),
        "not_priced": [{"address": ln.address, "reason": ln.assumption} for ln in est.not_priced],
    }


# -- COST004 ------------------------------------------------------------------------------------
def _batchy(rg: ResourceGraph, r: Resource) -> bool:
    tags = effective_tags(rg, r).tags
    values = [
        r.name,
        *(str(v) for k, v in tags.items() if k.lower() in ("name", "role", "workload", "purpose")),
    ]
    return any(_BATCH.search(v) for v in values)


def _lt_spot(rg: ResourceGraph, asg: Resource) -> bool:
    for lt in rg.referenced(asg.address, "aws_launch_template", "aws_launch_configuration"):
        imo = block(lt.attrs, "instance_market_options")
        if imo and imo[0].get("market_type") == "spot":
            return True
        if lt.kind == "aws_launch_configuration" and lt.attrs.get("spot_price"):
            return True
    return False


def _asg_spot_share(rg: ResourceGraph, asg: Resource) -> str:
    """``"all"``, ``"some"``, ``"none"`` or ``"unknown"`` spot capacity of an ASG."""
    if _lt_spot(rg, asg):
        return "all"
    mip = block(asg.attrs, "mixed_instances_policy")
    if not mip:
        return "none"
    dist = block(mip[0], "instances_distribution")
    d = dist[0] if dist else {}
    base, pct = d.get("on_demand_base_capacity", 0), d.get("on_demand_percentage_above_base_capacity", 100)
    if isinstance(base, Unresolved) or isinstance(pct, Unresolved):
        return "unknown"
    if as_int(pct) == 100:
        return "none"
    return "all" if as_int(base) == 0 and as_int(pct) == 0 else "some"


def _node_group_labels(ng: Resource) -> dict[str, str]:
    """Node labels an EKS managed node group gives its nodes (custom + EKS well-known)."""
    labels = (
        {str(k): str(v) for k, v in (ng.attrs.get("labels") or {}).items()}
        if isinstance(ng.attrs.get("labels"), Mapping)
        else {}
    )
    name = ng.attrs.get("node_group_name")
    if isinstance(name, str):
        labels["eks.amazonaws.com/nodegroup"] = name
    ct = ng.attrs.get("capacity_type", "ON_DEMAND")
    if isinstance(ct, str):
        labels["eks.amazonaws.com/capacityType"] = ct
    return labels


def _node_selector(w: Resource) -> dict[str, str]:
    sel = pod_spec(w).get("nodeSelector")
    return {str(k): str(v) for k, v in sel.items()} if isinstance(sel, Mapping) else {}


def pods_on_node_group(rg: ResourceGraph, ng: Resource) -> list[Resource]:
    """Kubernetes workloads whose ``nodeSelector`` pins them to node group ``ng``."""
    labels = _node_group_labels(ng)
    out = []
    for w in workloads(rg):
        sel = _node_selector(w)
        if sel and all(labels.get(k) == v for k, v in sel.items()):
            out.append(w)
    return out


_SPOT_SELECTORS = {"eks.amazonaws.com/capacityType": "SPOT", "karpenter.sh/capacity-type": "spot"}


@rule("COST004", area=Area.COST, severity=Severity.LOW, title="Batch capacity not on Spot")
def batch_not_on_spot(rg: ResourceGraph) -> Iterator[Hit]:
    """Interruptible work runs on on-demand capacity: an ``aws_batch_compute_environment``
    whose ``compute_resources.type`` is ``EC2`` or ``FARGATE`` (not ``SPOT``/``FARGATE_SPOT``);
    an ASG or EKS node group named or tagged for batch work (``batch``, ``job(s)``, ``etl``,
    ``cron``, ``spark``, ``runner(s)``), or a node group whose only Kubernetes workloads
    (pinned by ``nodeSelector`` to its ``labels``, ``eks.amazonaws.com/nodegroup``) are Jobs
    and CronJobs, with no spot capacity (no ``mixed_instances_policy`` spot share, no spot
    launch template, ``capacity_type`` not ``SPOT``).

    Why it matters
    --------------
    Spot capacity costs 60–90 % less than on-demand; batch jobs that checkpoint or retry are
    the textbook fit.

    Remediation
    -----------
    Use ``SPOT``/``FARGATE_SPOT`` compute environments, ``capacity_type = "SPOT"`` node groups,
    or a ``mixed_instances_policy`` with several instance types and
    ``on_demand_percentage_above_base_capacity = 0``.

    Example
    -------
    .. code-block:: hcl

        compute_resources {
          type                = "SPOT"
          allocation_strategy = "SPOT_PRICE_CAPACITY_OPTIMIZED"
        }
    """
    for r in _managed(rg, "aws_batch_compute_environment"):
        cr = block(r.attrs, "compute_resources")
        if not cr:
            continue
        t = cr[0].get("type")
        if isinstance(t, Unresolved):
            yield Hit(
                r,
                "compute resource type is not known statically",
                "compute_resources[0].type",
                Status.UNKNOWN,
            )
        elif t in ("EC2", "FARGATE"):
            yield Hit(r, f"batch compute environment runs on {t} (on-demand)", "compute_resources[0].type")
    for r in _managed(rg, "aws_autoscaling_group"):
        if not _batchy(rg, r):
            continue
        share = _asg_spot_share(rg, r)
        if share == "unknown":
            yield Hit(r, "spot share is not known statically", "mixed_instances_policy", Status.UNKNOWN)
        elif share == "none":
            yield Hit(r, "batch ASG runs on on-demand capacity only", "mixed_instances_policy")
    for r in _managed(rg, "aws_eks_node_group"):
        pods = pods_on_node_group(rg, r)
        jobs_only = bool(pods) and all(w.kind in ("k8s:Job", "k8s:CronJob") for w in pods)
        if not (jobs_only or _batchy(rg, r)):
            continue
        ct = r.attrs.get("capacity_type", "ON_DEMAND")
        why = (
            f"runs only Jobs/CronJobs ({', '.join(w.name for w in pods)})"
            if jobs_only
            else "is a batch node group"
        )
        if isinstance(ct, Unresolved):
            yield Hit(r, "`capacity_type` is not known statically", "capacity_type", Status.UNKNOWN)
        elif ct != "SPOT":
            yield Hit(
                r,
                f"node group {why} but uses ON_DEMAND capacity",
                "capacity_type",
                evidence={"workloads": [w.address for w in pods]},
            )


# -- COST005 ------------------------------------------------------------------------------------
@rule("COST005", area=Area.COST, severity=Severity.MEDIUM, title="Spot capacity without redundancy")
def spot_singleton(rg: ResourceGraph) -> Iterator[Hit]:
    """Spot where an interruption is an outage: a standalone ``aws_instance`` with
    ``instance_market_options.market_type = "spot"`` or an ``aws_spot_instance_request``
    (nothing replaces it); an ASG whose capacity is all spot with ``max_size`` ≤ 1; an EKS
    node group with ``capacity_type = "SPOT"`` and ``scaling_config.max_size`` ≤ 1; a
    Kubernetes Deployment/StatefulSet with at most one replica (HPA minimum included) pinned
    to spot capacity (a SPOT node group's labels, or a ``eks.amazonaws.com/capacityType: SPOT``
    / ``karpenter.sh/capacity-type: spot`` nodeSelector).

    Why it matters
    --------------
    Spot instances are reclaimed with two minutes' notice; a lone spot instance serving
    anything is a scheduled outage.

    Remediation
    -----------
    Run spot inside an ASG/node group of at least two instances across several instance
    types and AZs, or keep singletons on-demand.

    Example
    -------
    .. code-block:: hcl

        mixed_instances_policy {
          instances_distribution { on_demand_base_capacity = 1 }
        }
    """
    for r in _managed(rg, "aws_instance"):
        imo = block(r.attrs, "instance_market_options")
        mt = imo[0].get("market_type") if imo else None
        if isinstance(mt, Unresolved):
            yield Hit(r, "market type is not known statically", "instance_market_options", Status.UNKNOWN)
        elif mt == "spot":
            yield Hit(
                r, "standalone spot instance: an interruption is not replaced", "instance_market_options"
            )
    for r in _managed(rg, "aws_spot_instance_request"):
        yield Hit(r, "standalone spot instance request: an interruption is not replaced")
    for r in _managed(rg, "aws_autoscaling_group"):
        share = _asg_spot_share(rg, r)
        mx = r.attrs.get("max_size")
        if share != "all":
            continue
        if isinstance(mx, Unresolved):
            yield Hit(r, "`max_size` is not known statically", "max_size", Status.UNKNOWN)
        elif (as_int(mx) or 0) <= 1:
            yield Hit(r, "all-spot ASG with max_size ≤ 1: one interruption takes it down", "max_size")
    for r in _managed(rg, "aws_eks_node_group"):
        if r.attrs.get("capacity_type") != "SPOT":
            continue
        mx = block(r.attrs, "scaling_config")[0].get("max_size") if block(r.attrs, "scaling_config") else None
        if isinstance(mx, Unresolved):
            yield Hit(
                r, "`scaling_config.max_size` is not known statically", "scaling_config", Status.UNKNOWN
            )
        elif mx is not None and (as_int(mx) or 0) <= 1:
            yield Hit(r, "SPOT node group with max_size ≤ 1", "scaling_config[0].max_size")
    spot_groups = [ng for ng in _managed(rg, "aws_eks_node_group") if ng.attrs.get("capacity_type") == "SPOT"]
    on_spot: dict[str, str] = {}
    for ng in spot_groups:
        for w in pods_on_node_group(rg, ng):
            on_spot.setdefault(w.address, ng.address)
    for w in workloads(rg):
        sel = _node_selector(w)
        if any(sel.get(k) == v for k, v in _SPOT_SELECTORS.items()):
            on_spot.setdefault(w.address, "a spot nodeSelector")
    for addr, where in sorted(on_spot.items()):
        w = rg[addr]
        if w.kind in ("k8s:Job", "k8s:CronJob", "k8s:DaemonSet"):
            continue
        lo, _hi = effective_replicas(rg, w)
        if lo is not None and lo <= 1:
            yield Hit(
                w, f"single replica pinned to spot capacity ({where})", "spec.template.spec.nodeSelector"
            )


# -- COST006 ------------------------------------------------------------------------------------
def _autoscaling_targets(rg: ResourceGraph) -> tuple[set[str], set[str], bool]:
    """(addresses targeted by aws_appautoscaling_target, literal resource ids, opaque ids?)."""
    targeted: set[str] = set()
    literals: set[str] = set()
    opaque = False
    for t in _managed(rg, "aws_appautoscaling_target"):
        rid = t.attrs.get("resource_id")
        refs = refs_of(rid)
        targeted.update(a for ref in refs for a in resolve(rg, ref))
        if isinstance(rid, str):
            literals.add(rid)
        elif not refs:
            opaque = True
    return targeted, literals, opaque


@rule("COST006", area=Area.COST, severity=Severity.MEDIUM, title="No auto-scaling", checkov=("CKV2_AWS_16",))
def no_autoscaling(rg: ResourceGraph) -> Iterator[Hit]:
    """Capacity that cannot follow demand: an ASG with ``min_size = max_size`` or with no
    ``aws_autoscaling_policy``/``aws_autoscaling_schedule`` (nor an ECS capacity provider
    with managed scaling); an ECS service (REPLICA) or a PROVISIONED DynamoDB table with no
    ``aws_appautoscaling_target`` (``resource_id`` ``service/<cluster>/<service>`` or
    ``table/<name>``, by reference or literal); a HorizontalPodAutoscaler with
    ``minReplicas = maxReplicas``; a Deployment/StatefulSet without an HPA (info).

    Why it matters
    --------------
    Fixed capacity is sized for the peak and paid for around the clock, or sized for the
    average and falls over at the peak.

    Remediation
    -----------
    Add target-tracking policies (CPU, request count per target, queue depth), scheduled
    scaling for known patterns, and on-demand billing or autoscaling for DynamoDB.

    Example
    -------
    .. code-block:: hcl

        resource "aws_autoscaling_policy" "cpu" {
          autoscaling_group_name = aws_autoscaling_group.web.name
          policy_type            = "TargetTrackingScaling"
          target_tracking_configuration {
            predefined_metric_specification { predefined_metric_type = "ASGAverageCPUUtilization" }
            target_value = 60
          }
        }
    """
    for r in _managed(rg, "aws_autoscaling_group"):
        mn, mx = r.attrs.get("min_size"), r.attrs.get("max_size")
        scalers = _referrers(rg, r.address, "aws_autoscaling_policy", "aws_autoscaling_schedule")
        scalers += [
            cp
            for cp in _referrers(rg, r.address, "aws_ecs_capacity_provider")
            if any(
                m.get("status") == "ENABLED"
                for asp in block(cp.attrs, "auto_scaling_group_provider")
                for m in block(asp, "managed_scaling")
            )
        ]
        if isinstance(mn, Unresolved) or isinstance(mx, Unresolved):
            if not scalers:
                yield Hit(r, "min/max size not known statically", "max_size", Status.UNKNOWN)
            continue
        if mn is not None and mx is not None and as_int(mn) == as_int(mx):
            yield Hit(r, f"fixed-size group (min_size = max_size = {as_int(mx)})", "max_size")
        elif not scalers:
            yield Hit(r, "no scaling policy or schedule targets this group", evidence={"min": mn, "max": mx})
    targeted, literals, opaque = _autoscaling_targets(rg)
    for r in _managed(rg, "aws_ecs_service"):
        if r.attrs.get("scheduling_strategy") == "DAEMON":
            continue
        name = r.attrs.get("name")
        lit = isinstance(name, str) and any(
            x.startswith("service/") and x.endswith("/" + name) for x in literals
        )
        if r.address in targeted or lit:
            continue
        if opaque:
            yield Hit(
                r,
                "an autoscaling target has a resource_id that is not known statically",
                status=Status.UNKNOWN,
            )
        else:
            yield Hit(
                r, "no `aws_appautoscaling_target` for this service: desired_count is fixed", "desired_count"
            )
    for r in _managed(rg, "aws_dynamodb_table"):
        mode = r.attrs.get("billing_mode", "PROVISIONED")
        if isinstance(mode, Unresolved):
            yield Hit(r, "`billing_mode` is not known statically", "billing_mode", Status.UNKNOWN)
            continue
        if mode != "PROVISIONED":
            continue
        name = r.attrs.get("name")
        lit = isinstance(name, str) and f"table/{name}" in literals
        if r.address in targeted or lit:
            continue
        if opaque:
            yield Hit(
                r,
                "an autoscaling target has a resource_id that is not known statically",
                status=Status.UNKNOWN,
            )
        else:
            yield Hit(r, "PROVISIONED capacity without autoscaling (or use PAY_PER_REQUEST)", "billing_mode")
    for hpa in _managed(rg, "k8s:HorizontalPodAutoscaler"):
        spec = hpa.attrs.get("spec") if isinstance(hpa.attrs.get("spec"), Mapping) else {}
        mn, mx = spec.get("minReplicas", 1), spec.get("maxReplicas")
        if as_int(mn) is not None and as_int(mn) == as_int(mx):
            yield Hit(hpa, f"HPA cannot scale (minReplicas = maxReplicas = {as_int(mx)})", "spec.maxReplicas")
    for w in workloads(rg):
        if w.kind in ("k8s:Deployment", "k8s:StatefulSet") and not hpa_for(rg, w):
            yield Hit(
                w, "no HorizontalPodAutoscaler targets this workload", "spec.replicas", severity=Severity.INFO
            )


# -- COST007 ------------------------------------------------------------------------------------
_EXPORT_BLOCKS = ("output", "module")
# Rules that belong to (or only name) a security group do not attach it to anything.
_SG_SELF_KINDS = (
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
)


def _consumers(
    rg: ResourceGraph, address: str, exclude_kinds: tuple[str, ...] = ()
) -> tuple[list[Resource], bool]:
    """(managed resources referencing ``address``, exported through an output/module?)."""
    users, exported = [], False
    for r, _data in rg.dependents(address):
        if r.block in _EXPORT_BLOCKS:
            exported = True
        elif r.block in ("resource", "k8s") and r.kind not in exclude_kinds and r not in users:
            users.append(r)
    return users, exported


def _lifecycle_configured(rg: ResourceGraph, b: Resource) -> bool | None:
    rules = block(b.attrs, "lifecycle_rule")
    if isinstance(b.attrs.get("lifecycle_rule"), Unresolved):
        return None
    if any(tri(x.get("enabled"), default=True) for x in rules):
        return True
    return bool(bucket_split_resources(rg, b, "aws_s3_bucket_lifecycle_configuration"))


@rule(
    "COST007",
    area=Area.COST,
    severity=Severity.LOW,
    title="Unused or never-cleaned resource",
    checkov=("CKV2_AWS_19", "CKV2_AWS_1", "CKV2_AWS_61"),
)
def unused_resources(rg: ResourceGraph) -> Iterator[Hit]:
    """Resources nothing uses (in-degree 0 on consumer edges): an ``aws_eip`` not associated
    (no ``instance``/``network_interface``, no ``aws_eip_association``, NAT gateway or
    subnet mapping using it); an ``aws_ebs_volume`` without ``aws_volume_attachment``; a
    security group nothing attaches (only security-group rules reference it); a target
    group no listener, listener rule or service forwards to; a load balancer without
    listener; an ``aws_network_acl`` with no ``subnet_ids`` and no association; an ECR
    repository without ``aws_ecr_lifecycle_policy``; a bucket without lifecycle rules
    (inline ``lifecycle_rule`` or ``aws_s3_bucket_lifecycle_configuration``); a Kubernetes
    Service whose selector matches no workload.  Resources only exported through an output
    are UNKNOWN (another stack may use them).

    Why it matters
    --------------
    Idle Elastic IPs, orphaned volumes and forgotten load balancers bill every hour; images
    and objects without lifecycle grow forever.

    Remediation
    -----------
    Delete what is unused; add ECR lifecycle policies (keep the last N images) and S3
    lifecycle rules (expire, transition, abort incomplete multipart uploads).

    Example
    -------
    .. code-block:: hcl

        resource "aws_ecr_lifecycle_policy" "keep_30" {
          repository = aws_ecr_repository.app.name
          policy     = jsonencode({ rules = [{
            rulePriority = 1, action = { type = "expire" },
            selection = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 30 } }] })
        }
    """
    for r in _managed(rg, "aws_eip"):
        if r.attrs.get("instance") or r.attrs.get("network_interface"):
            continue
        yield from _idle(rg, r, (), "Elastic IP is not associated: $3.65/month for nothing")
    for r in _managed(rg, "aws_ebs_volume"):
        users, exported = _consumers(rg, r.address)
        if not any(u.kind == "aws_volume_attachment" for u in users):
            if exported or users:
                yield Hit(
                    r, "no attachment here; the volume is used or exported elsewhere", status=Status.UNKNOWN
                )
            else:
                yield Hit(r, "volume has no `aws_volume_attachment`")
    for r in _managed(rg, "aws_lb_target_group", "aws_alb_target_group"):
        users, exported = _consumers(rg, r.address)
        routed = [
            u
            for u in users
            if u.kind
            in (
                "aws_lb_listener",
                "aws_alb_listener",
                "aws_lb_listener_rule",
                "aws_alb_listener_rule",
                "aws_ecs_service",
                "aws_autoscaling_group",
                "aws_autoscaling_attachment",
                "aws_lb_target_group_attachment",
            )
        ]
        if not routed:
            if exported or users:
                yield Hit(r, "not routed here; used or exported elsewhere", status=Status.UNKNOWN)
            else:
                yield Hit(r, "no listener, rule or service uses this target group")
    for r in _managed(rg, "aws_lb", "aws_alb"):
        users, exported = _consumers(rg, r.address)
        if not any(u.kind in ("aws_lb_listener", "aws_alb_listener") for u in users):
            if exported:
                yield Hit(r, "no listener here; exported to another stack", status=Status.UNKNOWN)
            else:
                yield Hit(r, "load balancer has no listener: it bills hourly and serves nothing")
    for r in _managed(rg, "aws_security_group"):
        yield from _idle(rg, r, _SG_SELF_KINDS, "security group is attached to nothing")
    for r in _managed(rg, "aws_network_acl"):
        if r.attrs.get("subnet_ids"):
            continue
        yield from _idle(
            rg,
            r,
            ("aws_network_acl_rule",),
            "network ACL is associated with no subnet",
            wanted=("aws_network_acl_association",),
        )
    for r in _managed(rg, "aws_ecr_repository"):
        users, _ = _consumers(rg, r.address)
        if not any(u.kind == "aws_ecr_lifecycle_policy" for u in users):
            yield Hit(r, "repository has no `aws_ecr_lifecycle_policy`: images accumulate forever")
    for b in _managed(rg, "aws_s3_bucket"):
        v = _lifecycle_configured(rg, b)
        if v is None:
            yield Hit(b, "lifecycle rules are not known statically", "lifecycle_rule", Status.UNKNOWN)
        elif not v:
            yield Hit(
                b, "bucket has no lifecycle rule: objects and old versions are kept forever", "lifecycle_rule"
            )
    for svc in _managed(rg, "k8s:Service"):
        spec = svc.attrs.get("spec") if isinstance(svc.attrs.get("spec"), Mapping) else {}
        if spec.get("type") == "ExternalName" or not spec.get("selector"):
            continue
        if not selected_workloads(rg, svc):
            yield Hit(svc, "Service selector matches no workload in the repository", "spec.selector")


def _idle(
    rg: ResourceGraph,
    r: Resource,
    exclude: tuple[str, ...],
    message: str,
    wanted: tuple[str, ...] | None = None,
) -> Iterator[Hit]:
    users, exported = _consumers(rg, r.address, exclude)
    if wanted is not None:
        users = [u for u in users if u.kind in wanted]
    if users:
        return
    if exported:
        yield Hit(r, "not used here; exported to another stack", status=Status.UNKNOWN)
    else:
        yield Hit(r, message)


# -- COST008 ------------------------------------------------------------------------------------
@rule("COST008", area=Area.COST, severity=Severity.MEDIUM, title="Cost allocation tag missing or inactive")
def cost_allocation_tags(rg: ResourceGraph) -> Iterator[Hit]:
    """A billable, taggable resource whose effective tags (own ``tags`` ∪ provider
    ``default_tags``; ASG ``tag`` blocks) lack a cost-allocation key (``cost-center`` and
    spellings such as ``CostCenter``, ``cost_centre``, ``billing-code``; see
    :data:`COST_TAG_KEYS`); an ``aws_ce_cost_allocation_tag`` for such a key with
    ``status`` ≠ ``Active``; and, once per repository (on its anchor), no
    ``aws_budgets_budget`` at all while billable resources exist (low).  IAC011 covers the
    general tagging policy.

    Why it matters
    --------------
    Costs that cannot be attributed to a team or product cannot be owned; and a tag only
    shows in Cost Explorer once it is activated as a cost allocation tag.

    Remediation
    -----------
    Put ``cost-center`` into the provider's ``default_tags``, activate it with
    ``aws_ce_cost_allocation_tag``, and add an ``aws_budgets_budget`` with alerts.

    Example
    -------
    .. code-block:: hcl

        provider "aws" {
          default_tags { tags = { cost-center = "cc-1234" } }
        }
        resource "aws_ce_cost_allocation_tag" "cc" {
          tag_key = "cost-center"
          status  = "Active"
        }
    """
    billable = False
    for r in rg.resources(block="resource"):
        if not is_billable(r.kind) or not is_taggable(r):
            continue
        billable = True
        et = effective_tags(rg, r)
        missing = missing_keys(et, COST_TAG_KEYS, aliases=COST_TAG_ALIASES)
        if not missing:
            continue
        if et.is_unknown:
            yield Hit(r, f"tags not known statically ({', '.join(et.unknown)})", "tags", Status.UNKNOWN)
        else:
            yield Hit(
                r, f"no cost allocation tag ({', '.join(missing)})", "tags", evidence={"missing": missing}
            )
    wanted = {k.lower() for k in COST_TAG_KEYS} | {a.lower() for v in COST_TAG_ALIASES.values() for a in v}
    for act in _managed(rg, "aws_ce_cost_allocation_tag"):
        key, status = act.attrs.get("tag_key"), act.attrs.get("status")
        if not isinstance(key, str) or key.lower().replace("_", "-") not in wanted | {"costcenter"}:
            continue
        if isinstance(status, Unresolved):
            yield Hit(act, "activation status is not known statically", "status", Status.UNKNOWN)
        elif status != "Active":
            yield Hit(act, f"cost allocation tag {key} is not activated (`status = {status}`)", "status")
    if (
        billable
        and not any(True for _ in _managed(rg, "aws_budgets_budget"))
        and any(r.kind.startswith("aws_") for r in rg.resources(block="resource"))
    ):
        yield Hit(
            repo_anchor(rg),
            "no `aws_budgets_budget` in the repository: overspend goes unnoticed",
            severity=Severity.LOW,
        )
