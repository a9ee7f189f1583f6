terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.50"
    }
  }

  backend "s3" {
    bucket       = "acme-data-platform-tfstate"
    key          = "iam/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      owner         = "data-platform"
      environment   = "prod"
      "cost-center" = "cc-5120"
    }
  }
}

data "aws_caller_identity" "current" {}
