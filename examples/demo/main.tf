# A fleet of connectors, most of them broken in the ways integrations usually
# break. `make demo` plans this directory with the locally built provider.
# Broken connectors use on_failure = "warn" so that one plan shows them all.

terraform {
  required_providers {
    handshake = {
      source = "handshake-tf/handshake"
    }
  }
}

provider "handshake" {
  expiry_warning = "720h"
  timeout        = "5s"
}

# make demo starts these on 127.0.0.1 and passes their addresses in.
variable "sandbox_url" {
  type        = string
  description = "The in-repo vendor sandbox."
}
variable "untrusted_tls_url" {
  type        = string
  description = "The sandbox over TLS, with a certificate from an authority nobody trusts."
}
variable "idp_url" {
  type        = string
  description = "A real OAuth 2.0 / OpenID Connect server (oidc-provider)."
}

variable "idp_secret" {
  type      = string
  sensitive = true
  default   = "demo-governance-sync-secret-0123456789"
}

variable "legacy_secret" {
  type      = string
  sensitive = true
  default   = "demo-legacy-export-secret-0123456789"
}

# Healthy: client credentials against a real OAuth server.
resource "handshake_connector" "governance_sync" {
  name            = "governance-sync"
  service         = "oauth2"
  oauth2          = { token_url = "${var.idp_url}/token", authorization_url = "${var.idp_url}/auth" }
  auth            = { client_id = "governance-sync", client_secret_wo = var.idp_secret }
  required_scopes = ["api:read"]
  redirect_uris   = ["https://governance.example.com/oauth/callback"]
}

# Broken: this redirect URI was never registered with the authorization server.
resource "handshake_connector" "governance_portal" {
  name            = "governance-portal"
  service         = "oauth2"
  oauth2          = { token_url = "${var.idp_url}/token", authorization_url = "${var.idp_url}/auth" }
  auth            = { client_id = "governance-sync", client_secret_wo = var.idp_secret }
  required_scopes = ["api:read"]
  redirect_uris   = ["https://portal.example.com/oauth/callback"]
  on_failure      = "warn"
}

# Broken: the client secret passed its end date on the server.
resource "handshake_connector" "legacy_export" {
  name       = "legacy-export"
  service    = "oauth2"
  oauth2     = { token_url = "${var.idp_url}/token" }
  auth       = { client_id = "legacy-export", client_secret_wo = var.legacy_secret }
  on_failure = "warn"
}

# Broken: the endpoint's TLS certificate comes from an unknown authority.
resource "handshake_connector" "status_page" {
  name       = "status-page"
  service    = "http"
  http       = { url = "${var.untrusted_tls_url}/health", auth_scheme = "none" }
  on_failure = "warn"
}

variable "entra_secret" {
  type      = string
  sensitive = true
  # The Secret ID column of "Certificates & secrets", pasted instead of the Value.
  default = "8c2f5a91-3b7e-4d2a-9f61-0e4b7c9d1a23"
}

variable "demo_token" {
  type      = string
  sensitive = true
  default   = "00demo-token-value-0123456789abcdef"
}

# Healthy: Okta through an API token (sent as SSWS <token>).
resource "handshake_connector" "okta_users" {
  name    = "okta-users"
  service = "okta"
  okta    = { domain = "acme.okta.com" }
  auth    = { token_wo = var.demo_token }
}

# Healthy: a GitHub organisation read with a fine-grained token.
resource "handshake_connector" "github_audit" {
  name    = "github-audit"
  service = "github"
  github  = { app_type = "token", organization = "acme" }
  auth    = { token_wo = "github_pat_11ABCDEFG0123456789_demoTokenValue0123456789abcdefghijklmnopqrstuvwxyzAB" }
}

# Broken: the Okta domain was typed with https://.
resource "handshake_connector" "okta_groups" {
  name       = "okta-groups"
  service    = "okta"
  okta       = { domain = "https://acme.okta.com" }
  auth       = { token_wo = var.demo_token }
  on_failure = "warn"
}

# Broken: the Entra client secret is the Secret ID, not the Value (AADSTS7000215).
resource "handshake_connector" "entra_directory" {
  name     = "governance-directory"
  service  = "entra_id"
  entra_id = { tenant_id = "72f988bf-86f1-41af-91ab-2d7cd011db47" }
  auth = {
    client_id        = "0f3b6a1e-2c4d-4e5f-8a9b-1c2d3e4f5a6b"
    client_secret_wo = var.entra_secret
  }
  required_scopes = ["https://graph.microsoft.com/.default"]
  on_failure      = "warn"
}

# Broken: client credentials cannot use the multi-tenant "common" endpoint.
resource "handshake_connector" "entra_audit" {
  name       = "audit-logs"
  service    = "entra_id"
  entra_id   = { tenant_id = "common" }
  auth       = { client_id = "0f3b6a1e-2c4d-4e5f-8a9b-1c2d3e4f5a6b", client_secret_wo = var.demo_token }
  on_failure = "warn"
}

# Broken: Slack only accepts https redirect URLs.
resource "handshake_connector" "slack_alerts" {
  name            = "slack-alerts"
  service         = "slack"
  auth            = { token_wo = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx" }
  required_scopes = ["chat:write"]
  redirect_uris   = ["http://alerts.example.com/slack/oauth"]
  on_failure      = "warn"
}

# Broken: a Google scope in short form, not as its full URL.
resource "handshake_connector" "google_directory" {
  name             = "google-directory"
  service          = "google_workspace"
  google_workspace = { impersonate = "admin@example.com" }
  required_scopes  = ["admin.directory.user.readonly"]
  on_failure       = "warn"
}

# Broken: a refresh token is needed but the refresh_token scope is not requested.
resource "handshake_connector" "snowflake_bi" {
  name                  = "snowflake-bi"
  service               = "snowflake"
  snowflake             = { account = "myorg-analytics" }
  required_scopes       = ["session:role:ANALYST"]
  require_refresh_token = true
  on_failure            = "warn"
}

# Broken: GitHub OAuth apps never issue refresh tokens.
resource "handshake_connector" "github_oauth" {
  name                  = "github-sso"
  service               = "github"
  github                = { app_type = "oauth_app", organization = "acme" }
  auth                  = { client_id = "Iv1.8a61f9b3a7aba766", client_secret_wo = var.demo_token }
  require_refresh_token = true
  on_failure            = "warn"
}

# Broken: a redirect URI with a fragment, and one on plain http.
resource "handshake_connector" "internal_idp" {
  name          = "internal-idp"
  service       = "oauth2"
  oauth2        = { token_url = "https://idp.example.com/oauth2/token" }
  auth          = { client_id = "internal-sync", client_secret_wo = var.demo_token }
  redirect_uris = ["https://app.example.com/callback#done", "http://app.example.com/callback"]
  on_failure    = "warn"
}

# Expiring: an API key that runs out in ten days.
resource "handshake_credential" "pagerduty_key" {
  type       = "api_key"
  value_wo   = "u+demo-pagerduty-key-0123456789"
  expires_at = timeadd(plantimestamp(), "240h")
}
