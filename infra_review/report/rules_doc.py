"""Rule documentation from the registry: ``python -m infra_review.report.rules_doc > docs/rules.md``.

The docstring of each rule *is* its documentation (summary, *Why it matters*, *Remediation*,
*Example*); this module turns the registry into the catalog (:func:`catalog`, the data behind
``infra-review rules --format json``) and into Markdown (:func:`render_rules_md`).  A test
regenerates ``docs/rules.md`` and compares, so the file never goes stale.

>>> rst_to_markdown("Set ``multi_az = true``.\\n\\n.. code-block:: hcl\\n\\n    multi_az = true\\n")
'Set `multi_az = true`.\\n\\n```hcl\\nmulti_az = true\\n```'
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Iterable
from typing import Any

from infra_review.model import Area
from infra_review.model.environment import NONPROD_WORDS, PREPROD_WORDS
from infra_review.model.persona import AREA_TITLES, bullets_for
from infra_review.rules import GUIDED, RULES, GuidedQuestion, Rule

__all__ = [
    "SECTIONS",
    "catalog",
    "guided_entry",
    "main",
    "render_rules_md",
    "rst_to_markdown",
    "rule_entry",
    "rule_markdown",
    "rule_slug",
]

#: The docstring sections every rule must have, in order.
SECTIONS = ("Why it matters", "Remediation", "Example")

_CODE_BLOCK = re.compile(r"^\.\.\s+code(?:-block)?::\s*(\S*)\s*$")


def rst_to_markdown(text: str) -> str:
    """Turn the small reStructuredText subset used in rule docstrings into Markdown."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _CODE_BLOCK.match(lines[i].strip())
        if m:
            lang = m.group(1)
            i += 1
            while i < len(lines) and not lines[i].strip():
                i += 1
            block: list[str] = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            out += [f"```{lang}", textwrap.dedent("\n".join(block)), "```"]
            if i < len(lines):
                out.append("")
            continue
        out.append(re.sub(r"``([^`]+)``", r"`\1`", lines[i]))
        i += 1
    return "\n".join(out).strip()


def rule_slug(rule: Rule) -> str:
    """The rule function's name in PascalCase (SARIF ``name``): ``ssh_open`` → ``SshOpen``."""
    return "".join(p[:1].upper() + p[1:] for p in rule.func.__name__.split("_") if p)


def rule_entry(rule: Rule) -> dict[str, Any]:
    """The catalog entry of one rule (``kind`` ``rule``)."""
    return {
        "kind": "rule",
        "id": rule.id,
        "area": str(rule.area),
        "severity": rule.severity.label,
        "title": rule.title,
        "checkov": list(rule.checkov),
        "persona": list(bullets_for(rule.id)),
        "no_env_downgrade": rule.no_env_downgrade,
        "summary": rule.summary,
        "why_it_matters": rule.section("Why it matters"),
        "remediation": rule.section("Remediation"),
        "example": rule.section("Example"),
    }


def guided_entry(q: GuidedQuestion) -> dict[str, Any]:
    """The catalog entry of one guided question (``kind`` ``guided``, severity ``info``)."""
    return {
        "kind": "guided",
        "id": q.id,
        "area": str(q.area),
        "severity": "info",
        "title": q.question,
        "checkov": [],
        "persona": list(bullets_for(q.id)),
        "rule_ids": list(q.rule_ids),
        "summary": q.question,
    }


def _area_key(area: Area) -> tuple[bool, int]:
    """Red flags first, then the persona's order."""
    order = list(AREA_TITLES)
    return area != Area.RED_FLAGS, order.index(area) if area in AREA_TITLES else len(order)


def catalog(
    rules: Iterable[Rule] | None = None, questions: Iterable[GuidedQuestion] | None = None
) -> list[dict[str, Any]]:
    """Every rule, then every guided question, each sorted by id."""
    rs = sorted(RULES.values() if rules is None else rules, key=lambda r: r.id)
    qs = sorted(GUIDED.values() if questions is None else questions, key=lambda q: q.id)
    return [rule_entry(r) for r in rs] + [guided_entry(q) for q in qs]


