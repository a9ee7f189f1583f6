"""``infra-review scan PATH``: load a repository, run the rules, print the findings.

The steps are separate functions so that more output formats and options can be added
without touching the others: :func:`load` → :func:`compute_findings` → :func:`render` →
:func:`emit`.

Formats: ``table`` (default), ``json`` (the documented contract), ``sarif`` (SARIF 2.1.0 for
GitHub code scanning), ``junit`` (one test case per rule × resource), ``markdown``.
``--select``/``--ignore`` take rule ids, areas or id prefixes (comma-separated, repeatable).
``--baseline FILE`` marks the findings recorded in FILE as suppressed so only new ones count;
``--create-baseline FILE`` records the current findings.

Exit codes: 0 done, 1 an unsuppressed FAIL at or above ``--fail-on`` (default ``high``;
``none`` never), 2 unusable PATH, unknown rule/area, unusable baseline, or (with
``--strict``) incomplete coverage or a rule that crashed.

This module (and everything it imports) must never import plotly, ipywidgets or jupyter.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from infra_review.model.errors import InfraReviewError, LoadError

__all__ = ["FORMATS", "compute_findings", "configure", "emit", "load", "render", "run"]

SEVERITIES = ("none", "info", "low", "medium", "high", "critical")


def _render_json(result: Any, findings: list[Any], args: argparse.Namespace) -> str:
    from infra_review.report.json_contract import scan_document

    doc = scan_document(result, findings)
    run = _review_run(args)
    if run is not None:  # additive: which rules ran, which crashed, how long they took
        doc["review"] = {
            "rules": run.rule_ids,
            "errors": [e.to_dict() for e in run.errors],
            "complete": not run.errors,
            "baseline": getattr(args, "baseline", None),
            "seconds": round(sum(run.timings.values()), 3),
        }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _render_table(result: Any, findings: list[Any], args: argparse.Namespace) -> str:
    from infra_review.report.table import render_table

    return render_table(result, findings)


def _review_run(args: argparse.Namespace) -> Any:
    return getattr(args, "review_run", None)


def _render_sarif(result: Any, findings: list[Any], args: argparse.Namespace) -> str:
    from infra_review.report.sarif import dumps_sarif

    run = _review_run(args)
    repo = result.graph.repo
    parsed = sorted(f.path for f in result.files if str(f.status) in {"parsed", "partial"})
    fallback = repo.get("readme") or (parsed[0] if parsed else ".")
    return dumps_sarif(
        findings,
        rules=run.rules if run else None,
        errors=run.errors if run else (),
        fallback_uri=fallback,
        uri_prefix=getattr(args, "sarif_uri_prefix", "") or "",
    )


def _render_junit(result: Any, findings: list[Any], args: argparse.Namespace) -> str:
    from infra_review.report.junit import to_junit

    run = _review_run(args)
    return to_junit(findings, errors=run.errors if run else ())


def _render_markdown(result: Any, findings: list[Any], args: argparse.Namespace) -> str:
    from infra_review.report.markdown import to_markdown

    run = _review_run(args)
    name = str(result.graph.repo.get("name") or Path(str(result.root)).name)
    return to_markdown(findings, errors=run.errors if run else (), root=name)


#: ``--format`` name → renderer(load_result, findings, args) -> text.  Extend here.
FORMATS: dict[str, Callable[[Any, list[Any], argparse.Namespace], str]] = {
    "json": _render_json,
    "table": _render_table,
    "sarif": _render_sarif,
    "junit": _render_junit,
    "markdown": _render_markdown,
}


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``scan``."""
    parser.add_argument("path", metavar="PATH", help="repository directory to review")
    parser.add_argument("--format", "-f", choices=sorted(FORMATS), default="table", help="output format")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the output to FILE instead of stdout")
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default="high",
        help="exit 1 when a failing, unsuppressed finding has this severity or higher "
        "(default: high; 'none' never fails)",
    )
    parser.add_argument(
        "--select",
        action="append",
        metavar="IDS",
        help="run only these rule ids / areas / id prefixes (comma-separated, repeatable)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        metavar="IDS",
        help="skip these rule ids / areas / id prefixes (comma-separated, repeatable)",
    )
    parser.add_argument(
        "--baseline", metavar="FILE", help="mark findings recorded in FILE as suppressed (report only new)"
    )
    parser.add_argument(
        "--sarif-uri-prefix",
        metavar="DIR",
        default="",
        help="SARIF only: prefix file paths with DIR/ when PATH is a sub-directory of the checked-out "
        "repository (e.g. 'infra')",
    )
    parser.add_argument(
        "--create-baseline",
        metavar="FILE",
        help="write the current findings to FILE as a baseline (exit 0 unless PATH is unusable)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 2 when coverage is incomplete")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the parse cache")
    parser.add_argument(
        "--workers", type=int, default=None, metavar="N", help="parser processes (default: 2)"
    )


