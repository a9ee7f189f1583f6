output "vpc_id" {
  description = "ID of the VPC"
  value       = aws_vpc.main.id
}

output "vpc_cidr" {
  description = "CIDR block of the VPC"
  value       = aws_vpc.main.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnet IDs, one per availability zone (load balancers and NAT only)"
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private (NAT-egress) subnet IDs, one per availability zone"
  value       = aws_subnet.private[*].id
}

output "private_route_table_ids" {
  description = "Route tables of the private subnets (for gateway endpoints)"
  value       = aws_route_table.private[*].id
}

output "data_subnet_ids" {
  description = "Isolated subnet IDs for databases and caches, one per availability zone"
  value       = aws_subnet.data[*].id
}

output "nat_gateway_ids" {
  description = "NAT gateway IDs, one per availability zone"
  value       = aws_nat_gateway.main[*].id
}
