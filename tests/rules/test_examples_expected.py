"""The bundled examples end to end: every planted flaw in EXPECTED.md is found by its rule.

``data/examples/<name>/EXPECTED.md`` lists, under ``## Findings`` (``| Rule | Address | ... |``)
and ``## SPOFs`` (``| Rule | Address | Why |``), the FAIL each rule must report.  The examples
are loaded once each with the real loader and reviewed with every registered rule.
``hardened-aws`` must give no active FAIL at high or critical.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from infra_review.model import Severity, Status
from infra_review.pipeline import load_repo
from infra_review.review import ReviewResult, review
from infra_review.rules import RULES

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


def _rows(path: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    section = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
            continue
        if section not in {"Findings", "SPOFs"} or not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "Rule" or re.fullmatch(r":?-+:?", cells[0]):
            continue
        rows.append((cells[0], cells[1]))
    return rows


def _expected() -> list[tuple[str, str, str]]:
    out = []
    for exp in sorted(EXAMPLES.glob("*/EXPECTED.md")):
        out += [(exp.parent.name, rule_id, address) for rule_id, address in _rows(exp)]
    return out


EXPECTED = _expected()


@cache
def _review(example: str) -> ReviewResult:
    result = load_repo(EXAMPLES / example, cache=False, isolate=False)
    return review(result.graph)


@pytest.mark.parametrize(
    ("example", "rule_id", "address"),
    [e for e in EXPECTED if e[1] in RULES],
    ids=[f"{e[0]}:{e[1]}:{e[2]}" for e in EXPECTED if e[1] in RULES],
)
def test_planted_flaw_is_found(example, rule_id, address):
    run = _review(example)
    got = [f for f in run.findings if f.rule_id == rule_id and f.address == address]
    statuses = sorted({str(f.status) for f in got})
    elsewhere = sorted({f.address for f in run.findings if f.rule_id == rule_id and f.status == Status.FAIL})
    assert any(f.status == Status.FAIL for f in got), (
        f"{example}: {rule_id} did not report FAIL on {address} (statuses: {statuses or 'none'}); "
        f"{rule_id} FAILs here: {elsewhere}"
    )


def test_expected_rules_are_registered():
    missing = sorted({rule_id for _, rule_id, _ in EXPECTED} - set(RULES))
    assert not missing, f"EXPECTED.md names rules that are not registered yet: {missing}"


def test_no_rule_crashes_on_the_examples():
    for example in sorted({e[0] for e in EXPECTED}):
        run = _review(example)
        assert not run.errors, f"{example}: {[(e.rule_id, e.message) for e in run.errors]}"


def test_hardened_example_has_no_high_or_critical_fail():
    if not (EXAMPLES / "hardened-aws").is_dir():
        pytest.fail("data/examples/hardened-aws is missing")
    run = _review("hardened-aws")
    bad = [
        f"{f.rule_id} {f.severity.label} {f.address}: {f.message}"
        for f in run.findings
        if f.status == Status.FAIL and not f.suppressed and f.severity >= Severity.HIGH
    ]
    assert not bad, "hardened-aws has high/critical FAILs:\n" + "\n".join(bad)
