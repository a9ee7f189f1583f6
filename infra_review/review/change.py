"""Run a change review end to end: two trees → load → rules → :class:`ChangeReview`.

This is the function the CLI (``infra-review diff``), reports and notebooks call; it imports
no plotly, ipywidgets or Jupyter.

* :func:`review_change` — two commits of a git repository, read from its object store without
  running git (:mod:`infra_review.loaders.gittree`); ``head=None`` means the working tree.
* :func:`review_dirs` — two directories (``OLD_DIR NEW_DIR``).

Both return a :class:`ChangeReviewRun`: the :class:`~infra_review.analysis.diff.ChangeReview`
plus, for each side, what was read (ref, commit, coverage, diagnostics, findings, rule
errors).  A commit's tree is written to a private temporary directory named like the
repository (so that path-based environment classification sees the same name on both
sides); it is kept while the run is in use (the graph's facts read some files on demand) and
deleted by ``run.close()``, ``with review_change(...) as run:``, or when the run is collected.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra_review.analysis.diff import ChangeReview, diff_graphs
from infra_review.loaders.gittree import find_repo_root, materialise
from infra_review.model import Diagnostic, Finding
from infra_review.pipeline import LoadResult, load_repo
from infra_review.review.engine import review

__all__ = ["ChangeReviewRun", "Side", "load_side", "review_change", "review_dirs"]


@dataclass
class Side:
    """One side of a change review: where it came from and what loading and reviewing it gave."""

    label: str  # the ref as given, or the directory
    path: str  # the repository or directory reviewed
    commit: str = ""  # full SHA when read from git; "" for a directory / working tree
    load: LoadResult | None = None
    findings: list[Finding] = field(default_factory=list)
    rule_errors: list[Any] = field(default_factory=list)
    tree_diagnostics: list[Diagnostic] = field(default_factory=list)
    rules: list[Any] = field(default_factory=list)

    def close(self) -> None:
        """Delete the commit's materialised tree (if any); also done when the side is collected."""

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Reading the commit's tree, then loading it."""
        return [*self.tree_diagnostics, *(self.load.diagnostics if self.load else [])]

    @property
    def complete(self) -> bool:
        """False when anything was skipped, failed, or a rule crashed."""
        return not self.tree_diagnostics and bool(self.load and self.load.complete) and not self.rule_errors

    def to_dict(self) -> dict[str, Any]:
        coverage = dict(self.load.coverage) if self.load else {}
        return {
            "ref": self.label,
            "path": self.path,
            "commit": self.commit or None,
            "complete": self.complete,
            "coverage": {
                k: coverage.get(k) for k in ("files_total", "parsed", "skipped", "failed", "problems")
            },
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "rule_errors": [e.to_dict() for e in self.rule_errors],
            "findings": len(self.findings),
        }


@dataclass
class ChangeReviewRun:
    """A :class:`ChangeReview` with both sides it was computed from."""

    review: ChangeReview
    base: Side
    head: Side

    @property
    def rules(self) -> list[Any]:
        """The rules that ran (the head's)."""
        return self.head.rules

    def close(self) -> None:
        """Delete the materialised commit trees (the graphs' facts can no longer read files)."""
        self.base.close()
        self.head.close()

    def __enter__(self) -> ChangeReviewRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def diagnostics_changed(self) -> list[tuple[Side, Diagnostic]]:
        """Diagnostics found on one side only (a problem both sides share is not the change's)."""

        def key(d: Diagnostic) -> tuple[str, str, str]:
            return (str(d.code), d.file, d.message)

        base = {key(d) for d in self.base.diagnostics}
        head = {key(d) for d in self.head.diagnostics}
        return [(self.base, d) for d in self.base.diagnostics if key(d) not in head] + [
            (self.head, d) for d in self.head.diagnostics if key(d) not in base
        ]


def _review(side: Side, select: Iterable[str] | str | None, ignore: Iterable[str] | str | None) -> None:
    assert side.load is not None
    run = review(side.load.graph, select=select, ignore=ignore)
    side.findings = list(run.findings)
    side.rule_errors = list(getattr(run, "errors", []))
    side.rules = list(getattr(run, "rules", []))


def load_side(
    repo: str | os.PathLike[str], ref: str | None, *, follow_gitdir: bool = False, **load_options: Any
) -> Side:
    """Load ``ref`` of the repository at ``repo`` (``None``: the directory itself).

    ``follow_gitdir``: read objects through a ``.git`` file, ``commondir`` or alternates
    (see :func:`~infra_review.loaders.gittree.materialise`).

    Raises :class:`~infra_review.loaders.gittree.GitTreeError` when the commit cannot be read
    and :class:`~infra_review.model.errors.LoadError` when the directory is unusable.
    """
    path = Path(repo)
    if ref is None:
        return Side(str(path), str(path), load=load_repo(path, **load_options))
    holder = Path(tempfile.mkdtemp(prefix="infra-review-diff-"))
    try:
        dest = holder / (path.resolve().name or "repo")
        top, subdir = find_repo_root(path)  # PATH may be a directory inside the repository
        tree = materialise(top, ref, dest=dest, follow_gitdir=follow_gitdir, subdir=subdir)
        side = Side(ref, str(path), tree.commit, tree_diagnostics=list(tree.diagnostics))
        side.load = load_repo(tree.root, **load_options)
    except BaseException:
        shutil.rmtree(holder, ignore_errors=True)
        raise
    # The tree stays until the side is closed: rg.facts reads files other than IaC on demand.
    side.close = weakref.finalize(side, shutil.rmtree, str(holder), True)  # type: ignore[method-assign]
    return side


def _finish(
    base: Side,
    head: Side,
    select: Iterable[str] | str | None,
    ignore: Iterable[str] | str | None,
    cost: bool,
) -> ChangeReviewRun:
    _review(base, select, ignore)
    _review(head, select, ignore)
    assert base.load is not None
    assert head.load is not None
    review = diff_graphs(
        base.load.graph, head.load.graph, base_findings=base.findings, head_findings=head.findings, cost=cost
    )
    return ChangeReviewRun(review, base, head)


def review_change(
    repo: str | os.PathLike[str],
    base: str,
    head: str | None = None,
    *,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    cost: bool = True,
    follow_gitdir: bool = False,
    **load_options: Any,
) -> ChangeReviewRun:
    """Review what commit ``head`` (default: the working tree) changes against ``base``.

    ``load_options`` go to :func:`~infra_review.pipeline.load_repo` (``cache``, ``workers``,
    ``isolate``, ``limits``); ``select``/``ignore`` to the rule selection; ``follow_gitdir``
    to :func:`~infra_review.loaders.gittree.materialise`.
    """
    b = load_side(repo, base, follow_gitdir=follow_gitdir, **load_options)
    try:
        h = load_side(repo, head, follow_gitdir=follow_gitdir, **load_options)
    except BaseException:
        b.close()
        raise
    return _finish(b, h, select, ignore, cost)


def review_dirs(
    old: str | os.PathLike[str],
    new: str | os.PathLike[str],
    *,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    cost: bool = True,
    **load_options: Any,
) -> ChangeReviewRun:
    """Review what directory ``new`` changes against directory ``old``."""
    b = load_side(old, None, **load_options)
    h = load_side(new, None, **load_options)
    return _finish(b, h, select, ignore, cost)
