"""Values of a module instance: variables (tfvars, call inputs, defaults), locals, outputs,
references to resources/data and to module calls.

:class:`ValueResolver` implements the :class:`~.scope.Resolver` the scopes ask; every value is
computed on first use and memoised on its :class:`~.scope.Instance`, reference cycles become
``Unresolved`` with an ``EVAL_WARNING``, and values whose expansion explodes are cut by
:meth:`~.state.BuildState.bounded`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from infra_review.loaders.terraform.expand import expand_call, expansion, instance_key
from infra_review.loaders.terraform.modules import object_table
from infra_review.loaders.terraform.scope import (
    BlockContext,
    Instance,
    OutputsNS,
    RemoteModuleNS,
    UnexpandedModuleNS,
)
from infra_review.loaders.terraform.state import BuildState, Loc
from infra_review.loaders.terraform.typeconv import convert_type
from infra_review.loaders.terraform.value import Ref
from infra_review.model import Unresolved

__all__ = ["ValueResolver"]


class ValueResolver:
    """Lazy, memoised values of variables, locals, outputs, objects and module calls."""

    def __init__(self, state: BuildState) -> None:
        self.state = state

    @property
    def read_text(self) -> Callable[[str], str | None] | None:
        """The confined reader ``file``/``templatefile`` use (None: contents unavailable)."""
        return self.state.read_text

    @property
    def list_files(self) -> Callable[[], Iterable[str]] | None:
        """The root-relative paths of the files under the reviewed root (for ``fileset``)."""
        return self.state.list_files

    def warn(self, loc: Loc, message: str) -> None:
        """An ``EVAL_WARNING`` at ``loc``."""
        self.state.warn(loc, message)

    # -- variables, locals, outputs ------------------------------------------------------------
    def var_value(self, inst: Instance, name: str) -> Any:
        """``var.<name>`` in ``inst``."""
        if name in inst.vars:
            return inst.vars[name]
        blk = inst.mdef.variables.get(name)
        if blk is None:
            return Unresolved(f"var.{name}", (), "undeclared variable")
        key = "var." + name
        if key in inst.busy:
            self.state.warn((blk["file"], blk["line"]), f"reference cycle through var.{name[:60]}")
            return Unresolved(f"var.{name}", (), "reference cycle")
        inst.busy.add(key)
        try:
            value, src = self._var_value(inst, name, blk)
        finally:
            inst.busy.discard(key)
        value = self.state.bounded(value, f"var.{name}", (blk["file"], blk["line"]))
        inst.vars[name] = value
        inst.var_src[name] = src
        return value

    def _var_value(self, inst: Instance, name: str, blk: dict[str, Any]) -> tuple[Any, str]:
        ev = self.state.eval
        empty = BlockContext(inst, loc=(blk["file"], blk["line"]))
        value: Any = None
        src = "unset"
        if inst.call is None:
            for path, attrs in inst.mdef.tfvars:
                if name in attrs:
                    value, src = (
                        ev(attrs[name]["expr"], BlockContext(inst, loc=(path, attrs[name]["line"]))),
                        f"tfvars:{path}",
                    )
        else:
            a = inst.call["attrs"].get(name)
            if a is not None and inst.call_ctx is not None:
                value, src = ev(a["expr"], inst.call_ctx), "module call"
        if src == "unset" or (value is None and not _nullable(blk)):
            d = blk["attrs"].get("default")
            if d is not None:
                return convert_type(ev(d["expr"], empty), blk), "default"
            if src == "unset":
                reason = (
                    "no default and no tfvars value"
                    if inst.call is None
                    else "not set by the module call and no default"
                )
                return Unresolved(f"var.{name}", (), reason), "unset"
        return convert_type(value, blk), src

    def local_value(self, inst: Instance, name: str) -> Any:
        """``local.<name>`` in ``inst``."""
        if name in inst.locals:
            return inst.locals[name]
        a = inst.mdef.locals.get(name)
        if a is None:
            return Unresolved(f"local.{name}", (), "undeclared local")
        key = "local." + name
        if key in inst.busy:
            self.state.warn((a["file"], a["line"]), f"reference cycle through local.{name[:60]}")
            return Unresolved(f"local.{name}", (), "reference cycle")
        inst.busy.add(key)
        try:
            v = self.state.eval(a["expr"], BlockContext(inst, loc=(a["file"], a["line"])))
        finally:
            inst.busy.discard(key)
        v = self.state.bounded(v, f"local.{name}", (a["file"], a["line"]))
        inst.locals[name] = v
        return v

    def output_value(self, inst: Instance, name: str) -> Any:
        """The value of output ``name`` of ``inst``."""
        if name in inst.outputs:
            return inst.outputs[name]
        blk = inst.mdef.outputs.get(name)
        pre = inst.module
        if blk is None:
            return Unresolved(f"{pre}.{name}" if pre else f"output.{name}", (), "module has no such output")
        a = blk["attrs"].get("value")
        key = "output." + name
        if a is None:
            return None
        if key in inst.busy:
            self.state.warn((blk["file"], blk["line"]), f"reference cycle through output {name[:60]}")
            return Unresolved(f"{pre}.{name}", (), "reference cycle")
        inst.busy.add(key)
        try:
            v = self.state.eval(a["expr"], BlockContext(inst, loc=(blk["file"], a["line"])))
        finally:
            inst.busy.discard(key)
        v = self.state.bounded(v, f"{pre}.{name}" if pre else f"output.{name}", (blk["file"], blk["line"]))
        inst.outputs[name] = v
        return v

    # -- objects and module calls --------------------------------------------------------------
    def object_value(self, inst: Instance, block: str, rtype: str, name: str) -> Any:
        """A reference to a resource/data/ephemeral object (a list or map of them if expanded)."""
        key = f"{rtype}.{name}"
        table = object_table(inst.mdef, block)
        local = key if block == "resource" else f"{block}.{key}"
        blk = table.get(key)
        if blk is None:
            return Unresolved(local, (), f"undeclared {block} {key[:80]}")
        base = inst.prefix + local
        kind, info = expansion(self.state, inst, local, blk)
        if kind == "single":
            return Ref(base, local)
        if kind == "count":
            return [Ref(f"{base}[{i}]", f"{local}[{i}]") for i in range(info)]
        if kind == "for_each":
            return {k: Ref(base + instance_key(k), local + instance_key(k)) for k in info}
        return Ref(base, local, "count/for_each not statically known")

    def module_value(self, inst: Instance, name: str) -> Any:
        """``module.<name>``: the outputs of its instance(s), or unknowns when not expanded."""
        kids = self.children(inst, name)
        if kids is None:
            return Unresolved(f"module.{name}", (), "undeclared module call")
        kind, items = kids
        expr = f"module.{name}"
        if kind == "remote":
            return RemoteModuleNS(expr, items, "remote module not fetched")
        if kind == "unresolved":
            return RemoteModuleNS(expr, items, "module source could not be resolved")
        if kind == "single":
            return OutputsNS(self, items[0][1])
        if kind == "count":
            return [OutputsNS(self, c) for _, c in items]
        if kind == "for_each":
            return {k: OutputsNS(self, c) for k, c in items}
        if kind == "unknown":
            return UnexpandedModuleNS(self, items[0][1], expr)
        return Unresolved(expr, (), "module call not expanded")

    def children(self, inst: Instance, name: str) -> tuple[str, Any] | None:
        """Expand one module call of ``inst`` (memoised; see :func:`.expand.expand_call`)."""
        if name in inst.children:
            return inst.children[name]
        blk = inst.mdef.modules.get(name)
        if blk is None:
            return None
        inst.children[name] = ("pending", [])
        result = expand_call(self.state, inst, name, blk)
        inst.children[name] = result
        return result


def _nullable(blk: dict[str, Any]) -> bool:
    a = blk["attrs"].get("nullable")
    return not (a is not None and a["expr"] == ("lit", False))
