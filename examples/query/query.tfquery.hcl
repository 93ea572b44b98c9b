# The sandbox's address, set by tools/demo.sh.
variable "sandbox_url" {
  type = string
}

# Admin secrets come from environment variables (tools/demo.sh exports the
# sandbox's), read by the provider: terraform query -json prints list
# blocks' arguments, so secrets stay out of them.

# App registrations with a secret or certificate expiring within 30 days,
# a redirect URI that breaks the rules, no owner, or a disabled account.
list "handshake_connector" "entra" {
  provider         = handshake
  include_resource = true
  config {
    service = "entra_id"
    entra_id = {
      tenant_id     = "8f1c2e4a-5b6d-4e7f-9a0b-1c2d3e4f5a6b"
      authority_url = "${var.sandbox_url}/entra"
      graph_url     = "${var.sandbox_url}/entra"
    }
    auth            = { client_id = "0f3b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", client_secret_env = "DEMO_ENTRA_ADMIN_SECRET" }
    expiring_within = "720h"
  }
}

list "handshake_connector" "okta" {
  provider         = handshake
  include_resource = true
  config {
    service = "okta"
    okta    = { domain = "dev-123456.okta.com", base_url = "${var.sandbox_url}/okta" }
    auth    = { token_env = "DEMO_OKTA_ADMIN_TOKEN" }
  }
}

list "handshake_connector" "keycloak" {
  provider         = handshake
  include_resource = true
  config {
    service  = "keycloak"
    keycloak = { base_url = "${var.sandbox_url}/keycloak", realm = "acme" }
    auth     = { client_id = "healthy.inventory", client_secret_env = "DEMO_KEYCLOAK_ADMIN_SECRET" }
  }
}

# Every installation of the GitHub App, healthy or not.
list "handshake_connector" "github" {
  provider         = handshake
  include_resource = true
  config {
    service         = "github"
    github          = { base_url = "${var.sandbox_url}/github", app_type = "github_app", app_id = "123456" }
    auth            = { private_key_env = "DEMO_GITHUB_APP_KEY" }
    include_healthy = true
  }
}
