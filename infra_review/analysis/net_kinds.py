"""Resource-kind tables of the network model: which kinds are subnets, security groups, load
balancers, compute, data stores and edge (DMZ) services, and the tier order.

Every network analysis (collection, runtime edges, tiers, exposure, SPOFs, blast radius) and the
rules and views that read the model classify resources with these tables, so a kind added here is
seen everywhere.

>>> "aws_db_instance" in DATA_KINDS, "aws_lb" in LB_KINDS, TIER_ORDER
(True, True, ('edge', 'app', 'data'))
"""

from __future__ import annotations

__all__ = [
    "COMPUTE_KINDS",
    "DATA_KINDS",
    "EDGE_KINDS",
    "LB_KINDS",
    "LISTENER_KINDS",
    "SG_KINDS",
    "SUBNET_GROUP_KINDS",
    "SUBNET_KINDS",
    "SUPPORT_KINDS",
    "TG_KINDS",
    "TIER_ORDER",
    "UNKNOWN_AZ",
    "WORLD",
    "WORLD_V4",
    "WORLD_V6",
]

WORLD_V4 = "0.0.0.0/0"
WORLD_V6 = "::/0"
WORLD = frozenset({WORLD_V4, WORLD_V6, "*", "internet", "any", "0.0.0.0"})
UNKNOWN_AZ = "UNKNOWN"

SUBNET_KINDS = frozenset({"aws_subnet", "aws_default_subnet"})
SG_KINDS = frozenset({"aws_security_group", "aws_default_security_group"})
SUBNET_GROUP_KINDS = frozenset(
    {
        "aws_db_subnet_group",
        "aws_elasticache_subnet_group",
        "aws_redshift_subnet_group",
        "aws_docdb_subnet_group",
        "aws_neptune_subnet_group",
        "aws_dms_replication_subnet_group",
        "aws_memorydb_subnet_group",
        "aws_dax_subnet_group",
    }
)
LB_KINDS = frozenset({"aws_lb", "aws_alb", "aws_elb"})
LISTENER_KINDS = frozenset({"aws_lb_listener", "aws_alb_listener"})
TG_KINDS = frozenset({"aws_lb_target_group", "aws_alb_target_group"})
#: Compute that runs workloads (app tier unless placed at the edge).
COMPUTE_KINDS = frozenset(
    {
        "aws_instance",
        "aws_autoscaling_group",
        "aws_launch_template",
        "aws_launch_configuration",
        "aws_ecs_service",
        "aws_ecs_task_definition",
        "aws_eks_node_group",
        "aws_eks_cluster",
        "aws_lambda_function",
        "aws_batch_compute_environment",
        "aws_spot_instance_request",
        "aws_network_interface",
        "azurerm_linux_virtual_machine",
        "azurerm_windows_virtual_machine",
        "azurerm_virtual_machine",
        "azurerm_linux_virtual_machine_scale_set",
        "azurerm_windows_virtual_machine_scale_set",
        "azurerm_kubernetes_cluster",
        "google_compute_instance",
        "google_compute_instance_template",
        "google_compute_instance_group_manager",
        "google_compute_region_instance_group_manager",
        "google_container_cluster",
        "google_container_node_pool",
    }
)
#: Data stores (RULES.md §9 data tier).
DATA_KINDS = frozenset(
    {
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_rds_cluster_instance",
        "aws_elasticache_cluster",
        "aws_elasticache_replication_group",
        "aws_elasticache_serverless_cache",
        "aws_memorydb_cluster",
        "aws_docdb_cluster",
        "aws_docdb_cluster_instance",
        "aws_neptune_cluster",
        "aws_neptune_cluster_instance",
        "aws_opensearch_domain",
        "aws_elasticsearch_domain",
        "aws_redshift_cluster",
        "aws_msk_cluster",
        "aws_mq_broker",
        "aws_efs_file_system",
        "aws_efs_mount_target",
        "aws_s3_bucket",
        "aws_dynamodb_table",
        "aws_dax_cluster",
        "aws_fsx_lustre_file_system",
        "aws_fsx_windows_file_system",
        "azurerm_mssql_server",
        "azurerm_mssql_database",
        "azurerm_sql_server",
        "azurerm_postgresql_server",
        "azurerm_postgresql_flexible_server",
        "azurerm_mysql_server",
        "azurerm_mysql_flexible_server",
        "azurerm_cosmosdb_account",
        "azurerm_redis_cache",
        "azurerm_storage_account",
        "google_sql_database_instance",
        "google_redis_instance",
        "google_storage_bucket",
        "google_bigtable_instance",
        "google_spanner_instance",
        "google_alloydb_cluster",
    }
)
#: Edge / DMZ kinds (internet-facing by nature).
EDGE_KINDS = frozenset(
    {
        "aws_nat_gateway",
        "aws_internet_gateway",
        "aws_cloudfront_distribution",
        "aws_api_gateway_rest_api",
        "aws_api_gateway_stage",
        "aws_apigatewayv2_api",
        "aws_apigatewayv2_stage",
        "aws_globalaccelerator_accelerator",
        "aws_ec2_instance_connect_endpoint",
        "azurerm_application_gateway",
        "azurerm_bastion_host",
        "azurerm_public_ip",
        "azurerm_nat_gateway",
        "azurerm_frontdoor",
        "google_compute_global_forwarding_rule",
        "google_compute_forwarding_rule",
        "google_compute_router_nat",
    }
)
SUPPORT_KINDS = (
    SUBNET_KINDS
    | SG_KINDS
    | SUBNET_GROUP_KINDS
    | {
        "aws_vpc",
        "aws_route_table",
        "aws_default_route_table",
        "aws_network_acl",
        "aws_default_network_acl",
    }
)
#: Tiers from the internet inwards.
TIER_ORDER = ("edge", "app", "data")
