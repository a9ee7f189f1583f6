"""Community S3 module patterns (terraform-aws-modules/s3-bucket style): no false positives."""

from __future__ import annotations

from infra_review.analysis.secrets import scan_value

CHAINED = "module.chained_bucket.aws_s3_bucket.this[0]"
LOGS = "module.cloudfront_logs.aws_s3_bucket.this[0]"


def test_scan_is_clean(scanned):
    loaded, run = scanned("s3_module_chain")
    assert run.errors == []
    assert not [d for d in loaded.diagnostics if d.code == "PARSE_ERROR"]
    assert {CHAINED, LOGS} <= {r.address for r in loaded.graph.resources("aws_s3_bucket")}


def test_public_access_block_chained_through_policy_counts(scanned, failing):
    # bucket = local.attach_policy ? aws_s3_bucket_policy.this[0].id : aws_s3_bucket.this[0].id
    _, run = scanned("s3_module_chain")
    assert failing(run, "RED006") == set()


def test_canonical_user_id_is_not_a_secret(scanned, failing):
    _, run = scanned("s3_module_chain")
    assert failing(run, "RED003") == set()
    hex_id = "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0"
    assert scan_value("grant[0].id", hex_id) is None
    assert scan_value("owner_id", hex_id) is None
    # the same word under a neutral or secret-like key is still reported
    assert scan_value("value", hex_id).kind == "high_entropy_hex"
    assert scan_value("api_token", hex_id).kind == "keyword"


def test_ignored_inline_acl_managed_by_split_resource(scanned, failing):
    # cloudfront_logs has an aws_s3_bucket_acl: ignoring the legacy inline acl/grant is the
    # provider's documented pattern; chained_bucket has none, so the ignore does hide drift
    _, run = scanned("s3_module_chain")
    assert failing(run, "IAC013") == {CHAINED}
