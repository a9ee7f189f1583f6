"""Issue 11 §1: the evaluator never turns an unknown into a definite known value.

Hypothesis builds expressions whose leaves are unknown (variables without a value, resource
attributes known only after apply) or known literals, combined through operators, conditionals
and functions.  Whatever the evaluator answers with the unknowns must agree with what it
answers once they are replaced by concrete values: a known part of the first answer must be
the same in every concrete answer (or the concrete expression fails, as Terraform would).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra_review.loaders.terraform.evaluate import Evaluator
from infra_review.loaders.terraform.expr import parse_expr
from infra_review.loaders.terraform.value import Context, Ref, is_unknown
from infra_review.model import Unresolved

N_UNKNOWN = 3


class _Unknowns(Context):
    """``var.u0..`` have no value; ``aws_x.y`` is a resource (attributes known after apply)."""

    def root(self, name: str, node: Any) -> Any:
        if name == "var":
            return {
                f"u{i}": Unresolved(f"var.u{i}", (), "no default and no tfvars value")
                for i in range(N_UNKNOWN)
            }
        if name == "aws_x":
            return {"y": Ref("aws_x.y", "aws_x.y")}
        return super().root(name, node)


def _lit(v: Any) -> str:
    """HCL text of a concrete value."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(_lit(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_lit(x)}" for k, x in v.items()) + "}"
    return json.dumps(v)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "a", "b", "true", "1"])
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.sampled_from(["a", "b", "enabled"]), scalars, max_size=2),
)

# an expression tree: ("leaf", i) | ("lit", value) | (template, children...)
UNKNOWN_LEAF = st.integers(0, N_UNKNOWN - 1).map(lambda i: ("leaf", i))
LEAVES = st.one_of(UNKNOWN_LEAF, UNKNOWN_LEAF, st.just(("res",)), values.map(lambda v: ("lit", v)))
FORMS = [
    "({0} + {1})",
    "({0} == {1})",
    "({0} != {1})",
    "({0} != null)",
    "({0} == null)",
    "({0} && {1})",
    "({0} || {1})",
    "!{0}",
    "({0} < {1})",
    "({0} ? {1} : {2})",
    "try({0}, {1})",
    "can({0})",
    "coalesce({0}, {1})",
    'lookup({0}, "enabled", {1})',
    "length({0})",
    'join(",", {0})',
    "merge({0}, {1})",
    "concat({0}, {1})",
    "[{0}, {1}]",
    "{{ a = {0}, b = {1} }}",
    "{0}.a",
    "{0}[0]",
    "tostring({0})",
    "slice({0}, 0, 1)",
    "length(slice({0}, 1, 2))",
]


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.tuples(st.sampled_from(FORMS), st.lists(children, min_size=3, max_size=3)).map(
        lambda t: ("form", t[0], tuple(t[1]))
    )


trees = st.recursive(LEAVES, _extend, max_leaves=6)
#: several substitutions per expression (null and empty values are the usual edge cases)
substitutions = st.lists(
    st.tuples(st.lists(values, min_size=N_UNKNOWN, max_size=N_UNKNOWN), scalars), min_size=3, max_size=3
).map(lambda subs: [([None] * N_UNKNOWN, None), *subs])


def render(tree: Any, concrete: list[Any] | None, res: Any = None) -> str:
    """Expression text: unknown leaves as references, or (``concrete``) as literals."""
    if tree[0] == "leaf":
        return f"var.u{tree[1]}" if concrete is None else _lit(concrete[tree[1]])
    if tree[0] == "res":
        return "aws_x.y.id" if concrete is None else _lit(res)
    if tree[0] == "lit":
        return _lit(tree[1])
    return tree[1].format(*(render(c, concrete, res) for c in tree[2]))


def agrees(known: Any, concrete: Any) -> bool:
    """Every known part of ``known`` is the same in ``concrete``."""
    if is_unknown(known):
        return True
    if isinstance(known, dict):
        return (
            isinstance(concrete, dict)
            and known.keys() == concrete.keys()
            and all(agrees(v, concrete[k]) for k, v in known.items())
        )
    if isinstance(known, list):
        return (
            isinstance(concrete, list)
            and len(known) == len(concrete)
            and all(agrees(x, y) for x, y in zip(known, concrete, strict=True))
        )
    if isinstance(known, bool) or isinstance(concrete, bool):
        return type(known) is type(concrete) and known == concrete
    return known == concrete


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees, substitutions)
def test_unknown_leaves_never_become_a_guess(tree: Any, subs: list[tuple[list[Any], Any]]) -> None:
    ev = Evaluator()
    text = render(tree, None)
    got = ev.eval(parse_expr(text), _Unknowns())
    for sigma, res in subs:
        concrete = ev.eval(parse_expr(render(tree, sigma, res)), Context())
        if isinstance(concrete, Unresolved):
            continue  # the concrete expression fails: Terraform would stop there
        assert agrees(got, concrete), (text, got, sigma, res, concrete)
