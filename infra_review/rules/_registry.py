"""The rule registry: ``@rule`` turns a pure function over the graph into a registered rule.

A rule yields :class:`Hit` objects and keeps no state; :func:`infra_review.review.review`
adds ``rule_id``, ``area`` and ``severity`` to turn each hit into a
:class:`~infra_review.model.Finding`, so a rule id is written exactly once.

Rules never call other rules.  A rule that summarises what other rules found *declares* them:
``@rule("RED005", ..., aggregates=("BAK001",))`` makes the review call it as
``func(rg, upstream)``, where ``upstream`` maps each declared rule id to the hits that rule
yields (every status; filter what you need).  The review (:func:`run_rule`) runs each upstream
rule once per review — also when it is not selected — and isolates its errors like any rule's:
when an upstream rule raises, the aggregating rule raises :class:`UpstreamRuleError` (and is
reported as failed), it never passes silently.

Guided questions may take extra evidence from the area modules: an area module decorates a
function ``rg -> Mapping`` with ``@guided_evidence("Q-MON-SLO")`` and the guided question's
evidence reads it through :func:`guided_evidence_for` (no module imports another rule module).

>>> from infra_review.graph import ResourceGraph
>>> @rule("TST001", area=Area.IAC, severity=Severity.LOW, title="Demo", register=False)
... def demo(rg: ResourceGraph):
...     '''Demo rule.'''
...     yield from ()
>>> demo.rule.id, demo.rule.severity.label
('TST001', 'low')
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, SourceLocation, Status

__all__ = [
    "GUIDED",
    "GUIDED_EVIDENCE",
    "RULES",
    "GuidedQuestion",
    "Hit",
    "Rule",
    "RuleHits",
    "UpstreamRuleError",
    "guided",
    "guided_evidence",
    "guided_evidence_for",
    "rule",
    "run_rule",
]

_ID_RE = re.compile(r"^(IAC|CTR|DEP|NET|MON|BAK|COST|RED|SPOF)\d{3}$|^SPOF\d{2}$|^TST\d{3}$")


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule reports about one resource.

    ``status`` is FAIL by default; yield ``Status.UNKNOWN`` when a value the decision needs
    is :class:`~infra_review.model.Unresolved`, and ``Status.PASS`` only where an area view
    needs it.  ``attribute`` is the offending attribute path (``ingress[0].cidr_blocks``);
    ``severity`` overrides the rule's default for this hit; ``location`` overrides the
    resource's source location (e.g. a Dockerfile instruction line).
    """

    resource: Resource
    message: str
    attribute: str = ""
    status: Status = Status.FAIL
    evidence: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity | None = None
    location: SourceLocation | None = None


RuleFunc = Callable[..., Iterable[Hit]]
#: Hits (or the exception raised) of rules already run in one review, by rule id.
RuleHits = MutableMapping[str, "list[Hit] | Exception"]


class UpstreamRuleError(RuntimeError):
    """An upstream rule of an aggregating rule raised: the aggregate cannot be decided."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule: identity, defaults, documentation and the function itself."""

    id: str
    area: Area
    severity: Severity
    title: str
    func: RuleFunc
    checkov: tuple[str, ...] = ()
    #: Exempt from the dev/test/sandbox severity drop (secrets, public data).
    no_env_downgrade: bool = False
    #: Rules whose hits this rule summarises (it is called as ``func(rg, upstream)``).
    aggregates: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.func) or ""

    def section(self, name: str) -> str:
        """A numpydoc-style section of the docstring (``"Why it matters"``, ``"Remediation"``)."""
        return _section(self.doc, name)

    @property
    def summary(self) -> str:
        return self.doc.split("\n\n", 1)[0].strip()

    def __call__(self, rg: ResourceGraph, ran: RuleHits | None = None) -> Iterator[Hit]:
        """The hits of this rule over ``rg`` (``ran``: see :func:`run_rule`)."""
        yield from run_rule(self, rg, {} if ran is None else ran)


@dataclass(frozen=True, slots=True)
class GuidedQuestion:
    """A checklist question only a human can answer, with a function gathering its evidence.

    ``evidence(rg)`` returns a mapping such as
    ``{"summary": "14 resources have no CloudWatch alarm", "resources": [...]}``.
    """

    id: str  # "Q-MON-SLO" style, stable
    area: Area
    question: str
    evidence: Callable[[ResourceGraph], Mapping[str, Any]] | None = None
    rule_ids: tuple[str, ...] = ()  # rules whose findings inform the answer


RULES: dict[str, Rule] = {}
GUIDED: dict[str, GuidedQuestion] = {}


