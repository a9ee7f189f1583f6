"""A Markdown summary of a review: totals, red flags first, then one section per area.

Layout: a totals table (active FAIL per severity, UNKNOWN, suppressed); **Red Flags** (every
active FAIL of the red-flag area, plus the critical findings of any area); one section per
area in the persona's order with one table per severity and the remediation of each rule once;
then *Needs a human* (UNKNOWN), *Suppressed* (with source and reason) and *Rule errors*.
An area whose rule raised gets its section even without findings, opening with a *rule
failed* line, so that a failed rule never reads as a clean area.
Every string from the reviewed repository is escaped (HTML entities and Markdown
punctuation), so a resource named ``<script>`` or ``a|b`` stays text.

>>> from infra_review.model import Finding, Area, Severity, Status
>>> md = to_markdown([Finding("TST001", Area.IAC, Severity.HIGH, Status.FAIL, "aws_s3_bucket.<b>", "m")])
>>> "aws\\\\_s3\\\\_bucket.&lt;b&gt;" in md
True
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from infra_review.model import Area, Finding, Severity, Status
from infra_review.model.persona import AREA_TITLES
from infra_review.report.options import RenderOptions
from infra_review.report.rules_doc import rst_to_markdown
from infra_review.review.engine import sort_findings
from infra_review.review.result import ReviewResult, RuleError
from infra_review.rules import RULES

__all__ = ["escape_md", "render_markdown", "to_markdown"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def escape_md(text: object, limit: int = 300) -> str:
    """Escape a repository string for a Markdown table cell (HTML entities, punctuation)."""
    s = " ".join(str(text).split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return _MD_SPECIAL.sub(r"\\\1", html.escape(s, quote=False))


def _loc(f: Finding) -> str:
    if not f.file:
        return "—"
    return escape_md(f"{f.file}:{f.line}" if f.line else f.file)


def _table(findings: Sequence[Finding]) -> list[str]:
    rows = ["| Rule | Resource | Location | Finding |", "|---|---|---|---|"]
    for f in findings:
        rows.append(f"| {f.rule_id} | {escape_md(f.address)} | {_loc(f)} | {escape_md(f.message)} |")
    return rows


def _first_paragraph(text: str) -> str:
    """The remediation's first paragraph on one line (a list item in the summary)."""
    first = text.strip().split("\n\n", 1)[0]
    return " ".join(first.split()) if ".. code" not in first else first


def _remediation(findings: Sequence[Finding]) -> list[str]:
    seen: dict[str, Finding] = {}
    for f in findings:
        seen.setdefault(f.rule_id, f)
    remed = [
        f"- **{rid}** {escape_md(f.title)}: {rst_to_markdown(_first_paragraph(f.remediation))}"
        for rid, f in sorted(seen.items())
        if f.remediation
    ]
    return ["**Remediation**", "", *remed, ""] if remed else []


