"""Kubernetes helpers over the graph: pod specs, containers, selectors, replicas, spread.

Used by the containers/deployment rules, the cross-format linker and the SPOF rules (SPOF07:
:func:`effective_replicas`, :func:`hpa_for`, :func:`has_zone_spread`).

Label selectors follow the Kubernetes API: a Service ``spec.selector`` is a plain map (an
empty or missing one selects nothing — it is a Service without selector); a ``LabelSelector``
(NetworkPolicy ``podSelector``, PDB ``selector``) has ``matchLabels`` and ``matchExpressions``
(``In``, ``NotIn``, ``Exists``, ``DoesNotExist``) and an empty one ``{}`` selects every pod of
the namespace.

>>> match_label_selector({"matchLabels": {"app": "api"}}, {"app": "api", "tier": "web"})
True
>>> match_label_selector({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["db"]}]},
...                      {"tier": "db"})
False
>>> match_label_selector({}, {"any": "thing"}), match_map_selector({}, {"app": "x"})
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.model import Resource
from infra_review.model.kinds import POD_SPEC_PATHS, REPLICATED, ZONE_KEYS

__all__ = [
    "POD_SPEC_PATHS",
    "ZONE_KEYS",
    "container_path",
    "containers",
    "effective_replicas",
    "get_path",
    "has_zone_spread",
    "hpa_for",
    "is_workload",
    "match_label_selector",
    "match_map_selector",
    "namespace_of",
    "pdbs_for",
    "pod_labels",
    "pod_spec",
    "replicas",
    "selected_workloads",
    "workload_index",
    "workloads",
]


def get_path(obj: Any, path: str) -> Any:
    """Follow a dotted path through dicts (``None`` when absent).

    >>> get_path({"a": {"b": 1}}, "a.b"), get_path({"a": 1}, "a.b")
    (1, None)
    """
    cur = obj
    for part in path.split("."):
        if not part:
            continue
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(part)
    return cur


def is_workload(res: Resource) -> bool:
    """True for objects that run pods (Deployment, StatefulSet, …, Argo Rollout)."""
    return res.kind in POD_SPEC_PATHS and res.block == "k8s"


def workloads(rg: ResourceGraph) -> Iterator[Resource]:
    """Every workload object of the graph."""
    yield from rg.resources(*POD_SPEC_PATHS)


def namespace_of(res: Resource) -> str:
    return str(res.meta.get("namespace", "default"))


def pod_spec(res: Resource) -> dict[str, Any]:
    """The pod spec of a workload (``{}`` when absent or not a workload)."""
    path = POD_SPEC_PATHS.get(res.kind)
    spec = get_path(res.attrs, path) if path else None
    return spec if isinstance(spec, dict) else {}


def pod_labels(res: Resource) -> dict[str, str]:
    """Labels of the pods a workload creates (a Pod's own labels)."""
    if res.kind == "k8s:Pod":
        labels = get_path(res.attrs, "metadata.labels")
    elif res.kind == "k8s:CronJob":
        labels = get_path(res.attrs, "spec.jobTemplate.spec.template.metadata.labels")
    else:
        labels = get_path(res.attrs, "spec.template.metadata.labels")
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def container_path(res: Resource, field: str, index: int) -> str:
    return f"{POD_SPEC_PATHS.get(res.kind, 'spec')}.{field}[{index}]"


def containers(res: Resource, *, init: bool = False) -> Iterator[tuple[dict[str, Any], str, int]]:
    """``(container, attribute_path, line)`` for the app containers (and init ones if asked)."""
    spec = pod_spec(res)
    lines = res.meta.get("lines") or {}
    fields = ("initContainers", "containers") if init else ("containers",)
    for field in fields:
        items = spec.get(field)
        if not isinstance(items, list):
            continue
        for i, c in enumerate(items):
            if isinstance(c, dict):
                path = container_path(res, field, i)
                yield c, path, int(lines.get(path, res.line) or res.line)


def match_map_selector(selector: Any, labels: Mapping[str, str]) -> bool:
    """A Service-style map selector; empty/missing selects nothing."""
    if not isinstance(selector, Mapping) or not selector:
        return False
    return all(labels.get(str(k)) == str(v) for k, v in selector.items())


def match_label_selector(selector: Any, labels: Mapping[str, str]) -> bool:
    """A ``LabelSelector`` (``matchLabels`` + ``matchExpressions``); ``{}`` selects everything."""
    if selector is None:
        return False
    if not isinstance(selector, Mapping):
        return False
    ml = selector.get("matchLabels") or {}
    if isinstance(ml, Mapping) and not all(labels.get(str(k)) == str(v) for k, v in ml.items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        if not isinstance(expr, Mapping):
            return False
        key, op = str(expr.get("key", "")), str(expr.get("operator", ""))
        values = [str(v) for v in expr.get("values") or []]
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return False
    return True


def workload_index(rg: ResourceGraph) -> dict[str, list[tuple[Resource, dict[str, str]]]]:
    """Workloads by namespace with their pod labels (pass to :func:`selected_workloads` in loops)."""
    index: dict[str, list[tuple[Resource, dict[str, str]]]] = {}
    for w in workloads(rg):
        index.setdefault(namespace_of(w), []).append((w, pod_labels(w)))
    return index


def selected_workloads(
    rg: ResourceGraph,
    res: Resource,
    index: Mapping[str, list[tuple[Resource, dict[str, str]]]] | None = None,
) -> list[Resource]:
    """Workloads in ``res``'s namespace selected by a Service, NetworkPolicy or PDB.

    HPAs select their ``scaleTargetRef`` by kind and name.  ``index`` (from
    :func:`workload_index`) avoids re-reading every workload when called in a loop.
    """
    ns = namespace_of(res)
    candidates = (index if index is not None else workload_index(rg)).get(ns, [])
    if res.kind == "k8s:HorizontalPodAutoscaler":
        ref = get_path(res.attrs, "spec.scaleTargetRef") or {}
        if not isinstance(ref, Mapping):
            return []
        return [
            w
            for w, _ in candidates
            if w.meta.get("k8s_kind") == ref.get("kind") and w.meta.get("name") == ref.get("name")
        ]
    if res.kind == "k8s:Service":
        sel = get_path(res.attrs, "spec.selector")
        return [w for w, labels in candidates if match_map_selector(sel, labels)]
    if res.kind == "k8s:NetworkPolicy":
        sel = get_path(res.attrs, "spec.podSelector")
        if sel is None:
            sel = {}
    elif res.kind == "k8s:PodDisruptionBudget":
        sel = get_path(res.attrs, "spec.selector")
    else:
        return []
    return [w for w, labels in candidates if match_label_selector(sel, labels)]


def hpa_for(rg: ResourceGraph, workload: Resource) -> list[Resource]:
    """HorizontalPodAutoscalers (and KEDA ScaledObjects) targeting ``workload``."""
    out: list[Resource] = []
    ns, kind, name = namespace_of(workload), workload.meta.get("k8s_kind"), workload.meta.get("name")
    for h in rg.resources("k8s:HorizontalPodAutoscaler", "k8s:ScaledObject"):
        ref = get_path(h.attrs, "spec.scaleTargetRef") or {}
        if not isinstance(ref, Mapping) or namespace_of(h) != ns or ref.get("name") != name:
            continue
        if ref.get("kind", "Deployment") == kind:
            out.append(h)
    return out


def pdbs_for(rg: ResourceGraph, workload: Resource) -> list[Resource]:
    """PodDisruptionBudgets whose selector matches the workload's pods."""
    labels = pod_labels(workload)
    ns = namespace_of(workload)
    return [
        p
        for p in rg.resources("k8s:PodDisruptionBudget")
        if namespace_of(p) == ns and match_label_selector(get_path(p.attrs, "spec.selector"), labels)
    ]


def replicas(res: Resource) -> int | None:
    """Declared ``spec.replicas`` (1 when absent for replicated kinds; ``None`` if not an int)."""
    if res.kind not in REPLICATED:
        return None
    val = get_path(res.attrs, "spec.replicas")
    if val is None:
        return 1
    return val if isinstance(val, int) and not isinstance(val, bool) else None


def effective_replicas(rg: ResourceGraph, workload: Resource) -> tuple[int | None, int | None]:
    """``(minimum, maximum)`` replicas, considering HPAs (``minReplicas`` defaults to 1).

    With an HPA the HPA decides: ``(minReplicas, maxReplicas)``; without one both are
    ``spec.replicas`` (default 1).  KEDA ``ScaledObject`` uses ``minReplicaCount`` (default 0)
    and ``maxReplicaCount``.  ``(None, None)`` for kinds that do not scale (DaemonSet, Job, Pod
    give ``(1, 1)`` for a Pod) or for non-literal values.
    """
    if workload.kind == "k8s:Pod":
        return 1, 1
    hpas = hpa_for(rg, workload)
    if hpas:
        h = hpas[0]
        if h.kind == "k8s:ScaledObject":
            lo, hi = get_path(h.attrs, "spec.minReplicaCount"), get_path(h.attrs, "spec.maxReplicaCount")
            lo = 0 if lo is None else lo
            hi = 100 if hi is None else hi
        else:
            lo, hi = get_path(h.attrs, "spec.minReplicas"), get_path(h.attrs, "spec.maxReplicas")
            lo = 1 if lo is None else lo
        return (lo if isinstance(lo, int) else None, hi if isinstance(hi, int) else None)
    n = replicas(workload)
    return n, n


def has_zone_spread(workload: Resource) -> bool:
    """True when pods are spread over zones (topologySpreadConstraints or podAntiAffinity on a zone key).

    A hostname-keyed anti-affinity spreads over nodes only and does not count.
    """
    spec = pod_spec(workload)
    for c in spec.get("topologySpreadConstraints") or []:
        if isinstance(c, Mapping) and c.get("topologyKey") in ZONE_KEYS:
            return True
    anti = get_path(spec, "affinity.podAntiAffinity") or {}
    if isinstance(anti, Mapping):
        terms = list(anti.get("requiredDuringSchedulingIgnoredDuringExecution") or [])
        for w in anti.get("preferredDuringSchedulingIgnoredDuringExecution") or []:
            if isinstance(w, Mapping):
                terms.append(w.get("podAffinityTerm") or {})
        for t in terms:
            if isinstance(t, Mapping) and t.get("topologyKey") in ZONE_KEYS:
                return True
    return False
