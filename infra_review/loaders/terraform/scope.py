"""Scopes of a Terraform build: roots, module instances and the evaluation context of a block.

An :class:`Instance` is one instance of a module (the root, or one expansion of one module
call); a :class:`BlockContext` adds ``count``/``each``/``self`` for one block instance and
answers the names an expression starts with (``var``, ``local``, ``module``, ``data``, a
resource type, ``path``, ...) with namespaces whose values a :class:`Resolver` computes
lazily (see :mod:`.resolve`).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from typing import Any, Protocol

from infra_review.loaders.terraform.expr import Node
from infra_review.loaders.terraform.modules import ModuleDef
from infra_review.loaders.terraform.value import Context, Namespace, Ref
from infra_review.model import Unresolved

__all__ = [
    "BlockContext",
    "Instance",
    "OutputsNS",
    "RemoteModuleNS",
    "Resolver",
    "Root",
    "UnexpandedModuleNS",
]


class Resolver(Protocol):
    """What a scope asks for the values its names refer to (implemented in :mod:`.resolve`)."""

    read_text: Callable[[str], str | None] | None

    def var_value(self, inst: Instance, name: str) -> Any: ...
    def local_value(self, inst: Instance, name: str) -> Any: ...
    def output_value(self, inst: Instance, name: str) -> Any: ...
    def module_value(self, inst: Instance, name: str) -> Any: ...
    def object_value(self, inst: Instance, block: str, rtype: str, name: str) -> Any: ...
    def warn(self, loc: tuple[str, int], message: str) -> None: ...


class Root:
    """A root module: its directory and the prefix of its addresses (``envs/prod//`` or ``""``)."""

    def __init__(self, dir_: str, prefix: str) -> None:
        self.dir = dir_
        self.prefix = prefix


class Instance:
    """One instance of a module (the root, or one expansion of one module call)."""

    def __init__(
        self,
        mdef: ModuleDef,
        root: Root,
        path: str,
        parent: Instance | None,
        call: dict[str, Any] | None,
        call_ctx: BlockContext | None,
        providers: dict[str, str],
        depth: int,
        expanded: bool = True,
        resolver: Resolver | None = None,
    ) -> None:
        self.mdef = mdef
        self.root = root
        self.path = path  # "" or 'module.vpc.' / 'module.a["x"].module.b.'
        self.parent = parent
        self.call = call
        self.call_ctx = call_ctx
        self.providers = providers  # local provider key -> root provider key
        self.depth = depth
        self.expanded = expanded
        self.prefix = root.prefix + path
        #: Computes the values of this build (children inherit the parent's).
        self.resolver: Resolver = resolver if resolver is not None else parent.resolver  # type: ignore[union-attr]
        self.vars: dict[str, Any] = {}
        self.var_src: dict[str, str] = {}
        self.locals: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {}
        self.busy: set[str] = set()
        self.children: dict[str, Any] = {}
        self.expansions: dict[str, Any] = {}

    @property
    def module(self) -> str:
        """The Terraform module path (``module.vpc``; ``""`` at the root)."""
        return self.path[:-1] if self.path else ""


class BlockContext(Context):
    """Evaluation context of one block instance (module instance + count/each)."""

    __slots__ = ("count", "each", "inst", "loc", "self_addr")

    def __init__(
        self,
        inst: Instance,
        count: Any = None,
        each: Any = None,
        self_addr: str = "",
        loc: tuple[str, int] = ("", 0),
    ) -> None:
        self.inst = inst
        self.count = count
        self.each = each
        self.self_addr = self_addr
        self.loc = loc

    def with_(
        self, *, count: Any = None, each: Any = None, self_addr: str = "", loc: tuple[str, int] = ("", 0)
    ) -> BlockContext:
        """The same module instance with another count/each/self."""
        return BlockContext(self.inst, count, each, self_addr, loc)

    def root(self, name: str, node: Node) -> Any:
        """The value (often a namespace) of the name an expression starts with."""
        inst = self.inst
        r = inst.resolver
        if name == "var":
            return _VarNS(r, inst)
        if name == "local":
            return _LocalNS(r, inst)
        if name == "module":
            return _ModulesNS(r, inst)
        if name in ("data", "ephemeral"):
            return _DataNS(r, inst, name)
        if name == "count":
            if self.count is None:
                return Unresolved("count", (), "count is not set on this block")
            return {"index": self.count}
        if name == "each":
            if self.each is None:
                return Unresolved("each", (), "for_each is not set on this block")
            return self.each
        if name == "path":
            rel = posixpath.relpath(inst.mdef.dir or ".", inst.root.dir or ".") if inst.path else "."
            return {
                "module": rel,
                "root": ".",
                "cwd": Unresolved("path.cwd", (), "depends on where Terraform runs"),
            }
        if name == "terraform":
            return {"workspace": Unresolved("terraform.workspace", (), "workspace is selected at run time")}
        if name == "self":
            return (
                Ref(self.self_addr, "self")
                if self.self_addr
                else Unresolved("self", (), "self outside a resource")
            )
        if name in inst.mdef.resource_types:
            return _ResourceTypeNS(r, inst, name)
        if name == "resource":
            return _ResourceNS(r, inst)
        return Unresolved(name, (), f"unknown name {name[:40]!r}")

    def _confined(self, path: str, expr: str) -> str | Unresolved:
        """``path`` (relative to the root module, as Terraform resolves it) as a root-relative path,
        or ``Unresolved`` when it leaves the reviewed root."""
        root_dir = self.inst.root.dir
        if posixpath.isabs(path) or path.startswith("~"):
            return Unresolved(expr, (), "file path outside the reviewed root")
        rel = posixpath.normpath(posixpath.join(root_dir, path)) if root_dir else posixpath.normpath(path)
        if rel == ".." or rel.startswith("../"):
            return Unresolved(expr, (), "file path outside the reviewed root")
        return rel

    def read_file(self, path: str, expr: str) -> Any:
        """A file's text for ``file``/``templatefile``, resolved like Terraform from the root."""
        read_text = self.inst.resolver.read_text
        rel = self._confined(path, expr)
        if isinstance(rel, Unresolved):
            return rel
        if read_text is None:
            return Unresolved(expr, (), "file contents not available to the loader")
        try:
            content = read_text(rel)
        except Exception:
            content = None
        if content is None:
            return Unresolved(expr, (), "file not found or not readable under the root")
        return content

    def list_files(self, path: str, expr: str) -> Any:
        """For ``fileset``: the files under ``path`` (resolved like ``file``), relative to it."""
        list_files = self.inst.resolver.list_files
        rel = self._confined(path, expr)
        if isinstance(rel, Unresolved):
            return rel
        if list_files is None:
            return Unresolved(expr, (), "file listing not available to the loader")
        prefix = "" if rel == "." else rel + "/"
        return sorted(f[len(prefix) :] for f in list_files() if f.startswith(prefix))

    def warn(self, message: str) -> None:
        """An evaluation warning at this block."""
        self.inst.resolver.warn(self.loc, message)


# -- namespaces --------------------------------------------------------------------------------
class _VarNS(Namespace):
    def __init__(self, r: Resolver, inst: Instance) -> None:
        self.r, self.inst = r, inst

    def attr(self, name: str) -> Any:
        return self.r.var_value(self.inst, name)

    def names(self) -> list[str]:
        return list(self.inst.mdef.variables)


class _LocalNS(Namespace):
    def __init__(self, r: Resolver, inst: Instance) -> None:
        self.r, self.inst = r, inst

    def attr(self, name: str) -> Any:
        return self.r.local_value(self.inst, name)

    def names(self) -> list[str]:
        return list(self.inst.mdef.locals)


class _ModulesNS(Namespace):
    def __init__(self, r: Resolver, inst: Instance) -> None:
        self.r, self.inst = r, inst

    def attr(self, name: str) -> Any:
        return self.r.module_value(self.inst, name)

    def names(self) -> list[str]:
        return list(self.inst.mdef.modules)


class OutputsNS(Namespace):
    """``module.x`` of one expanded module instance: its outputs."""

    def __init__(self, r: Resolver, inst: Instance) -> None:
        self.r, self.inst = r, inst

    def attr(self, name: str) -> Any:
        return self.r.output_value(self.inst, name)

    def names(self) -> list[str]:
        return list(self.inst.mdef.outputs)


class UnexpandedModuleNS(Namespace):
    """``module.x`` whose count/for_each is unknown: any index gives the one unexpanded instance."""

    def __init__(self, r: Resolver, child: Instance, expr: str) -> None:
        self.r, self.child, self.expr = r, child, expr

    def attr(self, name: str) -> Any:
        return Unresolved(f"{self.expr}.{name}", (), "module count/for_each not statically known")

    def index(self, key: Any) -> Any:
        return OutputsNS(self.r, self.child)

    def plain(self) -> Any:
        return Unresolved(self.expr, (), "module count/for_each not statically known")

    def as_collection(self) -> Any:
        return self.plain()


class RemoteModuleNS(Namespace):
    """``module.x`` that was not expanded (remote or unresolvable source): every output unknown."""

    def __init__(self, expr: str, ref: str, reason: str) -> None:
        self.expr, self.ref, self.reason = expr, ref, reason

    def attr(self, name: str) -> Any:
        return Unresolved(f"{self.expr}.{name}", (self.ref,), self.reason)

    def index(self, key: Any) -> Any:
        return RemoteModuleNS(f"{self.expr}[{json.dumps(key)}]", self.ref, self.reason)

    def plain(self) -> Any:
        return Unresolved(self.expr, (self.ref,), self.reason)

    def as_collection(self) -> Any:
        return self.plain()


class _DataNS(Namespace):
    """``data.*`` (or ``ephemeral.*``): objects read rather than managed."""

    def __init__(self, r: Resolver, inst: Instance, block: str = "data") -> None:
        self.r, self.inst, self.block = r, inst, block

    def attr(self, name: str) -> Any:
        return _DataTypeNS(self.r, self.inst, name, self.block)

    def plain(self) -> Any:
        return Unresolved(self.block, (), f"{self.block} namespace")


class _DataTypeNS(Namespace):
    def __init__(self, r: Resolver, inst: Instance, type_: str, block: str = "data") -> None:
        self.r, self.inst, self.type, self.block = r, inst, type_, block

    def attr(self, name: str) -> Any:
        return self.r.object_value(self.inst, self.block, self.type, name)

    def plain(self) -> Any:
        return Unresolved(f"{self.block}.{self.type}", (), f"{self.block} type namespace")


class _ResourceNS(Namespace):
    """``resource.TYPE.NAME`` (Terraform's explicit form of ``TYPE.NAME``)."""

    def __init__(self, r: Resolver, inst: Instance) -> None:
        self.r, self.inst = r, inst

    def attr(self, name: str) -> Any:
        if name in self.inst.mdef.resource_types:
            return _ResourceTypeNS(self.r, self.inst, name)
        return Unresolved(f"resource.{name}", (), f"undeclared resource type {name[:40]!r}")

    def plain(self) -> Any:
        return Unresolved("resource", (), "resource namespace")


class _ResourceTypeNS(Namespace):
    def __init__(self, r: Resolver, inst: Instance, type_: str) -> None:
        self.r, self.inst, self.type = r, inst, type_

    def attr(self, name: str) -> Any:
        return self.r.object_value(self.inst, "resource", self.type, name)

    def plain(self) -> Any:
        return Unresolved(self.type, (), "resource type namespace")
