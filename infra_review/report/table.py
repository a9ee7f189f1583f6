"""A readable terminal summary of a load (and its findings): ``infra-review scan --format table``.

Repository strings (paths, addresses, messages) are cleaned of control characters, so a file
named with an escape sequence cannot repaint the reviewer's terminal.

>>> clean("bad\\x1b[2Jname\\n")
'bad\\\\x1b[2Jname\\\\n'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from infra_review.loaders.repo import LoadResult
from infra_review.model import Finding, Severity, Status
from infra_review.report.options import RenderOptions
from infra_review.review.result import ReviewResult

__all__ = ["clean", "load_table", "render_table"]

_CTRL = {i: f"\\x{i:02x}" for i in range(32)} | {127: "\\x7f"}
_CTRL[ord("\n")] = "\\n"
_CTRL[ord("\t")] = "\\t"


def clean(text: object, limit: int = 200) -> str:
    """Printable, single-line, truncated form of a repository string."""
    s = str(text).translate(_CTRL)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _rows(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    out = ["  " + "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    out.append("  " + "  ".join("-" * w for w in widths))
    out += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


def render_table(result: ReviewResult, options: RenderOptions | None = None) -> str:
    """``infra-review scan --format table``: the load and the review's findings as text."""
    del options  # nothing to choose
    if result.load is None:
        msg = "the table needs the load result: review(load_repo(root)), not review(graph)"
        raise ValueError(msg)
    return load_table(result.load, result.findings, errors=_error_rows(result))


def _error_rows(result: ReviewResult) -> list[tuple[str, str, str]]:
    areas = {r.id: str(r.area) for r in result.rules}
    return [(e.rule_id, areas.get(e.rule_id, ""), e.message) for e in result.errors]


def load_table(
    result: LoadResult,
    findings: Iterable[Finding] = (),
    *,
    errors: Iterable[tuple[str, str, str]] = (),
    max_rows: int = 25,
) -> str:
    """The summary of a load (and findings) as text (no colours, stable for tests and CI logs).

    ``errors`` are ``(rule id, area, message)`` of the rules that raised: the summary then
    says *INCOMPLETE REVIEW* and lists them, so that a quiet area is never read as clean.
    """
    rg = result.graph
    cov = result.coverage
    git = rg.repo.get("git", {})
    lines = [f"infra-review scan: {clean(result.root)}"]
    if git.get("is_repo"):
        head = git.get("head_commit") or "no commit"
        branch = git.get("branch") or "detached"
        lines.append(f"git: {clean(branch)} @ {clean(head)[:12]}")
    lines.append("")
    lines.append(
        f"Coverage: {cov['files_total']} files — {cov['parsed']} parsed, {cov['partial']} partial, "
        f"{cov['skipped']} skipped, {cov['failed']} failed"
    )
    if not result.complete:
        lines.append(
            f"!! INCOMPLETE COVERAGE: {cov['problems']} file(s) could not be fully reviewed (see below)"
        )
    if cov["by_reason"]:
        lines += _rows(("reason", "files"), [(clean(k), str(v)) for k, v in cov["by_reason"].items()])
    lines.append("")

    kinds = Counter(r.kind for r in rg.resources())
    blocks = Counter(r.block for r in rg.all())
    lines.append(
        f"Resources: {sum(kinds.values())} managed, {len(rg)} graph nodes, {rg.g.number_of_edges()} edges"
    )
    if kinds:
        top = kinds.most_common(max_rows)
        lines += _rows(("kind", "count"), [(clean(k), str(v)) for k, v in top])
        if len(kinds) > max_rows:
            lines.append(f"  … and {len(kinds) - max_rows} more kinds")
    other = {b: n for b, n in sorted(blocks.items()) if b not in {"resource", "k8s", "dockerfile", "compose"}}
    if other:
        lines.append("  other nodes: " + ", ".join(f"{b} {n}" for b, n in other.items()))
    lines.append("")

    problems = result.problems
    if problems:
        lines.append("Files with problems:")
        rows = []
        for rec in problems[:max_rows]:
            d = rec.diagnostics[0] if rec.diagnostics else None
            where = f"{rec.path}:{d.line}" if d and d.line else rec.path
            rows.append(
                (
                    clean(where, 80),
                    str(rec.status),
                    clean(d.code if d else rec.reason),
                    clean(d.message if d else "", 100),
                )
            )
        lines += _rows(("file", "status", "code", "message"), rows)
        if len(problems) > max_rows:
            lines.append(f"  … and {len(problems) - max_rows} more")
        lines.append("")

    errs = list(errors)
    if errs:
        lines.append(
            f"!! INCOMPLETE REVIEW: {len(errs)} rule(s) failed to run; "
            "their areas may be missing findings (rule failed):"
        )
        lines += _rows(("rule", "area", "error"), [(clean(r), clean(a), clean(m, 100)) for r, a, m in errs])
        lines.append("")

    findings = list(findings)
    if findings:
        active = [f for f in findings if not f.suppressed and f.status is not Status.PASS]
        sev = Counter(f.severity for f in active if f.status is Status.FAIL)
        unknown = sum(1 for f in active if f.status is Status.UNKNOWN)
        counts = ", ".join(f"{sev[s]} {s.label}" for s in sorted(Severity, reverse=True) if sev[s])
        suppressed = sum(1 for f in findings if f.suppressed)
        failing = sum(sev.values())
        lines.append(
            f"Findings: {failing} failing ({counts or 'none'}), {unknown} unknown, {suppressed} suppressed"
        )
        worst = sorted(
            (f for f in active if f.status is Status.FAIL), key=lambda f: (-f.severity, f.rule_id, f.address)
        )
        rows = [
            (
                f.severity.label,
                f.rule_id,
                clean(f.address, 60),
                clean(f"{f.file}:{f.line}" if f.line else f.file, 50),
                clean(f.message, 90),
            )
            for f in worst[:max_rows]
        ]
        if rows:
            lines += _rows(("severity", "rule", "address", "where", "message"), rows)
        if len(worst) > max_rows:
            lines.append(f"  … and {len(worst) - max_rows} more")
    return "\n".join(lines).rstrip() + "\n"
