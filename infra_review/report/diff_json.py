"""The JSON document of ``infra-review diff --format json`` (documented in ``docs/diff.md``).

Top-level keys (``schema_version`` changes only when a key is removed or changes meaning):
``schema_version``, ``kind`` (``"change_review"``), ``tool``, ``base``, ``head`` (each
``{"ref", "path", "commit", "complete", "coverage", "diagnostics", "rule_errors",
"findings"}``), ``summary``, ``resources``, ``exposure``, ``spofs``, ``blast_radius``,
``findings`` (``{"new", "fixed", "unchanged"}``), ``cost``, ``questions``, ``notes``.
"""

from __future__ import annotations

from typing import Any

from infra_review import __version__
from infra_review.analysis.diff import ChangeReview
from infra_review.model import Severity
from infra_review.report.json_contract import TOOL_NAME, finding_to_dict, to_jsonable
from infra_review.review.change import ChangeReviewRun

__all__ = ["DIFF_SCHEMA_VERSION", "diff_document", "summary"]

DIFF_SCHEMA_VERSION = "1.0"


def summary(review: ChangeReview) -> dict[str, Any]:
    """Counts a pull-request check or a dashboard can read at a glance."""
    new = review.findings.new_failing(Severity.INFO)
    worst = max((f.severity for f in new), default=None)
    return {
        **review.counts(),
        "new_exposure": len(review.new_exposure),
        "new_failing_findings": len(new),
        "worst_new_severity": worst.label if worst is not None else None,
        "areas_touched": review.areas,
        "cost_before_usd": review.cost_before,
        "cost_after_usd": review.cost_after,
        "cost_delta_usd": review.cost_delta,
    }


def diff_document(run: ChangeReviewRun) -> dict[str, Any]:
    """The whole JSON document of one change review."""
    r = run.review
    doc = {
        "schema_version": DIFF_SCHEMA_VERSION,
        "kind": "change_review",
        "tool": {"name": TOOL_NAME, "version": __version__},
        "base": run.base.to_dict(),
        "head": run.head.to_dict(),
        "summary": summary(r),
        "resources": [c.to_dict() for c in r.resources],
        "exposure": [e.to_dict() for e in r.exposures],
        "spofs": [s.to_dict() for s in r.spofs],
        "blast_radius": [b.to_dict() for b in r.blast],
        "findings": {
            "compared": r.findings.compared,
            "new": [finding_to_dict(f) for f in r.findings.new],
            "fixed": [finding_to_dict(f) for f in r.findings.fixed],
            "unchanged": len(r.findings.unchanged),
        },
        "cost": {
            "before_usd": r.cost_before,
            "after_usd": r.cost_after,
            "delta_usd": r.cost_delta,
            "resources": [c.to_dict() for c in r.cost],
        },
        "questions": list(r.questions),
        "notes": list(r.notes),
    }
    return to_jsonable(doc)  # type: ignore[no-any-return]
