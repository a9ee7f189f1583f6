terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.50"
    }
  }

  backend "s3" {
    bucket       = "acme-bookings-tfstate"
    key          = "inventory-sync/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      owner         = "bookings"
      environment   = "prod"
      "cost-center" = "cc-4410"
    }
  }
}

variable "azs" {
  description = "Availability zones of the VPC"
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b"]
}

variable "ami_id" {
  description = "AMI of the inventory-sync image"
  type        = string
  default     = "ami-0c1b4dff690b5d229"
}
