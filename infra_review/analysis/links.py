"""Cross-format edges: Kubernetes ↔ Dockerfiles ↔ Compose ↔ Terraform, in the one graph.

:func:`link` runs once after every format's ``build`` and adds (dependent → dependency):

``selects``
    Service / NetworkPolicy / PodDisruptionBudget → the workloads whose pod labels their
    selector matches (same namespace); HorizontalPodAutoscaler → its ``scaleTargetRef``.
``ref``
    Ingress → the Services of its backends (``attr="backend"``); RoleBinding/ClusterRoleBinding
    → its ``roleRef`` (``attr="roleRef"``); workload → the ``aws_ecr_repository`` its image is
    pulled from (``attr="image"``).
``uses_sa``
    workload → the ServiceAccount of its pods (``serviceAccountName``, else ``default``) when
    that ServiceAccount object is in the repository.
``binds``
    ServiceAccount → each RoleBinding/ClusterRoleBinding naming it as a subject.
``runs_image``
    workload (and Helm values) → the Dockerfile stage its image is built from.  Heuristics, in
    order, recorded in the edge attribute ``confidence``/``via``:

    1. ``compose`` (high): a Compose service has both ``image: <repo>`` and ``build`` → the
       image repository is built from that Dockerfile (``build.target`` picks the stage);
    2. ``ecr`` (medium): the image is in an ECR registry whose repository name equals the
       ``name`` of an ``aws_ecr_repository`` in the Terraform, and a Dockerfile's directory is
       named like that repository's last path segment;
    3. ``directory-name`` (low): the image's last path segment equals the name of a directory
       holding exactly one Dockerfile.
    A Compose service with an ``image`` and no ``build`` gets ``runs_image`` by heuristics 2–3.
``builds``
    Compose service → the Dockerfile stage its ``build`` uses.
``hosted_on``
    every Kubernetes object → the Terraform cluster (``aws_eks_cluster``,
    ``google_container_cluster``, ``azurerm_kubernetes_cluster``, or a call of the well-known
    EKS/GKE/AKS module, see :func:`cluster_nodes`) that hosts it:
    ``argocd-application`` (high) when an Argo CD ``Application`` in the repository deploys the
    manifest's directory (``spec.source.path``) to a cluster named like a Terraform cluster
    (``spec.destination.name``);
    ``single-cluster`` (medium) when the repository defines exactly one cluster;
    ``path-name`` (medium) when several exist and a directory of the manifest's path equals one
    cluster's ``name`` (or Terraform resource name); otherwise no edge (ambiguous).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from infra_review.analysis.k8s import (
    containers,
    get_path,
    namespace_of,
    pod_spec,
    selected_workloads,
    workload_index,
    workloads,
)
from infra_review.graph import ResourceGraph
from infra_review.loaders.dockerfile import parse_image_ref
from infra_review.model import Diagnostic, Resource

__all__ = ["CLUSTER_KINDS", "CLUSTER_MODULES", "cluster_nodes", "dockerfile_for_image", "link"]

CLUSTER_KINDS = ("aws_eks_cluster", "google_container_cluster", "azurerm_kubernetes_cluster")
_ECR_HOST = re.compile(r"^\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/(.+)$")


def _final_stages(rg: ResourceGraph) -> dict[str, Resource]:
    """Dockerfile path → final stage node."""
    return {str(r.meta.get("dockerfile")): r for r in rg.resources("dockerfile")}


def _stage_for(rg: ResourceGraph, dockerfile: str, target: Any) -> Resource | None:
    if isinstance(target, str) and target:
        for r in rg.resources("dockerfile", "dockerfile:stage"):
            if (
                r.meta.get("dockerfile") == dockerfile
                and (r.attrs.get("alias") or "").lower() == target.lower()
            ):
                return r
    return _final_stages(rg).get(dockerfile)


def _image_index(rg: ResourceGraph) -> dict[str, tuple[Resource, str, str]]:
    """Image repository → (Dockerfile stage, confidence, via), from Compose, then ECR."""
    index: dict[str, tuple[Resource, str, str]] = {}
    for svc in rg.resources("compose:service"):
        image, df = svc.attrs.get("image"), svc.attrs.get("build_dockerfile_path")
        if not isinstance(image, str) or not isinstance(df, str):
            continue
        stage = _stage_for(rg, df, (svc.attrs.get("build") or {}).get("target"))
        if stage is not None:
            index.setdefault(parse_image_ref(image)["repository"], (stage, "high", "compose"))
    return index


def _dirs_with_dockerfile(rg: ResourceGraph) -> dict[str, list[Resource]]:
    by_dir: dict[str, list[Resource]] = defaultdict(list)
    for r in rg.resources("dockerfile"):
        d = str(r.meta.get("directory") or "")
        if d:
            by_dir[d.rsplit("/", 1)[-1].lower()].append(r)
    return by_dir


def _ecr_repos(rg: ResourceGraph) -> dict[str, Resource]:
    out: dict[str, Resource] = {}
    for r in rg.resources("aws_ecr_repository"):
        name = r.attrs.get("name")
        if isinstance(name, str):
            out[name] = r
    return out


def dockerfile_for_image(
    rg: ResourceGraph, image: str, _context: tuple[Any, Any, Any] | None = None
) -> tuple[Resource | None, str, str, Resource | None]:
    """``(dockerfile stage, confidence, via, ecr_repository)`` for an image reference."""
    compose_index, by_dir, ecr_repos = _context or (
        _image_index(rg),
        _dirs_with_dockerfile(rg),
        _ecr_repos(rg),
    )
    ref = parse_image_ref(image)
    repo = ref["repository"]
    hit = compose_index.get(repo)
    if hit:
        return hit[0], hit[1], hit[2], None
    m = _ECR_HOST.match(repo)
    ecr = ecr_repos.get(m.group(1)) if m else None
    if ecr is not None:
        cands = by_dir.get(m.group(1).rsplit("/", 1)[-1].lower(), []) if m else []
        if len(cands) == 1:
            return cands[0], "medium", "ecr", ecr
        return None, "", "", ecr
    cands = by_dir.get(ref["name"].lower(), [])
    if len(cands) == 1:
        return cands[0], "low", "directory-name", None
    return None, "", "", None


def _link_selectors(rg: ResourceGraph) -> None:
    index = workload_index(rg)
    for kind in (
        "k8s:Service",
        "k8s:NetworkPolicy",
        "k8s:PodDisruptionBudget",
        "k8s:HorizontalPodAutoscaler",
    ):
        for res in list(rg.resources(kind)):
            for w in selected_workloads(rg, res, index):
                rg.add_edge(res.address, w.address, "selects")


def _link_ingress(rg: ResourceGraph) -> None:
    services = {(namespace_of(s), s.meta.get("name")): s for s in rg.resources("k8s:Service")}
    for ing in list(rg.resources("k8s:Ingress")):
        ns = namespace_of(ing)
        names: set[str] = set()
        default = get_path(ing.attrs, "spec.defaultBackend.service.name") or get_path(
            ing.attrs, "spec.backend.serviceName"
        )
        if isinstance(default, str):
            names.add(default)
        for rule_ in get_path(ing.attrs, "spec.rules") or []:
            for p in get_path(rule_, "http.paths") or [] if isinstance(rule_, Mapping) else []:
                if not isinstance(p, Mapping):
                    continue
                n = get_path(p, "backend.service.name") or get_path(p, "backend.serviceName")
                if isinstance(n, str):
                    names.add(n)
        for n in sorted(names):
            svc = services.get((ns, n))
            if svc is not None:
                rg.add_edge(ing.address, svc.address, "ref", attr="backend")


def _link_rbac(rg: ResourceGraph) -> None:
    sas = {(namespace_of(s), s.meta.get("name")): s for s in rg.resources("k8s:ServiceAccount")}
    roles = {(namespace_of(r), r.meta.get("name")): r for r in rg.resources("k8s:Role")}
    croles = {r.meta.get("name"): r for r in rg.resources("k8s:ClusterRole")}
    for w in list(workloads(rg)):
        spec = pod_spec(w)
        sa = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        target = sas.get((namespace_of(w), sa))
        if target is not None:
            rg.add_edge(w.address, target.address, "uses_sa")
    for b in list(rg.resources("k8s:RoleBinding", "k8s:ClusterRoleBinding")):
        ref = b.attrs.get("roleRef") or {}
        role = None
        if isinstance(ref, Mapping):
            if ref.get("kind") == "ClusterRole":
                role = croles.get(ref.get("name"))
            elif ref.get("kind") == "Role":
                role = roles.get((namespace_of(b), ref.get("name")))
        if role is not None:
            rg.add_edge(b.address, role.address, "ref", attr="roleRef")
        for subj in b.attrs.get("subjects") or []:
            if isinstance(subj, Mapping) and subj.get("kind") == "ServiceAccount":
                ns = subj.get("namespace") or (namespace_of(b) if b.kind == "k8s:RoleBinding" else "default")
                sa = sas.get((ns, subj.get("name")))
                if sa is not None:
                    rg.add_edge(sa.address, b.address, "binds")


def _link_images(rg: ResourceGraph) -> None:
    cache: dict[str, tuple[Resource | None, str, str, Resource | None]] = {}

    context = (_image_index(rg), _dirs_with_dockerfile(rg), _ecr_repos(rg))

    def lookup(image: str) -> tuple[Resource | None, str, str, Resource | None]:
        if image not in cache:
            cache[image] = dockerfile_for_image(rg, image, context)
        return cache[image]

    for w in list(workloads(rg)):
        for c, path, _line in containers(w, init=True):
            image = c.get("image")
            if not isinstance(image, str) or not image:
                continue
            stage, conf, via, ecr = lookup(image)
            if stage is not None:
                rg.add_edge(
                    w.address,
                    stage.address,
                    "runs_image",
                    confidence=conf,
                    via=via,
                    container=str(c.get("name", "")),
                )
            if ecr is not None:
                rg.add_edge(w.address, ecr.address, "ref", attr=f"{path}.image")
    for hv in list(rg.resources("helm:values")):
        for img in hv.attrs.get("images") or []:
            ref = img.get("image") or img.get("repository")
            if isinstance(ref, str) and ref:
                stage, conf, via, _ = lookup(ref)
                if stage is not None:
                    rg.add_edge(
                        hv.address, stage.address, "runs_image", confidence=conf, via=via, container=""
                    )
    for svc in list(rg.resources("compose:service")):
        df = svc.attrs.get("build_dockerfile_path")
        if isinstance(df, str):
            stage = _stage_for(rg, df, (svc.attrs.get("build") or {}).get("target"))
            if stage is not None:
                rg.add_edge(svc.address, stage.address, "builds")
        elif isinstance(svc.attrs.get("image"), str):
            stage, conf, via, _ = lookup(svc.attrs["image"])
            if stage is not None and via != "compose":
                rg.add_edge(svc.address, stage.address, "runs_image", confidence=conf, via=via, container="")


#: Well-known remote modules that create a Kubernetes cluster (registry address or git URL part).
CLUSTER_MODULES = re.compile(
    r"terraform-aws-modules/(terraform-aws-)?eks|terraform-google-modules/(terraform-google-)?kubernetes-engine|"
    r"Azure/(terraform-azurerm-)?aks",
    re.IGNORECASE,
)


def cluster_nodes(rg: ResourceGraph) -> list[Resource]:
    """Terraform clusters: EKS/GKE/AKS resources, and calls of the well-known cluster modules.

    A remote module is never fetched, so ``module "eks" { source =
    "terraform-aws-modules/eks/aws" }`` stands for the cluster it creates.
    """
    out = list(rg.resources(*CLUSTER_KINDS))
    for m in rg.resources(block="module"):
        src = m.attrs.get("source") or m.meta.get("source")
        if isinstance(src, str) and CLUSTER_MODULES.search(src):
            out.append(m)
    return out


def _cluster_names(clusters: list[Resource]) -> dict[str, Resource]:
    names: dict[str, Resource] = {}
    for c in clusters:
        for key in ("name", "cluster_name"):
            n = c.attrs.get(key)
            if isinstance(n, str):
                names.setdefault(n.lower(), c)
        names.setdefault(c.name.lower(), c)
    return names


def _argocd_destinations(rg: ResourceGraph, names: Mapping[str, Resource]) -> list[tuple[str, Resource]]:
    """``(source path, cluster)`` of Argo CD Applications deploying a repository path to a known cluster."""
    out: list[tuple[str, Resource]] = []
    for app in rg.resources("k8s:Application"):
        dest = get_path(app.attrs, "spec.destination.name")
        sources = [get_path(app.attrs, "spec.source"), *list(get_path(app.attrs, "spec.sources") or [])]
        cluster = names.get(dest.lower()) if isinstance(dest, str) else None
        if cluster is None:
            continue
        for src in sources:
            path = src.get("path") if isinstance(src, Mapping) else None
            if isinstance(path, str) and path.strip("./"):
                out.append((path.strip("/").removeprefix("./") + "/", cluster))
    return out


def _link_clusters(rg: ResourceGraph) -> None:
    clusters = cluster_nodes(rg)
    if not clusters:
        return
    objects = list(rg.resources(block="k8s"))
    names = _cluster_names(clusters)
    argo = _argocd_destinations(rg, names)
    for obj in objects:
        hits = {c.address for path, c in argo if obj.file.startswith(path)}
        if len(hits) == 1:
            rg.add_edge(obj.address, hits.pop(), "hosted_on", confidence="high", via="argocd-application")
            continue
        if len(clusters) == 1:
            rg.add_edge(
                obj.address, clusters[0].address, "hosted_on", confidence="medium", via="single-cluster"
            )
            continue
        parts = [p.lower() for p in obj.file.split("/")[:-1]]
        hits = {names[p].address for p in parts if p in names}
        if len(hits) == 1:
            rg.add_edge(obj.address, hits.pop(), "hosted_on", confidence="medium", via="path-name")


def link(rg: ResourceGraph) -> list[Diagnostic]:
    """Add every cross-format edge described in the module docstring."""
    _link_selectors(rg)
    _link_ingress(rg)
    _link_rbac(rg)
    _link_images(rg)
    _link_clusters(rg)
    return []
