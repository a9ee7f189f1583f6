"""A change review as plain text for a terminal (``infra-review diff``, the default format)."""

from __future__ import annotations

from infra_review.analysis.diff import ResourceChange
from infra_review.model import Status
from infra_review.report.diff_json import summary
from infra_review.report.table import clean
from infra_review.review.change import ChangeReviewRun

__all__ = ["render_diff_table"]


def _side(label: str, commit: str) -> str:
    return clean(label, 60) + (f" ({commit[:12]})" if commit else "")


def render_diff_table(run: ChangeReviewRun, *, max_rows: int = 25) -> str:
    """Headline counts, then the most severe changes first, ``max_rows`` per section."""
    r = run.review
    s = summary(r)
    lines = [
        f"change review: {_side(run.base.label, run.base.commit)} → {_side(run.head.label, run.head.commit)}",
        f"  new failing findings: {s['new_failing_findings']} (worst: {s['worst_new_severity'] or '-'}); "
        f"fixed: {len(r.findings.fixed)}",
        f"  exposure opened/widened: {s['new_exposure']}; SPOFs introduced: {s.get('spof_introduced', 0)}, "
        f"removed: {s.get('spof_removed', 0)}",
        "  resources: "
        + ", ".join(f"{k}: {s.get(f'resources_{k}', 0)}" for k in ("added", "removed", "changed", "moved")),
    ]
    if r.cost_delta is not None:
        lines.append(f"  cost: {r.cost_before:,.2f} → {r.cost_after:,.2f} USD/month ({r.cost_delta:+,.2f})")
    for side in (run.base, run.head):
        if not side.complete:
            lines.append(
                f"  ! incomplete coverage on {clean(side.label, 60)}: {len(side.diagnostics)} diagnostic(s)"
            )

    def section(title: str, rows: list[str]) -> None:
        if rows:
            lines.extend(["", f"{title} ({len(rows)})"])
            lines.extend("  " + row for row in rows[:max_rows])
            if len(rows) > max_rows:
                lines.append(f"  … {len(rows) - max_rows} more (use --format json)")

    new = sorted(
        (f for f in r.findings.new if f.status != Status.PASS and not f.suppressed),
        key=lambda f: (-int(f.severity), f.rule_id, f.address),
    )
    section("new findings", [
        f"{f.severity.label:<8} {f.rule_id:<8} {clean(f.address, 70)}  {clean(f.message, 90)}" for f in new
    ])  # fmt: skip
    section("exposure", [f"{e.change:<8} {clean(e.target, 60)}  {e.ports_added or e.ports_removed or e.kind}"
                         for e in r.exposures])  # fmt: skip
    section(
        "single points of failure", [f"{x.change:<10} {x.rule_id:<7} {clean(x.address, 70)}" for x in r.spofs]
    )
    def count(xs: tuple[str, ...] | None) -> str:
        return str(len(xs)) if xs is not None else "-"

    section("blast radius", [
        f"{clean(b.address, 60)}  {count(b.before)} → {count(b.after)}"
        + (f"  (+{len(b.newly_down)})" if b.newly_down else "")
        for b in r.blast if b.before != b.after
    ])  # fmt: skip

    def attrs(c: ResourceChange) -> str:
        if not c.attrs:
            return ""
        more = ", …" if len(c.attrs) > 4 or c.more_attrs else ""
        return f"  [{', '.join(a.path for a in c.attrs[:4])}{more}]"

    section("resources", [
        f"{c.change:<8} {clean(c.old_address, 70) + ' → ' if c.old_address else ''}"
        f"{clean(c.address, 70)}{attrs(c)}"
        for c in r.resources
    ])  # fmt: skip
    section(
        "findings fixed",
        [f"{f.severity.label:<8} {f.rule_id:<8} {clean(f.address, 70)}" for f in r.findings.fixed],
    )
    section("questions", [clean(q, 300) for q in r.questions])
    section("diagnostics on one side only", [
        f"{clean(side.label, 30)}: {d.code} {clean(d.file, 60)} {clean(d.message, 120)}"
        for side, d in run.diagnostics_changed()
    ])  # fmt: skip
    return "\n".join(lines) + "\n"
