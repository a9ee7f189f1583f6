"""The state one Terraform build accumulates: diagnostics, budgets, nodes and pending edges.

Every step of the build (:mod:`.modules`, :mod:`.resolve`, :mod:`.expand`, :mod:`.edges`,
:mod:`.emit`) writes into one :class:`BuildState`; :meth:`BuildState.flush` adds the nodes and
edges to the graph at the end, so an edge may name a node emitted later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.loaders.terraform.evaluate import Evaluator
from infra_review.loaders.terraform.expr import Node
from infra_review.loaders.terraform.modules import ModuleDef
from infra_review.loaders.terraform.scope import BlockContext
from infra_review.loaders.terraform.value import bounded
from infra_review.model import Diagnostic, DiagnosticCode, Resource, Unresolved

__all__ = ["MAX_INSTANCES", "MAX_MODULE_DEPTH", "MAX_TOTAL_INSTANCES", "BuildState", "Loc"]

#: Deepest module nesting expanded (a module calling itself is stopped here, with a diagnostic).
MAX_MODULE_DEPTH = 12
#: Most instances one count/for_each expands to (more: one unexpanded node and a warning).
MAX_INSTANCES = 10_000
#: Most count/for_each instances (resources, data, module calls) in one build.
MAX_TOTAL_INSTANCES = 200_000

#: A block's position: (file, line).
Loc = tuple[str, int]


class BuildState:
    """Diagnostics, the instance budget, the collected modules, emitted nodes, pending edges."""

    def __init__(
        self,
        rg: ResourceGraph,
        read_text: Callable[[str], str | None] | None,
        list_files: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        self.rg = rg
        self.read_text = read_text
        self.list_files = list_files
        self.ev = Evaluator()
        self.diags: list[Diagnostic] = []
        self._warned: set[tuple[str, int, str]] = set()
        self.mods: dict[str, ModuleDef] = {}
        self.all_var_files: list[str] = []
        self.nodes: dict[str, Resource] = {}
        self.instances: dict[str, list[str]] = {}  # base address -> instance addresses
        self.pending: list[tuple[str, str, str, str]] = []  # (src, target, kind, attr)
        self.module_children: dict[str, list[str]] = {}  # module call node -> member nodes
        self.instance_budget = MAX_TOTAL_INSTANCES
        self._budget_reported = False

    # -- evaluation ----------------------------------------------------------------------------
    def eval(self, node: Node, ctx: BlockContext, env: dict[str, Any] | None = None) -> Any:
        """Evaluate one expression in a block context."""
        return self.ev.eval(node, ctx, env)

    def bounded(self, value: Any, expr: str, loc: Loc) -> Any:
        """Replace a value whose expanded size explodes (shared sub-values) by an Unresolved."""
        if isinstance(value, dict | list) and not bounded(value):
            self.warn(loc, "value too large or too deeply nested to expand")
            return Unresolved(expr, (), "value too large to expand")
        if isinstance(value, str) and len(value) > 16_000_000:
            self.warn(loc, "string value too large")
            return Unresolved(expr, (), "value too large to expand")
        return value

    # -- diagnostics ---------------------------------------------------------------------------
    def budget_warn(self, loc: Loc) -> None:
        """Report, once per build, that the instance budget ran out."""
        if not self._budget_reported:
            self._budget_reported = True
            self.diags.append(
                Diagnostic(
                    DiagnosticCode.BUDGET_EXCEEDED,
                    loc[0],
                    loc[1],
                    0,
                    f"more than {MAX_TOTAL_INSTANCES} instances in the repository; "
                    "further count/for_each left unexpanded",
                )
            )

    def warn(self, loc: Loc, message: str) -> None:
        """An ``EVAL_WARNING`` at ``loc`` (each message once per position)."""
        key = (loc[0], loc[1], message)
        if key in self._warned:
            return
        self._warned.add(key)
        self.diags.append(Diagnostic(DiagnosticCode.EVAL_WARNING, loc[0], loc[1], 0, message[:300]))

    def module_unresolved(self, loc: Loc, call_addr: str, reason: str) -> None:
        """A ``MODULE_UNRESOLVED`` diagnostic for the module call at ``call_addr``."""
        self.diags.append(
            Diagnostic(
                DiagnosticCode.MODULE_UNRESOLVED,
                loc[0],
                loc[1],
                0,
                f"module {call_addr.rsplit('module.', 1)[-1][:80]}: {reason}",
            )
        )

    def unresolved_reason(self, blk: dict[str, Any]) -> str:
        """Why the module call ``blk`` was not expanded (from its ``MODULE_UNRESOLVED``)."""
        for d in reversed(self.diags):
            if d.code is DiagnosticCode.MODULE_UNRESOLVED and d.file == blk["file"] and d.line == blk["line"]:
                return d.message.split(": ", 1)[-1]
        return "module source could not be resolved"

    # -- nodes and edges -----------------------------------------------------------------------
    def add_node(self, res: Resource) -> None:
        """Keep ``res`` (the first node at an address wins) and index it by base address."""
        if res.address in self.nodes:
            return
        self.nodes[res.address] = res
        base = res.meta.get("base_address")
        if base:
            self.instances.setdefault(base, []).append(res.address)

    def add_edge(self, src: str, target: str, kind: str, attr: str) -> None:
        """An edge to add at :meth:`flush` (``target`` may be a base address)."""
        self.pending.append((src, target, kind, attr))

    def flush(self) -> None:
        """Add the nodes, the module membership edges and the pending edges to the graph."""
        rg = self.rg
        for res in self.nodes.values():
            rg.add(res)
        for call, members in self.module_children.items():
            if call in self.nodes:
                for m in members:
                    if m in self.nodes:
                        rg.add_edge(call, m, "module")
        for src, tgt, kind, attr in self.pending:
            if src not in self.nodes:
                continue
            for t in self._targets(tgt):
                if t != src:
                    if attr:
                        rg.add_edge(src, t, kind, attr=attr)
                    else:
                        rg.add_edge(src, t, kind)

    def _targets(self, tgt: str) -> list[str]:
        if tgt in self.nodes:
            return [tgt]
        inst = self.instances.get(tgt)
        if inst:
            return inst
        return []
