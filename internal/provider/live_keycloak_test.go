package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/keycloak"
)

// keycloakSecrets: the client secret the emulation accepts, a wrong one, a
// client's private key, and refresh tokens whose text before the "." picks
// the emulation's answer.
func keycloakSecrets() map[string]string {
	return map[string]string{
		"secret":           keycloak.SandboxClientSecret,
		"wrong":            "sbx-keycloak-0000-wrong-secret-0000000000",
		"key":              strings.TrimSpace(testPrivateKeyPEM()),
		"rt_good":          "rt-good.eyJhbGciOiJIUzUxMiJ9-sandbox-offline",
		"rt_expired":       "rt-expired.eyJhbGciOiJIUzUxMiJ9-sandbox-offline",
		"rt_session_ended": "rt-session-ended.eyJhbGciOiJIUzUxMiJ9-sandbox",
		"rt_reused":        "rt-reused.eyJhbGciOiJIUzUxMiJ9-sandbox-offline",
		"rt_expiring":      "rt-expiring.eyJhbGciOiJIUzUxMiJ9-sandbox-offline",
	}
}

func TestAccLive_keycloakFailuresThroughPlan(t *testing.T) {
	t.Parallel()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.skipBelow(tfversion.Version1_11_0)
	base := srv.VendorURL("keycloak")
	// kc writes the connector's body: the realm, the client and its
	// credential lines, then extra top-level arguments.
	kc := func(realm, client string, auth []string, extra ...string) string {
		return fmt.Sprintf("  keycloak = {\n    base_url = %q\n    realm    = %q\n  }\n  auth = {\n    client_id = %q\n    %s\n  }\n%s",
			base, realm, client, strings.Join(auth, "\n    "), strings.Join(extra, "\n"))
	}
	secret := []string{`client_secret_wo = var.secrets["secret"]`}
	key := []string{`private_key_wo = var.secrets["key"]`}
	refresh := func(name string) []string { return append(secret, fmt.Sprintf("token_wo = var.secrets[%q]", name)) }
	cases := []vendorAcc{
		{name: "healthy", body: kc("acme", "healthy.sync", secret,
			`  required_scopes = ["email"]`, `  required_permissions = ["realm-management:view-users", "offline_access"]`,
			fmt.Sprintf("  redirect_uris = [%q]", keycloak.SandboxRedirectURI))},
		{name: "healthy_signed_jwt", body: kc("acme", "jwt.sync", key)},
		{name: "healthy_refresh_token", body: kc("acme", "healthy.web", refresh("rt_good"))},
		{name: "wrong_secret", body: kc("acme", "healthy.sync", []string{`client_secret_wo = var.secrets["wrong"]`}),
			kind: "Error", category: "invalid_credentials", line: "client_secret_wo", text: "unauthorized_client"},
		{name: "unknown_client", body: kc("acme", "nosuch.sync", secret),
			kind: "Error", category: "app_not_found", line: "client_id", text: "case-sensitive"},
		{name: "realm_missing", body: kc("missing", "healthy.sync", secret),
			kind: "Error", category: "tenant_not_found", line: "realm", text: "Realm does not exist"},
		{name: "legacy_auth_prefix", body: strings.Replace(kc("acme", "healthy.sync", secret), base, base+"/auth", 1),
			kind: "Error", category: "endpoint_not_found", line: "base_url", text: "/auth"},
		{name: "service_accounts_off", body: kc("acme", "no-service-account.sync", secret),
			kind: "Error", category: "feature_disabled", line: "client_id", text: "Service accounts roles"},
		{name: "public_client", body: kc("acme", "public.spa", secret),
			kind: "Error", category: "invalid_configuration", line: "client_id", text: "Public client"},
		{name: "secret_to_signed_jwt_client", body: kc("acme", "jwt.sync", secret),
			kind: "Error", category: "invalid_configuration", line: "client_secret_wo", text: "Client Authenticator"},
		{name: "key_not_registered", body: kc("acme", "jwt-key-unknown.sync", key),
			kind: "Error", category: "revoked_credentials", line: "private_key_wo", text: "Unable to load public key"},
		{name: "scope_not_assigned", body: kc("acme", "healthy.sync", secret, `  required_scopes = ["orders:write"]`),
			kind: "Error", category: "invalid_scope", line: "required_scopes", text: "Invalid scopes"},
		{name: "role_missing", body: kc("acme", "no-roles.sync", secret, `  required_permissions = ["realm-management:view-users"]`),
			kind: "Error", category: "insufficient_scope", line: "required_permissions", text: "view-users"},
		{name: "host_name_mismatch", body: kc("acme", "hostname.sync", secret),
			kind: "Error", category: "invalid_configuration", line: "base_url", text: "KC_HOSTNAME"},
		{name: "secret_expiring", body: kc("acme", "secret-expiring.sync", secret),
			kind: "Warning", category: "expiring_credentials", line: "client_secret_wo", text: "client.secret.expiration.time"},
		{name: "redirect_uri_not_registered", body: kc("acme", "healthy.web", secret, `  redirect_uris = ["https://app.example.com/other"]`),
			kind: "Error", category: "redirect_uri_mismatch", line: "redirect_uris", text: "https://app.example.com/other"},
		{name: "refresh_token_expired", body: kc("acme", "healthy.web", refresh("rt_expired"), "  redeem_refresh_token = true"),
			kind: "Error", category: "expired_credentials", line: "token_wo", text: "Token is not active"},
		{name: "session_ended", body: kc("acme", "healthy.web", refresh("rt_session_ended"), "  redeem_refresh_token = true"),
			kind: "Error", category: "revoked_credentials", line: "token_wo", text: "Session not active"},
		{name: "refresh_token_inactive_unredeemed", body: kc("acme", "healthy.web", refresh("rt_reused")),
			kind: "Error", category: "revoked_credentials", line: "token_wo", text: "introspection"},
		{name: "refresh_token_expiring", body: kc("acme", "healthy.web", refresh("rt_expiring")),
			kind: "Warning", category: "expiring_credentials", line: "token_wo", text: "expires"},
	}
	secrets := keycloakSecrets()
	cli.initWith(vendorConfig("keycloak", secrets, cases))
	out, code := cli.run("", "plan", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("plan exited %d, want 1:\n%s", code, out)
	}
	checkVendorPlan(t, out, secrets, cases)
}
