# Terraform 0.11 block syntax for tags: loads as a list of blocks (attrs["tags"] == [{...}]).
resource "aws_instance" "sandbox_box" {
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "m5.large"

  tags {
    Name        = "scratch"
    Environment = "dev"
  }
}
