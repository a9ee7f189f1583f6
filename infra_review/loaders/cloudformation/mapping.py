"""One declarative table: CloudFormation resource types → the attribute vocabulary rules read.

Rules and analyses are written against Terraform-shaped attributes (``aws_security_group`` with
``ingress = [{from_port, to_port, protocol, cidr_blocks}]``).  :data:`TYPE_MAP` says, for each
CloudFormation type, which kind it becomes and which properties are renamed; every other
property is kept under its snake_case name (``MapPublicIpOnLaunch`` → ``map_public_ip_on_launch``),
nested objects become one-element block lists (``MetadataOptions`` → ``metadata_options =
[{http_tokens}]``), ``Tags`` a ``{key: value}`` map.  A few types need a *shape* function for
what renaming cannot express (security-group rules, listener actions, load-balancer
attributes, bucket versioning); those live below the table, one small function each.

Types not in the table keep their CloudFormation type as kind (``AWS::SSM::Document``) and
their properties unchanged: no rule reads them, and nothing is guessed.

>>> kind, attrs = to_attrs("AWS::EC2::SecurityGroup", {"GroupDescription": "web", "SecurityGroupIngress": [
...     {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]})
>>> kind, attrs["description"], attrs["ingress"][0]["cidr_blocks"], attrs["egress"][0]["protocol"]
('aws_security_group', 'web', ['0.0.0.0/0'], '-1')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from infra_review.model import Unresolved

__all__ = ["COMPANION_KINDS", "OPAQUE", "TYPE_MAP", "TypeMap", "companions", "snake", "to_attrs"]

Shape = Callable[[dict[str, Any], Mapping[str, Any]], None]
#: (attrs, reference to the parent) → [(address suffix, kind, attrs)] of companion resources
Split = Callable[[dict[str, Any], Unresolved], list[tuple[str, str, dict[str, Any]]]]


@dataclass(frozen=True, slots=True)
class TypeMap:
    """How one CloudFormation type maps: target ``kind``, property renames, optional shape."""

    kind: str
    rename: Mapping[str, str] = field(default_factory=dict)
    shape: Shape | None = None
    #: properties whose own keys are data, not property names (kept verbatim)
    opaque: frozenset[str] = frozenset()
    #: whether CloudFormation copies stack tags onto it
    taggable: bool = True
    #: inline configuration that Terraform writes as separate resources (bucket public access
    #: block, topic subscriptions): taken out of ``attrs`` into companion nodes
    split: Split | None = None


#: Property names whose values are documents or user maps: their keys are never snake_cased.
OPAQUE = frozenset(
    {
        "PolicyDocument",
        "AssumeRolePolicyDocument",
        "KeyPolicy",
        "Variables",
        "Parameters",
        "Tags",
        "Definition",
        "DefinitionSubstitutions",
        "Body",
        "RedrivePolicy",
        "Metadata",
        "ContainerDefinitions",
    }
)

_SNAKE_1 = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SNAKE_2 = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")


def snake(name: str) -> str:
    """``MapPublicIpOnLaunch`` → ``map_public_ip_on_launch``, ``MultiAZ`` → ``multi_az``.

    >>> [snake(n) for n in ("VpcId", "MultiAZ", "DBInstanceClass", "SSLPolicy", "Ipv6CidrBlock")]
    ['vpc_id', 'multi_az', 'db_instance_class', 'ssl_policy', 'ipv6_cidr_block']
    """
    return _SNAKE_2.sub("_", _SNAKE_1.sub("_", name)).lower()


def _blocks(value: Any, depth: int = 0) -> Any:
    """Nested CloudFormation objects as Terraform blocks (lists of snake_case dicts)."""
    if depth > 60:
        return value
    if isinstance(value, dict):
        return [{snake(str(k)): (v if k in OPAQUE else _blocks(v, depth + 1)) for k, v in value.items()}]
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            conv = _blocks(item, depth + 1)
            out.extend(conv) if isinstance(item, dict) else out.append(conv)
        return out
    return value


def _tag_map(tags: Any) -> Any:
    """``[{Key, Value}]`` → ``{key: value}`` (a map stays a map)."""
    if isinstance(tags, list):
        return {
            str(t.get("Key")): t.get("Value")
            for t in tags
            if isinstance(t, dict) and isinstance(t.get("Key"), str)
        }
    return tags


def to_attrs(
    cfn_type: str,
    props: Mapping[str, Any],
    entry: Mapping[str, Any] | None = None,
    stack_tags: Mapping[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The kind and attributes of a resource of ``cfn_type`` with evaluated ``props``.

    ``entry`` is the whole resource entry (``DeletionPolicy``, ``UpdatePolicy`` are read from it);
    ``stack_tags`` are copied under the resource's own tags of taggable types.
    """
    spec = TYPE_MAP.get(cfn_type)
    if spec is None:
        return cfn_type, dict(props)
    attrs: dict[str, Any] = {}
    for key, value in props.items():
        name = spec.rename.get(key) or snake(str(key))
        if key in spec.opaque:
            attrs[name] = value
        elif key == "Tags":
            attrs[name] = _tag_map(value)
        elif key in OPAQUE:
            attrs[name] = value
        elif isinstance(value, (dict, list)):
            attrs[name] = _blocks(value)
        else:
            attrs[name] = value
    _lifecycle(attrs, entry or {})
    if stack_tags and spec.taggable:
        if spec.kind == "aws_autoscaling_group":
            own = attrs.get("tags") if isinstance(attrs.get("tags"), list) else []
            keys = {t.get("Key") for t in own if isinstance(t, dict)}
            extra = [
                {"Key": k, "Value": v, "PropagateAtLaunch": True}
                for k, v in stack_tags.items()
                if k not in keys
            ]
            attrs["tags"] = [*own, *extra]
        else:
            own = attrs.get("tags") if isinstance(attrs.get("tags"), dict) else {}
            attrs["tags"] = {**stack_tags, **own}
    if spec.shape is not None:
        spec.shape(attrs, entry or {})
    return spec.kind, attrs


