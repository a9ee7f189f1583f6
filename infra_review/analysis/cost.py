"""Offline monthly cost estimate from the price table shipped in ``infra_review/data/prices``.

Every billable resource gets one or more :class:`CostLine` (address, kind, unit, quantity,
unit price, monthly USD, the assumption behind the number).  What cannot be priced — a usage
billed service (Lambda, CloudFront, Aurora storage), an unresolved ``instance_type``, an
unknown instance count, a kind without a price model — is an explicit line with
``priced=False`` and a reason, never a silent zero.  Free resources (VPCs, subnets, security
groups, IAM, listeners, associations, ...) produce no line.

Counts follow the graph: ``count``/``for_each`` instances are separate nodes (each priced
once), an unexpanded ``count``/``for_each`` is "not priced", an ASG runs
``desired_capacity`` (else ``min_size``) instances of its launch template's type, an EKS node
group ``scaling_config.desired_size``, a Fargate service ``desired_count`` tasks.  Multi-AZ
RDS uses the Multi-AZ rate (two instances), NAT gateways and load balancers pay per hour plus
an assumed traffic volume (see :class:`CostAssumptions`).

The region of a resource is its provider configuration's ``region``
(``rg.get("provider." + r.provider)``), else the default region (an assumption recorded on the
line).  Regions without a price table are priced at us-east-1 list prices, again stated.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource
>>> rg = ResourceGraph()
>>> rg.add(Resource("provider.aws", "aws", block="provider", attrs={"region": "us-east-1"}))
>>> rg.add(Resource("aws_instance.web", "aws_instance", provider="aws",
...                 attrs={"instance_type": "t3.micro", "tags": {"team": "web"}}))
>>> rg.add(Resource("aws_lambda_function.f", "aws_lambda_function", provider="aws"))
>>> est = estimate(rg)
>>> [(ln.sku, ln.monthly_usd) for ln in est.lines if ln.address == "aws_instance.web"]
[('ec2:t3.micro', 7.59), ('ebs:gp3', 0.64)]
>>> est.total_usd, [ln.address for ln in est.not_priced]
(8.23, ['aws_lambda_function.f'])
>>> est.by_tag("team")
{'web': 8.23}
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from infra_review.analysis.tags import effective_tags, normalise_key
from infra_review.graph import ResourceGraph
from infra_review.model import Resource, Unresolved
from infra_review.model.coerce import first_block

__all__ = [
    "DEFAULT_REGION",
    "CostAssumptions",
    "CostEstimate",
    "CostLine",
    "PriceTable",
    "available_regions",
    "estimate",
    "is_billable",
    "load_prices",
]

DEFAULT_REGION = "us-east-1"
_FALLBACK = "us-east-1"


# -- price table --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PriceTable:
    """One region's prices: ``(service, sku, variant) -> (unit, usd)`` plus the source header."""

    region: str
    prices: Mapping[tuple[str, str, str], tuple[str, float]]
    source: str = ""

    def get(self, service: str, sku: str, variant: str = "") -> tuple[str, float] | None:
        """``(unit, usd)`` or ``None``.

        >>> load_prices("us-east-1").get("ec2", "m5.large")
        ('hour', 0.096)
        """
        return self.prices.get((service, sku, variant))


def _price_dir() -> Any:
    return resources.files("infra_review") / "data" / "prices"


def available_regions() -> list[str]:
    """Regions with a shipped price table.

    >>> "us-east-1" in available_regions()
    True
    """
    out = []
    for entry in _price_dir().iterdir():
        m = re.fullmatch(r"aws-([a-z0-9-]+)\.csv", entry.name)
        if m:
            out.append(m.group(1))
    return sorted(out)


@lru_cache(maxsize=16)
def load_prices(region: str) -> PriceTable | None:
    """The shipped price table of ``region`` (``None`` if there is none).  Cached."""
    path = _price_dir() / f"aws-{region}.csv"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    header = "\n".join(line[1:].strip() for line in text.splitlines() if line.startswith("#"))
    body = "\n".join(line for line in text.splitlines() if line and not line.startswith("#"))
    prices: dict[tuple[str, str, str], tuple[str, float]] = {}
    for row in csv.DictReader(io.StringIO(body)):
        prices[(row["service"], row["sku"], row["variant"] or "")] = (row["unit"], float(row["usd"]))
    return PriceTable(region, prices, header)


# -- results ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CostAssumptions:
    """Usage volumes the price table cannot know.  Every line using one says so."""

    default_region: str = DEFAULT_REGION
    hours_per_month: float = 730.0
    nat_gb_per_month: float = 100.0  # data processed per NAT gateway
    lb_lcu: float = 1.0  # average LCUs per ALB/NLB/GWLB
    classic_elb_gb: float = 100.0  # data processed per classic ELB
    s3_gb_per_bucket: float = 100.0  # standard storage per bucket
    root_volume_gb: float = 8.0  # root volume when no root_block_device/LT mapping says
    root_volume_type: str = "gp3"


