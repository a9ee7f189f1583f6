"""`infra-review report` end to end: the HTML file opened from disk renders every figure offline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "review.html"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "infra_review",
            "report",
            str(ROOT / "data" / "examples" / "three-tier-aws"),
            "-o",
            str(out),
            "--quiet",
            "--db",
            str(out.parent / "review.sqlite"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def test_report_is_self_contained(report):
    html = report.read_text(encoding="utf-8")
    assert html.count("Plotly.newPlot") >= 5  # figures from several notebooks
    assert "<script src=" not in html  # offline: nothing fetched at view time
    assert html.count("* plotly.js v") == 1  # plotly.js inlined exactly once
    assert 'class="error"' not in html
    assert report.with_suffix(".md").read_text(encoding="utf-8").startswith("#")


def test_report_renders_in_chromium(browser, report, shots):
    page = browser.new_page(viewport={"width": 1500, "height": 2000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)[:300]))
    page.goto(report.as_uri(), timeout=120_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5", timeout=120_000
    )
    info = page.evaluate(
        """() => ({
          plots: document.querySelectorAll('.js-plotly-plot').length,
          sections: document.querySelectorAll('section.nb').length,
          tables: document.querySelectorAll('main table').length,
        })"""
    )
    page.screenshot(path=str(shots / "report_top.png"))
    page.locator("#nb5").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "report_networking.png"))
    page.close()
    assert info["sections"] >= 10, info
    assert info["plots"] >= 5, info
    assert info["tables"] >= 10, info
    assert not errors, errors
