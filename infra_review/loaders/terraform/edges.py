"""References become edges: what an expression names and what its value ultimately refers to.

:class:`EdgeRecorder` records ``u → v`` (u depends on v) edges in the build state: to the
var/local/output/module nodes written in an expression (:meth:`EdgeRecorder.static_targets`)
and to every resource/data node its evaluated value references (``collect_refs``).
"""

from __future__ import annotations

from typing import Any

from infra_review.loaders.terraform.expand import instance_key
from infra_review.loaders.terraform.expr import Node
from infra_review.loaders.terraform.refs import NOEDGE_ROOTS, traversals
from infra_review.loaders.terraform.resolve import ValueResolver
from infra_review.loaders.terraform.scope import BlockContext, Instance
from infra_review.loaders.terraform.state import BuildState
from infra_review.loaders.terraform.value import collect_refs

__all__ = ["EdgeRecorder"]


class EdgeRecorder:
    """Turns the references of expressions into pending edges of the build."""

    def __init__(self, state: BuildState, values: ValueResolver) -> None:
        self.state = state
        self.values = values
        self.trav_cache: dict[int, list[tuple[str, list[Any]]]] = {}

    def traversals(self, node: Node) -> list[tuple[str, list[Any]]]:
        """:func:`.refs.traversals` of ``node``, memoised by node identity."""
        k = id(node)
        t = self.trav_cache.get(k)
        if t is None:
            try:
                t = traversals(node)
            except RecursionError:
                t = []
            self.trav_cache[k] = t
        return t

    def static_targets(
        self,
        inst: Instance,
        node: Node,
        bound: frozenset[str] = frozenset(),
        ctx: BlockContext | None = None,
        env: dict[str, Any] | None = None,
    ) -> list[str]:
        """Addresses (maybe base addresses) an expression names directly.

        With ``ctx`` (the block's evaluation context), a conditional whose condition is known
        names only what its taken branch names, and an index whose key is known names that
        instance (``aws_subnet.this[each.key]`` → ``aws_subnet.this["a"]``).
        """
        if ctx is not None and _has_choice(node):
            live = self._live(node, ctx, env or {})
            travs = traversals(live, bound) if live is not node else self.traversals(node)
        else:
            travs = self.traversals(node) if not bound else traversals(node, bound)
        out: list[str] = []
        p = inst.prefix
        for root, steps in travs:
            if root == "resource" and steps and isinstance(steps[0], str):
                root, steps = steps[0], steps[1:]  # resource.TYPE.NAME is TYPE.NAME
            if root in NOEDGE_ROOTS or not steps:
                continue
            first = steps[0]
            if not isinstance(first, str):
                continue
            if root == "var":
                out.append(f"{p}var.{first}")
            elif root == "local":
                out.append(f"{p}local.{first}")
            elif root == "module":
                out.extend(self._module_targets(inst, first, steps[1:]))
            elif root in ("data", "ephemeral"):
                if len(steps) >= 2 and isinstance(steps[1], str):
                    base = f"{p}{root}.{first}.{steps[1]}"
                    if len(steps) >= 3 and isinstance(steps[2], tuple):
                        out.append(base + instance_key(steps[2][0]))
                    else:
                        out.append(base)
            elif root in inst.mdef.resource_types:
                base = f"{p}{root}.{first}"
                if len(steps) >= 2 and isinstance(steps[1], tuple):
                    out.append(base + instance_key(steps[1][0]))
                else:
                    out.append(base)
        return out

    def _live(self, node: Node, ctx: BlockContext, env: dict[str, Any]) -> Node:
        """``node`` with known conditions replaced by their taken branch and known index keys by
        literals; the condition and key expressions stay (beside it) so their own references
        still count."""
        extra: list[Node] = []
        try:
            live = self._prune(node, ctx, env, extra)
        except RecursionError:
            return node
        return ("tuple", (live, *extra)) if extra else live

    def _prune(self, n: Node, ctx: BlockContext, env: dict[str, Any], extra: list[Node]) -> Node:
        if not isinstance(n, tuple) or not n:
            return n
        tag = n[0]
        if tag == "cond":
            c = self.state.eval(n[1], ctx, env)
            if isinstance(c, bool):
                extra.append(n[1])
                return self._prune(n[2] if c else n[3], ctx, env, extra)
        elif tag == "index" and n[2][0] != "lit":
            k = self.state.eval(n[2], ctx, env)
            if isinstance(k, str | int) and not isinstance(k, bool):
                extra.append(n[2])
                return ("index", self._prune(n[1], ctx, env, extra), ("lit", k))
        if tag in ("for", "splat", "var", "lit", "error"):
            return n  # iterator names and splat steps are not evaluated here
        if tag == "tpl":
            parts = tuple(
                p if isinstance(p, str) or p[0] in ("if", "for") else self._prune(p, ctx, env, extra)
                for p in n[1]
            )
            return ("tpl", parts, *n[2:])
        if tag == "object":
            items = tuple((self._prune(k, ctx, env, extra), self._prune(v, ctx, env, extra)) for k, v in n[1])
            return ("object", items, *n[2:])
        if tag == "tuple":
            return ("tuple", tuple(self._prune(x, ctx, env, extra) for x in n[1]), *n[2:])
        if tag == "call":
            return ("call", n[1], tuple(self._prune(x, ctx, env, extra) for x in n[2]), *n[3:])
        return tuple(self._prune(x, ctx, env, extra) if isinstance(x, tuple) else x for x in n)

    def _module_targets(self, inst: Instance, name: str, rest: list[Any]) -> list[str]:
        kids = self.values.children(inst, name)
        call = f"{inst.prefix}module.{name}"
        if kids is None:
            return []
        kind, items = kids
        if kind in ("remote", "unresolved"):
            return [items]
        key = None
        if rest and isinstance(rest[0], tuple):
            key, rest = rest[0][0], rest[1:]
        out_name = rest[0] if rest and isinstance(rest[0], str) else None
        targets = []
        for k, child in items:
            if key is not None and k != key:
                continue
            if out_name is not None and out_name in child.mdef.outputs:
                targets.append(f"{child.prefix}output.{out_name}")
            else:
                targets.append(child.prefix[:-1])
        return targets or [call]

    def static_edges(
        self, src: str, node: Node, inst: Instance, kind: str, attr: str, bound: frozenset[str] = frozenset()
    ) -> None:
        """An edge from ``src`` to every address ``node`` names directly."""
        for t in self.static_targets(inst, node, bound):
            self.state.add_edge(src, t, kind, attr)

    def for_value(
        self,
        src: str,
        attr: str,
        value: Any,
        node: Node | None,
        inst: Instance,
        kind: str = "ref",
        bound: frozenset[str] = frozenset(),
        ctx: BlockContext | None = None,
        env: dict[str, Any] | None = None,
    ) -> None:
        """Edges from ``src`` for one attribute: what ``node`` names (its live branches when
        ``ctx`` is given, see :meth:`static_targets`) and what ``value`` references."""
        seen: set[str] = set()
        if node is not None:
            for t in self.static_targets(inst, node, bound, ctx, env):
                if t not in seen:
                    seen.add(t)
                    self.state.add_edge(src, t, kind, attr)
        for r in collect_refs(value):
            if r not in seen:
                seen.add(r)
                self.state.add_edge(src, r, kind, attr)


def _has_choice(node: Node) -> bool:
    """True when ``node`` holds a conditional or an index by a non-literal key (iterative)."""
    stack: list[Any] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, tuple):
            if n and (n[0] == "cond" or (n[0] == "index" and len(n) == 3 and n[2][0] != "lit")):
                return True
            stack.extend(x for x in n if isinstance(x, tuple))
    return False