def to_markdown(
    findings: Sequence[Finding],
    *,
    errors: Iterable[RuleError] = (),
    title: str = "infra-review findings",
    root: str = "",
    preamble: Sequence[str] = (),
    error_areas: Mapping[str, Area] | None = None,
) -> str:
    """The Markdown summary (see the module docstring).  ``preamble`` lines go after the title.

    ``error_areas`` maps the id of a rule that raised to its area (default: the registry's).
    """
    ordered = sort_findings(findings)
    active = [f for f in ordered if f.status == Status.FAIL and not f.suppressed]
    unknown = [f for f in ordered if f.status == Status.UNKNOWN and not f.suppressed]
    suppressed = [f for f in ordered if f.suppressed]
    errs = list(errors)
    failed = _failed_by_area(errs, error_areas or {})

    out = [f"# {escape_md(title)}", ""]
    if root:
        out += [f"Repository: {escape_md(root)}", ""]
    if preamble:
        out += [*preamble, ""]
    out += ["| Severity | Failing | Needs a human (UNKNOWN) | Suppressed |", "|---|---|---|---|"]
    for sev in sorted(Severity, reverse=True):
        out.append(
            f"| {sev.label} | {sum(f.severity == sev for f in active)} | "
            f"{sum(f.severity == sev for f in unknown)} | {sum(f.severity == sev for f in suppressed)} |"
        )
    out.append(f"| **total** | **{len(active)}** | **{len(unknown)}** | **{len(suppressed)}** |")
    out.append("")
    if errs:
        out += [f"> **Incomplete review:** {len(errs)} rule(s) failed to run; see *Rule errors* below.", ""]

    red = [f for f in active if f.area == Area.RED_FLAGS or f.severity == Severity.CRITICAL]
    out += [
        f"## {AREA_TITLES[Area.RED_FLAGS]}",
        "",
        "Findings of the red-flag rules and every critical finding, whatever its area.",
        "",
    ]
    out += _failed_lines(failed.get(Area.RED_FLAGS, []))
    out += _table(red) if red else ["No red flags among the active findings."]
    out.append("")
    out += _remediation([f for f in red if f.area == Area.RED_FLAGS])

    by_area: dict[Area, list[Finding]] = defaultdict(list)
    for f in active:
        by_area[f.area].append(f)
    for area, area_title in AREA_TITLES.items():
        fs = by_area.get(area, [])
        if not (fs or failed.get(area)) or area == Area.RED_FLAGS:  # listed in full above
            continue
        out += [f"## {area_title}", "", *_failed_lines(failed.get(area, []))]
        for sev in sorted(Severity, reverse=True):
            rows = [f for f in fs if f.severity == sev]
            if rows:
                out += [f"### {sev.label.capitalize()} ({len(rows)})", "", *_table(rows), ""]
        out += _remediation(fs)

    if unknown:
        out += ["## Needs a human (UNKNOWN)", "", "Values the tool could not resolve statically.", ""]
        out += [*_table(unknown), ""]
    if suppressed:
        out += ["## Suppressed", "", "| Rule | Resource | Source | Reason |", "|---|---|---|---|"]
        out += [
            f"| {f.rule_id} | {escape_md(f.address)} | {escape_md(f.suppression_source)} | "
            f"{escape_md(f.suppression_reason)} |"
            for f in suppressed
        ]
        out.append("")
    if errs:
        area_of = {e.rule_id: str(a) for a, es in failed.items() for e in es}
        out += ["## Rule errors", "", "| Rule | Area | Error |", "|---|---|---|"]
        out += [f"| {e.rule_id} | {area_of.get(e.rule_id, '—')} | {escape_md(e.message)} |" for e in errs]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _failed_by_area(errs: Sequence[RuleError], areas: Mapping[str, Area]) -> dict[Area, list[RuleError]]:
    out: dict[Area, list[RuleError]] = defaultdict(list)
    for e in errs:
        area = areas.get(e.rule_id) or (RULES[e.rule_id].area if e.rule_id in RULES else None)
        if area is not None:
            out[area].append(e)
    return out


def _failed_lines(errs: Sequence[RuleError]) -> list[str]:
    """``> ⚠ rule failed: RULEID (Type)`` lines opening an area whose rule raised."""
    if not errs:
        return []
    out = [
        f"> ⚠ **{escape_md(e.label)}** — this area's findings from it are missing, not clean." for e in errs
    ]
    return [*out, ""]


def render_markdown(result: ReviewResult, options: RenderOptions | None = None) -> str:
    """The Markdown summary of one review (``infra-review scan --format markdown``).

    With ``options.coverage`` it starts with the commit, the coverage line and an *incomplete
    coverage* banner when files failed (the summary ``infra-review report`` writes).
    """
    opts = options or RenderOptions()
    load = result.load
    repo: Mapping[str, Any] = result.graph.repo
    root = load.root if load is not None else repo.get("root", "")
    name = str(repo.get("name") or Path(str(root)).name)
    pre: list[str] = []
    if opts.coverage and load is not None:
        pre = _coverage_lines(load.coverage, load.complete)
        git = repo.get("git") if isinstance(repo.get("git"), Mapping) else {}
        if git and git.get("head_commit"):
            pre.insert(0, f"Commit: {escape_md(str(git.get('head_commit'))[:12])}")
    areas = {r.id: r.area for r in result.rules}
    return to_markdown(result.findings, errors=result.errors, root=name, preamble=pre, error_areas=areas)


def _coverage_lines(cov: Mapping[str, Any], complete: bool) -> list[str]:
    lines = [
        f"Coverage: {cov.get('files_total', 0)} files — {cov.get('parsed', 0)} parsed, "
        f"{cov.get('partial', 0)} partial, {cov.get('skipped', 0)} skipped, "
        f"{cov.get('failed', 0)} failed."
    ]
    if not complete:
        lines += [
            "",
            f"> **Incomplete coverage:** {cov.get('problems', 'some')} file(s) could not be fully "
            "reviewed; findings may be missing for them.",
        ]
    return lines
