"""Fixtures for the real-world regression tests: each fixture dir loaded and reviewed once."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_review.pipeline import load_repo
from infra_review.review import review

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def scanned():
    """``scanned(name)`` → ``(load_result, review_run)`` for ``fixtures/<name>``, cached."""
    cache: dict[str, tuple] = {}

    def _scan(name: str):
        if name not in cache:
            loaded = load_repo(FIXTURES / name)
            cache[name] = (loaded, review(loaded.graph))
        return cache[name]

    return _scan


@pytest.fixture
def failing():
    """``failing(run, rule_id)`` → addresses with a FAIL finding of ``rule_id``."""

    def _failing(run, rule_id: str) -> set[str]:
        return {f.address for f in run.findings if f.rule_id == rule_id and f.status.name == "FAIL"}

    return _failing
