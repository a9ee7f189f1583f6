"""Templates into the graph: addresses, locations, meta, edges, conditions, SAM, CDK, parameters."""

from __future__ import annotations

import json
from pathlib import Path

from infra_review.graph import ResourceGraph
from infra_review.loaders.cloudformation.build import build, parse_file
from infra_review.model import DiagnosticCode, FileStatus, Unresolved
from infra_review.pipeline import load_repo

NETWORK = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: dev}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Subnet:
    Type: AWS::EC2::Subnet
    DependsOn: [Vpc]
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 2, 8]]
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "${Env} web in ${Vpc}"
      VpcId: !Ref Vpc
  ProdOnly:
    Type: AWS::SNS::Topic
    Condition: IsProd
  Doc:
    Type: AWS::SSM::Document
    Properties: {Content: {schemaVersion: "2.2"}}
"""


def _graph(*files: tuple[str, str], read: dict[str, str] | None = None) -> tuple[ResourceGraph, list]:
    rg = ResourceGraph()
    pfs = [parse_file(path, text) for path, text in files]
    diags = build(pfs, rg, read_text=(read or {}).get)
    return rg, diags


def test_nodes_addresses_locations_and_meta() -> None:
    rg, diags = _graph(("stacks/net.yaml", NETWORK))
    assert diags == []
    sg = rg["cfn:stacks/net.yaml#Sg"]
    assert (sg.kind, sg.format, sg.block, sg.name, sg.file, sg.line) == (
        "aws_security_group",
        "cloudformation",
        "resource",
        "Sg",
        "stacks/net.yaml",
        17,
    )
    assert sg.meta["cfn_type"] == "AWS::EC2::SecurityGroup"
    assert sg.meta["logical_id"] == "Sg"
    assert sg.meta["lines"]["GroupDescription"] == 20
    assert sg.source.end_line == 21
    assert rg["cfn:stacks/net.yaml#Doc"].kind == "AWS::SSM::Document"


def test_edges_from_ref_getatt_sub_and_depends_on() -> None:
    rg, _ = _graph(("net.yaml", NETWORK))
    assert rg.has_edge("cfn:net.yaml#Subnet", "cfn:net.yaml#Vpc", "ref")
    assert rg.has_edge("cfn:net.yaml#Subnet", "cfn:net.yaml#Vpc", "depends_on")
    assert rg.has_edge("cfn:net.yaml#Sg", "cfn:net.yaml#Vpc", "ref")
    desc = rg["cfn:net.yaml#Sg"].attrs["description"]
    assert isinstance(desc, Unresolved)
    assert desc.expr == "dev web in ${Vpc}"
    cidr = rg["cfn:net.yaml#Subnet"].attrs["cidr_block"]
    assert isinstance(cidr, Unresolved)
    assert cidr.refs == ("cfn:net.yaml#Vpc",)


def test_false_condition_is_marked_not_dropped() -> None:
    rg, _ = _graph(("net.yaml", NETWORK))
    topic = rg["cfn:net.yaml#ProdOnly"]
    assert topic.block == "disabled"
    assert topic.meta["condition_value"] is False
    assert "cfn:net.yaml#ProdOnly" not in {r.address for r in rg.resources("aws_sns_topic")}


def test_parameters_file_beside_the_template() -> None:
    params = json.dumps({"Parameters": {"Env": "prod"}, "Tags": {"owner": "web"}})
    rg, _ = _graph(("net.yaml", NETWORK), read={"net.parameters.json": params})
    topic = rg["cfn:net.yaml#ProdOnly"]
    assert topic.block == "resource"
    assert topic.attrs["tags"] == {"owner": "web"}
    assert topic.meta["parameters_file"] == "net.parameters.json"
    cli = json.dumps([{"ParameterKey": "Env", "ParameterValue": "prod"}])
    rg, _ = _graph(("net.yaml", NETWORK), read={"parameters/net.json": cli})
    assert rg["cfn:net.yaml#ProdOnly"].block == "resource"


def test_bad_references_give_diagnostics() -> None:
    text = (
        "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    DependsOn: Missing\n    Properties:\n"
        "      TopicName: !Ref Nope\n  B: {Properties: {}}\n"
    )
    rg, diags = _graph(("t.yaml", text))
    assert "cfn:t.yaml#A" in rg
    assert "cfn:t.yaml#B" not in rg
    assert {d.code for d in diags} == {DiagnosticCode.EVAL_WARNING}
    assert len(diags) == 3


SAM = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {Runtime: python3.12, Tracing: Active}
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Policies: [AmazonS3ReadOnlyAccess, {S3ReadPolicy: {BucketName: b}}]
      FunctionUrlConfig: {AuthType: NONE}
      Events:
        Get: {Type: Api, Properties: {Path: /, Method: get}}
        Http: {Type: HttpApi}
        Jobs: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn}}
  Queue:
    Type: AWS::SQS::Queue
  Table:
    Type: AWS::Serverless::SimpleTable
    Properties: {PrimaryKey: {Name: pk, Type: String}}
"""


