locals {
  # Primary buckets and their purpose; every one is versioned, private, encrypted and
  # replicated to the DR region.
  buckets = {
    assets  = "Product images and static pages"
    uploads = "Customer uploads (review photos, return photos)"
    logs    = "ALB access logs and CloudTrail"
  }
}

# --- primary buckets --------------------------------------------------------------

resource "aws_s3_bucket" "primary" {
  for_each = local.buckets

  bucket = "${local.name}-${each.key}"

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_public_access_block" "primary" {
  for_each = local.buckets

  bucket                  = aws_s3_bucket.primary[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "primary" {
  for_each = local.buckets

  bucket = aws_s3_bucket.primary[each.key].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "primary" {
  for_each = local.buckets

  bucket = aws_s3_bucket.primary[each.key].id

  versioning_configuration {
    status = "Enabled"
  }
}

# ALB access logs only support SSE-S3.
resource "aws_s3_bucket_server_side_encryption_configuration" "primary" {
  for_each = local.buckets

  bucket = aws_s3_bucket.primary[each.key].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "primary" {
  for_each = local.buckets

  bucket = aws_s3_bucket.primary[each.key].id

  rule {
    id     = "noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_transition {
      noncurrent_days = 30
      storage_class   = "STANDARD_IA"
    }

    noncurrent_version_expiration {
      noncurrent_days = 180
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

data "aws_elb_service_account" "main" {}

data "aws_iam_policy_document" "logs_bucket" {
  statement {
    sid       = "AlbAccessLogs"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.primary["logs"].arn}/alb/AWSLogs/${data.aws_caller_identity.current.account_id}/*"]

    principals {
      type        = "AWS"
      identifiers = [data.aws_elb_service_account.main.arn]
    }
  }

  statement {
    sid       = "CloudTrailAclCheck"
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.primary["logs"].arn]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }

  statement {
    sid       = "CloudTrailWrite"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.primary["logs"].arn}/cloudtrail/AWSLogs/${data.aws_caller_identity.current.account_id}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.primary["logs"].arn, "${aws_s3_bucket.primary["logs"].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.primary["logs"].id
  policy = data.aws_iam_policy_document.logs_bucket.json
}

# --- replicas in the DR region ----------------------------------------------------

resource "aws_s3_bucket" "replica" {
  for_each = local.buckets
  provider = aws.dr

  bucket = "${local.name}-${each.key}-replica"

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_public_access_block" "replica" {
  for_each = local.buckets
  provider = aws.dr

  bucket                  = aws_s3_bucket.replica[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "replica" {
  for_each = local.buckets
  provider = aws.dr

  bucket = aws_s3_bucket.replica[each.key].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "replica" {
  for_each = local.buckets
  provider = aws.dr

  bucket = aws_s3_bucket.replica[each.key].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "replica" {
  for_each = local.buckets
  provider = aws.dr

  bucket = aws_s3_bucket.replica[each.key].id

  rule {
    id     = "noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 90
    }
  }
}

resource "aws_s3_bucket_replication_configuration" "primary" {
  for_each = local.buckets

  bucket = aws_s3_bucket.primary[each.key].id
  role   = aws_iam_role.replication.arn

  rule {
    id     = "to-${var.dr_region}"
    status = "Enabled"

    filter {}

    delete_marker_replication {
      status = "Enabled"
    }

    destination {
      bucket        = aws_s3_bucket.replica[each.key].arn
      storage_class = "STANDARD_IA"
    }
  }

  depends_on = [aws_s3_bucket_versioning.primary, aws_s3_bucket_versioning.replica]
}
