# Terraform 0.11/0.12-era code: map() and list() were removed in 0.15 but are still common in
# older repositories (tags = "${map(...)}", merge(map(...), var.tags)).
variable "name" {
  default = "shop"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  tags       = "${merge(map("Name", var.name, "Environment", "production"), map("Owner", "platform"))}"
}

resource "aws_subnet" "public" {
  vpc_id     = "${aws_vpc.main.id}"
  cidr_block = "10.0.1.0/24"
  tags       = "${map("Name", "${var.name}-public", "Tier", "public")}"
}
