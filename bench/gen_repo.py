"""Generate a synthetic but realistic Terraform repository with about N resources.

Layout::

    main.tf  providers.tf  variables.tf  outputs.tf  terraform.tfvars
    modules/network/     VPC, subnets over 3 AZs × 3 tiers (count), NAT, route tables
    services/svc-0001/   one local module per service: security groups (dynamic ingress,
    services/svc-0002/   for_each rules), IAM role + policy document, launch template, ASG,
    ...                  target group, listener rule, alarms (count), S3 buckets (for_each),
                         versioning/encryption, SQS, SNS, log group

The root calls ``module.network`` once and every service module once, wiring network outputs
into services and a shared ALB listener into each listener rule, so references cross files
and modules.  Every managed resource instance counts toward N (each service is 21 instances).

Usage: ``python bench/gen_repo.py OUT_DIR --resources 1000``
"""

from __future__ import annotations

import argparse
import math
import shutil
import textwrap
from pathlib import Path

__all__ = ["NETWORK_RESOURCES", "SERVICE_RESOURCES", "generate"]

AZS = ("us-east-1a", "us-east-1b", "us-east-1c")
#: Managed resource instances in the network module and the root.
NETWORK_RESOURCES = 9 + 1 + 1 + 1 + 1 + 4 + 9 + 1  # subnets, vpc, igw, eip, nat, route tables, assocs, route
ROOT_RESOURCES = 4  # alb, listener, alb sg, log bucket
#: Managed resource instances in one service module.
SERVICE_RESOURCES = 21

PROVIDERS = """\
terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
  backend "s3" {
    bucket         = "acme-terraform-state"
    key            = "platform/terraform.tfstate"
    region         = "us-east-1"
    dynamodb_table = "terraform-locks"
    encrypt        = true
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = {
      Environment = var.environment
      ManagedBy   = "terraform"
      Repository  = "acme/platform"
    }
  }
}
"""

ROOT_VARIABLES = """\
variable "region" {
  type    = string
  default = "us-east-1"
}

variable "environment" {
  type    = string
  default = "prod"
}

variable "vpc_cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "alarm_email" {
  type    = string
  default = "oncall@example.com"
}
"""

TFVARS = """\
region      = "us-east-1"
environment = "prod"
vpc_cidr    = "10.20.0.0/16"
"""

ROOT_MAIN = """\
module "network" {
  source      = "./modules/network"
  name        = "platform-${var.environment}"
  cidr_block  = var.vpc_cidr
  azs         = ["us-east-1a", "us-east-1b", "us-east-1c"]
  environment = var.environment
}

resource "aws_security_group" "alb" {
  name        = "platform-alb"
  description = "Public load balancer"
  vpc_id      = module.network.vpc_id

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = [var.vpc_cidr]
  }
}

resource "aws_s3_bucket" "alb_logs" {
  bucket = "acme-platform-${var.environment}-alb-logs"
}

resource "aws_lb" "main" {
  name               = "platform-${var.environment}"
  load_balancer_type = "application"
  internal           = false
  security_groups    = [aws_security_group.alb.id]
  subnets            = module.network.public_subnet_ids

  access_logs {
    bucket  = aws_s3_bucket.alb_logs.id
    enabled = true
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.main.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = "arn:aws:acm:us-east-1:123456789012:certificate/abc"

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "not found"
      status_code  = "404"
    }
  }
}
"""

NETWORK_MAIN = """\
locals {
  tiers = ["public", "app", "data"]
  subnets = {
    for pair in setproduct(local.tiers, range(length(var.azs))) :
    "${pair[0]}-${pair[1]}" => {
      tier = pair[0]
      az   = var.azs[pair[1]]
      cidr = cidrsubnet(var.cidr_block, 8, index(local.tiers, pair[0]) * 10 + pair[1])
    }
  }
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_hostnames = true
  enable_dns_support   = true
  tags = {
    Name = var.name
  }
}

resource "aws_subnet" "this" {
  for_each                = local.subnets
  vpc_id                  = aws_vpc.this.id
  cidr_block              = each.value.cidr
  availability_zone       = each.value.az
  map_public_ip_on_launch = each.value.tier == "public"
  tags = {
    Name = "${var.name}-${each.key}"
    Tier = each.value.tier
  }
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "this" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.this["public-0"].id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }
}

resource "aws_route_table" "private" {
  count  = length(var.azs)
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table_association" "this" {
  for_each       = local.subnets
  subnet_id      = aws_subnet.this[each.key].id
  route_table_id = (
    each.value.tier == "public"
    ? aws_route_table.public.id
    : aws_route_table.private[tonumber(split("-", each.key)[1])].id
  )
}

resource "aws_route" "private_nat" {
  route_table_id         = aws_route_table.private[0].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this.id
}
"""

