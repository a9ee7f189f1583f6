"""The output formats of ``infra-review scan``: name → renderer of a :class:`ReviewResult`.

Every renderer has the signature ``render(result, options=None) -> str`` and reads only the
:class:`~infra_review.report.options.RenderOptions` that concern its format.  Add a format here.

>>> sorted(FORMATS)
['json', 'junit', 'markdown', 'sarif', 'table']
"""

from __future__ import annotations

from collections.abc import Callable

from infra_review.report.json_contract import render_json
from infra_review.report.junit import render_junit
from infra_review.report.markdown import render_markdown
from infra_review.report.options import RenderOptions
from infra_review.report.sarif import render_sarif
from infra_review.report.table import render_table
from infra_review.review.result import ReviewResult

__all__ = ["FORMATS", "Renderer", "render"]

Renderer = Callable[[ReviewResult, RenderOptions | None], str]

FORMATS: dict[str, Renderer] = {
    "json": render_json,
    "table": render_table,
    "sarif": render_sarif,
    "junit": render_junit,
    "markdown": render_markdown,
}


def render(result: ReviewResult, fmt: str, options: RenderOptions | None = None) -> str:
    """``result`` in format ``fmt`` (a key of :data:`FORMATS`)."""
    return FORMATS[fmt](result, options)
