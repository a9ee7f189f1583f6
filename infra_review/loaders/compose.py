"""Docker Compose files (``docker-compose*.yml``, ``compose*.yaml``) into the resource graph.

One node per service at ``compose:<file>/<service>`` (kind ``compose:service``, block
``compose``), plus one per top-level network (``compose:<file>/network:<name>``, kind
``compose:network``) and secret (``compose:<file>/secret:<name>``, kind ``compose:secret``),
with ``ref`` edges from services to the networks and secrets they use.  Service ``attrs`` keep
the Compose structure with these normalisations: ``environment`` is always a mapping,
``ports`` a list of ``{target, published, host_ip, protocol}``, ``build`` a mapping
``{context, dockerfile, ...}`` plus ``build_dockerfile_path`` (the Dockerfile path relative to
the reviewed root, when it stays inside it), ``env_file`` a list of paths (recorded, never read),
``networks`` a list of names, ``secrets`` a list of names.  Top-level secret ``file`` paths are
recorded as written; nothing is read.

>>> pf = parse_file("docker-compose.yml", "services:\\n  api:\\n    build: ./api\\n"
...                 "    ports: ['8080:80']\\n    environment: [A=1]\\n", "compose")
>>> svc = pf.data["services"][0]
>>> svc["name"], svc["attrs"]["environment"], svc["attrs"]["ports"][0]["published"]
('api', {'A': '1'}, '8080')
>>> svc["attrs"]["build_dockerfile_path"]
'api/Dockerfile'
"""

from __future__ import annotations

import posixpath
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.loaders.base import ParsedFile
from infra_review.loaders.safety.yaml_safe import load_documents
from infra_review.model import Diagnostic, DiagnosticCode, FileStatus, Resource, SourceLocation

__all__ = ["build", "normalise_ports", "parse_file", "resolve_in_root"]


def resolve_in_root(base_dir: str, rel: str) -> str | None:
    """Join ``rel`` onto ``base_dir`` (both relative to the root); ``None`` if it leaves the root.

    >>> resolve_in_root("deploy", "../api"), resolve_in_root("", "../../etc"), resolve_in_root("", "/abs")
    ('api', None, None)
    """
    if not isinstance(rel, str) or rel.startswith(("/", "\\", "git@")) or "://" in rel:
        return None
    joined = posixpath.normpath(posixpath.join(base_dir or ".", rel))
    if joined == ".":
        return ""
    if joined.startswith("../") or joined == "..":
        return None
    return joined


def normalise_ports(ports: Any) -> list[dict[str, Any]]:
    """Short (``"127.0.0.1:8080:80/tcp"``) and long port syntax to one shape.

    >>> normalise_ports(["127.0.0.1:8080:80/udp", 9000, {"target": 443, "published": "8443"}])[0]
    {'target': '80', 'published': '8080', 'host_ip': '127.0.0.1', 'protocol': 'udp'}
    """
    out: list[dict[str, Any]] = []
    if not isinstance(ports, list):
        return out
    for p in ports:
        if isinstance(p, dict):
            out.append(
                {
                    "target": str(p.get("target", "")),
                    "published": None if p.get("published") is None else str(p.get("published")),
                    "host_ip": p.get("host_ip"),
                    "protocol": p.get("protocol", "tcp"),
                }
            )
            continue
        s = str(p)
        proto = "tcp"
        if "/" in s:
            s, proto = s.rsplit("/", 1)
        host_ip = None
        if s.startswith("["):  # [::1]:8080:80
            end = s.find("]")
            host_ip, s = s[1:end], s[end + 2 :]
        parts = s.split(":")
        if len(parts) == 3:
            host_ip, published, target = parts
        elif len(parts) == 2:
            published, target = parts
        else:
            published, target = None, parts[0]
        out.append({"target": target, "published": published, "host_ip": host_ip or None, "protocol": proto})
    return out


def _env_map(env: Any) -> dict[str, Any]:
    if isinstance(env, dict):
        return {str(k): v for k, v in env.items()}
    out: dict[str, Any] = {}
    if isinstance(env, list):
        for item in env:
            s = str(item)
            k, sep, v = s.partition("=")
            out[k] = v if sep else None
    return out


def _names(val: Any) -> list[str]:
    if isinstance(val, dict):
        return [str(k) for k in val]
    if isinstance(val, list):
        out = []
        for v in val:
            if isinstance(v, dict) and "source" in v:
                out.append(str(v["source"]))
            elif isinstance(v, (str, int)):
                out.append(str(v))
        return out
    return []


