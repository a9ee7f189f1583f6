"""Whole-graph golden snapshots of every Terraform construct fixture.

Each ``tests/fixtures/terraform/<construct>/`` holds ``expected_graph.json``: every node (kind,
block, location, module, provider, attrs, meta) and every edge the loader must produce.
After an intended change, regenerate with ``INFRA_REVIEW_REGEN_GOLDEN=1 pytest <this file>``
and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from infra_review.graph import ResourceGraph
from infra_review.loaders.terraform import builder as terraform
from infra_review.model import Unresolved

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "terraform"
GOLDEN = "expected_graph.json"


def _kind(rel: str) -> str | None:
    for suffix, kind in (
        (".tf.json", "terraform_json"),
        (".tfvars.json", "tfvars_json"),
        ("plan.json", "terraform_plan"),
    ):
        if rel.endswith(suffix):
            return kind
    if rel.endswith(".tf"):
        return "terraform"
    if rel.endswith(".tfvars"):
        return "tfvars"
    return None


def _load(root: Path) -> tuple[ResourceGraph, list]:
    files = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and _kind(rel) and p.name != GOLDEN:
            files.append(terraform.parse_file(rel, p.read_text(encoding="utf-8"), _kind(rel)))

    def read_text(rel: str) -> str | None:
        p = (root / rel).resolve()
        return p.read_text() if p.is_file() and p.is_relative_to(root.resolve()) else None

    rg = ResourceGraph()
    diags = terraform.build(files, rg, read_text=read_text)
    return rg, diags


def _plain(v):
    if isinstance(v, Unresolved):
        return {"$unresolved": v.expr, "refs": list(v.refs), "reason": v.reason}
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def snapshot(root: Path) -> dict:
    rg, diags = _load(root)
    nodes = {}
    for r in sorted(rg.all(), key=lambda r: r.address):
        nodes[r.address] = {
            "kind": r.kind,
            "block": r.block,
            "at": f"{r.file}:{r.line}-{r.source.end_line}" if r.source else "",
            "module": r.module,
            "provider": r.provider,
            "format": r.format,
            "attrs": _plain(dict(r.attrs)),
            "meta": _plain(dict(r.meta)),
        }
    edges = sorted([e.source, e.target, e.kind, e.attrs.get("attr", "")] for e in rg.edges())
    return {
        "nodes": nodes,
        "edges": edges,
        "diagnostics": [f"{d.code}@{d.file}:{d.line} {d.message}" for d in diags],
    }


CASES = sorted(p.name for p in FIX.iterdir() if p.is_dir())


@pytest.mark.parametrize("name", CASES)
def test_golden_graph(name):
    root = FIX / name
    got = snapshot(root)
    path = root / GOLDEN
    if os.environ.get("INFRA_REVIEW_REGEN_GOLDEN"):
        path.write_text(
            json.dumps(got, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got["diagnostics"] == expected["diagnostics"]
    assert sorted(got["nodes"]) == sorted(expected["nodes"])
    for address, node in expected["nodes"].items():
        assert got["nodes"][address] == node, address
    assert got["edges"] == expected["edges"]
