"""Rules of the ``backup`` area: schedules, restore testing, point-in-time recovery,
multi-region copies, RTO/RPO and disaster recovery (BAK001–BAK009).

AWS in depth (RDS/Aurora/DocDB/Neptune, DynamoDB, ElastiCache, Redshift, S3 in both the
provider-v5 split style and the legacy inline blocks, AWS Backup plans/selections/vaults, DLM),
Azure and Google for missing backups.  :func:`backup_coverage` maps every stateful resource to
the AWS Backup plans (and DLM policies) that protect it; BAK002/003/005/007 share it.

Catalog corrections (RULES.md draft → provider/AWS docs):

- BAK001: an unset ``aws_db_instance.backup_retention_period`` is the RDS API default of 1 day
  (not 0), so it is a "<7 days" finding (low, production only), not "disabled".  Read replicas
  (``replicate_source_db``) are exempt: they are restored from their source.  Cache
  snapshots are a medium finding (a cache can usually be rebuilt).
- BAK004: Cloud SQL MySQL point-in-time recovery is ``binary_log_enabled``;
  ``point_in_time_recovery_enabled`` applies to PostgreSQL and SQL Server.
- BAK005: the multi-region checks (S3 replication, RDS automated-backup replication, DynamoDB
  replicas) apply to resources not marked dev/test/sandbox; an AWS Backup ``copy_action``
  into a vault in another region satisfies them for the resources the plan selects.
  Azure: ``geo_redundant_backup_enabled`` (PostgreSQL/MySQL/MariaDB, flexible and single server),
  ``storage_account_type`` ``Local``/``Zone`` (``azurerm_mssql_database``) and
  ``account_replication_type`` ``LRS``/``ZRS`` (storage accounts).
- BAK009: ``prevent_destroy`` is only demanded of production stateful resources that have no
  deletion protection of their own (S3 buckets, EFS, DynamoDB without
  ``deletion_protection_enabled``), at low severity.
"""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from infra_review.analysis.net_attrs import block, refs_of, resolve
from infra_review.analysis.storage import bucket_split_resources
from infra_review.analysis.tags import effective_tags, environment_of
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, Status, Unresolved
from infra_review.model.coerce import as_int, tri
from infra_review.rules._registry import Hit, rule

__all__ = [
    "STATEFUL_KINDS",
    "BackupCoverage",
    "backup_coverage",
    "evidence_dr",
    "evidence_restore_testing",
    "evidence_rto_rpo",
    "implied_recovery",
    "parse_duration_minutes",
]

#: Stateful kinds AWS Backup can protect, with the AWS Backup resource type name.
STATEFUL_KINDS: Mapping[str, str] = {
    "aws_ebs_volume": "EBS",
    "aws_efs_file_system": "EFS",
    "aws_dynamodb_table": "DynamoDB",
    "aws_db_instance": "RDS",
    "aws_rds_cluster": "Aurora",
    "aws_docdb_cluster": "DocumentDB",
    "aws_neptune_cluster": "Neptune",
    "aws_fsx_lustre_file_system": "FSx",
    "aws_fsx_windows_file_system": "FSx",
    "aws_fsx_ontap_file_system": "FSx",
    "aws_fsx_openzfs_file_system": "FSx",
    "aws_s3_bucket": "S3",
    "aws_instance": "EC2",
    "aws_redshift_cluster": "Redshift",
}
# BAK002 demands a plan for these (the catalog's stateful set; S3/EC2 are optional there).
_BAK002_KINDS = (
    "aws_ebs_volume",
    "aws_efs_file_system",
    "aws_dynamodb_table",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
    "aws_fsx_lustre_file_system",
    "aws_fsx_windows_file_system",
    "aws_fsx_ontap_file_system",
    "aws_fsx_openzfs_file_system",
)
# ARN service segment per kind, to match wildcard ARNs in selections.
_ARN_SERVICE = {
    "aws_ebs_volume": ("ec2", "volume"),
    "aws_instance": ("ec2", "instance"),
    "aws_efs_file_system": ("elasticfilesystem", "file-system"),
    "aws_dynamodb_table": ("dynamodb", "table"),
    "aws_db_instance": ("rds", "db"),
    "aws_rds_cluster": ("rds", "cluster"),
    "aws_docdb_cluster": ("rds", "cluster"),
    "aws_neptune_cluster": ("rds", "cluster"),
    "aws_s3_bucket": ("s3", ""),
    "aws_redshift_cluster": ("redshift", "cluster"),
    "aws_fsx_lustre_file_system": ("fsx", "file-system"),
    "aws_fsx_windows_file_system": ("fsx", "file-system"),
    "aws_fsx_ontap_file_system": ("fsx", "file-system"),
    "aws_fsx_openzfs_file_system": ("fsx", "file-system"),
}


def _managed(rg: ResourceGraph, *kinds: str) -> Iterator[Resource]:
    for r in rg.resources(*kinds):
        if r.block == "resource":
            yield r


def _referrers(rg: ResourceGraph, address: str, *kinds: str) -> list[Resource]:
    return [r for r in rg.referrers(address, *kinds) if r.block == "resource"]


def _region_of(rg: ResourceGraph, r: Resource) -> str | None:
    prov = rg.get("provider." + r.provider) if r.provider else None
    v = prov.attrs.get("region") if prov is not None else None
    return v if isinstance(v, str) else None


