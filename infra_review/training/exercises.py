"""The bundled training exercises: ``data/training/<NN-name>/`` with ``repo/``, ``BRIEFING.md``
and the stored ``answers.key``.

The exercises directory is ``$INFRA_REVIEW_TRAINING`` when set (a trainer's own exercises),
else ``data/training`` of the source checkout.

>>> [e.name for e in list_exercises()][:1]
['01-public-bucket-open-ssh']
>>> find_exercise("01").level
'beginner'
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from infra_review.graph import ResourceGraph
from infra_review.training.keys import KEY_FILE, AnswerKey, read_key
from infra_review.training.scoring import REPOSITORY

__all__ = ["Exercise", "exercises_root", "find_exercise", "list_exercises", "resource_choices"]

LEVELS = ("beginner", "intermediate", "advanced")


def exercises_root() -> Path:
    """``$INFRA_REVIEW_TRAINING``, else the checkout's ``data/training``."""
    env = os.environ.get("INFRA_REVIEW_TRAINING")
    if env:
        return Path(env).expanduser()
    return Path(__file__).resolve().parents[2] / "data" / "training"


@dataclass(frozen=True)
class Exercise:
    """One exercise folder.  The answer key is decoded only through :meth:`answer_key`."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def repo(self) -> Path:
        return self.path / "repo"

    @cached_property
    def briefing(self) -> str:
        """The briefing (Markdown): what the system is for and what to look at."""
        return (self.path / "BRIEFING.md").read_text(encoding="utf-8")

    @property
    def title(self) -> str:
        """The briefing's heading without the ``Exercise NN —`` prefix."""
        for line in self.briefing.splitlines():
            if line.startswith("# "):
                return re.sub(r"^Exercise\s+\d+\s*[—–-]\s*", "", line[2:].strip())
        return self.name

    @property
    def level(self) -> str:
        m = re.search(r"\*\*Level:\*\*\s*(\w+)", self.briefing)
        return m.group(1) if m else "unknown"

    @property
    def size(self) -> str:
        m = re.search(r"\*\*Size:\*\*\s*([^\n]+)", self.briefing)
        return m.group(1).strip() if m else ""

    @property
    def has_key(self) -> bool:
        return (self.path / KEY_FILE).is_file()

    def answer_key(self) -> AnswerKey:
        """Decode the stored key: call this only when scoring or for a trainer."""
        return read_key(self.path)

    def summary(self) -> dict[str, str]:
        return {"exercise": self.name, "level": self.level, "title": self.title, "size": self.size}


def list_exercises(root: str | Path | None = None) -> list[Exercise]:
    """Every folder holding ``BRIEFING.md`` and ``repo/``, in name order (beginner first)."""
    base = Path(root) if root is not None else exercises_root()
    if not base.is_dir():
        return []
    return [
        Exercise(p)
        for p in sorted(base.iterdir())
        if p.is_dir()
        and not p.name.startswith(("_", "."))
        and (p / "BRIEFING.md").is_file()
        and (p / "repo").is_dir()
    ]


def find_exercise(name: str, root: str | Path | None = None) -> Exercise:
    """The exercise called ``name``, or whose name starts with ``name`` (``"01"``, ``"01-public"``)."""
    exercises = list_exercises(root)
    for ex in exercises:
        if ex.name == name:
            return ex
    matches = [ex for ex in exercises if ex.name.startswith(name)] if name else []
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(ex.name for ex in exercises) or "none"
    msg = f"no exercise {name!r}" + (" (ambiguous)" if len(matches) > 1 else "") + f"; exercises: {known}"
    raise LookupError(msg)


def resource_choices(graph: ResourceGraph) -> list[str]:
    """Addresses a trainee can name: every node of the exercise's graph except synthetic ones
    (``INTERNET``, ``unresolved:…``), resources first, then configuration (variables, locals,
    outputs, modules, providers, ``terraform``), then :data:`~.scoring.REPOSITORY`."""
    nodes = [r for r in graph.all() if r.block != "synthetic"]
    managed = sorted(
        r.address for r in nodes if r.block in ("resource", "data", "k8s", "dockerfile", "compose")
    )
    rest = sorted(r.address for r in nodes if r.address not in set(managed))
    return [*managed, *rest, REPOSITORY]
