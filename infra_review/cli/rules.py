"""``infra-review rules``: list every rule and guided question with its documentation.

Formats: ``text`` (default; one block per rule with summary, *Why it matters*, *Remediation*,
*Example*), ``json`` (the catalog: ``kind``, ``id``, ``area``, ``severity``, ``title``,
``checkov``, ``persona`` and the doc sections) and ``markdown`` (the same as ``docs/rules.md``).
Positional ids/areas narrow the list: ``infra-review rules NET007 backup``.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from infra_review.report.rules_doc import catalog, render_rules_md
from infra_review.rules import GUIDED, RULES

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "only",
        nargs="*",
        metavar="ID_OR_AREA",
        help="show only these rule ids, guided question ids or areas (default: all)",
    )
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")


def _text(entries: list[dict[str, object]]) -> str:
    out: list[str] = []
    for e in entries:
        head = f"{e['id']}  [{e['severity']}]  {e['area']}  {e['title']}"
        out.append(head)
        out.append("-" * min(len(head), 100))
        if e["kind"] == "guided":
            out.append("Guided question (a reviewer decides).")
            if e.get("rule_ids"):
                out.append(f"Related rules: {', '.join(e['rule_ids'])}")  # type: ignore[arg-type]
        else:
            if e.get("summary") and e["summary"] != e["title"]:
                out.append(str(e["summary"]))
            for key, label in (
                ("why_it_matters", "Why it matters"),
                ("remediation", "Remediation"),
                ("example", "Example"),
            ):
                if e.get(key):
                    out += ["", f"{label}:", textwrap.indent(str(e[key]), "    ")]
            if e.get("checkov"):
                out.append(f"\nCheckov: {', '.join(e['checkov'])}")  # type: ignore[arg-type]
        if e.get("persona"):
            out.append(f"Persona: {'; '.join(e['persona'])}")  # type: ignore[arg-type]
        out.append("")
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    rules = list(RULES.values())
    questions = list(GUIDED.values())
    if args.only:
        ids = {w.lower() for w in args.only}
        areas = {w.lower().replace("-", "_") for w in args.only}
        rules = [r for r in rules if r.id.lower() in ids or str(r.area) in areas]
        questions = [q for q in questions if q.id.lower() in ids or str(q.area) in areas]
        if not rules and not questions:
            print(f"infra-review rules: nothing matches {' '.join(args.only)}", file=sys.stderr)
            return 2
    if args.format == "json":
        text = json.dumps(catalog(rules, questions), indent=2) + "\n"
    elif args.format == "markdown":
        text = render_rules_md(rules, questions)
    else:
        text = _text(catalog(rules, questions))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0
