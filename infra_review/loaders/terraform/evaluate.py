"""Static evaluation of HCL expressions (ASTs from :mod:`.expr`) with Terraform semantics.

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

import json
import math
from collections.abc import Callable, Iterable
from typing import Any

from infra_review.loaders.terraform.expr import HCLSyntaxError, Node, parse_template, to_text
from infra_review.loaders.terraform.functions import FILE_FUNCTIONS, FUNCTIONS, TOLERANT, glob_match
from infra_review.loaders.terraform.value import (
    BudgetExceeded,
    Context,
    EvalError,
    Namespace,
    PartialResult,
    Ref,
    UnknownArgument,
    collect_refs,
    equal,
    has_unknown,
    is_unknown,
    key_repr,
    norm_num,
    placeholder,
    plain,
    render_json,
    to_bool,
    to_num,
    to_str,
    unknown_value,
)
from infra_review.model import Unresolved

__all__ = ["Evaluator"]


# -- evaluator ----------------------------------------------------------------------------------
class Evaluator:
    """Evaluate AST nodes in a :class:`Context` with local bindings ``env``."""

    #: Loop iterations (for expressions, template for directives) allowed per evaluator.
    STEP_BUDGET = 1_000_000

    def __init__(self, step_budget: int | None = None) -> None:
        self.functions: dict[str, Callable[..., Any]] = dict(FUNCTIONS)
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
                if is_unknown(key):
                    return unknown_value(to_text(node), key, val, reason="object key not statically known")
                try:
                    out[to_str(key)] = val
                except EvalError:
                    return unknown_value(to_text(node), reason="object key is not a string")
            return out
        if tag == "cond":
            c = self._ev(node[1], ctx, env)
            if is_unknown(c):
                t = self._ev(node[2], ctx, env)
                f = self._ev(node[3], ctx, env)
                return unknown_value(to_text(node), c, t, f, reason="condition not statically known")
            try:
                cb = to_bool(c)
            except EvalError:
                return unknown_value(to_text(node), reason="condition is not a bool")
            return self._ev(node[2] if cb else node[3], ctx, env)
        if tag == "binop":
            return self._binop(node, ctx, env)
        if tag == "unop":
            x = self._ev(node[2], ctx, env)
            if is_unknown(x):
                return unknown_value(to_text(node), x)
            try:
                if node[1] == "!":
                    return not to_bool(x)
                return norm_num(-to_num(x))
            except EvalError as e:
                return unknown_value(to_text(node), reason=str(e))
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
            return unknown_value(to_text(node), obj, key, reason="index not statically known")
        if isinstance(obj, Ref | Namespace):
            return obj.index(key)
        if isinstance(obj, Unresolved):
            return Unresolved(f"{obj.expr}[{key_repr(key)}]", obj.refs, obj.reason)
        if isinstance(obj, dict):
            k = to_str(key) if isinstance(key, str | int | float) and not isinstance(key, bool) else None
            if k is not None and k in obj:
                return obj[k]
            return Unresolved(to_text(node), collect_refs(obj), "key not found")
        if isinstance(obj, list):
            try:
                i = int(to_num(key))
            except EvalError:
                return Unresolved(to_text(node), collect_refs(obj), "bad list index")
            if 0 <= i < len(obj):
                return obj[i]
            return Unresolved(to_text(node), collect_refs(obj), "list index out of range")
        return Unresolved(to_text(node), collect_refs(obj), "cannot index this value")

    def _splat(self, node: Node, ctx: Context, env: dict[str, Any]) -> Any:
        obj = self._ev(node[1], ctx, env)
        if isinstance(obj, Unresolved):
            return unknown_value(to_text(node), obj)
        if isinstance(obj, Namespace):
            obj = obj.plain()
        return self._splat_items(obj, node[2], node, ctx, env)

    def _splat_items(
        self, obj: Any, ops: tuple[Node, ...], node: Node, ctx: Context, env: dict[str, Any]
    ) -> Any:
        """``obj[*]`` followed by ``ops``; a nested ``("splat", ops)`` step splats each element."""
        if isinstance(obj, Unresolved):
            return unknown_value(to_text(node), obj)
        if isinstance(obj, Namespace):
            obj = obj.plain()
        if obj is None:
            return []
        items = obj if isinstance(obj, list) else [obj]
        out = []
        for it in items:
            v = it
            for op in ops:
                if op[0] == "splat":
                    v = self._splat_items(v, op[1], node, ctx, env)
                    break
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
            return unknown_value(json.dumps(text, ensure_ascii=False), *unknown)
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
                if is_unknown(c):
                    unknown.append(unknown_value(to_text(p[1]), c))
                    out.append("${" + to_text(p[1]) + "}")
                    continue
                try:
                    branch = p[2] if to_bool(c) else p[3]
                except EvalError:
                    unknown.append(Unresolved(to_text(p[1]), (), "condition is not a bool"))
                    continue
                self._tpl_parts(branch, ctx, env, out, unknown)
                continue
            if p[0] == "for" and len(p) == 5:
                coll = self._ev(p[3], ctx, env)
                if is_unknown(coll) or not isinstance(coll, list | dict):
                    unknown.append(unknown_value(to_text(p[3]), coll))
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
                out.append(placeholder(v))
                continue
            try:
                out.append(to_str(v))
            except EvalError:
                unknown.append(Unresolved(to_text(p), collect_refs(v), "value cannot be used in a template"))
                out.append("${" + to_text(p) + "}")

    # -- operators --------------------------------------------------------------------------
    def _binop(self, node: Node, ctx: Context, env: dict[str, Any]) -> Any:
        op = node[1]
        a = self._ev(node[2], ctx, env)
        if op in ("&&", "||") and not is_unknown(a):
            try:
                ab = to_bool(a)
            except EvalError:
                return unknown_value(to_text(node), reason="operand is not a bool")
            if op == "&&" and not ab:
                return False
            if op == "||" and ab:
                return True
            b = self._ev(node[3], ctx, env)
            if is_unknown(b):
                return unknown_value(to_text(node), b)
            try:
                return to_bool(b)
            except EvalError:
                return unknown_value(to_text(node), reason="operand is not a bool")
        b = self._ev(node[3], ctx, env)
        if op in ("==", "!="):
            if _null_vs_known_shape(a, b) or _null_vs_known_shape(b, a):
                # a known container (or resource object) is not null, whatever its leaves
                return op == "!="
            if has_unknown(a) or has_unknown(b):
                return unknown_value(to_text(node), a, b)
            eq = equal(a, b)
            return eq if op == "==" else not eq
        if is_unknown(a) or is_unknown(b):
            return unknown_value(to_text(node), a, b)
        try:
            if op in ("&&", "||"):
                return to_bool(a) and to_bool(b) if op == "&&" else to_bool(a) or to_bool(b)
            x, y = to_num(a), to_num(b)
            if op == "+":
                return norm_num(x + y)
            if op == "-":
                return norm_num(x - y)
            if op == "*":
                return norm_num(x * y)
            if op == "/":
                if y == 0:
                    return unknown_value(to_text(node), reason="division by zero")
                return norm_num(x / y)
            if op == "%":
                if y == 0:
                    return unknown_value(to_text(node), reason="division by zero")
                return (
                    norm_num(math.fmod(x, y))
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
            return unknown_value(to_text(node), reason=str(e))
        return unknown_value(to_text(node), reason=f"unknown operator {op}")

    # -- for expressions --------------------------------------------------------------------
    def _for(self, node: Node, ctx: Context, env: dict[str, Any]) -> Any:
        _, kv, vv, coll_n, key_n, val_n, cond_n, group = node
        coll = self._ev(coll_n, ctx, env)
        if isinstance(coll, Namespace):
            coll = coll.as_collection()
        if is_unknown(coll) or not isinstance(coll, list | dict):
            if coll is None or not is_unknown(coll):
                return unknown_value(to_text(node), reason="for expression over a non-collection")
            return unknown_value(to_text(node), coll, reason="collection not statically known")
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
                if is_unknown(c):
                    reason = "for expression filter not statically known"
                    return unknown_value(to_text(node), c, coll, reason=reason)
                try:
                    if not to_bool(c):
                        continue
                except EvalError:
                    return unknown_value(to_text(node), reason="for expression filter is not a bool")
            val = self._ev(val_n, ctx, sub)
            if not is_obj:
                out_list.append(val)
                continue
            key = self._ev(key_n, ctx, sub)
            if is_unknown(key):
                reason = "for expression key not statically known"
                return unknown_value(to_text(node), key, coll, reason=reason)
            try:
                ks = to_str(key)
            except EvalError:
                return unknown_value(to_text(node), reason="for expression key is not a string")
            if group:
                out_obj.setdefault(ks, []).append(val)
            elif ks in out_obj:
                ctx.warn("duplicate key in for expression (use ... to group)")
                return unknown_value(to_text(node), reason="duplicate key in for expression")
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
                    if has_unknown(v) and not failed:
                        return unknown_value(text, v)
                    return not failed
                if not failed:
                    # Like Terraform: a value with unknown parts may still fail once known, so
                    # try() is then unknown (never the fallback, never a guess at success).
                    # (A wholly unknown value is returned as it is: unknown either way.)
                    return unknown_value(text, v) if has_unknown(v) and not is_unknown(v) else v
            return Unresolved(text, (), "try: no argument could be evaluated") if name == "try" else False
        if name in FILE_FUNCTIONS:
            return self._file_fn(name, node, ctx, env)
        if name == "fileset":
            return self._fileset(node, ctx, env)
        args = [self._ev(a, ctx, env) for a in arg_nodes]
        if expand and args:
            last = args[-1]
            if isinstance(last, Unresolved):
                return unknown_value(text, *args)
            if isinstance(last, list):
                args = args[:-1] + last
        args = [plain(a) if isinstance(a, Ref | Namespace) else a for a in args]
        fn = self.functions.get(name)
        if fn is None:
            return unknown_value(text, *args, reason=f"function {name}() not evaluated")
        tolerant = name in TOLERANT
        if not tolerant and any(has_unknown(a) for a in args):
            return unknown_value(_call_text(name, args, text), *args)
        try:
            result = fn(*args)
        except UnknownArgument:
            return unknown_value(_call_text(name, args, text), *args)
        except (EvalError, ValueError, TypeError, KeyError, IndexError, ArithmeticError) as e:
            return Unresolved(text, collect_refs(*args), f"{name}(): {_short(e)}")
        if isinstance(result, PartialResult):
            return Unresolved(result.text, collect_refs(*args), result.reason)
        return result

    def _file_fn(self, name: str, node: Node, ctx: Context, env: dict[str, Any]) -> Any:
        text = to_text(node)
        args = [self._ev(a, ctx, env) for a in node[2]]
        if not args or not isinstance(args[0], str):
            return unknown_value(text, *args, reason=f"{name}(): path not statically known")
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
            return FUNCTIONS["base64encode"](content)
        if name in ("filemd5", "filesha1", "filesha256", "filesha512"):
            return FUNCTIONS[name[4:]](content)
        tvars = args[1] if len(args) > 1 else {}
        if isinstance(tvars, Namespace):
            tvars = tvars.plain()
        if not isinstance(tvars, dict):
            return unknown_value(text, tvars, reason="templatefile(): variables not statically known")
        try:
            tnode = parse_template(content)
        except (HCLSyntaxError, RecursionError):
            return Unresolved(text, collect_refs(tvars), "templatefile(): template could not be parsed")
        sub = _TemplateContext(ctx)
        result = self._ev(tnode, sub, dict(tvars))
        return result

    def _fileset(self, node: Node, ctx: Context, env: dict[str, Any]) -> Any:
        """``fileset(path, pattern)`` over the files the loader may read (confined to the root)."""
        text = to_text(node)
        args = [self._ev(a, ctx, env) for a in node[2]]
        if len(args) != 2 or any(has_unknown(a) for a in args):
            return unknown_value(text, *args, reason="fileset(): path or pattern not statically known")
        try:
            path, rx = to_str(args[0]), glob_match(to_str(args[1]))
        except EvalError as e:
            return Unresolved(text, (), f"fileset(): {_short(e)}")
        files = ctx.list_files(path, text)
        if not isinstance(files, list):
            return files
        return [f for f in files if rx.fullmatch(f)]


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
    "file not found",
)


#: Reasons that mean "not known yet", never "failed", even when they name a function.
_UNKNOWN_REASONS = ("not statically known", "not evaluated", "outside the reviewed root", "not available")


def _is_failure(u: Unresolved) -> bool:
    """An Unresolved that stands for a definite error on known values (so try() moves on and
    can() is false).  Anything merely unknown (an unset variable, a file path or file outside
    the root, a function we do not evaluate) is not a failure: try()/can() stay unknown.
    """
    if any(s in u.reason for s in _UNKNOWN_REASONS):
        return False
    return any(s in u.reason for s in _FAIL_REASONS)


def _null_vs_known_shape(a: Any, b: Any) -> bool:
    """``a`` is null and ``b`` is a known container or a resource object (non-null whatever
    its unknown leaves)."""
    return a is None and isinstance(b, dict | list | Ref)


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
