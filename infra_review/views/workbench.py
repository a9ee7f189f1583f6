"""What the notebooks call: one function per notebook section, taking a :class:`Workspace`.

Notebooks stay thin — a parameters cell, then one call per cell into this module — so that
everything a reviewer sees is built here, where tests reach it.  Functions that *show*
something display static HTML (which also lands in the HTML report) and return the live
widget, if any; functions named ``*_summary`` print deterministic text that nbval checks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w
import plotly.graph_objects as go
from IPython.display import HTML, display

from infra_review.analysis.blast import blast_radius, rank_spofs
from infra_review.analysis.cost import estimate
from infra_review.analysis.network import network_model
from infra_review.analysis.spof import runtime_topology
from infra_review.model import Area, Finding, Status
from infra_review.model.persona import AREA_TITLES, ChecklistItem, checklist, load_persona
from infra_review.review.result import RuleError
from infra_review.review.state import dumps
from infra_review.review.workspace import Workspace
from infra_review.rules import GUIDED, RULES
from infra_review.views import tables
from infra_review.views.plots import az_spread, segmentation_map, topology_graph
from infra_review.views.plots import exposure_path_figure as path_figure
from infra_review.views.tables import esc
from infra_review.views.widgets import FindingDecisionControl, VerdictControl, verdict_status_html

__all__ = [
    "area_items",
    "area_summary",
    "checklist_view",
    "explorer_options",
    "findings_overview",
    "item_html",
    "open_workspace",
    "overview_summary",
    "progress",
    "show_coverage",
    "show_inventory",
]


def open_workspace(repo: str, *, db: str = "", reviewer: str = "") -> Workspace:
    """Load and review ``repo``; print one deterministic summary line."""
    ws = Workspace.open(repo, db=db or None, reviewer=reviewer)
    print(overview_summary(ws))
    return ws


def overview_summary(ws: Workspace) -> str:
    """``<name>: N resources, M edges; coverage …; K findings (FAIL a, UNKNOWN b, suppressed c)``,
    plus a line naming the rules that failed to run, when any did."""
    rg = ws.graph
    managed = sum(1 for _ in rg.resources())
    status = Counter(f.status.value for f in ws.findings if not f.suppressed)
    suppressed = sum(1 for f in ws.findings if f.suppressed)
    text = (
        f"{ws.root.resolve().name}: {managed} resources "
        f"({len(rg)} graph nodes, {rg.g.number_of_edges()} edges)\n"
        f"coverage: {ws.load.summary()}\n"
        f"findings: FAIL {status.get('FAIL', 0)}, UNKNOWN {status.get('UNKNOWN', 0)}, suppressed {suppressed}"
    )
    if ws.errors:
        failed = ", ".join(e.rule_id for e in ws.errors)
        text += f"\nINCOMPLETE REVIEW: {len(ws.errors)} rule(s) failed to run ({failed})"
    return text


def show_coverage(ws: Workspace) -> None:
    """Coverage table, with an *incomplete coverage* banner when anything failed."""
    display(HTML(tables.left_align(tables.coverage_html(ws.coverage, ws.load.problems))))


def show_inventory(ws: Workspace) -> None:
    """Resource counts by kind and by format."""
    rg = ws.graph
    kinds = Counter(r.kind for r in rg.resources())
    formats = Counter(r.format for r in rg.resources())
    display(HTML(tables.left_align(tables.inventory_html(kinds, formats))))


def findings_overview(ws: Workspace) -> None:
    """Area × severity matrix (HTML) and the same as text (checked by nbval)."""
    counts = ws.counts()
    display(HTML(tables.findings_matrix_html(counts)))
    for area, by_sev in counts.items():
        total = sum(by_sev.values())
        failed = ws.result.errors_in(area)
        if failed:
            display(HTML(_failed_banner(failed, AREA_TITLES[Area(area)])))
        if total:
            detail = ", ".join(f"{s} {n}" for s, n in by_sev.items() if n)
            print(f"{area:<17} {total:>3}  ({detail})")
        for e in failed:
            print(f"{area:<17}   !  {e.label}")


def _failed_banner(errs: Sequence[RuleError], where: str) -> str:
    """A red banner naming the rules that raised: what they check is unreviewed, not clean."""
    names = ", ".join(esc(e.label) for e in errs)
    return (
        "<div style='border-left:4px solid #d1242f;padding:4px 12px;margin:8px 0;background:#fff5f5'>"
        f"<b style='color:#d1242f'>{esc(where)}: {names}</b> — its findings are missing, "
        "so this is not a clean result.</div>"
    )


def area_items(area: Area | str) -> list[ChecklistItem]:
    """The persona bullets of one area, in the persona's order."""
    a = Area(area)
    return [item for item in checklist(load_persona()) if item.area == a]


