"""The review layer: the engine (rules → a :class:`ReviewResult`), suppressions, baselines, decisions."""

from infra_review.review.engine import *  # noqa: F403
from infra_review.review.engine import __all__ as _engine_all

__all__ = list(_engine_all)
