"""JUnit XML output: one test suite per rule, one test case per rule × resource.

CI systems (GitLab, Jenkins, Azure DevOps) show JUnit natively, so a review becomes a test
report: a FAIL finding is a ``<failure>`` (type = severity, text = every message with location,
attribute and remediation), an UNKNOWN or suppressed one is ``<skipped>`` with the reason, a
PASS is a plain passing case.  A rule that crashed adds an ``<error>`` case to its suite.
Several findings of one rule on one resource (different attributes) are one test case.
Characters XML 1.0 cannot carry are dropped; everything else is escaped by ``xml.etree``.

>>> from infra_review.model import Finding, Area, Severity, Status
>>> xml = to_junit([Finding("TST001", Area.IAC, Severity.HIGH, Status.FAIL, "aws_s3_bucket.b", "m")])
>>> xml.splitlines()[1][:60]
'<testsuites name="infra-review" tests="1" failures="1" error'
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Sequence

from infra_review.model import Finding, Status
from infra_review.report.options import RenderOptions
from infra_review.review.result import ReviewResult, RuleError

__all__ = ["render_junit", "to_junit"]

_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: object) -> str:
    return _BAD_XML.sub("", str(text))


def _describe(f: Finding) -> str:
    where = f"{f.file}:{f.line}" if f.file and f.line else (f.file or "(no file)")
    parts = [f"[{f.severity.label}] {f.message}", f"  at {where}"]
    if f.attribute:
        parts.append(f"  attribute: {f.attribute}")
    return "\n".join(parts)


def to_junit(
    findings: Sequence[Finding], *, errors: Iterable[RuleError] = (), name: str = "infra-review"
) -> str:
    """The JUnit XML document (UTF-8 text with an XML declaration)."""
    by_rule: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        by_rule[f.rule_id][f.address].append(f)
    errs: dict[str, list[RuleError]] = defaultdict(list)
    for e in errors:
        errs[e.rule_id].append(e)

    root = ET.Element("testsuites", name=name)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for rule_id in sorted(set(by_rule) | set(errs)):
        cases = by_rule.get(rule_id, {})
        first = next((fs[0] for fs in cases.values()), None)
        area = str(first.area) if first else ""
        suite = ET.SubElement(root, "testsuite", name=rule_id)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for address in sorted(cases):
            fs = cases[address]
            case = ET.SubElement(
                suite, "testcase", name=_x(address), classname=f"infra_review.{area}.{rule_id}"
            )
            if fs[0].file:
                case.set("file", _x(fs[0].file))
                if fs[0].line:
                    case.set("line", str(fs[0].line))
            counts["tests"] += 1
            active = [f for f in fs if f.status == Status.FAIL and not f.suppressed]
            if active:
                worst = max(active, key=lambda f: f.severity)
                body = "\n\n".join(_describe(f) for f in active)
                if worst.remediation:
                    body += "\n\nRemediation:\n" + worst.remediation
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=_x(f"{worst.title or rule_id}: {worst.message}")[:500],
                    type=worst.severity.label,
                )
                failure.text = _x(body)
                counts["failures"] += 1
            elif any(f.status != Status.PASS for f in fs):
                reasons = []
                for f in fs:
                    if f.suppressed:
                        reasons.append(f"suppressed ({f.suppression_source}): {f.suppression_reason}")
                    elif f.status == Status.UNKNOWN:
                        reasons.append(f"unknown: {f.message}")
                ET.SubElement(case, "skipped", message=_x("; ".join(reasons))[:1000])
                counts["skipped"] += 1
        for e in errs.get(rule_id, []):
            case = ET.SubElement(
                suite, "testcase", name="(rule execution)", classname=f"infra_review.{rule_id}"
            )
            err = ET.SubElement(case, "error", message=_x(e.message), type=e.error_type)
            err.text = _x(e.message)
            counts["tests"] += 1
            counts["errors"] += 1
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render_junit(result: ReviewResult, options: RenderOptions | None = None) -> str:
    """``infra-review scan --format junit``: findings and rule crashes as one JUnit document."""
    del options  # nothing to choose
    return to_junit(result.findings, errors=result.errors)
