package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/zendesk"
)

// zendeskSecrets: the API token the emulation accepts, a wrong one, OAuth
// access and refresh tokens and the OAuth client's secret; the text before
// the first "." picks the emulation's answer.
func zendeskSecrets() map[string]string {
	return map[string]string{
		"api":           zendesk.SandboxAPIToken,
		"api_wrong":     "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c",
		"api_anonymous": "anonymous.sbxZendeskApiToken0123456789abcd",
		"api_ratelimit": "ratelimited.sbxZendeskApiToken0123456789ab",
		"api_lowbudget": "lowbudget.sbxZendeskApiToken0123456789abcd",
		"oat_ok":        "oat-ok.0f9e8d7c6b5a49382716f5e4d3c2b1a0",
		"oat_expiring":  "oat-expiring.0f9e8d7c6b5a49382716f5e4d3c2b1",
		"oat_scoped":    "oat-scoped.0f9e8d7c6b5a49382716f5e4d3c2b1a",
		"client":        zendesk.SandboxClientSecret,
		"client_wrong":  "sbx-zendesk-0000-wrong-secret-000000000",
		"rt_ok":         "rt-ok.5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d",
		"rt_used":       "rt-used.5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0",
	}
}

func TestAccLive_zendeskFailuresThroughPlan(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	// A fixed clock: the healthy API-token case must not start warning as
	// Zendesk's API-token retirement (2027-04-30) comes into expiry_warning.
	clock := &testClock{}
	clock.Set(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	cli := newTerraformCLI(t, func() tfprotov6.ProviderServer {
		return providerserver.NewProtocol6(&handshakeProvider{version: "test", now: clock.Now})()
	})
	cli.skipBelow(tfversion.Version1_11_0)
	// zd writes the connector's body: the account (its subdomain, served by
	// the emulation below base_url), extra settings, the auth lines, then
	// extra top-level arguments.
	zd := func(sub, settings string, auth []string, extra ...string) string {
		return fmt.Sprintf("  zendesk = {\n    subdomain = %q\n    base_url  = %q\n%s  }\n  auth = {\n    %s\n  }\n%s",
			sub, srv.VendorURL("zendesk")+"/"+sub, settings, strings.Join(auth, "\n    "), strings.Join(extra, "\n"))
	}
	const audit = "    audit_logs = true\n"
	apiToken := func(email, secret string) []string {
		return []string{fmt.Sprintf("username = %q", email), fmt.Sprintf("token_wo = var.secrets[%q]", secret)}
	}
	bearer := func(secret string) []string { return []string{fmt.Sprintf("token_wo = var.secrets[%q]", secret)} }
	client := func(secret string, token ...string) []string {
		out := []string{fmt.Sprintf("client_id = %q", zendesk.SandboxClientID), fmt.Sprintf("client_secret_wo = var.secrets[%q]", secret)}
		for _, tk := range token {
			out = append(out, fmt.Sprintf("token_wo = var.secrets[%q]", tk))
		}
		return out
	}
	cases := []vendorAcc{
		{name: "healthy_api_token", body: zd("acme", audit, apiToken("admin@acme.example", "api"))},
		{name: "healthy_oauth_token", body: zd("acme", audit, bearer("oat_ok"), `  required_scopes = ["read"]`)},
		{name: "healthy_client_credentials", body: zd("acme", "", client("client"), `  required_scopes = ["read", "auditlogs:read"]`)},
		{name: "healthy_refresh_token_not_redeemed", body: zd("acme", "", client("client", "rt_ok"))},
		{name: "wrong_api_token", body: zd("acme", "", apiToken("admin@acme.example", "api_wrong")),
			kind: "Error", category: "invalid_credentials", line: "token_wo", text: "Couldn't authenticate you"},
		{name: "email_of_no_agent", body: zd("acme", "", apiToken("former@acme.example", "api")),
			kind: "Error", category: "invalid_credentials", line: "token_wo", text: "active agent"},
		{name: "anonymous_user", body: zd("acme", "", apiToken("admin@acme.example", "api_anonymous")),
			kind: "Error", category: "invalid_credentials", line: "token_wo", text: "anonymous visitor"},
		{name: "api_token_as_bearer", body: zd("acme", "", bearer("api")),
			kind: "Error", category: "invalid_credentials", line: "token_wo", text: "auth.username"},
		{name: "oauth_token_expiring", body: zd("acme", "", bearer("oat_expiring")),
			kind: "Warning", category: "expiring_credentials", line: "token_wo", text: "Zendesk OAuth access token"},
		{name: "oauth_scope_missing", body: zd("acme", "", bearer("oat_scoped"), `  required_scopes = ["auditlogs:read"]`),
			kind: "Error", category: "insufficient_scope", line: "required_scopes", text: "auditlogs:read"},
		{name: "agent_reads_audit_log", body: zd("acme", audit, apiToken("agent@acme.example", "api")),
			kind: "Error", category: "access_denied", line: "username", text: "not an admin"},
		{name: "plan_without_audit_log", body: zd("professional", audit, apiToken("admin@acme.example", "api")),
			kind: "Error", category: "license_required", line: "audit_logs", text: "Enterprise plan"},
		{name: "end_user", body: zd("acme", "", apiToken("enduser@acme.example", "api")),
			kind: "Error", category: "access_denied", line: "username", text: "end-user"},
		{name: "suspended_user", body: zd("acme", "", apiToken("suspended@acme.example", "api")),
			kind: "Error", category: "account_disabled", line: "username", text: "suspended"},
		{name: "closed_account", body: zd("closed-acme", "", apiToken("admin@acme.example", "api")),
			kind: "Error", category: "tenant_not_found", line: "subdomain", text: "No help desk"},
		{name: "base_url_with_api_path", body: strings.Replace(zd("acme", "", apiToken("admin@acme.example", "api")), "/acme\"", "/acme/api/v2\"", 1),
			kind: "Error", category: "endpoint_not_found", line: "base_url", text: "InvalidEndpoint"},
		{name: "rate_limited", body: zd("acme", "", apiToken("admin@acme.example", "api_ratelimit")),
			kind: "Error", category: "rate_limited", line: "base_url", text: "60 seconds"},
		{name: "rate_budget_low", body: zd("acme", "", apiToken("admin@acme.example", "api_lowbudget")),
			kind: "Warning", category: "rate_limited", line: "base_url", text: "allows 700 requests per minute"},
		{name: "wrong_client_secret", body: zd("acme", "", client("client_wrong")),
			kind: "Error", category: "invalid_credentials", line: "client_secret_wo", text: "invalid_client"},
		{name: "refresh_token_used", body: zd("acme", "", client("client", "rt_used"), "  redeem_refresh_token = true"),
			kind: "Error", category: "revoked_credentials", line: "token_wo", text: "single use"},
	}
	secrets := zendeskSecrets()
	cli.initWith(vendorConfig("zendesk", secrets, cases))
	out, code := cli.run("", "plan", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", code, out)
	}
	checkVendorPlan(t, out, secrets, cases)
}
