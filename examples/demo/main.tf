# A fleet of connectors, most of them broken in the ways integrations usually
# break. `make demo` builds the provider, starts the in-repo vendor sandbox
# and a real OAuth server on 127.0.0.1, and plans this directory. Broken
# connectors use on_failure = "warn" so that one plan shows them all; with the
# default, each of them would stop the plan. The key files read below
# (github-app.pem, google-directory-sync.json) are written into the working
# directory by the sandbox when the demo starts (tools/demo.sh), never checked in.

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

# make demo passes these in.
variable "sandbox_url" {
  type        = string
  description = "The in-repo vendor sandbox (Entra ID, GitHub, Okta, Google, Slack)."
}
variable "untrusted_tls_url" {
  type        = string
  description = "The sandbox over TLS, with a certificate from an authority nobody trusts."
}
variable "idp_url" {
  type        = string
  description = "A real OAuth 2.0 / OpenID Connect server (oidc-provider)."
}

# Secrets as a CI job would pass them (TF_VAR_…); the sandbox picks its
# scenario from the secret.
variable "secrets" {
  type      = map(string)
  sensitive = true
  default = {
    entra_ok        = "sandbox-entra-ok-demo"
    entra_expired   = "sandbox-entra-expired-demo"
    entra_secret_id = "3f1c9a2e-7b4d-4c8e-9f0a-1b2c3d4e5f60" # the Secret ID column, pasted instead of the Value
    slack_revoked   = "xoxb-1111-sandbox-revoked-AbCdEfGhIj"
    slack_scopes    = "xoxb-1111-sandbox-scopes-AbCdEfGhIjKl"
    github_token    = "github_pat_sandbox_11ABCDEFG0demo"
    okta_token      = "healthy.00demoOktaApiToken0123456789"
    idp_sync        = "demo-governance-sync-secret-0123456789"
    idp_legacy      = "demo-legacy-export-secret-0123456789"
  }
}

locals {
  entra = {
    tenant_id     = "8f1c2e4a-5b6d-4e7f-9a0b-1c2d3e4f5a6b"
    client_id     = "0f3b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    authority_url = "${var.sandbox_url}/entra"
  }
}

# ── Microsoft Entra ID ────────────────────────────────────────────────────

# Healthy: app-only Graph access with admin-consented permissions (application
# permissions, checked against what admin consent granted).
resource "handshake_connector" "entra_directory" {
  name                 = "governance-directory"
  service              = "entra_id"
  entra_id             = { tenant_id = local.entra.tenant_id, authority_url = local.entra.authority_url, graph_url = local.entra.authority_url }
  auth                 = { client_id = local.entra.client_id, client_secret_wo = var.secrets["entra_ok"] }
  redirect_uris        = ["https://governance.example.com/oauth/callback"]
  required_permissions = ["User.Read.All", "GroupMember.Read.All"]
}

# Broken: the client secret passed its end date (AADSTS7000222).
resource "handshake_connector" "entra_hr_sync" {
  name       = "hr-sync"
  service    = "entra_id"
  entra_id   = { tenant_id = local.entra.tenant_id, authority_url = local.entra.authority_url, graph_url = local.entra.authority_url }
  auth       = { client_id = local.entra.client_id, client_secret_wo = var.secrets["entra_expired"] }
  on_failure = "warn"
}

# Broken: the Secret ID was pasted instead of the secret's Value (AADSTS7000215).
resource "handshake_connector" "entra_audit" {
  name       = "audit-logs"
  service    = "entra_id"
  entra_id   = { tenant_id = local.entra.tenant_id, authority_url = local.entra.authority_url, graph_url = local.entra.authority_url }
  auth       = { client_id = local.entra.client_id, client_secret_wo = var.secrets["entra_secret_id"] }
  on_failure = "warn"
}