def _arn_region(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[3] or None if len(parts) > 4 and parts[0] == "arn" else None


def _lifecycle(r: Resource) -> Mapping[str, Any]:
    lc = r.attrs.get("lifecycle") or r.meta.get("lifecycle")
    if isinstance(lc, list) and lc and isinstance(lc[0], Mapping):
        return lc[0]
    return lc if isinstance(lc, Mapping) else {}


# -- AWS Backup coverage ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BackupCoverage:
    """Which plans (and DLM policies) protect which resources."""

    plans_of: Mapping[str, tuple[str, ...]]  # resource address -> plan addresses
    dlm_of: Mapping[str, tuple[str, ...]]  # EBS volume address -> DLM policy addresses
    unknown: Mapping[str, str]  # resource address -> why coverage cannot be decided
    scheduled_plans: frozenset[str] = field(default_factory=frozenset)  # plans with a scheduled rule
    plan_types: Mapping[str, frozenset[str]] = field(default_factory=dict)  # plan -> AWS Backup types


def _tag_match(tags: Mapping[str, Any], key: Any, value: Any, like: bool = False) -> bool | None:
    """Does the tag ``key`` equal (or glob-match) ``value``?  ``None`` when not decidable."""
    if isinstance(key, Unresolved):
        return None
    if not isinstance(key, str):
        return False
    key = key.removeprefix("aws:ResourceTag/")
    if key not in tags:
        return False
    have = tags[key]
    if isinstance(have, Unresolved) or isinstance(value, Unresolved):
        return None
    return fnmatch.fnmatchcase(str(have), str(value)) if like else str(have) == str(value)


_CONDITION_OPS = (
    ("string_equals", False, False),
    ("string_like", True, False),
    ("string_not_equals", False, True),
    ("string_not_like", True, True),
)


def _negate(value: bool | None, negate: bool) -> bool | None:
    return value if value is None or not negate else not value


def _arn_matches(arn: str, r: Resource) -> bool:
    if arn == "*":
        return True
    parts = arn.split(":")
    if len(parts) < 6 or r.kind not in _ARN_SERVICE:
        return False
    service, rtype = _ARN_SERVICE[r.kind]
    if not fnmatch.fnmatchcase(service, parts[2]):
        return False
    resource_part = ":".join(parts[5:])
    return (
        fnmatch.fnmatchcase(rtype + "/x", resource_part)
        or fnmatch.fnmatchcase(rtype + ":x", resource_part)
        or (resource_part == "*")
    )


def backup_coverage(rg: ResourceGraph) -> BackupCoverage:
    """AWS Backup selections (``resources`` refs/ARNs, ``selection_tag``, ``condition``,
    ``not_resources``) and DLM ``target_tags`` mapped onto resources.  Memoised on ``rg``."""
    return rg.memo(_backup_coverage)


def _backup_coverage(rg: ResourceGraph) -> BackupCoverage:
    stateful = list(_managed(rg, *STATEFUL_KINDS))
    ets = {r.address: effective_tags(rg, r) for r in stateful}
    tags = {a: et.tags for a, et in ets.items()}
    plans_of: dict[str, list[str]] = defaultdict(list)
    unknown: dict[str, str] = {}
    scheduled: set[str] = set()
    for plan in _managed(rg, "aws_backup_plan"):
        rules = block(plan.attrs, "rule")
        if any(r.get("schedule") or tri(r.get("enable_continuous_backup")) for r in rules) or isinstance(
            plan.attrs.get("rule"), Unresolved
        ):
            scheduled.add(plan.address)
    for sel in _managed(rg, "aws_backup_selection"):
        plan_refs = [a for ref in refs_of(sel.attrs.get("plan_id")) for a in resolve(rg, ref)]
        plan_refs += [
            p.address for p in rg.referenced(sel.address, "aws_backup_plan") if p.address not in plan_refs
        ]
        plan_key = plan_refs[0] if plan_refs else f"?{sel.address}"
        excluded = {a for ref in refs_of(sel.attrs.get("not_resources")) for a in resolve(rg, ref)}
        res_value = sel.attrs.get("resources")
        direct = {a for ref in refs_of(res_value) for a in resolve(rg, ref)}
        literals = [v for v in res_value if isinstance(v, str)] if isinstance(res_value, list) else []
        opaque = isinstance(res_value, Unresolved) and not res_value.refs
        opaque |= isinstance(res_value, list) and any(
            isinstance(v, Unresolved) and not v.refs for v in res_value
        )
        # selection_tag (ListOfTags) is OR'ed with the resources; condition (Conditions) is
        # AND'ed with them (AWS Backup developer guide, "Assigning resources").
        tag_rules = [(t.get("key"), t.get("value"), False) for t in block(sel.attrs, "selection_tag")]
        cond_rules = []
        for cond in block(sel.attrs, "condition"):
            for op, like, negate in _CONDITION_OPS:
                cond_rules += [(c.get("key"), c.get("value"), like, negate) for c in block(cond, op)]
        has_resources = bool(direct or literals or opaque)
        for r in stateful:
            if r.address in excluded:
                continue
            rtags = tags[r.address]
            arn_hit: bool | None = r.address in direct or any(_arn_matches(a, r) for a in literals)
            if not has_resources and cond_rules:
                arn_hit = True
            if arn_hit and cond_rules:
                results = [_negate(_tag_match(rtags, k, v, like), neg) for k, v, like, neg in cond_rules]
                arn_hit = False if False in results else (None if None in results else True)
            tag_results = [_tag_match(rtags, k, v, like) for k, v, like in tag_rules]
            if ets[r.address].is_unknown:  # a tag we cannot see may be the one selected on
                tag_results = [None if x is False else x for x in tag_results]
                if arn_hit is False and cond_rules and (r.address in direct or literals):
                    arn_hit = None
            hit: bool | None
            if arn_hit or True in tag_results:
                hit = True
            elif arn_hit is None or None in tag_results:
                hit = None
            else:
                hit = False
            if hit:
                plans_of[r.address].append(plan_key)
            elif hit is None or opaque:
                unknown.setdefault(
                    r.address, f"{sel.address} selects resources that are not known statically"
                )
    dlm_of: dict[str, list[str]] = defaultdict(list)
    attached: dict[str, set[str]] = defaultdict(set)  # instance -> volumes attached to it
    for att in _managed(rg, "aws_volume_attachment"):
        vols = {a for ref in refs_of(att.attrs.get("volume_id")) for a in resolve(rg, ref)}
        for inst in {a for ref in refs_of(att.attrs.get("instance_id")) for a in resolve(rg, ref)}:
            attached[inst] |= vols
    for pol in _managed(rg, "aws_dlm_lifecycle_policy"):
        for det in block(pol.attrs, "policy_details"):
            tt = det.get("target_tags")
            if not isinstance(tt, Mapping):
                continue
            types = det.get("resource_types")
            types = [str(t) for t in types] if isinstance(types, list) else ["VOLUME"]
            for r in stateful:
                if r.kind not in ("aws_ebs_volume", "aws_instance"):
                    continue
                if not all(_tag_match(tags[r.address], k, v) for k, v in tt.items()):
                    continue
                if r.kind == "aws_ebs_volume" and "VOLUME" in types:
                    dlm_of[r.address].append(pol.address)
                elif r.kind == "aws_instance" and "INSTANCE" in types:
                    for vol in attached.get(r.address, ()):
                        dlm_of[vol].append(pol.address)
    plan_types: dict[str, set[str]] = defaultdict(set)
    for addr, plans in plans_of.items():
        for p in plans:
            plan_types[p].add(STATEFUL_KINDS[rg[addr].kind])
    cov = BackupCoverage(
        {a: tuple(v) for a, v in plans_of.items()},
        {a: tuple(v) for a, v in dlm_of.items()},
        {a: w for a, w in unknown.items() if a not in plans_of},
        frozenset(scheduled),
        {p: frozenset(t) for p, t in plan_types.items()},
    )
    return cov


# -- BAK001 -------------------------------------------------------------------------------------
@rule(
    "BAK001",
    area=Area.BACKUP,
    severity=Severity.HIGH,
    title="Automated backups disabled or too short",
    checkov=("CKV_AWS_133", "CKV_AWS_134", "CKV_AWS_360", "CKV_AWS_361", "CKV_AWS_343", "CKV_GCP_14"),
)
def automated_backups(rg: ResourceGraph) -> Iterator[Hit]:
    """Automated backups are off or short: ``aws_db_instance.backup_retention_period = 0``
    (high; an unset value is the API default of 1 day, and < 7 days on a production database
    is low); RDS/DocDB/Neptune cluster retention < 7 days (low); a Redis/Valkey cache
    (``aws_elasticache_cluster`` outside a replication group, or
    ``aws_elasticache_replication_group``) with ``snapshot_retention_limit`` 0 or unset
    (medium); Redshift ``automated_snapshot_retention_period = 0`` (high); Cloud SQL
    ``settings.backup_configuration.enabled`` not true (high); a production
    ``azurerm_mssql_database`` without ``long_term_retention_policy`` (low).

    Why it matters
    --------------
    Without automated backups a bad migration, a ``DELETE`` without ``WHERE`` or ransomware
    means permanent data loss; a one-day window is gone before a weekend incident is noticed.

    Remediation
    -----------
    Set ``backup_retention_period`` to 7–35 days (production ≥ 7), cache
    ``snapshot_retention_limit`` ≥ 1, Cloud SQL ``backup_configuration { enabled = true }``.

    Example
    -------
    .. code-block:: hcl

        resource "aws_db_instance" "main" {
          backup_retention_period = 14
          backup_window           = "03:00-04:00"
        }
    """
    yield from _rds_retention(rg)
    yield from _snapshot_retention(rg)
    yield from _gcp_azure_backups(rg)


def _rds_retention(rg: ResourceGraph) -> Iterator[Hit]:
    """BAK001 for RDS instances and RDS/DocDB/Neptune clusters."""
    for r in _managed(rg, "aws_db_instance"):
        if "replicate_source_db" in r.attrs:
            continue
        v = r.attrs.get("backup_retention_period")
        if isinstance(v, Unresolved):
            yield Hit(
                r,
                "`backup_retention_period` is not known statically",
                "backup_retention_period",
                Status.UNKNOWN,
            )
            continue
        days = 1 if v is None else as_int(v)
        if days == 0:
            yield Hit(
                r, "automated backups are disabled (`backup_retention_period = 0`)", "backup_retention_period"
            )
        elif days is not None and days < 7 and environment_of(rg, r).is_prod:
            src = "unset: the RDS default of 1 day" if v is None else f"{days} day(s)"
            yield Hit(
                r,
                f"production backup retention is {src} (< 7)",
                "backup_retention_period",
                severity=Severity.LOW,
            )
    for r in _managed(rg, "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster"):
        v = r.attrs.get("backup_retention_period")
        if isinstance(v, Unresolved):
            yield Hit(
                r,
                "`backup_retention_period` is not known statically",
                "backup_retention_period",
                Status.UNKNOWN,
            )
            continue
        days = 1 if v is None else as_int(v)
        if days is not None and days < 7:
            src = "unset: the default of 1 day" if v is None else f"{days} day(s)"
            yield Hit(
                r,
                f"cluster backup retention is {src} (< 7)",
                "backup_retention_period",
                severity=Severity.LOW,
            )


def _snapshot_retention(rg: ResourceGraph) -> Iterator[Hit]:
    """BAK001 for Redis/Valkey caches and Redshift clusters."""
    for r in _managed(rg, "aws_elasticache_cluster", "aws_elasticache_replication_group"):
        engine = r.attrs.get("engine", "redis")
        if r.kind == "aws_elasticache_cluster" and (
            "replication_group_id" in r.attrs or engine == "memcached"
        ):
            continue
        if isinstance(engine, str) and engine not in ("redis", "valkey"):
            continue
        v = r.attrs.get("snapshot_retention_limit")
        if isinstance(v, Unresolved) or isinstance(engine, Unresolved):
            yield Hit(
                r, "snapshot retention is not known statically", "snapshot_retention_limit", Status.UNKNOWN
            )
        elif not as_int(v):
            yield Hit(
                r,
                "no automatic snapshots (`snapshot_retention_limit` 0 or unset)",
                "snapshot_retention_limit",
                severity=Severity.MEDIUM,
            )
    for r in _managed(rg, "aws_redshift_cluster"):
        v = r.attrs.get("automated_snapshot_retention_period")
        if isinstance(v, Unresolved):
            yield Hit(
                r,
                "snapshot retention is not known statically",
                "automated_snapshot_retention_period",
                Status.UNKNOWN,
            )
        elif v is not None and as_int(v) == 0:
            yield Hit(r, "automated snapshots are disabled", "automated_snapshot_retention_period")


def _gcp_azure_backups(rg: ResourceGraph) -> Iterator[Hit]:
    """BAK001 for Cloud SQL and Azure SQL databases."""
    for r in _managed(rg, "google_sql_database_instance"):
        bc = _gcp_backup_config(r)
        if isinstance(bc, Unresolved):
            yield Hit(
                r,
                "backup configuration is not known statically",
                "settings.backup_configuration",
                Status.UNKNOWN,
            )
            continue
        if "replica_configuration" in r.attrs or r.attrs.get("master_instance_name"):
            continue
        enabled = tri(bc.get("enabled"), default=False)
        if enabled is None:
            yield Hit(
                r,
                "`backup_configuration.enabled` is not known statically",
                "settings.backup_configuration.enabled",
                Status.UNKNOWN,
            )
        elif not enabled:
            yield Hit(r, "Cloud SQL automated backups are off", "settings.backup_configuration.enabled")
    for r in _managed(rg, "azurerm_mssql_database"):
        if isinstance(r.attrs.get("long_term_retention_policy"), Unresolved):
            continue
        ltr = block(r.attrs, "long_term_retention_policy")
        has = any(
            isinstance(p.get(k), str) and p.get(k) not in ("PT0S", "")
            for p in ltr
            for k in ("weekly_retention", "monthly_retention", "yearly_retention")
        )
        if not has and environment_of(rg, r).is_prod:
            yield Hit(
                r,
                "production database has no long-term retention (only the 7–35 day PITR window)",
                "long_term_retention_policy",
                severity=Severity.LOW,
            )


def _gcp_backup_config(r: Resource) -> Mapping[str, Any] | Unresolved:
    settings = r.attrs.get("settings")
    if isinstance(settings, Unresolved):
        return settings
    s = block(r.attrs, "settings")
    if not s:
        return {}
    bc = s[0].get("backup_configuration")
    if isinstance(bc, Unresolved):
        return bc
    b = block(s[0], "backup_configuration")
    return b[0] if b else {}


# -- BAK002 -------------------------------------------------------------------------------------
@rule(
    "BAK002",
    area=Area.BACKUP,
    severity=Severity.MEDIUM,
    title="Stateful resource in no backup plan",
    checkov=("CKV2_AWS_8", "CKV2_AWS_9", "CKV2_AWS_18"),
)
def not_in_backup_plan(rg: ResourceGraph) -> Iterator[Hit]:
    """An EBS volume, EFS, DynamoDB table, FSx file system or RDS/Aurora/DocDB/Neptune
    database is selected by no ``aws_backup_selection`` (``resources`` reference or ARN
    pattern, ``selection_tag``, ``condition`` on tags; ``not_resources`` excluded) of an
    ``aws_backup_plan`` with a scheduled (or continuous) rule.  For EBS an
    ``aws_dlm_lifecycle_policy`` whose ``target_tags`` match also counts.  RDS read replicas
    are exempt.  A selection whose resources or tags are not known statically makes the
    outcome UNKNOWN.  ``condition`` operators ``string_equals``/``string_like`` and their
    ``string_not_*`` negations are AND'ed with ``resources``; ``selection_tag`` is OR'ed.
    DLM policies with ``resource_types = ["INSTANCE"]`` cover the volumes attached (via
    ``aws_volume_attachment``) to the instances they target.

    Why it matters
    --------------
    Native snapshots live and die with the resource and the account; a central backup plan
    gives scheduled, retained, monitored (and copyable, lockable) recovery points.

    Remediation
    -----------
    Add the resource to an AWS Backup selection, ideally by a tag every stateful resource
    carries (``backup = "daily"``).

    Example
    -------
    .. code-block:: hcl

        resource "aws_backup_selection" "daily" {
          plan_id      = aws_backup_plan.daily.id
          iam_role_arn = aws_iam_role.backup.arn
          name         = "tagged"
          selection_tag {
            type  = "STRINGEQUALS"
            key   = "backup"
            value = "daily"
          }
        }
    """
    cov = backup_coverage(rg)
    for r in _managed(rg, *_BAK002_KINDS):
        if r.kind == "aws_db_instance" and "replicate_source_db" in r.attrs:
            continue
        plans = cov.plans_of.get(r.address, ())
        if any(p in cov.scheduled_plans for p in plans) or cov.dlm_of.get(r.address):
            continue
        if any(p.startswith("?") for p in plans) or r.address in cov.unknown:
            why = cov.unknown.get(r.address, "selection's plan is not known statically")
            yield Hit(r, why, status=Status.UNKNOWN)
        elif plans:
            yield Hit(
                r,
                f"selected by {', '.join(plans)} but no rule of it has a schedule",
                evidence={"plans": list(plans)},
            )
        else:
            yield Hit(
                r, "in no AWS Backup selection" + (" or DLM policy" if r.kind == "aws_ebs_volume" else "")
            )


# -- BAK003 -------------------------------------------------------------------------------------
def _restore_tested_types(rg: ResourceGraph) -> set[str]:
    tested: set[str] = set()
    for sel in _managed(rg, "aws_backup_restore_testing_selection"):
        t = sel.attrs.get("protected_resource_type")
        if isinstance(t, str):
            tested.add(t)
        else:
            tested.add("*")
    return tested


@rule("BAK003", area=Area.BACKUP, severity=Severity.LOW, title="Backups never restore-tested")
def backups_not_restore_tested(rg: ResourceGraph) -> Iterator[Hit]:
    """Guided + flag.  An ``aws_backup_plan`` protects resource types (from its selections)
    for which no ``aws_backup_restore_testing_selection`` (``protected_resource_type``)
    exists.  Evidence (restore testing plans, report plans) is in
    :func:`evidence_restore_testing`.

    Why it matters
    --------------
    A backup that was never restored is a hope, not a backup: missing permissions, KMS keys
    or parameter groups surface during the incident.

    Remediation
    -----------
    Add an ``aws_backup_restore_testing_plan`` with a selection per protected resource type,
    and a validation step (``aws_backup_restore_testing_selection`` + EventBridge/Lambda).

    Example
    -------
    .. code-block:: hcl

        resource "aws_backup_restore_testing_selection" "rds" {
          name                      = "rds"
          restore_testing_plan_name = aws_backup_restore_testing_plan.weekly.name
          protected_resource_type   = "RDS"
          iam_role_arn              = aws_iam_role.restore.arn
          protected_resource_arns   = ["*"]
        }
    """
    cov = backup_coverage(rg)
    tested = _restore_tested_types(rg)
    for plan in _managed(rg, "aws_backup_plan"):
        types = cov.plan_types.get(plan.address, frozenset())
        if "*" in tested:
            yield Hit(plan, "restore testing selection type not known statically", status=Status.UNKNOWN)
            continue
        untested = sorted(types - tested)
        if untested:
            yield Hit(
                plan, f"no restore testing for {', '.join(untested)}", evidence={"untested_types": untested}
            )
        elif not types and not tested:
            sels = _referrers(rg, plan.address, "aws_backup_selection")
            if sels:
                yield Hit(
                    plan,
                    "plan selections are not known statically and no restore test exists",
                    status=Status.UNKNOWN,
                )


def evidence_restore_testing(rg: ResourceGraph) -> dict[str, Any]:
    """Restore testing plans/selections, backup report plans and the types each plan protects."""
    cov = backup_coverage(rg)
    plans = {p.address: sorted(cov.plan_types.get(p.address, ())) for p in _managed(rg, "aws_backup_plan")}
    rtp = [r.address for r in _managed(rg, "aws_backup_restore_testing_plan")]
    reports = [r.address for r in _managed(rg, "aws_backup_report_plan")]
    tested = sorted(_restore_tested_types(rg))
    return {
        "summary": f"{len(plans)} backup plan(s), {len(rtp)} restore testing plan(s) covering "
        f"{', '.join(tested) or 'no resource type'}; {len(reports)} report plan(s)",
        "plans": plans,
        "restore_testing_plans": rtp,
        "tested_types": tested,
        "report_plans": reports,
    }


# -- BAK004 -------------------------------------------------------------------------------------
def _is_log_bucket(rg: ResourceGraph, b: Resource) -> bool:
    name = b.attrs.get("bucket") if isinstance(b.attrs.get("bucket"), str) else b.name
    if re.search(
        r"(^|[-_.])(logs?|logging|access-logs|cloudtrail|flow-?logs)([-_.]|$)", f"{name} {b.name}", re.I
    ):
        return True
    for ref, data in rg.dependents(b.address, kinds={"ref"}):
        attr = str(data.get("attr", ""))
        if ref.kind == "aws_s3_bucket_logging" and attr.startswith("target_bucket"):
            return True
        if attr.startswith(("access_logs", "logging", "log_destination", "s3_bucket_name", "logging_config")):
            return True
    return False


def _replication_destinations(rg: ResourceGraph) -> set[str]:
    """Buckets that are the destination of a replication rule (they are the copy)."""
    out: set[str] = set()
    holders = [*_managed(rg, "aws_s3_bucket_replication_configuration"), *_managed(rg, "aws_s3_bucket")]
    for r in holders:
        rules = block(r.attrs, "rule")
        for rc in block(r.attrs, "replication_configuration"):
            rules += block(rc, "rules")
        for rl in rules:
            for d in block(rl, "destination"):
                out.update(a for ref in refs_of(d.get("bucket")) for a in resolve(rg, ref))
    return out


def bucket_versioning(rg: ResourceGraph, b: Resource) -> bool | None:
    """Versioning Enabled on bucket ``b`` (inline ``versioning`` or ``aws_s3_bucket_versioning``)."""
    states: list[bool | None] = []
    for v in bucket_split_resources(rg, b, "aws_s3_bucket_versioning"):
        vc = block(v.attrs, "versioning_configuration")
        status = vc[0].get("status") if vc else v.attrs.get("versioning_configuration")
        states.append(None if isinstance(status, Unresolved) else status == "Enabled")
    inline = b.attrs.get("versioning")
    if isinstance(inline, Unresolved):
        states.append(None)
    for blk in block(b.attrs, "versioning"):
        states.append(tri(blk.get("enabled"), default=False))
    if any(s is True for s in states):
        return True
    if any(s is None for s in states):
        return None
    return False


@rule(
    "BAK004",
    area=Area.BACKUP,
    severity=Severity.HIGH,
    title="No point-in-time recovery",
    checkov=("CKV_AWS_28", "CKV_AWS_21", "CKV_GCP_6"),
)
def no_point_in_time_recovery(rg: ResourceGraph) -> Iterator[Hit]:
    """Point-in-time recovery is off: DynamoDB ``point_in_time_recovery.enabled`` ≠ true;
    ``aws_db_instance`` ``backup_retention_period = 0`` (RDS PITR needs automated backups);
    a data bucket (not a log bucket) without versioning Enabled (inline ``versioning`` or
    ``aws_s3_bucket_versioning``); Cloud SQL PostgreSQL/SQL Server without
    ``point_in_time_recovery_enabled`` or MySQL without ``binary_log_enabled``.

    Why it matters
    --------------
    Nightly snapshots lose up to a day of writes; PITR (and object versioning) restores to
    the second before the bad deploy or the overwrite.

    Remediation
    -----------
    ``point_in_time_recovery { enabled = true }``, a non-zero RDS retention,
    ``aws_s3_bucket_versioning`` with ``status = "Enabled"``, Cloud SQL PITR / binary logs.

    Example
    -------
    .. code-block:: hcl

        resource "aws_s3_bucket_versioning" "data" {
          bucket = aws_s3_bucket.data.id
          versioning_configuration { status = "Enabled" }
        }
    """
    for r in _managed(rg, "aws_dynamodb_table"):
        raw = r.attrs.get("point_in_time_recovery")
        p = block(r.attrs, "point_in_time_recovery")
        v = None if isinstance(raw, Unresolved) else tri(p[0].get("enabled"), default=False) if p else False
        if v is None:
            yield Hit(r, "PITR setting is not known statically", "point_in_time_recovery", Status.UNKNOWN)
        elif not v:
            yield Hit(r, "DynamoDB point-in-time recovery is off", "point_in_time_recovery")
    for r in _managed(rg, "aws_db_instance"):
        v = r.attrs.get("backup_retention_period")
        if "replicate_source_db" not in r.attrs and v is not None and as_int(v) == 0:
            yield Hit(
                r, "no point-in-time restore: automated backups are disabled", "backup_retention_period"
            )
    for b in _managed(rg, "aws_s3_bucket"):
        if _is_log_bucket(rg, b):
            continue
        v = bucket_versioning(rg, b)
        if v is None:
            yield Hit(b, "bucket versioning is not known statically", "versioning", Status.UNKNOWN)
        elif not v:
            yield Hit(
                b, "data bucket has no versioning: overwritten or deleted objects are gone", "versioning"
            )
    for r in _managed(rg, "google_sql_database_instance"):
        bc = _gcp_backup_config(r)
        version = r.attrs.get("database_version")
        if isinstance(bc, Unresolved) or isinstance(version, Unresolved):
            yield Hit(
                r,
                "PITR configuration is not known statically",
                "settings.backup_configuration",
                Status.UNKNOWN,
            )
            continue
        if "replica_configuration" in r.attrs or r.attrs.get("master_instance_name"):
            continue
        attr = (
            "binary_log_enabled"
            if str(version).upper().startswith("MYSQL")
            else "point_in_time_recovery_enabled"
        )
        v = tri(bc.get(attr), default=False)
        if v is None:
            yield Hit(
                r,
                f"`{attr}` is not known statically",
                f"settings.backup_configuration.{attr}",
                Status.UNKNOWN,
            )
        elif not v:
            yield Hit(
                r,
                f"Cloud SQL point-in-time recovery is off (`{attr}`)",
                f"settings.backup_configuration.{attr}",
            )


# -- BAK005 -------------------------------------------------------------------------------------
def _vault_region(rg: ResourceGraph, value: Any) -> tuple[str | None, bool]:
    """(region, known) of a ``destination_vault_arn`` value."""
    if isinstance(value, str):
        reg = _arn_region(value)
        return reg, reg is not None
    for ref in refs_of(value):
        for addr in resolve(rg, ref):
            node = rg.get(addr)
            if node is not None and node.kind == "aws_backup_vault":
                reg = _region_of(rg, node)
                return reg, reg is not None
    return None, False


def _plan_copies_cross_region(rg: ResourceGraph, plan: Resource) -> dict[str, bool | None]:
    """Per rule name: True (copies to another region), False (no/same-region copy), None (unknown)."""
    home = _region_of(rg, plan)
    out: dict[str, bool | None] = {}
    for i, rl in enumerate(block(plan.attrs, "rule")):
        name = str(rl.get("rule_name", i))
        copies = block(rl, "copy_action")
        if isinstance(rl.get("copy_action"), Unresolved):
            out[name] = None
            continue
        verdict: bool | None = False
        for c in copies:
            reg, known = _vault_region(rg, c.get("destination_vault_arn"))
            if not known:
                verdict = None if verdict is False else verdict
            elif home is None or reg != home:
                verdict = True
                break
        out[name] = verdict
    return out


def _cross_region_backup(rg: ResourceGraph, r: Resource, cov: BackupCoverage) -> bool:
    for p in cov.plans_of.get(r.address, ()):
        plan = rg.get(p)
        if plan is not None and any(v is True for v in _plan_copies_cross_region(rg, plan).values()):
            return True
    return False


@rule(
    "BAK005",
    area=Area.BACKUP,
    severity=Severity.MEDIUM,
    title="Backups in one region only",
    checkov=("CKV_AWS_144", "CKV_AZURE_94", "CKV_AZURE_102", "CKV_AZURE_206"),
)
def single_region_backups(rg: ResourceGraph) -> Iterator[Hit]:
    """Backups never leave the region: an ``aws_backup_plan`` rule without a ``copy_action``
    whose ``destination_vault_arn`` is in another region (region from the vault's provider
    alias or the ARN); and, for resources not marked dev/test/sandbox and not copied by such
    a plan, a data bucket without replication (inline ``replication_configuration`` or
    ``aws_s3_bucket_replication_configuration``), an RDS instance without
    ``aws_db_instance_automated_backups_replication`` or a cross-region replica, an Aurora
    cluster outside a global cluster, a DynamoDB table without ``replica``; Azure
    PostgreSQL/MySQL/MariaDB servers (flexible and single) without
    ``geo_redundant_backup_enabled``, SQL databases with ``Local``/``Zone``
    backup storage, storage accounts with ``LRS``/``ZRS``.

    Why it matters
    --------------
    A regional outage, a compromised account or a deleted KMS key takes same-region backups
    with it.

    Remediation
    -----------
    Add a ``copy_action`` to a vault in a second region (ideally a second account),
    cross-region replication for buckets, automated-backup replication or global tables.

    Example
    -------
    .. code-block:: hcl

        rule {
          rule_name         = "daily"
          target_vault_name = aws_backup_vault.main.name
          schedule          = "cron(0 3 * * ? *)"
          copy_action { destination_vault_arn = aws_backup_vault.dr.arn }  # provider = aws.dr
        }
    """
    cov = backup_coverage(rg)
    for plan in _managed(rg, "aws_backup_plan"):
        if isinstance(plan.attrs.get("rule"), Unresolved):
            yield Hit(plan, "plan rules are not known statically", "rule", Status.UNKNOWN)
            continue
        verdicts = _plan_copies_cross_region(rg, plan)
        missing = [n for n, v in verdicts.items() if v is False]
        unknown = [n for n, v in verdicts.items() if v is None]
        if missing:
            yield Hit(
                plan,
                f"rule(s) {', '.join(missing)} copy to no vault in another region",
                "rule",
                evidence={"rules": missing},
            )
        elif unknown:
            yield Hit(
                plan,
                f"copy destination of rule(s) {', '.join(unknown)} is not known statically",
                "rule",
                Status.UNKNOWN,
            )
    yield from _aws_cross_region_copies(rg, cov)
    yield from _azure_geo_redundancy(rg)


def _eligible(rg: ResourceGraph, r: Resource, cov: BackupCoverage) -> bool:
    """Not marked dev/test/sandbox and not already copied to another region by a backup plan."""
    return not environment_of(rg, r).is_nonprod and not _cross_region_backup(rg, r, cov)


def _aws_cross_region_copies(rg: ResourceGraph, cov: BackupCoverage) -> Iterator[Hit]:
    """BAK005 for S3 buckets, RDS instances and clusters, DynamoDB tables."""
    destinations = _replication_destinations(rg)
    for b in _managed(rg, "aws_s3_bucket"):
        if _is_log_bucket(rg, b) or not _eligible(rg, b, cov) or b.address in destinations:
            continue
        repl = bucket_split_resources(rg, b, "aws_s3_bucket_replication_configuration")
        inline = b.attrs.get("replication_configuration")
        if isinstance(inline, Unresolved):
            yield Hit(b, "replication is not known statically", "replication_configuration", Status.UNKNOWN)
        elif not repl and not block(b.attrs, "replication_configuration"):
            yield Hit(b, "bucket is not replicated to another region", "replication_configuration")
    for r in _managed(rg, "aws_db_instance"):
        if "replicate_source_db" in r.attrs or not _eligible(rg, r, cov):
            continue
        repl = _referrers(rg, r.address, "aws_db_instance_automated_backups_replication")
        home = _region_of(rg, r)
        replicas = [
            x
            for x in _referrers(rg, r.address, "aws_db_instance")
            if "replicate_source_db" in x.attrs and _region_of(rg, x) != home
        ]
        if not repl and not replicas:
            yield Hit(r, "no automated-backup replication or cross-region replica")
    for r in _managed(rg, "aws_rds_cluster"):
        if not _eligible(rg, r, cov):
            continue
        g = r.attrs.get("global_cluster_identifier")
        if isinstance(g, Unresolved) and not g.refs:
            yield Hit(
                r,
                "`global_cluster_identifier` is not known statically",
                "global_cluster_identifier",
                Status.UNKNOWN,
            )
        elif not g and not r.attrs.get("replication_source_identifier"):
            yield Hit(
                r,
                "cluster is in no global cluster and copies no backups to another region",
                "global_cluster_identifier",
            )
    for r in _managed(rg, "aws_dynamodb_table"):
        if not _eligible(rg, r, cov):
            continue
        raw = r.attrs.get("replica")
        if isinstance(raw, Unresolved):
            yield Hit(r, "`replica` is not known statically", "replica", Status.UNKNOWN)
        elif not block(r.attrs, "replica") and not _referrers(rg, r.address, "aws_dynamodb_table_replica"):
            yield Hit(r, "table has no replica in another region (global table)", "replica")


def _azure_geo_redundancy(rg: ResourceGraph) -> Iterator[Hit]:
    """BAK005 for Azure database servers, SQL databases and storage accounts."""
    for r in _managed(
        rg,
        "azurerm_postgresql_flexible_server",
        "azurerm_mysql_flexible_server",
        "azurerm_postgresql_server",  # single servers (retired, still common in older repos)
        "azurerm_mysql_server",
        "azurerm_mariadb_server",
    ):
        v = tri(r.attrs.get("geo_redundant_backup_enabled"), default=False)
        if v is None:
            yield Hit(
                r,
                "`geo_redundant_backup_enabled` is not known statically",
                "geo_redundant_backup_enabled",
                Status.UNKNOWN,
            )
        elif not v and not environment_of(rg, r).is_nonprod:
            yield Hit(r, "backups are not geo-redundant", "geo_redundant_backup_enabled")
    for r in _managed(rg, "azurerm_mssql_database"):
        v = r.attrs.get("storage_account_type", "Geo")
        if isinstance(v, str) and v in ("Local", "Zone") and not environment_of(rg, r).is_nonprod:
            yield Hit(r, f"backup storage is {v}-redundant only", "storage_account_type")
    for r in _managed(rg, "azurerm_storage_account"):
        v = r.attrs.get("account_replication_type")
        if isinstance(v, Unresolved):
            yield Hit(
                r,
                "`account_replication_type` is not known statically",
                "account_replication_type",
                Status.UNKNOWN,
            )
        elif isinstance(v, str) and v.upper() in ("LRS", "ZRS") and not environment_of(rg, r).is_nonprod:
            yield Hit(r, f"storage account replication is {v}: one region only", "account_replication_type")


# -- BAK006 -------------------------------------------------------------------------------------
@rule(
    "BAK006",
    area=Area.BACKUP,
    severity=Severity.LOW,
    title="Backup vault not locked",
    checkov=("CKV_AWS_143",),
)
def backup_vault_not_locked(rg: ResourceGraph) -> Iterator[Hit]:
    """An ``aws_backup_vault`` with no ``aws_backup_vault_lock_configuration`` (linked by
    ``backup_vault_name``), or a bucket whose name says it holds backups without Object Lock
    (``object_lock_enabled``, legacy ``object_lock_configuration``, or
    ``aws_s3_bucket_object_lock_configuration``; info).

    Why it matters
    --------------
    Ransomware and compromised admin credentials delete backups first; a vault lock (WORM)
    keeps recovery points until their retention ends whoever asks.

    Remediation
    -----------
    Add ``aws_backup_vault_lock_configuration`` with ``min_retention_days`` (compliance mode
    via ``changeable_for_days``) and Object Lock on backup buckets.

    Example
    -------
    .. code-block:: hcl

        resource "aws_backup_vault_lock_configuration" "main" {
          backup_vault_name  = aws_backup_vault.main.name
          min_retention_days = 7
        }
    """
    locks = list(_managed(rg, "aws_backup_vault_lock_configuration"))
    locked: set[str] = set()
    names: set[str] = set()
    opaque = False
    for lk in locks:
        v = lk.attrs.get("backup_vault_name")
        refs = refs_of(v)
        locked.update(a for ref in refs for a in resolve(rg, ref))
        locked.update(x.address for x in rg.referenced(lk.address, "aws_backup_vault"))
        if isinstance(v, str):
            names.add(v)
        elif not refs:
            opaque = True
    for vault in _managed(rg, "aws_backup_vault"):
        vname = vault.attrs.get("name")
        if vault.address in locked or (isinstance(vname, str) and vname in names):
            continue
        if opaque:
            yield Hit(vault, "a vault lock names a vault that is not known statically", status=Status.UNKNOWN)
        else:
            yield Hit(vault, "backup vault has no vault lock: recovery points can be deleted")
    for b in _managed(rg, "aws_s3_bucket"):
        name = b.attrs.get("bucket") if isinstance(b.attrs.get("bucket"), str) else b.name
        if not re.search(r"backup", f"{name} {b.name}", re.I):
            continue
        if tri(b.attrs.get("object_lock_enabled")) or block(b.attrs, "object_lock_configuration"):
            continue
        if bucket_split_resources(rg, b, "aws_s3_bucket_object_lock_configuration"):
            continue
        yield Hit(b, "backup bucket has no Object Lock", "object_lock_enabled", severity=Severity.INFO)


# -- BAK007 -------------------------------------------------------------------------------------
_DUR = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)?\s*$", re.I
)


