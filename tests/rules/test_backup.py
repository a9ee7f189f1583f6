"""BAK001–BAK010: fixtures (exact FAIL/UNKNOWN sets, rule run alone) and graph-level cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_review.analysis.tags import environment_of
from infra_review.graph import ResourceGraph
from infra_review.model import FileStatus, Resource, Status, Unresolved
from infra_review.model.facts import RepoFacts
from infra_review.pipeline import load_repo
from infra_review.rules import RULES
from infra_review.rules import backup as bak

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
IDS = [f"BAK{n:03d}" for n in range(1, 10)]


def run_fixture(rule_id: str):
    result = load_repo(FIXTURES / rule_id, workers=1, cache=False)
    rg = result.graph
    assert all(f.status is FileStatus.PARSED for f in rg.files if f.kind == "terraform"), rule_id
    hits = list(RULES[rule_id](rg))
    return rg, hits


@pytest.mark.parametrize("rule_id", IDS)
def test_fixture_exact_sets(rule_id):
    rg, hits = run_fixture(rule_id)
    names = {r.address: r.name for r in rg.resources()}
    fails = {h.resource.address for h in hits if h.status is Status.FAIL}
    unknown = {h.resource.address for h in hits if h.status is Status.UNKNOWN}
    assert fails == {a for a, n in names.items() if n.startswith("fail")}
    assert unknown == {a for a, n in names.items() if n.startswith("unknown")}
    assert any(n.startswith("fail") for n in names.values()), "fixture must contain a failing resource"
    for h in hits:
        assert h.message


@pytest.mark.parametrize("rule_id", IDS)
def test_rule_is_documented(rule_id):
    r = RULES[rule_id]
    for section in ("Why it matters", "Remediation", "Example"):
        assert r.section(section), (rule_id, section)


def _r(address, kind, **attrs):
    return Resource(address, kind, attrs=attrs, provider="aws")


def test_backup_coverage_wildcard_arns_conditions_and_exclusions():
    rg = ResourceGraph()
    rg.add(
        _r("aws_backup_plan.p", "aws_backup_plan", rule=[{"rule_name": "d", "schedule": "cron(0 3 * * ? *)"}])
    )
    rg.add(_r("aws_ebs_volume.a", "aws_ebs_volume"))
    rg.add(_r("aws_ebs_volume.excluded", "aws_ebs_volume"))
    rg.add(_r("aws_db_instance.d", "aws_db_instance", tags={"Env": "prod-eu"}))
    rg.add(_r("aws_dynamodb_table.t", "aws_dynamodb_table"))
    plan_ref = Unresolved("aws_backup_plan.p.id", ("aws_backup_plan.p",))
    rg.add(
        _r(
            "aws_backup_selection.vols",
            "aws_backup_selection",
            plan_id=plan_ref,
            resources=["arn:aws:ec2:*:*:volume/*"],
            not_resources=[Unresolved("aws_ebs_volume.excluded.arn", ("aws_ebs_volume.excluded",))],
        )
    )
    rg.add(
        _r(
            "aws_backup_selection.cond",
            "aws_backup_selection",
            plan_id=plan_ref,
            resources=["*"],
            condition=[{"string_like": [{"key": "aws:ResourceTag/Env", "value": "prod-*"}]}],
        )
    )
    cov = bak.backup_coverage(rg)
    # conditions are AND'ed with `resources = ["*"]`: the untagged table is not selected
    assert set(cov.plans_of) == {"aws_ebs_volume.a", "aws_db_instance.d"}
    assert cov.plan_types["aws_backup_plan.p"] == {"EBS", "RDS"}
    fails = {h.resource.address for h in bak.not_in_backup_plan(rg) if h.status is Status.FAIL}
    assert fails == {"aws_ebs_volume.excluded", "aws_dynamodb_table.t"}


def test_unscheduled_plan_does_not_count():
    rg = ResourceGraph()
    rg.add(_r("aws_backup_plan.p", "aws_backup_plan", rule=[{"rule_name": "manual"}]))
    rg.add(_r("aws_efs_file_system.f", "aws_efs_file_system"))
    rg.add(
        _r(
            "aws_backup_selection.s",
            "aws_backup_selection",
            plan_id=Unresolved("aws_backup_plan.p.id", ("aws_backup_plan.p",)),
            resources=[Unresolved("aws_efs_file_system.f.arn", ("aws_efs_file_system.f",))],
        )
    )
    [hit] = bak.not_in_backup_plan(rg)
    assert hit.status is Status.FAIL
    assert "no rule of it has a schedule" in hit.message


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("15m", 15),
        ("1h", 60),
        ("2 hours", 120),
        ("1d", 1440),
        ("30", 30),
        ("90s", 1.5),
        ("soon", None),
        (True, None),
    ],
)
def test_parse_duration_minutes(text, minutes):
    assert bak.parse_duration_minutes(text) == minutes


def test_implied_recovery_from_backup_schedule():
    rg = ResourceGraph()
    rg.add(
        _r(
            "aws_backup_plan.p",
            "aws_backup_plan",
            rule=[{"rule_name": "h", "schedule": "cron(0 */4 * * ? *)"}],
        )
    )
    rg.add(_r("aws_efs_file_system.f", "aws_efs_file_system", tags={"rpo": "1h"}))
    rg.add(
        _r(
            "aws_backup_selection.s",
            "aws_backup_selection",
            plan_id=Unresolved("aws_backup_plan.p.id", ("aws_backup_plan.p",)),
            resources=[Unresolved("aws_efs_file_system.f.arn", ("aws_efs_file_system.f",))],
        )
    )
    imp = bak.implied_recovery(rg, rg["aws_efs_file_system.f"])
    assert imp["rpo_minutes"] == 240
    assert imp["rto_basis"] == "restore from backup"
    [hit] = bak.rto_rpo_not_met(rg)
    assert "240 min" in hit.message
    table = bak.evidence_rto_rpo(rg)["resources"]
    assert table[0]["target_rpo"] == "1h"


def test_dr_document_or_second_region_clears_bak008():
    rg = ResourceGraph()
    rg.add(Resource("provider.aws", "aws", block="provider", attrs={"region": "us-east-1"}))
    rg.add(_r("aws_db_instance.prod", "aws_db_instance", tags={"env": "prod"}))
    assert len(list(bak.no_disaster_recovery(rg))) == 1
    rg.facts = RepoFacts(paths=("main.tf", "docs/disaster-recovery.md"))
    assert list(bak.no_disaster_recovery(rg)) == []
    assert bak.evidence_dr(rg)["docs"] == ["docs/disaster-recovery.md"]
    rg.facts = RepoFacts(paths=("main.tf",))
    rg.add(Resource("provider.aws.dr", "aws", block="provider", attrs={"region": "us-west-2", "alias": "dr"}))
    assert list(bak.no_disaster_recovery(rg)) == []


def test_prod_and_nonprod_markers():
    rg = ResourceGraph()
    rg.add(
        Resource(
            "provider.aws",
            "aws",
            block="provider",
            attrs={"default_tags": [{"tags": {"Environment": "production"}}]},
        )
    )
    r = _r("aws_s3_bucket.b", "aws_s3_bucket")
    rg.add(r)
    assert environment_of(rg, r).is_prod
    assert not environment_of(rg, r).is_nonprod
    assert environment_of(rg, Resource("aws_s3_bucket.sandbox_x", "aws_s3_bucket")).is_nonprod


def test_evidence_functions_have_summaries():
    rg = load_repo(FIXTURES / "BAK003", workers=1, cache=False).graph
    ev = bak.evidence_restore_testing(rg)
    assert ev["tested_types"] == ["RDS"]
    assert ev["plans"]["aws_backup_plan.fail_untested"] == ["DynamoDB", "RDS"]
    for fn in (bak.evidence_restore_testing, bak.evidence_rto_rpo, bak.evidence_dr):
        assert fn(rg)["summary"]


def test_unknown_resource_tags_make_tag_selection_unknown():
    rg = ResourceGraph()
    rg.add(
        _r("aws_backup_plan.p", "aws_backup_plan", rule=[{"rule_name": "d", "schedule": "cron(0 3 * * ? *)"}])
    )
    rg.add(
        _r(
            "aws_backup_selection.s",
            "aws_backup_selection",
            plan_id=Unresolved("aws_backup_plan.p.id", ("aws_backup_plan.p",)),
            selection_tag=[{"type": "STRINGEQUALS", "key": "backup", "value": "daily"}],
        )
    )
    rg.add(_r("aws_ebs_volume.var_tags", "aws_ebs_volume", tags=Unresolved("var.tags")))
    rg.add(_r("aws_ebs_volume.no_tags", "aws_ebs_volume"))
    got = {h.resource.name: h.status for h in bak.not_in_backup_plan(rg)}
    assert got == {"var_tags": Status.UNKNOWN, "no_tags": Status.FAIL}


def test_negated_conditions_and_dlm_instance_policies():
    rg = ResourceGraph()
    rg.add(
        _r("aws_backup_plan.p", "aws_backup_plan", rule=[{"rule_name": "d", "schedule": "cron(0 3 * * ? *)"}])
    )
    rg.add(
        _r(
            "aws_backup_selection.s",
            "aws_backup_selection",
            plan_id=Unresolved("aws_backup_plan.p.id", ("aws_backup_plan.p",)),
            resources=["arn:aws:elasticfilesystem:*:*:file-system/*"],
            condition=[{"string_not_equals": [{"key": "aws:ResourceTag/backup", "value": "none"}]}],
        )
    )
    rg.add(_r("aws_efs_file_system.kept", "aws_efs_file_system"))
    rg.add(_r("aws_efs_file_system.opted_out", "aws_efs_file_system", tags={"backup": "none"}))
    rg.add(_r("aws_instance.db", "aws_instance", tags={"snap": "yes"}))
    rg.add(_r("aws_ebs_volume.data", "aws_ebs_volume"))
    rg.add(
        _r(
            "aws_volume_attachment.a",
            "aws_volume_attachment",
            volume_id=Unresolved("aws_ebs_volume.data.id", ("aws_ebs_volume.data",)),
            instance_id=Unresolved("aws_instance.db.id", ("aws_instance.db",)),
        )
    )
    rg.add(
        _r(
            "aws_dlm_lifecycle_policy.p",
            "aws_dlm_lifecycle_policy",
            policy_details=[{"resource_types": ["INSTANCE"], "target_tags": {"snap": "yes"}}],
        )
    )
    fails = {h.resource.name for h in bak.not_in_backup_plan(rg) if h.status is Status.FAIL}
    assert fails == {"opted_out"}
    assert bak.backup_coverage(rg).dlm_of["aws_ebs_volume.data"] == ("aws_dlm_lifecycle_policy.p",)
