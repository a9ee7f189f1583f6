"""Terraform plan JSON (``terraform show -json plan.out``) into the resource graph.

Only the documented, stable parts of the format (``format_version`` 1.x) are read:

* ``planned_values.root_module`` (and nested ``child_modules``): each resource instance becomes
  a :class:`~infra_review.model.Resource` with ``format="plan"``, the instance ``address`` as
  Terraform prints it (``module.vpc.aws_subnet.public[0]``), ``kind`` = ``type``, ``block``
  ``resource`` (mode ``managed``) or ``data``, and ``attrs`` = ``values``.  Attributes that
  ``resource_changes[].change.after_unknown`` marks as unknown become ``Unresolved`` ("known
  after apply") with a ref to the resource itself.  ``meta`` carries ``name``,
  ``base_address``, ``count.index``/``each.key`` (from ``index``), ``actions`` (``["create"]``…)
  and ``plan_file``.
* Module calls seen in ``child_modules`` become ``module`` nodes (``module.vpc``) with
  ``module`` edges to their resources.
* ``configuration`` gives references: every ``references`` list found in a configured
  resource's ``expressions`` (at any depth, nested blocks included), ``count_expression``,
  ``for_each_expression`` and ``depends_on`` become ``ref``/``depends_on`` edges from each
  planned instance of that resource to the referenced resource instances.
* ``planned_values.outputs`` gives ``output.<name>`` nodes (``value`` when the plan knows it).
* ``configuration.provider_config`` gives ``provider.<key>`` nodes (``expressions``' constant
  values as attrs) and ``Resource.provider``.

When a plan address already exists (the same repository also holds the ``.tf`` files), the plan
node replaces it — plan values are known values — but keeps the configuration's file/line.

>>> from infra_review.loaders.base import ParsedFile
>>> pf = ParsedFile("plan.json", "terraform_plan")
>>> parse_plan(pf, '{"format_version": "1.2", "planned_values": {"root_module": {"resources": ['
...                '{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",'
...                ' "values": {"bucket": "logs"}}]}}}')
>>> rg = ResourceGraph()
>>> build_plans([pf], rg)
[]
>>> rg["aws_s3_bucket.b"].attrs["bucket"], rg["aws_s3_bucket.b"].format
('logs', 'plan')
"""

from __future__ import annotations

import json
import re
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.loaders.base import ParsedFile, json_object
from infra_review.model import Diagnostic, DiagnosticCode, FileStatus, Resource, SourceLocation, Unresolved

__all__ = ["build_plans", "parse_plan"]

_ADDRESS = re.compile(r'"address"\s*:\s*"((?:[^"\\]|\\.)*)"')


def parse_plan(pf: ParsedFile, text: str) -> None:
    """Keep the parts of a plan JSON document the build phase needs (plain data)."""
    doc = json_object(pf, text, "plan JSON is not an object")
    if doc is None:
        return
    version = str(doc.get("format_version", ""))
    if version.split(".", 1)[0] not in ("0", "1"):
        pf.status, pf.data = FileStatus.FAILED, None
        pf.diagnostics.append(
            Diagnostic(
                DiagnosticCode.UNSUPPORTED,
                pf.path,
                1,
                1,
                f"unsupported plan format_version {version[:20]!r} (1.x expected)",
            )
        )
        return
    planned = doc.get("planned_values") or doc.get("values") or {}
    changes: dict[str, Any] = {}
    for rc in doc.get("resource_changes") or ():
        if isinstance(rc, dict) and isinstance(rc.get("address"), str):
            ch = rc.get("change") or {}
            changes[rc["address"]] = {
                "actions": ch.get("actions") or [],
                "after_unknown": ch.get("after_unknown") or {},
            }
    config = doc.get("configuration") or {}
    lines: dict[str, int] = {}
    line_no, last = 1, 0
    for m in _ADDRESS.finditer(text):
        line_no += text.count("\n", last, m.start())
        last = m.start()
        try:
            addr = json.loads(f'"{m.group(1)}"')
        except ValueError:
            continue
        lines.setdefault(addr, line_no)
    pf.data = {
        "plan": {
            "format_version": version,
            "terraform_version": str(doc.get("terraform_version", "")),
            "root_module": planned.get("root_module") or {},
            "outputs": planned.get("outputs") or {},
            "changes": changes,
            "config_root": config.get("root_module") or {},
            "provider_config": config.get("provider_config") or {},
            "lines": lines,
        }
    }