def _item_findings(ws: Workspace, item: ChecklistItem) -> list[Finding]:
    ids = set(item.rule_ids)
    return [f for f in ws.findings if f.rule_id in ids and f.status != Status.PASS]


def area_summary(ws: Workspace, area: Area | str) -> None:
    """Print, per checklist item, what the tool found (deterministic; nbval checks it)."""
    a = Area(area)
    items = area_items(a)
    found = ws.active(a)
    print(f"{AREA_TITLES[a]}: {len(items)} checklist items, {len(found)} open findings in this area")
    failed = ws.result.failed
    for n, item in enumerate(items, 1):
        fs = [f for f in _item_findings(ws, item) if not f.suppressed]
        by_rule = Counter(f.rule_id for f in fs)
        parts = [failed[rid].label for rid in item.rule_ids if rid in failed]
        parts += [f"{rid}×{by_rule[rid]}" for rid in item.rule_ids if by_rule.get(rid)]
        hits = ", ".join(parts) or "no failing rule"
        guided = f"; {len(item.guided_ids)} guided question(s)" if item.guided_ids else ""
        print(f"{n:>2}. {item.text}: {hits}{guided}")


def item_html(ws: Workspace, item: ChecklistItem, n: int) -> str:
    """Everything the tool knows about one checklist item, as HTML."""
    fs = _item_findings(ws, item)
    by_rule = Counter(f.rule_id for f in fs if f.status == Status.FAIL and not f.suppressed)
    failed = ws.result.failed
    rule_bits = []
    for rid in item.rule_ids:
        r = RULES.get(rid)
        title = r.title if r else "(not registered)"
        count = by_rule.get(rid, 0)
        if rid in failed:  # never the green "no failing": the rule did not finish
            state = f"<b style='color:#d1242f'>⚠ {esc(failed[rid].label)}</b>"
            if count:
                state += f" ({count} failing found before it raised)"
        else:
            colour = "#d1242f" if count else "#1a7f37"
            state = f"<b style='color:{colour}'>{count or 'no'} failing</b>"
        rule_bits.append(f"<li><code>{esc(rid)}</code> {esc(title)} — {state}</li>")
    parts = [f"<h3>{n}. {esc(item.text)}</h3>"]
    item_failed = [failed[rid] for rid in item.rule_ids if rid in failed]
    if item_failed:
        parts.append(_failed_banner(item_failed, "Not fully checked"))
    if rule_bits:
        parts.append("<ul>" + "".join(rule_bits) + "</ul>")
    if fs:
        decisions = ws.store.finding_decisions(ws.review_id)
        snippets = {f.fingerprint: ws.finding_snippet(f) for f in fs[:60]}
        parts.append(tables.findings_table_html(fs, snippets=snippets, decisions=decisions, limit=60))
    for qid in item.guided_ids:
        q = GUIDED.get(qid)
        if q is None:
            continue
        parts.append(_guided_html(ws, q))
    current = ws.store.verdicts(ws.review_id).get(item.key)
    if current is not None:  # live notebooks show the current verdict in the control below
        parts.append(f"<p><b>Verdict (when this ran):</b> {verdict_status_html(current)}</p>")
    return tables.left_align("\n".join(parts))


