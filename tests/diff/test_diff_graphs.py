"""``diff_graphs`` on small hand-built graphs: moves, identity, exposure kinds, findings."""

from __future__ import annotations

from infra_review.analysis.diff import diff_graphs, match_moves
from infra_review.analysis.diff_attrs import attr_changes
from infra_review.graph import ResourceGraph
from infra_review.model import Area, Finding, Resource, Severity, Status
from infra_review.model import Unresolved as U


def ref(a: str) -> U:
    return U(a + ".id", refs=(a,))


def world(ports: list[tuple[int, int]], *, sg: str = "aws_security_group.ssh") -> ResourceGraph:
    """One public subnet, one instance with a public IP, its security group open on ``ports``."""
    rg = ResourceGraph()
    rg.add(Resource("aws_vpc.main", "aws_vpc", attrs={"cidr_block": "10.0.0.0/16"}))
    rg.add(Resource("aws_internet_gateway.gw", "aws_internet_gateway", attrs={"vpc_id": ref("aws_vpc.main")}))
    rg.add(
        Resource(
            "aws_subnet.pub",
            "aws_subnet",
            attrs={
                "vpc_id": ref("aws_vpc.main"),
                "cidr_block": "10.0.1.0/24",
                "availability_zone": "eu-west-1a",
            },
        )
    )
    rg.add(
        Resource(
            "aws_route_table.pub",
            "aws_route_table",
            attrs={
                "vpc_id": ref("aws_vpc.main"),
                "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": ref("aws_internet_gateway.gw")}],
            },
        )
    )
    rg.add(
        Resource(
            "aws_route_table_association.pub",
            "aws_route_table_association",
            attrs={"subnet_id": ref("aws_subnet.pub"), "route_table_id": ref("aws_route_table.pub")},
        )
    )
    rg.add(
        Resource(
            sg,
            "aws_security_group",
            attrs={
                "vpc_id": ref("aws_vpc.main"),
                "ingress": [
                    {"from_port": lo, "to_port": hi, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}
                    for lo, hi in ports
                ],
            },
        )
    )
    rg.add(
        Resource(
            "aws_instance.web",
            "aws_instance",
            attrs={
                "subnet_id": ref("aws_subnet.pub"),
                "vpc_security_group_ids": [ref(sg)],
                "associate_public_ip_address": True,
            },
        )
    )
    return rg


def test_exposure_widened_narrowed_closed_and_its_cause():
    r = diff_graphs(world([(22, 22)]), world([(22, 22), (443, 443)]), cost=False)
    (e,) = r.exposures
    assert (e.change, e.target, e.ports_added, e.ports_removed) == ("widened", "aws_instance.web", "443", "")
    ((sg, paths),) = e.cause
    assert sg == "aws_security_group.ssh"
    assert set(paths) == {
        "ingress[1].cidr_blocks[0]",
        "ingress[1].from_port",
        "ingress[1].protocol",
        "ingress[1].to_port",
    }
    assert r.new_exposure == [e]
    (e,) = diff_graphs(world([(22, 443)]), world([(22, 22)]), cost=False).exposures
    assert (e.change, e.ports_removed) == ("narrowed", "23-443")
    (e,) = diff_graphs(world([(22, 22)]), world([]), cost=False).exposures
    assert e.change == "closed"
    assert e.old_nodes[0] == "INTERNET"
    assert not diff_graphs(world([(22, 22)]), world([(22, 22)]), cost=False).exposures


def test_a_renamed_security_group_does_not_open_and_close_the_path():
    head = world([(22, 22)], sg="aws_security_group.admin")
    r = diff_graphs(world([(22, 22)]), head, cost=False)
    moved = [c for c in r.resources if c.change == "moved"]
    assert [(c.old_address, c.address, c.matched_by) for c in moved] == [
        ("aws_security_group.ssh", "aws_security_group.admin", "identity")
    ]
    assert not r.exposures
    assert any("no moved block" in q for q in r.questions)


