"""A block's body evaluated into plain attributes, recording the edges of each attribute.

Nested blocks become lists of dicts (a labelled nested block carries ``_labels``); ``dynamic``
blocks are expanded when their ``for_each`` is known (else the list holds an ``Unresolved``
and the references written in the content still become edges); ``lifecycle``'s
``ignore_changes``/``replace_triggered_by`` keep their text.
"""

from __future__ import annotations

from typing import Any

from infra_review.loaders.terraform.edges import EdgeRecorder
from infra_review.loaders.terraform.refs import name_text, ref_text
from infra_review.loaders.terraform.scope import BlockContext, Instance
from infra_review.loaders.terraform.state import BuildState
from infra_review.loaders.terraform.value import Namespace, collect_refs, plain
from infra_review.model import Unresolved

__all__ = ["BodyEvaluator"]


class BodyEvaluator:
    """Evaluates block bodies of one build (attributes, nested and dynamic blocks)."""

    def __init__(self, state: BuildState, edges: EdgeRecorder) -> None:
        self.state = state
        self.edges = edges

    def eval_body(
        self,
        blk: dict[str, Any],
        ctx: BlockContext,
        env: dict[str, Any],
        src_addr: str,
        prefix: str,
        skip: frozenset[str],
    ) -> dict[str, Any]:
        """The attributes of ``blk`` (minus ``skip``) in ``ctx``; edges from ``src_addr``."""
        inst = ctx.inst
        bound = frozenset(env)
        out: dict[str, Any] = {}
        is_lifecycle = blk["type"] == "lifecycle"
        for name, a in blk["attrs"].items():
            if name in skip:
                continue
            if is_lifecycle and name in ("ignore_changes", "replace_triggered_by"):
                # attribute names / addresses, not values: keep their text
                n = a["expr"]
                out[name] = [name_text(x) for x in n[1]] if n[0] == "tuple" else name_text(n)
                if name == "replace_triggered_by":
                    self.edges.for_value(src_addr, prefix + name, None, n, inst, bound=bound)
                continue
            v = plain(self.state.eval(a["expr"], ctx, env))
            out[name] = v
            self.edges.for_value(src_addr, prefix + name, v, a["expr"], inst, bound=bound, ctx=ctx, env=env)
        counters: dict[str, int] = {}
        for nb in blk["blocks"]:
            if nb["type"] == "dynamic" and nb["labels"]:
                label = nb["labels"][0]
                lst = out.setdefault(label, [])
                if not isinstance(lst, list):
                    continue
                self._dynamic(nb, label, ctx, env, src_addr, f"{prefix}{label}[*].", lst)
                counters[label] = len(lst)
                continue
            t = nb["type"]
            i = counters.get(t, 0)
            counters[t] = i + 1
            d = self.eval_body(nb, ctx, env, src_addr, f"{prefix}{t}[{i}].", frozenset())
            if nb["labels"]:
                d["_labels"] = list(nb["labels"])
            lst = out.setdefault(t, [])
            if isinstance(lst, list):
                lst.append(d)
        return out

    def _dynamic(
        self,
        nb: dict[str, Any],
        label: str,
        ctx: BlockContext,
        env: dict[str, Any],
        src: str,
        prefix: str,
        lst: list[Any],
    ) -> None:
        it_attr = nb["attrs"].get("iterator")
        it_name = label
        if it_attr is not None and it_attr["expr"][0] in ("var", "lit"):
            it_name = str(it_attr["expr"][1])
        fe = nb["attrs"].get("for_each")
        contents = [b for b in nb["blocks"] if b["type"] == "content"]
        if fe is None or not contents:
            return
        coll = self.state.eval(fe["expr"], ctx, env)
        if isinstance(coll, Namespace):
            coll = coll.plain()
        self.edges.for_value(src, prefix[:-1], plain(coll), fe["expr"], ctx.inst, bound=frozenset(env))
        if isinstance(coll, dict | list) and not isinstance(coll, Unresolved):
            pairs = coll.items() if isinstance(coll, dict) else enumerate(coll)
            for k, v in pairs:
                sub = dict(env)
                sub[it_name] = {"key": k, "value": v}
                lst.append(self.eval_body(contents[0], ctx, sub, src, prefix, frozenset()))
            return
        u = coll if isinstance(coll, Unresolved) else Unresolved(ref_text(fe["expr"]), collect_refs(coll), "")
        lst.append(Unresolved(u.expr, u.refs, "dynamic block for_each not statically known"))
        # still record the references written inside the content
        bound = frozenset(env) | {it_name}
        for b in contents:
            self._static_only(b, ctx.inst, src, prefix, bound)

    def _static_only(
        self, blk: dict[str, Any], inst: Instance, src: str, prefix: str, bound: frozenset[str]
    ) -> None:
        stack = [(blk, prefix)]
        while stack:
            b, pre = stack.pop()
            for name, a in b["attrs"].items():
                self.edges.static_edges(src, a["expr"], inst, "ref", pre + name, bound)
            for nb in b["blocks"]:
                stack.append((nb, f"{pre}{nb['type']}[*]."))
