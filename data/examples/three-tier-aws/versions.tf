terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }

  backend "s3" {
    bucket = "shopfront-terraform-state"
    key    = "prod/shopfront/terraform.tfstate"
    region = "eu-west-1"
  }
}
