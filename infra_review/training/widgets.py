"""What the training notebook calls: thin display helpers and the suspicion form.

Every function takes a :class:`~infra_review.training.session.TrainingSession`.  Functions
print one deterministic line for nbval and display the rest.  Feedback is shown in
:class:`QuietHTML` widgets, whose text representation (what a saved notebook keeps next to
the widget) does not repeat their content, so a saved notebook never carries the answers of
an exercise in its outputs.

>>> from infra_review.training.session import TrainingSession
>>> s = TrainingSession.open("01")                                           # doctest: +SKIP
>>> form = SuspicionForm(s)                                                  # doctest: +SKIP
>>> form.resource.value = "aws_security_group.cms"; form.area.value = "network_security"  # doctest: +SKIP
>>> form.add(); form.submit().percent                                        # doctest: +SKIP
22.7
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import ipywidgets as w
import plotly.graph_objects as go
from IPython.display import HTML, Markdown, display

from infra_review.training.scoring import ScoreResult
from infra_review.training.session import AREA_LABELS, TrainingSession, cohort_html, feedback_html
from infra_review.training.store import TrainingStore
from infra_review.views.plots import topology_graph
from infra_review.views.tables import esc
from infra_review.views.workbench import blast_html, explorer_options
from infra_review.views.workbench import topology_figure as workbench_topology

__all__ = [
    "QuietHTML",
    "SuspicionForm",
    "cohort_view",
    "feedback_view",
    "findings_panel",
    "open_session",
    "redact_rule_ids",
    "score_scripted",
    "show_briefing",
    "spof_explorer",
    "submission_form",
    "topology_figure",
]

_RULE_ID = re.compile(r"\b(?:IAC|CTR|DEP|NET|MON|BAK|COST|RED|SPOF)\d{2,3}\b,?\s?")


class QuietHTML(w.HTML):
    """An HTML widget whose ``repr`` (the ``text/plain`` a saved notebook keeps) hides its value."""

    def __repr__(self) -> str:
        return "QuietHTML()"


def open_session(
    exercise: str, *, repo: str = "", trainee: str = "", db: str = "", show_findings: bool = False
) -> TrainingSession:
    """Open the exercise (or ``repo``) and print one summary line."""
    s = TrainingSession.open(exercise, repo=repo, trainee=trainee, db=db, show_findings=show_findings)
    print(s.summary())
    who = (
        f"trainee: {s.trainee}; submissions are recorded"
        if s.trainee
        else "no trainee name: demo mode, nothing is recorded"
    )
    print(who)
    if s.suspicions:
        print(f"restored {len(s.suspicions)} suspicion(s) you marked earlier")
    return s


def show_briefing(s: TrainingSession) -> None:
    """The exercise briefing (what the system is for, what to look at)."""
    if s.exercise is None:
        print("free practice: no briefing; review the repository as if it were submitted to you")
        return
    display(Markdown(s.exercise.briefing))


def findings_panel(s: TrainingSession) -> None:
    """The tool's findings when revealed (``SHOW_FINDINGS`` or after submission), else a note."""
    if not s.revealed:
        print("automated findings are hidden until you submit (set SHOW_FINDINGS = True to show them)")
        return
    active = [f for f in s.full.active() if f.status.value == "FAIL"]
    display(HTML(s.findings_html()))
    print(f"{len(active)} failing check(s):")
    for f in active:
        print(f"  {f.severity.label:<8} {f.rule_id:<7} {f.address}")


def redact_rule_ids(fig: Any) -> Any:
    """Remove rule ids from a figure's hover texts and labels (in place; returns ``fig``).

    The topology marks single points of failure with the SPOF rule that found them; before
    submission a trainee sees the SPOF and its blast radius (the explorer's purpose) but not
    the rule id, which is part of the answer key.
    """

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return _RULE_ID.sub("", value)
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        return value

    for trace in fig.data:
        for attr in ("hovertext", "text", "customdata", "name"):
            value = getattr(trace, attr, None)
            if value is not None:
                try:
                    setattr(trace, attr, clean(list(value) if hasattr(value, "tolist") else value))
                except (ValueError, TypeError):  # an attribute this trace type validates differently
                    continue
    for ann in fig.layout.annotations or ():
        if ann.text:
            ann.text = clean(ann.text)
    if fig.layout.title and fig.layout.title.text:
        fig.layout.title.text = clean(fig.layout.title.text)
    return fig


def topology_figure(s: TrainingSession) -> Any:
    """The runtime topology (the top SPOF's blast radius highlighted), rule ids hidden until revealed."""
    fig = workbench_topology(s.workspace)
    return fig if s.revealed else redact_rule_ids(fig)


def spof_explorer(s: TrainingSession) -> w.VBox:
    """Pick any runtime resource: its blast radius on the topology (rule ids hidden until revealed)."""
    ws = s.workspace
    options = explorer_options(ws)
    if not options:
        print("no runtime topology to explore")
        return w.VBox([])
    pick = w.Dropdown(options=options, description="resource", layout=w.Layout(width="640px"))
    info = w.HTML(blast_html(ws, pick.value))

    def figure() -> Any:
        fig = topology_graph(ws.graph, ws.active(), blast_for=pick.value)
        return fig if s.revealed else redact_rule_ids(fig)

    fig = go.FigureWidget(figure())

    def refresh(*_: Any) -> None:
        info.value = blast_html(ws, pick.value)
        new = figure()
        with fig.batch_update():
            fig.data = []
            fig.add_traces(list(new.data))
            fig.layout = new.layout

    pick.observe(refresh, names="value")
    box = w.VBox([pick, info, fig])
    display(box)
    return box


