"""Declared aggregation: a rule summarising other rules gets their hits from the review, never calls them."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from infra_review.graph import ResourceGraph
from infra_review.model import Area, Resource, Severity, Status
from infra_review.review import review
from infra_review.rules import RULES, Hit, Rule
from infra_review.rules._registry import UpstreamRuleError

RULES_DIR = Path(__file__).resolve().parents[2] / "infra_review" / "rules"


def _graph() -> ResourceGraph:
    rg = ResourceGraph()
    rg.add(Resource("aws_instance.a", "aws_instance"))
    rg.add(Resource("aws_instance.b", "aws_instance"))
    return rg


@pytest.fixture
def rules(monkeypatch):
    """An upstream rule TST001 (counting its runs, optionally crashing) and TST002 aggregating it."""
    calls: list[str] = []
    state = {"crash": False}

    def upstream(rg: ResourceGraph) -> Iterator[Hit]:
        calls.append("TST001")
        for r in rg.resources():
            yield Hit(r, "up", status=Status.FAIL if r.name == "a" else Status.PASS)
        if state["crash"]:
            raise ValueError("boom")

    def aggregate(rg: ResourceGraph, upstream: Mapping[str, Sequence[Hit]]) -> Iterator[Hit]:
        failing = [h for h in upstream["TST001"] if h.status is Status.FAIL]
        if failing:
            yield Hit(failing[0].resource, f"{len(failing)} upstream failure(s)")

    up = Rule("TST001", Area.IAC, Severity.LOW, "up", upstream)
    agg = Rule("TST002", Area.RED_FLAGS, Severity.HIGH, "agg", aggregate, aggregates=("TST001",))
    monkeypatch.setitem(RULES, "TST001", up)
    monkeypatch.setitem(RULES, "TST002", agg)
    return up, agg, calls, state


def test_aggregate_gets_upstream_hits_when_upstream_is_not_selected(rules):
    _up, agg, calls, _ = rules
    run = review(_graph(), rules=[agg])
    assert [(f.rule_id, f.address, f.message) for f in run.findings] == [
        ("TST002", "aws_instance.a", "1 upstream failure(s)")
    ]
    assert calls == ["TST001"]
    assert not run.errors


def test_upstream_runs_once_when_selected_too(rules):
    up, agg, calls, _ = rules
    run = review(_graph(), rules=[up, agg])
    assert sorted(f.rule_id for f in run.findings if f.status is Status.FAIL) == ["TST001", "TST002"]
    assert calls == ["TST001"]


def test_crashing_upstream_makes_the_aggregate_fail_loudly(rules):
    up, agg, calls, state = rules
    state["crash"] = True
    run = review(_graph(), rules=[up, agg])
    errors = {e.rule_id: e for e in run.errors}
    assert set(errors) == {"TST001", "TST002"}
    assert errors["TST001"].error_type == "ValueError"
    assert errors["TST002"].error_type == "UpstreamRuleError"
    assert not [f for f in run.findings if f.rule_id == "TST002"]
    assert calls == ["TST001"]


def test_calling_an_aggregate_directly_computes_its_upstream(rules):
    _, agg, _calls, state = rules
    assert [h.message for h in agg(_graph())] == ["1 upstream failure(s)"]
    state["crash"] = True
    with pytest.raises(UpstreamRuleError):
        list(agg(_graph()))


def test_aggregation_cycle_is_an_error_not_a_recursion(monkeypatch):
    def f(rg, upstream):
        yield from ()

    monkeypatch.setitem(
        RULES, "TST003", Rule("TST003", Area.IAC, Severity.LOW, "a", f, aggregates=("TST004",))
    )
    monkeypatch.setitem(
        RULES, "TST004", Rule("TST004", Area.IAC, Severity.LOW, "b", f, aggregates=("TST003",))
    )
    with pytest.raises(UpstreamRuleError):
        list(RULES["TST003"](_graph()))


def test_red_flags_declare_what_they_aggregate():
    agg = {r.id: r.aggregates for r in RULES.values() if r.aggregates}
    assert agg == {
        "RED001": ("IAC013",),
        "RED002": ("IAC006",),
        "RED003": ("CTR005", "CTR006", "CTR007"),
        "RED004": ("MON006",),
        "RED005": ("BAK001",),
        "RED010": ("MON009",),
    }
    assert all(u in RULES for ups in agg.values() for u in ups)


#: Private names still imported from modules owned elsewhere (none left).
_KNOWN_PRIVATE: dict[str, set[str]] = {}
#: Rule modules still reading the string-keyed ``rg.cache`` (none left; it is gone).
_KNOWN_CACHE: set[str] = set()


def _rule_modules() -> list[Path]:
    return sorted(p for p in RULES_DIR.rglob("*.py") if p.name not in ("__init__.py", "_registry.py"))


@pytest.mark.parametrize("path", _rule_modules(), ids=lambda p: str(p.relative_to(RULES_DIR)))
def test_rule_modules_are_leaves(path):
    """No rule module imports another rule module, opens a file, or imports inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            mod = node.module
            assert not mod.startswith("infra_review.rules.") or mod == "infra_review.rules._registry", mod
            assert mod != "infra_review.rules", mod
            private = {a.name for a in node.names if a.name.startswith("_")} - _KNOWN_PRIVATE.get(mod, set())
            assert not private, f"{path.name} imports private {private} from {mod}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "open", f"{path.name}:{node.lineno} opens a file"
        if isinstance(node, ast.Attribute):
            if node.attr == "cache" and path.name in _KNOWN_CACHE:
                continue
            assert node.attr not in ("read_text", "read_bytes", "cache"), (
                f"{path.name}:{node.lineno} .{node.attr}"
            )
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = [n for n in ast.walk(fn) if isinstance(n, ast.Import | ast.ImportFrom)]
            assert not inner, f"{path.name}:{fn.name} imports inside a function"
