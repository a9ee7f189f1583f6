"""review() returns one ReviewResult: load, findings, errors, suppressions, baseline, timings;
the reports render it and the JSON ``review`` block is built from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra_review.pipeline import load_repo
from infra_review.report.formats import FORMATS, render
from infra_review.report.json_contract import review_block
from infra_review.report.options import RenderOptions
from infra_review.review.baseline import Baseline, BaselineError
from infra_review.review.engine import review
from infra_review.review.result import ReviewResult, Suppressions

MAIN_TF = """\
variable "region" {}

# infra-review:ignore=IAC007 legacy input kept for old callers
variable "old" {}

variable "older" {}
"""


@pytest.fixture
def loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("INFRA_REVIEW_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text(MAIN_TF)
    return load_repo(root, cache=False, isolate=False)


def test_review_result_of_a_load(loaded, tmp_path):
    first = review(loaded, select=["IAC007"])
    older = [f for f in first if f.address == "var.older"]
    path = tmp_path / "baseline.json"
    Baseline.from_findings(older).save(path)

    result = review(loaded, select=["IAC007", "IAC008"], baseline=str(path))
    assert isinstance(result, ReviewResult)
    assert result.load is loaded
    assert result.graph is loaded.graph
    assert result.rule_ids == ["IAC007", "IAC008"]
    assert set(result.timings) == {"IAC007", "IAC008"}
    assert result.complete
    assert result.errors == []
    assert result.baseline is not None
    assert result.baseline.path == str(path)
    assert result.baseline_unmatched == []
    assert result.suppressions == Suppressions(inline=1, checkov=0, baseline=1, ignored=0)
    assert result.suppressions.total == 2
    assert list(result) == result.findings
    assert len(result) == len(result.findings)


def test_unusable_baseline_is_refused_before_any_rule_runs(loaded, tmp_path):
    with pytest.raises(BaselineError):
        review(loaded, baseline=str(tmp_path / "missing.json"))


def test_review_block_and_renderers_take_the_result(loaded, tmp_path):
    result = review(loaded, select=["IAC007"])
    block = review_block(result)
    assert block == {
        "rules": ["IAC007"],
        "errors": [],
        "complete": True,
        "baseline": None,
        "seconds": round(result.seconds, 3),
    }
    doc = json.loads(render(result, "json"))
    assert doc["review"]["rules"] == ["IAC007"]
    assert {f["rule_id"] for f in doc["findings"]} == {"IAC007"}
    for fmt in FORMATS:
        assert render(result, fmt, RenderOptions(uri_prefix="infra"))
    sarif = json.loads(render(result, "sarif", RenderOptions(uri_prefix="infra")))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]
    }
    assert uris == {"infra/main.tf"}
    md = render(result, "markdown", RenderOptions(coverage=True))
    assert "Coverage: " in md


def test_a_bare_graph_has_no_load_for_the_json_document(loaded):
    result = review(loaded.graph, select=["IAC007"])
    assert result.load is None
    with pytest.raises(ValueError, match="load result"):
        render(result, "json")
    assert render(result, "junit").startswith("<?xml")
