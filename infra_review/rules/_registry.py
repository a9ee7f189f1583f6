"""The rule registry: ``@rule`` turns a pure function over the graph into a registered rule.

A rule yields :class:`Hit` objects and keeps no state; :func:`infra_review.review.review`
adds ``rule_id``, ``area`` and ``severity`` to turn each hit into a
:class:`~infra_review.model.Finding`, so a rule id is written exactly once.

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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, SourceLocation, Status

__all__ = ["GUIDED", "RULES", "GuidedQuestion", "Hit", "Rule", "guided", "rule"]

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


RuleFunc = Callable[[ResourceGraph], Iterable[Hit]]


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

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.func) or ""

    def section(self, name: str) -> str:
        """A numpydoc-style section of the docstring (``"Why it matters"``, ``"Remediation"``)."""
        return _section(self.doc, name)

    @property
    def summary(self) -> str:
        return self.doc.split("\n\n", 1)[0].strip()

    def __call__(self, rg: ResourceGraph) -> Iterator[Hit]:
        yield from self.func(rg)


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
    register: bool = True,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register ``func`` as rule ``rule_id``.  Raises ``ValueError`` on a duplicate or bad id."""
    if not _ID_RE.match(rule_id):
        msg = f"rule id {rule_id!r} must be an area prefix plus a number (e.g. NET007)"
        raise ValueError(msg)

    def deco(func: RuleFunc) -> RuleFunc:
        if register and rule_id in RULES:
            msg = f"duplicate rule id {rule_id} ({RULES[rule_id].func.__name__} and {func.__name__})"
            raise ValueError(msg)
        r = Rule(rule_id, area, severity, title, func, tuple(checkov), no_env_downgrade)
        if register:
            RULES[rule_id] = r
        func.rule = r  # type: ignore[attr-defined]
        return func

    return deco


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
