resource "aws_sns_topic" "alerts" {
  name = "inventory-alerts"
}

resource "aws_sns_topic_subscription" "alerts" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = "bookings-oncall@example.com"
}

resource "aws_cloudwatch_metric_alarm" "sync_cpu" {
  alarm_name          = "inventory-sync-cpu"
  alarm_description   = "Sync workers saturated. Runbook: https://wiki.example.com/bookings/inventory-sync"
  namespace           = "AWS/EC2"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = 85
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { AutoScalingGroupName = aws_autoscaling_group.sync.name }
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "db_cpu" {
  alarm_name          = "inventory-db-cpu"
  alarm_description   = "Inventory database CPU high. Runbook: https://wiki.example.com/bookings/inventory-db"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.inventory.identifier }
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "cache_memory" {
  alarm_name          = "inventory-cache-memory"
  alarm_description   = "Availability cache memory high. Runbook: https://wiki.example.com/bookings/inventory-cache"
  namespace           = "AWS/ElastiCache"
  metric_name         = "DatabaseMemoryUsagePercentage"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { CacheClusterId = "${aws_elasticache_replication_group.availability.id}-001" }
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "nat_errors" {
  alarm_name          = "inventory-nat-port-allocation"
  alarm_description   = "NAT gateway cannot allocate ports. Runbook: https://wiki.example.com/bookings/nat"
  namespace           = "AWS/NATGateway"
  metric_name         = "ErrorPortAllocation"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 2
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { NatGatewayId = aws_nat_gateway.main.id }
  alarm_actions       = [aws_sns_topic.alerts.arn]
}