def parse_duration_minutes(text: Any) -> float | None:
    """``"15m"``, ``"1h"``, ``"4 hours"``, ``"1d"``, ``30`` (minutes) → minutes; else ``None``.

    >>> parse_duration_minutes("15m"), parse_duration_minutes("4 hours"), parse_duration_minutes(30)
    (15.0, 240.0, 30.0)
    """
    if isinstance(text, bool) or text is None:
        return None
    m = _DUR.match(str(text))
    if not m:
        return None
    n, unit = float(m.group(1)), (m.group(2) or "m").lower()
    if unit.startswith("s"):
        return n / 60
    if unit.startswith("h"):
        return n * 60
    if unit.startswith("d"):
        return n * 1440
    return n


def _schedule_minutes(expr: Any) -> float | None:
    if not isinstance(expr, str):
        return None
    m = re.match(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)", expr.strip())
    if m:
        return parse_duration_minutes(f"{m.group(1)} {m.group(2)}")
    m = re.match(r"cron\(([^)]*)\)", expr.strip())
    if m:
        fields = m.group(1).split()
        if len(fields) >= 2:
            hours = fields[1]
            if hours.startswith("*/") and hours[2:].isdigit():
                return int(hours[2:]) * 60.0
            if "," in hours:
                return 24 * 60 / len(hours.split(","))
            if fields[1] == "*":
                return 60.0
        if len(fields) >= 5 and fields[4] not in ("*", "?"):
            return 7 * 1440.0  # weekly
        return 1440.0
    return None


