"""Reading nested blocks and references of resource attributes, and locating them in the source.

>>> r = Resource("aws_ecs_service.s", "aws_ecs_service",
...              attrs={"deployment_controller": [{"type": "ECS"}], "load_balancer": {"port": 80}})
>>> block_of(r, "deployment_controller"), blocks(r, "load_balancer"), json_list('[{"name": "app"}]')
({'type': 'ECS'}, [{'port': 80}], [{'name': 'app'}])
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from infra_review.model import Resource, SourceLocation, Unresolved
from infra_review.model.coerce import as_list, first_block

__all__ = ["block_of", "blocks", "json_list", "loc", "ref_targets"]


def loc(res: Resource, path: str = "", line: int = 0) -> SourceLocation | None:
    """Source location of ``path`` inside ``res`` (falls back to the resource's line)."""
    if not res.source:
        return None
    lines = res.meta.get("lines") or {}
    ln = line or lines.get(path) or res.source.line
    return SourceLocation(res.source.file, int(ln), int(ln))


def blocks(res: Resource, name: str) -> list[Mapping[str, Any]]:
    """Terraform nested block ``name`` as a list of dicts (Unresolved entries dropped)."""
    val = res.attrs.get(name)
    if isinstance(val, Mapping):
        return [val]
    return [b for b in as_list(val) if isinstance(b, Mapping)]


def block_of(obj: Resource | Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """Nested block ``name`` of a resource or mapping, written once (``{}`` when absent)."""
    attrs = obj.attrs if isinstance(obj, Resource) else obj
    return first_block(attrs.get(name))


def json_list(value: Any) -> list[Any] | Unresolved | None:
    """A JSON list given as text (``container_definitions``) or already decoded."""
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        try:
            val = json.loads(value)
        except ValueError:
            return None
        return val if isinstance(val, list) else None
    return None


def ref_targets(value: Any) -> set[str]:
    """Addresses an attribute value refers to (through :class:`Unresolved` refs)."""
    out: set[str] = set()
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, Unresolved):
            out.update(v.refs)
        elif isinstance(v, Mapping):
            stack.extend(v.values())
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
    return out
