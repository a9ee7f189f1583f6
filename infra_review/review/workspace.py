"""One reviewer session over one repository: load, analyse, review, and the decision store.

A notebook opens a :class:`Workspace` in its first code cell; every later cell calls views
with it.  Loading is cached (parse cache + worker pool), so re-running a notebook is cheap.

>>> from pathlib import Path
>>> ws = Workspace.open(Path(__file__).parents[2] / "data" / "examples" / "hardened-aws",
...                     db=":memory:")                                       # doctest: +SKIP
>>> ws.coverage["failed"]                                                    # doctest: +SKIP
0
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra_review.analysis.secrets import redact_lines
from infra_review.graph import ResourceGraph
from infra_review.model import Area, FileStatus, Finding, Severity, Status
from infra_review.pipeline import LoadResult, load_repo
from infra_review.review.engine import review
from infra_review.review.result import ReviewResult, RuleError
from infra_review.review.state import ReviewStore

__all__ = ["SECRET_RULES", "Workspace", "repo_identity"]

#: Rules whose findings are about a secret value: source snippets mask what they point at.
SECRET_RULES = frozenset({"RED003", "CTR005", "CTR006", "CTR007"})


def repo_identity(rg: ResourceGraph) -> tuple[str, str]:
    """``(repo, revision)`` keying the review: the git origin URL (else the root path) and HEAD."""
    git: dict[str, Any] = dict(rg.repo.get("git") or {})
    repo = str(git.get("origin") or rg.repo.get("root") or "unknown")
    revision = str(git.get("head_commit") or "worktree")
    return repo, revision


@dataclass
class Workspace:
    """Everything a notebook needs: one :class:`ReviewResult` (load, graph, findings, rule
    errors, suppressions) and the review store."""

    root: Path
    result: ReviewResult
    store: ReviewStore
    review_id: int
    reviewer: str = ""

    @classmethod
    def open(
        cls,
        repo: str | Path,
        *,
        db: str | Path | None = None,
        reviewer: str = "",
        select: Iterable[str] | None = None,
    ) -> Workspace:
        """Load ``repo``, run the rules and open (or resume) its review in ``db``.

        ``db=":memory:"`` uses a throw-away database (tests, training previews).
        """
        root = Path(repo).expanduser()
        result = review(load_repo(root), select=list(select) if select else None)
        if db == ":memory:":
            db = Path(tempfile.mkdtemp(prefix="infra-review-")) / "review.sqlite"
        store = ReviewStore(db)
        name, revision = repo_identity(result.graph)
        rid = store.open_review(name, revision)
        return cls(root=root, result=result, store=store, review_id=rid, reviewer=reviewer)

    def without_findings(self) -> Workspace:
        """The same workspace with no findings (training: the system drawn without badges)."""
        return dataclasses.replace(self, result=dataclasses.replace(self.result, findings=[]))

    # -- convenience ------------------------------------------------------------------------
    @property
    def load(self) -> LoadResult:
        """The load result the review ran on."""
        assert self.result.load is not None  # Workspace.open always reviews a load result
        return self.result.load

    @property
    def graph(self) -> ResourceGraph:
        return self.result.graph

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings

    @property
    def errors(self) -> list[RuleError]:
        """Rules that raised during the review (their findings may be missing)."""
        return self.result.errors

    @property
    def coverage(self) -> dict[str, Any]:
        return dict(self.load.coverage)

    @property
    def incomplete(self) -> bool:
        """True when any file failed, was partial, or was skipped for a problem."""
        return not self.load.complete

    def snippet(
        self, file: str, line: int, end_line: int = 0, *, context: int = 2, max_lines: int = 30
    ) -> str:
        """Numbered source lines ``line..end_line`` of a file the loader parsed (else ``""``).

        Lines come from the repository facts (``rg.facts``), which the loader reads through
        its confined reader (inside the root, regular files, capped): a snippet never leaks
        anything else, and never opens a file itself.
        """
        rec = self.load.file(file) if file else None
        if rec is None or rec.status not in (FileStatus.PARSED, FileStatus.PARTIAL) or line <= 0:
            return ""
        lines = self.graph.facts.lines(file)
        if not lines:
            return ""
        first = max(1, line - context)
        last = min(len(lines), max(end_line, line) + 1, first + max_lines - 1)
        shown = redact_lines(lines[first - 1 : last], self._secret_keys(file))
        width = len(str(last))
        numbered = zip(range(first, last + 1), shown, strict=True)
        return "\n".join(f"{n:>{width}} | {text}" for n, text in numbered)

    def _secret_keys(self, file: str) -> frozenset[str]:
        """Attribute names that secret findings point at in ``file`` (their values are masked)."""
        keys = set()
        for f in self.findings:
            if f.rule_id in SECRET_RULES and f.file == file and f.attribute:
                leaf = f.attribute.split(".")[-1].split("[")[0]
                if leaf:
                    keys.add(leaf)
        return frozenset(keys)

    def finding_snippet(self, f: Finding) -> str:
        """The source of the resource a finding is about (or the finding's own line)."""
        res = self.graph.get(f.address)
        src = res.source if res is not None else None
        if src is not None and src.file == f.file and src.line:
            return self.snippet(src.file, src.line, src.end_line)
        return self.snippet(f.file, f.line, f.line)

    def active(self, area: Area | str | None = None) -> list[Finding]:
        """Unsuppressed FAIL/UNKNOWN findings (of one area), most severe first."""
        out = [f for f in self.findings if not f.suppressed and f.status != Status.PASS]
        if area is not None:
            out = [f for f in out if f.area == Area(area)]
        return sorted(out, key=lambda f: (-int(f.severity), f.status != Status.FAIL, f.file, f.line))

    def counts(self) -> dict[str, dict[str, int]]:
        """``{area: {severity: n}}`` over unsuppressed FAIL findings."""
        table: dict[str, Counter[str]] = {a.value: Counter() for a in Area}
        for f in self.active():
            if f.status == Status.FAIL:
                table[f.area.value][f.severity.label] += 1
        return {a: {s.label: c[s.label] for s in reversed(Severity)} for a, c in table.items()}