def implied_recovery(rg: ResourceGraph, r: Resource) -> dict[str, Any]:
    """Implied RPO/RTO (minutes) of a stateful resource from what the code configures.

    RPO = min(PITR ≈ 5 min, backup schedule interval, replication ≈ 1 min); RTO class:
    Multi-AZ failover (≈ 2 min), replica/global promotion (≈ 30 min), restore (≈ 240 min).
    """
    a = r.attrs
    rpo: list[tuple[float, str]] = []
    rto: list[tuple[float, str]] = []
    cov = backup_coverage(rg)
    if r.kind == "aws_db_instance" and (as_int(a.get("backup_retention_period", 1)) or 0) > 0:
        rpo.append((5.0, "RDS PITR"))
    if r.kind in ("aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster"):
        rpo.append((5.0, "cluster PITR"))
        rto.append((2.0, "cluster failover to a reader"))
    if r.kind == "aws_dynamodb_table":
        p = block(a, "point_in_time_recovery")
        if p and tri(p[0].get("enabled")):
            rpo.append((5.0, "DynamoDB PITR"))
        if block(a, "replica"):
            rpo.append((1.0, "global table replication"))
            rto.append((30.0, "switch to a replica region"))
    if r.kind == "aws_s3_bucket" and bucket_versioning(rg, r):
        rpo.append((0.0, "object versioning"))
    if r.kind in ("aws_elasticache_replication_group", "aws_elasticache_cluster") and as_int(
        a.get("snapshot_retention_limit")
    ):
        rpo.append((1440.0, "daily snapshot"))
    for p in cov.plans_of.get(r.address, ()):
        plan = rg.get(p)
        for rl in block(plan.attrs, "rule") if plan else []:
            mins = _schedule_minutes(rl.get("schedule"))
            if tri(rl.get("enable_continuous_backup")):
                rpo.append((5.0, f"{p} continuous backup"))
            elif mins:
                rpo.append((mins, f"{p} schedule"))
    if tri(a.get("multi_az")):
        rto.append((2.0, "Multi-AZ failover"))
    if rpo:
        rto.append((240.0, "restore from backup"))
    best_rpo = min(rpo, default=None)
    best_rto = min(rto, default=None)
    return {
        "rpo_minutes": best_rpo[0] if best_rpo else None,
        "rpo_basis": best_rpo[1] if best_rpo else "no backup configured",
        "rto_minutes": best_rto[0] if best_rto else None,
        "rto_basis": best_rto[1] if best_rto else "no recovery path",
    }