@dataclass(frozen=True, slots=True)
class CostLine:
    """One priced (or explicitly not priced) component of one resource's monthly cost."""

    address: str
    kind: str
    category: str  # compute | database | cache | network | storage | monitoring | security | other
    sku: str = ""  # "ec2:m5.large", "rds:postgres:db.t3.micro:multi", "nat:gateway"
    unit: str = ""
    quantity: float = 0.0
    unit_price: float | None = None
    monthly_usd: float | None = None
    assumption: str = ""
    priced: bool = True
    region: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "kind": self.kind,
            "category": self.category,
            "sku": self.sku,
            "unit": self.unit,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
            "monthly_usd": self.monthly_usd,
            "assumption": self.assumption,
            "priced": self.priced,
            "region": self.region,
        }


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """Per-resource lines, totals by kind / area (category) / tag, and the not-priced list."""

    lines: tuple[CostLine, ...]
    default_region: str
    assumptions: CostAssumptions
    sources: Mapping[str, str] = field(default_factory=dict)  # region -> price table header

    @property
    def priced(self) -> list[CostLine]:
        return [ln for ln in self.lines if ln.priced]

    @property
    def not_priced(self) -> list[CostLine]:
        """Lines that could not be priced, each with the reason in ``assumption``."""
        return [ln for ln in self.lines if not ln.priced]

    @property
    def total_usd(self) -> float:
        """Sum of the priced lines (USD per month, rounded to cents)."""
        return round(sum(ln.monthly_usd or 0.0 for ln in self.lines if ln.priced), 2)

    def _group(self, key: Callable[[CostLine], str]) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for ln in self.lines:
            if ln.priced:
                out[key(ln)] += ln.monthly_usd or 0.0
        return {k: round(v, 2) for k, v in sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))}

    def by_kind(self) -> dict[str, float]:
        """Monthly USD per resource kind, largest first."""
        return self._group(lambda ln: ln.kind)

    def by_area(self) -> dict[str, float]:
        """Monthly USD per cost area (``compute``, ``database``, ``network``, ...)."""
        return self._group(lambda ln: ln.category)

    by_category = by_area

    def by_resource(self) -> dict[str, float]:
        """Monthly USD per resource address, largest first."""
        return self._group(lambda ln: ln.address)

    def by_tag(self, key: str = "cost-center", untagged: str = "(untagged)") -> dict[str, float]:
        """Monthly USD per value of tag ``key`` (matched ignoring case, ``-`` and ``_``)."""
        want = _norm_key(key)

        def value(ln: CostLine) -> str:
            found = untagged  # the last match wins: resource tags come after provider default_tags
            for k, v in ln.tags.items():
                if _norm_key(k) == want:
                    found = str(v)
            return found

        return self._group(value)

    def summary(self) -> str:
        """One line for a notebook or report.

        >>> CostEstimate((), "us-east-1", CostAssumptions()).summary()
        '≈ $0.00/month for 0 priced resource(s); 0 not priced (on-demand list prices, default us-east-1)'
        """
        priced = {ln.address for ln in self.lines if ln.priced}
        unpriced = {ln.address for ln in self.lines if not ln.priced}
        return (
            f"≈ ${self.total_usd:,.2f}/month for {len(priced)} priced resource(s); "
            f"{len(unpriced)} not priced (on-demand list prices, default {self.default_region})"
        )

    def to_rows(self) -> list[dict[str, Any]]:
        """Plain dicts, one per line (for tables and JSON)."""
        return [ln.to_dict() for ln in self.lines]


def _norm_key(k: str) -> str:
    return normalise_key(k)


# -- helpers ------------------------------------------------------------------------------------
def _num(v: Any) -> float | None:
    if isinstance(v, bool) or v is None or isinstance(v, Unresolved):
        return None
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            return None
    return None


def _describe(v: Any) -> str:
    return f"${{{v.expr}}}" if isinstance(v, Unresolved) else repr(v)


