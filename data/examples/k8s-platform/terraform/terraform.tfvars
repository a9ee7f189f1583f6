environment     = "prod"
cluster_version = "1.30"
