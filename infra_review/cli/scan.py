"""``infra-review scan PATH``: load a repository, run the rules, print JSON or a table.

The steps are separate functions so that more output formats and options can be added
without touching the others: :func:`load` → :func:`compute_findings` → :func:`render` →
:func:`emit`.  Exit codes: 0 done, 1 a finding at or above ``--fail-on``, 2 unusable PATH (or
incomplete coverage with ``--strict``).

This module (and everything it imports) must never import plotly, ipywidgets or jupyter.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from infra_review.errors import InfraReviewError, LoadError

__all__ = ["FORMATS", "compute_findings", "configure", "emit", "load", "render", "run"]

SEVERITIES = ("none", "info", "low", "medium", "high", "critical")


def _render_json(result: Any, findings: list[Any], args: argparse.Namespace) -> str:
    from infra_review.report.json_contract import scan_document

    return json.dumps(scan_document(result, findings), indent=2, ensure_ascii=False) + "\n"


def _render_table(result: Any, findings: list[Any], args: argparse.Namespace) -> str:
    from infra_review.report.table import render_table

    return render_table(result, findings)


#: ``--format`` name → renderer(load_result, findings, args) -> text.  Extend here.
FORMATS: dict[str, Callable[[Any, list[Any], argparse.Namespace], str]] = {
    "json": _render_json,
    "table": _render_table,
}


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``scan``."""
    parser.add_argument("path", metavar="PATH", help="repository directory to review")
    parser.add_argument("--format", "-f", choices=sorted(FORMATS), default="table", help="output format")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the output to FILE instead of stdout")
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default="none",
        help="exit 1 when a failing, unsuppressed finding has this severity or higher (default: none)",
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
    from infra_review.loaders.repo import load_repo

    return load_repo(args.path, workers=args.workers, cache=not args.no_cache)


def compute_findings(result: Any, args: argparse.Namespace) -> list[Any]:
    """Run the rules when the review layer is installed (else no findings)."""
    try:
        from infra_review import review as review_mod
    except ImportError as exc:
        if exc.name == "infra_review.review":
            return []
        raise
    return list(review_mod.review(result.graph))


def render(result: Any, findings: list[Any], args: argparse.Namespace) -> str:
    """The output text in the chosen format."""
    return FORMATS[args.format](result, findings, args)


def emit(text: str, args: argparse.Namespace) -> None:
    """Write to ``--output`` (atomically) or stdout."""
    if not args.output:
        sys.stdout.write(text)
        return
    out = Path(args.output)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)


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
    if args.strict and not result.complete:
        return _error(f"incomplete coverage: {result.summary()}")
    return exit_status(result, findings, args)
