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

repo_loader = pytest.importorskip("infra_review.pipeline")
review_mod = pytest.importorskip("infra_review.review.engine")
pytest.importorskip("infra_review.rules")

from infra_review.model import Severity, Status  # noqa: E402
from infra_review.rules import RULES  # noqa: E402

EXPECTED_FILES = sorted(EXAMPLES.glob("*/EXPECTED.md"))

#: (example, rule, address) rows the rules do not detect yet, with the reason.
KNOWN_GAPS: dict[tuple[str, str, str], str] = {}

_RUNS: dict[str, dict[tuple[str, str], object]] = {}


def _fails(root: Path) -> dict[tuple[str, str], object]:
    if root.name not in _RUNS:
        res = repo_loader.load_repo(root, cache=False)
        run = review_mod.review(res)
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


def _vpc_paths(path: Path) -> list[dict[str, str]]:
    """EXPECTED exposure rows that go through an internet gateway (the §9 VPC model)."""
    return [r for r in parse_expected(path).paths if "aws_internet_gateway" in r["Path"]]


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=[p.parent.name for p in EXPECTED_FILES])
def test_exposure_paths_match_the_network_model(path: Path) -> None:
    """Every VPC exposure path of the answer sheet is the one the network analysis computes."""
    rows = _vpc_paths(path)
    if not rows:
        pytest.skip("no VPC exposure paths listed")
    network = pytest.importorskip("infra_review.analysis.network")
    res = repo_loader.load_repo(path.parent, cache=False)
    model = network.network_model(res.graph)
    for row in rows:
        got = model.exposure_of(row["Target"])
        assert got is not None, f"no exposure path to {row['Target']}"
        want_nodes = tuple(h.strip() for h in row["Path"].split("→"))
        assert tuple(got.nodes) == want_nodes
        want_ports = {int(p) for p in row["Ports"].split(",")}
        got_ports = {p for _proto, lo, hi in got.ports.ranges for p in range(lo, hi + 1)}
        assert got_ports == want_ports, row["Target"]


def test_hardened_exposure_is_only_what_is_listed() -> None:
    network = pytest.importorskip("infra_review.analysis.network")
    path = EXAMPLES / "hardened-aws" / "EXPECTED.md"
    res = repo_loader.load_repo(path.parent, cache=False)
    model = network.network_model(res.graph)
    listed = {r["Target"] for r in parse_expected(path).paths}
    assert {p.target for p in model.exposures} == listed