# Broken offline: client credentials cannot use the multi-tenant "common" endpoint.
resource "handshake_connector" "entra_reports" {
  name       = "usage-reports"
  service    = "entra_id"
  entra_id   = { tenant_id = "common" }
  auth       = { client_id = local.entra.client_id, client_secret_wo = var.secrets["entra_ok"] }
  on_failure = "warn"
}

# ── Slack ─────────────────────────────────────────────────────────────────

# Broken: an admin revoked the bot token.
resource "handshake_connector" "slack_alerts" {
  name       = "slack-alerts"
  service    = "slack"
  slack      = { base_url = "${var.sandbox_url}/slack/api" }
  auth       = { token_wo = var.secrets["slack_revoked"] }
  on_failure = "warn"
}

# Broken: the app was never granted a scope the connector needs.
resource "handshake_connector" "slack_digest" {
  name            = "slack-digest"
  service         = "slack"
  slack           = { base_url = "${var.sandbox_url}/slack/api" }
  auth            = { token_wo = var.secrets["slack_scopes"] }
  required_scopes = ["chat:write", "channels:history"]
  on_failure      = "warn"
}

# ── GitHub ────────────────────────────────────────────────────────────────

# Healthy: a fine-grained token reading the organisation.
resource "handshake_connector" "github_audit" {
  name    = "github-audit"
  service = "github"
  github  = { base_url = "${var.sandbox_url}/github", app_type = "token", organization = "octo-org" }
  auth    = { token_wo = var.secrets["github_token"] }
}

# Broken: the GitHub App is not installed on the organisation.
resource "handshake_connector" "github_app" {
  name       = "github-governance-app"
  service    = "github"
  github     = { base_url = "${var.sandbox_url}/github", app_type = "github_app", app_id = "123456", organization = "acme-corp" }
  auth       = { private_key_wo = file("${path.module}/github-app.pem") }
  on_failure = "warn"
}

# ── Google Workspace ──────────────────────────────────────────────────────

# Broken: the service account has no domain-wide delegation for the scope.
resource "handshake_connector" "google_directory" {
  name             = "google-directory"
  service          = "google_workspace"
  google_workspace = { impersonate = "admin@example.com", base_url = "${var.sandbox_url}/google" }
  auth             = { service_account_key_wo = file("${path.module}/google-directory-sync.json") }
  required_scopes  = ["https://www.googleapis.com/auth/admin.directory.user.readonly"]
  on_failure       = "warn"
}

# Broken offline: a Google scope in short form instead of its URL.
resource "handshake_connector" "google_groups" {
  name             = "google-groups"
  service          = "google_workspace"
  google_workspace = { impersonate = "admin@example.com", base_url = "${var.sandbox_url}/google" }
  auth             = { service_account_key_wo = file("${path.module}/google-directory-sync.json") }
  required_scopes  = ["admin.directory.group.readonly"]
  on_failure       = "warn"
}

# ── Okta ──────────────────────────────────────────────────────────────────

# Healthy: an API token (sent as SSWS <token>).
resource "handshake_connector" "okta_users" {
  name    = "okta-users"
  service = "okta"
  okta    = { domain = "acme.okta.com", base_url = "${var.sandbox_url}/okta" }
  auth    = { token_wo = var.secrets["okta_token"] }
}

# Broken offline: the Okta domain was typed with https://.
resource "handshake_connector" "okta_groups" {
  name       = "okta-groups"
  service    = "okta"
  okta       = { domain = "https://acme.okta.com" }
  auth       = { token_wo = var.secrets["okta_token"] }
  on_failure = "warn"
}

# ── Generic OAuth 2.0, against a real authorization server ───────────────

# Healthy: client credentials with the scope the client is allowed.
resource "handshake_connector" "governance_sync" {
  name            = "governance-sync"
  service         = "oauth2"
  oauth2          = { token_url = "${var.idp_url}/token", authorization_url = "${var.idp_url}/auth" }
  auth            = { client_id = "governance-sync", client_secret_wo = var.secrets["idp_sync"] }
  required_scopes = ["api:read"]
  redirect_uris   = ["https://governance.example.com/oauth/callback"]
}