# Kinds that cost nothing by themselves (their cost is on another resource, or they are free).
_FREE_KINDS = frozenset(
    {
        "aws_vpc", "aws_subnet", "aws_route_table", "aws_route", "aws_internet_gateway",
        "aws_egress_only_internet_gateway", "aws_security_group", "aws_network_acl",
        "aws_launch_template", "aws_launch_configuration", "aws_lb_listener", "aws_alb_listener",
        "aws_lb_target_group", "aws_alb_target_group", "aws_key_pair", "aws_ecs_cluster",
        "aws_ecs_task_definition", "aws_acm_certificate", "aws_backup_plan", "aws_backup_selection",
        "aws_route53_record", "aws_placement_group", "aws_cloudwatch_dashboard",
        "aws_cloudwatch_log_metric_filter", "aws_cloudwatch_event_target", "aws_ce_cost_allocation_tag",
        "aws_budgets_budget", "aws_dlm_lifecycle_policy", "aws_cloudtrail", "aws_sns_topic_subscription",
        "aws_ecr_lifecycle_policy", "aws_flow_log", "aws_db_instance_automated_backups_replication",
        "aws_vpc_dhcp_options", "aws_service_discovery_service", "aws_resourcegroups_group",
        "aws_ec2_instance_connect_endpoint", "aws_fis_experiment_template",
    }
)  # fmt: skip
_FREE_PREFIXES = (
    "aws_iam_", "aws_default_", "aws_s3_bucket_", "aws_ssm_", "aws_appautoscaling_", "aws_autoscaling_",
    "aws_lb_", "aws_alb_", "aws_vpc_security_group_", "aws_security_group_", "aws_network_acl_",
    "aws_organizations_", "aws_ce_", "aws_backup_restore_testing_",
)  # fmt: skip
_FREE_SUFFIXES = (
    "_association", "_attachment", "_policy", "_rule", "_subnet_group", "_parameter_group",
    "_option_group", "_alias", "_version", "_permission", "_subscription", "_configuration",
    "_notification", "_tag",
)  # fmt: skip

# Billed by usage the code cannot see: always an explicit "not priced" line.
_USAGE_BASED = {
    "aws_lambda_function": "billed per request and GB-second; invocation volume unknown",
    "aws_sqs_queue": "billed per request",
    "aws_sns_topic": "billed per publish and delivery",
    "aws_cloudwatch_log_group": "billed per GB ingested and stored",
    "aws_cloudfront_distribution": "billed per GB out and per request",
    "aws_api_gateway_rest_api": "billed per request",
    "aws_apigatewayv2_api": "billed per request",
    "aws_rds_cluster": "Aurora storage and I/O are usage-based (its instances are priced separately)",
    "aws_efs_file_system": "billed per GB stored; size unknown",
    "aws_ecr_repository": "billed per GB stored",
    "aws_backup_vault": "billed per GB of backups stored",
    "aws_elasticache_serverless_cache": "billed per GB-hour and ECPU",
    "aws_wafv2_web_acl": "billed per ACL, rule and million requests",
    "aws_kinesis_stream": "billed per shard-hour or on-demand throughput",
    "aws_s3_object": "storage counted on the bucket",
}

_CATEGORY = {
    "aws_instance": "compute", "aws_autoscaling_group": "compute", "aws_eks_node_group": "compute",
    "aws_eks_cluster": "compute", "aws_ecs_service": "compute", "aws_lambda_function": "compute",
    "aws_db_instance": "database", "aws_rds_cluster_instance": "database", "aws_rds_cluster": "database",
    "aws_dynamodb_table": "database", "aws_elasticache_cluster": "cache",
    "aws_elasticache_replication_group": "cache", "aws_elasticache_serverless_cache": "cache",
    "aws_nat_gateway": "network", "aws_lb": "network", "aws_alb": "network", "aws_elb": "network",
    "aws_eip": "network", "aws_vpc_endpoint": "network", "aws_route53_zone": "network",
    "aws_cloudfront_distribution": "network", "aws_ebs_volume": "storage", "aws_s3_bucket": "storage",
    "aws_efs_file_system": "storage", "aws_ecr_repository": "storage", "aws_backup_vault": "storage",
    "aws_cloudwatch_metric_alarm": "monitoring", "aws_cloudwatch_log_group": "monitoring",
    "aws_kms_key": "security", "aws_secretsmanager_secret": "security", "aws_wafv2_web_acl": "security",
}  # fmt: skip


def _is_free(kind: str) -> bool:
    if kind in _FREE_KINDS:
        return True
    if kind.startswith(_FREE_PREFIXES) and kind not in _USAGE_BASED:
        return kind not in ("aws_lb", "aws_alb")
    return kind.endswith(_FREE_SUFFIXES)


# -- the estimator ------------------------------------------------------------------------------
class _Ctx:
    """Per-resource pricing context: region, table, tags and the lines collected so far."""

    def __init__(self, est: _Estimator, r: Resource) -> None:
        self.est, self.r = est, r
        self.region, self.table, self.notes = est.region_of(r)
        self.tags = est.tags_of(r)
        self.lines: list[CostLine] = []
        self.cat = _CATEGORY.get(r.kind, "other")

    def add(self, service: str, sku: str, quantity: float, note: str = "", variant: str = "") -> bool:
        price = self.table.get(service, sku, variant)
        full_sku = ":".join(p for p in (service, sku, variant) if p)
        notes = "; ".join(n for n in (*self.notes, note) if n)
        if price is None:
            self.skip(f"no price for {full_sku} in the {self.table.region} table", full_sku)
            return False
        unit, usd = price
        self.lines.append(
            CostLine(
                self.r.address, self.r.kind, "storage" if service == "ebs" else self.cat, full_sku, unit,
                round(quantity, 4), usd, round(quantity * usd, 2), notes, True, self.region, self.tags,
            )
        )  # fmt: skip
        return True

    def skip(self, reason: str, sku: str = "", unit_price: float | None = None) -> None:
        notes = "; ".join(n for n in (reason, *self.notes) if n)
        self.lines.append(
            CostLine(
                self.r.address, self.r.kind, self.cat, sku, "", 0.0, unit_price, None, notes, False,
                self.region, self.tags,
            )
        )  # fmt: skip


