"""The HCL expression parser and evaluator: every expression form, references, unknown propagation."""

from __future__ import annotations

import json

import pytest

from infra_review.graph import ResourceGraph
from infra_review.loaders.terraform import builder as terraform
from infra_review.loaders.terraform.evaluate import Evaluator
from infra_review.loaders.terraform.expr import HCLSyntaxError, parse_expr, to_text
from infra_review.loaders.terraform.value import Context, render_json
from infra_review.model import Unresolved

PRELUDE = """
variable "v" {
  default = { k = "val", list = ["a", "b"] }
}
variable "unknown" {}
locals {
  l = "loc"
}
resource "aws_s3_bucket" "b" {
  count  = 2
  bucket = "b${count.index}"
}
resource "aws_kms_key" "k" {}
data "aws_iam_policy_document" "p" {}
"""


def build(hcl: str) -> ResourceGraph:
    pf = terraform.parse_file("main.tf", PRELUDE + hcl, "terraform")
    assert not pf.diagnostics, pf.diagnostics
    rg = ResourceGraph()
    terraform.build([pf], rg)
    return rg


def refs_of(rg: ResourceGraph, src: str) -> set[str]:
    return {e.target for e in rg.edges(["ref", "depends_on"]) if e.source == src}


BUCKETS = {"aws_s3_bucket.b[0]", "aws_s3_bucket.b[1]"}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('"arn:${aws_s3_bucket.b[0].arn}/*"', {"aws_s3_bucket.b[0]"}),  # template
        ("upper(aws_kms_key.k.arn)", {"aws_kms_key.k"}),  # function call
        ("var.unknown ? aws_kms_key.k.arn : null", {"var.unknown", "aws_kms_key.k"}),  # conditional
        ("[for b in aws_s3_bucket.b : b.arn]", BUCKETS),  # for over resources
        ("{for k, v in var.v : k => aws_kms_key.k.id}", {"var.v", "aws_kms_key.k"}),  # object for
        ("aws_s3_bucket.b[*].arn", BUCKETS),  # splat
        ("aws_s3_bucket.b.*.arn", BUCKETS),  # legacy splat
        ("aws_s3_bucket.b[1].arn", {"aws_s3_bucket.b[1]"}),  # index
        ("aws_s3_bucket.b[var.unknown].arn", BUCKETS | {"var.unknown"}),  # dynamic index
        ("data.aws_iam_policy_document.p.json", {"data.aws_iam_policy_document.p"}),  # data source
        ("local.l", {"local.l"}),
        ('"%{if var.unknown}${aws_kms_key.k.id}%{endif}"', {"var.unknown", "aws_kms_key.k"}),  # template if
        ('"%{for s in aws_s3_bucket.b}${s.id}%{endfor}"', BUCKETS),  # template for
        ("<<EOT\n${aws_kms_key.k.arn}\nEOT\n", {"aws_kms_key.k"}),  # heredoc
        ("!(length(aws_s3_bucket.b) > 1)", BUCKETS),  # operators
        ("try(aws_kms_key.k.arn, var.v.k)", {"aws_kms_key.k", "var.v"}),
        ('{ key = aws_kms_key.k.id, (var.v.k) = "x" }', {"aws_kms_key.k", "var.v"}),  # object keys/values
    ],
)
def test_every_expression_form_gives_reference_edges(expr, expected):
    rg = build(f'resource "aws_sns_topic" "t" {{\n  x = {expr}\n}}\n')
    assert refs_of(rg, "aws_sns_topic.t") == expected


def test_nested_blocks_dynamic_and_depends_on_give_edges():
    rg = build(
        """
resource "aws_sns_topic" "t" {
  depends_on = [aws_kms_key.k, data.aws_iam_policy_document.p]
  outer {
    inner {
      key = aws_kms_key.k.arn
    }
  }
  dynamic "rule" {
    for_each = aws_s3_bucket.b
    content {
      bucket = rule.value.id
    }
  }
}
"""
    )
    got = {(e.target, e.kind, e.attrs.get("attr")) for e in rg.edges() if e.source == "aws_sns_topic.t"}
    assert got >= {
        ("aws_kms_key.k", "depends_on", "depends_on"),
        ("data.aws_iam_policy_document.p", "depends_on", "depends_on"),
        ("aws_kms_key.k", "ref", "outer[0].inner[0].key"),
        ("aws_s3_bucket.b[0]", "ref", "rule[*]"),
        ("aws_s3_bucket.b[1]", "ref", "rule[*].bucket"),
    }
    t = rg["aws_sns_topic.t"]
    assert [r["bucket"].refs for r in t.attrs["rule"]] == [("aws_s3_bucket.b[0]",), ("aws_s3_bucket.b[1]",)]


def test_count_index_each_and_path_do_not_make_edges():
    hcl = (
        'resource "aws_sns_topic" "t" {\n'
        '  for_each = toset(["a"])\n  name = "${each.key}-${path.module}"\n}\n'
    )
    rg = build(hcl)
    assert rg['aws_sns_topic.t["a"]'].attrs["name"] == "a-."
    assert refs_of(rg, 'aws_sns_topic.t["a"]') == set()


# -- evaluator ------------------------------------------------------------------------------------
def ev(src: str):
    return Evaluator().eval(parse_expr(src), Context())


