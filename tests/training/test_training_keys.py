"""Stored answer keys: round-trip, validation, and no spoiler readable in the exercise folders."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from infra_review.training.exercises import exercises_root, find_exercise, list_exercises
from infra_review.training.keys import KEY_FILE, decode_key, encode_key, parse_key, read_key, write_key

ROOT = Path(__file__).resolve().parents[2]
TRAINING = ROOT / "data" / "training"
EXERCISES = list_exercises()


def _spoilers(ex) -> set[str]:
    """Strings that would give an exercise away: titles, explanations, rule ids, flaw ids."""
    key = ex.answer_key()
    out: set[str] = set()
    for f in key.flaws:
        out |= {f.title, f.why[:60], "detected_by", f"flaw-id:{f.id}"}
        out |= set(f.rule_ids)
    return out


def _addresses(ex) -> set[str]:
    return {a for f in ex.answer_key().flaws for a in f.resources}


def test_exercises_found_with_keys() -> None:
    assert exercises_root() == TRAINING
    assert len(EXERCISES) >= 8
    assert all(ex.has_key for ex in EXERCISES)
    assert find_exercise("01").name == "01-public-bucket-open-ssh"
    with pytest.raises(LookupError):
        find_exercise("nope")
    with pytest.raises(LookupError):
        find_exercise("0")  # ambiguous prefix


@pytest.mark.parametrize("ex", EXERCISES, ids=[e.name for e in EXERCISES])
def test_key_round_trips(ex, tmp_path) -> None:
    key = ex.answer_key()
    assert key.exercise == ex.name
    assert key.level == ex.level
    assert read_key(write_key(tmp_path, key).parent) == key


@pytest.mark.parametrize("ex", EXERCISES, ids=[e.name for e in EXERCISES])
def test_no_key_content_in_plain_text_under_data_training(ex) -> None:
    """Titles, explanations, rule ids (anywhere) and key addresses (outside ``repo/``) never
    appear as plain text in any file under ``data/training``."""
    spoilers = {s for s in _spoilers(ex) if not s.startswith("flaw-id:")}
    addresses = _addresses(ex)
    files = [p for p in TRAINING.rglob("*") if p.is_file()]
    assert files
    for p in files:
        text = p.read_text(encoding="utf-8", errors="replace")
        rel = p.relative_to(TRAINING).parts
        in_repo = len(rel) > 1 and rel[1] == "repo"
        for s in spoilers:
            if re.fullmatch(r"[A-Z]+\d+", s):  # rule ids: whole words only
                assert not re.search(rf"\b{s}\b", text), f"{s} in {p}"
            else:
                assert s not in text, f"{s!r} in {p}"
        if not in_repo:  # the repository itself of course declares its resources
            for a in addresses:
                assert a not in text, f"{a!r} in {p}"


def test_stored_key_is_not_plain_base64_of_json() -> None:
    text = (EXERCISES[0].path / KEY_FILE).read_text()
    body = "".join(text.splitlines()[2:])
    raw = base64.b64decode(body)
    assert b"flaws" not in raw
    assert not raw.startswith(b"{")
    import zlib

    with pytest.raises(zlib.error):  # XOR'ed: not even a zlib stream without the keystream
        zlib.decompress(raw)


def test_decode_rejects_tampering_and_foreign_files() -> None:
    good = encode_key(EXERCISES[0].answer_key())
    with pytest.raises(ValueError, match="not an infra-review answer key"):
        decode_key("hello\nworld\n")
    lines = good.splitlines()
    lines[1] = "exercise: 02-other"  # keystream of another exercise
    with pytest.raises(ValueError, match=r"corrupt|does not match"):
        decode_key("\n".join(lines))
    lines = good.splitlines()
    lines[2] = "A" * len(lines[2])
    with pytest.raises(ValueError, match="corrupt"):
        decode_key("\n".join(lines))


def test_parse_key_validates() -> None:
    base = {
        "id": "x",
        "title": "t",
        "resources": ["aws_s3_bucket.b"],
        "area": "iac",
        "severity": "high",
        "why": "w",
        "detected_by": "guided",
    }
    assert parse_key({"exercise": "e", "level": "beginner", "flaws": [base]}).flaws[0].guided
    for bad in ({"severity": "urgent"}, {"area": "security"}, {"resources": []}):
        with pytest.raises(ValueError, match=r"severity|area|resource"):
            parse_key({"exercise": "e", "level": "beginner", "flaws": [base | bad]})
    with pytest.raises(ValueError, match="unique"):
        parse_key({"exercise": "e", "level": "beginner", "flaws": [base, base]})
    with pytest.raises(ValueError, match="at least one"):
        parse_key({"exercise": "e", "level": "beginner", "flaws": []})


@pytest.mark.parametrize("ex", EXERCISES, ids=[e.name for e in EXERCISES])
def test_every_key_address_can_be_named(ex) -> None:
    """The notebook's resource dropdown (and ``train show``) offers every address of the key."""
    from infra_review.pipeline import load_repo
    from infra_review.training.exercises import resource_choices

    choices = resource_choices(load_repo(ex.repo).graph)
    assert len(choices) == len(set(choices))
    assert not [a for a in _addresses(ex) if a not in choices]
    assert not [c for c in choices if c == "INTERNET" or c.startswith("unresolved:")]
