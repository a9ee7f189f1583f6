resource "aws_sns_topic" "alerts" {
  name = "storefront-alerts"
}

resource "aws_sns_topic_subscription" "alerts" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = "storefront-oncall@example.com"
}

resource "aws_cloudwatch_metric_alarm" "app_cpu" {
  for_each = aws_autoscaling_group.app

  alarm_name          = "storefront-${each.key}-cpu"
  alarm_description   = "Storefront ${each.key} CPU high. Runbook: https://wiki.example.com/storefront/capacity"
  namespace           = "AWS/EC2"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { AutoScalingGroupName = each.value.name }
  alarm_actions       = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "db_cpu" {
  alarm_name          = "storefront-db-cpu"
  alarm_description   = "Storefront database CPU high. Runbook: https://wiki.example.com/storefront/database"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  alarm_actions       = [aws_sns_topic.alerts.arn]
}
