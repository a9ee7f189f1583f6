"""Kubernetes manifests (and Helm ``values.yaml`` evidence) into the resource graph.

Parse phase (:func:`parse_file`, in a worker): multi-document YAML/JSON through
:mod:`infra_review.loaders.safety.yaml_safe`; every document with ``apiVersion`` and ``kind`` becomes
one object record (``List`` kinds are unpacked), with its line, its containers' lines and a
path → line map.  Secret ``data``/``stringData`` values are replaced by :data:`REDACTED` before
anything leaves the worker.

Build phase (:func:`build`): one :class:`~infra_review.model.Resource` per object at
``k8s:<group-or-core>/<Kind>/<namespace>/<name>`` (cluster-scoped objects use namespace
``_cluster``; a missing namespace is ``default``).  ``attrs`` are the object's top-level fields
as plain dicts (``metadata``, ``spec``, ``data`` …); ``meta`` holds ``name``, ``namespace``,
``api_version``, ``group``, ``k8s_kind``, ``containers`` (``[{name, line, image, init, path}]``),
``pod_spec_path``, ``lines`` (attribute path → line, relative to the object) and
``duplicate_keys``.  The same object defined twice (Kustomize bases and overlays) keeps the first
address; later copies get ``@<file>`` appended and ``meta["duplicate_of"]``.

>>> pf = parse_file("k/app.yaml", "apiVersion: apps/v1\\nkind: Deployment\\nmetadata: {name: api}\\n"
...                 "spec:\\n  template:\\n    spec:\\n      containers:\\n      - name: app\\n"
...                 "        image: nginx:1.27\\n", "kubernetes")
>>> obj = pf.data["objects"][0]
>>> obj["address"], obj["containers"][0]["line"]
('k8s:apps/Deployment/default/api', 8)
"""

from __future__ import annotations

import base64
import json
import posixpath
from collections.abc import Iterator
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.loaders.base import ParsedFile
from infra_review.loaders.safety.yaml_safe import YamlDoc, load_documents, path_join
from infra_review.model import Diagnostic, DiagnosticCode, FileStatus, Resource, SourceLocation
from infra_review.model.kinds import WORKLOAD_KINDS

__all__ = [
    "CLUSTER_SCOPED",
    "REDACTED",
    "TEMPLATED",
    "WORKLOAD_KINDS",
    "address_for",
    "build",
    "parse_file",
    "pod_spec_path",
]

REDACTED = "<redacted>"
#: Marker for a Secret value that is a template placeholder (``${DB_PASSWORD}``, ``{{ .pw }}``).
TEMPLATED = "<templated>"


CLUSTER_SCOPED = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "StorageClass",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "PodSecurityPolicy",
        "PriorityClass",
        "RuntimeClass",
        "IngressClass",
        "APIService",
        "CSIDriver",
        "CSINode",
        "VolumeAttachment",
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "ClusterIssuer",
        "ClusterSecretStore",
        "VolumeSnapshotClass",
        "ClusterPolicy",
        "GlobalNetworkPolicy",
        "CiliumClusterwideNetworkPolicy",
        "ClusterServingRuntime",
    }
)

_SECRET_KINDS = frozenset({"Secret"})


def address_for(api_version: str, kind: str, namespace: str, name: str) -> str:
    """Graph address of an object.

    >>> address_for("v1", "Service", "shop", "web")
    'k8s:core/Service/shop/web'
    >>> address_for("rbac.authorization.k8s.io/v1", "ClusterRole", "", "admin")
    'k8s:rbac.authorization.k8s.io/ClusterRole/_cluster/admin'
    """
    group = api_version.rsplit("/", 1)[0] if "/" in api_version else "core"
    ns = "_cluster" if kind in CLUSTER_SCOPED else (namespace or "default")
    return f"k8s:{group}/{kind}/{ns}/{name}"


def pod_spec_path(kind: str) -> str | None:
    """Path of the pod spec inside an object of ``kind`` (``None`` when it runs no pods).

    >>> pod_spec_path("CronJob"), pod_spec_path("Service")
    ('spec.jobTemplate.spec.template.spec', None)
    """
    return WORKLOAD_KINDS.get(kind)


