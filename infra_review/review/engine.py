"""Run the registered rules over a resource graph and turn their hits into findings.

:func:`review` is the one call everything else uses (CLI, notebooks, reports); it returns a
:class:`~infra_review.review.result.ReviewResult`::

    result = review(load_repo(root), select=["network_security"], ignore=["NET009"])
    result.findings, result.errors, result.suppressions, result.timings

What happens, in order:

1. **Selection.**  ``select``/``ignore`` take rule ids (``NET007``), areas (``network_security``,
   ``network-security``) or id prefixes (``NET``), case-insensitive, comma-separated strings
   allowed.  Anything else raises :class:`~infra_review.model.errors.UnknownRuleError`.  ``ignore``
   wins over ``select``.
2. **Isolation.**  Each rule runs on its own; a rule that raises is recorded in
   :attr:`ReviewResult.errors` (hits it yielded before the error are kept) and the review goes on.
3. **Findings.**  Each :class:`~infra_review.rules.Hit` becomes a
   :class:`~infra_review.model.Finding`: the rule's id, area, severity (or the hit's override),
   title and the docstring's *Remediation* section; file/line from the hit's location, else
   the resource's source.  Evidence is made JSON-safe and values under secret-like keys are
   redacted (:func:`scrub`).
4. **Environment drop.**  A resource that
   :func:`~infra_review.model.environment.classify` calls ``nonprod`` (dev/test/sandbox; the
   provider's ``default_tags`` count, see :func:`nonprod_reason`) drops one severity level,
   except for rules registered with ``no_env_downgrade=True`` (hardcoded secrets, public data).
   The evidence says why (``severity_adjusted``).
5. **Suppressions.**  Inline comments in the reviewed files and a baseline
   (:mod:`infra_review.review.suppressions`, :mod:`infra_review.review.baseline`).  Suppressed
   findings stay in the list with ``suppressed=True`` and the reason; they are never dropped.
6. **De-duplication and order.**  Exact duplicates are dropped; the order is FAIL and UNKNOWN
   before PASS, then severity (highest first), file, line, rule id, address.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource, SourceLocation
>>> from infra_review.rules import Hit, rule
>>> @rule("TST001", area=Area.IAC, severity=Severity.HIGH, title="Demo", register=False)
... def demo(rg):
...     '''Flags every instance.
...
...     Remediation
...     -----------
...     Do not.
...     '''
...     for r in rg.resources("aws_instance"):
...         yield Hit(r, "instance found", "ami")
>>> rg = ResourceGraph()
>>> rg.add(Resource("aws_instance.web", "aws_instance", source=SourceLocation("main.tf", 3)))
>>> rg.add(Resource("aws_instance.dev_box", "aws_instance", attrs={"tags": {"env": "dev"}}))
>>> [(f.address, f.severity.label, f.remediation) for f in review(rg, rules=[demo.rule])]
[('aws_instance.web', 'high', 'Do not.'), ('aws_instance.dev_box', 'medium', 'Do not.')]
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import gc
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from infra_review.analysis.secrets import is_secret_key
from infra_review.analysis.tags import environment_of
from infra_review.graph import ResourceGraph
from infra_review.loaders.repo import LoadResult
from infra_review.model import Area, Finding, Resource, Severity, Status, Unresolved
from infra_review.model.environment import classify
from infra_review.model.errors import UnknownRuleError
from infra_review.review.baseline import Baseline
from infra_review.review.result import ReviewResult, RuleError, Suppressions
from infra_review.review.suppressions import apply_inline_suppressions
from infra_review.rules import RULES, Rule

__all__ = [
    "ReviewResult",
    "RuleError",
    "Suppressions",
    "exit_code",
    "finding_to_dict",
    "nonprod_reason",
    "resolve_selection",
    "review",
    "scrub",
    "sort_findings",
]

REDACTED = "<redacted>"
_PLAIN = (str, int, float, bool, type(None))

_STATUS_ORDER = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.PASS: 2}


# -- selection --------------------------------------------------------------------------------
def _tokens(values: Iterable[str] | str | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        out += [t.strip() for t in str(v).split(",") if t.strip()]
    return out


def _match(token: str, pool: Sequence[Rule]) -> list[Rule]:
    t = token.strip()
    up = t.upper()
    by_id = [r for r in pool if r.id.upper() == up]
    if by_id:
        return by_id
    area = t.lower().replace("-", "_")
    by_area = [r for r in pool if str(r.area) == area]
    if by_area or area in {a.value for a in Area}:
        return by_area
    prefix = [r for r in pool if re.fullmatch(re.escape(up) + r"\d+", r.id)]
    if prefix:
        return prefix
    raise UnknownRuleError(token)


def resolve_selection(
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    rules: Iterable[Rule] | None = None,
) -> list[Rule]:
    """The rules to run, in id order.  Raises ``UnknownRuleError`` for an unknown id or area.

    >>> [r.id for r in resolve_selection(["TST"], rules=[])]
    Traceback (most recent call last):
    ...
    infra_review.model.errors.UnknownRuleError: unknown rule or area 'TST'
    """
    pool: list[Rule] = list(RULES.values()) if rules is None else list(rules)
    sel = _tokens(select)
    chosen: dict[str, Rule] = {}
    if sel:
        for t in sel:
            for r in _match(t, pool):
                chosen[r.id] = r
    else:
        chosen = {r.id: r for r in pool}
    for t in _tokens(ignore):
        for r in _match(t, pool):
            chosen.pop(r.id, None)
    return [chosen[k] for k in sorted(chosen)]


# -- environment ------------------------------------------------------------------------------
def nonprod_reason(res: Resource, rg: ResourceGraph | None = None) -> str:
    """Why ``res`` is dev/test/sandbox (``""`` when it is not).

    :func:`~infra_review.analysis.tags.environment_of` says ``nonprod`` (the one classifier,
    with the provider's default tags where they reach the resource).

    >>> nonprod_reason(Resource("aws_instance.x", "aws_instance", attrs={"tags": {"Environment": "Dev"}}))
    'tag Environment=Dev'
    >>> nonprod_reason(Resource("aws_db_instance.test_db", "aws_db_instance"))
    'name test_db'
    >>> nonprod_reason(Resource("aws_instance.x", "aws_instance", attrs={"tags": {"env": "staging"}}))
    ''
    """
    env = environment_of(rg, res) if rg is not None else classify(res)
    return env.why if env.tier == "nonprod" else ""



# -- evidence ---------------------------------------------------------------------------------
def scrub(value: Any, _key: str = "", _depth: int = 0) -> Any:
    """A JSON-safe copy of ``value`` with values under secret-like keys redacted.

    A key is secret-like when :func:`infra_review.analysis.secrets.is_secret_key` says so (the
    same test the secret rules use: ``db_password``, not ``password_count``/``secret_arn``).

    >>> scrub({"db_password": "hunter2", "password_count": 2, "ports": {22, 80}})
    {'db_password': '<redacted>', 'password_count': 2, 'ports': [22, 80]}
    >>> scrub({"nested": [{"token": "abc"}], "ref": Unresolved("var.x")})
    {'nested': [{'token': '<redacted>'}], 'ref': '${var.x}'}
    """
    if _depth > 20:
        return "..."
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, (bool, int, float)):
        return value
    secret = bool(_key) and is_secret_key(_key)
    if isinstance(value, str):
        return REDACTED if secret and value and not value.startswith("${") else value
    if isinstance(value, Mapping):
        if secret and value:
            return REDACTED
        return {str(k): scrub(v, str(k), _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        if secret and value:
            return REDACTED
        if all(type(v) in _PLAIN for v in value):
            items: list[Any] = list(value)
        else:
            items = [scrub(v, "", _depth + 1) for v in value]
        if isinstance(value, (set, frozenset)):
            try:
                return sorted(items)
            except TypeError:
                return sorted(items, key=repr)
        return items
    if isinstance(value, Unresolved):
        return str(value)
    if isinstance(value, Resource):
        return value.address
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return scrub(dataclasses.asdict(value), _key, _depth + 1)
    return str(value)


def finding_to_dict(f: Finding) -> dict[str, Any]:
    """The JSON form of a finding (the ``findings`` array of the scan contract)."""
    return {
        "rule_id": f.rule_id,
        "area": str(f.area),
        "severity": f.severity.label,
        "status": str(f.status),
        "address": f.address,
        "file": f.file,
        "line": f.line,
        "attribute": f.attribute,
        "title": f.title,
        "message": f.message,
        "evidence": scrub(f.evidence),
        "remediation": f.remediation,
        "suppressed": f.suppressed,
        "suppression_reason": f.suppression_reason,
        "suppression_source": f.suppression_source,
        "fingerprint": f.fingerprint,
    }


# -- running ----------------------------------------------------------------------------------
@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector off the objects that exist before the rules run.

    With a loaded graph in memory every full collection walks hundreds of thousands of
    objects (resources, attrs, networkx dicts) that are certain to stay alive; over a
    10,000-resource graph that is about 15 % of the review.  ``gc.freeze()`` parks them in
    the permanent generation, so collections during the review only look at what the rules
    allocate (cycles made by rules are still collected), and ``gc.unfreeze()`` puts them
    back afterwards.  When the caller froze objects itself, nothing is changed.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _rule_error(rule_id: str, exc: BaseException, kept: int) -> RuleError:
    tb = exc.__traceback__
    where = ""
    while tb is not None:
        code = tb.tb_frame.f_code
        where = f"{code.co_name} ({PurePosixPath(code.co_filename).name}:{tb.tb_lineno})"
        tb = tb.tb_next
    msg = f"{type(exc).__name__} in {where}" if where else type(exc).__name__
    if kept:
        msg += f"; {kept} finding(s) yielded before the error were kept"
    return RuleError(rule_id, type(exc).__name__, msg, kept, _short(str(exc), 200))


def _to_finding(
    r: Rule, hit: Any, rg: ResourceGraph, remediation: str, env: dict[str, str] | None = None
) -> Finding:
    res: Resource = hit.resource
    loc = hit.location or res.source
    severity = hit.severity if hit.severity is not None else r.severity
    evidence = dict(scrub(dict(hit.evidence))) if hit.evidence else {}
    if not r.no_env_downgrade and hit.status != Status.PASS and severity > Severity.INFO:
        if env is None:
            why = nonprod_reason(res, rg)
        else:
            if res.address not in env:
                env[res.address] = nonprod_reason(res, rg)
            why = env[res.address]
        if why:
            evidence["severity_adjusted"] = f"lowered from {severity.label}: non-production ({why})"
            severity = severity.lowered()
    return Finding(
        rule_id=r.id,
        area=r.area,
        severity=severity,
        status=hit.status,
        address=res.address,
        message=hit.message,
        file=loc.file if loc else "",
        line=loc.line if loc else 0,
        attribute=hit.attribute,
        evidence=evidence,
        remediation=remediation,
        title=r.title,
    )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """FAIL/UNKNOWN before PASS, then severity (highest first), file, line, rule id, address."""
    return sorted(
        findings,
        key=lambda f: (
            _STATUS_ORDER.get(f.status, 3),
            -int(f.severity),
            f.file,
            f.line,
            f.rule_id,
            f.address,
            f.attribute,
            f.message,
        ),
    )


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str, str, str]] = set()
    out: list[Finding] = []
    for f in findings:
        key = (f.rule_id, f.address, f.attribute, str(f.status), f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def review(
    source: ResourceGraph | LoadResult,
    *,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    baseline: Baseline | str | None = None,
    rules: Iterable[Rule] | None = None,
    inline_suppressions: bool = True,
) -> ReviewResult:
    """Run the selected rules over a graph (or a load result) and return a :class:`ReviewResult`.

    ``source`` is a :class:`~infra_review.graph.ResourceGraph` or what
    :func:`~infra_review.loaders.repo.load_repo` returns (kept as ``result.load``).
    ``baseline`` is a :class:`~infra_review.review.baseline.Baseline` or the path of a baseline
    file, read once, before any rule runs (a :class:`~infra_review.review.baseline.BaselineError`
    when unusable).  See the module docstring for the steps.
    """
    load = source if isinstance(source, LoadResult) else None
    rg = source.graph if isinstance(source, LoadResult) else source
    chosen = resolve_selection(select, ignore, rules)
    bl = Baseline.load(baseline) if isinstance(baseline, str) else baseline
    result = ReviewResult(rg, rules=chosen, load=load, baseline=bl)
    with _gc_paused():
        _run_review(result, inline_suppressions)
    return result


def _run_review(result: ReviewResult, inline_suppressions: bool) -> None:
    rg, chosen = result.graph, result.rules
    raw: list[Finding] = []
    env: dict[str, str] = {}  # address -> nonprod_reason(), computed once per resource
    ran: dict[str, Any] = {}  # hits of aggregated rules, run once per review (rules._registry.run_rule)
    for r in chosen:
        remediation = r.section("Remediation")
        start = time.perf_counter()
        kept = 0
        try:
            for hit in r(rg, ran):
                if not hasattr(hit, "resource") or not isinstance(hit.resource, Resource):
                    msg = f"rule yielded {type(hit).__name__}, expected Hit"
                    raise TypeError(msg)
                raw.append(_to_finding(r, hit, rg, remediation, env))
                kept += 1
        except Exception as exc:  # a broken rule must never kill the review
            result.errors.append(_rule_error(r.id, exc, kept))
        result.timings[r.id] = time.perf_counter() - start
    findings = _dedupe(raw)
    if inline_suppressions:
        findings = apply_inline_suppressions(findings, rg, chosen)
    if result.baseline is not None:
        findings = result.baseline.apply(findings)
    result.findings = sort_findings(findings)
    result.suppressions = Suppressions.count(result.findings)


def exit_code(findings: Iterable[Finding], fail_on: Severity | None) -> int:
    """1 when a non-suppressed FAIL at or above ``fail_on`` remains, else 0 (``None``: never 1)."""
    if fail_on is None:
        return 0
    for f in findings:
        if f.status == Status.FAIL and not f.suppressed and f.severity >= fail_on:
            return 1
    return 0
