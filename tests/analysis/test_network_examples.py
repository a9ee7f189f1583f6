"""The bundled examples: the analyses find exactly the exposure paths and SPOFs EXPECTED.md lists."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from infra_review.analysis.network import network_model
from infra_review.analysis.spof import find_spofs
from infra_review.pipeline import load_repo

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


@cache
def graph(name: str):
    return load_repo(EXAMPLES / name, cache=False, isolate=False).graph


def table(name: str, section: str) -> list[list[str]]:
    text = (EXAMPLES / name / "EXPECTED.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(section)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"{name}/EXPECTED.md has no '## {section}' section"
    rows = []
    for line in match.group(1).splitlines():
        if not line.startswith("|") or set(line.replace("|", "").strip()) <= {"-", " "}:
            continue
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if cells[0] in ("Target", "Rule"):
            continue
        rows.append(cells)
    return rows


FLAWED = ["three-tier-aws", "k8s-platform"]


@pytest.mark.parametrize("name", FLAWED)
def test_exposure_paths_match_expected(name):
    m = network_model(graph(name))
    got = {p.target: (" → ".join(p.nodes), p.ports.label()) for p in m.exposures}
    want = {target: (path, ports) for target, path, ports in table(name, "Exposure paths")}
    assert got == want


@pytest.mark.parametrize("name", FLAWED)
def test_spofs_match_expected(name):
    want = {(r[0], r[1]) for r in table(name, "SPOFs")}
    got = {(s.rule_id, s.address) for s in find_spofs(graph(name)) if s.status == "FAIL"}
    assert got == want


def test_three_tier_planted_network_structure():
    m = network_model(graph("three-tier-aws"))
    data = [s for a, s in m.subnets.items() if ".aws_subnet.data[" in a]
    assert len(data) == 3
    assert {s.cls for s in data} == {"public"}
    assert m.nat_serves == {
        "module.network.aws_nat_gateway.main[0]": tuple(
            f"module.network.aws_subnet.private[{i}]" for i in range(3)
        )
    }


@pytest.mark.parametrize("kind", ["direct", "cdn", "azure", "gcp"])
def test_hardened_has_no_direct_exposure(kind):
    m = network_model(graph("hardened-aws"))
    assert [p.target for p in m.exposures if p.kind == kind] == []


def test_hardened_paths_only_through_the_load_balancer():
    m = network_model(graph("hardened-aws"))
    assert all(p.via_lb for p in m.exposures)
    assert {p.target for p in m.exposures if p.hops <= 2} <= {"aws_lb.web", "aws_autoscaling_group.web"}
    assert m.tier_violations == []
    assert m.nonvpc == []


def test_hardened_has_no_spof():
    got = [(s.rule_id, s.address) for s in find_spofs(graph("hardened-aws")) if s.status == "FAIL"]
    assert got == []


def _review(name: str, prefix: tuple[str, ...]):
    from infra_review.review import review
    from infra_review.rules import RULES

    rg = graph(name)
    run = review(rg, select=[r for r in RULES if r.startswith(prefix)])
    assert not run.errors
    return {(f.rule_id, f.address) for f in run.findings if f.status == "FAIL" and not f.suppressed}


@pytest.mark.parametrize("name", FLAWED)
def test_net_and_spof_findings_match_expected(name):
    want = {(r[0], r[1]) for r in table(name, "Findings") if r[0].startswith(("NET", "SPOF"))}
    assert _review(name, ("NET", "SPOF")) == want


def test_hardened_has_only_its_accepted_net_findings_and_no_spof():
    want = {(r[0], r[1]) for r in table("hardened-aws", "Findings") if r[0].startswith(("NET", "SPOF"))}
    assert all(rule.startswith(("NET017", "NET018")) for rule, _ in want)  # accepted low encryption items
    assert _review("hardened-aws", ("NET", "SPOF")) == want


def test_net014_flags_missing_access_path_on_the_provider():
    from _net_builders import build

    from infra_review.review import review

    rg = build({"aws_instance.app": ("aws_instance", {"ami": "ami-1"})})
    run = review(rg, select=["NET014"])
    failed = [(f.address, f.severity.label) for f in run.findings if f.status == "FAIL"]
    assert failed == [("provider.aws", "low")]