def _guided_html(ws: Workspace, q: Any) -> str:
    try:
        ev: Mapping[str, Any] = q.evidence(ws.graph) if q.evidence else {}
    except Exception as exc:  # evidence must never break a notebook
        ev = {"summary": f"evidence unavailable ({type(exc).__name__})"}
    out = [
        "<div style='border-left:4px solid #8250df;padding:4px 12px;margin:8px 0;background:#fbf8ff'>",
        f"<b>Question for the reviewer:</b> {esc(q.question)}",
    ]
    if ev.get("summary"):
        out.append(f"<p><i>What the repository shows:</i> {esc(ev['summary'], 1000)}</p>")
    resources: Sequence[str] = ev.get("resources") or []
    if resources:
        shown = ", ".join(f"<code>{esc(r, 120)}</code>" for r in list(resources)[:25])
        more = f" … and {len(resources) - 25} more" if len(resources) > 25 else ""
        out.append(f"<p>{shown}{more}</p>")
    items = ev.get("items") or []
    if items and isinstance(items[0], Mapping):
        cols = list(items[0].keys())[:6]
        rows = "".join(
            "<tr>" + "".join(f"<td>{esc(it.get(c, ''), 160)}</td>" for c in cols) + "</tr>"
            for it in items[:30]
        )
        out.append("<table><tr>" + "".join(f"<th>{esc(c)}</th>" for c in cols) + f"</tr>{rows}</table>")
    out.append("</div>")
    return "\n".join(out)


def checklist_view(ws: Workspace, area: Area | str) -> w.VBox:
    """Display each checklist item of ``area`` (static HTML) with a verdict control under it.

    Returns the VBox of all controls (handy in tests: ``box.children[i]`` is the i-th item's
    control).  Finding decisions sit in an accordion per item.
    """
    controls = []
    verdicts = ws.store.verdicts(ws.review_id)
    decisions = ws.store.finding_decisions(ws.review_id)
    for n, item in enumerate(area_items(area), 1):
        display(HTML(item_html(ws, item, n)))
        ctl = VerdictControl(
            ws.store, ws.review_id, item.key, reviewer=ws.reviewer, current=verdicts.get(item.key)
        )
        children: list[Any] = [ctl.widget]
        fs = [f for f in _item_findings(ws, item) if f.status == Status.FAIL][:40]
        if fs:
            rows = [
                FindingDecisionControl(
                    ws.store, ws.review_id, f, reviewer=ws.reviewer, current=decisions.get(f.fingerprint)
                ).widget
                for f in fs
            ]
            acc = w.Accordion(children=[w.VBox(rows)])
            acc.set_title(0, f"Decide on {len(fs)} finding(s): accept risk / false positive / will fix")
            acc.selected_index = None
            children.append(acc)
        box = w.VBox(children)
        display(box)
        controls.append(box)
    return w.VBox(controls)


def progress(ws: Workspace) -> None:
    """Checklist progress over every area (HTML) and as text."""
    items = checklist(load_persona())
    verdicts = ws.store.verdicts(ws.review_id)
    keys = {i.key for i in items}
    decided = Counter(d.value for k, d in verdicts.items() if k in keys)
    display(HTML(tables.progress_html(len(items), decided)))
    print(f"{sum(decided.values())}/{len(items)} checklist items have a verdict")


def top_findings(ws: Workspace, limit: int = 15) -> None:
    """The most severe open findings across every area (red flags first)."""
    active = [f for f in ws.active() if f.status == Status.FAIL]
    active.sort(key=lambda f: (f.area != Area.RED_FLAGS, -int(f.severity), f.file, f.line))
    display(
        HTML(
            tables.left_align(
                "<h3>Most severe open findings</h3>" + tables.findings_table_html(active[:limit])
            )
        )
    )
    for f in active[:limit]:
        print(f"{f.severity.label:<8} {f.rule_id:<7} {f.address}  ({f.file}:{f.line})")


