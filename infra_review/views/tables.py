"""Static HTML building blocks for notebooks and the report: coverage, inventory, findings.

Every function returns an HTML string; every string that comes from the reviewed repository
goes through :func:`esc` (HTML-escaped and truncated), so a resource named ``<script>``
stays text.

>>> esc("<script>alert(1)</script>")
'&lt;script&gt;alert(1)&lt;/script&gt;'
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from infra_review.model import FileRecord, FileStatus, Finding, Severity

__all__ = [
    "SEVERITY_COLOURS",
    "coverage_html",
    "esc",
    "findings_matrix_html",
    "findings_table_html",
    "inventory_html",
    "left_align",
    "progress_html",
    "severity_badge",
    "status_counts",
]

SEVERITY_COLOURS = {
    "critical": "#8b0000",
    "high": "#d1242f",
    "medium": "#bf8700",
    "low": "#0969da",
    "info": "#57606a",
}
_STATUS_COLOURS = {"FAIL": "#d1242f", "UNKNOWN": "#8250df", "PASS": "#1a7f37"}


_CELL = re.compile(r"<(td|th)(?![^>]*style=)")


def left_align(html_text: str) -> str:
    """Left-align table cells (JupyterLab right-aligns them by default).

    >>> print(left_align("<td>a</td><td style='x'>c</td>"))
    <td style="text-align:left;vertical-align:top">a</td><td style='x'>c</td>
    """
    return _CELL.sub(r'<\1 style="text-align:left;vertical-align:top"', html_text)


def esc(value: Any, limit: int = 400) -> str:
    """HTML-escape and truncate a repository string."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


def _badge(text: str, colour: str) -> str:
    return (
        f'<span style="background:{colour};color:#fff;border-radius:10px;padding:1px 8px;'
        f'font-size:11px;font-weight:600;white-space:nowrap">{esc(text)}</span>'
    )


def severity_badge(sev: Severity | str) -> str:
    label = sev.label if isinstance(sev, Severity) else str(sev).lower()
    return _badge(label, SEVERITY_COLOURS.get(label, "#57606a"))


def coverage_html(coverage: Mapping[str, Any], files: Sequence[FileRecord]) -> str:
    """Coverage summary with an *incomplete coverage* banner whenever anything failed."""
    failed = [f for f in files if f.status in (FileStatus.FAILED, FileStatus.PARTIAL)]
    parts = []
    if failed:
        parts.append(
            '<div style="background:#ffebe9;border:1px solid #ff8182;border-radius:6px;padding:8px 12px;'
            'margin:6px 0"><b>Incomplete coverage:</b> '
            f"{len(failed)} file(s) could not be fully parsed. Findings below do not cover them.</div>"
        )
    else:
        parts.append(
            '<div style="background:#dafbe1;border:1px solid #4ac26b;border-radius:6px;padding:8px 12px;'
            'margin:6px 0"><b>Complete coverage:</b> every IaC file under the root was parsed.</div>'
        )
    keys = ("files_total", "parsed", "partial", "skipped", "failed")
    parts.append(
        "<table><tr>"
        + "".join(f"<th>{k.replace('_', ' ')}</th>" for k in keys)
        + "</tr><tr>"
        + "".join(f"<td>{int(coverage.get(k, 0) or 0)}</td>" for k in keys)
        + "</tr></table>"
    )
    by_reason = coverage.get("by_reason") or {}
    if by_reason:
        parts.append(
            "<table><tr><th>reason</th><th>files</th></tr>"
            + "".join(f"<tr><td>{esc(r)}</td><td>{n}</td></tr>" for r, n in sorted(by_reason.items()))
            + "</table>"
        )
    if failed:
        rows = []
        for rec in failed[:200]:
            diag = rec.diagnostics[0] if rec.diagnostics else None
            where = f"{rec.path}:{diag.line}:{diag.column}" if diag and diag.line else rec.path
            what = f"{diag.code}: {diag.message}" if diag else rec.reason
            rows.append(
                f"<tr><td><code>{esc(where)}</code></td><td>{esc(rec.status)}</td><td>{esc(what)}</td></tr>"
            )
        parts.append("<table><tr><th>file</th><th>status</th><th>why</th></tr>" + "".join(rows) + "</table>")
    return "\n".join(parts)


