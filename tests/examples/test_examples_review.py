"""The review of each bundled example agrees with its EXPECTED.md.

* every listed finding whose rule is registered is reported as FAIL at that address;
* no high/critical FAIL is reported that the answer sheet does not list;
* the hardened example has no FAIL above low at all.

Rows a rule does not detect yet are listed in ``KNOWN_GAPS`` and checked as expected failures,
so that the day a rule learns them the gap list is shortened.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _examples_helpers import EXAMPLES, parse_expected

repo_loader = pytest.importorskip("infra_review.loaders.repo")
review_mod = pytest.importorskip("infra_review.review")
pytest.importorskip("infra_review.rules")

from infra_review.model import Severity, Status  # noqa: E402
from infra_review.rules._registry import RULES  # noqa: E402

EXPECTED_FILES = sorted(EXAMPLES.glob("*/EXPECTED.md"))

#: (example, rule, address) rows the rules do not detect yet, with the reason.
KNOWN_GAPS: dict[tuple[str, str, str], str] = {}

_RUNS: dict[str, dict[tuple[str, str], object]] = {}


def _fails(root: Path) -> dict[tuple[str, str], object]:
    if root.name not in _RUNS:
        res = repo_loader.load_repo(root, cache=False)
        run = review_mod.run_review(res.graph)
        _RUNS[root.name] = {(f.rule_id, f.address): f for f in run.findings if f.status == Status.FAIL}
    return _RUNS[root.name]


def _registered() -> set[str]:
    return set(RULES.keys()) if hasattr(RULES, "keys") else {r.id for r in RULES}


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=[p.parent.name for p in EXPECTED_FILES])
def test_listed_findings_are_reported(path: Path) -> None:
    fails = _fails(path.parent)
    rules = _registered()
    missing = [
        (r["Rule"], r["Address"])
        for r in parse_expected(path).findings
        if r["Rule"] in rules
        and (r["Rule"], r["Address"]) not in fails
        and (path.parent.name, r["Rule"], r["Address"]) not in KNOWN_GAPS
    ]
    assert missing == []


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=[p.parent.name for p in EXPECTED_FILES])
def test_no_unlisted_high_or_critical(path: Path) -> None:
    fails = _fails(path.parent)
    listed = {(r["Rule"], r["Address"]) for r in parse_expected(path).findings}
    extra = sorted(
        (k, f.severity.name)  # type: ignore[attr-defined]
        for k, f in fails.items()
        if k not in listed and f.severity >= Severity.HIGH  # type: ignore[attr-defined]
    )
    assert extra == []


def test_hardened_has_nothing_above_low() -> None:
    fails = _fails(EXAMPLES / "hardened-aws")
    above = sorted(
        (k, f.severity.name)  # type: ignore[attr-defined]
        for k, f in fails.items()
        if f.severity > Severity.LOW  # type: ignore[attr-defined]
    )
    assert above == []


@pytest.mark.parametrize("gap", sorted(KNOWN_GAPS), ids=["/".join(g) for g in sorted(KNOWN_GAPS)])
@pytest.mark.xfail(reason="rule does not detect this planted flaw yet", strict=False)
def test_known_gaps(gap: tuple[str, str, str]) -> None:
    example, rule_id, address = gap
    assert (rule_id, address) in _fails(EXAMPLES / example)
