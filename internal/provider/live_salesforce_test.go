package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/salesforce"
)

// salesforceSecrets are the consumer secret and refresh tokens; the sandbox
// picks its scenario from words in the consumer key, the username and the
// refresh token.
var salesforceSecrets = map[string]string{
	"secret":       salesforce.SandboxConsumerSecret,
	"secret_bad":   "0000SANDBOX0WRONG0CONSUMER0SECRET0000",
	"rt":           "5Aep861.sandbox.acc.Zx9yW8vU7tS6rQ5pO4",
	"rt_expired":   "5Aep861.sandbox.expired.Zx9yW8vU7tS6rQ",
	"rt_expiring":  "5Aep861.sandbox.expiring.Zx9yW8vU7tS6r",
	"rt_rotate":    "5Aep861.sandbox.rotate.Zx9yW8vU7tS6rQ5",
	"rt_noapi":     "5Aep861.sandbox.acc.Zx9yW8vU7tS6rQ5pO4x",
	"rt_nosecret":  "5Aep861.sandbox.acc.Zx9yW8vU7tS6rQ5pO4y",
	"rt_otherapp":  "5Aep861.sandbox.acc.Zx9yW8vU7tS6rQ5pO4z",
	"rt_redeemed":  "5Aep861.sandbox.acc.Zx9yW8vU7tS6rQ5pO4w",
	"rt_redeemexp": "5Aep861.sandbox.expired.Zx9yW8vU7tS6rQ5pO",
}

func sfKey(scenario string) string { return "3MVG9.sandbox." + scenario + ".A1b2C3d4E5f6G7h8" }

