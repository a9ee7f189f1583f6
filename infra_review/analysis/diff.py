"""What a change does: two finished resource graphs → a :class:`ChangeReview` (issue 14).

:func:`diff_graphs` compares a *base* and a *head* graph of one repository:

* **resources** (and settings: variables, outputs, module inputs, ``terraform`` blocks, listed
  after them) added, removed, changed (attribute paths old → new, secrets redacted, file:line
  on both sides) and **moved**: an address change matched by a Terraform ``moved`` block
  (the loader keeps each as a node ``moved.<from>`` with ``from``/``to`` attributes; a block
  moving a module or an un-indexed address also moves its instances) or, failing that, by
  identity (same kind, same attributes, one candidate only) — never reported as remove + add;
* **exposure** paths from ``INTERNET`` (keyed by target + entry, the first internet-facing
  hop) opened, closed, widened or narrowed (port sets compared) or rerouted (same ports, other
  hops), each with the changed resources on or guarding the path that caused it; non-VPC
  exposure (bucket policies, function URLs, …) opened and closed;
* **single points of failure** introduced and removed (rule id + address);
* **blast radius** before and after of every changed, moved, added or removed resource;
* **findings** new, fixed and unchanged by fingerprint (base fingerprints are carried through
  moves), when the caller passes both sides' findings (running the rules is the review
  layer's job, above this one);
* **cost** per resource and total from the offline price table;
* **questions** the change raises (a new data store → backup and restore, …).

Addresses of the base are mapped through the moves before comparison, so a renamed security
group does not open and close the same path.

>>> from infra_review.graph import ResourceGraph
>>> from infra_review.model import Resource
>>> base, head = ResourceGraph(), ResourceGraph()
>>> base.add(Resource("aws_s3_bucket.logs", "aws_s3_bucket", attrs={"bucket": "logs"}))
>>> head.add(Resource("aws_s3_bucket.audit", "aws_s3_bucket", attrs={"bucket": "logs"}))
>>> head.add(Resource("moved.aws_s3_bucket.logs", "moved", "moved",
...                   {"from": "aws_s3_bucket.logs", "to": "aws_s3_bucket.audit"}))
>>> review = diff_graphs(base, head, cost=False)
>>> [(c.change, c.old_address, c.address, c.matched_by) for c in review.resources]
[('moved', 'aws_s3_bucket.logs', 'aws_s3_bucket.audit', 'moved')]
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from infra_review.analysis.blast import blast_radius
from infra_review.analysis.cost import estimate
from infra_review.analysis.diff_attrs import MAX_CHANGES, AttrChange, attr_changes
from infra_review.analysis.network import DATA_KINDS, ExposurePath, NetworkModel, network_model
from infra_review.analysis.spof import find_spofs
from infra_review.graph import INTERNET, ResourceGraph
from infra_review.model import Finding, Resource, Severity, Status

__all__ = [
    "MAX_BLAST",
    "BlastChange",
    "ChangeReview",
    "CostChange",
    "ExposureChange",
    "FindingsDelta",
    "ResourceChange",
    "SpofChange",
    "diff_graphs",
    "match_moves",
]

log = logging.getLogger(__name__)

#: Most changed resources whose blast radius is computed on both sides.
MAX_BLAST = 200
#: Blocks that are not compared (bookkeeping, not infrastructure).
_SKIP_BLOCKS = frozenset({"synthetic", "moved", "import"})
#: Blocks that configure rather than create (listed after the infrastructure they configure).
_SETTING_BLOCKS = frozenset({"variable", "output", "local", "locals", "terraform", "provider", "module"})
#: Blocks that exist at run time (their blast radius means something).
_RUNTIME_BLOCKS = frozenset({"resource", "k8s", "compose", "dockerfile"})
#: Kinds that decide where traffic can go (a path's cause is looked for among them).
_NETWORK_KIND = re.compile(
    r"subnet|security_group|route|network_acl|network_interface|_lb|_elb|listener|target_group|"
    r"nat_gateway|internet_gateway|eip|firewall|network_policy|Service|Ingress"
)


# -- result types -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ResourceChange:
    """A resource ``added``, ``removed``, ``changed`` or ``moved`` (``old_address`` → ``address``)."""

    change: str  # added | removed | changed | moved
    address: str
    kind: str
    old_address: str = ""
    matched_by: str = ""  # moved (a moved block) | identity (same kind and attributes)
    attrs: tuple[AttrChange, ...] = ()
    more_attrs: int = 0  # changes beyond MAX_CHANGES, not listed
    old_location: str = ""
    new_location: str = ""
    block: str = "resource"  # resource | data | module | variable | output | terraform | k8s | ...

    @property
    def is_setting(self) -> bool:
        """True for configuration rather than infrastructure (variables, outputs, settings)."""
        return self.block in _SETTING_BLOCKS

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "address": self.address,
            "block": self.block,
            "kind": self.kind,
            "old_address": self.old_address or None,
            "matched_by": self.matched_by or None,
            "attributes": [a.to_dict() for a in self.attrs],
            "more_attributes": self.more_attrs,
            "old_location": self.old_location or None,
            "new_location": self.new_location or None,
        }


@dataclass(frozen=True, slots=True)
class ExposureChange:
    """An internet-exposure path ``opened``, ``closed``, ``widened``, ``narrowed`` or ``rerouted``.

    ``rerouted``: same target, entry and ports, different hops (another subnet or route table).

    ``ports_added``/``ports_removed`` are the port-set differences (labels); ``cause`` lists
    the changed resources (``address`` and attribute paths) on or guarding the path.
    """

    change: str  # opened | closed | widened | narrowed | rerouted
    target: str
    entry: str
    kind: str  # direct | lb | lateral | cdn | azure | gcp | nonvpc:<kind>
    old_ports: str = ""
    new_ports: str = ""
    ports_added: str = ""
    ports_removed: str = ""
    old_path: str = ""
    new_path: str = ""
    cause: tuple[tuple[str, tuple[str, ...]], ...] = ()
    old_nodes: tuple[str, ...] = ()  # the base path's graph addresses (to draw it)
    new_nodes: tuple[str, ...] = ()

    @property
    def more_exposed(self) -> bool:
        """True when the change exposes more (a path opened, or ports added to one)."""
        return self.change in ("opened", "widened")

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "target": self.target,
            "entry": self.entry,
            "kind": self.kind,
            "old_ports": self.old_ports or None,
            "new_ports": self.new_ports or None,
            "ports_added": self.ports_added or None,
            "ports_removed": self.ports_removed or None,
            "old_path": self.old_path or None,
            "new_path": self.new_path or None,
            "cause": [{"address": a, "attributes": list(p)} for a, p in self.cause],
            "old_nodes": list(self.old_nodes),
            "new_nodes": list(self.new_nodes),
        }


@dataclass(frozen=True, slots=True)
class SpofChange:
    """A single point of failure ``introduced`` or ``removed``."""

    change: str  # introduced | removed
    rule_id: str
    address: str
    status: str
    message: str
    severity: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "rule_id": self.rule_id,
            "address": self.address,
            "status": self.status,
            "severity": self.severity or None,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class BlastChange:
    """Blast radius of one changed resource before and after (``None``: absent on that side)."""

    address: str
    old_address: str
    before: tuple[str, ...] | None
    after: tuple[str, ...] | None
    score_before: float | None = None
    score_after: float | None = None

    @property
    def newly_down(self) -> tuple[str, ...]:
        """What now fails together with this resource that did not before."""
        return tuple(sorted(set(self.after or ()) - set(self.before or ())))

    @property
    def no_longer_down(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.before or ()) - set(self.after or ())))

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "old_address": self.old_address if self.old_address != self.address else None,
            "before": len(self.before) if self.before is not None else None,
            "after": len(self.after) if self.after is not None else None,
            "score_before": self.score_before,
            "score_after": self.score_after,
            "newly_down": list(self.newly_down),
            "no_longer_down": list(self.no_longer_down),
        }


@dataclass(frozen=True, slots=True)
class FindingsDelta:
    """Findings of the head that are new, of the base that are fixed, and those in both."""

    new: tuple[Finding, ...] = ()
    fixed: tuple[Finding, ...] = ()
    unchanged: tuple[Finding, ...] = ()
    compared: bool = False  # False when no findings were passed

    def new_failing(self, at_least: Severity | None = Severity.INFO) -> list[Finding]:
        """New unsuppressed FAIL findings at or above ``at_least`` (``None``: none)."""
        if at_least is None:
            return []
        return [
            f for f in self.new if f.status == Status.FAIL and not f.suppressed and f.severity >= at_least
        ]


@dataclass(frozen=True, slots=True)
class CostChange:
    """Monthly on-demand USD of one resource before and after (``None``: absent or not priced)."""

    address: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float:
        return round((self.after or 0.0) - (self.before or 0.0), 2)

    def to_dict(self) -> dict[str, Any]:
        return {"address": self.address, "before": self.before, "after": self.after, "delta": self.delta}


@dataclass
class ChangeReview:
    """Everything :func:`diff_graphs` found (plain data; reports and notebooks read it)."""

    resources: list[ResourceChange] = field(default_factory=list)
    exposures: list[ExposureChange] = field(default_factory=list)
    spofs: list[SpofChange] = field(default_factory=list)
    blast: list[BlastChange] = field(default_factory=list)
    findings: FindingsDelta = field(default_factory=FindingsDelta)
    cost: list[CostChange] = field(default_factory=list)
    cost_before: float | None = None
    cost_after: float | None = None
    questions: list[str] = field(default_factory=list)
    moves: dict[str, str] = field(default_factory=dict)  # base address → head address
    notes: list[str] = field(default_factory=list)

    @property
    def areas(self) -> list[str]:
        """Review areas (persona sections) of the new and fixed findings, sorted."""
        return sorted({str(f.area) for f in (*self.findings.new, *self.findings.fixed)})

    @property
    def cost_delta(self) -> float | None:
        if self.cost_before is None or self.cost_after is None:
            return None
        return round(self.cost_after - self.cost_before, 2)

    @property
    def new_exposure(self) -> list[ExposureChange]:
        """Exposure the change opens or widens."""
        return [e for e in self.exposures if e.more_exposed]

    def counts(self) -> dict[str, int]:
        """How many of each kind of change (every key always present, for summaries)."""
        out = {f"resources_{k}": 0 for k in ("added", "removed", "changed", "moved")}
        out |= {f"exposure_{k}": 0 for k in ("opened", "widened", "rerouted", "narrowed", "closed")}
        out |= {"spof_introduced": 0, "spof_removed": 0}
        for c in self.resources:
            out[f"resources_{c.change}"] += 1
        for e in self.exposures:
            out[f"exposure_{e.change}"] += 1
        for s in self.spofs:
            out[f"spof_{s.change}"] += 1
        out["findings_new"] = len(self.findings.new)
        out["findings_fixed"] = len(self.findings.fixed)
        out["findings_unchanged"] = len(self.findings.unchanged)
        return out

    @property
    def empty(self) -> bool:
        """True when nothing changed that the review looks at."""
        f = self.findings
        return not (self.resources or self.exposures or self.spofs or f.new or f.fixed)


# -- resources ------------------------------------------------------------------------------
def _compared(rg: ResourceGraph) -> dict[str, Resource]:
    return {r.address: r for r in rg.all() if r.block not in _SKIP_BLOCKS and r.address != INTERNET}


def _loc(r: Resource | None) -> str:
    if r is None or not r.file:
        return ""
    return f"{r.file}:{r.line}" if r.line else r.file


def _moved_blocks(head: ResourceGraph) -> list[tuple[str, str]]:
    pairs = []
    for r in head.all():
        if r.block != "moved" and r.kind != "moved":
            continue
        src, dst = r.attrs.get("from"), r.attrs.get("to")
        if not isinstance(src, str) or not isinstance(dst, str) or not src or not dst:
            continue
        prefix = f"{r.module}." if r.module else ""
        pairs.append((prefix + src, prefix + dst))
    return pairs


def match_moves(
    base: Mapping[str, Resource], head: Mapping[str, Resource], moved: Iterable[tuple[str, str]]
) -> dict[str, tuple[str, str]]:
    """Base address → (head address, how) for resources gone from base and new in head.

    ``moved`` pairs come from ``moved`` blocks (a pair also moves the instances and module
    members below its ``from``); left-over removals are matched to additions of the same kind
    with equal attributes when exactly one candidate exists.

    >>> from infra_review.model import Resource as R
    >>> b = {"module.a.aws_sqs_queue.q": R("module.a.aws_sqs_queue.q", "aws_sqs_queue")}
    >>> h = {"module.b.aws_sqs_queue.q": R("module.b.aws_sqs_queue.q", "aws_sqs_queue")}
    >>> match_moves(b, h, [("module.a", "module.b")])
    {'module.a.aws_sqs_queue.q': ('module.b.aws_sqs_queue.q', 'moved')}
    """
    gone = [a for a in base if a not in head]
    new = {a for a in head if a not in base}
    out: dict[str, tuple[str, str]] = {}
    for src, dst in moved:
        for addr in gone:
            if addr in out:
                continue
            if addr == src or addr.startswith((src + ".", src + "[")):
                cand = dst + addr[len(src) :]
                if cand in new:
                    out[addr] = (cand, "moved")
                    new.discard(cand)
    by_sig: dict[tuple[str, str], list[str]] = {}
    for a in new:
        by_sig.setdefault((head[a].kind, _signature(head[a])), []).append(a)
    for addr in gone:
        if addr in out or not base[addr].attrs:
            continue
        cands = by_sig.get((base[addr].kind, _signature(base[addr])), [])
        if len(cands) == 1:
            out[addr] = (cands.pop(), "identity")
    return out


def _signature(r: Resource) -> str:
    return repr(sorted((k, repr(v)) for k, v in r.attrs.items()))


def _resource_changes(
    base: Mapping[str, Resource], head: Mapping[str, Resource], moves: Mapping[str, tuple[str, str]]
) -> list[ResourceChange]:
    out: list[ResourceChange] = []
    moved_to = {dst for dst, _ in moves.values()}

    def change(kind: str, new_addr: str, old: Resource | None, new: Resource | None, **kw: Any) -> None:
        diffs = attr_changes(old.attrs if old else {}, new.attrs if new else {}) if old and new else []
        r = new or old
        assert r is not None
        out.append(
            ResourceChange(
                kind, new_addr, r.kind, attrs=tuple(diffs[:MAX_CHANGES]),
                more_attrs=max(0, len(diffs) - MAX_CHANGES), old_location=_loc(old),
                new_location=_loc(new), block=r.block, **kw,
            )
        )  # fmt: skip

    for addr, old in base.items():
        if addr in moves:
            dst, how = moves[addr]
            change("moved", dst, old, head[dst], old_address=addr, matched_by=how)
        elif addr not in head:
            change("removed", addr, old, None)
        elif attr_changes(old.attrs, head[addr].attrs) or old.kind != head[addr].kind:
            change("changed", addr, old, head[addr])
    for addr, new in head.items():
        if addr not in base and addr not in moved_to:
            change("added", addr, None, new)
    order = {"removed": 0, "added": 1, "moved": 2, "changed": 3}
    return sorted(out, key=lambda c: (c.is_setting, order[c.change], c.address))


# -- exposure -------------------------------------------------------------------------------
def _entry(p: ExposurePath) -> str:
    for node, port in zip(p.nodes, p.node_ports, strict=False):
        if port and node != INTERNET:
            return node
    return p.nodes[1] if len(p.nodes) > 1 else p.target


def _guards(rg: ResourceGraph, m: NetworkModel, path: ExposurePath) -> set[str]:
    """The nodes of ``path`` and what decides it: security groups and their rule resources,
    route tables, NACLs, and the network resources the path's nodes reference directly
    (a database's subnet group, an instance's network interface, …)."""
    related = set(path.nodes)
    for node in path.nodes:
        for sg in m.sgs.get(node, ()):
            related.add(sg)
            related.update(rule.origin for rule in m.sg_rules.get(sg, ()) if rule.origin)
        sub = m.subnets.get(node)
        if sub is not None:
            related.update(x for x in (sub.route_table, sub.route_table_via, sub.nacl) if x)
        if node in rg:
            related.update(r.address for r, _ in rg.dependencies(node) if _NETWORK_KIND.search(r.kind))
    return related


def _causes(
    related: set[str], changes: Mapping[str, ResourceChange]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out = []
    for addr in sorted(related):
        c = changes.get(addr)
        if c is not None:
            out.append((addr, tuple(a.path for a in c.attrs) or (c.change,)))
    return tuple(out)


def _exposure_changes(
    base: ResourceGraph, head: ResourceGraph, rename: Mapping[str, str], changes: Mapping[str, ResourceChange]
) -> list[ExposureChange]:
    bm, hm = network_model(base), network_model(head)

    def key(p: ExposurePath, mapped: bool) -> tuple[str, str]:
        t, e = p.target, _entry(p)
        return (rename.get(t, t), rename.get(e, e)) if mapped else (t, e)

    before = {key(p, True): p for p in bm.exposures}
    after = {key(p, False): p for p in hm.exposures}
    out: list[ExposureChange] = []
    for k in sorted(before.keys() | after.keys()):
        old, new = before.get(k), after.get(k)
        if new is not None and old is None:
            cause = _causes(_guards(head, hm, new), changes)
            out.append(
                ExposureChange(
                    "opened",
                    k[0],
                    k[1],
                    new.kind,
                    new_ports=new.ports.label(),
                    ports_added=new.ports.label(),
                    new_path=new.text(),
                    cause=cause,
                    new_nodes=new.nodes,
                )
            )
        elif old is not None and new is None:
            cause = _causes({rename.get(a, a) for a in _guards(base, bm, old)}, changes)
            out.append(
                ExposureChange(
                    "closed",
                    k[0],
                    k[1],
                    old.kind,
                    old_ports=old.ports.label(),
                    ports_removed=old.ports.label(),
                    old_path=old.text(),
                    cause=cause,
                    old_nodes=old.nodes,
                )
            )
        elif old is not None and new is not None:
            added, removed = new.ports - old.ports, old.ports - new.ports
            same_route = (
                tuple(rename.get(n, n) for n in old.nodes) == new.nodes and old.node_ports == new.node_ports
            )
            if not added and not removed and same_route:
                continue
            related = _guards(head, hm, new) | {rename.get(a, a) for a in _guards(base, bm, old)}
            what = "widened" if added else "narrowed" if removed else "rerouted"
            out.append(ExposureChange(
                what, k[0], k[1], new.kind, old.ports.label(),
                new.ports.label(), added.label() if added else "", removed.label() if removed else "",
                old.text(), new.text(), _causes(related, changes), old.nodes, new.nodes,
            ))  # fmt: skip
    nb = {(rename.get(x.address, x.address), x.kind): x for x in bm.nonvpc}
    na = {(x.address, x.kind): x for x in hm.nonvpc}
    for k in sorted(nb.keys() ^ na.keys()):
        opened = k in na
        x = na[k] if opened else nb[k]
        out.append(ExposureChange("opened" if opened else "closed", k[0], x.kind, f"nonvpc:{x.kind}",
                                  new_path=x.reason if opened else "", old_path="" if opened else x.reason,
                                  cause=_causes({k[0]}, changes)))  # fmt: skip
    rank = {"opened": 0, "widened": 1, "rerouted": 2, "narrowed": 3, "closed": 4}
    return sorted(out, key=lambda e: (rank[e.change], e.target, e.entry))


# -- SPOFs, blast, findings, cost -------------------------------------------------------------
def _spof_changes(base: ResourceGraph, head: ResourceGraph, rename: Mapping[str, str]) -> list[SpofChange]:
    before = {(s.rule_id, rename.get(s.address, s.address)): s for s in find_spofs(base)}
    after = {(s.rule_id, s.address): s for s in find_spofs(head)}
    out = []
    for k in sorted(before.keys() ^ after.keys()):
        s = after.get(k) or before[k]
        sev = s.severity.label if s.severity is not None else ""
        change = "introduced" if k in after else "removed"
        out.append(SpofChange(change, k[0], k[1], s.status, s.message, sev))
    return out


def _blast_changes(
    base: ResourceGraph, head: ResourceGraph, changes: Sequence[ResourceChange], rename: Mapping[str, str]
) -> list[BlastChange]:
    out = []

    def runtime(rg: ResourceGraph, addr: str) -> bool:
        r = rg.get(addr)
        return r is not None and r.block in _RUNTIME_BLOCKS

    for c in [c for c in changes if runtime(base, c.old_address or c.address) or runtime(head, c.address)][
        :MAX_BLAST
    ]:
        old_addr = c.old_address or c.address
        b = blast_radius(base, old_addr) if c.change != "added" and old_addr in base else None
        a = blast_radius(head, c.address) if c.change != "removed" and c.address in head else None
        before = tuple(sorted(rename.get(x, x) for x in b.down)) if b is not None else None
        after = a.down if a is not None else None
        if not before and not after:
            continue
        out.append(
            BlastChange(
                c.address,
                old_addr,
                before,
                after,
                b.score if b is not None else None,
                a.score if a is not None else None,
            )
        )
    return out


def _findings_delta(
    base: Sequence[Finding] | None, head: Sequence[Finding] | None, rename: Mapping[str, str]
) -> FindingsDelta:
    if base is None or head is None:
        return FindingsDelta()

    def fp(f: Finding, mapped: bool) -> str:
        if mapped and f.address in rename:  # a moved resource keeps its findings' identity
            return replace(f, address=rename[f.address]).fingerprint
        return f.fingerprint

    old = {fp(f, True) for f in base}
    new = {fp(f, False) for f in head}
    return FindingsDelta(
        new=tuple(f for f in head if fp(f, False) not in old),
        fixed=tuple(f for f in base if fp(f, True) not in new),
        unchanged=tuple(f for f in head if fp(f, False) in old),
        compared=True,
    )


def _cost_changes(
    base: ResourceGraph, head: ResourceGraph, rename: Mapping[str, str], review: ChangeReview
) -> None:
    try:
        eb, eh = estimate(base), estimate(head)
    except Exception:  # the cost model must never stop a change review
        log.warning("cost estimate failed", exc_info=True)
        review.notes.append("cost estimate failed; no cost delta")
        return
    before: dict[str, float] = {}
    for addr, usd in eb.by_resource().items():
        before[rename.get(addr, addr)] = before.get(rename.get(addr, addr), 0.0) + usd
    after = eh.by_resource()
    for addr in sorted(before.keys() | after.keys()):
        b, a = before.get(addr), after.get(addr)
        if round(b or 0.0, 2) != round(a or 0.0, 2):
            review.cost.append(CostChange(addr, round(b, 2) if b is not None else None, a))
    review.cost.sort(key=lambda c: (-abs(c.delta), c.address))
    review.cost_before, review.cost_after = eb.total_usd, eh.total_usd


def _questions(review: ChangeReview) -> list[str]:
    qs: list[str] = []
    for c in review.resources:
        if c.change == "added" and c.kind in DATA_KINDS:
            qs.append(f"{c.address} is a new data store: how is it backed up, and has a restore been tested?")
        if c.change == "removed" and c.kind in DATA_KINDS:
            qs.append(f"{c.address} is removed: is its data retained (final snapshot, retention) and needed?")
        if c.change == "moved" and c.matched_by == "identity":
            qs.append(f"{c.old_address} → {c.address} has no moved block: Terraform recreates it.")
    for e in review.new_exposure:
        what = e.ports_added or e.kind
        qs.append(f"{e.target} is newly reachable from the internet ({what}): who needs it, and what "
                  "filters or authenticates the traffic?")  # fmt: skip
    for s in review.spofs:
        if s.change == "introduced":
            qs.append(f"{s.address} becomes a single point of failure ({s.rule_id}): what is the recovery?")
    return list(dict.fromkeys(qs))


# -- entry point --------------------------------------------------------------------------------
def diff_graphs(
    base: ResourceGraph,
    head: ResourceGraph,
    *,
    base_findings: Sequence[Finding] | None = None,
    head_findings: Sequence[Finding] | None = None,
    cost: bool = True,
) -> ChangeReview:
    """Compare two finished graphs of one repository (see the module docstring).

    ``base_findings``/``head_findings`` are the review's findings of each graph; without
    both, the findings delta is left empty (``compared`` False).
    """
    b, h = _compared(base), _compared(head)
    moves = match_moves(b, h, _moved_blocks(head))
    rename = {src: dst for src, (dst, _) in moves.items()}
    review = ChangeReview(moves=rename)
    review.resources = _resource_changes(b, h, moves)
    by_addr = {c.address: c for c in review.resources}
    review.exposures = _exposure_changes(base, head, rename, by_addr)
    review.spofs = _spof_changes(base, head, rename)
    review.blast = _blast_changes(base, head, review.resources, rename)
    review.findings = _findings_delta(base_findings, head_findings, rename)
    if cost:
        _cost_changes(base, head, rename, review)
    review.questions = _questions(review)
    return review
