"""The data model shared by every layer: resources, diagnostics, coverage and findings.

Everything here is a plain, frozen dataclass or an enum.  Loaders produce
:class:`Resource` and :class:`Diagnostic` objects, the graph stores them, rules and
analyses turn them into :class:`Finding` objects.  Nothing here knows a parser.

>>> Unresolved("var.size").is_ref
False
>>> Severity.HIGH > Severity.MEDIUM
True
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Area",
    "Diagnostic",
    "DiagnosticCode",
    "Edge",
    "FileRecord",
    "FileStatus",
    "Finding",
    "Resource",
    "Severity",
    "SourceLocation",
    "Status",
    "Unresolved",
    "is_unresolved",
]


class Severity(enum.IntEnum):
    """Finding severity, ordered so that ``max()`` and comparisons work."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        """``Severity.parse("high") is Severity.HIGH``."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            msg = f"unknown severity {text!r}; expected one of {', '.join(s.name.lower() for s in cls)}"
            raise ValueError(msg) from None

    def lowered(self) -> Severity:
        """One level lower, never below INFO."""
        return Severity(max(0, self - 1))

    @property
    def label(self) -> str:
        return self.name.lower()


class Area(enum.StrEnum):
    """The review areas of the persona (plus ``spof``, which the persona lists as a red flag)."""

    IAC = "iac"
    CONTAINERS = "containers"
    DEPLOYMENT = "deployment"
    NETWORK_SECURITY = "network_security"
    MONITORING = "monitoring"
    BACKUP = "backup"
    COST = "cost"
    RED_FLAGS = "red_flags"
    SPOF = "spof"


class Status(enum.StrEnum):
    """Outcome of one rule on one resource.  UNKNOWN means "could not be decided statically"."""

    FAIL = "FAIL"
    UNKNOWN = "UNKNOWN"
    PASS = "PASS"


class FileStatus(enum.StrEnum):
    """What happened to one file under the reviewed root."""

    PARSED = "parsed"
    PARTIAL = "partial"  # parsed, but part of it was lost (e.g. one broken YAML document)
    SKIPPED = "skipped"  # deliberately not parsed (reason says why)
    FAILED = "failed"  # tried and failed (diagnostics say why)


class DiagnosticCode(enum.StrEnum):
    """Every problem a load can report.  Messages never contain file content."""

    PARSE_ERROR = "PARSE_ERROR"
    DECODE_ERROR = "DECODE_ERROR"
    TOO_LARGE = "TOO_LARGE"
    TIMEOUT = "TIMEOUT"
    RESOURCE_LIMIT = "RESOURCE_LIMIT"
    DEPTH_LIMIT = "DEPTH_LIMIT"
    ALIAS_LIMIT = "ALIAS_LIMIT"
    BINARY = "BINARY"
    SYMLINK_SKIPPED = "SYMLINK_SKIPPED"
    UNREADABLE = "UNREADABLE"
    NOT_REGULAR = "NOT_REGULAR"
    PARTIAL = "PARTIAL"
    DUPLICATE_KEY = "DUPLICATE_KEY"
    MODULE_UNRESOLVED = "MODULE_UNRESOLVED"
    UNSUPPORTED = "UNSUPPORTED"
    BUDGET_EXCEEDED = "BUDGET_EXCEEDED"
    ENCODING_WARNING = "ENCODING_WARNING"
    EVAL_WARNING = "EVAL_WARNING"


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where something is written: a path relative to the reviewed root, 1-based lines."""

    file: str
    line: int = 0
    end_line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A value that cannot be known statically.  Rules meeting one answer UNKNOWN, never PASS.

    ``expr`` is the source expression (``"var.size"``, ``"aws_subnet.a.id"``), ``refs`` the graph
    addresses it refers to (``("aws_subnet.a",)``), so that analyses can still follow it, and
    ``reason`` a short explanation (``"no default and no tfvars"``).
    """

    expr: str
    refs: tuple[str, ...] = ()
    reason: str = ""

    @property
    def is_ref(self) -> bool:
        """True when the value is (or contains) a reference to another graph node."""
        return bool(self.refs)

    def __str__(self) -> str:
        return f"${{{self.expr}}}"


