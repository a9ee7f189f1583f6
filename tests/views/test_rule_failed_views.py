"""The notebooks never show a failed rule as the green "no failing" (issue 11 §2).

NET001 (checklist item "Private subnets for compute resources") is replaced in the registry
by a rule that always raises; the workspace, the area summary, the checklist item HTML (which
the HTML report is rendered from) and the findings overview must all say "rule failed".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_review.model import Area, Severity
from infra_review.review.workspace import Workspace
from infra_review.rules import RULES, rule
from infra_review.views import workbench as wb

THREE_TIER = Path(__file__).resolve().parents[2] / "data" / "examples" / "three-tier-aws"


def _crash(rg):
    raise KeyError("a value quoted from the repository")
    yield  # pragma: no cover


_crash.__doc__ = "Crashes on purpose.\n\nRemediation\n-----------\nNone.\n"


@pytest.fixture
def ws(monkeypatch):
    crashing = rule(
        "NET001", area=Area.NETWORK_SECURITY, severity=Severity.HIGH, title="crash", register=False
    )
    monkeypatch.setitem(RULES, "NET001", crashing(_crash).rule)
    return Workspace.open(THREE_TIER, db=":memory:", select=["NET001", "NET002", "NET003", "COST"])


def test_workspace_keeps_the_errors(ws):
    assert [e.rule_id for e in ws.errors] == ["NET001"]
    assert ws.errors[0].error_type == "KeyError"
    assert [e.rule_id for e in ws.without_findings().errors] == ["NET001"]
    assert "INCOMPLETE REVIEW: 1 rule(s) failed to run (NET001)" in wb.overview_summary(ws)


def test_area_summary_says_rule_failed(ws, capsys):
    wb.area_summary(ws, "network_security")
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(" 1. "))
    assert "rule failed: NET001 (KeyError)" in line
    assert "no failing rule" not in line


def test_item_html_is_never_green_for_a_failed_rule(ws):
    item = next(i for i in wb.area_items("network_security") if "NET001" in i.rule_ids)
    html = wb.item_html(ws, item, 1)
    net001 = next(li for li in html.split("<li>") if li.startswith("<code>NET001</code>"))
    assert "rule failed: NET001 (KeyError)" in net001
    assert "no failing" not in net001
    assert "#1a7f37" not in net001  # the green
    assert "Not fully checked" in html
    assert "quoted from the repository" not in html
    other = next(li for li in html.split("<li>") if li.startswith("<code>NET002</code>"))
    assert "rule failed" not in other  # the rules that ran keep their verdict


def test_item_of_another_area_is_unaffected(ws):
    item = next(i for i in wb.area_items("cost") if i.rule_ids)
    assert "rule failed" not in wb.item_html(ws, item, 1)


def test_findings_overview_names_the_failed_rule_in_its_area(ws, capsys):
    wb.findings_overview(ws)
    out = capsys.readouterr().out
    assert "network_security    !  rule failed: NET001 (KeyError)" in out