def rule(
    rule_id: str,
    *,
    area: Area,
    severity: Severity,
    title: str,
    checkov: Iterable[str] = (),
    no_env_downgrade: bool = False,
    aggregates: Iterable[str] = (),
    register: bool = True,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register ``func`` as rule ``rule_id``.  Raises ``ValueError`` on a duplicate or bad id.

    With ``aggregates``, ``func`` is called as ``func(rg, upstream)`` (see the module docstring).
    """
    if not _ID_RE.match(rule_id):
        msg = f"rule id {rule_id!r} must be an area prefix plus a number (e.g. NET007)"
        raise ValueError(msg)

    def deco(func: RuleFunc) -> RuleFunc:
        if register and rule_id in RULES:
            msg = f"duplicate rule id {rule_id} ({RULES[rule_id].func.__name__} and {func.__name__})"
            raise ValueError(msg)
        r = Rule(rule_id, area, severity, title, func, tuple(checkov), no_env_downgrade, tuple(aggregates))
        if register:
            RULES[rule_id] = r
        func.rule = r  # type: ignore[attr-defined]
        return func

    return deco


def run_rule(r: Rule, rg: ResourceGraph, ran: RuleHits) -> Iterator[Hit]:
    """The hits of ``r`` over ``rg``; ``ran`` holds the upstream hits of one review.

    The review passes one ``ran`` mapping to every rule it runs, so that a rule aggregated by
    others runs once per review: its hits (or the exception it raised) are kept in ``ran`` and
    replayed when it is selected itself.  A rule nobody aggregates streams its hits as before.
    """
    if r.id in ran or any(r.id in other.aggregates for other in RULES.values()):
        yield from _upstream_hits(r, rg, ran, reraise=True)
    else:
        yield from _call(r, rg, ran)


def _call(r: Rule, rg: ResourceGraph, ran: RuleHits) -> Iterable[Hit]:
    if not r.aggregates:
        return r.func(rg)
    upstream: dict[str, Sequence[Hit]] = {}
    for uid in r.aggregates:
        up = RULES.get(uid)
        if up is None:
            msg = f"{r.id} aggregates {uid}, which is not a registered rule"
            raise UpstreamRuleError(msg)
        upstream[uid] = tuple(_upstream_hits(up, rg, ran, reraise=False))
    return r.func(rg, upstream)


def _upstream_hits(r: Rule, rg: ResourceGraph, ran: RuleHits, *, reraise: bool) -> list[Hit]:
    """``r``'s hits, computed once per ``ran``; its exception re-raised (as itself when ``reraise``)."""
    if r.id not in ran:
        ran[r.id] = UpstreamRuleError(f"aggregation cycle through {r.id}")  # until it returns
        try:
            ran[r.id] = list(_call(r, rg, ran))
        except Exception as exc:  # kept: the rule's own slot reports it, aggregates refuse to pass
            ran[r.id] = exc
    got = ran[r.id]
    if isinstance(got, Exception):
        if reraise:
            raise got
        msg = f"upstream rule {r.id} failed: {type(got).__name__}: {got}"
        raise UpstreamRuleError(msg) from got
    return got


EvidenceFunc = Callable[[ResourceGraph], Mapping[str, Any]]
#: Area modules' own evidence for a guided question, by question id.
GUIDED_EVIDENCE: dict[str, EvidenceFunc] = {}


def guided_evidence(question_id: str) -> Callable[[EvidenceFunc], EvidenceFunc]:
    """Register ``func`` as the area module's detailed evidence for guided question ``question_id``."""

    def deco(func: EvidenceFunc) -> EvidenceFunc:
        if question_id in GUIDED_EVIDENCE:
            msg = f"duplicate evidence detail for {question_id}"
            raise ValueError(msg)
        GUIDED_EVIDENCE[question_id] = func
        return func

    return deco


def guided_evidence_for(question_id: str) -> EvidenceFunc | None:
    """The evidence function an area module registered for ``question_id`` (``None`` when none)."""
    return GUIDED_EVIDENCE.get(question_id)


def guided(question: GuidedQuestion) -> GuidedQuestion:
    """Register a guided question.  Raises ``ValueError`` on a duplicate id."""
    if question.id in GUIDED:
        msg = f"duplicate guided question id {question.id}"
        raise ValueError(msg)
    GUIDED[question.id] = question
    return question


def _section(doc: str, name: str) -> str:
    lines = doc.splitlines()
    out: list[str] = []
    inside = False
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        is_header = bool(nxt.strip()) and set(nxt.strip()) == {"-"} and line.strip()
        if is_header:
            if inside:
                break
            inside = line.strip().lower() == name.lower()
            continue
        if inside and not (line.strip() and set(line.strip()) == {"-"}):
            out.append(line)
    return "\n".join(out).strip()
