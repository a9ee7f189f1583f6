environment = "prod"
cost_center = "cc-4127"
region      = "eu-west-1"
dr_region   = "eu-central-1"

vpc_cidr = "10.20.0.0/16"
azs      = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]

ami_id = "ami-0c1b4dff690b5d229"

domain_name      = "shop.example.com"
hosted_zone_name = "example.com"

alert_email = "oncall-web@example.com"
