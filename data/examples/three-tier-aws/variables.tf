variable "region" {
  description = "AWS region to deploy into"
  type        = string
  default     = "eu-west-1"
}

variable "environment" {
  description = "Deployment environment name"
  type        = string

  validation {
    condition     = contains(["staging", "prod"], var.environment)
    error_message = "environment must be staging or prod."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the application VPC"
  type        = string
  default     = "10.20.0.0/16"
}

variable "azs" {
  description = "Availability zones to spread the subnets over"
  type        = list(string)
}

variable "ami_id" {
  type = string
}

variable "instance_type" {
  default = "m4.large"
}

variable "admin_instance_type" {
  description = "Instance type of the back-office admin host"
  type        = string
  default     = "t2.medium"
}

variable "domain_name" {
  description = "Public hostname of the shop"
  type        = string
}

variable "db_username" {
  description = "Master user name of the database"
  type        = string
  default     = "shopfront"
}

variable "db_password" {
  description = "Master password of the database"
  type        = string
}

variable "alert_email" {
  description = "Address that receives alarm notifications"
  type        = string
}
