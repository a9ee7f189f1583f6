"""Reviewer decisions that survive crashes and concurrent kernels: an embedded SQLite store.

A *review* is one reviewer pass over one repository at one commit.  Every decision — a verdict
on a checklist item (``pass`` / ``concern`` / ``fail`` / ``n/a``) or a decision on a finding
(``accept_risk`` / ``false_positive`` / ``will_fix``) — is one row appended in its own
transaction; the current state is the latest row per item.  Nothing is ever updated in place,
so a crash loses at most the decision being written and the history stays auditable.

The database uses WAL mode and a busy timeout, so several notebook kernels (or processes) can
write at once.  It lives outside the reviewed repository (``$INFRA_REVIEW_DB`` or
``~/.local/share/infra_review/reviews.sqlite``).

>>> import tempfile, pathlib
>>> db = pathlib.Path(tempfile.mkdtemp()) / "r.sqlite"
>>> store = ReviewStore(db)
>>> rid = store.open_review("github.com/acme/infra", "abc123")
>>> _ = store.set_verdict(rid, "iac.state-management", "concern", note="no locking", reviewer="ana")
>>> store.verdicts(rid)["iac.state-management"].verdict
'concern'
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "FINDING_DECISIONS",
    "VERDICTS",
    "Decision",
    "ReviewStore",
    "connect",
    "default_db_path",
    "transaction",
]

VERDICTS = ("pass", "concern", "fail", "n/a")
FINDING_DECISIONS = ("accept_risk", "false_positive", "will_fix")
SCHEMA_VERSION = 1
EXPORT_FORMAT = "infra-review/review-state@1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reviews (
    id          INTEGER PRIMARY KEY,
    repo        TEXT NOT NULL,
    revision    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (repo, revision)
);
CREATE TABLE IF NOT EXISTS events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    uid         TEXT NOT NULL UNIQUE,
    review_id   INTEGER NOT NULL REFERENCES reviews(id),
    scope       TEXT NOT NULL CHECK (scope IN ('item', 'finding', 'meta')),
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    reviewer    TEXT NOT NULL DEFAULT '',
    decided_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_key ON events (review_id, scope, key, seq);
"""


def default_db_path() -> Path:
    """``$INFRA_REVIEW_DB``, else ``$XDG_DATA_HOME/infra_review/reviews.sqlite``."""
    env = os.environ.get("INFRA_REVIEW_DB")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "infra_review" / "reviews.sqlite"


@dataclass(frozen=True, slots=True)
class Decision:
    """One recorded decision (the latest one per key is the current state)."""

    scope: str  # item | finding | meta
    key: str  # persona item id, finding fingerprint, or a meta key ("reviewer", "summary", ...)
    value: str
    note: str
    reviewer: str
    decided_at: str
    uid: str
    seq: int = 0

    @property
    def verdict(self) -> str:
        return self.value


def connect(path: Path, timeout: float = 30.0) -> sqlite3.Connection:
    """An autocommit connection with the busy timeout and pragmas every store here uses."""
    con = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    con.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    return con


@contextmanager
def transaction(path: Path, timeout: float = 30.0) -> Iterator[sqlite3.Connection]:
    """One ``BEGIN IMMEDIATE`` … ``COMMIT`` transaction on its own connection (rolled back on error)."""
    con = connect(path, timeout)
    try:
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        con.close()