# Broken: this redirect URI was never registered with the authorization server.
resource "handshake_connector" "governance_portal" {
  name            = "governance-portal"
  service         = "oauth2"
  oauth2          = { token_url = "${var.idp_url}/token", authorization_url = "${var.idp_url}/auth" }
  auth            = { client_id = "governance-sync", client_secret_wo = var.secrets["idp_sync"] }
  required_scopes = ["api:read"]
  redirect_uris   = ["https://portal.example.com/oauth/callback"]
  on_failure      = "warn"
}

# Broken: the client secret passed its end date on the server.
resource "handshake_connector" "legacy_export" {
  name       = "legacy-export"
  service    = "oauth2"
  oauth2     = { token_url = "${var.idp_url}/token" }
  auth       = { client_id = "legacy-export", client_secret_wo = var.secrets["idp_legacy"] }
  on_failure = "warn"
}

# Broken offline: a refresh token is needed but the refresh_token scope is not requested.
resource "handshake_connector" "snowflake_bi" {
  name                  = "snowflake-bi"
  service               = "snowflake"
  snowflake             = { account = "myorg-analytics" }
  auth                  = { client_id = "sf-client", client_secret_wo = var.secrets["idp_sync"] }
  required_scopes       = ["session:role:ANALYST"]
  require_refresh_token = true
  on_failure            = "warn"
}

# Broken: the endpoint's TLS certificate comes from an unknown authority.
resource "handshake_connector" "status_page" {
  name       = "status-page"
  service    = "http"
  http       = { url = "${var.untrusted_tls_url}/health", auth_scheme = "none" }
  on_failure = "warn"
}

# Expiring: an API key that runs out in ten days.
resource "handshake_credential" "pagerduty_key" {
  type       = "api_key"
  value_wo   = "u+demo-pagerduty-key-0123456789"
  expires_at = timeadd(plantimestamp(), "240h")
}

# Broken: the Keycloak client's secret was regenerated in the admin console (unauthorized_client).
resource "handshake_connector" "keycloak_sync" {
  name       = "keycloak-sync"
  service    = "keycloak"
  keycloak   = { base_url = "${var.sandbox_url}/keycloak", realm = "acme" }
  auth       = { client_id = "healthy.keycloak-sync", client_secret_wo = "demo-keycloak-superseded-secret-0123456789" }
  on_failure = "warn"
}

# Broken: a Snowflake programmatic access token for a user without a network policy (390432).
variable "snowflake_pat" {
  type      = string
  sensitive = true
  default   = "sfpat-sandbox-netpolicy-demo0123456789"
}

resource "handshake_connector" "snowflake_reporting" {
  name       = "snowflake-reporting"
  service    = "snowflake"
  snowflake  = { account = "acme-analytics", base_url = "${var.sandbox_url}/snowflake/acme-analytics", role = "ANALYST" }
  auth       = { token_wo = var.snowflake_pat }
  on_failure = "warn"
}

# Broken: the org locks sessions to the IP address they came from, so the
# API refuses the token issued seconds earlier (Defender's "Get Permissions:
# NoHttpResponseException" in seed 003).
resource "handshake_connector" "salesforce_crm" {
  name       = "salesforce-crm"
  service    = "salesforce"
  salesforce = { login_url = "${var.sandbox_url}/salesforce", api_version = "v61.0" }
  auth       = { client_id = "3MVG9.sandbox.iplock.DemoCrmSync0123", client_secret_wo = "SANDBOX0SALESFORCE0CONSUMER0SECRET0123456789ABCDEF" }
  on_failure = "warn"
}

# Broken: the Atlassian organization's audit log needs Atlassian Guard, which it lacks (HTTP 402).
resource "handshake_connector" "atlassian_audit_log" {
  name       = "atlassian-audit-log"
  service    = "atlassian"
  atlassian  = { org_id = "9a1jj823-jac8-123d-jj01-63315k059cb2", base_url = "${var.sandbox_url}/atlassian" }
  auth       = { token_wo = "no_guard.ATCTT3xFfGN0demo-admin-api-key" }
  on_failure = "warn"
}