def test_sam_expansion_located_at_the_sam_resource() -> None:
    rg, diags = _graph(("sam.yaml", SAM))
    assert diags == []
    p = "cfn:sam.yaml#"
    fn = rg[p + "Api"]
    assert fn.kind == "aws_lambda_function"
    assert fn.meta["sam_type"] == "AWS::Serverless::Function"
    assert fn.attrs["runtime"] == "python3.12"
    assert fn.attrs["tracing_config"] == [{"mode": "Active"}]
    role = rg[p + "ApiRole"]
    assert role.kind == "aws_iam_role"
    assert role.line == fn.line == 5
    assert "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" in role.attrs["managed_policy_arns"]
    assert role.attrs["inline_policy"][0]["policy"]["Statement"][0]["Action"][0] == "s3:GetObject"
    assert rg.has_edge(p + "Api", p + "ApiRole", "ref")
    assert rg[p + "ApiLogGroup"].kind == "aws_cloudwatch_log_group"
    assert rg[p + "ApiUrl"].attrs["authorization_type"] == "NONE"
    assert rg[p + "ServerlessRestApi"].kind == "aws_api_gateway_rest_api"
    assert rg[p + "ServerlessHttpApi"].kind == "aws_apigatewayv2_api"
    assert rg[p + "ApiGetPermission"].kind == "aws_lambda_permission"
    assert rg.has_edge(p + "ApiJobs", p + "Queue", "ref")
    table = rg[p + "Table"]
    assert table.kind == "aws_dynamodb_table"
    assert table.attrs["billing_mode"] == "PAY_PER_REQUEST"


CDK = {
    "Resources": {
        "WebSg1A2B3C4D": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {
                "GroupDescription": "web",
                "SecurityGroupIngress": [
                    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}
                ],
            },
            "Metadata": {"aws:cdk:path": "AppStack/WebSg/Resource"},
        }
    }
}


def test_cdk_output_keeps_the_construct_path(tmp_path: Path) -> None:
    out = tmp_path / "cdk.out"
    out.mkdir()
    (out / "AppStack.template.json").write_text(json.dumps(CDK, indent=1))
    (out / "manifest.json").write_text('{"version": "36.0.0", "artifacts": {}}')
    res = load_repo(tmp_path, cache=False)
    sg = res.graph["cfn:cdk.out/AppStack.template.json#WebSg1A2B3C4D"]
    assert sg.meta["cdk_path"] == "AppStack/WebSg/Resource"
    assert sg.line == 3
    assert sg.attrs["ingress"][0]["cidr_blocks"] == ["0.0.0.0/0"]
    kinds = {f.path: (f.kind, f.status) for f in res.files}
    assert kinds["cdk.out/AppStack.template.json"] == ("cloudformation", FileStatus.PARSED)


def test_many_resources() -> None:
    body = "".join(
        f"  Sg{i}:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: g\n"
        f"      VpcId: !Ref Vpc\n"
        for i in range(10_000)
    )
    rg, diags = _graph(("big.yaml", "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n" + body))
    assert diags == []
    assert len(list(rg.resources("aws_security_group"))) == 10_000


PARENT = """\
Parameters:
  Cidr: {Type: String, Default: 10.1.0.0/16}
Resources:
  Network:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./nested/network.yaml
      Parameters:
        VpcCidr: !Ref Cidr
        FlowLogBucket: !GetAtt Logs.Arn
  Logs:
    Type: AWS::S3::Bucket
  Web:
    Type: AWS::EC2::Instance
    Properties:
      SubnetId: !GetAtt Network.Outputs.PublicSubnet
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/bucket/shared.yaml
"""

