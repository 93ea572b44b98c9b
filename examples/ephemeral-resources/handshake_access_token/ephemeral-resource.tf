variable "client_secret" {
  type      = string
  sensitive = true
}

# A short-lived token from the connector's own token flow, handed to another
# provider without ever being stored in state or plan.
ephemeral "handshake_access_token" "api" {
  name            = "internal-api"
  service         = "oauth2"
  oauth2          = { issuer = "https://idp.example.com" }
  auth            = { client_id = "terraform", client_secret = var.client_secret }
  required_scopes = ["api:write"]
}

provider "restapi" {
  uri     = "https://api.example.com"
  headers = { Authorization = "Bearer ${ephemeral.handshake_access_token.api.access_token}" }
}
