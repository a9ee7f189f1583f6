environment = "prod"
region      = "eu-west-1"
vpc_cidr    = "10.20.0.0/16"
azs         = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]

ami_id        = "ami-0c1b4dff690b5d229"
instance_type = "m4.large"

domain_name = "shop.example.com"

db_username = "shopfront"
db_password = "Shopfront-Prod-2023!"

alert_email = "oncall-web@example.com"