def is_unresolved(value: Any) -> bool:
    """True for an :class:`Unresolved` marker.

    >>> is_unresolved(Unresolved("var.x")), is_unresolved("x")
    (True, False)
    """
    return isinstance(value, Unresolved)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem met while loading: code, location and a short message with no file content."""

    code: DiagnosticCode
    file: str
    line: int = 0
    column: int = 0
    message: str = ""

    def __post_init__(self) -> None:
        if len(self.message) > 300:
            object.__setattr__(self, "message", self.message[:297] + "...")

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": str(self.code),
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class FileRecord:
    """Coverage of one file under the root: parsed, partial, skipped or failed, and why."""

    path: str
    #: terraform | tfvars | terraform_json | terraform_plan | kubernetes | dockerfile | compose | other
    kind: str
    status: FileStatus
    reason: str = ""  # short, machine-friendly: "not an IaC file", "too large", "parse error", ...
    diagnostics: tuple[Diagnostic, ...] = ()
    size: int = 0
    sha256: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "status": str(self.status),
            "reason": self.reason,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }


@dataclass(frozen=True, slots=True)
class Resource:
    """One node of the resource graph.

    ``address`` is stable and unique (``aws_instance.web``, ``module.vpc.aws_subnet.public[0]``,
    ``data.aws_iam_policy_document.p``, ``var.region``, ``k8s:apps/Deployment/default/api``).
    ``kind`` is the type (``aws_instance``, ``k8s:Deployment``, ``dockerfile``); ``block`` says
    what sort of declaration it is (``resource``, ``data``, ``module``, ``variable``, ``local``,
    ``output``, ``provider``, ``terraform``, ``import``, ``moved``, ``k8s``, ``dockerfile``,
    ``compose``, ``synthetic``).  ``attrs`` are plain normalised Python values: nested blocks
    are always lists of dicts, objects are dicts, and unknown values are :class:`Unresolved`.
    """

    address: str
    kind: str
    block: str = "resource"
    attrs: Mapping[str, Any] = field(default_factory=dict)
    source: SourceLocation | None = None
    module: str = ""  # "" for the root module, "module.vpc" / "module.a.module.b" otherwise
    provider: str = ""  # "aws", "aws.west" (alias), "kubernetes", ...
    format: str = "terraform"  # terraform | plan | kubernetes | dockerfile | compose | synthetic
    meta: Mapping[str, Any] = field(default_factory=dict)  # count.index, each.key, expanded, ...

    @property
    def name(self) -> str:
        """The last label: ``web`` for ``aws_instance.web[0]``."""
        return str(self.meta.get("name", self.address.rsplit(".", 1)[-1]))

    @property
    def file(self) -> str:
        return self.source.file if self.source else ""

    @property
    def line(self) -> int:
        return self.source.line if self.source else 0


@dataclass(frozen=True, slots=True)
class Edge:
    """A directed edge: ``source`` depends on ``target`` (``source`` references ``target``)."""

    source: str
    target: str
    kind: str  # ref | depends_on | module | in_subnet | uses_sg | sg_allows | routes_via | ...
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule outcome on one resource, with everything a reviewer needs to act on it."""

    rule_id: str
    area: Area
    severity: Severity
    status: Status
    address: str
    message: str
    file: str = ""
    line: int = 0
    attribute: str = ""  # "ingress[0].cidr_blocks" — the offending attribute path
    evidence: Mapping[str, Any] = field(default_factory=dict)
    remediation: str = ""
    title: str = ""
    suppressed: bool = False
    suppression_reason: str = ""
    suppression_source: str = ""  # "inline:main.tf:12", "checkov:main.tf:12", "baseline"

    @property
    def fingerprint(self) -> str:
        """Stable identity across runs (line numbers excluded so edits above do not churn it)."""
        return f"{self.rule_id}|{self.address}|{self.attribute}"