#: Kinds of the companion nodes the ``split`` functions create.
COMPANION_KINDS = frozenset({"aws_s3_bucket_public_access_block", "aws_sns_topic_subscription"})


def companions(
    cfn_type: str, attrs: dict[str, Any], parent: Unresolved
) -> list[tuple[str, str, dict[str, Any]]]:
    """Companion resources of a mapped resource (removes their attributes from ``attrs``).

    >>> a = {"subscription": [{"protocol": "email", "endpoint": "x@example.com"}]}
    >>> [(s, k) for s, k, _ in companions("AWS::SNS::Topic", a, Unresolved("T"))], a
    ([('subscription[0]', 'aws_sns_topic_subscription')], {})
    """
    spec = TYPE_MAP.get(cfn_type)
    return spec.split(attrs, parent) if spec is not None and spec.split is not None else []


def _lifecycle(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    """Terraform's ``lifecycle`` as CloudFormation behaves: a replacement is always created before
    the old resource is deleted, and ``DeletionPolicy: Retain`` keeps it on stack deletion."""
    lifecycle: dict[str, Any] = {"create_before_destroy": True}
    if entry.get("DeletionPolicy") == "Retain" or entry.get("UpdateReplacePolicy") == "Retain":
        lifecycle["prevent_destroy"] = True
    attrs.setdefault("lifecycle", [lifecycle])


# -- shapes ---------------------------------------------------------------------------------
def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else value


def _as_block(value: Any) -> dict[str, Any]:
    v = _first(value)
    return v if isinstance(v, dict) else {}


def _sg_rule(rule: Mapping[str, Any], egress: bool) -> dict[str, Any]:
    protocol = rule.get("ip_protocol", "-1")
    out: dict[str, Any] = {"protocol": str(protocol) if isinstance(protocol, int) else protocol}
    all_proto = str(protocol).lower() in ("-1", "all")
    out["from_port"] = rule.get("from_port", 0 if all_proto else None)
    out["to_port"] = rule.get("to_port", 0 if all_proto else None)
    out["cidr_blocks"] = [rule["cidr_ip"]] if "cidr_ip" in rule else []
    out["ipv6_cidr_blocks"] = [rule["cidr_ipv6"]] if "cidr_ipv6" in rule else []
    group = rule.get("destination_security_group_id" if egress else "source_security_group_id")
    if group is None:
        group = rule.get("source_security_group_name")
    out["security_groups"] = [group] if group is not None else []
    prefix = rule.get("destination_prefix_list_id" if egress else "source_prefix_list_id")
    out["prefix_list_ids"] = [prefix] if prefix is not None else []
    if "description" in rule:
        out["description"] = rule["description"]
    return out


def _security_group(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    for cfn_name, direction in (("security_group_ingress", "ingress"), ("security_group_egress", "egress")):
        rules = attrs.pop(cfn_name, None)
        if isinstance(rules, Unresolved):
            attrs[direction] = rules
        elif rules is not None:
            attrs[direction] = [_sg_rule(r, direction == "egress") for r in rules if isinstance(r, dict)]
    if "egress" not in attrs:  # CloudFormation (unlike Terraform) keeps AWS's default allow-all egress
        attrs["egress"] = [
            {
                "protocol": "-1",
                "from_port": 0,
                "to_port": 0,
                "cidr_blocks": ["0.0.0.0/0"],
                "ipv6_cidr_blocks": [],
                "security_groups": [],
                "prefix_list_ids": [],
                "description": "default egress (no SecurityGroupEgress given)",
            }
        ]


def _sg_standalone(egress: bool) -> Shape:
    def shape(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
        rule = _sg_rule(attrs, egress)
        attrs.update(rule)
        attrs["type"] = "egress" if egress else "ingress"
        if rule["security_groups"]:
            attrs["source_security_group_id"] = rule["security_groups"][0]

    return shape


def _nacl_entry(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    ports = _as_block(attrs.pop("port_range", None))
    if ports:
        attrs["from_port"], attrs["to_port"] = ports.get("from"), ports.get("to")
    proto = attrs.get("protocol")
    if isinstance(proto, int):
        attrs["protocol"] = str(proto)
    attrs.setdefault("egress", False)


def _instance(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    devices = attrs.pop("block_device_mappings", None)
    if isinstance(devices, list) and devices:
        ebs = [_as_block(d.get("ebs")) for d in devices if isinstance(d, dict)]
        if ebs:
            attrs["root_block_device"] = [ebs[0]]
            extra = [
                {**e, "device_name": d.get("device_name")} for d, e in zip(devices[1:], ebs[1:], strict=False)
            ]
            if extra:
                attrs["ebs_block_device"] = extra
    nics = attrs.get("network_interfaces")
    if isinstance(nics, list):
        for nic in nics:
            if isinstance(nic, dict) and str(nic.get("device_index", "0")) == "0":
                for src, dst in (
                    ("associate_public_ip_address", "associate_public_ip_address"),
                    ("subnet_id", "subnet_id"),
                ):
                    if src in nic:
                        attrs.setdefault(dst, nic[src])
                if "group_set" in nic:
                    attrs.setdefault("vpc_security_group_ids", nic["group_set"])


def _launch_template(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    data = _as_block(attrs.pop("launch_template_data", None))
    for key, value in data.items():
        name = {
            "security_group_ids": "vpc_security_group_ids",
            "security_groups": "security_group_names",
        }.get(key, key)
        attrs[name] = value
    for spec in attrs.get("tag_specifications") or []:
        if isinstance(spec, dict) and "tags" in spec:
            spec["tags"] = _tag_map(spec["tags"])
    for nic in attrs.get("network_interfaces") or []:
        if isinstance(nic, dict) and "groups" in nic:
            nic["security_groups"] = nic.pop("groups")


def _asg(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    lt = attrs.get("launch_template")
    if isinstance(lt, list):
        for blk in lt:
            if isinstance(blk, dict):
                if "launch_template_id" in blk:
                    blk["id"] = blk.pop("launch_template_id")
                if "launch_template_name" in blk:
                    blk["name"] = blk.pop("launch_template_name")
    tags = attrs.pop("tags", None)  # kept verbatim (opaque): [{Key, Value, PropagateAtLaunch}]
    if isinstance(tags, list):
        attrs["tag"] = [
            {
                "key": t.get("Key"),
                "value": t.get("Value"),
                "propagate_at_launch": t.get("PropagateAtLaunch", True),
            }
            for t in tags
            if isinstance(t, dict)
        ]
    update = entry.get("UpdatePolicy")
    rolling = update.get("AutoScalingRollingUpdate") if isinstance(update, dict) else None
    if isinstance(rolling, dict):
        pref: dict[str, Any] = {}
        if "MinInstancesInService" in rolling:
            pref["min_instances_in_service"] = rolling["MinInstancesInService"]
        # without instance signals a failed rolling update is never detected, hence never rolled back
        pref["auto_rollback"] = rolling.get("WaitOnResourceSignals", False) is True
        attrs["instance_refresh"] = [{"strategy": "Rolling", "preferences": [pref] if pref else []}]


def _key_values(value: Any) -> dict[str, Any]:
    if not isinstance(value, list):
        return {}
    return {str(i.get("key")): i.get("value") for i in value if isinstance(i, dict) and "key" in i}


def _load_balancer(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    scheme = attrs.pop("scheme", "internet-facing")
    attrs["internal"] = scheme == "internal" if isinstance(scheme, str) else scheme
    attrs["load_balancer_type"] = attrs.pop("type", "application")
    kv = _key_values(attrs.pop("load_balancer_attributes", None))
    if "deletion_protection.enabled" in kv:
        attrs["enable_deletion_protection"] = kv["deletion_protection.enabled"]
    if "routing.http.drop_invalid_header_fields.enabled" in kv:
        attrs["drop_invalid_header_fields"] = kv["routing.http.drop_invalid_header_fields.enabled"]
    if "access_logs.s3.enabled" in kv:
        attrs["access_logs"] = [
            {"enabled": kv["access_logs.s3.enabled"], "bucket": kv.get("access_logs.s3.bucket")}
        ]
    if "subnet_mappings" in attrs and "subnets" not in attrs:
        attrs["subnets"] = [m.get("subnet_id") for m in attrs["subnet_mappings"] if isinstance(m, dict)]


def _actions(actions: Any) -> Any:
    if not isinstance(actions, list):
        return actions
    out = []
    for a in actions:
        if not isinstance(a, dict):
            continue
        a = dict(a)
        for src, dst in (
            ("redirect_config", "redirect"),
            ("fixed_response_config", "fixed_response"),
            ("forward_config", "forward"),
        ):
            if src in a:
                a[dst] = a.pop(src)
        for fwd in a.get("forward") or []:
            if isinstance(fwd, dict) and "target_groups" in fwd:
                fwd["target_group"] = [
                    {"arn": t.get("target_group_arn"), "weight": t.get("weight")}
                    for t in fwd.pop("target_groups")
                    if isinstance(t, dict)
                ]
        out.append(a)
    return out


def _listener(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    attrs["default_action"] = _actions(attrs.pop("default_actions", None))
    certs = attrs.pop("certificates", None)
    if isinstance(certs, list) and certs and isinstance(certs[0], dict):
        attrs["certificate_arn"] = certs[0].get("certificate_arn")


def _listener_rule(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    attrs["action"] = _actions(attrs.pop("actions", None))


def _target_group(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    hc = {
        snake(k[len("health_check_") :]): attrs.pop(k) for k in list(attrs) if k.startswith("health_check_")
    }
    if hc:
        hc = {
            ("interval" if k == "interval_seconds" else "timeout" if k == "timeout_seconds" else k): v
            for k, v in hc.items()
        }
        hc["healthy_threshold"] = attrs.pop("healthy_threshold_count", None)
        hc["unhealthy_threshold"] = attrs.pop("unhealthy_threshold_count", None)
        if "matcher" in attrs:
            hc["matcher"] = _as_block(attrs.pop("matcher")).get("http_code")
        attrs["health_check"] = [{k: v for k, v in hc.items() if v is not None}]
    kv = _key_values(attrs.pop("target_group_attributes", None))
    if "deregistration_delay.timeout_seconds" in kv:
        attrs["deregistration_delay"] = kv["deregistration_delay.timeout_seconds"]
    if "stickiness.enabled" in kv:
        attrs["stickiness"] = [{"enabled": kv["stickiness.enabled"], "type": kv.get("stickiness.type")}]


def _db_instance(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    policy = entry.get("DeletionPolicy", "Snapshot")
    attrs.setdefault("skip_final_snapshot", policy not in ("Snapshot", "Retain"))
    attrs.setdefault("backup_retention_period", 1)  # CloudFormation's default
    attrs.setdefault("multi_az", False)
    attrs.setdefault("publicly_accessible", False)


def _bucket(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    acl = attrs.pop("access_control", None)
    if acl is not None:
        attrs["acl"] = snake(acl).replace("_", "-") if isinstance(acl, str) else acl
    vc = _as_block(attrs.pop("versioning_configuration", None))
    if vc:
        status = vc.get("status")
        attrs["versioning"] = [{"enabled": status == "Enabled" if isinstance(status, str) else status}]
    lc = _as_block(attrs.pop("lifecycle_configuration", None))
    if lc:
        attrs["lifecycle_rule"] = [
            {**r, "enabled": r.get("status") == "Enabled"}
            for r in lc.get("rules") or []
            if isinstance(r, dict)
        ]
    enc = _as_block(attrs.pop("bucket_encryption", None))
    if enc:
        rules = enc.get("server_side_encryption_configuration") or []
        attrs["server_side_encryption_configuration"] = [
            {
                "rule": [
                    {"apply_server_side_encryption_by_default": r.get("server_side_encryption_by_default")}
                    for r in rules
                    if isinstance(r, dict)
                ]
            }
        ]
    for src, dst in (("website_configuration", "website"), ("logging_configuration", "logging")):
        if src in attrs:
            attrs[dst] = attrs.pop(src)


def _bucket_split(attrs: dict[str, Any], parent: Unresolved) -> list[tuple[str, str, dict[str, Any]]]:
    pab = _as_block(attrs.pop("public_access_block_configuration", None))
    if not pab:
        return []
    return [("public_access_block", "aws_s3_bucket_public_access_block", {"bucket": parent, **pab})]


def _topic_split(attrs: dict[str, Any], parent: Unresolved) -> list[tuple[str, str, dict[str, Any]]]:
    subs = attrs.pop("subscription", None)
    if not isinstance(subs, list):
        return []
    return [
        (f"subscription[{i}]", "aws_sns_topic_subscription", {"topic_arn": parent, **sub})
        for i, sub in enumerate(subs)
        if isinstance(sub, dict)
    ]


def _role(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    policies = attrs.pop("policies", None)
    if isinstance(policies, list):
        attrs["inline_policy"] = [
            {"name": p.get("policy_name"), "policy": p.get("policy_document")}
            for p in policies
            if isinstance(p, dict)
        ]


def _policy(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    roles = attrs.get("roles")
    if isinstance(roles, list) and roles:
        attrs.setdefault("role", roles[0])


def _alarm(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    dims = attrs.get("dimensions")
    if isinstance(dims, list):
        attrs["dimensions"] = {str(d.get("name")): d.get("value") for d in dims if isinstance(d, dict)}


def _lambda(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    attrs.pop("code", None)  # inline code is not configuration (and may be long)


def _instance_profile(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    roles = attrs.get("roles")
    if isinstance(roles, list) and roles:
        attrs.setdefault("role", roles[0])


def _flow_log(attrs: dict[str, Any], entry: Mapping[str, Any]) -> None:
    rtype = str(attrs.get("resource_type", "")).upper()
    rid = attrs.get("resource_id")
    if rtype == "VPC":
        attrs["vpc_id"] = rid
    elif rtype == "SUBNET":
        attrs["subnet_id"] = rid
    elif rtype == "NETWORKINTERFACE":
        attrs["eni_id"] = rid


_LB = "AWS::ElasticLoadBalancingV2::"

#: CloudFormation type → how it maps.  Renames only where snake_case of the CloudFormation
#: name is not the Terraform attribute.
TYPE_MAP: dict[str, TypeMap] = {
    "AWS::EC2::VPC": TypeMap("aws_vpc"),
    "AWS::EC2::Subnet": TypeMap("aws_subnet"),
    "AWS::EC2::RouteTable": TypeMap("aws_route_table"),
    "AWS::EC2::Route": TypeMap("aws_route", taggable=False),
    "AWS::EC2::SubnetRouteTableAssociation": TypeMap("aws_route_table_association", taggable=False),
    "AWS::EC2::InternetGateway": TypeMap("aws_internet_gateway"),
    "AWS::EC2::VPCGatewayAttachment": TypeMap("aws_internet_gateway_attachment", taggable=False),
    "AWS::EC2::NatGateway": TypeMap("aws_nat_gateway"),
    "AWS::EC2::EIP": TypeMap("aws_eip", {"InstanceId": "instance"}),
    "AWS::EC2::SecurityGroup": TypeMap(
        "aws_security_group", {"GroupDescription": "description", "GroupName": "name"}, _security_group
    ),
    "AWS::EC2::SecurityGroupIngress": TypeMap(
        "aws_security_group_rule",
        {"GroupId": "security_group_id"},
        _sg_standalone(egress=False),
        taggable=False,
    ),
    "AWS::EC2::SecurityGroupEgress": TypeMap(
        "aws_security_group_rule",
        {"GroupId": "security_group_id"},
        _sg_standalone(egress=True),
        taggable=False,
    ),
    "AWS::EC2::NetworkAcl": TypeMap("aws_network_acl"),
    "AWS::EC2::NetworkAclEntry": TypeMap(
        "aws_network_acl_rule", {"CidrBlock": "cidr_block"}, _nacl_entry, taggable=False
    ),
    "AWS::EC2::SubnetNetworkAclAssociation": TypeMap("aws_network_acl_association", taggable=False),
    "AWS::EC2::Instance": TypeMap(
        "aws_instance",
        {
            "ImageId": "ami",
            "SecurityGroupIds": "vpc_security_group_ids",
            "IamInstanceProfile": "iam_instance_profile",
        },
        _instance,
    ),
    "AWS::EC2::Volume": TypeMap("aws_ebs_volume", {"VolumeType": "type"}),
    "AWS::EC2::VolumeAttachment": TypeMap(
        "aws_volume_attachment", {"Device": "device_name", "VolumeId": "volume_id"}
    ),
    "AWS::EC2::LaunchTemplate": TypeMap(
        "aws_launch_template", {"LaunchTemplateName": "name"}, _launch_template
    ),
    "AWS::EC2::FlowLog": TypeMap("aws_flow_log", shape=_flow_log),
    "AWS::EC2::VPCEndpoint": TypeMap("aws_vpc_endpoint", {"PolicyDocument": "policy"}),
    "AWS::AutoScaling::AutoScalingGroup": TypeMap(
        "aws_autoscaling_group",
        {
            "VPCZoneIdentifier": "vpc_zone_identifier",
            "TargetGroupARNs": "target_group_arns",
            "LoadBalancerNames": "load_balancers",
            "AutoScalingGroupName": "name",
        },
        _asg,
        frozenset({"Tags"}),
    ),
    "AWS::AutoScaling::ScalingPolicy": TypeMap("aws_autoscaling_policy", taggable=False),
    "AWS::AutoScaling::ScheduledAction": TypeMap("aws_autoscaling_schedule", taggable=False),
    "AWS::AutoScaling::LifecycleHook": TypeMap("aws_autoscaling_lifecycle_hook", taggable=False),
    _LB + "LoadBalancer": TypeMap(
        "aws_lb", {"SecurityGroups": "security_groups", "Name": "name"}, _load_balancer
    ),
    _LB + "Listener": TypeMap(
        "aws_lb_listener", {"LoadBalancerArn": "load_balancer_arn", "SslPolicy": "ssl_policy"}, _listener
    ),
    _LB + "ListenerRule": TypeMap("aws_lb_listener_rule", {"ListenerArn": "listener_arn"}, _listener_rule),
    _LB + "TargetGroup": TypeMap("aws_lb_target_group", shape=_target_group),
    "AWS::RDS::DBInstance": TypeMap(
        "aws_db_instance",
        {
            "DBInstanceClass": "instance_class",
            "DBName": "db_name",
            "MasterUsername": "username",
            "MasterUserPassword": "password",
            "DBSubnetGroupName": "db_subnet_group_name",
            "VPCSecurityGroups": "vpc_security_group_ids",
            "DBInstanceIdentifier": "identifier",
            "EnableCloudwatchLogsExports": "enabled_cloudwatch_logs_exports",
            "MultiAZ": "multi_az",
            "DBClusterIdentifier": "cluster_identifier",
            "EnablePerformanceInsights": "performance_insights_enabled",
        },
        _db_instance,
    ),
    "AWS::RDS::DBCluster": TypeMap(
        "aws_rds_cluster",
        {
            "MasterUsername": "master_username",
            "MasterUserPassword": "master_password",
            "DBSubnetGroupName": "db_subnet_group_name",
            "VpcSecurityGroupIds": "vpc_security_group_ids",
            "DBClusterIdentifier": "cluster_identifier",
            "EnableCloudwatchLogsExports": "enabled_cloudwatch_logs_exports",
        },
    ),
    "AWS::RDS::DBSubnetGroup": TypeMap("aws_db_subnet_group", {"DBSubnetGroupName": "name"}),
    "AWS::ElastiCache::CacheCluster": TypeMap(
        "aws_elasticache_cluster",
        {
            "CacheNodeType": "node_type",
            "CacheSubnetGroupName": "subnet_group_name",
            "VpcSecurityGroupIds": "security_group_ids",
            "ClusterName": "cluster_id",
        },
    ),
    "AWS::ElastiCache::ReplicationGroup": TypeMap(
        "aws_elasticache_replication_group",
        {
            "CacheNodeType": "node_type",
            "CacheSubnetGroupName": "subnet_group_name",
            "SecurityGroupIds": "security_group_ids",
            "NumCacheClusters": "num_cache_clusters",
            "MultiAZEnabled": "multi_az_enabled",
            "ReplicationGroupId": "replication_group_id",
        },
    ),
    "AWS::ElastiCache::SubnetGroup": TypeMap(
        "aws_elasticache_subnet_group", {"CacheSubnetGroupName": "name"}
    ),
    "AWS::S3::Bucket": TypeMap("aws_s3_bucket", {"BucketName": "bucket"}, _bucket, split=_bucket_split),
    "AWS::S3::BucketPolicy": TypeMap("aws_s3_bucket_policy", {"PolicyDocument": "policy"}, taggable=False),
    "AWS::IAM::Role": TypeMap(
        "aws_iam_role", {"AssumeRolePolicyDocument": "assume_role_policy", "RoleName": "name"}, _role
    ),
    "AWS::IAM::Policy": TypeMap(
        "aws_iam_role_policy", {"PolicyDocument": "policy", "PolicyName": "name"}, _policy
    ),
    "AWS::IAM::ManagedPolicy": TypeMap(
        "aws_iam_policy", {"PolicyDocument": "policy", "ManagedPolicyName": "name"}, _policy
    ),
    "AWS::IAM::InstanceProfile": TypeMap(
        "aws_iam_instance_profile", {"InstanceProfileName": "name"}, _instance_profile
    ),
    "AWS::KMS::Key": TypeMap(
        "aws_kms_key", {"KeyPolicy": "policy", "PendingWindowInDays": "deletion_window_in_days"}
    ),
    "AWS::Lambda::Function": TypeMap("aws_lambda_function", shape=_lambda),
    "AWS::Lambda::Permission": TypeMap("aws_lambda_permission", taggable=False),
    "AWS::Lambda::Url": TypeMap(
        "aws_lambda_function_url", {"TargetFunctionArn": "function_name", "AuthType": "authorization_type"}
    ),
    "AWS::CloudWatch::Alarm": TypeMap("aws_cloudwatch_metric_alarm", {"OKActions": "ok_actions"}, _alarm),
    "AWS::Logs::LogGroup": TypeMap("aws_cloudwatch_log_group", {"LogGroupName": "name"}),
    "AWS::DynamoDB::Table": TypeMap(
        "aws_dynamodb_table",
        {
            "TableName": "name",
            "PointInTimeRecoverySpecification": "point_in_time_recovery",
            "SSESpecification": "server_side_encryption",
        },
    ),
    "AWS::SQS::Queue": TypeMap("aws_sqs_queue", {"QueueName": "name"}),
    "AWS::SNS::Topic": TypeMap("aws_sns_topic", {"TopicName": "name"}, split=_topic_split),
    "AWS::SNS::Subscription": TypeMap(
        "aws_sns_topic_subscription", {"TopicArn": "topic_arn"}, taggable=False
    ),
    "AWS::SNS::TopicPolicy": TypeMap("aws_sns_topic_policy", {"PolicyDocument": "policy"}, taggable=False),
    "AWS::SQS::QueuePolicy": TypeMap("aws_sqs_queue_policy", {"PolicyDocument": "policy"}, taggable=False),
    "AWS::CertificateManager::Certificate": TypeMap("aws_acm_certificate"),
    "AWS::WAFv2::WebACLAssociation": TypeMap(
        "aws_wafv2_web_acl_association", {"WebACLArn": "web_acl_arn"}, taggable=False
    ),
    "AWS::SSM::Parameter": TypeMap("aws_ssm_parameter"),
    "AWS::ApiGateway::RestApi": TypeMap("aws_api_gateway_rest_api"),
    "AWS::ApiGateway::Stage": TypeMap("aws_api_gateway_stage"),
    "AWS::ApiGatewayV2::Api": TypeMap("aws_apigatewayv2_api", {"ProtocolType": "protocol_type"}),
    "AWS::ApiGatewayV2::Stage": TypeMap("aws_apigatewayv2_stage", taggable=False),
    "AWS::Backup::BackupPlan": TypeMap("aws_backup_plan"),
    "AWS::Backup::BackupSelection": TypeMap("aws_backup_selection", taggable=False),
}
