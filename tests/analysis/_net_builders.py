"""Build small ResourceGraphs in the loaders' normalised attrs shape (used by the network tests).

``"@aws_subnet.a"`` stands for a reference: ``Unresolved("aws_subnet.a.id", refs=("aws_subnet.a",))``;
``"@aws_subnet.a[*]"`` references every instance of a ``count`` resource.
"""

from __future__ import annotations

from typing import Any

from infra_review.analysis.net_attrs import refs_of, resolve
from infra_review.graph import ResourceGraph
from infra_review.model import Resource, SourceLocation, Unresolved


def _conv(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        target = value[1:]
        base = target.removesuffix("[*]")
        return Unresolved(f"{target}.id", refs=(base,))
    if isinstance(value, dict):
        return {k: _conv(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_conv(v) for v in value]
    return value


def build(
    spec: dict[str, tuple[str, dict[str, Any]]], *, provider_region: str | None = "eu-west-1"
) -> ResourceGraph:
    rg = ResourceGraph()
    if provider_region is not None:
        rg.add(Resource("provider.aws", "aws", block="provider", attrs={"region": provider_region}))
    for line, (address, (kind, attrs)) in enumerate(spec.items(), start=1):
        meta: dict[str, Any] = {}
        name_part = (
            address.rsplit(".", 1)[-1] if "[" not in address else address.split("[", 1)[0].rsplit(".", 1)[-1]
        )
        meta["name"] = name_part
        if "[" in address:
            base = address.split("[", 1)[0]
            meta["base_address"] = base
            idx = address.split("[", 1)[1].rstrip("]")
            if idx.isdigit():
                meta["count.index"] = int(idx)
            else:
                meta["each.key"] = idx.strip('"')
        rg.add(
            Resource(
                address,
                kind,
                attrs=_conv(attrs),
                source=SourceLocation("main.tf", line * 10),
                provider="aws",
                meta=meta,
            )
        )
    # ref edges, as the loader adds them
    for res in list(rg.resources()):
        for ref in refs_of(dict(res.attrs)):
            for target in resolve(rg, ref):
                rg.add_edge(res.address, target, "ref")
    return rg


def three_tier(**overrides: Any) -> ResourceGraph:
    """A hand-built copy of the bundled three-tier example's network (flaws included)."""
    azs = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    spec: dict[str, tuple[str, dict[str, Any]]] = {
        "aws_vpc.main": ("aws_vpc", {"cidr_block": "10.0.0.0/16"}),
        "aws_internet_gateway.main": ("aws_internet_gateway", {"vpc_id": "@aws_vpc.main"}),
    }
    for tier, base in (("public", 0), ("private", 10), ("data", 20)):
        for i, az in enumerate(azs):
            spec[f"aws_subnet.{tier}[{i}]"] = (
                "aws_subnet",
                {
                    "vpc_id": "@aws_vpc.main",
                    "cidr_block": f"10.0.{base + i}.0/24",
                    "availability_zone": az,
                    "tags": {"Tier": tier},
                },
            )
    spec["aws_eip.nat[0]"] = ("aws_eip", {"domain": "vpc"})
    spec["aws_nat_gateway.main[0]"] = (
        "aws_nat_gateway",
        {"subnet_id": "@aws_subnet.public[0]", "allocation_id": "@aws_eip.nat[0]"},
    )
    spec["aws_route_table.public"] = (
        "aws_route_table",
        {
            "vpc_id": "@aws_vpc.main",
            "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "@aws_internet_gateway.main"}],
        },
    )
    spec["aws_route_table.private"] = (
        "aws_route_table",
        {
            "vpc_id": "@aws_vpc.main",
            "route": [{"cidr_block": "0.0.0.0/0", "nat_gateway_id": "@aws_nat_gateway.main[0]"}],
        },
    )
    for i in range(3):
        spec[f"aws_route_table_association.public[{i}]"] = (
            "aws_route_table_association",
            {"subnet_id": f"@aws_subnet.public[{i}]", "route_table_id": "@aws_route_table.public"},
        )
        spec[f"aws_route_table_association.private[{i}]"] = (
            "aws_route_table_association",
            {"subnet_id": f"@aws_subnet.private[{i}]", "route_table_id": "@aws_route_table.private"},
        )
        # planted flaw: data subnets on the public route table
        spec[f"aws_route_table_association.data[{i}]"] = (
            "aws_route_table_association",
            {"subnet_id": f"@aws_subnet.data[{i}]", "route_table_id": "@aws_route_table.public"},
        )
    spec.update(
        {
            "aws_security_group.lb": (
                "aws_security_group",
                {
                    "vpc_id": "@aws_vpc.main",
                    "ingress": [
                        {"from_port": 80, "to_port": 80, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},
                        {"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},
                    ],
                    "egress": [
                        {"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}
                    ],
                },
            ),
            "aws_security_group.app": (
                "aws_security_group",
                {
                    "vpc_id": "@aws_vpc.main",
                    "ingress": [
                        {
                            "from_port": 80,
                            "to_port": 80,
                            "protocol": "tcp",
                            "security_groups": ["@aws_security_group.lb"],
                        }
                    ],
                },
            ),
            "aws_security_group.admin": (
                "aws_security_group",
                {
                    "vpc_id": "@aws_vpc.main",
                    "ingress": [
                        {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},
                        {"from_port": 8080, "to_port": 8080, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},
                    ],
                },
            ),
            "aws_security_group.db": (
                "aws_security_group",
                {
                    "vpc_id": "@aws_vpc.main",
                    "ingress": [
                        {
                            "from_port": 5432,
                            "to_port": 5432,
                            "protocol": "tcp",
                            "security_groups": ["@aws_security_group.app"],
                        },
                        {"from_port": 5432, "to_port": 5432, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},
                    ],
                },
            ),
            "aws_security_group.cache": ("aws_security_group", {"vpc_id": "@aws_vpc.main"}),
            "aws_vpc_security_group_ingress_rule.cache_from_app": (
                "aws_vpc_security_group_ingress_rule",
                {
                    "security_group_id": "@aws_security_group.cache",
                    "referenced_security_group_id": "@aws_security_group.app",
                    "ip_protocol": "tcp",
                    "from_port": 6379,
                    "to_port": 6379,
                },
            ),
            "aws_security_group.temp_debug": (
                "aws_security_group",
                {
                    "vpc_id": "@aws_vpc.main",
                    "ingress": [
                        {"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}
                    ],
                },
            ),
            "aws_lb.web": (
                "aws_lb",
                {
                    "internal": False,
                    "load_balancer_type": "application",
                    "subnets": "@aws_subnet.public[*]",
                    "security_groups": ["@aws_security_group.lb"],
                },
            ),
            "aws_lb_target_group.web": (
                "aws_lb_target_group",
                {"port": 80, "protocol": "HTTP", "vpc_id": "@aws_vpc.main"},
            ),
            "aws_lb_listener.http": (
                "aws_lb_listener",
                {
                    "load_balancer_arn": "@aws_lb.web",
                    "port": 80,
                    "protocol": "HTTP",
                    "default_action": [{"type": "forward", "target_group_arn": "@aws_lb_target_group.web"}],
                },
            ),
            "aws_lb_listener.https": (
                "aws_lb_listener",
                {
                    "load_balancer_arn": "@aws_lb.web",
                    "port": 443,
                    "protocol": "HTTPS",
                    "default_action": [{"type": "forward", "target_group_arn": "@aws_lb_target_group.web"}],
                },
            ),
            "aws_launch_template.web": (
                "aws_launch_template",
                {"vpc_security_group_ids": ["@aws_security_group.app"]},
            ),
            "aws_autoscaling_group.web": (
                "aws_autoscaling_group",
                {
                    "min_size": 2,
                    "max_size": 6,
                    "desired_capacity": 3,
                    "vpc_zone_identifier": "@aws_subnet.private[*]",
                    "target_group_arns": ["@aws_lb_target_group.web"],
                    "launch_template": [{"id": "@aws_launch_template.web"}],
                },
            ),
            "aws_launch_template.worker": (
                "aws_launch_template",
                {"vpc_security_group_ids": ["@aws_security_group.app"]},
            ),
            "aws_autoscaling_group.worker": (
                "aws_autoscaling_group",
                {
                    "min_size": 1,
                    "max_size": 1,
                    "vpc_zone_identifier": "@aws_subnet.private[*]",
                    "launch_template": [{"id": "@aws_launch_template.worker"}],
                },
            ),
            "aws_instance.admin": (
                "aws_instance",
                {
                    "subnet_id": "@aws_subnet.public[0]",
                    "associate_public_ip_address": True,
                    "vpc_security_group_ids": ["@aws_security_group.admin"],
                },
            ),
            "aws_db_subnet_group.main": ("aws_db_subnet_group", {"subnet_ids": "@aws_subnet.data[*]"}),
            "aws_db_instance.main": (
                "aws_db_instance",
                {
                    "engine": "postgres",
                    "multi_az": False,
                    "publicly_accessible": True,
                    "db_subnet_group_name": "@aws_db_subnet_group.main",
                    "vpc_security_group_ids": ["@aws_security_group.db"],
                },
            ),
            "aws_elasticache_subnet_group.main": (
                "aws_elasticache_subnet_group",
                {"subnet_ids": "@aws_subnet.data[*]"},
            ),
            "aws_elasticache_cluster.sessions": (
                "aws_elasticache_cluster",
                {
                    "engine": "redis",
                    "num_cache_nodes": 1,
                    "subnet_group_name": "@aws_elasticache_subnet_group.main",
                    "security_group_ids": ["@aws_security_group.cache"],
                },
            ),
        }
    )
    for k, v in overrides.items():
        if v is None:
            spec.pop(k, None)
        else:
            spec[k] = v
    return build(spec)
