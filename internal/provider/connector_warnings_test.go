package provider

import (
	"strings"
	"testing"
)

// TestAccConnector_warningsThroughCLI drives the rules that warn rather than
// fail through a real `terraform plan` and reads what the user would see:
// the plan succeeds, and the warning names its category and points at the
// offending line.
func TestAccConnector_warningsThroughCLI(t *testing.T) {
	t.Parallel()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.offline()
	cli.init()
	tests := []struct {
		name     string
		prefix   string // top-level HCL, such as a sensitive variable
		body     string
		category string
		line     string
	}{
		{"localhost redirect", "", `
  service = "oauth2"
  oauth2 = { token_url = "https://idp.example.com/oauth2/token" }
  auth = { client_id = "cli", client_secret = "abcdef0123456789" }
  redirect_uris = ["http://localhost:8080/callback"]`, "redirect_uri_invalid", "redirect_uris"},
		{"entra secret id pasted as value", `
variable "secret" {
  type      = string
  sensitive = true
  default   = "8c2f5a91-3b7e-4d2a-9f61-0e4b7c9d1a23"
}
`, `
  service = "entra_id"
  entra_id = { tenant_id = "` + testTenant + `" }
  auth = { client_id = "` + testClientID + `", client_secret = var.secret }`, "invalid_credentials", "client_secret"},
		{"duplicate scope", "", `
  service = "okta"
  okta = { domain = "dev-123456.okta.com" }
  auth = { token = "00okta-api-token-0123456789abcdef" }
  required_scopes = ["okta.users.read", "okta.users.read"]`, "invalid_scope", "required_scopes"},
		{"auth attribute the service ignores", "", `
  service = "slack"
  auth = { token = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", service_account_key = "{}" }`, "invalid_configuration", "service_account_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := cli.run(tt.prefix+connectorConfig(tt.body), "plan", "-no-color", "-input=false")
			if code != 0 {
				t.Fatalf("plan failed (exit %d), want warnings only:\n%s", code, out)
			}
			if !hasDiagnostic(out, "Warning", tt.line, tt.category) {
				t.Fatalf("no warning with category %s on a line matching %q:\n%s", tt.category, tt.line, out)
			}
			if strings.Contains(out, "8c2f5a91-3b7e-4d2a-9f61-0e4b7c9d1a23") {
				t.Fatal("the secret appears in the plan output")
			}
		})
	}
}
