"""One self-contained HTML report from executed review notebooks.

Plotly figures are rendered from their stored JSON with plotly.js inlined **once** in the page
head, so the report opens offline.  Code cells are hidden (a report is for reading);
widget outputs, which need a live kernel, are dropped — every notebook also prints a static
rendering of what its widgets show.  Text outputs are HTML-escaped; HTML outputs come from
infra_review's own views, which escape every repository string.

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Demo"),
...     nbformat.v4.new_code_cell("print(1)", outputs=[nbformat.v4.new_output("stream", text="<b>1</b>")])])
>>> html = render_report([("Demo", nb)], title="t", include_plotlyjs=False)
>>> "&lt;b&gt;1&lt;/b&gt;" in html and "print(1)" not in html
True
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["render_report"]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_WIDGET = "application/vnd.jupyter.widget-view+json"
_PLOTLY = "application/vnd.plotly.v1+json"

_CSS = """
body{font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1f2328;
  background:#f6f8fa}
header{background:#0d1117;color:#fff;padding:18px 32px 18px 262px;position:relative;z-index:2}
header h1{margin:0;font-size:22px} header p{margin:4px 0 0;color:#9da7b3;font-size:13px}
nav{position:fixed;top:0;left:0;bottom:0;width:230px;overflow:auto;background:#fff;
  border-right:1px solid #d0d7de;padding:80px 12px 12px}
nav a{display:block;color:#0969da;text-decoration:none;font-size:13px;padding:3px 6px;
  border-radius:4px}
nav a:hover{background:#f3f4f6}
main{margin-left:254px;padding:16px 32px 64px}
.anchor-link{display:none}
section.nb{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:8px 24px 24px;
  margin:18px 0;overflow-x:auto}
pre{background:#f6f8fa;padding:8px 12px;border-radius:6px;overflow:auto;font-size:12.5px;
  white-space:pre-wrap}
.error{background:#ffebe9;border:1px solid #ff8182;padding:8px 12px;border-radius:6px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
img{max-width:100%}
"""


def render_report(
    notebooks: Sequence[tuple[str, Any]],
    *,
    title: str,
    subtitle: str = "",
    include_plotlyjs: bool = True,
) -> str:
    """Render executed notebooks (``(title, NotebookNode)`` pairs) as one HTML page."""
    # lazy: nbconvert and plotly are Jupyter-side dependencies, imported here and not at module
    # level so that importing infra_review.report never pulls them into ``infra-review scan``
    from nbconvert.filters.markdown import markdown2html_mistune

    head_js = ""
    if include_plotlyjs:
        from plotly.offline import get_plotlyjs

        head_js = f'<script type="text/javascript">{get_plotlyjs()}</script>'
    nav, body = [], []
    fig_no = 0
    for i, (nb_title, nb) in enumerate(notebooks):
        anchor = f"nb{i}"
        nav.append(f'<a href="#{anchor}">{html.escape(nb_title)}</a>')
        parts = [f'<section class="nb" id="{anchor}">']
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                parts.append(markdown2html_mistune(cell.source))
            elif cell.cell_type == "code":
                if "remove-output" in cell.get("metadata", {}).get("tags", []):
                    continue
                outputs = cell.get("outputs", [])
                # A cell that shows HTML or a figure prints its text twin only for nbval: skip it.
                rich = any("text/html" in o.get("data", {}) or _PLOTLY in o.get("data", {}) for o in outputs)
                for out in outputs:
                    if rich and out.get("output_type") == "stream":
                        continue
                    rendered, fig_no = _render_output(out, fig_no)
                    parts.append(rendered)
        parts.append("</section>")
        body.append("\n".join(parts))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style>{head_js}</head><body>"
        f"<header><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p></header>"
        f"<nav>{''.join(nav)}</nav><main>{''.join(body)}</main></body></html>\n"
    )


def _render_output(out: Mapping[str, Any], fig_no: int) -> tuple[str, int]:
    kind = out.get("output_type")
    if kind == "stream":
        return f"<pre>{html.escape(_text(out.get('text', '')))}</pre>", fig_no
    if kind == "error":
        tb = _ANSI.sub("", "\n".join(out.get("traceback", [])))
        return (
            f'<div class="error"><b>{html.escape(str(out.get("ename", "")))}</b>: '
            f"{html.escape(str(out.get('evalue', '')))}<pre>{html.escape(tb)}</pre></div>",
            fig_no,
        )
    data = out.get("data", {})
    if _WIDGET in data:
        return "", fig_no  # interactive controls need a live kernel
    if _PLOTLY in data:
        import plotly.io as pio  # lazy: Jupyter-side dependency, see render_report

        fig_no += 1
        div = pio.to_html(
            data[_PLOTLY],
            include_plotlyjs=False,
            full_html=False,
            div_id=f"figure-{fig_no}",
            config={"displaylogo": False, "responsive": True},
        )
        return div, fig_no
    if "text/html" in data:
        return _text(data["text/html"]), fig_no
    if "image/png" in data:
        b64 = _text(data["image/png"]).strip()
        base64.b64decode(b64, validate=False)
        return f'<img alt="figure" src="data:image/png;base64,{b64}">', fig_no
    if "text/markdown" in data:
        from nbconvert.filters.markdown import markdown2html_mistune  # lazy: see render_report

        return markdown2html_mistune(_text(data["text/markdown"])), fig_no
    if "text/plain" in data:
        return f"<pre>{html.escape(_text(data['text/plain']))}</pre>", fig_no
    return "", fig_no


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)
