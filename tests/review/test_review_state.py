import json
import multiprocessing as mp

import pytest

from infra_review.review.state import ReviewStore


def _writer(db, tag, n):
    store = ReviewStore(db)
    rid = store.open_review("repo", "c1")
    for i in range(n):
        store.set_verdict(rid, f"{tag}-{i}", "pass", reviewer=tag)
        store.decide_finding(rid, f"{tag}|f{i}", "will_fix", note="n", reviewer=tag)


def test_concurrent_writers_lose_nothing(tmp_path):
    db = tmp_path / "s.sqlite"
    ReviewStore(db)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(db), tag, 150)) for tag in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    store = ReviewStore(db)
    rid = store.open_review("repo", "c1")
    assert len(store.verdicts(rid)) == 300
    assert len(store.finding_decisions(rid)) == 300
    assert len(store.history(rid)) == 600


def test_latest_decision_wins_and_history_is_kept(tmp_path):
    store = ReviewStore(tmp_path / "s.sqlite")
    rid = store.open_review("repo", None)
    store.set_verdict(rid, "net.tls", "fail", note="http listener")
    store.set_verdict(rid, "net.tls", "concern", note="redirect planned")
    assert store.verdicts(rid)["net.tls"].value == "concern"
    assert [d.value for d in store.history(rid)] == ["fail", "concern"]


def test_survives_reopen(tmp_path):
    db = tmp_path / "s.sqlite"
    rid = ReviewStore(db).open_review("repo", "c")
    ReviewStore(db).set_verdict(rid, "x", "n/a")
    assert ReviewStore(db).verdicts(ReviewStore(db).open_review("repo", "c"))["x"].value == "n/a"


def test_rejects_unknown_values(tmp_path):
    store = ReviewStore(tmp_path / "s.sqlite")
    rid = store.open_review("repo", "c")
    with pytest.raises(ValueError, match="verdict"):
        store.set_verdict(rid, "x", "maybe")
    with pytest.raises(ValueError, match="decision"):
        store.decide_finding(rid, "x", "ignore")


def test_export_import_round_trip(tmp_path):
    a = ReviewStore(tmp_path / "a.sqlite")
    rid = a.open_review("github.com/acme/infra", "deadbeef")
    a.set_verdict(rid, "iac.modules", "pass", reviewer="ana")
    a.set_verdict(rid, "iac.modules", "concern", note="pin | versions", reviewer="ana")
    a.decide_finding(rid, "NET007|aws_security_group.x|", "accept_risk", note="temp", reviewer="bo")
    exported = json.loads(json.dumps(a.export_json(rid)))
    b = ReviewStore(tmp_path / "b.sqlite")
    rid_b = b.import_json(exported)
    b.import_json(exported)  # idempotent
    again = b.export_json(rid_b)
    assert again["verdicts"] == exported["verdicts"]
    assert again["finding_decisions"] == exported["finding_decisions"]
    assert len(again["history"]) == 3
    md = b.export_markdown(rid_b, {"iac.modules": "Modules are reusable"})
    assert "| Modules are reusable | concern | pin \\| versions | ana |" in md


def test_import_rejects_foreign_json(tmp_path):
    with pytest.raises(ValueError, match="not an infra-review"):
        ReviewStore(tmp_path / "s.sqlite").import_json({"format": "x"})
