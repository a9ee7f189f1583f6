# Nightly ETL on Glue: reads the raw bucket, writes the curated bucket.

data "aws_iam_policy_document" "glue_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "etl" {
  name               = "etl-glue"
  assume_role_policy = data.aws_iam_policy_document.glue_assume.json
}

data "aws_iam_policy_document" "etl" {
  statement {
    sid       = "ReadRaw"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::acme-raw-events", "arn:aws:s3:::acme-raw-events/*"]
  }

  statement {
    sid       = "WriteCurated"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["arn:aws:s3:::acme-curated/*"]
  }

  statement {
    sid       = "JobInfrastructure"
    actions   = ["ec2:*", "iam:PassRole"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "etl" {
  name   = "etl-glue"
  role   = aws_iam_role.etl.id
  policy = data.aws_iam_policy_document.etl.json
}

# --- notebook users ---------------------------------------------------------------

resource "aws_iam_role" "analyst" {
  name = "analyst-notebooks"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
    }]
  })
}

resource "aws_iam_role_policy" "analyst" {
  name = "analyst-notebooks"
  role = aws_iam_role.analyst.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EverythingButIam"
        Effect    = "Allow"
        NotAction = ["iam:*", "organizations:*"]
        Resource  = "*"
      }
    ]
  })
}

resource "aws_iam_policy" "curated_read" {
  name        = "curated-read"
  description = "Read access to the curated bucket"

  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::acme-curated", "arn:aws:s3:::acme-curated/*"]
    }
  ]
}
EOF
}

resource "aws_iam_role_policy_attachment" "analyst_curated" {
  role       = aws_iam_role.analyst.name
  policy_arn = aws_iam_policy.curated_read.arn
}
