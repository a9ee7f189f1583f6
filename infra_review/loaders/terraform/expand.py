"""Expansion: ``count``/``for_each`` into instances, module calls into child module instances.

``expansion`` answers how many instances a block has (memoised per module instance, within
the per-block and per-build budgets of :mod:`.state`); ``expand_call`` turns one module call
into its child :class:`~.scope.Instance` objects (local sources only: remote, absolute,
escaping, missing, recursive and too-deep sources are left unexpanded with a
``MODULE_UNRESOLVED`` diagnostic); ``object_instances`` lists the addresses and contexts of
one resource/data block's instances.
"""

from __future__ import annotations

import json
from typing import Any

from infra_review.loaders.terraform.modules import ModuleDef, classify_source, local_target
from infra_review.loaders.terraform.refs import name_text, ref_text
from infra_review.loaders.terraform.scope import BlockContext, Instance
from infra_review.loaders.terraform.state import MAX_INSTANCES, MAX_MODULE_DEPTH, BuildState, Loc
from infra_review.loaders.terraform.value import Namespace, collect_refs, plain
from infra_review.model import Unresolved

__all__ = [
    "expand_call",
    "expansion",
    "instance_key",
    "object_instances",
    "provider_map",
    "resolve_provider",
    "unknown_instance_context",
]


def instance_key(key: Any) -> str:
    """The index part of an instance address.

    >>> instance_key(0), instance_key("a")
    ('[0]', '["a"]')
    """
    return f"[{key}]" if isinstance(key, int) else f"[{json.dumps(key, ensure_ascii=False)}]"


def expansion(state: BuildState, inst: Instance, key: str, blk: dict[str, Any]) -> tuple[str, Any]:
    """("single", None) | ("count", n) | ("for_each", {key: value}) | ("unknown", Unresolved)."""
    if key in inst.expansions:
        return inst.expansions[key]
    ctx = BlockContext(inst, loc=(blk["file"], blk["line"]))
    res: tuple[str, Any]
    if "count" in blk["attrs"]:
        res = _count(state, ctx, blk)
    elif "for_each" in blk["attrs"]:
        res = _for_each(state, ctx, blk)
    else:
        res = ("single", None)
    if res[0] in ("count", "for_each"):
        res = _within_budget(state, ctx.loc, blk, res)
    inst.expansions[key] = res
    return res


def _count(state: BuildState, ctx: BlockContext, blk: dict[str, Any]) -> tuple[str, Any]:
    v = plain(state.eval(blk["attrs"]["count"]["expr"], ctx))
    if isinstance(v, bool) or not isinstance(v, int | float) or isinstance(v, Unresolved):
        if not isinstance(v, Unresolved):
            state.warn(ctx.loc, "count is not a number")
            v = Unresolved(ref_text(blk["attrs"]["count"]["expr"]), (), "count is not a number")
        return ("unknown", v)
    return ("count", max(0, int(v)))


def _for_each(state: BuildState, ctx: BlockContext, blk: dict[str, Any]) -> tuple[str, Any]:
    v = state.eval(blk["attrs"]["for_each"]["expr"], ctx)
    if isinstance(v, Namespace):
        v = v.as_collection()
    if isinstance(v, dict):
        return ("for_each", v)
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return ("for_each", {x: x for x in sorted(set(v))})
    if not isinstance(v, Unresolved):
        if not (isinstance(v, list) and any(isinstance(x, Unresolved) for x in v)):
            state.warn(ctx.loc, "for_each is not a map or a set of strings")
        v = Unresolved(
            ref_text(blk["attrs"]["for_each"]["expr"]),
            collect_refs(v),
            "for_each not statically known",
        )
    return ("unknown", v)


def _within_budget(state: BuildState, loc: Loc, blk: dict[str, Any], res: tuple[str, Any]) -> tuple[str, Any]:
    n = res[1] if res[0] == "count" else len(res[1])
    if n > MAX_INSTANCES:
        state.warn(loc, f"{res[0]} gives {n} instances, more than the {MAX_INSTANCES} expanded per block")
        return (
            "unknown",
            Unresolved(ref_text(blk["attrs"][res[0]]["expr"]), (), "too many instances to expand"),
        )
    if state.instance_budget - n < 0:
        state.budget_warn(loc)
        return (
            "unknown",
            Unresolved(ref_text(blk["attrs"][res[0]]["expr"]), (), "instance budget exhausted"),
        )
    state.instance_budget -= n
    return res


def unknown_instance_context(
    inst: Instance, blk: dict[str, Any], u: Unresolved, loc: Loc, self_addr: str = ""
) -> BlockContext:
    """The context of the one instance of a block whose count/for_each is not known."""
    if "count" in blk["attrs"]:
        return BlockContext(
            inst,
            count=Unresolved("count.index", u.refs, "count not statically known"),
            self_addr=self_addr,
            loc=loc,
        )
    return BlockContext(
        inst,
        each={
            "key": Unresolved("each.key", u.refs, "for_each not statically known"),
            "value": Unresolved("each.value", u.refs, "for_each not statically known"),
        },
        self_addr=self_addr,
        loc=loc,
    )