def test_moved_blocks_cover_modules_and_instances():
    def R(a: str) -> Resource:
        return Resource(a, "aws_sqs_queue", attrs={"name": a})

    base = {a: R(a) for a in ("module.old.aws_sqs_queue.q", "aws_sqs_queue.jobs[0]", "aws_sqs_queue.jobs[1]")}
    head = {a: R(a) for a in ("module.new.aws_sqs_queue.q", "aws_sqs_queue.work[0]", "aws_sqs_queue.work[1]")}
    moves = match_moves(
        base, head, [("module.old", "module.new"), ("aws_sqs_queue.jobs", "aws_sqs_queue.work")]
    )
    assert moves == {
        "module.old.aws_sqs_queue.q": ("module.new.aws_sqs_queue.q", "moved"),
        "aws_sqs_queue.jobs[0]": ("aws_sqs_queue.work[0]", "moved"),
        "aws_sqs_queue.jobs[1]": ("aws_sqs_queue.work[1]", "moved"),
    }


def test_moved_node_inside_a_module_is_relative_to_it():
    base, head = ResourceGraph(), ResourceGraph()
    base.add(Resource("module.m.aws_sqs_queue.a", "aws_sqs_queue", attrs={"name": "a"}, module="module.m"))
    head.add(Resource("module.m.aws_sqs_queue.b", "aws_sqs_queue", attrs={"name": "b"}, module="module.m"))
    head.add(
        Resource(
            "module.m.moved.aws_sqs_queue.a",
            "moved",
            "moved",
            {"from": "aws_sqs_queue.a", "to": "aws_sqs_queue.b"},
            module="module.m",
        )
    )
    (c,) = diff_graphs(base, head, cost=False).resources
    assert (c.change, c.old_address, c.address, c.matched_by) == (
        "moved",
        "module.m.aws_sqs_queue.a",
        "module.m.aws_sqs_queue.b",
        "moved",
    )
    assert [(a.path, a.old, a.new) for a in c.attrs] == [("name", "a", "b")]


def test_findings_follow_moves_and_fingerprints():
    def f(addr: str, rule: str = "NET001") -> Finding:
        return Finding(
            rule, Area.NETWORK_SECURITY, Severity.HIGH, Status.FAIL, addr, "m", file="x.tf", line=3
        )

    base, head = ResourceGraph(), ResourceGraph()
    base.add(Resource("aws_s3_bucket.a", "aws_s3_bucket", attrs={"bucket": "x"}))
    head.add(Resource("aws_s3_bucket.b", "aws_s3_bucket", attrs={"bucket": "x"}))
    head.add(
        Resource(
            "moved.aws_s3_bucket.a", "moved", "moved", {"from": "aws_s3_bucket.a", "to": "aws_s3_bucket.b"}
        )
    )
    r = diff_graphs(
        base,
        head,
        base_findings=[f("aws_s3_bucket.a"), f("aws_s3_bucket.a", "S3002")],
        head_findings=[f("aws_s3_bucket.b"), f("aws_s3_bucket.b", "S3009")],
        cost=False,
    )
    assert [x.rule_id for x in r.findings.unchanged] == ["NET001"]
    assert [x.rule_id for x in r.findings.new] == ["S3009"]
    assert [x.rule_id for x in r.findings.fixed] == ["S3002"]
    assert r.findings.compared
    assert r.areas == ["network_security"]
    assert not diff_graphs(base, head, cost=False).findings.compared


def test_secret_values_are_redacted_and_unresolved_shown_as_expressions():
    changes = attr_changes(
        {
            "environment": {"variables": {"API_TOKEN": "tok-old-1234567890", "MODE": "a"}},
            "role": ref("aws_iam_role.a"),
        },
        {
            "environment": {"variables": {"API_TOKEN": "tok-new-0987654321", "MODE": "b"}},
            "role": ref("aws_iam_role.b"),
        },
    )
    shown = {c.path: (c.old, c.new) for c in changes}
    assert shown["environment.variables.MODE"] == ("a", "b")
    old, new = shown["environment.variables.API_TOKEN"]
    assert "redacted" in old
    assert "redacted" in new
    assert "1234567890" not in old
    assert shown["role"] == ("${aws_iam_role.a.id}", "${aws_iam_role.b.id}")
