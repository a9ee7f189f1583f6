"""The bundled examples and training exercises are valid IaC, and their answer sheets are sound.

* every ``.tf``/``.tfvars`` parses with ``hcl2.loads``, every YAML with ``yaml.safe_load_all``,
  every Dockerfile starts with ``FROM`` (after ``ARG``/directives);
* ``EXPECTED.md`` tables parse, rule ids exist in the catalogue, areas match the rule prefix,
  and every address (findings, path hops, SPOFs) names a block that exists in the example.
"""

from __future__ import annotations

import re
from pathlib import Path

import hcl2
import pytest
import yaml
from _examples_helpers import (
    AREAS,
    EXAMPLES,
    RULE_IDS,
    address_problem,
    exercise_dirs,
    iter_iac_files,
    parse_expected,
    rule_area,
)


class _TagTolerantLoader(yaml.SafeLoader):
    """``safe_load`` that accepts CloudFormation's short-form tags (``!Ref``, ``!Sub``, …)."""


_TagTolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)

EXAMPLE_DIRS = sorted(p for p in EXAMPLES.iterdir() if p.is_dir()) if EXAMPLES.is_dir() else []
REPOS = EXAMPLE_DIRS + [d / "repo" for d in exercise_dirs()]
FILES = [(repo, f) for repo in REPOS for f in iter_iac_files(repo)]


def _id(x: object) -> str:
    p = x[1] if isinstance(x, tuple) else x
    return str(Path(p).relative_to(EXAMPLES.parent)) if isinstance(p, Path) else str(p)


def test_required_examples_exist() -> None:
    names = {p.name for p in EXAMPLE_DIRS}
    assert {"three-tier-aws", "hardened-aws"} <= names
    for d in EXAMPLE_DIRS:
        assert (d / "README.md").is_file(), d
        assert (d / "EXPECTED.md").is_file(), d


@pytest.mark.parametrize(("repo", "path"), FILES, ids=[_id(x) for x in FILES])
def test_file_parses(repo: Path, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.name.endswith((".tf", ".tfvars")):
        doc = hcl2.loads(text)
        assert isinstance(doc, dict)
        if path.suffix == ".tf":
            assert doc, f"{path} parsed to nothing"
    elif path.suffix in (".yaml", ".yml"):
        docs = [d for d in yaml.load_all(text, Loader=_TagTolerantLoader) if d is not None]
        assert docs, f"{path} holds no YAML document"
        for d in docs:
            assert isinstance(d, dict)
    else:  # Dockerfile
        instr = [
            ln.split()[0].upper()
            for ln in text.splitlines()
            if ln.strip() and not ln.lstrip().startswith("#")
        ]
        first = next(i for i in instr if i != "ARG")
        assert first == "FROM", f"{path}: first instruction is {first}"


def test_every_terraform_root_has_versions() -> None:
    """Each Terraform root pins Terraform and the AWS provider (v5)."""
    for repo in REPOS:
        tfs = list(repo.glob("*.tf")) + list((repo / "terraform").glob("*.tf"))
        if not tfs:
            continue
        blocks = []
        for f in tfs:
            blocks += hcl2.loads(f.read_text(encoding="utf-8")).get("terraform", [])
        assert blocks, f"{repo}: no terraform block"
        rp = [b for b in blocks if "required_providers" in b]
        assert rp, f"{repo}: no required_providers"
        aws = rp[0]["required_providers"][0]["aws"]
        assert "5." in aws["version"], f"{repo}: aws provider not v5: {aws['version']}"


EXPECTED_FILES = [d / "EXPECTED.md" for d in EXAMPLE_DIRS if (d / "EXPECTED.md").is_file()]


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=[p.parent.name for p in EXPECTED_FILES])
def test_expected_tables(path: Path) -> None:
    exp = parse_expected(path)
    assert exp.sections == ["findings", "paths", "spofs"], exp.sections
    seen = set()
    for row in exp.findings:
        rid = row["Rule"]
        assert rid in RULE_IDS, f"unknown rule id {rid}"
        assert row["Area"] in AREAS, row
        assert row["Area"] == rule_area(rid), f"{rid} is not in area {row['Area']}"
        assert row["Flaw"], row
        key = (rid, row["Address"])
        assert key not in seen, f"duplicate row {key}"
        seen.add(key)
    for row in exp.spofs:
        assert row["Rule"] in RULE_IDS, row
        assert row["Rule"].startswith("SPOF"), row
        assert (row["Rule"], row["Address"]) in seen, f"SPOF {row} has no Findings row"
    for row in exp.paths:
        hops = [h.strip() for h in row["Path"].split("→")]
        assert hops[0] == "INTERNET", row
        assert hops[-1] == row["Target"], row
        assert len(set(hops)) == len(hops), f"path revisits a node: {row}"
        ports = [p.strip() for p in row["Ports"].split(",")]
        assert all(re.fullmatch(r"\d+(-\d+)?", p) for p in ports), row


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=[p.parent.name for p in EXPECTED_FILES])
def test_expected_addresses_exist(path: Path) -> None:
    exp = parse_expected(path)
    root = path.parent
    addrs = {r["Address"] for r in exp.findings + exp.spofs}
    for row in exp.paths:
        addrs.update(h.strip() for h in row["Path"].split("→"))
    problems = {a: address_problem(root, a) for a in sorted(addrs)}
    assert {a: p for a, p in problems.items() if p} == {}


def test_flawed_examples_cover_every_area() -> None:
    for name in ("three-tier-aws",):
        exp = parse_expected(EXAMPLES / name / "EXPECTED.md")
        areas = {r["Area"] for r in exp.findings}
        assert areas == AREAS, AREAS - areas
        assert len(exp.paths) >= 3
        assert {r["Rule"] for r in exp.spofs} >= {"SPOF02", "SPOF04", "SPOF05"}


def test_hardened_example_lists_no_high_risk() -> None:
    """The hardened example lists only accepted low items and by-design exposure via its ALB."""
    exp = parse_expected(EXAMPLES / "hardened-aws" / "EXPECTED.md")
    high = {"RED", "SPOF", "NET003", "NET004", "NET007", "NET010", "NET013", "NET015"}
    for row in exp.findings:
        assert not any(row["Rule"].startswith(h) for h in high), row
        assert row["Flaw"].startswith("Accepted (low)") or row["Flaw"].startswith("Accepted (info)"), row
    for row in exp.paths:
        hops = [h.strip() for h in row["Path"].split("→")]
        assert "aws_lb.web" in hops, f"exposure that bypasses the WAF-protected ALB: {row}"
    assert exp.spofs == []
