locals {
  name = "payouts-api"

  # Plain configuration handed to the container as environment variables.
  app_env = {
    LOG_LEVEL        = "info"
    PAYMENT_BASE_URL = "https://api.payments.example.net/v2"
    PAYMENT_API_KEY  = var.payment_api_key
    DB_HOST          = "payouts.cluster-cxyz.eu-west-1.rds.amazonaws.com"
  }
}
