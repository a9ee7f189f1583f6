resource "aws_backup_vault" "main" {
  name        = "${local.name}-vault"
  kms_key_arn = aws_kms_key.data.arn
}

resource "aws_backup_vault_lock_configuration" "main" {
  backup_vault_name   = aws_backup_vault.main.name
  min_retention_days  = 7
  max_retention_days  = 400
  changeable_for_days = 3
}

resource "aws_backup_vault" "dr" {
  provider    = aws.dr
  name        = "${local.name}-vault-dr"
  kms_key_arn = aws_kms_key.dr.arn
}

resource "aws_backup_vault_lock_configuration" "dr" {
  provider            = aws.dr
  backup_vault_name   = aws_backup_vault.dr.name
  min_retention_days  = 7
  max_retention_days  = 400
  changeable_for_days = 3
}

resource "aws_backup_plan" "main" {
  name = "${local.name}-daily"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 3 * * ? *)"
    start_window      = 60
    completion_window = 240

    lifecycle {
      delete_after = 35
    }

    copy_action {
      destination_vault_arn = aws_backup_vault.dr.arn

      lifecycle {
        delete_after = 35
      }
    }
  }

  rule {
    rule_name         = "monthly"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 4 1 * ? *)"

    lifecycle {
      cold_storage_after = 30
      delete_after       = 365
    }

    copy_action {
      destination_vault_arn = aws_backup_vault.dr.arn

      lifecycle {
        cold_storage_after = 30
        delete_after       = 365
      }
    }
  }
}

resource "aws_backup_selection" "main" {
  name         = "${local.name}-stateful"
  plan_id      = aws_backup_plan.main.id
  iam_role_arn = aws_iam_role.backup.arn

  resources = [aws_db_instance.main.arn]

  selection_tag {
    type  = "STRINGEQUALS"
    key   = "backup"
    value = "daily"
  }
}

# Restores the latest RDS recovery point every week and checks it comes up.
resource "aws_backup_restore_testing_plan" "main" {
  name                = "shopfront_${var.environment}_weekly"
  schedule_expression = "cron(0 6 ? * MON *)"

  recovery_point_selection {
    algorithm             = "LATEST_WITHIN_WINDOW"
    include_vaults        = [aws_backup_vault.main.arn]
    recovery_point_types  = ["SNAPSHOT"]
    selection_window_days = 7
  }
}

resource "aws_backup_restore_testing_selection" "rds" {
  name                      = "shopfront_${var.environment}_rds"
  restore_testing_plan_name = aws_backup_restore_testing_plan.main.name
  protected_resource_type   = "RDS"
  iam_role_arn              = aws_iam_role.backup.arn
  protected_resource_arns   = [aws_db_instance.main.arn]
  validation_window_hours   = 4
}
