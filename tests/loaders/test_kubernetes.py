"""Kubernetes manifest loading: documents, List kinds, addresses, lines, redaction, Helm values."""

from __future__ import annotations

import pickle

from infra_review.graph import ResourceGraph
from infra_review.loaders import kubernetes
from infra_review.model import DiagnosticCode, FileStatus
from infra_review.pipeline import load_repo

MANIFEST = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    spec:
      initContainers:
      - name: init
        image: busybox:1.36
      containers:
      - name: app
        image: ghcr.io/acme/api:1.0
      - name: sidecar
        image: envoyproxy/envoy:v1.31
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - {name: job, image: "job:1"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader, namespace: ignored}
rules: []
"""


def _build(*files):
    rg = ResourceGraph()
    diags = kubernetes.build(list(files), rg)
    return rg, diags


def test_objects_addresses_and_lines():
    pf = kubernetes.parse_file("k8s/app.yaml", MANIFEST, "kubernetes")
    assert pf.status == FileStatus.PARSED
    rg, _ = _build(pf)
    addrs = sorted(r.address for r in rg.resources())
    assert addrs == [
        "k8s:apps/Deployment/shop/api",
        "k8s:batch/CronJob/default/nightly",
        "k8s:core/Namespace/_cluster/shop",
        "k8s:rbac.authorization.k8s.io/ClusterRole/_cluster/reader",
    ]
    dep = rg["k8s:apps/Deployment/shop/api"]
    assert dep.kind == "k8s:Deployment"
    assert dep.block == "k8s"
    assert dep.name == "api"
    assert (dep.file, dep.line) == ("k8s/app.yaml", 6)
    assert [(c["name"], c["line"], c["init"]) for c in dep.meta["containers"]] == [
        ("init", 15, True),
        ("app", 18, False),
        ("sidecar", 20, False),
    ]
    assert dep.attrs["metadata"]["namespace"] == "shop"
    assert dep.meta["lines"]["spec.template.spec.containers[1].image"] == 21
    cron = rg["k8s:batch/CronJob/default/nightly"]
    assert cron.meta["containers"][0]["path"] == "spec.jobTemplate.spec.template.spec.containers[0]"
    assert cron.meta["namespace"] == "default"


def test_list_kind_is_unpacked_with_item_lines():
    text = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: a}
  spec: {selector: {app: a}}
- apiVersion: v1
  kind: ServiceAccount
  metadata: {name: b, namespace: x}
"""
    rg, _ = _build(kubernetes.parse_file("list.yaml", text, "kubernetes"))
    svc = rg["k8s:core/Service/default/a"]
    assert svc.line == 4
    assert svc.meta["lines"]["spec.selector.app"] == 7
    assert rg["k8s:core/ServiceAccount/x/b"].line == 8


def test_secret_values_never_leave_the_worker():
    text = """\
apiVersion: v1
kind: Secret
metadata: {name: db}
data:
  password: c3VwZXJzZWNyZXQ=
stringData:
  token: plain-text-token-value
  password: c3VwZXJzZWNyZXQ=
"""
    pf = kubernetes.parse_file("secret.yaml", text, "kubernetes")
    blob = pickle.dumps(pf)
    assert b"c3VwZXJzZWNyZXQ" not in blob
    assert b"plain-text-token-value" not in blob
    rg, _ = _build(pf)
    s = rg["k8s:core/Secret/default/db"]
    assert s.attrs["data"] == {"password": kubernetes.REDACTED}
    assert s.attrs["stringData"]["token"] == kubernetes.REDACTED


def test_broken_document_keeps_others_and_marks_partial():
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: [\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
    )
    pf = kubernetes.parse_file("cm.yaml", text, "kubernetes")
    assert pf.status == FileStatus.PARTIAL
    assert [o["name"] for o in pf.data["objects"]] == ["a", "c"]
    assert DiagnosticCode.PARTIAL in {d.code for d in pf.diagnostics}


def test_hostile_file_fails_cleanly():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: x, a: *m}\n"
    pf = kubernetes.parse_file("evil.yaml", text, "kubernetes")
    assert pf.status == FileStatus.FAILED
    assert [d.code for d in pf.diagnostics] == [DiagnosticCode.ALIAS_LIMIT]


def test_duplicate_keys_recorded_on_the_object():
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: c
    image: c:1
    securityContext:
      privileged: true
      privileged: false
