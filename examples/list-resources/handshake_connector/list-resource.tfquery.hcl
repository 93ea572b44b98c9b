# The admin credential: an app registration with the Application.Read.All
# application permission (admin consent granted). Its secret comes from the
# environment (export ENTRA_ADMIN_SECRET=…) through client_secret_env, so it
# is never part of the query's configuration: list arguments have no
# sensitive flag, and terraform query -json prints them.

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
    auth            = { client_id = "3f2a9c4e-1b7d-4e8f-a6c5-0d9e8f7a6b5c", client_secret_env = "ENTRA_ADMIN_SECRET" }
    expiring_within = "720h"
  }
}

# The payroll team's apps, healthy or not.
list "handshake_connector" "payroll" {
  provider = handshake
  config {
    service         = "entra_id"
    entra_id        = { tenant_id = "8b5f1c2e-6f7a-4d3b-9c1e-2a4b6c8d0e1f" }
    auth            = { client_id = "3f2a9c4e-1b7d-4e8f-a6c5-0d9e8f7a6b5c", client_secret_env = "ENTRA_ADMIN_SECRET" }
    name_prefix     = "payroll"
    include_healthy = true
  }
}
