"""The review persona as data: its areas, bullets and red flags, each mapped to what checks it.

The persona (``infra_review/data/persona.md``, a verbatim copy of the checklist this product
serves) names eight review areas and a list of red flags.  :data:`MAPPING` maps **every** bullet
— keyed by its text exactly as the persona writes it — to the rule ids and guided question ids
(``Q-...``, see :mod:`infra_review.rules.guided`) that serve it.  Notebooks walk
:func:`checklist` in the persona's order; ``infra-review rules --format json`` reports, per rule,
the bullets it serves (:func:`bullets_for`).  A test asserts that no bullet is left unmapped
and that every mapped id exists; ids that rule authors have not registered yet are listed,
visibly, in :data:`PENDING`.

>>> p = load_persona()
>>> [s.title for s in p.sections][:2]
['IaC Best Practices', 'Container & Orchestration']
>>> p.sections[0].bullets[1]
'State management (remote backend, locking)'
>>> MAPPING["State management (remote backend, locking)"]
('IAC004', 'IAC005', 'IAC006')
>>> AREA_TITLES[Area.IAC], AREA_TITLES[Area.SPOF]
('IaC Best Practices', 'Single points of failure')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from infra_review.model import Area, Finding

__all__ = [
    "AREA_OF_SECTION",
    "AREA_TITLES",
    "MAPPING",
    "PENDING",
    "ChecklistItem",
    "Persona",
    "PersonaSection",
    "bullets_for",
    "checklist",
    "findings_by_item",
    "load_persona",
    "parse_persona",
]

#: Persona section title → review area.
AREA_OF_SECTION: dict[str, Area] = {
    "IaC Best Practices": Area.IAC,
    "Container & Orchestration": Area.CONTAINERS,
    "Deployment & Rollout": Area.DEPLOYMENT,
    "Networking & Security": Area.NETWORK_SECURITY,
    "Monitoring & Reliability": Area.MONITORING,
    "Backup & Recovery": Area.BACKUP,
    "Cost Optimization": Area.COST,
    "Red Flags": Area.RED_FLAGS,
}

#: Review area → its title: the persona's section title, exactly as the persona writes it, and
#: for SPOF the persona's red-flag bullet.  The one set of area titles (workbench, reports,
#: ``docs/rules.md``, training), in the persona's order.
AREA_TITLES: dict[Area, str] = {area: title for title, area in AREA_OF_SECTION.items()} | {
    Area.SPOF: "Single points of failure"
}

#: Every persona bullet (text exactly as written) → the rule ids and guided question ids serving
#: it.  Rule ids follow the "Item" column of the rule catalog; ``Q-`` ids are guided questions.
MAPPING: dict[str, tuple[str, ...]] = {
    # -- IaC Best Practices --------------------------------------------------------------------
    "Terraform/CloudFormation/Pulumi modules are reusable": ("IAC001", "IAC002", "IAC003"),
    "State management (remote backend, locking)": ("IAC004", "IAC005", "IAC006"),
    "Variable validation and descriptions": ("IAC007", "IAC008"),
    "Output values for cross-stack references": ("IAC009", "IAC010"),
    "Proper resource tagging (cost, owner, environment)": ("IAC011", "IAC012", "COST008"),
    "Drift detection and prevention": ("IAC013", "IAC014", "Q-IAC-DRIFT"),
    # -- Container & Orchestration -------------------------------------------------------------
    "Minimal base images (distroless/alpine)": ("CTR001", "CTR002", "NET022", "NET023"),
    "Multi-stage builds for smaller images": ("CTR003", "CTR004"),
    "No secrets in images or environment variables": ("CTR005", "CTR006", "CTR007"),
    "Health checks and readiness probes": ("CTR008", "CTR009", "CTR010"),
    "Resource limits and requests": ("CTR011", "CTR012"),
    "Pod security policies/standards": ("CTR013", "CTR014", "CTR015"),
    "Network policies for segmentation": ("CTR016", "CTR017"),
    # -- Deployment & Rollout ------------------------------------------------------------------
    "Blue-green or canary deployment strategies": ("DEP001", "Q-DEP-ROLLOUT"),
    "Automated rollback triggers": ("DEP002", "DEP003"),
    "Database migration coordination": ("DEP004", "DEP005", "Q-DEP-MIGRATION"),
    "Feature flags for gradual rollout": ("DEP006", "Q-DEP-FLAGS"),
    "Zero-downtime deployments": ("DEP007", "DEP008"),
    "Graceful shutdown handling": ("DEP009", "DEP010", "DEP011"),
    # -- Networking & Security -----------------------------------------------------------------
    "Private subnets for compute resources": ("NET001", "NET002", "NET003"),
    "Public resources behind CDN/WAF": ("NET004", "NET005", "NET006"),
    "Security groups with minimal rules": ("NET007", "NET008", "NET009"),
    "TLS everywhere (cert management)": ("NET010", "NET011", "NET012", "NET017", "NET018", "NET019"),
    "VPN/bastion for admin access": ("NET013", "NET014"),
    "Network segmentation (DMZ, app, data tiers)": ("NET015", "NET016"),
    # -- Monitoring & Reliability --------------------------------------------------------------
    "Infrastructure monitoring (CPU, memory, disk, network)": ("MON001", "MON002", "Q-MON-COVERAGE"),
    "Application monitoring (APM, custom metrics)": ("MON003", "Q-MON-APM"),
    "Log aggregation and analysis": ("MON004", "MON005"),
    "Alerting with proper thresholds": ("MON006", "MON007", "Q-MON-THRESHOLDS"),
    "SLI/SLO/SLA definitions": ("MON008", "Q-MON-SLO"),
    "Runbooks for common issues": ("MON009", "Q-MON-RUNBOOKS"),
    "Chaos engineering practices": ("MON010", "Q-MON-CHAOS"),
    # -- Backup & Recovery ---------------------------------------------------------------------
    "Automated backup schedules": ("BAK001", "BAK002"),
    "Backup testing and validation": ("BAK003", "Q-BAK-RESTORE-TEST"),
    "Point-in-time recovery capability": ("BAK004",),
    "Multi-region backup storage": ("BAK005", "BAK006"),
    "RTO/RPO requirements met": ("BAK007", "Q-BAK-RTO-RPO"),
    "Disaster recovery procedures": ("BAK008", "BAK009", "Q-BAK-DR"),
    # -- Cost Optimization ---------------------------------------------------------------------
    "Right-sized instances": ("COST001", "COST002", "Q-COST-RIGHTSIZE"),
    "Reserved instances/savings plans": ("Q-COST-RI-SP",),
    "Spot instances for batch workloads": ("COST004", "COST005"),
    "Auto-scaling policies": ("COST006",),
    "Unused resource cleanup": ("COST007",),
    "Cost allocation tags": ("COST008", "IAC011"),
    # -- Red Flags -----------------------------------------------------------------------------
    "Manual infrastructure changes": ("RED001", "IAC013", "Q-RED-MANUAL"),
    "No version control for IaC": ("RED002", "IAC006"),
    "Hardcoded secrets or credentials": ("RED003", "CTR005", "CTR006", "CTR007"),
    "Missing monitoring/alerting": ("RED004", "MON001", "MON006"),
    "No backup strategy": ("RED005", "BAK001", "BAK002"),
    "Public S3 buckets or databases": ("RED006", "NET003", "NET017"),
    "Overly permissive IAM policies": ("RED007", "NET020", "NET021"),
    "No resource limits on containers": ("RED008", "CTR011", "CTR012"),
    "Single points of failure": (
        "RED009",
        "SPOF01",
        "SPOF02",
        "SPOF03",
        "SPOF04",
        "SPOF05",
        "SPOF06",
        "SPOF07",
        "SPOF08",
        "SPOF09",
    ),
    "No documentation or runbooks": ("RED010", "MON009", "Q-RED-DOCS"),
}

#: Mapped rule ids that no rule module registers yet.  Must end up empty; a test checks that
#: every id here is really unregistered (so the list cannot go stale) and that every other
#: mapped id exists.
PENDING: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PersonaSection:
    """One ``###`` area under "Key Review Areas", or the "Red Flags" list."""

    title: str
    bullets: tuple[str, ...]

    @property
    def area(self) -> Area:
        return AREA_OF_SECTION[self.title]


