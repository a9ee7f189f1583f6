"""Offline cost estimate on hand-built graphs (shape as the loaders produce it)."""

from __future__ import annotations

import time

import pytest

from infra_review.analysis.cost import (
    CostAssumptions,
    available_regions,
    estimate,
    load_prices,
)
from infra_review.graph import ResourceGraph
from infra_review.model import Resource, Unresolved


def _rg(*resources: Resource, region: object = "us-east-1") -> ResourceGraph:
    rg = ResourceGraph()
    rg.add(Resource("provider.aws", "aws", block="provider", attrs={"region": region}))
    for r in resources:
        rg.add(r)
    return rg


def _res(address: str, kind: str, provider: str = "aws", **attrs: object) -> Resource:
    return Resource(address, kind, attrs=attrs, provider=provider)


def _lines(est, address):
    return {ln.sku: ln for ln in est.lines if ln.address == address}


def test_price_table_ships_with_the_package_and_cites_its_source():
    assert {"us-east-1", "us-west-2"} <= set(available_regions())
    t = load_prices("us-east-1")
    assert t is not None
    assert "aws.amazon.com" in t.source
    assert "2024" in t.source
    assert t.get("ec2", "m5.large") == ("hour", 0.096)
    assert t.get("rds:postgres", "db.t3.micro", "multi")[1] == pytest.approx(
        2 * t.get("rds:postgres", "db.t3.micro", "single")[1]
    )
    assert t.get("nat", "gateway") == ("hour", 0.045)
    assert t.get("cloudwatch", "alarm-standard") == ("month", 0.10)
    assert load_prices("xx-nowhere-1") is None


def test_instance_is_priced_per_hour_with_root_volume_assumption():
    rg = _rg(_res("aws_instance.web", "aws_instance", instance_type="m5.large"))
    lines = _lines(estimate(rg), "aws_instance.web")
    assert lines["ec2:m5.large"].monthly_usd == pytest.approx(0.096 * 730, abs=0.01)
    assert lines["ec2:m5.large"].quantity == 730
    assert lines["ec2:m5.large"].category == "compute"
    assert "8 GB" in lines["ebs:gp3"].assumption


def test_count_instances_are_priced_each_and_unexpanded_is_not_priced():
    rg = _rg(
        Resource(
            "aws_instance.web[0]",
            "aws_instance",
            attrs={"instance_type": "t3.micro"},
            provider="aws",
            meta={"base_address": "aws_instance.web", "count.index": 0, "name": "web"},
        ),
        Resource(
            "aws_instance.web[1]",
            "aws_instance",
            attrs={"instance_type": "t3.micro"},
            provider="aws",
            meta={"base_address": "aws_instance.web", "count.index": 1, "name": "web"},
        ),
        Resource(
            "aws_instance.many",
            "aws_instance",
            attrs={"instance_type": "t3.micro"},
            provider="aws",
            meta={"expanded": False},
        ),
    )
    est = estimate(rg)
    assert est.by_resource()["aws_instance.web[0]"] == est.by_resource()["aws_instance.web[1]"]
    [np] = est.not_priced
    assert np.address == "aws_instance.many"
    assert "count/for_each" in np.assumption
    assert np.monthly_usd is None


def test_unresolved_instance_type_is_an_explicit_not_priced_line():
    rg = _rg(
        _res("aws_instance.x", "aws_instance", instance_type=Unresolved("var.size", reason="no default"))
    )
    est = estimate(rg)
    np = [ln for ln in est.not_priced if ln.address == "aws_instance.x"]
    assert np
    assert "var.size" in np[0].assumption
    assert not np[0].priced


def test_asg_uses_desired_capacity_else_min_size_and_launch_template_type():
    rg = _rg(
        _res("aws_launch_template.lt", "aws_launch_template", instance_type="c5.large"),
        _res(
            "aws_autoscaling_group.a",
            "aws_autoscaling_group",
            desired_capacity=3,
            min_size=2,
            max_size=6,
            launch_template=[{"id": Unresolved("aws_launch_template.lt.id", ("aws_launch_template.lt",))}],
        ),
        _res(
            "aws_autoscaling_group.b",
            "aws_autoscaling_group",
            min_size=2,
            max_size=6,
            launch_template=[{"id": Unresolved("aws_launch_template.lt.id", ("aws_launch_template.lt",))}],
        ),
    )
    rg.add_edge("aws_autoscaling_group.a", "aws_launch_template.lt", "ref", attr="launch_template.id")
    rg.add_edge("aws_autoscaling_group.b", "aws_launch_template.lt", "ref", attr="launch_template.id")
    est = estimate(rg)
    a = _lines(est, "aws_autoscaling_group.a")["ec2:c5.large"]
    b = _lines(est, "aws_autoscaling_group.b")["ec2:c5.large"]
    assert a.quantity == 3 * 730
    assert "desired_capacity = 3" in a.assumption
    assert b.quantity == 2 * 730
    assert "min_size = 2" in b.assumption
    assert "aws_launch_template.lt" not in est.by_resource()  # templates cost nothing themselves


