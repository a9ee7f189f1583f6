variable "name" {
  description = "Name prefix for every network resource"
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC; subnets are carved out of it as /24s"
  type        = string

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0))
    error_message = "vpc_cidr must be a valid IPv4 CIDR block."
  }
}

variable "azs" {
  description = "Availability zones, one subnet of each tier per zone"
  type        = list(string)
}

variable "single_nat_gateway" {
  description = "Create one NAT gateway shared by all private subnets instead of one per zone (non-production only)"
  type        = bool
  default     = false
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC flow-log group in days"
  type        = number
  default     = 365

  validation {
    condition     = contains([30, 90, 180, 365, 731], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be one of 30, 90, 180, 365, 731."
  }
}
