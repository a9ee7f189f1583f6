"""One environment classifier: is a resource production, pre-production, or dev/test/sandbox?

Every layer asks this question through :func:`classify` — the review's severity drop for
dev/test/sandbox resources, the "production without monitoring/backups" rules, the blast-radius
weighting — so that ``staging`` or ``demo`` mean the same thing everywhere.

Evidence is read in this order, the first that decides wins:

1. the resource's own ``tags``/``tags_all``/``labels`` (and Kubernetes ``metadata.labels``)
   under ``environment``/``env``/``stage`` (any case);
2. the provider's ``default_tags`` (passed in by the caller, who has the graph);
3. a word of the resource name, Kubernetes namespace or module call names;
4. a directory of the **root that instantiates it** (``envs/dev//module.app.aws_db_instance.x``
   is dev even though its file is ``modules/app/main.tf``) and of its own file path
   (``tests/`` counts as test).

Words: :data:`PROD_WORDS` (``prod``, ``production``, ``prd``, ``live``), :data:`PREPROD_WORDS`
(``staging``, ``stage``, ``stg``, ``preprod``, ``uat``, ``qa``: they mirror production and keep
their severity), :data:`NONPROD_WORDS` (``dev``, ``test``, ``sandbox``, ``demo``, …).

>>> from infra_review.model.core import Resource
>>> classify(Resource("aws_instance.x", "aws_instance", attrs={"tags": {"Environment": "Dev"}}))
Environment(tier='nonprod', why='tag Environment=Dev')
>>> classify(Resource("aws_instance.x", "aws_instance", attrs={"tags": {"env": "staging"}})).tier
'preprod'
>>> classify(Resource("aws_db_instance.demo_db", "aws_db_instance")).why
'name demo_db'
>>> classify(Resource("envs/dev//module.app.aws_db_instance.main", "aws_db_instance",
...                   module="module.app")).why
'root envs/dev'
>>> classify(Resource("aws_instance.latest", "aws_instance")).tier
'unknown'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from infra_review.model.core import Resource

__all__ = [
    "ENV_KEYS",
    "NONPROD_WORDS",
    "PREPROD_WORDS",
    "PROD_WORDS",
    "Environment",
    "classify",
    "classify_words",
    "root_of",
]

Tier = Literal["prod", "preprod", "nonprod", "unknown"]

PROD_WORDS = frozenset({"prod", "production", "prd", "live"})
PREPROD_WORDS = frozenset({"staging", "stage", "stg", "preprod", "uat", "qa"})
NONPROD_WORDS = frozenset(
    {
        "dev",
        "develop",
        "development",
        "test",
        "testing",
        "sandbox",
        "sbx",
        "tmp",
        "demo",
        "scratch",
        "playground",
    }
)
#: Tag / label keys read for the environment (compared case-insensitively).
ENV_KEYS = frozenset({"environment", "env", "stage"})
_SPLIT = re.compile(r"[^a-z0-9]+")
_NON_PROD = re.compile(r"non[-_ ]?prod", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Environment:
    """The tier of a resource and the evidence that decided it (``""`` when ``unknown``)."""

    tier: Tier
    why: str = ""

    @property
    def is_nonprod(self) -> bool:
        """dev/test/sandbox: findings drop one severity level."""
        return self.tier == "nonprod"

    @property
    def is_prod(self) -> bool:
        """Marked production explicitly (tag, name or root)."""
        return self.tier == "prod"

    @property
    def treated_as_prod(self) -> bool:
        """Production unless marked dev/test/sandbox (the conservative reading for red flags)."""
        return self.tier != "nonprod"


UNKNOWN = Environment("unknown")


@functools.lru_cache(maxsize=65536)
def classify_words(text: str, *, paths: bool = False) -> Tier:
    """The tier named by the words of ``text`` (``dev-eu`` → nonprod), else ``unknown``.

    With ``paths=True`` a ``tests`` directory also counts as nonprod.
    """
    if _NON_PROD.search(text):
        return "nonprod"
    words = set(_SPLIT.split(text.lower()))
    if words & NONPROD_WORDS or (paths and "tests" in words):
        return "nonprod"
    if words & PREPROD_WORDS:
        return "preprod"
    if words & PROD_WORDS:
        return "prod"
    return "unknown"


def _from_mapping(tags: Any) -> Environment | None:
    if isinstance(tags, list):  # Terraform 0.11 ``tags { ... }`` written as a block
        for block in tags:
            found = _from_mapping(block)
            if found:
                return found
        return None
    if not isinstance(tags, Mapping):
        return None
    for k, v in tags.items():
        if isinstance(k, str) and k.lower() in ENV_KEYS and isinstance(v, str):
            tier = classify_words(v)
            if tier != "unknown":
                return Environment(tier, f"tag {k}={v}")
    return None


def root_of(address: str) -> str:
    """The directory of the root that instantiates ``address`` (``""`` for the top root)."""
    return address.split("//", 1)[0] if "//" in address else ""


def _names(res: Resource) -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []
    parts = res.address.split("/")
    if res.block == "k8s" and len(parts) >= 4:
        names += [("name", str(res.meta.get("name", parts[-1]))), ("namespace", parts[-2])]
    else:
        names.append(("name", res.name))
    for part in res.module.split("."):
        if part and part != "module":
            names.append(("module", re.sub(r"\[.*$", "", part)))
    return names


@functools.lru_cache(maxsize=16384)
def _dirs_tier(path: str, label: str, with_file: bool) -> Environment | None:
    parts = PurePosixPath(path).parts
    for d in parts[:-1] if with_file else parts:
        tier = classify_words(d, paths=True) if d.lower() != "tests" else "nonprod"
        if tier == "nonprod" or (tier != "unknown" and label == "root"):
            return Environment(tier, f"{label} {path}" if label == "root" else f"path {d}/")
    return None


def classify(res: Resource, default_tags: Mapping[str, Any] | None = None) -> Environment:
    """The environment of ``res`` (see the module docstring for the order of evidence)."""
    attrs = res.attrs
    for key in ("tags", "tags_all", "labels"):
        found = _from_mapping(attrs.get(key))
        if found:
            return found
    meta = attrs.get("metadata")
    if isinstance(meta, Mapping):
        found = _from_mapping(meta.get("labels"))
        if found:
            return found
    found = _from_mapping(default_tags or {})
    if found:
        return Environment(found.tier, "provider default_" + found.why)
    for what, name in _names(res):
        tier = classify_words(str(name))
        if tier != "unknown":
            return Environment(tier, f"{what} {name}")
    root = root_of(res.address)
    if root:
        found = _dirs_tier(root, "root", False)
        if found:
            return found
    if res.file:
        found = _dirs_tier(res.file, "path", True)
        if found and found.tier == "nonprod":
            return found
    return UNKNOWN