def cost_summary(ws: Workspace, top: int = 12) -> None:
    """Offline monthly estimate: totals by category and the largest lines (HTML + text)."""
    est = estimate(ws.graph)
    rows = "".join(
        f"<tr><td><code>{esc(ln.address)}</code></td><td>{esc(ln.kind)}</td>"
        f"<td style='text-align:right'>{ln.monthly_usd:,.2f}</td><td>{esc(ln.assumption, 200)}</td></tr>"
        for ln in sorted(est.priced, key=lambda ln: -(ln.monthly_usd or 0))[:top]
    )
    cats = "".join(
        f"<tr><td>{esc(k)}</td><td style='text-align:right'>{v:,.2f}</td></tr>"
        for k, v in est.by_area().items()
    )
    missing = "".join(
        f"<li><code>{esc(ln.address)}</code>: {esc(ln.assumption, 200)}</li>" for ln in est.not_priced[:30]
    )
    display(
        HTML(
            f"<p><b>Estimated monthly cost: ${est.total_usd:,.2f}</b> "
            f"(on-demand, region default {esc(est.default_region)})</p>"
            f"<table><tr><th>category</th><th>USD/month</th></tr>{cats}</table>"
            f"<table><tr><th>resource</th><th>kind</th><th>USD/month</th><th>assumption</th></tr>{rows}</table>"
            + (f"<p><b>Not priced ({len(est.not_priced)}):</b></p><ul>{missing}</ul>" if missing else "")
        )
    )
    print(
        f"estimated monthly cost: ${est.total_usd:,.2f} over {len(est.priced)} priced lines; "
        f"{len(est.not_priced)} not priced"
    )
    for k, v in est.by_area().items():
        print(f"  {k:<12} ${v:>10,.2f}")


def open_items(ws: Workspace) -> None:
    """Checklist items without a verdict or judged fail/concern, and undecided severe findings."""
    items = checklist(load_persona())
    verdicts = ws.store.verdicts(ws.review_id)
    decisions = ws.store.finding_decisions(ws.review_id)
    undecided = [i for i in items if i.key not in verdicts]
    flagged = [
        (i, verdicts[i.key])
        for i in items
        if i.key in verdicts and verdicts[i.key].value in ("fail", "concern")
    ]
    severe = [
        f
        for f in ws.active()
        if f.status == Status.FAIL and int(f.severity) >= 3 and f.fingerprint not in decisions
    ]
    will_fix = [k for k, d in decisions.items() if d.value == "will_fix"]
    html = [f"<h3>Items judged fail or concern ({len(flagged)})</h3><ul>"]
    html += [
        f"<li><b>{esc(d.value)}</b> — {esc(i.section)}: {esc(i.text)} <i>{esc(d.note)}</i></li>"
        for i, d in flagged
    ]
    html.append(f"</ul><h3>Items without a verdict ({len(undecided)})</h3><ul>")
    html += [f"<li>{esc(i.section)}: {esc(i.text)}</li>" for i in undecided]
    html.append(f"</ul><h3>Critical/high findings without a decision ({len(severe)})</h3>")
    html.append(tables.findings_table_html(severe, limit=50))
    display(HTML(tables.left_align("".join(html))))
    print(
        f"{len(undecided)} items without a verdict, {len(flagged)} judged fail/concern, "
        f"{len(severe)} critical/high findings undecided, {len(will_fix)} marked will fix"
    )