_RECOVERY_KINDS = (*STATEFUL_KINDS, "aws_elasticache_replication_group", "aws_elasticache_cluster")


def _targets(rg: ResourceGraph, r: Resource) -> dict[str, Any]:
    tags = effective_tags(rg, r).tags
    out: dict[str, Any] = {}
    for k, v in tags.items():
        key = k.lower().replace("-", "_")
        if key in ("rpo", "rpo_minutes", "rto", "rto_minutes"):
            out[key[:3]] = v
    return out


@rule(
    "BAK007", area=Area.BACKUP, severity=Severity.HIGH, title="Declared RPO/RTO not met by the configuration"
)
def rto_rpo_not_met(rg: ResourceGraph) -> Iterator[Hit]:
    """Guided + derived table (:func:`evidence_rto_rpo`).  A stateful resource declares a
    target (tags ``rpo``/``rto``, e.g. ``"15m"``, ``"1h"``) tighter than what its
    configuration implies (:func:`implied_recovery`): RPO = min(PITR ≈ 5 min, backup
    schedule, replication), RTO = Multi-AZ failover ≈ 2 min, replica promotion ≈ 30 min,
    restore ≈ 4 h.  A target that cannot be parsed is UNKNOWN.

    Why it matters
    --------------
    An RPO/RTO written in a document but not built into the infrastructure is discovered
    during the outage, when the restore takes hours and loses a day of data.

    Remediation
    -----------
    Raise the protection (PITR, more frequent backups, Multi-AZ, a replica) or agree a
    realistic target with the business owner.

    Example
    -------
    .. code-block:: hcl

        resource "aws_db_instance" "orders" {
          multi_az                = true
          backup_retention_period = 14
          tags = { rpo = "15m", rto = "30m" }
        }
    """
    for r in _managed(rg, *_RECOVERY_KINDS):
        targets = _targets(rg, r)
        if not targets:
            continue
        implied = implied_recovery(rg, r)
        for what in ("rpo", "rto"):
            if what not in targets:
                continue
            raw = targets[what]
            want = parse_duration_minutes(raw)
            if want is None:
                yield Hit(r, f"{what.upper()} target is not a duration", f"tags.{what}", Status.UNKNOWN)
                continue
            have = implied[f"{what}_minutes"]
            basis = implied[f"{what}_basis"]
            if have is None or have > want:
                got = "unbounded" if have is None else f"{have:g} min"
                yield Hit(
                    r,
                    f"{what.upper()} target {want:g} min but the configuration implies {got} ({basis})",
                    f"tags.{what}",
                    evidence={"target_minutes": want, **implied},
                )


