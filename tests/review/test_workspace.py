"""Workspace: what notebooks and reports show of the reviewed source never leaks a planted secret."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from infra_review.review.workspace import Workspace
from infra_review.views.workbench import overview_summary

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
PLANTED = {
    "three-tier-aws": ["Shopfront-Prod-2023!", "pk-prod-7f3a9c2e41b84d0f9e6a5b3c2d1e0f9a"],
    "k8s-platform": ["Rep0rts!Smtp#2024", "Sh0p-prod-db-2024"],
}


@pytest.mark.parametrize("example", sorted(PLANTED))
def test_snippets_mask_planted_secrets(tmp_path, example):
    ws = Workspace.open(EXAMPLES / example, db=tmp_path / "r.sqlite")
    snippets = [ws.finding_snippet(f) for f in ws.findings]
    assert any(snippets), "snippets are shown at all"
    text = "\n".join(snippets)
    for secret in PLANTED[example]:
        assert secret not in text
    assert "«redacted»" in text


def test_snippet_only_reads_parsed_files_inside_the_root(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    (root / "notes.txt").write_text("secret\n")
    ws = Workspace.open(root, db=tmp_path / "r.sqlite")
    assert "bucket" in ws.snippet("main.tf", 1, 3)
    assert ws.snippet("notes.txt", 1) == ""  # skipped, not parsed
    assert ws.snippet("../outside.tf", 1) == ""


def test_snippet_reads_the_facts_not_the_disk(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    ws = Workspace.open(root, db=tmp_path / "r.sqlite")
    first = ws.snippet("main.tf", 1, 3)
    (root / "main.tf").unlink()  # the repository changes after the load
    assert ws.snippet("main.tf", 1, 3) == first
    assert "bucket" in first


def test_rule_errors_are_kept(tmp_path, monkeypatch):
    from infra_review.rules import RULES

    def broken(rg):
        raise RuntimeError("boom")

    monkeypatch.setitem(RULES, "IAC007", dataclasses.replace(RULES["IAC007"], func=broken))
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text('variable "x" {}\n')
    ws = Workspace.open(root, db=tmp_path / "r.sqlite", select=["IAC007", "IAC008"])
    assert [e.rule_id for e in ws.errors] == ["IAC007"]
    assert ws.errors is ws.result.errors
    assert ws.result.rule_ids == ["IAC007", "IAC008"]
    assert "INCOMPLETE REVIEW: 1 rule(s) failed to run (IAC007)" in overview_summary(ws)
    blind = ws.without_findings()
    assert blind.findings == []
    assert blind.errors == ws.errors
    assert blind.graph is ws.graph
