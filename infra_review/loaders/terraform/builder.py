"""Terraform loader: ``.tf``, ``.tf.json``, ``.tfvars``, ``.tfvars.json`` and plan JSON.

Two phases (see :mod:`infra_review.loaders.base`):

``parse_file(rel_path, text, kind)`` (implemented in :mod:`~infra_review.loaders.terraform.parse`)
    Runs in a worker.  ``.tf``/``.tfvars`` go through python-hcl2 8.x (``hcl2.parses``), whose
    IR gives the block structure and line numbers (``_meta``); the source text of every
    attribute expression is then parsed by :mod:`hcl_expr` into a picklable tuple AST.
    ``.tf.json`` uses :mod:`json` (strings are templates, parsed by the same module).  The result
    (``ParsedFile.data``) is ``{"blocks": [block, ...]}`` where a block is
    ``{"type", "labels", "line", "end_line", "attrs": {name: {"expr", "line", "end_line"}},
    "blocks": [...]}``; tfvars give ``{"attrs": {...}}``; plan JSON is handled by
    :mod:`tf_plan`.  Syntax errors become ``PARSE_ERROR`` with line/column and a message built
    from the token *type* only (lark messages embed file text and are never used);
    ``RecursionError``/``VisitError`` become ``DEPTH_LIMIT``.  Nothing here raises.

``build(files, rg, read_text=None)``
    Main process.  A module is a directory.  **Root modules** are the directories holding
    ``.tf``/``.tf.json`` that no other directory calls as a local module (plus, for call
    cycles, any directory not reachable from a root).  Each root is expanded: every block
    becomes a :class:`~infra_review.model.Resource`, ``count``/``for_each`` become instances,
    local modules are expanded recursively at each call, and references become edges.

Addressing
----------
* One root: plain Terraform addresses (``aws_subnet.public[0]``,
  ``module.vpc.aws_subnet.public[0]``, ``data.aws_iam_policy_document.p``, ``var.region``,
  ``module.vpc.var.cidr``, ``local.env``, ``output.vpc_id``, ``provider.aws.west``,
  ``terraform``, ``import.<to>``, ``moved.<from>``).
* Several roots (``envs/prod`` and ``envs/dev``, or ``examples/*`` calling ``../..``): every
  address of a root below the top is prefixed with ``<root dir>//``
  (``envs/prod//aws_instance.web``, ``envs/prod//provider.aws``); a root at the top of the
  repository keeps plain addresses (``//`` never occurs in a Terraform address, so they stay
  unique).  ``meta["root"]`` holds the root directory (``.`` at the top) in every case and
  ``Resource.module`` stays the Terraform module path (``module.vpc``).
  ``Resource.provider`` is the provider key inside the root (``aws``, ``aws.west``) and
  ``meta["provider_address"]`` the address of that provider node, so
  ``rg.get(r.meta.get("provider_address", "provider." + r.provider))`` works in both cases.
* Instances carry ``meta`` ``base_address``, ``name``, ``count.index`` or ``each.key``,
  ``expanded``.  Unknown ``count``/``for_each``: one node at the base address with
  ``meta["expanded"] = False``.  **Zero instances** (``count = var.create ? 1 : 0`` with
  ``create = false``, or an empty ``for_each``): the declaration stays visible as one node at
  the base address with ``block="disabled"`` and ``meta`` ``instances=0``,
  ``declared_block`` (``resource``/``data``/``module``) — so rules, which look at
  ``resource``/``data`` blocks, never report objects that are not created.
* Remote module sources (registry, ``git::``, ``github.com/``, http(s), ``s3::``, ``gcs::``,
  ``hg::``) are never fetched: the call node ``module.x`` plus ``unresolved:module.x`` (block
  ``synthetic``, kind ``unresolved``, attrs ``source``/``reason``), a ``MODULE_UNRESOLVED``
  diagnostic, and references to its outputs are ``Unresolved`` with that ref.  Local sources
  that leave the root or point at a directory with no parsed Terraform files get
  ``MODULE_UNRESOLVED`` and an ``unresolved:`` node too.  A module calling itself (directly
  or through others) and nesting deeper than :data:`MAX_MODULE_DEPTH` are cut the same way.
* A module that declares its own ``provider`` block (legacy style) keeps it: its resources
  get ``meta["provider_address"] = "module.x.provider.aws"``.
* ``override.tf``/``*_override.tf`` files are merged into the blocks they override (their
  attributes replace, their nested blocks replace those of the same type).

Attributes
----------
``attrs`` hold evaluated, plain values (see :mod:`hcl_eval`): nested blocks are lists of
dicts (a labelled nested block such as ``provisioner "local-exec"`` carries ``_labels``),
dynamic blocks are expanded into that list when their ``for_each`` is known (else the list
holds an ``Unresolved``).  The ``count``/``for_each``/``provider`` meta-arguments are not
attributes (instances carry ``meta`` ``count.index``/``each.key``, the provider is
``Resource.provider``); ``depends_on`` stays as a list of address strings, ``lifecycle`` as a
nested block whose ``ignore_changes``/``replace_triggered_by`` keep their text.
In ``.tf.json`` (no provider schema at hand) an object or list of objects whose keys are all
snake_case is read as nested block(s), unless the attribute is a known map (``tags``,
``labels``, ``dimensions``, ``variables``, ...) or an input of a module call.
``variable`` nodes hold ``default``, ``type`` (text), ``description``, ``sensitive`` and the
resolved ``value`` (``meta["value_source"]``: ``tfvars:<file>``, ``default``, ``module call``
or ``unset``); ``local``/``output`` nodes hold ``value``; module call nodes hold ``source``,
``version``, their inputs and ``providers``; the ``terraform`` node holds
``required_version``, ``required_providers`` (a dict), ``backend`` (``[{"_labels": ["s3"],
...}]``) and ``backend_type``.

Variables come from, lowest to highest precedence: the default, ``terraform.tfvars``,
``terraform.tfvars.json``, then ``*.auto.tfvars``/``*.auto.tfvars.json`` in lexical order
(root module directory only; other ``*.tfvars`` files need ``-var-file`` and are not applied).
``rg.repo["terraform"]`` records ``roots``, ``root_prefixes`` (whether addresses carry a root
prefix) and ``var_files`` (``applied`` / ``not_applied``).

``templatefile``/``file`` read files only through the optional ``read_text(rel_path) ->
str | None`` callable given to :func:`build` (the repository loader provides one confined to
the reviewed root); paths are resolved like Terraform (relative to the root module) and any
path leaving the reviewed root is ``Unresolved`` without a read.

Budgets (hostile repositories): one ``count``/``for_each`` expands to at most
:data:`MAX_INSTANCES` instances and a build to :data:`MAX_TOTAL_INSTANCES` (beyond: an
unexpanded node plus ``EVAL_WARNING``/``BUDGET_EXCEEDED``); ``for`` expressions share a step
budget; a variable/local/output value whose expanded size or depth explodes (locals doubling
each other) becomes ``Unresolved``.  Evaluation problems (cycles, bad ``count``) are
``EVAL_WARNING`` diagnostics with file:line.  The build never changes the recursion limit.

Edges (``u → v``: u depends on v): ``ref`` with ``attr`` (the attribute path, e.g.
``subnet_id``, ``ingress[0].cidr_blocks``, ``ingress[*].cidr_blocks`` for dynamic blocks) to
every resource/data node the value ultimately references and to the var/local/output/module
nodes written in the expression; ``depends_on``; ``module`` from a module call node to the
nodes of its instance.
"""

from __future__ import annotations

import gc
import json
import os
import posixpath
import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.loaders.base import ParsedFile
from infra_review.loaders.terraform.evaluate import (
    Context,
    Evaluator,
    Namespace,
    Ref,
    bounded,
    collect_refs,
    plain,
)
from infra_review.loaders.terraform.expr import Node, to_text
from infra_review.loaders.terraform.parse import parse_file
from infra_review.model import (
    Diagnostic,
    DiagnosticCode,
    Resource,
    SourceLocation,
    Unresolved,
)

__all__ = ["MAX_INSTANCES", "MAX_MODULE_DEPTH", "MAX_TOTAL_INSTANCES", "build", "parse_file"]

