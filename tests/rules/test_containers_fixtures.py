"""Per-rule fixtures of the containers and deployment areas, run through the real loader.

Each ``tests/fixtures/<RULE_ID>/`` directory holds passing and failing objects: resources whose
name starts with ``fail`` must be exactly the FAIL addresses, ``unknown`` exactly the UNKNOWN
ones, and everything else must not fail.  The directory must load without parse errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_review.loaders.repo import load_repo
from infra_review.model import FileStatus, Status
from infra_review.review import review
from infra_review.rules import RULES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
IDS = sorted(r for r in RULES if r.startswith(("CTR", "DEP")))


def _graph(rule_id: str):
    result = load_repo(FIXTURES / rule_id)
    bad = [f for f in result.graph.files if f.status in (FileStatus.FAILED, FileStatus.PARTIAL)]
    assert not bad, [(f.path, f.reason) for f in bad]
    return result.graph


def test_every_rule_has_fixtures():
    missing = [r for r in IDS if not (FIXTURES / r).is_dir()]
    assert not missing


@pytest.mark.parametrize("rule_id", IDS)
def test_rule_fixture(rule_id: str) -> None:
    rg = _graph(rule_id)
    findings = review(rg, select=[rule_id])
    failed = {f.address for f in findings if f.status == Status.FAIL and not f.suppressed}
    unknown = {f.address for f in findings if f.status == Status.UNKNOWN}
    names = {r.address: r.name for r in rg.resources()}
    want_fail = {a for a, n in names.items() if n.lower().startswith("fail")}
    want_unknown = {a for a, n in names.items() if n.lower().startswith("unknown")}
    assert want_fail or want_unknown, f"{rule_id}: fixture has no failing or unknown resource"
    assert failed == want_fail
    assert unknown == want_unknown
