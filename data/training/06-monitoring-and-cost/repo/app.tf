resource "aws_security_group" "alb" {
  name        = "reports-api-alb"
  description = "Internal load balancer of the reports API"
  vpc_id      = data.aws_vpc.shared.id

  ingress {
    description = "HTTPS from the corporate network"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    description = "To the app instances"
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = [data.aws_vpc.shared.cidr_block]
  }
}

resource "aws_security_group" "app" {
  name        = "reports-api"
  description = "reports-api instances"
  vpc_id      = data.aws_vpc.shared.id

  ingress {
    description     = "From the load balancer"
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.alb.id]
  }

  egress {
    description = "HTTPS out"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "api" {
  name               = "reports-api"
  internal           = true
  load_balancer_type = "application"
  security_groups    = [aws_security_group.alb.id]
  subnets            = data.aws_subnets.private.ids
}

resource "aws_lb_target_group" "api" {
  name                 = "reports-api"
  port                 = 8080
  protocol             = "HTTP"
  vpc_id               = data.aws_vpc.shared.id
  deregistration_delay = 30

  health_check {
    path    = "/health"
    matcher = "200"
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.api.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

resource "aws_launch_template" "api" {
  name_prefix            = "reports-api-"
  image_id               = var.ami_id
  instance_type          = "m4.2xlarge"
  vpc_security_group_ids = [aws_security_group.app.id]

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size = 200
      volume_type = "gp2"
      encrypted   = true
    }
  }

  monitoring {
    enabled = true
  }

  metadata_options {
    http_tokens = "required"
  }

  tag_specifications {
    resource_type = "instance"
    tags = {
      Name          = "reports-api"
      owner         = "finance-apps"
      environment   = "prod"
      "cost-center" = "cc-6020"
    }
  }
}

resource "aws_autoscaling_group" "api" {
  name                = "reports-api"
  min_size            = 4
  max_size            = 4
  desired_capacity    = 4
  vpc_zone_identifier = data.aws_subnets.private.ids
  target_group_arns   = [aws_lb_target_group.api.arn]
  health_check_type   = "ELB"

  launch_template {
    id      = aws_launch_template.api.id
    version = "$Latest"
  }

  instance_refresh {
    strategy = "Rolling"

    preferences {
      min_healthy_percentage = 75
      auto_rollback          = true
    }
  }

  dynamic "tag" {
    for_each = {
      Name          = "reports-api"
      owner         = "finance-apps"
      environment   = "prod"
      "cost-center" = "cc-6020"
    }

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}

resource "aws_sqs_queue" "exports" {
  name                       = "reports-api-exports"
  visibility_timeout_seconds = 900
  sqs_managed_sse_enabled    = true
}

resource "aws_cloudwatch_log_group" "api" {
  name = "/finance/reports-api"
}

# Left over from the move off the old reporting server.
resource "aws_ebs_volume" "old_reports" {
  availability_zone = "eu-west-1a"
  size              = 500
  type              = "gp2"
  encrypted         = true
}

resource "aws_eip" "old_reports" {
  domain = "vpc"
}
