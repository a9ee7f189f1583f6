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
from difflib import SequenceMatcher
from typing import Any

from infra_review.analysis.secrets import is_secret_key, redact, scan_value
from infra_review.model import Unresolved

__all__ = ["MAX_CHANGES", "AttrChange", "attr_changes", "display_value", "flatten"]

#: Most attribute changes kept per resource (the rest are counted, not listed).
MAX_CHANGES = 50
_MAX_TEXT = 200
_MAX_LEAVES = 5_000
_MAX_DEPTH = 64


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


def _leaves(path: str, value: Any, side: str, out: list[tuple[str, Any, Any]]) -> None:
    for leaf, v in flatten(value, path).items():
        out.append((leaf, v, None) if side == "old" else (leaf, None, v))


def _diff(path: str, a: Any, b: Any, out: list[tuple[str, Any, Any]], depth: int = 0) -> None:
    """Append ``(path, old, new)`` for every differing leaf; list items are aligned by content."""
    if _same(a, b):
        return
    if depth < _MAX_DEPTH and isinstance(a, Mapping) and isinstance(b, Mapping):
        for k in sorted(a.keys() | b.keys(), key=str):
            sub = f"{path}.{k}" if path else str(k)
            if k not in a:
                if b[k] is not None:  # an attribute set to null is an attribute left out
                    _leaves(sub, b[k], "new", out)
            elif k not in b:
                if a[k] is not None:
                    _leaves(sub, a[k], "old", out)
            else:
                _diff(sub, a[k], b[k], out, depth + 1)
        return
    if depth < _MAX_DEPTH and isinstance(a, list | tuple) and isinstance(b, list | tuple):
        matcher = SequenceMatcher(None, [repr(x) for x in a], [repr(x) for x in b], autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            pairs = min(i2 - i1, j2 - j1)
            for k in range(pairs):
                _diff(f"{path}[{j1 + k}]", a[i1 + k], b[j1 + k], out, depth + 1)
            for i in range(i1 + pairs, i2):
                _leaves(f"{path}[{i}]", a[i], "old", out)
            for j in range(j1 + pairs, j2):
                _leaves(f"{path}[{j}]", b[j], "new", out)
        return
    if isinstance(a, Mapping | list | tuple) or isinstance(b, Mapping | list | tuple):
        if a is not None:
            _leaves(path, a, "old", out)
        if b is not None:
            _leaves(path, b, "new", out)
        return
    out.append((path, a, b))


def attr_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[AttrChange]:
    """Every leaf that differs between ``old`` and ``new`` attributes.

    Items of lists (blocks such as ``ingress``) are aligned by content, so inserting a block
    reports that block (at its new index) rather than every block after it:

    >>> a = {"ingress": [{"from_port": 22}]}
    >>> b = {"ingress": [{"from_port": 3389}, {"from_port": 22}]}
    >>> [(c.path, c.old, c.new) for c in attr_changes(a, b)]
    [('ingress[0].from_port', None, 3389)]

    Removed leaves are shown at their old index.  Reports keep the first
    :data:`MAX_CHANGES` of a resource and count the rest.
    """
    raw: list[tuple[str, Any, Any]] = []
    _diff("", dict(old), dict(new), raw)
    return [AttrChange(p, display_value(p, va), display_value(p, vb)) for p, va, vb in raw]