def _index_suffix(index: Any) -> str:
    if index is None:
        return ""
    if isinstance(index, int) and not isinstance(index, bool):
        return f"[{index}]"
    return f"[{json.dumps(index)}]"


def _mark_unknown(values: Any, unknown: Any, expr: str, ref: str, depth: int = 0) -> Any:
    """Overlay ``after_unknown`` onto ``values``: unknown leaves become Unresolved."""
    if unknown is True:
        return Unresolved(expr, (ref,), "known after apply")
    if depth > 64:
        return values
    if isinstance(unknown, dict):
        out = dict(values) if isinstance(values, dict) else {}
        for k, u in unknown.items():
            if u is False or u is None:
                continue
            out[k] = _mark_unknown(out.get(k), u, f"{expr}.{k}", ref, depth + 1)
        return out if out or isinstance(values, dict) else values
    if isinstance(unknown, list) and isinstance(values, list | type(None)):
        vals = list(values or [])
        for i, u in enumerate(unknown):
            if u is False or u is None:
                continue
            while len(vals) <= i:
                vals.append(None)
            vals[i] = _mark_unknown(vals[i], u, f"{expr}[{i}]", ref, depth + 1)
        return vals
    return values


def _references(expressions: Any) -> list[str]:
    """Every string of every ``references`` list under ``expressions`` (iterative)."""
    out: list[str] = []
    stack = [expressions]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            refs = x.get("references")
            if isinstance(refs, list):
                out.extend(r for r in refs if isinstance(r, str))
            stack.extend(v for k, v in x.items() if k != "references")
        elif isinstance(x, list):
            stack.extend(x)
    return out


def _ref_base(ref: str) -> str | None:
    """``aws_subnet.a.id`` → ``aws_subnet.a``; ``data.x.y.z`` → ``data.x.y``; others None."""
    parts = ref.split(".")
    if parts[0] in ("var", "local", "each", "count", "path", "terraform", "self", "module"):
        return None
    if parts[0] == "data":
        return ".".join(parts[:3]) if len(parts) >= 3 else None
    if len(parts) >= 2:
        name = parts[1].split("[", 1)[0]
        return f"{parts[0]}.{name}"
    return None


def build_plans(files: list[ParsedFile], rg: ResourceGraph) -> list[Diagnostic]:
    """Add the resources of every parsed plan file to ``rg``."""
    diags: list[Diagnostic] = []
    for pf in sorted(files, key=lambda f: f.path):
        plan = (pf.data or {}).get("plan")
        if not isinstance(plan, dict):
            continue
        _Plan(pf.path, plan, rg).load()
    return diags


