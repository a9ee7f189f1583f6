"""The registry: every rule documents itself, ids fit areas, docs/rules.md is current, the catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra_review.cli import main
from infra_review.model import Area
from infra_review.model.persona import load_persona
from infra_review.report.rules_doc import SECTIONS, catalog, render_rules_md, rst_to_markdown
from infra_review.rules import GUIDED, RULES

ROOT = Path(__file__).resolve().parents[2]
PREFIX_AREA = {
    "IAC": Area.IAC,
    "CTR": Area.CONTAINERS,
    "DEP": Area.DEPLOYMENT,
    "NET": Area.NETWORK_SECURITY,
    "MON": Area.MONITORING,
    "BAK": Area.BACKUP,
    "COST": Area.COST,
    "RED": Area.RED_FLAGS,
    "SPOF": Area.SPOF,
}


def test_rules_are_registered():
    assert RULES, "no rules registered"
    assert GUIDED, "no guided questions registered"


def test_every_rule_documents_itself():
    problems = []
    for rid, r in sorted(RULES.items()):
        if not r.summary:
            problems.append(f"{rid}: no summary line")
        for section in SECTIONS:
            if not r.section(section):
                problems.append(f"{rid}: missing or empty section {section!r}")
        positions = [r.doc.find(f"\n{s}\n") for s in SECTIONS]
        if all(p >= 0 for p in positions) and positions != sorted(positions):
            problems.append(f"{rid}: sections out of order (want {', '.join(SECTIONS)})")
    assert not problems, "rule docstrings need numpydoc sections:\n" + "\n".join(problems)


def test_ids_titles_and_areas_agree():
    problems = []
    for rid, r in sorted(RULES.items()):
        prefix = rid.rstrip("0123456789")
        if PREFIX_AREA.get(prefix) != r.area:
            problems.append(f"{rid}: area {r.area} does not match prefix {prefix}")
        if not r.title or r.title.endswith("."):
            problems.append(f"{rid}: title must be a short phrase without a final period")
        if any(not c.startswith("CKV") for c in r.checkov):
            problems.append(f"{rid}: checkov ids must look like CKV_AWS_24: {r.checkov}")
    assert not problems, "\n".join(problems)


def test_docs_rules_md_is_current():
    path = ROOT / "docs" / "rules.md"
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    assert render_rules_md() == current, (
        "docs/rules.md is out of date with the rule registry; regenerate it with\n"
        "    .venv/bin/python -m infra_review.report.rules_doc > docs/rules.md\n"
        "and commit the result."
    )


def test_rules_md_mentions_every_rule_and_question():
    md = render_rules_md()
    for rid in RULES:
        assert f'<a id="{rid.lower()}"></a>' in md
    for qid in GUIDED:
        assert f"| {qid} |" in md


def test_catalog_entries():
    entries = catalog()
    assert [e["id"] for e in entries if e["kind"] == "rule"] == sorted(RULES)
    assert [e["id"] for e in entries if e["kind"] == "guided"] == sorted(GUIDED)
    bullets = {b for _, b in load_persona().bullets}
    for e in entries:
        assert {"kind", "id", "area", "severity", "title", "checkov", "persona"} <= set(e)
        assert e["area"] in {a.value for a in Area}
        assert isinstance(e["checkov"], list)
        assert set(e["persona"]) <= bullets, f"{e['id']}: persona text must match the persona exactly"
    json.dumps(entries)


def test_cli_rules_json(capsys):
    assert main(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ids = {e["id"] for e in data}
    assert ids == set(RULES) | set(GUIDED)
    slo = next(e for e in data if e["id"] == "Q-MON-SLO")
    assert slo["kind"] == "guided"
    assert slo["persona"] == ["SLI/SLO/SLA definitions"]


def test_cli_rules_text_and_filters(capsys):
    rid = sorted(RULES)[0]
    assert main(["rules", rid, "monitoring"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(rid)
    assert "Remediation:" in out
    assert "Q-MON-SLO" in out
    assert main(["rules", "NOPE999"]) == 2
    capsys.readouterr()
    assert main(["rules", "q-bak-dr"]) == 0
    assert capsys.readouterr().out.startswith("Q-BAK-DR  [info]  backup")


def test_cli_rules_markdown_matches_docs(capsys, tmp_path):
    out = tmp_path / "rules.md"
    assert main(["rules", "--format", "markdown", "-o", str(out)]) == 0
    assert out.read_text() == render_rules_md()


@pytest.mark.parametrize(
    ("rst", "md"),
    [
        ("Use ``x``.", "Use `x`."),
        (".. code-block:: yaml\n\n    a: 1\n      b: 2\n\nAfter.", "```yaml\na: 1\n  b: 2\n```\n\nAfter."),
        (".. code:: dockerfile\n\n   USER app", "```dockerfile\nUSER app\n```"),
    ],
)
def test_rst_to_markdown(rst, md):
    assert rst_to_markdown(rst) == md


def test_secret_and_public_data_rules_keep_their_severity_outside_production():
    from infra_review.model.persona import MAPPING

    bullets = (
        "Hardcoded secrets or credentials",
        "Public S3 buckets or databases",
        "No secrets in images or environment variables",
    )
    wrong = sorted(
        {rid for b in bullets for rid in MAPPING[b] if rid in RULES and not RULES[rid].no_env_downgrade}
    )
    assert not wrong, f"secret/public-data rules must be registered with no_env_downgrade=True: {wrong}"