NETWORK_VARIABLES = """\
variable "name" {
  type = string
}

variable "cidr_block" {
  type = string
}

variable "azs" {
  type = list(string)
}

variable "environment" {
  type = string
}
"""

NETWORK_OUTPUTS = """\
output "vpc_id" {
  value = aws_vpc.this.id
}

output "public_subnet_ids" {
  value = [for k, s in aws_subnet.this : s.id if startswith(k, "public")]
}

output "app_subnet_ids" {
  value = [for k, s in aws_subnet.this : s.id if startswith(k, "app")]
}

output "data_subnet_ids" {
  value = [for k, s in aws_subnet.this : s.id if startswith(k, "data")]
}
"""

SERVICE_MAIN = """\
locals {
  name = "${var.name}-${var.environment}"
  common_tags = merge(var.tags, {
    Service = var.name
    Owner   = "team-${var.team}"
  })
}

resource "aws_security_group" "app" {
  name        = "${local.name}-app"
  description = "Instances of ${var.name}"
  vpc_id      = var.vpc_id

  dynamic "ingress" {
    for_each = var.ports
    content {
      description     = "port ${ingress.value}"
      from_port       = ingress.value
      to_port         = ingress.value
      protocol        = "tcp"
      security_groups = [var.alb_security_group_id]
    }
  }

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = local.common_tags
}

resource "aws_security_group_rule" "extra" {
  for_each          = toset([for p in var.ports : tostring(p)])
  type              = "ingress"
  from_port         = tonumber(each.value)
  to_port           = tonumber(each.value)
  protocol          = "tcp"
  cidr_blocks       = [var.vpc_cidr]
  security_group_id = aws_security_group.app.id
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "app" {
  name               = "${local.name}-role"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = local.common_tags
}

resource "aws_iam_role_policy" "app" {
  name = "${local.name}-access"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = [for b in aws_s3_bucket.data : "${b.arn}/*"]
      },
      {
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage"]
        Resource = aws_sqs_queue.jobs.arn
      }
    ]
  })
}

resource "aws_iam_instance_profile" "app" {
  name = "${local.name}-profile"
  role = aws_iam_role.app.name
}

resource "aws_launch_template" "app" {
  name_prefix   = "${local.name}-"
  image_id      = var.ami_id
  instance_type = var.instance_type
  iam_instance_profile {
    arn = aws_iam_instance_profile.app.arn
  }
  vpc_security_group_ids = [aws_security_group.app.id]
  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }
  user_data = base64encode("#!/bin/bash\\necho ${var.name} > /etc/service-name\\n")
  tag_specifications {
    resource_type = "instance"
    tags          = local.common_tags
  }
}

resource "aws_lb_target_group" "app" {
  name     = substr("${local.name}-tg", 0, 32)
  port     = var.ports[0]
  protocol = "HTTP"
  vpc_id   = var.vpc_id
  health_check {
    path    = "/healthz"
    matcher = "200"
  }
}

resource "aws_lb_listener_rule" "app" {
  listener_arn = var.listener_arn
  priority     = var.priority
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
  condition {
    host_header {
      values = ["${var.name}.example.com"]
    }
  }
}

resource "aws_autoscaling_group" "app" {
  name                = local.name
  min_size            = var.min_size
  max_size            = var.min_size * 3
  desired_capacity    = var.min_size
  vpc_zone_identifier = var.subnet_ids
  target_group_arns   = [aws_lb_target_group.app.arn]
  health_check_type   = "ELB"
  launch_template {
    id      = aws_launch_template.app.id
    version = "$Latest"
  }
  dynamic "tag" {
    for_each = local.common_tags
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  count               = var.alarms_enabled ? 2 : 0
  alarm_name          = "${local.name}-cpu-${count.index == 0 ? "warn" : "crit"}"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "CPUUtilization"
  namespace           = "AWS/EC2"
  period              = 60
  statistic           = "Average"
  threshold           = count.index == 0 ? 70 : 90
  alarm_actions       = [aws_sns_topic.alerts.arn]
  dimensions = {
    AutoScalingGroupName = aws_autoscaling_group.app.name
  }
}

resource "aws_s3_bucket" "data" {
  for_each = toset(var.buckets)
  bucket   = "acme-${local.name}-${each.key}"
  tags     = local.common_tags
}

resource "aws_s3_bucket_versioning" "data" {
  for_each = aws_s3_bucket.data
  bucket   = each.value.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  for_each = aws_s3_bucket.data
  bucket   = each.value.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_sqs_queue" "jobs" {
  name                      = "${local.name}-jobs"
  message_retention_seconds = 345600
  sqs_managed_sse_enabled   = true
  tags                      = local.common_tags
}

resource "aws_sns_topic" "alerts" {
  name = "${local.name}-alerts"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/acme/${var.environment}/${var.name}"
  retention_in_days = lookup({ prod = 90, staging = 30 }, var.environment, 7)
  tags              = local.common_tags
}
"""

