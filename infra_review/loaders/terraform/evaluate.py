"""Static evaluation of HCL expressions (ASTs from :mod:`hcl_expr`) with Terraform semantics.

Values are plain Python: ``str``, ``int``/``float``, ``bool``, ``None``, ``list`` (tuples, lists
and sets), ``dict`` (objects and maps), and :class:`~infra_review.model.Unresolved` for anything
not statically known.  Unknown values propagate: an operation on an ``Unresolved`` yields an
``Unresolved`` whose ``refs`` are the union of its inputs' refs, so references survive any
expression form.  Collections keep partial knowledge (``[1, Unresolved(...)]``).

An unknown function result keeps what is known of its arguments in ``expr``:
``base64encode(templatefile(...))`` with one unknown template variable gives
``Unresolved('base64encode("...rendered text with ${aws_db_instance.main.address}...")')``, so
a secret scanner can still read the literal parts.

References to other objects are resolved through a *context* (see :class:`Context`): the
Terraform loader supplies one that knows variables, locals, module outputs and resources.
A resource reference evaluates to a :class:`Ref`; reading an attribute of it gives
``Unresolved("aws_subnet.a.id", refs=("aws_subnet.a",))``.

``jsonencode`` of a fully known value gives real JSON text.  When some leaves are unknown it
still gives JSON text, with each unknown leaf rendered as the string ``"${<expr>}"`` (for a
partially known template, the template with its known parts filled in), wrapped in an
``Unresolved`` whose ``expr`` is that JSON text, so that rules can ``json.loads(u.expr)`` and
read ``Action``/``Resource``/``Principal`` while knowing the value is not final.

>>> from infra_review.loaders.terraform.expr import parse_expr
>>> ev = Evaluator()
>>> ev.eval(parse_expr('merge({a = 1}, {b = "x-${upper("y")}"})'), Context())
{'a': 1, 'b': 'x-Y'}
>>> ev.eval(parse_expr('cidrsubnet("10.0.0.0/16", 8, 2)'), Context())
'10.0.2.0/24'
>>> ev.eval(parse_expr('[for k, v in {a = 1, b = 2} : "${k}=${v}" if v > 1]'), Context())
['b=2']
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import math
import re
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

from infra_review.loaders.terraform.expr import Node, to_text
from infra_review.model import Unresolved

__all__ = [
    "BudgetExceeded",
    "Context",
    "EvalError",
    "Evaluator",
    "Namespace",
    "Ref",
    "bounded",
    "collect_refs",
    "has_unknown",
    "plain",
    "render_json",
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
        return Unresolved(f"{self.expr}[{_key_repr(key)}]", (self.address,), self.reason)

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

    def warn(self, message: str) -> None:
        """Record an evaluation problem (the loader turns it into an EVAL_WARNING)."""


# -- value helpers ------------------------------------------------------------------------------
def _is_unknown(v: Any) -> bool:
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


def _key_repr(key: Any) -> str:
    return json.dumps(key) if isinstance(key, str) else str(key)


def _unk(expr: str, *inputs: Any, reason: str = "") -> Unresolved:
    if not reason:
        for x in inputs:
            if isinstance(x, Unresolved) and x.reason:
                reason = x.reason
                break
    return Unresolved(expr, collect_refs(*inputs), reason or "not statically known")


def _num_str(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)
    return str(v)


def _to_str(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool | int | float):
        return _num_str(v)
    msg = f"cannot convert {type(v).__name__} to string"
    raise EvalError(msg)


def _to_num(v: Any) -> int | float:
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


def _to_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if v == "true":
        return True
    if v == "false":
        return False
    msg = "cannot convert to bool"
    raise EvalError(msg)


def _norm_num(v: int | float) -> int | float:
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def _placeholder(u: Unresolved) -> str:
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
            return _placeholder(x)
        if isinstance(x, Ref | Namespace):
            return conv(plain(x))
        if isinstance(x, dict):
            return {k: conv(y) for k, y in x.items()}
        if isinstance(x, list):
            return [conv(y) for y in x]
        return x

    return json.dumps(conv(v), separators=(",", ":"), sort_keys=sort_keys, ensure_ascii=False)


# -- evaluator ----------------------------------------------------------------------------------
class Evaluator:
    """Evaluate AST nodes in a :class:`Context` with local bindings ``env``."""

    #: Loop iterations (for expressions, template for directives) allowed per evaluator.
    STEP_BUDGET = 1_000_000

    def __init__(self, step_budget: int | None = None) -> None:
        self.functions: dict[str, Callable[..., Any]] = dict(_FUNCTIONS)
        self.steps_left = self.STEP_BUDGET if step_budget is None else step_budget
        self.budget_exceeded = False

    def _tick(self, n: int) -> None:
        self.steps_left -= n
        if self.steps_left < 0:
            self.budget_exceeded = True
            raise BudgetExceeded

    def eval(self, node: Node, ctx: Context, env: dict[str, Any] | None = None) -> Any:
        """Evaluate ``node``; never raises for unknowns (returns ``Unresolved``)."""
        try:
            return self._ev(node, ctx, env or {})
        except RecursionError:
            ctx.warn("expression too deeply nested to evaluate")
            return Unresolved(_safe_text(node), (), "expression too deeply nested")
        except BudgetExceeded:
            ctx.warn("evaluation budget exceeded (huge for expressions); value left unresolved")
            return Unresolved(_safe_text(node), (), "evaluation budget exceeded")

    # The dispatcher is one method with early returns: it is the hot path.
    def _ev(self, node: Node, ctx: Context, env: dict[str, Any]) -> Any:
        tag = node[0]
        if tag == "lit":
            return node[1]
        if tag == "var":
            name = node[1]
            if name in env:
                return env[name]
            return ctx.root(name, node)
        if tag == "attr":
            obj = self._ev(node[1], ctx, env)
            return self._get_attr(obj, node[2], node)
        if tag == "index":
            obj = self._ev(node[1], ctx, env)
            key = self._ev(node[2], ctx, env)
            return self._get_index(obj, key, node)
        if tag == "tpl":
            return self._template(node, ctx, env)
        if tag == "paren":
            return self._ev(node[1], ctx, env)
        if tag == "tuple":
            return [self._ev(x, ctx, env) for x in node[1]]
        if tag == "object":
            out: dict[str, Any] = {}
            for k, v in node[1]:
                key = self._ev(k, ctx, env)
                val = self._ev(v, ctx, env)
                if _is_unknown(key):
                    return _unk(to_text(node), key, val, reason="object key not statically known")
                try:
                    out[_to_str(key)] = val
                except EvalError:
                    return _unk(to_text(node), reason="object key is not a string")
            return out
        if tag == "cond":
            c = self._ev(node[1], ctx, env)
            if _is_unknown(c):
                t = self._ev(node[2], ctx, env)
                f = self._ev(node[3], ctx, env)
                return _unk(to_text(node), c, t, f, reason="condition not statically known")
            try:
                cb = _to_bool(c)
            except EvalError:
                return _unk(to_text(node), reason="condition is not a bool")
            return self._ev(node[2] if cb else node[3], ctx, env)
        if tag == "binop":
            return self._binop(node, ctx, env)
        if tag == "unop":
            x = self._ev(node[2], ctx, env)
            if _is_unknown(x):
                return _unk(to_text(node), x)
            try:
                if node[1] == "!":
                    return not _to_bool(x)
                return _norm_num(-_to_num(x))
            except EvalError as e:
                return _unk(to_text(node), reason=str(e))
        if tag == "call":
            return self._call(node, ctx, env)
        if tag == "splat":
            return self._splat(node, ctx, env)
        if tag == "for":
            return self._for(node, ctx, env)
        if tag == "error":
            return Unresolved(str(node[1]), (), f"expression not parsed: {node[2]}")
        return Unresolved(_safe_text(node), (), f"unsupported expression {tag}")

    # -- traversal --------------------------------------------------------------------------
    def _get_attr(self, obj: Any, name: str, node: Node) -> Any:
        if isinstance(obj, Ref | Namespace):
            return obj.attr(name)
        if isinstance(obj, Unresolved):
            return Unresolved(f"{obj.expr}.{name}", obj.refs, obj.reason)
        if isinstance(obj, dict):
            if name in obj:
                return obj[name]
            return Unresolved(to_text(node), (), f"object has no attribute {name!r}")
        return Unresolved(to_text(node), collect_refs(obj), f"cannot read attribute {name!r}")

    def _get_index(self, obj: Any, key: Any, node: Node) -> Any:
        if isinstance(key, Unresolved | Ref):
            return _unk(to_text(node), obj, key, reason="index not statically known")
        if isinstance(obj, Ref | Namespace):
            return obj.index(key)
        if isinstance(obj, Unresolved):
            return Unresolved(f"{obj.expr}[{_key_repr(key)}]", obj.refs, obj.reason)
        if isinstance(obj, dict):
            k = _to_str(key) if isinstance(key, str | int | float) and not isinstance(key, bool) else None
            if k is not None and k in obj:
                return obj[k]
            return Unresolved(to_text(node), collect_refs(obj), "key not found")
        if isinstance(obj, list):
            try:
                i = int(_to_num(key))
            except EvalError:
                return Unresolved(to_text(node), collect_refs(obj), "bad list index")
            if 0 <= i < len(obj):
                return obj[i]
            return Unresolved(to_text(node), collect_refs(obj), "list index out of range")
        return Unresolved(to_text(node), collect_refs(obj), "cannot index this value")

    def _splat(self, node: Node, ctx: Context, env: dict[str, Any]) -> Any:
        obj = self._ev(node[1], ctx, env)
        if isinstance(obj, Unresolved):
            return _unk(to_text(node), obj)
        if isinstance(obj, Namespace):
            obj = obj.plain()
        if obj is None:
            return []
        items = obj if isinstance(obj, list) else [obj]
        out = []
        for it in items:
            v = it
            for op in node[2]:
                if op[0] == "attr":
                    v = self._get_attr(v, op[1], node)
                else:
                    v = self._get_index(v, self._ev(op[1], ctx, env), node)
            out.append(v)
        return out

    # -- templates --------------------------------------------------------------------------
    def _template(self, node: Node, ctx: Context, env: dict[str, Any]) -> Any:
        parts = node[1]
        if len(parts) == 1 and not isinstance(parts[0], str) and parts[0][0] not in ("if", "for"):
            return self._ev(parts[0], ctx, env)  # "${x}" keeps x's type
        out: list[str] = []
        unknown: list[Any] = []
        self._tpl_parts(parts, ctx, env, out, unknown)
        if unknown:
            text = "".join(out)
            return _unk(json.dumps(text, ensure_ascii=False), *unknown)
        return "".join(out)

    def _tpl_parts(
        self, parts: Iterable[Any], ctx: Context, env: dict[str, Any], out: list[str], unknown: list[Any]
    ) -> None:
        for p in parts:
            if isinstance(p, str):
                out.append(p)
                continue
            if p[0] == "if":
                c = self._ev(p[1], ctx, env)
                if _is_unknown(c):
                    unknown.append(_unk(to_text(p[1]), c))
                    out.append("${" + to_text(p[1]) + "}")
                    continue
                try:
                    branch = p[2] if _to_bool(c) else p[3]
                except EvalError:
                    unknown.append(Unresolved(to_text(p[1]), (), "condition is not a bool"))
                    continue
                self._tpl_parts(branch, ctx, env, out, unknown)
                continue
            if p[0] == "for" and len(p) == 5:
                coll = self._ev(p[3], ctx, env)
                if _is_unknown(coll) or not isinstance(coll, list | dict):
                    unknown.append(_unk(to_text(p[3]), coll))
                    out.append("${" + to_text(p[3]) + "}")
                    continue
                pairs = coll.items() if isinstance(coll, dict) else enumerate(coll)
                self._tick(len(coll))
                for k, v in pairs:
                    sub = dict(env)
                    if p[1]:
                        sub[p[1]] = k
                    sub[p[2]] = v
                    self._tpl_parts(p[4], ctx, sub, out, unknown)
                continue
            v = self._ev(p, ctx, env)
            if isinstance(v, Ref | Namespace):
                v = plain(v)
            if isinstance(v, Unresolved):
                unknown.append(v)
                out.append(_placeholder(v))
                continue
            try:
                out.append(_to_str(v))
            except EvalError:
                unknown.append(Unresolved(to_text(p), collect_refs(v), "value cannot be used in a template"))
                out.append("${" + to_text(p) + "}")

    # -- operators --------------------------------------------------------------------------
    def _binop(self, node: Node, ctx: Context, env: dict[str, Any]) -> Any:
        op = node[1]
        a = self._ev(node[2], ctx, env)
        if op in ("&&", "||") and not _is_unknown(a):
            try:
                ab = _to_bool(a)
            except EvalError:
                return _unk(to_text(node), reason="operand is not a bool")
            if op == "&&" and not ab:
                return False
            if op == "||" and ab:
                return True
            b = self._ev(node[3], ctx, env)
            if _is_unknown(b):
                return _unk(to_text(node), b)
            try:
                return _to_bool(b)
            except EvalError:
                return _unk(to_text(node), reason="operand is not a bool")
        b = self._ev(node[3], ctx, env)
        if op in ("==", "!="):
            if has_unknown(a) or has_unknown(b):
                return _unk(to_text(node), a, b)
            eq = _equal(a, b)
            return eq if op == "==" else not eq
        if _is_unknown(a) or _is_unknown(b):
            return _unk(to_text(node), a, b)
        try:
            if op in ("&&", "||"):
                return _to_bool(a) and _to_bool(b) if op == "&&" else _to_bool(a) or _to_bool(b)
            x, y = _to_num(a), _to_num(b)
            if op == "+":
                return _norm_num(x + y)
            if op == "-":
                return _norm_num(x - y)
            if op == "*":
                return _norm_num(x * y)
            if op == "/":
                if y == 0:
                    return _unk(to_text(node), reason="division by zero")
                return _norm_num(x / y)
            if op == "%":
                if y == 0:
                    return _unk(to_text(node), reason="division by zero")
                return (
                    _norm_num(math.fmod(x, y))
                    if isinstance(x, float) or isinstance(y, float)
                    else int(math.fmod(x, y))
                )
            if op == "<":
                return x < y
            if op == ">":
                return x > y
            if op == "<=":
                return x <= y
            if op == ">=":
                return x >= y
        except EvalError as e:
            return _unk(to_text(node), reason=str(e))
        return _unk(to_text(node), reason=f"unknown operator {op}")

    # -- for expressions --------------------------------------------------------------------
    def _for(self, node: Node, ctx: Context, env: dict[str, Any]) -> Any:
        _, kv, vv, coll_n, key_n, val_n, cond_n, group = node
        coll = self._ev(coll_n, ctx, env)
        if isinstance(coll, Namespace):
            coll = coll.as_collection()
        if _is_unknown(coll) or not isinstance(coll, list | dict):
            if coll is None or not _is_unknown(coll):
                return _unk(to_text(node), reason="for expression over a non-collection")
            return _unk(to_text(node), coll, reason="collection not statically known")
        pairs = list(coll.items()) if isinstance(coll, dict) else list(enumerate(coll))
        self._tick(len(pairs))
        is_obj = key_n is not None
        out_list: list[Any] = []
        out_obj: dict[str, Any] = {}
        for k, v in pairs:
            sub = dict(env)
            if kv:
                sub[kv] = k
            sub[vv] = v
            if cond_n is not None:
                c = self._ev(cond_n, ctx, sub)
                if _is_unknown(c):
                    return _unk(to_text(node), c, coll, reason="for expression filter not statically known")
                try:
                    if not _to_bool(c):
                        continue
                except EvalError:
                    return _unk(to_text(node), reason="for expression filter is not a bool")
            val = self._ev(val_n, ctx, sub)
            if not is_obj:
                out_list.append(val)
                continue
            key = self._ev(key_n, ctx, sub)
            if _is_unknown(key):
                return _unk(to_text(node), key, coll, reason="for expression key not statically known")
            try:
                ks = _to_str(key)
            except EvalError:
                return _unk(to_text(node), reason="for expression key is not a string")
            if group:
                out_obj.setdefault(ks, []).append(val)
            elif ks in out_obj:
                ctx.warn("duplicate key in for expression (use ... to group)")
                return _unk(to_text(node), reason="duplicate key in for expression")
            else:
                out_obj[ks] = val
        return out_obj if is_obj else out_list

    # -- function calls ---------------------------------------------------------------------
    def _call(self, node: Node, ctx: Context, env: dict[str, Any]) -> Any:
        name, arg_nodes, expand = node[1], node[2], node[3]
        text = to_text(node)
        if name in ("try", "can"):
            for a in arg_nodes:
                v = self._ev(a, ctx, env)
                failed = isinstance(v, Unresolved) and _is_failure(v)
                if name == "can":
                    if isinstance(v, Unresolved) and not failed:
                        return _unk(text, v)
                    return not failed
                if not failed:
                    # an unknown (not failing) argument is what try() yields once known
                    return v
            return Unresolved(text, (), "try: no argument could be evaluated") if name == "try" else False
        if name in _FILE_FUNCTIONS:
            return self._file_fn(name, node, ctx, env)
        args = [self._ev(a, ctx, env) for a in arg_nodes]
        if expand and args:
            last = args[-1]
            if isinstance(last, Unresolved):
                return _unk(text, *args)
            if isinstance(last, list):
                args = args[:-1] + last
        args = [plain(a) if isinstance(a, Ref | Namespace) else a for a in args]
        fn = self.functions.get(name)
        if fn is None:
            return _unk(text, *args, reason=f"function {name}() not evaluated")
        tolerant = name in _TOLERANT
        if not tolerant and any(has_unknown(a) for a in args):
            return _unk(_call_text(name, args, text), *args)
        try:
            result = fn(*args)
        except _Unknown:
            return _unk(_call_text(name, args, text), *args)
        except (EvalError, ValueError, TypeError, KeyError, IndexError, ArithmeticError) as e:
            return Unresolved(text, collect_refs(*args), f"{name}(): {_short(e)}")
        if isinstance(result, _Partial):
            return Unresolved(result.text, collect_refs(*args), result.reason)
        return result

    def _file_fn(self, name: str, node: Node, ctx: Context, env: dict[str, Any]) -> Any:
        text = to_text(node)
        args = [self._ev(a, ctx, env) for a in node[2]]
        if not args or not isinstance(args[0], str):
            return _unk(text, *args, reason=f"{name}(): path not statically known")
        content = ctx.read_file(args[0], text)
        if name == "fileexists":
            if isinstance(content, Unresolved) and "not found" in content.reason:
                return False
            return True if isinstance(content, str) else content
        if not isinstance(content, str):
            return content
        if name == "file":
            return content
        if name == "filebase64":
            return _f_base64encode(content)
        if name in ("filemd5", "filesha1", "filesha256", "filesha512"):
            return _FUNCTIONS[name[4:]](content)
        tvars = args[1] if len(args) > 1 else {}
        if isinstance(tvars, Namespace):
            tvars = tvars.plain()
        if not isinstance(tvars, dict):
            return _unk(text, tvars, reason="templatefile(): variables not statically known")
        from infra_review.loaders.terraform.expr import HCLSyntaxError, parse_template

        try:
            tnode = parse_template(content)
        except (HCLSyntaxError, RecursionError):
            return Unresolved(text, collect_refs(tvars), "templatefile(): template could not be parsed")
        sub = _TemplateContext(ctx)
        result = self._ev(tnode, sub, dict(tvars))
        return result


class _TemplateContext(Context):
    """Inside a template file only the given variables exist."""

    def __init__(self, outer: Context) -> None:
        self.outer = outer

    def root(self, name: str, node: Node) -> Any:
        return Unresolved(name, (), f"{name!r} is not a template variable")

    def warn(self, message: str) -> None:
        self.outer.warn(message)


_FAIL_REASONS = (
    "object has no attribute",
    "key not found",
    "list index out of range",
    "cannot read attribute",
    "cannot index",
    "bad list index",
    "(): ",
    "is not a",
    "cannot convert",
)


def _is_failure(u: Unresolved) -> bool:
    """An Unresolved that stands for a definite error (so try() moves on, can() is false)."""
    return any(s in u.reason for s in _FAIL_REASONS) and not u.reason.endswith("not evaluated")


def _call_text(name: str, args: list[Any], fallback: str, limit: int = 8192) -> str:
    """``name(args)`` with the arguments' evaluated form (known parts filled in, unknown ones as
    their expression), so a partially known value keeps what is known: ``base64encode("x=${var.y}")``.
    """
    parts = []
    total = 0
    for a in args:
        if isinstance(a, Unresolved):
            t = a.expr
        else:
            try:
                t = render_json(a)
            except (TypeError, ValueError, RecursionError):
                return fallback
        total += len(t)
        if total > limit:
            return fallback
        parts.append(t)
    return f"{name}({', '.join(parts)})"


def _short(e: BaseException) -> str:
    s = str(e).splitlines()[0] if str(e) else type(e).__name__
    return s[:120]


def _safe_text(node: Node) -> str:
    try:
        return to_text(node)
    except RecursionError:
        return "<expression>"


def _equal(a: Any, b: Any) -> bool:
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


class _Unknown(Exception):
    """Raised inside a tolerant function when the unknown parts matter."""


class _Partial:
    """A tolerant function's partially known result (becomes an Unresolved with this text)."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason


