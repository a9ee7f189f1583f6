resource "aws_security_group" "db" {
  name        = "storefront-db"
  description = "PostgreSQL, app tier only"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "From the app instances"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
}

resource "aws_db_subnet_group" "main" {
  name       = "storefront"
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_db_instance" "main" {
  identifier                      = "storefront"
  engine                          = "postgres"
  engine_version                  = "16.3"
  instance_class                  = "db.r6g.large"
  allocated_storage               = 100
  storage_type                    = "gp3"
  storage_encrypted               = true
  username                        = "storefront"
  manage_master_user_password     = true
  db_subnet_group_name            = aws_db_subnet_group.main.name
  vpc_security_group_ids          = [aws_security_group.db.id]
  multi_az                        = true
  backup_retention_period         = 14
  deletion_protection             = true
  final_snapshot_identifier       = "storefront-final"
  monitoring_interval             = 60
  monitoring_role_arn             = "arn:aws:iam::123456789012:role/rds-monitoring"
  enabled_cloudwatch_logs_exports = ["postgresql"]
}