#: Deepest module nesting expanded (a module calling itself is stopped here, with a diagnostic).
MAX_MODULE_DEPTH = 12
#: Most instances one count/for_each expands to (more: one unexpanded node and a warning).
MAX_INSTANCES = 10_000
#: Most count/for_each instances (resources, data, module calls) in one build.
MAX_TOTAL_INSTANCES = 200_000

# The parse phase lives in tf_parse (imported here: parse_file is part of this module's contract).


# =============================================================================================
# build phase
# =============================================================================================
_META_RESOURCE = frozenset({"count", "for_each", "provider", "depends_on"})
_NOEDGE_ROOTS = frozenset({"count", "each", "path", "terraform", "self"})


class _ModDef:
    """Every block of one directory (a Terraform module)."""

    def __init__(self, dir_: str) -> None:
        self.dir = dir_
        self.variables: dict[str, dict[str, Any]] = {}
        self.locals: dict[str, dict[str, Any]] = {}
        self.outputs: dict[str, dict[str, Any]] = {}
        self.resources: dict[str, dict[str, Any]] = {}  # "type.name"
        self.data: dict[str, dict[str, Any]] = {}  # "type.name"
        self.ephemeral: dict[str, dict[str, Any]] = {}  # "type.name" (Terraform >= 1.10)
        self.modules: dict[str, dict[str, Any]] = {}
        self.providers: list[dict[str, Any]] = []
        self.terraform: list[dict[str, Any]] = []
        self.imports: list[dict[str, Any]] = []
        self.moveds: list[dict[str, Any]] = []
        self.tfvars: list[tuple[str, dict[str, Any]]] = []
        self.resource_types: set[str] = set()
        self.provider_keys: set[str] = set()  # provider configurations declared in this module
        self.files: list[str] = []


class _Root:
    def __init__(self, dir_: str, prefix: str) -> None:
        self.dir = dir_
        self.prefix = prefix


