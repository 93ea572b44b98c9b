package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicenow"
)

// servicenowSecrets are the sandbox's password and client secret, and wrong
// ones; bearer tokens carry their scenario words.
var servicenowSecrets = map[string]string{
	"pw":         servicenow.SandboxPassword,
	"pw_bad":     "Wrong-ServiceNow-Pa55word",
	"secret":     servicenow.SandboxClientSecret,
	"secret_bad": "wrong0servicenow0client0secret00",
	"token":      "sandbox-svc-handshake-0000000001",
	"token_bad":  "0123456789abcdefFEDCBA9876543210",
}

func TestAccLive_servicenowFailuresThroughPlan(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	base := srv.VendorURL("servicenow")
	block := func(url string) string {
		return fmt.Sprintf("  servicenow = {\n    instance = \"dev12345\"\n    base_url = %q\n  }\n", url)
	}
	basic := func(user, pw string, extra ...string) string {
		return block(base) + fmt.Sprintf("  auth = {\n    username    = %q\n    password_wo = var.secrets[%q]\n  }\n%s", user, pw, strings.Join(extra, "\n"))
	}
	oauth := func(client, secret, user, pw string, extra ...string) string {
		auth := fmt.Sprintf("    client_id        = %q\n    client_secret_wo = var.secrets[%q]\n", client, secret)
		if user != "" {
			auth += fmt.Sprintf("    username         = %q\n    password_wo      = var.secrets[%q]\n", user, pw)
		}
		return block(base) + "  auth = {\n" + auth + "  }\n" + strings.Join(extra, "\n")
	}
	bearer := func(tok string) string {
		return block(base) + fmt.Sprintf("  auth = { token_wo = var.secrets[%q] }\n", tok)
	}
	const client = "sandbox-a1b2c3d4e5f60718293a4b5c6d7e8f90"
	cases := []vendorAcc{
		{name: "basic_healthy", body: basic("svc.handshake", "pw", `  required_scopes = ["admin"]`)},
		{name: "password_grant_healthy", body: oauth(client, "secret", "svc.handshake", "pw", "  require_refresh_token = true")},
		{name: "client_credentials_healthy", body: oauth(client, "secret", "", "")},
		{name: "bearer_healthy", body: bearer("token")},
		{name: "wrong_password", body: basic("svc.handshake", "pw_bad"),
			kind: "Error", category: "invalid_credentials", line: "password_wo", text: "User Not Authenticated"},
		{name: "bearer_unknown", body: bearer("token_bad"),
			kind: "Error", category: "invalid_credentials", line: "token_wo", text: "User Not Authenticated"},
		{name: "password_grant_wrong_secret", body: oauth(client, "secret_bad", "svc.handshake", "pw"),
			kind: "Error", category: "invalid_credentials", line: "client_secret_wo", text: "server_error"},
		{name: "password_grant_wrong_password", body: oauth(client, "secret", "svc.handshake", "pw_bad"),
			kind: "Error", category: "invalid_credentials", line: "password_wo", text: "basic auth"},
		{name: "client_credentials_wrong_secret", body: oauth(client, "secret_bad", "", ""),
			kind: "Error", category: "invalid_credentials", line: "client_secret_wo", text: "glide.oauth.inbound.client.credential.grant_type.enabled"},
		{name: "client_credentials_no_user", body: oauth("sandbox-nouser-client", "secret", "", ""),
			kind: "Error", category: "feature_disabled", line: "client_id", text: "OAuth Application User"},
		{name: "client_credentials_no_refresh_token", body: oauth(client, "secret", "", "", "  require_refresh_token = true"),
			kind: "Error", category: "refresh_token_missing", line: "require_refresh_token", text: "never returns a refresh token"},
		{name: "hibernating", body: basic("svc.hibernating", "pw"),
			kind: "Error", category: "service_unavailable", line: "base_url", text: "wake the instance"},
		{name: "hibernating_token_endpoint", body: oauth("sandbox-hibernating-client", "secret", "", ""),
			kind: "Error", category: "service_unavailable", line: "base_url", text: "hibernating"},
		{name: "not_an_instance", body: block(base+"/elsewhere") + "  auth = {\n    username    = \"svc.handshake\"\n    password_wo = var.secrets[\"pw\"]\n  }\n",
			kind: "Error", category: "endpoint_not_found", line: "base_url", text: "not a ServiceNow instance"},
		{name: "acl_refuses_table", body: basic("svc.noread", "pw"),
			kind: "Error", category: "access_denied", line: "username", text: "Insufficient rights to query records"},
		{name: "rate_limited", body: basic("svc.ratelimited", "pw"),
			kind: "Error", category: "rate_limited", line: "base_url", text: "Retry-After: 60"},
		{name: "not_admin", body: basic("svc.itil", "pw", `  required_scopes = ["admin"]`),
			kind: "Error", category: "access_denied", line: "required_scopes", text: "admin account"},
		{name: "role_missing", body: oauth("sandbox-useradmin-client", "secret", "", "", `  required_scopes = ["itil", "admin"]`),
			kind: "Error", category: "insufficient_scope", line: "required_scopes", text: "lacks the admin role"},
		{name: "roles_unreadable", body: basic("svc.itil", "pw", `  required_scopes = ["itil"]`),
			kind: "Warning", category: "access_denied", line: "required_scopes", text: "user_admin"},
	}
	cli.initWith(vendorConfig("servicenow", servicenowSecrets, cases))
	out, code := cli.run("", "plan", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", code, out)
	}
	checkVendorPlan(t, out, servicenowSecrets, cases)
}
