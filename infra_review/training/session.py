"""One trainee working on one exercise: the repository loaded, findings held back, suspicions
collected, the submission scored and recorded.

The session keeps the tool's findings out of everything it hands to the views until the
trainee submits (or the trainer sets ``show_findings``): :attr:`TrainingSession.workspace` is
the review :class:`~infra_review.review.workspace.Workspace` with an empty findings list, so the
segmentation map, topology and SPOF explorer of :mod:`infra_review.views.workbench` draw the
system without finding badges.  The answer key is decoded only in :meth:`submit`.

A repository that is not an exercise can be opened too (*free practice*): everything works
except scoring, since there is no key.

>>> s = TrainingSession.open("01")                                        # doctest: +SKIP
>>> s.add("aws_security_group.cms", "network_security", "SSH from anywhere")  # doctest: +SKIP
>>> s.submit().percent                                                    # doctest: +SKIP
22.7
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra_review.model.persona import AREA_TITLES
from infra_review.review.workspace import Workspace
from infra_review.training.exercises import Exercise, find_exercise, list_exercises, resource_choices
from infra_review.training.scoring import ScoreResult, Suspicion, parse_submission, score
from infra_review.training.store import TrainingStore
from infra_review.views.tables import SEVERITY_COLOURS, esc, findings_table_html

__all__ = ["AREA_LABELS", "TrainingSession", "cohort_html", "feedback_html"]

#: Area value → its title (the persona's, :data:`~infra_review.model.persona.AREA_TITLES`).
AREA_LABELS: dict[str, str] = {area.value: title for area, title in AREA_TITLES.items()}


def _exercise_for_repo(repo: str | Path) -> Exercise | None:
    """The exercise whose ``repo/`` is ``repo`` (or whose folder is), else ``None``."""
    p = Path(repo).expanduser().resolve()
    for ex in list_exercises():
        if p in (ex.repo.resolve(), ex.path.resolve()):
            return ex
    return None


@dataclass
class TrainingSession:
    """State of one practice run (see the module docstring)."""

    exercise: Exercise | None
    full: Workspace
    trainee: str = ""
    db: str = ""
    show_findings: bool = False
    suspicions: list[Suspicion] = field(default_factory=list)
    result: ScoreResult | None = None
    _blind: Workspace | None = None

    @classmethod
    def open(
        cls,
        exercise: str = "",
        *,
        repo: str | Path = "",
        trainee: str = "",
        db: str = "",
        show_findings: bool = False,
    ) -> TrainingSession:
        """Open ``exercise`` (name or unique prefix); ``repo`` overrides it: an exercise's repository
        selects that exercise, any other repository is free practice without a key."""
        ex: Exercise | None
        if repo:
            ex = _exercise_for_repo(repo)
            root = Path(repo)
        else:
            ex = find_exercise(exercise)
            root = ex.repo
        # the review store of this workspace is a throw-away: practice is not a review
        ws = Workspace.open(root, db=":memory:", reviewer=trainee)
        session = cls(ex, ws, trainee=trainee.strip(), db=db, show_findings=show_findings)
        session.restore_draft()
        return session

    # -- what the views get ---------------------------------------------------------------------
    @property
    def revealed(self) -> bool:
        """Findings are shown once submitted, or when the trainer asked for them."""
        return self.show_findings or self.result is not None

    @property
    def workspace(self) -> Workspace:
        """The workspace for the views: without findings until :attr:`revealed`."""
        if self.revealed:
            return self.full
        if self._blind is None:
            self._blind = self.full.without_findings()
        return self._blind

    @property
    def name(self) -> str:
        return self.exercise.name if self.exercise else self.full.root.resolve().name

    @property
    def has_key(self) -> bool:
        return self.exercise is not None and self.exercise.has_key

    def choices(self) -> list[str]:
        """Addresses the trainee can name (resource dropdown)."""
        return resource_choices(self.full.graph)

    def summary(self) -> str:
        """One deterministic line: what is being practised on, and how big it is."""
        managed = sum(1 for _ in self.full.graph.resources())
        n = len(self.choices())
        if self.exercise is None:
            return (
                f"free practice on {self.name}: {managed} resources, {n} addresses to choose from; "
                "no answer key, so submissions are not scored"
            )
        ex = self.exercise
        return f"{ex.name} ({ex.level}): {ex.title}; {managed} resources, {n} addresses to choose from"

    # -- suspicions ---------------------------------------------------------------------------
    def _keeps_drafts(self) -> bool:
        return bool(self.trainee) and self.exercise is not None

    def restore_draft(self) -> int:
        """Reload the suspicions this trainee marked on this exercise before (kernel restart)."""
        if not self._keeps_drafts():
            return 0
        saved = TrainingStore(self.db or None).draft(self.trainee, self.name)
        try:
            self.suspicions = parse_submission(saved)
        except ValueError:  # a draft from an older version: start afresh rather than fail
            self.suspicions = []
        return len(self.suspicions)

    def _save_draft(self) -> None:
        if self._keeps_drafts():
            TrainingStore(self.db or None).save_draft(
                self.trainee, self.name, [s.to_dict() for s in self.suspicions]
            )

    def add(self, resource: str, area: str, note: str = "") -> Suspicion:
        """Add one suspicion (validated like a submission file entry); saved as a draft."""
        (s,) = parse_submission([{"resource": resource, "area": area, "note": note}])
        self.suspicions.append(s)
        self._save_draft()
        return s

    def remove(self, index: int) -> Suspicion:
        s = self.suspicions.pop(index)
        self._save_draft()
        return s

    def submit(self, suspicions: list[Any] | None = None, *, record: bool = True) -> ScoreResult:
        """Score the suspicions (or ``suspicions``), record them for the trainee, reveal findings.

        Recorded only when a trainee name is set and ``record`` is true (one transaction).
        """
        if self.exercise is None or not self.exercise.has_key:
            msg = f"{self.name} has no answer key: free practice is not scored"
            raise LookupError(msg)
        sus = parse_submission(self.suspicions if suspicions is None else suspicions)
        result = score(self.exercise.answer_key(), sus)
        if record and self.trainee:
            TrainingStore(self.db or None).record(
                self.trainee, self.exercise.name, [s.to_dict() for s in sus], result.to_dict(feedback=False)
            )
        self.result = result
        return result

    def findings_html(self, limit: int = 40) -> str:
        """The tool's open findings (only once :attr:`revealed`; else a note saying they are hidden)."""
        if not self.revealed:
            return "<p><i>The tool's automated findings stay hidden until you submit.</i></p>"
        active = [f for f in self.full.active() if f.status.value == "FAIL"]
        return f"<h3>What the tool found ({len(active)} failing checks)</h3>" + findings_table_html(
            active, limit=limit
        )


