"""Network model on hand-built graphs: exact subnet classes, exposure paths and ports."""

from __future__ import annotations

from _net_builders import build, three_tier

from infra_review.analysis.net_ports import PortSet
from infra_review.analysis.network import nacl_world_ports, network_model
from infra_review.analysis.runtime_edges import derive
from infra_review.graph import INTERNET

PUB = ("INTERNET", "aws_internet_gateway.main", "aws_route_table.public")


def paths(rg):
    return {p.target: (p.nodes, p.ports.label()) for p in network_model(rg).exposures}


def test_three_tier_exact_exposure_paths():
    rg = three_tier()
    assert paths(rg) == {
        "aws_lb.web": ((*PUB, "aws_subnet.public[0]", "aws_lb.web"), "80, 443"),
        "aws_autoscaling_group.web": (
            (
                *PUB,
                "aws_subnet.public[0]",
                "aws_lb.web",
                "aws_lb_target_group.web",
                "aws_autoscaling_group.web",
            ),
            "80, 443",
        ),
        "aws_instance.admin": ((*PUB, "aws_subnet.public[0]", "aws_instance.admin"), "22, 8080"),
        "aws_db_instance.main": ((*PUB, "aws_subnet.data[0]", "aws_db_instance.main"), "5432"),
        "aws_elasticache_cluster.sessions": (
            (
                *PUB,
                "aws_subnet.public[0]",
                "aws_lb.web",
                "aws_lb_target_group.web",
                "aws_autoscaling_group.web",
                "aws_elasticache_cluster.sessions",
            ),
            "6379",
        ),
    }
    m = network_model(rg)
    hops = {p.target: p.hops for p in m.exposures}
    assert hops == {
        "aws_lb.web": 1,
        "aws_instance.admin": 1,
        "aws_db_instance.main": 1,
        "aws_autoscaling_group.web": 2,
        "aws_elasticache_cluster.sessions": 3,
    }
    asg = m.exposure_of("aws_autoscaling_group.web")
    assert asg.node_ports[-1] == "80"
    assert asg.via_lb
    assert asg.kind == "lb"
    assert m.exposure_of("aws_elasticache_cluster.sessions").kind == "lateral"


def test_subnet_classes_tiers_and_azs():
    m = network_model(three_tier())
    cls = {a: (s.cls, s.tier, s.az) for a, s in m.subnets.items()}
    assert cls["aws_subnet.public[1]"] == ("public", "edge", "eu-west-1b")
    assert cls["aws_subnet.private[2]"] == ("private-egress", "app", "eu-west-1c")
    assert cls["aws_subnet.data[0]"] == ("public", "data", "eu-west-1a")  # planted: data on the public table
    assert m.nat_serves == {
        "aws_nat_gateway.main[0]": ("aws_subnet.private[0]", "aws_subnet.private[1]", "aws_subnet.private[2]")
    }
    assert m.tiers["aws_lb.web"] == "edge"
    assert m.tiers["aws_autoscaling_group.web"] == "app"
    assert m.tiers["aws_instance.admin"] == "app"
    assert m.tiers["aws_db_instance.main"] == "data"
    assert m.azs["aws_autoscaling_group.web"] == ("eu-west-1a", "eu-west-1b", "eu-west-1c")
    assert m.azs["aws_db_instance.main"] == ("eu-west-1a", "eu-west-1b", "eu-west-1c")


def test_tier_violations():
    m = network_model(three_tier())
    got = {(v.address, v.kind) for v in m.tier_violations}
    assert got == {
        ("aws_db_instance.main", "data_in_public_subnet"),
        ("aws_db_instance.main", "data_sg_admits"),
        ("aws_db_instance.main", "data_near_internet"),
        ("aws_elasticache_cluster.sessions", "data_in_public_subnet"),
        ("aws_instance.admin", "app_bypasses_lb"),
    }


