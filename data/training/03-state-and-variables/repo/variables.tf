variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "environment" {
  description = "Environment name"
  type        = string
  default     = "prod"
}

variable "queue_name" {
  default = "finance-report-jobs"
}
