package provider

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"github.com/youmark/pkcs8"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/box"
)

const boxClientID = "k3xq9z8w7v6u5t4s3r2q1p0o9n8m7l6k"

// boxSecrets are the scenario client secrets and refresh tokens (the text
// before the first "." picks the sandbox's answer).
var boxSecrets = map[string]string{
	"ok":              "healthy.Qm94U2VjcmV0VmFsdWU",
	"bad":             "bad-client.Qm94U2VjcmV0VmFsdWU",
	"unauthorized":    "app-not-authorized.Qm94U2VjcmV0",
	"subject_type":    "subject-type-unauthorized.Qm94U2Vj",
	"user_tokens":     "user-tokens-disabled.Qm94U2VjcmV0",
	"grant_type":      "wrong-grant-type.Qm94U2VjcmV0VmFs",
	"other_ent":       "wrong-enterprise.Qm94U2VjcmV0VmFs",
	"inactive":        "inactive-user.Qm94U2VjcmV0VmFsdWU",
	"scope":           "scope-events.Qm94U2VjcmV0VmFsdWU",
	"not_admin":       "not-admin.Qm94U2VjcmV0VmFsdWUx",
	"token_invalid":   "token-invalid.Qm94U2VjcmV0VmFsdW",
	"rate":            "rate-limited.Qm94U2VjcmV0VmFsdWU",
	"outage":          "outage.Qm94U2VjcmV0VmFsdWUxMjM",
	"garbage":         "garbage.Qm94U2VjcmV0VmFsdWUxMj",
	"rt_used":         "sbx_box_rt.refresh-invalid.9f8e7d6c5b4a",
	"rt_expired":      "sbx_box_rt.refresh-expired.9f8e7d6c5b4a",
	"rt_personal":     "sbx_box_rt.no-enterprise.9f8e7d6c5b4a3",
	"rt_not_redeemed": "sbx_box_rt.healthy.9f8e7d6c5b4a3210",
	"passphrase":      "8a6f0c1e5b2d4f7a9c3e1b5d7f9a2c4e",
}

// encryptedTestKey is the test key as an ENCRYPTED PRIVATE KEY (PKCS#8,
// PBES2), as Box's Developer Console generates keys.
func encryptedTestKey(t *testing.T, passphrase string) string {
	t.Helper()
	block, _ := pem.Decode([]byte(testPrivateKeyPEM()))
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	der, err := pkcs8.MarshalPrivateKey(key, []byte(passphrase), nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der}))
}