def test_runtime_edges_idempotent_and_typed():
    rg = three_tier()
    derive(rg)
    n = rg.g.number_of_edges()
    derive(rg)
    assert rg.g.number_of_edges() == n
    assert rg.has_edge("aws_autoscaling_group.web", "aws_subnet.private[1]", "in_subnet")
    assert rg.has_edge("aws_db_instance.main", "aws_db_subnet_group.main", "in_subnet")
    assert rg.has_edge("aws_db_subnet_group.main", "aws_subnet.data[2]", "in_subnet")
    assert rg.has_edge(
        "aws_autoscaling_group.web", "aws_security_group.app", "uses_sg"
    )  # via the launch template
    assert rg.has_edge("aws_subnet.private[0]", "aws_route_table.private", "rt_assoc")
    assert rg.has_edge("aws_route_table.private", "aws_nat_gateway.main[0]", "routes_via")
    assert rg.has_edge("aws_autoscaling_group.web", "aws_lb_target_group.web", "lb_targets")
    assert rg.has_edge("aws_lb_target_group.web", "aws_lb.web", "lb_targets")
    allows = [
        (e.source, e.attrs["ports"])
        for e in rg.edges(["sg_allows"])
        if e.target == "aws_security_group.cache"
    ]
    assert allows == [("aws_security_group.app", "6379")]
    world = {e.target for e in rg.edges(["sg_allows"]) if e.source == INTERNET}
    assert world == {
        "aws_security_group.lb",
        "aws_security_group.admin",
        "aws_security_group.db",
        "aws_security_group.temp_debug",
    }