def _words(words: Iterable[str]) -> str:
    """```dev`, `test` or `qa``` for the rules page."""
    ticked = [f"`{w}`" for w in sorted(words)]
    return ", ".join(ticked[:-1]) + f" or {ticked[-1]}" if len(ticked) > 1 else "".join(ticked)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rule_markdown(rule: Rule, heading: str = "###") -> str:
    """One rule as a Markdown section: heading, facts table, summary and the three sections."""
    parts = [f"{heading} {rule.id}: {rule.title}", ""]
    facts = [
        ("Area", f"`{rule.area}`"),
        ("Severity", rule.severity.label),
        ("Checkov", ", ".join(f"`{c}`" for c in rule.checkov) or "—"),
        ("Persona", "; ".join(bullets_for(rule.id)) or "—"),
    ]
    if rule.no_env_downgrade:
        facts.append(("Non-production", "not lowered for dev/test/sandbox resources"))
    parts += ["| | |", "|---|---|"] + [f"| {k} | {_md_cell(v)} |" for k, v in facts] + [""]
    if rule.summary:
        parts += [rst_to_markdown(rule.summary), ""]
    for name in SECTIONS:
        body = rule.section(name)
        if body:
            parts += [f"**{name}**", "", rst_to_markdown(body), ""]
    return "\n".join(parts).rstrip() + "\n"


def render_rules_md(
    rules: Iterable[Rule] | None = None, questions: Iterable[GuidedQuestion] | None = None
) -> str:
    """The whole ``docs/rules.md``: an index per area, each rule, then the guided questions."""
    rs = sorted(RULES.values() if rules is None else rules, key=lambda r: (_area_key(r.area), r.id))
    qs = sorted(GUIDED.values() if questions is None else questions, key=lambda q: (_area_key(q.area), q.id))
    out = [
        "# infra-review rules",
        "",
        "<!-- Generated from the rule registry by `python -m infra_review.report.rules_doc > docs/rules.md`. "
        "Do not edit by hand. -->",
        "",
        f"{len(rs)} rules and {len(qs)} guided questions.",
        "",
        "## Using the rules",
        "",
        "- **Run a subset:** `infra-review scan PATH --select network_security,RED --ignore NET009` "
        "(rule ids, areas or id prefixes).",
        "- **Severity** is a default. A finding on a resource marked as non-production drops one "
        "level: an `environment`/`env`/`stage` tag or label (any case, also the provider's "
        f"`default_tags`) whose value contains {_words(NONPROD_WORDS)} (or `non-prod`); else a "
        "resource, namespace or module name, the directory of the root that instantiates it, or "
        "a directory of its file, with one of those words. "
        f"Pre-production ({_words(PREPROD_WORDS)}) is not dropped. Rules marked *not lowered* "
        "below (hardcoded secrets, public data) never drop.",
        "- **Suppress** one finding with a reason, in the reviewed file, on the block's first line "
        "or the comment lines directly above it: `# infra-review:ignore=NET007 office VPN only` "
        "(also `//`, several ids comma-separated; for a resource inside a module, also at the "
        "`module` call). Existing `#checkov:skip=CKV_AWS_24:reason` "
        "comments are honoured for rules that list that Checkov id. A suppression without a "
        "reason is ignored, and suppressed findings stay in every report, marked.",
        "- **Baseline:** `infra-review scan PATH --create-baseline baseline.json` accepts today's "
        "findings; `--baseline baseline.json` then reports only new ones as failing.",
        "- **Exit code:** 1 when an unsuppressed FAIL at or above `--fail-on` (default `high`) "
        "remains.",
        "",
        "## Index",
        "",
        "| Rule | Area | Severity | Title |",
        "|---|---|---|---|",
    ]
    out += [
        f"| [{r.id}](#{r.id.lower()}) | {AREA_TITLES.get(r.area, str(r.area))} | {r.severity.label} "
        f"| {_md_cell(r.title)} |"
        for r in rs
    ]
    out.append("")
    current: Area | None = None
    for r in rs:
        if r.area != current:
            current = r.area
            out += [f"## {AREA_TITLES.get(r.area, str(r.area))}", ""]
        out += [f'<a id="{r.id.lower()}"></a>', "", rule_markdown(r)]
    if qs:
        out += ["## Guided questions", ""]
        out += [
            "Checklist items only a reviewer can answer. The tool gathers the evidence the "
            "repository shows and asks the question.",
            "",
            "| Id | Area | Question | Persona | Related rules |",
            "|---|---|---|---|---|",
        ]
        out += [
            f"| {q.id} | {AREA_TITLES.get(q.area, str(q.area))} | {_md_cell(q.question)} | "
            f"{_md_cell('; '.join(bullets_for(q.id)))} | {', '.join(q.rule_ids) or '—'} |"
            for q in qs
        ]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print ``docs/rules.md`` to stdout."""
    del argv
    sys.stdout.write(render_rules_md())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
