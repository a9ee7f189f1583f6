"""``infra-review train list|show|score|results|key|encode-key``."""

from __future__ import annotations

import json

import yaml

from infra_review.cli import main
from infra_review.training.exercises import find_exercise, list_exercises
from infra_review.training.keys import read_key


def _json(capsys, argv):
    rc = main(argv)
    out = capsys.readouterr().out
    assert rc == 0, out
    return json.loads(out)


def test_list(capsys) -> None:
    rows = _json(capsys, ["train", "list", "--format", "json"])
    assert [r["exercise"] for r in rows] == [e.name for e in list_exercises()]
    assert rows[0]["level"] == "beginner"
    assert rows[-1]["level"] == "advanced"
    assert main(["train", "list"]) == 0
    assert "01-public-bucket-open-ssh    beginner" in capsys.readouterr().out


def test_show_does_not_spoil(capsys) -> None:
    data = _json(capsys, ["train", "show", "01", "--format", "json"])
    assert data["exercise"] == "01-public-bucket-open-ssh"
    assert "aws_security_group.cms" in data["resources"]
    assert data["resources"][-1] == "(repository)"
    assert main(["train", "show", "01"]) == 0
    text = capsys.readouterr().out
    key = find_exercise("01").answer_key()
    for f in key.flaws:
        assert f.title not in text
        assert f.detected_by not in text


def test_score_records_and_results(capsys, tmp_path) -> None:
    db = tmp_path / "r.sqlite"
    key = find_exercise("05").answer_key()
    sub = tmp_path / "s.yaml"
    first = key.flaws[0]
    sub.write_text(
        yaml.safe_dump(
            [
                {"resource": first.resources[0], "area": first.area, "note": "seen"},
                {"resource": "aws_made_up.thing", "area": "cost", "note": "wrong"},
            ]
        )
    )
    data = _json(
        capsys,
        ["train", "score", "05", "-s", str(sub), "--trainee", "ana", "--db", str(db), "--format", "json"],
    )
    assert data["found"] == [first.id]
    assert len(data["false_alarms"]) == 1
    assert [m["id"] for m in data["feedback"]["missed"]] == [f.id for f in key.flaws[1:]]
    assert data["recorded"]["trainee"] == "ana"
    # text output: summary line, feedback with rule documentation for every missed flaw
    assert main(["train", "score", "05", "-s", str(sub), "--trainee", "ana", "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"{key.exercise}: found 1/{len(key.flaws)} flaws")
    for f in key.flaws[1:]:
        assert f.title in text
    assert "remediation:" in text
    assert "False alarms (1" in text
    rows = _json(capsys, ["train", "results", "--db", str(db), "--format", "json"])
    assert len(rows) == 1
    assert rows[0]["attempts"] == 2
    assert rows[0]["trainee"] == "ana"
    assert main(["train", "results", "--db", str(db)]) == 0
    assert "ana" in capsys.readouterr().out


def test_score_without_trainee_records_nothing(capsys, tmp_path, monkeypatch) -> None:
    db = tmp_path / "r.sqlite"
    monkeypatch.setenv("INFRA_REVIEW_DB", str(db))
    sub = tmp_path / "s.json"
    sub.write_text("[]")
    data = _json(capsys, ["train", "score", "01", "-s", str(sub), "--format", "json"])
    assert data["percent"] == 0.0
    assert "recorded" not in data
    assert not db.exists()


def test_errors_exit_2(capsys, tmp_path) -> None:
    assert main(["train", "show", "99-nope"]) == 2
    assert "no exercise" in capsys.readouterr().err
    bad = tmp_path / "s.yaml"
    bad.write_text("- {resource: aws_instance.cms, area: security}\n")
    assert main(["train", "score", "01", "-s", str(bad)]) == 2
    assert "area must be one of" in capsys.readouterr().err
    other = tmp_path / "o.yaml"
    other.write_text("exercise: 02-hardcoded-secrets\nsuspicions: []\n")
    assert main(["train", "score", "01", "-s", str(other)]) == 2
    assert main(["train", "score", "01", "-s", str(tmp_path / "missing.yaml")]) == 2
    assert main(["train"]) == 2


def test_key_and_encode_key_round_trip(capsys, tmp_path) -> None:
    data = _json(capsys, ["train", "key", "01", "--format", "json"])
    assert data == find_exercise("01").answer_key().to_dict()
    ex_dir = tmp_path / "01-public-bucket-open-ssh"
    ex_dir.mkdir()
    src = tmp_path / "key.yaml"
    src.write_text(yaml.safe_dump(data))
    assert main(["train", "encode-key", str(src), str(ex_dir)]) == 0
    assert read_key(ex_dir).to_dict() == data
    wrong = tmp_path / "elsewhere"
    wrong.mkdir()
    assert main(["train", "encode-key", str(src), str(wrong)]) == 2
