"""SPOF01–SPOF09 on small hand-built graphs: exact SPOF sets and their evidence."""

from __future__ import annotations

from _net_builders import build, three_tier

from infra_review.analysis.spof import find_spofs, runtime_topology, spof01, spof05, spof06, spof08, spof09


def spofs(rg, *ids):
    return {(s.rule_id, s.address, s.status) for s in find_spofs(rg, ids or None)}


def test_three_tier_spof_set():
    rg = three_tier()
    assert spofs(rg, "SPOF01", "SPOF02", "SPOF03", "SPOF04", "SPOF05", "SPOF06", "SPOF08") == {
        ("SPOF02", "aws_nat_gateway.main[0]", "FAIL"),
        ("SPOF03", "aws_instance.admin", "FAIL"),
        ("SPOF04", "aws_db_instance.main", "FAIL"),
        ("SPOF05", "aws_elasticache_cluster.sessions", "FAIL"),
        ("SPOF06", "aws_autoscaling_group.worker", "FAIL"),
    }
    nat = next(s for s in find_spofs(rg, ["SPOF02"]))
    assert nat.evidence["azs"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert nat.evidence["nat_az"] == "eu-west-1a"
    assert nat.evidence["serves"] == [
        "aws_subnet.private[0]",
        "aws_subnet.private[1]",
        "aws_subnet.private[2]",
    ]
    admin = next(s for s in find_spofs(rg, ["SPOF03"]))
    assert admin.evidence["exposure"]["ports"] == "22, 8080"


def test_spof01_single_az_tier():
    rg = three_tier(
        **{
            "aws_autoscaling_group.web": (
                "aws_autoscaling_group",
                {
                    "min_size": 2,
                    "max_size": 4,
                    "vpc_zone_identifier": ["@aws_subnet.private[0]"],
                    "target_group_arns": ["@aws_lb_target_group.web"],
                    "launch_template": [{"id": "@aws_launch_template.web"}],
                },
            ),
            "aws_autoscaling_group.worker": (
                "aws_autoscaling_group",
                {
                    "min_size": 2,
                    "max_size": 2,
                    "vpc_zone_identifier": ["@aws_subnet.private[0]"],
                    "launch_template": [{"id": "@aws_launch_template.worker"}],
                },
            ),
            "aws_instance.admin": None,
        }
    )
    got = [(s.address, s.attribute, s.evidence["azs"]) for s in spof01(rg)]
    assert got == [("aws_vpc.main", "tier=app", ["eu-west-1a"])]


def test_spof01_unknown_az():
    rg = build(
        {
            "aws_vpc.v": ("aws_vpc", {}),
            "aws_subnet.a": ("aws_subnet", {"vpc_id": "@aws_vpc.v"}),
            "aws_instance.x": ("aws_instance", {"subnet_id": "@aws_subnet.a"}),
        }
    )
    assert [(s.status, s.attribute) for s in spof01(rg)] == [("UNKNOWN", "tier=app")]


def test_spof05_variants():
    from infra_review.model import Unresolved

    rg = build(
        {
            "aws_elasticache_cluster.fail_one": (
                "aws_elasticache_cluster",
                {"engine": "redis", "num_cache_nodes": 1},
            ),
            "aws_elasticache_cluster.fail_memcached": (
                "aws_elasticache_cluster",
                {"engine": "memcached", "num_cache_nodes": 3},
            ),
            "aws_elasticache_cluster.pass_memcached": (
                "aws_elasticache_cluster",
                {"engine": "memcached", "num_cache_nodes": 3, "az_mode": "cross-az"},
            ),
            "aws_elasticache_replication_group.fail_nofailover": (
                "aws_elasticache_replication_group",
                {"num_cache_clusters": 2, "automatic_failover_enabled": False, "multi_az_enabled": True},
            ),
            "aws_elasticache_replication_group.pass_rg": (
                "aws_elasticache_replication_group",
                {"num_cache_clusters": 3, "automatic_failover_enabled": True, "multi_az_enabled": True},
            ),
            "aws_elasticache_replication_group.unknown_rg": (
                "aws_elasticache_replication_group",
                {
                    "num_cache_clusters": 3,
                    "automatic_failover_enabled": Unresolved("var.failover"),
                    "multi_az_enabled": True,
                },
            ),
        }
    )
    got = {(s.address.split(".")[1], s.status) for s in spof05(rg)}
    assert got == {
        ("fail_one", "FAIL"),
        ("fail_memcached", "FAIL"),
        ("fail_nofailover", "FAIL"),
        ("unknown_rg", "UNKNOWN"),
    }


def test_spof06_capacity_severity():
    rg = build(
        {
            "aws_autoscaling_group.max1": ("aws_autoscaling_group", {"min_size": 1, "max_size": 1}),
            "aws_autoscaling_group.min1": ("aws_autoscaling_group", {"min_size": 1, "max_size": 4}),
            "aws_autoscaling_group.ok": ("aws_autoscaling_group", {"min_size": 2, "max_size": 4}),
            "aws_ecs_service.one": ("aws_ecs_service", {"desired_count": 1}),
            "aws_ecs_service.scaled": ("aws_ecs_service", {"desired_count": 1}),
            "aws_appautoscaling_target.t": (
                "aws_appautoscaling_target",
                {"min_capacity": 2, "resource_id": "@aws_ecs_service.scaled"},
            ),
        }
    )
    got = {(s.address, s.severity.label if s.severity else None) for s in spof06(rg)}
    assert got == {
        ("aws_autoscaling_group.max1", "medium"),
        ("aws_autoscaling_group.min1", "low"),
        ("aws_ecs_service.one", "medium"),
    }


def test_spof08_articulation_point_cuts_app_from_entries():
    # INTERNET - igw - rt - subnet.pub - nat? no: an app reached only through one proxy instance
    rg = build(
        {
            "aws_vpc.v": ("aws_vpc", {"cidr_block": "10.0.0.0/16"}),
            "aws_internet_gateway.gw": ("aws_internet_gateway", {"vpc_id": "@aws_vpc.v"}),
            "aws_subnet.pub": (
                "aws_subnet",
                {"vpc_id": "@aws_vpc.v", "cidr_block": "10.0.1.0/24", "availability_zone": "a"},
            ),
            "aws_subnet.app": (
                "aws_subnet",
                {"vpc_id": "@aws_vpc.v", "cidr_block": "10.0.2.0/24", "availability_zone": "a"},
            ),
            "aws_route_table.pub": (
                "aws_route_table",
                {
                    "vpc_id": "@aws_vpc.v",
                    "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "@aws_internet_gateway.gw"}],
                },
            ),
            "aws_route_table_association.pub": (
                "aws_route_table_association",
                {"subnet_id": "@aws_subnet.pub", "route_table_id": "@aws_route_table.pub"},
            ),
            "aws_security_group.proxy": ("aws_security_group", {"vpc_id": "@aws_vpc.v"}),
            "aws_security_group.app": (
                "aws_security_group",
                {
                    "vpc_id": "@aws_vpc.v",
                    "ingress": [
                        {
                            "from_port": 8080,
                            "to_port": 8080,
                            "protocol": "tcp",
                            "security_groups": ["@aws_security_group.proxy"],
                        }
                    ],
                },
            ),
            "aws_security_group.db": (
                "aws_security_group",
                {
                    "vpc_id": "@aws_vpc.v",
                    "ingress": [
                        {
                            "from_port": 5432,
                            "to_port": 5432,
                            "protocol": "tcp",
                            "security_groups": ["@aws_security_group.app"],
                        }
                    ],
                },
            ),
            "aws_instance.proxy": (
                "aws_instance",
                {"subnet_id": "@aws_subnet.pub", "vpc_security_group_ids": ["@aws_security_group.proxy"]},
            ),
            "aws_instance.app": (
                "aws_instance",
                {"subnet_id": "@aws_subnet.app", "vpc_security_group_ids": ["@aws_security_group.app"]},
            ),
            "aws_db_instance.db": (
                "aws_db_instance",
                {"multi_az": True, "vpc_security_group_ids": ["@aws_security_group.db"]},
            ),
        }
    )
    got = {s.address: (s.evidence["structural"], s.evidence["disconnects"]) for s in spof08(rg)}
    assert got["aws_instance.proxy"] == (False, ["aws_db_instance.db", "aws_instance.app"])
    assert got["aws_instance.app"] == (False, ["aws_db_instance.db"])
    assert "aws_subnet.app" not in got  # only a leaf hangs on it
    assert got["aws_internet_gateway.gw"][0] is True  # by-design singleton, info
    g = runtime_topology(rg)
    assert "aws_security_group.app" not in g  # SGs are filters, not topology nodes


def test_spof09_single_region_and_alias():
    rg = build({"aws_s3_bucket.b": ("aws_s3_bucket", {})})
    assert [(s.address, s.severity.label) for s in spof09(rg)] == [("provider.aws", "info")]
    from infra_review.model import Resource

    rg.add(Resource("provider.aws.west", "aws", block="provider", attrs={"region": "us-west-2"}))
    assert list(spof09(rg)) == []
