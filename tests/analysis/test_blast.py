"""Blast radius and SPOF ranking on the hand-built three-tier graph."""

from __future__ import annotations

import pytest
from _net_builders import three_tier

from infra_review.analysis.blast import blast_radius, rank_spofs


def test_nat_failure_takes_private_subnets_and_their_groups():
    br = blast_radius(three_tier(), "aws_nat_gateway.main[0]")
    assert br.down == (
        "aws_autoscaling_group.web",
        "aws_autoscaling_group.worker",
        "aws_lb_listener.http",
        "aws_lb_listener.https",
        "aws_lb_target_group.web",
        "aws_route_table.private",
        "aws_subnet.private[0]",
        "aws_subnet.private[1]",
        "aws_subnet.private[2]",
    )
    assert br.by_tier == {"app": 2}
    assert br.azs == ("eu-west-1a", "eu-west-1b", "eu-west-1c")
    # the web group was the target group's only target: both listeners now answer 503
    assert br.entry_points == ("aws_lb_listener.http", "aws_lb_listener.https")
    assert br.data_stores == ()
    tree = br.tree["aws_nat_gateway.main[0]"]
    assert set(tree) == {"aws_route_table.private"}
    assert set(tree["aws_route_table.private"]) == {
        "aws_subnet.private[0]",
        "aws_subnet.private[1]",
        "aws_subnet.private[2]",
    }


def test_one_subnet_only_degrades_multi_az_groups():
    br = blast_radius(three_tier(), "aws_subnet.private[1]")
    assert br.down == ()
    assert br.degraded == ("aws_autoscaling_group.web", "aws_autoscaling_group.worker")


def test_single_target_takes_its_target_group_and_lb_path():
    rg = three_tier(
        **{
            "aws_lb_target_group_attachment.admin": (
                "aws_lb_target_group_attachment",
                {"target_group_arn": "@aws_lb_target_group.admin", "target_id": "@aws_instance.admin"},
            ),
            "aws_lb_target_group.admin": ("aws_lb_target_group", {"port": 8080}),
            "aws_lb_listener.admin": (
                "aws_lb_listener",
                {
                    "load_balancer_arn": "@aws_lb.web",
                    "port": 8443,
                    "default_action": [{"type": "forward", "target_group_arn": "@aws_lb_target_group.admin"}],
                },
            ),
        }
    )
    br = blast_radius(rg, "aws_instance.admin")
    assert "aws_lb_target_group.admin" in br.down
    assert "aws_lb_listener.admin" in br.down
    assert "aws_lb.web" not in br.down  # the LB itself keeps serving its other listeners


def test_rank_spofs_orders_by_score():
    ranked = rank_spofs(three_tier())
    order = [(r.rule_id, r.address) for r in ranked]
    assert order[0] == ("SPOF02", "aws_nat_gateway.main[0]")  # two app groups lose egress
    assert ("SPOF04", "aws_db_instance.main") in order
    scores = [r.score for r in ranked]
    assert scores == sorted(scores, reverse=True)


def test_unknown_node():
    with pytest.raises(KeyError):
        blast_radius(three_tier(), "aws_instance.nope")
