package provider

import "fmt"

// validConnectorBodies returns one realistic, correct connector per service:
// each must plan and apply with no error.
func validConnectorBodies() []string {
	return []string{
		`  service = "oauth2"
  oauth2 = { token_url = "https://idp.example.com/oauth2/token", probe_url = "https://api.example.com/v1/me" }
  auth = { client_id = "sync-client", client_secret_wo = "3f9c2b7e-value-not-an-id-abc123" }
  required_scopes = ["api:read"]
  redirect_uris = ["https://app.example.com/callback", "http://127.0.0.1:8250/callback"]`,
		`  service = "api_key"
  api_key = { probe_url = "https://api.pagerduty.example.com/users/me", prefix = "Token token=" }
  auth = { token_wo = "u+Xk3jq9v8y7t6r5e4w3" }`,
		`  service = "http"
  http = { url = "https://status.example.com/health", auth_scheme = "basic" }
  auth = { username = "monitor", password_wo = "correct-horse-battery-staple" }`,
		`  service = "entra_id"
  entra_id = { tenant_id = "` + testTenant + `" }
  auth = { client_id = "` + testClientID + `", client_secret_wo = "Q~8Rk3.aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456" }
  required_scopes = ["https://graph.microsoft.com/.default"]
  redirect_uris = ["https://governance.example.com/oauth/callback", "http://127.0.0.1:5000/callback"]`,
		`  service = "microsoft_365"
  microsoft_365 = { tenant_id = "contoso.onmicrosoft.com" }
  auth = { client_id = "` + testClientID + `", client_secret_wo = "Q~8Rk3.aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456" }
  required_scopes = ["https://manage.office.com/.default"]`,
		`  service = "github"
  github = { app_type = "token", organization = "acme", repositories = ["acme/api", "acme/web"] }
  auth = { token_wo = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRS" }`,
		`  service = "okta"
  okta = { domain = "acme.okta.com" }
  auth = { client_id = "0oa1b2c3d4e5f6g7h8i9", private_key_wo = ` + fmt.Sprintf("%q", testPrivateKeyPEM()) + ` }
  required_scopes = ["okta.users.read", "okta.groups.read"]`,
		`  service = "google_workspace"
  google_workspace = { impersonate = "admin@example.com" }
  auth = { service_account_key_wo = ` + fmt.Sprintf("%q", testServiceAccountKey()) + ` }
  required_scopes = ["https://www.googleapis.com/auth/admin.directory.user.readonly"]`,
		`  service = "slack"
  slack = { team_id = "T0123ABCD" }
  auth = { token_wo = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx" }
  required_scopes = ["users:read", "channels:read"]
  redirect_uris = ["https://slack-bot.example.com/oauth/callback"]`,
		`  service = "snowflake"
  snowflake = { account = "myorg-analytics", role = "ANALYST" }
  auth = { client_id = "sf-client", client_secret_wo = "snowflake-oauth-secret-0123456789", token_wo = "ver:1-hint:123-refresh" }
  required_scopes = ["session:role:ANALYST", "refresh_token"]
  require_refresh_token = true
  redirect_uris = ["https://bi.example.com/oauth/callback"]`,
		`  service = "keycloak"
  keycloak = { base_url = "https://sso.example.com", realm = "corp" }
  auth = { client_id = "governance-sync", client_secret_wo = "kc-secret-0123456789abcdef" }`,
		`  service = "salesforce"
  salesforce = { login_url = "https://acme.my.salesforce.com", api_version = "v61.0" }
  auth = { client_id = "3MVG9A2kN3Bn17hsWsLDatw", client_secret_wo = "salesforce-consumer-secret-0123" }
  required_scopes = ["api", "refresh_token"]`,
		`  service = "box"
  box = { enterprise_id = "123456", subject_type = "enterprise", subject_id = "123456" }
  auth = { client_id = "abcdefghijklmnopqrstuvwxyz012345", client_secret_wo = "box-client-secret-0123456789" }`,
		`  service = "servicenow"
  servicenow = { instance = "dev12345" }
  auth = { username = "svc.integration", password_wo = "servicenow-password-0123" }`,
		`  service = "zendesk"
  zendesk = { subdomain = "acme" }
  auth = { username = "ops@example.com", token_wo = "zendesk-api-token-0123456789" }`,
		`  service = "workday"
  workday = { tenant = "acme_preview", host = "wd2-impl-services1.workday.com" }
  auth = { client_id = "ZGVmYXVsdC1jbGllbnQ", client_secret_wo = "workday-client-secret-0123", token_wo = "workday-refresh-token-0123" }`,
		`  service = "atlassian"
  atlassian = { site = "acme.atlassian.net" }
  auth = { username = "ops@example.com", token_wo = "ATATT3xFfGF0-example-token-0123456789" }`,
		`  service = "smartsheet"
  auth = { token_wo = "smartsheet-api-token-0123456789abcdef" }
  required_scopes = ["READ_SHEETS"]`,
		`  service = "aws"
  aws = { region = "us-east-1", role_arn = "arn:aws:iam::123456789012:role/HandshakeAudit", external_id = "handshake-audit-2026" }
  auth = { username = "AKIAIOSFODNN7EXAMPLE", password_wo = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }`,
	}
}