CHILD = """\
Parameters:
  VpcCidr: {Type: String}
  FlowLogBucket: {Type: String}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !Ref VpcCidr}
  Public:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: !Select [0, !Cidr [!Ref VpcCidr, 2, 8]]}
  FlowLog:
    Type: AWS::EC2::FlowLog
    Properties: {ResourceId: !Ref Vpc, ResourceType: VPC, LogDestination: !Ref FlowLogBucket}
Outputs:
  PublicSubnet:
    Value: !Ref Public
"""


def test_nested_stack_expanded_in_its_parent() -> None:
    rg, diags = _graph(("app.yaml", PARENT), ("nested/network.yaml", CHILD))
    assert diags == []
    stack = "cfn:app.yaml#Network"
    vpc = rg[stack + "/Vpc"]
    assert vpc.attrs["cidr_block"] == "10.1.0.0/16"  # parameter wired from the parent
    assert (vpc.file, vpc.line, vpc.meta["nested_in"]) == ("nested/network.yaml", 5, stack)
    assert rg[stack + "/Public"].attrs["cidr_block"] == "10.1.0.0/24"
    assert "cfn:nested/network.yaml#Vpc" not in rg  # a nested template is not a stack of its own
    assert rg.has_edge(stack, stack + "/Vpc", "module")
    assert rg.has_edge(stack + "/FlowLog", "cfn:app.yaml#Logs", "ref")  # through the parameter
    assert rg.has_edge("cfn:app.yaml#Web", stack + "/Public", "ref")  # through the output
    assert rg["cfn:app.yaml#Remote"].kind == "AWS::CloudFormation::Stack"


def test_cyclic_nested_stacks_give_a_diagnostic() -> None:
    a = "Resources:\n  B:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: b.yaml}\n"
    b = "Resources:\n  A:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: a.yaml}\n"
    rg, diags = _graph(("a.yaml", a), ("b.yaml", b))
    assert {d.code for d in diags} == {DiagnosticCode.MODULE_UNRESOLVED}
    assert len(rg) == 0
    rg, diags = _graph(("a.yaml", a), ("b.yaml", b), ("root.yaml", a.replace("b.yaml", "a.yaml")))
    assert "cyclic nested stack" in " ".join(d.message for d in diags)
    assert "cfn:root.yaml#B/B/A" in rg


def test_metadata_suppressions_are_normalised() -> None:
    text = (
        "Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Metadata:\n"
        "      cfn_nag:\n        rules_to_suppress: [{id: W9, reason: office VPN}]\n"
        "      infra_review:\n        ignore: [{id: NET007, reason: bastion}]\n"
        "    Properties: {GroupDescription: g}\n"
    )
    rg, _ = _graph(("t.yaml", text))
    assert rg["cfn:t.yaml#Sg"].meta["suppressions"] == [
        {"source": "cfn_nag", "id": "W9", "reason": "office VPN"},
        {"source": "infra_review", "id": "NET007", "reason": "bastion"},
    ]


def test_import_value_across_templates() -> None:
    network = (
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n"
        "Outputs:\n  VpcId:\n    Value: !Ref Vpc\n    Export: {Name: !Sub '${AWS::StackName}-VpcId'}\n"
        "  Shared:\n    Value: sg-123\n    Export: {Name: shared-sg}\n"
    )
    app = (
        "Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: g\n"
        "      VpcId: !ImportValue network-VpcId\n      Tags: [{Key: peer, Value: !ImportValue shared-sg}]\n"
    )
    rg, diags = _graph(("a-app.yaml", app), ("network.yaml", network))
    assert diags == []
    assert rg.has_edge("cfn:a-app.yaml#Sg", "cfn:network.yaml#Vpc", "ref")
    assert rg["cfn:a-app.yaml#Sg"].attrs["tags"] == {"peer": "sg-123"}


def test_samconfig_parameter_overrides() -> None:
    toml = '[default.deploy.parameters]\nparameter_overrides = ["Env=prod"]\ntags = "team=web"\n'
    rg, _ = _graph(("sam/net.yaml", NETWORK), read={"sam/samconfig.toml": toml})
    topic = rg["cfn:sam/net.yaml#ProdOnly"]
    assert topic.block == "resource"
    assert topic.attrs["tags"] == {"team": "web"}
    assert topic.meta["parameters_file"] == "sam/samconfig.toml"


def test_sam_types_expand_without_the_transform_line() -> None:
    rg, diags = _graph(
        ("t.yaml", "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {}\n")
    )
    assert diags == []
    assert rg["cfn:t.yaml#Fn"].kind == "aws_lambda_function"
    assert "cfn:t.yaml#FnRole" in rg
