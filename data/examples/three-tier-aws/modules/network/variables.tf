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
  description = "Create one NAT gateway shared by all private subnets instead of one per zone"
  type        = bool
  default     = false
}
