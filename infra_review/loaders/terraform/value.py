"""HCL values as the static evaluator sees them: plain Python plus unknowns.

Values are ``str``, ``int``/``float``, ``bool``, ``None``, ``list``, ``dict`` and
:class:`~infra_review.model.Unresolved`; a :class:`Ref` stands for a resource/data object
whose attributes are known only after apply, a :class:`Namespace` for a lazily evaluated
object (``var``, ``local``, module outputs), and a :class:`Context` resolves the names an
expression starts with.  The conversions (``to_str``, ``to_num``, ``to_bool``), equality,
``collect_refs``/``plain``/``render_json`` and the size guard ``bounded`` are shared by
:mod:`.evaluate` and the function library :mod:`.functions`.
"""

from __future__ import annotations

import json
from typing import Any

from infra_review.loaders.terraform.expr import Node
from infra_review.model import Unresolved

__all__ = [
    "BudgetExceeded",
    "Context",
    "EvalError",
    "Namespace",
    "PartialResult",
    "Ref",
    "UnknownArgument",
    "bounded",
    "collect_refs",
    "equal",
    "has_unknown",
    "is_unknown",
    "key_repr",
    "norm_num",
    "num_str",
    "placeholder",
    "plain",
    "render_json",
    "to_bool",
    "to_num",
    "to_str",
    "unknown_value",
]


class EvalError(Exception):
    """A definite evaluation error (Terraform would reject the expression)."""


class Ref:
    """A reference to a resource/data/module object whose attributes are known only after apply."""

    __slots__ = ("address", "expr", "reason")

    def __init__(self, address: str, expr: str, reason: str = "known after apply") -> None:
        self.address = address
        self.expr = expr
        self.reason = reason

    def attr(self, name: str) -> Any:
        return Unresolved(f"{self.expr}.{name}", (self.address,), self.reason)

    def index(self, key: Any) -> Any:
        return Unresolved(f"{self.expr}[{key_repr(key)}]", (self.address,), self.reason)

    def plain(self) -> Unresolved:
        return Unresolved(self.expr, (self.address,), self.reason)

    def __repr__(self) -> str:
        return f"Ref({self.address!r})"


class Namespace:
    """A lazily evaluated object (``var``, ``local``, a module's outputs): attribute → value."""

    def attr(self, name: str) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def index(self, key: Any) -> Any:
        return self.attr(str(key)) if isinstance(key, str) else Unresolved(f"[{key}]", (), "bad index")

    def names(self) -> list[str]:
        return []

    def plain(self) -> Any:
        return {k: plain(self.attr(k)) for k in self.names()}

    def as_collection(self) -> Any:
        """What a ``for`` expression or ``for_each`` iterates over (a dict, or an Unresolved)."""
        return {k: self.attr(k) for k in self.names()}


class Context:
    """Resolves root names that are not local (for-expression) variables.

    Subclasses override :meth:`root`; the default knows nothing (every root is unresolved).
    ``read_file`` returns file text for ``file``/``templatefile`` or an ``Unresolved``.
    """

    def root(self, name: str, node: Node) -> Any:
        return Unresolved(name, (), f"unknown name {name!r}")

    def read_file(self, path: str, expr: str) -> Any:
        return Unresolved(expr, (), "file contents not available")

    def list_files(self, path: str, expr: str) -> Any:
        """The files under ``path`` (relative to it, sorted), or an ``Unresolved``."""
        return Unresolved(expr, (), "file listing not available")

    def warn(self, message: str) -> None:
        """Record an evaluation problem (the loader turns it into an EVAL_WARNING)."""


# -- value helpers ------------------------------------------------------------------------------
def is_unknown(v: Any) -> bool:
    return isinstance(v, Unresolved | Ref | Namespace)


def has_unknown(v: Any) -> bool:
    """True when ``v`` is or contains an unknown value (iterative)."""
    stack = [v]
    seen: set[int] = set()
    while stack:
        x = stack.pop()
        if isinstance(x, Unresolved | Ref | Namespace):
            return True
        if isinstance(x, dict | list):
            if id(x) in seen:
                continue
            seen.add(id(x))
            stack.extend(x.values() if isinstance(x, dict) else x)
    return False


def collect_refs(*values: Any) -> tuple[str, ...]:
    """Every ref (resource/data address) found in the values, in first-seen order."""
    out: dict[str, None] = {}
    seen: set[int] = set()
    stack = list(reversed(values))
    while stack:
        x = stack.pop()
        if isinstance(x, Unresolved):
            for r in x.refs:
                out[r] = None
        elif isinstance(x, Ref):
            out[x.address] = None
        elif isinstance(x, dict | list):
            if id(x) in seen:
                continue
            seen.add(id(x))
            stack.extend(reversed(list(x.values())) if isinstance(x, dict) else reversed(x))
    return tuple(out)


