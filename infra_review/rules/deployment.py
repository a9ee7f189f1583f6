"""Rules of the deployment area (DEP001–DEP011): rollout strategy, rollback, migrations, shutdown.

Kubernetes rules read the objects of :mod:`infra_review.loaders.kubernetes` (through
:mod:`infra_review.analysis.k8s`), Dockerfile rules the stage nodes, Terraform rules the
normalised attributes (nested blocks are lists of dicts; unknown values are
:class:`~infra_review.model.Unresolved` and give UNKNOWN).

>>> _sleep_seconds({"exec": {"command": ["sh", "-c", "sleep 15"]}})
15
>>> _is_migration("python manage.py migrate --noinput"), _is_migration("python app.py")
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from infra_review.analysis import k8s
from infra_review.analysis.resource_blocks import block_of, blocks, json_list, loc, ref_targets
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, Status, Unresolved
from infra_review.model.coerce import as_list, is_true
from infra_review.rules._registry import Hit, rule

__all__: list[str] = []

_MIGRATION = re.compile(
    r"\b(flyway|liquibase|alembic\s+upgrade|db:migrate|manage\.py\s+migrate|migrate\s+(up|deploy|-path|--)|"
    r"prisma\s+migrate|knex\s+migrate|sequelize\s+db:migrate|goose\s+up|dbmate\s+up|atlas\s+migrate|"
    r"sqitch\s+deploy|migrate)\b",
    re.IGNORECASE,
)
_SLEEP = re.compile(r"\bsleep\s+(\d+)")


def _is_migration(text: str) -> bool:
    return bool(_MIGRATION.search(text))


def _command_text(c: Mapping[str, Any]) -> str:
    return " ".join(str(x) for x in as_list(c.get("command")) + as_list(c.get("args")))


def _sleep_seconds(pre_stop: Any) -> int | None:
    """Seconds a ``preStop`` hook sleeps (``sleep`` action or ``sleep N`` in an exec command)."""
    if not isinstance(pre_stop, Mapping):
        return None
    secs = k8s.get_path(pre_stop, "sleep.seconds")
    if isinstance(secs, int):
        return secs
    cmd = " ".join(str(x) for x in as_list(k8s.get_path(pre_stop, "exec.command")))
    m = _SLEEP.search(cmd)
    return int(m.group(1)) if m else None


# -- DEP001 ---------------------------------------------------------------------------------------
@rule("DEP001", area=Area.DEPLOYMENT, severity=Severity.LOW, title="Service without progressive delivery")
def progressive_delivery(rg: ResourceGraph) -> Iterator[Hit]:
    """A traffic-serving service rolls out all at once: no blue-green or canary mechanism.

    Kubernetes: a Deployment selected by a Service that is not the target of a Flagger
    ``Canary`` (an Argo ``Rollout`` is its own workload kind and passes).  Terraform: an
    ``aws_ecs_service`` behind a load balancer whose ``deployment_controller`` is not
    ``CODE_DEPLOY`` and whose ``deployment_configuration.strategy`` is not ``BLUE_GREEN``/
    ``CANARY``/``LINEAR`` (provider v6).  The evidence inventory is the guided question
    ``Q-DEP-ROLLOUT``.

    Why it matters
    --------------
    A rolling update exposes every user to a bad release before anyone can react; canary and
    blue-green limit the blast radius and make the rollback a traffic switch.

    Remediation
    -----------
    Use Argo Rollouts or Flagger on Kubernetes, CodeDeploy blue/green or the ECS native
    blue/green strategy on ECS, weighted target groups or Lambda alias routing elsewhere.

    Example
    -------
    .. code-block:: yaml

        apiVersion: flagger.app/v1beta1
        kind: Canary
        spec:
          targetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
    """
    canaries = {
        (k8s.namespace_of(c), k8s.get_path(c.attrs, "spec.targetRef.name"))
        for c in rg.resources("k8s:Canary")
    }
    for w in rg.resources("k8s:Deployment"):
        if (k8s.namespace_of(w), w.meta.get("name")) in canaries:
            continue
        if not any(r.kind == "k8s:Service" for r, _ in rg.dependents(w.address, kinds={"selects"})):
            continue
        yield Hit(
            w,
            "Service-backed Deployment rolls out without canary or blue-green",
            "spec.strategy",
            location=loc(w, "spec"),
        )
    for svc in rg.resources("aws_ecs_service"):
        if not blocks(svc, "load_balancer"):
            continue
        ctrl = block_of(svc, "deployment_controller").get("type")
        strategy = block_of(svc, "deployment_configuration").get("strategy")
        if isinstance(ctrl, Unresolved) or isinstance(strategy, Unresolved):
            yield Hit(
                svc,
                "deployment controller/strategy not statically known",
                "deployment_controller",
                Status.UNKNOWN,
            )
            continue
        if str(ctrl or "ECS").upper() in ("CODE_DEPLOY", "EXTERNAL"):
            continue
        if str(strategy or "").upper() in ("BLUE_GREEN", "CANARY", "LINEAR"):
            continue
        yield Hit(
            svc,
            "load-balanced ECS service uses plain rolling updates (no blue-green or canary)",
            "deployment_controller",
        )


# -- DEP002 ---------------------------------------------------------------------------------------
def _enabled_with_rollback(block: Mapping[str, Any], enable_key: str) -> bool | None:
    vals = (block.get(enable_key), block.get("rollback"))
    if any(isinstance(v, Unresolved) for v in vals):
        return None
    return is_true(vals[0]) and is_true(vals[1])


@rule("DEP002", area=Area.DEPLOYMENT, severity=Severity.MEDIUM, title="Deployment without automatic rollback")
def automatic_rollback(rg: ResourceGraph) -> Iterator[Hit]:
    """A failed deployment is not rolled back automatically.

    ECS services (ECS controller) need ``deployment_circuit_breaker { enable = true, rollback =
    true }`` or ``alarms { enable = true, rollback = true }``; CodeDeploy deployment groups need
    ``auto_rollback_configuration { enabled = true, events ∋ DEPLOYMENT_FAILURE }``; an ASG
    ``instance_refresh`` needs ``preferences { auto_rollback = true }``.

    Why it matters
    --------------
    Without an automatic trigger a broken release keeps replacing healthy tasks until a human
    notices; with it, the platform restores the last good version on its own.

    Remediation
    -----------
    Enable the ECS deployment circuit breaker with rollback (and CloudWatch alarm rollback),
    CodeDeploy auto-rollback on failure and alarms, and ASG instance-refresh auto-rollback.

    Example
    -------
    .. code-block:: hcl

        deployment_circuit_breaker {
          enable   = true
          rollback = true
        }
    """
    for svc in rg.resources("aws_ecs_service"):
        ctrl = block_of(svc, "deployment_controller").get("type")
        if isinstance(ctrl, str) and ctrl.upper() in ("CODE_DEPLOY", "EXTERNAL"):
            continue
        results = [_enabled_with_rollback(b, "enable") for b in blocks(svc, "deployment_circuit_breaker")]
        results += [_enabled_with_rollback(b, "enable") for b in blocks(svc, "alarms")]
        if any(r is True for r in results):
            continue
        if any(r is None for r in results):
            yield Hit(
                svc,
                "circuit breaker / alarm rollback settings are not statically known",
                "deployment_circuit_breaker",
                Status.UNKNOWN,
            )
            continue
        yield Hit(
            svc,
            "ECS service has neither a circuit breaker nor alarms with rollback = true",
            "deployment_circuit_breaker",
        )
    for dg in rg.resources("aws_codedeploy_deployment_group"):
        arc = block_of(dg, "auto_rollback_configuration")
        enabled, events = arc.get("enabled"), arc.get("events")
        if isinstance(enabled, Unresolved) or isinstance(events, Unresolved):
            yield Hit(
                dg,
                "auto_rollback_configuration is not statically known",
                "auto_rollback_configuration",
                Status.UNKNOWN,
            )
        elif not (is_true(enabled) and "DEPLOYMENT_FAILURE" in [str(e) for e in as_list(events)]):
            yield Hit(
                dg,
                "CodeDeploy group does not roll back automatically on DEPLOYMENT_FAILURE",
                "auto_rollback_configuration",
            )
    for asg in rg.resources("aws_autoscaling_group"):
        refresh = blocks(asg, "instance_refresh")
        if not refresh:
            continue
        prefs = block_of(refresh[0], "preferences")
        ar = prefs.get("auto_rollback")
        if isinstance(ar, Unresolved):
            yield Hit(
                asg,
                "instance_refresh auto_rollback is not statically known",
                "instance_refresh[0].preferences",
                Status.UNKNOWN,
            )
        elif not is_true(ar):
            yield Hit(
                asg,
                "instance refresh without preferences.auto_rollback = true",
                "instance_refresh[0].preferences.auto_rollback",
            )


# -- DEP003 ---------------------------------------------------------------------------------------
@rule("DEP003", area=Area.DEPLOYMENT, severity=Severity.LOW, title="Canary without automated analysis")
def canary_analysis(rg: ResourceGraph) -> Iterator[Hit]:
    """An Argo ``Rollout`` or Flagger ``Canary`` promotes without metric analysis.

    Argo: a ``canary`` strategy without ``analysis`` and without an ``analysis`` step, or a
    ``blueGreen`` strategy without ``prePromotionAnalysis``/``postPromotionAnalysis``.
    Flagger: ``spec.analysis`` (or the older ``canaryAnalysis``) without ``metrics``.

    Why it matters
    --------------
    A canary that is promoted on a timer is a slow rolling update: the bad version reaches
    everyone unless a human watches the dashboards and aborts.

    Remediation
    -----------
    Attach an ``AnalysisTemplate`` (error rate, latency) to the Rollout, or ``metrics`` with
    thresholds to the Flagger analysis, so that failures abort and roll back automatically.

    Example
    -------
    .. code-block:: yaml

        strategy:
          canary:
            analysis: {templates: [{templateName: success-rate}]}
            steps: [{setWeight: 20}, {pause: {duration: 5m}}]
    """
    for ro in rg.resources("k8s:Rollout"):
        strategy = k8s.get_path(ro.attrs, "spec.strategy") or {}
        if not isinstance(strategy, Mapping):
            continue
        canary = strategy.get("canary")
        if isinstance(canary, Mapping):
            steps = [s for s in as_list(canary.get("steps")) if isinstance(s, Mapping)]
            if not canary.get("analysis") and not any("analysis" in s for s in steps):
                yield Hit(
                    ro,
                    "canary Rollout without analysis: promotion is not gated by metrics",
                    "spec.strategy.canary",
                    location=loc(ro, "spec.strategy.canary"),
                )
        bg = strategy.get("blueGreen")
        if isinstance(bg, Mapping) and not (
            bg.get("prePromotionAnalysis") or bg.get("postPromotionAnalysis")
        ):
            yield Hit(
                ro,
                "blue-green Rollout without pre/post-promotion analysis",
                "spec.strategy.blueGreen",
                location=loc(ro, "spec.strategy.blueGreen"),
            )
    for c in rg.resources("k8s:Canary"):
        analysis = k8s.get_path(c.attrs, "spec.analysis") or k8s.get_path(c.attrs, "spec.canaryAnalysis")
        if not isinstance(analysis, Mapping) or not analysis.get("metrics"):
            yield Hit(
                c,
                "Flagger Canary without analysis.metrics: promotion is not gated by metrics",
                "spec.analysis.metrics",
                location=loc(c, "spec.analysis"),
            )


# -- DEP004 ---------------------------------------------------------------------------------------
@rule(
    "DEP004",
    area=Area.DEPLOYMENT,
    severity=Severity.MEDIUM,
    title="Migration in an initContainer of a replicated workload",
)
def migration_in_init_container(rg: ResourceGraph) -> Iterator[Hit]:
    """A database migration (``migrate``, ``flyway``, ``liquibase``, ``alembic upgrade``,
    ``rails db:migrate``…) runs in an ``initContainer`` of a workload with more than one replica.

    Replicas count with HPAs (``minReplicas``/``maxReplicas``): a workload that can scale
    above one runs the migration concurrently.

    Why it matters
    --------------
    Every pod start runs the migration: concurrent runs race for the schema lock, a rollout
    applies it while old pods still serve, and a scale-up re-runs it at peak time.

    Remediation
    -----------
    Run migrations once per release in a ``Job`` hook (``helm.sh/hook: pre-upgrade`` or
    ``argocd.argoproj.io/hook: PreSync``) and keep schema changes backward compatible.

    Example
    -------
    .. code-block:: yaml

        kind: Job
        metadata:
          annotations: {argocd.argoproj.io/hook: PreSync}
    """
    for w in k8s.workloads(rg):
        if w.kind in ("k8s:Job", "k8s:CronJob"):
            continue  # a run-once Job is the right place for a migration
        lo, hi = k8s.effective_replicas(rg, w)
        if w.kind == "k8s:DaemonSet":
            lo = hi = 2  # one per node
        spec = k8s.pod_spec(w)
        for i, c in enumerate(spec.get("initContainers") or []):
            if not isinstance(c, Mapping) or not _is_migration(_command_text(c)):
                continue
            path = k8s.container_path(w, "initContainers", i)
            if hi is None:
                yield Hit(
                    w,
                    "migration initContainer; replica count not statically known",
                    path,
                    Status.UNKNOWN,
                    location=loc(w, path),
                )
            elif max(lo or 0, hi) > 1:
                yield Hit(
                    w,
                    f"init container {c.get('name')} runs a migration in each of up to {hi} replicas",
                    path,
                    location=loc(w, path),
                )


# -- DEP005 ---------------------------------------------------------------------------------------
def _hook(res: Resource) -> str:
    ann = k8s.get_path(res.attrs, "metadata.annotations") or {}
    if not isinstance(ann, Mapping):
        return ""
    for key in ("helm.sh/hook", "argocd.argoproj.io/hook", "argocd.argoproj.io/sync-wave"):
        if key in ann:
            return f"{key}={ann[key]}"
    return ""


@rule("DEP005", area=Area.DEPLOYMENT, severity=Severity.INFO, title="Database migrations to review")
def migration_inventory(rg: ResourceGraph) -> Iterator[Hit]:
    """Guided: lists migration Jobs and hooks, ``*migrat*`` ECS task definitions and DMS tasks.

    Each is reported UNKNOWN at ``info``: only a human can tell whether the migrations are
    expand/contract and compatible with the previous release (N-1).  See ``Q-DEP-MIGRATION``.

    Why it matters
    --------------
    A rollout runs old and new code side by side; a migration that drops or renames a column
    the old version still reads turns a routine deploy into an outage or a failed rollback.

    Remediation
    -----------
    Split schema changes into expand (additive) and contract (cleanup after the release) steps,
    test N-1 compatibility in CI, and run migrations once per release as a hook.

    Example
    -------
    .. code-block:: text

        release 1: add column (nullable), write both;  release 2: backfill, read new;  release 3: drop old
    """
    for job in rg.resources("k8s:Job", "k8s:CronJob"):
        cmds = " ".join(_command_text(c) for c, _, _ in k8s.containers(job, init=True))
        name = str(job.meta.get("name", ""))
        if _is_migration(cmds) or "migrat" in name.lower():
            hook = _hook(job)
            yield Hit(
                job,
                f"migration job{' (' + hook + ')' if hook else ''}: confirm expand/contract and N-1 "
                "compatibility",
                "spec",
                Status.UNKNOWN,
                evidence={"hook": hook},
            )
    for td in rg.resources("aws_ecs_task_definition"):
        fam = td.attrs.get("family")
        if "migrat" in (str(fam) if isinstance(fam, str) else td.name).lower():
            yield Hit(
                td,
                "migration task definition: confirm expand/contract and N-1 compatibility",
                "family",
                Status.UNKNOWN,
            )
    for t in rg.resources("aws_dms_replication_task"):
        yield Hit(
            t,
            "DMS replication task: confirm the cut-over and rollback plan",
            "migration_type",
            Status.UNKNOWN,
        )


# -- DEP006 ---------------------------------------------------------------------------------------
@rule("DEP006", area=Area.DEPLOYMENT, severity=Severity.LOW, title="Feature-flag deployment all at once")
def feature_flag_rollout(rg: ResourceGraph) -> Iterator[Hit]:
    """An ``aws_appconfig_deployment_strategy`` deploys to 100% immediately.

    Flagged when ``growth_factor = 100`` and ``deployment_duration_in_minutes = 0``.  The
    inventory of flag systems (AppConfig FeatureFlags profiles, OpenFeature ``FeatureFlag``
    CRDs, ``LAUNCHDARKLY_*``/``UNLEASH_*``/``FLAGD_*`` env) is the guided question
    ``Q-DEP-FLAGS``.

    Why it matters
    --------------
    Feature flags and configuration changes are deployments too; pushing a flag change to every
    host at once removes the chance to stop a bad one.

    Remediation
    -----------
    Use a linear or exponential strategy with bake time and CloudWatch alarm rollback on the
    AppConfig environment (``AppConfig.Linear20PercentEvery6Minutes``-style).

    Example
    -------
    .. code-block:: hcl

        growth_factor                  = 20
        deployment_duration_in_minutes = 30
        final_bake_time_in_minutes     = 10
    """
    for s in rg.resources("aws_appconfig_deployment_strategy"):
        gf, dur = s.attrs.get("growth_factor"), s.attrs.get("deployment_duration_in_minutes")
        if isinstance(gf, Unresolved) or isinstance(dur, Unresolved):
            yield Hit(s, "growth factor / duration not statically known", "growth_factor", Status.UNKNOWN)
        elif gf is not None and float(gf) >= 100 and (dur is None or float(dur) == 0):
            yield Hit(
                s,
                "configuration deploys to 100% of targets at once (growth_factor 100, no duration)",
                "growth_factor",
            )


# -- DEP007 ---------------------------------------------------------------------------------------
def _has_pvc(w: Resource) -> bool:
    return any(
        isinstance(v, Mapping) and "persistentVolumeClaim" in v for v in k8s.pod_spec(w).get("volumes") or []
    )


def _max_unavailable(value: Any, replicas: int) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.endswith("%"):
        try:
            return int(replicas * float(value[:-1]) / 100)  # rounded down, as Kubernetes does
        except ValueError:
            return None
    return None


@rule("DEP007", area=Area.DEPLOYMENT, severity=Severity.MEDIUM, title="Rollout or disruption causes downtime")
def zero_downtime_rollout(rg: ResourceGraph) -> Iterator[Hit]:
    """A Deployment cannot roll out or survive node drains without downtime.

    Flagged: a stateless Deployment (no PVC) with ``strategy.type: Recreate``;
    ``rollingUpdate.maxUnavailable`` ≥ replicas; a Deployment/StatefulSet/Rollout with ≥2
    replicas (HPA ``minReplicas`` counts) that no ``policy/v1`` PodDisruptionBudget selects.

    Why it matters
    --------------
    ``Recreate`` stops every pod before starting the new ones; an unbounded ``maxUnavailable``
    does the same; without a PDB a node drain or cluster upgrade may evict all replicas at once.

    Remediation
    -----------
    Use ``RollingUpdate`` with ``maxUnavailable: 0`` (or a small value) and ``maxSurge``, and a
    ``policy/v1`` PodDisruptionBudget with ``minAvailable``/``maxUnavailable``.

    Example
    -------
    .. code-block:: yaml

        apiVersion: policy/v1
        kind: PodDisruptionBudget
        spec: {maxUnavailable: 1, selector: {matchLabels: {app: api}}}
    """
    for w in rg.resources("k8s:Deployment", "k8s:StatefulSet", "k8s:Rollout"):
        lo, _hi = k8s.effective_replicas(rg, w)
        n = k8s.replicas(w)
        if w.kind == "k8s:Deployment":
            strategy = k8s.get_path(w.attrs, "spec.strategy") or {}
            stype = strategy.get("type") if isinstance(strategy, Mapping) else None
            if stype == "Recreate" and not _has_pvc(w):
                yield Hit(
                    w,
                    "stateless Deployment uses strategy Recreate: every pod stops before the new ones start",
                    "spec.strategy.type",
                    location=loc(w, "spec.strategy.type"),
                )
            elif n:
                mu = _max_unavailable(k8s.get_path(w.attrs, "spec.strategy.rollingUpdate.maxUnavailable"), n)
                if mu is not None and mu >= n:
                    yield Hit(
                        w,
                        f"maxUnavailable {mu} ≥ replicas {n}: a rollout can take every pod down",
                        "spec.strategy.rollingUpdate.maxUnavailable",
                        location=loc(w, "spec.strategy.rollingUpdate.maxUnavailable"),
                    )
        if lo is None or lo < 2:
            continue
        pdbs = k8s.pdbs_for(rg, w)
        if not any(str(p.meta.get("api_version")) == "policy/v1" for p in pdbs):
            old = " (only a removed policy/v1beta1 PDB)" if pdbs else ""
            yield Hit(
                w,
                f"{lo} replicas but no policy/v1 PodDisruptionBudget selects them{old}",
                "spec.selector",
                location=loc(w),
            )


# -- DEP008 ---------------------------------------------------------------------------------------
def _lifecycle(res: Resource) -> Mapping[str, Any]:
    lc = res.attrs.get("lifecycle")
    if isinstance(lc, list) and lc and isinstance(lc[0], Mapping):
        return lc[0]
    if isinstance(lc, Mapping):
        return lc
    meta_lc = res.meta.get("lifecycle")
    return meta_lc if isinstance(meta_lc, Mapping) else {}


@rule(
    "DEP008",
    area=Area.DEPLOYMENT,
    severity=Severity.MEDIUM,
    title="Terraform change causes downtime",
    checkov=("CKV_AWS_233", "CKV_AWS_217"),
)
def terraform_zero_downtime(rg: ResourceGraph) -> Iterator[Hit]:
    """A Terraform-managed service goes down during deploys or replacements.

    Flagged: ECS ``desired_count`` ≤ 1 with ``deployment_minimum_healthy_percent`` < 100; an
    ASG without ``instance_refresh``; RDS/Aurora ``apply_immediately = true``; an
    ``aws_acm_certificate`` or ``aws_api_gateway_deployment`` without
    ``lifecycle { create_before_destroy = true }``.

    Why it matters
    --------------
    These settings stop the only task before its replacement is healthy, leave instances on an
    old launch template until someone cycles them by hand, apply DB changes (and reboots)
    mid-day, or delete a certificate/deployment still in use before its successor exists.

    Remediation
    -----------
    Keep ``minimum_healthy_percent = 100`` for singletons, add ``instance_refresh`` to ASGs,
    apply DB changes in the maintenance window, and set ``create_before_destroy``.

    Example
    -------
    .. code-block:: hcl

        lifecycle { create_before_destroy = true }
    """
    for svc in rg.resources("aws_ecs_service"):
        dc, mhp = svc.attrs.get("desired_count"), svc.attrs.get("deployment_minimum_healthy_percent")
        if isinstance(dc, Unresolved) or isinstance(mhp, Unresolved):
            continue
        if isinstance(dc, (int, float)) and dc <= 1 and isinstance(mhp, (int, float)) and mhp < 100:
            yield Hit(
                svc,
                f"desired_count {dc} with minimum healthy {mhp}%: deploys stop the only task first",
                "deployment_minimum_healthy_percent",
            )
    for asg in rg.resources("aws_autoscaling_group"):
        if not blocks(asg, "instance_refresh") and not isinstance(
            asg.attrs.get("instance_refresh"), Unresolved
        ):
            yield Hit(
                asg,
                "ASG without instance_refresh: launch template changes never reach running instances",
                "instance_refresh",
            )
    for db in rg.resources("aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance"):
        if db.attrs.get("apply_immediately") is True:
            yield Hit(
                db,
                "apply_immediately = true applies modifications (and reboots) outside the maintenance window",
                "apply_immediately",
            )
    for res in rg.resources("aws_acm_certificate", "aws_api_gateway_deployment"):
        if _lifecycle(res).get("create_before_destroy") is not True:
            yield Hit(
                res,
                "replacement destroys the live object first: set lifecycle create_before_destroy",
                "lifecycle.create_before_destroy",
            )


# -- DEP009 ---------------------------------------------------------------------------------------
@rule("DEP009", area=Area.DEPLOYMENT, severity=Severity.MEDIUM, title="Pods are not shut down gracefully")
def graceful_termination(rg: ResourceGraph) -> Iterator[Hit]:
    """Pods are killed before they can drain.

    Flagged: ``terminationGracePeriodSeconds: 0``; a ``preStop`` sleep at least as long as the
    grace period (default 30 s), which leaves the process no time after the hook; a
    Service-backed container without ``preStop`` (info: endpoints are removed asynchronously, so
    requests still arrive after SIGTERM).

    Why it matters
    --------------
    SIGKILL after 0 seconds drops in-flight requests and corrupts work in progress; a preStop
    hook that eats the whole grace period has the same effect.

    Remediation
    -----------
    Keep a grace period longer than the drain time, add a short ``preStop`` sleep (5–10 s) for
    Service-backed pods, and handle SIGTERM in the application.

    Example
    -------
    .. code-block:: yaml

        terminationGracePeriodSeconds: 45
        containers:
        - lifecycle: {preStop: {sleep: {seconds: 10}}}
    """
    for w in k8s.workloads(rg):
        spec = k8s.pod_spec(w)
        spec_path = k8s.POD_SPEC_PATHS.get(w.kind, "spec")
        grace = spec.get("terminationGracePeriodSeconds")
        grace_val = grace if isinstance(grace, int) and not isinstance(grace, bool) else 30
        if grace == 0:
            yield Hit(
                w,
                "terminationGracePeriodSeconds 0: pods are SIGKILLed immediately",
                f"{spec_path}.terminationGracePeriodSeconds",
                location=loc(w, f"{spec_path}.terminationGracePeriodSeconds"),
            )
            continue
        served = any(r.kind == "k8s:Service" for r, _ in rg.dependents(w.address, kinds={"selects"}))
        for c, path, line in k8s.containers(w):
            pre = k8s.get_path(c, "lifecycle.preStop")
            secs = _sleep_seconds(pre)
            if secs is not None and secs >= grace_val:
                yield Hit(
                    w,
                    f"container {c.get('name')} preStop sleeps {secs}s ≥ grace period {grace_val}s",
                    f"{path}.lifecycle.preStop",
                    location=loc(w, f"{path}.lifecycle.preStop", line),
                )
            elif pre is None and served and w.kind not in ("k8s:Job", "k8s:CronJob"):
                yield Hit(
                    w,
                    f"Service-backed container {c.get('name')} has no preStop hook",
                    f"{path}.lifecycle",
                    severity=Severity.INFO,
                    location=loc(w, line=line),
                )


# -- DEP010 ---------------------------------------------------------------------------------------
_INIT = re.compile(r"\b(tini|dumb-init|s6-svscan|/init\b|catatonit)", re.IGNORECASE)


@rule(
    "DEP010",
    area=Area.DEPLOYMENT,
    severity=Severity.MEDIUM,
    title="Shell-form CMD/ENTRYPOINT swallows SIGTERM",
)
def exec_form_entrypoint(rg: ResourceGraph) -> Iterator[Hit]:
    """The final stage starts its process in shell form, so ``/bin/sh`` is PID 1.

    Passes when an exec-form ``ENTRYPOINT`` exists (a shell-form ``CMD`` then only becomes its
    arguments), when the shell command starts with ``exec``, or when an init (``tini``,
    ``dumb-init``) is used.

    Why it matters
    --------------
    ``sh -c`` does not forward SIGTERM: the application never hears the stop signal, keeps
    serving until the grace period ends and is SIGKILLed mid-request.

    Remediation
    -----------
    Use the exec form (``CMD ["app", "--port", "8080"]``), or ``exec`` in a wrapper script, or run
    under ``tini``/``dumb-init``.

    Example
    -------
    .. code-block:: dockerfile

        ENTRYPOINT ["/usr/bin/tini", "--"]
        CMD ["python", "-m", "app"]
    """
    for stage in rg.resources("dockerfile"):
        ep, cmd = stage.attrs.get("entrypoint"), stage.attrs.get("cmd")
        target = None
        if isinstance(ep, Mapping):
            target = ep if ep.get("form") == "shell" else None
        elif isinstance(cmd, Mapping) and cmd.get("form") == "shell":
            target = cmd
        if target is None:
            continue
        text = " ".join(str(a) for a in target.get("args") or [])
        if text.strip().startswith("exec ") or _INIT.search(text):
            continue
        which = "ENTRYPOINT" if target is ep else "CMD"
        yield Hit(
            stage,
            f"shell-form {which}: /bin/sh is PID 1 and does not forward SIGTERM",
            which,
            location=loc(stage, line=int(target.get("line") or 0)),
        )


# -- DEP011 ---------------------------------------------------------------------------------------
@rule(
    "DEP011",
    area=Area.DEPLOYMENT,
    severity=Severity.LOW,
    title="Load balancer or task drops connections on stop",
)
def connection_draining(rg: ResourceGraph) -> Iterator[Hit]:
    """Targets are removed or stopped without draining.

    Flagged: ``aws_lb_target_group.deregistration_delay = 0``; a classic ``aws_elb`` without
    ``connection_draining = true``; an ECS container ``stopTimeout`` below 10 s; an ASG with no
    ``autoscaling:EC2_INSTANCE_TERMINATING`` lifecycle hook (info).

    Why it matters
    --------------
    In-flight requests and long-polling connections are cut at every deploy, scale-in or
    instance replacement.

    Remediation
    -----------
    Keep a deregistration delay (30–120 s) that exceeds the longest request, enable connection
    draining, give containers time to stop, and drain work in a termination lifecycle hook.

    Example
    -------
    .. code-block:: hcl

        deregistration_delay = 60
    """
    for tg in rg.resources("aws_lb_target_group", "aws_alb_target_group"):
        dd = tg.attrs.get("deregistration_delay")
        if dd is not None and not isinstance(dd, Unresolved) and str(dd).strip() == "0":
            yield Hit(
                tg,
                "deregistration_delay 0: in-flight requests are cut on deregistration",
                "deregistration_delay",
            )
    for elb in rg.resources("aws_elb"):
        cd = elb.attrs.get("connection_draining")
        if isinstance(cd, Unresolved):
            yield Hit(elb, "connection_draining not statically known", "connection_draining", Status.UNKNOWN)
        elif not is_true(cd):
            yield Hit(elb, "classic ELB without connection_draining", "connection_draining")
    for td in rg.resources("aws_ecs_task_definition"):
        defs = json_list(td.attrs.get("container_definitions"))
        if not isinstance(defs, list):
            continue
        for i, cdef in enumerate(defs):
            st = cdef.get("stopTimeout") if isinstance(cdef, Mapping) else None
            if isinstance(st, (int, float)) and st < 10:
                yield Hit(
                    td,
                    f"container {cdef.get('name', i)} stopTimeout {st}s is below 10s",
                    f"container_definitions[{i}].stopTimeout",
                )
    hooked: set[str] = set()
    for hook in rg.resources("aws_autoscaling_lifecycle_hook"):
        if "TERMINATING" in str(hook.attrs.get("lifecycle_transition", "")):
            hooked |= ref_targets(hook.attrs.get("autoscaling_group_name"))
            name = hook.attrs.get("autoscaling_group_name")
            if isinstance(name, str):
                hooked |= {
                    a.address for a in rg.resources("aws_autoscaling_group") if a.attrs.get("name") == name
                }
    for asg in rg.resources("aws_autoscaling_group"):
        inline = [
            h
            for h in blocks(asg, "initial_lifecycle_hook")
            if "TERMINATING" in str(h.get("lifecycle_transition", ""))
        ]
        if asg.address not in hooked and not inline:
            yield Hit(
                asg,
                "no EC2_INSTANCE_TERMINATING lifecycle hook to drain instances on scale-in",
                "initial_lifecycle_hook",
                severity=Severity.INFO,
            )
