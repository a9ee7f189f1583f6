"""MON/BAK/COST rules, their evidence functions and the cost/coverage analyses never crash on
odd attribute shapes: unresolved values, unresolved nested blocks, wrong types, empty blocks."""

from __future__ import annotations

import inspect
import random
import re

import pytest

from infra_review.analysis import cost as cost_analysis
from infra_review.analysis import coverage_monitoring
from infra_review.graph import ResourceGraph
from infra_review.model import Resource, Status, Unresolved
from infra_review.rules import RULES, backup, cost, monitoring

MODULES = (monitoring, backup, cost, cost_analysis, coverage_monitoring)
SOURCE = "".join(inspect.getsource(m) for m in MODULES)
KINDS = sorted(set(re.findall(r'"((?:aws|azurerm|google)_[a-z0-9_]+)"', SOURCE)))
KEYS = sorted(
    set(re.findall(r'\.get\("([A-Za-z_]+)"', SOURCE))
    | set(re.findall(r'block\([^,]+, "([a-z_]+)"\)', SOURCE))
)
VALUES = [
    Unresolved("var.x"),
    Unresolved("aws_s3_bucket.target.id", ("aws_s3_bucket.target",)),
    [Unresolved("var.y")],
    [{"nested": Unresolved("var.z")}],
    [{}],
    "",
    0,
    True,
    {"a": 1},
    [1, "a"],
    None,
    "gp2",
    "spot",
    "arn:aws:backup:us-west-2:123456789012:backup-vault:x",
    "*",
]
IDS = sorted(r for r in RULES if r.startswith(("MON", "BAK", "COST")))
EVIDENCE = [
    getattr(m, n) for m in (monitoring, backup, cost) for n in sorted(dir(m)) if n.startswith("evidence_")
]


def _random_graph(seed: int) -> ResourceGraph:
    rnd = random.Random(seed)
    rg = ResourceGraph()
    rg.add(Resource("provider.aws", "aws", block="provider", attrs={"region": rnd.choice(VALUES)}))
    rg.add(Resource("aws_s3_bucket.target", "aws_s3_bucket"))
    for i, kind in enumerate(KINDS):
        attrs = {key: rnd.choice(VALUES) for key in rnd.sample(KEYS, 25)}
        rg.add(Resource(f"{kind}.r{i}", kind, attrs=attrs, provider="aws"))
    return rg


@pytest.mark.parametrize("seed", range(8))
def test_rules_and_evidence_survive_odd_attribute_shapes(seed):
    rg = _random_graph(seed)
    for rid in IDS:
        for hit in RULES[rid](rg):
            assert hit.message
            assert hit.status in (Status.FAIL, Status.UNKNOWN, Status.PASS)
    for fn in EVIDENCE:
        assert isinstance(fn(rg)["summary"], str)
    est = cost_analysis.estimate(rg)
    assert all(ln.priced == (ln.monthly_usd is not None) for ln in est.lines)
    coverage_monitoring.alarm_coverage(rg)


def test_the_fuzz_reaches_the_modules():
    assert len(KINDS) > 100
    assert len(KEYS) > 100
    assert len(EVIDENCE) >= 12