@pytest.mark.parametrize(
    ("src", "value"),
    [
        ("1 + 2 * 3 - 4 / 2", 5),
        ("7 % 3", 1),
        ('"a" == "a" && 1 != 2', True),
        ("false || !true", False),
        ("true ? 1 : 2", 1),
        ('"x-${1 + 1}-${true}"', "x-2-true"),
        ("[1, 2][1]", 2),
        ("{a = {b = [10, 20]}}.a.b[0]", 10),
        ("[{n = 1}, {n = 2}][*].n", [1, 2]),
        ("[for i in [1, 2, 3] : i * i if i != 2]", [1, 9]),
        ("{for k, v in {a = 1} : upper(k) => v}", {"A": 1}),
        ('format("%s=%d %5.1f %q %v", "a", 2, 3.14159, "x", true)', 'a=2   3.1 "x" true'),
        ('cidrsubnets("10.0.0.0/16", 4, 4, 8)', ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/24"]),
        ('cidrsubnet("10.0.0.0/8", 8, 255)', "10.255.0.0/16"),
        ('regex("^(\\\\w+)-(\\\\d+)$", "web-12")', ["web", "12"]),
        ('jsonencode({b = [1, "x"], a = null})', '{"b":[1,"x"],"a":null}'),
        ('coalescelist([], ["a"])', ["a"]),
        ('flatten([["a"], [["b"]], []])', ["a", "b"]),
        ('compact(["a", "", "b"])', ["a", "b"]),
        ('setproduct(["a"], [1, 2])', [["a", 1], ["a", 2]]),
        ('transpose({a = ["1", "2"], b = ["1"]})', {"1": ["a", "b"], "2": ["a"]}),
        ('substr("hello", 1, 3)', "ell"),
        ('title("hello world")', "Hello World"),
        ('base64decode(base64encode("x"))', "x"),
        ("tostring(5)", "5"),
        ("min(3, 1.5)", 1.5),
        ('length("abc")', 3),
        ('replace("a1b2", "/[0-9]/", "")', "ab"),
        ('"${"a"}${"b"}"', "ab"),
        ('"$${not} %%{x}"', "${not} %{x}"),
    ],
)
def test_evaluator_values(src, value):
    assert ev(src) == value


def test_unknowns_propagate_with_refs_and_keep_partial_collections():
    ctx = Context()

    class C(Context):
        def root(self, name, node):
            if name == "aws_s3_bucket":
                return {
                    "b": {"arn": Unresolved("aws_s3_bucket.b.arn", ("aws_s3_bucket.b",), "known after apply")}
                }
            return super().root(name, node)

    e = Evaluator()
    v = e.eval(parse_expr('["x", aws_s3_bucket.b.arn]'), C())
    assert v[0] == "x"
    assert v[1].refs == ("aws_s3_bucket.b",)
    u = e.eval(parse_expr('"arn:${aws_s3_bucket.b.arn}/*" == "y"'), C())
    assert isinstance(u, Unresolved)
    assert u.refs == ("aws_s3_bucket.b",)
    t = e.eval(parse_expr('"pre-${aws_s3_bucket.b.arn}"'), C())
    assert t.expr == '"pre-${aws_s3_bucket.b.arn}"'
    assert isinstance(e.eval(parse_expr("nosuchname"), ctx), Unresolved)


def test_render_json_placeholders():
    u = Unresolved('"arn:${aws_s3_bucket.b.arn}/*"', ("aws_s3_bucket.b",))
    text = render_json({"Resource": [u, Unresolved("var.x")]})
    assert json.loads(text) == {"Resource": ["arn:${aws_s3_bucket.b.arn}/*", "${var.x}"]}


def test_failures_are_unresolved_not_exceptions():
    for src in [
        'cidrsubnet("10.0.0.0/30", 8, 1)',
        "1 / 0",
        '"a" + 1',
        "[1][5]",
        'tonumber("x")',
        "element([], 0)",
    ]:
        assert isinstance(ev(src), Unresolved), src


def test_parser_round_trip_and_errors():
    for src in [
        "a.b[0].c",
        "f(x, y...)",
        "[for a, b in c : d if e]",
        "{for a in b : a => c...}",
        "!a && (b || -c)",
    ]:
        assert to_text(parse_expr(src)) == src
    for bad in ["a +", "(", "[1, 2", '"unterminated', "{a = }", "a ? b"]:
        with pytest.raises(HCLSyntaxError) as err:
            parse_expr(bad)
        assert "expression line 1" in str(err.value)


def test_unknown_function_result_keeps_known_argument_text():
    rg = build(
        'resource "aws_instance" "i" {\n'
        '  user_data = base64encode("pw=${var.v.k} host=${aws_kms_key.k.arn}")\n'
        "}\n"
    )
    ud = rg["aws_instance.i"].attrs["user_data"]
    assert isinstance(ud, Unresolved)
    assert ud.expr == 'base64encode("pw=val host=${aws_kms_key.k.arn}")'
    assert ud.refs == ("aws_kms_key.k",)


@pytest.mark.parametrize(
    ("src", "value"),
    [
        ('sha256("abc")', "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ('md5("abc")', "900150983cd24fb0d6963f7d28e17f72"),
        ('base64sha256("abc")', "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="),
        ('urlencode("a b&c")', "a%20b%26c"),
        ('indent(2, "a\\nb")', "a\n  b"),
    ],
)
def test_hash_and_string_functions(src, value):
    assert ev(src) == value


def test_file_functions_go_through_the_context():
    class Files(Context):
        def read_file(self, path, expr):
            if path == "ok.txt":
                return "abc"
            return Unresolved(expr, (), "file not found or not readable under the root")

    e = Evaluator()
    assert e.eval(parse_expr('fileexists("ok.txt")'), Files()) is True
    assert e.eval(parse_expr('fileexists("nope.txt")'), Files()) is False
    assert e.eval(parse_expr('filebase64("ok.txt")'), Files()) == "YWJj"
    assert e.eval(parse_expr('filesha256("ok.txt")'), Files()) == ev('sha256("abc")')
    assert isinstance(e.eval(parse_expr('file("nope.txt")'), Files()), Unresolved)
