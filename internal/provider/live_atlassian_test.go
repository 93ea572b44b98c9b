package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/atlassian"
)

// atlassianSecrets are the scenario credentials (the text before the first
// "." picks the sandbox's answer) and the OAuth app's client secrets.
var atlassianSecrets = map[string]string{
	"ok":             "ok.ATATT3xFfGF0AccT0kenValue0123456789=0A1B2C3D",
	"scoped":         "scoped.ATATT3xFfGF0AccT0kenValue0123456789=0A1B",
	"scoped_noscope": "scoped_noscope.ATATT3xFfGF0AccT0kenValue0123456",
	"bad_token":      "bad_token.ATATT3xFfGF0AccT0kenValue0123456789=0",
	"bad_token_html": "bad_token_html.ATATT3xFfGF0AccT0kenValue012345",
	"password":       "password.hunter2-account-password-value",
	"captcha":        "captcha.ATATT3xFfGF0AccT0kenValue0123456789=0A1",
	"rate_limited":   "rate_limited.ATATT3xFfGF0AccT0kenValue0123456789",
	"rate_html":      "rate_limited_html.ATATT3xFfGF0AccT0kenValue01234",
	"near_limit":     "near_limit.ATATT3xFfGF0AccT0kenValue0123456789=",
	"unknown_site":   "unknown_site.ATATT3xFfGF0AccT0kenValue012345678",
	"outage":         "outage.ATATT3xFfGF0AccT0kenValue0123456789=0A1B2",
	"at_ok":          "ok.at-3lo-opaque-access-token-value-0123",
	"at_no_grant":    "no_site_grant.at-3lo-opaque-access-token-01",
	"at_scope":       "scope_mismatch.at-3lo-opaque-access-token-0",
	"at_bad":         "bad_token.at-3lo-opaque-access-token-value-01",
	"rt_ok":          "ok.rt-3lo-rotating-refresh-token-value-0123",
	"rt_reused":      "refresh_reused.rt-3lo-rotating-refresh-token-01",
	"client":         "ATOAgoodClientSecret0123456789abcdef",
	"client_bad":     "bad_client_secret.ATOA0123456789abcdef",
	"key_ok":         "ok.ATCTT3xFfGN0adminApiKeyValue0123456789",
	"key_no_guard":   "no_guard.ATCTT3xFfGN0adminApiKeyValue01234567",
	"key_other_org":  "other_org.ATCTT3xFfGN0adminApiKeyValue0123456",
	"key_bad":        "bad_key.ATCTT3xFfGN0adminApiKeyValue012345678",
}

