output "alb_dns_name" {
  description = "DNS name of the public load balancer (CNAME target for the shop)"
  value       = aws_lb.web.dns_name
}

output "db_endpoint" {
  description = "PostgreSQL endpoint"
  value       = aws_db_instance.main.endpoint
}

output "database_url" {
  description = "Connection string for the reporting team"
  value       = "postgres://${var.db_username}:${var.db_password}@${aws_db_instance.main.endpoint}/shopfront"
}

output "redis_endpoint" {
  value = aws_elasticache_cluster.sessions.cache_nodes[0].address
}

output "admin_public_ip" {
  description = "Public IP of the back-office admin host"
  value       = aws_instance.admin.public_ip
}

output "assets_bucket" {
  description = "Name of the static assets bucket"
  value       = aws_s3_bucket.assets.bucket
}
