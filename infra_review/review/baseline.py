"""Baselines: accept today's findings once, report only new ones from then on.

``infra-review scan PATH --create-baseline .infra-review-baseline.json`` writes the
fingerprints of every active (not suppressed) FAIL and UNKNOWN finding; a later
``infra-review scan PATH --baseline .infra-review-baseline.json`` marks each finding whose
fingerprint is in the file as suppressed (``suppression_source="baseline"``), so only new
findings count toward the exit code.  Baselined findings stay in every output, marked.

A fingerprint is the rule id, the address and the attribute path plus a short hash of the
message: line numbers are left out, so edits elsewhere in a file do not churn it, while a
changed problem on the same attribute (a new port opened, say) shows up as new.

The file is JSON::

    {"version": 1, "tool": "infra-review", "created": "2026-11-26T21:30:00Z",
     "findings": [{"fingerprint": "...", "rule_id": "NET007", "address": "aws_security_group.web",
                   "attribute": "ingress[0].cidr_blocks", "message_hash": "3f2a...",
                   "severity": "critical", "file": "network.tf"}]}

>>> from infra_review.model import Area, Finding, Severity, Status
>>> f = Finding("NET007", Area.NETWORK_SECURITY, Severity.CRITICAL, Status.FAIL,
...             "aws_security_group.web", "SSH open to 0.0.0.0/0", attribute="ingress[0]")
>>> bl = Baseline.from_findings([f])
>>> [(g.suppressed, g.suppression_source) for g in bl.apply([f])]
[(True, 'baseline')]
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra_review.model import Finding, Status
from infra_review.model.errors import InfraReviewError

__all__ = ["BASELINE_VERSION", "Baseline", "BaselineError", "fingerprint", "message_hash"]

BASELINE_VERSION = 1
#: A baseline larger than this is refused (it is user input, read whole).
MAX_BASELINE_BYTES = 50 * 1024 * 1024


class BaselineError(InfraReviewError):
    """A baseline file is missing, unreadable or not a baseline."""

    def __init__(self, path: str, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"baseline {path}: {detail}")


def message_hash(message: str) -> str:
    """A short, whitespace-insensitive hash of a finding message.

    >>> message_hash("a  b") == message_hash("a b")
    True
    """
    return hashlib.sha256(" ".join(message.split()).encode()).hexdigest()[:16]


def fingerprint(f: Finding) -> str:
    """``rule_id|address|attribute|message_hash`` for one finding."""
    return f"{f.fingerprint}|{message_hash(f.message)}"


@dataclass(slots=True)
class Baseline:
    """A set of accepted finding fingerprints, with the entries they came from."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    created: str = ""
    path: str = ""

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(str(e["fingerprint"]) for e in self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, f: object) -> bool:
        return isinstance(f, Finding) and fingerprint(f) in self.fingerprints

    @classmethod
    def from_findings(cls, findings: Iterable[Finding]) -> Baseline:
        """A baseline accepting every active FAIL/UNKNOWN finding in ``findings``."""
        entries: dict[str, dict[str, Any]] = {}
        for f in findings:
            if f.suppressed or f.status == Status.PASS:
                continue
            fp = fingerprint(f)
            entries.setdefault(
                fp,
                {
                    "fingerprint": fp,
                    "rule_id": f.rule_id,
                    "address": f.address,
                    "attribute": f.attribute,
                    "message_hash": message_hash(f.message),
                    "severity": f.severity.label,
                    "status": str(f.status),
                    "file": f.file,
                },
            )
        now = _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        return cls(entries=sorted(entries.values(), key=lambda e: e["fingerprint"]), created=now)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": BASELINE_VERSION,
            "tool": "infra-review",
            "created": self.created,
            "findings": self.entries,
        }

    def dumps(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False) + "\n"

    def save(self, path: str | Path) -> None:
        """Write the baseline as JSON (never into the reviewed repository: the caller decides)."""
        Path(path).write_text(self.dumps(), encoding="utf-8")

    @classmethod
    def loads(cls, text: str, path: str = "<string>") -> Baseline:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BaselineError(path, f"not JSON (line {exc.lineno}, column {exc.colno})") from None
        if not isinstance(data, Mapping) or not isinstance(data.get("findings"), list):
            raise BaselineError(path, "not an infra-review baseline (no 'findings' list)")
        version = data.get("version")
        if version != BASELINE_VERSION:
            raise BaselineError(path, f"unsupported baseline version {version!r}")
        entries: list[dict[str, Any]] = []
        for i, e in enumerate(data["findings"]):
            if not isinstance(e, Mapping) or not isinstance(e.get("fingerprint"), str):
                raise BaselineError(path, f"entry {i} has no fingerprint")
            entries.append(dict(e))
        return cls(entries=entries, created=str(data.get("created", "")), path=path)

    @classmethod
    def load(cls, path: str | Path) -> Baseline:
        """Read a baseline file.  Raises :class:`BaselineError` when it is unusable."""
        p = Path(path)
        try:
            if not p.is_file():
                raise BaselineError(str(path), "no such file")
            if p.stat().st_size > MAX_BASELINE_BYTES:
                raise BaselineError(str(path), "file too large")
            text = p.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise BaselineError(str(path), f"unreadable ({type(exc).__name__})") from None
        return cls.loads(text, str(path))

    def unmatched(self, findings: Iterable[Finding]) -> list[dict[str, Any]]:
        """Baseline entries no finding matches any more (fixed, renamed or reworded).

        >>> from infra_review.model import Area, Finding, Severity, Status
        >>> f = Finding("IAC007", Area.IAC, Severity.LOW, Status.FAIL, "var.a", "no description")
        >>> [e["address"] for e in Baseline.from_findings([f]).unmatched([])]
        ['var.a']
        """
        seen = {fingerprint(f) for f in findings}
        return [e for e in self.entries if e["fingerprint"] not in seen]

    def apply(self, findings: Sequence[Finding]) -> list[Finding]:
        """Mark the findings this baseline accepts as suppressed (source ``baseline``)."""
        known = self.fingerprints
        reason = "accepted in baseline" + (f" created {self.created}" if self.created else "")
        out: list[Finding] = []
        for f in findings:
            if not f.suppressed and f.status != Status.PASS and fingerprint(f) in known:
                f = dataclasses.replace(
                    f, suppressed=True, suppression_reason=reason, suppression_source="baseline"
                )
            out.append(f)
        return out