class _Estimator:
    def __init__(self, rg: ResourceGraph, region: str | None, assumptions: CostAssumptions) -> None:
        self.rg = rg
        self.a = assumptions
        self.default_region = region or assumptions.default_region
        self.h = assumptions.hours_per_month
        self._provider_cache: dict[str, tuple[str, PriceTable, tuple[str, ...]]] = {}
        self.sources: dict[str, str] = {}

    def _provider(self, key: str) -> tuple[str, PriceTable, tuple[str, ...]]:
        if key in self._provider_cache:
            return self._provider_cache[key]
        notes: list[str] = []
        region = self.default_region
        node = self.rg.get("provider." + key) if key else None
        if node is None:
            notes.append(f"region assumed {region} (no provider configuration)")
        else:
            value = node.attrs.get("region")
            if isinstance(value, str) and value:
                region = value
            elif isinstance(value, Unresolved):
                notes.append(f"region assumed {region} (provider region {_describe(value)} unresolved)")
            else:
                notes.append(f"region assumed {region} (provider sets none)")
        table = load_prices(region)
        if table is None:
            table = load_prices(_FALLBACK)
            if table is None:  # pragma: no cover - the fallback table ships with the package
                msg = f"price table for {_FALLBACK} is missing from the installation"
                raise FileNotFoundError(msg)
            notes.append(f"no price table for {region}: {_FALLBACK} list prices used")
        self.sources[table.region] = table.source
        out = (region, table, tuple(notes))
        self._provider_cache[key] = out
        return out

    def region_of(self, r: Resource) -> tuple[str, PriceTable, tuple[str, ...]]:
        return self._provider(r.provider)

    def tags_of(self, r: Resource) -> Mapping[str, str]:
        et = effective_tags(self.rg, r)
        return {
            k: str(v)
            for k, v in et.tags.items()
            if isinstance(v, str | int | float) and not isinstance(v, bool)
        }

    # -- per kind ---------------------------------------------------------------------------
    def price(self, r: Resource) -> list[CostLine]:
        kind = r.kind
        handler = _HANDLERS.get(kind)
        if handler is None and kind not in _USAGE_BASED and _is_free(kind):
            return []
        ctx = _Ctx(self, r)
        if r.meta.get("expanded") is False:
            ctx.skip("instance count unknown: count/for_each is not statically known")
            return ctx.lines
        if handler is not None:
            handler(self, ctx)
        elif kind in _USAGE_BASED:
            ctx.skip(_USAGE_BASED[kind])
        else:
            ctx.skip(f"no price model for {kind}")
        return ctx.lines

    def ec2(self, ctx: _Ctx, itype: Any, n: float, what: str, note: str = "") -> None:
        if not isinstance(itype, str) or not itype:
            ctx.skip(f"{what} instance type unknown ({_describe(itype)})")
            return
        ctx.add("ec2", itype, n * self.h, "; ".join(x for x in (f"{_fmt(n)} × {self.h:g} h", note) if x))

    def ebs(self, ctx: _Ctx, vtype: str, size: float, n: float = 1.0, iops: Any = None,
            throughput: Any = None, note: str = "") -> None:  # fmt: skip
        if not ctx.add("ebs", vtype, size * n, note):
            return
        iops_n, tp = _num(iops), _num(throughput)
        if vtype == "gp3":
            if iops_n and iops_n > 3000:
                ctx.add("ebs", "gp3-iops", (iops_n - 3000) * n, "IOPS above the 3,000 included")
            if tp and tp > 125:
                ctx.add("ebs", "gp3-throughput", (tp - 125) * n, "MB/s above the 125 included")
        elif vtype in ("io1", "io2") and iops_n:
            ctx.add("ebs", f"{vtype}-iops", iops_n * n, "provisioned IOPS")


def _fmt(n: float) -> str:
    return f"{n:g}"


