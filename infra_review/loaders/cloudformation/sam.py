"""The SAM transform (``AWS::Serverless-2016-10-31``), statically: the resources SAM would create.

:func:`expand` replaces each ``AWS::Serverless::*`` resource by the plain CloudFormation
resources the transform generates, under SAM's own logical ids, each marked with
``__sam__ = {"origin": <SAM logical id>, "type": <SAM type>}`` so that it is located at the SAM
resource's line:

- ``Function`` → ``AWS::Lambda::Function``; ``<Fn>Role`` (``AWS::IAM::Role``: Lambda trust,
  ``AWSLambdaBasicExecutionRole`` (+ VPC access), ``Policies`` as managed ARNs or inline
  statements, SAM policy templates as unknown inline policies) unless ``Role`` is given;
  ``<Fn>LogGroup`` (the ``/aws/lambda/<name>`` group Lambda creates on first run, kept forever);
  ``<Fn>Url`` for ``FunctionUrlConfig``; for ``Api``/``HttpApi`` events the implicit
  ``ServerlessRestApi``/``ServerlessHttpApi`` and a ``<Fn><Event>Permission``; for other
  push events a permission, for ``SQS``/``Kinesis``/``DynamoDB`` an event source mapping.
- ``Api`` → ``AWS::ApiGateway::RestApi`` + ``<Api><Stage>Stage``; ``HttpApi`` →
  ``AWS::ApiGatewayV2::Api`` + stage; ``SimpleTable`` → ``AWS::DynamoDB::Table``;
  ``StateMachine`` → ``AWS::StepFunctions::StateMachine``; ``LayerVersion`` →
  ``AWS::Lambda::LayerVersion``.  ``Globals.Function`` (and ``Api``/``HttpApi``) are merged in.

>>> out, _ = expand({"Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": "python3.12"}}},
...                 None, "t.yaml")
>>> sorted(out), out["FnRole"]["__sam__"]
(['Fn', 'FnLogGroup', 'FnRole'], {'origin': 'Fn', 'type': 'AWS::Serverless::Function'})
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from infra_review.model import Diagnostic, DiagnosticCode

__all__ = ["POLICY_TEMPLATES", "SAM_TRANSFORM", "expand"]

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
_MANAGED = "arn:aws:iam::aws:policy/"
_FUNCTION_PROPS = (
    "Handler",
    "Runtime",
    "MemorySize",
    "Timeout",
    "Environment",
    "VpcConfig",
    "Layers",
    "FunctionName",
    "KmsKeyArn",
    "Architectures",
    "ReservedConcurrentExecutions",
    "Description",
    "ImageConfig",
    "PackageType",
    "EphemeralStorage",
    "FileSystemConfigs",
    "LoggingConfig",
    "SnapStart",
)
_PULL_EVENTS = frozenset({"SQS", "Kinesis", "DynamoDB", "MSK", "MQ", "DocumentDB", "SelfManagedKafka"})
_PRINCIPALS = {
    "Api": "apigateway.amazonaws.com",
    "HttpApi": "apigateway.amazonaws.com",
    "S3": "s3.amazonaws.com",
    "SNS": "sns.amazonaws.com",
    "Schedule": "events.amazonaws.com",
    "ScheduleV2": "scheduler.amazonaws.com",
    "EventBridgeRule": "events.amazonaws.com",
    "CloudWatchEvent": "events.amazonaws.com",
    "CloudWatchLogs": "logs.amazonaws.com",
    "IoTRule": "iot.amazonaws.com",
    "Cognito": "cognito-idp.amazonaws.com",
}


def _tags(tags: Any) -> list[dict[str, Any]]:
    base = [{"Key": "lambda:createdBy", "Value": "SAM"}]
    if isinstance(tags, dict):
        return base + [{"Key": k, "Value": v} for k, v in tags.items()]
    return base


def _merge(glob: Any, props: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(glob)) if isinstance(glob, dict) else {}
    for k, v in props.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            merged = dict(out[k])
            for ik, iv in v.items():
                if isinstance(iv, dict) and isinstance(merged.get(ik), dict):
                    merged[ik] = {**merged[ik], **iv}
                else:
                    merged[ik] = iv
            out[k] = merged
        else:
            out[k] = v
    return out


def _bucket_arns(params: Mapping[str, Any]) -> list[Any]:
    name = params.get("BucketName")
    return [
        {"Fn::Sub": ["arn:${AWS::Partition}:s3:::${b}", {"b": name}]},
        {"Fn::Sub": ["arn:${AWS::Partition}:s3:::${b}/*", {"b": name}]},
    ]


def _table_arns(params: Mapping[str, Any]) -> list[Any]:
    name = params.get("TableName")
    arn = "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${t}"
    return [{"Fn::Sub": [arn, {"t": name}]}, {"Fn::Sub": [arn + "/index/*", {"t": name}]}]


#: The most used SAM policy templates: name → (actions, resources from the template's parameters).
POLICY_TEMPLATES: dict[str, tuple[tuple[str, ...], Any]] = {
    "S3ReadPolicy": (
        ("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion"),
        _bucket_arns,
    ),
    "S3WritePolicy": (("s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration"), _bucket_arns),
    "S3CrudPolicy": (
        (
            "s3:GetObject",
            "s3:ListBucket",
            "s3:GetBucketLocation",
            "s3:GetObjectVersion",
            "s3:PutObject",
            "s3:PutObjectAcl",
            "s3:GetLifecycleConfiguration",
            "s3:PutLifecycleConfiguration",
            "s3:DeleteObject",
        ),
        _bucket_arns,
    ),
    "DynamoDBReadPolicy": (
        (
            "dynamodb:GetItem",
            "dynamodb:Scan",
            "dynamodb:Query",
            "dynamodb:BatchGetItem",
            "dynamodb:DescribeTable",
        ),
        _table_arns,
    ),
    "DynamoDBCrudPolicy": (
        (
            "dynamodb:GetItem",
            "dynamodb:DeleteItem",
            "dynamodb:PutItem",
            "dynamodb:Scan",
            "dynamodb:Query",
            "dynamodb:UpdateItem",
            "dynamodb:BatchWriteItem",
            "dynamodb:BatchGetItem",
            "dynamodb:DescribeTable",
            "dynamodb:ConditionCheckItem",
        ),
        _table_arns,
    ),
    "SQSSendMessagePolicy": (
        ("sqs:SendMessage*",),
        lambda p: [
            {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${q}",
                    {"q": p.get("QueueName")},
                ]
            }
        ],
    ),
    "SNSPublishMessagePolicy": (
        ("sns:Publish",),
        lambda p: [
            {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${t}",
                    {"t": p.get("TopicName")},
                ]
            }
        ],
    ),
}


def _policy_template(name: str, params: Mapping[str, Any]) -> Any:
    """The policy document of a SAM policy template (an unknown one stays unresolved)."""
    known = POLICY_TEMPLATES.get(name)
    if known is None:
        return {"Fn::SAM::PolicyTemplate": name}  # not evaluated: Unresolved, without a warning
    actions, resources = known
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resources(params)}],
    }


def _role(logical: str, props: Mapping[str, Any]) -> dict[str, Any]:
    managed: list[Any] = [_MANAGED + "service-role/AWSLambdaBasicExecutionRole"]
    if "VpcConfig" in props:
        managed.append(_MANAGED + "service-role/AWSLambdaVPCAccessExecutionRole")
    if str(props.get("Tracing", "")) == "Active":
        managed.append(_MANAGED + "AWSXrayWriteOnlyAccess")
    inline: list[dict[str, Any]] = []
    policies = props.get("Policies")
    for i, pol in enumerate(policies if isinstance(policies, list) else [policies] if policies else []):
        if isinstance(pol, str):
            managed.append(pol if pol.startswith("arn:") else _MANAGED + pol)
        elif isinstance(pol, dict) and "Statement" in pol:
            inline.append({"PolicyName": f"{logical}RolePolicy{i}", "PolicyDocument": pol})
        elif isinstance(pol, dict) and len(pol) == 1 and ("Ref" in pol or "Fn::" in next(iter(pol))):
            managed.append(pol)
        elif isinstance(pol, dict) and pol:
            name, params = next(iter(pol.items()))
            doc = _policy_template(str(name), params if isinstance(params, dict) else {})
            inline.append({"PolicyName": f"{logical}RolePolicy{i}", "PolicyDocument": doc})
    props_out: dict[str, Any] = {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["sts:AssumeRole"],
                    "Principal": {"Service": ["lambda.amazonaws.com"]},
                }
            ],
        },
        "ManagedPolicyArns": managed,
        "Tags": _tags(props.get("Tags")),
    }
    if inline:
        props_out["Policies"] = inline
    if "PermissionsBoundary" in props:
        props_out["PermissionsBoundary"] = props["PermissionsBoundary"]
    return {"Type": "AWS::IAM::Role", "Properties": props_out}


def _events(logical: str, props: Mapping[str, Any], out: dict[str, Any], implicit: dict[str, str]) -> None:
    events = props.get("Events")
    if not isinstance(events, dict):
        return
    for name, ev in events.items():
        if not isinstance(ev, dict):
            continue
        etype = str(ev.get("Type", ""))
        eprops = ev.get("Properties") if isinstance(ev.get("Properties"), dict) else {}
        if etype in _PULL_EVENTS:
            out[f"{logical}{name}"] = {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {
                    "FunctionName": {"Ref": logical},
                    "EventSourceArn": eprops.get("Queue", eprops.get("Stream")),
                },
            }
            continue
        source: Any = None
        if etype in ("Api", "HttpApi"):
            api_key = "RestApiId" if etype == "Api" else "ApiId"
            api = eprops.get(api_key)
            if api is None:
                api_logical = "ServerlessRestApi" if etype == "Api" else "ServerlessHttpApi"
                implicit[api_logical] = etype
                api = {"Ref": api_logical}
            source = {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*",
                    {"Api": api},
                ]
            }
        out[f"{logical}{name}Permission"] = {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Ref": logical},
                "Principal": _PRINCIPALS.get(etype, "events.amazonaws.com"),
                **({"SourceArn": source} if source else {}),
            },
        }


def _function(logical: str, props: dict[str, Any], out: dict[str, Any], implicit: dict[str, str]) -> None:
    fn: dict[str, Any] = {k: props[k] for k in _FUNCTION_PROPS if k in props}
    role = props.get("Role")
    if role is None:
        out[f"{logical}Role"] = _role(logical, props)
        role = {"Fn::GetAtt": [f"{logical}Role", "Arn"]}
    fn["Role"] = role
    if str(props.get("Tracing", "")) in ("Active", "PassThrough"):
        fn["TracingConfig"] = {"Mode": props["Tracing"]}
    dlq = props.get("DeadLetterQueue")
    if isinstance(dlq, dict):
        fn["DeadLetterConfig"] = {"TargetArn": dlq.get("TargetArn")}
    fn["Tags"] = _tags(props.get("Tags"))
    out[logical] = {"Type": "AWS::Lambda::Function", "Properties": fn}
    name = props.get("FunctionName", {"Ref": logical})
    out[f"{logical}LogGroup"] = {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {"LogGroupName": {"Fn::Join": ["", ["/aws/lambda/", name]]}},
        "__implicit__": True,
    }
    url = props.get("FunctionUrlConfig")
    if isinstance(url, dict):
        out[f"{logical}Url"] = {
            "Type": "AWS::Lambda::Url",
            "Properties": {
                "TargetFunctionArn": {"Ref": logical},
                "AuthType": url.get("AuthType"),
                "Cors": url.get("Cors"),
            },
        }
    _events(logical, props, out, implicit)


def _api(logical: str, props: Mapping[str, Any], http: bool, out: dict[str, Any]) -> None:
    stage = props.get("StageName", "$default" if http else "Prod")
    stage_id = f"{logical}{stage}Stage".replace("$", "")
    if http:
        api = {
            k: props[k]
            for k in ("Name", "Description", "CorsConfiguration", "DisableExecuteApiEndpoint")
            if k in props
        }
        out[logical] = {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "HTTP", **api}}
        out[stage_id] = {
            "Type": "AWS::ApiGatewayV2::Stage",
            "Properties": {
                "ApiId": {"Ref": logical},
                "StageName": stage,
                "AutoDeploy": True,
                **({"AccessLogSettings": props["AccessLogSettings"]} if "AccessLogSettings" in props else {}),
            },
        }
        return
    api = {
        k: props[k]
        for k in ("Name", "Description", "EndpointConfiguration", "Policy", "BinaryMediaTypes")
        if k in props
    }
    auth = props.get("Auth")
    out[logical] = {
        "Type": "AWS::ApiGateway::RestApi",
        "Properties": api,
        **({"__auth__": auth} if isinstance(auth, dict) else {}),
    }
    stage_props: dict[str, Any] = {"RestApiId": {"Ref": logical}, "StageName": stage}
    for k in ("TracingEnabled", "AccessLogSetting", "MethodSettings", "CacheClusterEnabled"):
        if k in props:
            stage_props[k] = props[k]
    out[stage_id] = {"Type": "AWS::ApiGateway::Stage", "Properties": stage_props}


def _table(props: Mapping[str, Any]) -> dict[str, Any]:
    pk = (
        props.get("PrimaryKey")
        if isinstance(props.get("PrimaryKey"), dict)
        else {"Name": "id", "Type": "String"}
    )
    ddb_type = {"String": "S", "Number": "N", "Binary": "B"}.get(str(pk.get("Type")), "S")
    out: dict[str, Any] = {
        "AttributeDefinitions": [{"AttributeName": pk.get("Name"), "AttributeType": ddb_type}],
        "KeySchema": [{"AttributeName": pk.get("Name"), "KeyType": "HASH"}],
    }
    if "ProvisionedThroughput" in props:
        out["ProvisionedThroughput"] = props["ProvisionedThroughput"]
    else:
        out["BillingMode"] = "PAY_PER_REQUEST"
    for k in ("TableName", "SSESpecification", "PointInTimeRecoverySpecification"):
        if k in props:
            out[k] = props[k]
    if isinstance(props.get("Tags"), dict):
        out["Tags"] = [{"Key": k, "Value": v} for k, v in props["Tags"].items()]
    return out


def _expand_one(
    logical: str,
    stype: str,
    props: dict[str, Any],
    globs: Mapping[str, Any],
    out: dict[str, Any],
    implicit: dict[str, str],
) -> bool:
    if stype == "AWS::Serverless::Function":
        _function(logical, _merge(globs.get("Function"), props), out, implicit)
    elif stype == "AWS::Serverless::Api":
        _api(logical, _merge(globs.get("Api"), props), False, out)
    elif stype == "AWS::Serverless::HttpApi":
        _api(logical, _merge(globs.get("HttpApi"), props), True, out)
    elif stype == "AWS::Serverless::SimpleTable":
        out[logical] = {
            "Type": "AWS::DynamoDB::Table",
            "Properties": _table(_merge(globs.get("SimpleTable"), props)),
        }
    elif stype == "AWS::Serverless::StateMachine":
        sm = {
            k: props[k]
            for k in ("Name", "Definition", "DefinitionUri", "Logging", "Tracing", "Role", "Type")
            if k in props
        }
        out[logical] = {"Type": "AWS::StepFunctions::StateMachine", "Properties": sm}
    elif stype == "AWS::Serverless::LayerVersion":
        out[logical] = {"Type": "AWS::Lambda::LayerVersion", "Properties": {}}
    else:
        return False
    return True


def expand(resources: Mapping[str, Any], globals_: Any, path: str) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The resources after the SAM transform; ``AWS::Serverless::*`` entries replaced."""
    globs = globals_ if isinstance(globals_, dict) else {}
    out: dict[str, Any] = {}
    diags: list[Diagnostic] = []
    implicit: dict[str, str] = {}
    origin: dict[str, tuple[str, str]] = {}
    for logical, entry in resources.items():
        stype = entry.get("Type") if isinstance(entry, dict) else None
        if not isinstance(stype, str) or not stype.startswith("AWS::Serverless::"):
            out[logical] = entry
            continue
        props = entry.get("Properties") if isinstance(entry.get("Properties"), dict) else {}
        made: dict[str, Any] = {}
        if not _expand_one(str(logical), stype, dict(props), globs, made, implicit):
            diags.append(
                Diagnostic(DiagnosticCode.UNSUPPORTED, path, message=f"SAM type {stype[:60]} not expanded")
            )
            out[logical] = entry
            continue
        for new_id, new in made.items():
            for attr in ("Condition", "DependsOn", "Metadata", "DeletionPolicy", "UpdateReplacePolicy"):
                if attr in entry and (new_id == logical or attr == "Condition"):
                    new.setdefault(attr, entry[attr])
            new["__sam__"] = {"origin": str(logical), "type": stype}
            origin.setdefault(new_id, (str(logical), stype))
            out.setdefault(new_id, new)
    for api_logical, etype in implicit.items():
        if api_logical in out:
            continue
        made = {}
        _api(api_logical, globs.get("Api" if etype == "Api" else "HttpApi") or {}, etype == "HttpApi", made)
        first = next((o for o, t in origin.values()), "")
        for new_id, new in made.items():
            new["__sam__"] = {"origin": first, "type": f"AWS::Serverless::{etype}"}
            out.setdefault(new_id, new)
    return out, diags