def _error(message: str) -> int:
    print(f"infra-review scan: error: {message}", file=sys.stderr)
    return 2


def load(args: argparse.Namespace) -> Any:
    """Load the repository (raises :class:`LoadError` for an unusable PATH)."""
    from infra_review.pipeline import load_repo

    return load_repo(args.path, workers=args.workers, cache=not args.no_cache)


def compute_findings(result: Any, args: argparse.Namespace) -> list[Any]:
    """Run the selected rules (inline suppressions and ``--baseline`` applied).

    The whole :class:`~infra_review.review.ReviewRun` (rule errors, timings) is kept on
    ``args.review_run`` for the renderers.  Raises ``UnknownRuleError``/``BaselineError``.
    """
    from infra_review.review.engine import run_review

    run = run_review(
        result.graph,
        select=getattr(args, "select", None),
        ignore=getattr(args, "ignore", None),
        baseline=getattr(args, "baseline", None),
    )
    args.review_run = run
    if getattr(args, "baseline", None):
        from infra_review.review.baseline import Baseline

        stale = Baseline.load(args.baseline).unmatched(run.findings)
        if stale:
            print(
                f"infra-review scan: note: {len(stale)} baseline "
                f"{'entry no longer matches' if len(stale) == 1 else 'entries no longer match'} "
                "a finding (fixed?); re-create the baseline to drop them",
                file=sys.stderr,
            )
    for e in run.errors:
        print(f"infra-review scan: warning: rule {e.rule_id} failed: {e.message}", file=sys.stderr)
    return list(run.findings)


def create_baseline(findings: list[Any], args: argparse.Namespace) -> None:
    """Write ``--create-baseline`` (findings already baselined stay in the new baseline)."""
    import dataclasses

    from infra_review.review.baseline import Baseline

    keep = [
        dataclasses.replace(f, suppressed=False) if f.suppression_source == "baseline" else f
        for f in findings
    ]
    bl = Baseline.from_findings(keep)
    bl.save(args.create_baseline)
    print(
        f"infra-review scan: wrote baseline of {len(bl)} finding(s) to {args.create_baseline}",
        file=sys.stderr,
    )


def render(result: Any, findings: list[Any], args: argparse.Namespace) -> str:
    """The output text in the chosen format."""
    return FORMATS[args.format](result, findings, args)


def emit(text: str, args: argparse.Namespace) -> None:
    """Write to ``--output`` or stdout.

    A new or regular file is replaced atomically (write a temporary file, then rename);
    anything else (``/dev/null``, a FIFO, ``/dev/stdout``, a symlink) is written in place,
    never replaced: renaming over ``/dev/null`` would turn it into a regular file.
    """
    if not args.output:
        sys.stdout.write(text)
        return
    out = Path(args.output)
    try:
        st = out.lstat()
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        with out.open("w", encoding="utf-8") as fh:
            fh.write(text)
        return
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


def exit_status(result: Any, findings: list[Any], args: argparse.Namespace) -> int:
    """0, or 1 when a finding reaches ``--fail-on``."""
    if args.fail_on == "none":
        return 0
    from infra_review.model import Severity, Status

    threshold = Severity.parse(args.fail_on)
    for f in findings:
        if f.status == Status.FAIL and not f.suppressed and f.severity >= threshold:
            return 1
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``scan`` with parsed arguments; returns the exit code."""
    try:
        result = load(args)
    except LoadError as exc:
        return _error(f"{exc.path}: {exc.detail}")
    try:
        findings = compute_findings(result, args)
    except InfraReviewError as exc:
        return _error(str(exc))
    try:
        emit(render(result, findings, args), args)
    except OSError as exc:
        return _error(f"cannot write {args.output}: {exc.strerror or exc}")
    if getattr(args, "create_baseline", None):
        try:
            create_baseline(findings, args)
        except OSError as exc:
            return _error(f"cannot write {args.create_baseline}: {exc.strerror or exc}")
        return 0
    if args.strict and not result.complete:
        return _error(f"incomplete coverage: {result.summary()}")
    run = _review_run(args)
    if args.strict and run is not None and run.errors:
        return _error(f"{len(run.errors)} rule(s) failed to run: {', '.join(e.rule_id for e in run.errors)}")
    return exit_status(result, findings, args)
