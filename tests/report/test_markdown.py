"""Markdown summary: red flags first, per-area severity tables, escaping, suppressed/unknown/errors."""

from __future__ import annotations

from infra_review.model import Area, Finding, Severity, Status
from infra_review.report.markdown import escape_md, to_markdown


def test_sections_in_order(review_run):
    md = to_markdown(review_run.findings, errors=review_run.errors, root="repo")
    heads = [line for line in md.splitlines() if line.startswith("## ")]
    assert heads == [
        "## Red Flags",
        "## Networking & Security",
        "## Needs a human (UNKNOWN)",
        "## Suppressed",
        "## Rule errors",
    ]
    red = md.split("## Red Flags")[1].split("## Networking")[0]
    assert "TST403" in red  # red-flag area
    assert "TST401" in red  # critical in any area
    assert "### Critical (1)" in md
    assert "**Remediation**" in md
    assert "- **TST401** SSH open to the world: Restrict `cidr_blocks` to the VPN range." in md
    assert "jump host, CIDR is the office VPN" in md
    assert "| baseline |" in md
    assert "Incomplete review" in md
    totals = next(line for line in md.splitlines() if line.startswith("| **total**"))
    assert totals == "| **total** | **2** | **1** | **2** |"


def test_repository_strings_are_escaped(review_run):
    md = to_markdown(review_run.findings)
    assert "<script>" not in md
    assert r"aws\_s3\_bucket.site&lt;script&gt;\|x" in md
    assert "hunter2" not in md


def test_escape_md():
    assert escape_md("a|b*c`d\n<e>") == r"a\|b\*c\`d &lt;e&gt;"
    assert len(escape_md("x" * 1000)) == 300


def test_empty_review():
    md = to_markdown([])
    assert "No red flags" in md
    assert "| **total** | **0** | **0** | **0** |" in md


def test_env_downgraded_and_pass_findings():
    fs = [Finding("TST001", Area.COST, Severity.LOW, Status.PASS, "a.b", "ok")]
    md = to_markdown(fs)
    assert "a.b" not in md


def test_render_markdown_with_a_load_result(tmp_path, monkeypatch):
    from infra_review.pipeline import load_repo
    from infra_review.report.markdown import render_markdown
    from infra_review.report.options import RenderOptions
    from infra_review.review.engine import review

    monkeypatch.setenv("INFRA_REVIEW_CACHE", str(tmp_path / "cache"))
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "main.tf").write_text('variable "x" {}\n')
    (tmp_path / "r" / "bad.tf").write_bytes(b"\xff\xfe\x00garbage{{{")
    result = load_repo(tmp_path / "r", cache=False, isolate=False)
    md = render_markdown(review(result), RenderOptions(coverage=True))
    assert md.startswith("# infra-review findings\n\nRepository: r\n\nCoverage: 2 files")
    assert "Incomplete coverage" in md
    assert "## Red Flags" in md
