variable "image" {
  description = "Container image of the payouts API (immutable tag)"
  type        = string
}

variable "payment_api_key" {
  description = "API key of the payment provider used to send payouts"
  type        = string
  sensitive   = true
}

variable "cluster_name" {
  description = "Name of the shared ECS cluster"
  type        = string
  default     = "payments-prod"
}
