# make demo-drift: a small healthy fleet that a scheduled job watches with
# `terraform plan -refresh-only -detailed-exitcode`. The demo revokes the
# Slack bot token in the sandbox between two refreshes.
#
# Secrets here are plain sensitive arguments, not write-only ones: a refresh
# re-tests a connector from state, and write-only secrets are never in state
# (those connectors are re-tested by every ordinary plan instead).

terraform {
  required_providers {
    handshake = {
      source = "handshake-tf/handshake"
    }
  }
}

provider "handshake" {
  timeout = "5s"
}

variable "sandbox_url" {
  type = string
}
variable "untrusted_tls_url" {
  type    = string
  default = ""
}
variable "idp_url" {
  type = string
}

resource "handshake_connector" "slack_alerts" {
  name    = "slack-alerts"
  service = "slack"
  slack   = { base_url = "${var.sandbox_url}/slack/api" }
  auth = {
    token = "xoxb-1111-sandbox-drift-AbCdEfGhIjKlMn"
  }
}

resource "handshake_connector" "okta_users" {
  name    = "okta-users"
  service = "okta"
  okta    = { domain = "acme.okta.com", base_url = "${var.sandbox_url}/okta" }
  auth    = { token = "healthy.00demoOktaApiToken0123456789" }
}

resource "handshake_connector" "governance_sync" {
  name            = "governance-sync"
  service         = "oauth2"
  oauth2          = { token_url = "${var.idp_url}/token" }
  auth            = { client_id = "governance-sync", client_secret = "demo-governance-sync-secret-0123456789" }
  required_scopes = ["api:read"]
}
