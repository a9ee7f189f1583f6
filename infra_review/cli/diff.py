"""``infra-review diff``: what a change does to exposure, single points of failure, blast radius,
findings and cost.

Two forms::

    infra-review diff PATH --base REF [--head REF]   # commits of a git repository (head: working tree)
    infra-review diff OLD_DIR NEW_DIR                # two directories

Commits are read from the object store with dulwich; git is never run.  Formats: ``table``
(default), ``json`` (the contract in ``docs/diff.md``), ``markdown`` (a pull-request comment of
at most 65,536 characters), ``sarif`` (the new findings only).

Exit codes: 0 done; 1 a new unsuppressed failing finding at or above ``--fail-on`` (default
``high``) or a new or widened internet-exposure path (``--fail-on none`` never fails);
2 usage error, unknown ref, unreadable repository or directory.

This module (and everything it imports) must never import plotly, ipywidgets or jupyter.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from infra_review.loaders.gittree import GitTreeError
from infra_review.model import Severity
from infra_review.model.errors import InfraReviewError
from infra_review.review.change import ChangeReviewRun, review_change, review_dirs

__all__ = ["FORMATS", "configure", "exit_code", "render", "run"]

SEVERITIES = ("none", "info", "low", "medium", "high", "critical")


def _json(run: ChangeReviewRun, args: argparse.Namespace) -> str:
    from infra_review.report.diff_json import diff_document  # lazy: only the chosen format is imported

    return json.dumps(diff_document(run), indent=2, ensure_ascii=False) + "\n"


def _table(run: ChangeReviewRun, args: argparse.Namespace) -> str:
    from infra_review.report.diff_table import render_diff_table  # lazy: only the chosen format is imported

    return render_diff_table(run)


def _markdown(run: ChangeReviewRun, args: argparse.Namespace) -> str:
    from infra_review.report.diff_markdown import to_diff_markdown  # lazy: only the chosen format is imported

    return to_diff_markdown(run)


def _sarif(run: ChangeReviewRun, args: argparse.Namespace) -> str:
    from infra_review.report.sarif import dumps_sarif  # lazy: only the chosen format is imported

    load = run.head.load
    parsed = sorted(f.path for f in load.files if str(f.status) in {"parsed", "partial"}) if load else []
    readme = load.graph.repo.get("readme") if load else None
    return dumps_sarif(
        list(run.review.findings.new),
        rules=run.rules or None,
        errors=run.head.rule_errors,
        fallback_uri=readme or (parsed[0] if parsed else "."),
        uri_prefix=getattr(args, "sarif_uri_prefix", "") or "",
    )


#: ``--format`` name → renderer(run, args) -> text.
FORMATS: dict[str, Callable[[ChangeReviewRun, argparse.Namespace], str]] = {
    "table": _table,
    "json": _json,
    "markdown": _markdown,
    "sarif": _sarif,
}


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``diff``."""
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="a git repository (with --base), or OLD_DIR NEW_DIR"
    )
    parser.add_argument("--base", metavar="REF", help="base commit: branch, tag, ref or (short) SHA")
    parser.add_argument("--head", metavar="REF", help="head commit (default: the working tree of PATH)")
    parser.add_argument("--format", "-f", choices=sorted(FORMATS), default="table", help="output format")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the output to FILE instead of stdout")
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default="high",
        help="exit 1 on a new failing finding of this severity or higher, or on new internet exposure "
        "(default: high; 'none' never fails)",
    )
    parser.add_argument("--select", action="append", metavar="IDS", help="run only these rules / areas")
    parser.add_argument("--ignore", action="append", metavar="IDS", help="skip these rules / areas")
    parser.add_argument("--no-cost", action="store_true", help="skip the cost delta")
    parser.add_argument(
        "--trust-gitdir",
        action="store_true",
        help="read objects through a .git file, commondir or alternates (a linked worktree you trust)",
    )
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the parse cache")
    parser.add_argument(
        "--workers", type=int, default=None, metavar="N", help="parser processes (default: 2)"
    )
    parser.add_argument(
        "--sarif-uri-prefix", metavar="DIR", default="", help="SARIF only: prefix paths with DIR/"
    )


def _usage(args: argparse.Namespace) -> str | None:
    """A usage problem in ``args``, or ``None``."""
    if len(args.paths) > 2:
        return "give PATH --base REF, or OLD_DIR NEW_DIR"
    if len(args.paths) == 2 and (args.base or args.head):
        return "--base/--head apply to one repository PATH, not to two directories"
    if len(args.paths) == 1 and not args.base:
        return "--base REF is required with one PATH (or give OLD_DIR NEW_DIR)"
    for p in args.paths:
        if not Path(p).is_dir():
            return f"{p}: not a directory"
    return None


def compute(args: argparse.Namespace) -> ChangeReviewRun:
    """Run the change review ``args`` ask for (raises on unusable input)."""
    options = {"cache": not args.no_cache, "workers": args.workers}
    select = [s for v in args.select or () for s in v.split(",") if s] or None
    ignore = [s for v in args.ignore or () for s in v.split(",") if s] or None
    if len(args.paths) == 2:
        return review_dirs(*args.paths, select=select, ignore=ignore, cost=not args.no_cost, **options)
    return review_change(
        args.paths[0],
        args.base,
        args.head,
        select=select,
        ignore=ignore,
        cost=not args.no_cost,
        follow_gitdir=args.trust_gitdir,
        **options,
    )


def render(run: ChangeReviewRun, args: argparse.Namespace) -> str:
    """The text of ``run`` in ``args.format``."""
    return FORMATS[args.format](run, args)


def exit_code(run: ChangeReviewRun, fail_on: str) -> int:
    """1 when the change adds a failing finding at or above ``fail_on`` or new exposure, else 0."""
    if fail_on == "none":
        return 0
    if run.review.findings.new_failing(Severity.parse(fail_on)) or run.review.new_exposure:
        return 1
    return 0


def run(args: argparse.Namespace) -> int:
    """Entry point of ``infra-review diff``."""
    problem = _usage(args)
    if problem:
        print(f"infra-review diff: {problem}", file=sys.stderr)
        return 2
    try:
        result = compute(args)
    except GitTreeError as exc:
        d = exc.diagnostic
        print(f"infra-review diff: {d.code}: {d.message}", file=sys.stderr)
        return 2
    except InfraReviewError as exc:
        print(f"infra-review diff: {exc}", file=sys.stderr)
        return 2
    try:
        text = render(result, args)
    finally:
        result.close()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return exit_code(result, args.fail_on)
