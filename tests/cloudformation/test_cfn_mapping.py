"""The declarative type table: what it maps, and that what it produces is what rules read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra_review.loaders.cloudformation.mapping import COMPANION_KINDS, TYPE_MAP, companions, snake, to_attrs
from infra_review.model import Unresolved

PKG = Path(__file__).resolve().parents[2] / "infra_review"
READERS = "\n".join(
    p.read_text(encoding="utf-8") for d in ("rules", "analysis") for p in sorted((PKG / d).glob("*.py"))
)

#: Every CloudFormation type mapped today (the table must not lose one silently).
MAPPED = {
    "AWS::EC2::VPC": "aws_vpc",
    "AWS::EC2::Subnet": "aws_subnet",
    "AWS::EC2::RouteTable": "aws_route_table",
    "AWS::EC2::Route": "aws_route",
    "AWS::EC2::SubnetRouteTableAssociation": "aws_route_table_association",
    "AWS::EC2::InternetGateway": "aws_internet_gateway",
    "AWS::EC2::VPCGatewayAttachment": "aws_internet_gateway_attachment",
    "AWS::EC2::NatGateway": "aws_nat_gateway",
    "AWS::EC2::EIP": "aws_eip",
    "AWS::EC2::SecurityGroup": "aws_security_group",
    "AWS::EC2::SecurityGroupIngress": "aws_security_group_rule",
    "AWS::EC2::SecurityGroupEgress": "aws_security_group_rule",
    "AWS::EC2::NetworkAcl": "aws_network_acl",
    "AWS::EC2::NetworkAclEntry": "aws_network_acl_rule",
    "AWS::EC2::SubnetNetworkAclAssociation": "aws_network_acl_association",
    "AWS::EC2::Instance": "aws_instance",
    "AWS::EC2::Volume": "aws_ebs_volume",
    "AWS::EC2::VolumeAttachment": "aws_volume_attachment",
    "AWS::EC2::LaunchTemplate": "aws_launch_template",
    "AWS::EC2::FlowLog": "aws_flow_log",
    "AWS::EC2::VPCEndpoint": "aws_vpc_endpoint",
    "AWS::AutoScaling::AutoScalingGroup": "aws_autoscaling_group",
    "AWS::AutoScaling::ScalingPolicy": "aws_autoscaling_policy",
    "AWS::AutoScaling::ScheduledAction": "aws_autoscaling_schedule",
    "AWS::AutoScaling::LifecycleHook": "aws_autoscaling_lifecycle_hook",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "aws_lb",
    "AWS::ElasticLoadBalancingV2::Listener": "aws_lb_listener",
    "AWS::ElasticLoadBalancingV2::ListenerRule": "aws_lb_listener_rule",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "aws_lb_target_group",
    "AWS::RDS::DBInstance": "aws_db_instance",
    "AWS::RDS::DBCluster": "aws_rds_cluster",
    "AWS::RDS::DBSubnetGroup": "aws_db_subnet_group",
    "AWS::ElastiCache::CacheCluster": "aws_elasticache_cluster",
    "AWS::ElastiCache::ReplicationGroup": "aws_elasticache_replication_group",
    "AWS::ElastiCache::SubnetGroup": "aws_elasticache_subnet_group",
    "AWS::S3::Bucket": "aws_s3_bucket",
    "AWS::S3::BucketPolicy": "aws_s3_bucket_policy",
    "AWS::IAM::Role": "aws_iam_role",
    "AWS::IAM::Policy": "aws_iam_role_policy",
    "AWS::IAM::ManagedPolicy": "aws_iam_policy",
    "AWS::IAM::InstanceProfile": "aws_iam_instance_profile",
    "AWS::KMS::Key": "aws_kms_key",
    "AWS::Lambda::Function": "aws_lambda_function",
    "AWS::Lambda::Permission": "aws_lambda_permission",
    "AWS::Lambda::Url": "aws_lambda_function_url",
    "AWS::CloudWatch::Alarm": "aws_cloudwatch_metric_alarm",
    "AWS::Logs::LogGroup": "aws_cloudwatch_log_group",
    "AWS::DynamoDB::Table": "aws_dynamodb_table",
    "AWS::SQS::Queue": "aws_sqs_queue",
    "AWS::SQS::QueuePolicy": "aws_sqs_queue_policy",
    "AWS::SNS::Topic": "aws_sns_topic",
    "AWS::SNS::Subscription": "aws_sns_topic_subscription",
    "AWS::SNS::TopicPolicy": "aws_sns_topic_policy",
    "AWS::CertificateManager::Certificate": "aws_acm_certificate",
    "AWS::WAFv2::WebACLAssociation": "aws_wafv2_web_acl_association",
    "AWS::SSM::Parameter": "aws_ssm_parameter",
    "AWS::ApiGateway::RestApi": "aws_api_gateway_rest_api",
    "AWS::ApiGateway::Stage": "aws_api_gateway_stage",
    "AWS::ApiGatewayV2::Api": "aws_apigatewayv2_api",
    "AWS::ApiGatewayV2::Stage": "aws_apigatewayv2_stage",
    "AWS::Backup::BackupPlan": "aws_backup_plan",
    "AWS::Backup::BackupSelection": "aws_backup_selection",
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Types rules read that have no CloudFormation resource of their own: CloudFormation writes them
#: as properties of the resource they configure (mapped there), or they are Terraform aliases,
#: data sources or purchases.
TERRAFORM_ONLY = _words(
    """aws_access_key_id aws_acm_certificate_validation aws_alb aws_alb_listener aws_alb_listener_rule
    aws_alb_target_group aws_alb_target_group_attachment aws_ce_cost_allocation_tag aws_default_network_acl
    aws_default_route_table aws_default_security_group aws_default_subnet aws_default_vpc
    aws_db_instance_automated_backups_replication aws_ecr_lifecycle_policy aws_ecr_repository_policy
    aws_efs_file_system_policy aws_elasticsearch_domain_policy aws_opensearch_domain_policy
    aws_elasticache_reserved_cache_node aws_rds_reserved_instance aws_iam_group_policy_attachments_exclusive
    aws_iam_policy_document aws_iam_role_policy_attachment aws_iam_role_policy_attachments_exclusive
    aws_iam_user_policy_attachments_exclusive aws_iam_policy_attachment aws_iam_group_policy_attachment
    aws_iam_user_policy_attachment aws_kms_key_policy aws_main_route_table_association
    aws_network_interface_sg_attachment aws_s3_account_public_access_block aws_s3_bucket_acl
    aws_s3_bucket_lifecycle_configuration aws_s3_bucket_logging aws_s3_bucket_object_lock_configuration
    aws_s3_bucket_ownership_controls aws_s3_bucket_replication_configuration
    aws_s3_bucket_server_side_encryption_configuration aws_s3_bucket_versioning
    aws_secretsmanager_secret_version aws_backup_vault_lock_configuration aws_vpc_security_group_egress_rule
    aws_vpc_security_group_ingress_rule aws_ssoadmin_managed_policy_attachments_exclusive
    aws_lambda_layer_version_permission aws_eip_association aws_ebs_encryption_by_default"""
)

#: Types rules read that have a CloudFormation form not mapped yet (issue 13 follow-up).
NOT_YET = _words(
    """aws_api_gateway_deployment aws_appautoscaling_target aws_appconfig_configuration_profile
    aws_appconfig_deployment_strategy aws_applicationsignals_service_level_objective aws_appsync_graphql_api
    aws_autoscaling_attachment aws_backup_report_plan aws_backup_restore_testing_plan
    aws_backup_restore_testing_selection aws_backup_vault aws_batch_compute_environment aws_budgets_budget
    aws_cloudfront_distribution aws_cloudtrail aws_cloudwatch_composite_alarm aws_cloudwatch_dashboard
    aws_cloudwatch_event_target aws_cloudwatch_log_metric_filter aws_codedeploy_deployment_group
    aws_config_configuration_recorder aws_config_configuration_recorder_status aws_dax_cluster
    aws_dax_subnet_group aws_db_parameter_group aws_dlm_lifecycle_policy aws_dms_replication_instance
    aws_dms_replication_subnet_group aws_dms_replication_task aws_docdb_cluster aws_docdb_cluster_instance
    aws_docdb_subnet_group aws_dynamodb_global_table aws_dynamodb_table_replica aws_ec2_client_vpn_endpoint
    aws_ec2_instance_connect_endpoint aws_ec2_subnet_cidr_reservation aws_ec2_transit_gateway
    aws_ecr_repository aws_ecs_capacity_provider aws_ecs_cluster aws_ecs_service aws_ecs_task_definition
    aws_efs_file_system aws_efs_mount_target aws_egress_only_internet_gateway aws_eks_addon aws_eks_cluster
    aws_eks_node_group aws_elasticache_global_replication_group aws_elasticache_serverless_cache
    aws_elasticsearch_domain aws_elb aws_fis_experiment_template aws_fsx_lustre_file_system
    aws_fsx_ontap_file_system aws_fsx_openzfs_file_system aws_fsx_windows_file_system aws_glacier_vault
    aws_globalaccelerator_accelerator aws_iam_access_key aws_iam_group_policy aws_iam_user_login_profile
    aws_iam_user_policy aws_key_pair aws_kinesis_stream aws_lambda_alias aws_launch_configuration
    aws_lb_target_group_attachment aws_memorydb_cluster aws_memorydb_subnet_group aws_mq_broker
    aws_msk_cluster
    aws_neptune_cluster aws_neptune_cluster_instance aws_neptune_subnet_group aws_network_interface
    aws_opensearch_domain aws_placement_group aws_rds_cluster_instance aws_rds_global_cluster
    aws_redshift_cluster aws_redshift_subnet_group aws_resourcegroups_group aws_route53_health_check
    aws_route53_record aws_route53_zone aws_s3_object aws_secretsmanager_secret
    aws_secretsmanager_secret_policy
    aws_service_discovery_service aws_sfn_state_machine aws_spot_instance_request aws_ssm_document
    aws_ssoadmin_managed_policy_attachment aws_ssoadmin_permission_set_inline_policy aws_vpc_dhcp_options
    aws_vpc_peering_connection aws_vpn_connection aws_vpn_gateway aws_wafregional_web_acl_association
    aws_wafv2_web_acl aws_xray_group aws_xray_sampling_rule aws_ecr_registry_scanning_configuration"""
)


def _read_kinds() -> set[str]:
    """Every ``"aws_…"`` type literal in rules/ and analysis/ (prefix strings ending in ``_`` excluded)."""
    return {k for k in re.findall(r'"(aws_[a-z0-9_]+)"', READERS) if not k.endswith("_")}


def test_the_table_is_the_listed_one() -> None:
    assert {t: m.kind for t, m in TYPE_MAP.items()} == MAPPED


def test_every_type_rules_read_is_mapped_or_explained() -> None:
    mapped = set(MAPPED.values()) | COMPANION_KINDS
    assert not (mapped & (TERRAFORM_ONLY | NOT_YET))
    unexplained = sorted(_read_kinds() - mapped - TERRAFORM_ONLY - NOT_YET)
    assert unexplained == [], "map these types in mapping.py or list them here with the reason"


#: Mapped kinds no rule may read by name: they carry edges (instance profile → role, permission →
#: function) that analyses follow without naming the kind.
EDGE_ONLY = frozenset({"aws_iam_instance_profile", "aws_lambda_permission"})


def test_every_mapped_kind_is_read_or_edge_only() -> None:
    unread = {k for k in set(MAPPED.values()) | COMPANION_KINDS if f'"{k}"' not in READERS}
    assert unread <= EDGE_ONLY


REF = Unresolved("X", ("cfn:t.yaml#X",))

#: Representative properties per type; every attribute they produce must be read somewhere.
SAMPLES: dict[str, dict[str, object]] = {
    "AWS::EC2::VPC": {"CidrBlock": "10.0.0.0/16", "EnableDnsSupport": True},
    "AWS::EC2::Subnet": {
        "VpcId": REF,
        "CidrBlock": "10.0.1.0/24",
        "AvailabilityZone": "eu-west-1a",
        "MapPublicIpOnLaunch": True,
    },
    "AWS::EC2::Route": {
        "RouteTableId": REF,
        "DestinationCidrBlock": "0.0.0.0/0",
        "GatewayId": REF,
        "NatGatewayId": REF,
    },
    "AWS::EC2::SubnetRouteTableAssociation": {"SubnetId": REF, "RouteTableId": REF},
    "AWS::EC2::VPCGatewayAttachment": {"VpcId": REF, "InternetGatewayId": REF},
    "AWS::EC2::NatGateway": {"AllocationId": REF, "SubnetId": REF},
    "AWS::EC2::SecurityGroup": {
        "GroupDescription": "d",
        "VpcId": REF,
        "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}],
    },
    "AWS::EC2::SecurityGroupIngress": {
        "GroupId": REF,
        "IpProtocol": "tcp",
        "FromPort": 5432,
        "ToPort": 5432,
        "SourceSecurityGroupId": REF,
    },
    "AWS::EC2::NetworkAclEntry": {
        "NetworkAclId": REF,
        "RuleNumber": 100,
        "Protocol": 6,
        "RuleAction": "allow",
        "Egress": False,
        "CidrBlock": "0.0.0.0/0",
        "PortRange": {"From": 22, "To": 22},
    },
    "AWS::EC2::Instance": {
        "ImageId": "ami-1",
        "InstanceType": "t3.micro",
        "SubnetId": REF,
        "SecurityGroupIds": [REF],
        "Monitoring": True,
        "UserData": "x",
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeType": "gp2"}}],
    },
    "AWS::EC2::LaunchTemplate": {
        "LaunchTemplateData": {
            "ImageId": "ami-1",
            "InstanceType": "m5.large",
            "SecurityGroupIds": [REF],
            "MetadataOptions": {"HttpTokens": "required"},
            "Monitoring": {"Enabled": True},
            "UserData": "x",
        }
    },
    "AWS::AutoScaling::AutoScalingGroup": {
        "MinSize": "1",
        "MaxSize": "2",
        "VPCZoneIdentifier": [REF],
        "TargetGroupARNs": [REF],
        "HealthCheckType": "ELB",
        "LaunchTemplate": {"LaunchTemplateId": REF, "Version": "1"},
    },
    "AWS::ElasticLoadBalancingV2::LoadBalancer": {
        "Scheme": "internet-facing",
        "Subnets": [REF],
        "SecurityGroups": [REF],
    },
    "AWS::ElasticLoadBalancingV2::Listener": {
        "LoadBalancerArn": REF,
        "Port": 443,
        "Protocol": "HTTPS",
        "SslPolicy": "p",
        "DefaultActions": [{"Type": "forward", "TargetGroupArn": REF}],
    },
    "AWS::ElasticLoadBalancingV2::TargetGroup": {
        "Port": 80,
        "Protocol": "HTTP",
        "VpcId": REF,
        "HealthCheckPath": "/",
    },
    "AWS::RDS::DBInstance": {
        "DBInstanceClass": "db.t3.micro",
        "Engine": "postgres",
        "MultiAZ": False,
        "PubliclyAccessible": True,
        "BackupRetentionPeriod": 0,
        "StorageEncrypted": True,
        "DBSubnetGroupName": REF,
        "VPCSecurityGroups": [REF],
        "DeletionProtection": False,
    },
    "AWS::ElastiCache::CacheCluster": {
        "CacheNodeType": "cache.t3.micro",
        "Engine": "redis",
        "NumCacheNodes": 1,
        "CacheSubnetGroupName": REF,
        "VpcSecurityGroupIds": [REF],
    },
    "AWS::S3::Bucket": {
        "BucketName": "b",
        "VersioningConfiguration": {"Status": "Enabled"},
        "AccessControl": "PublicRead",
    },
    "AWS::IAM::Role": {"AssumeRolePolicyDocument": {"Statement": []}, "ManagedPolicyArns": ["arn"]},
    "AWS::IAM::Policy": {"PolicyDocument": {"Statement": []}, "Roles": [REF]},
    "AWS::KMS::Key": {"EnableKeyRotation": True, "KeyPolicy": {"Statement": []}},
    "AWS::Lambda::Function": {
        "Runtime": "python3.12",
        "Role": REF,
        "VpcConfig": {"SubnetIds": [REF], "SecurityGroupIds": [REF]},
        "TracingConfig": {"Mode": "Active"},
        "ReservedConcurrentExecutions": 1,
    },
    "AWS::CloudWatch::Alarm": {
        "AlarmActions": [REF],
        "AlarmDescription": "d",
        "Period": 60,
        "EvaluationPeriods": 1,
        "Threshold": 1,
        "MetricName": "m",
        "Namespace": "n",
        "Dimensions": [{"Name": "FunctionName", "Value": REF}],
    },
    "AWS::Logs::LogGroup": {"RetentionInDays": 30, "KmsKeyId": REF},
    "AWS::DynamoDB::Table": {
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "BillingMode": "PAY_PER_REQUEST",
        "DeletionProtectionEnabled": True,
    },
    "AWS::SQS::Queue": {"KmsMasterKeyId": "k", "MessageRetentionPeriod": 60},
    "AWS::SNS::Topic": {"KmsMasterKeyId": "k"},
}

#: Attributes rules need not read: bookkeeping, and Terraform names (checked against the
#: provider documentation) that no rule reads today, kept so that the attrs stay Terraform-shaped.
IGNORED_ATTRS = {
    "lifecycle",
    "tags",
    "min_instances_in_service",
    "message_retention_period",
    "image_id",
    "metadata_options",
    "allocation_id",
    "enable_dns_support",
    "enable_key_rotation",
    "reserved_concurrent_executions",
    "storage_encrypted",
    "kms_master_key_id",
}


@pytest.mark.parametrize("cfn_type", sorted(SAMPLES))
def test_attributes_produced_are_read_by_rules(cfn_type: str) -> None:
    kind, attrs = to_attrs(cfn_type, SAMPLES[cfn_type])
    companions(cfn_type, attrs, REF)
    assert kind == MAPPED[cfn_type]
    unread = sorted(a for a in attrs if a not in IGNORED_ATTRS and not re.search(rf"\b{a}\b", READERS))
    assert unread == []


def test_security_group_shape() -> None:
    _, attrs = to_attrs("AWS::EC2::SecurityGroup", SAMPLES["AWS::EC2::SecurityGroup"])
    assert attrs["ingress"] == [
        {
            "protocol": "tcp",
            "from_port": 22,
            "to_port": 22,
            "cidr_blocks": ["0.0.0.0/0"],
            "ipv6_cidr_blocks": [],
            "security_groups": [],
            "prefix_list_ids": [],
        }
    ]
    assert attrs["egress"][0]["cidr_blocks"] == ["0.0.0.0/0"]  # CloudFormation keeps the default egress


def test_shapes_of_other_types() -> None:
    _, lb = to_attrs(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {
            "Scheme": "internal",
            "LoadBalancerAttributes": [{"Key": "access_logs.s3.enabled", "Value": "true"}],
        },
    )
    assert lb["internal"] is True
    assert lb["access_logs"] == [{"enabled": "true", "bucket": None}]
    _, asg = to_attrs(
        "AWS::AutoScaling::AutoScalingGroup",
        {"Tags": [{"Key": "Name", "Value": "w", "PropagateAtLaunch": True}]},
        {"UpdatePolicy": {"AutoScalingRollingUpdate": {"WaitOnResourceSignals": True}}},
    )
    assert asg["tag"] == [{"key": "Name", "value": "w", "propagate_at_launch": True}]
    assert asg["instance_refresh"][0]["preferences"] == [{"auto_rollback": True}]
    _, db = to_attrs("AWS::RDS::DBInstance", {}, {"DeletionPolicy": "Retain"})
    assert db["skip_final_snapshot"] is False
    assert db["lifecycle"][0]["prevent_destroy"] is True
    _, bucket = to_attrs(
        "AWS::S3::Bucket",
        {"PublicAccessBlockConfiguration": {"BlockPublicAcls": True}},
        stack_tags={"owner": "x"},
    )
    extra = companions("AWS::S3::Bucket", bucket, REF)
    assert extra == [
        (
            "public_access_block",
            "aws_s3_bucket_public_access_block",
            {"bucket": REF, "block_public_acls": True},
        )
    ]
    assert bucket["tags"] == {"owner": "x"}
    assert snake("HTTPCode") == "http_code"


def test_unmapped_type_is_kept_verbatim() -> None:
    assert to_attrs("AWS::SSM::Document", {"Content": {"A": 1}}) == (
        "AWS::SSM::Document",
        {"Content": {"A": 1}},
    )
