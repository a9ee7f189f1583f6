"""Figures tested on fig.data / fig.layout: counts, highlighted path, collapsing, escaping."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))
from _net_builders import build, three_tier

from infra_review.analysis.network import network_model
from infra_review.graph import INTERNET
from infra_review.model import Area, Finding, Resource, Severity, Status
from infra_review.views import plots


def trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert found, f"no trace {name!r} in {[t.name for t in fig.data]}"
    return found


def test_segmentation_structure_three_tier():
    rg = three_tier()
    fig = plots.segmentation_map(rg)
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(rects) == 1 + 9  # the VPC box and nine subnets (nothing outside the VPC here)
    # subnet fill follows the class: the planted data subnets are public (orange)
    texts = [a.text for a in fig.layout.annotations]
    assert sum("· public" in t for t in texts) == 6
    assert sum("· private-egress" in t for t in texts) == 3
    # lb in 3 public subnets, nat + admin, two ASGs × 3 private subnets, db + cache × 3 data subnets, igw
    n_markers = sum(len(t.x) for t in fig.data if t.name.endswith("tier") or t.name == "other")
    assert n_markers == 3 + 2 + 6 + 6 + 1
    paths = trace(fig, "direct exposure") + trace(fig, "exposure via load balancer")
    assert len(paths) == 5
    assert {t.customdata[0] for t in paths} == {p.target for p in network_model(rg).exposures}
    inet = trace(fig, "INTERNET")[0]
    assert inet.customdata == (INTERNET,)
    assert all(t.x[0] == inet.x[0] and t.y[0] == inet.y[0] for t in paths)  # every path starts at INTERNET
    ports = trace(fig, "flow ports")[0]
    assert {"80", "5432", "6379"} <= set(ports.text)


def test_segmentation_highlight_one_path():
    rg = three_tier()
    fig = plots.segmentation_map(rg, highlight="aws_elasticache_cluster.sessions")
    paths = [t for t in fig.data if "exposure" in t.name]
    assert len(paths) == 1
    p = paths[0]
    assert p.line.width == 5
    # INTERNET, igw, lb, (target group has no marker), asg, cache
    assert len(p.x) == 5


def test_segmentation_badges_and_hover_with_findings():
    rg = three_tier()
    findings = [
        Finding(
            "NET007",
            Area.NETWORK_SECURITY,
            Severity.CRITICAL,
            Status.FAIL,
            "aws_db_instance.main",
            "5432 open",
        ),
        Finding("SPOF04", Area.SPOF, Severity.HIGH, Status.FAIL, "aws_db_instance.main", "single AZ"),
        Finding("NET001", Area.NETWORK_SECURITY, Severity.HIGH, Status.PASS, "aws_instance.admin", "ok"),
    ]
    fig = plots.segmentation_map(rg, findings)
    badges = trace(fig, "findings")[0]
    assert list(badges.text) == ["2", "2", "2"]  # the db marker in each of its three subnets
    assert set(badges.marker.color) == {"#7b1fa2"}  # worst severity: critical
    data = trace(fig, "data tier")[0]
    i = list(data.customdata).index("aws_db_instance.main")
    assert "NET007" in data.hovertext[i]
    assert "main.tf:" in data.hovertext[i]


def test_segmentation_escapes_repository_strings():
    rg = build(
        {
            "aws_vpc.v": ("aws_vpc", {"cidr_block": "<b>10.0.0.0/16</b>"}),
            "aws_subnet.s": ("aws_subnet", {"vpc_id": "@aws_vpc.v", "availability_zone": "<i>az</i>"}),
            "aws_instance.<script>alert(1)</script>": ("aws_instance", {"subnet_id": "@aws_subnet.s"}),
        }
    )
    finding = Finding(
        "NET001",
        Area.NETWORK_SECURITY,
        Severity.HIGH,
        Status.FAIL,
        "aws_instance.<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
    )
    for fig in (
        plots.segmentation_map(rg, [finding]),
        plots.topology_graph(rg, [finding]),
        plots.az_spread(rg),
    ):
        shown = [str(t.text) + str(t.hovertext) + str(t.name) for t in fig.data]
        shown += [str(a.text) for a in fig.layout.annotations] + [str(fig.layout.title.text)]
        blob = " ".join(shown)
        assert "<script>" not in blob
        assert "<img" not in blob
        assert "<i>az" not in blob
        assert "<b>10.0.0.0" not in blob


def test_segmentation_collapses_count_instances_at_300_resources():
    spec = {
        "aws_vpc.v": ("aws_vpc", {"cidr_block": "10.0.0.0/16"}),
    }
    for i, az in enumerate(["eu-west-1a", "eu-west-1b", "eu-west-1c"]):
        spec[f"aws_subnet.app[{i}]"] = (
            "aws_subnet",
            {
                "vpc_id": "@aws_vpc.v",
                "availability_zone": az,
                "cidr_block": f"10.0.{i}.0/24",
                "tags": {"Tier": "app"},
            },
        )
    for i in range(300):
        spec[f"aws_instance.worker[{i}]"] = ("aws_instance", {"subnet_id": f"@aws_subnet.app[{i % 3}]"})
    rg = build(spec)
    fig = plots.segmentation_map(rg)
    app = trace(fig, "app tier")[0]
    assert len(app.x) == 3  # one marker per subnet, not 300
    assert all(t.endswith("×100") for t in app.text)


def test_segmentation_kubernetes_strip():
    rg = three_tier()
    for kind, name, attrs in [
        ("k8s:Deployment", "api", {"spec": {"replicas": 2}}),
        ("k8s:Service", "api", {"spec": {"type": "LoadBalancer"}}),
        ("k8s:NetworkPolicy", "deny", {"spec": {"podSelector": {}}}),
    ]:
        rg.add(
            Resource(f"k8s:core/{kind[4:]}/shop/{name}", kind, block="k8s", format="kubernetes", attrs=attrs)
        )
    rg.add_edge("k8s:core/Service/shop/api", "k8s:core/Deployment/shop/api", "selects")
    rg.add_edge("k8s:core/NetworkPolicy/shop/deny", "k8s:core/Deployment/shop/api", "selects")
    fig = plots.segmentation_map(rg)
    ids = {c for t in fig.data for c in (t.customdata or ())}
    assert {
        "k8s:core/Service/shop/api",
        "k8s:core/Deployment/shop/api",
        "k8s:core/NetworkPolicy/shop/deny",
    } <= ids
    assert any("Kubernetes" in a.text for a in fig.layout.annotations)


def test_topology_marks_spofs_and_blast_overlay():
    rg = three_tier()
    fig = plots.topology_graph(rg)
    nodes = trace(fig, "nodes")[0]
    ringed = {c for c, w in zip(nodes.customdata, nodes.marker.line.width, strict=True) if w == 4}
    assert ringed == {
        "aws_nat_gateway.main[0]",
        "aws_instance.admin",
        "aws_db_instance.main",
        "aws_elasticache_cluster.sessions",
        "aws_autoscaling_group.worker",
    }
    # subnets collapse: 9 subnets → 3 nodes
    assert sum(1 for t in nodes.text if t.startswith("subnet.")) == 3
    fig = plots.topology_graph(rg, blast_for="aws_nat_gateway.main[0]")
    nodes = trace(fig, "nodes")[0]
    red = {c for c, col in zip(nodes.customdata, nodes.marker.color, strict=True) if col == "#d32f2f"}
    assert {"aws_route_table.private", "aws_autoscaling_group.web", "aws_autoscaling_group.worker"} <= red
    assert "aws_db_instance.main" not in red
    assert trace(fig, "blast path")


def test_az_spread_flags_single_az_tier():
    rg = three_tier(
        **{
            "aws_autoscaling_group.worker": (
                "aws_autoscaling_group",
                {"min_size": 2, "max_size": 2, "vpc_zone_identifier": ["@aws_subnet.private[0]"]},
            ),
            "aws_autoscaling_group.web": (
                "aws_autoscaling_group",
                {"min_size": 2, "max_size": 2, "vpc_zone_identifier": ["@aws_subnet.private[0]"]},
            ),
            "aws_instance.admin": None,
        }
    )
    fig = plots.az_spread(rg)
    assert [t.name for t in fig.data] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert [a.x for a in fig.layout.annotations] == ["app"]


def test_exposure_path_figure():
    rg = three_tier()
    fig = plots.exposure_path_figure(rg, "aws_elasticache_cluster.sessions")
    hops = trace(fig, "hops")[0]
    assert list(hops.customdata) == list(
        network_model(rg).exposure_of("aws_elasticache_cluster.sessions").nodes
    )
    assert len(fig.layout.annotations) == len(hops.customdata) - 1  # one arrow per hop
    assert "6379" in fig.layout.title.text
    with pytest.raises(KeyError):
        plots.exposure_path_figure(rg, "aws_vpc.main")


def test_segmentation_merges_crowded_cells_by_label():
    spec = {
        "aws_vpc.v": ("aws_vpc", {"cidr_block": "10.0.0.0/16"}),
        "aws_subnet.app": ("aws_subnet", {"vpc_id": "@aws_vpc.v", "availability_zone": "eu-west-1a"}),
    }
    for i in range(20):  # twenty service modules, each with its own "app" group in the same subnet
        spec[f"module.svc_{i}.aws_autoscaling_group.app"] = (
            "aws_autoscaling_group",
            {"vpc_zone_identifier": ["@aws_subnet.app"]},
        )
    spec["aws_instance.admin"] = ("aws_instance", {"subnet_id": "@aws_subnet.app"})
    fig = plots.segmentation_map(build(spec))
    app = trace(fig, "app tier")[0]
    assert sorted(app.text) == ["asg.app ×20", "instance.admin"]
    i = list(app.text).index("asg.app ×20")
    assert "20 instances" in app.hovertext[i]