"""
    pf = kubernetes.parse_file("pod.yaml", text, "kubernetes")
    assert [d.code for d in pf.diagnostics] == [DiagnosticCode.DUPLICATE_KEY]
    assert pf.diagnostics[0].line == 10
    rg, _ = _build(pf)
    pod = rg["k8s:core/Pod/default/p"]
    assert pod.meta["duplicate_keys"] == {"spec.containers[0].securityContext.privileged": [True, False]}


def test_json_manifest_and_non_manifest_document():
    text = '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "j"}, "spec": {}}'
    rg, _ = _build(kubernetes.parse_file("svc.json", text, "kubernetes"))
    assert "k8s:core/Service/default/j" in rg
    pf = kubernetes.parse_file("x.yaml", "foo: bar\n", "kubernetes")
    assert pf.data["objects"] == []
    assert [d.code for d in pf.diagnostics] == [DiagnosticCode.UNSUPPORTED]


def test_same_object_in_two_files_is_kept_twice():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same}\n"
    a = kubernetes.parse_file("base/cm.yaml", text, "kubernetes")
    b = kubernetes.parse_file("overlays/prod/cm.yaml", text, "kubernetes")
    rg, diags = _build(b, a)
    assert "k8s:core/ConfigMap/default/same" in rg
    assert rg["k8s:core/ConfigMap/default/same"].file == "base/cm.yaml"
    dup = rg["k8s:core/ConfigMap/default/same@overlays/prod/cm.yaml"]
    assert dup.meta["duplicate_of"] == "k8s:core/ConfigMap/default/same"
    assert len(diags) == 1


def test_custom_resources_are_kept_generically():
    text = """\
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: alerts, namespace: mon}
spec:
  groups: [{name: g, rules: [{alert: Down, expr: up == 0}]}]
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: web, image: "web:1"}]
"""
    rg, _ = _build(kubernetes.parse_file("cr.yaml", text, "kubernetes"))
    rule = rg["k8s:monitoring.coreos.com/PrometheusRule/mon/alerts"]
    assert rule.attrs["spec"]["groups"][0]["rules"][0]["alert"] == "Down"
    ro = rg["k8s:argoproj.io/Rollout/default/web"]
    assert ro.meta["containers"][0]["name"] == "web"


def test_helm_values_evidence():
    text = """\
replicaCount: 1
image:
  repository: ghcr.io/acme/api
  tag: ""
resources: {}
db:
  password: not-in-the-graph
worker:
  image: ghcr.io/acme/worker:2.0
