"""Inline suppressions: comments in the reviewed files that silence one finding, with a reason.

Two spellings are honoured, in any comment style the reviewed file uses (``#``, ``//``,
``/* */``; Terraform, YAML, Dockerfile, Compose)::

    # infra-review:ignore=NET007 bastion SG, source CIDR is the office VPN
    # infra-review:ignore=NET007,NET008 -- reason text
    #checkov:skip=CKV_AWS_24:bastion reached only through the VPN

Where they count:

- ``infra-review:ignore=<ids> <reason>`` on the first line of the resource's block (a trailing
  comment), on the comment lines directly above it (no blank line in between), or on/above the
  line the finding points at when that differs (a Dockerfile instruction, a nested block).
- For a resource inside a module, the same places around each enclosing ``module "x" {``
  call count too, so a finding in a vendored module can be suppressed where it is called.
- ``checkov:skip=<CKV id>:<reason>`` in the same places **or anywhere inside the block**
  (Checkov's own convention, so existing annotations keep working).  It applies to a finding
  when the rule declares that Checkov id (``@rule(..., checkov=["CKV_AWS_24"])``; a declared
  pattern such as ``CKV_SECRET_*`` matches too).

A suppression **without a reason is not honoured**: the finding stays active and its evidence
carries ``suppression_ignored`` explaining why.  Suppressed findings are never dropped; they
come back with ``suppressed=True``, ``suppression_reason`` and ``suppression_source``
(``inline:main.tf:12`` or ``checkov:main.tf:12``).

Comment lines come from the repository facts the loader gathered (``rg.facts``, read through
its one confined reader: inside the root, no symlink leading out, regular files only, a size
cap, strict decoding), and only for files the loader parsed (``rg.files``), by
:class:`SourceReader`.  Nothing here opens a file, and nothing is ever re-parsed.

>>> parse_directives("  # infra-review:ignore=NET007, NET008 -- office VPN only")
[Directive(kind='inline', ids=('NET007', 'NET008'), reason='office VPN only', line=0)]
>>> parse_directives('resource "x" "y" { #checkov:skip=CKV_AWS_24')
[Directive(kind='checkov', ids=('CKV_AWS_24',), reason='', line=0)]
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from infra_review.graph import ResourceGraph
from infra_review.model import FileStatus, Finding, Resource, Status
from infra_review.rules import RULES, Rule

__all__ = [
    "Directive",
    "SourceReader",
    "apply_inline_suppressions",
    "directives_for",
    "parse_directives",
]

_COMMENT = r"(?:#|//|/\*|<!--)"
_INLINE_RE = re.compile(
    _COMMENT + r"[ \t]*infra-review:[ \t]*ignore[ \t]*=[ \t]*"
    r"(?P<ids>[A-Za-z][A-Za-z0-9_]*(?:[ \t]*,[ \t]*[A-Za-z][A-Za-z0-9_]*)*)(?P<rest>.*)$",
    re.IGNORECASE,
)
_CHECKOV_RE = re.compile(
    _COMMENT + r"[ \t]*checkov:[ \t]*skip[ \t]*=[ \t]*(?P<ids>[A-Za-z][A-Za-z0-9_]*)(?P<rest>.*)$",
    re.IGNORECASE,
)
_COMMENT_LINE_RE = re.compile(r"^\s*(?:#|//|/\*|\*|<!--)")
_REASON_STRIP = " \t:;,-–—=*/>"


@dataclass(frozen=True, slots=True)
class Directive:
    """One suppression comment: ``kind`` (``inline`` or ``checkov``), ids, reason, 1-based line."""

    kind: str
    ids: tuple[str, ...]
    reason: str
    line: int = 0

    @property
    def source_label(self) -> str:
        return "inline" if self.kind == "inline" else "checkov"


def _clean_reason(rest: str) -> str:
    rest = re.sub(r"(\*/|-->)\s*$", "", rest)
    return rest.strip(_REASON_STRIP).strip()


def parse_directives(text: str, line: int = 0) -> list[Directive]:
    """Every suppression directive in one line of text."""
    out: list[Directive] = []
    m = _INLINE_RE.search(text)
    if m:
        ids = tuple(i.strip().upper() for i in m.group("ids").split(",") if i.strip())
        out.append(Directive("inline", ids, _clean_reason(m.group("rest")), line))
    m = _CHECKOV_RE.search(text)
    if m:
        out.append(Directive("checkov", (m.group("ids").upper(),), _clean_reason(m.group("rest")), line))
    return out


class SourceReader:
    """Lines of the files the loader parsed, from ``rg.facts``, once each.

    Only paths listed in ``rg.files`` with status parsed/partial are served; their text comes
    from :class:`~infra_review.model.facts.RepoFacts` (the loader's confined reader).
    Anything else gives ``None``.
    """

    def __init__(self, rg: ResourceGraph) -> None:
        self._facts = rg.facts
        self._parsed = {
            fr.path for fr in rg.files if fr.status in (FileStatus.PARSED, FileStatus.PARTIAL)
        }
        self._cache: dict[str, list[str] | None] = {}

    def lines(self, rel: str) -> list[str] | None:
        """The file's lines (index 0 is line 1), ``[]`` when it holds no suppression marker at
        all, or ``None`` when it may not or cannot be read."""
        if rel not in self._cache:
            self._cache[rel] = self._read(rel)
        return self._cache[rel]

    def _read(self, rel: str) -> list[str] | None:
        if rel not in self._parsed:
            return None
        text = self._facts.text(rel)
        if text is None:
            return None
        low = text.lower()
        if "infra-review" not in low and "checkov" not in low:
            return []  # no suppression marker anywhere: nothing to look up
        return text.replace("\r\n", "\n").split("\n")


def _is_comment(line: str) -> bool:
    return bool(_COMMENT_LINE_RE.match(line))


def _lines_on_or_above(lines: Sequence[str], line: int) -> list[int]:
    """``line`` itself and the contiguous comment lines directly above it (1-based)."""
    if line < 1 or line > len(lines):
        return []
    out = [line]
    i = line - 1
    while i >= 1 and _is_comment(lines[i - 1]):
        out.append(i)
        i -= 1
    return out


def directives_for(lines: Sequence[str], start: int, end: int = 0, finding_line: int = 0) -> list[Directive]:
    """The directives that apply to a block at ``start``..``end`` (finding at ``finding_line``)."""
    near: set[int] = set(_lines_on_or_above(lines, start))
    if finding_line and finding_line != start:
        near |= set(_lines_on_or_above(lines, finding_line))
    inside: set[int] = set(range(start, min(end, len(lines)) + 1)) if end >= start >= 1 else set()
    out: list[Directive] = []
    for n in sorted(near | inside):
        for d in parse_directives(lines[n - 1], n):
            if d.kind == "inline" and n not in near:
                continue
            out.append(d)
    return out


def _rule_checkov(rules: Iterable[Rule] | None) -> dict[str, tuple[str, ...]]:
    if rules is None:
        rules = RULES.values()
    return {r.id: tuple(c.upper() for c in r.checkov) for r in rules}


def _matches_checkov(skip_id: str, declared: tuple[str, ...]) -> bool:
    return any(skip_id == c or ("*" in c and fnmatch.fnmatchcase(skip_id, c)) for c in declared)


def apply_inline_suppressions(
    findings: Sequence[Finding], rg: ResourceGraph, rules: Iterable[Rule] | None = None
) -> list[Finding]:
    """Mark findings suppressed by comments in the reviewed files (see the module docstring)."""
    reader = SourceReader(rg)
    checkov = _rule_checkov(rules)
    memo: dict[tuple[str, int, int, int], list[Directive]] = {}
    calls: dict[str, list[tuple[str, int, int]]] = {}  # module path -> _module_calls(), once each
    return [_apply_one(f, rg, reader, checkov, memo, calls) for f in findings]


def _module_calls(rg: ResourceGraph, module: str) -> list[tuple[str, int, int]]:
    """Source blocks (file, line, end_line) of the module calls enclosing a resource, innermost first."""
    out: list[tuple[str, int, int]] = []
    parts = module.split(".") if module else []
    while len(parts) >= 2:
        addr = ".".join(parts)
        call = rg.get(addr) or rg.get(re.sub(r"\[[^\]]*\]$", "", addr))
        if call is not None and call.source is not None and call.source.line:
            out.append((call.source.file, call.source.line, call.source.end_line))
        parts = parts[:-2]
    return out


#: CloudFormation ``Metadata`` sections the loader normalises into ``meta["suppressions"]`` and
#: how their ids are matched: our own rule ids, or Checkov ids through a rule's ``checkov``.
#: (``cfn_nag`` ids have no correspondence to our rules and are never applied.)
_METADATA_KINDS = {"infra_review": "inline", "checkov": "checkov"}


def _metadata_suppression(
    f: Finding, res: Resource | None, checkov: Mapping[str, tuple[str, ...]], ignored: list[str]
) -> Finding | None:
    """The finding suppressed by its resource's ``Metadata`` (CloudFormation), else ``None``."""
    entries = res.meta.get("suppressions") if res is not None and res.meta else None
    for entry in entries if isinstance(entries, list) else ():
        kind = _METADATA_KINDS.get(str(entry.get("source", "")))
        ident = str(entry.get("id", ""))
        if kind is None or not ident:
            continue
        if kind == "inline":
            applies = ident.upper() == f.rule_id.upper()
        else:
            applies = _matches_checkov(ident, checkov.get(f.rule_id, ()))
        if not applies:
            continue
        where = f"{f.file}:{res.source.line if res is not None and res.source else f.line}"
        reason = str(entry.get("reason", "")).strip()
        if not reason:
            source = entry.get("source")
            ignored.append(f"Metadata {source} skip of {ident} at {where} gives no reason: not honoured")
            continue
        return dataclasses.replace(
            f,
            suppressed=True,
            suppression_reason=reason[:300],
            suppression_source=f"metadata {entry.get('source')}:{where}",
        )
    return None


def _apply_one(
    f: Finding,
    rg: ResourceGraph,
    reader: SourceReader,
    checkov: Mapping[str, tuple[str, ...]],
    memo: dict[tuple[str, int, int, int], list[Directive]],
    calls: dict[str, list[tuple[str, int, int]]] | None = None,
) -> Finding:
    if f.suppressed or f.status == Status.PASS or not f.file:
        return f
    res = rg.get(f.address)
    start, end = f.line, 0
    if res is not None and res.source is not None and res.source.file == f.file and res.source.line:
        start, end = res.source.line, res.source.end_line
    # the resource's own block first, then each enclosing module call (vendored modules)
    scopes: list[tuple[str, int, int, int]] = [(f.file, start, end, f.line)]
    if res is not None and res.module:
        if calls is None:
            enclosing = _module_calls(rg, res.module)
        else:
            enclosing = calls.get(res.module)
            if enclosing is None:
                enclosing = calls[res.module] = _module_calls(rg, res.module)
        scopes += [(file, line, end_line, 0) for file, line, end_line in enclosing]
    ignored: list[str] = []
    by_metadata = _metadata_suppression(f, res, checkov, ignored)
    if by_metadata is not None:
        return by_metadata
    for key in scopes:
        if key not in memo:
            lines = reader.lines(key[0])
            # [] means the file holds no suppression marker at all: nothing to look up
            memo[key] = directives_for(lines, key[1], key[2], key[3]) if lines else []
        for d in memo[key]:
            if d.kind == "inline":
                applies = f.rule_id.upper() in d.ids
            else:
                applies = _matches_checkov(d.ids[0], checkov.get(f.rule_id, ()))
            if not applies:
                continue
            where = f"{key[0]}:{d.line}"
            if not d.reason:
                spelled = "infra-review:ignore" if d.kind == "inline" else "checkov:skip"
                ignored.append(f"{spelled} at {where} gives no reason, so it is not honoured")
                continue
            return dataclasses.replace(
                f,
                suppressed=True,
                suppression_reason=d.reason[:300],
                suppression_source=f"{d.source_label}:{where}",
            )
    if ignored:
        evidence: dict[str, Any] = dict(f.evidence)
        evidence["suppression_ignored"] = "; ".join(ignored)
        return dataclasses.replace(f, evidence=evidence)
    return f
