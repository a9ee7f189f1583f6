"""Scoring: perfect, partial and empty submissions on several exercises; false alarms; matching."""

from __future__ import annotations

import pytest

from infra_review.rules import RULES
from infra_review.training.exercises import find_exercise, list_exercises
from infra_review.training.keys import parse_key
from infra_review.training.scoring import REPOSITORY, load_submission, score

EXERCISES = [
    "01-public-bucket-open-ssh",
    "05-single-az-shared-nat",
    "09-netpol-selects-nothing",
    "03-state-and-variables",
]


def _perfect(key):
    return [{"resource": f.resources[0], "area": f.area, "note": "n"} for f in key.flaws]


@pytest.mark.parametrize("name", EXERCISES)
def test_perfect_submission(name) -> None:
    key = find_exercise(name).answer_key()
    r = score(key, _perfect(key))
    assert len(r.found) == len(key.flaws)
    assert r.missed == []
    assert r.false_alarms == []
    assert r.percent == 100.0
    assert all(fr.area_ok for fr in r.found)
    assert f"found {len(key.flaws)}/{len(key.flaws)}" in r.summary_line()


@pytest.mark.parametrize("name", EXERCISES)
def test_empty_submission(name) -> None:
    key = find_exercise(name).answer_key()
    r = score(key, [])
    assert r.found == []
    assert len(r.missed) == len(key.flaws)
    assert r.percent == 0.0
    fb = r.to_dict()["feedback"]["missed"]
    assert [f["id"] for f in fb] == [f.id for f in key.flaws]
    for item, flaw in zip(fb, key.flaws, strict=True):
        if flaw.guided:
            assert item["why_it_matters"] == flaw.why
            assert item["remediation"] == ""
        else:
            rule = RULES[flaw.detected_by]
            assert item["why_it_matters"] == rule.section("Why it matters") != ""
            assert item["remediation"] == rule.section("Remediation") != ""


@pytest.mark.parametrize("name", EXERCISES)
def test_partial_submission_weights_by_severity(name) -> None:
    key = find_exercise(name).answer_key()
    half = key.flaws[: max(1, len(key.flaws) // 2)]
    sub = [{"resource": f.resources[-1], "area": f.area, "note": ""} for f in half]
    r = score(key, sub)
    assert {fr.flaw.id for fr in r.found} == {f.id for f in half}
    want = round(100 * sum(f.weight for f in half) / key.total_weight, 1)
    assert r.percent == want
    assert 0 < r.percent < 100
    assert [m["id"] for m in r.to_dict()["feedback"]["missed"]] == [f.id for f in key.flaws if f not in half]


def test_exercise_01_numbers_and_false_alarms() -> None:
    key = find_exercise("01-public-bucket-open-ssh").answer_key()
    # weights: 2 critical (5) + 4 high (3) = 22
    assert key.total_weight == 22
    sub = [
        {"resource": "aws_s3_bucket_acl.media", "area": "red_flags", "note": "public-read-write"},
        {"resource": "aws_security_group.cms", "area": "network_security", "note": "22 from anywhere"},
        {"resource": "aws_security_group.cms", "area": "network_security", "note": "said twice"},
        {"resource": "aws_route_table.nowhere", "area": "network_security", "note": "no such flaw"},
        {"resource": "aws_s3_bucket.media", "area": "cost", "note": "wrong"},
    ]
    r = score(key, sub)
    assert {fr.flaw.id for fr in r.found} == {"public-bucket-acl", "ssh-open-to-world"}
    assert [s.resource for s in r.false_alarms] == ["aws_route_table.nowhere"]
    assert [s.note for s in r.duplicates] == ["said twice", "wrong"]  # eligible but already found: no penalty
    assert r.penalty == 1
    assert r.percent == round(100 * (10 - 1) / 22, 1)
    # false alarms only: never below zero
    assert score(key, [{"resource": f"x.y{i}", "area": "cost"} for i in range(30)]).percent == 0.0


def test_area_breaks_ties_between_flaws_of_one_resource() -> None:
    key = find_exercise("01-public-bucket-open-ssh").answer_key()
    r = score(key, [{"resource": "aws_instance.cms", "area": "monitoring", "note": "no alarm"}])
    assert [fr.flaw.id for fr in r.found] == ["no-alarms"]
    # a different area still finds the most severe remaining flaw of that resource, flagged
    r = score(key, [{"resource": "aws_instance.cms", "area": "cost", "note": ""}])
    assert len(r.found) == 1
    assert not r.found[0].area_ok
    assert r.to_dict()["feedback"]["found"][0]["area_ok"] is False


def test_instance_index_and_repository_level() -> None:
    key = parse_key(
        {
            "exercise": "x",
            "level": "beginner",
            "flaws": [
                {
                    "id": "nat",
                    "title": "t",
                    "resources": ["aws_subnet.public[0]"],
                    "area": "spof",
                    "severity": "high",
                    "why": "w",
                    "detected_by": "SPOF02",
                },
                {
                    "id": "state",
                    "title": "t",
                    "resources": ["terraform"],
                    "area": "iac",
                    "severity": "medium",
                    "why": "w",
                    "detected_by": "IAC001",
                },
                {
                    "id": "pin",
                    "title": "t",
                    "resources": ["provider.aws"],
                    "area": "iac",
                    "severity": "low",
                    "why": "w",
                    "detected_by": "guided",
                },
            ],
        }
    )
    assert [f.flaw.id for f in score(key, [{"resource": "aws_subnet.public", "area": "spof"}]).found] == [
        "nat"
    ]
    assert score(key, [{"resource": "aws_subnet.public[1]", "area": "spof"}]).found == []
    r = score(key, [{"resource": REPOSITORY, "area": "iac"}, {"resource": REPOSITORY, "area": "iac"}])
    assert [f.flaw.id for f in r.found] == ["state", "pin"]
    r = score(key, [{"resource": REPOSITORY, "area": "cost"}])
    assert r.found == []
    assert len(r.false_alarms) == 1


def test_submission_validation_and_files(tmp_path) -> None:
    key = find_exercise("02").answer_key()
    with pytest.raises(ValueError, match="area"):
        score(key, [{"resource": "aws_lambda_function.sender", "area": "security"}])
    with pytest.raises(ValueError, match="resource"):
        score(key, [{"resource": " ", "area": "iac"}])
    p = tmp_path / "s.yaml"
    p.write_text(
        "trainee: ana\nsuspicions:\n  - {resource: aws_lambda_function.sender, area: red_flags, note: key}\n"
    )
    sus, meta = load_submission(p)
    assert meta == {"trainee": "ana"}
    assert sus[0].resource == "aws_lambda_function.sender"
    p.write_text('[{"resource": "var.mail_api_key", "area": "red_flags"}]')
    assert load_submission(p)[0][0].note == ""
    p.write_text('"nope"')
    with pytest.raises(ValueError, match="a submission is a list"):
        load_submission(p)


def test_every_exercise_scores_its_own_perfect_answer() -> None:
    for ex in list_exercises():
        key = ex.answer_key()
        assert score(key, _perfect(key)).percent == 100.0, ex.name
