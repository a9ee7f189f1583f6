"""Hostile configurations must not exhaust time, memory or the stack of the build phase."""

from __future__ import annotations

import sys

from infra_review.graph import ResourceGraph
from infra_review.loaders.terraform import builder as terraform
from infra_review.loaders.terraform.value import bounded
from infra_review.model import DiagnosticCode, Unresolved


def build(text: str):
    before = sys.getrecursionlimit()
    pf = terraform.parse_file("main.tf", text, "terraform")
    rg = ResourceGraph()
    diags = terraform.build([pf], rg)
    assert sys.getrecursionlimit() == before
    return rg, diags


def test_huge_count_is_not_expanded():
    rg, diags = build('resource "aws_instance" "x" {\n  count = 1000000\n}\n')
    assert len(rg) == 1
    assert rg["aws_instance.x"].meta["expanded"] is False
    assert diags[0].code is DiagnosticCode.EVAL_WARNING
    assert "1000000 instances" in diags[0].message


def test_exponentially_growing_locals_are_cut():
    locals_ = "".join(f"  a{i} = [local.a{i - 1}, local.a{i - 1}]\n" for i in range(1, 60))
    rg, diags = build(
        'locals {\n  a0 = ["xxxxxxxxxxxxxxxx"]\n' + locals_ + "}\n"
        'resource "null_resource" "r" {\n  triggers = { x = jsonencode(local.a59) }\n}\n'
    )
    assert rg["local.a3"].attrs["value"][0][0][0] == ["xxxxxxxxxxxxxxxx"]
    assert any(isinstance(rg[f"local.a{i}"].attrs["value"], Unresolved) for i in range(60))
    assert all(bounded(rg[f"local.a{i}"].attrs["value"]) for i in range(60))
    assert any("too large" in d.message for d in diags)


def test_exponentially_growing_strings_are_cut():
    locals_ = "".join(f'  s{i} = "${{local.s{i - 1}}}${{local.s{i - 1}}}"\n' for i in range(1, 40))
    rg, diags = build('locals {\n  s0 = "xxxxxxxxxxxxxxxx"\n' + locals_ + "}\n")
    assert isinstance(rg["local.s39"].attrs["value"], Unresolved)
    assert rg["local.s2"].attrs["value"] == "x" * 64
    assert diags


def test_huge_nested_for_runs_out_of_budget():
    rg, diags = build(
        "locals {\n  x = [for a in range(1024) : [for b in range(1024) : [for c in range(1024) : 1]]]\n}\n"
    )
    assert rg["local.x"].attrs["value"].reason == "evaluation budget exceeded"
    assert "budget" in diags[0].message


def test_deep_value_chain_is_cut_at_a_depth_limit():
    chain = "".join(f"  l{i} = [local.l{i - 1}]\n" for i in range(1, 1500))
    rg, diags = build("locals {\n  l0 = 1\n" + chain + "}\n")
    v = rg["local.l100"].attrs["value"]
    depth = 0
    while isinstance(v, list):
        v, depth = v[0], depth + 1
    assert (depth, v) == (100, 1)
    assert isinstance(rg["local.l1499"].attrs["value"], list | Unresolved)
    assert any(isinstance(rg[f"local.l{i}"].attrs["value"], Unresolved) for i in range(1500))
    assert any("too large" in d.message for d in diags)


def test_format_width_is_capped():
    rg, _ = build('locals {\n  f = format("%999999999d", 1)\n}\n')
    assert len(rg["local.f"].attrs["value"]) == 4096
