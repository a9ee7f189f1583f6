"""A change review as Markdown for a pull-request comment (``infra-review diff --format markdown``).

One headline, then collapsible ``<details>`` sections, the most severe first (new findings by
severity, opened or widened exposure, SPOFs introduced, blast radius grown, then resource
changes, fixed findings, closed exposure, cost, questions, diagnostics); the first section
that has content is open.  The comment stays within :data:`MAX_CHARS` (GitHub's limit for a
comment body): rows per section are cut down until it fits, with a note pointing at the full
report.  Every repository string is escaped; attribute values are already redacted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from infra_review.analysis.diff import ChangeReview, ExposureChange
from infra_review.model import Finding, Severity, Status
from infra_review.report.markdown import escape_md
from infra_review.review.change import ChangeReviewRun

__all__ = ["MAX_CHARS", "to_diff_markdown"]

#: GitHub's limit for the body of an issue or pull-request comment.
MAX_CHARS = 65_536
_ROW_CAPS = (200, 100, 50, 20, 10, 5)
_TRUNCATED = (
    "\n\n> **Truncated** to fit a pull-request comment ({shown} of {total} rows shown). "
    "The full change review: `infra-review diff … --format json` (or `--format table`).\n"
)

Section = tuple[str, list[str], list[str]]  # (title, table header lines, rows)


def _e(text: object, limit: int = 160) -> str:
    return escape_md(text, limit) if text not in (None, "") else "—"


def _value(v: Any) -> str:
    return "∅" if v is None else f"`{_e(v, 80)}`".replace("`—`", "—")


def _finding_rows(findings: Sequence[Finding]) -> list[str]:
    return [
        f"| {f.severity.label} | {f.rule_id} | {_e(f.address)} | "
        f"{_e(f'{f.file}:{f.line}' if f.line else f.file)} | {_e(f.message, 200)} |"
        for f in findings
    ]


def _head(*cols: str) -> list[str]:
    return ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]


_FINDING_HEAD = _head("Severity", "Rule", "Resource", "Location", "Finding")


def _cause(e: ExposureChange) -> str:
    return _e("; ".join(f"{a} ({', '.join(p[:3])})" for a, p in e.cause), 300)


def _sections(run: ChangeReviewRun) -> list[Section]:
    r = run.review
    new = sorted(
        (f for f in r.findings.new if f.status != Status.PASS and not f.suppressed),
        key=lambda f: (-int(f.severity), f.rule_id, f.address),
    )
    out: list[Section] = []
    for sev in (Severity.CRITICAL, Severity.HIGH):
        out.append(
            (f"New {sev.label} findings", _FINDING_HEAD, _finding_rows([f for f in new if f.severity == sev]))
        )
    more = [
        f"| {e.change} | {_e(e.target)} | {_e(e.ports_added or e.kind)} | {_e(e.new_path, 300)} "
        f"| {_cause(e)} |"
        for e in r.exposures
        if e.more_exposed
    ]
    out.append(
        (
            "Internet exposure opened or widened",
            _head("Change", "Target", "Ports added", "Path", "Caused by"),
            more,
        )
    )
    spofs = [
        f"| {s.rule_id} | {_e(s.address)} | {_e(s.message, 240)} |"
        for s in r.spofs
        if s.change == "introduced"
    ]
    out.append(("Single points of failure introduced", _head("Rule", "Resource", "Why"), spofs))
    grown = [
        f"| {_e(b.address)} | {len(b.before or ())} | {len(b.after or ())} "
        f"| {_e(', '.join(b.newly_down), 300)} |"
        for b in r.blast
        if b.newly_down and b.before is not None
    ]
    out.append(("Blast radius grown", _head("Resource", "Before", "After", "Now fails with it"), grown))
    lower = _finding_rows([f for f in new if f.severity < Severity.HIGH])
    out.append(("New medium, low and info findings", _FINDING_HEAD, lower))
    out.append(_resources_section(r))
    fixed = sorted(r.findings.fixed, key=lambda f: (-int(f.severity), f.rule_id, f.address))
    out.append(("Findings fixed", _FINDING_HEAD, _finding_rows(fixed)))
    less = [
        f"| {e.change} | {_e(e.target)} | {_e(e.ports_removed or '—')} | {_e(e.old_path, 300)} "
        f"| {_e(e.new_path, 300)} | {_cause(e)} |"
        for e in r.exposures
        if not e.more_exposed
    ]
    cols = _head("Change", "Target", "Ports removed", "Old path", "New path", "Caused by")
    out.append(("Internet exposure closed, narrowed or rerouted", cols, less))
    gone = [
        f"| {s.rule_id} | {_e(s.address)} | {_e(s.message, 240)} |" for s in r.spofs if s.change == "removed"
    ]
    out.append(("Single points of failure removed", _head("Rule", "Resource", "Was"), gone))
    cost = [f"| {_e(c.address)} | {_usd(c.before)} | {_usd(c.after)} | {c.delta:+,.2f} |" for c in r.cost]
    out.append(
        ("Cost (USD per month, on-demand list prices)", _head("Resource", "Before", "After", "Delta"), cost)
    )
    out.append(("Questions this change raises", [], [f"- {_e(q, 400)}" for q in r.questions]))
    diags = [
        f"| {_e(side.label, 60)} | {d.code} | {_e(d.file)} | {_e(d.message, 200)} |"
        for side, d in run.diagnostics_changed()
    ]
    out.append(("Coverage problems on one side only", _head("Side", "Code", "File", "Message"), diags))
    return out


def _usd(v: float | None) -> str:
    return "—" if v is None else f"{v:,.2f}"


def _resources_section(r: ChangeReview) -> Section:
    rows = []
    for c in r.resources:
        where = c.new_location or c.old_location
        name = f"{c.old_address} → {c.address}" if c.old_address else c.address
        detail = "; ".join(f"{_e(a.path, 120)}: {_value(a.old)} → {_value(a.new)}" for a in c.attrs[:6])
        extra = len(c.attrs) - 6 + c.more_attrs
        if extra > 0:
            detail += f"; … {extra} more"
        if c.matched_by:
            detail = f"(matched by {c.matched_by}) " + detail
        rows.append(f"| {c.change} | {_e(name, 200)} | {_e(where)} | {detail or '—'} |")
    return ("Resources changed", _head("Change", "Resource", "Location", "Attributes (old → new)"), rows)


def _headline(run: ChangeReviewRun) -> list[str]:
    r = run.review
    new = r.findings.new_failing(Severity.INFO)
    worst = max((f.severity for f in new), default=None)
    counts = r.counts()
    res = " ".join(
        f"{sym}{counts.get(f'resources_{k}', 0)}"
        for sym, k in (("+", "added"), ("−", "removed"), ("~", "changed"), ("⇄", "moved"))
    )
    cost = f" · cost {r.cost_delta:+,.2f} USD/month" if r.cost_delta else ""
    head = f"`{_e(run.head.label, 60)}`" + (f" ({run.head.commit[:12]})" if run.head.commit else "")
    base = f"`{_e(run.base.label, 60)}`" + (f" ({run.base.commit[:12]})" if run.base.commit else "")
    verdict = (
        f"**{len(new)} new failing finding(s)"
        + (f", worst {worst.label}" if worst is not None else "")
        + "** · "
        f"**{len(r.new_exposure)} exposure path(s) opened or widened** · "
        f"SPOFs +{counts.get('spof_introduced', 0)}/−{counts.get('spof_removed', 0)} · "
        f"resources {res} · findings fixed {len(r.findings.fixed)}{cost}"
    )
    lines = [f"## infra-review change review: {base} → {head}", "", verdict]
    if not (run.base.complete and run.head.complete):
        lines += ["", "> ⚠ Coverage is incomplete on at least one side: what was not read is not reviewed."]
    if r.empty:
        lines += ["", "No change to resources, exposure, single points of failure or findings."]
    return lines


def _render(head: list[str], sections: list[Section], cap: int) -> tuple[str, int, int]:
    parts = ["\n".join(head)]
    shown = total = 0
    first = True
    for title, table_head, rows in sections:
        if not rows:
            continue
        total += len(rows)
        kept = rows[:cap]
        shown += len(kept)
        body = [*table_head, *kept]
        if len(rows) > cap:
            body += ["", f"_… {len(rows) - cap} more not shown._"]
        summary = f"<details{' open' if first else ''}><summary><b>{title}</b> ({len(rows)})</summary>"
        first = False
        parts.append(summary + "\n\n" + "\n".join(body) + "\n\n</details>")
    return "\n\n".join(parts) + "\n", shown, total


def to_diff_markdown(run: ChangeReviewRun, max_chars: int = MAX_CHARS) -> str:
    """The pull-request comment for ``run`` (at most ``max_chars`` characters)."""
    head, sections = _headline(run), _sections(run)
    text, shown, total = "", 0, 0
    for cap in _ROW_CAPS:
        text, shown, total = _render(head, sections, cap)
        note = _TRUNCATED.format(shown=shown, total=total) if shown < total else ""
        if len(text) + len(note) <= max_chars:
            return text + note
    note = _TRUNCATED.format(shown="some", total=total)
    cut = text[: max_chars - len(note) - 20].rsplit("\n", 1)[0]
    if cut.count("<details") > cut.count("</details>"):
        cut += "\n\n</details>"
    return cut + note