@dataclass(frozen=True, slots=True)
class Persona:
    """The parsed persona: core principles, the review-area sections, then the red flags."""

    title: str
    principles: tuple[str, ...]
    sections: tuple[PersonaSection, ...]

    @property
    def red_flags(self) -> tuple[str, ...]:
        return next((s.bullets for s in self.sections if s.title == "Red Flags"), ())

    @property
    def bullets(self) -> list[tuple[str, str]]:
        """Every (section title, bullet text) pair that must be mapped, in persona order."""
        return [(s.title, b) for s in self.sections for b in s.bullets]


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*?)\s*$")


def parse_persona(text: str) -> Persona:
    """Parse the persona markdown: ``## Core Principles``, ``## Key Review Areas`` → ``###``
    areas, ``## Red Flags``; bullets are ``- text`` lines kept exactly as written.
    """
    title = ""
    principles: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    h2 = ""
    current: list[str] | None = None
    for line in text.splitlines():
        m = _HEADING.match(line)
        if m:
            level, heading = len(m.group(1)), m.group(2)
            if level == 1:
                title = heading
                current = None
            elif level == 2:
                h2 = heading
                current = None
                if heading == "Red Flags":
                    sections.append((heading, []))
                    current = sections[-1][1]
                elif heading == "Core Principles":
                    current = principles
            elif level == 3 and h2 == "Key Review Areas":
                sections.append((heading, []))
                current = sections[-1][1]
            continue
        b = _BULLET.match(line)
        if b and current is not None:
            current.append(b.group(1))
    return Persona(title, tuple(principles), tuple(PersonaSection(t, tuple(bs)) for t, bs in sections))


