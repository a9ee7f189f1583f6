# Pulls availability from the partner hotels every minute and writes it to PostgreSQL;
# the booking site reads the cached result from Redis.

resource "aws_security_group" "sync" {
  name        = "inventory-sync"
  description = "inventory-sync workers"
  vpc_id      = aws_vpc.main.id

  egress {
    description = "HTTPS to partner APIs"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "Inside the VPC"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
}

resource "aws_launch_template" "sync" {
  name_prefix   = "inventory-sync-"
  image_id      = var.ami_id
  instance_type = "c6i.large"

  vpc_security_group_ids = [aws_security_group.sync.id]

  monitoring {
    enabled = true
  }

  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_autoscaling_group" "sync" {
  name                = "inventory-sync"
  min_size            = 2
  max_size            = 4
  desired_capacity    = 2
  vpc_zone_identifier = [aws_subnet.private[0].id]

  launch_template {
    id      = aws_launch_template.sync.id
    version = "$Latest"
  }

  instance_refresh {
    strategy = "Rolling"

    preferences {
      min_healthy_percentage = 50
      auto_rollback          = true
    }
  }
}

resource "aws_autoscaling_policy" "sync_cpu" {
  name                   = "inventory-sync-cpu"
  autoscaling_group_name = aws_autoscaling_group.sync.name
  policy_type            = "TargetTrackingScaling"

  target_tracking_configuration {
    predefined_metric_specification {
      predefined_metric_type = "ASGAverageCPUUtilization"
    }
    target_value = 60
  }
}
