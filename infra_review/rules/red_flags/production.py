"""Red flags of production without a safety net: no monitoring (RED004), no backups (RED005).

"Production" is every resource not marked dev/test/sandbox
(:func:`infra_review.analysis.tags.environment_of` tier ``!= "nonprod"``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from infra_review.analysis.coverage_monitoring import MONITORED_KINDS, alarm_coverage
from infra_review.analysis.storage import addresses_of
from infra_review.analysis.tags import environment_of
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, Status, Unresolved
from infra_review.rules._registry import Hit, rule

__all__: list[str] = []


# -- RED004 monitoring ---------------------------------------------------------------------------

_COMPUTE_DATA = frozenset(
    {
        "aws_instance",
        "aws_autoscaling_group",
        "aws_ecs_service",
        "aws_eks_node_group",
        "aws_lambda_function",
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_elasticache_cluster",
        "aws_elasticache_replication_group",
        "aws_dynamodb_table",
        "aws_opensearch_domain",
        "aws_elasticsearch_domain",
        "aws_redshift_cluster",
        "aws_msk_cluster",
        "aws_docdb_cluster",
        "aws_mq_broker",
        "aws_efs_file_system",
    }
)


@rule(
    "RED004",
    area=Area.RED_FLAGS,
    severity=Severity.HIGH,
    title="Production compute or data without monitoring",
    aggregates=("MON006",),
)
def missing_monitoring(rg: ResourceGraph, upstream: Mapping[str, Sequence[Hit]]) -> Iterator[Hit]:
    """Production compute/data resources have no alarm, and monitoring is weak overall: no alarm at all,
    alarm coverage below 50%, or alarms that notify nobody (MON006).

    Coverage comes from :func:`infra_review.analysis.coverage_monitoring.alarm_coverage`
    (alarm dimensions matched to resources).  When the overall condition holds, every
    unmonitored production compute/data resource is reported; one whose coverage depends on
    an alarm with unknown dimensions is UNKNOWN.

    Why it matters
    --------------
    Without alarms an outage is reported by customers. A database filling its disk, a worker
    group stuck at zero, a cache evicting everything — all are visible in metrics hours before
    they become incidents.

    Remediation
    -----------
    Give every production compute and data resource CPU/memory/storage/error alarms that
    notify an on-call channel (``alarm_actions`` → SNS → pager).

    Example
    -------
    .. code-block:: hcl

        resource "aws_cloudwatch_metric_alarm" "db_storage" {
          namespace     = "AWS/RDS"
          metric_name   = "FreeStorageSpace"
          dimensions    = { DBInstanceIdentifier = aws_db_instance.main.identifier }
          alarm_actions = [aws_sns_topic.oncall.arn]
          ...
        }
    """

    cov = alarm_coverage(rg)
    candidates = [r for r in rg.resources(*sorted(_COMPUTE_DATA)) if r.block == "resource"]
    if not candidates:
        return
    silent = [h.resource.address for h in upstream["MON006"] if h.status is Status.FAIL]
    n_alarms = len(cov.alarms)
    reasons = []
    if n_alarms == 0:
        reasons.append("no alarms at all")
    if cov.ratio is not None and cov.ratio < 0.5:
        reasons.append(f"alarm coverage {cov.ratio:.0%} (< 50%)")
    if silent:
        reasons.append(f"{len(silent)} alarm(s) notify nobody (MON006)")
    if not reasons:
        return
    uncovered = set(cov.unmonitored)
    unknown = dict(cov.unknown)
    ev = {"reasons": reasons, "coverage": cov.ratio, "alarms": n_alarms, "silent_alarms": sorted(silent)}
    for r in candidates:
        if r.address in cov.monitored or not environment_of(rg, r).treated_as_prod:
            continue
        if r.address in unknown:
            yield Hit(
                r,
                "no alarm found; an alarm with unknown dimensions may cover it",
                "",
                Status.UNKNOWN,
                evidence={**ev, "maybe": unknown[r.address]},
            )
        elif r.address in uncovered or (r.kind not in _monitored_kinds() and not _alarm_refers_to(rg, r)):
            yield Hit(r, f"production {r.kind} has no alarm ({'; '.join(reasons)})", "", evidence=ev)


_ALARM_KINDS = ("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")


def _alarm_refers_to(rg: ResourceGraph, res: Resource) -> bool:
    """For kinds the coverage analysis does not match: does any alarm reference the resource?"""
    targets = {res.address, str(res.meta.get("base_address", res.address))}
    return any(t in rg and rg.referrers(t, *_ALARM_KINDS) for t in targets)


def _monitored_kinds() -> frozenset[str]:

    return frozenset(MONITORED_KINDS)


# -- RED005 backups --------------------------------------------------------------------------


def _backup_plan_covers(rg: ResourceGraph, res: Resource) -> bool | None:
    sels = list(rg.resources("aws_backup_selection"))
    if not sels:
        return False
    unknown = False
    for s in sels:
        resources = s.attrs.get("resources")
        if isinstance(resources, Unresolved):
            if res.address in resources.refs or addresses_of(res) & set(resources.refs):
                return True
            unknown = True
        elif isinstance(resources, list):
            for x in resources:
                if isinstance(x, Unresolved):
                    if addresses_of(res) & set(x.refs):
                        return True
                elif x == "*" or (isinstance(x, str) and x.endswith(":*")):
                    return True
        if rg.has_edge(s.address, res.address, "ref"):
            return True
        if s.attrs.get("selection_tag") or s.attrs.get("condition"):
            unknown = True
    return None if unknown else False


@rule(
    "RED005",
    area=Area.RED_FLAGS,
    severity=Severity.HIGH,
    title="Production data store without backups",
    aggregates=("BAK001",),
)
def no_backups(rg: ResourceGraph, upstream: Mapping[str, Sequence[Hit]]) -> Iterator[Hit]:
    """A production data store has no automated backups (BAK001 fails) and no AWS Backup plan selects it.

    Aggregates BAK001 findings through the registry; a store selected by an
    ``aws_backup_selection`` (by reference or ``*``) is covered; tag-based selections give
    UNKNOWN.  Rules of the backup area own the details (PITR, cross-region copies).

    Why it matters
    --------------
    Without a backup, a bad migration, a ransomware encryption or a ``terraform destroy``
    is permanent data loss.

    Remediation
    -----------
    Enable automated backups (RDS ``backup_retention_period`` ≥ 7, ElastiCache
    ``snapshot_retention_limit``, DynamoDB PITR) and add the store to an ``aws_backup_plan``
    with a cross-region copy.

    Example
    -------
    .. code-block:: hcl

        resource "aws_db_instance" "main" {
          backup_retention_period = 14
        }
    """
    hits = [h for h in upstream["BAK001"] if h.status in (Status.FAIL, Status.UNKNOWN)]
    if not hits:
        return
    seen: set[str] = set()
    for h in hits:
        r = h.resource
        if r.address in seen or h.status is not Status.FAIL or not environment_of(rg, r).treated_as_prod:
            continue
        seen.add(r.address)
        covered = _backup_plan_covers(rg, r)
        if covered is True:
            continue
        status = Status.UNKNOWN if covered is None else Status.FAIL
        yield Hit(
            r,
            f"no automated backups and no backup plan ({h.message})",
            h.attribute,
            status,
            {"via_rule": "BAK001", "backup_plans": [p.address for p in rg.resources("aws_backup_plan")]},
        )
