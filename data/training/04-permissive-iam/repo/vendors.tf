# Role assumed by the auditing vendor's scanner.
resource "aws_iam_role" "vendor_audit" {
  name = "vendor-audit"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "*" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "vendor_audit" {
  role       = aws_iam_role.vendor_audit.name
  policy_arn = "arn:aws:iam::aws:policy/SecurityAudit"
}

# Break-glass access for the managed-services partner during the migration.
resource "aws_iam_role" "partner_support" {
  name = "partner-support"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::210987654321:root" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "partner_support" {
  role       = aws_iam_role.partner_support.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
