"""``infra-review scan PATH``: load a repository, run the rules, print the findings.

The steps are separate functions: :func:`load` → :func:`run_rules` (one
:class:`~infra_review.review.result.ReviewResult`) → :func:`render` (the renderers of
:mod:`infra_review.report.formats`) → :func:`emit`.

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
import dataclasses
import os
import stat
import sys
from pathlib import Path

from infra_review.model import Severity, Status
from infra_review.model.errors import InfraReviewError, LoadError
from infra_review.pipeline import LoadResult, load_repo
from infra_review.report.formats import FORMATS
from infra_review.report.options import RenderOptions
from infra_review.review.baseline import Baseline
from infra_review.review.engine import review
from infra_review.review.result import ReviewResult

__all__ = ["FORMATS", "configure", "emit", "exit_status", "load", "render", "run", "run_rules"]

SEVERITIES = ("none", "info", "low", "medium", "high", "critical")


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
    parser.add_argument(
        "--strict", action="store_true", help="exit 2 when coverage is incomplete or a rule failed to run"
    )
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the parse cache")
    parser.add_argument(
        "--workers", type=int, default=None, metavar="N", help="parser processes (default: 2)"
    )


def _error(message: str) -> int:
    print(f"infra-review scan: error: {message}", file=sys.stderr)
    return 2


def load(args: argparse.Namespace) -> LoadResult:
    """Load the repository (raises :class:`LoadError` for an unusable PATH)."""
    return load_repo(args.path, workers=args.workers, cache=not args.no_cache)


def run_rules(loaded: LoadResult, args: argparse.Namespace) -> ReviewResult:
    """Run the selected rules (inline suppressions and ``--baseline`` applied, the baseline read
    once); notes on stale baseline entries and crashed rules go to stderr.

    Raises ``UnknownRuleError``/``BaselineError``.
    """
    result = review(loaded, select=args.select, ignore=args.ignore, baseline=args.baseline)
    stale = result.baseline_unmatched
    if stale:
        print(
            f"infra-review scan: note: {len(stale)} baseline "
            f"{'entry no longer matches' if len(stale) == 1 else 'entries no longer match'} "
            "a finding (fixed?); re-create the baseline to drop them",
            file=sys.stderr,
        )
    for e in result.errors:
        print(f"infra-review scan: warning: rule {e.rule_id} failed: {e.message}", file=sys.stderr)
    return result


def create_baseline(result: ReviewResult, path: str) -> None:
    """Write ``--create-baseline`` (findings already baselined stay in the new baseline)."""
    keep = [
        dataclasses.replace(f, suppressed=False) if f.suppression_source == "baseline" else f
        for f in result.findings
    ]
    bl = Baseline.from_findings(keep)
    bl.save(path)
    print(f"infra-review scan: wrote baseline of {len(bl)} finding(s) to {path}", file=sys.stderr)


def render(result: ReviewResult, args: argparse.Namespace) -> str:
    """The output text in the chosen ``--format``."""
    options = RenderOptions(uri_prefix=args.sarif_uri_prefix or "")
    return FORMATS[args.format](result, options)


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


def exit_status(result: ReviewResult, fail_on: str) -> int:
    """0, or 1 when an unsuppressed FAIL reaches ``fail_on`` (``none``: never)."""
    if fail_on == "none":
        return 0
    threshold = Severity.parse(fail_on)
    for f in result.findings:
        if f.status == Status.FAIL and not f.suppressed and f.severity >= threshold:
            return 1
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``scan`` with parsed arguments; returns the exit code."""
    try:
        loaded = load(args)
    except LoadError as exc:
        return _error(f"{exc.path}: {exc.detail}")
    try:
        result = run_rules(loaded, args)
    except InfraReviewError as exc:
        return _error(str(exc))
    try:
        emit(render(result, args), args)
    except OSError as exc:
        return _error(f"cannot write {args.output}: {exc.strerror or exc}")
    if args.create_baseline:
        try:
            create_baseline(result, args.create_baseline)
        except OSError as exc:
            return _error(f"cannot write {args.create_baseline}: {exc.strerror or exc}")
        return 0
    if args.strict and not loaded.complete:
        return _error(f"incomplete coverage: {loaded.summary()}")
    if args.strict and result.errors:
        failed = ", ".join(e.rule_id for e in result.errors)
        return _error(f"{len(result.errors)} rule(s) failed to run: {failed}")
    return exit_status(result, args.fail_on)
