"""Score a trainee's suspected flaws against an exercise's answer key.

A **submission** is a list of suspicions ``{resource, area, note}``: the address of a
resource the trainee suspects (as the tool names it: ``aws_instance.web``,
``aws_subnet.public[0]``, ``k8s:apps/Deployment/shop/api``, ``var.db_password``,
``terraform``, ``provider.aws``), the persona area, and a note.

Matching (documented here and in the notebook):

* A suspicion is **eligible** for a key flaw when its resource *matches* one of the flaw's
  resources: the same address; or the same resource without its instance index
  (``aws_subnet.public`` matches a flaw listing ``aws_subnet.public[0]``, and the reverse).
  Whitespace around the address is ignored; nothing else is fuzzy.
* **Repository-level flaws** (the key lists ``terraform``, a ``provider.*`` block or a
  module's ``terraform`` block: no backend, unpinned providers …) can also be marked with
  the pseudo-resource :data:`REPOSITORY` (``"(repository)"``) — that suspicion is eligible
  for a repository-level flaw when its area is the flaw's area.
* Each suspicion counts for at most one flaw and each flaw is found at most once.  Pairs are
  taken in this order: same area before a different area, then the more severe flaw, then
  key order, then submission order — so a suspicion on ``aws_instance.web`` marked
  ``monitoring`` counts for the monitoring flaw of that instance rather than for its
  network flaw.  A flaw found with a different area still counts as found (the feedback
  names the key's area).
* An eligible suspicion whose flaws are all already found is a **duplicate** (no penalty);
  a suspicion eligible for no flaw is a **false alarm**.

Score: every flaw weighs by its severity (critical 5, high 3, medium 2, low 1, info 0.5 —
:data:`~infra_review.training.keys.SEVERITY_WEIGHTS`); each false alarm costs
:data:`FALSE_ALARM_PENALTY` (1, the weight of a low flaw).  The percentage is
``max(0, found weight − penalty) / total weight × 100``, rounded to one decimal.

>>> from infra_review.training.keys import parse_key
>>> key = parse_key({"exercise": "00-demo", "level": "beginner", "flaws": [
...     {"id": "ssh", "title": "SSH open", "resources": ["aws_security_group.web"],
...      "area": "network_security", "severity": "critical", "why": "Scanned within minutes.",
...      "detected_by": "NET007"},
...     {"id": "backend", "title": "Local state", "resources": ["terraform"], "area": "iac",
...      "severity": "high", "why": "State lost with the laptop.", "detected_by": "guided"}]})
>>> r = score(key, [{"resource": "aws_security_group.web", "area": "network_security"},
...                 {"resource": "aws_instance.web", "area": "cost"}])
>>> (len(r.found), len(r.missed), len(r.false_alarms), r.percent)
(1, 1, 1, 50.0)
>>> score(key, [{"resource": "(repository)", "area": "iac"}]).found[0].flaw.id
'backend'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from infra_review.rules import RULES
from infra_review.training.keys import AREAS, AnswerKey, KeyFlaw

__all__ = [
    "FALSE_ALARM_PENALTY",
    "REPOSITORY",
    "FlawResult",
    "ScoreResult",
    "Suspicion",
    "load_submission",
    "parse_submission",
    "score",
]

REPOSITORY = "(repository)"
FALSE_ALARM_PENALTY = 1.0
_INDEX = re.compile(r"\[[^\[\]]*\]$")


@dataclass(frozen=True, slots=True)
class Suspicion:
    """One suspected flaw: a resource address, a persona area and a note."""

    resource: str
    area: str
    note: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"resource": self.resource, "area": self.area, "note": self.note}


def parse_submission(items: Iterable[Mapping[str, Any] | Suspicion]) -> list[Suspicion]:
    """Validate a list of ``{resource, area, note}`` mappings (area must be a persona area)."""
    out = []
    for n, it in enumerate(items, 1):
        if isinstance(it, Suspicion):
            out.append(it)
            continue
        if not isinstance(it, Mapping):
            msg = f"suspicion {n}: expected a mapping with resource, area and note"
            raise ValueError(msg)
        resource = str(it.get("resource") or "").strip()
        area = str(it.get("area") or "").strip()
        if not resource:
            msg = f"suspicion {n}: no resource address"
            raise ValueError(msg)
        if area not in AREAS:
            msg = f"suspicion {n}: area must be one of {', '.join(AREAS)}, not {area!r}"
            raise ValueError(msg)
        out.append(Suspicion(resource, area, str(it.get("note") or "")))
    return out


def load_submission(path: str | Path) -> tuple[list[Suspicion], dict[str, Any]]:
    """Read a submission file (JSON or YAML): a list of suspicions, or a mapping with
    ``suspicions`` (and optionally ``trainee``/``exercise``, returned as the second value)."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data: Any = json.loads(text)
    except ValueError:
        data = yaml.safe_load(text)
    meta: dict[str, Any] = {}
    if isinstance(data, Mapping):
        meta = {k: v for k, v in data.items() if k != "suspicions"}
        data = data.get("suspicions", [])
    if not isinstance(data, list):
        msg = f"{path}: a submission is a list of {{resource, area, note}} (or a mapping with 'suspicions')"
        raise ValueError(msg)
    return parse_submission(data), meta


def _base(address: str) -> str:
    return _INDEX.sub("", address)


