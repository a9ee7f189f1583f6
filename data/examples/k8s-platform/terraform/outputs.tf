output "cluster_name" {
  description = "Name of the EKS cluster"
  value       = aws_eks_cluster.main.name
}

output "cluster_endpoint" {
  description = "API server endpoint of the EKS cluster"
  value       = aws_eks_cluster.main.endpoint
}

output "ecr_repository_urls" {
  description = "ECR repository URLs by service"
  value = {
    api    = aws_ecr_repository.api.repository_url
    worker = aws_ecr_repository.worker.repository_url
  }
}

output "api_role_arn" {
  description = "IAM role for the api service account (IRSA)"
  value       = aws_iam_role.api.arn
}

output "worker_role_arn" {
  description = "IAM role for the worker service account (IRSA)"
  value       = aws_iam_role.worker.arn
}
