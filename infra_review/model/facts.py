"""Repository facts the loader gathers once: the files under the root and their text.

Rules, suppressions and the workbench read the reviewed repository only through a
:class:`RepoFacts` (``rg.facts``), never from disk: the loader builds it with the one confined
reader (:func:`infra_review.loaders.safety.walk.confined_reader`), so every read is inside the
root, regular, capped and strictly decoded, and a repository changed after the load cannot
change what the rules see halfway through.

>>> facts = RepoFacts("/repo", ("main.tf", ".gitignore"), {"main.tf": "a = 1\\nb = 2\\n"})
>>> facts.text("main.tf"), facts.lines("main.tf"), facts.text("missing.tf"), facts.has(".gitignore")
('a = 1\\nb = 2\\n', ['a = 1', 'b = 2'], None, True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["RepoFacts"]


@dataclass
class RepoFacts:
    """Paths under the root and the text of files the review needs (read once, memoised).

    ``texts`` holds what the loader read eagerly; ``reader`` (the loader's confined reader)
    serves any other file of the root on first request, once.
    """

    root: str = ""
    paths: tuple[str, ...] = ()
    texts: Mapping[str, str | None] = field(default_factory=dict)
    reader: Callable[[str], str | None] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._texts: dict[str, str | None] = dict(self.texts)
        self._paths = frozenset(self.paths)

    def has(self, rel: str) -> bool:
        """True when ``rel`` is a file under the root (as walked by the loader)."""
        return rel in self._paths

    def text(self, rel: str, limit: int | None = None) -> str | None:
        """The text of ``rel``; ``None`` when absent, outside the root, binary or over ``limit`` chars."""
        if rel not in self._texts:
            self._texts[rel] = self.reader(rel) if self.reader is not None else None
        text = self._texts[rel]
        if text is not None and limit is not None and len(text) > limit:
            return None
        return text

    def lines(self, rel: str) -> list[str]:
        """The lines of ``rel`` without line ends (``[]`` when it cannot be read)."""
        text = self.text(rel)
        return text.splitlines() if text is not None else []
