"""parse_file on hostile and malformed HCL: diagnostics with line/col, no file text, never a crash."""

from __future__ import annotations

import pickle
import sys

import pytest

from infra_review.graph import ResourceGraph
from infra_review.loaders.terraform import body
from infra_review.loaders.terraform import builder as terraform
from infra_review.model import DiagnosticCode, FileStatus

SECRET = "hunter2-SECRET-value"


def parse(text: str, kind: str = "terraform", path: str = "main.tf"):
    before = sys.getrecursionlimit()
    pf = terraform.parse_file(path, text, kind)
    assert sys.getrecursionlimit() == before
    pickle.loads(pickle.dumps(pf))  # plain data only: it crosses a process boundary
    for d in pf.diagnostics:
        assert len(d.message) <= 300
        assert "\n" not in d.message
        assert SECRET not in d.message
    return pf


@pytest.mark.parametrize(
    ("name", "text", "line", "column", "words"),
    [
        ("unterminated string", f'resource "a" "b" {{\n  x = "{SECRET}\n}}\n', 2, None, "end of file"),
        ("unbalanced open brace", f'resource "a" "b" {{\n  x = "{SECRET}"\n', 3, 1, "end of file"),
        ("unbalanced close brace", f'resource "a" "b" {{\n  x = "{SECRET}"\n}}\n}}\n', 4, 1, "RBRACE"),
        (
            "heredoc end marker with trailing spaces (#343)",
            f"locals {{\n  x = <<EOF\n{SECRET}\nEOF   \n}}\n",
            2,
            7,
            "heredoc",
        ),
        ("double equals", f'a = = "{SECRET}"\n', 1, None, "syntax error"),
        ("stray character", f'a = 1 @ "{SECRET}"\n', 1, None, "syntax error"),
    ],
)
def test_syntax_errors_have_position_and_no_content(name, text, line, column, words):
    pf = parse(text)
    assert pf.status is FileStatus.FAILED
    assert pf.data is None
    [d] = pf.diagnostics
    assert d.code is DiagnosticCode.PARSE_ERROR
    assert d.file == "main.tf"
    assert d.line == line, name
    if column is not None:
        assert d.column == column
    assert words in d.message


