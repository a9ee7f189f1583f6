resource "aws_dynamodb_table" "subscribers" {
  name         = var.subscriber_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "email"

  attribute {
    name = "email"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  deletion_protection_enabled = true
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "sender" {
  name               = "newsletter-sender"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "sender" {
  statement {
    actions   = ["dynamodb:Query", "dynamodb:Scan", "dynamodb:GetItem"]
    resources = [aws_dynamodb_table.subscribers.arn]
  }

  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.sender.arn}:*"]
  }
}

resource "aws_iam_role_policy" "sender" {
  name   = "newsletter-sender"
  role   = aws_iam_role.sender.id
  policy = data.aws_iam_policy_document.sender.json
}

resource "aws_cloudwatch_log_group" "sender" {
  name              = "/aws/lambda/newsletter-sender"
  retention_in_days = 30
}

resource "aws_lambda_function" "sender" {
  function_name = "newsletter-sender"
  role          = aws_iam_role.sender.arn
  runtime       = "python3.12"
  handler       = "sender.handler"
  filename      = "build/sender.zip"
  timeout       = 300

  environment {
    variables = {
      TABLE_NAME    = aws_dynamodb_table.subscribers.name
      MAIL_API_KEY  = var.mail_api_key
      SMTP_PASSWORD = "Newsl3tter!Smtp"
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.sender]
}

resource "aws_cloudwatch_event_rule" "weekly" {
  name                = "newsletter-weekly"
  schedule_expression = "cron(0 8 ? * MON *)"
}

resource "aws_cloudwatch_event_target" "weekly" {
  rule = aws_cloudwatch_event_rule.weekly.name
  arn  = aws_lambda_function.sender.arn
}

resource "aws_lambda_permission" "weekly" {
  statement_id  = "AllowEventBridge"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.sender.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.weekly.arn
}

resource "aws_sns_topic" "alerts" {
  name = "newsletter-alerts"
}

resource "aws_sns_topic_subscription" "alerts" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = "growth-oncall@example.com"
}

resource "aws_cloudwatch_metric_alarm" "sender_errors" {
  alarm_name          = "newsletter-sender-errors"
  alarm_description   = "The weekly newsletter run failed. Runbook: https://wiki.example.com/growth/newsletter"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"

  dimensions = {
    FunctionName = aws_lambda_function.sender.function_name
  }

  alarm_actions = [aws_sns_topic.alerts.arn]
}
