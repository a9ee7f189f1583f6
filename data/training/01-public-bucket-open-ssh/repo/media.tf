# Campaign images and downloadable brochures, linked from the landing pages.

resource "aws_s3_bucket" "media" {
  bucket = "acme-landing-media"
}

resource "aws_s3_bucket_ownership_controls" "media" {
  bucket = aws_s3_bucket.media.id

  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

resource "aws_s3_bucket_acl" "media" {
  bucket = aws_s3_bucket.media.id
  acl    = "public-read-write"

  depends_on = [aws_s3_bucket_ownership_controls.media]
}

resource "aws_s3_bucket_versioning" "media" {
  bucket = aws_s3_bucket.media.id

  versioning_configuration {
    status = "Enabled"
  }
}