def _instance(e: _Estimator, ctx: _Ctx) -> None:
    a = ctx.r.attrs
    spot = first_block(a.get("instance_market_options")).get("market_type") == "spot"
    e.ec2(
        ctx,
        a.get("instance_type"),
        1,
        "instance",
        "spot requested: on-demand price is the upper bound" if spot else "",
    )
    root = first_block(a.get("root_block_device"))
    size = _num(root.get("volume_size"))
    vtype = root.get("volume_type") if isinstance(root.get("volume_type"), str) else None
    note = ""
    if size is None:
        size, note = e.a.root_volume_gb, f"root volume size assumed {e.a.root_volume_gb:g} GB (AMI default)"
    if vtype is None:
        vtype = e.a.root_volume_type
        note = "; ".join(x for x in (note, f"root volume type assumed {vtype}") if x)
    e.ebs(ctx, vtype, size, 1, root.get("iops"), root.get("throughput"), note)


def _launch_spec(e: _Estimator, r: Resource) -> tuple[Any, Resource | None, str]:
    """(instance type, launch template/config, note) for an ASG."""
    a = r.attrs
    note = ""
    mip = first_block(a.get("mixed_instances_policy"))
    overrides = []
    if mip:
        lt = first_block(mip.get("launch_template"))
        overrides = (
            [o for o in lt.get("override", []) if isinstance(o, Mapping)]
            if isinstance(lt.get("override"), list)
            else []
        )
    templates = e.rg.referenced(r.address, "aws_launch_template") or e.rg.referenced(
        r.address, "aws_launch_configuration"
    )
    tmpl = templates[0] if templates else None
    if overrides and isinstance(overrides[0].get("instance_type"), str):
        return (
            overrides[0]["instance_type"],
            tmpl,
            "mixed instances policy: first override type priced on demand",
        )
    if tmpl is None:
        return Unresolved("launch_template", reason="launch template not found in the graph"), None, note
    return tmpl.attrs.get("instance_type"), tmpl, note


def _asg(e: _Estimator, ctx: _Ctx) -> None:
    a = ctx.r.attrs
    n = _num(a.get("desired_capacity"))
    basis = "desired_capacity"
    if n is None and not isinstance(a.get("desired_capacity"), Unresolved):
        n, basis = _num(a.get("min_size")), "min_size"
    if n is None:
        ctx.skip(f"instance count unknown ({basis} {_describe(a.get(basis))})")
        return
    itype, tmpl, note = _launch_spec(e, ctx.r)
    e.ec2(ctx, itype, n, "launch template", "; ".join(x for x in (f"{basis} = {_fmt(n)}", note) if x))
    if n == 0:
        return
    mappings = tmpl.attrs.get("block_device_mappings") if tmpl is not None else None
    vols = [m for m in mappings if isinstance(m, Mapping)] if isinstance(mappings, list) else []
    if not vols:
        e.ebs(
            ctx,
            e.a.root_volume_type,
            e.a.root_volume_gb,
            n,
            note=f"root volume assumed {e.a.root_volume_gb:g} GB {e.a.root_volume_type} per instance",
        )
        return
    for m in vols:
        ebs = first_block(m.get("ebs"))
        size = _num(ebs.get("volume_size"))
        vtype = ebs.get("volume_type") if isinstance(ebs.get("volume_type"), str) else "gp2"
        if size is None:
            ctx.skip(f"launch template volume size unknown ({_describe(ebs.get('volume_size'))})")
            continue
        e.ebs(ctx, vtype, size, n, ebs.get("iops"), ebs.get("throughput"), f"{_fmt(n)} instances")


def _eks_node_group(e: _Estimator, ctx: _Ctx) -> None:
    a = ctx.r.attrs
    sc = first_block(a.get("scaling_config"))
    n = _num(sc.get("desired_size"))
    if n is None:
        ctx.skip(f"node count unknown (scaling_config.desired_size {_describe(sc.get('desired_size'))})")
        return
    types = a.get("instance_types")
    itype: Any = "t3.medium"
    note = "instance_types unset: EKS default t3.medium"
    if isinstance(types, list) and types:
        itype, note = types[0], ("first of instance_types" if len(types) > 1 else "")
    elif isinstance(types, Unresolved):
        itype = types
    if a.get("capacity_type") == "SPOT":
        note = "; ".join(x for x in (note, "SPOT: on-demand price is the upper bound") if x)
    e.ec2(ctx, itype, n, "node group", note)
    disk = _num(a.get("disk_size")) or 20.0
    e.ebs(ctx, "gp2", disk, n, note=f"{_fmt(n)} nodes × {disk:g} GB (disk_size, EKS default 20)")


