"""Encryption at rest and key management (NET017–NET019), rules of the Networking & Security area.

What counts (the reviewer's decisions, written once here):

- **Not encrypted at rest** (NET017) only where the service stores data in clear unless told
  otherwise: EBS volumes and launch-template EBS mappings (unless ``aws_ebs_encryption_by_default``
  is enabled in the graph), RDS instances, Aurora/RDS, Neptune and DocumentDB clusters
  (``storage_encrypted``), EFS, ElastiCache Redis (``at_rest_encryption_enabled``; Valkey
  defaults to encrypted), OpenSearch / Elasticsearch (``encrypt_at_rest.enabled``), SNS topics
  (no ``kms_master_key_id``), SQS queues with ``sqs_managed_sse_enabled = false`` and no key,
  and Azure SQL databases with ``transparent_data_encryption_enabled = false``.  S3 (SSE-S3
  since 2023), DynamoDB, CloudWatch Logs, Azure Storage and managed disks (platform-managed
  keys), GCP disks, buckets, Cloud SQL and BigQuery are always encrypted by the provider, so they are never
  "unencrypted" — only NET018 applies to them.  Azure Disk Encryption (``encryption_settings``,
  in-guest) is a different control and is not judged.
- **Customer-managed key** (NET018) means a KMS key id/ARN/alias the account controls: a value
  that is not an ``alias/aws/...`` AWS-managed alias.  SSE-S3 (``AES256``), ``aws:kms`` without
  ``kms_master_key_id``, SSE-SQS and DynamoDB's default (AWS-owned) or ``enabled`` without
  ``kms_key_arn`` (AWS-managed) are provider-managed.  A store NET017 reports is not reported
  again here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from infra_review.analysis.storage import linked
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, Status, Unresolved
from infra_review.model.coerce import tri
from infra_review.rules._registry import Hit, rule

NET = Area.NETWORK_SECURITY


def _get(attrs: Any, path: str) -> Any:
    """The value at a dotted ``path``, walking singular nested blocks; an :class:`Unresolved`
    met on the way is returned as is; ``None`` when absent."""
    cur = attrs
    for part in path.split("."):
        if isinstance(cur, list):
            if not cur:
                return None
            cur = cur[0]
        if isinstance(cur, Unresolved):
            return cur
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(part)
    return cur


def _unknown(res: Resource, attr: str, value: Unresolved) -> Hit:
    return Hit(res, f"`{attr}` is not known statically ({value.expr})", attr, Status.UNKNOWN)


def _is_cmk(value: Any) -> bool | None:
    """``True`` for a customer-managed key reference, ``False`` for none or an AWS-managed alias,
    ``None`` when unknown (a reference to a key resource is customer-managed)."""
    if value is None or value == "":
        return False
    if isinstance(value, Unresolved):
        return True if value.refs else None
    if isinstance(value, str):
        return "alias/aws/" not in value
    return None


# -- NET017 --------------------------------------------------------------------------------------

# kind → (attribute deciding encryption, default when absent)
_FLAG_KINDS: dict[str, tuple[str, bool]] = {
    "aws_ebs_volume": ("encrypted", False),
    "aws_db_instance": ("storage_encrypted", False),
    "aws_rds_cluster": ("storage_encrypted", False),
    "aws_efs_file_system": ("encrypted", False),
    "aws_neptune_cluster": ("storage_encrypted", False),
    "aws_docdb_cluster": ("storage_encrypted", False),
    "aws_opensearch_domain": ("encrypt_at_rest.enabled", False),
    "aws_elasticsearch_domain": ("encrypt_at_rest.enabled", False),
}


#: Kinds where a ``kms_key_id`` can only be set on encrypted storage.
_KMS_IMPLIES = frozenset({"aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster"})


def _inherits_encryption(res: Resource) -> bool:
    """A database restored from a snapshot, a read replica or a serverless v1 cluster takes its
    encryption from elsewhere: not judged here."""
    a = res.attrs
    if any(
        a.get(k) is not None
        for k in ("replicate_source_db", "snapshot_identifier", "replication_source_identifier")
    ):
        return True
    return res.kind == "aws_rds_cluster" and a.get("engine_mode") == "serverless"


def _ebs_default_on(rg: ResourceGraph) -> bool:
    return any(
        tri(r.attrs.get("enabled"), True) is True for r in rg.resources("aws_ebs_encryption_by_default")
    )


def _flag_hits(rg: ResourceGraph, ebs_default: bool) -> Iterator[Hit]:
    for res in rg.resources(*_FLAG_KINDS):
        attr, default = _FLAG_KINDS[res.kind]
        if (res.kind == "aws_ebs_volume" and ebs_default) or _inherits_encryption(res):
            continue
        value = _get(res.attrs, attr)
        if isinstance(value, Unresolved):
            yield _unknown(res, attr, value)
        elif tri(value, default) is None:
            yield Hit(res, f"`{attr}` is not a boolean", attr, Status.UNKNOWN)
        elif tri(value, default) is False and not (
            res.kind in _KMS_IMPLIES and _get(res.attrs, "kms_key_id")
        ):
            yield Hit(res, "data is stored unencrypted", attr, evidence={attr: value})
    for res in rg.resources("aws_elasticache_replication_group"):
        value = res.attrs.get("at_rest_encryption_enabled")
        default = res.attrs.get("engine") == "valkey"
        if isinstance(value, Unresolved):
            yield _unknown(res, "at_rest_encryption_enabled", value)
        elif tri(value, default) is False:
            yield Hit(res, "cache data is stored unencrypted", "at_rest_encryption_enabled")


def _launch_template_hits(rg: ResourceGraph, ebs_default: bool) -> Iterator[Hit]:
    if ebs_default:
        return
    for lt in rg.resources("aws_launch_template"):
        mappings = lt.attrs.get("block_device_mappings")
        if not isinstance(mappings, list):
            continue
        for i, m in enumerate(mappings):
            if not isinstance(m, Mapping) or not m.get("ebs"):
                continue
            attr = f"block_device_mappings[{i}].ebs.encrypted"
            value = _get(m, "ebs.encrypted")
            if isinstance(value, Unresolved):
                yield _unknown(lt, attr, value)
            elif tri(value, False) is False and not _get(m, "ebs.snapshot_id"):
                yield Hit(lt, f"EBS volume {m.get('device_name', i)} is not encrypted", attr)


#: Messages are held only until delivered (SNS) or consumed (SQS, at most 14 days): low.
_TRANSIENT = Severity.LOW


def _messaging_hits(rg: ResourceGraph) -> Iterator[Hit]:
    for t in rg.resources("aws_sns_topic"):
        key = t.attrs.get("kms_master_key_id")
        if isinstance(key, Unresolved) and not key.refs:
            yield _unknown(t, "kms_master_key_id", key)
        elif key is None or key == "":
            yield Hit(
                t,
                "SNS topic messages are stored unencrypted (no kms_master_key_id)",
                "kms_master_key_id",
                severity=_TRANSIENT,
            )
    for q in rg.resources("aws_sqs_queue"):
        key, sse = q.attrs.get("kms_master_key_id"), q.attrs.get("sqs_managed_sse_enabled")
        if key not in (None, ""):
            continue
        if isinstance(sse, Unresolved):
            yield _unknown(q, "sqs_managed_sse_enabled", sse)
        elif tri(sse, True) is False:
            yield Hit(
                q,
                "SQS queue has neither SSE-SQS nor a KMS key",
                "sqs_managed_sse_enabled",
                severity=_TRANSIENT,
            )
    for db in rg.resources("azurerm_mssql_database"):
        v = db.attrs.get("transparent_data_encryption_enabled")
        if isinstance(v, Unresolved):
            yield _unknown(db, "transparent_data_encryption_enabled", v)
        elif tri(v, True) is False:
            yield Hit(db, "transparent data encryption is off", "transparent_data_encryption_enabled")


@rule(
    "NET017",
    area=NET,
    severity=Severity.HIGH,
    title="Data store not encrypted at rest",
    no_env_downgrade=True,
)
def not_encrypted_at_rest(rg: ResourceGraph) -> Iterator[Hit]:
    """A data store that the provider leaves in clear unless asked: EBS volumes and
    launch-template EBS mappings without ``encrypted = true`` (no ``aws_ebs_encryption_by_default``
    in the repository), RDS/Aurora, Neptune and DocumentDB without ``storage_encrypted``, EFS
    without ``encrypted``, ElastiCache Redis without ``at_rest_encryption_enabled``,
    OpenSearch/Elasticsearch without ``encrypt_at_rest``, SNS topics without a KMS key, SQS
    queues with SSE-SQS turned off and no key (these two are low: messages are held only
    until delivered), Azure SQL databases with TDE off.  Severity is not lowered on
    dev/test resources: their data is often a copy of production's.  Replicas and snapshot
    restores inherit encryption and are skipped.

    Why it matters
    --------------
    Snapshots, backups, detached disks and replicas of an unencrypted store can be copied and
    read by anyone who reaches the account or the storage medium; most compliance regimes
    (PCI DSS, HIPAA, SOC 2) require encryption at rest, and RDS/EFS cannot be encrypted in
    place later — it takes a snapshot, copy and restore.

    Remediation
    -----------
    Turn encryption on (``encrypted``/``storage_encrypted = true``, an ``encrypt_at_rest``
    block, ``kms_master_key_id``), preferably with a customer-managed KMS key, or enable EBS
    encryption by default for the account.

    Example
    -------
    .. code-block:: hcl

        resource "aws_db_instance" "orders" {
          storage_encrypted = true
          kms_key_id        = aws_kms_key.data.arn
        }
    """
    ebs_default = _ebs_default_on(rg)
    yield from _flag_hits(rg, ebs_default)
    yield from _launch_template_hits(rg, ebs_default)
    yield from _messaging_hits(rg)


# -- NET018 --------------------------------------------------------------------------------------

# kind → (path of the key, path of the flag that must be on for the key to matter, flag default)
_KEY_KINDS: dict[str, tuple[str, str, bool]] = {
    "aws_ebs_volume": ("kms_key_id", "encrypted", False),
    "aws_db_instance": ("kms_key_id", "storage_encrypted", False),
    "aws_rds_cluster": ("kms_key_id", "storage_encrypted", False),
    "aws_efs_file_system": ("kms_key_id", "encrypted", False),
    "aws_neptune_cluster": ("kms_key_arn", "storage_encrypted", False),
    "aws_docdb_cluster": ("kms_key_id", "storage_encrypted", False),
    "aws_elasticache_replication_group": ("kms_key_id", "at_rest_encryption_enabled", False),
    "aws_opensearch_domain": ("encrypt_at_rest.kms_key_id", "encrypt_at_rest.enabled", False),
    "aws_elasticsearch_domain": ("encrypt_at_rest.kms_key_id", "encrypt_at_rest.enabled", False),
    "aws_sqs_queue": ("kms_master_key_id", "", True),
    "aws_sns_topic": ("kms_master_key_id", "kms_master_key_id", False),
    "aws_cloudwatch_log_group": ("kms_key_id", "", True),
    "aws_dynamodb_table": ("server_side_encryption.kms_key_arn", "", True),
    "google_compute_disk": ("disk_encryption_key.kms_key_self_link", "", True),
    "google_bigquery_dataset": ("default_encryption_configuration.kms_key_name", "", True),
    "google_storage_bucket": ("encryption.default_kms_key_name", "", True),
    "google_sql_database_instance": ("encryption_key_name", "", True),
    "azurerm_storage_account": ("customer_managed_key.key_vault_key_id", "", True),
    "azurerm_mssql_server": ("transparent_data_encryption_key_vault_key_id", "", True),
    "azurerm_managed_disk": ("disk_encryption_set_id", "", True),
}

# Split resources that give a store its customer-managed key: kind → (attr naming the store, key attr)
_KEY_RESOURCES: dict[str, tuple[str, str, str]] = {
    "azurerm_storage_account": (
        "azurerm_storage_account_customer_managed_key",
        "storage_account_id",
        "key_vault_key_id",
    ),
    "azurerm_mssql_server": (
        "azurerm_mssql_server_transparent_data_encryption",
        "server_id",
        "key_vault_key_id",
    ),
}


def _encrypted(res: Resource, flag: str, default: bool) -> bool | None:
    if not flag:
        return True
    value = _get(res.attrs, flag)
    if flag == "kms_master_key_id":  # SNS: a key *is* the encryption
        return None if isinstance(value, Unresolved) and not value.refs else value not in (None, "")
    if res.kind == "aws_elasticache_replication_group" and value is None:
        default = res.attrs.get("engine") == "valkey"
    return tri(value, default)


def _split_key(rg: ResourceGraph, res: Resource) -> tuple[bool | None, Resource | None]:
    """Key from a separate key resource (Azure): (is customer-managed, the resource)."""
    spec = _KEY_RESOURCES.get(res.kind)
    if spec is None:
        return False, None
    kind, attr, key_attr = spec
    for k in linked(rg, res, [kind], attr=attr, name_attr="id"):
        return _is_cmk(k.attrs.get(key_attr)), k
    return False, None


def _store_key_hits(rg: ResourceGraph) -> Iterator[Hit]:
    for res in rg.resources(*_KEY_KINDS):
        path, flag, default = _KEY_KINDS[res.kind]
        if _encrypted(res, flag, default) is not True:
            continue  # unencrypted or unknown: NET017's business
        if res.kind == "google_compute_disk" and _get(res.attrs, "disk_encryption_key.raw_key"):
            continue  # customer-supplied key
        if (
            res.kind == "aws_sqs_queue"
            and res.attrs.get("kms_master_key_id") in (None, "")
            and tri(res.attrs.get("sqs_managed_sse_enabled"), True) is not True
        ):
            continue  # SSE-SQS off or unknown: NET017's business
        cmk = _is_cmk(_get(res.attrs, path))
        if cmk is False:
            cmk, _ = _split_key(rg, res)
        if cmk is None:
            yield Hit(res, f"`{path}` is not known statically", path, Status.UNKNOWN)
        elif cmk is False:
            yield Hit(res, "encrypted with a provider-managed key, not a customer-managed KMS key", path)


def _s3_hits(rg: ResourceGraph) -> Iterator[Hit]:
    split = "aws_s3_bucket_server_side_encryption_configuration"
    for b in rg.resources("aws_s3_bucket"):
        configs = linked(rg, b, [split])
        where: Resource = configs[0] if configs else b
        prefix = "rule" if configs else "server_side_encryption_configuration.rule"
        path = f"{prefix}.apply_server_side_encryption_by_default"
        algo = _get(where.attrs, f"{path}.sse_algorithm")
        key = _get(where.attrs, f"{path}.kms_master_key_id")
        if isinstance(algo, Unresolved):
            yield _unknown(where, f"{path}.sse_algorithm", algo)
            continue
        if isinstance(algo, str) and algo.startswith("aws:kms"):
            cmk = _is_cmk(key)
            if cmk is None:
                yield Hit(
                    where,
                    f"`{path}.kms_master_key_id` is not known statically",
                    f"{path}.kms_master_key_id",
                    Status.UNKNOWN,
                )
            elif cmk is False:
                yield Hit(
                    where,
                    "bucket uses aws:kms with the AWS-managed key (aws/s3)",
                    f"{path}.kms_master_key_id",
                )
            continue
        what = "SSE-S3 (AES256)" if algo else "default SSE-S3 (no encryption configuration)"
        yield Hit(
            where, f"bucket is encrypted with {what}, not a customer-managed KMS key", f"{path}.sse_algorithm"
        )


@rule("NET018", area=NET, severity=Severity.LOW, title="Data encrypted with a provider-managed key")
def provider_managed_key(rg: ResourceGraph) -> Iterator[Hit]:
    """An encrypted data store whose key the provider manages: S3 with SSE-S3 or ``aws:kms``
    without ``kms_master_key_id``; EBS, RDS/Aurora, Neptune, DocumentDB, EFS, ElastiCache,
    OpenSearch, CloudWatch Logs, SNS/SQS without a KMS key of the account (an ``alias/aws/...``
    key is AWS-managed); DynamoDB without ``server_side_encryption.kms_key_arn``; Azure storage
    accounts and SQL servers without a Key Vault key (inline or
    ``azurerm_storage_account_customer_managed_key`` /
    ``azurerm_mssql_server_transparent_data_encryption``), Azure managed disks without
    ``disk_encryption_set_id``; GCP disks without ``disk_encryption_key``, BigQuery datasets
    without ``default_encryption_configuration``, Cloud Storage buckets without
    ``encryption.default_kms_key_name`` and Cloud SQL instances without ``encryption_key_name``.

    Why it matters
    --------------
    With a provider-managed key, anyone allowed to read the store reads the data: there is no
    separate key policy to restrict decryption, no way to revoke access by disabling the key,
    no per-key audit trail of decrypts, and (for AWS-managed keys) no cross-account sharing of
    encrypted snapshots.

    Remediation
    -----------
    Create a customer-managed key (``aws_kms_key`` with rotation, a Key Vault key, a Cloud KMS
    crypto key) with a least-privilege key policy and reference it from the store.

    Example
    -------
    .. code-block:: hcl

        resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
          bucket = aws_s3_bucket.logs.id
          rule {
            apply_server_side_encryption_by_default {
              sse_algorithm     = "aws:kms"
              kms_master_key_id = aws_kms_key.logs.arn
            }
          }
        }
    """
    yield from _store_key_hits(rg)
    yield from _s3_hits(rg)


# -- NET019 --------------------------------------------------------------------------------------
@rule("NET019", area=NET, severity=Severity.MEDIUM, title="KMS key without automatic rotation")
def key_rotation(rg: ResourceGraph) -> Iterator[Hit]:
    """A symmetric ``aws_kms_key`` without ``enable_key_rotation = true``, or a
    ``google_kms_crypto_key`` without ``rotation_period``.  Asymmetric and HMAC keys (which
    cannot rotate automatically) and ``aws_kms_external_key`` are not judged.

    Why it matters
    --------------
    A key that never rotates protects ever more data under the same material; a leaked or
    weakened key then exposes all of it, and most standards (CIS AWS 3.6, PCI DSS 3.6.4) ask
    for yearly rotation.

    Remediation
    -----------
    Set ``enable_key_rotation = true`` (optionally ``rotation_period_in_days``), or
    ``rotation_period = "7776000s"`` on a Cloud KMS key.

    Example
    -------
    .. code-block:: hcl

        resource "aws_kms_key" "data" {
          enable_key_rotation = true
        }
    """
    for k in rg.resources("aws_kms_key"):
        spec = k.attrs.get("customer_master_key_spec", "SYMMETRIC_DEFAULT")
        if isinstance(spec, Unresolved):
            yield _unknown(k, "customer_master_key_spec", spec)
            continue
        if spec != "SYMMETRIC_DEFAULT":
            continue
        v = k.attrs.get("enable_key_rotation")
        if isinstance(v, Unresolved):
            yield _unknown(k, "enable_key_rotation", v)
        elif tri(v, False) is False:
            yield Hit(
                k, "automatic key rotation is off", "enable_key_rotation", evidence={"enable_key_rotation": v}
            )
    for k in rg.resources("google_kms_crypto_key"):
        purpose = k.attrs.get("purpose", "ENCRYPT_DECRYPT")
        if purpose != "ENCRYPT_DECRYPT":
            continue
        v = k.attrs.get("rotation_period")
        if isinstance(v, Unresolved):
            yield _unknown(k, "rotation_period", v)
        elif v in (None, ""):
            yield Hit(k, "no rotation_period: the key never rotates", "rotation_period")
