"""Trainee progress, kept in the same SQLite file as reviews (``$INFRA_REVIEW_DB``).

The training tables live beside the review tables of :mod:`infra_review.review.state` (which
are not touched): one row per submission — trainee, exercise, time, the suspicions and the
score as JSON — appended in its own transaction (``BEGIN IMMEDIATE``), WAL mode and a busy
timeout so several kernels of a cohort can submit at once.  The suspicions a trainee has
marked but not yet submitted are kept the same way (``training_drafts``, latest row wins), so
a kernel restart loses nothing.  :meth:`TrainingStore.results`
is the trainer's cohort view: per trainee × exercise, the number of attempts and the best and
latest score.

>>> import tempfile, pathlib
>>> st = TrainingStore(pathlib.Path(tempfile.mkdtemp()) / "r.sqlite")
>>> _ = st.record("ana", "01-demo", [], {"percent": 40.0, "found": ["a"], "missed": ["b"]})
>>> _ = st.record("ana", "01-demo", [], {"percent": 25.0, "found": [], "missed": ["a", "b"]})
>>> row = st.results()[0]
>>> (row.trainee, row.attempts, row.best_percent, row.latest_percent)
('ana', 2, 40.0, 25.0)
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from infra_review.review.state import connect, default_db_path, transaction

__all__ = ["CohortRow", "Submission", "TrainingStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS training_submissions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    uid           TEXT NOT NULL UNIQUE,
    trainee       TEXT NOT NULL,
    exercise      TEXT NOT NULL,
    submitted_at  TEXT NOT NULL,
    percent       REAL NOT NULL,
    score         TEXT NOT NULL,
    suspicions    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS training_by_trainee ON training_submissions (trainee, exercise, id);
CREATE TABLE IF NOT EXISTS training_drafts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    trainee       TEXT NOT NULL,
    exercise      TEXT NOT NULL,
    saved_at      TEXT NOT NULL,
    suspicions    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS training_drafts_by_trainee ON training_drafts (trainee, exercise, id);
"""


@dataclass(frozen=True, slots=True)
class Submission:
    """One recorded submission."""

    id: int
    uid: str
    trainee: str
    exercise: str
    submitted_at: str
    percent: float
    score: dict[str, Any]
    suspicions: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class CohortRow:
    """One trainee × exercise line of the cohort view."""

    trainee: str
    exercise: str
    attempts: int
    best_percent: float
    best_at: str
    latest_percent: float
    latest_at: str
    latest_found: int
    latest_missed: int
    latest_false_alarms: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class TrainingStore:
    """Append-only store of training submissions in the review database file."""

    def __init__(self, path: str | Path | None = None, *, timeout: float = 30.0) -> None:
        self.path = Path(path) if path else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._timeout = timeout
        con = self._connect()
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)
        finally:
            con.close()

    def _connect(self) -> sqlite3.Connection:
        return connect(self.path, self._timeout)

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path, self._timeout)

    def record(
        self, trainee: str, exercise: str, suspicions: Sequence[Mapping[str, Any]], score: Mapping[str, Any]
    ) -> Submission:
        """Append one submission (one transaction).  ``score`` needs at least ``percent``."""
        trainee = trainee.strip()
        if not trainee:
            msg = "a submission needs a trainee name"
            raise ValueError(msg)
        percent = float(score["percent"])
        uid, now = uuid.uuid4().hex, datetime.now(UTC).isoformat(timespec="seconds")
        sus = [dict(s) for s in suspicions]
        with self._tx() as con:
            cur = con.execute(
                "INSERT INTO training_submissions "
                "(uid, trainee, exercise, submitted_at, percent, score, suspicions) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    uid,
                    trainee,
                    exercise,
                    now,
                    percent,
                    json.dumps(dict(score), sort_keys=True),
                    json.dumps(sus),
                ),
            )
            rowid = int(cur.lastrowid or 0)
        return Submission(rowid, uid, trainee, exercise, now, percent, dict(score), sus)

    def submissions(self, trainee: str | None = None, exercise: str | None = None) -> list[Submission]:
        """Recorded submissions, oldest first (optionally of one trainee / exercise)."""
        sql = (
            "SELECT id, uid, trainee, exercise, submitted_at, percent, score, suspicions "
            "FROM training_submissions"
        )
        where, args = [], []
        if trainee is not None:
            where.append("trainee = ?")
            args.append(trainee)
        if exercise is not None:
            where.append("exercise = ?")
            args.append(exercise)
        if where:
            sql += " WHERE " + " AND ".join(where)
        con = self._connect()
        try:
            rows = con.execute(sql + " ORDER BY id", args).fetchall()
        finally:
            con.close()
        return [
            Submission(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), json.loads(r[7])) for r in rows
        ]

    def save_draft(self, trainee: str, exercise: str, suspicions: Sequence[Mapping[str, Any]]) -> None:
        """Keep the suspicions marked so far (one transaction), so a kernel restart loses nothing."""
        if not trainee.strip():
            msg = "a draft needs a trainee name"
            raise ValueError(msg)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._tx() as con:
            con.execute(
                "INSERT INTO training_drafts (trainee, exercise, saved_at, suspicions) VALUES (?, ?, ?, ?)",
                (trainee.strip(), exercise, now, json.dumps([dict(s) for s in suspicions])),
            )

    def draft(self, trainee: str, exercise: str) -> list[dict[str, Any]]:
        """The latest saved draft of ``trainee`` on ``exercise`` (``[]`` when none)."""
        con = self._connect()
        try:
            row = con.execute(
                "SELECT suspicions FROM training_drafts WHERE trainee = ? AND exercise = ? "
                "ORDER BY id DESC LIMIT 1",
                (trainee.strip(), exercise),
            ).fetchone()
        finally:
            con.close()
        return list(json.loads(row[0])) if row else []

    def trainees(self) -> list[str]:
        return sorted({s.trainee for s in self.submissions()})

    def results(self, trainee: str | None = None, exercise: str | None = None) -> list[CohortRow]:
        """The cohort view: per trainee × exercise, attempts, best and latest score."""
        groups: dict[tuple[str, str], list[Submission]] = {}
        for s in self.submissions(trainee, exercise):
            groups.setdefault((s.trainee, s.exercise), []).append(s)
        rows = []
        for (who, ex), subs in sorted(groups.items()):
            best = max(subs, key=lambda s: (s.percent, s.id))
            latest = subs[-1]
            rows.append(
                CohortRow(
                    who,
                    ex,
                    len(subs),
                    best.percent,
                    best.submitted_at,
                    latest.percent,
                    latest.submitted_at,
                    len(latest.score.get("found", [])),
                    len(latest.score.get("missed", [])),
                    len(latest.score.get("false_alarms", [])),
                )
            )
        return rows
