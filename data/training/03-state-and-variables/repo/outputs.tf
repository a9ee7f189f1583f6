output "reports_bucket" {
  value = aws_s3_bucket.reports.bucket
}

output "queue_url" {
  value = aws_sqs_queue.report_jobs.url
}