SERVICE_VARIABLES = """\
variable "name" {
  type = string
}

variable "environment" {
  type = string
}

variable "team" {
  type    = string
  default = "platform"
}

variable "vpc_id" {
  type = string
}

variable "vpc_cidr" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "alb_security_group_id" {
  type = string
}

variable "listener_arn" {
  type = string
}

variable "priority" {
  type = number
}

variable "ports" {
  type    = list(number)
  default = [8080, 8443]
}

variable "ami_id" {
  type    = string
  default = "ami-0abcdef1234567890"
}

variable "instance_type" {
  type    = string
  default = "t3.medium"
}

variable "min_size" {
  type    = number
  default = 2
}

variable "alarms_enabled" {
  type    = bool
  default = true
}

variable "buckets" {
  type    = list(string)
  default = ["artifacts", "uploads"]
}

variable "tags" {
  type    = map(string)
  default = {}
}
"""

SERVICE_OUTPUTS = """\
output "asg_name" {
  value = aws_autoscaling_group.app.name
}

output "queue_url" {
  value = aws_sqs_queue.jobs.url
}

output "bucket_arns" {
  value = { for k, b in aws_s3_bucket.data : k => b.arn }
}
"""


def _service_call(i: int) -> str:
    name = f"svc-{i:04d}"
    return textwrap.dedent(
        f"""\
        module "{name.replace("-", "_")}" {{
          source                = "./services/{name}"
          name                  = "{name}"
          environment           = var.environment
          team                  = "team-{i % 7}"
          vpc_id                = module.network.vpc_id
          vpc_cidr              = var.vpc_cidr
          subnet_ids            = module.network.app_subnet_ids
          alb_security_group_id = aws_security_group.alb.id
          listener_arn          = aws_lb_listener.https.arn
          priority              = {100 + i}
          min_size              = {2 + i % 3}
          tags = {{
            CostCenter = "cc-{1000 + i % 13}"
          }}
        }}

        """
    )


def generate(out: Path, resources: int) -> dict[str, int]:
    """Write the repository to ``out`` (replaced); returns counts of services, files, resources."""
    if out.exists():
        shutil.rmtree(out)
    services = max(1, math.ceil((resources - NETWORK_RESOURCES - ROOT_RESOURCES) / SERVICE_RESOURCES))
    (out / "modules" / "network").mkdir(parents=True)
    (out / "providers.tf").write_text(PROVIDERS)
    (out / "variables.tf").write_text(ROOT_VARIABLES)
    (out / "terraform.tfvars").write_text(TFVARS)
    (out / "main.tf").write_text(ROOT_MAIN)
    (out / "modules" / "network" / "main.tf").write_text(NETWORK_MAIN)
    (out / "modules" / "network" / "variables.tf").write_text(NETWORK_VARIABLES)
    (out / "modules" / "network" / "outputs.tf").write_text(NETWORK_OUTPUTS)
    calls = []
    for i in range(1, services + 1):
        d = out / "services" / f"svc-{i:04d}"
        d.mkdir(parents=True)
        # Each service is its own copy (real repositories rarely share one module everywhere):
        # the parse cost grows with the repository, as it would.
        (d / "main.tf").write_text(f"# service {i}\n" + SERVICE_MAIN)
        (d / "variables.tf").write_text(SERVICE_VARIABLES)
        (d / "outputs.tf").write_text(SERVICE_OUTPUTS)
        calls.append(_service_call(i))
    (out / "services.tf").write_text("".join(calls))
    (out / "outputs.tf").write_text('output "alb_dns_name" {\n  value = aws_lb.main.dns_name\n}\n')
    (out / "README.md").write_text(f"# Synthetic platform ({services} services)\n")
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return {
        "services": services,
        "files": files,
        "resources": NETWORK_RESOURCES + ROOT_RESOURCES + services * SERVICE_RESOURCES,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--resources", type=int, default=1000)
    args = parser.parse_args()
    info = generate(args.out, args.resources)
    print(f"{args.out}: {info['resources']} resources, {info['services']} services, {info['files']} files")


if __name__ == "__main__":
    main()