def inventory_html(kinds: Mapping[str, int], formats: Mapping[str, int] | None = None, top: int = 40) -> str:
    """Resource counts per kind (and per format)."""
    parts = []
    if formats:
        parts.append(
            "<table><tr><th>format</th><th>nodes</th></tr>"
            + "".join(f"<tr><td>{esc(k)}</td><td>{v}</td></tr>" for k, v in sorted(formats.items()))
            + "</table>"
        )
    items = sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = "".join(f"<tr><td><code>{esc(k)}</code></td><td>{v}</td></tr>" for k, v in items[:top])
    more = f"<tr><td colspan=2>… and {len(items) - top} more kinds</td></tr>" if len(items) > top else ""
    parts.append(f"<table><tr><th>kind</th><th>count</th></tr>{rows}{more}</table>")
    return "\n".join(parts)


def findings_matrix_html(counts: Mapping[str, Mapping[str, int]]) -> str:
    """Area × severity matrix of unsuppressed FAIL findings."""
    sevs = [s.label for s in reversed(Severity)]
    head = (
        "<tr><th>area</th>" + "".join(f"<th>{severity_badge(s)}</th>" for s in sevs) + "<th>total</th></tr>"
    )
    rows = []
    for area, by_sev in counts.items():
        total = sum(by_sev.values())
        cells = "".join(f"<td style='text-align:right'>{by_sev.get(s, 0) or ''}</td>" for s in sevs)
        rows.append(f"<tr><td>{esc(area)}</td>{cells}<td style='text-align:right'><b>{total}</b></td></tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def findings_table_html(
    findings: Iterable[Finding],
    *,
    snippets: Mapping[str, str] | None = None,
    decisions: Mapping[str, Any] | None = None,
    limit: int = 200,
) -> str:
    """Findings with file:line, message, evidence and (optionally) a source snippet."""
    rows = []
    items = list(findings)
    for f in items[:limit]:
        where = f"{f.file}:{f.line}" if f.line else f.file
        attribute = f" <code>{esc(f.attribute)}</code>" if f.attribute else ""
        status = _badge(f.status.value, _STATUS_COLOURS.get(f.status.value, "#57606a"))
        extra = ""
        if f.suppressed:
            extra += (
                f"<div><i>suppressed ({esc(f.suppression_source)}): {esc(f.suppression_reason)}</i></div>"
            )
        dec = (decisions or {}).get(f.fingerprint)
        if dec is not None:
            extra += f"<div><i>decision: {esc(dec.value)} — {esc(dec.note)} ({esc(dec.reviewer)})</i></div>"
        if f.evidence:
            evidence = esc(_evidence_text(f.evidence), 4000)
            extra += f"<details><summary>evidence</summary><pre>{evidence}</pre></details>"
        snip = (snippets or {}).get(f.fingerprint)
        if snip:
            extra += f"<details><summary>source</summary><pre>{esc(snip, 4000)}</pre></details>"
        rows.append(
            f"<tr><td>{severity_badge(f.severity)}<br>{status}</td><td><b>{esc(f.rule_id)}</b></td>"
            f"<td><code>{esc(f.address)}</code><br><small>{esc(where)}</small></td>"
            f"<td>{esc(f.message)}{attribute}{extra}</td></tr>"
        )
    if not rows:
        return "<p><i>No findings.</i></p>"
    more = (
        f"<p>… and {len(items) - limit} more (see the JSON/SARIF export).</p>" if len(items) > limit else ""
    )
    return (
        "<table><tr><th>severity</th><th>rule</th><th>resource</th><th>what</th></tr>"
        + "".join(rows)
        + "</table>"
        + more
    )


def progress_html(total: int, decided: Mapping[str, int]) -> str:
    """Review progress: how many checklist items have a verdict, by verdict."""
    done = sum(decided.values())
    pct = 100 * done // total if total else 0
    bar = (
        f'<div style="background:#eaeef2;border-radius:6px;height:12px;width:420px">'
        f'<div style="background:#1a7f37;height:12px;border-radius:6px;width:{pct}%"></div></div>'
    )
    detail = ", ".join(f"{esc(k)}: {v}" for k, v in sorted(decided.items()) if v) or "no verdicts yet"
    return f"<p><b>{done}/{total}</b> checklist items decided ({pct}%) — {detail}</p>{bar}"


def _evidence_text(evidence: Mapping[str, Any]) -> str:
    try:
        return json.dumps(evidence, indent=2, default=str, sort_keys=True)
    except (TypeError, ValueError):
        return str(evidence)


def status_counts(findings: Iterable[Finding]) -> Counter[str]:
    """``Counter`` of statuses (FAIL/UNKNOWN/PASS) — handy for notebook summaries."""
    return Counter(f.status.value for f in findings)
