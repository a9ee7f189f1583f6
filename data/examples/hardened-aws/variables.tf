variable "region" {
  description = "Primary AWS region"
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "dr_region" {
  description = "Disaster-recovery region for backup copies and replicas; must differ from region"
  type        = string
  default     = "eu-central-1"

  validation {
    condition     = can(regex("^[a-z]{2}-[a-z]+-[0-9]$", var.dr_region))
    error_message = "dr_region must look like eu-central-1."
  }
}

variable "environment" {
  description = "Deployment environment name"
  type        = string

  validation {
    condition     = contains(["staging", "prod"], var.environment)
    error_message = "environment must be staging or prod."
  }
}

variable "cost_center" {
  description = "Finance cost centre charged for this stack"
  type        = string

  validation {
    condition     = can(regex("^cc-[0-9]{4}$", var.cost_center))
    error_message = "cost_center must look like cc-1234."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the application VPC (a /16)"
  type        = string

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && endswith(var.vpc_cidr, "/16")
    error_message = "vpc_cidr must be a valid /16 IPv4 CIDR block."
  }
}

variable "azs" {
  description = "Availability zones to spread every tier over (at least three)"
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 3
    error_message = "Use at least three availability zones."
  }
}

variable "ami_id" {
  description = "AMI of the shopfront image (built by the image pipeline)"
  type        = string

  validation {
    condition     = can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id must be an AMI id."
  }
}

variable "web_instance_type" {
  description = "Instance type of the web tier"
  type        = string
  default     = "m7i.large"

  validation {
    condition     = can(regex("^(m|c|r)[6-8][a-z]*\\.", var.web_instance_type))
    error_message = "Use a current-generation m/c/r instance type."
  }
}

variable "worker_instance_type" {
  description = "Instance type of the order-export workers"
  type        = string
  default     = "c7i.large"

  validation {
    condition     = can(regex("^(m|c|r|t)[6-8][a-z]*\\.", var.worker_instance_type))
    error_message = "Use a current-generation instance type."
  }
}

variable "db_instance_class" {
  description = "RDS instance class"
  type        = string
  default     = "db.r7g.large"

  validation {
    condition     = can(regex("^db\\.(m|r)[6-8]", var.db_instance_class))
    error_message = "Use a current-generation db.m or db.r class."
  }
}

variable "domain_name" {
  description = "Public hostname of the shop"
  type        = string
}

variable "hosted_zone_name" {
  description = "Route 53 public hosted zone that holds domain_name"
  type        = string
}

variable "alert_email" {
  description = "Address of the on-call rotation that receives alarm notifications"
  type        = string

  validation {
    condition     = can(regex("^[^@]+@[^@]+$", var.alert_email))
    error_message = "alert_email must be an e-mail address."
  }
}

variable "monthly_budget_usd" {
  description = "Monthly cost budget of the stack in USD"
  type        = number
  default     = 6000

  validation {
    condition     = var.monthly_budget_usd > 0
    error_message = "monthly_budget_usd must be positive."
  }
}