def _ecs_service(e: _Estimator, ctx: _Ctx) -> None:
    a = ctx.r.attrs
    providers = a.get("capacity_provider_strategy")
    cps = (
        [p.get("capacity_provider") for p in providers if isinstance(p, Mapping)]
        if isinstance(providers, list)
        else []
    )
    fargate = a.get("launch_type") == "FARGATE" or any(
        isinstance(p, str) and p.startswith("FARGATE") for p in cps
    )
    if not fargate:
        if isinstance(a.get("launch_type"), Unresolved):
            ctx.skip(f"launch type unknown ({_describe(a.get('launch_type'))})")
        return  # EC2 launch type: the instances are priced on their ASG
    n = _num(a.get("desired_count"))
    if n is None:
        if "desired_count" in a:
            ctx.skip(f"task count unknown (desired_count {_describe(a.get('desired_count'))})")
            return
        n = 0.0
    tds = e.rg.referenced(ctx.r.address, "aws_ecs_task_definition")
    if not tds:
        ctx.skip("task definition not found in the graph (cpu/memory unknown)")
        return
    td = tds[0].attrs
    cpu, mem = _num(td.get("cpu")), _num(td.get("memory"))
    if cpu is None or mem is None:
        ctx.skip(f"task size unknown (cpu {_describe(td.get('cpu'))}, memory {_describe(td.get('memory'))})")
        return
    note = f"{_fmt(n)} tasks × {cpu / 1024:g} vCPU / {mem / 1024:g} GB"
    if any(p == "FARGATE_SPOT" for p in cps):
        note += "; FARGATE_SPOT share priced on demand (upper bound)"
    ctx.add("fargate", "vcpu", n * cpu / 1024 * e.h, note)
    ctx.add("fargate", "memory", n * mem / 1024 * e.h, note)


_ENGINE_TABLE = {
    "mysql": "mysql", "mariadb": "mysql", "postgres": "postgres", "postgresql": "postgres",
    "aurora": "aurora-mysql", "aurora-mysql": "aurora-mysql", "aurora-postgresql": "aurora-postgresql",
}  # fmt: skip


def _db_instance(e: _Estimator, ctx: _Ctx) -> None:
    a = ctx.r.attrs
    engine = a.get("engine")
    cls = a.get("instance_class")
    if not isinstance(cls, str):
        ctx.skip(f"instance class unknown ({_describe(cls)})")
        return
    if isinstance(engine, Unresolved):
        ctx.skip(f"engine unknown ({_describe(engine)})")
        return
    replica = "replicate_source_db" in a
    if engine is None and replica:
        engine = "mysql"
        note_engine = "replica engine assumed mysql"
    else:
        note_engine = ""
    table = _ENGINE_TABLE.get(str(engine).lower())
    if table is None:
        ctx.skip(f"engine {engine} is not in the price table (licensed engines vary by edition)")
        return
    multi = a.get("multi_az")
    if isinstance(multi, Unresolved):
        ctx.skip(f"multi_az unknown ({_describe(multi)})")
        return
    variant = "multi" if multi is True else "single"
    if table.startswith("aurora"):
        ctx.add(f"rds:{table}", cls, e.h, note_engine)
        return
    ok = ctx.add(
        f"rds:{table}",
        cls,
        e.h,
        "; ".join(x for x in ("Multi-AZ (two instances)" if multi else "", note_engine) if x),
        variant,
    )
    if not ok:
        return
    size = _num(a.get("allocated_storage"))
    stype = (
        a.get("storage_type") if isinstance(a.get("storage_type"), str) else ("io1" if "iops" in a else "gp2")
    )
    if size is None:
        if not replica:
            ctx.skip(
                f"allocated storage unknown ({_describe(a.get('allocated_storage'))})", f"rds-storage:{stype}"
            )
        return
    ctx.add("rds-storage", "gp3" if stype == "gp3" else stype, size, f"{size:g} GB {stype}", variant)
    if stype in ("io1", "io2") and _num(a.get("iops")):
        ctx.add("rds-storage", "io1-iops", _num(a.get("iops")) or 0.0, "provisioned IOPS", variant)


def _rds_cluster_instance(e: _Estimator, ctx: _Ctx) -> None:
    a = ctx.r.attrs
    cls = a.get("instance_class")
    if not isinstance(cls, str):
        ctx.skip(f"instance class unknown ({_describe(cls)})")
        return
    if cls == "db.serverless":
        ctx.skip("Aurora Serverless v2: billed per ACU-hour (usage)")
        return
    engine = a.get("engine")
    if not isinstance(engine, str):
        clusters = e.rg.referenced(ctx.r.address, "aws_rds_cluster")
        engine = clusters[0].attrs.get("engine") if clusters else None
    table = _ENGINE_TABLE.get(str(engine).lower()) if isinstance(engine, str) else None
    note = ""
    if table is None or not table.startswith("aurora"):
        table, note = "aurora-postgresql", "engine unknown: Aurora rate (same for MySQL and PostgreSQL here)"
    ctx.add(f"rds:{table}", cls, e.h, note)


def _elasticache_cluster(e: _Estimator, ctx: _Ctx) -> None:
    a = ctx.r.attrs
    n = _num(a.get("num_cache_nodes"))
    if n is None:
        if "num_cache_nodes" in a:
            ctx.skip(f"node count unknown ({_describe(a.get('num_cache_nodes'))})")
            return
        n = 1.0
    node = a.get("node_type")
    if not isinstance(node, str):
        if "replication_group_id" in a and node is None:
            return  # member of a replication group priced there
        ctx.skip(f"node type unknown ({_describe(node)})")
        return
    ctx.add("elasticache", node, n * e.h, f"{_fmt(n)} node(s)")


