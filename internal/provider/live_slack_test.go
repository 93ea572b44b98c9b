package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/slack"
)

// slackSecrets are the scenario tokens (the word after "sandbox" picks the
// sandbox's answer) and the app's client secret.
var slackSecrets = map[string]string{
	"ok":          "xoxb-1111-sandbox-acc-AbCdEfGhIjKlMnOp",
	"user":        "xoxp-1111-2222-sandbox-acc-AbCdEfGhIj",
	"bad":         "xoxb-1111-2222-AbCdEfGhIjKlMnOpQrSt",
	"revoked":     "xoxb-1111-sandbox-revoked-AbCdEfGhIj",
	"expired":     "xoxe.xoxb-1-sandbox-expired-AbCdEfGhIj",
	"inactive":    "xoxb-1111-sandbox-inactive-AbCdEfGhIj",
	"teamaccess":  "xoxb-1111-sandbox-teamaccess-AbCdEfGh",
	"ratelimited": "xoxb-1111-sandbox-ratelimited-AbCdEfG",
	"scopes":      "xoxb-1111-sandbox-scopes-AbCdEfGhIjKl",
	"otherteam":   "xoxb-1111-sandbox-otherteam-AbCdEfGhI",
	"refresh":     "xoxe-1-sandbox-acc-My0xLTEyMzQ1Njc4OTA",
	"refresh_bad": "xoxe-1-sandbox-invalid-My0xLTEyMzQ1Njc",
	"client":      slack.SandboxClientSecret,
	"client_bad":  "0000000000sandbox0wrong0secret00",
}

func TestAccLive_slackFailuresThroughPlan(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	base := srv.VendorURL("slack") + "/api"
	token := func(secret string, extra ...string) string {
		return fmt.Sprintf("  slack = {\n    base_url = %q\n    team_id  = %q\n  }\n  auth = { token_wo = var.secrets[%q] }\n%s",
			base, slack.SandboxTeamID, secret, strings.Join(extra, "\n"))
	}
	rotating := func(secret, clientSecret string, extra ...string) string {
		return fmt.Sprintf("  slack = {\n    base_url = %q\n  }\n  auth = {\n    token_wo         = var.secrets[%q]\n    client_id        = %q\n    client_secret_wo = var.secrets[%q]\n  }\n  require_refresh_token = true\n%s",
			base, secret, slack.SandboxClientID, clientSecret, strings.Join(extra, "\n"))
	}
	cases := []vendorAcc{
		{name: "bot_healthy", body: token("ok", `  required_scopes = ["chat:write", "users:read"]`)},
		{name: "user_healthy", body: token("user")},
		{name: "invalid_auth", body: token("bad"),
			kind: "Error", category: "invalid_credentials", line: "token_wo", text: "invalid_auth"},
		{name: "token_revoked", body: token("revoked"),
			kind: "Error", category: "revoked_credentials", line: "token_wo", text: "token_revoked"},
		{name: "token_expired", body: token("expired"),
			kind: "Error", category: "expired_credentials", line: "token_wo", text: "token_expired"},
		{name: "account_inactive", body: token("inactive"),
			kind: "Error", category: "account_disabled", line: "token_wo", text: "account_inactive"},
		{name: "team_access_not_granted", body: token("teamaccess"),
			kind: "Error", category: "access_denied", line: "team_id", text: "team_access_not_granted"},
		{name: "ratelimited", body: token("ratelimited"),
			kind: "Error", category: "rate_limited", line: "base_url", text: "Retry-After: 30"},
		{name: "scope_missing", body: token("scopes", `  required_scopes = ["chat:write", "users:read"]`),
			kind: "Error", category: "insufficient_scope", line: "required_scopes", text: "users:read"},
		{name: "other_workspace", body: token("otherteam"),
			kind: "Warning", category: "invalid_configuration", line: "team_id", text: "T0OTHERWS2"},
		{name: "rotation_healthy", body: rotating("refresh", "client", `  required_scopes = ["chat:write"]`)},
		{name: "rotation_refresh_token_invalid", body: rotating("refresh_bad", "client", "  redeem_refresh_token = true"),
			kind: "Error", category: "revoked_credentials", line: "token_wo", text: "invalid_refresh_token"},
		{name: "rotation_wrong_client_secret", body: rotating("refresh", "client_bad"),
			kind: "Error", category: "invalid_credentials", line: "client_secret_wo", text: "bad_client_secret"},
	}
	cli.initWith(vendorConfig("slack", slackSecrets, cases))
	out, code := cli.run("", "plan", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", code, out)
	}
	checkVendorPlan(t, out, slackSecrets, cases)
}

// TestAccLive_vendorDriftRefreshOnly: healthy GitHub and Slack connectors
// refresh without drift; once the sandbox revokes their tokens (an admin
// revoked them), a scheduled `plan -refresh-only -detailed-exitcode` exits 2
// and names the cause of each.
func TestAccLive_vendorDriftRefreshOnly(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	const (
		ghToken    = "ghp_sandbox_drift_0123456789abcdefABCDEF"
		slackToken = "xoxb-1111-sandbox-drift-AbCdEfGhIjKlMnOp"
	)
	// Plain (not write-only) tokens: Read can re-test only what state holds.
	config := fmt.Sprintf(`
variable "gh_token" {
  type      = string
  sensitive = true
  default   = %q
}
variable "slack_token" {
  type      = string
  sensitive = true
  default   = %q
}
resource "handshake_connector" "gh" {
  name    = "gh-drift"
  service = "github"
  github  = { base_url = %q, organization = "octo-org" }
  auth    = { token = var.gh_token }
}
resource "handshake_connector" "slack" {
  name    = "slack-drift"
  service = "slack"
  slack   = { base_url = %q, team_id = %q }
  auth    = { token = var.slack_token }
}`, ghToken, slackToken, srv.VendorURL("github"), srv.VendorURL("slack")+"/api", slack.SandboxTeamID)
	cli.initWith(config)
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	if out, code := cli.run("", "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("unchanged healthy connectors: refresh-only plan exited %d, want 0:\n%s", code, out)
	}
	srv.Revoke(ghToken)
	srv.Revoke(slackToken)
	out, code := cli.run("", "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false")
	if code != 2 {
		t.Fatalf("revoked tokens: refresh-only plan exited %d, want 2:\n%s", code, out)
	}
	if !strings.Contains(out, `"healthy" -> "unhealthy"`) {
		t.Fatalf("the drift does not show the status change:\n%s", out)
	}
	if _, ok := vendorDiagnostic(out, "Warning", "slack", "revoked_credentials", ""); !ok {
		t.Fatalf("no revoked_credentials warning for the Slack connector:\n%s", out)
	}
	if _, ok := vendorDiagnostic(out, "Warning", "gh", "invalid_credentials", ""); !ok {
		t.Fatalf("no invalid_credentials warning for the GitHub connector:\n%s", out)
	}
	for _, secret := range []string{ghToken, slackToken} {
		if strings.Contains(out, secret) {
			t.Fatal("a token appears in the plan output")
		}
	}
}