def export_review(ws: Workspace, export_dir: str) -> None:
    """Write ``review.json`` and ``review.md`` to ``export_dir`` (nothing when it is empty)."""
    if not export_dir:
        print("set EXPORT_DIR to write review.json and review.md")
        return
    out = Path(export_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    titles = {i.key: f"{i.section}: {i.text}" for i in checklist(load_persona())}
    (out / "review.json").write_text(dumps(ws.store.export_json(ws.review_id)) + "\n", encoding="utf-8")
    (out / "review.md").write_text(ws.store.export_markdown(ws.review_id, titles), encoding="utf-8")
    print(f"wrote {out / 'review.json'} and {out / 'review.md'}")


def sign_off_view(ws: Workspace, export_dir: str = "") -> w.VBox:
    """Reviewer name, overall verdict and summary, recorded as review metadata; export button."""
    meta = ws.store.meta(ws.review_id)
    name = w.Text(
        value=ws.reviewer or (meta["reviewer"].value if "reviewer" in meta else ""),
        description="Reviewer",
        placeholder="your name",
    )
    outcome = w.Dropdown(
        options=[
            ("— choose —", None),
            ("approved", "approved"),
            ("approved with follow-ups", "approved_with_followups"),
            ("changes required", "changes_required"),
        ],
        value=meta["outcome"].value if "outcome" in meta else None,
        description="Outcome",
    )
    summary = w.Textarea(
        value=meta["summary"].value if "summary" in meta else "",
        description="Summary",
        layout=w.Layout(width="640px", height="90px"),
    )
    status = w.HTML("")
    sign = w.Button(description="Sign off", button_style="success", icon="check")
    export = w.Button(description="Export JSON + Markdown", icon="download")
    target = w.Text(value=export_dir or "review-export", description="to dir")

    def _sign(_b: Any) -> None:
        if outcome.value is None:
            status.value = "<span style='color:#d1242f'>choose an outcome first</span>"
            return
        ws.store.set_meta(ws.review_id, "reviewer", name.value, reviewer=name.value)
        ws.store.set_meta(ws.review_id, "summary", summary.value, reviewer=name.value)
        d = ws.store.set_meta(ws.review_id, "outcome", outcome.value, reviewer=name.value)
        status.value = f"signed off: <b>{esc(d.value)}</b> by {esc(d.reviewer)} at {esc(d.decided_at)}"

    def _export(_b: Any) -> None:
        out = w.Output()
        with out:
            export_review(ws, target.value)
        status.value = f"exported to {esc(target.value)}"

    sign.on_click(_sign)
    export.on_click(_export)
    box = w.VBox([name, outcome, summary, w.HBox([sign, export, target]), status])
    display(box)
    return box


# -- network segmentation and SPOFs -------------------------------------------------------------
def _paths(ws: Workspace) -> list[Any]:
    return list(network_model(ws.graph).exposures)


def exposure_summary(ws: Workspace) -> None:
    """Every internet-exposure path (HTML table) and one text line per path (nbval checks it)."""
    m = network_model(ws.graph)
    rows = "".join(
        f"<tr><td><code>{esc(p.target)}</code></td><td>{p.hops}</td><td>{esc(p.ports.label())}</td>"
        f"<td>{esc(p.kind)}{' (uncertain)' if p.confidence != 'certain' else ''}</td>"
        f"<td><small>{esc(p.text(), 2000)}</small></td></tr>"
        for p in m.exposures
    )
    nonvpc = "".join(f"<li><code>{esc(e.address)}</code>: {esc(e.reason)}</li>" for e in m.nonvpc)
    display(
        HTML(
            f"<p><b>{len(m.exposures)} exposure path(s)</b> from the internet.</p>"
            + (
                f"<table><tr><th>target</th><th>hops</th><th>ports</th><th>kind</th><th>path</th></tr>{rows}</table>"
                if rows
                else ""
            )
            + (f"<p><b>Exposed outside any VPC path:</b></p><ul>{nonvpc}</ul>" if nonvpc else "")
        )
    )
    print(f"{len(m.exposures)} exposure path(s), {len(m.nonvpc)} exposure(s) outside a VPC path")
    for p in m.exposures:
        print(f"  {p.target}: ports {p.ports.label()}, {p.hops} hop(s){' via LB' if p.via_lb else ''}")
        print(f"    {p.text()}")
    for e in m.nonvpc:
        print(f"  {e.address}: {e.reason}")


def segmentation_figure(ws: Workspace, highlight: str | None = None) -> Any:
    """The segmentation map with findings as badges."""
    return segmentation_map(ws.graph, ws.active(), highlight=highlight)


def exposure_path_figure(ws: Workspace, index: int = 0) -> Any:
    """Exposure path number ``index`` (most severe first) as a hop-by-hop chain."""
    paths = _paths(ws)
    if not paths:
        print("no internet-exposure path found")
        return None
    return path_figure(ws.graph, paths[min(index, len(paths) - 1)], ws.active())


def filter_paths(
    paths: Sequence[Any],
    tiers: Mapping[str, str],
    *,
    vpc: str = "",
    tier: str = "",
    port: int | None = None,
    subnet_vpc: Mapping[str, str] | None = None,
) -> list[Any]:
    """Exposure paths whose target is in ``tier``, whose nodes touch ``vpc``, exposing ``port``."""
    out = []
    for p in paths:
        if tier and tiers.get(p.target, "") != tier:
            continue
        if port is not None and port not in p.ports:
            continue
        if vpc and subnet_vpc is not None and not any(subnet_vpc.get(n) == vpc for n in p.nodes):
            continue
        out.append(p)
    return out


def network_explorer(ws: Workspace) -> w.VBox:
    """Pick a VPC, a tier and a port: the matching exposure paths, one of them drawn on the map."""
    m = network_model(ws.graph)
    subnet_vpc = {s.address: s.vpc for s in m.subnets.values()}
    vpc = w.Dropdown(options=[("any VPC", "")] + [(v, v) for v in sorted(m.vpcs)], description="VPC")
    tier = w.Dropdown(
        options=[("any tier", ""), ("edge / DMZ", "edge"), ("app", "app"), ("data", "data")],
        description="tier",
    )
    port = w.Text(value="", placeholder="e.g. 22 or 5432", description="port")
    path = w.Dropdown(options=[], description="path", layout=w.Layout(width="640px"))
    info = w.HTML()
    fig = go.FigureWidget(segmentation_map(ws.graph, ws.active()))

    def refresh(*_: Any) -> None:
        p_val = int(port.value) if port.value.strip().isdigit() else None
        matches = filter_paths(
            m.exposures, m.tiers, vpc=vpc.value, tier=tier.value, port=p_val, subnet_vpc=subnet_vpc
        )
        path.options = [
            (f"{p.target} — {p.ports.label()} — {p.hops} hop(s)", i) for i, p in enumerate(matches)
        ]
        info.value = f"<b>{len(matches)}</b> matching exposure path(s)"
        chosen = (
            matches[path.value] if matches and path.value is not None and path.value < len(matches) else None
        )
        new = segmentation_map(ws.graph, ws.active(), highlight=chosen)
        with fig.batch_update():
            fig.data = []
            fig.add_traces(list(new.data))
            fig.layout = new.layout

    for ctl in (vpc, tier, path):
        ctl.observe(refresh, names="value")
    port.observe(refresh, names="value")
    refresh()
    box = w.VBox([w.HBox([vpc, tier, port]), path, info, fig])
    display(box)
    return box


def spof_summary(ws: Workspace) -> None:
    """SPOFs ranked by blast radius (HTML + text)."""
    ranked = rank_spofs(ws.graph)
    rows = "".join(
        f"<tr><td>{n}</td><td><code>{esc(r.rule_id)}</code></td><td><code>{esc(r.address)}</code></td>"
        f"<td>{r.score:g}</td><td>{len(r.blast.down)}</td><td>{esc(', '.join(r.blast.by_tier) or '-')}</td>"
        f"<td>{esc(getattr(r.spof, 'message', ''), 300)}</td></tr>"
        for n, r in enumerate(ranked, 1)
    )
    display(
        HTML(
            "<table><tr><th>#</th><th>rule</th><th>resource</th><th>blast score</th><th>resources down</th>"
            f"<th>tiers hit</th><th>why</th></tr>{rows}</table>"
            if rows
            else "<p>No single point of failure found.</p>"
        )
    )
    print(f"{len(ranked)} single point(s) of failure")
    for n, r in enumerate(ranked, 1):
        print(f"{n:>2}. {r.rule_id} {r.address}: score {r.score:g}, {len(r.blast.down)} resource(s) down")


def az_spread_figure(ws: Workspace) -> Any:
    """Resources per tier and availability zone."""
    return az_spread(ws.graph, ws.active())


def topology_figure(ws: Workspace, blast_for: str | None = None) -> Any:
    """Runtime topology with SPOFs marked; the top SPOF's blast radius overlaid by default."""
    if blast_for is None:
        ranked = rank_spofs(ws.graph)
        blast_for = ranked[0].address if ranked else None
    return topology_graph(ws.graph, ws.active(), blast_for=blast_for)


def _counts(counts: Mapping[str, int]) -> str:
    """``{"app": 2, "data": 1}`` → ``"app 2, data 1"`` (``-`` when empty)."""
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "-"


def blast_html(ws: Workspace, address: str) -> str:
    """What fails with ``address``: counts by tier/type/AZ, entry points and data stores hit."""
    b = blast_radius(ws.graph, address)

    def li(items: Sequence[str]) -> str:
        return ", ".join(f"<code>{esc(x, 120)}</code>" for x in items[:40]) or "none"

    return (
        f"<p><b>If <code>{esc(address)}</code> fails:</b> {len(b.down)} resource(s) down, "
        f"{len(b.degraded)} degraded; score {b.score:g}{' (production)' if b.prod else ''}.</p>"
        f"<p>by tier: {esc(_counts(b.by_tier))}; by type: {esc(_counts(b.by_type), 600)}; "
        f"AZs: {esc(', '.join(b.azs) or '-')}</p>"
        f"<p>entry points hit: {li(b.entry_points)}<br>data stores hit: {li(b.data_stores)}</p>"
        f"<p>down: {li(b.down)}</p>"
    )


def explorer_options(ws: Workspace) -> list[tuple[str, str]]:
    """Dropdown options of the SPOF explorer: ranked SPOFs first, then every runtime resource."""
    ranked = [r.address for r in rank_spofs(ws.graph)]
    nodes = [
        n for n in sorted(runtime_topology(ws.graph).nodes) if ws.graph.get(n) is not None and n not in ranked
    ]
    return [(f"SPOF: {a}", a) for a in ranked] + [(a, a) for a in nodes]


def spof_explorer(ws: Workspace) -> w.VBox:
    """Pick any runtime resource: its blast radius on the topology, and what it takes down."""
    options = explorer_options(ws)
    if not options:
        print("no runtime topology to explore")
        return w.VBox([])
    pick = w.Dropdown(options=options, description="resource", layout=w.Layout(width="640px"))
    info = w.HTML()
    fig = go.FigureWidget(topology_graph(ws.graph, ws.active(), blast_for=pick.value))

    def refresh(*_: Any) -> None:
        info.value = blast_html(ws, pick.value)
        new = topology_graph(ws.graph, ws.active(), blast_for=pick.value)
        with fig.batch_update():
            fig.data = []
            fig.add_traces(list(new.data))
            fig.layout = new.layout

    pick.observe(refresh, names="value")
    info.value = blast_html(ws, pick.value)
    box = w.VBox([pick, info, fig])
    display(box)
    return box
