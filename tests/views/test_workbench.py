"""The notebook facade: what reviewers see and what the controls record."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_review.analysis.network import network_model
from infra_review.views import workbench as wb

THREE_TIER = Path(__file__).resolve().parents[2] / "data" / "examples" / "three-tier-aws"


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    return wb.open_workspace(
        str(THREE_TIER), db=str(tmp_path_factory.mktemp("db") / "r.sqlite"), reviewer="ana"
    )


def test_checklist_controls_record_verdicts(ws):
    box = wb.checklist_view(ws, "network_security")
    items = wb.area_items("network_security")
    assert len(box.children) == len(items) == 6
    control = box.children[0].children[0]  # VBox(HBox(verdict, note, Record), status)
    verdict, note, record = control.children[0].children
    verdict.value, note.value = "fail", "admin box in a public subnet"
    record.click()
    saved = ws.store.verdicts(ws.review_id)[items[0].key]
    assert (saved.value, saved.note, saved.reviewer) == ("fail", "admin box in a public subnet", "ana")
    assert "Verdict (when this ran):" in wb.item_html(ws, items[0], 1)


def test_area_summary_lists_items_in_persona_order(ws, capsys):
    wb.area_summary(ws, "network_security")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Networking & Security: 6 checklist items")
    assert out[1].startswith(" 1. Private subnets for compute resources: NET001")


def test_filter_paths_by_port_tier_and_vpc(ws):
    m = network_model(ws.graph)
    subnet_vpc = {s.address: s.vpc for s in m.subnets.values()}
    assert [p.target for p in wb.filter_paths(m.exposures, m.tiers, port=5432)] == ["aws_db_instance.main"]
    data = {p.target for p in wb.filter_paths(m.exposures, m.tiers, tier="data")}
    assert data == {"aws_db_instance.main", "aws_elasticache_cluster.sessions"}
    assert wb.filter_paths(m.exposures, m.tiers, vpc="no-such-vpc", subnet_vpc=subnet_vpc) == []


def test_blast_html_is_readable_and_escaped(ws):
    html = wb.blast_html(ws, "aws_db_instance.main")
    assert "If <code>aws_db_instance.main</code> fails:" in html
    assert "by tier: app 2" in html
    assert "{" not in html  # no Python reprs


def test_open_items_counts(ws, capsys):
    wb.open_items(ws)
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.endswith("marked will fix")
    assert "critical/high findings undecided" in line