def _same_resource(a: str, b: str) -> bool:
    if a == b:
        return True
    return (_base(a) == b and a != b) or (_base(b) == a and a != b)


def is_repository_level(address: str) -> bool:
    """``terraform``, ``module.x.terraform`` and ``provider.*`` blocks describe the repository."""
    return address == "terraform" or address.endswith(".terraform") or address.startswith("provider.")


def eligible(s: Suspicion, f: KeyFlaw) -> bool:
    """Whether suspicion ``s`` can count for flaw ``f`` (see the module docstring)."""
    res = s.resource.strip()
    if res == REPOSITORY:
        return s.area == f.area and any(is_repository_level(r) for r in f.resources)
    return any(_same_resource(res, r) for r in f.resources)


@dataclass(frozen=True, slots=True)
class FlawResult:
    """A key flaw with the suspicion that found it (``None`` when missed)."""

    flaw: KeyFlaw
    suspicion: Suspicion | None = None

    @property
    def found(self) -> bool:
        return self.suspicion is not None

    @property
    def area_ok(self) -> bool:
        return self.suspicion is not None and self.suspicion.area == self.flaw.area

    def feedback(self) -> dict[str, Any]:
        """What the trainee learns about this flaw: the key, and the rule's documentation."""
        f = self.flaw
        rule = None if f.guided else RULES.get(f.detected_by)
        out: dict[str, Any] = {
            "id": f.id,
            "title": f.title,
            "severity": f.severity,
            "area": f.area,
            "resources": list(f.resources),
            "detected_by": f.detected_by,
            "why": f.why,
            "rule_title": rule.title if rule else "",
            "why_it_matters": (rule.section("Why it matters") if rule else "") or f.why,
            "remediation": rule.section("Remediation") if rule else "",
        }
        if self.suspicion is not None:
            out["your_suspicion"] = self.suspicion.to_dict()
            out["area_ok"] = self.area_ok
        return out


@dataclass
class ScoreResult:
    """Found / missed / false alarms, weighted by severity, with feedback."""

    exercise: str
    flaws: list[FlawResult]
    false_alarms: list[Suspicion] = field(default_factory=list)
    duplicates: list[Suspicion] = field(default_factory=list)

    @property
    def found(self) -> list[FlawResult]:
        return [r for r in self.flaws if r.found]

    @property
    def missed(self) -> list[FlawResult]:
        return [r for r in self.flaws if not r.found]

    @property
    def total_weight(self) -> float:
        return sum(r.flaw.weight for r in self.flaws)

    @property
    def found_weight(self) -> float:
        return sum(r.flaw.weight for r in self.found)

    @property
    def penalty(self) -> float:
        return FALSE_ALARM_PENALTY * len(self.false_alarms)

    @property
    def percent(self) -> float:
        if not self.total_weight:
            return 0.0
        return round(100.0 * max(0.0, self.found_weight - self.penalty) / self.total_weight, 1)

    def summary_line(self) -> str:
        """One deterministic line (the notebook prints it; nbval checks it)."""
        return (
            f"{self.exercise}: found {len(self.found)}/{len(self.flaws)} flaws, missed {len(self.missed)}, "
            f"false alarms {len(self.false_alarms)}; weighted {self.found_weight:g} - {self.penalty:g} "
            f"of {self.total_weight:g} = {self.percent:.1f}%"
        )

    def to_dict(self, *, feedback: bool = True) -> dict[str, Any]:
        """JSON-able result; ``feedback=False`` keeps only ids and numbers (what the store keeps)."""
        out: dict[str, Any] = {
            "exercise": self.exercise,
            "percent": self.percent,
            "found_weight": self.found_weight,
            "penalty": self.penalty,
            "total_weight": self.total_weight,
            "found": [r.flaw.id for r in self.found],
            "missed": [r.flaw.id for r in self.missed],
            "false_alarms": [s.to_dict() for s in self.false_alarms],
            "duplicates": [s.to_dict() for s in self.duplicates],
        }
        if feedback:
            out["feedback"] = {
                "found": [r.feedback() for r in self.found],
                "missed": [r.feedback() for r in self.missed],
            }
        return out


def score(key: AnswerKey, submission: Sequence[Mapping[str, Any] | Suspicion]) -> ScoreResult:
    """Match ``submission`` against ``key`` (rules in the module docstring)."""
    sus = parse_submission(submission)
    flaws = list(key.flaws)
    pairs = [
        (s.area != f.area, -f.weight, fi, si)
        for fi, f in enumerate(flaws)
        for si, s in enumerate(sus)
        if eligible(s, f)
    ]
    pairs.sort()
    taken_f: dict[int, int] = {}
    taken_s: set[int] = set()
    for _mismatch, _w, fi, si in pairs:
        if fi in taken_f or si in taken_s:
            continue
        taken_f[fi] = si
        taken_s.add(si)
    eligible_s = {si for *_rest, si in pairs}
    results = [FlawResult(f, sus[taken_f[fi]] if fi in taken_f else None) for fi, f in enumerate(flaws)]
    false_alarms = [s for si, s in enumerate(sus) if si not in eligible_s]
    duplicates = [s for si, s in enumerate(sus) if si in eligible_s and si not in taken_s]
    return ScoreResult(key.exercise, results, false_alarms, duplicates)
