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
from infra_review.loaders.terraform.scope import Instance
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

    def static_targets(self, inst: Instance, node: Node, bound: frozenset[str] = frozenset()) -> list[str]:
        """Addresses (maybe base addresses) an expression names directly."""
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
    ) -> None:
        """Edges from ``src`` for one attribute: what ``node`` names and what ``value`` references."""
        seen: set[str] = set()
        if node is not None:
            for t in self.static_targets(inst, node, bound):
                if t not in seen:
                    seen.add(t)
                    self.state.add_edge(src, t, kind, attr)
        for r in collect_refs(value):
            if r not in seen:
                seen.add(r)
                self.state.add_edge(src, r, kind, attr)