def _elasticache_rg(e: _Estimator, ctx: _Ctx) -> None:
    a = ctx.r.attrs
    node = a.get("node_type")
    if not isinstance(node, str):
        ctx.skip(f"node type unknown ({_describe(node)})")
        return
    n: float | None
    if "num_cache_clusters" in a or "number_cache_clusters" in a:
        raw = a.get("num_cache_clusters", a.get("number_cache_clusters"))
        n = _num(raw)
        basis = "num_cache_clusters"
    elif "num_node_groups" in a or "replicas_per_node_group" in a:
        groups, reps = _num(a.get("num_node_groups", 1)), _num(a.get("replicas_per_node_group", 0))
        n = None if groups is None or reps is None else groups * (reps + 1)
        basis = "num_node_groups × (replicas_per_node_group + 1)"
        raw = a.get("num_node_groups")
    else:
        n, basis, raw = 1.0, "defaults (one node)", None
    if n is None:
        ctx.skip(f"node count unknown ({basis} {_describe(raw)})")
        return
    ctx.add("elasticache", node, n * e.h, f"{_fmt(n)} node(s): {basis}")


def _nat(e: _Estimator, ctx: _Ctx) -> None:
    ctx.add("nat", "gateway", e.h)
    ctx.add(
        "nat",
        "data-processed",
        e.a.nat_gb_per_month,
        f"assumed {e.a.nat_gb_per_month:g} GB processed per month",
    )


def _lb(e: _Estimator, ctx: _Ctx) -> None:
    lbt = ctx.r.attrs.get("load_balancer_type", "application")
    if not isinstance(lbt, str):
        ctx.skip(f"load balancer type unknown ({_describe(lbt)})")
        return
    ctx.add("elb", lbt, e.h)
    ctx.add("elb", f"{lbt}-lcu", e.a.lb_lcu * e.h, f"assumed {e.a.lb_lcu:g} LCU on average")


def _elb(e: _Estimator, ctx: _Ctx) -> None:
    ctx.add("elb", "classic", e.h)
    ctx.add(
        "elb", "classic-data", e.a.classic_elb_gb, f"assumed {e.a.classic_elb_gb:g} GB processed per month"
    )


def _ebs_volume(e: _Estimator, ctx: _Ctx) -> None:
    a = ctx.r.attrs
    size = _num(a.get("size"))
    vtype = a.get("type", "gp2")
    if size is None or not isinstance(vtype, str):
        what = "size" if size is None else "type"
        ctx.skip(f"volume {what} unknown ({_describe(a.get(what if what == 'size' else 'type'))})")
        return
    e.ebs(
        ctx,
        vtype,
        size,
        1,
        a.get("iops"),
        a.get("throughput"),
        "" if "type" in a else "type unset: gp2 default",
    )


def _s3(e: _Estimator, ctx: _Ctx) -> None:
    ctx.add(
        "s3",
        "standard",
        e.a.s3_gb_per_bucket,
        f"assumed {e.a.s3_gb_per_bucket:g} GB Standard; requests and transfer not priced",
    )


def _eip(e: _Estimator, ctx: _Ctx) -> None:
    attached = bool(ctx.r.attrs.get("instance") or ctx.r.attrs.get("network_interface")) or bool(
        e.rg.referrers(ctx.r.address)
    )
    if attached:
        ctx.add("eip", "public-ipv4", e.h, "public IPv4 charge (since 2024-02, attached or not)")
    else:
        ctx.add("eip", "idle", e.h, "idle Elastic IP: nothing references it")


def _alarm(e: _Estimator, ctx: _Ctx) -> None:
    a = ctx.r.attrs
    mq = a.get("metric_query")
    metrics = sum(1 for q in mq if isinstance(q, Mapping) and q.get("metric")) if isinstance(mq, list) else 0
    n = max(1, metrics)
    period = _num(a.get("period"))
    if period is None and isinstance(mq, list):
        periods = [_num(first_block(q.get("metric")).get("period")) for q in mq if isinstance(q, Mapping)]
        period = min((p for p in periods if p), default=None)
    sku = "alarm-high-resolution" if period is not None and period < 60 else "alarm-standard"
    ctx.add("cloudwatch", sku, n, f"{n} metric(s)" if metrics else "")


def _eks_cluster(e: _Estimator, ctx: _Ctx) -> None:
    ctx.add("eks", "cluster", e.h, "standard support")


