output "app_url" {
  description = "Public URL of the shop"
  value       = "https://${var.domain_name}"
}

output "alb_dns_name" {
  description = "DNS name of the public load balancer (aliased by app_url)"
  value       = aws_lb.web.dns_name
}

output "db_endpoint" {
  description = "PostgreSQL endpoint (TLS required)"
  value       = aws_db_instance.main.endpoint
}

output "db_master_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the database master credentials"
  value       = aws_db_instance.main.master_user_secret[0].secret_arn
}

output "redis_primary_endpoint" {
  description = "Primary endpoint of the Redis replication group (TLS)"
  value       = aws_elasticache_replication_group.sessions.primary_endpoint_address
}

output "exports_queue_url" {
  description = "URL of the order-export job queue"
  value       = aws_sqs_queue.exports.url
}

output "bucket_names" {
  description = "Primary bucket names by purpose"
  value       = { for k, b in aws_s3_bucket.primary : k => b.bucket }
}

output "vpc_id" {
  description = "VPC ID for stacks that attach to this network"
  value       = module.network.vpc_id
}

output "private_subnet_ids" {
  description = "Private subnet IDs for stacks that attach to this network"
  value       = module.network.private_subnet_ids
}
