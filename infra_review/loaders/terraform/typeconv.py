"""A variable's ``type`` constraint applied to its value, the way Terraform converts inputs."""

from __future__ import annotations

from typing import Any

from infra_review.loaders.terraform.evaluate import Evaluator
from infra_review.loaders.terraform.expr import Node
from infra_review.loaders.terraform.value import Context
from infra_review.model import Unresolved

__all__ = ["convert_type"]


def convert_type(value: Any, blk: dict[str, Any]) -> Any:
    """Apply a variable's type constraint the way Terraform converts input values.

    Primitive conversions (``"5"`` → 5 for ``number``) and ``optional(type, default)``
    attributes of object types filled in (also inside ``list``/``set``/``map`` of objects).
    """
    a = blk["attrs"].get("type")
    if a is None or isinstance(value, Unresolved):
        return value
    try:
        return _conform(value, a["expr"], 0)
    except (RecursionError, ValueError, TypeError):
        return value


def _conform(value: Any, t: Node, depth: int) -> Any:
    if depth > 32 or isinstance(value, Unresolved) or value is None:
        return value
    if t[0] in ("var", "lit"):
        return _primitive(value, t[1])
    if t[0] != "call" or not t[2]:
        return value
    name, inner = t[1], t[2][0]
    if name in ("list", "set") and isinstance(value, list):
        return [_conform(x, inner, depth + 1) for x in value]
    if name == "map" and isinstance(value, dict):
        return {k: _conform(x, inner, depth + 1) for k, x in value.items()}
    if name == "object" and isinstance(value, dict) and inner[0] == "object":
        out = dict(value)
        for knode, tnode in inner[1]:
            if knode[0] != "lit":
                continue
            key = str(knode[1])
            if tnode[0] == "call" and tnode[1] == "optional" and tnode[2]:
                attr_t = tnode[2][0]
                if out.get(key) is None:
                    out[key] = Evaluator().eval(tnode[2][1], Context()) if len(tnode[2]) > 1 else None
                out[key] = _conform(out[key], attr_t, depth + 1)
            elif key in out:
                out[key] = _conform(out[key], tnode, depth + 1)
        return out
    return value


def _primitive(value: Any, tname: Any) -> Any:
    if tname == "number" and isinstance(value, str):
        f = float(value)
        return int(f) if f.is_integer() else f
    if tname == "bool" and value in ("true", "false"):
        return value == "true"
    if tname == "string" and isinstance(value, int | float | bool):
        return ("true" if value else "false") if isinstance(value, bool) else str(value)
    return value
