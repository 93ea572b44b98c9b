terraform {
  required_providers {
    handshake = {
      source = "handshake-tf/handshake"
    }
  }
}

# Secrets come from the environment, for example
#   export TF_VAR_entra_client_secret=…
#   export TF_VAR_okta_private_key="$(cat okta-service-app.pem)"
variable "entra_client_secret" {
  type      = string
  sensitive = true
}

variable "okta_private_key" {
  type        = string
  sensitive   = true
  description = "The PEM private key of the Okta API service app (Public key / Private key client authentication)."
}

# An Entra ID app used by a governance sync. The secret is write-only: it is
# never stored in state. Bump secret_version after rotating it.
resource "handshake_connector" "entra" {
  name    = "governance-directory"
  service = "entra_id"
  entra_id = {
    tenant_id = "72f988bf-86f1-41af-91ab-2d7cd011db47"
  }
  auth = {
    client_id        = "0f3b6a1e-2c4d-4e5f-8a9b-1c2d3e4f5a6b"
    client_secret_wo = var.entra_client_secret
    secret_version   = 3
  }
  # Application permissions, checked against the token's roles claim.
  required_permissions = ["User.Read.All", "GroupMember.Read.All"]
  redirect_uris        = ["https://governance.example.com/oauth/callback"]
}

# An Okta service app reading users and groups through the org authorization
# server, which grants okta.* scopes only to apps that sign in with a private key.
resource "handshake_connector" "okta" {
  name    = "okta-users"
  service = "okta"
  okta = {
    domain = "acme.okta.com"
  }
  auth = {
    client_id      = "0oa1b2c3d4e5f6g7h8i9"
    private_key_wo = var.okta_private_key
    secret_version = 1
  }
  required_scopes = ["okta.users.read", "okta.groups.read"]
  on_failure      = "warn" # report problems without blocking the plan
}
