"""Red flag: public storage and databases in AWS, GCP and Azure (RED006).

Catalog corrections (RULES.md draft → provider docs):

- RED006: new S3 buckets get Block Public Access and ``BucketOwnerEnforced`` by default since
  April 2023, but a bucket created earlier, imported, or with an explicit
  ``aws_s3_bucket_public_access_block`` set to ``false`` is not covered; the bucket-level
  resource's four arguments default to ``false``.  A bucket with no complete public access
  block (and no ``aws_s3_account_public_access_block``) is reported as **high**; a public
  ACL or policy that the block does not neutralise is **critical**.
- RED006 Azure: ``allow_nested_items_to_be_public`` defaults to ``true`` in the azurerm
  provider (Azure's own default is false); a container is anonymous-readable only with
  ``container_access_type`` ``blob``/``container`` on such an account.  An Azure SQL
  firewall rule ``0.0.0.0``–``0.0.0.0`` is the "Allow Azure services" switch: any tenant's
  Azure resources, reported as medium.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from infra_review.analysis.iam import (
    assess_statement as _assess_statement,
)
from infra_review.analysis.iam import (
    gcp_bindings,
    json_template_text,
    parse_policy_json,
    statements_from_document_block,
)
from infra_review.analysis.storage import (
    GCP_DATA_SCOPES,
    GCP_PUBLIC_MEMBERS,
    bucket_public_access_block,
    linked,
)
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, Status, Unresolved
from infra_review.model.coerce import first_block, tri
from infra_review.rules._registry import Hit, rule

__all__: list[str] = []


_PUBLIC_ACLS = {
    "public-read": "public read",
    "public-read-write": "public read/write",
    "authenticated-read": "any AWS account",
}
_PUBLIC_GRANTEE = re.compile(r"acs\.amazonaws\.com/groups/global/(AllUsers|AuthenticatedUsers)")


def _acl_grants(res: Resource, prefix: str = "") -> tuple[list[tuple[str, str]], bool]:
    """Public ACL grants of a bucket or ``aws_s3_bucket_acl``: ``([(attribute, what)], unknown)``."""
    found: list[tuple[str, str]] = []
    unknown = False
    acl = res.attrs.get("acl")
    if isinstance(acl, Unresolved):
        unknown = True
    elif isinstance(acl, str) and acl in _PUBLIC_ACLS:
        found.append((f"{prefix}acl", f'acl "{acl}" ({_PUBLIC_ACLS[acl]})'))
    grants: list[Any] = []
    for g in res.attrs.get("grant") or []:
        grants.append(("grant", g))
    acp = first_block(res.attrs.get("access_control_policy"))
    for g in acp.get("grant") or []:
        grants.append(("access_control_policy.grant", g))
    for i, (path, g) in enumerate(grants):
        if isinstance(g, Unresolved):
            unknown = True
            continue
        if not isinstance(g, Mapping):
            continue
        grantee = first_block(g.get("grantee")) or g
        uri = grantee.get("uri")
        if isinstance(uri, Unresolved):
            unknown = True
        elif isinstance(uri, str) and (m := _PUBLIC_GRANTEE.search(uri)):
            found.append((f"{prefix}{path}[{i}]", f"ACL grant to {m.group(1)}"))
    return found, unknown


def _policy_statements(rg: ResourceGraph, value: Any) -> tuple[list[Any], bool]:
    """Statements of a bucket-policy value (JSON, jsonencode, or a linked policy document)."""
    if isinstance(value, Unresolved) and json_template_text(value) is None:
        stmts: list[Any] = []
        docs = [rg.get(r) for r in value.refs]
        docs = [d for d in docs if d is not None and d.kind == "aws_iam_policy_document"]
        if not docs:
            return [], True
        for d in docs:
            parsed = statements_from_document_block(d.attrs)
            if isinstance(parsed, Unresolved):
                return [], True
            stmts.extend(parsed)
        return stmts, False
    parsed2 = parse_policy_json(value)
    if isinstance(parsed2, Unresolved):
        return [], True
    return list(parsed2), False


def _public_statements(rg: ResourceGraph, value: Any) -> tuple[list[Any], bool]:
    stmts, unknown = _policy_statements(rg, value)
    out = []
    for s in stmts:
        for issue in _assess_statement(s, "resource"):
            if issue.code == "public_principal":
                if issue.known:
                    out.append(s)
                else:
                    unknown = True
    return out, unknown


# -- RED006 public storage / databases -------------------------------------------------------------

_PUBLIC_DB_KINDS = (
    "aws_db_instance",
    "aws_rds_cluster_instance",
    "aws_redshift_cluster",
    "aws_dms_replication_instance",
    "aws_mq_broker",
    "aws_docdb_cluster_instance",
)
_AZ_FIREWALL = (
    "azurerm_mssql_firewall_rule",
    "azurerm_sql_firewall_rule",
    "azurerm_postgresql_firewall_rule",
    "azurerm_mysql_firewall_rule",
    "azurerm_mariadb_firewall_rule",
    "azurerm_postgresql_flexible_server_firewall_rule",
    "azurerm_mysql_flexible_server_firewall_rule",
    "azurerm_synapse_firewall_rule",
    "azurerm_redis_firewall_rule",
    "azurerm_cosmosdb_account",
)


def _s3_public(rg: ResourceGraph, bucket: Resource) -> Iterator[Hit]:
    covered, flags = bucket_public_access_block(rg, bucket)
    acls: list[tuple[str, str]] = []
    unknown_parts: list[str] = []
    own, unk = _acl_grants(bucket)
    acls += own
    if unk:
        unknown_parts.append("acl")
    for acl_res in linked(rg, bucket, ["aws_s3_bucket_acl"]):
        found, unk = _acl_grants(acl_res, f"{acl_res.address}.")
        acls += found
        if unk:
            unknown_parts.append(acl_res.address)
    policies: list[tuple[str, Any]] = []
    if bucket.attrs.get("policy") is not None:
        policies.append(("policy", bucket.attrs["policy"]))
    for pol in linked(rg, bucket, ["aws_s3_bucket_policy"]):
        if pol.attrs.get("policy") is not None:
            policies.append((f"{pol.address}.policy", pol.attrs["policy"]))
    public_stmts: list[tuple[str, Any]] = []
    for where, value in policies:
        stmts, unk = _public_statements(rg, value)
        public_stmts += [(where, s) for s in stmts]
        if unk:
            unknown_parts.append(where)
    # BucketOwnerEnforced disables ACLs altogether (S3 object ownership docs)
    enforced = any(
        first_block(oc.attrs.get("rule")).get("object_ownership") == "BucketOwnerEnforced"
        for oc in linked(rg, bucket, ["aws_s3_bucket_ownership_controls"])
    )
    acl_blocked = enforced or flags["ignore_public_acls"] is True or flags["block_public_acls"] is True
    policy_blocked = flags["restrict_public_buckets"] is True or flags["block_public_policy"] is True
    reasons: list[str] = []
    attribute = ""
    ev: dict[str, Any] = {"public_access_block": flags}
    if acls and not acl_blocked:
        reasons += [what for _, what in acls]
        attribute = acls[0][0]
        ev["acl"] = [{"attribute": a, "grant": w} for a, w in acls]
    if public_stmts and not policy_blocked:
        reasons.append('bucket policy allows Principal "*" without a Condition')
        attribute = attribute or public_stmts[0][0]
        ev["statements"] = [s.to_evidence() for _, s in public_stmts]
    if reasons:
        blocked_unknown = any(v is None for v in flags.values())
        yield Hit(
            bucket,
            f"S3 bucket is public: {'; '.join(reasons)}",
            attribute,
            Status.UNKNOWN if blocked_unknown else Status.FAIL,
            evidence=ev,
        )
        return
    if covered is True:
        return
    if (covered is None or unknown_parts) and covered is None:
        yield Hit(
            bucket,
            "public access block flags are not known statically",
            "public_access_block",
            Status.UNKNOWN,
            evidence={**ev, "unknown": unknown_parts},
        )
        return
    off = [f for f, v in flags.items() if v is not True]
    has_pab = bool(linked(rg, bucket, ["aws_s3_bucket_public_access_block"]))
    msg = (
        f"public access block leaves {', '.join(off)} off"
        if has_pab
        else "no aws_s3_bucket_public_access_block and no account-level block"
    )
    yield Hit(bucket, msg, "public_access_block", severity=Severity.HIGH, evidence={**ev, "off": off})


def _bigquery_public(rg: ResourceGraph) -> Iterator[Hit]:
    """Inline ``access`` blocks of ``google_bigquery_dataset`` and ``google_bigquery_dataset_access``
    granting ``allUsers``/``allAuthenticatedUsers`` (``special_group`` or ``iam_member``)."""
    for ds in rg.resources("google_bigquery_dataset", "google_bigquery_dataset_access"):
        if ds.kind == "google_bigquery_dataset":
            entries = ds.attrs.get("access")
            entries = entries if isinstance(entries, list) else [entries] if entries is not None else []
            attr = "access"
        else:
            entries, attr = [dict(ds.attrs)], "special_group"
        unknown = False
        for entry in entries:
            if isinstance(entry, Unresolved):
                unknown = True
                continue
            if not isinstance(entry, Mapping):
                continue
            who = [entry.get("special_group"), entry.get("iam_member")]
            public = [w for w in who if isinstance(w, str) and w in GCP_PUBLIC_MEMBERS]
            unknown = unknown or any(isinstance(w, Unresolved) for w in who)
            if public:
                role = entry.get("role")
                yield Hit(
                    ds,
                    f"BigQuery dataset access{' ' + role if isinstance(role, str) else ''} granted to "
                    f"{', '.join(public)}",
                    attr,
                    evidence={"role": role if isinstance(role, str) else None, "members": public},
                )
                break
        else:
            if unknown:
                yield Hit(ds, "dataset access entries not known statically", attr, Status.UNKNOWN)


def _cloud_sql_public(res: Resource) -> Iterator[Hit]:
    settings = res.attrs.get("settings")
    if isinstance(settings, Unresolved):
        yield Hit(res, "Cloud SQL settings not known statically", "settings", Status.UNKNOWN)
        return
    for i, s in enumerate(settings or []):
        if not isinstance(s, Mapping):
            continue
        for j, ipc in enumerate(s.get("ip_configuration") or []):
            if not isinstance(ipc, Mapping) or tri(ipc.get("ipv4_enabled")) is False:
                continue
            for k, net in enumerate(ipc.get("authorized_networks") or []):
                if not isinstance(net, Mapping):
                    continue
                v = net.get("value")
                path = f"settings[{i}].ip_configuration[{j}].authorized_networks[{k}].value"
                if isinstance(v, Unresolved):
                    yield Hit(res, "authorized network not known statically", path, Status.UNKNOWN)
                elif v in ("0.0.0.0/0", "::/0"):
                    yield Hit(
                        res,
                        f"Cloud SQL instance accepts connections from {v}",
                        path,
                        evidence={"authorized_network": v},
                    )
                    return


@rule(
    "RED006",
    area=Area.RED_FLAGS,
    severity=Severity.CRITICAL,
    title="Public storage bucket or database",
    checkov=(
        "CKV2_AWS_6",
        "CKV_AWS_53",
        "CKV_AWS_54",
        "CKV_AWS_55",
        "CKV_AWS_56",
        "CKV_AWS_57",
        "CKV_AWS_20",
        "CKV_AWS_70",
        "CKV_AWS_17",
        "CKV_GCP_28",
        "CKV_GCP_11",
        "CKV_AZURE_34",
        "CKV_AZURE_11",
    ),
    no_env_downgrade=True,
)
def public_data(rg: ResourceGraph) -> Iterator[Hit]:
    """Data is reachable by anyone: a public S3 bucket (ACL or policy not neutralised by an all-true public
    access block, or no block at all), a publicly accessible database, a public GCS bucket or Cloud SQL
    network, a public Azure container or an all-open SQL firewall.

    S3, both styles: legacy ``acl``/``grant``/``policy`` on ``aws_s3_bucket``, and the v5
    split resources ``aws_s3_bucket_acl`` / ``aws_s3_bucket_policy`` /
    ``aws_s3_bucket_public_access_block`` linked by ``bucket`` (followed by reference, not by
    name).  ``ignore_public_acls``/``block_public_acls`` (or ``aws_s3_bucket_ownership_controls``
    with ``BucketOwnerEnforced``) neutralise ACL grants, ``restrict_public_buckets``/
    ``block_public_policy`` public policies.
    Databases: ``publicly_accessible = true`` (RDS, Aurora instances, Redshift, DMS, MQ).
    GCP: ``google_storage_bucket_iam_*``/``data.google_iam_policy`` granting ``allUsers`` or
    ``allAuthenticatedUsers`` (unless the bucket enforces ``public_access_prevention``), legacy
    ACL entities, buckets without uniform bucket-level access (medium), BigQuery datasets and
    tables shared with ``allUsers``/``allAuthenticatedUsers`` (``access`` blocks,
    ``google_bigquery_dataset_access``, ``*_iam_*``), Cloud SQL ``authorized_networks``
    ``0.0.0.0/0``.  Azure: ``azurerm_storage_container``
    ``container_access_type`` ``blob``/``container`` on an account that allows public nested
    items; SQL/PostgreSQL/MySQL firewall rules ``0.0.0.0``–``255.255.255.255``.

    Why it matters
    --------------
    Public buckets and databases are the most common cause of mass data leaks; scanners find
    them within hours, and the data is copied before anyone notices.

    Remediation
    -----------
    Add an all-true ``aws_s3_bucket_public_access_block`` (and an account-level one), serve
    public content through CloudFront with origin access control, set
    ``publicly_accessible = false``, ``public_access_prevention = "enforced"``,
    ``allow_nested_items_to_be_public = false`` and private endpoints.

    Example
    -------
    .. code-block:: hcl

        resource "aws_s3_bucket_public_access_block" "uploads" {
          bucket                  = aws_s3_bucket.uploads.id
          block_public_acls       = true
          block_public_policy     = true
          ignore_public_acls      = true
          restrict_public_buckets = true
        }
    """
    yield from _aws_public_data(rg)
    yield from _gcp_public_data(rg)
    yield from _azure_public_data(rg)


def _aws_public_data(rg: ResourceGraph) -> Iterator[Hit]:
    """RED006 for S3 buckets and publicly accessible AWS databases."""
    for b in rg.resources("aws_s3_bucket"):
        if b.block == "resource":
            yield from _s3_public(rg, b)
    for db in rg.resources(*_PUBLIC_DB_KINDS):
        v = db.attrs.get("publicly_accessible")
        if isinstance(v, Unresolved):
            yield Hit(
                db, "`publicly_accessible` is not known statically", "publicly_accessible", Status.UNKNOWN
            )
        elif tri(v) is True:
            yield Hit(db, f"{db.kind} is `publicly_accessible = true`", "publicly_accessible")


def _gcp_public_data(rg: ResourceGraph) -> Iterator[Hit]:
    """RED006 for GCS buckets (access prevention, IAM, ACLs), BigQuery and Cloud SQL."""
    enforced: dict[str, bool | None] = {}
    yield from _gcs_bucket_access(rg, enforced)
    yield from _gcp_public_bindings(rg, enforced)
    for acl in rg.resources(
        "google_storage_bucket_acl",
        "google_storage_default_object_acl",
        "google_storage_bucket_access_control",
        "google_storage_default_object_access_control",
        "google_storage_object_access_control",
        "google_storage_object_acl",
    ):
        entities = acl.attrs.get("role_entity") or [acl.attrs.get("entity")]
        hits = [
            e
            for e in entities
            if isinstance(e, str) and re.search(r"(^|:)(allUsers|allAuthenticatedUsers)$", e)
        ]
        if hits:
            yield Hit(
                acl,
                f"GCS ACL grants {', '.join(hits)}",
                "role_entity" if "role_entity" in acl.attrs else "entity",
            )
    yield from _bigquery_public(rg)
    for sql in rg.resources("google_sql_database_instance"):
        yield from _cloud_sql_public(sql)


def _gcs_bucket_access(rg: ResourceGraph, enforced: dict[str, bool | None]) -> Iterator[Hit]:
    """Buckets without uniform bucket-level access; records each bucket's public access prevention."""
    for gb in rg.resources("google_storage_bucket"):
        pap = gb.attrs.get("public_access_prevention")
        enforced[gb.address] = None if isinstance(pap, Unresolved) else pap == "enforced"
        ubla = gb.attrs.get("uniform_bucket_level_access")
        if enforced[gb.address] is True:
            continue
        if isinstance(ubla, Unresolved):
            yield Hit(
                gb,
                "`uniform_bucket_level_access` is not known statically",
                "uniform_bucket_level_access",
                Status.UNKNOWN,
            )
        elif tri(ubla) is not True:
            yield Hit(
                gb,
                "bucket without uniform bucket-level access: object ACLs can make objects public",
                "uniform_bucket_level_access",
                severity=Severity.MEDIUM,
            )


