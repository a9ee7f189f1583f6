# Vulnerable-by-design patterns (terragoat's azure/sql.tf, azure/app_service.tf, gcp/gke.tf),
# rewritten minimally.
resource "azurerm_postgresql_server" "plaintext" {
  name                         = "orders-pg"
  location                     = "westeurope"
  resource_group_name          = "rg"
  sku_name                     = "GP_Gen5_2"
  version                      = "11"
  administrator_login          = "pgadmin"
  administrator_login_password = var.pg_password
  ssl_enforcement_enabled      = false
  public_network_access_enabled = true
}

resource "azurerm_app_service" "plain_http" {
  name                = "orders-web"
  location            = "westeurope"
  resource_group_name = "rg"
  app_service_plan_id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan"
  https_only          = false
  site_config {
    min_tls_version = "1.1"
  }
}

resource "google_container_cluster" "open_master" {
  name               = "orders"
  location           = "europe-west1"
  initial_node_count = 1
  master_authorized_networks_config {
    cidr_blocks {
      cidr_block = "0.0.0.0/0"
    }
  }
}

variable "pg_password" {
  type      = string
  sensitive = true
}