def test_asg_without_template_in_graph_is_not_priced():
    rg = _rg(
        _res(
            "aws_autoscaling_group.a",
            "aws_autoscaling_group",
            desired_capacity=2,
            launch_template=[{"id": Unresolved("module.x.lt_id", reason="remote module")}],
        )
    )
    [np] = estimate(rg).not_priced
    assert "instance type unknown" in np.assumption


def test_rds_multi_az_doubles_instance_and_storage():
    rg = _rg(
        _res(
            "aws_db_instance.single",
            "aws_db_instance",
            engine="postgres",
            instance_class="db.m5.large",
            allocated_storage=100,
            storage_type="gp3",
        ),
        _res(
            "aws_db_instance.multi",
            "aws_db_instance",
            engine="postgres",
            instance_class="db.m5.large",
            allocated_storage=100,
            storage_type="gp3",
            multi_az=True,
        ),
    )
    by = estimate(rg).by_resource()
    assert by["aws_db_instance.multi"] == pytest.approx(2 * by["aws_db_instance.single"], abs=0.02)


def test_rds_unknown_multi_az_and_licensed_engine_not_priced():
    rg = _rg(
        _res(
            "aws_db_instance.u",
            "aws_db_instance",
            engine="mysql",
            instance_class="db.t3.micro",
            multi_az=Unresolved("var.ha"),
        ),
        _res("aws_db_instance.o", "aws_db_instance", engine="oracle-ee", instance_class="db.m5.large"),
    )
    reasons = {ln.address: ln.assumption for ln in estimate(rg).not_priced}
    assert "var.ha" in reasons["aws_db_instance.u"]
    assert "oracle-ee" in reasons["aws_db_instance.o"]


def test_nat_lb_eip_alarm_and_cache_lines():
    rg = _rg(
        _res("aws_nat_gateway.n", "aws_nat_gateway"),
        _res("aws_lb.web", "aws_lb", load_balancer_type="application"),
        _res("aws_eip.idle", "aws_eip", domain="vpc"),
        _res("aws_cloudwatch_metric_alarm.cpu", "aws_cloudwatch_metric_alarm", period=300),
        _res(
            "aws_elasticache_replication_group.r",
            "aws_elasticache_replication_group",
            node_type="cache.t3.small",
            num_cache_clusters=2,
        ),
    )
    est = estimate(rg, assumptions=CostAssumptions(nat_gb_per_month=50))
    nat = _lines(est, "aws_nat_gateway.n")
    assert nat["nat:gateway"].monthly_usd == pytest.approx(0.045 * 730, abs=0.01)
    assert nat["nat:data-processed"].quantity == 50
    assert "50 GB" in nat["nat:data-processed"].assumption
    lb = _lines(est, "aws_lb.web")
    assert set(lb) == {"elb:application", "elb:application-lcu"}
    assert "idle" in _lines(est, "aws_eip.idle")["eip:idle"].assumption
    assert _lines(est, "aws_cloudwatch_metric_alarm.cpu")["cloudwatch:alarm-standard"].monthly_usd == 0.10
    assert (
        _lines(est, "aws_elasticache_replication_group.r")["elasticache:cache.t3.small"].quantity == 2 * 730
    )


def test_ebs_types_and_gp3_extra_iops():
    rg = _rg(
        _res("aws_ebs_volume.gp2", "aws_ebs_volume", size=100),
        _res("aws_ebs_volume.gp3", "aws_ebs_volume", size=100, type="gp3", iops=6000),
        _res("aws_ebs_volume.io1", "aws_ebs_volume", size=100, type="io1", iops=1000),
    )
    by = estimate(rg).by_resource()
    assert by["aws_ebs_volume.gp2"] == 10.0
    assert by["aws_ebs_volume.gp3"] == pytest.approx(8.0 + 3000 * 0.005)
    assert by["aws_ebs_volume.io1"] == pytest.approx(12.5 + 65.0)


def test_region_from_provider_alias_and_fallbacks_are_stated():
    rg = _rg(
        _res("aws_instance.a", "aws_instance", instance_type="t3.micro"), region=Unresolved("var.region")
    )
    rg.add(
        Resource("provider.aws.eu", "aws", block="provider", attrs={"region": "eu-central-1", "alias": "eu"})
    )
    rg.add(
        Resource("provider.aws.west", "aws", block="provider", attrs={"region": "us-west-2", "alias": "west"})
    )
    rg.add(_res("aws_instance.b", "aws_instance", provider="aws.eu", instance_type="t3.micro"))
    rg.add(_res("aws_instance.c", "aws_instance", provider="aws.west", instance_type="t3.micro"))
    est = estimate(rg, region="us-east-1")
    a, b, c = (_lines(est, f"aws_instance.{x}")["ec2:t3.micro"] for x in "abc")
    assert "var.region" in a.assumption
    assert a.region == "us-east-1"
    assert b.region == "eu-central-1"
    assert "no price table for eu-central-1" in b.assumption
    assert c.region == "us-west-2"
    assert "assumed" not in c.assumption


