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
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/snowflake"
)

// snowflakeSecrets are the scenario credentials (a word after "sandbox"
// picks the sandbox's answer) and the OAuth integration's client secret.
var snowflakeSecrets = map[string]string{
	"pat":             "sfpat-sandbox-acc-Q2xpZW50U2VjcmV0MDAw",
	"pat_invalid":     "sfpat-sandbox-invalid-Q2xpZW50U2VjcmV0",
	"pat_netpolicy":   "sfpat-sandbox-netpolicy-Q2xpZW50U2Vj",
	"pat_ipblocked":   "sfpat-sandbox-ipblocked-Q2xpZW50U2Vj",
	"pat_ratelimited": "sfpat-sandbox-ratelimited-Q2xpZW50U2",
	"pat_norole":      "sfpat-sandbox-norole-Q2xpZW50U2VjcmV0",
	"client":          snowflake.SandboxClientSecret,
	"client_bad":      "sandbox0wrong0client0secret0000000=",
	"refresh":         "sfort-sandbox-acc-ver1-hint1234567890",
	"refresh_invalid": "sfort-sandbox-invalid-ver1-hint123456",
	"refresh_expired": "sfort-sandbox-expired-ver1-hint123456",
	"refresh_expire":  "sfort-sandbox-expiring-ver1-hint12345",
	"refresh_rotate":  "sfort-sandbox-rotate-ver1-hint1234567",
}

