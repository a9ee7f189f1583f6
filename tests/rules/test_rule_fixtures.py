"""The one parametrized rule harness: each rule runs alone on ``tests/fixtures/<RULE_ID>/``.

Naming convention (the expectation is visible in the fixture itself):

- every resource whose name starts with ``fail`` must get a FAIL finding from the rule, and
  nothing else may fail;
- every resource whose name starts with ``unknown`` must get an UNKNOWN finding, and nothing
  else may be UNKNOWN;
- ``pass*`` (and anything else) must not fail.

A FAIL finding silenced by an inline suppression in the fixture does not count as failing (a
fixture may show that ``# infra-review:ignore=<ID> reason`` works).  Every fixture needs at
least one ``fail*`` or ``unknown*`` resource and at least one ``pass*`` resource, and must load
with no failed or partial file.

Names are ``Resource.name``: the last label in Terraform (``aws_instance.fail_open[0]`` →
``fail_open``), ``metadata.name`` in Kubernetes (``fail-no-limits``), the directory of a
Dockerfile (``fail_root/Dockerfile``).  Avoid other names that start with "fail"
(``failover``) in fixtures.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra_review.model import FileStatus, Status
from infra_review.pipeline import load_repo
from infra_review.review import review
from infra_review.rules import RULES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: Fixture directories named like a rule id belong to this harness; others (``terraform/``)
#: are loader fixtures.
_RULE_DIR = re.compile(r"^(IAC|CTR|DEP|NET|MON|BAK|COST|RED|SPOF)\d{2,3}$")


def _fixture_dirs() -> set[str]:
    if not FIXTURES.is_dir():
        return set()
    return {d.name for d in FIXTURES.iterdir() if d.is_dir() and _RULE_DIR.match(d.name)}


WITH_FIXTURES = sorted(set(RULES) & _fixture_dirs())


def _names(rg):
    for r in rg.all():
        if r.block == "synthetic":
            continue
        yield r.address, r.name.lower()


@pytest.mark.parametrize("rule_id", WITH_FIXTURES)
def test_rule_fixture(rule_id):
    result = load_repo(FIXTURES / rule_id, cache=False, isolate=False)
    broken = [f"{r.path}: {r.status} {r.reason}" for r in result.files
              if r.status in (FileStatus.FAILED, FileStatus.PARTIAL)]
    assert not broken, f"{rule_id}: fixture files did not load cleanly: {broken}"
    rg = result.graph

    run = review(rg, select=[rule_id])
    assert not run.errors, f"{rule_id} raised: {[e.message for e in run.errors]}"

    names = dict(_names(rg))
    want_fail = {a for a, n in names.items() if n.startswith("fail")}
    want_unknown = {a for a, n in names.items() if n.startswith("unknown")}
    got_fail = {f.address for f in run.findings if f.status == Status.FAIL and not f.suppressed}
    got_unknown = {f.address for f in run.findings if f.status == Status.UNKNOWN}

    assert want_fail or want_unknown, f"{rule_id}: the fixture has no resource named fail* or unknown*"
    assert any(n.startswith("pass") for n in names.values()), f"{rule_id}: the fixture has no pass* resource"
    assert got_fail == want_fail, (
        f"{rule_id}: FAIL set differs\n  missed (fail* without FAIL): {sorted(want_fail - got_fail)}\n"
        f"  unexpected FAIL: {sorted(got_fail - want_fail)}"
    )
    assert got_unknown == want_unknown, (
        f"{rule_id}: UNKNOWN set differs\n  missed: {sorted(want_unknown - got_unknown)}\n"
        f"  unexpected UNKNOWN: {sorted(got_unknown - want_unknown)}"
    )
    for f in run.findings:
        assert f.rule_id == rule_id
        assert f.message, f"{rule_id}: empty message on {f.address}"


def test_every_rule_has_fixtures():
    missing = sorted(set(RULES) - _fixture_dirs())
    assert not missing, (
        f"{len(missing)} registered rule(s) have no tests/fixtures/<RULE_ID>/ directory with fail* and "
        f"pass* resources: {', '.join(missing)}"
    )


def test_no_fixture_without_a_rule():
    stale = sorted(d for d in _fixture_dirs() - set(RULES))
    assert not stale, f"tests/fixtures/ directories for rule ids that are not registered: {stale}"
