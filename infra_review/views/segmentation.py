"""The segmentation map: VPC boxes → AZ columns → subnet rows by tier → resources.

``INTERNET`` sits above the VPCs, internet gateways on the VPC's top edge; subnets are
rectangles coloured by class (public / private-egress / isolated / unknown) in the row of
their tier; resources are markers coloured by tier inside every subnet they use, instances of
one ``count``/``for_each`` block collapsed into one marker labelled ``×N``.  Allowed SG flows
are arrows labelled with ports, internet-exposure paths are red polylines from ``INTERNET``,
and findings are badges (count, coloured by the worst severity).  Data stores and edge
services outside any VPC (S3, DynamoDB, CloudFront, API Gateway) get their own column;
Kubernetes Services/Ingresses/NetworkPolicies and the workloads they select get a strip
below.  Everything from the repository shown as text is HTML-escaped; ``customdata`` keeps the
raw addresses so that click handlers can map a point back to the graph.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource, Unresolved as U
>>> rg = ResourceGraph()
>>> rg.add(Resource("aws_vpc.v", "aws_vpc"))
>>> rg.add(Resource("aws_subnet.a", "aws_subnet", attrs={"vpc_id": U("aws_vpc.v.id", ("aws_vpc.v",)),
...                                                      "availability_zone": "eu-west-1a"}))
>>> sub = U("aws_subnet.a.id", ("aws_subnet.a",))
>>> rg.add(Resource("aws_instance.<script>", "aws_instance", attrs={"subnet_id": sub}))
>>> fig = segmentation_map(rg)
>>> [t.name for t in fig.data if t.name.startswith("app")]
['app tier']
>>> shown = [str(t.text) + str(t.hovertext) for t in fig.data] + [a.text for a in fig.layout.annotations]
>>> any("<script>" in s for s in shown), any("&lt;script&gt;" in s for s in shown)
(False, True)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

from infra_review.analysis.k8s import get_path
from infra_review.analysis.net_ports import PortSet
from infra_review.analysis.network import (
    DATA_KINDS,
    EDGE_KINDS,
    UNKNOWN_AZ,
    ExposurePath,
    NetworkModel,
    network_model,
)
from infra_review.graph import INTERNET, ResourceGraph
from infra_review.model import Finding, Resource
from infra_review.model.kinds import POD_SPEC_PATHS
from infra_review.views.figure_parts import (
    CLASS_FILL,
    CLASS_LINE,
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

__all__ = ["segmentation_map"]

TIERS = ("edge", "app", "data")
TIER_LABEL = {"edge": "edge / DMZ", "app": "app", "data": "data"}
COL_W = 10.0
ROW_H = 6.0
PAD = 0.5
GAP = 3.0
_HIDDEN = frozenset(
    {
        "aws_launch_template",
        "aws_launch_configuration",
        "aws_network_interface",
        "aws_db_subnet_group",
        "aws_elasticache_subnet_group",
        "aws_eip",
    }
)
_OUTSIDE_KINDS = (
    DATA_KINDS
    | EDGE_KINDS
    | {"aws_lambda_function", "aws_eks_cluster", "aws_eks_node_group", "aws_ecs_service"}
) - {
    "aws_nat_gateway",
    "aws_internet_gateway",
    "aws_efs_mount_target",
}
_K8S_KINDS = ("k8s:Service", "k8s:Ingress", "k8s:NetworkPolicy")


@dataclass
class _Marker:
    key: str
    members: list[str]
    x: float
    y: float
    tier: str
    kind: str
    subnet: str = ""


@dataclass
class _Layout:
    markers: list[_Marker] = field(default_factory=list)
    pos: dict[str, tuple[float, float]] = field(default_factory=dict)  # address → first marker position
    group_pos: dict[str, tuple[float, float]] = field(default_factory=dict)
    shapes: list[dict[str, Any]] = field(default_factory=list)
    annotations: list[dict[str, Any]] = field(default_factory=list)
    width: float = 0.0
    k8s_isolated: set[str] = field(default_factory=set)
    k8s_links: list[tuple[str, str]] = field(default_factory=list)
    top: float = 0.0
    bottom: float = 0.0


def _grid(n: int, x0: float, y0: float, w: float, h: float) -> list[tuple[float, float]]:
    """``n`` positions spread over the rectangle (x0, y0, w, h), row by row from the top."""
    if n <= 0:
        return []
    # labels need about 3.3 units of width each; fill rows first, then add rows
    cols = max(1, min(n, int(w // 3.3), math.ceil(math.sqrt(n * w / max(h, 0.1)) * 1.5)))
    rows = math.ceil(n / cols)
    out = []
    for i in range(n):
        r, c = divmod(i, cols)
        out.append((x0 + w * (c + 0.5) / cols, y0 + h - h * (r + 0.6) / (rows + 0.2)))
    return out


#: More markers than this in one subnet: groups with the same label (``asg.app`` of many
#: service modules) merge into one marker ``×N``.
MAX_PER_CELL = 12


def _merge_crowded(rg: ResourceGraph, groups: dict[str, list[str]], lay: _Layout) -> dict[str, list[str]]:
    if len(groups) <= MAX_PER_CELL:
        return dict(groups)
    merged: dict[str, list[str]] = defaultdict(list)
    for g, members in groups.items():
        label = short(g, abbreviate=True)
        merged[label].extend(members)
    out: dict[str, list[str]] = {}
    for label, members in merged.items():
        key = members[0] if len({group_key(rg[a]) for a in members}) == 1 else label
        out[group_key(rg[members[0]]) if key == members[0] else f"{label}"] = members
    return out


def _place_vpcs(rg: ResourceGraph, m: NetworkModel, lay: _Layout, vpcs: Sequence[str]) -> float:
    x = 0.0
    rows_top = 0.0
    by_subnet: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for res_addr, subs in m.placement.items():
        res = rg.get(res_addr)
        if res is None or res.kind in _HIDDEN or res.block not in ("resource", "k8s"):
            continue
        for s in subs:
            by_subnet[s][group_key(res)].append(res_addr)
    for vpc in vpcs:
        subnets = [m.subnets[s] for s in sorted(m.subnets) if (m.subnets[s].vpc or "(no VPC)") == vpc]
        if not subnets:
            continue
        azs = sorted({s.az for s in subnets}, key=lambda a: (a == UNKNOWN_AZ, a))
        tiers = [t for t in TIERS if any(s.tier == t for s in subnets)] or ["app"]
        ncols = len(azs)
        w = ncols * COL_W
        h = len(tiers) * ROW_H
        top = rows_top
        lay.shapes.append(
            {
                "type": "rect",
                "x0": x - PAD,
                "x1": x + w + PAD,
                "y0": top - h - PAD,
                "y1": top + PAD,
                "line": {"color": "#37474f", "width": 2},
                "fillcolor": "rgba(0,0,0,0)",
                "layer": "below",
            }
        )
        cidr = m.vpcs.get(vpc, {}).get("cidr", "")
        lay.annotations.append(
            {
                "x": x - PAD,
                "y": top + PAD,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "text": f"<b>{esc(short(vpc))}</b> {esc(cidr)}",
                "font": {"size": 12, "color": "#263238"},
            }
        )
        for ci, az in enumerate(azs):
            lay.annotations.append(
                {
                    "x": x + (ci + 0.5) * COL_W,
                    "y": top - h - PAD - 0.4,
                    "yanchor": "top",
                    "showarrow": False,
                    "text": esc(az if az != UNKNOWN_AZ else "AZ unknown"),
                    "font": {"size": 11, "color": "#455a64"},
                }
            )
        for ri, tier in enumerate(tiers):
            lay.annotations.append(
                {
                    "x": x - PAD - 0.2,
                    "y": top - (ri + 0.5) * ROW_H,
                    "xanchor": "right",
                    "showarrow": False,
                    "text": f"<b>{TIER_LABEL[tier]}</b>",
                    "textangle": -90,
                    "font": {"size": 11, "color": TIER_COLOUR[tier]},
                }
            )
        cells: dict[tuple[int, int], list[Any]] = defaultdict(list)
        for s in subnets:
            ri = tiers.index(s.tier) if s.tier in tiers else len(tiers) - 1
            cells[(ri, azs.index(s.az))].append(s)
        for (ri, ci), subs in cells.items():
            cw = COL_W / len(subs)
            for k, s in enumerate(subs):
                x0 = x + ci * COL_W + k * cw + 0.25
                y0 = top - (ri + 1) * ROW_H + 0.25
                sw, sh = cw - 0.5, ROW_H - 0.5
                dash = "dot" if s.confidence != "route" else "solid"
                lay.shapes.append(
                    {
                        "type": "rect",
                        "x0": x0,
                        "x1": x0 + sw,
                        "y0": y0,
                        "y1": y0 + sh,
                        "layer": "below",
                        "line": {"color": CLASS_LINE.get(s.cls, "#999"), "width": 1, "dash": dash},
                        "fillcolor": CLASS_FILL.get(s.cls, CLASS_FILL["unknown"]),
                    }
                )
                label = f"{esc(short(s.address), 40)} · {esc(s.cls)}" + (
                    " (heuristic)" if s.confidence == "heuristic" else ""
                )
                lay.annotations.append(
                    {
                        "x": x0 + 0.15,
                        "y": y0 + sh - 0.1,
                        "xanchor": "left",
                        "yanchor": "top",
                        "showarrow": False,
                        "text": label,
                        "font": {"size": 9, "color": "#37474f"},
                    }
                )
                lay.pos.setdefault(s.address, (x0 + sw / 2, y0 + sh - 0.6))
                groups = _merge_crowded(rg, by_subnet.get(s.address, {}), lay)
                keys = sorted(
                    groups,
                    key=lambda g: (
                        TIERS.index(m.tiers.get(groups[g][0], "app"))
                        if m.tiers.get(groups[g][0]) in TIERS
                        else 3,
                        g,
                    ),
                )
                for g, (px, py) in zip(keys, _grid(len(keys), x0, y0, sw, sh - 0.8), strict=True):
                    members = groups[g]
                    first = rg[members[0]]
                    mk = _Marker(g, members, px, py, m.tiers.get(members[0], ""), first.kind, s.address)
                    lay.markers.append(mk)
                    for a in members:
                        lay.pos.setdefault(a, (px, py))
                        lay.group_pos.setdefault(group_key(rg[a]), (px, py))
                    lay.group_pos.setdefault(g, (px, py))
        # internet gateways on the top edge
        igws = [
            i
            for i, v in (
                (r.address, m.vpcs.get(vpc, {}).get("igws", ())) for r in rg.resources("aws_internet_gateway")
            )
            if i in v
        ]
        for k, igw in enumerate(igws):
            px = x + w * (k + 1) / (len(igws) + 1)
            lay.markers.append(_Marker(igw, [igw], px, top + PAD, "edge", "aws_internet_gateway"))
            lay.pos[igw] = (px, top + PAD)
        lay.bottom = min(lay.bottom, top - h - PAD)
        x += w + 2 * PAD + GAP
    return x


def _place_outside(rg: ResourceGraph, m: NetworkModel, lay: _Layout, x: float, top: float) -> float:
    groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for res in rg.resources():
        if res.kind not in _OUTSIDE_KINDS or res.address in m.placement:
            continue
        if res.kind == "aws_lambda_function" and res.attrs.get("vpc_config"):
            continue
        tier = m.tiers.get(res.address) or ("data" if res.kind in DATA_KINDS else "edge")
        groups[tier][group_key(res)].append(res.address)
    if not groups:
        return x
    w = COL_W * 0.9
    # beside VPCs the rows line up with their tier rows; alone, only the tiers present are drawn
    rows = list(TIERS) if x > 0 else [t for t in TIERS if groups.get(t)]
    h = len(rows) * ROW_H
    lay.shapes.append(
        {
            "type": "rect",
            "x0": x - PAD,
            "x1": x + w + PAD,
            "y0": top - h - PAD,
            "y1": top + PAD,
            "line": {"color": "#90a4ae", "width": 1, "dash": "dash"},
            "fillcolor": "rgba(245,245,245,0.6)",
            "layer": "below",
        }
    )
    lay.annotations.append(
        {
            "x": x - PAD,
            "y": top + PAD,
            "xanchor": "left",
            "yanchor": "bottom",
            "showarrow": False,
            "text": "<b>outside any VPC</b>",
            "font": {"size": 12, "color": "#546e7a"},
        }
    )
    for ri, tier in enumerate(rows):
        groups[tier] = _merge_crowded(rg, groups.get(tier, {}), lay)
        keys = sorted(groups.get(tier, {}))
        for g, (px, py) in zip(keys, _grid(len(keys), x, top - (ri + 1) * ROW_H, w, ROW_H), strict=True):
            members = groups[tier][g]
            lay.markers.append(_Marker(g, members, px, py, tier, rg[members[0]].kind))
            for a in members:
                lay.pos.setdefault(a, (px, py))
                lay.group_pos.setdefault(group_key(rg[a]), (px, py))
            lay.group_pos.setdefault(g, (px, py))
    lay.bottom = min(lay.bottom, top - h - PAD)
    return x + w + 2 * PAD + GAP


def _place_k8s(rg: ResourceGraph, m: NetworkModel, lay: _Layout, width: float) -> None:
    objs = list(rg.resources(*_K8S_KINDS))
    if not objs:
        return
    selected: dict[str, list[str]] = defaultdict(list)  # selector object → workloads
    for o in objs:
        for w_res, data in rg.dependencies(o.address):
            if data.get("kind") == "selects":
                selected[o.address].append(w_res.address)
    # every workload is drawn, so that the ones no NetworkPolicy isolates stand out (no ✚)
    workloads = sorted(
        {w for ws in selected.values() for w in ws} | {r.address for r in rg.resources(*POD_SPEC_PATHS)}
    )
    front = sorted(objs, key=lambda o: (o.kind != "k8s:Ingress", o.kind != "k8s:Service", o.address))
    span = max(width - GAP - 2 * PAD, COL_W, 3.4 * max(len(front), len(workloads), 3))
    lay.width = max(lay.width, span + GAP + 2 * PAD)
    top = lay.bottom - 3.0
    h = 2 * ROW_H
    lay.shapes.append(
        {
            "type": "rect",
            "x0": -PAD,
            "x1": span + PAD,
            "y0": top - h,
            "y1": top,
            "line": {"color": "#5c6bc0", "width": 1, "dash": "dash"},
            "fillcolor": "rgba(232,234,246,0.5)",
            "layer": "below",
        }
    )
    lay.annotations.append(
        {
            "x": -PAD,
            "y": top,
            "xanchor": "left",
            "yanchor": "bottom",
            "showarrow": False,
            "text": "<b>Kubernetes</b> (Services/Ingresses/NetworkPolicies above, workloads below; "
            "✚ = isolated by a NetworkPolicy)",
            "font": {"size": 11, "color": "#3949ab"},
        }
    )
    lay.k8s_isolated = {w for o in objs if o.kind == "k8s:NetworkPolicy" for w in selected.get(o.address, ())}
    lay.k8s_links = [(o.address, w) for o in objs for w in selected.get(o.address, ())]
    for (px, py), o in zip(_grid(len(front), 0, top - ROW_H, span, ROW_H), front, strict=True):
        tier = "edge" if _k8s_exposed(o) else ("" if o.kind == "k8s:NetworkPolicy" else "app")
        lay.markers.append(_Marker(o.address, [o.address], px, py, tier, o.kind))
        lay.pos[o.address] = (px, py)
    for (px, py), wl in zip(_grid(len(workloads), 0, top - 2 * ROW_H, span, ROW_H), workloads, strict=True):
        lay.markers.append(_Marker(wl, [wl], px, py, "app", rg[wl].kind))
        lay.pos[wl] = (px, py)
    lay.bottom = top - h


def _pos_key(p: tuple[float, float]) -> str:
    return f"{p[0]:.4f},{p[1]:.4f}"


def _unkey(k: str) -> tuple[float, float]:
    a, b = k.split(",")
    return float(a), float(b)


def _k8s_exposed(o: Resource) -> bool:
    if o.kind == "k8s:Ingress":
        return True
    return get_path(o.attrs, "spec.type") in ("LoadBalancer", "NodePort")


def segmentation_map(
    rg: ResourceGraph,
    findings: Iterable[Finding] | None = None,
    *,
    highlight: str | ExposurePath | None = None,
    max_paths: int = 12,
    max_flow_arrows: int = 60,
    title: str | None = None,
) -> go.Figure:
    """Build the segmentation map of ``rg`` (see the module docstring).

    ``findings`` (optional) become badges and hover lines; ``highlight`` (a target address or an
    :class:`ExposurePath`) draws that exposure path on top and dims the others.
    """
    m = network_model(rg)
    fidx = findings_index(findings)
    lay = _Layout()
    vpcs = sorted(
        {s.vpc or "(no VPC)" for s in m.subnets.values()},
        key=lambda v: (-len(m.vpcs.get(v, {}).get("subnets", [])), v),
    )
    x = _place_vpcs(rg, m, lay, vpcs)
    x = _place_outside(rg, m, lay, x, 0.0)
    lay.width = max(x, COL_W)
    _place_k8s(rg, m, lay, lay.width)
    inet = (lay.width / 2 - GAP / 2, 4.5)
    lay.pos[INTERNET] = inet

    traces: list[go.BaseTraceType] = []
    # exposure paths -----------------------------------------------------------------------
    target = highlight.target if isinstance(highlight, ExposurePath) else highlight
    paths = m.exposures[:max_paths] if target is None else [p for p in m.exposures if p.target == target][:1]
    shown: set[str] = set()
    for p in paths:
        # routing hops (route tables, subnets) are implied by where the markers sit
        pts = [
            lay.pos[n]
            for n in p.nodes
            if n in lay.pos
            and (
                rg.get(n) is None
                or rg[n].kind not in ("aws_subnet", "aws_route_table", "aws_default_route_table")
            )
        ]
        if len(pts) < 2:
            continue
        emph = target is not None
        # through a load balancer is the designed way in (orange); anything else is red
        rgb = "245,124,0" if p.via_lb else "211,47,47"
        name = "exposure via load balancer" if p.via_lb else "direct exposure"
        traces.append(
            go.Scatter(
                x=[q[0] for q in pts],
                y=[q[1] for q in pts],
                mode="lines",
                hoverinfo="text",
                line={"color": f"rgba({rgb},{0.9 if emph else 0.5})", "width": 5 if emph else 3},
                text=[esc(p.text(), 400)] * len(pts),
                name=name,
                legendgroup=name,
                showlegend=name not in shown,
                customdata=[p.target] * len(pts),
            )
        )
        shown.add(name)
        lx, ly = pts[1] if len(pts) > 1 else pts[0]
        _ = (lx, ly)
    # flows -----------------------------------------------------------------------------------
    flows: dict[tuple[str, str], PortSet] = {}
    for f in m.flows:
        if f.source == INTERNET:
            continue
        s, d = rg.get(f.source), rg.get(f.target)
        if s is None or d is None:
            continue
        ks, kd = group_key(s), group_key(d)
        if ks not in lay.group_pos or kd not in lay.group_pos:
            continue
        # several groups may share one (merged) marker: key flows by marker position
        ks, kd = _pos_key(lay.group_pos[ks]), _pos_key(lay.group_pos[kd])
        if ks == kd:
            continue
        flows[(ks, kd)] = flows.get((ks, kd), PortSet.EMPTY) | f.ports
    fx: list[float | None] = []
    fy: list[float | None] = []
    mid_x, mid_y, mid_t = [], [], []
    for (ks, kd), ports in sorted(flows.items()):
        (x0, y0), (x1, y1) = _unkey(ks), _unkey(kd)
        fx += [x0, x1, None]
        fy += [y0, y1, None]
        mid_x.append(x0 + (x1 - x0) * 0.7 + 0.35)
        mid_y.append(y0 + (y1 - y0) * 0.7)
        mid_t.append(esc(ports.label(), 30))
        if len(flows) <= max_flow_arrows:
            lay.annotations.append(
                {
                    "x": x1,
                    "y": y1,
                    "ax": x0,
                    "ay": y0,
                    "xref": "x",
                    "yref": "y",
                    "axref": "x",
                    "ayref": "y",
                    "text": "",
                    "showarrow": True,
                    "arrowhead": 3,
                    "arrowsize": 1.2,
                    "arrowwidth": 1.2,
                    "arrowcolor": "rgba(63,127,217,0.65)",
                    "standoff": 9,
                    "startstandoff": 9,
                }
            )
    if fx:
        traces.append(
            go.Scatter(
                x=fx,
                y=fy,
                mode="lines",
                line={"color": "rgba(63,127,217,0.35)", "width": 1.2},
                hoverinfo="skip",
                name="allowed flow (SG)",
            )
        )
        traces.append(
            go.Scatter(
                x=mid_x,
                y=mid_y,
                mode="text",
                text=mid_t,
                textfont={"size": 9, "color": "#1e4f9c"},
                hoverinfo="skip",
                showlegend=False,
                name="flow ports",
            )
        )
    if lay.k8s_links:
        kx: list[float | None] = []
        ky: list[float | None] = []
        for a, b in lay.k8s_links:
            if a in lay.pos and b in lay.pos:
                kx += [lay.pos[a][0], lay.pos[b][0], None]
                ky += [lay.pos[a][1], lay.pos[b][1], None]
        traces.append(
            go.Scatter(
                x=kx,
                y=ky,
                mode="lines",
                line={"color": "rgba(92,107,192,0.5)", "width": 1, "dash": "dot"},
                hoverinfo="skip",
                name="k8s selects",
            )
        )
    # internet arrows to first hops --------------------------------------------------------------
    seen_first: set[str] = set()
    for p in m.exposures:
        first = next(
            (
                n
                for n in p.nodes[1:]
                if n in lay.pos and rg.get(n) is not None and rg[n].kind != "aws_internet_gateway"
            ),
            None,
        )
        if first is None or first in seen_first or len(seen_first) >= max_flow_arrows:
            continue
        seen_first.add(first)
    # markers by tier ------------------------------------------------------------------------------
    by_tier: dict[str, list[_Marker]] = defaultdict(list)
    for mk in lay.markers:
        by_tier[mk.tier if mk.tier in TIERS else ""].append(mk)
    exposed = {p.target for p in m.exposures}
    for tier in (*TIERS, ""):
        mks = by_tier.get(tier, [])
        if not mks:
            continue
        texts, hovers, symbols, lines = [], [], [], []
        for mk in mks:
            n = len(mk.members)
            texts.append(
                esc(short(mk.key, abbreviate=True), 22)
                + (f" ×{n}" if n > 1 else "")
                + (" ✚" if mk.key in lay.k8s_isolated else "")
            )
            extra = [f"tier: {esc(m.tiers.get(mk.members[0], '?'))}"]
            subs = m.placement.get(mk.members[0], ())
            if subs:
                extra.append(
                    "subnets: " + esc(", ".join(short(s) for s in subs[:4]) + (" …" if len(subs) > 4 else ""))
                )
            if mk.key in lay.k8s_isolated:
                extra.append("isolated by a NetworkPolicy")
            elif mk.kind in POD_SPEC_PATHS:
                extra.append("<b>no NetworkPolicy selects it</b>")
            ex = m.exposure_of(mk.members[0])
            if ex is not None:
                extra.append(f"<b>internet-exposed</b> on {esc(ex.ports.label())} ({ex.hops} hop(s))")
            hovers.append(hover(rg, mk.members[0], fidx, extra, mk.members))
            symbols.append(kind_symbol(mk.kind))
            lines.append("#d32f2f" if any(a in exposed for a in mk.members) else "white")
        traces.append(
            go.Scatter(
                x=[mk.x for mk in mks],
                y=[mk.y for mk in mks],
                mode="markers+text",
                name=f"{TIER_LABEL.get(tier, 'other')} tier" if tier else "other",
                text=texts,
                textposition="bottom center",
                textfont={"size": 9, "color": "#263238"},
                hovertext=hovers,
                hoverinfo="text",
                customdata=[mk.members[0] for mk in mks],
                marker={
                    "size": 14,
                    "color": TIER_COLOUR.get(tier, "#7f8c8d"),
                    "symbol": symbols,
                    "line": {"color": lines, "width": 2},
                },
            )
        )
    # internet node --------------------------------------------------------------------------------
    traces.append(
        go.Scatter(
            x=[inet[0]],
            y=[inet[1]],
            mode="markers+text",
            text=["INTERNET"],
            textposition="top center",
            marker={"size": 22, "color": "#212121", "symbol": "hexagon"},
            name="INTERNET",
            hovertext=[f"INTERNET<br>{len(m.exposures)} exposure path(s)"],
            hoverinfo="text",
            customdata=[INTERNET],
        )
    )
    # finding badges -------------------------------------------------------------------------------
    bx, by, bt, bc, bh = [], [], [], [], []
    for mk in lay.markers:
        fs = [f for a in mk.members for f in fidx.get(a, ())]
        if not fs:
            continue
        sev = worst(fs)
        bx.append(mk.x + 0.55)
        by.append(mk.y + 0.5)
        bt.append(str(len(fs)))
        bc.append(SEVERITY_COLOUR.get(sev, "#90a4ae") if sev is not None else "#90a4ae")
        rules = sorted({f.rule_id for f in fs})
        bh.append(f"{esc(short(mk.key))}: {len(fs)} finding(s)<br>" + esc(", ".join(rules), 200))
    if bx:
        traces.append(
            go.Scatter(
                x=bx,
                y=by,
                mode="markers+text",
                text=bt,
                textfont={"size": 8, "color": "white"},
                marker={"size": 15, "color": bc, "line": {"color": "white", "width": 1}},
                name="findings",
                hovertext=bh,
                hoverinfo="text",
            )
        )
    # side panel: exposure paths in words --------------------------------------------------------------
    panel = ["<b>Internet exposure</b>"]
    agg: dict[tuple[str, str, int, bool, bool], int] = {}
    for p in m.exposures:
        k = (short(p.target, abbreviate=True), p.ports.label(), p.hops, p.via_lb, p.confidence != "certain")
        agg[k] = agg.get(k, 0) + 1
    for (label, ports, hops, via_lb, unsure), count in list(agg.items())[:8]:
        panel.append(
            f"• {esc(label, 30)}{f' ×{count}' if count > 1 else ''}: {esc(ports, 24)} · {hops} hop(s)"
            + (" via LB" if via_lb else "")
            + (" ?" if unsure else "")
        )
    if len(agg) > 8:
        panel.append(f"… {len(agg) - 8} more")
    if m.nonvpc:
        panel.append("<b>Outside VPC</b>")
        panel.extend(
            f"• {esc(short(e.address, abbreviate=True), 30)}: {esc(e.reason, 34)}" for e in m.nonvpc[:5]
        )
    if len(m.exposures) == 0 and not m.nonvpc:
        panel.append("none found")
    placed = {a for mk in lay.markers for a in mk.members}
    on_map = sorted(
        (f for a in placed for f in fidx.get(a, ()) if f.status == "FAIL"),
        key=lambda f: (-int(f.severity), f.rule_id, f.address),
    )
    if on_map:
        panel.append(f"<b>Findings on the map</b> ({len(on_map)})")
        for f in on_map[:8]:
            colour = SEVERITY_COLOUR.get(f.severity, "#90a4ae")
            panel.append(
                f'<span style="color:{colour}">●</span> {esc(f.rule_id)} '
                f"{esc(short(f.address, abbreviate=True), 26)}: {esc(f.title or f.message, 34)}"
            )
    lay.annotations.append(
        {
            "x": 1.01,
            "y": 1.0,
            "xref": "paper",
            "yref": "paper",
            "xanchor": "left",
            "yanchor": "top",
            "align": "left",
            "showarrow": False,
            "text": "<br>".join(panel),
            "font": {"size": 10, "color": "#263238"},
            "bordercolor": "#cfd8dc",
            "borderwidth": 1,
            "bgcolor": "rgba(255,255,255,0.9)",
        }
    )
    fig = go.Figure(data=traces)
    ncol = max(1.0, lay.width / COL_W)
    height = max(420, int((5.0 - lay.bottom) * 38) + 120)
    fig.update_layout(
        title=title
        or f"Segmentation map — {len(m.subnets)} subnets, {len(lay.markers)} markers, "
        f"{len(m.exposures)} exposure paths",
        shapes=lay.shapes,
        annotations=lay.annotations,
        showlegend=True,
        hovermode="closest",
        xaxis={"visible": False, "range": [-2.5, lay.width + 0.5]},
        yaxis={"visible": False, "range": [lay.bottom - 2.5, 7.0]},
        width=int(min(2600, 380 + ncol * 300)),
        height=min(2400, height),
        plot_bgcolor="white",
        paper_bgcolor="white",
        margin={"l": 30, "r": 330, "t": 50, "b": 30},
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": -0.06,
            "xanchor": "left",
            "x": 0.0,
            "font": {"size": 10},
        },
    )
    return fig
