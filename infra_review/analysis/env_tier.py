"""The environment of a resource in its graph: :func:`~infra_review.model.environment.classify`
with the provider's ``default_tags``.

>>> from infra_review.model import Resource
>>> rg = ResourceGraph()
>>> rg.add(Resource("provider.aws", "aws", block="provider",
...                 attrs={"default_tags": [{"tags": {"Environment": "production"}}]}))
>>> environment_of(rg, Resource("aws_db_instance.main", "aws_db_instance", provider="aws")).tier
'prod'
>>> rg.add(Resource("provider.google", "google", block="provider", attrs={"default_labels": {"env": "dev"}}))
>>> environment_of(rg, Resource("google_sql_database_instance.db", "google_sql_database_instance",
...                             provider="google")).why
'provider default_tag env=dev'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.model import Resource
from infra_review.model.environment import Environment, classify

__all__ = ["environment_of", "provider_default_tags"]


def provider_default_tags(rg: ResourceGraph | None, res: Resource) -> Mapping[str, Any]:
    """The default tags of the provider configuration ``res`` uses (``{}`` when none).

    AWS ``default_tags { tags = {...} }``; Google ``default_labels = {...}``.
    """
    if rg is None or not res.provider:
        return {}
    prov = rg.get("provider." + res.provider)
    if prov is None:
        return {}
    blocks = prov.attrs.get("default_tags")
    if isinstance(blocks, list):
        for b in blocks:
            if isinstance(b, Mapping) and isinstance(b.get("tags"), Mapping):
                return b["tags"]
    labels = prov.attrs.get("default_labels")
    return labels if isinstance(labels, Mapping) else {}


def environment_of(rg: ResourceGraph | None, res: Resource) -> Environment:
    """The environment tier of ``res`` (its tags, its provider's default tags, names, paths)."""
    return classify(res, provider_default_tags(rg, res))