class SuspicionForm:
    """Resource dropdown + area dropdown + note + *Add*; the list of suspicions; *Submit*.

    ``add()``, ``remove()`` and ``submit()`` are what the buttons call (tests call them too).
    """

    def __init__(self, session: TrainingSession) -> None:
        self.session = session
        self.resource = w.Combobox(
            options=session.choices(),
            placeholder="resource address (type to filter)",
            description="Resource",
            ensure_option=True,
            layout=w.Layout(width="560px"),
        )
        self.area = w.Dropdown(
            options=[("— area —", "")] + [(label, key) for key, label in AREA_LABELS.items()],
            value="",
            description="Area",
            layout=w.Layout(width="420px"),
        )
        self.note = w.Text(
            placeholder="why it matters (a sentence)", description="Note", layout=w.Layout(width="560px")
        )
        self.add_button = w.Button(description="Add", icon="plus", button_style="info")
        self.listing = w.Select(options=[], description="Suspicions", rows=8, layout=w.Layout(width="760px"))
        self.remove_button = w.Button(description="Remove selected", icon="trash")
        self.submit_button = w.Button(description="Submit", icon="check", button_style="success")
        self.status = w.HTML()
        self.results = QuietHTML()
        self.add_button.on_click(lambda _b: self._guard(self.add))
        self.remove_button.on_click(lambda _b: self._guard(self.remove))
        self.submit_button.on_click(lambda _b: self._guard(self.submit))
        self.widget = w.VBox(
            [
                w.HTML(
                    "<b>Mark a suspected flaw</b>: the resource, the review area, and a note. "
                    "Use <code>(repository)</code> for problems of the repository as a whole."
                ),
                self.resource,
                self.area,
                self.note,
                self.add_button,
                self.listing,
                w.HBox([self.remove_button, self.submit_button]),
                self.status,
                self.results,
            ]
        )
        self._refresh()

    def _guard(self, action: Any) -> None:
        try:
            action()
        except (ValueError, LookupError) as exc:
            self.status.value = f"<span style='color:#d1242f'>{esc(exc)}</span>"

    def _refresh(self) -> None:
        self.listing.options = [
            (f"{i + 1}. {s.resource} [{AREA_LABELS[s.area]}] {s.note}"[:200], i)
            for i, s in enumerate(self.session.suspicions)
        ]

    def add(self) -> None:
        """Add the suspicion currently entered in the form."""
        if self.resource.value not in self.resource.options:
            msg = "pick a resource from the list"
            raise ValueError(msg)
        if not self.area.value:
            msg = "pick the review area"
            raise ValueError(msg)
        s = self.session.add(self.resource.value, self.area.value, self.note.value)
        self.note.value = ""
        self._refresh()
        self.status.value = f"added <code>{esc(s.resource)}</code> ({len(self.session.suspicions)} so far)"

    def remove(self) -> None:
        """Remove the suspicion selected in the list."""
        if self.listing.value is None:
            msg = "select a suspicion in the list first"
            raise ValueError(msg)
        s = self.session.remove(int(self.listing.value))
        self._refresh()
        self.status.value = f"removed <code>{esc(s.resource)}</code>"

    def submit(self) -> ScoreResult:
        """Score, record (when a trainee is named), and show score, feedback and the tool's findings."""
        result = self.session.submit()
        recorded = f" — recorded for {esc(self.session.trainee)}" if self.session.trainee else ""
        self.status.value = f"<b>{esc(result.summary_line())}</b>{recorded}"
        self.results.value = feedback_html(result) + self.session.findings_html()
        return result


def submission_form(s: TrainingSession) -> SuspicionForm:
    """Display the suspicion form and return it (``form = submission_form(s)``)."""
    form = SuspicionForm(s)
    display(form.widget)
    return form


def score_scripted(s: TrainingSession, submission: Sequence[Any] | None) -> ScoreResult | None:
    """Score a scripted submission in demo mode (no trainee) and print the score line.

    With a trainee name the notebook is for practice: the scripted answer is ignored (it would
    spoil the exercise) and the form above is used instead.  Scripted answers are never recorded.
    """
    if s.trainee:
        print("practice mode: mark your suspicions in the form above and press Submit")
        return None
    if not s.has_key:
        print(f"free practice on {s.name}: no answer key, nothing to score")
        return None
    if not submission:
        print("no scripted submission; use the form above")
        return None
    result = s.submit(list(submission), record=False)
    print(f"scripted submission (demo, not recorded): {len(submission)} suspicion(s)")
    print(result.summary_line())
    return result


def feedback_view(s: TrainingSession) -> w.VBox | None:
    """Score, feedback and the tool's findings of the latest submission (in a :class:`QuietHTML`)."""
    if s.result is None:
        print("submit (with the form above) to see your score and feedback here")
        return None
    box = w.VBox([QuietHTML(value=feedback_html(s.result) + s.findings_html())])
    display(box)
    return box


def cohort_view(db: str = "", exercise: str | None = None) -> None:
    """The trainer's view: best and latest score per trainee × exercise (HTML + text)."""
    rows = TrainingStore(db or None).results(exercise=exercise)
    display(HTML(cohort_html(rows)))
    if not rows:
        print("no training submissions recorded yet")
    for r in rows:
        print(
            f"{r.trainee:<16} {r.exercise:<28} attempts {r.attempts}, best {r.best_percent:.1f}%, "
            f"latest {r.latest_percent:.1f}%"
        )