// writeBoxConfig writes a Box JSON config file (encrypted key, its
// passphrase) for the client secret and returns its file name.
func writeBoxConfig(t *testing.T, dir, name, secret, passphrase string) string {
	t.Helper()
	cfg, _ := json.Marshal(map[string]any{
		"boxAppSettings": map[string]any{"clientID": boxClientID, "clientSecret": secret,
			"appAuth": map[string]any{"publicKeyID": box.EmulatedKeyID, "passphrase": passphrase,
				"privateKey": encryptedTestKey(t, passphrase)}},
		"enterpriseID": box.EmulatedEnterprise,
	})
	if err := os.WriteFile(filepath.Join(dir, name), cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestAccLive_boxFailuresThroughPlan(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	base := srv.VendorURL("box")
	ccg := func(secret, settings string, extra ...string) string {
		return fmt.Sprintf("  box = {\n    base_url = %q\n%s  }\n  auth = {\n    client_id        = %q\n    client_secret_wo = var.secrets[%q]\n  }\n%s",
			base, settingsOr(settings, "    enterprise_id = \""+box.EmulatedEnterprise+"\"\n"), boxClientID, secret, strings.Join(extra, "\n"))
	}
	jwt := func(file, settings string) string {
		return fmt.Sprintf("  box = {\n    base_url = %q\n%s  }\n  auth = { private_key_wo = file(\"${path.module}/%s\") }\n", base, settings, file)
	}
	refresh := func(token string, extra ...string) string {
		return fmt.Sprintf("  box = { base_url = %q }\n  auth = {\n    client_id        = %q\n    client_secret_wo = var.secrets[\"ok\"]\n    token_wo         = var.secrets[%q]\n  }\n%s",
			base, boxClientID, token, strings.Join(extra, "\n"))
	}
	user := "    subject_type = \"user\"\n    subject_id   = \"" + box.EmulatedUser + "\"\n"
	events := `  required_scopes = ["manage_enterprise_properties"]`
	jwtOK := writeBoxConfig(t, cli.dir, "box_ok_config.json", boxSecrets["ok"], boxSecrets["passphrase"])
	jwtUnauthorized := writeBoxConfig(t, cli.dir, "box_unauthorized_config.json", boxSecrets["unauthorized"], boxSecrets["passphrase"])
	cases := []vendorAcc{
		{name: "ccg_healthy", body: ccg("ok", "", `  required_scopes = ["manage_enterprise_properties", "manage_groups"]`)},
		{name: "jwt_healthy", body: jwt(jwtOK, "")},
		{name: "refresh_not_redeemed", body: refresh("rt_not_redeemed")},
		{name: "bad_client", body: ccg("bad", ""),
			kind: "Error", category: "invalid_credentials", line: "client_secret_wo", text: "invalid_client"},
		{name: "app_not_authorized", body: ccg("unauthorized", ""),
			kind: "Error", category: "app_not_installed", line: "client_id", text: "Platform Apps Manager"},
		{name: "jwt_app_not_authorized", body: jwt(jwtUnauthorized, ""),
			kind: "Error", category: "app_not_installed", line: "private_key_wo", text: "Platform Apps Manager"},
		{name: "subject_type_unauthorized", body: ccg("subject_type", "    enterprise_id = \""+box.EmulatedEnterprise+"\"\n    subject_type  = \"enterprise\"\n"),
			kind: "Error", category: "invalid_configuration", line: "subject_type", text: "box_subject_type"},
		{name: "user_tokens_disabled", body: ccg("user_tokens", user),
			kind: "Error", category: "feature_disabled", line: "subject_type", text: "Generate user access tokens"},
		{name: "wrong_grant_type", body: ccg("grant_type", ""),
			kind: "Error", category: "invalid_configuration", line: "client_id", text: "authentication method"},
		{name: "wrong_enterprise_id", body: ccg("ok", "    enterprise_id = \"7777777\"\n"),
			kind: "Error", category: "invalid_configuration", line: "enterprise_id", text: "Account & Billing"},
		{name: "jwt_wrong_enterprise_id", body: jwt(jwtOK, "    enterprise_id = \"7654321\"\n"),
			kind: "Error", category: "invalid_configuration", line: "enterprise_id", text: "'sub'"},
		{name: "jwt_key_removed", body: jwt(jwtOK, "    public_key_id = \"zzzz9999\"\n"),
			kind: "Error", category: "revoked_credentials", line: "public_key_id", text: "'kid' invalid"},
		{name: "other_enterprise", body: ccg("other_ent", ""),
			kind: "Error", category: "invalid_configuration", line: "enterprise_id", text: "7654321"},
		{name: "inactive_user", body: ccg("inactive", ""),
			kind: "Error", category: "account_disabled", line: "enterprise_id", text: "inactive"},
		{name: "scope_missing", body: ccg("scope", "", events),
			kind: "Error", category: "insufficient_scope", line: "required_scopes", text: "Manage enterprise properties"},
		{name: "not_admin", body: ccg("not_admin", "", events),
			kind: "Error", category: "access_denied", line: "enterprise_id", text: "access_denied_insufficient_permissions"},
		{name: "token_invalid", body: ccg("token_invalid", ""),
			kind: "Error", category: "revoked_credentials", line: "client_id", text: "invalid_token"},
		{name: "rate_limited", body: ccg("rate", ""),
			kind: "Error", category: "rate_limited", line: "base_url", text: "Retry-After: 3"},
		{name: "outage", body: ccg("outage", ""),
			kind: "Error", category: "service_unavailable", line: "base_url", text: "status.box.com"},
		{name: "garbage", body: ccg("garbage", ""),
			kind: "Error", category: "unexpected_response", line: "base_url", text: "not the JSON user object"},
		{name: "refresh_used", body: refresh("rt_used", "  redeem_refresh_token = true"),
			kind: "Error", category: "revoked_credentials", line: "token_wo", text: "Invalid refresh token"},
		{name: "refresh_expired", body: refresh("rt_expired", "  redeem_refresh_token = true"),
			kind: "Error", category: "expired_credentials", line: "token_wo", text: "60 days"},
		{name: "personal_account_events", body: refresh("rt_personal", "  redeem_refresh_token = true", events),
			kind: "Error", category: "license_required", line: "token_wo", text: "Enterprise"},
		{name: "jwt_wrong_passphrase", body: fmt.Sprintf("  box = {\n    base_url      = %q\n    enterprise_id = %q\n    public_key_id = %q\n  }\n  auth = {\n    client_id        = %q\n    client_secret_wo = var.secrets[\"ok\"]\n    private_key_wo   = file(\"${path.module}/box_encrypted.pem\")\n    password_wo      = var.secrets[\"bad\"]\n  }\n",
			base, box.EmulatedEnterprise, box.EmulatedKeyID, boxClientID),
			kind: "Error", category: "invalid_credentials", line: "password_wo", text: "passphrase"},
	}
	if err := os.WriteFile(filepath.Join(cli.dir, "box_encrypted.pem"), []byte(encryptedTestKey(t, boxSecrets["passphrase"])), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.initWith(vendorConfig("box", boxSecrets, cases))
	out, code := cli.run("", "plan", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", code, out)
	}
	if strings.Contains(out, "-----BEGIN") || strings.Contains(out, "sbx_box_at.") {
		t.Fatalf("the plan output shows a key or an access token:\n%s", out)
	}
	checkVendorPlan(t, out, boxSecrets, cases)
}

// settingsOr returns s, or def when s is empty.
func settingsOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
