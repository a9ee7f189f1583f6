resource "aws_security_group" "db" {
  name        = "inventory-db"
  description = "PostgreSQL"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "From the sync workers"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.sync.id]
  }
}

resource "aws_db_subnet_group" "main" {
  name       = "inventory"
  subnet_ids = aws_subnet.data[*].id
}

resource "aws_db_instance" "inventory" {
  identifier                      = "inventory"
  engine                          = "postgres"
  engine_version                  = "16.3"
  instance_class                  = "db.r6g.large"
  allocated_storage               = 200
  storage_type                    = "gp3"
  storage_encrypted               = true
  username                        = "inventory"
  manage_master_user_password     = true
  db_subnet_group_name            = aws_db_subnet_group.main.name
  vpc_security_group_ids          = [aws_security_group.db.id]
  availability_zone               = var.azs[0]
  multi_az                        = false
  backup_retention_period         = 1
  deletion_protection             = true
  final_snapshot_identifier       = "inventory-final"
  monitoring_interval             = 0
  enabled_cloudwatch_logs_exports = ["postgresql"]
}

resource "aws_security_group" "cache" {
  name        = "inventory-cache"
  description = "Redis"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "From the sync workers"
    from_port       = 6379
    to_port         = 6379
    protocol        = "tcp"
    security_groups = [aws_security_group.sync.id]
  }
}

resource "aws_elasticache_subnet_group" "main" {
  name       = "inventory"
  subnet_ids = aws_subnet.data[*].id
}

resource "aws_elasticache_replication_group" "availability" {
  replication_group_id       = "inventory-availability"
  description                = "Availability cache read by the booking site"
  engine                     = "redis"
  node_type                  = "cache.r7g.large"
  num_cache_clusters         = 1
  automatic_failover_enabled = false
  subnet_group_name          = aws_elasticache_subnet_group.main.name
  security_group_ids         = [aws_security_group.cache.id]
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  snapshot_retention_limit   = 3
}