def test_three_sg_rule_forms_merge():
    rg = build(
        {
            "aws_vpc.v": ("aws_vpc", {"cidr_block": "10.0.0.0/16"}),
            "aws_security_group.s": (
                "aws_security_group",
                {
                    "vpc_id": "@aws_vpc.v",
                    "ingress": [
                        {"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}
                    ],
                },
            ),
            "aws_security_group_rule.r": (
                "aws_security_group_rule",
                {
                    "type": "ingress",
                    "security_group_id": "@aws_security_group.s",
                    "from_port": 22,
                    "to_port": 22,
                    "protocol": "tcp",
                    "cidr_blocks": ["0.0.0.0/0"],
                },
            ),
            "aws_vpc_security_group_ingress_rule.v6": (
                "aws_vpc_security_group_ingress_rule",
                {
                    "security_group_id": "@aws_security_group.s",
                    "cidr_ipv6": "::/0",
                    "ip_protocol": "tcp",
                    "from_port": 3389,
                    "to_port": 3389,
                },
            ),
            "aws_vpc_security_group_egress_rule.e": (
                "aws_vpc_security_group_egress_rule",
                {"security_group_id": "@aws_security_group.s", "cidr_ipv4": "0.0.0.0/0", "ip_protocol": "-1"},
            ),
        }
    )
    m = network_model(rg)
    assert m.world_ingress("aws_security_group.s").label() == "22, 443, 3389"
    egress = [r for r in m.sg_rules["aws_security_group.s"] if r.direction == "egress"]
    assert len(egress) == 1
    assert egress[0].ports.is_all


def _edge_case(nacl_rules=None, public_ip=True, internal=None):
    spec = {
        "aws_vpc.v": ("aws_vpc", {"cidr_block": "10.0.0.0/16"}),
        "aws_internet_gateway.gw": ("aws_internet_gateway", {"vpc_id": "@aws_vpc.v"}),
        "aws_subnet.a": (
            "aws_subnet",
            {"vpc_id": "@aws_vpc.v", "cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a"},
        ),
        "aws_route_table.rt": (
            "aws_route_table",
            {
                "vpc_id": "@aws_vpc.v",
                "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "@aws_internet_gateway.gw"}],
            },
        ),
        "aws_main_route_table_association.m": (
            "aws_main_route_table_association",
            {"vpc_id": "@aws_vpc.v", "route_table_id": "@aws_route_table.rt"},
        ),
        "aws_security_group.s": (
            "aws_security_group",
            {
                "vpc_id": "@aws_vpc.v",
                "ingress": [
                    {"from_port": 0, "to_port": 65535, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}
                ],
            },
        ),
        "aws_instance.x": (
            "aws_instance",
            {
                "subnet_id": "@aws_subnet.a",
                "associate_public_ip_address": public_ip,
                "vpc_security_group_ids": ["@aws_security_group.s"],
            },
        ),
    }
    if nacl_rules is not None:
        spec["aws_network_acl.n"] = (
            "aws_network_acl",
            {"vpc_id": "@aws_vpc.v", "subnet_ids": ["@aws_subnet.a"], **nacl_rules},
        )
    return build(spec)


def test_main_route_table_and_nacl_intersection():
    rg = _edge_case(
        {
            "ingress": [
                {
                    "rule_no": 90,
                    "action": "deny",
                    "protocol": "tcp",
                    "from_port": 22,
                    "to_port": 22,
                    "cidr_block": "0.0.0.0/0",
                },
                {
                    "rule_no": 100,
                    "action": "allow",
                    "protocol": "tcp",
                    "from_port": 0,
                    "to_port": 1024,
                    "cidr_block": "0.0.0.0/0",
                },
            ],
            "egress": [
                {
                    "rule_no": 100,
                    "action": "allow",
                    "protocol": "-1",
                    "from_port": 0,
                    "to_port": 0,
                    "cidr_block": "0.0.0.0/0",
                }
            ],
        }
    )
    m = network_model(rg)
    assert m.subnets["aws_subnet.a"].route_table_via == "main"
    p = m.exposure_of("aws_instance.x")
    assert p.nodes == (
        "INTERNET",
        "aws_internet_gateway.gw",
        "aws_route_table.rt",
        "aws_subnet.a",
        "aws_instance.x",
    )
    assert p.ports.label() == "0-21, 23-1024"


def test_nacl_without_ephemeral_return_blocks_exposure():
    rg = _edge_case(
        {
            "ingress": [
                {
                    "rule_no": 100,
                    "action": "allow",
                    "protocol": "-1",
                    "from_port": 0,
                    "to_port": 0,
                    "cidr_block": "0.0.0.0/0",
                }
            ],
            "egress": [
                {
                    "rule_no": 100,
                    "action": "allow",
                    "protocol": "tcp",
                    "from_port": 443,
                    "to_port": 443,
                    "cidr_block": "0.0.0.0/0",
                }
            ],
        }
    )
    m = network_model(rg)
    assert m.nacl_return_ok["aws_subnet.a"] is False
    assert m.exposure_of("aws_instance.x") is None


def test_no_public_ip_no_path_and_unknown_ip_is_uncertain():
    from infra_review.model import Unresolved

    assert network_model(_edge_case(public_ip=False)).exposures == []
    m = network_model(_edge_case(public_ip=Unresolved("var.public")))
    assert [p.confidence for p in m.exposures] == ["uncertain"]


def test_heuristic_subnet_class_is_marked():
    rg = build(
        {
            "aws_vpc.v": ("aws_vpc", {"cidr_block": "10.0.0.0/16"}),
            "aws_subnet.db_a": ("aws_subnet", {"vpc_id": "@aws_vpc.v", "cidr_block": "10.0.1.0/24"}),
            "aws_subnet.x": ("aws_subnet", {"vpc_id": "@aws_vpc.v", "map_public_ip_on_launch": True}),
        }
    )
    m = network_model(rg)
    assert (m.subnets["aws_subnet.db_a"].cls, m.subnets["aws_subnet.db_a"].confidence) == (
        "isolated",
        "heuristic",
    )
    assert (m.subnets["aws_subnet.x"].cls, m.subnets["aws_subnet.x"].confidence) == ("public", "heuristic")
    assert m.subnets["aws_subnet.x"].az == "UNKNOWN"


def test_az_from_data_source_index():
    from infra_review.graph import ResourceGraph
    from infra_review.model import Resource, Unresolved

    rg = ResourceGraph()
    for i in range(2):
        rg.add(
            Resource(
                f"aws_subnet.a[{i}]",
                "aws_subnet",
                meta={"base_address": "aws_subnet.a", "count.index": i},
                attrs={
                    "availability_zone": Unresolved(
                        "data.aws_availability_zones.available.names[count.index]",
                        refs=("data.aws_availability_zones.available",),
                    )
                },
            )
        )
    m = network_model(rg)
    assert [m.subnets[f"aws_subnet.a[{i}]"].az for i in range(2)] == ["az#1", "az#2"]


def test_nonvpc_exposure():
    rg = build(
        {
            "aws_s3_bucket.site": ("aws_s3_bucket", {"acl": "public-read"}),
            "aws_s3_bucket.blocked": ("aws_s3_bucket", {"acl": "public-read"}),
            "aws_s3_bucket_public_access_block.b": (
                "aws_s3_bucket_public_access_block",
                {
                    "bucket": "@aws_s3_bucket.blocked",
                    "block_public_acls": True,
                    "ignore_public_acls": True,
                    "block_public_policy": True,
                    "restrict_public_buckets": True,
                },
            ),
            "aws_eks_cluster.k": ("aws_eks_cluster", {"vpc_config": [{"endpoint_public_access": True}]}),
            "aws_lambda_function.f": ("aws_lambda_function", {}),
            "aws_lambda_function_url.u": (
                "aws_lambda_function_url",
                {"function_name": "@aws_lambda_function.f", "authorization_type": "NONE"},
            ),
            "aws_opensearch_domain.o": ("aws_opensearch_domain", {}),
        }
    )
    got = {(e.address, e.kind) for e in network_model(rg).nonvpc}
    assert got == {
        ("aws_s3_bucket.site", "s3_acl"),
        ("aws_eks_cluster.k", "eks_endpoint"),
        ("aws_lambda_function.f", "lambda_url"),
        ("aws_opensearch_domain.o", "opensearch_public"),
    }


def test_nacl_world_ports_lowest_rule_wins():
    from infra_review.analysis.network import SGRule

    rules = [
        SGRule("n", "ingress", PortSet.ALL, "world", "0.0.0.0/0", "n", action="allow", priority=200),
        SGRule("n", "ingress", PortSet.tcp(3389), "world", "0.0.0.0/0", "n", action="deny", priority=100),
        SGRule("n", "ingress", PortSet.tcp(3389), "world", "0.0.0.0/0", "n", action="allow", priority=150),
    ]
    assert ("tcp", 3389) not in nacl_world_ports(rules, "ingress")
    assert ("tcp", 22) in nacl_world_ports(rules, "ingress")


def test_azure_exposure_requires_both_nsgs():
    from infra_review.model import Unresolved as U

    def ref(a):
        return U(a + ".id", refs=(a,))

    from infra_review.graph import ResourceGraph
    from infra_review.model import Resource

    rg = ResourceGraph()
    rg.add(Resource("azurerm_subnet.s", "azurerm_subnet"))
    rg.add(Resource("azurerm_public_ip.p", "azurerm_public_ip"))
    rg.add(
        Resource(
            "azurerm_network_security_group.nic",
            "azurerm_network_security_group",
            attrs={
                "security_rule": [
                    {
                        "name": "ssh",
                        "priority": 100,
                        "direction": "Inbound",
                        "access": "Allow",
                        "protocol": "Tcp",
                        "source_address_prefix": "*",
                        "destination_port_range": "22",
                    },
                    {
                        "name": "rdp",
                        "priority": 110,
                        "direction": "Inbound",
                        "access": "Allow",
                        "protocol": "Tcp",
                        "source_address_prefix": "Internet",
                        "destination_port_range": "3389",
                    },
                ]
            },
        )
    )
    rg.add(
        Resource(
            "azurerm_network_security_group.sub",
            "azurerm_network_security_group",
            attrs={
                "security_rule": [
                    {
                        "name": "deny-rdp",
                        "priority": 100,
                        "direction": "Inbound",
                        "access": "Deny",
                        "protocol": "*",
                        "source_address_prefix": "*",
                        "destination_port_range": "3389",
                    },
                    {
                        "name": "all",
                        "priority": 200,
                        "direction": "Inbound",
                        "access": "Allow",
                        "protocol": "*",
                        "source_address_prefix": "*",
                        "destination_port_range": "*",
                    },
                ]
            },
        )
    )
    rg.add(
        Resource(
            "azurerm_network_interface.n",
            "azurerm_network_interface",
            attrs={
                "ip_configuration": [
                    {"subnet_id": ref("azurerm_subnet.s"), "public_ip_address_id": ref("azurerm_public_ip.p")}
                ]
            },
        )
    )
    rg.add(
        Resource(
            "azurerm_linux_virtual_machine.vm",
            "azurerm_linux_virtual_machine",
            attrs={"network_interface_ids": [ref("azurerm_network_interface.n")]},
        )
    )
    rg.add(
        Resource(
            "azurerm_network_interface_security_group_association.a",
            "azurerm_network_interface_security_group_association",
            attrs={
                "network_interface_id": ref("azurerm_network_interface.n"),
                "network_security_group_id": ref("azurerm_network_security_group.nic"),
            },
        )
    )
    rg.add(
        Resource(
            "azurerm_subnet_network_security_group_association.a",
            "azurerm_subnet_network_security_group_association",
            attrs={
                "subnet_id": ref("azurerm_subnet.s"),
                "network_security_group_id": ref("azurerm_network_security_group.sub"),
            },
        )
    )
    p = network_model(rg).exposure_of("azurerm_linux_virtual_machine.vm")
    assert p.nodes == (
        "INTERNET",
        "azurerm_public_ip.p",
        "azurerm_network_interface.n",
        "azurerm_linux_virtual_machine.vm",
    )
    assert p.ports.label() == "22"


def test_gcp_firewall_target_tags_and_priority():
    from infra_review.graph import ResourceGraph
    from infra_review.model import Resource
    from infra_review.model import Unresolved as U

    net = U("google_compute_network.n.id", ("google_compute_network.n",))
    rg = ResourceGraph()
    rg.add(Resource("google_compute_network.n", "google_compute_network"))
    rg.add(
        Resource(
            "google_compute_firewall.web",
            "google_compute_firewall",
            attrs={
                "network": net,
                "source_ranges": ["0.0.0.0/0"],
                "target_tags": ["web"],
                "allow": [{"protocol": "tcp", "ports": ["80", "443", "22"]}],
            },
        )
    )
    rg.add(
        Resource(
            "google_compute_firewall.nossh",
            "google_compute_firewall",
            attrs={
                "network": net,
                "source_ranges": ["0.0.0.0/0"],
                "priority": 100,
                "deny": [{"protocol": "tcp", "ports": ["22"]}],
            },
        )
    )
    rg.add(
        Resource(
            "google_compute_instance.web",
            "google_compute_instance",
            attrs={"tags": ["web"], "network_interface": [{"network": net, "access_config": [{}]}]},
        )
    )
    rg.add(
        Resource(
            "google_compute_instance.internal",
            "google_compute_instance",
            attrs={"tags": ["web"], "network_interface": [{"network": net}]},
        )
    )
    rg.add(
        Resource(
            "google_compute_instance.other",
            "google_compute_instance",
            attrs={"tags": ["db"], "network_interface": [{"network": net, "access_config": [{}]}]},
        )
    )
    got = {p.target: p.ports.label() for p in network_model(rg).exposures}
    assert got == {"google_compute_instance.web": "80, 443"}