def _gcp_public_bindings(rg: ResourceGraph, enforced: Mapping[str, bool | None]) -> Iterator[Hit]:
    """IAM bindings granting a data scope to ``allUsers``/``allAuthenticatedUsers``."""
    for bnd in gcp_bindings(rg):
        unused_policy = bnd.resource.block == "data" and bnd.scope == "unknown"
        if bnd.scope not in GCP_DATA_SCOPES and not unused_policy:
            continue
        public = [m for m in bnd.members if isinstance(m, str) and m in GCP_PUBLIC_MEMBERS]
        unknown = any(isinstance(m, Unresolved) for m in bnd.members)
        if not public and not unknown:
            continue
        if bnd.scope == "unknown" and not public:
            continue
        targets = linked(rg, bnd.resource, ["google_storage_bucket"], attr="bucket", name_attr="name")
        bucket_refs = bnd.resource.attrs.get("bucket")
        prevention = [
            enforced.get(a) for a in (bucket_refs.refs if isinstance(bucket_refs, Unresolved) else ())
        ]
        del targets
        if prevention and all(p is True for p in prevention):
            continue
        if public:
            what = {"dataset": "BigQuery dataset", "table": "BigQuery table"}.get(bnd.scope, "GCS bucket")
            yield Hit(
                bnd.resource,
                f"{what} role {bnd.role} granted to {', '.join(public)}",
                bnd.attribute,
                evidence={
                    "role": bnd.role if isinstance(bnd.role, str) else str(bnd.role),
                    "members": public,
                },
            )
        else:
            yield Hit(bnd.resource, "bucket IAM members not known statically", bnd.attribute, Status.UNKNOWN)


