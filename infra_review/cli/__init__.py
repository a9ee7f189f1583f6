"""``infra-review`` command line: ``scan``, ``diff``, ``rules``, ``report``, ``lab``, ``train``.

Each subcommand lives in its own module (``infra_review.cli.<name>``) exposing
``configure(parser)`` and ``run(args) -> int`` and is imported only when invoked, so that
``infra-review scan`` never imports plotly, ipywidgets or jupyter.

Exit codes: 0 success, 1 findings at or above ``--fail-on``, 2 usage error or unusable input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from infra_review import __version__

__all__ = ["main"]

COMMANDS: dict[str, str] = {
    "scan": "load a repository, run the rules, print JSON/SARIF/JUnit/table/Markdown",
    "diff": "what a change does: exposure, SPOFs, blast radius, findings, cost (two commits or dirs)",
    "rules": "list every rule and guided question with its documentation",
    "report": "run the review notebooks headless and write one HTML report",
    "lab": "start JupyterLab on 127.0.0.1 with the notebooks pointed at a repository",
    "train": "training exercises: list, show, score",
    "state": "review decisions: list, export (JSON/Markdown), import",
}


def _usage() -> str:
    lines = ["usage: infra-review COMMAND [options]", "", "commands:"]
    lines += [f"  {name:<8} {text}" for name, text in COMMANDS.items()]
    lines += ["", "Run 'infra-review COMMAND --help' for a command's options."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``infra-review`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(_usage())
        return 0 if args else 2
    if args[0] == "--version":
        print(f"infra-review {__version__}")
        return 0
    name = args[0]
    if name not in COMMANDS:
        print(f"infra-review: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"infra_review.cli.{name}")
    parser = argparse.ArgumentParser(prog=f"infra-review {name}", description=COMMANDS[name])
    module.configure(parser)
    try:
        ns = parser.parse_args(args[1:])
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    return int(module.run(ns))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
