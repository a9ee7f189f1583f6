"""Alarm coverage on hand-built graphs: refs, edges, literal ids, metric_query, unknowns."""

from __future__ import annotations

from infra_review.analysis.coverage_monitoring import alarm_coverage
from infra_review.graph import ResourceGraph
from infra_review.model import Resource, Unresolved


def _ref(addr: str, attr: str = "id") -> Unresolved:
    return Unresolved(f"{addr}.{attr}", (addr,))


def _alarm(name: str, **attrs: object) -> Resource:
    return Resource(f"aws_cloudwatch_metric_alarm.{name}", "aws_cloudwatch_metric_alarm", attrs=attrs)


def test_ref_literal_and_metric_query_matching():
    rg = ResourceGraph()
    rg.add(Resource("aws_db_instance.orders", "aws_db_instance", attrs={"identifier": "orders"}))
    rg.add(Resource("aws_lb.web", "aws_lb", attrs={"name": "web"}))
    rg.add(Resource("aws_lb_target_group.web", "aws_lb_target_group", attrs={"name": "web-tg"}))
    rg.add(Resource("aws_lambda_function.f", "aws_lambda_function", attrs={"function_name": "f"}))
    rg.add(Resource("aws_sqs_queue.q", "aws_sqs_queue", attrs={"name": "jobs"}))
    rg.add(
        _alarm(
            "db",
            metric_name="FreeStorageSpace",
            namespace="AWS/RDS",
            dimensions={"DBInstanceIdentifier": "orders"},
        )
    )
    rg.add(
        _alarm(
            "tg",
            metric_name="UnHealthyHostCount",
            namespace="AWS/ApplicationELB",
            dimensions={
                "LoadBalancer": _ref("aws_lb.web", "arn_suffix"),
                "TargetGroup": _ref("aws_lb_target_group.web", "arn_suffix"),
            },
        )
    )
    rg.add(
        _alarm(
            "errors",
            metric_query=[
                {"id": "rate", "expression": "errors / invocations"},
                {
                    "id": "errors",
                    "metric": [
                        {
                            "metric_name": "Errors",
                            "namespace": "AWS/Lambda",
                            "dimensions": {"FunctionName": _ref("aws_lambda_function.f", "function_name")},
                        }
                    ],
                },
            ],
        )
    )
    cov = alarm_coverage(rg)
    assert set(cov.monitored) == {
        "aws_db_instance.orders",
        "aws_lb.web",
        "aws_lb_target_group.web",
        "aws_lambda_function.f",
    }
    assert cov.unmonitored == ("aws_sqs_queue.q",)
    assert cov.monitored["aws_db_instance.orders"][0].via == "literal"
    assert cov.monitored["aws_lambda_function.f"][0].metric == "Errors"
    assert cov.missing_metrics["aws_db_instance.orders"] == ("cpu", "memory", "network")
    assert cov.ratio == 0.8
    assert "4 of 5" in cov.summary()
    assert cov.to_dict()["unmonitored"] == ["aws_sqs_queue.q"]


def test_graph_edge_and_count_base_address_cover_instances():
    rg = ResourceGraph()
    for i in range(2):
        rg.add(
            Resource(
                f"aws_instance.web[{i}]",
                "aws_instance",
                meta={"base_address": "aws_instance.web", "count.index": i, "name": "web"},
            )
        )
    rg.add(Resource("aws_autoscaling_group.app", "aws_autoscaling_group"))
    rg.add(
        _alarm(
            "web",
            metric_name="CPUUtilization",
            dimensions={"InstanceId": Unresolved("aws_instance.web[*].id", ("aws_instance.web",))},
        )
    )
    # an alarm whose dimension the loader only recorded as an edge
    rg.add(
        _alarm(
            "asg",
            metric_name="mem_used_percent",
            namespace="CWAgent",
            dimensions={"AutoScalingGroupName": Unresolved("local.asg_name")},
        )
    )
    rg.add_edge(
        "aws_cloudwatch_metric_alarm.asg",
        "aws_autoscaling_group.app",
        "ref",
        attr="dimensions.AutoScalingGroupName",
    )
    cov = alarm_coverage(rg)
    assert set(cov.monitored) == {"aws_instance.web[0]", "aws_instance.web[1]", "aws_autoscaling_group.app"}
    assert cov.missing_metrics["aws_autoscaling_group.app"] == ("cpu", "disk", "network")
    assert not cov.unmonitored


def test_unresolved_dimensions_without_refs_make_matching_kinds_unknown():
    rg = ResourceGraph()
    rg.add(Resource("aws_instance.a", "aws_instance"))
    rg.add(Resource("aws_sqs_queue.q", "aws_sqs_queue"))
    rg.add(
        _alarm("x", metric_name="CPUUtilization", dimensions={"InstanceId": Unresolved("var.instance_id")})
    )
    cov = alarm_coverage(rg)
    assert set(cov.unknown) == {"aws_instance.a"}
    assert cov.unmonitored == ("aws_sqs_queue.q",)
    rg.add(_alarm("y", dimensions=Unresolved("var.dims")))
    cov = alarm_coverage(rg)  # cache cleared by add()
    assert set(cov.unknown) == {"aws_instance.a", "aws_sqs_queue.q"}
    assert cov.unmonitored == ()


def test_no_alarmable_resources():
    cov = alarm_coverage(ResourceGraph())
    assert cov.ratio is None
    assert cov.summary() == "no resources of an alarmable kind"
