terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.50"
    }
  }

  backend "s3" {
    bucket       = "acme-finance-apps-tfstate"
    key          = "reports-api/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      owner         = "finance-apps"
      environment   = "prod"
      "cost-center" = "cc-6020"
    }
  }
}

variable "certificate_arn" {
  description = "ACM certificate of reports.internal.example.com"
  type        = string
}

variable "ami_id" {
  description = "AMI of the reports-api image"
  type        = string
}

# The shared VPC is owned by the network team.
data "aws_vpc" "shared" {
  tags = {
    Name = "shared-prod"
  }
}

data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.shared.id]
  }

  tags = {
    tier = "private"
  }
}