# -- functions ----------------------------------------------------------------------------------
def _need(v: Any) -> Any:
    if has_unknown(v):
        raise _Unknown
    return v


def _f_merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for m in maps:
        if m is None:
            continue
        if isinstance(m, Unresolved):
            raise _Unknown
        if not isinstance(m, dict):
            msg = "merge arguments must be maps or objects"
            raise EvalError(msg)
        out.update(m)
    return out


def _f_concat(*lists: Any) -> Any:
    out: list[Any] = []
    for x in lists:
        if isinstance(x, Unresolved):
            raise _Unknown
        if not isinstance(x, list):
            msg = "concat arguments must be lists"
            raise EvalError(msg)
        out.extend(x)
    return out


def _f_flatten(x: Any) -> Any:
    if isinstance(x, Unresolved):
        raise _Unknown
    if not isinstance(x, list):
        msg = "flatten needs a list"
        raise EvalError(msg)
    out: list[Any] = []
    stack: list[Any] = [iter(x)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, Unresolved):
                raise _Unknown
            if isinstance(item, list):
                stack.append(iter(item))
                break
            out.append(item)
        else:
            stack.pop()
    return out


def _f_length(x: Any) -> Any:
    if isinstance(x, Unresolved):
        raise _Unknown
    if isinstance(x, str):
        return len(x)
    if isinstance(x, list | dict):
        return len(x)
    msg = "length needs a collection or string"
    raise EvalError(msg)