def evidence_rto_rpo(rg: ResourceGraph) -> dict[str, Any]:
    """Derived RPO/RTO table for every stateful resource, with declared targets."""
    rows = []
    for r in _managed(rg, *_RECOVERY_KINDS):
        row = {"address": r.address, "kind": r.kind, **implied_recovery(rg, r)}
        row.update({f"target_{k}": str(v) for k, v in _targets(rg, r).items()})
        rows.append(row)
    declared = sum(1 for row in rows if "target_rpo" in row or "target_rto" in row)
    unprotected = sum(1 for row in rows if row["rpo_minutes"] is None)
    return {
        "summary": f"{len(rows)} stateful resource(s), {unprotected} without any backup, "
        f"{declared} with declared targets",
        "resources": rows,
    }


# -- BAK008 -------------------------------------------------------------------------------------
_DR_DOC = re.compile(r"(^|/)(dr|disaster[-_ ]?recovery|business[-_ ]?continuity|bcp)([-_./]|$)", re.I)


def _dr_signals(rg: ResourceGraph) -> dict[str, list[str]]:
    regions = sorted(
        {
            v
            for p in rg.resources(block="provider")
            if p.kind == "aws" and isinstance(v := p.attrs.get("region"), str)
        }
    )
    return {
        "regions": regions,
        "global": [
            r.address
            for r in _managed(
                rg,
                "aws_rds_global_cluster",
                "aws_elasticache_global_replication_group",
                "aws_dynamodb_table_replica",
                "aws_s3_bucket_replication_configuration",
                "aws_db_instance_automated_backups_replication",
            )
        ]
        + [r.address for r in _managed(rg, "aws_dynamodb_table") if block(r.attrs, "replica")]
        + [r.address for r in _managed(rg, "aws_s3_bucket") if block(r.attrs, "replication_configuration")],
        "failover_dns": [
            r.address for r in _managed(rg, "aws_route53_record") if block(r.attrs, "failover_routing_policy")
        ],
        "health_checks": [r.address for r in _managed(rg, "aws_route53_health_check")],
        "docs": [p for p in rg.facts.paths if _DR_DOC.search(p)],
    }


