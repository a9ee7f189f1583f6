"""Golden tests: each Terraform construct fixture under tests/fixtures/terraform/<construct>/
gives exactly the nodes, attrs and edges Terraform semantics call for."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from infra_review.graph import ResourceGraph
from infra_review.loaders.terraform import builder as terraform
from infra_review.model import Diagnostic, DiagnosticCode, FileStatus, Unresolved

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "terraform"


def _kind(rel: str) -> str | None:
    if rel.endswith(".tf.json"):
        return "terraform_json"
    if rel.endswith(".tfvars.json"):
        return "tfvars_json"
    if rel.endswith(".tf"):
        return "terraform"
    if rel.endswith(".tfvars"):
        return "tfvars"
    if rel.endswith("plan.json"):
        return "terraform_plan"
    return None


def load(name: str, *, reader: bool = True) -> tuple[ResourceGraph, list[Diagnostic]]:
    """parse_file every Terraform file of a fixture directory, then build (as load_repo does)."""
    root = FIX / name
    files = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        kind = _kind(rel)
        if p.is_file() and kind:
            pf = terraform.parse_file(rel, p.read_text(encoding="utf-8"), kind)
            assert pf.status in (FileStatus.PARSED, FileStatus.PARTIAL), (rel, pf.diagnostics)
            files.append(pf)

    def read_text(rel: str) -> str | None:
        p = (root / rel).resolve()
        return p.read_text() if p.is_file() and p.is_relative_to(root.resolve()) else None

    rg = ResourceGraph()
    diags = terraform.build(files, rg, read_text=read_text if reader else None)
    return rg, diags


def edges(rg: ResourceGraph, src: str, kind: str = "ref") -> set[tuple[str, str]]:
    return {(e.target, e.attrs.get("attr", "")) for e in rg.edges([kind]) if e.source == src}


def targets(rg: ResourceGraph, src: str, kind: str | None = None) -> set[str]:
    return {e.target for e in rg.edges([kind] if kind else None) if e.source == src}


def managed(rg: ResourceGraph) -> list[str]:
    return sorted(r.address for r in rg.resources())


# -- plain resources, lines, providers, terraform block -----------------------------------------
def test_provider_alias_and_default_tags_and_module_providers():
    rg, diags = load("provider_alias")
    assert diags == []
    p = rg["provider.aws"]
    assert p.block == "provider"
    assert p.kind == "aws"
    assert p.attrs["region"] == "us-east-1"
    assert p.attrs["default_tags"] == [{"tags": {"Team": "platform"}}]
    assert (p.file, p.line, p.source.end_line) == ("main.tf", 1, 8)
    west = rg["provider.aws.west"]
    assert west.attrs == {"alias": "west", "region": "us-west-2"}
    assert west.provider == "aws.west"
    replica = rg["module.replica.aws_s3_bucket.this"]
    assert replica.provider == "aws.west"
    assert replica.meta["provider_address"] == "provider.aws.west"
    assert rg.get("provider." + replica.provider) is west
    assert rg["module.primary.aws_s3_bucket.this"].provider == "aws"
    assert rg["aws_s3_bucket.direct"].provider == "aws.west"
    assert replica.attrs["bucket"] == "acme-replica"
    assert replica.module == "module.replica"
    assert replica.file == "modules/bucket/main.tf"
    assert replica.line == 5
    assert rg["module.replica"].attrs["providers"] == {"aws": "aws.west"}
    assert targets(rg, "module.replica", "module") >= {
        "module.replica.aws_s3_bucket.this",
        "module.replica.var.name",
    } - {"module.replica.var.name"}


def test_terraform_block_and_line_numbers():
    rg, _ = load("count_toggle")
    v = rg["var.create"]
    assert v.block == "variable"
    assert v.attrs["default"] is False
    assert v.attrs["type"] == "bool"
    assert (v.line, v.source.end_line) == (1, 4)


# -- dynamic blocks --------------------------------------------------------------------------------
def test_dynamic_blocks_expand_with_iterator():
    rg, diags = load("dynamic_blocks")
    sg = rg["aws_security_group.web"]
    assert sg.attrs["ingress"] == [
        {
            "from_port": 443,
            "to_port": 443,
            "protocol": "tcp",
            "cidr_blocks": ["0.0.0.0/0"],
            "description": "rule 0",
        },
        {
            "from_port": 22,
            "to_port": 22,
            "protocol": "tcp",
            "cidr_blocks": ["10.0.0.0/8"],
            "description": "rule 1",
        },
    ]
    egress = sg.attrs["egress"]
    assert len(egress) == 1
    assert egress[0]["from_port"] == 0
    assert egress[0]["cidr_blocks"] == [
        Unresolved("aws_vpc.main.cidr_block", ("aws_vpc.main",), "known after apply")
    ]
    assert edges(rg, "aws_security_group.web") == {
        ("aws_vpc.main", "vpc_id"),
        ("aws_vpc.main", "egress[0].cidr_blocks"),
        ("var.ingress_rules", "ingress[*]"),
    }
    # unknown for_each: the list holds an Unresolved, references inside content still become edges
    unk = rg["aws_security_group.unknown"].attrs["ingress"]
    assert len(unk) == 1
    assert isinstance(unk[0], Unresolved)
    assert "dynamic block" in unk[0].reason
    assert ("aws_security_group.web", "ingress[*].security_groups") in edges(rg, "aws_security_group.unknown")
    assert ("var.unknown_rules", "ingress[*]") in edges(rg, "aws_security_group.unknown")
    assert not [d for d in diags if d.code is not DiagnosticCode.EVAL_WARNING]


# -- nested for expressions -------------------------------------------------------------------------
def test_nested_for_expressions_and_for_each_over_result():
    rg, _ = load("nested_for")
    subnets = rg["local.subnets"].attrs["value"]
    assert [s["key"] for s in subnets] == ["app-a", "app-b", "db-a"]
    assert subnets[1] == {"key": "app-b", "cidr": "10.0.1.0/24", "zone": "us-east-1b"}
    assert rg["local.by_zone"].attrs["value"] == {"us-east-1a": ["app-a", "db-a"], "us-east-1b": ["app-b"]}
    assert rg["local.big_zones"].attrs["value"] == ["us-east-1a"]
    assert managed(rg) == ['aws_subnet.this["app-a"]', 'aws_subnet.this["app-b"]', 'aws_subnet.this["db-a"]']
    db = rg['aws_subnet.this["db-a"]']
    assert db.attrs == {"cidr_block": "10.1.0.0/24", "availability_zone": "us-east-1a"}
    assert db.meta["each.key"] == "db-a"
    assert db.meta["base_address"] == "aws_subnet.this"
    assert db.name == "this"
    assert ("local.subnet_map", "for_each") in edges(rg, 'aws_subnet.this["db-a"]')
    assert ("var.networks", "value") in edges(rg, "local.subnets")


# -- functions ---------------------------------------------------------------------------------------
def test_try_lookup_merge_coalesce_and_friends():
    rg, _ = load("functions")

    def val(name):
        return rg[f"local.{name}"].attrs["value"]

    assert val("merged") == {"size": "large", "encrypted": True}
    assert val("size") == "large"
    assert val("missing") == "fallback"
    assert val("first_set") == "chosen"
    assert val("tried") == "try-default"
    assert val("tried_ok") == "large"
    assert val("can_read") is True
    assert val("cannot") is False
    assert val("name") == "APP-007"
    assert val("joined") == "a-b-c"
    assert val("numbers") == [0, 2, 4]
    assert val("biggest") == 4
    assert val("mapped") == {"x": 1, "y": 2}
    assert val("host") == "10.0.1.10"
    assert val("trimmed") == "mid"
    assert val("one_item") == "only"
    assert val("all_ok") is True
    assert val("uniq") == ["a", "b", "c"]
    assert val("sorted") == ["a", "b", "c"]
    assert val("union") == ["a", "b"]
    assert val("sliced") == [2, 3]
    assert val("element2") == "q"
    assert val("keys_of") == ["x", "y"]
    assert val("values_of") == [1, 2]
    assert val("contains_b") is True
    assert val("replaced") == "a/b/c"
    assert val("decoded") == {"k": [1, 2]}
    assert val("num") == 42
    assert val("abs_val") == 3
    # partially known merge keeps the known keys and the ref
    tags = val("tags")
    assert tags["Name"] == "x"
    assert tags["Subnet"] == Unresolved("aws_subnet.a.id", ("aws_subnet.a",), "known after apply")
    unknown_fn = val("unknown_fn")
    assert isinstance(unknown_fn, Unresolved)
    assert "not evaluated" in unknown_fn.reason
    app = rg["aws_instance.app"]
    assert app.attrs["instance_type"] == "m5.large"
    assert app.attrs["subnet_id"] == Unresolved("aws_subnet.a.id", ("aws_subnet.a",), "known after apply")
    assert app.attrs["tags"]["Subnet"].refs == ("aws_subnet.a",)
    assert edges(rg, "aws_instance.app") == {
        ("local.size", "instance_type"),
        ("local.tags", "tags"),
        ("aws_subnet.a", "tags"),
        ("aws_subnet.a", "subnet_id"),
    }


# -- templatefile ------------------------------------------------------------------------------------
def test_templatefile_inside_root_is_rendered_and_outside_is_not():
    rg, _ = load("templatefile")
    ud = rg["aws_instance.web"].attrs["user_data"]
    assert ud == '#!/bin/sh\necho "listening on 8080"\nserver a\nserver b\n'
    out = rg["aws_instance.outside"].attrs["user_data"]
    assert isinstance(out, Unresolved)
    assert "outside the reviewed root" in out.reason
    missing = rg["aws_instance.missing"].attrs["user_data"]
    assert isinstance(missing, Unresolved)
    assert "not found" in missing.reason
    assert ("var.port", "user_data") in edges(rg, "aws_instance.web")


def test_templatefile_without_reader_is_unresolved():
    rg, _ = load("templatefile", reader=False)
    ud = rg["aws_instance.web"].attrs["user_data"]
    assert isinstance(ud, Unresolved)
    assert "not available" in ud.reason


# -- splats --------------------------------------------------------------------------------------------
def test_splats_reference_every_instance():
    rg, _ = load("splats")
    assert managed(rg)[:3] == ["aws_db_subnet_group.db", "aws_lb.app", "aws_subnet.private[0]"]
    subnets = [f"aws_subnet.private[{i}]" for i in range(3)]
    lb = rg["aws_lb.app"]
    assert [u.refs for u in lb.attrs["subnets"]] == [(s,) for s in subnets]
    assert edges(rg, "aws_lb.app") == {(s, "subnets") for s in subnets}
    assert edges(rg, "aws_db_subnet_group.db") == {(s, "subnet_ids") for s in subnets}
    assert rg["aws_subnet.private[2]"].attrs["cidr_block"] == "10.0.2.0/24"
    assert rg["output.count"].attrs["value"] == 3
    assert edges(rg, "output.first_cidr") == {("aws_subnet.private[0]", "value")}


# -- for_each over maps of objects ------------------------------------------------------------------
def test_for_each_over_map_of_objects_and_over_resources():
    rg, _ = load("for_each_objects")
    logs = rg['aws_s3_bucket.this["logs"]']
    assert logs.attrs == {"bucket": "acme-logs", "acl": "private", "versioning": [{"enabled": True}]}
    assert rg['aws_s3_bucket.this["www"]'].attrs["versioning"] == [{"enabled": False}]
    pab = rg['aws_s3_bucket_public_access_block.this["www"]']
    assert pab.attrs["bucket"] == Unresolved(
        'aws_s3_bucket.this["www"].id', ('aws_s3_bucket.this["www"]',), "known after apply"
    )
    assert pab.attrs["block_public_acls"] is False
    assert pab.meta["each.key"] == "www"
    assert ('aws_s3_bucket.this["www"]', "bucket") in edges(
        rg, 'aws_s3_bucket_public_access_block.this["www"]'
    )


# -- modules -----------------------------------------------------------------------------------------
def test_module_outputs_consumed_by_other_modules():
    rg, diags = load("module_outputs")
    assert diags == []
    inst = rg["module.app.aws_instance.app[1]"]
    assert inst.attrs["subnet_id"] == Unresolved(
        "aws_subnet.private[1].id", ("module.network.aws_subnet.private[1]",), "known after apply"
    )
    assert inst.module == "module.app"
    assert inst.meta["count.index"] == 1
    assert edges(rg, "module.app.aws_instance.app[1]") >= {
        ("module.network.aws_subnet.private[1]", "subnet_id"),
        ("module.app.var.subnet_ids", "subnet_id"),
        ("module.app.aws_security_group.app", "vpc_security_group_ids"),
    }
    sg = rg["module.app.aws_security_group.app"]
    assert sg.attrs["vpc_id"].refs == ("module.network.aws_vpc.this",)
    assert rg["module.network.aws_subnet.private[0]"].attrs["cidr_block"] == "10.20.0.0/24"
    assert rg["module.app.var.subnet_ids"].meta["value_source"] == "module call"
    assert ("module.network.output.private_subnet_ids", "value") in edges(rg, "module.app.var.subnet_ids")
    assert edges(rg, "output.app_sg") == {
        ("module.app.output.sg_id", "value"),
        ("module.app.aws_security_group.app", "value"),
    }
    assert targets(rg, "module.network", "module") == {
        "module.network.aws_vpc.this",
        "module.network.aws_subnet.private[0]",
        "module.network.aws_subnet.private[1]",
    }


def test_module_for_each_count_and_self_recursion():
    rg, diags = load("module_expansion")
    assert managed(rg) == [
        'module.cluster["blue"].aws_instance.this[0]',
        'module.cluster["blue"].aws_instance.this[1]',
        'module.cluster["green"].aws_instance.this[0]',
        "module.counted[0].aws_instance.this[0]",
        "module.counted[1].aws_instance.this[0]",
    ]
    assert rg['module.cluster["green"].aws_instance.this[0]'].attrs["tags"] == {"Name": "green-0"}
    assert rg["module.counted[1].aws_instance.this[0]"].attrs["tags"] == {"Name": "counted-1-0"}
    call = rg['module.cluster["blue"]']
    assert call.block == "module"
    assert call.meta["each.key"] == "blue"
    assert call.meta["base_address"] == "module.cluster"
    assert [u.refs for u in rg["output.blue_ids"].attrs["value"]] == [
        ('module.cluster["blue"].aws_instance.this[0]',),
        ('module.cluster["blue"].aws_instance.this[1]',),
    ]
    selfref = [d for d in diags if d.code is DiagnosticCode.MODULE_UNRESOLVED]
    assert len(selfref) == 1
    assert "calls itself" in selfref[0].message
    assert selfref[0].line == 22
    assert rg["unresolved:module.self_ref"].attrs["reason"] == "module calls itself (recursion not expanded)"


def test_remote_and_escaping_sources_are_never_fetched():
    rg, diags = load("remote_modules")
    codes = {(d.line, d.code) for d in diags}
    assert {line for line, code in codes if code is DiagnosticCode.MODULE_UNRESOLVED} == {
        1,
        7,
        11,
        15,
        19,
        23,
    }
    for name, reason in [
        ("registry", "remote module not fetched"),
        ("git", "remote module not fetched"),
        ("s3", "remote module not fetched"),
        ("absolute", "absolute module path outside the reviewed root"),
        ("escape", "local module path leaves the reviewed root"),
        ("empty_dir", "local module directory has no parsed Terraform files"),
    ]:
        u = rg[f"unresolved:module.{name}"]
        assert (u.block, u.kind, u.attrs["reason"]) == ("synthetic", "unresolved", reason), name
        assert rg.has_edge(f"module.{name}", f"unresolved:module.{name}", "module")
        assert rg[f"module.{name}"].meta["resolved"] is False
    assert rg["unresolved:module.git"].attrs["source"].startswith("git::")
    assert rg["module.registry"].attrs["version"] == "~> 5.0"
    web = rg["aws_instance.web"]
    assert web.attrs["subnet_id"] == Unresolved(
        "module.registry.private_subnets[0]", ("unresolved:module.registry",), "remote module not fetched"
    )
    assert ("unresolved:module.registry", "subnet_id") in edges(rg, "aws_instance.web")
    ok = rg["module.ok.aws_security_group.this"]
    assert ok.attrs["vpc_id"].refs == ("unresolved:module.registry",)
    for d in diags:  # messages never carry the (untrusted) source string
        assert "/etc" not in d.message
        assert "s3::" not in d.message
        assert "git::" not in d.message


def test_repeated_module_calls_in_several_roots():
    rg, diags = load("repeated_calls")
    assert diags == []
    assert rg.repo["terraform"]["roots"] == ["examples/complete", "examples/simple"]
    assert managed(rg) == [
        "examples/complete//aws_sns_topic.alerts",
        "examples/complete//module.orders.aws_sqs_queue.this",
        "examples/complete//module.payments.aws_sqs_queue.this",
        "examples/simple//module.queue.aws_sqs_queue.this",
    ]
    orders = rg["examples/complete//module.orders.aws_sqs_queue.this"]
    assert orders.attrs["name"] == "orders"
    assert orders.attrs["kms_master_key_id"] is None
    assert (
        rg["examples/complete//module.payments.aws_sqs_queue.this"].attrs["kms_master_key_id"]
        == "alias/aws/sqs"
    )
    assert orders.file == "main.tf"
    assert orders.module == "module.orders"
    assert orders.meta["root"] == "examples/complete"
    simple = rg["examples/simple//module.queue.aws_sqs_queue.this"]
    assert rg[simple.meta["provider_address"]].attrs["region"] == "eu-west-1"
    assert ("examples/complete//module.orders.aws_sqs_queue.this", "tags") in edges(
        rg, "examples/complete//aws_sns_topic.alerts"
    )


def test_multi_environment_roots_share_a_module():
    rg, _ = load("multi_env")
    assert rg.repo["terraform"]["roots"] == ["envs/dev", "envs/prod"]
    prod = [r.address for r in rg.resources() if r.meta["root"] == "envs/prod"]
    assert prod == [f"envs/prod//module.svc.aws_instance.node[{i}]" for i in range(3)]
    assert [r.address for r in rg.resources() if r.meta["root"] == "envs/dev"] == [
        "envs/dev//module.svc.aws_instance.node[0]"
    ]


# -- count toggles --------------------------------------------------------------------------------
def test_count_toggle_false_keeps_a_disabled_declaration():
    rg, _ = load("count_toggle")
    assert "aws_instance.bastion[0]" not in rg
    decl = rg["aws_instance.bastion"]
    assert decl.block == "disabled"
    assert decl.meta["instances"] == 0
    assert decl.meta["declared_block"] == "resource"
    assert decl not in list(rg.resources("aws_instance"))
    assert ("var.create", "count") in edges(rg, "aws_instance.bastion")
    alarm = rg["aws_cloudwatch_metric_alarm.cpu[0]"]
    assert alarm.attrs["alarm_name"] == "cpu-0"
    assert alarm.block == "resource"
    workers = rg["aws_instance.workers"]
    assert workers.meta["expanded"] is False
    assert workers.block == "resource"
    name = workers.attrs["tags"]["Name"]
    assert isinstance(name, Unresolved)
    assert "count" in name.reason
    assert rg["output.bastion_ip"].attrs["value"] is None


# -- tfvars -----------------------------------------------------------------------------------------
def test_tfvars_precedence():
    rg, _ = load("tfvars_precedence")
    trig = rg["null_resource.x"].attrs["triggers"]
    assert trig == {
        "a": "terraform.tfvars",
        "b": "terraform.tfvars.json",
        "c": "b.auto.tfvars",
        "d": "default",
        "e": 5,
    }
    assert rg["var.c"].meta["value_source"] == "tfvars:b.auto.tfvars"
    assert rg.repo["terraform"]["var_files"] == {
        "applied": ["terraform.tfvars", "terraform.tfvars.json", "a.auto.tfvars", "b.auto.tfvars"],
        "not_applied": ["prod.tfvars"],
    }
    assert rg["var.d"].meta["value_source"] == "default"
    unset = rg["var.unset"].attrs["value"]
    assert unset == Unresolved("var.unset", (), "no default and no tfvars value")


# -- policies ---------------------------------------------------------------------------------------
def test_heredoc_and_jsonencode_policies():
    rg, _ = load("heredoc_policy")
    doc = json.loads(rg["aws_iam_policy.heredoc"].attrs["policy"])
    assert doc["Statement"][0] == {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    interp = rg["aws_iam_policy.heredoc_interp"].attrs["policy"]
    assert isinstance(interp, Unresolved)
    assert interp.refs == ("aws_s3_bucket.data",)
    assert json.loads(json.loads(interp.expr))["Statement"][0]["Resource"] == "${aws_s3_bucket.data.arn}/*"
    enc = json.loads(rg["aws_iam_policy.encoded"].attrs["policy"])
    assert enc["Statement"][0]["Principal"] == {"AWS": "*"}
    assert enc["Statement"][0]["Action"] == ["s3:GetObject", "s3:PutObject"]
    partial = rg["aws_iam_policy.encoded_partial"].attrs["policy"]
    assert isinstance(partial, Unresolved)
    assert partial.refs == ("aws_s3_bucket.data",)
    skeleton = json.loads(partial.expr)
    assert skeleton["Statement"][0]["Action"] == "s3:*"
    assert skeleton["Statement"][0]["Resource"] == [
        "${aws_s3_bucket.data.arn}/*",
        "${aws_s3_bucket.data.arn}",
    ]
    assert ("aws_s3_bucket.data", "policy") in edges(rg, "aws_iam_policy.encoded_partial")


# -- import / moved ---------------------------------------------------------------------------------
def test_import_and_moved_blocks():
    rg, _ = load("import_moved")
    imp = rg["import.aws_s3_bucket.logs"]
    assert imp.block == "import"
    assert imp.attrs == {"to": "aws_s3_bucket.logs", "id": "acme-logs"}
    assert imp.line == 9
    assert edges(rg, "import.aws_s3_bucket.logs") == {("aws_s3_bucket.logs", "to")}
    mv = rg["moved.aws_instance.old_name"]
    assert mv.attrs == {"from": "aws_instance.old_name", "to": "aws_instance.new_name"}
    assert edges(rg, "moved.aws_instance.old_name") == {("aws_instance.new_name", "to")}


# -- .tf.json ------------------------------------------------------------------------------------------
def test_tf_json_is_loaded_with_json_and_templates():
    rg, _ = load("tf_json")
    assert rg["local.name"].attrs["value"] == "app-prod"
    assert rg["aws_vpc.main"].attrs["tags"] == {"Name": "app-prod"}
    sub = rg["aws_subnet.a"]
    assert sub.attrs["vpc_id"].refs == ("aws_vpc.main",)
    assert sub.attrs["depends_on"] == ["aws_vpc.main"]
    assert sub.line > 1
    assert ("aws_vpc.main", "depends_on") in edges(rg, "aws_subnet.a", "depends_on")
    assert rg["aws_security_group.web"].attrs["ingress"][0]["cidr_blocks"] == ["0.0.0.0/0"]
    assert rg["aws_s3_bucket.b"].attrs["versioning"] == [{"enabled": True}]
    assert rg["aws_ebs_volume.data"].attrs == {"type": "gp3", "size": 10}
    sse = rg["aws_s3_bucket_server_side_encryption_configuration.b"].attrs["rule"]
    assert sse == [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]
    assert rg["aws_cloudwatch_metric_alarm.cpu"].attrs == {
        "dimensions": {"InstanceId": "i-1"},
        "alarm_actions": [],
    }
    assert rg["output.vpc_id"].attrs["value"].refs == ("aws_vpc.main",)


# -- evaluation problems ----------------------------------------------------------------------------
def test_locals_cycle_is_a_warning_not_a_crash():
    rg, diags = load("locals_cycle")
    warn = [d for d in diags if d.code is DiagnosticCode.EVAL_WARNING]
    assert warn
    assert all(d.file == "main.tf" and d.line in (2, 3) for d in warn)
    assert "cycle" in warn[0].message
    assert isinstance(rg["aws_instance.x"].attrs["ami"], Unresolved)
    assert rg["aws_instance.x"].attrs["tags"] == {"ok": "fine"}


def test_build_never_changes_recursion_limit():
    before = sys.getrecursionlimit()
    load("module_outputs")
    assert sys.getrecursionlimit() == before


@pytest.mark.parametrize("name", sorted(p.name for p in FIX.iterdir() if p.is_dir() and p.name != "plan"))
def test_every_fixture_node_has_file_and_lines(name):
    rg, _ = load(name)
    assert len(rg) > 0
    for r in rg.all():
        assert r.file, r.address
        assert 1 <= r.line <= r.source.end_line, r.address


def test_lifecycle_keeps_attribute_names_and_links_replace_triggers():
    rg, diags = load("import_moved")
    lc = rg["aws_security_group.lc"].attrs["lifecycle"]
    assert lc == [
        {
            "create_before_destroy": True,
            "ignore_changes": ["ingress", 'tags["Owner"]'],
            "replace_triggered_by": ["aws_instance.new_name.id"],
        }
    ]
    assert edges(rg, "aws_security_group.lc") == {
        ("aws_instance.new_name", "lifecycle[0].replace_triggered_by")
    }
    assert not diags


def test_override_files_merge_and_legacy_module_providers():
    rg, diags = load("overrides")
    assert diags == []
    web = rg["aws_instance.web"]
    assert web.attrs == {
        "ami": "ami-1",
        "instance_type": "m5.large",
        "root_block_device": [{"encrypted": True}],
    }
    q = rg["module.legacy.aws_sqs_queue.q"]
    assert q.meta["provider_address"] == "module.legacy.provider.aws"
    assert rg[q.meta["provider_address"]].attrs["region"] == "ap-south-1"


def test_optional_object_attributes_and_type_conversion():
    rg, diags = load("optional_attrs")
    assert diags == []
    svc = rg["module.svc.aws_ecs_service.this"]
    assert svc.attrs["name"] == "api"
    assert svc.attrs["desired_count"] == 2
    assert svc.attrs["tags"] == {}
    assert svc.attrs["launch_type"] == "FARGATE"
    assert svc.attrs["load_balancer"] == [{"container_port": 443, "tls": True}]
    assert rg["module.svc.output.first_port"].attrs["value"] == 81


def test_module_with_unknown_for_each_is_one_unexpanded_instance():
    rg, _ = load("module_unknown")
    call = rg["module.queue"]
    assert call.block == "module"
    assert call.meta["expanded"] is False
    q = rg["module.queue.aws_sqs_queue.this"]
    assert q.meta["module_expanded"] is False
    assert q.attrs["sqs_managed_sse_enabled"] is True
    assert isinstance(q.attrs["name"], Unresolved)
    assert isinstance(q.attrs["fifo_queue"], Unresolved)
    assert isinstance(rg["output.arns"].attrs["value"], Unresolved)
    assert ("var.queues", "for_each") in edges(rg, "module.queue")
    assert rg.has_edge("module.queue", "module.queue.aws_sqs_queue.this", "module")


def test_remote_sources_make_no_network_or_subprocess_call(monkeypatch):
    import socket
    import subprocess

    def forbidden(*args, **kwargs):
        raise AssertionError("network or subprocess used while loading Terraform")

    monkeypatch.setattr(socket.socket, "connect", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)
    monkeypatch.setattr(subprocess, "Popen", forbidden)
    monkeypatch.setattr("urllib.request.urlopen", forbidden)
    rg, diags = load("remote_modules")
    assert len([d for d in diags if d.code is DiagnosticCode.MODULE_UNRESOLVED]) == 6
    assert "unresolved:module.git" in rg


def test_top_level_root_keeps_plain_addresses_next_to_other_roots():
    rg, _ = load("top_root_and_stray")
    assert rg.repo["terraform"]["roots"] == [".", "legacy"]
    assert managed(rg) == ["aws_s3_bucket.logs", "legacy//aws_s3_bucket.old"]
    assert rg["aws_s3_bucket.logs"].meta["root"] == "."
    old = rg["legacy//aws_s3_bucket.old"]
    assert old.meta["root"] == "legacy"
    assert old.attrs["bucket"] == Unresolved("var.name", (), "no default and no tfvars value")
    assert ("legacy//var.name", "bucket") in edges(rg, "legacy//aws_s3_bucket.old")


def test_tf_json_blocks_providers_dynamic_lifecycle_and_modules():
    rg, diags = load("tf_json_full")
    assert diags == []
    assert rg["terraform"].attrs["backend_type"] == "s3"
    assert rg["provider.aws.west"].attrs == {"alias": "west", "region": "us-west-2"}
    assert rg["local.full"].attrs["value"] == "svc-x"
    sg = rg["aws_security_group.web"]
    assert sg.attrs["ingress"] == [{"from_port": 80, "to_port": 80}, {"from_port": 443, "to_port": 443}]
    assert sg.attrs["lifecycle"] == [{"create_before_destroy": True, "ignore_changes": ["tags"]}]
    assert (sg.line, sg.source.end_line) == (22, 31)
    assert rg["aws_instance.app[1]"].provider == "aws.west"
    assert rg["aws_instance.app[1]"].attrs["tags"] == {"Name": "app-1"}
    lb = rg["module.m.aws_lb.this"]
    assert lb.provider == "aws.west"
    assert lb.attrs["security_groups"][0].refs == ("aws_security_group.web",)
    assert ("aws_security_group.web", "security_groups") in edges(rg, "module.m.aws_lb.this")
