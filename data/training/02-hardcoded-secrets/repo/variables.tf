variable "mail_api_key" {
  description = "API key of the e-mail delivery provider"
  type        = string
  default     = "mk_live_51Hc8sQe2vN7xYt4uP0aLbKd9ZfR3wM6"
}

variable "subscriber_table_name" {
  description = "DynamoDB table holding newsletter subscribers"
  type        = string
  default     = "newsletter-subscribers"
}
