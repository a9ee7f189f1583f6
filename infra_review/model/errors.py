"""Exceptions raised for caller mistakes.  Bad input files never raise: they become diagnostics."""

from __future__ import annotations

__all__ = ["IncompleteLoadError", "InfraReviewError", "LoadError", "UnknownRuleError"]


class InfraReviewError(Exception):
    """Base class of every infra_review exception."""


class LoadError(InfraReviewError):
    """The root itself is unusable (missing, not a directory, unreadable)."""

    def __init__(self, path: str, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"{path}: {detail}")


class IncompleteLoadError(InfraReviewError):
    """Raised by ``load_repo(strict=True)`` when any file failed or was skipped for a problem."""


class UnknownRuleError(InfraReviewError):
    """A rule id or area given to ``--select``/``--ignore`` does not exist."""

    def __init__(self, rule_id: str) -> None:
        self.rule_id = rule_id
        super().__init__(f"unknown rule or area {rule_id!r}")
