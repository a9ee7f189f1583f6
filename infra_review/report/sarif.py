"""SARIF 2.1.0 output, shaped for GitHub code scanning.

- ``tool.driver.rules``: every rule that ran (or that has a result), with ``name``,
  ``shortDescription`` (title), ``fullDescription`` (summary), ``help`` (text and Markdown from
  the docstring), ``defaultConfiguration.level`` and ``properties`` (``tags``, ``area``,
  ``severity``, GitHub's ``security-severity``, ``checkov``).
- ``results``: FAIL findings as ``kind: "fail"`` with a level from the severity, UNKNOWN ones
  as ``kind: "review"`` (level ``none``, as SARIF requires for a non-fail kind); PASS findings
  only when asked.  Locations are relative (``uriBaseId: "%SRCROOT%"``) with ``region.startLine``
  (line 1 for a file-level finding) plus a logical location naming the resource address.
  GitHub rejects a whole upload when any result lacks a physical location, so a finding with
  no file (an implicit provider, a synthetic node) points at ``fallback_uri`` (``scan`` passes
  the repository README or its first parsed file) with ``properties.repository_level``.
  ``partialFingerprints`` carries the line-independent finding fingerprint.
- Suppressed findings keep their result and carry ``suppressions``: ``inSource`` for comment
  suppressions, ``external`` for the baseline, each with its justification.
- Rules that crashed become ``toolExecutionNotifications`` and ``executionSuccessful: false``.

Evidence goes under ``properties.evidence`` after :func:`infra_review.review.scrub`.

>>> from infra_review.model import Finding, Area, Severity, Status
>>> log = to_sarif([Finding("TST001", Area.IAC, Severity.HIGH, Status.FAIL, "aws_s3_bucket.b", "m",
...                         file="s3.tf", line=4)], rules=[])
>>> log["version"], log["runs"][0]["results"][0]["level"]
('2.1.0', 'error')
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from infra_review import __version__
from infra_review.model import FileStatus, Finding, Severity, Status
from infra_review.report.options import RenderOptions
from infra_review.report.rules_doc import SECTIONS, rule_markdown, rule_slug
from infra_review.review.engine import scrub
from infra_review.review.result import ReviewResult, RuleError
from infra_review.rules import RULES, Rule

__all__ = ["SARIF_SCHEMA", "SECURITY_SEVERITY", "dumps_sarif", "level_of", "render_sarif", "to_sarif"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

#: GitHub maps security-severity > 9.0 to critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
SECURITY_SEVERITY: Mapping[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
_SECURITY_AREAS = {"network_security", "red_flags", "containers"}


def level_of(severity: Severity) -> str:
    """SARIF level: critical/high → error, medium → warning, low/info → note."""
    if severity >= Severity.HIGH:
        return "error"
    if severity == Severity.MEDIUM:
        return "warning"
    return "note"


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    text_parts = [rule.summary] + [f"{s}:\n{rule.section(s)}" for s in SECTIONS if rule.section(s)]
    area = str(rule.area)
    tags = [area, "security" if area in _SECURITY_AREAS else "reliability", "infrastructure-as-code"]
    desc: dict[str, Any] = {
        "id": rule.id,
        "name": rule_slug(rule),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.summary or rule.title},
        "help": {"text": "\n\n".join(p for p in text_parts if p), "markdown": rule_markdown(rule, "##")},
        "defaultConfiguration": {"level": level_of(rule.severity)},
        "properties": {
            "tags": tags,
            "area": area,
            "severity": rule.severity.label,
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": "high",
            "checkov": list(rule.checkov),
        },
    }
    return desc


def _location(f: Finding, fallback_uri: str, prefix: str) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": quote(prefix + (f.file or fallback_uri)), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": max(1, f.line if f.file else 1)},
        },
        "logicalLocations": [{"fullyQualifiedName": f.address, "kind": "resource"}],
    }


def _suppression(f: Finding) -> dict[str, Any]:
    kind = "external" if f.suppression_source == "baseline" else "inSource"
    return {
        "kind": kind,
        "status": "accepted",
        "justification": f.suppression_reason or "suppressed",
        "properties": {"source": f.suppression_source},
    }


def _result(f: Finding, index: int | None, fallback_uri: str, prefix: str) -> dict[str, Any]:
    res: dict[str, Any] = {"ruleId": f.rule_id}
    if index is not None:
        res["ruleIndex"] = index
    if f.status == Status.FAIL:
        res["kind"] = "fail"
        res["level"] = level_of(f.severity)
    else:
        res["kind"] = "review" if f.status == Status.UNKNOWN else "pass"
        res["level"] = "none"
    text = f.message if f.status != Status.UNKNOWN else f"Could not be decided statically: {f.message}"
    res["message"] = {"text": text or f.title or f.rule_id}
    res["locations"] = [_location(f, fallback_uri, prefix)]
    res["partialFingerprints"] = {
        "infraReviewFinding/v1": hashlib.sha256(f.fingerprint.encode()).hexdigest()[:32]
    }
    res["properties"] = {
        "address": f.address,
        "attribute": f.attribute,
        "area": str(f.area),
        "severity": f.severity.label,
        "status": str(f.status),
        "evidence": scrub(f.evidence),
    }
    if not f.file:
        res["properties"]["repository_level"] = True
    if f.suppressed:
        res["suppressions"] = [_suppression(f)]
    return res


def _notification(e: RuleError, index: int | None) -> dict[str, Any]:
    """A ``toolExecutionNotification`` for a rule that raised: ``associatedRule`` names it
    (with its index in the driver's rules when it is there)."""
    rule_ref: dict[str, Any] = {"id": e.rule_id}
    if index is not None:
        rule_ref["index"] = index
    return {
        "level": "error",
        "message": {"text": f"{e.label}: {e.message}; findings of this rule may be missing"},
        "descriptor": {"id": e.rule_id},
        "associatedRule": rule_ref,
        "properties": {"error_type": e.error_type, "hits_kept": e.hits_kept},
    }


def to_sarif(
    findings: Sequence[Finding],
    *,
    rules: Iterable[Rule] | None = None,
    errors: Iterable[RuleError] = (),
    include_pass: bool = False,
    fallback_uri: str = ".",
    uri_prefix: str = "",
) -> dict[str, Any]:
    """One SARIF log with one run.  ``rules`` are the rules that ran (default: the registry's
    rules that have a finding); rule ids of findings not among them are looked up in the
    registry and added.  ``fallback_uri`` locates findings that have no file; ``uri_prefix``
    (``infra/``) is put before every path when the scanned directory is a sub-directory of
    the repository GitHub checks out, so that alerts land on the right files.
    """
    prefix = uri_prefix.strip("/") + "/" if uri_prefix.strip("/") else ""
    chosen = list(rules) if rules is not None else []
    ids = {r.id for r in chosen}
    for f in findings:
        if f.rule_id not in ids and f.rule_id in RULES:
            chosen.append(RULES[f.rule_id])
            ids.add(f.rule_id)
    chosen.sort(key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(chosen)}
    results = [
        _result(f, index.get(f.rule_id), fallback_uri, prefix)
        for f in findings
        if include_pass or f.status != Status.PASS
    ]
    errs = list(errors)
    invocation: dict[str, Any] = {"executionSuccessful": not errs}
    if errs:
        invocation["toolExecutionNotifications"] = [_notification(e, index.get(e.rule_id)) for e in errs]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "infra-review",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule_descriptor(r) for r in chosen],
                    }
                },
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def dumps_sarif(findings: Sequence[Finding], **kwargs: Any) -> str:
    """:func:`to_sarif` as indented JSON text."""
    return json.dumps(to_sarif(findings, **kwargs), indent=2) + "\n"


def render_sarif(result: ReviewResult, options: RenderOptions | None = None) -> str:
    """``infra-review scan --format sarif``: the rules that ran, their findings and crashes.

    A finding without a file points at the repository README, else its first parsed file.
    """
    opts = options or RenderOptions()
    rg = result.graph
    parsed = sorted(f.path for f in rg.files if f.status in (FileStatus.PARSED, FileStatus.PARTIAL))
    fallback = rg.repo.get("readme") or (parsed[0] if parsed else ".")
    return dumps_sarif(
        result.findings,
        rules=result.rules,
        errors=result.errors,
        fallback_uri=fallback,
        uri_prefix=opts.uri_prefix,
    )
