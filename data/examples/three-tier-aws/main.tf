provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project       = "shopfront"
      environment   = var.environment
      owner         = "web-platform"
      "cost-center" = "cc-4127"
      managed-by    = "terraform"
    }
  }
}

# Billing metrics are only published in us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

locals {
  name = "shopfront-${var.environment}"
}

module "network" {
  source = "./modules/network"

  name     = local.name
  vpc_cidr = var.vpc_cidr
  azs      = var.azs

  # one NAT for now, revisit when traffic grows
  single_nat_gateway = true
}

module "key_pair" {
  source = "terraform-aws-modules/key-pair/aws"

  key_name           = "${local.name}-admin"
  create_private_key = true
}
