"""Every registered rule survives randomly shaped attribute values (issue 11 §2).

A rule that raises leaves its checklist items unreviewed, so no rule may raise on any graph a
loader can build — nor on shapes a loader should not build but might one day.  Hypothesis
builds small graphs whose resources are of the kinds the rules read (found in the rules' and
analyses' source), with attributes under the keys the rules read, holding random shapes:
lists where strings are expected, :class:`Unresolved` anywhere, empty blocks, ``None``, huge
strings, nested dicts, numbers as strings, NaN.  Random edges join them, and a file of random
text sits behind them for the rules that read source lines.  The whole review must end with
no rule error.  ``tests/rules/test_monitoring_robustness.py`` does the same, narrower, with
fixed seeds.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from infra_review.graph import ResourceGraph
from infra_review.model import Resource, SourceLocation, Unresolved
from infra_review.model.facts import RepoFacts
from infra_review.review.engine import review
from infra_review.rules import RULES

PKG = Path(__file__).resolve().parents[2] / "infra_review"
SOURCE = "".join(
    p.read_text(encoding="utf-8")
    for sub in ("rules", "analysis", "model")
    for p in sorted((PKG / sub).rglob("*.py"))
)
PROVIDER_KINDS = sorted(set(re.findall(r'"((?:aws|azurerm|google|kubernetes|helm)_[a-z0-9_]+)"', SOURCE)))
K8S_KINDS = sorted(set(re.findall(r'"k8s:([A-Z][A-Za-z]+)"', SOURCE)))
KEYS = sorted(
    set(re.findall(r'(?:\.get\(|\[)"([A-Za-z_][A-Za-z0-9_.-]*)"', SOURCE))
    | set(re.findall(r'block\([^,()]+, "([A-Za-z_]+)"\)', SOURCE))
)
EDGE_KINDS = ["ref", "depends_on", "module", "in_subnet", "in_vpc", "uses_sg", "sg_allows", "rt_assoc",
              "routes_via", "nacl_assoc", "lb_targets", "protects", "selects", "uses_sa", "binds",
              "runs_image", "builds", "hosted_on"]  # fmt: skip
FILE = "main.tf"

# -- values ----------------------------------------------------------------------------------
SHAPED_STRINGS = [
    "", " ", "*", "0.0.0.0/0", "::/0", "10.0.0.0/8", "not-a-cidr/99", "22", "-1", "0", "65536",
    "1e9", "nan", "inf", "true", "false", "True", "null", "${var.x}", "latest", "nginx:latest",
    "arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:s3:::b/*", "iam:*", "s3:Get*",
    '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}', '{"Statement": "x"}',
    "[1, 2", "{", "AKIAABCDEFGHIJKLMNOP", "-----BEGIN RSA PRIVATE KEY-----", "a:b:c", "x=y,z",
    "tcp", "TCP", "all", "Allow", "Deny", "prod", "dev", "us-east-1a", "100m", "1Gi", "abc Mi",
]  # fmt: skip
unresolved = st.builds(
    Unresolved,
    st.sampled_from(["var.x", "local.y", "aws_vpc.main.id", "each.value", "module.m.out"]),
    st.sampled_from([(), ("aws_vpc.main",), ("r0",)]),
)
huge = st.builds(lambda n, c: c * n, st.integers(513, 70_000), st.sampled_from(["A", "a1/", "x ", "\u00e9"]))
leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(SHAPED_STRINGS),
    st.integers(-5, 70_000).map(str),  # numbers as strings
    st.text(max_size=12),
    unresolved,
    huge,
)
key = st.one_of(st.sampled_from(KEYS), st.text(max_size=6))
values = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),  # also empty blocks: [] and [{}]
        st.dictionaries(key, inner, max_size=4),
        st.just([{}]),
    ),
    max_leaves=10,
)
attrs = st.dictionaries(st.sampled_from(KEYS), values, max_size=10)


# -- graphs ----------------------------------------------------------------------------------
@st.composite
def node(draw: st.DrawFn, i: int) -> Resource:
    shape = draw(st.sampled_from(["provider_kind", "provider_kind", "k8s", "dockerfile", "compose", "other"]))
    line = draw(st.integers(0, 40))
    src = SourceLocation(FILE, line, line + draw(st.integers(0, 5))) if line else None
    a = draw(attrs)
    if shape == "provider_kind":
        kind = draw(st.sampled_from(PROVIDER_KINDS))
        block = draw(st.sampled_from(["resource", "resource", "data"]))
        prefix = "data." if block == "data" else ""
        mod = draw(st.sampled_from(["", "", "module.m"]))
        addr = f"{mod + '.' if mod else ''}{prefix}{kind}.r{i}"
        provider = kind.split("_", 1)[0]
        return Resource(addr, kind, block=block, attrs=a, source=src, module=mod, provider=provider)
    if shape == "k8s" and draw(st.integers(0, 9)) == 0:  # the values of a Helm chart
        return Resource(f"helm:c{i}/values.yaml", "helm:values", block="k8s", attrs=a, source=src,
                        format="kubernetes")  # fmt: skip
    if shape == "k8s":
        kind = draw(st.sampled_from(K8S_KINDS))
        ns = draw(st.sampled_from(["default", "prod", ""]))
        return Resource(f"k8s:x/{kind}/{ns}/r{i}", f"k8s:{kind}", block="k8s", attrs=a, source=src,
                        format="kubernetes")  # fmt: skip
    if shape == "dockerfile":
        kind = draw(st.sampled_from(["dockerfile", "dockerfile:stage"]))
        meta = {"dockerfile": "Dockerfile", "stage_count": draw(st.sampled_from([1, 2]))}
        return Resource(f"{kind}:d{i}/Dockerfile", kind, block="dockerfile", attrs=a, source=src,
                        format="dockerfile", meta=meta)  # fmt: skip
    if shape == "compose":
        return Resource(f"compose:c/r{i}", "compose:service", block="compose", attrs=a, source=src,
                        format="compose")  # fmt: skip
    block = draw(st.sampled_from(["variable", "output", "locals", "module", "provider", "terraform"]))
    kind = draw(st.sampled_from(["aws", "google", "azurerm", "module", block]))
    return Resource(f"{block}.r{i}", kind, block=block, attrs=a, source=src)


@st.composite
def graphs(draw: st.DrawFn) -> ResourceGraph:
    rg = ResourceGraph()
    n = draw(st.integers(1, 7))
    for i in range(n):
        rg.add(draw(node(i)))
    addrs = [r.address for r in rg.all()]
    for _ in range(draw(st.integers(0, 2 * n))):
        a, b = draw(st.sampled_from(addrs)), draw(st.sampled_from(addrs))
        extra = {"attr": draw(st.sampled_from(KEYS))} if draw(st.booleans()) else {}
        rg.add_edge(a, b, draw(st.sampled_from(EDGE_KINDS)), **extra)
    text = draw(st.one_of(st.text(max_size=200), huge, st.just("# infra-review:ignore=NET001\n" * 3)))
    rg.facts = RepoFacts("/nonexistent", (FILE,), {FILE: text})
    return rg


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(graphs())
def test_no_rule_raises_on_randomly_shaped_attributes(rg):
    for r in rg.all():
        note(f"{r.address} ({r.block}) {dict(r.attrs)!r:.2000}")
    result = review(rg)
    assert not result.errors, [(e.rule_id, e.message, e.detail) for e in result.errors]


def test_the_fuzz_reaches_every_rule_and_many_kinds():
    assert len(RULES) >= 100
    assert len(PROVIDER_KINDS) > 150
    assert len(K8S_KINDS) > 20
    assert len(KEYS) > 300
