"""Emission: every block of a module instance becomes a :class:`~infra_review.model.Resource`.

:meth:`Emitter.emit_instance` emits the variables, locals, outputs, providers, the
``terraform`` block, data/ephemeral/resource instances, ``import``/``moved`` blocks and module
calls of one module instance, each block on its own (an unexpected error in one block becomes
an ``EVAL_WARNING`` there and the others still load), and returns the child module instances
to emit next.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from typing import Any

from infra_review.loaders.terraform.body import BodyEvaluator
from infra_review.loaders.terraform.edges import EdgeRecorder
from infra_review.loaders.terraform.expand import expansion, object_instances, resolve_provider
from infra_review.loaders.terraform.refs import ref_text
from infra_review.loaders.terraform.resolve import ValueResolver
from infra_review.loaders.terraform.scope import BlockContext, Instance
from infra_review.loaders.terraform.state import BuildState, Loc
from infra_review.loaders.terraform.value import plain
from infra_review.model import Resource, SourceLocation, Unresolved

__all__ = ["Emitter"]

_META_RESOURCE = frozenset({"count", "for_each", "provider", "depends_on"})
_META_MODULE = frozenset({"count", "for_each", "depends_on", "providers"})


def _at(blk: dict[str, Any]) -> Loc:
    return (blk.get("file", ""), blk.get("line", 0))


def _loc(blk: dict[str, Any]) -> SourceLocation:
    return SourceLocation(blk["file"], blk["line"], blk.get("end_line", blk["line"]))


def _ctx(inst: Instance, blk: dict[str, Any]) -> BlockContext:
    return BlockContext(inst, loc=(blk["file"], blk["line"]))


class Emitter:
    """Emits the nodes (and their edges) of module instances into the build state."""

    def __init__(
        self, state: BuildState, values: ValueResolver, edges: EdgeRecorder, body: BodyEvaluator
    ) -> None:
        self.state = state
        self.values = values
        self.edges = edges
        self.body = body

    def emit_instance(self, inst: Instance) -> list[Instance]:
        """Emit every node of one module instance; return the child instances to emit next.

        Each block is emitted on its own: an unexpected error in one block (a loader bug met on
        unusual input) becomes an ``EVAL_WARNING`` at that block and the others still load
        (set ``INFRA_REVIEW_DEBUG=1`` to get the exception instead).
        """
        base_meta: dict[str, Any] = {"root": inst.root.dir or "."}
        if inst.path:
            base_meta["module_dir"] = inst.mdef.dir or "."
        if not inst.expanded:
            base_meta["module_expanded"] = False
        members: list[str] = []
        nxt: list[Instance] = []
        for loc, task in self._tasks(inst, base_meta, members, nxt):
            try:
                task()
            except RecursionError:
                self.state.warn(loc, "expressions too deeply nested to evaluate; block skipped")
            except Exception as exc:
                if os.environ.get("INFRA_REVIEW_DEBUG"):
                    raise
                self.state.warn(
                    loc, f"internal error while loading this block ({type(exc).__name__}); block skipped"
                )
        if inst.path and inst.parent is not None:
            self.state.module_children.setdefault(inst.prefix[:-1], []).extend(members)
        return nxt

    def _tasks(
        self, inst: Instance, base_meta: dict[str, Any], members: list[str], nxt: list[Instance]
    ) -> list[tuple[Loc, Callable[[], Any]]]:
        """One emission task per block, in emission order."""
        mdef = inst.mdef
        tasks: list[tuple[Loc, Callable[[], Any]]] = []
        for name, blk in mdef.variables.items():
            tasks.append((_at(blk), partial(self._emit_variable, inst, name, blk, base_meta)))
        for name, a in mdef.locals.items():
            tasks.append((_at(a), partial(self._emit_local, inst, name, a, base_meta)))
        for name, blk in mdef.outputs.items():
            tasks.append((_at(blk), partial(self._emit_output, inst, name, blk, base_meta)))
        for blk in mdef.providers:
            tasks.append((_at(blk), partial(self._emit_provider, inst, blk, base_meta)))
        if mdef.terraform:
            tasks.append((_at(mdef.terraform[0]), partial(self._emit_terraform, inst, base_meta)))
        for block, table in (
            ("data", mdef.data),
            ("ephemeral", mdef.ephemeral),
            ("resource", mdef.resources),
        ):
            for key, blk in table.items():
                tasks.append(
                    (_at(blk), partial(self._emit_object, inst, block, key, blk, base_meta, members))
                )
        for kind, blocks in (("import", mdef.imports), ("moved", mdef.moveds)):
            for blk in blocks:
                tasks.append((_at(blk), partial(self._emit_import_moved, inst, kind, blk, base_meta)))
        for name, blk in mdef.modules.items():
            tasks.append(
                (_at(blk), partial(self._emit_module_call, inst, name, blk, base_meta, members, nxt))
            )
        return tasks

    # -- configuration blocks ------------------------------------------------------------------
    def _emit_local(self, inst: Instance, name: str, a: dict[str, Any], base_meta: dict[str, Any]) -> None:
        addr = f"{inst.prefix}local.{name}"
        v = plain(self.values.local_value(inst, name))
        self.state.add_node(
            Resource(
                addr,
                "local",
                "local",
                {"value": v},
                SourceLocation(a["file"], a["line"], a["end_line"]),
                inst.module,
                "",
                "terraform",
                {**base_meta, "name": name},
            )
        )
        self.edges.for_value(addr, "value", v, a["expr"], inst, ctx=BlockContext(inst))

    def _emit_output(self, inst: Instance, name: str, blk: dict[str, Any], base_meta: dict[str, Any]) -> None:
        addr = f"{inst.prefix}output.{name}"
        attrs = self.body.eval_body(blk, _ctx(inst, blk), {}, addr, "", frozenset({"value", "depends_on"}))
        attrs["value"] = plain(self.values.output_value(inst, name))
        if "value" in blk["attrs"]:
            self.edges.for_value(
                addr, "value", attrs["value"], blk["attrs"]["value"]["expr"], inst, ctx=BlockContext(inst)
            )
        self._depends_on(addr, blk, inst)
        meta = {**base_meta, "name": name}
        self.state.add_node(
            Resource(addr, "output", "output", attrs, _loc(blk), inst.module, "", "terraform", meta)
        )

    def _emit_variable(
        self, inst: Instance, name: str, blk: dict[str, Any], base_meta: dict[str, Any]
    ) -> None:
        addr = f"{inst.prefix}var.{name}"
        ctx = _ctx(inst, blk)
        attrs: dict[str, Any] = {}
        for k, a in blk["attrs"].items():
            if k == "type":
                attrs["type"] = ref_text(a["expr"]) if a["expr"][0] != "lit" else a["expr"][1]
            else:
                attrs[k] = plain(self.state.eval(a["expr"], ctx))
        for nb in blk["blocks"]:
            attrs.setdefault(nb["type"], []).append({k: ref_text(a["expr"]) for k, a in nb["attrs"].items()})
        value = plain(self.values.var_value(inst, name))
        attrs["value"] = value
        src = inst.var_src.get(name, "unset")
        if inst.call is not None and name in inst.call["attrs"] and inst.parent is not None:
            self.edges.for_value(addr, "value", value, inst.call["attrs"][name]["expr"], inst.parent)
        else:
            self.edges.for_value(addr, "value", value, None, inst)
        meta = {**base_meta, "name": name, "value_source": src}
        self.state.add_node(
            Resource(addr, "variable", "variable", attrs, _loc(blk), inst.module, "", "terraform", meta)
        )

    def _emit_provider(self, inst: Instance, blk: dict[str, Any], base_meta: dict[str, Any]) -> None:
        pname = blk["labels"][0]
        ctx = _ctx(inst, blk)
        alias_a = blk["attrs"].get("alias")
        alias = self.state.eval(alias_a["expr"], ctx) if alias_a else None
        key = f"{pname}.{alias}" if isinstance(alias, str) else pname
        addr = f"{inst.prefix}provider.{key}"
        attrs = self.body.eval_body(blk, ctx, {}, addr, "", frozenset())
        meta = {**base_meta, "name": key, "alias": alias if isinstance(alias, str) else None}
        self.state.add_node(
            Resource(addr, pname, "provider", attrs, _loc(blk), inst.module, key, "terraform", meta)
        )

    def _emit_terraform(self, inst: Instance, base_meta: dict[str, Any]) -> None:
        addr = f"{inst.prefix}terraform"
        attrs: dict[str, Any] = {}
        first = inst.mdef.terraform[0]
        for blk in inst.mdef.terraform:
            body = self.body.eval_body(blk, _ctx(inst, blk), {}, addr, "", frozenset())
            rp = body.pop("required_providers", None)
            if rp:
                merged = attrs.setdefault("required_providers", {})
                # a block in HCL (list of dicts); a plain object in .tf.json (e.g. CDKTF output)
                for d in [rp] if isinstance(rp, dict) else rp:
                    if isinstance(d, dict):
                        merged.update({k: v for k, v in d.items() if k != "_labels"})
            for k, v in body.items():
                if isinstance(v, list) and isinstance(attrs.get(k), list):
                    attrs[k].extend(v)
                else:
                    attrs[k] = v
        backend = attrs.get("backend")
        if isinstance(backend, list) and backend and isinstance(backend[0], dict):
            labels = backend[0].get("_labels") or []
            attrs["backend_type"] = labels[0] if labels else None
        cloud = attrs.get("cloud")
        if cloud and "backend_type" not in attrs:
            attrs["backend_type"] = "cloud"
        meta = {**base_meta, "name": "terraform"}
        self.state.add_node(
            Resource(addr, "terraform", "terraform", attrs, _loc(first), inst.module, "", "terraform", meta)
        )

    def _emit_import_moved(
        self, inst: Instance, kind: str, blk: dict[str, Any], base_meta: dict[str, Any]
    ) -> None:
        field = "to" if kind == "import" else "from"
        a = blk["attrs"].get(field)
        if a is None:
            return
        target = ref_text(a["expr"])
        addr = f"{inst.prefix}{kind}.{target}"
        ctx = _ctx(inst, blk)
        attrs: dict[str, Any] = {}
        for k, x in blk["attrs"].items():
            if k in ("to", "from"):
                attrs[k] = ref_text(x["expr"])
                self.edges.static_edges(addr, x["expr"], inst, "ref", k)
            else:
                v = plain(self.state.eval(x["expr"], ctx))
                attrs[k] = v
                self.edges.for_value(addr, k, v, x["expr"], inst)
        meta = {**base_meta, "name": target}
        self.state.add_node(Resource(addr, kind, kind, attrs, _loc(blk), inst.module, "", "terraform", meta))

    def _depends_on(self, addr: str, blk: dict[str, Any], inst: Instance) -> list[str]:
        a = blk["attrs"].get("depends_on")
        if a is None:
            return []
        n = a["expr"]
        items = n[1] if n[0] == "tuple" else (n,)
        out = []
        for it in items:
            out.append(ref_text(it))
            self.edges.static_edges(addr, it, inst, "depends_on", "depends_on")
        return out

    # -- resources, data, ephemeral ------------------------------------------------------------
    def _emit_object(
        self,
        inst: Instance,
        block: str,
        key: str,
        blk: dict[str, Any],
        base_meta: dict[str, Any],
        members: list[str],
    ) -> None:
        rtype, name = blk["labels"][0], blk["labels"][1]
        local = key if block == "resource" else f"{block}.{key}"
        base = inst.prefix + local
        provider, paddr = resolve_provider(inst, blk, rtype)
        pmeta = {**base_meta, "name": name, "base_address": base, "provider_address": paddr}
        kind, info = expansion(self.state, inst, local, blk)
        if (kind == "count" and info == 0) or (kind == "for_each" and not info):
            self._emit_disabled(inst, base, rtype, block, blk, {**pmeta, "provider_key": provider}, kind)
            members.append(base)
            return
        for addr, ctx, extra in object_instances(inst, base, kind, info, blk):
            attrs = self.body.eval_body(blk, ctx, {}, addr, "", _META_RESOURCE)
            deps = self._depends_on(addr, blk, inst)
            if deps:
                attrs["depends_on"] = deps
            for meta_arg in ("count", "for_each"):
                if meta_arg in blk["attrs"]:
                    self.edges.for_value(addr, meta_arg, None, blk["attrs"][meta_arg]["expr"], inst)
            if kind == "unknown":
                self.edges.for_value(
                    addr, "count" if "count" in blk["attrs"] else "for_each", extra["expansion"], None, inst
                )
            meta = {**pmeta, **{k: v for k, v in extra.items() if k != "expansion"}}
            self.state.add_node(
                Resource(addr, rtype, block, attrs, _loc(blk), inst.module, provider, "terraform", meta)
            )
            members.append(addr)

    def _emit_disabled(
        self,
        inst: Instance,
        base: str,
        rtype: str,
        declared: str,
        blk: dict[str, Any],
        pmeta: dict[str, Any],
        kind: str,
    ) -> None:
        meta = {**pmeta, "instances": 0, "expanded": True, "declared_block": declared}
        meta.pop("base_address", None)
        meta.pop("provider_key", None)
        arg = "count" if kind == "count" else "for_each"
        self.edges.for_value(base, arg, None, blk["attrs"][arg]["expr"], inst)
        self.state.add_node(
            Resource(
                base, rtype, "disabled", {}, _loc(blk), inst.module, pmeta["provider_key"], "terraform", meta
            )
        )

    # -- module calls --------------------------------------------------------------------------
    def _emit_module_call(
        self,
        inst: Instance,
        name: str,
        blk: dict[str, Any],
        base_meta: dict[str, Any],
        members: list[str],
        nxt: list[Instance],
    ) -> None:
        kids = self.values.children(inst, name)
        assert kids is not None
        kind, items = kids
        base = f"{inst.prefix}module.{name}"
        src_a = blk["attrs"].get("source")
        source = ref_text(src_a["expr"]) if src_a else ""
        if src_a is not None and src_a["expr"][0] == "lit":
            source = str(src_a["expr"][1])
        meta = {**base_meta, "name": name, "source": source}
        if kind in ("remote", "unresolved"):
            self._emit_unexpanded_call(inst, name, blk, kind, items, source, meta)
            members.append(base)
            return
        if (kind == "count" and not items) or (kind == "for_each" and not items):
            meta.update({"instances": 0, "expanded": True, "declared_block": "module"})
            self.state.add_node(
                Resource(
                    base,
                    "module",
                    "disabled",
                    {"source": source},
                    _loc(blk),
                    inst.module,
                    "",
                    "terraform",
                    meta,
                )
            )
            self._meta_arg_edges(base, blk, inst)
            members.append(base)
            return
        for k, child in items:
            addr = child.prefix[:-1]
            cctx = child.call_ctx or BlockContext(inst)
            attrs = self.body.eval_body(blk, cctx, {}, addr, "", _META_MODULE)
            attrs["source"] = source
            attrs["providers"] = dict(child.providers)
            m = {**meta, "resolved": True, "module_dir": child.mdef.dir or "."}
            if kind in ("count", "for_each"):
                m["base_address"] = base
                m["expanded"] = True
                m["count.index" if kind == "count" else "each.key"] = k
            elif kind == "unknown":
                m["expanded"] = False
            self._depends_on(addr, blk, inst)
            self._meta_arg_edges(addr, blk, inst)
            self.state.add_node(
                Resource(addr, "module", "module", attrs, _loc(blk), inst.module, "", "terraform", m)
            )
            members.append(addr)
            nxt.append(child)

    def _emit_unexpanded_call(
        self,
        inst: Instance,
        name: str,
        blk: dict[str, Any],
        kind: str,
        unresolved_addr: str,
        source: str,
        meta: dict[str, Any],
    ) -> None:
        """A remote or unresolvable module call: its node plus an ``unresolved:`` node."""
        base = f"{inst.prefix}module.{name}"
        reason = "remote module not fetched" if kind == "remote" else self.state.unresolved_reason(blk)
        attrs = self.body.eval_body(
            blk, _ctx(inst, blk), {}, base, "", frozenset({"count", "for_each", "depends_on"})
        )
        attrs["source"] = source
        self.state.add_node(
            Resource(
                base,
                "module",
                "module",
                attrs,
                _loc(blk),
                inst.module,
                "",
                "terraform",
                {**meta, "resolved": False, "reason": reason},
            )
        )
        self.state.add_node(
            Resource(
                unresolved_addr,
                "unresolved",
                "synthetic",
                {"source": source, "reason": reason},
                _loc(blk),
                inst.module,
                "",
                "synthetic",
                {"name": name, "root": meta["root"], "call": base},
            )
        )
        self.state.add_edge(base, unresolved_addr, "module", "")
        self._depends_on(base, blk, inst)
        self._meta_arg_edges(base, blk, inst)

    def _meta_arg_edges(self, addr: str, blk: dict[str, Any], inst: Instance) -> None:
        """``ref`` edges for what a block's ``count``/``for_each`` expression references."""
        for meta_arg in ("count", "for_each"):
            a = blk["attrs"].get(meta_arg)
            if a is not None:
                v = self.state.eval(a["expr"], BlockContext(inst, loc=(blk["file"], a["line"])))
                self.edges.for_value(
                    addr, meta_arg, plain(v) if isinstance(v, Unresolved) else None, a["expr"], inst
                )