def _vpc_endpoint(e: _Estimator, ctx: _Ctx) -> None:
    a = ctx.r.attrs
    vtype = a.get("vpc_endpoint_type", "Gateway")
    if vtype == "Gateway":
        return
    if not isinstance(vtype, str):
        ctx.skip(f"endpoint type unknown ({_describe(vtype)})")
        return
    subnets = a.get("subnet_ids")
    n = float(len(subnets)) if isinstance(subnets, list) and subnets else 1.0
    note = (
        f"{_fmt(n)} AZ(s); data processed not priced"
        if isinstance(subnets, list) and subnets
        else "one AZ assumed (subnet_ids unknown)"
    )
    ctx.add("vpc-endpoint", "interface", n * e.h, note)


def _dynamodb(e: _Estimator, ctx: _Ctx) -> None:
    a = ctx.r.attrs
    mode = a.get("billing_mode", "PROVISIONED")
    if mode == "PAY_PER_REQUEST":
        ctx.skip("on-demand capacity: billed per request")
        return
    if not isinstance(mode, str):
        ctx.skip(f"billing mode unknown ({_describe(mode)})")
        return
    rcu, wcu = _num(a.get("read_capacity")), _num(a.get("write_capacity"))
    if rcu is None or wcu is None:
        ctx.skip("provisioned capacity unknown")
        return
    ctx.add("dynamodb", "provisioned-read", rcu * e.h, f"{rcu:g} RCU; storage not priced")
    ctx.add("dynamodb", "provisioned-write", wcu * e.h, f"{wcu:g} WCU")


def _monthly(service: str, sku: str) -> Callable[[_Estimator, _Ctx], None]:
    def handler(e: _Estimator, ctx: _Ctx) -> None:
        ctx.add(service, sku, 1)

    return handler


_HANDLERS: dict[str, Callable[[_Estimator, _Ctx], None]] = {
    "aws_instance": _instance,
    "aws_autoscaling_group": _asg,
    "aws_eks_node_group": _eks_node_group,
    "aws_ecs_service": _ecs_service,
    "aws_db_instance": _db_instance,
    "aws_rds_cluster_instance": _rds_cluster_instance,
    "aws_elasticache_cluster": _elasticache_cluster,
    "aws_elasticache_replication_group": _elasticache_rg,
    "aws_nat_gateway": _nat,
    "aws_lb": _lb,
    "aws_alb": _lb,
    "aws_elb": _elb,
    "aws_ebs_volume": _ebs_volume,
    "aws_s3_bucket": _s3,
    "aws_eip": _eip,
    "aws_cloudwatch_metric_alarm": _alarm,
    "aws_eks_cluster": _eks_cluster,
    "aws_vpc_endpoint": _vpc_endpoint,
    "aws_dynamodb_table": _dynamodb,
    "aws_kms_key": _monthly("kms", "key"),
    "aws_secretsmanager_secret": _monthly("secretsmanager", "secret"),
    "aws_route53_zone": _monthly("route53", "hosted-zone"),
}


def is_billable(kind: str) -> bool:
    """True when a resource of ``kind`` costs money by itself (priced here or usage-billed).

    >>> is_billable("aws_nat_gateway"), is_billable("aws_lambda_function"), is_billable("aws_subnet")
    (True, True, False)
    """
    if kind in _HANDLERS or kind in _USAGE_BASED:
        return kind != "aws_ecs_task_definition"
    if kind.startswith("aws_"):
        return not _is_free(kind)
    if kind.startswith(("azurerm_", "google_")):
        return not (_is_free(kind) or kind.endswith(("_group", "_network", "_subnetwork", "_firewall")))
    return False


def _billable(r: Resource) -> bool:
    if r.block != "resource":
        return False
    k = r.kind
    return k.startswith(("aws_", "azurerm_", "google_"))


def estimate(
    rg: ResourceGraph,
    region: str | None = None,
    assumptions: CostAssumptions | None = None,
    resources_: Iterable[Resource] | None = None,
) -> CostEstimate:
    """Estimate the monthly on-demand cost of every managed resource in ``rg``.

    ``region`` is the default for resources whose provider names none (else
    ``assumptions.default_region``).  ``resources_`` restricts the estimate to a subset.
    Azure and Google resources are listed as not priced (no table shipped).
    """
    a = assumptions or CostAssumptions()
    est = _Estimator(rg, region, a)
    lines: list[CostLine] = []
    pool = resources_ if resources_ is not None else rg.resources(block="resource")
    for r in pool:
        if not _billable(r):
            continue
        if not r.kind.startswith("aws_"):
            if _is_free(r.kind) or r.kind.endswith(("_group", "_network", "_subnetwork", "_firewall")):
                continue
            cloud = r.kind.split("_", 1)[0]
            lines.append(
                CostLine(r.address, r.kind, _CATEGORY.get(r.kind, "other"),
                         assumption=f"no price table for {cloud} resources", priced=False,
                         tags=est.tags_of(r))
            )  # fmt: skip
            continue
        lines.extend(est.price(r))
    return CostEstimate(tuple(lines), est.default_region, a, dict(est.sources))
