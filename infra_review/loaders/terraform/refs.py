"""References written in an expression: the root name and static steps of every traversal.

Pure functions over the expression AST of :mod:`.expr`; :mod:`.edges` turns the traversals
into graph edges.
"""

from __future__ import annotations

from typing import Any

from infra_review.loaders.terraform.expr import Node, to_text

__all__ = ["NOEDGE_ROOTS", "name_text", "ref_text", "traversals"]

#: Names whose references never become edges (``count.index``, ``each.key``, ``path.module``...).
NOEDGE_ROOTS = frozenset({"count", "each", "path", "terraform", "self"})


def traversals(node: Node, bound: frozenset[str] = frozenset()) -> list[tuple[str, list[Any]]]:
    """Every reference (root name + static steps) written in an expression, skipping bound names.

    A static index step is a 1-tuple (``(0,)``, ``("a",)``); a dynamic index or a splat ends the
    static steps seen so far (its own references are walked too).

    >>> from infra_review.loaders.terraform.expr import parse_expr
    >>> traversals(parse_expr('aws_subnet.a[0].id'))
    [('aws_subnet', ['a', (0,), 'id'])]
    >>> traversals(parse_expr('[for s in var.subnets : s.id]'))
    [('var', ['subnets'])]
    """
    out: list[tuple[str, list[Any]]] = []
    stack: list[tuple[Any, frozenset[str]]] = [(node, bound)]
    while stack:
        n, bd = stack.pop()
        if not isinstance(n, tuple) or not n:
            continue
        tag = n[0]
        if tag in ("attr", "index", "splat", "var"):
            _chain(n, bd, out, stack)
        elif tag == "for":
            _, kv, vv, coll, key, value, cond, _g = n
            stack.append((coll, bd))
            inner = bd | {x for x in (kv, vv) if x}
            for x in (key, value, cond):
                if x is not None:
                    stack.append((x, inner))
        elif tag == "tpl":
            _template_parts(n, bd, stack)
        elif tag == "object":
            for k, v in n[1]:
                stack.append((k, bd))
                stack.append((v, bd))
        elif tag == "tuple":
            stack.extend((x, bd) for x in n[1])
        elif tag == "call":
            stack.extend((x, bd) for x in n[2])
        elif tag == "cond":
            stack.extend((x, bd) for x in n[1:4])
        elif tag == "binop":
            stack.extend((x, bd) for x in n[2:4])
        elif tag in ("unop", "paren"):
            stack.append((n[-1], bd))
    return out


def _chain(
    n: Node,
    bd: frozenset[str],
    out: list[tuple[str, list[Any]]],
    stack: list[tuple[Any, frozenset[str]]],
) -> None:
    """Walk an attr/index/splat chain down to its root, queueing its dynamic parts."""
    steps: list[Any] = []
    cur = n
    while True:
        t = cur[0]
        if t == "var":
            if cur[1] not in bd:
                steps.reverse()
                out.append((cur[1], steps))
            break
        if t == "attr":
            steps.append(cur[2])
            cur = cur[1]
        elif t == "index":
            k = cur[2]
            if k[0] == "lit" and isinstance(k[1], str | int) and not isinstance(k[1], bool):
                steps.append((k[1],))
            else:
                steps.clear()
                stack.append((k, bd))
            cur = cur[1]
        elif t == "splat":
            steps.clear()
            ops = list(cur[2])
            while ops:
                op = ops.pop()
                if op[0] == "index":
                    stack.append((op[1], bd))
                elif op[0] == "splat":
                    ops.extend(op[1])
            cur = cur[1]
        elif t == "paren":
            cur = cur[1]
        else:
            stack.append((cur, bd))
            break


def _template_parts(n: Node, bd: frozenset[str], stack: list[tuple[Any, frozenset[str]]]) -> None:
    for p in n[1]:
        if isinstance(p, str):
            continue
        if p[0] == "if" and len(p) == 4:
            stack.append((p[1], bd))
            stack.append((("tpl", p[2]), bd))
            stack.append((("tpl", p[3]), bd))
        elif p[0] == "for" and len(p) == 5:
            stack.append((p[3], bd))
            stack.append((("tpl", p[4]), bd | {x for x in (p[1], p[2]) if x}))
        else:
            stack.append((p, bd))


def name_text(node: Node) -> str:
    """An address or attribute name written bare (HCL) or as a string (``.tf.json``)."""
    if node[0] == "lit" and isinstance(node[1], str):
        return node[1]
    return ref_text(node)


def ref_text(node: Node) -> str:
    """The source text of an expression (``<expression>`` when too deep to print)."""
    try:
        return to_text(node)
    except RecursionError:
        return "<expression>"