def _f_lookup(m: Any, key: Any, *default: Any) -> Any:
    if isinstance(m, Unresolved) or has_unknown(key):
        raise _Unknown
    if not isinstance(m, dict):
        msg = "lookup needs a map"
        raise EvalError(msg)
    k = _to_str(key)
    if k in m:
        return m[k]
    if default:
        return default[0]
    msg = "lookup: key not found"
    raise EvalError(msg)


def _f_element(lst: Any, idx: Any) -> Any:
    if isinstance(lst, Unresolved) or has_unknown(idx):
        raise _Unknown
    if not isinstance(lst, list) or not lst:
        msg = "element needs a non-empty list"
        raise EvalError(msg)
    return lst[int(_to_num(idx)) % len(lst)]


def _f_keys(m: Any) -> Any:
    if isinstance(m, Unresolved):
        raise _Unknown
    if not isinstance(m, dict):
        msg = "keys needs a map"
        raise EvalError(msg)
    return sorted(m)


def _f_values(m: Any) -> Any:
    if isinstance(m, Unresolved):
        raise _Unknown
    if not isinstance(m, dict):
        msg = "values needs a map"
        raise EvalError(msg)
    return [m[k] for k in sorted(m)]


def _f_zipmap(ks: Any, vs: Any) -> Any:
    if has_unknown(ks) or isinstance(vs, Unresolved):
        raise _Unknown
    if not isinstance(ks, list) or not isinstance(vs, list) or len(ks) != len(vs):
        msg = "zipmap needs two lists of the same length"
        raise EvalError(msg)
    return {_to_str(k): v for k, v in zip(ks, vs, strict=True)}