class _Inst:
    """One instance of a module (the root, or one expansion of one module call)."""

    def __init__(
        self,
        mdef: _ModDef,
        root: _Root,
        path: str,
        parent: _Inst | None,
        call: dict[str, Any] | None,
        call_ctx: _Ctx | None,
        providers: dict[str, str],
        depth: int,
        expanded: bool = True,
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
        #: The build this instance belongs to (children inherit it; the root gets it set).
        self.builder: _Builder = parent.builder if parent is not None else None  # type: ignore[assignment]
        self.vars: dict[str, Any] = {}
        self.var_src: dict[str, str] = {}
        self.locals: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {}
        self.busy: set[str] = set()
        self.children: dict[str, Any] = {}
        self.expansions: dict[str, Any] = {}
        self.ctx = _Ctx(self)

    @property
    def module(self) -> str:
        return self.path[:-1] if self.path else ""


class _Ctx(Context):
    """Evaluation context of one block instance (module instance + count/each)."""

    __slots__ = ("count", "each", "inst", "loc", "self_addr")

    def __init__(
        self,
        inst: _Inst,
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
    ) -> _Ctx:
        return _Ctx(self.inst, count, each, self_addr, loc)

    def root(self, name: str, node: Node) -> Any:
        inst = self.inst
        b = self.inst.builder
        if name == "var":
            return _VarNS(b, inst)
        if name == "local":
            return _LocalNS(b, inst)
        if name == "module":
            return _ModulesNS(b, inst)
        if name in ("data", "ephemeral"):
            return _DataNS(b, inst, name)
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
            return _ResourceTypeNS(b, inst, name)
        return Unresolved(name, (), f"unknown name {name[:40]!r}")

    def read_file(self, path: str, expr: str) -> Any:
        b = self.inst.builder
        root_dir = self.inst.root.dir
        if posixpath.isabs(path) or path.startswith("~"):
            return Unresolved(expr, (), "file path outside the reviewed root")
        rel = posixpath.normpath(posixpath.join(root_dir, path)) if root_dir else posixpath.normpath(path)
        if rel == ".." or rel.startswith("../"):
            return Unresolved(expr, (), "file path outside the reviewed root")
        if b.read_text is None:
            return Unresolved(expr, (), "file contents not available to the loader")
        try:
            content = b.read_text(rel)
        except Exception:
            content = None
        if content is None:
            return Unresolved(expr, (), "file not found or not readable under the root")
        return content

    def warn(self, message: str) -> None:
        self.inst.builder.warn(self.loc, message)


# -- namespaces --------------------------------------------------------------------------------
class _VarNS(Namespace):
    def __init__(self, b: _Builder, inst: _Inst) -> None:
        self.b, self.inst = b, inst

    def attr(self, name: str) -> Any:
        return self.b.var_value(self.inst, name)

    def names(self) -> list[str]:
        return list(self.inst.mdef.variables)


class _LocalNS(Namespace):
    def __init__(self, b: _Builder, inst: _Inst) -> None:
        self.b, self.inst = b, inst

    def attr(self, name: str) -> Any:
        return self.b.local_value(self.inst, name)

    def names(self) -> list[str]:
        return list(self.inst.mdef.locals)


class _ModulesNS(Namespace):
    def __init__(self, b: _Builder, inst: _Inst) -> None:
        self.b, self.inst = b, inst

    def attr(self, name: str) -> Any:
        return self.b.module_value(self.inst, name)

    def names(self) -> list[str]:
        return list(self.inst.mdef.modules)


class _OutputsNS(Namespace):
    def __init__(self, b: _Builder, inst: _Inst) -> None:
        self.b, self.inst = b, inst

    def attr(self, name: str) -> Any:
        return self.b.output_value(self.inst, name)

    def names(self) -> list[str]:
        return list(self.inst.mdef.outputs)


class _UnexpandedModuleNS(Namespace):
    """``module.x`` whose count/for_each is unknown: any index gives the one unexpanded instance."""

    def __init__(self, b: _Builder, child: _Inst, expr: str) -> None:
        self.b, self.child, self.expr = b, child, expr

    def attr(self, name: str) -> Any:
        return Unresolved(f"{self.expr}.{name}", (), "module count/for_each not statically known")

    def index(self, key: Any) -> Any:
        return _OutputsNS(self.b, self.child)

    def plain(self) -> Any:
        return Unresolved(self.expr, (), "module count/for_each not statically known")

    def as_collection(self) -> Any:
        return self.plain()


class _RemoteModuleNS(Namespace):
    def __init__(self, expr: str, ref: str, reason: str) -> None:
        self.expr, self.ref, self.reason = expr, ref, reason

    def attr(self, name: str) -> Any:
        return Unresolved(f"{self.expr}.{name}", (self.ref,), self.reason)

    def index(self, key: Any) -> Any:
        return _RemoteModuleNS(f"{self.expr}[{json.dumps(key)}]", self.ref, self.reason)

    def plain(self) -> Any:
        return Unresolved(self.expr, (self.ref,), self.reason)

    def as_collection(self) -> Any:
        return self.plain()


def _object_table(mdef: _ModDef, block: str) -> dict[str, dict[str, Any]]:
    """The declarations of ``resource``, ``data`` or ``ephemeral`` blocks of a module."""
    if block == "resource":
        return mdef.resources
    return mdef.ephemeral if block == "ephemeral" else mdef.data


class _DataNS(Namespace):
    """``data.*`` (or ``ephemeral.*``): objects read rather than managed."""

    def __init__(self, b: _Builder, inst: _Inst, block: str = "data") -> None:
        self.b, self.inst, self.block = b, inst, block

    def attr(self, name: str) -> Any:
        return _DataTypeNS(self.b, self.inst, name, self.block)

    def plain(self) -> Any:
        return Unresolved(self.block, (), f"{self.block} namespace")


class _DataTypeNS(Namespace):
    def __init__(self, b: _Builder, inst: _Inst, type_: str, block: str = "data") -> None:
        self.b, self.inst, self.type, self.block = b, inst, type_, block

    def attr(self, name: str) -> Any:
        return self.b.object_value(self.inst, self.block, self.type, name)

    def plain(self) -> Any:
        return Unresolved(f"{self.block}.{self.type}", (), f"{self.block} type namespace")


class _ResourceTypeNS(Namespace):
    def __init__(self, b: _Builder, inst: _Inst, type_: str) -> None:
        self.b, self.inst, self.type = b, inst, type_

    def attr(self, name: str) -> Any:
        return self.b.object_value(self.inst, "resource", self.type, name)

    def plain(self) -> Any:
        return Unresolved(self.type, (), "resource type namespace")


# -- helpers -----------------------------------------------------------------------------------
def _key_str(key: Any) -> str:
    return f"[{key}]" if isinstance(key, int) else f"[{json.dumps(key, ensure_ascii=False)}]"


def _classify_source(source: str) -> str:
    """``local``, ``remote`` or ``absolute``."""
    if source.startswith(("./", "../")) or source in (".", ".."):
        return "local"
    if source.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", source):
        return "absolute"
    return "remote"


def _provider_default(rtype: str) -> str:
    return rtype.split("_", 1)[0]


def _traversals(node: Node, bound: frozenset[str] = frozenset()) -> list[tuple[str, list[Any]]]:
    """Every reference (root name + static steps) written in an expression, skipping bound names."""
    out: list[tuple[str, list[Any]]] = []
    stack: list[tuple[Any, frozenset[str]]] = [(node, bound)]
    while stack:
        n, bd = stack.pop()
        if not isinstance(n, tuple) or not n:
            continue
        tag = n[0]
        if tag in ("attr", "index", "splat", "var"):
            # walk down the chain to its root, queueing dynamic parts
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
                    for op in cur[2]:
                        if op[0] == "index":
                            stack.append((op[1], bd))
                    cur = cur[1]
                elif t == "paren":
                    cur = cur[1]
                else:
                    stack.append((cur, bd))
                    break
            continue
        if tag == "lit":
            continue
        if tag == "for":
            _, kv, vv, coll, key, value, cond, _g = n
            stack.append((coll, bd))
            inner = bd | {x for x in (kv, vv) if x}
            for x in (key, value, cond):
                if x is not None:
                    stack.append((x, inner))
            continue
        if tag == "tpl":
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
            continue
        if tag == "object":
            for k, v in n[1]:
                stack.append((k, bd))
                stack.append((v, bd))
            continue
        if tag in ("tuple",):
            stack.extend((x, bd) for x in n[1])
            continue
        if tag == "call":
            stack.extend((x, bd) for x in n[2])
            continue
        if tag == "cond":
            stack.extend((x, bd) for x in n[1:4])
            continue
        if tag == "binop":
            stack.extend((x, bd) for x in n[2:4])
            continue
        if tag in ("unop", "paren"):
            stack.append((n[-1], bd))
            continue
    return out


def _name_text(node: Node) -> str:
    """An address or attribute name written bare (HCL) or as a string (``.tf.json``)."""
    if node[0] == "lit" and isinstance(node[1], str):
        return node[1]
    return _ref_text(node)


def _ref_text(node: Node) -> str:
    try:
        return to_text(node)
    except RecursionError:
        return "<expression>"


# -- the builder -------------------------------------------------------------------------------
class _Builder:
    def __init__(self, rg: ResourceGraph, read_text: Callable[[str], str | None] | None) -> None:
        self.rg = rg
        self.read_text = read_text
        self.ev = Evaluator()
        self.diags: list[Diagnostic] = []
        self._warned: set[tuple[str, int, str]] = set()
        self.mods: dict[str, _ModDef] = {}
        self.nodes: dict[str, Resource] = {}
        self.instances: dict[str, list[str]] = {}  # base address -> instance addresses
        self.pending: list[tuple[str, str, str, str]] = []  # (src, target, kind, attr)
        self.trav_cache: dict[int, list[tuple[str, list[Any]]]] = {}
        self.module_children: dict[str, list[str]] = {}  # module call node -> member nodes
        self.instance_budget = MAX_TOTAL_INSTANCES
        self.all_var_files: list[str] = []
        self._budget_reported = False

    # -- diagnostics ------------------------------------------------------------------------
    def _bounded(self, value: Any, expr: str, loc: tuple[str, int]) -> Any:
        """Replace a value whose expanded size explodes (shared sub-values) by an Unresolved."""
        if isinstance(value, dict | list) and not bounded(value):
            self.warn(loc, "value too large or too deeply nested to expand")
            return Unresolved(expr, (), "value too large to expand")
        if isinstance(value, str) and len(value) > 16_000_000:
            self.warn(loc, "string value too large")
            return Unresolved(expr, (), "value too large to expand")
        return value

    def budget_warn(self, loc: tuple[str, int]) -> None:
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

    def warn(self, loc: tuple[str, int], message: str) -> None:
        key = (loc[0], loc[1], message)
        if key in self._warned:
            return
        self._warned.add(key)
        self.diags.append(Diagnostic(DiagnosticCode.EVAL_WARNING, loc[0], loc[1], 0, message[:300]))

    # -- collecting modules -----------------------------------------------------------------
    def collect(self, files: list[ParsedFile]) -> None:
        tfvars: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for pf in sorted(files, key=lambda f: (_is_override(f.path), f.path)):
            if pf.data is None or pf.kind not in ("terraform", "terraform_json", "tfvars", "tfvars_json"):
                continue
            d = posixpath.dirname(pf.path)
            if pf.kind in ("tfvars", "tfvars_json"):
                tfvars.setdefault(d, []).append((pf.path, pf.data.get("attrs", {})))
                self.all_var_files.append(pf.path)
                continue
            mdef = self.mods.get(d)
            if mdef is None:
                mdef = self.mods[d] = _ModDef(d)
            mdef.files.append(pf.path)
            override = _is_override(pf.path)
            for blk in pf.data.get("blocks", ()):
                if override:
                    self._override_block(mdef, pf.path, blk)
                else:
                    self._add_block(mdef, pf.path, blk)
        for d, lst in tfvars.items():
            mdef = self.mods.get(d)
            if mdef is None:
                continue
            mdef.tfvars = sorted((p, a) for p, a in lst if _tfvars_rank(p) is not None)
            mdef.tfvars.sort(key=lambda pa: (_tfvars_rank(pa[0]), posixpath.basename(pa[0])))

    def _override_block(self, mdef: _ModDef, path: str, blk: dict[str, Any]) -> None:
        """Merge a block of an ``override.tf``/``*_override.tf`` file into the one it overrides."""
        t, labels = blk["type"], blk["labels"]
        target: dict[str, Any] | None = None
        if t in ("resource", "data", "ephemeral") and len(labels) >= 2:
            target = _object_table(mdef, t).get(f"{labels[0]}.{labels[1]}")
        elif t in ("variable", "output", "module") and labels:
            target = {"variable": mdef.variables, "output": mdef.outputs, "module": mdef.modules}[t].get(
                labels[0]
            )
        elif t == "locals":
            for name, a in blk["attrs"].items():
                mdef.locals[name] = dict(a, file=path)
            return
        if target is None:
            self._add_block(mdef, path, blk)
            return
        target["attrs"] = {**target["attrs"], **blk["attrs"]}
        replaced = {b["type"] for b in blk["blocks"]}
        target["blocks"] = [b for b in target["blocks"] if b["type"] not in replaced] + list(blk["blocks"])
        target.setdefault("overridden_by", []).append(path)

    def _add_block(self, mdef: _ModDef, path: str, blk: dict[str, Any]) -> None:
        t, labels = blk["type"], blk["labels"]
        blk = dict(blk, file=path)
        loc = (path, blk["line"])
        if t in ("resource", "data", "ephemeral") and len(labels) >= 2:
            key = f"{labels[0]}.{labels[1]}"
            table = _object_table(mdef, t)
            if key in table:
                self.warn(loc, f"duplicate {t} {key[:80]} (first one kept)")
                return
            table[key] = blk
            if t == "resource":
                mdef.resource_types.add(labels[0])
        elif t == "variable" and labels:
            mdef.variables.setdefault(labels[0], blk)
        elif t == "output" and labels:
            mdef.outputs.setdefault(labels[0], blk)
        elif t == "module" and labels:
            if labels[0] in mdef.modules:
                self.warn(loc, f"duplicate module call {labels[0][:80]}")
                return
            mdef.modules[labels[0]] = blk
        elif t == "locals":
            for name, a in blk["attrs"].items():
                if name in mdef.locals:
                    self.warn((path, a["line"]), f"duplicate local {name[:80]}")
                    continue
                mdef.locals[name] = dict(a, file=path)
        elif t == "provider" and labels:
            mdef.providers.append(blk)
            alias = blk["attrs"].get("alias")
            if alias is None:
                mdef.provider_keys.add(labels[0])
            elif alias["expr"][0] == "lit":
                mdef.provider_keys.add(f"{labels[0]}.{alias['expr'][1]}")
        elif t == "terraform":
            mdef.terraform.append(blk)
        elif t == "import":
            mdef.imports.append(blk)
        elif t == "moved":
            mdef.moveds.append(blk)

    # -- roots ------------------------------------------------------------------------------
    def local_target(self, caller_dir: str, source: str) -> str | None:
        """The module directory a local source points at, if it stays inside the root."""
        joined = (
            posixpath.normpath(posixpath.join(caller_dir, source))
            if caller_dir
            else posixpath.normpath(source)
        )
        if joined == ".":
            joined = ""
        if joined == ".." or joined.startswith("../") or posixpath.isabs(joined):
            return None
        return joined

    def find_roots(self) -> list[str]:
        called: dict[str, set[str]] = {d: set() for d in self.mods}
        for d, mdef in self.mods.items():
            for blk in mdef.modules.values():
                src = self._static_source(blk)
                if src is not None and _classify_source(src) == "local":
                    tgt = self.local_target(d, src)
                    if tgt is not None and tgt in self.mods and tgt != d:
                        called[d].add(tgt)
        callees = {t for ts in called.values() for t in ts}
        roots = sorted(d for d in self.mods if d not in callees)
        reach: set[str] = set()
        stack = list(roots)
        while stack:
            d = stack.pop()
            if d in reach:
                continue
            reach.add(d)
            stack.extend(called.get(d, ()))
        for d in sorted(self.mods):
            if d not in reach:  # a cycle of calls with no outside caller
                roots.append(d)
                stack = [d]
                while stack:
                    x = stack.pop()
                    if x not in reach:
                        reach.add(x)
                        stack.extend(called.get(x, ()))
        return roots

    def _static_source(self, blk: dict[str, Any]) -> str | None:
        a = blk["attrs"].get("source")
        if a is None:
            return None
        n = a["expr"]
        return n[1] if n[0] == "lit" and isinstance(n[1], str) else None

    # -- values -----------------------------------------------------------------------------
    def _eval(self, node: Node, ctx: _Ctx, env: dict[str, Any] | None = None) -> Any:
        return self.ev.eval(node, ctx, env)

    def var_value(self, inst: _Inst, name: str) -> Any:
        if name in inst.vars:
            return inst.vars[name]
        blk = inst.mdef.variables.get(name)
        if blk is None:
            return Unresolved(f"var.{name}", (), "undeclared variable")
        key = "var." + name
        if key in inst.busy:
            self.warn((blk["file"], blk["line"]), f"reference cycle through var.{name[:60]}")
            return Unresolved(f"var.{name}", (), "reference cycle")
        inst.busy.add(key)
        try:
            value, src = self._var_value(inst, name, blk)
        finally:
            inst.busy.discard(key)
        value = self._bounded(value, f"var.{name}", (blk["file"], blk["line"]))
        inst.vars[name] = value
        inst.var_src[name] = src
        return value

    def _var_value(self, inst: _Inst, name: str, blk: dict[str, Any]) -> tuple[Any, str]:
        empty = _Ctx(inst, loc=(blk["file"], blk["line"]))
        value: Any = None
        src = "unset"
        if inst.call is None:
            for path, attrs in inst.mdef.tfvars:
                if name in attrs:
                    value, src = (
                        self._eval(attrs[name]["expr"], _Ctx(inst, loc=(path, attrs[name]["line"]))),
                        f"tfvars:{path}",
                    )
        else:
            a = inst.call["attrs"].get(name)
            if a is not None and inst.call_ctx is not None:
                value, src = self._eval(a["expr"], inst.call_ctx), "module call"
        if src == "unset" or (value is None and not self._nullable(blk)):
            d = blk["attrs"].get("default")
            if d is not None:
                return _convert_type(self._eval(d["expr"], empty), blk), "default"
            if src == "unset":
                reason = (
                    "no default and no tfvars value"
                    if inst.call is None
                    else "not set by the module call and no default"
                )
                return Unresolved(f"var.{name}", (), reason), "unset"
        return _convert_type(value, blk), src

    def _nullable(self, blk: dict[str, Any]) -> bool:
        a = blk["attrs"].get("nullable")
        return not (a is not None and a["expr"] == ("lit", False))

    def local_value(self, inst: _Inst, name: str) -> Any:
        if name in inst.locals:
            return inst.locals[name]
        a = inst.mdef.locals.get(name)
        if a is None:
            return Unresolved(f"local.{name}", (), "undeclared local")
        key = "local." + name
        if key in inst.busy:
            self.warn((a["file"], a["line"]), f"reference cycle through local.{name[:60]}")
            return Unresolved(f"local.{name}", (), "reference cycle")
        inst.busy.add(key)
        try:
            v = self._eval(a["expr"], _Ctx(inst, loc=(a["file"], a["line"])))
        finally:
            inst.busy.discard(key)
        v = self._bounded(v, f"local.{name}", (a["file"], a["line"]))
        inst.locals[name] = v
        return v

    def output_value(self, inst: _Inst, name: str) -> Any:
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
            self.warn((blk["file"], blk["line"]), f"reference cycle through output {name[:60]}")
            return Unresolved(f"{pre}.{name}", (), "reference cycle")
        inst.busy.add(key)
        try:
            v = self._eval(a["expr"], _Ctx(inst, loc=(blk["file"], a["line"])))
        finally:
            inst.busy.discard(key)
        v = self._bounded(v, f"{pre}.{name}" if pre else f"output.{name}", (blk["file"], blk["line"]))
        inst.outputs[name] = v
        return v

    def expansion(self, inst: _Inst, key: str, blk: dict[str, Any]) -> tuple[str, Any]:
        """("single", None) | ("count", n) | ("for_each", {key: value}) | ("unknown", Unresolved)."""
        if key in inst.expansions:
            return inst.expansions[key]
        ctx = _Ctx(inst, loc=(blk["file"], blk["line"]))
        res: tuple[str, Any]
        if "count" in blk["attrs"]:
            v = plain(self._eval(blk["attrs"]["count"]["expr"], ctx))
            if isinstance(v, bool) or not isinstance(v, int | float) or isinstance(v, Unresolved):
                if not isinstance(v, Unresolved):
                    self.warn(ctx.loc, "count is not a number")
                    v = Unresolved(_ref_text(blk["attrs"]["count"]["expr"]), (), "count is not a number")
                res = ("unknown", v)
            else:
                res = ("count", max(0, int(v)))
        elif "for_each" in blk["attrs"]:
            v = self._eval(blk["attrs"]["for_each"]["expr"], ctx)
            if isinstance(v, Namespace):
                v = v.as_collection()
            if isinstance(v, dict):
                res = ("for_each", v)
            elif isinstance(v, list) and all(isinstance(x, str) for x in v):
                res = ("for_each", {x: x for x in sorted(set(v))})
            else:
                if not isinstance(v, Unresolved):
                    if not (isinstance(v, list) and any(isinstance(x, Unresolved) for x in v)):
                        self.warn(ctx.loc, "for_each is not a map or a set of strings")
                    v = Unresolved(
                        _ref_text(blk["attrs"]["for_each"]["expr"]),
                        collect_refs(v),
                        "for_each not statically known",
                    )
                res = ("unknown", v)
        else:
            res = ("single", None)
        if res[0] in ("count", "for_each"):
            n = res[1] if res[0] == "count" else len(res[1])
            if n > MAX_INSTANCES:
                self.warn(
                    ctx.loc, f"{res[0]} gives {n} instances, more than the {MAX_INSTANCES} expanded per block"
                )
                res = (
                    "unknown",
                    Unresolved(_ref_text(blk["attrs"][res[0]]["expr"]), (), "too many instances to expand"),
                )
            elif self.instance_budget - n < 0:
                self.budget_warn(ctx.loc)
                res = (
                    "unknown",
                    Unresolved(_ref_text(blk["attrs"][res[0]]["expr"]), (), "instance budget exhausted"),
                )
            else:
                self.instance_budget -= n
        inst.expansions[key] = res
        return res

    def object_value(self, inst: _Inst, block: str, rtype: str, name: str) -> Any:
        key = f"{rtype}.{name}"
        table = _object_table(inst.mdef, block)
        local = key if block == "resource" else f"{block}.{key}"
        blk = table.get(key)
        if blk is None:
            return Unresolved(local, (), f"undeclared {block} {key[:80]}")
        base = inst.prefix + local
        kind, info = self.expansion(inst, local, blk)
        if kind == "single":
            return Ref(base, local)
        if kind == "count":
            return [Ref(f"{base}[{i}]", f"{local}[{i}]") for i in range(info)]
        if kind == "for_each":
            return {k: Ref(base + _key_str(k), local + _key_str(k)) for k in info}
        return Ref(base, local, "count/for_each not statically known")

    def module_value(self, inst: _Inst, name: str) -> Any:
        kids = self.children(inst, name)
        if kids is None:
            return Unresolved(f"module.{name}", (), "undeclared module call")
        kind, items = kids
        expr = f"module.{name}"
        if kind == "remote":
            return _RemoteModuleNS(expr, items, "remote module not fetched")
        if kind == "unresolved":
            return _RemoteModuleNS(expr, items, "module source could not be resolved")
        if kind == "single":
            return _OutputsNS(self, items[0][1])
        if kind == "count":
            return [_OutputsNS(self, c) for _, c in items]
        if kind == "for_each":
            return {k: _OutputsNS(self, c) for k, c in items}
        if kind == "unknown":
            return _UnexpandedModuleNS(self, items[0][1], expr)
        return Unresolved(expr, (), "module call not expanded")

    def children(self, inst: _Inst, name: str) -> tuple[str, Any] | None:
        """Expand one module call of ``inst`` (memoised)."""
        if name in inst.children:
            return inst.children[name]
        blk = inst.mdef.modules.get(name)
        if blk is None:
            return None
        inst.children[name] = ("pending", [])
        result = self._expand_call(inst, name, blk)
        inst.children[name] = result
        return result

    def _expand_call(self, inst: _Inst, name: str, blk: dict[str, Any]) -> tuple[str, Any]:
        loc = (blk["file"], blk["line"])
        call_addr = f"{inst.prefix}module.{name}"
        unresolved_addr = f"unresolved:{call_addr}"
        a = blk["attrs"].get("source")
        src = None
        if a is not None:
            v = self._eval(a["expr"], _Ctx(inst, loc=loc))
            src = v if isinstance(v, str) else None
        if src is None:
            self._module_unresolved(loc, call_addr, "", "module source is not a literal string")
            return ("unresolved", unresolved_addr)
        cls = _classify_source(src)
        if cls == "remote":
            self._module_unresolved(loc, call_addr, src, "remote module not fetched")
            return ("remote", unresolved_addr)
        if cls == "absolute":
            self._module_unresolved(loc, call_addr, src, "absolute module path outside the reviewed root")
            return ("unresolved", unresolved_addr)
        tgt = self.local_target(inst.mdef.dir, src)
        if tgt is None:
            self._module_unresolved(loc, call_addr, src, "local module path leaves the reviewed root")
            return ("unresolved", unresolved_addr)
        mdef = self.mods.get(tgt)
        if mdef is None:
            self._module_unresolved(
                loc, call_addr, src, "local module directory has no parsed Terraform files"
            )
            return ("unresolved", unresolved_addr)
        anc: _Inst | None = inst
        while anc is not None:
            if anc.mdef is mdef:
                self._module_unresolved(loc, call_addr, src, "module calls itself (recursion not expanded)")
                return ("unresolved", unresolved_addr)
            anc = anc.parent
        if inst.depth + 1 > MAX_MODULE_DEPTH:
            self._module_unresolved(loc, call_addr, src, f"module nesting deeper than {MAX_MODULE_DEPTH}")
            return ("unresolved", unresolved_addr)
        providers = self._provider_map(inst, blk, mdef)
        kind, info = self.expansion(inst, f"module.{name}", blk)
        base_path = f"{inst.path}module.{name}"
        cctx = _Ctx(inst, loc=loc)
        if kind == "single":
            child = _Inst(mdef, inst.root, base_path + ".", inst, blk, cctx, providers, inst.depth + 1)
            return ("single", [(None, child)])
        if kind == "count":
            items = []
            for i in range(info):
                c = cctx.with_(count=i, loc=loc)
                items.append(
                    (i, _Inst(mdef, inst.root, f"{base_path}[{i}].", inst, blk, c, providers, inst.depth + 1))
                )
            return ("count", items)
        if kind == "for_each":
            items = []
            for k, v in info.items():
                c = cctx.with_(each={"key": k, "value": v}, loc=loc)
                items.append(
                    (
                        k,
                        _Inst(
                            mdef,
                            inst.root,
                            f"{base_path}{_key_str(k)}.",
                            inst,
                            blk,
                            c,
                            providers,
                            inst.depth + 1,
                        ),
                    )
                )
            return ("for_each", items)
        unk = info if isinstance(info, Unresolved) else Unresolved("count", (), "not statically known")
        if "count" in blk["attrs"]:
            c = cctx.with_(count=Unresolved("count.index", unk.refs, "count not statically known"), loc=loc)
        else:
            c = cctx.with_(
                each={
                    "key": Unresolved("each.key", unk.refs, "for_each not statically known"),
                    "value": Unresolved("each.value", unk.refs, "for_each not statically known"),
                },
                loc=loc,
            )
        child = _Inst(
            mdef, inst.root, base_path + ".", inst, blk, c, providers, inst.depth + 1, expanded=False
        )
        return ("unknown", [(None, child)])

    def _module_unresolved(self, loc: tuple[str, int], call_addr: str, source: str, reason: str) -> None:
        self.diags.append(
            Diagnostic(
                DiagnosticCode.MODULE_UNRESOLVED,
                loc[0],
                loc[1],
                0,
                f"module {call_addr.rsplit('module.', 1)[-1][:80]}: {reason}",
            )
        )

    def _provider_map(self, inst: _Inst, blk: dict[str, Any], mdef: _ModDef) -> dict[str, str]:
        out: dict[str, str] = {}
        # default (unaliased) providers are inherited
        for k, v in inst.providers.items():
            if "." not in k:
                out[k] = v
        a = blk["attrs"].get("providers")
        if a is not None and a["expr"][0] == "object":
            for k, v in a["expr"][1]:
                ktext = _name_text(k)
                vtext = _name_text(v)
                out[str(ktext)] = inst.providers.get(vtext, vtext)
        return out

    def resolve_provider(self, inst: _Inst, blk: dict[str, Any], rtype: str) -> tuple[str, str]:
        """The provider key at the root (``aws.west``) and the address of its provider node.

        A module that declares its own ``provider`` block (legacy style) uses it: the key is
        then the module's own and the node is ``module.x.provider.aws``.
        """
        a = blk["attrs"].get("provider")
        key = _ref_text(a["expr"]) if a is not None else _provider_default(rtype)
        if a is not None and a["expr"][0] == "lit" and isinstance(a["expr"][1], str):
            key = a["expr"][1]
        if inst.path and key in inst.mdef.provider_keys:
            return key, f"{inst.prefix}provider.{key}"
        root_key = inst.providers.get(key, key)
        return root_key, f"{inst.root.prefix}provider.{root_key}"

    # -- emitting nodes ---------------------------------------------------------------------
    def traversals(self, node: Node) -> list[tuple[str, list[Any]]]:
        k = id(node)
        t = self.trav_cache.get(k)
        if t is None:
            try:
                t = _traversals(node)
            except RecursionError:
                t = []
            self.trav_cache[k] = t
        return t

    def static_targets(self, inst: _Inst, node: Node, bound: frozenset[str] = frozenset()) -> list[str]:
        """Addresses (maybe base addresses) an expression names directly."""
        travs = self.traversals(node) if not bound else _traversals(node, bound)
        out: list[str] = []
        p = inst.prefix
        for root, steps in travs:
            if root in _NOEDGE_ROOTS or not steps:
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
                        out.append(base + _key_str(steps[2][0]))
                    else:
                        out.append(base)
            elif root in inst.mdef.resource_types:
                base = f"{p}{root}.{first}"
                if len(steps) >= 2 and isinstance(steps[1], tuple):
                    out.append(base + _key_str(steps[1][0]))
                else:
                    out.append(base)
        return out

    def _module_targets(self, inst: _Inst, name: str, rest: list[Any]) -> list[str]:
        kids = self.children(inst, name)
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

    def add_node(self, res: Resource) -> None:
        if res.address in self.nodes:
            return
        self.nodes[res.address] = res
        base = res.meta.get("base_address")
        if base:
            self.instances.setdefault(base, []).append(res.address)

    def edges_for_value(
        self,
        src: str,
        attr: str,
        value: Any,
        node: Node | None,
        inst: _Inst,
        kind: str = "ref",
        bound: frozenset[str] = frozenset(),
    ) -> None:
        seen: set[str] = set()
        if node is not None:
            for t in self.static_targets(inst, node, bound):
                if t not in seen:
                    seen.add(t)
                    self.pending.append((src, t, kind, attr))
        for r in collect_refs(value):
            if r not in seen:
                seen.add(r)
                self.pending.append((src, r, kind, attr))

    def eval_body(
        self,
        blk: dict[str, Any],
        ctx: _Ctx,
        env: dict[str, Any],
        src_addr: str,
        prefix: str,
        skip: frozenset[str],
    ) -> dict[str, Any]:
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
                out[name] = [_name_text(x) for x in n[1]] if n[0] == "tuple" else _name_text(n)
                if name == "replace_triggered_by":
                    self.edges_for_value(src_addr, prefix + name, None, n, inst, bound=bound)
                continue
            v = plain(self._eval(a["expr"], ctx, env))
            out[name] = v
            self.edges_for_value(src_addr, prefix + name, v, a["expr"], inst, bound=bound)
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
        ctx: _Ctx,
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
        coll = self._eval(fe["expr"], ctx, env)
        if isinstance(coll, Namespace):
            coll = coll.plain()
        self.edges_for_value(src, prefix[:-1], plain(coll), fe["expr"], ctx.inst, bound=frozenset(env))
        if isinstance(coll, dict | list) and not isinstance(coll, Unresolved):
            pairs = coll.items() if isinstance(coll, dict) else enumerate(coll)
            for k, v in pairs:
                sub = dict(env)
                sub[it_name] = {"key": k, "value": v}
                lst.append(self.eval_body(contents[0], ctx, sub, src, prefix, frozenset()))
            return
        u = (
            coll
            if isinstance(coll, Unresolved)
            else Unresolved(_ref_text(fe["expr"]), collect_refs(coll), "")
        )
        lst.append(Unresolved(u.expr, u.refs, "dynamic block for_each not statically known"))
        # still record the references written inside the content
        bound = frozenset(env) | {it_name}
        for b in contents:
            self._static_only(b, ctx.inst, src, prefix, bound)

    def _static_only(
        self, blk: dict[str, Any], inst: _Inst, src: str, prefix: str, bound: frozenset[str]
    ) -> None:
        stack = [(blk, prefix)]
        while stack:
            b, pre = stack.pop()
            for name, a in b["attrs"].items():
                for t in self.static_targets(inst, a["expr"], bound):
                    self.pending.append((src, t, "ref", pre + name))
            for nb in b["blocks"]:
                stack.append((nb, f"{pre}{nb['type']}[*]."))

    def emit_instance(self, inst: _Inst) -> list[_Inst]:
        """Emit every node of one module instance; return the child instances to emit next.

        Each block is emitted on its own: an unexpected error in one block (a loader bug met on
        unusual input) becomes an ``EVAL_WARNING`` at that block and the others still load
        (set ``INFRA_REVIEW_DEBUG=1`` to get the exception instead).
        """
        mdef = inst.mdef
        base_meta: dict[str, Any] = {"root": inst.root.dir or "."}
        if inst.path:
            base_meta["module_dir"] = mdef.dir or "."
        if not inst.expanded:
            base_meta["module_expanded"] = False
        members: list[str] = []
        nxt: list[_Inst] = []
        tasks: list[tuple[tuple[str, int], Callable[[], Any]]] = []
        for name, blk in mdef.variables.items():
            tasks.append((_at(blk), partial(self._emit_variable, inst, name, blk, base_meta, members)))
        for name, a in mdef.locals.items():
            tasks.append((_at(a), partial(self._emit_local, inst, name, a, base_meta)))
        for name, blk in mdef.outputs.items():
            tasks.append((_at(blk), partial(self._emit_output, inst, name, blk, base_meta)))
        for blk in mdef.providers:
            tasks.append((_at(blk), partial(self._emit_provider, inst, blk, base_meta)))
        if mdef.terraform:
            tasks.append((_at(mdef.terraform[0]), partial(self._emit_terraform, inst, base_meta)))
        for key, blk in mdef.data.items():
            tasks.append((_at(blk), partial(self._emit_object, inst, "data", key, blk, base_meta, members)))
        for key, blk in mdef.ephemeral.items():
            tasks.append(
                (_at(blk), partial(self._emit_object, inst, "ephemeral", key, blk, base_meta, members))
            )
        for key, blk in mdef.resources.items():
            tasks.append(
                (_at(blk), partial(self._emit_object, inst, "resource", key, blk, base_meta, members))
            )
        for blk in mdef.imports:
            tasks.append((_at(blk), partial(self._emit_import_moved, inst, "import", blk, base_meta)))
        for blk in mdef.moveds:
            tasks.append((_at(blk), partial(self._emit_import_moved, inst, "moved", blk, base_meta)))
        for name, blk in mdef.modules.items():
            tasks.append(
                (_at(blk), partial(self._emit_module_call, inst, name, blk, base_meta, members, nxt))
            )
        for loc, task in tasks:
            try:
                task()
            except RecursionError:
                self.warn(loc, "expressions too deeply nested to evaluate; block skipped")
            except Exception as exc:
                if os.environ.get("INFRA_REVIEW_DEBUG"):
                    raise
                self.warn(
                    loc, f"internal error while loading this block ({type(exc).__name__}); block skipped"
                )
        if inst.path and inst.parent is not None:
            self.module_children.setdefault(inst.prefix[:-1], []).extend(members)
        return nxt

    def _emit_local(self, inst: _Inst, name: str, a: dict[str, Any], base_meta: dict[str, Any]) -> None:
        addr = f"{inst.prefix}local.{name}"
        v = plain(self.local_value(inst, name))
        self.add_node(
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
        self.edges_for_value(addr, "value", v, a["expr"], inst)

    def _emit_output(self, inst: _Inst, name: str, blk: dict[str, Any], base_meta: dict[str, Any]) -> None:
        addr = f"{inst.prefix}output.{name}"
        ctx = _Ctx(inst, loc=(blk["file"], blk["line"]))
        attrs = self.eval_body(blk, ctx, {}, addr, "", frozenset({"value", "depends_on"}))
        attrs["value"] = plain(self.output_value(inst, name))
        if "value" in blk["attrs"]:
            self.edges_for_value(addr, "value", attrs["value"], blk["attrs"]["value"]["expr"], inst)
        self._depends_on(addr, blk, inst)
        self.add_node(
            Resource(
                addr,
                "output",
                "output",
                attrs,
                _loc(blk),
                inst.module,
                "",
                "terraform",
                {**base_meta, "name": name},
            )
        )

    def _emit_variable(
        self, inst: _Inst, name: str, blk: dict[str, Any], base_meta: dict[str, Any], members: list[str]
    ) -> None:
        addr = f"{inst.prefix}var.{name}"
        ctx = _Ctx(inst, loc=(blk["file"], blk["line"]))
        attrs: dict[str, Any] = {}
        for k, a in blk["attrs"].items():
            if k == "type":
                attrs["type"] = _ref_text(a["expr"]) if a["expr"][0] != "lit" else a["expr"][1]
            else:
                attrs[k] = plain(self._eval(a["expr"], ctx))
        for nb in blk["blocks"]:
            attrs.setdefault(nb["type"], []).append({k: _ref_text(a["expr"]) for k, a in nb["attrs"].items()})
        value = plain(self.var_value(inst, name))
        attrs["value"] = value
        src = inst.var_src.get(name, "unset")
        if inst.call is not None and name in inst.call["attrs"] and inst.parent is not None:
            self.edges_for_value(addr, "value", value, inst.call["attrs"][name]["expr"], inst.parent)
        else:
            self.edges_for_value(addr, "value", value, None, inst)
        self.add_node(
            Resource(
                addr,
                "variable",
                "variable",
                attrs,
                _loc(blk),
                inst.module,
                "",
                "terraform",
                {**base_meta, "name": name, "value_source": src},
            )
        )

    def _emit_provider(self, inst: _Inst, blk: dict[str, Any], base_meta: dict[str, Any]) -> None:
        pname = blk["labels"][0]
        ctx = _Ctx(inst, loc=(blk["file"], blk["line"]))
        alias_a = blk["attrs"].get("alias")
        alias = self._eval(alias_a["expr"], ctx) if alias_a else None
        key = f"{pname}.{alias}" if isinstance(alias, str) else pname
        addr = f"{inst.prefix}provider.{key}"
        attrs = self.eval_body(blk, ctx, {}, addr, "", frozenset())
        self.add_node(
            Resource(
                addr,
                pname,
                "provider",
                attrs,
                _loc(blk),
                inst.module,
                key,
                "terraform",
                {**base_meta, "name": key, "alias": alias if isinstance(alias, str) else None},
            )
        )

    def _emit_terraform(self, inst: _Inst, base_meta: dict[str, Any]) -> None:
        addr = f"{inst.prefix}terraform"
        attrs: dict[str, Any] = {}
        first = inst.mdef.terraform[0]
        for blk in inst.mdef.terraform:
            ctx = _Ctx(inst, loc=(blk["file"], blk["line"]))
            body = self.eval_body(blk, ctx, {}, addr, "", frozenset())
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
        self.add_node(
            Resource(
                addr,
                "terraform",
                "terraform",
                attrs,
                _loc(first),
                inst.module,
                "",
                "terraform",
                {**base_meta, "name": "terraform"},
            )
        )

    def _emit_import_moved(
        self, inst: _Inst, kind: str, blk: dict[str, Any], base_meta: dict[str, Any]
    ) -> None:
        field = "to" if kind == "import" else "from"
        a = blk["attrs"].get(field)
        if a is None:
            return
        target = _ref_text(a["expr"])
        addr = f"{inst.prefix}{kind}.{target}"
        ctx = _Ctx(inst, loc=(blk["file"], blk["line"]))
        attrs: dict[str, Any] = {}
        for k, x in blk["attrs"].items():
            if k in ("to", "from"):
                attrs[k] = _ref_text(x["expr"])
                for t in self.static_targets(inst, x["expr"]):
                    self.pending.append((addr, t, "ref", k))
            else:
                v = plain(self._eval(x["expr"], ctx))
                attrs[k] = v
                self.edges_for_value(addr, k, v, x["expr"], inst)
        self.add_node(
            Resource(
                addr,
                kind,
                kind,
                attrs,
                _loc(blk),
                inst.module,
                "",
                "terraform",
                {**base_meta, "name": target},
            )
        )

    def _depends_on(self, addr: str, blk: dict[str, Any], inst: _Inst) -> list[str]:
        a = blk["attrs"].get("depends_on")
        if a is None:
            return []
        n = a["expr"]
        items = n[1] if n[0] == "tuple" else (n,)
        out = []
        for it in items:
            out.append(_ref_text(it))
            for t in self.static_targets(inst, it):
                self.pending.append((addr, t, "depends_on", "depends_on"))
        return out

    def _emit_object(
        self,
        inst: _Inst,
        block: str,
        key: str,
        blk: dict[str, Any],
        base_meta: dict[str, Any],
        members: list[str],
    ) -> None:
        rtype, name = blk["labels"][0], blk["labels"][1]
        local = key if block == "resource" else f"{block}.{key}"
        base = inst.prefix + local
        provider, paddr = self.resolve_provider(inst, blk, rtype)
        pmeta = {**base_meta, "name": name, "base_address": base, "provider_address": paddr}
        kind, info = self.expansion(inst, local, blk)
        loc = (blk["file"], blk["line"])
        if (kind == "count" and info == 0) or (kind == "for_each" and not info):
            self._emit_disabled(inst, base, rtype, block, blk, {**pmeta, "provider_key": provider}, kind)
            members.append(base)
            return
        instances: list[tuple[str, _Ctx, dict[str, Any]]] = []
        if kind == "single":
            instances.append((base, _Ctx(inst, self_addr=base, loc=loc), {"expanded": True}))
        elif kind == "count":
            for i in range(info):
                a = f"{base}[{i}]"
                instances.append(
                    (a, _Ctx(inst, count=i, self_addr=a, loc=loc), {"expanded": True, "count.index": i})
                )
        elif kind == "for_each":
            for k, v in info.items():
                a = base + _key_str(k)
                instances.append(
                    (
                        a,
                        _Ctx(inst, each={"key": k, "value": v}, self_addr=a, loc=loc),
                        {"expanded": True, "each.key": k},
                    )
                )
        else:
            u: Unresolved = info
            if "count" in blk["attrs"]:
                c = _Ctx(
                    inst,
                    count=Unresolved("count.index", u.refs, "count not statically known"),
                    self_addr=base,
                    loc=loc,
                )
            else:
                c = _Ctx(
                    inst,
                    each={
                        "key": Unresolved("each.key", u.refs, "for_each not statically known"),
                        "value": Unresolved("each.value", u.refs, "for_each not statically known"),
                    },
                    self_addr=base,
                    loc=loc,
                )
            instances.append((base, c, {"expanded": False, "expansion": u}))
        for addr, ctx, extra in instances:
            attrs = self.eval_body(blk, ctx, {}, addr, "", _META_RESOURCE)
            deps = self._depends_on(addr, blk, inst)
            if deps:
                attrs["depends_on"] = deps
            for meta_arg in ("count", "for_each"):
                if meta_arg in blk["attrs"]:
                    self.edges_for_value(addr, meta_arg, None, blk["attrs"][meta_arg]["expr"], inst)
            if kind == "unknown":
                self.edges_for_value(
                    addr, "count" if "count" in blk["attrs"] else "for_each", extra["expansion"], None, inst
                )
            meta = {**pmeta, **{k: v for k, v in extra.items() if k != "expansion"}}
            self.add_node(
                Resource(addr, rtype, block, attrs, _loc(blk), inst.module, provider, "terraform", meta)
            )
            members.append(addr)

    def _emit_disabled(
        self,
        inst: _Inst,
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
        self.edges_for_value(base, arg, None, blk["attrs"][arg]["expr"], inst)
        self.add_node(
            Resource(
                base,
                rtype,
                "disabled",
                {},
                _loc(blk),
                inst.module,
                pmeta["provider_key"],
                "terraform",
                meta,
            )
        )

    def _emit_module_call(
        self,
        inst: _Inst,
        name: str,
        blk: dict[str, Any],
        base_meta: dict[str, Any],
        members: list[str],
        nxt: list[_Inst],
    ) -> None:
        kids = self.children(inst, name)
        assert kids is not None
        kind, items = kids
        base = f"{inst.prefix}module.{name}"
        src_a = blk["attrs"].get("source")
        source = _ref_text(src_a["expr"]) if src_a else ""
        if src_a is not None and src_a["expr"][0] == "lit":
            source = str(src_a["expr"][1])
        meta = {**base_meta, "name": name, "source": source}
        if kind in ("remote", "unresolved"):
            reason = "remote module not fetched" if kind == "remote" else self._unresolved_reason(blk)
            ctx = _Ctx(inst, loc=(blk["file"], blk["line"]))
            attrs = self.eval_body(blk, ctx, {}, base, "", frozenset({"count", "for_each", "depends_on"}))
            attrs["source"] = source
            self.add_node(
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
            self.add_node(
                Resource(
                    items,
                    "unresolved",
                    "synthetic",
                    {"source": source, "reason": reason},
                    _loc(blk),
                    inst.module,
                    "",
                    "synthetic",
                    {"name": name, "root": base_meta["root"], "call": base},
                )
            )
            self.pending.append((base, items, "module", ""))
            self._depends_on(base, blk, inst)
            self._meta_arg_edges(base, blk, inst)
            members.append(base)
            return
        if (kind == "count" and not items) or (kind == "for_each" and not items):
            self.add_node(
                Resource(
                    base,
                    "module",
                    "disabled",
                    {"source": source},
                    _loc(blk),
                    inst.module,
                    "",
                    "terraform",
                    {**meta, "instances": 0, "expanded": True, "declared_block": "module"},
                )
            )
            self._meta_arg_edges(base, blk, inst)
            members.append(base)
            return
        for k, child in items:
            addr = child.prefix[:-1]
            cctx = child.call_ctx or _Ctx(inst)
            attrs = self.eval_body(
                blk, cctx, {}, addr, "", frozenset({"count", "for_each", "depends_on", "providers"})
            )
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
            self.add_node(
                Resource(addr, "module", "module", attrs, _loc(blk), inst.module, "", "terraform", m)
            )
            members.append(addr)
            nxt.append(child)

    def _meta_arg_edges(self, addr: str, blk: dict[str, Any], inst: _Inst) -> None:
        """``ref`` edges for what a block's ``count``/``for_each`` expression references."""
        for meta_arg in ("count", "for_each"):
            a = blk["attrs"].get(meta_arg)
            if a is not None:
                v = self._eval(a["expr"], _Ctx(inst, loc=(blk["file"], a["line"])))
                self.edges_for_value(
                    addr, meta_arg, plain(v) if isinstance(v, Unresolved) else None, a["expr"], inst
                )

    def _unresolved_reason(self, blk: dict[str, Any]) -> str:
        for d in reversed(self.diags):
            if d.code is DiagnosticCode.MODULE_UNRESOLVED and d.file == blk["file"] and d.line == blk["line"]:
                return d.message.split(": ", 1)[-1]
        return "module source could not be resolved"

    # -- finishing --------------------------------------------------------------------------
    def flush(self) -> None:
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


def _at(blk: dict[str, Any]) -> tuple[str, int]:
    return (blk.get("file", ""), blk.get("line", 0))


def _loc(blk: dict[str, Any]) -> SourceLocation:
    return SourceLocation(blk["file"], blk["line"], blk.get("end_line", blk["line"]))


def _is_override(path: str) -> bool:
    name = posixpath.basename(path)
    return name in ("override.tf", "override.tf.json") or name.endswith(("_override.tf", "_override.tf.json"))


def _tfvars_rank(path: str) -> int | None:
    name = posixpath.basename(path)
    if name == "terraform.tfvars":
        return 0
    if name == "terraform.tfvars.json":
        return 1
    if name.endswith((".auto.tfvars", ".auto.tfvars.json")):
        return 2
    return None


def _convert_type(value: Any, blk: dict[str, Any]) -> Any:
    """Apply a variable's type constraint the way Terraform converts input values: primitive
    conversions (``"5"`` → 5 for ``number``) and ``optional(type, default)`` attributes of
    object types filled in (also inside ``list``/``set``/``map`` of objects)."""
    a = blk["attrs"].get("type")
    if a is None or isinstance(value, Unresolved):
        return value
    try:
        return _conform(value, a["expr"], 0)
    except (RecursionError, ValueError, TypeError):
        return value


def _conform(value: Any, t: Node, depth: int) -> Any:
    if depth > 32 or isinstance(value, Unresolved) or value is None:
        return value
    if t[0] in ("var", "lit"):
        tname = t[1]
        if tname == "number" and isinstance(value, str):
            f = float(value)
            return int(f) if f.is_integer() else f
        if tname == "bool" and value in ("true", "false"):
            return value == "true"
        if tname == "string" and isinstance(value, int | float | bool):
            return ("true" if value else "false") if isinstance(value, bool) else str(value)
        return value
    if t[0] != "call" or not t[2]:
        return value
    name, inner = t[1], t[2][0]
    if name in ("list", "set") and isinstance(value, list):
        return [_conform(x, inner, depth + 1) for x in value]
    if name == "map" and isinstance(value, dict):
        return {k: _conform(x, inner, depth + 1) for k, x in value.items()}
    if name == "object" and isinstance(value, dict) and inner[0] == "object":
        out = dict(value)
        for knode, tnode in inner[1]:
            if knode[0] != "lit":
                continue
            key = str(knode[1])
            if tnode[0] == "call" and tnode[1] == "optional" and tnode[2]:
                attr_t = tnode[2][0]
                if out.get(key) is None:
                    out[key] = Evaluator().eval(tnode[2][1], Context()) if len(tnode[2]) > 1 else None
                out[key] = _conform(out[key], attr_t, depth + 1)
            elif key in out:
                out[key] = _conform(out[key], tnode, depth + 1)
        return out
    return value


# =============================================================================================
def build(
    files: list[ParsedFile], rg: ResourceGraph, read_text: Callable[[str], str | None] | None = None
) -> list[Diagnostic]:
    """Add every Terraform block of ``files`` to ``rg``; return the diagnostics met.

    ``read_text(rel_path)`` (optional) returns the text of a file under the reviewed root for
    ``templatefile``/``file``, or None; without it those calls stay ``Unresolved``.

    >>> pf = parse_file("main.tf", 'resource "aws_subnet" "a" {\\n  count = 2\\n  cidr_block = '
    ...                 'cidrsubnet("10.0.0.0/16", 8, count.index)\\n}\\n', "terraform")
    >>> rg = ResourceGraph()
    >>> build([pf], rg)
    []
    >>> [(r.address, r.attrs["cidr_block"], r.line) for r in rg.resources()]
    [('aws_subnet.a[0]', '10.0.0.0/24', 1), ('aws_subnet.a[1]', '10.0.1.0/24', 1)]
    """
    # Nearly everything the build allocates (resources, attrs, graph dicts) stays alive, so
    # the cyclic collector would only re-walk a growing heap: ~30 % of the build on 10,000
    # resources.  It is paused for the build and switched back on (when it was on) after.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(files, rg, read_text)
    finally:
        if was_enabled:
            gc.enable()


def _build(
    files: list[ParsedFile], rg: ResourceGraph, read_text: Callable[[str], str | None] | None
) -> list[Diagnostic]:
    b = _Builder(rg, read_text)
    b.collect(files)
    roots = b.find_roots()
    multi = len(roots) > 1
    queue: list[_Inst] = []
    for d in roots:
        root = _Root(d, f"{d}//" if multi and d else "")
        mdef = b.mods[d]
        providers: dict[str, str] = {}
        top = _Inst(mdef, root, "", None, None, None, providers, 0)
        top.builder = b
        queue.append(top)
    # iterative breadth-first expansion of module instances
    i = 0
    while i < len(queue):
        inst = queue[i]
        i += 1
        try:
            queue.extend(b.emit_instance(inst))
        except RecursionError:
            first = inst.mdef.files[0] if inst.mdef.files else inst.mdef.dir
            b.warn((first, 0), "expressions too deeply nested to evaluate in this module")
    plans = [pf for pf in files if pf.kind == "terraform_plan" and pf.data is not None]
    b.flush()
    if plans:
        from infra_review.loaders.terraform.plan import build_plans

        b.diags.extend(build_plans(plans, rg))
    tf = rg.repo.setdefault("terraform", {})
    tf["roots"] = [d or "." for d in roots]
    tf["root_prefixes"] = multi
    applied = [p for d in roots for p, _ in b.mods[d].tfvars]
    # other *.tfvars need -var-file: listed so a reviewer knows which values were not used
    tf["var_files"] = {"applied": applied, "not_applied": sorted(set(b.all_var_files) - set(applied))}
    return b.diags


def iter_blocks(pf: ParsedFile) -> Iterator[dict[str, Any]]:
    """The top-level blocks of a parsed Terraform file (helper for tools and tests)."""
    if isinstance(pf.data, dict):
        yield from pf.data.get("blocks", ())
