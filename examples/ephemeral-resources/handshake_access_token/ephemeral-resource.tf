terraform {
  required_version = ">= 1.11.0" # ephemeral values in write-only arguments
  required_providers {
    handshake = {
      source = "handshake-tf/handshake"
    }
  }
}

# Pass the secret from the environment: export TF_VAR_client_secret=…
variable "client_secret" {
  type      = string
  sensitive = true
}

# A short-lived token from the connector's own token flow. It is never stored
# in state or plan, so it may only go where ephemeral values are allowed:
# provider blocks, write-only arguments, locals and other ephemeral resources.
ephemeral "handshake_access_token" "api" {
  name            = "internal-api"
  service         = "oauth2"
  oauth2          = { issuer = "https://idp.example.com" }
  auth            = { client_id = "terraform", client_secret = var.client_secret }
  required_scopes = ["api:read"]
}

# Check that the internal API accepts the identity provider's tokens: the
# token goes into a write-only argument, which accepts ephemeral values.
resource "handshake_connector" "internal_api" {
  name    = "internal-api-health"
  service = "http"
  http = {
    url         = "https://api.example.com/v1/health"
    auth_scheme = "bearer"
  }
  auth = {
    token_wo = ephemeral.handshake_access_token.api.access_token
  }
}
