"""The typed result of one review: what ran, what it found, what was suppressed, how long it took.

:func:`infra_review.review.engine.review` returns a :class:`ReviewResult`; the CLI, the
reports (:mod:`infra_review.report`), the workbench (:class:`~infra_review.review.workspace.Workspace`)
and the JSON contract all read it, so that nothing re-runs or re-assembles a review.

Iterating a result iterates its findings (``for f in review(rg)``, ``(f,) = review(rg)``).

>>> from infra_review.graph import ResourceGraph
>>> r = ReviewResult(ResourceGraph())
>>> r.complete, r.seconds, list(r), r.suppressions.total
(True, 0, [], 0)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.loaders.repo import LoadResult
from infra_review.model import Area, Finding
from infra_review.review.baseline import Baseline
from infra_review.rules import RULES, Rule

__all__ = ["ReviewResult", "RuleError", "Suppressions"]


@dataclass(frozen=True, slots=True)
class RuleError:
    """A rule that raised: which one, the exception type, and where in the rule's code.

    ``message`` names the exception type and the innermost frame (``func (file.py:42)``) and
    never the exception text, which may quote repository values; that text is kept in
    ``detail`` for a developer at a Python prompt and is never written by any report.
    """

    rule_id: str
    error_type: str
    message: str
    hits_kept: int = 0
    detail: str = field(default="", repr=False)

    @property
    def label(self) -> str:
        """``rule failed: RULEID (ErrorType)`` — what every view shows in place of a verdict."""
        return f"rule failed: {self.rule_id} ({self.error_type})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "error_type": self.error_type,
            "message": self.message,
            "hits_kept": self.hits_kept,
        }


def _registered_area(rule_id: str) -> Area | None:
    r = RULES.get(rule_id)
    return r.area if r is not None else None


@dataclass(frozen=True, slots=True)
class Suppressions:
    """How many findings each source suppressed: inline comments, ``checkov:skip``, the baseline.

    ``ignored`` counts findings whose suppression comment was not honoured (no reason given).
    """

    inline: int = 0
    checkov: int = 0
    baseline: int = 0
    ignored: int = 0

    @property
    def total(self) -> int:
        return self.inline + self.checkov + self.baseline

    @classmethod
    def count(cls, findings: list[Finding]) -> Suppressions:
        """Tally the suppression sources of ``findings`` (``inline:…``, ``checkov:…``, ``baseline``)."""
        inline = checkov = baseline = ignored = 0
        for f in findings:
            src = f.suppression_source if f.suppressed else ""
            if src == "baseline":
                baseline += 1
            elif src.startswith("checkov:"):
                checkov += 1
            elif src:
                inline += 1
            elif "suppression_ignored" in f.evidence:
                ignored += 1
        return cls(inline, checkov, baseline, ignored)


@dataclass(slots=True)
class ReviewResult:
    """Everything one review produced.

    ``graph`` is the reviewed graph and ``load`` the :class:`~infra_review.loaders.repo.LoadResult`
    it came from (``None`` when :func:`review` was given a bare graph).  ``findings`` are sorted
    and carry their suppression marks; ``errors`` are the rules that raised; ``timings`` the
    seconds per rule id, in run order; ``baseline`` the baseline applied (loaded once).
    """

    graph: ResourceGraph
    findings: list[Finding] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    load: LoadResult | None = None
    baseline: Baseline | None = None
    suppressions: Suppressions = field(default_factory=Suppressions)

    @property
    def rule_ids(self) -> list[str]:
        """Ids of the rules that ran, in id order."""
        return [r.id for r in self.rules]

    @property
    def complete(self) -> bool:
        """True when every selected rule ran to the end."""
        return not self.errors

    @property
    def failed(self) -> dict[str, RuleError]:
        """The rules that raised, by rule id (a rule listed here may have missing findings)."""
        return {e.rule_id: e for e in self.errors}

    def errors_in(self, area: Area | str) -> list[RuleError]:
        """The rule errors of the rules of one area (rules not among :attr:`rules` are looked
        up in the registry; an unknown rule id belongs to no area)."""
        a = Area(area)
        areas = {r.id: r.area for r in self.rules}
        return [e for e in self.errors if (areas.get(e.rule_id) or _registered_area(e.rule_id)) == a]

    @property
    def seconds(self) -> float:
        """Time spent in the rules (sum of :attr:`timings`)."""
        return sum(self.timings.values())

    @property
    def baseline_unmatched(self) -> list[dict[str, Any]]:
        """Baseline entries no finding matches any more (fixed, renamed or reworded)."""
        return self.baseline.unmatched(self.findings) if self.baseline is not None else []

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)
