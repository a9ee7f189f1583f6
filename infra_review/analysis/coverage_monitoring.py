"""CloudWatch alarm coverage: which resources have an alarm whose dimensions name them.

For every ``aws_cloudwatch_metric_alarm`` the dimensions (``dimensions`` and
``metric_query[].metric[].dimensions``) are matched to resources three ways:

1. ``ref`` edges of the alarm whose attribute path starts with ``dimensions`` or
   ``metric_query`` (the loader records the ultimate target, through modules and locals);
2. the ``refs`` of an :class:`~infra_review.model.Unresolved` dimension value
   (``InstanceId = aws_instance.web.id``);
3. literal fallback: a literal value equal to a resource's statically known identifier
   (``DBInstanceIdentifier = "orders"`` and ``aws_db_instance.x.identifier = "orders"``,
   ``LoadBalancer = "app/web/..."`` and ``aws_lb.x.name = "web"``).

A reference to a ``count``/``for_each`` base address (``aws_instance.web``) covers all its
instances.  An alarm whose dimensions are unresolved without any reference (``dimensions =
var.dims``) could concern any resource with that dimension: uncovered resources of those kinds
are then reported as *unknown*, not as unmonitored.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource, Unresolved
>>> rg = ResourceGraph()
>>> rg.add(Resource("aws_instance.web", "aws_instance"))
>>> rg.add(Resource("aws_instance.batch", "aws_instance"))
>>> rg.add(Resource("aws_cloudwatch_metric_alarm.cpu", "aws_cloudwatch_metric_alarm", attrs={
...     "metric_name": "CPUUtilization", "namespace": "AWS/EC2",
...     "dimensions": {"InstanceId": Unresolved("aws_instance.web.id", ("aws_instance.web",))}}))
>>> cov = alarm_coverage(rg)
>>> sorted(cov.monitored), cov.unmonitored
(['aws_instance.web'], ('aws_instance.batch',))
>>> cov.missing_metrics["aws_instance.web"]
('memory', 'disk', 'network')
>>> cov.ratio
0.5
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.model import Resource, Unresolved

__all__ = [
    "METRIC_CLASSES",
    "MONITORED_KINDS",
    "AlarmCoverage",
    "AlarmLink",
    "alarm_coverage",
    "alarm_metrics",
]

#: Resource kinds that should carry at least one alarm, and the CloudWatch dimension naming them.
MONITORED_KINDS: Mapping[str, tuple[str, ...]] = {
    "aws_instance": ("InstanceId",),
    "aws_autoscaling_group": ("AutoScalingGroupName",),
    "aws_db_instance": ("DBInstanceIdentifier",),
    "aws_rds_cluster": ("DBClusterIdentifier",),
    "aws_elasticache_cluster": ("CacheClusterId",),
    "aws_elasticache_replication_group": ("ReplicationGroupId", "CacheClusterId"),
    "aws_lb": ("LoadBalancer",),
    "aws_alb": ("LoadBalancer",),
    "aws_elb": ("LoadBalancerName",),
    "aws_lb_target_group": ("TargetGroup",),
    "aws_alb_target_group": ("TargetGroup",),
    "aws_ecs_service": ("ServiceName",),
    "aws_lambda_function": ("FunctionName",),
    "aws_sqs_queue": ("QueueName",),
    "aws_nat_gateway": ("NatGatewayId",),
    "aws_dynamodb_table": ("TableName",),
}

# Attributes holding the identifier a literal dimension value would repeat.
_IDENT_ATTRS: Mapping[str, tuple[str, ...]] = {
    "aws_autoscaling_group": ("name",),
    "aws_db_instance": ("identifier",),
    "aws_rds_cluster": ("cluster_identifier",),
    "aws_elasticache_cluster": ("cluster_id",),
    "aws_elasticache_replication_group": ("replication_group_id",),
    "aws_lb": ("name",),
    "aws_alb": ("name",),
    "aws_elb": ("name",),
    "aws_lb_target_group": ("name",),
    "aws_alb_target_group": ("name",),
    "aws_ecs_service": ("name",),
    "aws_lambda_function": ("function_name",),
    "aws_sqs_queue": ("name",),
    "aws_dynamodb_table": ("name",),
}

#: Metric names per resource class, grouped as the persona's CPU / memory / disk / network.
METRIC_CLASSES: Mapping[str, Mapping[str, frozenset[str]]] = {
    "host": {
        "cpu": frozenset(
            {"CPUUtilization", "cpu_usage_active", "cpu_usage_user", "cpu_usage_system", "CPUCreditBalance"}
        ),
        "memory": frozenset({"mem_used_percent", "mem_available_percent", "MemoryUtilization"}),
        "disk": frozenset(
            {"disk_used_percent", "disk_free", "EBSIOBalance%", "EBSByteBalance%", "diskio_io_time"}
        ),
        "network": frozenset(
            {
                "NetworkIn",
                "NetworkOut",
                "NetworkPacketsIn",
                "NetworkPacketsOut",
                "net_bytes_recv",
                "net_bytes_sent",
            }
        ),
    },
    "rds": {
        "cpu": frozenset({"CPUUtilization", "CPUCreditBalance"}),
        "memory": frozenset({"FreeableMemory", "SwapUsage"}),
        "disk": frozenset(
            {"FreeStorageSpace", "FreeLocalStorage", "DiskQueueDepth", "ReadLatency", "WriteLatency"}
        ),
        "network": frozenset(
            {"NetworkReceiveThroughput", "NetworkTransmitThroughput", "DatabaseConnections"}
        ),
    },
    "cache": {
        "cpu": frozenset({"CPUUtilization", "EngineCPUUtilization"}),
        "memory": frozenset(
            {"DatabaseMemoryUsagePercentage", "FreeableMemory", "BytesUsedForCache", "Evictions"}
        ),
        "network": frozenset({"NetworkBytesIn", "NetworkBytesOut", "CurrConnections"}),
    },
    "ecs": {
        "cpu": frozenset({"CPUUtilization", "CpuUtilized"}),
        "memory": frozenset({"MemoryUtilization", "MemoryUtilized"}),
    },
}
_CLASS_OF = {
    "aws_instance": "host",
    "aws_autoscaling_group": "host",
    "aws_db_instance": "rds",
    "aws_rds_cluster": "rds",
    "aws_elasticache_cluster": "cache",
    "aws_elasticache_replication_group": "cache",
    "aws_ecs_service": "ecs",
}
_ALARM_KINDS = ("aws_cloudwatch_metric_alarm",)


@dataclass(frozen=True, slots=True)
class AlarmLink:
    """One alarm watching one resource: which metric, through which dimension, found how."""

    alarm: str
    metric: str
    namespace: str
    dimension: str
    via: str  # "ref" (graph edge / Unresolved.refs) or "literal"


@dataclass(frozen=True, slots=True)
class AlarmCoverage:
    """Result of :func:`alarm_coverage`."""

    monitored: Mapping[str, tuple[AlarmLink, ...]]
    unmonitored: tuple[str, ...]
    unknown: Mapping[str, str]  # address -> why it cannot be decided
    missing_metrics: Mapping[str, tuple[str, ...]]  # address -> ("memory", "disk", ...)
    alarms: tuple[str, ...]
    considered: tuple[str, ...] = field(default=())

    @property
    def ratio(self) -> float | None:
        """Share of considered resources with at least one alarm (``None`` when there are none)."""
        total = len(self.considered)
        return None if total == 0 else round(len(self.monitored) / total, 4)

    def summary(self) -> str:
        """One line for a notebook or report."""
        total = len(self.considered)
        if not total:
            return "no resources of an alarmable kind"
        extra = f", {len(self.unknown)} undecidable" if self.unknown else ""
        return (
            f"{len(self.monitored)} of {total} alarmable resources have a CloudWatch alarm; "
            f"{len(self.unmonitored)} have none{extra} ({len(self.alarms)} alarms in the repository)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "ratio": self.ratio,
            "monitored": {
                a: [
                    {"alarm": ln.alarm, "metric": ln.metric, "namespace": ln.namespace, "via": ln.via}
                    for ln in links
                ]
                for a, links in sorted(self.monitored.items())
            },
            "unmonitored": list(self.unmonitored),
            "unknown": dict(sorted(self.unknown.items())),
            "missing_metrics": {a: list(m) for a, m in sorted(self.missing_metrics.items())},
            "alarms": list(self.alarms),
        }


def _first(v: Any) -> Mapping[str, Any]:
    if isinstance(v, list) and v and isinstance(v[0], Mapping):
        return v[0]
    return v if isinstance(v, Mapping) else {}


def alarm_metrics(alarm: Resource) -> Iterator[tuple[str, str, Any]]:
    """``(metric_name, namespace, dimensions)`` for each metric an alarm evaluates.

    >>> r = Resource("a", "aws_cloudwatch_metric_alarm", attrs={"metric_query": [
    ...     {"id": "e1", "expression": "m1/1"},
    ...     {"id": "m1", "metric": [{"metric_name": "Errors", "namespace": "AWS/Lambda",
    ...                              "dimensions": {"FunctionName": "f"}}]}]})
    >>> list(alarm_metrics(r))
    [('Errors', 'AWS/Lambda', {'FunctionName': 'f'})]
    """
    a = alarm.attrs
    if "metric_name" in a or "dimensions" in a:
        yield _s(a.get("metric_name")), _s(a.get("namespace")), a.get("dimensions")
    mq = a.get("metric_query")
    if isinstance(mq, list):
        for q in mq:
            if not isinstance(q, Mapping):
                continue
            m = _first(q.get("metric"))
            if m:
                yield _s(m.get("metric_name")), _s(m.get("namespace")), m.get("dimensions")
    elif isinstance(mq, Unresolved):
        yield "", "", mq


def _s(v: Any) -> str:
    return v if isinstance(v, str) else (str(v) if isinstance(v, Unresolved) else "")


class _Index:
    """Monitored resources by address, base address and literal identifier."""

    def __init__(self, rg: ResourceGraph) -> None:
        self.rg = rg
        self.resources: dict[str, Resource] = {}
        self.by_base: dict[str, list[str]] = defaultdict(list)
        self.by_ident: dict[str, list[str]] = defaultdict(list)
        for r in rg.resources(*MONITORED_KINDS):
            if r.block != "resource":
                continue
            self.resources[r.address] = r
            base = r.meta.get("base_address")
            if isinstance(base, str) and base != r.address:
                self.by_base[base].append(r.address)
            for attr in _IDENT_ATTRS.get(r.kind, ()):
                v = r.attrs.get(attr)
                if isinstance(v, str) and v:
                    self.by_ident[v].append(r.address)

    def expand(self, address: str) -> list[str]:
        if address in self.resources:
            return [address]
        return list(self.by_base.get(address, ()))

    def literal(self, value: str) -> list[str]:
        hits = list(self.by_ident.get(value, ()))
        # LoadBalancer "app/<name>/<id>", TargetGroup "targetgroup/<name>/<id>"
        parts = value.split("/")
        if len(parts) >= 2 and parts[0] in ("app", "net", "gwy", "targetgroup"):
            hits += [a for a in self.by_ident.get(parts[1], ()) if a not in hits]
        return hits


def alarm_coverage(rg: ResourceGraph) -> AlarmCoverage:
    """Alarm coverage of every alarmable resource (see the module docstring), once per graph."""
    return rg.memo(_alarm_coverage)


def _alarm_coverage(rg: ResourceGraph) -> AlarmCoverage:
    idx = _Index(rg)
    links: dict[str, list[AlarmLink]] = defaultdict(list)
    wildcard_dims: dict[str, str] = {}  # dimension name ("*" = any) -> alarm that may cover it
    alarms = [a for a in rg.resources(*_ALARM_KINDS) if a.block == "resource"]

    def link(target: str, alarm: Resource, metric: str, ns: str, dim: str, via: str) -> None:
        for addr in idx.expand(target):
            entry = AlarmLink(alarm.address, metric, ns, dim, via)
            if entry not in links[addr]:
                links[addr].append(entry)

    for alarm in alarms:
        for metric, ns, dims in alarm_metrics(alarm):
            if isinstance(dims, Unresolved):
                for ref in dims.refs:
                    link(ref, alarm, metric, ns, "?", "ref")
                if not dims.refs:
                    wildcard_dims["*"] = alarm.address
                continue
            if not isinstance(dims, Mapping):
                continue
            for dim, value in dims.items():
                if isinstance(value, Unresolved):
                    for ref in value.refs:
                        link(ref, alarm, metric, ns, str(dim), "ref")
                    if not value.refs:
                        wildcard_dims[str(dim)] = alarm.address
                elif isinstance(value, str):
                    for addr in idx.literal(value):
                        link(addr, alarm, metric, ns, str(dim), "literal")
        # Graph edges from the dimension attributes (covers what the loader resolved beyond refs).
        metric0 = next((m for m, _, _ in alarm_metrics(alarm)), "")
        for target, data in rg.dependencies(alarm.address, kinds={"ref"}):
            attr = str(data.get("attr", ""))
            known = any(ln.alarm == alarm.address for ln in links.get(target.address, []))
            dim_attr = attr.startswith(("dimensions", "metric_query"))
            if dim_attr and target.kind in MONITORED_KINDS and not known:
                link(target.address, alarm, metric0, "", attr, "ref")

    monitored = {a: tuple(v) for a, v in links.items() if a in idx.resources}
    unknown: dict[str, str] = {}
    unmonitored: list[str] = []
    for addr, r in idx.resources.items():
        if addr in monitored:
            continue
        dims = MONITORED_KINDS[r.kind]
        culprit = wildcard_dims.get("*") or next((wildcard_dims[d] for d in dims if d in wildcard_dims), None)
        if culprit:
            unknown[addr] = f"{culprit} has unresolved dimensions that may name it"
        else:
            unmonitored.append(addr)

    missing: dict[str, tuple[str, ...]] = {}
    for addr, ls in monitored.items():
        cls = _CLASS_OF.get(idx.resources[addr].kind)
        if cls is None:
            continue
        have = {ln.metric for ln in ls}
        gaps = tuple(c for c, names in METRIC_CLASSES[cls].items() if not have & names)
        if gaps:
            missing[addr] = gaps

    return AlarmCoverage(
        monitored=dict(sorted(monitored.items())),
        unmonitored=tuple(sorted(unmonitored)),
        unknown=unknown,
        missing_metrics=missing,
        alarms=tuple(sorted(a.address for a in alarms)),
        considered=tuple(sorted(idx.resources)),
    )
