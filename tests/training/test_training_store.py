"""Trainee progress lives in the review database, beside (not inside) the review tables."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3

from infra_review.review.state import ReviewStore
from infra_review.training.exercises import find_exercise
from infra_review.training.scoring import score
from infra_review.training.store import TrainingStore


def _submit_many(db: str, trainee: str, n: int) -> None:
    st = TrainingStore(db)
    for i in range(n):
        st.record(trainee, "01-public-bucket-open-ssh", [], {"percent": float(i), "found": [], "missed": []})


def test_same_file_as_reviews_and_review_tables_untouched(tmp_path, monkeypatch) -> None:
    db = tmp_path / "reviews.sqlite"
    monkeypatch.setenv("INFRA_REVIEW_DB", str(db))
    reviews = ReviewStore()
    rid = reviews.open_review("repo", "abc")
    reviews.set_verdict(rid, "iac.x", "pass")
    st = TrainingStore()
    assert st.path == db
    key = find_exercise("01").answer_key()
    sub = [{"resource": "aws_security_group.cms", "area": "network_security", "note": "ssh"}]
    res = score(key, sub)
    rec = st.record("ana", key.exercise, sub, res.to_dict(feedback=False))
    assert rec.percent == res.percent
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"reviews", "events", "training_submissions"} <= tables
    con.close()
    # the review store still opens and reads its own data
    assert ReviewStore(db).verdicts(rid)["iac.x"].value == "pass"
    got = st.submissions("ana")[0]
    assert got.suspicions == sub
    assert got.score["found"] == ["ssh-open-to-world"]


def test_cohort_results_best_and_latest(tmp_path) -> None:
    st = TrainingStore(tmp_path / "r.sqlite")
    key = find_exercise("01").answer_key()
    perfect = [{"resource": f.resources[0], "area": f.area, "note": ""} for f in key.flaws]
    for who, sub in (("bo", []), ("ana", perfect[:2]), ("ana", perfect), ("ana", perfect[:1])):
        st.record(who, key.exercise, sub, score(key, sub).to_dict(feedback=False))
    rows = {(r.trainee, r.exercise): r for r in st.results()}
    ana = rows[("ana", key.exercise)]
    assert (ana.attempts, ana.best_percent, ana.latest_percent) == (3, 100.0, score(key, perfect[:1]).percent)
    assert ana.latest_found == 1
    assert ana.latest_missed == len(key.flaws) - 1
    assert rows[("bo", key.exercise)].best_percent == 0.0
    assert [r.trainee for r in st.results(trainee="bo")] == ["bo"]
    assert st.trainees() == ["ana", "bo"]


def test_concurrent_submissions_lose_nothing(tmp_path) -> None:
    db = str(tmp_path / "r.sqlite")
    TrainingStore(db)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_submit_many, args=(db, who, 25)) for who in ("ana", "bo")]
    for p in procs:
        p.start()
    _submit_many(db, "cy", 25)
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    rows = {r.trainee: r.attempts for r in TrainingStore(db).results()}
    assert rows == {"ana": 25, "bo": 25, "cy": 25}


def test_trainee_required(tmp_path) -> None:
    import pytest

    with pytest.raises(ValueError, match="trainee"):
        TrainingStore(tmp_path / "r.sqlite").record("  ", "01", [], {"percent": 0})