def object_instances(
    inst: Instance, base: str, kind: str, info: Any, blk: dict[str, Any]
) -> list[tuple[str, BlockContext, dict[str, Any]]]:
    """(address, context, meta) of each instance of a resource/data block that has some."""
    loc = (blk["file"], blk["line"])
    instances: list[tuple[str, BlockContext, dict[str, Any]]] = []
    if kind == "single":
        instances.append((base, BlockContext(inst, self_addr=base, loc=loc), {"expanded": True}))
    elif kind == "count":
        for i in range(info):
            a = f"{base}[{i}]"
            instances.append(
                (a, BlockContext(inst, count=i, self_addr=a, loc=loc), {"expanded": True, "count.index": i})
            )
    elif kind == "for_each":
        for k, v in info.items():
            a = base + instance_key(k)
            instances.append(
                (
                    a,
                    BlockContext(inst, each={"key": k, "value": v}, self_addr=a, loc=loc),
                    {"expanded": True, "each.key": k},
                )
            )
    else:
        u: Unresolved = info
        c = unknown_instance_context(inst, blk, u, loc, self_addr=base)
        instances.append((base, c, {"expanded": False, "expansion": u}))
    return instances


# -- module calls --------------------------------------------------------------------------------
def _call_target(state: BuildState, inst: Instance, name: str, blk: dict[str, Any]) -> tuple[str, Any]:
    """("ok", ModuleDef) for an expandable call, else (kind, unresolved address) + a diagnostic."""
    loc = (blk["file"], blk["line"])
    call_addr = f"{inst.prefix}module.{name}"
    unresolved_addr = f"unresolved:{call_addr}"
    a = blk["attrs"].get("source")
    src = None
    if a is not None:
        v = state.eval(a["expr"], BlockContext(inst, loc=loc))
        src = v if isinstance(v, str) else None
    if src is None:
        state.module_unresolved(loc, call_addr, "module source is not a literal string")
        return ("unresolved", unresolved_addr)
    cls = classify_source(src)
    if cls == "remote":
        state.module_unresolved(loc, call_addr, "remote module not fetched")
        return ("remote", unresolved_addr)
    reason = ""
    mdef = None
    tgt = local_target(inst.mdef.dir, src) if cls != "absolute" else None
    if cls == "absolute":
        reason = "absolute module path outside the reviewed root"
    elif tgt is None:
        reason = "local module path leaves the reviewed root"
    else:
        mdef = state.mods.get(tgt)
        if mdef is None:
            reason = "local module directory has no parsed Terraform files"
    if mdef is not None:
        anc: Instance | None = inst
        while anc is not None and not reason:
            if anc.mdef is mdef:
                reason = "module calls itself (recursion not expanded)"
            anc = anc.parent
        if not reason and inst.depth + 1 > MAX_MODULE_DEPTH:
            reason = f"module nesting deeper than {MAX_MODULE_DEPTH}"
    if reason:
        state.module_unresolved(loc, call_addr, reason)
        return ("unresolved", unresolved_addr)
    return ("ok", mdef)


def expand_call(state: BuildState, inst: Instance, name: str, blk: dict[str, Any]) -> tuple[str, Any]:
    """Expand one module call: (kind, [(key, child Instance), ...]) or (kind, unresolved address).

    ``kind`` is ``single``, ``count``, ``for_each``, ``unknown`` (one unexpanded child),
    ``remote`` or ``unresolved``.
    """
    status, target = _call_target(state, inst, name, blk)
    if status != "ok":
        return (status, target)
    mdef: ModuleDef = target
    loc = (blk["file"], blk["line"])
    providers = provider_map(inst, blk)
    kind, info = expansion(state, inst, f"module.{name}", blk)
    base_path = f"{inst.path}module.{name}"
    cctx = BlockContext(inst, loc=loc)

    def child(path: str, ctx: BlockContext, expanded: bool = True) -> Instance:
        return Instance(mdef, inst.root, path, inst, blk, ctx, providers, inst.depth + 1, expanded=expanded)

    if kind == "single":
        return ("single", [(None, child(base_path + ".", cctx))])
    if kind == "count":
        return (
            "count",
            [(i, child(f"{base_path}[{i}].", cctx.with_(count=i, loc=loc))) for i in range(info)],
        )
    if kind == "for_each":
        return (
            "for_each",
            [
                (k, child(f"{base_path}{instance_key(k)}.", cctx.with_(each={"key": k, "value": v}, loc=loc)))
                for k, v in info.items()
            ],
        )
    unk = info if isinstance(info, Unresolved) else Unresolved("count", (), "not statically known")
    c = unknown_instance_context(inst, blk, unk, loc)
    return ("unknown", [(None, child(base_path + ".", c, expanded=False))])


# -- providers ----------------------------------------------------------------------------------
def provider_map(inst: Instance, blk: dict[str, Any]) -> dict[str, str]:
    """The providers a module call passes: inherited defaults plus its ``providers`` argument."""
    out: dict[str, str] = {}
    # default (unaliased) providers are inherited
    for k, v in inst.providers.items():
        if "." not in k:
            out[k] = v
    a = blk["attrs"].get("providers")
    if a is not None and a["expr"][0] == "object":
        for k, v in a["expr"][1]:
            ktext = name_text(k)
            vtext = name_text(v)
            out[str(ktext)] = inst.providers.get(vtext, vtext)
    return out


def resolve_provider(inst: Instance, blk: dict[str, Any], rtype: str) -> tuple[str, str]:
    """The provider key at the root (``aws.west``) and the address of its provider node.

    A module that declares its own ``provider`` block (legacy style) uses it: the key is
    then the module's own and the node is ``module.x.provider.aws``.
    """
    a = blk["attrs"].get("provider")
    key = ref_text(a["expr"]) if a is not None else rtype.split("_", 1)[0]
    if a is not None and a["expr"][0] == "lit" and isinstance(a["expr"][1], str):
        key = a["expr"][1]
    if inst.path and key in inst.mdef.provider_keys:
        return key, f"{inst.prefix}provider.{key}"
    root_key = inst.providers.get(key, key)
    return root_key, f"{inst.root.prefix}provider.{root_key}"