func TestAccLive_atlassianFailuresThroughPlan(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	base := srv.VendorURL("atlassian")
	block := func(settings ...string) string {
		return fmt.Sprintf("  atlassian = {\n    base_url = %q\n%s  }\n", base, strings.Join(settings, ""))
	}
	site := "    site     = \"acme.atlassian.net\"\n"
	cloud := fmt.Sprintf("    cloud_id = %q\n", atlassian.CloudID)
	apiToken := func(secret string, extra ...string) string {
		return block(site) + fmt.Sprintf("  auth = {\n    username = \"ops@acme.com\"\n    token_wo = var.secrets[%q]\n  }\n%s", secret, strings.Join(extra, "\n"))
	}
	scopedToken := func(secret string) string {
		return block(site, cloud) + fmt.Sprintf("  auth = {\n    username = \"ops@acme.com\"\n    token_wo = var.secrets[%q]\n  }\n", secret)
	}
	accessToken := func(secret string, extra ...string) string {
		return block(site, cloud) + fmt.Sprintf("  auth = { token_wo = var.secrets[%q] }\n%s", secret, strings.Join(extra, "\n"))
	}
	app := func(refresh, clientSecret string, extra ...string) string {
		return block(site, cloud) + fmt.Sprintf("  auth = {\n    client_id        = \"Xy7AbCdEfGhIjKlMnOpQrStUvWxYz012\"\n    client_secret_wo = var.secrets[%q]\n    token_wo         = var.secrets[%q]\n  }\n%s",
			clientSecret, refresh, strings.Join(extra, "\n"))
	}
	adminKey := func(secret string) string {
		return block(fmt.Sprintf("    org_id   = %q\n", atlassian.OrgID)) + fmt.Sprintf("  auth = { token_wo = var.secrets[%q] }\n", secret)
	}
	cases := []vendorAcc{
		{name: "api_token_healthy", body: apiToken("ok")},
		{name: "scoped_token_healthy", body: scopedToken("scoped")},
		{name: "refresh_token_healthy", body: app("rt_ok", "client", `  required_scopes = ["read:jira-work", "offline_access"]`)},
		{name: "admin_key_healthy", body: adminKey("key_ok")},
		{name: "bad_token", body: apiToken("bad_token"),
			kind: "Error", category: "invalid_credentials", line: "token_wo", text: "AUTHENTICATED_FAILED"},
		{name: "bad_token_html", body: apiToken("bad_token_html"),
			kind: "Error", category: "invalid_credentials", line: "token_wo", text: "Unauthorized (401)"},
		{name: "password", body: apiToken("password"),
			kind: "Error", category: "invalid_credentials", line: "token_wo", text: "deprecation-notice-basic-auth"},
		{name: "captcha", body: apiToken("captcha"),
			kind: "Error", category: "policy_blocked", line: "username", text: "CAPTCHA_CHALLENGE"},
		{name: "scoped_token_at_site", body: apiToken("scoped"),
			kind: "Error", category: "invalid_configuration", line: `atlassian = \{`, text: "_edge/tenant_info"},
		{name: "scoped_token_without_scope", body: scopedToken("scoped_noscope"),
			kind: "Error", category: "insufficient_scope", line: "token_wo", text: "scope does not match"},
		{name: "rate_limited", body: apiToken("rate_limited"),
			kind: "Error", category: "rate_limited", line: "base_url", text: "Retry-After: 7"},
		{name: "rate_limited_html", body: apiToken("rate_html"),
			kind: "Error", category: "rate_limited", line: "base_url", text: "jira-burst-based"},
		{name: "near_limit", body: apiToken("near_limit"),
			kind: "Warning", category: "rate_limited", line: "base_url", text: "X-RateLimit-NearLimit"},
		{name: "unknown_site", body: apiToken("unknown_site"),
			kind: "Error", category: "tenant_not_found", line: "site", text: "Page unavailable"},
		{name: "outage", body: apiToken("outage"),
			kind: "Error", category: "service_unavailable", line: "base_url", text: "status.atlassian.com"},
		{name: "access_token_no_site_grant", body: accessToken("at_no_grant"),
			kind: "Error", category: "app_not_installed", line: "cloud_id", text: "acme-sandbox"},
		{name: "access_token_scope_not_granted", body: accessToken("at_ok", `  required_scopes = ["read:jira-work", "manage:jira-configuration"]`),
			kind: "Error", category: "insufficient_scope", line: "required_scopes", text: "manage:jira-configuration"},
		{name: "access_token_scope_mismatch", body: accessToken("at_scope"),
			kind: "Error", category: "insufficient_scope", line: "token_wo", text: "read:jira-user"},
		{name: "access_token_invalid", body: accessToken("at_bad"),
			kind: "Error", category: "invalid_credentials", line: "token_wo", text: "id.atlassian.com"},
		{name: "wrong_client_secret", body: app("rt_ok", "client_bad"),
			kind: "Error", category: "invalid_credentials", line: "client_secret_wo", text: "access_denied"},
		{name: "refresh_token_reused", body: app("rt_reused", "client", "  redeem_refresh_token = true"),
			kind: "Error", category: "revoked_credentials", line: "token_wo", text: "invalid_grant"},
		{name: "no_atlassian_guard", body: adminKey("key_no_guard"),
			kind: "Error", category: "license_required", line: "org_id", text: "Atlassian Guard Standard"},
		{name: "admin_key_other_org", body: adminKey("key_other_org"),
			kind: "Error", category: "tenant_not_found", line: "org_id", text: "Acme Labs"},
		{name: "admin_key_invalid", body: adminKey("key_bad"),
			kind: "Error", category: "invalid_credentials", line: "token_wo", text: "API keys"},
	}
	cli.initWith(vendorConfig("atlassian", atlassianSecrets, cases))
	out, code := cli.run("", "plan", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", code, out)
	}
	checkVendorPlan(t, out, atlassianSecrets, cases)
}
