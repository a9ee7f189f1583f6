"""Guided questions: checklist items only a human can answer, with the evidence the graph gives.

A rule decides; a guided question asks.  SLOs, chaos practice, feature flags, restore tests,
DR procedures, reserved capacity, drift and manual changes live partly outside the code, so
the tool gathers what the repository *does* show and puts the question to the reviewer.
Each evidence function returns ``{"summary": str, "resources": [addresses], "items": [...]}``
(``items`` are small JSON-safe dicts for a table) and, where the area module has its own
evidence function (``monitoring.evidence_slo``, ``iac.drift_detection_evidence``, ...), that
function's output under ``detail``.  It never raises on odd attribute shapes and never quotes
attribute values that could be secrets.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource
>>> rg = ResourceGraph()
>>> rg.add(Resource("aws_fis_experiment_template.az_outage", "aws_fis_experiment_template"))
>>> ev = GUIDED["Q-MON-CHAOS"].evidence(rg)
>>> ev["resources"]
['aws_fis_experiment_template.az_outage']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from infra_review.analysis.coverage_monitoring import alarm_coverage
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Unresolved
from infra_review.model.coerce import first_block
from infra_review.rules._registry import GUIDED, GuidedQuestion, guided, guided_evidence_for

__all__ = ["QUESTIONS", "collect"]

Evidence = dict[str, Any]


# -- helpers ------------------------------------------------------------------------------------


def _show(v: Any) -> Any:
    if isinstance(v, Unresolved):
        return str(v)
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)[:80]


def _k8s_kind(r: Resource) -> str:
    return r.kind.split(":", 1)[1] if r.kind.startswith("k8s:") else ""


def _strings(value: Any, depth: int = 0, budget: list[int] | None = None) -> Iterator[str]:
    """Keys and string values inside ``value`` (bounded walk)."""
    budget = budget if budget is not None else [2000]
    if depth > 12 or budget[0] <= 0:
        return
    budget[0] -= 1
    if isinstance(value, str):
        yield value
    elif isinstance(value, Unresolved):
        yield value.expr
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v, depth + 1, budget)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v, depth + 1, budget)


def _matching(rg: ResourceGraph, pattern: re.Pattern[str], kinds: Iterable[str] = ()) -> list[Resource]:
    pool = rg.resources(*kinds) if kinds else rg.resources()
    return [r for r in pool if any(pattern.search(s) for s in _strings(dict(r.attrs)))]


def _ev(summary: str, resources: Iterable[str] = (), items: Iterable[Mapping[str, Any]] = ()) -> Evidence:
    return {"summary": summary, "resources": sorted(set(resources)), "items": list(items)}


def _item(r: Resource, **extra: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"address": r.address, "kind": r.kind, "file": r.file, "line": r.line}
    d.update({k: _show(v) for k, v in extra.items()})
    return d


def _region(rg: ResourceGraph, r: Resource) -> str:
    prov = rg.get("provider." + r.provider) if r.provider else None
    reg = prov.attrs.get("region") if prov is not None else None
    if isinstance(reg, str):
        return reg
    return "unknown" if prov is not None else ""


# -- IaC / red flags ----------------------------------------------------------------------------
_CI_RE = re.compile(
    r"(^|/)(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|Jenkinsfile|atlantis\.ya?ml|"
    r"\.circleci/config\.ya?ml|azure-pipelines\.ya?ml|bitbucket-pipelines\.ya?ml|\.spacelift/.*|env0\.ya?ml)$"
)


def _drift(rg: ResourceGraph) -> Evidence:
    recorders = list(rg.resources("aws_config_configuration_recorder"))
    ci = [p for p in rg.facts.paths if _CI_RE.search(p)]
    ignoring: list[Resource] = []
    for r in rg.resources():
        lc = first_block(r.attrs.get("lifecycle"))
        if lc.get("ignore_changes") not in (None, [], ()):
            ignoring.append(r)
    items = [_item(r, what="AWS Config recorder") for r in recorders]
    items += [{"path": p, "what": "CI pipeline definition"} for p in ci]
    items += [
        _item(
            r,
            what="lifecycle.ignore_changes",
            ignore_changes=first_block(r.attrs["lifecycle"]).get("ignore_changes"),
        )
        for r in ignoring
    ]
    summary = (
        f"{len(ci)} CI pipeline file(s), {len(recorders)} AWS Config recorder(s), "
        f"{len(ignoring)} resource(s) ignoring changes"
    )
    return _ev(summary, [r.address for r in (*recorders, *ignoring)], items)


_AWS_ID_RE = re.compile(
    r"\b(?:vpc|subnet|sg|igw|nat|rtb|eni|vol|snap|ami|i|acl|pcx|tgw|eipalloc|lt|db|fs|vpce)-[0-9a-f]{8,17}\b"
)


def _manual(rg: ResourceGraph) -> Evidence:
    imports = list(rg.resources(block="import"))
    literal: list[tuple[Resource, str]] = []
    for r in rg.resources(block=("resource", "data", "module")):
        ids = sorted({m.group(0) for s in _strings(dict(r.attrs)) for m in _AWS_ID_RE.finditer(s)})
        if ids:
            literal.append((r, ", ".join(ids[:5])))
    items = [_item(r, what="import block") for r in imports]
    items += [_item(r, what="literal resource id", ids=ids) for r, ids in literal]
    summary = (
        f"{len(imports)} import block(s); {len(literal)} resource(s) refer to infrastructure by "
        "literal id (created outside this code?)"
    )
    return _ev(summary, [r.address for r in imports] + [r.address for r, _ in literal], items)


def _docs(rg: ResourceGraph) -> Evidence:
    paths = rg.facts.paths
    readmes = {
        str(PurePosixPath(p).parent) for p in paths if PurePosixPath(p).name.lower().startswith("readme")
    }
    tf_dirs = {str(PurePosixPath(p).parent) for p in paths if p.endswith((".tf", ".tf.json"))}
    docs = [p for p in paths if p.lower().startswith(("docs/", "doc/")) or "/runbook" in p.lower()]
    missing = sorted(d for d in tf_dirs if d not in readmes)
    items = [{"path": d or ".", "what": "Terraform directory without a README"} for d in missing]
    items += [{"path": p, "what": "documentation file"} for p in docs[:50]]
    root_readme = "." in readmes
    summary = (
        f"root README {'present' if root_readme else 'missing'}; {len(missing)} of {len(tf_dirs)} "
        f"Terraform director(ies) without a README; {len(docs)} file(s) under docs/ or runbooks"
    )
    return _ev(summary, (), items)


# -- deployment -----------------------------------------------------------------------------------
def _rollout(rg: ResourceGraph) -> Evidence:
    items: list[dict[str, Any]] = []
    for r in rg.resources("aws_codedeploy_deployment_group"):
        style = first_block(r.attrs.get("deployment_style"))
        items.append(_item(r, strategy=style.get("deployment_type", "IN_PLACE")))
    for r in rg.resources("aws_ecs_service"):
        ctl = first_block(r.attrs.get("deployment_controller")).get("type", "ECS")
        items.append(_item(r, strategy=f"controller {_show(ctl)}"))
    for r in rg.resources("aws_lambda_alias"):
        if r.attrs.get("routing_config"):
            items.append(_item(r, strategy="weighted alias"))
    for r in rg.resources():
        if _k8s_kind(r) in {"Rollout", "Canary"}:
            items.append(_item(r, strategy=_k8s_kind(r)))
        elif _k8s_kind(r) in {"Deployment", "StatefulSet"}:
            strat = first_block(first_block(r.attrs.get("spec")).get("strategy")).get("type", "RollingUpdate")
            items.append(_item(r, strategy=strat))
    progressive = [
        i
        for i in items
        if re.search(r"BLUE_GREEN|CODE_DEPLOY|weighted|Rollout|Canary", str(i.get("strategy")))
    ]
    summary = (
        f"{len(items)} deployable service(s); {len(progressive)} with blue-green/canary/weighted rollout"
    )
    return _ev(summary, [i["address"] for i in items], items)


_MIGRATE_RE = re.compile(r"migrat|flyway|liquibase|alembic\s+upgrade|db:migrate|knex\s+migrate", re.I)


def _migrations(rg: ResourceGraph) -> Evidence:
    hits = _matching(rg, _MIGRATE_RE)
    hits += [r for r in rg.resources("aws_dms_replication_task") if r not in hits]
    hits += [r for r in rg.resources() if _MIGRATE_RE.search(r.name) and r not in hits]
    items = [_item(r) for r in hits]
    return _ev(f"{len(hits)} migration job(s)/task(s) found", [r.address for r in hits], items)


_FLAG_RE = re.compile(r"\b(LAUNCHDARKLY_|UNLEASH_|FLAGD_|OPENFEATURE|SPLIT_IO|FLAGSMITH_|GROWTHBOOK_)", re.I)


def _flags(rg: ResourceGraph) -> Evidence:
    hits: list[dict[str, Any]] = []
    for r in rg.resources("aws_appconfig_configuration_profile"):
        hits.append(_item(r, type=r.attrs.get("type", "")))
    for r in rg.resources("aws_appconfig_deployment_strategy"):
        hits.append(
            _item(
                r,
                growth_factor=r.attrs.get("growth_factor"),
                deployment_duration_in_minutes=r.attrs.get("deployment_duration_in_minutes"),
            )
        )
    for r in rg.resources():
        if _k8s_kind(r) in {"FeatureFlag", "FeatureFlagConfiguration", "FeatureFlagSource"}:
            hits.append(_item(r, type=_k8s_kind(r)))
    seen = {h["address"] for h in hits}
    for r in _matching(rg, _FLAG_RE):
        if r.address not in seen:
            hits.append(_item(r, type="feature-flag SDK settings in environment"))
    return _ev(f"{len(hits)} feature-flag configuration(s) found", [h["address"] for h in hits], hits)


# -- monitoring -----------------------------------------------------------------------------------
def _coverage(rg: ResourceGraph) -> Evidence:
    cov = alarm_coverage(rg)
    items = [
        {"address": a, "alarms": 0, "what": "no CloudWatch alarm references it"} for a in cov.unmonitored
    ]
    items += [
        {"address": a, "alarms": len(links), "missing_metrics": list(cov.missing_metrics.get(a, ()))}
        for a, links in sorted(cov.monitored.items())
    ]
    n = len(cov.unmonitored)
    summary = f"{n} resource(s) have no CloudWatch alarm referencing them; " + cov.summary()
    return _ev(summary, cov.unmonitored, items)


_APM_RE = re.compile(r"OTEL_|OPENTELEMETRY|DD_TRACE|DD_AGENT|NEW_RELIC|ELASTIC_APM|AWS_XRAY|HONEYCOMB", re.I)


def _apm(rg: ResourceGraph) -> Evidence:
    items: list[dict[str, Any]] = []
    for r in rg.resources("aws_lambda_function"):
        mode = first_block(r.attrs.get("tracing_config")).get("mode")
        items.append(_item(r, tracing=mode or "PassThrough (off)"))
    for r in rg.resources("aws_api_gateway_stage"):
        items.append(_item(r, tracing=r.attrs.get("xray_tracing_enabled", False)))
    for r in rg.resources("aws_cloudwatch_log_metric_filter", "aws_xray_sampling_rule", "aws_xray_group"):
        items.append(_item(r, tracing="custom metric / X-Ray"))
    for r in rg.resources():
        if _k8s_kind(r) in {"ServiceMonitor", "PodMonitor", "OpenTelemetryCollector", "Instrumentation"}:
            items.append(_item(r, tracing=_k8s_kind(r)))
    seen = {i["address"] for i in items}
    items += [_item(r, tracing="APM agent settings") for r in _matching(rg, _APM_RE) if r.address not in seen]
    return _ev(
        f"{len(items)} APM/tracing/custom-metric signal(s) found", [i["address"] for i in items], items
    )


def _thresholds(rg: ResourceGraph) -> Evidence:
    items = [
        _item(
            r,
            metric=r.attrs.get("metric_name", ""),
            threshold=r.attrs.get("threshold"),
            comparison=r.attrs.get("comparison_operator"),
            period=r.attrs.get("period"),
            evaluation_periods=r.attrs.get("evaluation_periods"),
            treat_missing_data=r.attrs.get("treat_missing_data", "missing"),
        )
        for r in rg.resources("aws_cloudwatch_metric_alarm")
    ]
    for r in rg.resources():
        if _k8s_kind(r) == "PrometheusRule":
            items.append(_item(r, metric="PrometheusRule"))
    return _ev(
        f"{len(items)} alert definition(s) to check against observed baselines",
        [i["address"] for i in items],
        items,
    )


_SLO_KINDS = {"PrometheusServiceLevel", "ServiceLevelObjective", "SLO", "ServiceLevel"}


def _slo(rg: ResourceGraph) -> Evidence:
    hits = list(
        rg.resources(
            "aws_applicationsignals_service_level_objective",
            "google_monitoring_slo",
            "datadog_service_level_objective",
            "newrelic_service_level",
        )
    )
    hits += [r for r in rg.resources() if _k8s_kind(r) in _SLO_KINDS]
    return _ev(f"{len(hits)} SLO definition(s) found", [r.address for r in hits], [_item(r) for r in hits])


_URL_RE = re.compile(r"https?://\S+")


def _runbooks(rg: ResourceGraph) -> Evidence:
    alarms = list(rg.resources("aws_cloudwatch_metric_alarm"))
    without = [
        a
        for a in alarms
        if not (
            isinstance(a.attrs.get("alarm_description"), str) and _URL_RE.search(a.attrs["alarm_description"])
        )
    ]
    prom = [r for r in rg.resources() if _k8s_kind(r) == "PrometheusRule"]
    ssm = [r for r in rg.resources("aws_ssm_document") if r.attrs.get("document_type") == "Automation"]
    docs = [p for p in rg.facts.paths if re.search(r"(^|/)(runbooks?|playbooks?)(/|\.md$)", p, re.I)]
    items = [_item(a, what="alarm without a runbook URL in alarm_description") for a in without]
    items += [_item(r, what="PrometheusRule (check annotations.runbook_url)") for r in prom]
    items += [_item(r, what="SSM Automation document") for r in ssm]
    items += [{"path": p, "what": "runbook document"} for p in docs]
    summary = (
        f"{len(without)} of {len(alarms)} alarm(s) link no runbook; {len(docs)} runbook file(s); "
        f"{len(ssm)} SSM automation document(s)"
    )
    return _ev(summary, [a.address for a in without], items)


_CHAOS_KINDS = {
    "ChaosEngine",
    "ChaosExperiment",
    "ChaosSchedule",
    "PodChaos",
    "NetworkChaos",
    "StressChaos",
    "IOChaos",
    "TimeChaos",
    "DNSChaos",
    "AWSChaos",
    "HTTPChaos",
    "KernelChaos",
}


def _chaos(rg: ResourceGraph) -> Evidence:
    hits = list(rg.resources("aws_fis_experiment_template", "azurerm_chaos_studio_experiment"))
    hits += [r for r in rg.resources() if _k8s_kind(r) in _CHAOS_KINDS]
    items = []
    for r in hits:
        stop = [
            first_block(s).get("source")
            for s in r.attrs.get("stop_condition", []) or []
            if isinstance(s, Mapping)
        ]
        items.append(_item(r, stop_conditions=", ".join(str(s) for s in stop) or "-"))
    return _ev(f"{len(hits)} chaos experiment definition(s) found", [r.address for r in hits], items)


# -- backup -------------------------------------------------------------------------------------
_DATA_KINDS = (
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_dynamodb_table",
    "aws_elasticache_replication_group",
    "aws_elasticache_cluster",
    "aws_efs_file_system",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
    "aws_redshift_cluster",
    "aws_opensearch_domain",
    "aws_s3_bucket",
    "aws_ebs_volume",
    "aws_fsx_lustre_file_system",
    "google_sql_database_instance",
    "azurerm_postgresql_flexible_server",
    "azurerm_mssql_database",
)


def _restore_test(rg: ResourceGraph) -> Evidence:
    plans = list(rg.resources("aws_backup_plan"))
    tests = list(rg.resources("aws_backup_restore_testing_plan", "aws_backup_restore_testing_selection"))
    reports = list(rg.resources("aws_backup_report_plan"))
    items = [_item(r, what="backup plan") for r in plans]
    items += [_item(r, what="restore testing") for r in tests]
    items += [_item(r, what="backup report plan") for r in reports]
    summary = (
        f"{len(plans)} backup plan(s); {len(tests)} restore-testing resource(s); "
        f"{len(reports)} report plan(s)"
    )
    return _ev(summary, [i["address"] for i in items], items)


def _rpo(r: Resource) -> str:
    a = r.attrs
    if r.kind in {"aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster"}:
        ret = a.get("backup_retention_period")
        if isinstance(ret, int):
            return "~5 min (PITR)" if ret > 0 else "none (no automated backups)"
        return "unknown"
    if r.kind == "aws_dynamodb_table":
        pitr = first_block(a.get("point_in_time_recovery")).get("enabled")
        return (
            "~5 min (PITR)"
            if pitr is True
            else ("unknown" if isinstance(pitr, Unresolved) else "backup plan only")
        )
    if r.kind in {"aws_elasticache_replication_group", "aws_elasticache_cluster"}:
        lim = a.get("snapshot_retention_limit")
        return "24 h (daily snapshot)" if isinstance(lim, int) and lim > 0 else "none (no snapshots)"
    return "depends on backup plan / versioning"


def _rto(r: Resource) -> str:
    a = r.attrs
    if (
        a.get("multi_az") is True
        or a.get("multi_az_enabled") is True
        or a.get("automatic_failover_enabled") is True
    ):
        return "minutes (automatic failover)"
    if a.get("replica") or a.get("replicate_source_db"):
        return "minutes to hours (replica promotion)"
    return "hours (restore from backup)"


def _rto_rpo(rg: ResourceGraph) -> Evidence:
    stores = list(rg.resources(*_DATA_KINDS))
    items = [_item(r, implied_rpo=_rpo(r), implied_rto=_rto(r), region=_region(rg, r)) for r in stores]
    return _ev(
        f"{len(stores)} data store(s); implied RPO/RTO per store to compare with declared targets",
        [r.address for r in stores],
        items,
    )


def _dr(rg: ResourceGraph) -> Evidence:
    regions = Counter(_region(rg, r) for r in rg.resources() if r.provider.startswith("aws"))
    failover = [r for r in rg.resources("aws_route53_record") if r.attrs.get("failover_routing_policy")]
    checks = list(rg.resources("aws_route53_health_check"))
    global_ = list(
        rg.resources(
            "aws_rds_global_cluster",
            "aws_elasticache_global_replication_group",
            "aws_s3_bucket_replication_configuration",
            "aws_dynamodb_table_replica",
        )
    )
    docs = [p for p in rg.facts.paths if re.search(r"(^|/)(dr|disaster[-_ ]?recovery)[^/]*(\.md|/)", p, re.I)]
    items = [{"region": k or "(no provider)", "resources": v} for k, v in sorted(regions.items())]
    items += [_item(r, what="Route 53 failover record") for r in failover]
    items += [_item(r, what="Route 53 health check") for r in checks]
    items += [_item(r, what="cross-region replication") for r in global_]
    items += [{"path": p, "what": "DR document"} for p in docs]
    real_regions = [k for k in regions if k and k != "unknown"]
    summary = (
        f"{len(real_regions)} AWS region(s) in use; {len(failover)} failover record(s); "
        f"{len(global_)} cross-region replication resource(s); {len(docs)} DR document(s)"
    )
    return _ev(summary, [r.address for r in (*failover, *checks, *global_)], items)


# -- cost -----------------------------------------------------------------------------------------
_SIZE_ATTRS = ("instance_type", "instance_class", "node_type")


def _size_of(r: Resource) -> str | None:
    for k in _SIZE_ATTRS:
        v = r.attrs.get(k)
        if isinstance(v, str):
            return v
    ng = r.attrs.get("instance_types")
    if isinstance(ng, list) and ng and isinstance(ng[0], str):
        return ng[0]
    return None


def _rightsize(rg: ResourceGraph) -> Evidence:
    rows = [(r, s) for r in rg.resources() if (s := _size_of(r))]
    count = Counter(s for _, s in rows)
    items = [_item(r, size=s) for r, s in rows]
    top = ", ".join(f"{n}× {s}" for s, n in count.most_common(5))
    return _ev(
        f"{len(rows)} sized resource(s) in {len(count)} size(s){': ' + top if top else ''}",
        [r.address for r, _ in rows],
        items,
    )


def _steady(r: Resource) -> int | None:
    a = r.attrs
    if r.kind == "aws_autoscaling_group":
        v = a.get("min_size")
    elif r.kind == "aws_ecs_service":
        v = a.get("desired_count", 1)
    elif r.kind == "aws_eks_node_group":
        v = first_block(a.get("scaling_config")).get("min_size")
    elif r.kind == "aws_elasticache_replication_group":
        v = a.get("num_cache_clusters", 1)
    elif r.kind == "aws_elasticache_cluster":
        v = a.get("num_cache_nodes", 1)
    else:
        v = 1
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _ri_sp(rg: ResourceGraph) -> Evidence:
    kinds = (
        "aws_instance",
        "aws_autoscaling_group",
        "aws_eks_node_group",
        "aws_db_instance",
        "aws_rds_cluster_instance",
        "aws_elasticache_cluster",
        "aws_elasticache_replication_group",
        "aws_ecs_service",
        "aws_launch_template",
    )
    family: Counter[str] = Counter()
    items: list[dict[str, Any]] = []
    for r in rg.resources(*kinds):
        size = _size_of(r)
        if r.kind == "aws_autoscaling_group":
            lts = rg.referenced(r.address, "aws_launch_template", "aws_launch_configuration")
            size = next((s for lt in lts if (s := _size_of(lt))), size)
        if r.kind == "aws_launch_template":
            continue
        n = _steady(r)
        items.append(
            _item(
                r, size=size or "unknown", always_on=n if n is not None else "unknown", region=_region(rg, r)
            )
        )
        if size and n:
            family[size.rsplit(".", 1)[0] if "." in size else size] += n
    reserved = list(rg.resources("aws_rds_reserved_instance", "aws_elasticache_reserved_cache_node"))
    items += [_item(r, what="reservation") for r in reserved]
    base = ", ".join(f"{n}× {f}" for f, n in family.most_common(6))
    return _ev(
        f"steady-state baseline: {base or 'nothing always-on found'}; {len(reserved)} reservation(s) in code",
        [i["address"] for i in items],
        items,
    )


# -- evidence the area modules gather ------------------------------------------------------------
def _enrich(
    base: Callable[[ResourceGraph], Evidence], question_id: str, keep_summary: bool = False
) -> Callable[[ResourceGraph], Evidence]:
    """``base`` plus the area module's own evidence for ``question_id`` under ``detail`` (its summary wins).

    The area modules (``monitoring.evidence_slo``, ``iac``'s drift detection evidence, ...) know
    their signals best and register them with :func:`~infra_review.rules._registry.guided_evidence`;
    this keeps the common ``summary``/``resources``/``items`` shape.
    """

    def evidence(rg: ResourceGraph) -> Evidence:
        out = base(rg)
        fn = guided_evidence_for(question_id)
        if fn is None:
            return out
        try:
            extra = dict(fn(rg))
        except Exception as exc:  # evidence must never break a notebook
            where = f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"
            out["detail_error"] = f"{where} raised {type(exc).__name__}"
            return out
        summary = extra.pop("summary", None)
        if isinstance(summary, str) and summary and not keep_summary:
            out["summary"] = summary
        out["detail"] = extra
        return out

    evidence.__name__ = base.__name__
    evidence.__doc__ = base.__doc__
    return evidence


# -- registration ---------------------------------------------------------------------------------
_Q: list[tuple[str, Area, str, Callable[[ResourceGraph], Evidence], tuple[str, ...]]] = [
    (
        "Q-IAC-DRIFT",
        Area.IAC,
        "How is drift detected and prevented: a scheduled plan in CI, AWS Config, restricted console access?",
        _enrich(_drift, "Q-IAC-DRIFT"),
        ("IAC013", "IAC014"),
    ),
    (
        "Q-DEP-ROLLOUT",
        Area.DEPLOYMENT,
        "Which services roll out blue-green or canary, and what decides promotion or abort?",
        _rollout,
        ("DEP001",),
    ),
    (
        "Q-DEP-MIGRATION",
        Area.DEPLOYMENT,
        "How are schema migrations coordinated with rollouts "
        "(expand/contract, N-1 compatibility, who runs them)?",
        _migrations,
        ("DEP004", "DEP005"),
    ),
    (
        "Q-DEP-FLAGS",
        Area.DEPLOYMENT,
        "Are risky changes released behind feature flags with a gradual rollout and a kill switch?",
        _flags,
        ("DEP006",),
    ),
    (
        "Q-MON-COVERAGE",
        Area.MONITORING,
        "Is every compute and data resource watched for CPU, memory, disk and network, here or elsewhere?",
        _enrich(_coverage, "Q-MON-COVERAGE", keep_summary=True),
        ("MON001", "MON002"),
    ),
    (
        "Q-MON-APM",
        Area.MONITORING,
        "Do the services emit traces and custom business metrics, and where are they looked at?",
        _enrich(_apm, "Q-MON-APM"),
        ("MON003",),
    ),
    (
        "Q-MON-THRESHOLDS",
        Area.MONITORING,
        "Are alert thresholds derived from observed baselines and SLOs, and reviewed after incidents?",
        _thresholds,
        ("MON006", "MON007"),
    ),
    (
        "Q-MON-SLO",
        Area.MONITORING,
        "Which SLIs and SLOs are defined for the user-facing services, and are SLAs backed by them?",
        _enrich(_slo, "Q-MON-SLO"),
        ("MON008",),
    ),
    (
        "Q-MON-RUNBOOKS",
        Area.MONITORING,
        "Does every alert link a runbook that an on-call engineer can follow?",
        _enrich(_runbooks, "Q-MON-RUNBOOKS"),
        ("MON009",),
    ),
    (
        "Q-MON-CHAOS",
        Area.MONITORING,
        "Are failure modes exercised (game days, chaos experiments) with safe stop conditions?",
        _enrich(_chaos, "Q-MON-CHAOS"),
        ("MON010",),
    ),
    (
        "Q-BAK-RESTORE-TEST",
        Area.BACKUP,
        "When was a restore last tested, and is restore testing automated and reported?",
        _restore_test,
        ("BAK003",),
    ),
    (
        "Q-BAK-RTO-RPO",
        Area.BACKUP,
        "What are the RTO/RPO targets per data store, and does the implied recovery meet them?",
        _rto_rpo,
        ("BAK007", "BAK001", "BAK004", "SPOF04"),
    ),
    (
        "Q-BAK-DR",
        Area.BACKUP,
        "Is there a written, rehearsed disaster-recovery procedure, and a second region to recover into?",
        _dr,
        ("BAK008", "BAK005", "BAK009", "SPOF09"),
    ),
    (
        "Q-COST-RIGHTSIZE",
        Area.COST,
        "Do utilisation metrics support these instance sizes?",
        _rightsize,
        ("COST001", "COST002"),
    ),
    (
        "Q-COST-RI-SP",
        Area.COST,
        "Is the steady-state baseline covered by reserved instances or savings plans "
        "(bought outside Terraform)?",
        _ri_sp,
        (),
    ),
    (
        "Q-RED-MANUAL",
        Area.RED_FLAGS,
        "Is every change made through this code? Which resources were imported or created by hand?",
        _manual,
        ("RED001", "IAC013"),
    ),
    (
        "Q-RED-DOCS",
        Area.RED_FLAGS,
        "Is the system documented (architecture, module READMEs, runbooks) where the on-call team finds it?",
        _docs,
        ("RED010", "MON009"),
    ),
]

for _id, _area, _question, _fn, _rules in _Q:
    if _id not in GUIDED:  # re-importing the module (doctest collection) must not fail
        guided(GuidedQuestion(_id, _area, _question, _fn, _rules))

#: The guided questions this module registers, in checklist order.
QUESTIONS: tuple[str, ...] = tuple(q[0] for q in _Q)


def collect(rg: ResourceGraph, ids: Iterable[str] | None = None) -> dict[str, Evidence]:
    """Evidence of every registered guided question (or of ``ids``), one failing never stopping the rest.

    >>> sorted(collect(ResourceGraph(), ["Q-MON-SLO", "Q-MON-CHAOS"]))
    ['Q-MON-CHAOS', 'Q-MON-SLO']
    """
    out: dict[str, Evidence] = {}
    for qid in ids if ids is not None else sorted(GUIDED):
        q = GUIDED[qid]
        if q.evidence is None:
            out[qid] = _ev("no evidence function")
            continue
        try:
            out[qid] = dict(q.evidence(rg))
        except Exception as exc:  # one broken evidence function must not hide the others
            out[qid] = _ev(f"evidence could not be gathered ({type(exc).__name__})")
    return out
