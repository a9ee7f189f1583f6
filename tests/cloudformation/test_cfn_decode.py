"""Decoding CloudFormation YAML (every short-form tag) and JSON; hostile input never crashes."""

from __future__ import annotations

import pytest

from infra_review.loaders.cloudformation.build import parse_file
from infra_review.loaders.cloudformation.decode import FN_TAGS, decode
from infra_review.model import DiagnosticCode, FileStatus

TAGGED = """\
AWSTemplateFormatVersion: "2010-09-09"
Conditions:
  A: !Equals [!Ref Env, prod]
  B: !And [!Condition A, !Not [!Equals [!Ref Env, dev]]]
  C: !Or [!Condition A, !Condition B]
Resources:
  Thing:
    Type: AWS::Test::Thing
    Properties:
      Ref: !Ref Vpc
      GetAtt: !GetAtt Db.Endpoint.Address
      GetAttList: !GetAtt [Db, Arn]
      Sub: !Sub "${AWS::StackName}-x"
      Join: !Join ["-", [a, b]]
      If: !If [A, 1, 2]
      Select: !Select [0, !GetAZs ""]
      Split: !Split [",", "a,b"]
      FindInMap: !FindInMap [M, k, v]
      ImportValue: !ImportValue shared-vpc
      Base64: !Base64 "text"
      Cidr: !Cidr ["10.0.0.0/16", 2, 8]
      Block: !Sub |
        line ${A}
"""


def test_every_short_form_tag_becomes_its_long_form() -> None:
    dec = decode(TAGGED, "t.yaml")
    assert dec.diagnostics == []
    props = dec.template["Resources"]["Thing"]["Properties"]
    assert props["Ref"] == {"Ref": "Vpc"}
    assert props["GetAtt"] == {"Fn::GetAtt": ["Db", "Endpoint.Address"]}
    assert props["GetAttList"] == {"Fn::GetAtt": ["Db", "Arn"]}
    assert props["Sub"] == {"Fn::Sub": "${AWS::StackName}-x"}
    assert props["Join"] == {"Fn::Join": ["-", ["a", "b"]]}
    assert props["If"] == {"Fn::If": ["A", 1, 2]}
    assert props["Select"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert props["Split"] == {"Fn::Split": [",", "a,b"]}
    assert props["FindInMap"] == {"Fn::FindInMap": ["M", "k", "v"]}
    assert props["ImportValue"] == {"Fn::ImportValue": "shared-vpc"}
    assert props["Base64"] == {"Fn::Base64": "text"}
    assert props["Cidr"] == {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}
    assert props["Block"] == {"Fn::Sub": "line ${A}\n"}
    conds = dec.template["Conditions"]
    assert conds["B"] == {
        "Fn::And": [{"Condition": "A"}, {"Fn::Not": [{"Fn::Equals": [{"Ref": "Env"}, "dev"]}]}]
    }
    assert conds["C"] == {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}
    used = {"!Ref", "!GetAtt", "!Sub", "!Join", "!If", "!Select", "!Split", "!FindInMap", "!ImportValue"}
    used |= {"!Base64", "!Cidr", "!GetAZs", "!Equals", "!And", "!Or", "!Not", "!Condition"}
    assert used <= set(FN_TAGS)


def test_lines_of_resources_and_properties() -> None:
    dec = decode(TAGGED, "t.yaml")
    assert dec.lines["Resources.Thing"] == 7
    assert dec.lines["Resources.Thing.Properties.Cidr"] == 21


def test_json_template_with_lines() -> None:
    text = '{\n  "Resources": {\n    "Bucket": {\n      "Type": "AWS::S3::Bucket"\n    }\n  }\n}\n'
    dec = decode(text, "t.json")
    assert dec.template["Resources"]["Bucket"]["Type"] == "AWS::S3::Bucket"
    assert dec.lines["Resources.Bucket"] == 3


def test_unknown_tag_is_reported_and_kept() -> None:
    dec = decode("Resources:\n  A:\n    Type: AWS::X::Y\n    Properties:\n      P: !Bogus v\n", "t.yaml")
    assert dec.template["Resources"]["A"]["Properties"]["P"] == "v"
    assert [(d.code, d.line) for d in dec.diagnostics] == [(DiagnosticCode.UNSUPPORTED, 5)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Resources: [unclosed\n", DiagnosticCode.PARSE_ERROR),
        ("a: &a [*a]\n", DiagnosticCode.ALIAS_LIMIT),
        (
            "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
            "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
            "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
            "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n",
            DiagnosticCode.ALIAS_LIMIT,
        ),
        ("Resources: " + "[" * 400 + "]" * 400 + "\n", DiagnosticCode.DEPTH_LIMIT),
        ("- !!python/object/apply:os.system [id]\n", DiagnosticCode.UNSUPPORTED),
    ],
    ids=["malformed", "recursive-alias", "alias-bomb", "deep-nesting", "python-tag"],
)
def test_hostile_input_gives_coded_diagnostics(text: str, code: DiagnosticCode) -> None:
    pf = parse_file("evil.yaml", text)
    assert pf.status is FileStatus.FAILED
    assert code in {d.code for d in pf.diagnostics}


def test_invalid_json_and_non_mapping() -> None:
    assert parse_file("t.json", '{"Resources": ').status is FileStatus.FAILED
    assert parse_file("t.yaml", "- a\n- b\n").status is FileStatus.FAILED


def test_template_without_resources_is_partial() -> None:
    pf = parse_file("t.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nParameters: {}\n")
    assert pf.status is FileStatus.PARTIAL
    assert pf.diagnostics[0].code is DiagnosticCode.PARSE_ERROR