# Broken: the Box admin never authorized the app (or removed it) in Platform Apps Manager.
resource "handshake_connector" "box_archive" {
  name       = "box-archive"
  service    = "box"
  box        = { enterprise_id = "1234567", base_url = "${var.sandbox_url}/box" }
  auth       = { client_id = "k3xq9z8w7v6u5t4s3r2q1p0o9n8m7l6k", client_secret_wo = "app-not-authorized.demoBoxSecret0123" }
  on_failure = "warn"
}

# Broken: event reporting on a Smartsheet plan without the Event Reporting add-on (1013, seed 003).
variable "smartsheet_token" {
  type      = string
  sensitive = true
  default   = "ll352u9jujau-sandbox-noaddon-demo0123"
}

resource "handshake_connector" "smartsheet_audit" {
  name            = "smartsheet-audit"
  service         = "smartsheet"
  smartsheet      = { base_url = "${var.sandbox_url}/smartsheet/com/2.0" }
  auth            = { token_wo = var.smartsheet_token }
  required_scopes = ["READ_EVENTS"]
  on_failure      = "warn"
}

# Broken: an AWS role whose trust policy requires another external id (AccessDenied on sts:AssumeRole).
variable "aws_secret_access_key" {
  type      = string
  sensitive = true
  default   = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
}

resource "handshake_connector" "aws_audit" {
  name    = "aws-audit"
  service = "aws"
  aws = {
    region       = "us-east-1"
    base_url     = "${var.sandbox_url}/aws/us-east-1"
    iam_base_url = "${var.sandbox_url}/aws/iam"
    role_arn     = "arn:aws:iam::123456789012:role/audit-external"
    external_id  = "acme-handshake-old-id"
  }
  auth            = { username = "AKIASANDBOXHEALTHY01", password_wo = var.aws_secret_access_key }
  required_scopes = ["cloudtrail:LookupEvents"]
  on_failure      = "warn"
}

# Broken: the Workday integration system user behind the refresh token is disabled (invalid_grant).
resource "handshake_connector" "workday_workers" {
  name       = "workday-workers"
  service    = "workday"
  workday    = { tenant = "acme_impl", host = "wd2-impl-services1.workday.com", base_url = "${var.sandbox_url}/workday" }
  auth       = { client_id = "NzQ5YjM1ZjQtYWNtZS1pbnRlZ3JhdGlvbnM", client_secret_wo = "sbx-workday-Q2xpZW50U2VjcmV0LWZvci1pbnRlZ3JhdGlvbnM", token_wo = "isu-disabled.demo-workday-refresh-token" }
  on_failure = "warn"
}

# Broken: the audit connector's ServiceNow user is not an admin (Defender for Cloud Apps: "403 Forbidden").
resource "handshake_connector" "servicenow_audit" {
  name            = "servicenow-audit"
  service         = "servicenow"
  servicenow      = { instance = "dev12345", base_url = "${var.sandbox_url}/servicenow" }
  auth            = { username = "svc.itil", password_wo = "Sandbox-ServiceNow-Pa55word" }
  required_scopes = ["admin"]
  on_failure      = "warn"
}

# Broken: the Zendesk user behind the API token is no longer an admin, so the audit log is refused (seed 003).
variable "zendesk_api_token" {
  type      = string
  sensitive = true
  default   = "ok.sbxZendeskApiToken0123456789abcdefABCDEF" # the sandbox's; the e-mail picks the user
}

resource "handshake_connector" "zendesk_audit" {
  name       = "zendesk-audit"
  service    = "zendesk"
  zendesk    = { subdomain = "acme", base_url = "${var.sandbox_url}/zendesk/acme", audit_logs = true }
  auth       = { username = "agent@acme.example", token_wo = var.zendesk_api_token }
  on_failure = "warn"
}
