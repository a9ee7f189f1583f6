"""Cross-format edges through the real loader: selectors, RBAC, images, Compose, clusters."""

from __future__ import annotations

from pathlib import Path

from infra_review.analysis import k8s
from infra_review.pipeline import load_repo

K8S = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, tier: web}}
    spec:
      serviceAccountName: api
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}
      containers:
      - {name: api, image: "ghcr.io/acme/api:1.0"}
      - {name: worker, image: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/worker:2.0"}
      - {name: web, image: "registry.example.com/team/web:3"}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: "postgres:16"}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: external, namespace: shop}
spec:
  type: ExternalName
  externalName: example.com
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-only, namespace: shop}
spec:
  podSelector: {matchExpressions: [{key: tier, operator: In, values: [web]}]}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api, namespace: shop}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: api}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 3
  maxReplicas: 10
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api, namespace: shop}
spec:
  rules:
  - host: api.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: api-reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: api, namespace: shop}]
"""

COMPOSE = """\
services:
  api:
    build: {context: ./services/api, target: runtime}
    image: ghcr.io/acme/api
  web:
    image: registry.example.com/team/web:dev
"""

TF = """\
resource "aws_ecr_repository" "worker" {
  name = "worker"
}

resource "aws_eks_cluster" "main" {
  name     = "prod"
  role_arn = "arn:aws:iam::111111111111:role/eks"
  vpc_config {
    subnet_ids = ["subnet-0123456789abcdef0"]
  }
}
"""


def _repo(tmp_path: Path, clusters: int = 1) -> Path:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "app.yaml").write_text(K8S)
    for name, text in {
        "services/api/Dockerfile": (
            'FROM golang:1.22 AS build\nFROM gcr.io/distroless/static AS runtime\nCMD ["/a"]\n'
        ),
        "services/worker/Dockerfile": "FROM alpine:3.20\n",
        "web/Dockerfile": "FROM nginx:1.27-alpine\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "docker-compose.yml").write_text(COMPOSE)
    tf = TF
    if clusters == 2:
        tf += TF.split("\n\n", 1)[1].replace('"main"', '"staging"').replace('"prod"', '"staging"')
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(tf)
    return tmp_path


DEP = "k8s:apps/Deployment/shop/api"


def _edges(rg, kind):
    return {(e.source, e.target) for e in rg.edges([kind])}


def test_selectors(tmp_path):
    rg = load_repo(_repo(tmp_path)).graph
    sel = _edges(rg, "selects")
    assert ("k8s:core/Service/shop/api", DEP) in sel
    assert ("k8s:networking.k8s.io/NetworkPolicy/shop/web-only", DEP) in sel
    assert ("k8s:networking.k8s.io/NetworkPolicy/shop/web-only", "k8s:apps/StatefulSet/shop/db") not in sel
    assert ("k8s:networking.k8s.io/NetworkPolicy/shop/deny-all", "k8s:apps/StatefulSet/shop/db") in sel
    assert ("k8s:policy/PodDisruptionBudget/shop/api", DEP) in sel
    assert ("k8s:autoscaling/HorizontalPodAutoscaler/shop/api", DEP) in sel
    assert not any(s == "k8s:core/Service/shop/external" for s, _ in sel)
    assert rg.has_edge("k8s:networking.k8s.io/Ingress/shop/api", "k8s:core/Service/shop/api", "ref")


def test_rbac_chain(tmp_path):
    rg = load_repo(_repo(tmp_path)).graph
    sa = "k8s:core/ServiceAccount/shop/api"
    binding = "k8s:rbac.authorization.k8s.io/RoleBinding/shop/api-reader"
    assert rg.has_edge(DEP, sa, "uses_sa")
    assert rg.has_edge(sa, binding, "binds")
    assert rg.has_edge(binding, "k8s:rbac.authorization.k8s.io/Role/shop/reader", "ref")


def test_images_to_dockerfiles(tmp_path):
    rg = load_repo(_repo(tmp_path)).graph
    runs = {
        (e.target, e.attrs["via"], e.attrs["confidence"]) for e in rg.edges(["runs_image"]) if e.source == DEP
    }
    assert ("docker:services/api/Dockerfile#runtime", "compose", "high") in runs
    assert ("docker:services/worker/Dockerfile#0", "ecr", "medium") in runs
    assert ("docker:web/Dockerfile#0", "directory-name", "low") in runs
    assert rg.has_edge(DEP, "aws_ecr_repository.worker", "ref")
    # postgres:16 has no Dockerfile here
    assert not list(rg.dependencies("k8s:apps/StatefulSet/shop/db", kinds={"runs_image"}))
    assert rg.has_edge("compose:docker-compose.yml/api", "docker:services/api/Dockerfile#runtime", "builds")
    assert rg.has_edge("compose:docker-compose.yml/web", "docker:web/Dockerfile#0", "runs_image")


def test_single_cluster_hosts_everything(tmp_path):
    rg = load_repo(_repo(tmp_path)).graph
    hosted = _edges(rg, "hosted_on")
    k8s_objects = {r.address for r in rg.resources(block="k8s")}
    assert hosted == {(a, "aws_eks_cluster.main") for a in k8s_objects}


def test_two_clusters_need_a_path_match(tmp_path):
    root = _repo(tmp_path, clusters=2)
    rg = load_repo(root).graph
    assert not _edges(rg, "hosted_on")
    (root / "k8s" / "staging").mkdir()
    (root / "k8s" / "staging" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\n"
    )
    rg = load_repo(root).graph
    assert _edges(rg, "hosted_on") == {("k8s:core/ConfigMap/default/s", "aws_eks_cluster.staging")}


def test_replica_helpers_for_spof(tmp_path):
    rg = load_repo(_repo(tmp_path)).graph
    dep, db = rg[DEP], rg["k8s:apps/StatefulSet/shop/db"]
    assert k8s.effective_replicas(rg, dep) == (3, 10)
    assert k8s.effective_replicas(rg, db) == (1, 1)
    assert k8s.has_zone_spread(dep)
    assert not k8s.has_zone_spread(db)
    assert [p.name for p in k8s.pdbs_for(rg, dep)] == ["api"]
    assert [h.name for h in k8s.hpa_for(rg, dep)] == ["api"]


def test_argocd_application_decides_the_cluster(tmp_path):
    root = _repo(tmp_path, clusters=2)
    app = (
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: shop, namespace: argocd}\n"
        "spec:\n  destination: {name: staging, namespace: shop}\n"
        "  source: {repoURL: 'https://example.com/r.git', path: k8s}\n"
    )
    (root / "argocd").mkdir()
    (root / "argocd" / "app.yaml").write_text(app)
    rg = load_repo(root).graph
    hosted = {e.source: (e.target, e.attrs["via"]) for e in rg.edges(["hosted_on"])}
    assert hosted[DEP] == ("aws_eks_cluster.staging", "argocd-application")
    assert "k8s:argoproj.io/Application/argocd/shop" not in hosted


def test_remote_cluster_module_hosts_the_manifests(tmp_path):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    (tmp_path / "main.tf").write_text(
        'module "eks" {\n  source  = "terraform-aws-modules/eks/aws"\n  version = "~> 20.0"\n'
        '  cluster_name = "prod"\n}\n'
    )
    rg = load_repo(tmp_path).graph
    edges = [(e.source, e.target, e.attrs["via"]) for e in rg.edges(["hosted_on"])]
    assert edges == [("k8s:core/ConfigMap/default/c", "module.eks", "single-cluster")]
