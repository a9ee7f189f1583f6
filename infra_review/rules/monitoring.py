"""Rules of the ``monitoring`` area: infrastructure and application monitoring, logs, alerting,
thresholds, SLOs, runbooks and chaos engineering (MON001–MON010).

Guided questions (SLO, chaos, APM, runbooks) get their evidence from the ``evidence_*``
functions here; ``infra_review.rules.guided`` registers the questions.

Catalog corrections (RULES.md draft → AWS provider docs):

- MON004: ``aws_lb.access_logs.enabled`` defaults to ``false`` even when a bucket is given, so
  a block without ``enabled = true`` is a FAIL; ``aws_elb.access_logs.enabled`` defaults to
  ``true``.  ``retention_in_days = 0`` means "never expire" (a FAIL, like an absent value).
  API Gateway stages without ``access_log_settings`` are added (CKV_AWS_76).
- MON005: "no multi-region CloudTrail" is not a FAIL when the repository has no trail at all
  (organisation trails usually live in an account-baseline repository); it is reported as
  evidence (:func:`evidence_audit_logging`).  A trail with ``is_multi_region_trail`` ≠ true is.
- MON006: an alarm without actions that another resource references (a composite alarm's
  ``alarm_rule``, an ECS/CodeDeploy rollback alarm, a FIS stop condition) is not a FAIL: it
  is consumed, not meant to page.
- MON008: the flag "none" is raised on each internet-facing entry point (public ALB/NLB, API
  Gateway, CloudFront, Kubernetes Ingress) when the repository defines no SLO object at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from infra_review.analysis.coverage_monitoring import MONITORED_KINDS, alarm_coverage
from infra_review.analysis.k8s import containers, get_path, workloads
from infra_review.analysis.net_attrs import block, refs_of, resolve
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, Status, Unresolved
from infra_review.model.coerce import tri
from infra_review.rules._registry import Hit, rule

__all__ = [
    "SLO_KINDS",
    "evidence_alarm_coverage",
    "evidence_apm",
    "evidence_audit_logging",
    "evidence_chaos",
    "evidence_runbooks",
    "evidence_slo",
]

_ALARMS = ("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")
_URL = re.compile(r"https?://\S+", re.I)


def _managed(rg: ResourceGraph, *kinds: str) -> Iterator[Resource]:
    for r in rg.resources(*kinds):
        if r.block in ("resource", "k8s"):
            yield r


def _resource_referrers(rg: ResourceGraph, address: str, *kinds: str) -> list[Resource]:
    return [r for r in rg.referrers(address, *kinds) if r.block in ("resource", "k8s")]


# -- MON001 -------------------------------------------------------------------------------------
@rule("MON001", area=Area.MONITORING, severity=Severity.MEDIUM, title="Resource has no CloudWatch alarm")
def resource_without_alarm(rg: ResourceGraph) -> Iterator[Hit]:
    """An instance, ASG, database, cache, load balancer, target group, ECS service, Lambda
    function, SQS queue, NAT gateway or DynamoDB table has no ``aws_cloudwatch_metric_alarm``
    whose ``dimensions`` (or ``metric_query[].metric.dimensions``) name it.

    Monitored resources yield a PASS hit whose evidence lists their alarms and the missing
    metric classes (CPU, memory, disk, network; memory and disk on EC2 need the CloudWatch
    agent, namespace ``CWAgent``).  See :mod:`infra_review.analysis.coverage_monitoring`.

    Why it matters
    --------------
    A resource nobody alarms on fails silently: the first signal is a customer complaint.

    Remediation
    -----------
    Add an alarm on the resource's key metrics with the matching dimension
    (``InstanceId``, ``DBInstanceIdentifier``, ``LoadBalancer = aws_lb.x.arn_suffix``, ...)
    and an SNS action, or use a monitoring module that creates them per resource.

    Example
    -------
    .. code-block:: hcl

        resource "aws_cloudwatch_metric_alarm" "db_cpu" {
          metric_name = "CPUUtilization"
          namespace   = "AWS/RDS"
          dimensions  = { DBInstanceIdentifier = aws_db_instance.main.identifier }
          ...
        }
    """
    cov = alarm_coverage(rg)
    for addr in cov.unmonitored:
        r = rg[addr]
        dims = ", ".join(MONITORED_KINDS[r.kind])
        yield Hit(
            r,
            f"no CloudWatch alarm has a {dims} dimension referencing this {r.kind}",
            evidence={
                "expected_dimensions": list(MONITORED_KINDS[r.kind]),
                "alarms_in_repo": len(cov.alarms),
            },
        )
    for addr, why in sorted(cov.unknown.items()):
        yield Hit(rg[addr], f"alarm coverage undecidable: {why}", status=Status.UNKNOWN)
    for addr, links in cov.monitored.items():
        missing = cov.missing_metrics.get(addr, ())
        msg = f"{len(links)} alarm(s)" + (f"; no alarm on {', '.join(missing)}" if missing else "")
        yield Hit(
            rg[addr],
            msg,
            status=Status.PASS,
            evidence={
                "alarms": [{"alarm": ln.alarm, "metric": ln.metric, "via": ln.via} for ln in links],
                "missing_metrics": list(missing),
            },
        )


# -- MON002 -------------------------------------------------------------------------------------
@rule(
    "MON002",
    area=Area.MONITORING,
    severity=Severity.LOW,
    title="Detailed / enhanced monitoring off",
    checkov=("CKV_AWS_126", "CKV_AWS_118", "CKV_AWS_65"),
)
def detailed_monitoring_off(rg: ResourceGraph) -> Iterator[Hit]:
    """EC2 detailed monitoring (``aws_instance.monitoring``, launch template
    ``monitoring.enabled``), RDS Enhanced Monitoring (``monitoring_interval`` > 0 on
    ``aws_db_instance``/``aws_rds_cluster_instance``), ECS Container Insights
    (``aws_ecs_cluster.setting { name = "containerInsights" }`` ``enabled``/``enhanced``) or GKE
    Cloud Monitoring (``google_container_cluster.monitoring_service = "none"``) is off.

    Why it matters
    --------------
    Basic EC2 metrics arrive every 5 minutes, so an alarm needs 10–15 minutes to fire; RDS
    without Enhanced Monitoring shows no OS-level memory, swap or process data; ECS without
    Container Insights has no per-task CPU/memory.

    Remediation
    -----------
    Set ``monitoring = true``, ``monitoring_interval = 60`` (with ``monitoring_role_arn``) and
    the ``containerInsights`` cluster setting.

    Example
    -------
    .. code-block:: hcl

        resource "aws_instance" "web" { monitoring = true }
        resource "aws_ecs_cluster" "main" {
          setting { name = "containerInsights"  value = "enabled" }
        }
    """
    for r in _managed(rg, "aws_instance"):
        v = tri(r.attrs.get("monitoring"), default=False)
        if v is None:
            yield Hit(r, "`monitoring` is not known statically", "monitoring", Status.UNKNOWN)
        elif not v:
            yield Hit(
                r, "detailed monitoring is off (`monitoring` is not true): 5-minute metrics", "monitoring"
            )
    for r in _managed(rg, "aws_launch_template"):
        mon = block(r.attrs, "monitoring")
        v = tri(mon[0].get("enabled"), default=False) if mon else False
        if isinstance(r.attrs.get("monitoring"), Unresolved):
            v = None
        if v is None:
            yield Hit(
                r, "`monitoring.enabled` is not known statically", "monitoring[0].enabled", Status.UNKNOWN
            )
        elif not v:
            yield Hit(r, "launch template does not enable detailed monitoring", "monitoring[0].enabled")
    for r in _managed(rg, "aws_db_instance", "aws_rds_cluster_instance"):
        iv = r.attrs.get("monitoring_interval", 0)
        if isinstance(iv, Unresolved):
            yield Hit(
                r, "`monitoring_interval` is not known statically", "monitoring_interval", Status.UNKNOWN
            )
        elif not iv or str(iv) == "0":
            yield Hit(
                r,
                "RDS Enhanced Monitoring is off (`monitoring_interval` is 0 or unset)",
                "monitoring_interval",
            )
    for r in _managed(rg, "aws_ecs_cluster"):
        settings = r.attrs.get("setting")
        if isinstance(settings, Unresolved) or (
            isinstance(settings, list) and any(isinstance(s, Unresolved) for s in settings)
        ):
            yield Hit(r, "cluster `setting` is not known statically", "setting", Status.UNKNOWN)
            continue
        ci = [s for s in block(r.attrs, "setting") if s.get("name") == "containerInsights"]
        value = ci[0].get("value") if ci else None
        if isinstance(value, Unresolved):
            yield Hit(r, "containerInsights value is not known statically", "setting", Status.UNKNOWN)
        elif value not in ("enabled", "enhanced"):
            yield Hit(r, "ECS Container Insights is not enabled", "setting")
    for r in _managed(rg, "google_container_cluster"):
        v = r.attrs.get("monitoring_service")
        if isinstance(v, Unresolved):
            yield Hit(r, "`monitoring_service` is not known statically", "monitoring_service", Status.UNKNOWN)
        elif v == "none":
            msg = 'GKE cluster monitoring is off (`monitoring_service = "none"`)'
            yield Hit(r, msg, "monitoring_service")


# -- MON003 -------------------------------------------------------------------------------------
_APM_ENV = re.compile(
    r"^(OTEL_|DD_|NEW_RELIC_|NEWRELIC_|ELASTIC_APM_|AWS_XRAY_|HONEYCOMB_|DT_|APPLICATIONINSIGHTS_)", re.I
)
_APM_IMAGE = re.compile(
    r"(opentelemetry|otel|aws-otel|xray|datadog|newrelic|dynatrace|elastic/apm|splunk-otel)", re.I
)
_APM_LAYER = re.compile(
    r"(otel|opentelemetry|datadog|newrelic|NewRelic|dynatrace|lumigo|AWSLambdaPowertools|xray)", re.I
)
_COLLECTOR_IMAGE = re.compile(
    r"(opentelemetry-collector|otel/|aws-otel-collector|datadog/agent|newrelic-infrastructure)"
)
_COLLECTOR_KINDS = (
    "k8s:OpenTelemetryCollector",
    "k8s:Instrumentation",
    "k8s:ServiceMonitor",
    "k8s:PodMonitor",
)


def _container_defs(td: Resource) -> list[Mapping[str, Any]] | None:
    raw = td.attrs.get("container_definitions")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    if isinstance(raw, list) and all(isinstance(c, Mapping) for c in raw):
        return list(raw)
    return None


def _env_names(env: Any) -> list[str]:
    if isinstance(env, Mapping):
        return [str(k) for k in env]
    if isinstance(env, list):
        return [str(e.get("name")) for e in env if isinstance(e, Mapping) and e.get("name")]
    return []


def _ecs_apm(defs: list[Mapping[str, Any]]) -> str:
    for c in defs:
        if isinstance(c.get("image"), str) and _APM_IMAGE.search(c["image"]):
            return f"sidecar image {c['image']}"
        names = [n for n in _env_names(c.get("environment")) if _APM_ENV.match(n)]
        if names:
            return f"env {names[0]}"
    return ""


_INFRA_IMAGE = re.compile(
    r"^(nginx|redis|valkey|postgres|mysql|mariadb|memcached|rabbitmq|mongo|elasticsearch|opensearch|haproxy|"
    r"envoy|traefik|busybox|zookeeper|kafka|etcd|consul|vault|minio|cassandra|"
    # the observability and cluster-add-on stack itself (kube-prometheus, ingress, DNS, certs)
    r"grafana|prometheus|alertmanager|loki|promtail|tempo|jaeger[\w-]*|thanos|pushgateway|"
    r"node-exporter|blackbox-exporter|kube-state-metrics|kube-rbac-proxy|prometheus-operator|"
    r"prometheus-config-reloader|opentelemetry-collector[\w-]*|fluent-bit|fluentd|vector|"
    r"coredns|ingress-nginx|cert-manager[\w-]*|external-dns|cluster-autoscaler)([:@-]|$)"
)


def _is_infra_image(image: Any) -> bool:
    """An off-the-shelf server image (nginx, redis, postgres, ...): not application code."""
    if not isinstance(image, str):
        return False
    return bool(_INFRA_IMAGE.match(image.rsplit("/", 1)[-1])) or "/ingress-nginx/" in image


def _configmap_keys(rg: ResourceGraph, w: Resource, name: Any) -> list[str]:
    ns = str(w.meta.get("namespace", "default"))
    cm = rg.get(f"k8s:core/ConfigMap/{ns}/{name}")
    data = cm.attrs.get("data") if cm is not None else None
    return [str(k) for k in data] if isinstance(data, Mapping) else []


def _k8s_apm(w: Resource, rg: ResourceGraph | None = None) -> str:
    anns = get_path(w.attrs, "spec.template.metadata.annotations") or {}
    if isinstance(anns, Mapping):
        for k in anns:
            if str(k).startswith(
                ("instrumentation.opentelemetry.io/inject", "prometheus.io/scrape", "ad.datadoghq.com")
            ):
                return f"annotation {k}"
    for c, _path, _line in containers(w):
        if isinstance(c.get("image"), str) and _APM_IMAGE.search(c["image"]):
            return f"container image {c['image']}"
        names = [n for n in _env_names(c.get("env")) if _APM_ENV.match(n)]
        if rg is not None and isinstance(c.get("envFrom"), list):
            for src in c["envFrom"]:
                ref = src.get("configMapRef") if isinstance(src, Mapping) else None
                if isinstance(ref, Mapping):
                    names += [n for n in _configmap_keys(rg, w, ref.get("name")) if _APM_ENV.match(n)]
        if names:
            return f"env {names[0]}"
    return ""


def _k8s_app_workload(w: Resource) -> bool:
    images = [c.get("image") for c, _p, _l in containers(w)]
    return bool(images) and not all(_is_infra_image(i) for i in images)


def _platform_apm(rg: ResourceGraph) -> list[str]:
    """Repository-wide APM signals: collectors, ServiceMonitors, X-Ray groups, log metric filters."""
    out = [r.address for r in _managed(rg, *_COLLECTOR_KINDS)]
    for w in workloads(rg):
        if w.kind in ("k8s:DaemonSet", "k8s:Deployment") and any(
            isinstance(c.get("image"), str) and _COLLECTOR_IMAGE.search(c["image"])
            for c, _p, _l in containers(w)
        ):
            out.append(w.address)
    for r in _managed(rg, "helm_release"):
        chart = r.attrs.get("chart")
        if isinstance(chart, str) and re.search(
            r"(opentelemetry|datadog|newrelic|dynatrace|kube-prometheus)", chart
        ):
            out.append(r.address)
    out += [
        r.address
        for r in _managed(rg, "aws_xray_group", "aws_xray_sampling_rule", "aws_cloudwatch_log_metric_filter")
    ]
    return out


@rule(
    "MON003",
    area=Area.MONITORING,
    severity=Severity.LOW,
    title="Workload without APM / tracing",
    checkov=("CKV_AWS_50", "CKV_AWS_73"),
)
def workload_without_apm(rg: ResourceGraph) -> Iterator[Hit]:
    """Guided + flag.  A workload (Lambda function, API Gateway stage, Fargate/ECS service,
    Kubernetes Deployment/StatefulSet running application code — not only off-the-shelf
    server images such as nginx or redis) shows no application-monitoring signal of its own —
    Lambda ``tracing_config.mode = "Active"`` or an APM layer/env, ``xray_tracing_enabled`` on
    the stage, an ``OTEL_*``/``DD_*``/... env (also through ``envFrom`` ConfigMaps) or collector
    sidecar, an OpenTelemetry/Prometheus annotation — *and* the repository has no platform-level
    collector (OpenTelemetry Collector, ServiceMonitor/PodMonitor, APM agent DaemonSet or
    Helm chart, X-Ray group, log metric filter).  Everything found feeds
    :func:`evidence_apm`.

    Why it matters
    --------------
    Infrastructure metrics say a host is busy, not which request is slow or failing.
    Without traces or custom metrics, latency and error budgets cannot be measured.

    Remediation
    -----------
    Enable X-Ray / OpenTelemetry tracing (Lambda ``tracing_config { mode = "Active" }``,
    API Gateway ``xray_tracing_enabled = true``, an ADOT collector sidecar or DaemonSet) or
    your APM vendor's agent, and export business metrics.

    Example
    -------
    .. code-block:: hcl

        resource "aws_lambda_function" "api" {
          tracing_config { mode = "Active" }
        }
    """
    if _platform_apm(rg):
        return
    for r in _managed(rg, "aws_lambda_function"):
        tc = r.attrs.get("tracing_config")
        mode = block(r.attrs, "tracing_config")[0].get("mode") if block(r.attrs, "tracing_config") else None
        if isinstance(tc, Unresolved) or isinstance(mode, Unresolved):
            yield Hit(r, "tracing mode is not known statically", "tracing_config", Status.UNKNOWN)
            continue
        layers = r.attrs.get("layers")
        layer_hit = isinstance(layers, list) and any(
            isinstance(x, str) and _APM_LAYER.search(x) for x in layers
        )
        env = block(r.attrs, "environment")
        env_vars = env[0].get("variables") if env else None
        env_hit = any(_APM_ENV.match(n) for n in _env_names(env_vars))
        if mode != "Active" and not layer_hit and not env_hit:
            yield Hit(
                r,
                "no tracing (`tracing_config.mode` is not Active) and no APM layer or env",
                "tracing_config",
            )
    for r in _managed(rg, "aws_api_gateway_stage"):
        v = tri(r.attrs.get("xray_tracing_enabled"), default=False)
        if v is None:
            yield Hit(
                r, "`xray_tracing_enabled` is not known statically", "xray_tracing_enabled", Status.UNKNOWN
            )
        elif not v:
            yield Hit(r, "X-Ray tracing is off on this API stage", "xray_tracing_enabled")
    for r in _managed(rg, "aws_ecs_service"):
        tds = rg.referenced(r.address, "aws_ecs_task_definition")
        if not tds:
            yield Hit(r, "task definition not found in the graph", "task_definition", Status.UNKNOWN)
            continue
        defs = _container_defs(tds[0])
        if defs is None:
            yield Hit(r, "container definitions are not known statically", "task_definition", Status.UNKNOWN)
        elif not _ecs_apm(defs) and not all(_is_infra_image(c.get("image")) for c in defs):
            yield Hit(r, f"no APM/tracing env or collector sidecar in {tds[0].address}", "task_definition")
    for w in workloads(rg):
        app = w.kind in ("k8s:Deployment", "k8s:StatefulSet", "k8s:Rollout") and _k8s_app_workload(w)
        if app and not _k8s_apm(w, rg):
            yield Hit(w, "no OpenTelemetry/APM env, sidecar or instrumentation annotation", "spec.template")


def evidence_apm(rg: ResourceGraph) -> dict[str, Any]:
    """Application-monitoring inventory: platform collectors and per-workload signals."""
    platform = _platform_apm(rg)
    signals: dict[str, str] = {}
    for r in _managed(rg, "aws_lambda_function"):
        tc = block(r.attrs, "tracing_config")
        if tc and tc[0].get("mode") == "Active":
            signals[r.address] = "X-Ray active tracing"
    for r in _managed(rg, "aws_api_gateway_stage"):
        if tri(r.attrs.get("xray_tracing_enabled")):
            signals[r.address] = "X-Ray tracing"
    for r in _managed(rg, "aws_ecs_service"):
        tds = rg.referenced(r.address, "aws_ecs_task_definition")
        defs = _container_defs(tds[0]) if tds else None
        if defs and _ecs_apm(defs):
            signals[r.address] = _ecs_apm(defs)
    for w in workloads(rg):
        if _k8s_apm(w, rg):
            signals[w.address] = _k8s_apm(w, rg)
    return {
        "summary": f"{len(platform)} platform APM component(s), {len(signals)} instrumented workload(s)",
        "platform": platform,
        "workloads": signals,
    }


# -- MON004 -------------------------------------------------------------------------------------
@rule(
    "MON004",
    area=Area.MONITORING,
    severity=Severity.MEDIUM,
    title="Logs not collected or kept forever",
    checkov=(
        "CKV_AWS_66",
        "CKV_AWS_91",
        "CKV_AWS_92",
        "CKV_AWS_86",
        "CKV_AWS_37",
        "CKV_AWS_129",
        "CKV_AWS_76",
    ),
)
def logs_missing(rg: ResourceGraph) -> Iterator[Hit]:
    """Log aggregation gaps: a CloudWatch log group without ``retention_in_days`` (or 0, never
    expire); an ALB/NLB whose ``access_logs`` are not ``enabled = true`` (the provider default
    is false even with a bucket); a classic ELB without ``access_logs`` or with
    ``enabled = false``; CloudFront without ``logging_config``; an API Gateway stage without
    ``access_log_settings``; EKS without ``enabled_cluster_log_types``; RDS
    (``aws_db_instance``, ``aws_rds_cluster``) without ``enabled_cloudwatch_logs_exports``,
    Neptune and DocumentDB clusters without ``enable_cloudwatch_logs_exports``; an
    OpenSearch/Elasticsearch domain without any enabled ``log_publishing_options``; an ECS
    container definition without ``logConfiguration``; an EKS cluster whose repository
    deploys Kubernetes workloads but no log shipper (Fluent Bit/Fluentd/Vector/Promtail/...
    DaemonSet or Helm chart, ``amazon-cloudwatch-observability``/``adot`` add-on; info); a GKE
    cluster with ``logging_service = "none"``; an AKS cluster whose Container Insights agent
    (``oms_agent``, or the legacy ``addon_profile.oms_agent``) is explicitly disabled.

    Why it matters
    --------------
    Without access, audit and application logs an incident cannot be reconstructed; logs
    kept forever cost more every month and hold personal data longer than allowed.

    Remediation
    -----------
    Set a retention on every log group, enable access logs to a log bucket, export database
    and control-plane logs, and give every container a ``logConfiguration`` (awslogs,
    FireLens).

    Example
    -------
    .. code-block:: hcl

        resource "aws_cloudwatch_log_group" "app" { retention_in_days = 30 }
        resource "aws_lb" "web" {
          access_logs { bucket = aws_s3_bucket.logs.id  enabled = true }
        }
    """
    for r in _managed(rg, "aws_cloudwatch_log_group"):
        v = r.attrs.get("retention_in_days")
        if isinstance(v, Unresolved):
            yield Hit(r, "`retention_in_days` is not known statically", "retention_in_days", Status.UNKNOWN)
        elif v is None or str(v) == "0":
            yield Hit(r, "log group never expires (`retention_in_days` unset or 0)", "retention_in_days")
    for r in _managed(rg, "aws_lb", "aws_alb"):
        lbt = r.attrs.get("load_balancer_type", "application")
        if lbt == "gateway":
            continue
        yield from _access_logs(r, default_enabled=False)
    for r in _managed(rg, "aws_elb"):
        yield from _access_logs(r, default_enabled=True)
    for r in _managed(rg, "aws_cloudfront_distribution"):
        if isinstance(r.attrs.get("logging_config"), Unresolved):
            yield Hit(r, "`logging_config` is not known statically", "logging_config", Status.UNKNOWN)
        elif not block(r.attrs, "logging_config"):
            yield Hit(
                r, "CloudFront distribution has no `logging_config` (standard access logs)", "logging_config"
            )
    for r in _managed(rg, "aws_api_gateway_stage", "aws_apigatewayv2_stage"):
        if isinstance(r.attrs.get("access_log_settings"), Unresolved):
            yield Hit(
                r, "`access_log_settings` is not known statically", "access_log_settings", Status.UNKNOWN
            )
        elif not block(r.attrs, "access_log_settings"):
            yield Hit(r, "API stage has no `access_log_settings`", "access_log_settings")
    exports = [
        (r, "enabled_cluster_log_types", "EKS control-plane logs") for r in _managed(rg, "aws_eks_cluster")
    ]
    for r in _managed(rg, "aws_db_instance", "aws_rds_cluster"):
        exports.append((r, "enabled_cloudwatch_logs_exports", "database logs"))
    for r in _managed(rg, "aws_neptune_cluster", "aws_docdb_cluster"):  # no "d" in their attribute
        exports.append((r, "enable_cloudwatch_logs_exports", "database logs"))
    for r, attr, what in exports:
        v = r.attrs.get(attr)
        if isinstance(v, Unresolved):
            yield Hit(r, f"`{attr}` is not known statically", attr, Status.UNKNOWN)
        elif not v:
            yield Hit(r, f"{what} are not exported (`{attr}` empty)", attr)
    if any(True for _ in workloads(rg)) and not _log_shippers(rg):
        for r in _managed(rg, "aws_eks_cluster"):
            yield Hit(
                r,
                "no log-shipper DaemonSet, Helm chart or observability add-on for the cluster's pods",
                severity=Severity.INFO,
            )
    for r in _managed(rg, "aws_opensearch_domain", "aws_elasticsearch_domain"):
        raw = r.attrs.get("log_publishing_options")
        if isinstance(raw, Unresolved) or (
            isinstance(raw, list) and any(isinstance(x, Unresolved) for x in raw)
        ):
            what = "`log_publishing_options` is not known statically"
            yield Hit(r, what, "log_publishing_options", Status.UNKNOWN)
        elif not [o for o in block(r.attrs, "log_publishing_options") if tri(o.get("enabled"), default=True)]:
            yield Hit(
                r,
                "search domain publishes no logs (no `log_publishing_options`: audit, slow, error logs)",
                "log_publishing_options",
            )
    yield from _k8s_platform_logs(rg)
    for r in _managed(rg, "aws_ecs_task_definition"):
        defs = _container_defs(r)
        if defs is None:
            if r.attrs.get("container_definitions") is not None:
                yield Hit(
                    r,
                    "container definitions are not known statically",
                    "container_definitions",
                    Status.UNKNOWN,
                )
            continue
        for i, c in enumerate(defs):
            if not c.get("logConfiguration"):
                name = c.get("name", i)
                yield Hit(
                    r,
                    f"container {name} has no `logConfiguration`: its stdout is lost",
                    f"container_definitions[{i}].logConfiguration",
                )


def _k8s_platform_logs(rg: ResourceGraph) -> Iterator[Hit]:
    """GKE ``logging_service = "none"``; AKS Container Insights explicitly disabled."""
    for r in _managed(rg, "google_container_cluster"):
        v = r.attrs.get("logging_service")
        if isinstance(v, Unresolved):
            yield Hit(r, "`logging_service` is not known statically", "logging_service", Status.UNKNOWN)
        elif v == "none":
            yield Hit(r, 'GKE cluster logging is off (`logging_service = "none"`)', "logging_service")
    for r in _managed(rg, "azurerm_kubernetes_cluster"):
        legacy = [o for ap in block(r.attrs, "addon_profile") for o in block(ap, "oms_agent")]
        if not legacy or r.attrs.get("oms_agent"):
            continue  # the current provider's `oms_agent` block enables it by its presence
        enabled = tri(legacy[0].get("enabled"), default=True)
        if enabled is None:
            what = "`addon_profile.oms_agent.enabled` is not known statically"
            yield Hit(r, what, "addon_profile", Status.UNKNOWN)
        elif enabled is False:
            yield Hit(
                r,
                "Container Insights is disabled (`addon_profile.oms_agent.enabled = false`)",
                "addon_profile.oms_agent.enabled",
            )


_SHIPPER = re.compile(
    r"(fluent-?bit|fluentd|vector|promtail|grafana/alloy|filebeat|elastic-agent|otel|opentelemetry|"
    r"aws-for-fluent-bit|cloudwatch-agent|datadog|newrelic|splunk|logstash)",
    re.I,
)


def _log_shippers(rg: ResourceGraph) -> list[str]:
    """Cluster log collection: a shipper DaemonSet, Helm release or EKS observability add-on."""
    out = []
    for w in _managed(rg, "k8s:DaemonSet"):
        if any(
            isinstance(c.get("image"), str) and _SHIPPER.search(c["image"]) for c, _p, _l in containers(w)
        ):
            out.append(w.address)
    for r in _managed(rg, "helm_release"):
        chart = r.attrs.get("chart")
        if isinstance(chart, str) and _SHIPPER.search(chart):
            out.append(r.address)
    for r in _managed(rg, "aws_eks_addon"):
        name = r.attrs.get("addon_name")
        if isinstance(name, str) and name in ("amazon-cloudwatch-observability", "adot"):
            out.append(r.address)
    return out


def _access_logs(r: Resource, default_enabled: bool) -> Iterator[Hit]:
    raw = r.attrs.get("access_logs")
    blocks = block(r.attrs, "access_logs")
    if isinstance(raw, Unresolved):
        yield Hit(r, "`access_logs` is not known statically", "access_logs", Status.UNKNOWN)
        return
    if not blocks:
        yield Hit(r, "load balancer access logs are off (no `access_logs` block)", "access_logs")
        return
    v = tri(blocks[0].get("enabled"), default=default_enabled)
    if v is None:
        yield Hit(
            r, "`access_logs.enabled` is not known statically", "access_logs[0].enabled", Status.UNKNOWN
        )
    elif not v:
        why = "" if "enabled" in blocks[0] else " (defaults to false even with a bucket)"
        yield Hit(r, f"load balancer access logs are not enabled{why}", "access_logs[0].enabled")


# -- MON005 -------------------------------------------------------------------------------------
@rule(
    "MON005",
    area=Area.MONITORING,
    severity=Severity.MEDIUM,
    title="VPC flow logs or multi-region trail missing",
    checkov=("CKV2_AWS_11", "CKV_AWS_67"),
)
def flow_logs_and_trail(rg: ResourceGraph) -> Iterator[Hit]:
    """A VPC that no ``aws_flow_log`` references (``vpc_id``), or a CloudTrail trail with
    ``is_multi_region_trail`` ≠ true.  A repository without any trail is reported as
    evidence (:func:`evidence_audit_logging`), not as a FAIL: organisation trails usually
    live elsewhere.  GCP: a ``google_compute_subnetwork`` without ``log_config`` (VPC flow
    logs are per subnet; proxy-only and Private Service Connect subnets cannot have them).
    Azure: an ``azurerm_network_watcher_flow_log`` with ``enabled = false``.

    Why it matters
    --------------
    Flow logs are the only record of who talked to what inside a VPC; a single-region trail
    misses API calls made in every other region (a favourite place to hide crypto miners).

    Remediation
    -----------
    Add an ``aws_flow_log`` per VPC (``traffic_type = "ALL"``) and make trails
    multi-region.

    Example
    -------
    .. code-block:: hcl

        resource "aws_flow_log" "main" {
          vpc_id          = aws_vpc.main.id
          traffic_type    = "ALL"
          log_destination = aws_cloudwatch_log_group.flow.arn
          iam_role_arn    = aws_iam_role.flow.arn
        }
    """
    flow_logs = list(_managed(rg, "aws_flow_log"))
    covered: set[str] = set()
    literal_ids: set[str] = set()
    opaque = []
    for fl in flow_logs:
        v = fl.attrs.get("vpc_id")
        refs = refs_of(v)
        for ref in refs:
            covered.update(resolve(rg, ref))
        for target in rg.referenced(fl.address, "aws_vpc"):
            covered.add(target.address)
        if isinstance(v, str):
            literal_ids.add(v)
        elif isinstance(v, Unresolved) and not refs:
            opaque.append(fl.address)
    for vpc in _managed(rg, "aws_vpc"):
        if vpc.address in covered or (
            isinstance(vpc.attrs.get("id"), str) and vpc.attrs["id"] in literal_ids
        ):
            continue
        if opaque:
            yield Hit(
                vpc, f"{opaque[0]} has an unresolved `vpc_id` that may be this VPC", "vpc_id", Status.UNKNOWN
            )
        else:
            yield Hit(
                vpc, "no `aws_flow_log` references this VPC", evidence={"flow_logs_in_repo": len(flow_logs)}
            )
    for sn in _managed(rg, "google_compute_subnetwork"):
        purpose = sn.attrs.get("purpose")
        if isinstance(purpose, str) and purpose not in ("PRIVATE", "PRIVATE_RFC_1918"):
            continue  # REGIONAL_MANAGED_PROXY, PRIVATE_SERVICE_CONNECT, ...: no flow logs
        lc = sn.attrs.get("log_config")
        parts = lc if isinstance(lc, list) else [lc]
        if any(isinstance(x, Unresolved) for x in parts):
            yield Hit(sn, "`log_config` is not known statically", "log_config", Status.UNKNOWN)
        elif not lc:
            yield Hit(sn, "subnetwork has no `log_config`: VPC flow logs are off", "log_config")
    for fl in _managed(rg, "azurerm_network_watcher_flow_log"):
        v = tri(fl.attrs.get("enabled"), default=True)
        if v is None:
            yield Hit(fl, "`enabled` is not known statically", "enabled", Status.UNKNOWN)
        elif v is False:
            yield Hit(fl, "NSG flow log is disabled (`enabled = false`)", "enabled")
    for t in _managed(rg, "aws_cloudtrail"):
        v = tri(t.attrs.get("is_multi_region_trail"), default=False)
        if v is None:
            yield Hit(
                t, "`is_multi_region_trail` is not known statically", "is_multi_region_trail", Status.UNKNOWN
            )
        elif not v:
            yield Hit(
                t,
                "trail records one region only (`is_multi_region_trail` is not true)",
                "is_multi_region_trail",
            )


def evidence_audit_logging(rg: ResourceGraph) -> dict[str, Any]:
    """Trails, flow logs and AWS Config recorders defined in the repository."""
    trails = [t.address for t in _managed(rg, "aws_cloudtrail")]
    multi = [t.address for t in _managed(rg, "aws_cloudtrail") if tri(t.attrs.get("is_multi_region_trail"))]
    flows = [f.address for f in _managed(rg, "aws_flow_log")]
    vpcs = [v.address for v in _managed(rg, "aws_vpc")]
    recorders = [r.address for r in _managed(rg, "aws_config_configuration_recorder")]
    summary = (
        f"{len(trails)} trail(s) ({len(multi)} multi-region), {len(flows)} flow log(s) for {len(vpcs)} VPC(s)"
        + ("" if trails else "; no CloudTrail here: confirm an organisation trail covers this account")
    )
    return {
        "summary": summary,
        "trails": trails,
        "multi_region_trails": multi,
        "flow_logs": flows,
        "vpcs": vpcs,
        "config_recorders": recorders,
    }


# -- MON006 -------------------------------------------------------------------------------------
@rule(
    "MON006",
    area=Area.MONITORING,
    severity=Severity.MEDIUM,
    title="Alarm notifies nobody",
    checkov=("CKV_AWS_319",),
)
def alarm_without_action(rg: ResourceGraph) -> Iterator[Hit]:
    """A CloudWatch metric or composite alarm with ``actions_enabled = false``, with no
    ``alarm_actions``, or whose SNS topic has no ``aws_sns_topic_subscription``.  Alarms
    referenced by another resource (composite ``alarm_rule``, ECS/CodeDeploy rollback, FIS
    stop condition) need no action of their own.  Topics given as literal ARNs are assumed to
    be managed elsewhere.

    Why it matters
    --------------
    An alarm that pages nobody is a dashboard light in an empty room: the outage is noticed
    by customers first.

    Remediation
    -----------
    Point ``alarm_actions`` (and ``ok_actions``) at an SNS topic with a subscription (PagerDuty,
    Opsgenie, email, Chatbot), and keep ``actions_enabled`` true.

    Example
    -------
    .. code-block:: hcl

        resource "aws_sns_topic_subscription" "oncall" {
          topic_arn = aws_sns_topic.alerts.arn
          protocol  = "https"
          endpoint  = var.pagerduty_endpoint
        }
    """
    for a in _managed(rg, *_ALARMS):
        enabled = tri(a.attrs.get("actions_enabled"), default=True)
        if enabled is False:
            yield Hit(a, "alarm actions are disabled (`actions_enabled = false`)", "actions_enabled")
            continue
        consumers = [
            r for r in _resource_referrers(rg, a.address) if r.kind not in ("aws_sns_topic_subscription",)
        ]
        actions = a.attrs.get("alarm_actions")
        if isinstance(actions, Unresolved) and not actions.refs:
            yield Hit(a, "`alarm_actions` is not known statically", "alarm_actions", Status.UNKNOWN)
            continue
        if not actions:
            if not consumers:
                yield Hit(a, "alarm has no `alarm_actions`: it notifies nobody", "alarm_actions")
            continue
        if enabled is None:
            yield Hit(a, "`actions_enabled` is not known statically", "actions_enabled", Status.UNKNOWN)
            continue
        topics = [
            rg[x] for ref in refs_of(actions) for x in resolve(rg, ref) if rg[x].kind == "aws_sns_topic"
        ]
        for t in rg.referenced(a.address, "aws_sns_topic", attr="alarm_actions"):
            if t not in topics:
                topics.append(t)
        for t in topics:
            subs = _resource_referrers(rg, t.address, "aws_sns_topic_subscription")
            if not subs:
                yield Hit(
                    a,
                    f"action topic {t.address} has no `aws_sns_topic_subscription`",
                    "alarm_actions",
                    evidence={"topic": t.address},
                )


# -- MON007 -------------------------------------------------------------------------------------
_HEALTH_METRICS = frozenset(
    {
        "HealthyHostCount",
        "UnHealthyHostCount",
        "StatusCheckFailed",
        "StatusCheckFailed_Instance",
        "StatusCheckFailed_System",
        "HealthCheckStatus",
        "HealthCheckPercentageHealthy",
    }
)


@rule("MON007", area=Area.MONITORING, severity=Severity.LOW, title="Alarm threshold likely noisy or blind")
def alarm_thresholds(rg: ResourceGraph) -> Iterator[Hit]:
    """Alarm tuning smells: ``evaluation_periods = 1`` with ``period`` ≤ 60 s (one spike
    pages); a ``CPUUtilization`` alarm on ``GreaterThan*`` with a threshold ≥ 95 (fires
    after saturation) or ≤ 20 (always firing); ``treat_missing_data = "notBreaching"`` on a
    health metric (a dead target reports nothing and looks healthy); a ``PrometheusRule``
    alert without ``for:`` or without a ``severity`` label.

    Why it matters
    --------------
    Noisy alarms train people to ignore pages; blind ones stay green during the outage.

    Remediation
    -----------
    Use ``datapoints_to_alarm``/``evaluation_periods`` over several minutes, thresholds with
    head-room (70–85 % CPU), ``treat_missing_data = "breaching"`` on health metrics, and
    ``for:`` plus a ``severity`` label on every Prometheus alert.

    Example
    -------
    .. code-block:: hcl

        resource "aws_cloudwatch_metric_alarm" "cpu" {
          evaluation_periods  = 3
          period              = 60
          comparison_operator = "GreaterThanThreshold"
          threshold           = 80
        }
    """
    for a in _managed(rg, "aws_cloudwatch_metric_alarm"):
        at = a.attrs
        ev, period = at.get("evaluation_periods"), at.get("period")
        if isinstance(ev, Unresolved) or isinstance(period, Unresolved):
            yield Hit(a, "evaluation window is not known statically", "evaluation_periods", Status.UNKNOWN)
        elif _int(ev) == 1 and period is not None and (_int(period) or 0) <= 60:
            yield Hit(
                a, f"one {period}s datapoint fires the alarm: a single spike pages", "evaluation_periods"
            )
        metric, op, thr = at.get("metric_name"), at.get("comparison_operator"), at.get("threshold")
        if metric == "CPUUtilization" and isinstance(op, str) and op.startswith("GreaterThan"):
            if isinstance(thr, Unresolved):
                yield Hit(a, "CPU threshold is not known statically", "threshold", Status.UNKNOWN)
            elif (t := _float(thr)) is not None and (t >= 95 or t <= 20):
                why = "fires only after saturation" if t >= 95 else "is almost always breached"
                yield Hit(a, f"CPU threshold {t:g}% {why}", "threshold")
        tmd = at.get("treat_missing_data")
        if isinstance(metric, str) and metric in _HEALTH_METRICS and tmd == "notBreaching":
            yield Hit(
                a,
                f"missing {metric} data counts as healthy (`treat_missing_data = notBreaching`)",
                "treat_missing_data",
            )
    for pr in _managed(rg, "k8s:PrometheusRule"):
        for path, alert in _prometheus_alerts(pr):
            name = alert.get("alert")
            labels = alert.get("labels") if isinstance(alert.get("labels"), Mapping) else {}
            if not alert.get("for"):
                yield Hit(pr, f"alert {name} has no `for:` (fires on one evaluation)", f"{path}.for")
            if "severity" not in labels:
                yield Hit(pr, f"alert {name} has no `severity` label (cannot be routed)", f"{path}.labels")


def _prometheus_alerts(pr: Resource) -> Iterator[tuple[str, Mapping[str, Any]]]:
    groups = get_path(pr.attrs, "spec.groups")
    if not isinstance(groups, list):
        return
    for gi, g in enumerate(groups):
        rules = g.get("rules") if isinstance(g, Mapping) else None
        if not isinstance(rules, list):
            continue
        for ri, rl in enumerate(rules):
            if isinstance(rl, Mapping) and rl.get("alert"):
                yield f"spec.groups[{gi}].rules[{ri}]", rl


def _int(v: Any) -> int | None:
    f = _float(v)
    return None if f is None else int(f)


def _float(v: Any) -> float | None:
    if isinstance(v, bool) or v is None or isinstance(v, Unresolved):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


# -- MON008 -------------------------------------------------------------------------------------
#: Kinds that define a service-level objective.
SLO_KINDS = (
    "aws_applicationsignals_service_level_objective",
    "google_monitoring_slo",
    "datadog_service_level_objective",
    "newrelic_service_level",
    "grafana_slo",
    "k8s:PrometheusServiceLevel",  # Sloth
    "k8s:ServiceLevelObjective",  # Pyrra
    "k8s:SLO",  # OpenSLO
)


def _entry_points(rg: ResourceGraph) -> Iterator[Resource]:
    for r in _managed(rg, "aws_lb", "aws_alb"):
        if tri(r.attrs.get("internal"), default=False) is False:
            yield r
    yield from _managed(
        rg, "aws_api_gateway_rest_api", "aws_apigatewayv2_api", "aws_cloudfront_distribution", "k8s:Ingress"
    )


def _burn_rate_rules(rg: ResourceGraph) -> list[str]:
    out = []
    for pr in _managed(rg, "k8s:PrometheusRule"):
        text = json.dumps(get_path(pr.attrs, "spec.groups") or [], default=str)
        if re.search(r"(burn[_-]?rate|slo:|error_budget|sli_)", text, re.I):
            out.append(pr.address)
    return out


@rule(
    "MON008",
    area=Area.MONITORING,
    severity=Severity.LOW,
    title="No SLO defined for a user-facing entry point",
)
def no_slo(rg: ResourceGraph) -> Iterator[Hit]:
    """Guided + flag.  The repository defines no service-level objective (CloudWatch
    Application Signals SLO, ``google_monitoring_slo``, Datadog/New Relic/Grafana SLOs,
    Sloth ``PrometheusServiceLevel``, Pyrra ``ServiceLevelObjective``, OpenSLO ``SLO``, or
    burn-rate recording rules), yet it has internet-facing entry points (public ALB/NLB, API
    Gateway, CloudFront, Ingress): each is flagged.  SLAs are contractual and cannot be seen
    in code; :func:`evidence_slo` feeds the reviewer question.

    Why it matters
    --------------
    Without an SLO nobody can say whether the service is reliable enough, alerts are tied
    to causes instead of user pain, and there is no error budget to trade against releases.

    Remediation
    -----------
    Define availability and latency SLIs for each user-facing entry point with an objective
    and a window, and alert on the error-budget burn rate.

    Example
    -------
    .. code-block:: yaml

        apiVersion: sloth.slok.dev/v1
        kind: PrometheusServiceLevel
        spec:
          service: checkout
          slos:
            - name: requests-availability
              objective: 99.9
    """
    if any(True for _ in _managed(rg, *SLO_KINDS)) or _burn_rate_rules(rg):
        return
    for r in _entry_points(rg):
        yield Hit(r, "user-facing entry point and no SLO is defined anywhere in the repository")


def evidence_slo(rg: ResourceGraph) -> dict[str, Any]:
    """SLO objects, burn-rate rules and the entry points they should cover."""
    slos = [r.address for r in _managed(rg, *SLO_KINDS)]
    burn = _burn_rate_rules(rg)
    entries = [r.address for r in _entry_points(rg)]
    return {
        "summary": f"{len(slos)} SLO object(s), {len(burn)} burn-rate rule group(s), "
        f"{len(entries)} entry point(s)",
        "slos": slos,
        "burn_rate_rules": burn,
        "entry_points": entries,
    }


# -- MON009 -------------------------------------------------------------------------------------
@rule("MON009", area=Area.MONITORING, severity=Severity.LOW, title="Alert without a runbook link")
def alert_without_runbook(rg: ResourceGraph) -> Iterator[Hit]:
    """A CloudWatch alarm whose ``alarm_description`` contains no URL, or a ``PrometheusRule``
    alert without ``annotations.runbook_url``.  Runbook inventory (SSM Automation documents,
    ``docs/runbooks``) is in :func:`evidence_runbooks`.

    Why it matters
    --------------
    The person paged at 3 a.m. needs the first steps at hand; an alert without a runbook
    turns every incident into an investigation from scratch.

    Remediation
    -----------
    Put the runbook URL into the alarm description (it reaches the SNS message) and
    ``runbook_url`` into every Prometheus alert's annotations.

    Example
    -------
    .. code-block:: hcl

        alarm_description = "API 5xx > 1%. Runbook: https://wiki.example.com/runbooks/api-5xx"
    """
    for a in _managed(rg, *_ALARMS):
        d = a.attrs.get("alarm_description")
        if isinstance(d, Unresolved):
            yield Hit(a, "`alarm_description` is not known statically", "alarm_description", Status.UNKNOWN)
        elif not (isinstance(d, str) and _URL.search(d)):
            yield Hit(a, "alarm description has no runbook URL", "alarm_description")
    for pr in _managed(rg, "k8s:PrometheusRule"):
        for path, alert in _prometheus_alerts(pr):
            anns = alert.get("annotations") if isinstance(alert.get("annotations"), Mapping) else {}
            if not anns.get("runbook_url"):
                yield Hit(
                    pr, f"alert {alert.get('alert')} has no `annotations.runbook_url`", f"{path}.annotations"
                )


def _repo_paths(rg: ResourceGraph) -> list[str]:
    paths = rg.repo.get("paths")
    if isinstance(paths, list | tuple | set | frozenset):
        return [str(p) for p in paths]
    return [f.path for f in rg.files]


def evidence_runbooks(rg: ResourceGraph) -> dict[str, Any]:
    """Runbook evidence: SSM Automation documents, runbook files, alerts with/without links."""
    docs = [
        d.address for d in _managed(rg, "aws_ssm_document") if d.attrs.get("document_type") == "Automation"
    ]
    files = [p for p in _repo_paths(rg) if re.search(r"(^|/)(runbooks?|playbooks?)(/|[-_.])", p, re.I)]
    alarms = list(_managed(rg, *_ALARMS))
    linked = [
        a.address
        for a in alarms
        if isinstance(a.attrs.get("alarm_description"), str) and _URL.search(a.attrs["alarm_description"])
    ]
    return {
        "summary": f"{len(linked)} of {len(alarms)} alarms link a runbook; {len(files)} runbook file(s), "
        f"{len(docs)} SSM Automation document(s)",
        "automation_documents": docs,
        "runbook_files": files[:200],
        "alarms_with_runbook": linked,
    }


# -- MON010 -------------------------------------------------------------------------------------
_CHAOS_KINDS = (
    "aws_fis_experiment_template",
    "k8s:PodChaos",
    "k8s:NetworkChaos",
    "k8s:StressChaos",
    "k8s:IOChaos",
    "k8s:Schedule",
    "k8s:Workflow",
    "k8s:ChaosEngine",
    "k8s:ChaosExperiment",
    "azurerm_chaos_studio_experiment",
)


@rule(
    "MON010",
    area=Area.MONITORING,
    severity=Severity.MEDIUM,
    title="Chaos experiment without a stop condition",
)
def chaos_without_stop_condition(rg: ResourceGraph) -> Iterator[Hit]:
    """Guided + flag.  An ``aws_fis_experiment_template`` whose every ``stop_condition`` has
    ``source = "none"``.  The chaos inventory (FIS templates, Chaos Mesh, Litmus
    ``ChaosEngine``, Azure Chaos Studio) is :func:`evidence_chaos`.

    Why it matters
    --------------
    A fault-injection experiment with no CloudWatch-alarm stop condition keeps breaking
    production after customers are already affected.

    Remediation
    -----------
    Add ``stop_condition { source = "aws:cloudwatch:alarm"  value = aws_cloudwatch_metric_alarm.x.arn }``.

    Example
    -------
    .. code-block:: hcl

        stop_condition {
          source = "aws:cloudwatch:alarm"
          value  = aws_cloudwatch_metric_alarm.error_rate.arn
        }
    """
    for t in _managed(rg, "aws_fis_experiment_template"):
        raw = t.attrs.get("stop_condition")
        conds = block(t.attrs, "stop_condition")
        sources = [c.get("source") for c in conds]
        if isinstance(raw, Unresolved) or any(isinstance(s, Unresolved) for s in sources):
            yield Hit(t, "stop condition is not known statically", "stop_condition", Status.UNKNOWN)
        elif not conds or all(s == "none" for s in sources):
            yield Hit(t, 'experiment has no stop condition (`source = "none"`)', "stop_condition")


def evidence_chaos(rg: ResourceGraph) -> dict[str, Any]:
    """Chaos-engineering inventory: FIS templates, Chaos Mesh / Litmus objects, Chaos Studio."""
    found = [r.address for r in _managed(rg, *_CHAOS_KINDS)]
    return {"summary": f"{len(found)} chaos experiment definition(s)", "experiments": found}


def evidence_alarm_coverage(rg: ResourceGraph) -> dict[str, Any]:
    """MON001's coverage table: resource → alarms → metrics, the unalarmed list, metric gaps."""
    return alarm_coverage(rg).to_dict()