def plain(v: Any) -> Any:
    """Materialise ``Ref``/``Namespace`` objects into plain values and ``Unresolved`` markers.

    Iterative and memoised by ``id``: a value without such objects is returned as is, shared
    sub-values stay shared, and deep values never hit the recursion limit.
    """
    if isinstance(v, Ref):
        return v.plain()
    if isinstance(v, Namespace):
        return plain(v.plain())
    if not isinstance(v, dict | list):
        return v
    seen: set[int] = set()
    stack: list[Any] = [v]
    need = False
    while stack:
        x = stack.pop()
        if isinstance(x, Ref | Namespace):
            need = True
            break
        if isinstance(x, dict | list) and id(x) not in seen:
            seen.add(id(x))
            stack.extend(x.values() if isinstance(x, dict) else x)
    if not need:
        return v
    memo: dict[int, Any] = {}

    def conv(c: Any) -> Any:
        if isinstance(c, dict | list):
            return memo[id(c)]
        if isinstance(c, Ref):
            return c.plain()
        if isinstance(c, Namespace):
            return plain(c.plain())
        return c

    work: list[tuple[Any, bool]] = [(v, False)]
    while work:
        x, done = work.pop()
        if id(x) in memo:
            continue
        if not done:
            work.append((x, True))
            kids = x.values() if isinstance(x, dict) else x
            work.extend((c, False) for c in kids if isinstance(c, dict | list) and id(c) not in memo)
            continue
        memo[id(x)] = {k: conv(c) for k, c in x.items()} if isinstance(x, dict) else [conv(c) for c in x]
    return memo[id(v)]


def key_repr(key: Any) -> str:
    return json.dumps(key) if isinstance(key, str) else str(key)


def unknown_value(expr: str, *inputs: Any, reason: str = "") -> Unresolved:
    if not reason:
        for x in inputs:
            if isinstance(x, Unresolved) and x.reason:
                reason = x.reason
                break
    return Unresolved(expr, collect_refs(*inputs), reason or "not statically known")


def num_str(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)
    return str(v)


def to_str(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool | int | float):
        return num_str(v)
    msg = f"cannot convert {type(v).__name__} to string"
    raise EvalError(msg)


def to_num(v: Any) -> int | float:
    if isinstance(v, bool):
        msg = "cannot convert bool to number"
        raise EvalError(msg)
    if isinstance(v, int | float):
        return v
    if isinstance(v, str):
        try:
            f = float(v)
        except ValueError:
            msg = "cannot convert string to number"
            raise EvalError(msg) from None
        return int(f) if f.is_integer() and "." not in v and "e" not in v.lower() else f
    msg = f"cannot convert {type(v).__name__} to number"
    raise EvalError(msg)


def to_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if v == "true":
        return True
    if v == "false":
        return False
    msg = "cannot convert to bool"
    raise EvalError(msg)


def norm_num(v: int | float) -> int | float:
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def placeholder(u: Unresolved) -> str:
    e = u.expr
    if len(e) >= 2 and e.startswith('"') and e.endswith('"') and "${" in e:
        try:
            return str(json.loads(e))
        except ValueError:
            return e[1:-1]
    return "${" + e + "}"


def render_json(v: Any, *, sort_keys: bool = False) -> str:
    """JSON text of a value; unknown leaves become ``"${expr}"`` strings."""

    def conv(x: Any) -> Any:
        if isinstance(x, Unresolved):
            return placeholder(x)
        if isinstance(x, Ref | Namespace):
            return conv(plain(x))
        if isinstance(x, dict):
            return {k: conv(y) for k, y in x.items()}
        if isinstance(x, list):
            return [conv(y) for y in x]
        return x

    return json.dumps(conv(v), separators=(",", ":"), sort_keys=sort_keys, ensure_ascii=False)


def equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


class BudgetExceeded(Exception):
    """The evaluator ran out of its step budget (hostile or absurdly large for expressions)."""


def bounded(value: Any, limit: int = 250_000, max_depth: int = 128) -> bool:
    """True when the fully expanded size of ``value`` stays under ``limit`` units and its
    nesting under ``max_depth``.

    Values share sub-values (a local used twice), so a chain of locals can describe an
    exponentially large value in linear time; this walks the DAG once (memoised by ``id``) and
    counts the expanded size (containers 1 + children, strings 1 per 16 characters).

    >>> a = ["x" * 10]
    >>> for _ in range(40):
    ...     a = [a, a]
    >>> bounded(a), bounded([1, 2, 3]), bounded([[[1]]], max_depth=2)
    (False, True, False)
    """
    memo: dict[int, int] = {}
    stack: list[tuple[Any, bool, int]] = [(value, False, 1)]
    while stack:
        x, done, depth = stack.pop()
        if isinstance(x, str):
            continue
        if not isinstance(x, dict | list):
            continue
        key = id(x)
        if key in memo and not done:
            continue
        children = list(x.values()) if isinstance(x, dict) else x
        if not done:
            if depth > max_depth:
                return False
            memo[key] = -1
            stack.append((x, True, depth))
            stack.extend(
                (c, False, depth + 1) for c in children if isinstance(c, dict | list) and id(c) not in memo
            )
            continue
        total = 1
        for c in children:
            if isinstance(c, str):
                total += 1 + len(c) // 16
            elif isinstance(c, dict | list):
                total += max(memo.get(id(c), 1), 1)
            else:
                total += 1
            if total > limit:
                return False
        memo[key] = total
    top = (
        memo.get(id(value), 1)
        if isinstance(value, dict | list)
        else (len(value) // 16 if isinstance(value, str) else 1)
    )
    return top <= limit


class UnknownArgument(Exception):
    """Raised inside a tolerant function when the unknown parts matter."""


class PartialResult:
    """A tolerant function's partially known result (becomes an Unresolved with this text)."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
