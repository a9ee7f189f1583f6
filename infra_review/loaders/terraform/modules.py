"""Terraform modules as directories: collecting blocks, overrides, tfvars and finding the roots.

A module is a directory; :func:`collect_modules` files every block of every parsed ``.tf`` /
``.tf.json`` file into the :class:`ModuleDef` of its directory (``override.tf`` files merged
in), and attaches the tfvars files Terraform would apply.  :func:`find_roots` picks the root
modules: directories no other directory calls as a local module (plus, for call cycles, any
directory not reachable from a root).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from typing import Any

from infra_review.loaders.base import ParsedFile

__all__ = [
    "ModuleDef",
    "classify_source",
    "collect_modules",
    "find_roots",
    "is_override",
    "local_target",
    "object_table",
    "static_source",
    "tfvars_rank",
]

_CONFIG_KINDS = ("terraform", "terraform_json", "tfvars", "tfvars_json")


class ModuleDef:
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


def object_table(mdef: ModuleDef, block: str) -> dict[str, dict[str, Any]]:
    """The declarations of ``resource``, ``data`` or ``ephemeral`` blocks of a module."""
    if block == "resource":
        return mdef.resources
    return mdef.ephemeral if block == "ephemeral" else mdef.data


def is_override(path: str) -> bool:
    """Whether ``path`` is an ``override.tf``/``*_override.tf`` (or ``.tf.json``) file."""
    name = posixpath.basename(path)
    return name in ("override.tf", "override.tf.json") or name.endswith(("_override.tf", "_override.tf.json"))


def tfvars_rank(path: str) -> int | None:
    """Precedence of a tfvars file Terraform loads by itself (None: needs ``-var-file``)."""
    name = posixpath.basename(path)
    if name == "terraform.tfvars":
        return 0
    if name == "terraform.tfvars.json":
        return 1
    if name.endswith((".auto.tfvars", ".auto.tfvars.json")):
        return 2
    return None


def collect_modules(
    files: list[ParsedFile], warn: Callable[[tuple[str, int], str], None]
) -> tuple[dict[str, ModuleDef], list[str]]:
    """The module of each directory holding Terraform files, and every tfvars file met."""
    mods: dict[str, ModuleDef] = {}
    all_var_files: list[str] = []
    tfvars: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for pf in sorted(files, key=lambda f: (is_override(f.path), f.path)):
        if pf.data is None or pf.kind not in _CONFIG_KINDS:
            continue
        d = posixpath.dirname(pf.path)
        if pf.kind in ("tfvars", "tfvars_json"):
            tfvars.setdefault(d, []).append((pf.path, pf.data.get("attrs", {})))
            all_var_files.append(pf.path)
            continue
        mdef = mods.get(d)
        if mdef is None:
            mdef = mods[d] = ModuleDef(d)
        mdef.files.append(pf.path)
        override = is_override(pf.path)
        for blk in pf.data.get("blocks", ()):
            if override:
                _override_block(mdef, pf.path, blk, warn)
            else:
                _add_block(mdef, pf.path, blk, warn)
    for d, lst in tfvars.items():
        mdef = mods.get(d)
        if mdef is None:
            continue
        mdef.tfvars = sorted((p, a) for p, a in lst if tfvars_rank(p) is not None)
        mdef.tfvars.sort(key=lambda pa: (tfvars_rank(pa[0]), posixpath.basename(pa[0])))
    return mods, all_var_files


def _override_block(
    mdef: ModuleDef, path: str, blk: dict[str, Any], warn: Callable[[tuple[str, int], str], None]
) -> None:
    """Merge a block of an ``override.tf``/``*_override.tf`` file into the one it overrides."""
    t, labels = blk["type"], blk["labels"]
    target: dict[str, Any] | None = None
    if t in ("resource", "data", "ephemeral") and len(labels) >= 2:
        target = object_table(mdef, t).get(f"{labels[0]}.{labels[1]}")
    elif t in ("variable", "output", "module") and labels:
        target = {"variable": mdef.variables, "output": mdef.outputs, "module": mdef.modules}[t].get(
            labels[0]
        )
    elif t == "locals":
        for name, a in blk["attrs"].items():
            mdef.locals[name] = dict(a, file=path)
        return
    if target is None:
        _add_block(mdef, path, blk, warn)
        return
    target["attrs"] = {**target["attrs"], **blk["attrs"]}
    replaced = {b["type"] for b in blk["blocks"]}
    target["blocks"] = [b for b in target["blocks"] if b["type"] not in replaced] + list(blk["blocks"])
    target.setdefault("overridden_by", []).append(path)


def _add_block(
    mdef: ModuleDef, path: str, blk: dict[str, Any], warn: Callable[[tuple[str, int], str], None]
) -> None:
    t, labels = blk["type"], blk["labels"]
    blk = dict(blk, file=path)
    loc = (path, blk["line"])
    if t in ("resource", "data", "ephemeral") and len(labels) >= 2:
        key = f"{labels[0]}.{labels[1]}"
        table = object_table(mdef, t)
        if key in table:
            warn(loc, f"duplicate {t} {key[:80]} (first one kept)")
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
            warn(loc, f"duplicate module call {labels[0][:80]}")
            return
        mdef.modules[labels[0]] = blk
    elif t == "locals":
        for name, a in blk["attrs"].items():
            if name in mdef.locals:
                warn((path, a["line"]), f"duplicate local {name[:80]}")
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


# -- module sources and roots --------------------------------------------------------------------
def classify_source(source: str) -> str:
    """``local``, ``remote`` or ``absolute``.

    >>> classify_source("../vpc"), classify_source("hashicorp/vpc/aws"), classify_source("/opt/m")
    ('local', 'remote', 'absolute')
    """
    if source.startswith(("./", "../")) or source in (".", ".."):
        return "local"
    if source.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", source):
        return "absolute"
    return "remote"


def local_target(caller_dir: str, source: str) -> str | None:
    """The module directory a local source points at, if it stays inside the root.

    >>> local_target("envs/prod", "../../modules/vpc"), local_target("", "../x")
    ('modules/vpc', None)
    """
    joined = (
        posixpath.normpath(posixpath.join(caller_dir, source)) if caller_dir else posixpath.normpath(source)
    )
    if joined == ".":
        joined = ""
    if joined == ".." or joined.startswith("../") or posixpath.isabs(joined):
        return None
    return joined


def static_source(blk: dict[str, Any]) -> str | None:
    """A module call's ``source`` when it is a literal string."""
    a = blk["attrs"].get("source")
    if a is None:
        return None
    n = a["expr"]
    return n[1] if n[0] == "lit" and isinstance(n[1], str) else None


def find_roots(mods: dict[str, ModuleDef]) -> list[str]:
    """The root module directories: never called locally, plus one per uncalled call cycle."""
    called: dict[str, set[str]] = {d: set() for d in mods}
    for d, mdef in mods.items():
        for blk in mdef.modules.values():
            src = static_source(blk)
            if src is not None and classify_source(src) == "local":
                tgt = local_target(d, src)
                if tgt is not None and tgt in mods and tgt != d:
                    called[d].add(tgt)
    callees = {t for ts in called.values() for t in ts}
    roots = sorted(d for d in mods if d not in callees)
    reach: set[str] = set()
    stack = list(roots)
    while stack:
        d = stack.pop()
        if d in reach:
            continue
        reach.add(d)
        stack.extend(called.get(d, ()))
    for d in sorted(mods):
        if d not in reach:  # a cycle of calls with no outside caller
            roots.append(d)
            stack = [d]
            while stack:
                x = stack.pop()
                if x not in reach:
                    reach.add(x)
                    stack.extend(called.get(x, ()))
    return roots