def _f_tolist(x: Any) -> Any:
    if isinstance(x, Unresolved):
        raise _Unknown
    if isinstance(x, list):
        return list(x)
    msg = "tolist needs a list or set"
    raise EvalError(msg)


def _f_tomap(x: Any) -> Any:
    if isinstance(x, Unresolved):
        raise _Unknown
    if isinstance(x, dict):
        return dict(x)
    msg = "tomap needs a map or object"
    raise EvalError(msg)


def _sort_key(v: Any) -> tuple[int, Any]:
    if isinstance(v, bool):
        return (0, v)
    if isinstance(v, int | float):
        return (1, v)
    if isinstance(v, str):
        return (2, v)
    return (3, json.dumps(v, sort_keys=True, default=str))


def _dedup(items: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    seen: set[str] = set()
    for it in items:
        k = json.dumps(it, sort_keys=True, default=str)
        if k not in seen:
            seen.add(k)
            out.append(it)
    return out


def _f_toset(x: Any) -> Any:
    _need(x)
    if not isinstance(x, list):
        msg = "toset needs a list"
        raise EvalError(msg)
    items = _dedup(x)
    if all(isinstance(i, str) for i in items):
        return sorted(items)
    return items


def _f_tostring(x: Any) -> Any:
    if x is None:
        return None
    return _to_str(x)


def _f_tonumber(x: Any) -> Any:
    if x is None:
        return None
    return _to_num(x)


def _f_tobool(x: Any) -> Any:
    if x is None:
        return None
    return _to_bool(x)


_FMT = re.compile(r"%(?:%|([-+ #0]*)(\d+)?(?:\.(\d+))?([vsdfqtbeEgGxXo]))")


def _f_format(fmt: Any, *args: Any) -> str:
    if not isinstance(fmt, str):
        msg = "format needs a string"
        raise EvalError(msg)
    it = iter(args)

    def rep(m: re.Match[str]) -> str:
        if m.group(0) == "%%":
            return "%"
        flags, width, prec, verb = m.group(1) or "", m.group(2), m.group(3), m.group(4)
        try:
            v = next(it)
        except StopIteration:
            msg = "format: too few arguments"
            raise EvalError(msg) from None
        if verb in ("v", "s"):
            s = _to_str(v) if not isinstance(v, list | dict) else json.dumps(v)
        elif verb == "q":
            s = json.dumps(_to_str(v))
        elif verb == "t":
            s = "true" if _to_bool(v) else "false"
        elif verb == "d":
            s = str(int(_to_num(v)))
        elif verb in "xXob":
            s = format(int(_to_num(v)), verb)
        else:
            p = int(prec) if prec is not None else 6
            s = format(float(_to_num(v)), f".{p}{verb}")
        if width:
            w = min(int(width), 4096)
            s = s.ljust(w) if "-" in flags else s.rjust(w, "0" if "0" in flags and verb not in "sqv" else " ")
        return s

    return _FMT.sub(rep, fmt)


def _f_formatlist(fmt: Any, *args: Any) -> list[str]:
    n = max((len(a) for a in args if isinstance(a, list)), default=1)
    return [_f_format(fmt, *[a[i] if isinstance(a, list) else a for a in args]) for i in range(n)]


def _f_join(sep: Any, *lists: Any) -> str:
    items: list[Any] = []
    for lst in lists:
        if not isinstance(lst, list):
            msg = "join needs lists"
            raise EvalError(msg)
        items.extend(lst)
    return _to_str(sep).join(_to_str(i) for i in items)


def _f_split(sep: Any, s: Any) -> list[str]:
    return _to_str(s).split(_to_str(sep)) if _to_str(sep) else list(_to_str(s))


def _f_replace(s: Any, old: Any, new: Any) -> str:
    s, old, new = _to_str(s), _to_str(old), _to_str(new)
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        pattern = old[1:-1]
        repl = re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", new)
        return re.sub(pattern, repl, s)
    return s.replace(old, new)


def _f_contains(lst: Any, v: Any) -> bool:
    if not isinstance(lst, list):
        msg = "contains needs a list"
        raise EvalError(msg)
    return any(_equal(x, v) for x in lst)


def _f_coalesce(*args: Any) -> Any:
    for a in args:
        if isinstance(a, Unresolved):
            raise _Unknown
        if a is not None and a != "":
            return a
    msg = "coalesce: no non-null argument"
    raise EvalError(msg)


def _f_coalescelist(*args: Any) -> Any:
    for a in args:
        if isinstance(a, Unresolved):
            raise _Unknown
        if isinstance(a, list) and a:
            return a
    return []


def _f_compact(lst: Any) -> list[Any]:
    _need(lst)
    return [x for x in lst if x is not None and x != ""]


def _f_distinct(lst: Any) -> list[Any]:
    return _dedup(lst)


def _f_slice(lst: Any, a: Any, b: Any) -> Any:
    if isinstance(lst, Unresolved) or has_unknown([a, b]):
        raise _Unknown
    i, j = int(_to_num(a)), int(_to_num(b))
    if not isinstance(lst, list) or not 0 <= i <= j <= len(lst):
        msg = "slice: index out of range"
        raise EvalError(msg)
    return lst[i:j]


def _f_legacy_map(*args: Any) -> Any:
    """Terraform <= 0.14 ``map(k1, v1, k2, v2, ...)`` (removed in 0.15; old code still uses it)."""
    if len(args) % 2:
        msg = "map needs an even number of arguments (key, value, ...)"
        raise EvalError(msg)
    keys = args[0::2]
    if any(isinstance(k, Unresolved) for k in keys):
        raise _Unknown
    return {_to_str(k): v for k, v in zip(keys, args[1::2], strict=True)}


def _f_legacy_list(*args: Any) -> Any:
    """Terraform <= 0.14 ``list(a, b, ...)`` (removed in 0.15)."""
    return list(args)


def _f_one(lst: Any) -> Any:
    if isinstance(lst, Unresolved):
        raise _Unknown
    if not isinstance(lst, list) or len(lst) > 1:
        msg = "one needs a list of at most one element"
        raise EvalError(msg)
    return lst[0] if lst else None


def _f_range(*args: Any) -> list[Any]:
    nums = [_to_num(a) for a in args]
    if len(nums) == 1:
        start, stop, step = 0, nums[0], 1
    elif len(nums) == 2:
        start, stop, step = nums[0], nums[1], 1 if nums[1] >= nums[0] else -1
    else:
        start, stop, step = nums
    if step == 0 or abs((stop - start) / step) > 1024:
        msg = "range too large"
        raise EvalError(msg)
    out = []
    x = start
    while (step > 0 and x < stop) or (step < 0 and x > stop):
        out.append(_norm_num(x))
        x += step
    return out


def _f_cidrsubnet(prefix: Any, newbits: Any, netnum: Any) -> str:
    net = ipaddress.ip_network(_to_str(prefix), strict=False)
    nb, nn = int(_to_num(newbits)), int(_to_num(netnum))
    new_prefix = net.prefixlen + nb
    if new_prefix > net.max_prefixlen or nn < 0 or nn >= 2**nb:
        msg = "cidrsubnet: not enough address space"
        raise EvalError(msg)
    base = int(net.network_address) + (nn << (net.max_prefixlen - new_prefix))
    return str(ipaddress.ip_network((base, new_prefix)))


def _f_cidrsubnets(prefix: Any, *newbits: Any) -> list[str]:
    net = ipaddress.ip_network(_to_str(prefix), strict=False)
    cur = int(net.network_address)
    out = []
    for nb in newbits:
        plen = net.prefixlen + int(_to_num(nb))
        size = 1 << (net.max_prefixlen - plen)
        cur = (cur + size - 1) // size * size
        sub = ipaddress.ip_network((cur, plen))
        if not sub.subnet_of(net):  # type: ignore[arg-type]
            msg = "cidrsubnets: not enough address space"
            raise EvalError(msg)
        out.append(str(sub))
        cur += size
    return out


def _f_cidrhost(prefix: Any, hostnum: Any) -> str:
    net = ipaddress.ip_network(_to_str(prefix), strict=False)
    n = int(_to_num(hostnum))
    if n < 0:
        n += net.num_addresses
    if not 0 <= n < net.num_addresses:
        msg = "cidrhost: host number out of range"
        raise EvalError(msg)
    return str(net.network_address + n)


def _f_cidrnetmask(prefix: Any) -> str:
    return str(ipaddress.ip_network(_to_str(prefix), strict=False).netmask)


def _f_jsonencode(v: Any) -> Any:
    if has_unknown(v):
        return _Partial(render_json(v), "jsonencode() of a partially known value")
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def _f_jsondecode(s: Any) -> Any:
    try:
        return json.loads(_to_str(s))
    except RecursionError:
        msg = "jsondecode: too deeply nested"
        raise EvalError(msg) from None


def _f_yamlencode(v: Any) -> Any:
    import yaml

    return yaml.safe_dump(v, sort_keys=False)


def _f_yamldecode(s: Any) -> Any:
    import yaml

    try:
        return yaml.safe_load(_to_str(s))
    except yaml.YAMLError:
        msg = "yamldecode: invalid YAML"
        raise EvalError(msg) from None


def _minmax(fn: Callable[..., Any]) -> Callable[..., Any]:
    def f(*args: Any) -> Any:
        if not args:
            msg = "needs at least one argument"
            raise EvalError(msg)
        return fn(_to_num(a) for a in args)

    return f


def _f_sort(lst: Any) -> list[str]:
    return sorted(_to_str(x) for x in lst)


def _f_setunion(*sets: Any) -> list[Any]:
    return _f_toset([x for s in sets for x in s])


def _f_setintersection(first: Any, *rest: Any) -> list[Any]:
    return _f_toset([x for x in first if all(any(_equal(x, y) for y in r) for r in rest)])


def _f_setsubtract(a: Any, b: Any) -> list[Any]:
    return _f_toset([x for x in a if not any(_equal(x, y) for y in b)])


def _f_setproduct(*sets: Any) -> list[Any]:
    out: list[list[Any]] = [[]]
    for s in sets:
        out = [[*p, x] for p in out for x in s]
        if len(out) > 100000:
            msg = "setproduct too large"
            raise EvalError(msg)
    return out


def _f_chunklist(lst: Any, n: Any) -> list[Any]:
    k = int(_to_num(n))
    if k <= 0:
        return [lst]
    return [lst[i : i + k] for i in range(0, len(lst), k)]


def _f_regex(pattern: Any, s: Any) -> Any:
    m = re.search(_to_str(pattern), _to_str(s))
    if not m:
        msg = "regex: no match"
        raise EvalError(msg)
    if m.groupdict():
        return m.groupdict()
    if m.groups():
        return list(m.groups())
    return m.group(0)


def _f_regexall(pattern: Any, s: Any) -> list[Any]:
    rx = re.compile(_to_str(pattern))
    out: list[Any] = []
    for m in rx.finditer(_to_str(s)):
        out.append(m.groupdict() or (list(m.groups()) if m.groups() else m.group(0)))
    return out


def _f_substr(s: Any, off: Any, length: Any) -> str:
    t, o, n = _to_str(s), int(_to_num(off)), int(_to_num(length))
    if o < 0:
        o += len(t)
    return t[o:] if n == -1 else t[o : o + n]


def _f_title(s: Any) -> str:
    return re.sub(r"\b([a-z])", lambda m: m.group(1).upper(), _to_str(s))


def _f_transpose(m: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k in sorted(m):
        for v in m[k]:
            out.setdefault(_to_str(v), []).append(k)
    return out


def _f_base64encode(s: Any) -> str:
    import base64

    return base64.b64encode(_to_str(s).encode()).decode()


def _f_base64decode(s: Any) -> str:
    import base64

    return base64.b64decode(_to_str(s)).decode("utf-8")


def _f_index(lst: Any, v: Any) -> int:
    for i, x in enumerate(lst):
        if _equal(x, v):
            return i
    msg = "index: value not found"
    raise EvalError(msg)


def _f_matchkeys(values: Any, keys: Any, search: Any) -> list[Any]:
    return [v for v, k in zip(values, keys, strict=False) if any(_equal(k, s) for s in search)]


def _f_trim(s: Any, chars: Any) -> str:
    return _to_str(s).strip(_to_str(chars))


def _f_strcontains(s: Any, sub: Any) -> bool:
    return _to_str(sub) in _to_str(s)


def _f_alltrue(lst: Any) -> bool:
    return all(_to_bool(x) for x in lst)


def _f_anytrue(lst: Any) -> bool:
    return any(_to_bool(x) for x in lst)


def _f_sum(lst: Any) -> Any:
    if not lst:
        msg = "sum of an empty list"
        raise EvalError(msg)
    return _norm_num(sum(_to_num(x) for x in lst))


def _f_type_ctor(*_args: Any) -> Any:
    raise _Unknown


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "merge": _f_merge,
    "concat": _f_concat,
    "flatten": _f_flatten,
    "length": _f_length,
    "lookup": _f_lookup,
    "element": _f_element,
    "keys": _f_keys,
    "values": _f_values,
    "zipmap": _f_zipmap,
    "tolist": _f_tolist,
    "toset": _f_toset,
    "tomap": _f_tomap,
    "map": _f_legacy_map,
    "list": _f_legacy_list,
    "tostring": _f_tostring,
    "tonumber": _f_tonumber,
    "tobool": _f_tobool,
    "format": _f_format,
    "formatlist": _f_formatlist,
    "join": _f_join,
    "split": _f_split,
    "upper": lambda s: _to_str(s).upper(),
    "lower": lambda s: _to_str(s).lower(),
    "title": _f_title,
    "replace": _f_replace,
    "contains": _f_contains,
    "distinct": _f_distinct,
    "coalesce": _f_coalesce,
    "coalescelist": _f_coalescelist,
    "compact": _f_compact,
    "cidrsubnet": _f_cidrsubnet,
    "cidrsubnets": _f_cidrsubnets,
    "cidrhost": _f_cidrhost,
    "cidrnetmask": _f_cidrnetmask,
    "jsonencode": _f_jsonencode,
    "jsondecode": _f_jsondecode,
    "yamlencode": _f_yamlencode,
    "yamldecode": _f_yamldecode,
    "min": _minmax(min),
    "max": _minmax(max),
    "abs": lambda x: abs(_to_num(x)),
    "ceil": lambda x: math.ceil(_to_num(x)),
    "floor": lambda x: math.floor(_to_num(x)),
    "pow": lambda a, b: _norm_num(_to_num(a) ** _to_num(b)),
    "signum": lambda x: (_to_num(x) > 0) - (_to_num(x) < 0),
    "parseint": lambda s, b: int(_to_str(s), int(_to_num(b))),
    "range": _f_range,
    "slice": _f_slice,
    "startswith": lambda s, p: _to_str(s).startswith(_to_str(p)),
    "endswith": lambda s, p: _to_str(s).endswith(_to_str(p)),
    "strcontains": _f_strcontains,
    "trimprefix": lambda s, p: _to_str(s).removeprefix(_to_str(p)),
    "trimsuffix": lambda s, p: _to_str(s).removesuffix(_to_str(p)),
    "trimspace": lambda s: _to_str(s).strip(),
    "trim": _f_trim,
    "chomp": lambda s: _to_str(s).rstrip("\r\n"),
    "substr": _f_substr,
    "strrev": lambda s: _to_str(s)[::-1],
    "one": _f_one,
    "alltrue": _f_alltrue,
    "anytrue": _f_anytrue,
    "sort": _f_sort,
    "reverse": lambda lst: list(reversed(lst)),
    "setunion": _f_setunion,
    "setintersection": _f_setintersection,
    "setsubtract": _f_setsubtract,
    "setproduct": _f_setproduct,
    "chunklist": _f_chunklist,
    "regex": _f_regex,
    "regexall": _f_regexall,
    "base64encode": _f_base64encode,
    "base64decode": _f_base64decode,
    "index": _f_index,
    "matchkeys": _f_matchkeys,
    "transpose": _f_transpose,
    "sum": _f_sum,
    "md5": lambda s: hashlib.md5(_to_str(s).encode(), usedforsecurity=False).hexdigest(),
    "sha1": lambda s: hashlib.sha1(_to_str(s).encode(), usedforsecurity=False).hexdigest(),
    "sha256": lambda s: hashlib.sha256(_to_str(s).encode()).hexdigest(),
    "sha512": lambda s: hashlib.sha512(_to_str(s).encode()).hexdigest(),
    "base64sha256": lambda s: base64.b64encode(hashlib.sha256(_to_str(s).encode()).digest()).decode(),
    "urlencode": lambda s: urllib.parse.quote(_to_str(s), safe="-_.~"),
    "indent": lambda n, s: _to_str(s).replace("\n", "\n" + " " * int(_to_num(n))),
    "nonsensitive": lambda x: x,
    "sensitive": lambda x: x,
    "type": _f_type_ctor,
}

#: Functions that read a file under the reviewed root (through ``Context.read_file``).
_FILE_FUNCTIONS = frozenset(
    {"file", "templatefile", "fileexists", "filebase64", "filemd5", "filesha1", "filesha256", "filesha512"}
)

#: Functions that accept partially unknown arguments and decide themselves.
_TOLERANT = frozenset(
    {
        "merge",
        "concat",
        "flatten",
        "length",
        "lookup",
        "element",
        "keys",
        "values",
        "zipmap",
        "tolist",
        "tomap",
        "jsonencode",
        "coalesce",
        "coalescelist",
        "slice",
        "one",
        "nonsensitive",
        "sensitive",
    }
)
