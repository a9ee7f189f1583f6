terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.50"
    }
  }
}

provider "aws" {
  region = var.region
}

module "docs_site" {
  source = "git::https://github.com/acme-platform/terraform-modules.git//static-site"

  name        = "internal-docs-${var.environment}"
  environment = var.environment
}

resource "aws_s3_bucket" "reports" {
  bucket = "acme-finance-reports-${var.environment}"
}

resource "aws_s3_bucket_public_access_block" "reports" {
  bucket = aws_s3_bucket.reports.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "reports" {
  bucket = aws_s3_bucket.reports.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_sqs_queue" "report_jobs" {
  name                       = var.queue_name
  visibility_timeout_seconds = 600
  sqs_managed_sse_enabled    = true

  # the reporting team tunes these by hand in the console
  lifecycle {
    ignore_changes = all
  }
}