def _service(name: str, svc: dict[str, Any], base_dir: str, lines: dict[str, int]) -> dict[str, Any]:
    attrs = dict(svc)
    attrs["environment"] = _env_map(svc.get("environment"))
    attrs["ports"] = normalise_ports(svc.get("ports"))
    env_file = svc.get("env_file")
    if isinstance(env_file, (str, dict)):
        env_file = [env_file]
    attrs["env_file"] = [e.get("path") if isinstance(e, dict) else e for e in env_file or []]
    b = svc.get("build")
    if isinstance(b, str):
        b = {"context": b}
    if isinstance(b, dict):
        b = dict(b)
        b.setdefault("context", ".")
        if "dockerfile_inline" not in b:
            b.setdefault("dockerfile", "Dockerfile")
        attrs["build"] = b
        ctx = resolve_in_root(base_dir, str(b["context"]))
        attrs["build_context_path"] = ctx
        df = b.get("dockerfile")
        attrs["build_dockerfile_path"] = (
            resolve_in_root(ctx, str(df))
            if ctx is not None and isinstance(df, str) and "dockerfile_inline" not in b
            else None
        )
    attrs["networks"] = _names(svc.get("networks"))
    attrs["secrets"] = _names(svc.get("secrets"))
    prefix = f"services.{name}"
    rel = {p[len(prefix) + 1 :]: ln for p, ln in lines.items() if p.startswith(prefix + ".")}
    return {
        "name": name,
        "attrs": attrs,
        "line": lines.get(prefix, 0),
        "lines": rel,
    }


def parse_file(rel_path: str, text: str, kind: str = "compose") -> ParsedFile:
    """Parse one Compose file; never raises."""
    pf = ParsedFile(rel_path, kind)
    base_dir = posixpath.dirname(rel_path)
    try:
        docs, diags = load_documents(text, rel_path)
        pf.diagnostics.extend(diags)
        services: list[dict[str, Any]] = []
        top: dict[str, Any] = {"networks": {}, "secrets": {}, "volumes": {}, "configs": {}}
        for doc in docs[:1]:
            val = doc.value if isinstance(doc.value, dict) else {}
            svcs = val.get("services")
            if svcs is None and val and "version" not in val:
                svcs = {
                    k: v for k, v in val.items() if isinstance(v, dict) and ("image" in v or "build" in v)
                }
            if isinstance(svcs, dict):
                for name, svc in svcs.items():
                    if isinstance(svc, dict):
                        services.append(_service(str(name), svc, base_dir, doc.lines))
            for key in top:
                section = val.get(key)
                if isinstance(section, dict):
                    for n, spec in section.items():
                        top[key][str(n)] = {
                            "spec": spec if isinstance(spec, dict) else {},
                            "line": doc.lines.get(f"{key}.{n}", 0),
                        }
            pf.data = {"services": services, "top": top, "name": val.get("name"), "line": doc.line}
        if pf.data is None:
            pf.data = {"services": [], "top": top, "name": None, "line": 1}
    except Exception as exc:  # worker contract
        pf.diagnostics.append(Diagnostic(DiagnosticCode.PARSE_ERROR, rel_path, 0, 0, type(exc).__name__))
        pf.data = {"services": [], "top": {}, "name": None, "line": 1}
    codes = {d.code for d in pf.diagnostics}
    if not pf.data["services"] and codes & {
        DiagnosticCode.PARSE_ERROR,
        DiagnosticCode.ALIAS_LIMIT,
        DiagnosticCode.DEPTH_LIMIT,
        DiagnosticCode.UNSUPPORTED,
    }:
        pf.status = FileStatus.FAILED
    elif DiagnosticCode.PARTIAL in codes:
        pf.status = FileStatus.PARTIAL
    return pf


def build(files: list[ParsedFile], rg: ResourceGraph) -> list[Diagnostic]:
    """Add services, top-level networks and secrets, and their ``ref`` edges."""
    for pf in sorted(files, key=lambda f: f.path):
        data = pf.data or {}
        top = data.get("top") or {}
        for section, kind in (("networks", "network"), ("secrets", "secret")):
            for n, spec in (top.get(section) or {}).items():
                attrs = dict(spec["spec"])
                rg.add(
                    Resource(
                        address=f"compose:{pf.path}/{kind}:{n}",
                        kind=f"compose:{kind}",
                        block="compose",
                        attrs=attrs,
                        source=SourceLocation(pf.path, spec["line"], spec["line"]),
                        format="compose",
                        meta={"name": n, "compose_file": pf.path},
                    )
                )
        for svc in data.get("services", []):
            addr = f"compose:{pf.path}/{svc['name']}"
            lines = svc["lines"]
            end = max([svc["line"], *lines.values()]) if lines else svc["line"]
            rg.add(
                Resource(
                    address=addr,
                    kind="compose:service",
                    block="compose",
                    attrs=svc["attrs"],
                    source=SourceLocation(pf.path, svc["line"], end),
                    format="compose",
                    meta={
                        "name": svc["name"],
                        "compose_file": pf.path,
                        "project": data.get("name"),
                        "lines": lines,
                        "top_volumes": sorted((top.get("volumes") or {}).keys()),
                    },
                )
            )
        for svc in data.get("services", []):
            addr = f"compose:{pf.path}/{svc['name']}"
            for net in svc["attrs"]["networks"]:
                target = f"compose:{pf.path}/network:{net}"
                if target in rg:
                    rg.add_edge(addr, target, "ref", attr="networks")
            for sec in svc["attrs"]["secrets"]:
                target = f"compose:{pf.path}/secret:{sec}"
                if target in rg:
                    rg.add_edge(addr, target, "ref", attr="secrets")
            for dep in _names(svc["attrs"].get("depends_on")):
                target = f"compose:{pf.path}/{dep}"
                if target in rg:
                    rg.add_edge(addr, target, "depends_on")
    return []