func TestAccLive_salesforceFailuresThroughPlan(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	if err := os.WriteFile(filepath.Join(cli.dir, "jwt.pem"), []byte(testPrivateKeyPEM()), 0o600); err != nil {
		t.Fatal(err)
	}
	login := srv.VendorURL("salesforce")
	block := func(extra string) string {
		return fmt.Sprintf("  salesforce = {\n    login_url   = %q\n    api_version = \"v61.0\"\n%s  }\n", login, extra)
	}
	cc := func(scenario, secret string, extra ...string) string {
		return block("") + fmt.Sprintf("  auth = {\n    client_id        = %q\n    client_secret_wo = var.secrets[%q]\n  }\n%s",
			sfKey(scenario), secret, strings.Join(extra, "\n"))
	}
	jwt := func(scenario, user string, extra ...string) string {
		return block("") + fmt.Sprintf("  auth = {\n    client_id      = %q\n    username       = %q\n    private_key_wo = file(\"${path.module}/jwt.pem\")\n  }\n%s",
			sfKey(scenario), user, strings.Join(extra, "\n"))
	}
	refresh := func(key, rt, secret string, extra ...string) string {
		auth := fmt.Sprintf("    client_id = %q\n    token_wo  = var.secrets[%q]\n", key, rt)
		if secret != "" {
			auth += fmt.Sprintf("    client_secret_wo = var.secrets[%q]\n", secret)
		}
		return block("") + "  auth = {\n" + auth + "  }\n" + strings.Join(extra, "\n")
	}
	cases := []vendorAcc{
		{name: "cc_healthy", body: cc("acc", "secret", `  required_scopes = ["api"]`)},
		{name: "jwt_healthy", body: jwt("acc", "integration@acme.com", `  required_scopes = ["api"]`)},
		{name: "refresh_healthy", body: refresh(sfKey("acc"), "rt", "secret", `  required_scopes = ["api", "refresh_token"]`, "  require_refresh_token = true")},
		{name: "nosetup_healthy", body: cc("nosetup", "secret")},

		{name: "unknown_consumer_key", body: refresh("3MVG9.unknown.A1b2C3", "rt_otherapp", "secret"),
			kind: "Error", category: "app_not_found", line: "client_id", text: "invalid_client_id"},
		{name: "wrong_consumer_secret", body: cc("acc", "secret_bad"),
			kind: "Error", category: "invalid_credentials", line: "client_secret_wo", text: "invalid client credentials"},
		{name: "flow_not_enabled", body: cc("nogrant", "secret"),
			kind: "Error", category: "feature_disabled", line: "client_id", text: "unsupported_grant_type"},
		{name: "no_run_as_user", body: cc("norunas", "secret"),
			kind: "Error", category: "feature_disabled", line: "client_id", text: "no client credentials user enabled"},
		{name: "shared_login_host", body: cc("shareddomain", "secret"),
			kind: "Error", category: "invalid_configuration", line: "login_url", text: "My Domain"},
		{name: "ip_restricted", body: cc("iprestricted", "secret"),
			kind: "Error", category: "policy_blocked", line: "client_id", text: "ip restricted"},
		{name: "user_inactive", body: cc("inactive", "secret"),
			kind: "Error", category: "account_disabled", line: "client_id", text: "inactive_user"},
		{name: "org_locked", body: cc("orglocked", "secret"),
			kind: "Error", category: "account_disabled", line: "login_url", text: "inactive_org"},
		{name: "login_rate", body: cc("loginrate", "secret"),
			kind: "Error", category: "rate_limited", line: "client_id", text: "rate_limit_exceeded"},
		{name: "jwt_not_approved", body: jwt("acc", "notapproved@acme.com"),
			kind: "Error", category: "consent_required", line: "username", text: "user hasn't approved this consumer"},
		{name: "jwt_not_admin_approved", body: jwt("notadmin", "integration@acme.com"),
			kind: "Error", category: "consent_required", line: "username", text: "invalid_app_access"},
		{name: "jwt_certificate_mismatch", body: jwt("badcert", "integration@acme.com"),
			kind: "Error", category: "invalid_credentials", line: "private_key_wo", text: "invalid assertion"},
		{name: "jwt_sandbox_audience", body: jwt("testorg", "integration@acme.com.uat"),
			kind: "Error", category: "invalid_configuration", line: "login_url", text: "Audience validation failed"},
		{name: "refresh_expired", body: refresh(sfKey("acc"), "rt_expired", "secret"),
			kind: "Error", category: "expired_credentials", line: "token_wo", text: "active"},
		{name: "refresh_expired_redeemed", body: refresh(sfKey("acc"), "rt_redeemexp", "secret", "  redeem_refresh_token = true"),
			kind: "Error", category: "expired_credentials", line: "token_wo", text: "Refresh Token Policy"},
		{name: "refresh_expiring", body: refresh(sfKey("acc"), "rt_expiring", "secret"),
			kind: "Warning", category: "expiring_credentials", line: "token_wo", text: "refresh token"},
		{name: "refresh_rotated", body: refresh(sfKey("acc"), "rt_rotate", "secret", "  redeem_refresh_token = true"),
			kind: "Warning", category: "revoked_credentials", line: "token_wo", text: "rotated"},
		{name: "refresh_no_secret", body: refresh(sfKey("acc"), "rt_nosecret", ""),
			kind: "Warning", category: "invalid_configuration", line: "token_wo", text: "SALESFORCE-REFRESH-UNTESTED"},
		{name: "session_ip_lock", body: cc("iplock", "secret"),
			kind: "Error", category: "policy_blocked", line: "login_url", text: "Lock sessions to the IP address"},
		{name: "scope_not_granted", body: cc("noapiscope", "secret", `  required_scopes = ["api"]`),
			kind: "Error", category: "insufficient_scope", line: "required_scopes", text: "api"},
		{name: "session_not_for_rest", body: cc("noapiscope", "secret"),
			kind: "Error", category: "insufficient_scope", line: "", text: "not valid for use with the REST API"},
		{name: "api_disabled", body: cc("apidisabled", "secret"),
			kind: "Error", category: "license_required", line: "client_id", text: "API_DISABLED_FOR_ORG"},
		{name: "daily_limit", body: cc("limitexceeded", "secret"),
			kind: "Error", category: "rate_limited", line: "client_id", text: "REQUEST_LIMIT_EXCEEDED"},
		{name: "low_budget", body: cc("lowbudget", "secret"),
			kind: "Warning", category: "rate_limited", line: "client_id", text: "allocation is 15000 API requests"},
		{name: "cc_refresh_required", body: cc("acc", "secret", "  require_refresh_token = true", `  required_scopes = ["api", "refresh_token"]`),
			kind: "Error", category: "insufficient_scope", line: "required_scopes", text: "refresh_token"},
	}
	cli.initWith(vendorConfig("salesforce", salesforceSecrets, cases))
	out, code := cli.run("", "plan", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", code, out)
	}
	checkVendorPlan(t, out, salesforceSecrets, cases)
}
