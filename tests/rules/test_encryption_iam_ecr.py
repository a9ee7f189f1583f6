"""NET017–NET023 (encryption at rest, key rotation, IAM users, ECR): graph-level cases beyond the fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra_review.model import Severity, Status
from infra_review.pipeline import load_repo
from infra_review.review import review


def _run(tmp_path: Path, hcl: str, rule_id: str):
    (tmp_path / "main.tf").write_text(hcl, encoding="utf-8")
    rg = load_repo(tmp_path, cache=False, isolate=False).graph
    return {(f.address, f.status): f for f in review(rg, select=[rule_id]).findings}


def test_ebs_encryption_by_default_covers_volumes_and_launch_templates(tmp_path):
    hcl = """
resource "aws_ebs_encryption_by_default" "on" { enabled = true }
resource "aws_ebs_volume" "v" {
  availability_zone = "eu-west-1a"
  size              = 10
}
resource "aws_launch_template" "lt" {
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs { volume_size = 20 }
  }
}
"""
    assert _run(tmp_path, hcl, "NET017") == {}


def test_messaging_without_encryption_is_low_and_stores_kept_high_in_dev(tmp_path):
    hcl = """
resource "aws_sns_topic" "t" {
  name = "dev-alerts"
  tags = { Environment = "dev" }
}
resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  tags           = { Environment = "dev" }
}
"""
    got = _run(tmp_path, hcl, "NET017")
    assert got[("aws_sns_topic.t", Status.FAIL)].severity is Severity.LOW
    assert got[("aws_db_instance.db", Status.FAIL)].severity is Severity.HIGH


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ('"alias/aws/s3"', Status.FAIL),
        ("aws_kms_key.k.arn", None),
        ('"arn:aws:kms:eu-west-1:111122223333:key/abcd"', None),
        ("var.key", Status.UNKNOWN),
    ],
)
def test_s3_kms_key_kinds(tmp_path, key, expected):
    hcl = f"""
variable "key" {{ type = string }}
resource "aws_kms_key" "k" {{ enable_key_rotation = true }}
resource "aws_s3_bucket" "b" {{ bucket = "b" }}
resource "aws_s3_bucket_server_side_encryption_configuration" "c" {{
  bucket = aws_s3_bucket.b.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "aws:kms"
      kms_master_key_id = {key}
    }}
  }}
}}
"""
    got = _run(tmp_path, hcl, "NET018")
    statuses = {s for a, s in got if a.startswith("aws_s3")}
    assert statuses == ({expected} if expected else set())
    # the finding sits on the configuration resource, not on the bucket
    assert all(a == "aws_s3_bucket_server_side_encryption_configuration.c" for a, _ in got)


def test_unencrypted_store_is_not_reported_twice(tmp_path):
    hcl = """
resource "aws_efs_file_system" "plain" {}
"""
    assert _run(tmp_path, hcl, "NET018") == {}
    assert set(_run(tmp_path, hcl, "NET017")) == {("aws_efs_file_system.plain", Status.FAIL)}


def test_admin_through_policy_document_data_source(tmp_path):
    hcl = """
data "aws_iam_policy_document" "all" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
resource "aws_iam_user" "u" { name = "u" }
resource "aws_iam_user_policy" "p" {
  user   = aws_iam_user.u.name
  policy = data.aws_iam_policy_document.all.json
}
resource "aws_iam_policy_attachment" "groups_only" {
  name       = "g"
  groups     = ["ops"]
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_policy_attachment" "users" {
  name       = "u"
  users      = [aws_iam_user.u.name]
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"""
    got = _run(tmp_path, hcl, "NET021")
    assert set(got) == {
        ("aws_iam_user_policy.p", Status.FAIL),
        ("aws_iam_policy_attachment.users", Status.FAIL),
    }


def test_registry_scanning_configuration_unknown_filter_is_unknown(tmp_path):
    hcl = """
variable "filter" { type = string }
resource "aws_ecr_repository" "r" { name = "app" }
resource "aws_ecr_registry_scanning_configuration" "s" {
  scan_type = "ENHANCED"
  rule {
    scan_frequency = "SCAN_ON_PUSH"
    repository_filter {
      filter      = var.filter
      filter_type = "WILDCARD"
    }
  }
}
"""
    assert set(_run(tmp_path, hcl, "NET023")) == {("aws_ecr_repository.r", Status.UNKNOWN)}
