"""The load pipeline: read the repository, finish the graph once, freeze it.

``load_repo`` is what every caller uses (CLI, notebooks, reports, tests)::

    result = load_repo("path/to/repo")      # LoadResult: graph, coverage, diagnostics
    result.graph.frozen                     # True: nothing can add nodes or edges any more

Steps, in order:

1. **read** — :func:`infra_review.loaders.repo.read_repo`: safe walk, strict decoding, parsing
   in isolated workers (with the parse cache), each format's ``build`` into one graph, the
   repository facts (``rg.facts``).
2. **link** — :func:`infra_review.analysis.links.link`: edges across formats (Service →
   workload, workload → Dockerfile built here, manifests → the cluster hosting them, …).
3. **derive** — :func:`infra_review.analysis.runtime_edges.derive`: the runtime edges
   read from attributes (``in_subnet``, ``uses_sg``, ``sg_allows``, ``routes_via``, …).
4. **freeze** — :meth:`ResourceGraph.freeze`: rules and analyses read a graph that no rule
   that ran before them can have changed.

A linker or deriver that raises does not stop the load: its edges are missing and a
diagnostic says so (coverage is then incomplete).

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = (root / "main.tf").write_text('resource "aws_vpc" "v" {\\n  cidr_block = "10.0.0.0/16"\\n}\\n')
>>> result = load_repo(root, cache=False, isolate=False)
>>> [r.address for r in result.graph.resources()], result.graph.frozen
(['aws_vpc.v'], True)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from infra_review.analysis import runtime_edges
from infra_review.analysis.links import link
from infra_review.graph import ResourceGraph
from infra_review.loaders.repo import LoadResult, read_repo
from infra_review.model import Diagnostic, DiagnosticCode

__all__ = ["FINISHERS", "LoadResult", "finish_graph", "load_repo"]

log = logging.getLogger(__name__)


def _derive(rg: ResourceGraph) -> list[Diagnostic]:
    runtime_edges.derive(rg)
    return []


#: The steps that finish a graph, in order: (name used in diagnostics, step).
FINISHERS: tuple[tuple[str, Callable[[ResourceGraph], list[Diagnostic] | None]], ...] = (
    ("cross-format linker", link),
    ("runtime-edge derivation", _derive),
)


def finish_graph(rg: ResourceGraph) -> list[Diagnostic]:
    """Link formats and derive runtime edges (each step isolated); return their diagnostics."""
    diagnostics: list[Diagnostic] = []
    for name, step in FINISHERS:
        try:
            diagnostics.extend(step(rg) or [])
        except Exception:
            if os.environ.get("INFRA_REVIEW_DEBUG"):
                raise
            log.error("%s failed", name, exc_info=True)
            diagnostics.append(
                Diagnostic(
                    DiagnosticCode.EVAL_WARNING,
                    "",
                    message=f"internal error in the {name}; the edges it adds are missing",
                )
            )
    return diagnostics


def load_repo(root: str | os.PathLike[str], **options: Any) -> LoadResult:
    """Load ``root`` into a finished, frozen graph (options: see :func:`~.loaders.repo.read_repo`)."""
    result = read_repo(root, finish=finish_graph, **options)
    result.graph.freeze()
    return result