def test_totals_by_kind_area_and_tag_with_default_tags():
    rg = ResourceGraph()
    rg.add(
        Resource(
            "provider.aws",
            "aws",
            block="provider",
            attrs={"region": "us-east-1", "default_tags": [{"tags": {"cost-center": "cc-1"}}]},
        )
    )
    rg.add(_res("aws_instance.a", "aws_instance", instance_type="t3.micro", tags={"team": "web"}))
    rg.add(_res("aws_instance.b", "aws_instance", instance_type="t3.micro", tags={"CostCenter": "cc-2"}))
    rg.add(_res("aws_nat_gateway.n", "aws_nat_gateway"))
    est = estimate(rg)
    assert set(est.by_kind()) == {"aws_instance", "aws_nat_gateway"}
    assert set(est.by_area()) == {"compute", "storage", "network"}
    tags = est.by_tag("cost-center")
    assert set(tags) == {"cc-1", "cc-2"}
    assert sum(tags.values()) == pytest.approx(est.total_usd, abs=0.02)
    assert est.by_tag("team")["(untagged)"] > 0


def test_usage_based_unknown_and_non_aws_kinds_are_listed_not_zeroed():
    rg = _rg(
        _res("aws_lambda_function.f", "aws_lambda_function"),
        _res("aws_msk_cluster.k", "aws_msk_cluster"),
        _res("aws_vpc.v", "aws_vpc"),
        _res("aws_security_group.s", "aws_security_group"),
        _res("aws_iam_role.r", "aws_iam_role"),
        Resource(
            "azurerm_linux_virtual_machine.vm",
            "azurerm_linux_virtual_machine",
            attrs={"size": "Standard_B2s"},
        ),
    )
    est = estimate(rg)
    addrs = {ln.address for ln in est.not_priced}
    assert addrs == {"aws_lambda_function.f", "aws_msk_cluster.k", "azurerm_linux_virtual_machine.vm"}
    assert all(ln.monthly_usd is None for ln in est.not_priced)
    assert all(ln.assumption for ln in est.not_priced)
    assert est.total_usd == 0.0


def test_fargate_service_and_eks():
    rg = _rg(
        _res("aws_ecs_task_definition.t", "aws_ecs_task_definition", cpu="512", memory="1024"),
        _res(
            "aws_ecs_service.s",
            "aws_ecs_service",
            launch_type="FARGATE",
            desired_count=2,
            task_definition=Unresolved("aws_ecs_task_definition.t.arn", ("aws_ecs_task_definition.t",)),
        ),
        _res("aws_eks_cluster.c", "aws_eks_cluster"),
        _res(
            "aws_eks_node_group.ng",
            "aws_eks_node_group",
            instance_types=["m5.large"],
            scaling_config=[{"desired_size": 3, "min_size": 3, "max_size": 6}],
        ),
    )
    rg.add_edge("aws_ecs_service.s", "aws_ecs_task_definition.t", "ref", attr="task_definition")
    est = estimate(rg)
    fg = _lines(est, "aws_ecs_service.s")
    assert fg["fargate:vcpu"].quantity == pytest.approx(2 * 0.5 * 730)
    assert fg["fargate:memory"].quantity == pytest.approx(2 * 1.0 * 730)
    assert _lines(est, "aws_eks_node_group.ng")["ec2:m5.large"].quantity == 3 * 730
    assert _lines(est, "aws_eks_cluster.c")["eks:cluster"].monthly_usd == 73.0


def test_deterministic_and_fast_on_10000_resources():
    rg = ResourceGraph()
    rg.add(Resource("provider.aws", "aws", block="provider", attrs={"region": "us-east-1"}))
    kinds = [
        ("aws_instance", {"instance_type": "m5.large"}),
        ("aws_db_instance", {"engine": "mysql", "instance_class": "db.t3.small", "allocated_storage": 20}),
        ("aws_nat_gateway", {}),
        ("aws_subnet", {}),
        ("aws_lambda_function", {}),
    ]
    for i in range(10_000):
        kind, attrs = kinds[i % len(kinds)]
        rg.add(Resource(f"{kind}.r{i}", kind, attrs={**attrs, "tags": {"team": f"t{i % 7}"}}, provider="aws"))
    t0 = time.perf_counter()
    est = estimate(rg)
    elapsed = time.perf_counter() - t0
    assert est.to_rows() == estimate(rg).to_rows()
    assert len(est.not_priced) == 2000
    assert est.total_usd > 0
    print(f"10,000 resources estimated in {elapsed:.3f}s")
