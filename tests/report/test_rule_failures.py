"""A rule that raises is never a quiet "nothing found" (issue 11 §2): every report says so.

``review_run`` (conftest) runs TST404, a cost rule that always raises ``RuntimeError("boom")``.
"""

from __future__ import annotations

import json

import pytest

from infra_review.model import Area
from infra_review.pipeline import load_repo
from infra_review.report.json_contract import render_json
from infra_review.report.markdown import render_markdown, to_markdown
from infra_review.report.sarif import render_sarif
from infra_review.report.table import render_table
from infra_review.review.engine import review

from .conftest import RULES, TF


@pytest.fixture
def loaded_run(tmp_path):
    """The conftest rules (TST404 raises) over a repository read by the real loader."""
    (tmp_path / "main.tf").write_text(TF)
    return review(load_repo(tmp_path), rules=RULES)


def test_result_knows_the_failed_rule_and_its_area(review_run):
    assert list(review_run.failed) == ["TST404"]
    assert review_run.failed["TST404"].label == "rule failed: TST404 (RuntimeError)"
    assert [e.rule_id for e in review_run.errors_in(Area.COST)] == ["TST404"]
    assert review_run.errors_in("backup") == []
    assert not review_run.complete


def test_table_says_incomplete_review_with_rule_and_area(loaded_run):
    out = render_table(loaded_run)
    assert "!! INCOMPLETE REVIEW: 1 rule(s) failed to run" in out
    row = next(line for line in out.splitlines() if line.strip().startswith("TST404"))
    assert "cost" in row
    assert "RuntimeError" in row
    assert "boom" not in out.replace("_boom", "")  # the exception text may quote repository values


def test_markdown_area_without_findings_shows_rule_failed(review_run):
    md = render_markdown(review_run)
    assert "> **Incomplete review:** 1 rule(s) failed to run" in md
    cost = md.split("## Cost", 1)[1].split("\n## ", 1)[0]  # the section exists without findings
    assert "rule failed: TST404 (RuntimeError)" in cost
    assert "| TST404 | cost | RuntimeError" in md
    assert "boom" not in md.replace("\\_boom", "")


def test_markdown_without_areas_falls_back_to_the_registry():
    from infra_review.review.result import RuleError

    md = to_markdown([], errors=[RuleError("NET001", "KeyError", "KeyError in f (x.py:1)")])
    net = md.split("## Networking", 1)[1].split("\n## ", 1)[0]
    assert "rule failed: NET001 (KeyError)" in net


def test_json_review_errors_and_coverage_incomplete(loaded_run):
    doc = json.loads(render_json(loaded_run))
    assert doc["review"]["complete"] is False
    assert [e["rule_id"] for e in doc["review"]["errors"]] == ["TST404"]
    assert doc["review"]["errors"][0]["error_type"] == "RuntimeError"
    assert doc["coverage"]["problems"] == 0  # the files were all read ...
    assert doc["coverage"]["rule_errors"] == 1
    assert doc["coverage"]["complete"] is False  # ... but the review is not complete
    assert "boom" not in json.dumps(doc).replace("_boom", "")


def test_json_coverage_complete_when_every_rule_ran(loaded_run):
    import dataclasses

    ok = dataclasses.replace(loaded_run, errors=[])
    doc = json.loads(render_json(ok))
    assert doc["coverage"]["complete"] is True
    assert doc["coverage"]["rule_errors"] == 0


def test_sarif_invocation_names_the_failed_rule(review_run):
    run = json.loads(render_sarif(review_run))["runs"][0]
    (inv,) = run["invocations"]
    assert inv["executionSuccessful"] is False
    (note,) = inv["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["associatedRule"]["id"] == note["descriptor"]["id"] == "TST404"
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids[note["associatedRule"]["index"]] == "TST404"
    assert "rule failed: TST404 (RuntimeError)" in note["message"]["text"]
    assert note["properties"]["error_type"] == "RuntimeError"
    assert "boom" not in json.dumps(run).replace("_boom", "")
