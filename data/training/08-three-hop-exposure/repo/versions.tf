terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.50"
    }
  }

  backend "s3" {
    bucket       = "acme-shop-tfstate"
    key          = "storefront/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      owner         = "storefront"
      environment   = "prod"
      "cost-center" = "cc-1180"
    }
  }
}

variable "azs" {
  description = "Availability zones"
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b"]
}

variable "app_ami_id" {
  description = "AMI of the storefront monolith (runs as shop or back office, see ROLE tag)"
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate of shop.example.com"
  type        = string
}