_LITERAL = re.compile(r"``(.+?)``")


def _para(text: str) -> str:
    """Paragraphs of a rule docstring section as HTML (escaped; ``literal`` → <code>)."""
    paras = [_LITERAL.sub(r"<code>\1</code>", esc(p, 2000)) for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{p}</p>" for p in paras)


def feedback_html(result: ScoreResult) -> str:
    """Score and feedback: found flaws, every missed flaw with the rule's *Why it matters* and
    *Remediation* (the key's explanation for guided flaws), false alarms."""
    fb = result.to_dict()["feedback"]
    colour = "#1a7f37" if result.percent >= 75 else "#bf8700" if result.percent >= 40 else "#d1242f"
    out = [
        f"<h3>Score: <span style='color:{colour}'>{result.percent:.1f}%</span></h3>",
        f"<p>Found <b>{len(result.found)}</b> of {len(result.flaws)} flaws, "
        f"missed <b>{len(result.missed)}</b>, "
        f"<b>{len(result.false_alarms)}</b> false alarm(s); severity-weighted {result.found_weight:g} "
        f"− {result.penalty:g} of {result.total_weight:g}.</p>",
    ]

    def head(f: dict[str, Any]) -> str:
        sev = esc(f["severity"])
        by = (
            "guided — a human judgement"
            if f["detected_by"] == "guided"
            else f"{f['detected_by']} {f['rule_title']}"
        )
        return (
            f"<b style='color:{SEVERITY_COLOURS.get(f['severity'], '#57606a')}'>[{sev}]</b> "
            f"<b>{esc(f['title'])}</b> <small>({esc(f['area'])}; {esc(by)})</small><br>"
            f"<small>resources: {', '.join(f'<code>{esc(r, 160)}</code>' for r in f['resources'])}</small>"
        )

    if fb["found"]:
        out.append("<h4>Found</h4><ul>")
        for f in fb["found"]:
            wrong_area = (
                ""
                if f["area_ok"]
                else f"<br><small>you filed it under <i>{esc(f['your_suspicion']['area'])}</i>; "
                f"the key files it under <i>{esc(f['area'])}</i></small>"
            )
            out.append(f"<li>{head(f)}{wrong_area}</li>")
        out.append("</ul>")
    if fb["missed"]:
        out.append("<h4>Missed</h4>")
        for f in fb["missed"]:
            out.append(
                "<div style='border-left:4px solid #d1242f;padding:4px 12px;margin:8px 0'>"
                f"{head(f)}<p><i>In this exercise:</i> {esc(f['why'], 2000)}</p>"
            )
            if f["why_it_matters"] and f["why_it_matters"] != f["why"]:
                out.append(f"<p><i>Why it matters:</i></p>{_para(f['why_it_matters'])}")
            if f["remediation"]:
                out.append(f"<p><i>Remediation:</i></p>{_para(f['remediation'])}")
            out.append("</div>")
    if result.false_alarms:
        out.append("<h4>False alarms</h4><ul>")
        out += [
            f"<li><code>{esc(s.resource, 160)}</code> [{esc(s.area)}] {esc(s.note, 300)}</li>"
            for s in result.false_alarms
        ]
        out.append("</ul>")
    if result.duplicates:
        names = ", ".join(f"<code>{esc(s.resource, 160)}</code>" for s in result.duplicates)
        out.append(f"<p><small>Repeated (no penalty): {names}</small></p>")
    return "\n".join(out)


def cohort_html(rows: list[Any]) -> str:
    """The trainer's cohort table (rows of :class:`~infra_review.training.store.CohortRow`)."""
    if not rows:
        return "<p>No training submissions recorded yet.</p>"
    body = "".join(
        f"<tr><td>{esc(r.trainee)}</td><td>{esc(r.exercise)}</td><td>{r.attempts}</td>"
        f"<td>{r.best_percent:.1f}%</td><td>{r.latest_percent:.1f}%</td>"
        f"<td>{r.latest_found}/{r.latest_missed}/{r.latest_false_alarms}</td><td>{esc(r.latest_at)}</td></tr>"
        for r in rows
    )
    return (
        "<table><tr><th>trainee</th><th>exercise</th><th>attempts</th><th>best</th><th>latest</th>"
        f"<th>found/missed/false alarms (latest)</th><th>latest at</th></tr>{body}</table>"
    )