def _get_path(obj: Any, path: str) -> Any:
    cur = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def _rel_lines(lines: dict[str, int], prefix: str) -> dict[str, int]:
    if not prefix:
        return dict(lines)
    out: dict[str, int] = {}
    plen = len(prefix)
    for p, ln in lines.items():
        if p == prefix:
            out[""] = ln
        elif p.startswith(prefix) and p[plen] in ".[":
            rest = p[plen:]
            out[rest[1:] if rest.startswith(".") else rest] = ln
    return out


def _secret_marker(value: Any, encoded: bool) -> Any:
    """:data:`REDACTED`, or :data:`TEMPLATED` for a value that is a placeholder to be filled in."""
    if value in (None, ""):
        return value
    text = str(value)
    if encoded:
        try:
            text = base64.b64decode(text, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return REDACTED
    if any(t in text for t in ("${", "{{", "$(")) or not text.strip():
        return TEMPLATED
    return REDACTED


def _redact_secret(obj: dict[str, Any]) -> dict[str, Any]:
    out = dict(obj)
    for key in ("data", "stringData"):
        val = out.get(key)
        if isinstance(val, dict):
            out[key] = {str(k): _secret_marker(v, key == "data") for k, v in val.items()}
        elif val is not None:
            out[key] = REDACTED
    return out


def _objects(doc: YamlDoc) -> Iterator[tuple[dict[str, Any], str]]:
    """Objects of a document with their path prefix (``items[3]`` inside a List)."""
    value = doc.value
    if not isinstance(value, dict):
        return
    kind = value.get("kind")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(value.get("items"), list):
        for i, item in enumerate(value["items"]):
            if isinstance(item, dict) and item.get("kind"):
                yield item, f"items[{i}]"
        return
    yield value, ""


def _containers(obj: dict[str, Any], spec_path: str, lines: dict[str, int]) -> list[dict[str, Any]]:
    spec = _get_path(obj, spec_path)
    out: list[dict[str, Any]] = []
    if not isinstance(spec, dict):
        return out
    for field_name, init in (("initContainers", True), ("containers", False), ("ephemeralContainers", True)):
        items = spec.get(field_name)
        if not isinstance(items, list):
            continue
        for i, c in enumerate(items):
            if not isinstance(c, dict):
                continue
            path = f"{spec_path}.{field_name}[{i}]"
            out.append(
                {
                    "name": str(c.get("name", f"{field_name}[{i}]")),
                    "line": lines.get(path, 0),
                    "image": c.get("image") if isinstance(c.get("image"), str) else None,
                    "init": init,
                    "path": path,
                }
            )
    return out


def _object_record(
    obj: dict[str, Any], prefix: str, doc: YamlDoc, rel_path: str
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    lines = _rel_lines(doc.lines, prefix)
    line = doc.lines.get(prefix, doc.line)
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return None, [
            Diagnostic(
                DiagnosticCode.UNSUPPORTED, rel_path, line, 0, "document without apiVersion/kind ignored"
            )
        ]
    md = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name = md.get("name")
    if not isinstance(name, str) or not name:
        gen = md.get("generateName")
        if isinstance(gen, str) and gen:
            name = f"{gen}*"
        elif kind == "Kustomization":  # kustomization.yaml files carry no name: use their directory
            name = rel_path.rsplit("/", 1)[0].replace("/", ".") if "/" in rel_path else "."
        else:
            name = f"unnamed-{doc.index}{prefix}"
    ns = md.get("namespace")
    namespace = ns if isinstance(ns, str) and ns else "default"
    if kind in CLUSTER_SCOPED:
        namespace = "_cluster"
    attrs = _redact_secret(obj) if kind in _SECRET_KINDS else dict(obj)
    spec_path = pod_spec_path(kind)
    dups = {
        (p[len(prefix) + 1 :] if prefix and p.startswith(prefix + ".") else p): v
        for p, v in doc.duplicates.items()
        if not prefix or p.startswith(prefix + ".")
    }
    if kind in _SECRET_KINDS:
        dups = {p: [REDACTED] * len(v) for p, v in dups.items()}
    end_line = doc.end_line if not prefix else max(line, max(lines.values(), default=line))
    record = {
        "address": address_for(api_version, kind, namespace, name),
        "api_version": api_version,
        "kind": kind,
        "name": name,
        "namespace": namespace,
        "line": line,
        "end_line": end_line,
        "doc_index": doc.index,
        "attrs": attrs,
        "containers": _containers(obj, spec_path, lines) if spec_path else [],
        "pod_spec_path": spec_path,
        "lines": lines,
        "duplicate_keys": dups,
    }
    return record, []


def _helm_values(doc: YamlDoc, rel_path: str) -> dict[str, Any]:
    """Evidence from a chart's ``values.yaml``: images, replicas, resources, probes, security."""
    values = doc.value if isinstance(doc.value, dict) else {}
    images: list[dict[str, Any]] = []
    interesting: dict[str, Any] = {}
    keys = {
        "replicaCount",
        "replicas",
        "resources",
        "autoscaling",
        "securityContext",
        "podSecurityContext",
        "livenessProbe",
        "readinessProbe",
        "startupProbe",
        "podDisruptionBudget",
        "networkPolicy",
        "serviceAccount",
        "service",
        "ingress",
    }
    stack: list[tuple[str, Any, int]] = [("", values, 0)]
    while stack:
        path, val, depth = stack.pop()
        if not isinstance(val, dict) or depth > 6:
            continue
        for k, v in val.items():
            p = path_join(path, str(k))
            if k == "image":
                if isinstance(v, str):
                    images.append({"path": p, "image": v, "line": doc.lines.get(p, 0)})
                elif isinstance(v, dict) and isinstance(v.get("repository"), str):
                    tag = v.get("tag")
                    images.append(
                        {
                            "path": p,
                            "registry": v.get("registry") if isinstance(v.get("registry"), str) else "",
                            "repository": v["repository"],
                            "tag": tag if isinstance(tag, (str, int, float)) and tag != "" else None,
                            "digest": v.get("digest") if isinstance(v.get("digest"), str) else None,
                            "line": doc.lines.get(p, 0),
                        }
                    )
            elif k in keys and p not in interesting:
                interesting[p] = v if not isinstance(v, str) or len(v) < 200 else v[:200]
            if isinstance(v, dict):
                stack.append((p, v, depth + 1))
    return {"images": images, "settings": interesting, "line": doc.line, "end_line": doc.end_line}


def parse_file(rel_path: str, text: str, kind: str = "kubernetes") -> ParsedFile:
    """Parse one manifest file (or a Helm ``values.yaml`` when ``kind == "helm_values"``)."""
    pf = ParsedFile(rel_path, kind)
    try:
        docs, diags = load_documents(text, rel_path)
        pf.diagnostics.extend(diags)
        if kind == "helm_values":
            pf.data = {"helm": [_helm_values(d, rel_path) for d in docs[:1]]}
        else:
            objects: list[dict[str, Any]] = []
            for doc in docs:
                if doc.value is None:
                    continue
                for obj, prefix in _objects(doc):
                    rec, d = _object_record(obj, prefix, doc, rel_path)
                    pf.diagnostics.extend(d)
                    if rec is not None:
                        objects.append(rec)
            if (
                not docs
                and rel_path.endswith(".json")
                and not any(d.code in (DiagnosticCode.ALIAS_LIMIT, DiagnosticCode.DEPTH_LIMIT) for d in diags)
            ):
                objects.extend(_json_fallback(rel_path, text, pf))
            pf.data = {"objects": objects}
    except Exception as exc:  # the parse phase never raises (worker contract)
        pf.diagnostics.append(Diagnostic(DiagnosticCode.PARSE_ERROR, rel_path, 0, 0, f"{type(exc).__name__}"))
        pf.data = {"objects": []}
    codes = {d.code for d in pf.diagnostics}
    load_failed = any(
        d.code
        in (
            DiagnosticCode.PARSE_ERROR,
            DiagnosticCode.ALIAS_LIMIT,
            DiagnosticCode.DEPTH_LIMIT,
            DiagnosticCode.RESOURCE_LIMIT,
        )
        or (d.code == DiagnosticCode.UNSUPPORTED and "tag" in d.message)
        for d in pf.diagnostics
    )
    has_data = bool(pf.data.get("objects") or pf.data.get("helm"))
    if DiagnosticCode.PARTIAL in codes:
        pf.status = FileStatus.PARTIAL
    elif load_failed and not has_data:
        pf.status = FileStatus.FAILED
    return pf


def _json_fallback(rel_path: str, text: str, pf: ParsedFile) -> list[dict[str, Any]]:
    """Plain JSON (e.g. tabs the YAML scanner refuses): objects without per-attribute lines."""
    try:
        value = json.loads(text.lstrip("\ufeff"))
    except (ValueError, RecursionError):
        return []
    pf.diagnostics[:] = [d for d in pf.diagnostics if d.code != DiagnosticCode.PARSE_ERROR]
    doc = YamlDoc(value, 1, text.count("\n") + 1, 0, {"": 1})
    out = []
    for obj, prefix in _objects(doc):
        rec, d = _object_record(obj, prefix, doc, rel_path)
        pf.diagnostics.extend(d)
        if rec is not None:
            out.append(rec)
    return out


def _kustomize_patch_files(files: list[ParsedFile]) -> dict[str, str]:
    """Files named as patches by a Kustomization in the repository → that kustomization's path."""
    out: dict[str, str] = {}
    for pf in files:
        for obj in (pf.data or {}).get("objects", []):
            if obj["kind"] != "Kustomization" or not obj["api_version"].startswith("kustomize.config.k8s.io"):
                continue
            base = posixpath.dirname(pf.path)
            attrs = obj["attrs"]
            paths: list[Any] = list(attrs.get("patchesStrategicMerge") or [])
            for key in ("patches", "patchesJson6902"):
                for p in attrs.get(key) or []:
                    if isinstance(p, dict):
                        paths.append(p.get("path"))
            for p in paths:
                if isinstance(p, str) and p and not p.startswith("/") and "\n" not in p:
                    joined = posixpath.normpath(posixpath.join(base or ".", p))
                    if not joined.startswith(".."):
                        out[joined] = pf.path
    return out


def _kustomize_namespaces(files: list[ParsedFile], patch_files: dict[str, str]) -> dict[str, tuple[str, str]]:
    """File → ``(namespace, kustomization path)`` when exactly one Kustomization with ``namespace``
    includes it (directly, through nested kustomization directories, or as a patch).

    A base shared by overlays with different namespaces stays as written (ambiguous).
    """
    kusts: dict[str, tuple[str, dict[str, Any]]] = {}
    paths = {pf.path for pf in files}
    for pf in files:
        for obj in (pf.data or {}).get("objects", []):
            if obj["kind"] == "Kustomization" and obj["api_version"].startswith("kustomize.config.k8s.io"):
                kusts[posixpath.dirname(pf.path)] = (pf.path, obj["attrs"])

    def included(directory: str, seen: frozenset[str]) -> set[str]:
        out: set[str] = set()
        _, attrs = kusts[directory]
        for entry in list(attrs.get("resources") or []) + list(attrs.get("bases") or []):
            if not isinstance(entry, str) or "://" in entry or entry.startswith("/"):
                continue
            joined = posixpath.normpath(posixpath.join(directory or ".", entry))
            if joined.startswith(".."):
                continue
            if joined in paths:
                out.add(joined)
            elif joined in kusts and joined not in seen:
                out |= included(joined, seen | {joined})
        return out

    found: dict[str, set[tuple[str, str]]] = {}
    for directory, (kpath, attrs) in kusts.items():
        ns = attrs.get("namespace")
        if not isinstance(ns, str) or not ns:
            continue
        members = included(directory, frozenset({directory}))
        members |= {f for f, k in patch_files.items() if k == kpath}
        for f in members:
            found.setdefault(f, set()).add((ns, kpath))
    return {f: next(iter(v)) for f, v in found.items() if len({ns for ns, _ in v}) == 1}


def k8s_get(obj: Any, *keys: str) -> Any:
    """``obj[k1][k2]…`` through dicts, ``None`` when a step is missing."""
    for k in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(k)
    return obj


def _is_partial_workload(obj: dict[str, Any]) -> bool:
    """A workload whose pod template names no container image (a patch, not a full object)."""
    return bool(obj["pod_spec_path"]) and not any(c.get("image") for c in obj["containers"])


def build(files: list[ParsedFile], rg: ResourceGraph) -> list[Diagnostic]:
    """Add every object (and Helm values evidence) of ``files`` to ``rg``.

    Kustomize patches are kept as kind ``k8s:Patch`` (``meta["patch_of"]`` = the patched kind,
    ``meta["patch_target"]`` = the address of the object they patch when it is in the
    repository), so that rules do not judge a partial object as if it were complete.  A file is
    a patch when a ``Kustomization`` lists it under ``patches``/``patchesStrategicMerge``/
    ``patchesJson6902``, or when an object repeats the address of an earlier one and its pod
    template names no image.

    A Kustomization's ``namespace`` is applied to the objects without ``metadata.namespace`` of
    the files it includes (``resources``/``bases``, nested kustomization directories, patches)
    when exactly one namespace results; ``meta["namespace_from"]`` names the kustomization.
    """
    diags: list[Diagnostic] = []
    patch_files = _kustomize_patch_files(files)
    kust_ns = _kustomize_namespaces(files, patch_files)
    for pf in sorted(files, key=lambda f: f.path):
        data = pf.data or {}
        for obj in data.get("objects", []):
            address = obj["address"]
            namespace = obj["namespace"]
            explicit = isinstance(k8s_get(obj["attrs"], "metadata", "namespace"), str)
            if pf.path in kust_ns and namespace != "_cluster" and not explicit:
                namespace = kust_ns[pf.path][0]
                address = address_for(obj["api_version"], obj["kind"], namespace, obj["name"])
            meta: dict[str, Any] = {
                "name": obj["name"],
                "namespace": namespace,
                "api_version": obj["api_version"],
                "group": obj["api_version"].rsplit("/", 1)[0] if "/" in obj["api_version"] else "core",
                "k8s_kind": obj["kind"],
                "containers": obj["containers"],
                "pod_spec_path": obj["pod_spec_path"],
                "lines": obj["lines"],
                "duplicate_keys": obj["duplicate_keys"],
                "doc_index": obj["doc_index"],
            }
            if namespace != obj["namespace"]:
                meta["namespace_from"] = kust_ns[pf.path][1]
            kind = f"k8s:{obj['kind']}"
            is_patch = pf.path in patch_files or (address in rg and _is_partial_workload(obj))
            if is_patch:
                kind = "k8s:Patch"
                meta["patch_of"] = obj["kind"]
                if pf.path in patch_files:
                    meta["kustomization"] = patch_files[pf.path]
                meta["patch_target"] = address
                address = f"{address}@{pf.path}"
            elif address in rg:
                first = rg[address]
                meta["duplicate_of"] = address
                address = f"{address}@{pf.path}"
                diags.append(
                    Diagnostic(
                        DiagnosticCode.EVAL_WARNING,
                        pf.path,
                        obj["line"],
                        0,
                        f"{obj['kind']} {obj['name']} also defined in {first.file}; kept as a second object",
                    )
                )
            rg.add(
                Resource(
                    address=address,
                    kind=kind,
                    block="k8s",
                    attrs=obj["attrs"],
                    source=SourceLocation(pf.path, obj["line"], obj["end_line"]),
                    provider="kubernetes",
                    format="kubernetes",
                    meta=meta,
                )
            )
        for helm in data.get("helm", []):
            chart_dir = pf.path.rsplit("/", 1)[0] if "/" in pf.path else "."
            rg.add(
                Resource(
                    address=f"helm:{pf.path}",
                    kind="helm:values",
                    block="k8s",
                    attrs={"images": helm["images"], "settings": helm["settings"]},
                    source=SourceLocation(pf.path, helm["line"], helm["end_line"]),
                    provider="kubernetes",
                    format="kubernetes",
                    meta={"name": chart_dir.rsplit("/", 1)[-1], "chart_dir": chart_dir},
                )
            )
    for r in list(rg.resources("k8s:Patch")):
        target = r.meta.get("patch_target")
        if target and target in rg:
            rg.add_edge(r.address, target, "ref", attr="patch")
    return diags
