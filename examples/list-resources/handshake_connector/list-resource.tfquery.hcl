# The admin credential: an app registration with the Application.Read.All
# application permission (admin consent granted). Pass the secret from the
# environment: export TF_VAR_entra_admin_secret=…
variable "entra_admin_secret" {
  type      = string
  sensitive = true
}

# Every app registration in the tenant with a problem: a secret or
# certificate expiring within 30 days (or expired), a redirect URI that
# breaks the rules, no owner, or disabled.
#   terraform query
#   terraform query -generate-config-out=connectors.tf
list "handshake_connector" "entra_apps" {
  provider         = handshake
  include_resource = true
  config {
    service         = "entra_id"
    entra_id        = { tenant_id = "8b5f1c2e-6f7a-4d3b-9c1e-2a4b6c8d0e1f" }
    auth            = { client_id = "3f2a9c4e-1b7d-4e8f-a6c5-0d9e8f7a6b5c", client_secret = var.entra_admin_secret }
    expiring_within = "720h"
  }
}

# The payroll team's apps, healthy or not.
list "handshake_connector" "payroll" {
  provider = handshake
  config {
    service         = "entra_id"
    entra_id        = { tenant_id = "8b5f1c2e-6f7a-4d3b-9c1e-2a4b6c8d0e1f" }
    auth            = { client_id = "3f2a9c4e-1b7d-4e8f-a6c5-0d9e8f7a6b5c", client_secret = var.entra_admin_secret }
    name_prefix     = "payroll"
    include_healthy = true
  }
}