class _Plan:
    def __init__(self, path: str, plan: dict[str, Any], rg: ResourceGraph) -> None:
        self.path = path
        self.plan = plan
        self.rg = rg
        self.by_base: dict[str, list[str]] = {}
        self.config_res: dict[str, dict[str, Any]] = {}  # "module.a.aws_x.y" -> config resource
        self.modules: dict[str, list[str]] = {}
        self._by_cfg: dict[str, list[str]] | None = None
        self.calls: dict[str, tuple[str, dict[str, Any]]] = {}
        self._mods_cfg: dict[str, list[str]] | None = None  # "module.a." -> (parent prefix, call)

    def load(self) -> None:
        self._index_config(self.plan.get("config_root") or {}, "")
        self._providers()
        stack: list[dict[str, Any]] = [self.plan.get("root_module") or {}]
        while stack:
            mod = stack.pop()
            if not isinstance(mod, dict):
                continue
            maddr = str(mod.get("address") or "")
            for r in mod.get("resources") or ():
                if isinstance(r, dict):
                    self._resource(r, maddr)
            stack.extend(c for c in mod.get("child_modules") or () if isinstance(c, dict))
        for maddr, members in self.modules.items():
            if maddr not in self.rg:
                name = maddr.rsplit("module.", 1)[-1]
                parent = maddr.rsplit(".module.", 1)[0] if ".module." in maddr else ""
                self.rg.add(
                    Resource(
                        maddr,
                        "module",
                        "module",
                        {},
                        SourceLocation(self.path, *[int((self.plan.get("lines") or {}).get(maddr, 0))] * 2),
                        parent,
                        "",
                        "plan",
                        {"name": name.split("[", 1)[0]},
                    )
                )
            for m in members:
                self.rg.add_edge(maddr, m, "module")
        self._edges()
        self._outputs()

    def _outputs(self) -> None:
        """Root outputs of ``planned_values.outputs`` (value when known, else Unresolved)."""
        for name, out in (self.plan.get("outputs") or {}).items():
            if not isinstance(out, dict) or not isinstance(name, str):
                continue
            addr = f"output.{name}"
            value = out["value"] if "value" in out else Unresolved(addr, (), "known after apply")
            attrs = {"value": value, "sensitive": bool(out.get("sensitive", False))}
            old = self.rg.get(addr)
            source = old.source if old is not None and old.source is not None else SourceLocation(self.path)
            self.rg.add(
                Resource(
                    addr,
                    "output",
                    "output",
                    attrs,
                    source,
                    "",
                    "",
                    "plan",
                    {"name": name, "plan_file": self.path},
                )
            )

    def _index_config(self, root: dict[str, Any], prefix: str) -> None:
        stack = [(root, prefix)]
        while stack:
            mod, pre = stack.pop()
            if not isinstance(mod, dict):
                continue
            for r in mod.get("resources") or ():
                if isinstance(r, dict) and isinstance(r.get("address"), str):
                    self.config_res[pre + r["address"]] = r
            for name, call in (mod.get("module_calls") or {}).items():
                if isinstance(call, dict):
                    self.calls[f"{pre}module.{name}."] = (pre, call)
                    stack.append((call.get("module") or {}, f"{pre}module.{name}."))

    def _providers(self) -> None:
        for key, pc in (self.plan.get("provider_config") or {}).items():
            if not isinstance(pc, dict) or ":" in key:
                continue
            attrs: dict[str, Any] = {}
            for k, ex in (pc.get("expressions") or {}).items():
                if isinstance(ex, dict) and "constant_value" in ex:
                    attrs[k] = ex["constant_value"]
                elif isinstance(ex, dict) and ex.get("references"):
                    attrs[k] = Unresolved(k, (), "provider expression not in the plan")
                elif isinstance(ex, list):
                    attrs[k] = [
                        {kk: vv.get("constant_value") for kk, vv in b.items() if isinstance(vv, dict)}
                        for b in ex
                        if isinstance(b, dict)
                    ]
            if pc.get("alias"):
                attrs["alias"] = pc["alias"]
            addr = f"provider.{key}"
            if addr not in self.rg:
                self.rg.add(
                    Resource(
                        addr,
                        str(pc.get("name", key.split(".")[0])),
                        "provider",
                        attrs,
                        SourceLocation(self.path),
                        "",
                        key,
                        "plan",
                        {"name": key},
                    )
                )

    def _resource(self, r: dict[str, Any], maddr: str) -> None:
        address = r.get("address")
        rtype, name = r.get("type"), r.get("name")
        if not isinstance(address, str) or not isinstance(rtype, str) or not isinstance(name, str):
            return
        block = "data" if r.get("mode") == "data" else "resource"
        index = r.get("index")
        base = (
            address[: -len(_index_suffix(index))]
            if index is not None and address.endswith(_index_suffix(index))
            else address
        )
        values = r.get("values") if isinstance(r.get("values"), dict) else {}
        change = (self.plan.get("changes") or {}).get(address) or {}
        attrs = _mark_unknown(values, change.get("after_unknown") or {}, address, address)
        cfg_key = _strip_indexes(base)
        cfg = self.config_res.get(cfg_key) or {}
        pkey = str(cfg.get("provider_config_key") or "")
        provider = pkey.rsplit(":", 1)[-1] if pkey else str(r.get("provider_name", "")).rsplit("/", 1)[-1]
        meta: dict[str, Any] = {"name": name, "base_address": base, "plan_file": self.path, "expanded": True}
        if isinstance(index, int) and not isinstance(index, bool):
            meta["count.index"] = index
        elif index is not None:
            meta["each.key"] = index
        if change.get("actions"):
            meta["actions"] = list(change["actions"])
        old = self.rg.get(address)
        line = int((self.plan.get("lines") or {}).get(address, 0))
        source = (
            old.source
            if old is not None and old.source is not None
            else SourceLocation(self.path, line, line)
        )
        if old is not None:
            meta["config_format"] = old.format
        self.rg.add(Resource(address, rtype, block, attrs, source, maddr, provider, "plan", meta))
        self.by_base.setdefault(base, []).append(address)
        if maddr:
            self.modules.setdefault(maddr, []).append(address)

    def _edges(self) -> None:
        for base, instances in self.by_base.items():
            cfg = self.config_res.get(_strip_indexes(base))
            if not cfg:
                continue
            mod_prefix = (
                base[: -len(str(cfg.get("address", "")))]
                if base.endswith(str(cfg.get("address", "")))
                else ""
            )
            mod_prefix = _strip_indexes(mod_prefix)
            for attr, ex in (cfg.get("expressions") or {}).items():
                for ref in _references(ex):
                    self._link(instances, mod_prefix, ref, "ref", attr)
            for meta_arg in ("count_expression", "for_each_expression"):
                for ref in _references(cfg.get(meta_arg) or {}):
                    self._link(instances, mod_prefix, ref, "ref", meta_arg.split("_expression")[0])
            for dep in cfg.get("depends_on") or ():
                if isinstance(dep, str):
                    self._link(instances, mod_prefix, dep, "depends_on", "depends_on")
        for cfg_prefix, (parent, call) in self.calls.items():
            nodes = self.modules_by_cfg().get(cfg_prefix[:-1], [])
            if not nodes:
                continue
            for attr, ex in (call.get("expressions") or {}).items():
                for ref in _references(ex):
                    self._link(nodes, parent, ref, "ref", attr)
            for dep in call.get("depends_on") or ():
                if isinstance(dep, str):
                    self._link(nodes, parent, dep, "depends_on", "depends_on")

    def _link(self, instances: list[str], mod_prefix: str, ref: str, kind: str, attr: str) -> None:
        targets: list[str] = []
        todo = [(mod_prefix, ref)]
        seen: set[tuple[str, str]] = set()
        while todo and len(seen) < 10000:
            pre, r = todo.pop()
            if (pre, r) in seen:
                continue
            seen.add((pre, r))
            parts = r.split(".")
            if parts[0] == "var" and len(parts) >= 2 and pre in self.calls:
                # a module input: follow the caller's expression for it
                parent, call = self.calls[pre]
                ex = (call.get("expressions") or {}).get(parts[1])
                todo.extend((parent, x) for x in _references(ex or {}))
                continue
            if parts[0] == "module" and len(parts) >= 2:
                name = parts[1].split("[", 1)[0]
                targets.extend(self.modules_by_cfg().get(f"{pre}module.{name}", []))
                continue
            tb = _ref_base(r)
            if tb is not None:
                targets.extend(self._instances_of(pre + tb))
        for src in instances:
            for t in targets:
                if t != src:
                    self.rg.add_edge(src, t, kind, attr=attr)

    def modules_by_cfg(self) -> dict[str, list[str]]:
        """Configuration module address (no keys) → module instance nodes of the plan."""
        if self._mods_cfg is None:
            self._mods_cfg = {}
            for maddr in self.modules:
                self._mods_cfg.setdefault(_strip_indexes(maddr), []).append(maddr)
        return self._mods_cfg

    def _instances_of(self, cfg_base: str) -> list[str]:
        if self._by_cfg is None:
            self._by_cfg = {}
            for base, inst in self.by_base.items():
                self._by_cfg.setdefault(_strip_indexes(base), []).extend(inst)
        return self._by_cfg.get(cfg_base, [])


def _strip_indexes(address: str) -> str:
    """``module.a["x"].aws_b.c[0]`` → ``module.a.aws_b.c`` (configuration addresses)."""
    out = []
    depth = 0
    in_str = False
    for ch in address:
        if in_str:
            if ch == '"':
                in_str = False
            continue
        if ch == "[":
            depth += 1
            continue
        if ch == "]":
            depth -= 1
            continue
        if depth:
            if ch == '"':
                in_str = True
            continue
        out.append(ch)
    return "".join(out)
