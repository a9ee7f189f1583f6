"""Red flag: containers without memory/CPU limits (RED008)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from infra_review.analysis.k8s import containers, namespace_of, workloads
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, SourceLocation, Status, Unresolved
from infra_review.rules._registry import Hit, rule

__all__: list[str] = []


# -- RED008 container limits -------------------------------------------------------------------------


def _namespace_has_memory_default(rg: ResourceGraph, ns: str) -> bool:
    for lr in rg.resources("k8s:LimitRange"):
        if str(lr.meta.get("namespace", "default")) != ns:
            continue
        for lim in (lr.attrs.get("spec") or {}).get("limits") or []:
            if (
                isinstance(lim, Mapping)
                and lim.get("type") == "Container"
                and ((lim.get("default") or {}).get("memory") or (lim.get("max") or {}).get("memory"))
            ):
                return True
    return False


def _ecs_containers(td: Resource) -> tuple[list[Mapping[str, Any]] | None, bool]:

    cd = td.attrs.get("container_definitions")
    if isinstance(cd, Unresolved):
        text = cd.expr.strip()
        if not text.startswith("["):
            return None, True
        try:
            data = json.loads(text)
        except ValueError:
            return None, True
    elif isinstance(cd, str):
        try:
            data = json.loads(cd)
        except ValueError:
            return None, True
    elif isinstance(cd, list):
        data = cd
    else:
        return None, False
    return [c for c in data if isinstance(c, Mapping)], False


@rule(
    "RED008",
    area=Area.RED_FLAGS,
    severity=Severity.HIGH,
    title="Containers without memory limits",
    checkov=("CKV_K8S_11", "CKV_K8S_13"),
)
def no_container_limits(rg: ResourceGraph) -> Iterator[Hit]:
    """A container can use unbounded memory: a Kubernetes container without ``resources.limits.memory``, an
    ECS task without task or container memory, a Compose service without a memory limit.

    High when the namespace has no ``LimitRange`` supplying a default memory limit, medium
    when one does (the default may not fit); Compose services are low (usually local development).
    Mirrors CTR011/CTR012, computed here from the graph so the flag stands on its own.

    Why it matters
    --------------
    One leaking container takes the whole node down with it (the kernel OOM-kills whatever
    it picks), and the scheduler cannot place pods sensibly without requests and limits.

    Remediation
    -----------
    Set ``resources.requests`` and ``resources.limits.memory`` on every container (and a
    namespace ``LimitRange`` as a safety net); give ECS tasks ``memory``.

    Example
    -------
    .. code-block:: yaml

        resources:
          requests: { cpu: 100m, memory: 256Mi }
          limits:   { memory: 512Mi }
    """

    for w in workloads(rg):
        ns = namespace_of(w)
        has_default = _namespace_has_memory_default(rg, ns)
        for c, path, line in containers(w):
            res = c.get("resources")
            limits = res.get("limits") if isinstance(res, Mapping) else None
            mem = limits.get("memory") if isinstance(limits, Mapping) else None
            if mem:
                continue
            name = c.get("name", "?")
            yield Hit(
                w,
                f"container `{name}` has no memory limit"
                + (" (namespace LimitRange sets a default)" if has_default else ""),
                f"{path}.resources.limits.memory",
                severity=Severity.MEDIUM if has_default else None,
                location=SourceLocation(w.file, line) if w.file else None,
            )
            break
    for td in rg.resources("aws_ecs_task_definition"):
        task_mem = td.attrs.get("memory")
        if task_mem not in (None, ""):
            continue
        ctrs, unknown = _ecs_containers(td)
        if unknown:
            yield Hit(
                td, "container definitions not known statically", "container_definitions", Status.UNKNOWN
            )
            continue
        for i, c in enumerate(ctrs or []):
            if c.get("memory") in (None, "") and c.get("memoryReservation") in (None, ""):
                yield Hit(
                    td,
                    f"task has no `memory` and container `{c.get('name', i)}` sets neither memory "
                    "nor memoryReservation",
                    f"container_definitions[{i}].memory",
                )
                break
    for svc in rg.resources("compose:service"):
        a = svc.attrs
        deploy = a.get("deploy") if isinstance(a.get("deploy"), Mapping) else {}
        lim = ((deploy.get("resources") or {}).get("limits") or {}) if isinstance(deploy, Mapping) else {}
        if a.get("mem_limit") or (isinstance(lim, Mapping) and lim.get("memory")):
            continue
        yield Hit(
            svc,
            "Compose service has no memory limit (`deploy.resources.limits.memory`/`mem_limit`)",
            "deploy.resources.limits.memory",
            severity=Severity.LOW,
        )
