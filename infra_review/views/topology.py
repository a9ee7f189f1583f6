"""Topology graph with SPOFs and a blast-radius overlay; AZ spread per tier; one exposure path.

* :func:`topology_graph` lays the runtime topology (:func:`infra_review.analysis.spof.runtime_topology`)
  out in layers — ``INTERNET``, gateways, route tables, subnets, edge, app, data — so that
  traffic reads left to right.  SPOFs are ringed (size by blast-radius score); with
  ``blast_for=<address>`` the nodes that go down are red, the degraded ones orange and the
  rest grey.  Instances of one ``count``/``for_each`` collapse into one node ``×N``.
* :func:`az_spread` is a stacked bar chart: resources per tier and AZ, single-AZ tiers called out.
* :func:`exposure_path_figure` draws one :class:`~infra_review.analysis.network.ExposurePath` as a
  chain of hops with the ports reached at each.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource
>>> rg = ResourceGraph()
>>> rg.add(Resource("aws_subnet.a", "aws_subnet"))
>>> rg.add(Resource("aws_instance.x", "aws_instance"))
>>> rg.add_edge("aws_instance.x", "aws_subnet.a", "in_subnet")
>>> fig = topology_graph(rg)
>>> [len(t.x) for t in fig.data if t.name == "nodes"]
[2]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx
import plotly.graph_objects as go

from infra_review.analysis.blast import blast_radius, rank_spofs
from infra_review.analysis.network import UNKNOWN_AZ, ExposurePath, network_model
from infra_review.analysis.spof import find_spofs, runtime_topology
from infra_review.graph import INTERNET, ResourceGraph
from infra_review.model import Finding
from infra_review.views.figure_parts import (
    SEVERITY_COLOUR,
    TIER_COLOUR,
    esc,
    findings_index,
    group_key,
    hover,
    kind_symbol,
    short,
    worst,
)

__all__ = ["az_spread", "exposure_path_figure", "topology_graph"]

_LAYER_KIND = {
    "internet": 0,
    "aws_internet_gateway": 1,
    "aws_nat_gateway": 3,
    "aws_route_table": 2,
    "aws_default_route_table": 2,
    "aws_subnet": 3,
    "aws_default_subnet": 3,
    "aws_db_subnet_group": 3,
    "aws_elasticache_subnet_group": 3,
    "aws_wafv2_web_acl": 4,
    "aws_wafv2_web_acl_association": 4,
    "aws_lb_target_group": 5,
    "aws_alb_target_group": 5,
}
_TIER_LAYER = {"edge": 4, "app": 6, "data": 7}
_LAYER_NAMES = [
    "internet",
    "gateways",
    "route tables",
    "subnets / NAT",
    "edge",
    "target groups",
    "app",
    "data",
]


def _layer(rg: ResourceGraph, tiers: dict[str, str], addr: str) -> int:
    if addr == INTERNET:
        return 0
    node = rg.get(addr)
    kind = node.kind if node is not None else ""
    if kind in _LAYER_KIND:
        return _LAYER_KIND[kind]
    return _TIER_LAYER.get(tiers.get(addr, ""), 6)


def topology_graph(
    rg: ResourceGraph,
    findings: Iterable[Finding] | None = None,
    *,
    blast_for: str | None = None,
    collapse: bool = True,
    title: str | None = None,
) -> go.Figure:
    """The runtime topology with SPOFs marked and, optionally, the blast radius of ``blast_for``."""
    m = network_model(rg)
    g = runtime_topology(rg)
    fidx = findings_index(findings)
    # collapse count/for_each instances
    rep: dict[str, str] = {}
    members: dict[str, list[str]] = defaultdict(list)
    for n in g.nodes:
        node = rg.get(n)
        key = group_key(node) if (collapse and node is not None) else n
        rep[n] = key
        members[key].append(n)
    h = nx.Graph()
    for key in members:
        h.add_node(key)
    for u, v in g.edges:
        if rep[u] != rep[v]:
            h.add_edge(rep[u], rep[v])
    spofs = [s for s in find_spofs(rg) if s.status == "FAIL"]
    scores = {r.address: r.score for r in rank_spofs(rg, spofs)}
    spof_rules: dict[str, list[str]] = defaultdict(list)
    for s in spofs:
        spof_rules[rep.get(s.address, s.address)].append(s.rule_id)
    down: set[str] = set()
    degraded: set[str] = set()
    br = None
    if blast_for is not None:
        br = blast_radius(rg, blast_for)
        down = {rep.get(a, a) for a in br.down}
        degraded = {rep.get(a, a) for a in br.degraded} - down
    # layered layout
    layers: dict[int, list[str]] = defaultdict(list)
    for key in h.nodes:
        layers[_layer(rg, m.tiers, members[key][0])].append(key)
    pos: dict[str, tuple[float, float]] = {}
    tallest = max((len(v) for v in layers.values()), default=1)
    for layer, keys in layers.items():
        keys.sort(key=lambda k: (m.azs.get(members[k][0], ("~",))[:1], k))
        n = len(keys)
        for i, k in enumerate(keys):
            step = min(2.0, (tallest - 1) / max(n - 1, 1)) if n > 1 else 0.0
            pos[k] = (float(layer), (tallest - 1) / 2 - (i - (n - 1) / 2) * step)
    ex, ey = [], []
    bx, by = [], []
    for u, v in h.edges:
        (x0, y0), (x1, y1) = pos[u], pos[v]
        hot = blast_for is not None and (
            (u in down or rep.get(blast_for) == u) and (v in down or rep.get(blast_for) == v)
        )
        (bx if hot else ex).extend([x0, x1, None])
        (by if hot else ey).extend([y0, y1, None])
    traces: list[Any] = [
        go.Scatter(
            x=ex,
            y=ey,
            mode="lines",
            line={"color": "rgba(120,144,156,0.45)", "width": 1},
            hoverinfo="skip",
            name="runtime edges",
        )
    ]
    if bx:
        traces.append(
            go.Scatter(
                x=bx,
                y=by,
                mode="lines",
                line={"color": "rgba(211,47,47,0.7)", "width": 2.5},
                hoverinfo="skip",
                name="blast path",
            )
        )
    keys = list(h.nodes)
    colours, sizes, lines, widths, texts, hovers, symbols = [], [], [], [], [], [], []
    for k in keys:
        first = members[k][0]
        node = rg.get(first)
        tier = m.tiers.get(first, "")
        if blast_for is not None:
            colour = (
                "#d32f2f"
                if k in down
                else "#ff9800"
                if k in degraded
                else ("#212121" if k == rep.get(blast_for) else "#cfd8dc")
            )
        else:
            colour = "#212121" if first == INTERNET else TIER_COLOUR.get(tier, "#90a4ae")
        colours.append(colour)
        score = scores.get(first, 0.0)
        sizes.append(14 + min(18.0, score * 1.5) if k in spof_rules else 12)
        lines.append("#b71c1c" if k in spof_rules else "white")
        widths.append(4 if k in spof_rules else 1)
        n = len(members[k])
        texts.append(esc(short(k), 30) + (f" ×{n}" if n > 1 else "") + (" ⚠" if k in spof_rules else ""))
        extra = []
        if k in spof_rules:
            extra.append(f"<b>SPOF</b> {esc(', '.join(sorted(set(spof_rules[k]))))} · blast score {score}")
        if br is not None and k in down:
            extra.append("<b>down</b> when " + esc(short(blast_for or "")) + " fails")
        elif br is not None and k in degraded:
            extra.append("<b>degraded</b> (redundant dependency left)")
        hovers.append(hover(rg, first, fidx, extra, members[k]) if node is not None else esc(first))
        symbols.append(kind_symbol(node.kind) if node is not None else "hexagon")
    traces.append(
        go.Scatter(
            x=[pos[k][0] for k in keys],
            y=[pos[k][1] for k in keys],
            mode="markers+text",
            name="nodes",
            text=texts,
            textposition="middle right",
            textfont={"size": 9},
            hovertext=hovers,
            hoverinfo="text",
            customdata=[members[k][0] for k in keys],
            marker={
                "color": colours,
                "size": sizes,
                "symbol": symbols,
                "line": {"color": lines, "width": widths},
            },
        )
    )
    # finding badges
    fx, fy, ft, fc = [], [], [], []
    for k in keys:
        fs = [f for a in members[k] for f in fidx.get(a, ())]
        if fs:
            sev = worst(fs)
            fx.append(pos[k][0] - 0.12)
            fy.append(pos[k][1] + 0.35)
            ft.append(str(len(fs)))
            fc.append(SEVERITY_COLOUR.get(sev, "#90a4ae") if sev is not None else "#90a4ae")
    if fx:
        traces.append(
            go.Scatter(
                x=fx,
                y=fy,
                mode="markers+text",
                text=ft,
                textfont={"size": 8, "color": "white"},
                marker={"size": 13, "color": fc},
                name="findings",
                hoverinfo="skip",
            )
        )
    used = sorted(layers)
    annotations = [
        {
            "x": float(li),
            "y": tallest - 0.2,
            "text": f"<b>{_LAYER_NAMES[li]}</b>",
            "showarrow": False,
            "font": {"size": 11, "color": "#546e7a"},
        }
        for li in used
    ]
    if br is not None:
        annotations.append(
            {
                "x": 1.01,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "top",
                "align": "left",
                "showarrow": False,
                "bordercolor": "#cfd8dc",
                "borderwidth": 1,
                "bgcolor": "white",
                "font": {"size": 10},
                "text": "<br>".join(
                    [
                        f"<b>Blast radius of {esc(short(br.address))}</b>",
                        f"down: {len(br.down)} · degraded: {len(br.degraded)}",
                        "by tier: " + esc(", ".join(f"{t} {n}" for t, n in br.by_tier.items()) or "—"),
                        "AZs: " + esc(", ".join(br.azs) or "—"),
                        f"entry points hit: {len(br.entry_points)}",
                        f"data stores hit: {len(br.data_stores)}",
                        f"score: {br.score}",
                    ]
                ),
            }
        )
    fig = go.Figure(data=traces)
    fig.update_layout(
        title=title
        or (
            "Runtime topology — SPOFs ringed"
            + (f"; blast radius of {esc(short(blast_for))}" if blast_for else "")
        ),
        annotations=annotations,
        showlegend=True,
        hovermode="closest",
        plot_bgcolor="white",
        xaxis={"visible": False, "range": [-0.5, max(used, default=0) + 1.6]},
        yaxis={"visible": False, "range": [-1.2, tallest + 0.4]},
        width=1300,
        height=int(max(480, min(2400, 120 + tallest * 40))),
        margin={"l": 20, "r": 240, "t": 50, "b": 20},
        legend={"orientation": "h", "y": -0.02},
    )
    return fig


def az_spread(
    rg: ResourceGraph, findings: Iterable[Finding] | None = None, *, title: str | None = None
) -> go.Figure:
    """Resources per tier and availability zone (stacked); tiers on a single AZ are called out."""
    m = network_model(rg)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for res, azs in m.azs.items():
        node = rg.get(res)
        tier = m.tiers.get(res)
        if (
            node is None
            or not tier
            or node.kind in ("aws_launch_template", "aws_nat_gateway", "aws_network_interface")
        ):
            continue
        for az in azs:
            counts[tier][az] += 1
    tiers = [t for t in ("edge", "app", "data") if t in counts]
    azs = sorted({a for c in counts.values() for a in c}, key=lambda a: (a == UNKNOWN_AZ, a))
    palette = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#9e9d24", "#5d4037"]
    traces = []
    for i, az in enumerate(azs):
        traces.append(
            go.Bar(
                x=list(tiers),
                y=[counts[t].get(az, 0) for t in tiers],
                name=esc(az),
                marker_color="#9e9e9e" if az == UNKNOWN_AZ else palette[i % len(palette)],
                hovertemplate=f"{esc(az)}<br>%{{x}}: %{{y}} resource(s)<extra></extra>",
            )
        )
    annotations = []
    spof01 = {s.evidence.get("tier") for s in find_spofs(rg, ["SPOF01"]) if s.status == "FAIL"}
    for t in tiers:
        known = [a for a in counts[t] if a != UNKNOWN_AZ]
        if len(known) == 1 or t in spof01:
            annotations.append(
                {
                    "x": t,
                    "y": sum(counts[t].values()),
                    "text": "single AZ ⚠",
                    "showarrow": True,
                    "arrowhead": 2,
                    "font": {"color": "#d32f2f"},
                }
            )
    fig = go.Figure(data=traces)
    fig.update_layout(
        barmode="stack",
        title=title or "Availability-zone spread per tier (resource placements)",
        xaxis_title="tier",
        yaxis_title="placements (resource × AZ)",
        annotations=annotations,
        width=800,
        height=450,
        plot_bgcolor="white",
        legend_title_text="AZ",
    )
    return fig


_HOP_COLOUR = {
    "internet": "#212121",
    "aws_internet_gateway": "#607d8b",
    "aws_route_table": "#90a4ae",
    "aws_subnet": "#b0bec5",
}


def exposure_path_figure(
    rg: ResourceGraph,
    path: ExposurePath | str,
    findings: Iterable[Finding] | None = None,
    *,
    title: str | None = None,
) -> go.Figure:
    """One exposure path as a left-to-right chain of hops with ports and findings."""
    m = network_model(rg)
    if isinstance(path, str):
        found = m.exposure_of(path)
        if found is None:
            msg = f"no exposure path ends at {path!r}"
            raise KeyError(msg)
        path = found
    fidx = findings_index(findings)
    n = len(path.nodes)
    xs = list(range(n))
    colours, texts, hovers, symbols = [], [], [], []
    for addr, port in zip(path.nodes, path.node_ports, strict=True):
        node = rg.get(addr)
        kind = "internet" if addr == INTERNET else (node.kind if node is not None else "")
        tier = m.tiers.get(addr, "")
        colours.append(_HOP_COLOUR.get(kind, TIER_COLOUR.get(tier, "#7f8c8d")))
        texts.append(esc(short(addr), 34) + (f"<br><b>:{esc(port, 30)}</b>" if port else ""))
        hovers.append(
            hover(rg, addr, fidx, [f"port(s): {esc(port)}"] if port else [])
            if node is not None
            else esc(addr)
        )
        symbols.append(kind_symbol(kind) if kind != "internet" else "hexagon")
    annotations = []
    for i in range(n - 1):
        annotations.append(
            {
                "x": i + 1,
                "y": 0,
                "ax": i,
                "ay": 0,
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 3,
                "arrowwidth": 2,
                "arrowcolor": "#d32f2f",
                "standoff": 14,
                "startstandoff": 14,
                "text": "",
            }
        )
    badges_x, badges_t, badges_c = [], [], []
    for i, addr in enumerate(path.nodes):
        fs = fidx.get(addr, [])
        if fs:
            sev = worst(fs)
            badges_x.append(i + 0.18)
            badges_t.append(str(len(fs)))
            badges_c.append(SEVERITY_COLOUR.get(sev, "#90a4ae") if sev is not None else "#90a4ae")
    traces: list[Any] = [
        go.Scatter(
            x=xs,
            y=[0] * n,
            mode="markers+text",
            text=texts,
            textposition="bottom center",
            hovertext=hovers,
            hoverinfo="text",
            name="hops",
            customdata=list(path.nodes),
            marker={"size": 26, "color": colours, "symbol": symbols, "line": {"color": "white", "width": 2}},
        )
    ]
    if badges_x:
        traces.append(
            go.Scatter(
                x=badges_x,
                y=[0.28] * len(badges_x),
                mode="markers+text",
                text=badges_t,
                name="findings",
                textfont={"size": 9, "color": "white"},
                marker={"size": 16, "color": badges_c},
                hoverinfo="skip",
            )
        )
    fig = go.Figure(data=traces)
    fig.update_layout(
        title=title
        or f"Exposure path to {esc(short(path.target))} — {esc(path.ports.label())}, {path.hops} hop(s)"
        + (" via load balancer" if path.via_lb else "")
        + ("" if path.confidence == "certain" else " (uncertain)"),
        annotations=annotations,
        showlegend=False,
        plot_bgcolor="white",
        hovermode="closest",
        xaxis={"visible": False, "range": [-0.6, n - 0.4]},
        yaxis={"visible": False, "range": [-0.9, 0.6]},
        width=max(700, 170 * n),
        height=300,
        margin={"l": 20, "r": 20, "t": 60, "b": 20},
    )
    return fig