def test_unterminated_heredoc_of_one_megabyte_gives_a_short_message():
    body = f"password = {SECRET}\n" * (1024 * 1024 // 32)
    pf = parse("locals {\n  x = <<EOF\n" + body + "}\n")
    [d] = pf.diagnostics
    assert d.code is DiagnosticCode.PARSE_ERROR
    assert (d.line, d.column) == (2, 7)
    assert len(d.message) <= 300
    assert "password" not in d.message


@pytest.mark.parametrize(
    "text",
    [
        "locals {\n  x = " + "(" * 1000 + "1" + ")" * 1000 + "\n}\n",
        "locals {\n  x = " + "[" * 10000 + "]" * 10000 + "\n}\n",
        "locals {\n  x = " + "{a = " * 1000 + "1" + "}" * 1000 + "\n}\n",
        "a {\n" * 1000 + "}\n" * 1000,
        "a {\n" * 10000 + "}\n" * 10000,
    ],
    ids=["parens-1000", "lists-10000", "objects-1000", "blocks-1000", "blocks-10000"],
)
def test_deep_nesting_is_a_depth_limit(text):
    pf = parse(text)
    assert pf.status is FileStatus.FAILED
    assert [d.code for d in pf.diagnostics] == [DiagnosticCode.DEPTH_LIMIT]


def test_nesting_hcl2_accepts_but_too_deep_to_evaluate_is_partial():
    pf = parse("locals {\n  x = " + "(" * 400 + "1" + ")" * 400 + "\n  y = 2\n}\n")
    assert pf.status is FileStatus.PARTIAL
    assert [(d.code, d.line) for d in pf.diagnostics] == [(DiagnosticCode.DEPTH_LIMIT, 2)]
    rg = ResourceGraph()
    terraform.build([pf], rg)
    assert rg["local.y"].attrs["value"] == 2
    assert rg["local.x"].attrs["value"].reason.startswith("expression not parsed")


@pytest.mark.parametrize("text", ["", "# only a comment\n// another\n/* block */\n", 'resource "a" "b" {}'])
def test_empty_comment_only_and_no_trailing_newline(text):
    pf = parse(text)
    assert pf.status is FileStatus.PARSED
    assert pf.diagnostics == []


def test_good_sibling_still_loads_next_to_a_broken_file():
    bad = parse('resource "aws_s3_bucket" "b" {\n  bucket = "x\n}\n', path="bad.tf")
    good = parse('resource "aws_s3_bucket" "ok" {\n  bucket = "ok"\n}\n', path="good.tf")
    rg = ResourceGraph()
    diags = terraform.build([bad, good], rg)
    assert diags == []
    assert rg["aws_s3_bucket.ok"].attrs == {"bucket": "ok"}


def test_duplicate_attribute_is_reported():
    pf = parse('resource "aws_instance" "a" {\n  ami = "x"\n  ami = "y"\n}\n')
    assert [(d.code, d.line) for d in pf.diagnostics] == [(DiagnosticCode.DUPLICATE_KEY, 3)]


def test_crlf_and_templates_with_directives():
    text = (
        'locals {\r\n  a = "%{ if true }yes%{ else }no%{ endif }"\r\n  b = <<-EOT\r\n    x\r\n  EOT\r\n}\r\n'
    )
    pf = parse(text.replace("\r\n", "\n"))
    rg = ResourceGraph()
    terraform.build([pf], rg)
    assert rg["local.a"].attrs["value"] == "yes"
    assert rg["local.b"].attrs["value"] == "x\n"


def test_labels_unquoted_and_escaped():
    pf = parse('resource aws_iam_role "r\\u0031" {\n  name = "a\\"b"\n}\n')
    rg = ResourceGraph()
    terraform.build([pf], rg)
    assert rg["aws_iam_role.r1"].attrs["name"] == 'a"b'


# -- .tf.json and tfvars --------------------------------------------------------------------------
def test_tf_json_invalid_and_deep():
    pf = parse('{"resource": {', "terraform_json", "main.tf.json")
    assert pf.status is FileStatus.FAILED
    assert pf.diagnostics[0].code is DiagnosticCode.PARSE_ERROR
    assert pf.diagnostics[0].line == 1
    deep = parse('{"a": ' + "[" * 10000 + "]" * 10000 + "}", "terraform_json", "deep.tf.json")
    assert deep.status is FileStatus.FAILED
    assert deep.diagnostics[0].code is DiagnosticCode.DEPTH_LIMIT
    top = parse("[1, 2]", "terraform_json", "list.tf.json")
    assert top.status is FileStatus.FAILED


def test_tfvars_json_values_are_literals():
    pf = parse('{"name": "${not.a.template}", "n": 3}', "tfvars_json", "terraform.tfvars.json")
    assert pf.data["attrs"]["name"]["expr"] == ("lit", "${not.a.template}")


def test_unknown_kind_is_skipped_not_raised():
    pf = parse("x", "kubernetes", "x.yaml")
    assert pf.status is FileStatus.SKIPPED
    assert pf.diagnostics[0].code is DiagnosticCode.UNSUPPORTED


def test_an_internal_error_in_one_block_does_not_lose_the_others(monkeypatch):
    monkeypatch.delenv("INFRA_REVIEW_DEBUG", raising=False)
    original = body.BodyEvaluator.eval_body

    def flaky(self, blk, ctx, env, src_addr, *args):
        if src_addr == "aws_instance.bad":
            raise ValueError("boom")
        return original(self, blk, ctx, env, src_addr, *args)

    monkeypatch.setattr(body.BodyEvaluator, "eval_body", flaky)
    pf = parse(
        'resource "aws_instance" "bad" {\n  ami = "x"\n}\n'
        'resource "aws_instance" "good" {\n  ami = "y"\n}\n'
    )
    rg = ResourceGraph()
    diags = terraform.build([pf], rg)
    assert "aws_instance.good" in rg
    assert "aws_instance.bad" not in rg
    assert [(d.code, d.line) for d in diags] == [(DiagnosticCode.EVAL_WARNING, 1)]
    assert "ValueError" in diags[0].message


def test_bom_is_tolerated_in_hcl_and_json():
    assert parse('\ufeffresource "a" "b" {}\n').status is FileStatus.PARSED
    assert parse('\ufeff{"resource": {}}', "terraform_json", "x.tf.json").status is FileStatus.PARSED
