"""Plan JSON (`terraform show -json`) into the same model: planned values known, references as edges."""

from __future__ import annotations

import json
from pathlib import Path

from infra_review.graph import ResourceGraph
from infra_review.loaders.terraform import builder as terraform
from infra_review.model import DiagnosticCode, FileStatus, Unresolved

PLAN = Path(__file__).resolve().parent.parent / "fixtures" / "terraform" / "plan" / "tfplan.json"


def load_plan(text: str | None = None) -> ResourceGraph:
    pf = terraform.parse_file("plan/tfplan.json", text or PLAN.read_text(), "terraform_plan")
    assert pf.status is FileStatus.PARSED
    rg = ResourceGraph()
    assert terraform.build([pf], rg) == []
    return rg


def out_edges(rg, src, kind="ref"):
    return {(e.target, e.attrs.get("attr")) for e in rg.edges([kind]) if e.source == src}


def test_planned_values_become_resources_with_known_values():
    rg = load_plan()
    assert sorted(r.address for r in rg.resources()) == [
        "aws_security_group.web",
        "aws_vpc.main",
        "module.subnets.aws_subnet.this[0]",
        "module.subnets.aws_subnet.this[1]",
        'module.web["blue"].aws_instance.this',
    ]
    sg = rg["aws_security_group.web"]
    assert sg.format == "plan"
    assert sg.kind == "aws_security_group"
    assert sg.file == "plan/tfplan.json"
    assert sg.line == 25
    assert rg["module.subnets.aws_subnet.this[1]"].line == 66
    assert sg.attrs["ingress"][0]["cidr_blocks"] == ["0.0.0.0/0"]
    assert sg.attrs["ingress"][0]["from_port"] == 22
    assert sg.meta["actions"] == ["create"]
    assert sg.provider == "aws"
    sub = rg["module.subnets.aws_subnet.this[1]"]
    assert sub.module == "module.subnets"
    assert sub.meta["count.index"] == 1
    assert sub.meta["base_address"] == "module.subnets.aws_subnet.this"
    assert sub.name == "this"
    assert sub.attrs["map_public_ip_on_launch"] is True
    blue = rg['module.web["blue"].aws_instance.this']
    assert blue.module == 'module.web["blue"]'
    data = rg["data.aws_ami.ubuntu"]
    assert data.block == "data"
    assert data.attrs["owners"] == ["099720109477"]


def test_after_unknown_values_are_unresolved_with_a_self_ref():
    rg = load_plan()
    vpc = rg["aws_vpc.main"]
    assert vpc.attrs["id"] == Unresolved("aws_vpc.main.id", ("aws_vpc.main",), "known after apply")
    assert vpc.attrs["tags"] == {"Name": "prod"}
    assert isinstance(rg["module.subnets.aws_subnet.this[0]"].attrs["vpc_id"], Unresolved)


def test_configuration_references_become_edges_through_module_inputs():
    rg = load_plan()
    assert out_edges(rg, "aws_security_group.web") == {("aws_vpc.main", "vpc_id")}
    # module input var.vpc_id is followed to the caller's expression
    assert out_edges(rg, "module.subnets.aws_subnet.this[0]") == {("aws_vpc.main", "vpc_id")}
    assert out_edges(rg, 'module.web["blue"].aws_instance.this') == {
        ("data.aws_ami.ubuntu", "ami"),
        ("aws_security_group.web", "network_interface"),
    }
    assert out_edges(rg, 'module.web["blue"]', "depends_on") == {("module.subnets", "depends_on")}
    assert rg.has_edge("module.subnets", "module.subnets.aws_subnet.this[0]", "module")


def test_provider_config_nodes():
    rg = load_plan()
    assert rg["provider.aws"].attrs == {"region": "us-east-1"}
    assert rg["provider.aws"].block == "provider"


def test_unsupported_major_version_and_bad_json():
    pf = terraform.parse_file("p.json", json.dumps({"format_version": "2.0"}), "terraform_plan")
    assert pf.status is FileStatus.FAILED
    assert pf.diagnostics[0].code is DiagnosticCode.UNSUPPORTED
    bad = terraform.parse_file("p.json", '{"format_version": "1.2", ', "terraform_plan")
    assert bad.status is FileStatus.FAILED
    assert bad.diagnostics[0].code is DiagnosticCode.PARSE_ERROR


def test_plan_over_configuration_keeps_file_and_line():
    tf = terraform.parse_file(
        "main.tf",
        'resource "aws_vpc" "main" {\n  cidr_block = var.cidr\n}\nvariable "cidr" {}\n',
        "terraform",
    )
    plan = terraform.parse_file("plan.json", PLAN.read_text(), "terraform_plan")
    rg = ResourceGraph()
    terraform.build([tf, plan], rg)
    vpc = rg["aws_vpc.main"]
    assert vpc.format == "plan"
    assert vpc.attrs["cidr_block"] == "10.0.0.0/16"
    assert (vpc.file, vpc.line) == ("main.tf", 1)


def test_plan_outputs():
    rg = load_plan()
    assert rg["output.region"].attrs == {"value": "us-east-1", "sensitive": False}
    assert isinstance(rg["output.vpc_id"].attrs["value"], Unresolved)
