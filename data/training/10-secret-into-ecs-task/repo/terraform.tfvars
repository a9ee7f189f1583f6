image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payouts-api:2.7.3"