class ReviewStore:
    """Append-only SQLite store of review decisions; safe for concurrent writers.

    Each public write is exactly one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``).
    """

    def __init__(self, path: str | Path | None = None, *, timeout: float = 30.0) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._timeout = timeout
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                msg = (
                    f"{self.path}: review database schema {version} is newer than this "
                    f"infra_review ({SCHEMA_VERSION})"
                )
                raise RuntimeError(msg)
            con.executescript(_SCHEMA)
            con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    # -- plumbing ---------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        return connect(self.path, self._timeout)

    def _tx(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path, self._timeout)

    # -- reviews ----------------------------------------------------------------------------
    def open_review(self, repo: str, revision: str | None) -> int:
        """The id of the review of ``repo`` at ``revision`` (created on first use)."""
        revision = revision or "worktree"
        with self._tx() as con:
            row = con.execute(
                "SELECT id FROM reviews WHERE repo = ? AND revision = ?", (repo, revision)
            ).fetchone()
            if row:
                return int(row[0])
            cur = con.execute(
                "INSERT INTO reviews (repo, revision, created_at) VALUES (?, ?, ?)",
                (repo, revision, _now()),
            )
            return int(cur.lastrowid or 0)

    def reviews(self) -> list[dict[str, Any]]:
        """Every review with its number of decisions, newest first."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT r.id, r.repo, r.revision, r.created_at, COUNT(e.seq) "
                "FROM reviews r LEFT JOIN events e ON e.review_id = r.id "
                "GROUP BY r.id ORDER BY r.id DESC"
            ).fetchall()
        return [
            {"id": r[0], "repo": r[1], "revision": r[2], "created_at": r[3], "decisions": r[4]} for r in rows
        ]

    # -- writes (one transaction each) --------------------------------------------------------
    def set_verdict(
        self, review_id: int, item_id: str, verdict: str, *, note: str = "", reviewer: str = ""
    ) -> Decision:
        """Record a verdict (pass / concern / fail / n/a) on a checklist item."""
        if verdict not in VERDICTS:
            msg = f"verdict must be one of {VERDICTS}, not {verdict!r}"
            raise ValueError(msg)
        return self._append(review_id, "item", item_id, verdict, note, reviewer)

    def decide_finding(
        self, review_id: int, fingerprint: str, decision: str, *, note: str = "", reviewer: str = ""
    ) -> Decision:
        """Record a decision (accept_risk / false_positive / will_fix) on a finding."""
        if decision not in FINDING_DECISIONS:
            msg = f"decision must be one of {FINDING_DECISIONS}, not {decision!r}"
            raise ValueError(msg)
        return self._append(review_id, "finding", fingerprint, decision, note, reviewer)

    def set_meta(self, review_id: int, key: str, value: str, *, reviewer: str = "") -> Decision:
        """Record review-level information (summary, sign-off, ...)."""
        return self._append(review_id, "meta", key, value, "", reviewer)

    def _append(
        self,
        review_id: int,
        scope: str,
        key: str,
        value: str,
        note: str,
        reviewer: str,
        *,
        uid: str | None = None,
        decided_at: str | None = None,
    ) -> Decision:
        d = Decision(scope, key, value, note, reviewer, decided_at or _now(), uid or uuid.uuid4().hex)
        with self._tx() as con:
            cur = con.execute(
                "INSERT OR IGNORE INTO events "
                "(uid, review_id, scope, key, value, note, reviewer, decided_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (d.uid, review_id, d.scope, d.key, d.value, d.note, d.reviewer, d.decided_at),
            )
            seq = int(cur.lastrowid or 0)
        return Decision(d.scope, d.key, d.value, d.note, d.reviewer, d.decided_at, d.uid, seq)

    # -- reads ------------------------------------------------------------------------------
    def history(self, review_id: int, scope: str | None = None) -> list[Decision]:
        """Every decision of a review, oldest first."""
        sql = "SELECT scope, key, value, note, reviewer, decided_at, uid, seq FROM events WHERE review_id = ?"
        args: tuple[Any, ...] = (review_id,)
        if scope:
            sql += " AND scope = ?"
            args += (scope,)
        with self._connect() as con:
            return [Decision(*row) for row in con.execute(sql + " ORDER BY seq", args)]

    def _current(self, review_id: int, scope: str) -> dict[str, Decision]:
        return {d.key: d for d in self.history(review_id, scope)}

    def verdicts(self, review_id: int) -> dict[str, Decision]:
        """Current verdict per checklist item."""
        return self._current(review_id, "item")

    def finding_decisions(self, review_id: int) -> dict[str, Decision]:
        """Current decision per finding fingerprint."""
        return self._current(review_id, "finding")

    def meta(self, review_id: int) -> dict[str, Decision]:
        """Current review-level values."""
        return self._current(review_id, "meta")

    # -- export / import ----------------------------------------------------------------------
    def export_json(self, review_id: int) -> dict[str, Any]:
        """The whole review (current state and full history) as JSON-able data."""
        with self._connect() as con:
            repo, revision, created = con.execute(
                "SELECT repo, revision, created_at FROM reviews WHERE id = ?", (review_id,)
            ).fetchone()
        return {
            "format": EXPORT_FORMAT,
            "repo": repo,
            "revision": revision,
            "created_at": created,
            "verdicts": {k: _public(d) for k, d in sorted(self.verdicts(review_id).items())},
            "finding_decisions": {
                k: _public(d) for k, d in sorted(self.finding_decisions(review_id).items())
            },
            "meta": {k: _public(d) for k, d in sorted(self.meta(review_id).items())},
            "history": [_public(d) | {"scope": d.scope, "key": d.key} for d in self.history(review_id)],
        }

    def import_json(self, data: Mapping[str, Any]) -> int:
        """Merge an export back in (idempotent: events already present are skipped)."""
        if data.get("format") != EXPORT_FORMAT:
            msg = f"not an infra-review state export (format {data.get('format')!r})"
            raise ValueError(msg)
        rid = self.open_review(str(data["repo"]), str(data["revision"]))
        for ev in data.get("history", []):
            if ev["scope"] not in ("item", "finding", "meta"):
                continue
            self._append(
                rid,
                ev["scope"],
                str(ev["key"]),
                str(ev["value"]),
                str(ev.get("note", "")),
                str(ev.get("reviewer", "")),
                uid=str(ev["uid"]),
                decided_at=str(ev["decided_at"]),
            )
        return rid

    def export_markdown(self, review_id: int, item_titles: Mapping[str, str] | None = None) -> str:
        """A Markdown record of the review for committing next to the reviewed code."""
        data = self.export_json(review_id)
        titles = item_titles or {}
        lines = [
            f"# Infrastructure review: {_md(data['repo'])} @ {_md(data['revision'])}",
            "",
            "## Checklist verdicts",
            "",
            "| Item | Verdict | Note | Reviewer | When |",
            "|---|---|---|---|---|",
        ]
        for key, d in data["verdicts"].items():
            lines.append(
                f"| {_md(titles.get(key, key))} | {d['value']} | {_md(d['note'])} "
                f"| {_md(d['reviewer'])} | {d['decided_at']} |"
            )
        lines += [
            "",
            "## Finding decisions",
            "",
            "| Finding | Decision | Note | Reviewer | When |",
            "|---|---|---|---|---|",
        ]
        for key, d in data["finding_decisions"].items():
            lines.append(
                f"| `{_md(key)}` | {d['value']} | {_md(d['note'])} "
                f"| {_md(d['reviewer'])} | {d['decided_at']} |"
            )
        return "\n".join(lines) + "\n"


def _public(d: Decision) -> dict[str, Any]:
    out = asdict(d)
    out.pop("seq", None)
    out.pop("scope", None)
    out.pop("key", None)
    return out


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def dumps(data: Mapping[str, Any]) -> str:
    """Stable JSON text for exports."""
    return json.dumps(data, indent=2, sort_keys=True)