func TestAccLive_snowflakeFailuresThroughPlan(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	if err := os.WriteFile(filepath.Join(cli.dir, "svc.p8"), []byte(testPrivateKeyPEM()), 0o600); err != nil {
		t.Fatal(err)
	}
	base := srv.VendorURL("snowflake")
	keyPair := func(user, settings string, extra ...string) string {
		return fmt.Sprintf("  snowflake = {\n    account  = \"acme-sandbox\"\n    base_url = %q\n%s  }\n  auth = {\n    username       = %q\n    private_key_wo = file(\"${path.module}/svc.p8\")\n  }\n%s",
			base+"/acme-sandbox", settings, user, strings.Join(extra, "\n"))
	}
	pat := func(secret string, extra ...string) string {
		return fmt.Sprintf("  snowflake = {\n    account  = \"acme-sandbox\"\n    base_url = %q\n  }\n  auth = { token_wo = var.secrets[%q] }\n%s",
			base+"/acme-sandbox", secret, strings.Join(extra, "\n"))
	}
	oauth := func(clientSecret, refresh string, extra ...string) string {
		return fmt.Sprintf("  snowflake = {\n    account     = \"acme-sandbox\"\n    base_url    = %q\n    integration = \"HANDSHAKE_OAUTH\"\n  }\n  auth = {\n    client_id        = %q\n    client_secret_wo = var.secrets[%q]\n    token_wo         = var.secrets[%q]\n  }\n  required_scopes = [\"refresh_token\", \"session:role:ANALYST\"]\n%s",
			base+"/acme-sandbox", snowflake.SandboxClientID, clientSecret, refresh, strings.Join(extra, "\n"))
	}
	registered := fmt.Sprintf("  redirect_uris = [%q]", snowflake.SandboxRedirectURI)
	cases := []vendorAcc{
		{name: "keypair_healthy", body: keyPair("SVC_SANDBOX", "    role     = \"ANALYST\"\n")},
		{name: "keypair_jwt_invalid", body: keyPair("SVC_SANDBOX_WRONGKEY", ""),
			kind: "Error", category: "invalid_credentials", line: "private_key_wo", text: "390144"},
		{name: "keypair_fingerprint", body: keyPair("SVC_SANDBOX", "    public_key_fp = \"SHA256:"+strings.Repeat("A", 43)+"=\"\n"),
			kind: "Error", category: "invalid_credentials", line: "private_key_wo", text: "RSA_PUBLIC_KEY_FP"},
		{name: "keypair_user_disabled", body: keyPair("SVC_SANDBOX_DISABLED", ""),
			kind: "Error", category: "account_disabled", line: "username", text: "390101"},
		{name: "keypair_no_warehouse", body: keyPair("SVC_SANDBOX_NOWAREHOUSE", "    warehouse = \"REPORTING_WH\"\n"),
			kind: "Error", category: "access_denied", line: "warehouse", text: "000606"},
		{name: "account_not_found", body: strings.Replace(keyPair("SVC_SANDBOX", ""), "/acme-sandbox", "/wrong-xy12345", 1),
			kind: "Error", category: "tenant_not_found", line: "account", text: "orgname-accountname"},
		{name: "pat_healthy", body: pat("pat")},
		{name: "pat_invalid", body: pat("pat_invalid"),
			kind: "Error", category: "invalid_credentials", line: "token_wo", text: "390303"},
		{name: "pat_network_policy_required", body: pat("pat_netpolicy"),
			kind: "Error", category: "policy_blocked", line: "token_wo", text: "390432"},
		{name: "ip_not_allowed", body: pat("pat_ipblocked"),
			kind: "Error", category: "policy_blocked", line: "token_wo", text: "203.0.113.7"},
		{name: "rate_limited", body: pat("pat_ratelimited"),
			kind: "Error", category: "rate_limited", line: "base_url", text: "390505"},
		{name: "pat_role_restricted", body: pat("pat_norole", `  required_scopes = ["session:role:ANALYST"]`),
			kind: "Error", category: "insufficient_scope", line: "required_scopes", text: "PUBLIC"},
		{name: "oauth_healthy", body: oauth("client", "refresh", registered)},
		{name: "oauth_wrong_client_secret", body: oauth("client_bad", "refresh"),
			kind: "Error", category: "invalid_credentials", line: "client_secret_wo", text: "invalid_client"},
		{name: "oauth_redirect_mismatch", body: oauth("client", "refresh", `  redirect_uris = ["https://other.example.com/oauth/callback"]`),
			kind: "Error", category: "redirect_uri_mismatch", line: "redirect_uris", text: "OAUTH_REDIRECT_URI"},
		{name: "oauth_redeemed_healthy", body: oauth("client", "refresh", "  redeem_refresh_token = true")},
		{name: "oauth_refresh_invalid", body: oauth("client", "refresh_invalid", "  redeem_refresh_token = true"),
			kind: "Error", category: "revoked_credentials", line: "token_wo", text: "invalid_grant"},
		{name: "oauth_refresh_expired", body: oauth("client", "refresh_expired", "  redeem_refresh_token = true"),
			kind: "Error", category: "expired_credentials", line: "token_wo", text: "invalid_grant"},
		{name: "oauth_refresh_expiring", body: oauth("client", "refresh_expire", "  redeem_refresh_token = true"),
			kind: "Warning", category: "expiring_credentials", line: "token_wo", text: "refresh token"},
		{name: "oauth_single_use_rotated", body: oauth("client", "refresh_rotate", "  redeem_refresh_token = true"),
			kind: "Warning", category: "revoked_credentials", line: "token_wo", text: "single-use"},
	}
	cli.initWith(vendorConfig("snowflake", snowflakeSecrets, cases))
	out, code := cli.run("", "plan", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", code, out)
	}
	checkVendorPlan(t, out, snowflakeSecrets, cases)

	// Failure modes the offline rules catch stop the plan at validation,
	// before any live check: they get a plan of their own.
	offline := []vendorAcc{
		{name: "account_empty", body: "  snowflake = { account = \"\" }\n  auth = { token_wo = var.secrets[\"pat\"] }",
			kind: "Error", category: "invalid_configuration", line: "account", text: "251001"},
		{name: "oauth_redirect_non_tls", body: oauth("client", "refresh", `  redirect_uris = ["http://127.0.0.1:8080/callback"]`),
			kind: "Error", category: "redirect_uri_invalid", line: "redirect_uris", text: "allow_non_secure_redirect"},
		{name: "oauth_offline_access", body: strings.Replace(oauth("client", "refresh", "  require_refresh_token = true"), `"refresh_token", `, `"offline_access", `, 1),
			kind: "Error", category: "refresh_token_missing", line: "require_refresh_token", text: "refresh_token"},
	}
	out, code = cli.run(vendorConfig("snowflake", snowflakeSecrets, offline), "plan", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("offline plan exited %d, want 1:\n%s", code, out)
	}
	checkVendorPlan(t, out, snowflakeSecrets, offline)
}
