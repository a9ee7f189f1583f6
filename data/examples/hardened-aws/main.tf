locals {
  name = "shopfront-${var.environment}"

  # Applied to every resource through the providers' default_tags, and spelled out where
  # default_tags do not reach (Auto Scaling groups, launch-template tag specifications).
  default_tags = {
    project       = "shopfront"
    environment   = var.environment
    owner         = "web-platform"
    "cost-center" = var.cost_center
    managed-by    = "terraform"
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = local.default_tags
  }
}

# Disaster-recovery region: backup copies, S3 replicas, RDS automated-backup replication.
provider "aws" {
  alias  = "dr"
  region = var.dr_region

  default_tags {
    tags = local.default_tags
  }
}

module "network" {
  source = "./modules/network"

  name                    = local.name
  vpc_cidr                = var.vpc_cidr
  azs                     = var.azs
  single_nat_gateway      = false
  flow_log_retention_days = 365
}
