"""Open review notebooks in a real JupyterLab in headless Chromium, run all cells, check what renders."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDGETS = ".jp-Notebook .widget-toggle-buttons, .jp-Notebook .widget-dropdown"
KERNEL_IDLE = (
    "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
    " const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;"
    " return !!k && k.status === 'idle'; }"
)


@pytest.mark.parametrize(
    ("notebook", "min_plots", "min_widgets", "text"),
    [
        ("00_start_here", 0, 0, "Findings by area and severity"),
        ("04_networking_security", 1, 6, "exposure path(s) from the internet"),
    ],
)
def test_notebook_renders_in_jupyterlab(browser, lab_server, shots, notebook, min_plots, min_widgets, text):
    base, token = lab_server
    SHOTS = shots
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1500, "height": 2400})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)[:300]))
    page.goto(f"{base}/lab/tree/{notebook}.ipynb?token={token}&reset", timeout=120_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(1500)
    page.wait_for_function(KERNEL_IDLE, timeout=300_000)
    page.wait_for_function(
        f"() => document.body.innerText.includes({text!r})"
        f" && document.querySelectorAll('.js-plotly-plot').length >= {min_plots}"
        f" && document.querySelectorAll({WIDGETS!r}).length >= {min_widgets}",
        timeout=120_000,
    )
    page.wait_for_timeout(1500)
    info = page.evaluate(
        """() => ({
          plots: document.querySelectorAll('.js-plotly-plot').length,
          tables: document.querySelectorAll('.jp-OutputArea-output table').length,
          widgets: document.querySelectorAll(WIDGETS).length,
          loading: (document.body.innerText.match(/Loading widget/g) || []).length,
          tracebacks: (document.body.innerText
                       .match(/Traceback \\(most recent call last\\)|Error displaying widget/g) || []).length,
        })""".replace("WIDGETS", repr(WIDGETS))
    )
    page.screenshot(path=str(SHOTS / f"lab_{notebook}.png"))
    page.close()
    assert info["plots"] >= min_plots, info
    assert info["tables"] >= 2, info
    assert info["widgets"] >= min_widgets, info
    assert info["loading"] == 0, info
    assert info["tracebacks"] == 0, info
    assert not errors, errors
