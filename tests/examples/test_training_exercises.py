"""Training exercises: structure, answer-key schema, and agreement between keys and the tool.

The answer keys were written as plain YAML and converted into the stored (obfuscated)
``answers.key`` of each exercise; these tests read them through
:mod:`infra_review.training.keys`, the only decoder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _examples_helpers import (
    AREAS,
    LEVELS,
    RULE_IDS,
    TRAINING,
    address_problem,
    exercise_dirs,
)

from infra_review.training.keys import read_key

EXERCISES = exercise_dirs()
SEVERITIES = ("info", "low", "medium", "high", "critical")
_IDS = [d.name for d in EXERCISES]


def _key(ex: Path) -> dict:
    return read_key(ex).to_dict()


def _level(ex: Path) -> str:
    m = re.search(r"\*\*Level:\*\*\s*(\w+)", (ex / "BRIEFING.md").read_text(encoding="utf-8"))
    assert m, f"{ex.name}: BRIEFING.md has no **Level:** line"
    return m.group(1)


def test_at_least_eight_exercises_graded() -> None:
    assert len(EXERCISES) >= 8
    levels = [_level(ex) for ex in EXERCISES]
    assert all(lv in LEVELS for lv in levels), levels
    ranks = [LEVELS.index(lv) for lv in levels]
    assert ranks == sorted(ranks), "exercises must go from beginner to advanced"
    assert levels[0] == "beginner"
    assert levels[-1] == "advanced"


@pytest.mark.parametrize("ex", EXERCISES, ids=_IDS)
def test_exercise_layout(ex: Path) -> None:
    assert (ex / "repo").is_dir()
    assert (ex / "BRIEFING.md").is_file()
    # no answer key, stored or plain, may sit in the exercise folder itself as plain text
    for f in ex.rglob("*"):
        if f.is_file() and f.suffix in (".yaml", ".yml", ".md", ".json"):
            text = f.read_text(encoding="utf-8", errors="replace")
            assert "detected_by" not in text, f"answer key material in {f}"


@pytest.mark.parametrize("ex", EXERCISES, ids=_IDS)
def test_briefing_and_repo_do_not_spoil(ex: Path) -> None:
    """Neither the briefing nor the repository names a rule id."""
    texts = [ex / "BRIEFING.md"] + [f for f in (ex / "repo").rglob("*") if f.is_file()]
    for f in texts:
        text = f.read_text(encoding="utf-8", errors="replace")
        found = set(re.findall(r"\b(?:IAC|CTR|DEP|NET|MON|BAK|COST|RED|SPOF)\d{2,3}\b", text))
        assert not found & RULE_IDS, f"{f} names {found & RULE_IDS}"


@pytest.mark.parametrize("ex", EXERCISES, ids=_IDS)
def test_answer_key_schema(ex: Path) -> None:
    key = _key(ex)
    assert key["exercise"] == ex.name
    assert key["level"] == _level(ex)
    flaws = key["flaws"]
    assert flaws, "a key lists at least one flaw"
    ids = [f["id"] for f in flaws]
    assert len(ids) == len(set(ids)), "flaw ids are unique"
    for f in flaws:
        assert set(f) >= {"id", "title", "resources", "area", "severity", "why", "detected_by"}, f
        assert f["area"] in AREAS, f
        assert f["severity"] in SEVERITIES, f
        assert f["detected_by"] == "guided" or f["detected_by"] in RULE_IDS, f
        assert set(f.get("also_detected_by", [])) <= RULE_IDS, f
        assert isinstance(f["resources"], list), f
        assert f["resources"], f
        assert len(f["why"]) > 40, f"{f['id']}: explain why it matters"
        for addr in f["resources"]:
            assert address_problem(ex / "repo", addr) is None, (addr, address_problem(ex / "repo", addr))


def test_no_plain_key_sources_left() -> None:
    assert not (TRAINING / "_keys_src").exists()
    assert all((ex / "answers.key").is_file() for ex in EXERCISES)


def test_keys_cover_every_area() -> None:
    areas = {f["area"] for ex in EXERCISES for f in _key(ex)["flaws"]}
    assert areas == AREAS, AREAS - areas


# --------------------------------------------------------------------------- against the tool

_RUNS: dict[str, dict[tuple[str, str], object]] = {}


def _fails(ex: Path) -> dict[tuple[str, str], object]:
    repo_loader = pytest.importorskip("infra_review.pipeline")
    review_mod = pytest.importorskip("infra_review.review.engine")
    pytest.importorskip("infra_review.rules")
    from infra_review.model import Status

    if ex.name not in _RUNS:
        res = repo_loader.load_repo(ex / "repo", cache=False)
        run = review_mod.review(res)
        _RUNS[ex.name] = {(f.rule_id, f.address): f for f in run.findings if f.status == Status.FAIL}
    return _RUNS[ex.name]


@pytest.mark.parametrize("ex", EXERCISES, ids=_IDS)
def test_rule_detected_flaws_are_found(ex: Path) -> None:
    key = _key(ex)
    fails = _fails(ex)
    missed = [
        (f["id"], f["detected_by"])
        for f in key["flaws"]
        if f["detected_by"] != "guided" and not any((f["detected_by"], a) in fails for a in f["resources"])
    ]
    assert missed == []


@pytest.mark.parametrize("ex", EXERCISES, ids=_IDS)
def test_no_unexpected_high_or_critical(ex: Path) -> None:
    from infra_review.model import Severity

    key = _key(ex)
    fails = _fails(ex)
    covered = {
        (rid, a)
        for f in key["flaws"]
        for rid in [f["detected_by"], *f.get("also_detected_by", [])]
        for a in f["resources"]
    }
    extra = sorted(
        (k, f.severity.name)  # type: ignore[attr-defined]
        for k, f in fails.items()
        if k not in covered and f.severity >= Severity.HIGH  # type: ignore[attr-defined]
    )
    assert extra == []
