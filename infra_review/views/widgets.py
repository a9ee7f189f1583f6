"""ipywidgets for the guided review: verdicts per checklist item, decisions per finding.

Widgets only wire controls to the :class:`~infra_review.review.state.ReviewStore`; what they
show comes from :mod:`infra_review.views.tables`.  Every callback lives here, where tests
reach it: ``VerdictControl.record()`` is what the *Record* button calls.

>>> import tempfile, pathlib
>>> from infra_review.review.state import ReviewStore
>>> store = ReviewStore(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
>>> rid = store.open_review("repo", "c1")
>>> ctl = VerdictControl(store, rid, "iac.modules", reviewer="ana")
>>> ctl.verdict.value = "concern"; ctl.note.value = "modules copied per env"
>>> ctl.record().value
'concern'
>>> store.verdicts(rid)["iac.modules"].note
'modules copied per env'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w

from infra_review.model import Finding
from infra_review.review.state import FINDING_DECISIONS, VERDICTS, Decision, ReviewStore
from infra_review.views.tables import esc

__all__ = ["FindingDecisionControl", "VerdictControl", "verdict_status_html"]

_VERDICT_STYLES = {"pass": "success", "concern": "warning", "fail": "danger", "n/a": ""}


def verdict_status_html(decision: Decision | None) -> str:
    """One line saying what is recorded for an item."""
    if decision is None:
        return "<span style='color:#57606a'>no verdict recorded yet</span>"
    who = f" by {esc(decision.reviewer)}" if decision.reviewer else ""
    note = f" — {esc(decision.note)}" if decision.note else ""
    return f"<span>recorded: <b>{esc(decision.value)}</b>{who} at {esc(decision.decided_at)}{note}</span>"


class _Control:
    """A control whose button persists one decision; a refused input shows in its status line."""

    status: w.HTML

    def record(self) -> Decision:
        raise NotImplementedError

    def _clicked(self) -> None:
        try:
            self.record()
        except ValueError as exc:
            self.status.value = f"<span style='color:#d1242f'>{esc(exc)}</span>"


class VerdictControl(_Control):
    """Verdict buttons + note + *Record* for one checklist item, persisted on click."""

    def __init__(
        self,
        store: ReviewStore,
        review_id: int,
        item_id: str,
        *,
        reviewer: str = "",
        current: Decision | None = None,
        on_record: Callable[[Decision], None] | None = None,
    ) -> None:
        self.store, self.review_id, self.item_id, self.reviewer = store, review_id, item_id, reviewer
        self._on_record = on_record
        self.verdict = w.ToggleButtons(
            options=list(VERDICTS),
            value=current.value if current else None,
            tooltips=["meets the practice", "partly / needs follow-up", "does not meet it", "not applicable"],
            style={"button_width": "78px"},
            layout=w.Layout(width="auto"),
        )
        self.note = w.Text(
            value=current.note if current else "",
            placeholder="note (why, follow-up, ticket)",
            layout=w.Layout(width="360px"),
        )
        self.button = w.Button(
            description="Record", button_style="primary", icon="check", layout=w.Layout(width="90px")
        )
        self.status = w.HTML(verdict_status_html(current))
        self.button.on_click(lambda _b: self._clicked())
        self.widget = w.VBox([w.HBox([self.verdict, self.note, self.button]), self.status])

    def record(self) -> Decision:
        """Persist the selected verdict and note (one transaction)."""
        if self.verdict.value is None:
            msg = "choose a verdict first"
            raise ValueError(msg)
        d = self.store.set_verdict(
            self.review_id, self.item_id, self.verdict.value, note=self.note.value, reviewer=self.reviewer
        )
        self.status.value = verdict_status_html(d)
        if self._on_record:
            self._on_record(d)
        return d


class FindingDecisionControl(_Control):
    """Decision dropdown + note + *Save* for one finding, persisted on click."""

    def __init__(
        self,
        store: ReviewStore,
        review_id: int,
        finding: Finding,
        *,
        reviewer: str = "",
        current: Decision | None = None,
    ) -> None:
        self.store, self.review_id, self.finding, self.reviewer = store, review_id, finding, reviewer
        options: list[tuple[str, str | None]] = [("— decide —", None)]
        options += [(d.replace("_", " "), d) for d in FINDING_DECISIONS]
        self.decision = w.Dropdown(
            options=options, value=current.value if current else None, layout=w.Layout(width="160px")
        )
        self.note = w.Text(
            value=current.note if current else "", placeholder="note", layout=w.Layout(width="300px")
        )
        self.button = w.Button(description="Save", layout=w.Layout(width="70px"))
        self.status = w.HTML(verdict_status_html(current) if current else "")
        self.button.on_click(lambda _b: self._clicked())
        label = w.HTML(
            f"<code>{esc(finding.rule_id)}</code> <code>{esc(finding.address, 80)}</code>",
            layout=w.Layout(width="380px"),
        )
        self.widget = w.HBox([label, self.decision, self.note, self.button, self.status])

    def record(self) -> Decision:
        """Persist the decision on this finding (one transaction)."""
        if self.decision.value is None:
            msg = "choose a decision first"
            raise ValueError(msg)
        d = self.store.decide_finding(
            self.review_id,
            self.finding.fingerprint,
            self.decision.value,
            note=self.note.value,
            reviewer=self.reviewer,
        )
        self.status.value = verdict_status_html(d)
        return d


def stack(children: Sequence[Any]) -> w.VBox:
    """A VBox with a little spacing."""
    return w.VBox(list(children), layout=w.Layout(gap="6px"))
