"""Effective tags: a resource's own ``tags`` merged over its provider's ``default_tags``.

The provider configuration is ``Resource.provider`` (``aws``, ``aws.west``), so
``rg.get("provider." + r.provider)`` finds the right alias even for resources inside modules.
AWS ``default_tags`` is a nested block (``default_tags[0].tags``); Google's ``default_labels``
is a map merged under ``labels``.  Resource-level keys win over defaults, as in the provider.

Terraform 0.11 code writes ``tags { Name = "x" }`` as a block (no ``=``); it loads as a list
of blocks and is merged like a map.

Tag keys are compared *normalised* (lower case, ``-``/``_``/space removed, camelCase split
away), so ``CostCenter``, ``cost-center`` and ``cost_center`` are the same key.

Not every resource type accepts tags.  :func:`is_taggable` answers with the resource's own
attributes first (it has ``tags``/``labels``) and otherwise a curated list of the commonly
tagged AWS/Azure/GCP types; ``aws_autoscaling_group`` is tagged with ``tag`` blocks (and the
provider's ``default_tags`` do not reach it: provider docs), which :func:`effective_tags`
handles.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource
>>> rg = ResourceGraph()
>>> rg.add(Resource("provider.aws", "aws", block="provider",
...                 attrs={"default_tags": [{"tags": {"owner": "team-a", "env": "prod"}}]}))
>>> rg.add(Resource("aws_s3_bucket.b", "aws_s3_bucket", attrs={"tags": {"env": "dev"}}, provider="aws"))
>>> et = effective_tags(rg, rg["aws_s3_bucket.b"])
>>> et.tags, et.is_unknown
({'owner': 'team-a', 'env': 'dev'}, False)
>>> missing_keys(et, ["owner", "environment", "cost-center"], aliases={"environment": ["env"]})
['cost-center']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.model import Resource, Unresolved
from infra_review.model.environment import Environment, classify

__all__ = [
    "DEFAULT_REQUIRED_TAGS",
    "TAGGABLE_KINDS",
    "EffectiveTags",
    "effective_tags",
    "environment_of",
    "is_taggable",
    "missing_keys",
    "normalise_key",
    "provider_default_tags",
]

DEFAULT_REQUIRED_TAGS = ("owner", "environment", "cost-center")

#: Commonly tagged top-level types (checked when the resource sets no ``tags`` of its own).
TAGGABLE_KINDS = frozenset(
    {
        "aws_instance",
        "aws_vpc",
        "aws_subnet",
        "aws_security_group",
        "aws_s3_bucket",
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_rds_cluster_instance",
        "aws_lb",
        "aws_alb",
        "aws_elb",
        "aws_lb_target_group",
        "aws_launch_template",
        "aws_ebs_volume",
        "aws_eip",
        "aws_nat_gateway",
        "aws_internet_gateway",
        "aws_route_table",
        "aws_elasticache_cluster",
        "aws_elasticache_replication_group",
        "aws_dynamodb_table",
        "aws_lambda_function",
        "aws_ecs_cluster",
        "aws_ecs_service",
        "aws_ecs_task_definition",
        "aws_eks_cluster",
        "aws_eks_node_group",
        "aws_kms_key",
        "aws_iam_role",
        "aws_iam_policy",
        "aws_sqs_queue",
        "aws_sns_topic",
        "aws_cloudwatch_log_group",
        "aws_cloudwatch_metric_alarm",
        "aws_efs_file_system",
        "aws_ecr_repository",
        "aws_secretsmanager_secret",
        "aws_cloudfront_distribution",
        "aws_db_subnet_group",
        "aws_elasticache_subnet_group",
        "aws_network_acl",
        "aws_vpc_endpoint",
        "aws_acm_certificate",
        "aws_backup_vault",
        "aws_backup_plan",
        "aws_opensearch_domain",
        "aws_elasticsearch_domain",
        "aws_redshift_cluster",
        "aws_msk_cluster",
        "aws_docdb_cluster",
        "aws_api_gateway_rest_api",
        "aws_apigatewayv2_api",
        "aws_wafv2_web_acl",
        "aws_ssm_parameter",
        "aws_kinesis_stream",
        "aws_sfn_state_machine",
        "aws_autoscaling_group",
        "azurerm_resource_group",
        "azurerm_virtual_network",
        "azurerm_storage_account",
        "azurerm_linux_virtual_machine",
        "azurerm_windows_virtual_machine",
        "azurerm_kubernetes_cluster",
        "azurerm_mssql_server",
        "azurerm_postgresql_flexible_server",
        "azurerm_key_vault",
        "azurerm_network_security_group",
        "azurerm_public_ip",
        "google_compute_instance",
        "google_storage_bucket",
        "google_sql_database_instance",
        "google_container_cluster",
        "google_compute_disk",
    }
)

_NO_DEFAULT_TAGS = frozenset({"aws_autoscaling_group"})


@functools.lru_cache(maxsize=4096)
def normalise_key(key: str) -> str:
    """``CostCenter`` / ``cost-center`` / ``cost_center`` → ``costcenter``.

    >>> normalise_key("Cost-Center"), normalise_key("costCenter")
    ('costcenter', 'costcenter')
    """
    return re.sub(r"[\s_\-.:/]", "", key).lower()


@dataclass(frozen=True, slots=True)
class EffectiveTags:
    """Tags a resource ends up with.  ``unknown`` lists the parts that are not known statically.

    ``sources`` maps each key to where it came from (``resource`` / ``provider.aws``).
    """

    tags: dict[str, Any] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def is_unknown(self) -> bool:
        return bool(self.unknown)


def _block_tags(value: Any) -> Any:
    """AWS ``default_tags`` block → its ``tags`` map (or Unresolved)."""
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, list):
        merged: dict[str, Any] = {}
        for b in value:
            if isinstance(b, Unresolved):
                return b
            if isinstance(b, Mapping):
                t = b.get("tags", {})
                if isinstance(t, Unresolved):
                    return t
                merged.update(t or {})
        return merged
    if isinstance(value, Mapping):
        t = value.get("tags", value)
        return t
    return {}


def effective_tags(rg: ResourceGraph, res: Resource) -> EffectiveTags:
    """The merged tags of ``res`` (provider defaults under the resource's own)."""
    tags: dict[str, Any] = {}
    sources: dict[str, str] = {}
    unknown: list[str] = []
    is_google = res.kind.startswith("google_")
    own_attr = "labels" if is_google else "tags"
    if res.provider and res.kind not in _NO_DEFAULT_TAGS:
        prov = rg.get("provider." + res.provider)
        if prov is not None:
            defaults = (
                prov.attrs.get("default_labels") if is_google else _block_tags(prov.attrs.get("default_tags"))
            )
            if isinstance(defaults, Unresolved):
                unknown.append(f"{prov.address}.default_tags")
            elif isinstance(defaults, Mapping):
                for k, v in defaults.items():
                    tags[str(k)] = v
                    sources[str(k)] = prov.address
    own = res.attrs.get(own_attr)
    if isinstance(own, list):
        # Terraform 0.11 block syntax `tags { Name = "x" }` loads as a list of blocks
        for i, blk in enumerate(own):
            if isinstance(blk, Mapping):
                for k, v in blk.items():
                    tags[str(k)] = v
                    sources[str(k)] = "resource"
            else:
                unknown.append(f"{own_attr}[{i}]")
    elif isinstance(own, Unresolved):
        unknown.append(own_attr)
    elif isinstance(own, Mapping):
        for k, v in own.items():
            tags[str(k)] = v
            sources[str(k)] = "resource"
    if res.kind == "aws_autoscaling_group":
        for i, blk in enumerate(res.attrs.get("tag") or []):
            if isinstance(blk, Unresolved):
                unknown.append(f"tag[{i}]")
            elif isinstance(blk, Mapping) and isinstance(blk.get("key"), str):
                tags[blk["key"]] = blk.get("value")
                sources[blk["key"]] = "resource"
            elif isinstance(blk, Mapping):
                unknown.append(f"tag[{i}].key")
    k8s_labels = None
    if res.block == "k8s":
        md = res.attrs.get("metadata", {})
        k8s_labels = md.get("labels") if isinstance(md, Mapping) else None
        if isinstance(k8s_labels, Unresolved):
            unknown.append("metadata.labels")
        elif isinstance(k8s_labels, Mapping):
            for k, v in k8s_labels.items():
                tags[str(k)] = v
                sources[str(k)] = "resource"
    return EffectiveTags(tags, tuple(unknown), sources)


def is_taggable(res: Resource) -> bool:
    """True when the resource takes tags (it sets ``tags``/``labels`` or its type is listed)."""
    if res.block != "resource":
        return False
    return "tags" in res.attrs or "labels" in res.attrs or res.kind in TAGGABLE_KINDS


def missing_keys(
    et: EffectiveTags,
    required: Iterable[str] = DEFAULT_REQUIRED_TAGS,
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> list[str]:
    """Required keys absent from ``et`` (compared normalised; ``aliases`` add accepted spellings).

    A key whose value is empty counts as missing; an unknown value counts as present.
    """
    have = {normalise_key(k) for k, v in et.tags.items() if isinstance(v, Unresolved) or str(v).strip()}
    out = []
    for key in required:
        names = {normalise_key(key), *(normalise_key(a) for a in (aliases or {}).get(key, ()))}
        if not names & have:
            out.append(key)
    return out


def provider_default_tags(rg: ResourceGraph, res: Resource) -> Mapping[str, Any] | None:
    """The tags the provider configuration of ``res`` applies to it by default, when statically known.

    AWS ``default_tags { tags = {...} }`` (Google: ``default_labels``) of
    :meth:`ResourceGraph.provider_of`; ``None`` without a provider, defaults or a known value,
    and for ``aws_autoscaling_group``, which the provider's default tags do not reach.
    """
    prov = rg.provider_of(res)
    if prov is None or res.kind in _NO_DEFAULT_TAGS:
        return None
    if res.kind.startswith("google_"):
        defaults = prov.attrs.get("default_labels")
    else:
        defaults = _block_tags(prov.attrs.get("default_tags"))
    return defaults if isinstance(defaults, Mapping) and defaults else None


def environment_of(rg: ResourceGraph, res: Resource) -> Environment:
    """The environment of ``res`` (:func:`~infra_review.model.environment.classify`), provider
    default tags included.

    >>> rg = ResourceGraph()
    >>> rg.add(Resource("provider.aws", "aws", block="provider",
    ...                 attrs={"default_tags": [{"tags": {"Environment": "production"}}]}))
    >>> rg.add(Resource("aws_s3_bucket.b", "aws_s3_bucket", provider="aws"))
    >>> environment_of(rg, rg["aws_s3_bucket.b"])
    Environment(tier='prod', why='provider default_tag Environment=production')
    """
    return classify(_with_asg_tags(res), provider_default_tags(rg, res))


def _with_asg_tags(res: Resource) -> Resource:
    """An ASG's ``tag { key value }`` blocks as the ``tags`` map the classifier reads.

    ``aws_autoscaling_group`` writes its tags as blocks (see :func:`effective_tags`); the other
    resources are returned unchanged.
    """
    blocks = res.attrs.get("tag")
    if res.kind != "aws_autoscaling_group" or "tags" in res.attrs or not isinstance(blocks, list):
        return res
    tags = {
        b["key"]: b.get("value") for b in blocks if isinstance(b, Mapping) and isinstance(b.get("key"), str)
    }
    return replace(res, attrs={**res.attrs, "tags": tags}) if tags else res
