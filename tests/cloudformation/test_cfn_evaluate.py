"""Static evaluation: Parameters, Mappings, Conditions, intrinsic functions, unknowns."""

from __future__ import annotations

from infra_review.loaders.cloudformation.evaluate import (
    NO_VALUE,
    Evaluator,
    parse_parameter_file,
    parse_samconfig,
)
from infra_review.model import DiagnosticCode, Unresolved

TEMPLATE = {
    "Parameters": {
        "Env": {"Type": "String", "Default": "dev"},
        "Azs": {"Type": "List<AWS::EC2::AvailabilityZone::Name>", "Default": "a,b,c"},
        "Count": {"Type": "Number", "Default": "3"},
        "Secret": {"Type": "String"},
        "Ami": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": "/ami/latest"},
    },
    "Mappings": {"Sizes": {"prod": {"db": "db.r6g.large"}, "dev": {"db": "db.t4g.micro"}}},
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
        "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "NotProd"}]},
        "Unknown": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]},
        "Loop": {"Condition": "Loop"},
    },
}


def _ev(**kw: object) -> Evaluator:
    return Evaluator(
        TEMPLATE, addresses={"Vpc": "cfn:t.yaml#Vpc", "Db": "cfn:t.yaml#Db"}, file="t.yaml", **kw
    )


def test_parameters_defaults_given_types_and_unknowns() -> None:
    ev = _ev(given={"Env": "prod"})
    assert ev.value({"Ref": "Env"}) == "prod"
    assert ev.value({"Ref": "Azs"}) == ["a", "b", "c"]
    assert ev.value({"Ref": "Count"}) == 3
    assert isinstance(ev.value({"Ref": "Secret"}), Unresolved)
    assert isinstance(ev.value({"Ref": "Ami"}), Unresolved)


def test_pseudo_parameters_unresolved_unless_given() -> None:
    assert ev_region(_ev()) is None
    assert _ev(pseudo={"AWS::Region": "eu-west-1"}).value({"Ref": "AWS::Region"}) == "eu-west-1"


def ev_region(ev: Evaluator) -> str | None:
    v = ev.value({"Ref": "AWS::Region"})
    return None if isinstance(v, Unresolved) else v


def test_resource_references_keep_the_address() -> None:
    ev = _ev()
    ref = ev.value({"Ref": "Vpc"})
    att = ev.value({"Fn::GetAtt": ["Db", "Endpoint.Address"]})
    assert ref.refs == ("cfn:t.yaml#Vpc",)
    assert att.refs == ("cfn:t.yaml#Db",)
    sub = ev.value({"Fn::Sub": "postgres://${Db.Endpoint.Address}/${Env}?v=${!Literal}"})
    assert sub.refs == ("cfn:t.yaml#Db",)
    assert sub.expr == "postgres://${Db.Endpoint.Address}/dev?v=${Literal}"


def test_conditions() -> None:
    ev = _ev()
    assert ev.condition("IsProd") is False
    assert ev.condition("NotProd") is True
    assert ev.condition("Either") is True
    assert ev.condition("Unknown") is None
    assert ev.condition("Loop") is None  # a cycle is unknown, with a warning
    assert ev.value({"Fn::If": ["IsProd", "big", "small"]}) == "small"
    unknown = ev.value({"Fn::If": ["Unknown", {"Ref": "Vpc"}, "x"]})
    assert isinstance(unknown, Unresolved)
    assert unknown.refs == ("cfn:t.yaml#Vpc",)
    assert any(d.code is DiagnosticCode.EVAL_WARNING for d in ev.diagnostics)


def test_functions() -> None:
    ev = _ev()
    assert ev.value({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "db"]}) == "db.t4g.micro"
    assert ev.value({"Fn::FindInMap": ["Sizes", "qa", "db", {"DefaultValue": "none"}]}) == "none"
    assert ev.value({"Fn::Join": ["-", ["a", {"Ref": "Env"}]]}) == "a-dev"
    assert ev.value({"Fn::Select": [1, {"Ref": "Azs"}]}) == "b"
    assert ev.value({"Fn::Split": [",", "x,y"]}) == ["x", "y"]
    assert ev.value({"Fn::Cidr": ["10.0.0.0/16", 3, 8]}) == ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]
    assert ev.value({"Fn::Base64": {"Fn::Sub": "echo ${Env}"}}) == "echo dev"
    for unknown in (
        {"Fn::GetAZs": ""},
        {"Fn::ImportValue": "shared"},
        {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
    ):
        assert isinstance(ev.value(unknown), Unresolved)
    assert ev.value({"Fn::Length": [1, 2]}) == 2


def test_no_value_removes_keys_and_items() -> None:
    ev = _ev()
    got = ev.value(
        {"A": {"Fn::If": ["IsProd", 1, {"Ref": "AWS::NoValue"}]}, "L": [1, {"Ref": "AWS::NoValue"}]}
    )
    assert got == {"L": [1]}
    assert ev.ref("AWS::NoValue") is NO_VALUE


def test_missing_names_are_warned_not_raised() -> None:
    ev = _ev()
    assert isinstance(ev.value({"Ref": "Nope"}), Unresolved)
    assert isinstance(ev.value({"Fn::GetAtt": ["Nope", "Arn"]}), Unresolved)
    assert isinstance(ev.value({"Fn::FindInMap": ["Sizes", "qa", "db"]}), Unresolved)
    assert isinstance(ev.value({"Fn::Select": ["x", [1]]}), Unresolved)
    assert isinstance(ev.value({"Fn::Join": "bad"}), Unresolved)
    assert len(ev.diagnostics) == 3


def test_parameter_files() -> None:
    cli = '[{"ParameterKey": "Env", "ParameterValue": "prod"}, {"ParameterKey": "X", "ParameterValue": "1"}]'
    assert parse_parameter_file(cli) == {"Env": "prod", "X": "1"}
    assert parse_parameter_file('{"Parameters": {"Env": "prod"}, "Tags": {"a": "b"}}') == {"Env": "prod"}
    assert parse_parameter_file("not json") == {}


def test_samconfig() -> None:
    toml = (
        '[default.deploy.parameters]\nparameter_overrides = "Env=prod Name=\\"my app\\""\n'
        'tags = "owner=web"\n'
    )
    assert parse_samconfig(toml) == ({"Env": "prod", "Name": "my app"}, {"owner": "web"})
    assert parse_samconfig("not = [toml") == ({}, {})
