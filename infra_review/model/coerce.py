"""Attribute coercion: one answer to "is this true?", "which integer is this?", "give me a list".

Every layer reads attribute values through these helpers, so that ``"yes"``, ``"3.0"`` or an
:class:`~infra_review.model.Unresolved` mean the same thing to every rule and analysis.
Unknown stays unknown: a value that cannot be decided is ``None`` (never ``False`` or ``0``).

>>> tri("yes"), tri("False"), tri(Unresolved("var.x")), tri(None, default=True)
(True, False, None, True)
>>> as_int("3"), as_int("3.0"), as_int(3.0), as_int("3.5"), as_int(True), as_int("x")
(3, 3, 3, None, None, None)
>>> is_true("true"), is_true(Unresolved("var.x")), as_list(None), as_list("a")
(True, False, [], ['a'])
>>> first_block([{"enabled": True}]), first_block({"a": 1}), first_block("x")
({'enabled': True}, {'a': 1}, {})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra_review.model.core import Unresolved

__all__ = ["as_int", "as_list", "first_block", "is_false", "is_true", "tri"]

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off", ""})


def tri(value: Any, default: bool | None = None) -> bool | None:
    """A boolean attribute as ``True``/``False``; ``None`` when unknown; ``default`` when absent.

    Strings follow Terraform's and YAML 1.1's spellings (``true``/``false``, ``1``/``0``,
    ``yes``/``no``, ``on``/``off``, any case); any other string is unknown.
    """
    if value is None:
        return default
    if isinstance(value, Unresolved):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return None
    if isinstance(value, (int, float)):
        return bool(value)
    return None


def is_true(value: Any) -> bool:
    """``True`` only when the value is known to be true (unknown and absent are not)."""
    return tri(value) is True


def is_false(value: Any) -> bool:
    """``True`` only when the value is known to be false (unknown and absent are not)."""
    return tri(value) is False


def as_int(value: Any) -> int | None:
    """An integer attribute (``3``, ``"3"``, ``3.0``, ``"3.0"``), else ``None``.

    Booleans, fractions, unresolved values and other strings are ``None``: a count that
    cannot be read is unknown, never zero.
    """
    if value is None or isinstance(value, (bool, Unresolved)):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("+-").isdigit():
            return int(text)
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if number.is_integer() else None
    return None


def as_list(value: Any) -> list[Any]:
    """``value`` as a list (``None`` → ``[]``, a scalar or mapping → ``[value]``)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def first_block(value: Any) -> Mapping[str, Any]:
    """A nested block written once (HCL gives ``[{...}]``, JSON/YAML may give ``{...}``); else ``{}``."""
    if isinstance(value, list) and value and isinstance(value[0], Mapping):
        return value[0]
    return value if isinstance(value, Mapping) else {}