@rule(
    "BAK008",
    area=Area.BACKUP,
    severity=Severity.LOW,
    title="Production in one region without DR procedure",
    checkov=("CKV_AWS_310",),
)
def no_disaster_recovery(rg: ResourceGraph) -> Iterator[Hit]:
    """Guided + flag.  Every AWS provider configuration uses the same region, nothing is
    replicated to another region (global clusters/tables, S3 replication, automated-backup
    replication), there is no Route 53 failover routing and no DR document (``docs/dr*``,
    ``*disaster-recovery*``, ``bcp``) in the repository: each production stateful resource is
    flagged.  Evidence: :func:`evidence_dr`.

    Why it matters
    --------------
    A regional outage or a lost account is rare but total; without a second region and a
    written, rehearsed procedure, recovery is improvised under pressure.

    Remediation
    -----------
    Decide the DR strategy (backup-restore, pilot light, warm standby, active-active) per
    service, build its second-region pieces, and write and rehearse the runbook.

    Example
    -------
    .. code-block:: hcl

        provider "aws" { alias = "dr"  region = "us-west-2" }
        resource "aws_rds_global_cluster" "orders" { global_cluster_identifier = "orders" }
    """
    sig = _dr_signals(rg)
    if len(sig["regions"]) > 1 or sig["global"] or sig["failover_dns"] or sig["docs"]:
        return
    for r in _managed(rg, *_RECOVERY_KINDS):
        if r.kind in ("aws_instance", "aws_ebs_volume"):
            continue
        if environment_of(rg, r).is_prod:
            region = sig["regions"][0] if sig["regions"] else "one region"
            yield Hit(
                r,
                f"production data in {region} only, with no DR replica, failover or DR document",
                evidence=sig,
            )