def _azure_public_data(rg: ResourceGraph) -> Iterator[Hit]:
    """RED006 for anonymous-readable storage containers and wide-open database firewalls."""
    accounts_public: dict[str, bool | None] = {}
    for acct in rg.resources("azurerm_storage_account"):
        v = acct.attrs.get("allow_nested_items_to_be_public")
        accounts_public[acct.address] = None if isinstance(v, Unresolved) else (tri(v) is not False)
    for c in rg.resources("azurerm_storage_container"):
        t = c.attrs.get("container_access_type", "private")
        if isinstance(t, Unresolved):
            yield Hit(
                c, "`container_access_type` is not known statically", "container_access_type", Status.UNKNOWN
            )
            continue
        if t not in ("blob", "container"):
            continue
        accts = list(
            linked(rg, c, ["azurerm_storage_account"], attr="storage_account_name", name_attr="name")
            + linked(rg, c, ["azurerm_storage_account"], attr="storage_account_id")
        )
        refs: set[str] = set()
        for k in ("storage_account_name", "storage_account_id"):
            v = c.attrs.get(k)
            if isinstance(v, Unresolved):
                refs |= set(v.refs)
        states = [accounts_public.get(a) for a in refs if a in accounts_public] or [
            accounts_public.get(a.address) for a in accts
        ]
        if states and all(s is False for s in states):
            continue
        status = Status.FAIL if states and any(s is True for s in states) else Status.UNKNOWN
        yield Hit(
            c,
            f"container allows anonymous {'listing and ' if t == 'container' else ''}reads "
            f'(`container_access_type = "{t}"`)',
            "container_access_type",
            status,
        )
    for fw in rg.resources(*_AZ_FIREWALL):
        if fw.kind == "azurerm_cosmosdb_account":
            continue
        start, end = fw.attrs.get("start_ip_address"), fw.attrs.get("end_ip_address")
        if isinstance(start, Unresolved) or isinstance(end, Unresolved):
            yield Hit(fw, "firewall range not known statically", "start_ip_address", Status.UNKNOWN)
        elif start == "0.0.0.0" and end == "255.255.255.255":
            yield Hit(
                fw,
                "database firewall allows every IPv4 address (0.0.0.0–255.255.255.255)",
                "start_ip_address",
            )
        elif start == "0.0.0.0" and end == "0.0.0.0":
            yield Hit(
                fw,
                '"Allow Azure services" rule: any Azure tenant\'s resources can connect',
                "start_ip_address",
                severity=Severity.MEDIUM,
            )
