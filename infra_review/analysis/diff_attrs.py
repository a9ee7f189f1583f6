"""Attribute-level comparison of two resources, with secrets redacted (change review, issue 14).

Attributes are flattened to leaf paths (``ingress[0].cidr_blocks[1]``, ``tags.env``) and the
leaves compared; values are shown in a display form: unresolved values as ``${expr}``, long
strings cut, and values under secret-like keys, or that look like secrets, redacted.

>>> old, new = {"a": 1, "b": {"c": "x", "d": "y"}}, {"a": 2, "b": {"d": "y"}}
>>> [(c.path, c.old, c.new) for c in attr_changes(old, new)]
[('a', 1, 2), ('b.c', 'x', None)]
>>> attr_changes({"master_password": "hunter2-hunter2"}, {"master_password": "n3w-Passw0rd!!"})[0].new
'n3…(redacted, 14 chars)'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from infra_review.analysis.secrets import is_secret_key, redact, scan_value
from infra_review.model import Unresolved

__all__ = ["MAX_CHANGES", "AttrChange", "attr_changes", "display_value", "flatten"]

#: Most attribute changes kept per resource (the rest are counted, not listed).
MAX_CHANGES = 50
_MAX_TEXT = 200
_MAX_LEAVES = 5_000


@dataclass(frozen=True, slots=True)
class AttrChange:
    """One attribute leaf that differs: ``path``, display ``old`` → ``new`` (``None``: absent)."""

    path: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "old": self.old, "new": self.new}


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf paths of a normalised attribute value (iterative; empty containers are leaves).

    >>> flatten({"ingress": [{"from_port": 22, "cidr_blocks": ["0.0.0.0/0"]}], "tags": {}})
    {'ingress[0].from_port': 22, 'ingress[0].cidr_blocks[0]': '0.0.0.0/0', 'tags': {}}
    """
    out: dict[str, Any] = {}
    stack: list[tuple[str, Any]] = [(prefix, value)]
    while stack and len(out) < _MAX_LEAVES:
        path, v = stack.pop()
        if isinstance(v, Mapping) and v:
            items = [(f"{path}.{k}" if path else str(k), x) for k, x in v.items()]
        elif isinstance(v, list | tuple) and v:
            items = [(f"{path}[{i}]", x) for i, x in enumerate(v)]
        else:
            out[path] = v
            continue
        stack.extend(reversed(items))
    return out


def display_value(path: str, value: Any) -> Any:
    """What a report may show of ``value`` found at ``path`` (secrets redacted, text cut).

    >>> display_value("tags.env", "prod"), display_value("password", "changeme")
    ('prod', '…(redacted, 8 chars)')
    >>> display_value("subnet_id", Unresolved("aws_subnet.a.id", refs=("aws_subnet.a",)))
    '${aws_subnet.a.id}'
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Unresolved):
        return str(value)[:_MAX_TEXT]
    if isinstance(value, Mapping | list | tuple):
        return {} if isinstance(value, Mapping) else []
    text = str(value)
    if is_secret_key(path) or scan_value(path, text) is not None:
        return redact(text)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # a value whose equality raises is treated as changed
        return False


def attr_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[AttrChange]:
    """Every leaf that differs between ``old`` and ``new`` attributes, in path order.

    Reports keep the first :data:`MAX_CHANGES` of a resource and count the rest.
    """
    a, b = flatten(dict(old)), flatten(dict(new))
    out: list[AttrChange] = []
    for path in sorted(a.keys() | b.keys()):
        va, vb = a.get(path), b.get(path)
        if path in a and path in b and _same(va, vb):
            continue
        out.append(AttrChange(path, display_value(path, va), display_value(path, vb)))
    return out
