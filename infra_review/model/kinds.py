"""Kubernetes kind tables, shared by the loader, the analyses, the rules and the views.

>>> POD_SPEC_PATHS["k8s:CronJob"]
'spec.jobTemplate.spec.template.spec'
>>> WORKLOAD_KINDS["Deployment"], "k8s:Deployment" in REPLICATED
('spec.template.spec', True)
"""

from __future__ import annotations

__all__ = ["POD_SPEC_PATHS", "REPLICATED", "WORKLOAD_KINDS", "ZONE_KEYS"]

#: Kubernetes kinds that run pods, with the path of their pod spec.
WORKLOAD_KINDS: dict[str, str] = {
    "Deployment": "spec.template.spec",
    "StatefulSet": "spec.template.spec",
    "DaemonSet": "spec.template.spec",
    "ReplicaSet": "spec.template.spec",
    "ReplicationController": "spec.template.spec",
    "Job": "spec.template.spec",
    "CronJob": "spec.jobTemplate.spec.template.spec",
    "Pod": "spec",
    "Rollout": "spec.template.spec",  # Argo Rollouts
}
#: The same table keyed by graph kind (``k8s:Deployment``).
POD_SPEC_PATHS: dict[str, str] = {f"k8s:{kind}": path for kind, path in WORKLOAD_KINDS.items()}
#: Workload kinds whose ``replicas`` count copies of one pod.
REPLICATED = frozenset(
    {"k8s:Deployment", "k8s:StatefulSet", "k8s:ReplicaSet", "k8s:Rollout", "k8s:ReplicationController"}
)
#: Node labels that name a zone (topology spread, node affinity).
ZONE_KEYS = frozenset({"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"})