def evidence_dr(rg: ResourceGraph) -> dict[str, Any]:
    """Disaster-recovery evidence: regions, cross-region replicas, failover DNS, DR documents."""
    sig = _dr_signals(rg)
    return {
        "summary": f"{len(sig['regions'])} region(s) configured, "
        f"{len(sig['global'])} cross-region replica(s), "
        f"{len(sig['failover_dns'])} failover record(s), {len(sig['docs'])} DR document(s)",
        **sig,
    }


# -- BAK009 -------------------------------------------------------------------------------------
_FINAL_SNAPSHOT_KINDS = (
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
    "aws_redshift_cluster",
)


@rule(
    "BAK009",
    area=Area.BACKUP,
    severity=Severity.MEDIUM,
    title="Stateful resource can be destroyed without a trace",
    checkov=("CKV_AWS_293", "CKV_AWS_139", "CKV_GCP_81"),
)
def destroy_without_protection(rg: ResourceGraph) -> Iterator[Hit]:
    """An RDS instance/cluster with ``deletion_protection`` ≠ true; a DynamoDB table with
    ``deletion_protection_enabled`` ≠ true; ``skip_final_snapshot = true`` on
    RDS/DocDB/Neptune/Redshift; an S3 bucket with ``force_destroy = true``; Cloud SQL with
    ``deletion_protection = false``; a production S3 bucket, EFS file system or EBS volume
    (no native deletion protection) without ``lifecycle { prevent_destroy = true }`` (low).

    Why it matters
    --------------
    One wrong ``terraform destroy``, a renamed resource or a bad ``count`` deletes the
    database with its automated backups; ``force_destroy`` empties a bucket on the way out.

    Remediation
    -----------
    ``deletion_protection = true``, ``skip_final_snapshot = false`` with a
    ``final_snapshot_identifier``, no ``force_destroy`` on data buckets, and
    ``prevent_destroy`` on stateful resources without native protection.

    Example
    -------
    .. code-block:: hcl

        resource "aws_db_instance" "main" {
          deletion_protection       = true
          skip_final_snapshot       = false
          final_snapshot_identifier = "main-final"
          lifecycle { prevent_destroy = true }
        }
    """
    for r in _managed(rg, "aws_db_instance", "aws_rds_cluster"):
        v = tri(r.attrs.get("deletion_protection"), default=False)
        if v is None:
            yield Hit(
                r, "`deletion_protection` is not known statically", "deletion_protection", Status.UNKNOWN
            )
        elif not v:
            yield Hit(r, "deletion protection is off", "deletion_protection")
    for r in _managed(rg, *_FINAL_SNAPSHOT_KINDS):
        v = tri(r.attrs.get("skip_final_snapshot"), default=False)
        if v is None:
            yield Hit(
                r, "`skip_final_snapshot` is not known statically", "skip_final_snapshot", Status.UNKNOWN
            )
        elif v:
            yield Hit(r, "no final snapshot on delete (`skip_final_snapshot = true`)", "skip_final_snapshot")
    for r in _managed(rg, "aws_dynamodb_table"):
        v = tri(r.attrs.get("deletion_protection_enabled"), default=False)
        if v is None:
            yield Hit(
                r,
                "`deletion_protection_enabled` is not known statically",
                "deletion_protection_enabled",
                Status.UNKNOWN,
            )
        elif not v:
            yield Hit(r, "deletion protection is off", "deletion_protection_enabled")
    for r in _managed(rg, "google_sql_database_instance"):
        if tri(r.attrs.get("deletion_protection"), default=True) is False:
            yield Hit(r, "deletion protection is off", "deletion_protection")
    for r in _managed(rg, "aws_s3_bucket", "aws_efs_file_system", "aws_ebs_volume"):
        fd = tri(r.attrs.get("force_destroy"), default=False) if r.kind == "aws_s3_bucket" else False
        if fd is None:
            yield Hit(r, "`force_destroy` is not known statically", "force_destroy", Status.UNKNOWN)
            continue
        if fd:
            yield Hit(r, "`force_destroy = true` deletes every object with the bucket", "force_destroy")
            continue
        pd = tri(_lifecycle(r).get("prevent_destroy"), default=False)
        if (
            pd is False
            and environment_of(rg, r).is_prod
            and not (r.kind == "aws_s3_bucket" and _is_log_bucket(rg, r))
        ):
            yield Hit(
                r,
                "production data without `lifecycle { prevent_destroy = true }`",
                "lifecycle",
                severity=Severity.LOW,
            )
