"""Kubernetes and managed-endpoint internet exposure.

* A ``Service`` of ``type: LoadBalancer`` is internet-facing unless annotated internal
  (``service.beta.kubernetes.io/aws-load-balancer-scheme: internal`` or the legacy
  ``aws-load-balancer-internal``); without a scheme annotation it is public by default, so
  the path is emitted with ``confidence="uncertain"``.  Ports: ``spec.ports[].port``.
* An ``Ingress`` is internet-facing when ``alb.ingress.kubernetes.io/scheme: internet-facing``
  (the AWS controller's default is internal); other ingress classes depend on their
  controller's Service and are emitted as uncertain.  Ports: the ``listen-ports`` annotation,
  else 80 (plus 443 with ``spec.tls`` or a certificate annotation).  Backends are
  ``spec.rules[].http.paths[].backend.service.name`` and ``spec.defaultBackend``.
* Workloads are the targets of the Service's ``selects`` edges (added by the cross-format
  linker).  Services and Ingresses are hops of the workloads' paths (like listeners and target
  groups), not targets of their own.
* Managed endpoints outside a VPC that listen on the internet: an EKS API endpoint open to
  ``0.0.0.0/0``, a Lambda function URL without auth, an OpenSearch domain without
  ``vpc_options`` — each ``INTERNET → resource`` on 443.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource
>>> rg = ResourceGraph()
>>> rg.add(Resource("k8s:apps/Deployment/shop/web", "k8s:Deployment", block="k8s"))
>>> rg.add(Resource("k8s:core/Service/shop/web", "k8s:Service", block="k8s",
...                 attrs={"spec": {"type": "LoadBalancer", "ports": [{"port": 80}]}}))
>>> rg.add_edge("k8s:core/Service/shop/web", "k8s:apps/Deployment/shop/web", "selects")
>>> from infra_review.analysis.network import network_model
>>> [(p.text(), p.confidence) for p in network_model(rg).exposures]
[('INTERNET → k8s:core/Service/shop/web:80 → k8s:apps/Deployment/shop/web', 'uncertain')]
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from infra_review.analysis.net_ports import PortSet
from infra_review.analysis.net_types import ExposurePath, NetworkModel
from infra_review.graph import INTERNET, ResourceGraph
from infra_review.model import Resource

__all__ = ["endpoint_exposures", "k8s_exposures"]

_LB_INTERNAL = "service.beta.kubernetes.io/aws-load-balancer-internal"
_LB_SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme"
_ALB = "alb.ingress.kubernetes.io/"


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(part)
    return obj


def _ns(res: Resource) -> str:
    parts = res.address.split("/")
    return parts[2] if len(parts) >= 4 else ""


def _selected(rg: ResourceGraph, svc: str) -> list[str]:
    return sorted(
        {r.address for r, d in rg.dependencies(svc) if d.get("kind") == "selects" and r.block == "k8s"}
    )


def _service_ports(svc: Resource) -> PortSet:
    out = PortSet.EMPTY
    for p in _get(svc.attrs, "spec.ports") or []:
        if isinstance(p, Mapping) and isinstance(p.get("port"), int):
            proto = str(p.get("protocol", "TCP")).lower()
            out = out | PortSet.of([(proto if proto in ("tcp", "udp") else "tcp", p["port"], p["port"])])
    return out


def _ingress_ports(ing: Resource) -> PortSet:
    ann = _get(ing.attrs, "metadata.annotations") or {}
    raw = ann.get(_ALB + "listen-ports") if isinstance(ann, Mapping) else None
    if isinstance(raw, str):
        try:
            items = json.loads(raw)
        except ValueError:
            items = None
        if isinstance(items, list):
            out = PortSet.EMPTY
            for item in items:
                if isinstance(item, Mapping):
                    for v in item.values():
                        if isinstance(v, int):
                            out = out | PortSet.tcp(v)
            if out:
                return out
    out = PortSet.tcp(80)
    if _get(ing.attrs, "spec.tls") or (isinstance(ann, Mapping) and ann.get(_ALB + "certificate-arn")):
        out = out | PortSet.tcp(443)
    return out


def _ingress_backends(ing: Resource) -> list[str]:
    names: list[str] = []
    default = _get(ing.attrs, "spec.defaultBackend.service.name")
    if isinstance(default, str):
        names.append(default)
    for rule in _get(ing.attrs, "spec.rules") or []:
        for path in _get(rule, "http.paths") or []:
            name = _get(path, "backend.service.name")
            if isinstance(name, str) and name not in names:
                names.append(name)
    return names


def k8s_exposures(rg: ResourceGraph) -> list[ExposurePath]:
    """Exposure paths through LoadBalancer Services and internet-facing Ingresses."""
    services = {(_ns(s), s.name): s for s in rg.resources("k8s:Service")}
    out: list[ExposurePath] = []
    for svc in services.values():
        if _get(svc.attrs, "spec.type") != "LoadBalancer":
            continue
        ann = _get(svc.attrs, "metadata.annotations") or {}
        ann = ann if isinstance(ann, Mapping) else {}
        if ann.get(_LB_SCHEME) == "internal" or str(ann.get(_LB_INTERNAL, "")).lower() in (
            "true",
            "0.0.0.0/0",
        ):
            continue
        certain = ann.get(_LB_SCHEME) == "internet-facing"
        ports = _service_ports(svc) or PortSet.of(PortSet.ALL.ranges, True)
        conf = "certain" if certain else "uncertain"
        for w in _selected(rg, svc.address):
            out.append(
                ExposurePath(
                    w, (INTERNET, svc.address, w), ("", ports.label(), ""), ports, 2, "k8s", True, conf
                )
            )
    for ing in rg.resources("k8s:Ingress"):
        ann = _get(ing.attrs, "metadata.annotations") or {}
        ann = ann if isinstance(ann, Mapping) else {}
        scheme = ann.get(_ALB + "scheme")
        klass = _get(ing.attrs, "spec.ingressClassName") or ann.get("kubernetes.io/ingress.class")
        if scheme == "internet-facing":
            conf = "certain"
        elif klass == "alb" or scheme == "internal":
            continue  # the AWS Load Balancer Controller defaults to internal
        else:
            conf = "uncertain"  # exposure depends on the ingress controller's own Service
        ports = _ingress_ports(ing)
        for name in _ingress_backends(ing):
            svc = services.get((_ns(ing), name))
            if svc is None:
                continue
            for w in _selected(rg, svc.address):
                out.append(
                    ExposurePath(
                        w,
                        (INTERNET, ing.address, svc.address, w),
                        ("", ports.label(), "", ""),
                        ports,
                        2,
                        "k8s",
                        True,
                        conf,
                    )
                )
    return out


def endpoint_exposures(rg: ResourceGraph, m: NetworkModel) -> list[ExposurePath]:
    """``INTERNET → resource`` on 443 for managed endpoints that listen on the internet."""
    out = []
    for e in m.nonvpc:
        if e.kind in ("eks_endpoint", "lambda_url", "opensearch_public") and e.address in rg:
            ports = PortSet.tcp(443)
            out.append(
                ExposurePath(
                    e.address,
                    (INTERNET, e.address),
                    ("", "443"),
                    ports,
                    1,
                    "endpoint",
                    False,
                    "certain" if e.certain else "uncertain",
                )
            )
    return out