@cache
def load_persona() -> Persona:
    """The persona bundled with the package (``infra_review/data/persona.md``)."""
    text = resources.files("infra_review").joinpath("data/persona.md").read_text(encoding="utf-8")
    return parse_persona(text)


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One persona bullet with the rules and guided questions that serve it."""

    area: Area
    section: str
    text: str
    index: int  # position within its section, from 0
    rule_ids: tuple[str, ...]
    guided_ids: tuple[str, ...]

    @property
    def key(self) -> str:
        """A stable key for review state: ``"iac:1"``, ``"red_flags:6"``."""
        return f"{self.area}:{self.index}"


def checklist(persona: Persona | None = None) -> list[ChecklistItem]:
    """Every persona bullet in order, with its mapped ids (unmapped bullets get empty tuples).

    >>> item = checklist()[0]
    >>> item.key, item.rule_ids
    ('iac:0', ('IAC001', 'IAC002', 'IAC003'))
    """
    p = persona or load_persona()
    out: list[ChecklistItem] = []
    for s in p.sections:
        for i, text in enumerate(s.bullets):
            ids = MAPPING.get(text, ())
            out.append(
                ChecklistItem(
                    area=AREA_OF_SECTION.get(s.title, Area.RED_FLAGS),
                    section=s.title,
                    text=text,
                    index=i,
                    rule_ids=tuple(x for x in ids if not x.startswith("Q-")),
                    guided_ids=tuple(x for x in ids if x.startswith("Q-")),
                )
            )
    return out


@cache
def _reverse() -> dict[str, tuple[str, ...]]:
    rev: dict[str, list[str]] = {}
    for item in checklist():
        for x in (*item.rule_ids, *item.guided_ids):
            rev.setdefault(x, [])
            if item.text not in rev[x]:
                rev[x].append(item.text)
    return {k: tuple(v) for k, v in rev.items()}


def bullets_for(rule_or_question_id: str) -> tuple[str, ...]:
    """The persona bullets (exact text) a rule or guided question serves.

    >>> bullets_for("NET007")
    ('Security groups with minimal rules',)
    >>> bullets_for("Q-MON-SLO")
    ('SLI/SLO/SLA definitions',)
    """
    return _reverse().get(rule_or_question_id, ())


def findings_by_item(findings: Iterable[Finding], persona: Persona | None = None) -> dict[str, list[Finding]]:
    """Findings grouped by checklist item key (``"iac:1"``): each item gets its rules' findings.

    A finding can serve several items (``IAC011`` is tagging and cost allocation); every item
    is present, with an empty list when nothing was found.

    >>> from infra_review.model import Finding, Severity, Status
    >>> f = Finding("IAC004", Area.IAC, Severity.HIGH, Status.FAIL, "terraform", "local state")
    >>> [len(v) for k, v in findings_by_item([f]).items() if k.startswith("iac:")]
    [0, 1, 0, 0, 0, 0]
    """
    items = checklist(persona)
    by_rule: dict[str, list[str]] = {}
    for item in items:
        for rid in item.rule_ids:
            by_rule.setdefault(rid, []).append(item.key)
    out: dict[str, list[Finding]] = {item.key: [] for item in items}
    for f in findings:
        for key in by_rule.get(f.rule_id, ()):
            out[key].append(f)
    return out
