"""Options a renderer may read (each reads only what concerns its format)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RenderOptions"]


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to render a :class:`~infra_review.review.result.ReviewResult`.

    ``uri_prefix`` (SARIF): the scanned directory's path inside the repository GitHub checks
    out (``infra``), put before every file path.  ``coverage`` (Markdown): start with the
    commit, the coverage line and an *incomplete coverage* banner.
    """

    uri_prefix: str = ""
    coverage: bool = False
