# Terraform >= 1.10: ephemeral resources and write-only arguments (the recommended way to keep
# secrets out of state). Pattern seen in current AWS provider docs and modules.
ephemeral "aws_secretsmanager_secret_version" "db" {
  secret_id = "prod/orders/db"
}

resource "aws_db_instance" "orders" {
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.m7g.large"
  allocated_storage   = 50
  username            = "orders"
  password_wo         = ephemeral.aws_secretsmanager_secret_version.db.secret_string
  password_wo_version = 1
  multi_az            = true
}
