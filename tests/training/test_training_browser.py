"""The training notebook in a real JupyterLab (headless Chromium): run all, mark a suspicion with
the widgets, submit, and see the score and feedback rendered."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KERNEL_IDLE = (
    "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
    " const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;"
    " return !!k && k.status === 'idle'; }"
)


def test_training_notebook_form_in_jupyterlab(browser, lab_server, shots) -> None:
    base, token = lab_server
    page = browser.new_page(viewport={"width": 1400, "height": 2600})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)[:300]))
    page.goto(f"{base}/lab/tree/training.ipynb?token={token}&reset", timeout=120_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(1500)
    page.wait_for_function(KERNEL_IDLE, timeout=300_000)
    page.wait_for_function(
        "() => document.body.innerText.includes('Mark a suspected flaw')"
        " && document.querySelectorAll('.js-plotly-plot').length >= 3"
        " && document.body.innerText.includes('Score:')",  # the demo submission's feedback
        timeout=120_000,
    )
    form = page.locator(".widget-vbox", has_text="Mark a suspected flaw").last
    form.locator("input[list]").fill("aws_s3_bucket_acl.media")
    form.locator("input[list]").press("Enter")
    form.locator("select").first.select_option(label="Red Flags")
    form.locator("input[placeholder^='why it matters']").fill("public-read-write ACL")
    form.locator("input[placeholder^='why it matters']").press("Enter")
    form.locator("button", has_text="Add").click()
    page.wait_for_function("() => document.body.innerText.includes('1 so far')", timeout=60_000)
    form.locator("button", has_text="Submit").click()
    page.wait_for_function(
        "() => document.body.innerText.includes('found 1/6 flaws, missed 5, false alarms 0')", timeout=60_000
    )
    page.wait_for_timeout(800)
    form.screenshot(path=str(shots / "lab_training_form.png"))
    page.screenshot(path=str(shots / "lab_training.png"), full_page=True)
    text = page.evaluate("() => document.body.innerText")
    loading = text.count("Loading widget")
    tracebacks = text.count("Traceback (most recent call last)") + text.count("Error displaying widget")
    page.close()
    assert "Remediation" in text
    assert "What the tool found" in text
    assert loading == 0, loading
    assert tracebacks == 0, tracebacks
    assert not errors, errors