"""
    pf = kubernetes.parse_file("charts/api/values.yaml", text, "helm_values")
    rg, _ = _build(pf)
    hv = rg["helm:charts/api/values.yaml"]
    assert hv.kind == "helm:values"
    assert hv.name == "api"
    assert hv.attrs["settings"]["replicaCount"] == 1
    assert {i.get("repository") or i.get("image") for i in hv.attrs["images"]} == {
        "ghcr.io/acme/api",
        "ghcr.io/acme/worker:2.0",
    }
    assert b"not-in-the-graph" not in pickle.dumps(hv.attrs)


def test_through_load_repo(tmp_path):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "app.yaml").write_text(MANIFEST)
    (tmp_path / "k8s" / "broken.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n")
    chart = tmp_path / "charts" / "api"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: api\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("replicaCount: 2\nimage: {repository: api, tag: '1.0'}\n")
    (chart / "templates" / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
    )
    result = load_repo(tmp_path)
    rg = result.graph
    assert "k8s:apps/Deployment/shop/api" in rg
    status = {f.path: f.status for f in rg.files}
    assert status["k8s/broken.yaml"] == FileStatus.FAILED
    assert status["charts/api/templates/deploy.yaml"] == FileStatus.SKIPPED
    assert "helm:charts/api/values.yaml" in rg


def test_kustomize_patches_are_not_full_objects(tmp_path):
    base = tmp_path / "app" / "base"
    prod = tmp_path / "app" / "overlays" / "prod"
    base.mkdir(parents=True)
    prod.mkdir(parents=True)
    (base / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n"
        "      containers: [{name: api, image: 'api:1', readinessProbe: {tcpSocket: {port: 80}}}]\n"
    )
    (prod / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../base]\n"
        "patches:\n- path: patch.yaml\n"
    )
    (prod / "patch.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec: {replicas: 3}\n"
    )
    # an unlisted duplicate without any image is a patch too
    (prod / "extra.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n"
        "      containers: [{name: api, resources: {limits: {memory: 1Gi}}}]\n"
    )
    rg = load_repo(tmp_path, cache=False, isolate=False).graph
    patches = sorted(r.address for r in rg.resources("k8s:Patch"))
    assert patches == [
        "k8s:apps/Deployment/default/api@app/overlays/prod/extra.yaml",
        "k8s:apps/Deployment/default/api@app/overlays/prod/patch.yaml",
    ]
    assert [r.address for r in rg.resources("k8s:Deployment")] == ["k8s:apps/Deployment/default/api"]
    kz = next(rg.resources("k8s:Kustomization"))
    assert kz.name == "app.overlays.prod"
    assert rg.has_edge(patches[1], "k8s:apps/Deployment/default/api", "ref")


def test_hostile_yaml_through_load_repo(tmp_path):
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        laughs.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    (tmp_path / "laughs.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n" + "\n".join(laughs) + "\n")
    (tmp_path / "deep.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\ndata: " + "[" * 5000 + "]" * 5000 + "\n"
    )
    (tmp_path / "evil.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e}\ndata: !!python/object/apply:os.system ['id']\n"
    )
    (tmp_path / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n")
    result = load_repo(tmp_path, cache=False)
    files = {f.path: f for f in result.graph.files}
    assert files["laughs.yaml"].status == FileStatus.FAILED
    assert [d.code for d in files["laughs.yaml"].diagnostics] == [DiagnosticCode.ALIAS_LIMIT]
    assert [d.code for d in files["deep.yaml"].diagnostics] == [DiagnosticCode.DEPTH_LIMIT]
    assert files["evil.yaml"].status == FileStatus.FAILED
    assert "k8s:core/ConfigMap/default/fine" in result.graph
    assert len(list(result.graph.resources(block="k8s"))) == 1


def test_token_soup_never_hits_the_internal_error_path():
    import random

    from infra_review.loaders import compose

    rnd = random.Random(11)
    tokens = ["a:", " b", "\n", "- ", "&x ", "*x", "[", "]", "{", "}", "---\n", "  ", "!!python/tuple ",
              "!t ", "<<: ", "'", '"', "? ", ": ", "|\n", "apiVersion: v1\n", "kind: Pod\n", "spec:\n",
              "containers:\n", "metadata:\n", "  name: x\n", "kind: List\n", "items:\n", "1", "null",
              "~"]  # fmt: skip
    for _ in range(400):
        text = "".join(rnd.choice(tokens) for _ in range(rnd.randint(0, 80)))
        for mod, kind in ((kubernetes, "kubernetes"), (compose, "compose")):
            pf = mod.parse_file("f.yaml", text, kind)
            internal = [d for d in pf.diagnostics if d.code == DiagnosticCode.PARSE_ERROR and d.line == 0]
            assert not internal, (kind, text)


def _kustomize_repo(root, overlays):
    base = root / "base"
    base.mkdir(parents=True)
    (base / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "resources: [deploy.yaml, np.yaml]\n"
    )
    (base / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n"
        "      containers: [{name: api, image: 'api:1'}]\n"
    )
    (base / "np.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: fixed}\n"
        "spec: {podSelector: {}}\n"
    )
    for name, ns in overlays.items():
        d = root / "overlays" / name
        d.mkdir(parents=True)
        (d / "kustomization.yaml").write_text(
            f"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: {ns}\n"
            "resources: [../../base]\npatches:\n- path: patch.yaml\n"
        )
        (d / "patch.yaml").write_text(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec: {replicas: 3}\n"
        )


def test_kustomize_namespace_applies_when_unambiguous(tmp_path):
    _kustomize_repo(tmp_path, {"prod": "shop"})
    rg = load_repo(tmp_path, cache=False, isolate=False).graph
    dep = rg["k8s:apps/Deployment/shop/api"]
    assert dep.meta["namespace_from"] == "overlays/prod/kustomization.yaml"
    assert "k8s:networking.k8s.io/NetworkPolicy/fixed/deny" in rg  # an explicit namespace is kept
    patch = rg["k8s:apps/Deployment/shop/api@overlays/prod/patch.yaml"]
    assert patch.kind == "k8s:Patch"
    assert rg.has_edge(patch.address, dep.address, "ref")


def test_kustomize_namespace_ambiguous_base_is_left_alone(tmp_path):
    _kustomize_repo(tmp_path, {"prod": "shop", "staging": "shop-staging"})
    rg = load_repo(tmp_path, cache=False, isolate=False).graph
    assert "k8s:apps/Deployment/default/api" in rg
    patches = sorted(r.address for r in rg.resources("k8s:Patch"))
    assert patches == [
        "k8s:apps/Deployment/shop-staging/api@overlays/staging/patch.yaml",
        "k8s:apps/Deployment/shop/api@overlays/prod/patch.yaml",
    ]
