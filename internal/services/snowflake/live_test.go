package snowflake

import (
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// The planner against the sandbox's Snowflake: every failure mode, each
// with its category, attribute and fix.
func TestLive(t *testing.T) {
	srv := sandbox.Start(Emulation())
	defer srv.Close()
	base := func(acct string) string { return srv.VendorURL("snowflake") + "/" + acct }
	key := servicetest.TestRSA2048()
	keyPair := func(user string, settings ...string) *connector.Spec {
		return servicetest.NewSpec("snowflake", servicetest.Set(append([]string{"account", "acme-sandbox", "base_url", base("acme-sandbox")}, settings...)...),
			servicetest.WithUser(user), servicetest.WithKey(key))
	}
	pat := func(tok string, opts ...servicetest.SpecOpt) *connector.Spec {
		return servicetest.NewSpec("snowflake", servicetest.Set("account", "acme-sandbox", "base_url", base("acme-sandbox"), "role", "ANALYST"),
			append([]servicetest.SpecOpt{servicetest.WithToken(tok)}, opts...)...)
	}
	oauth := func(secret, rt string, opts ...servicetest.SpecOpt) *connector.Spec {
		return servicetest.NewSpec("snowflake", servicetest.Set("account", "acme-sandbox", "base_url", base("acme-sandbox"), "integration", "HANDSHAKE_OAUTH"),
			append([]servicetest.SpecOpt{servicetest.WithClient(SandboxClientID, secret), servicetest.WithToken(rt),
				servicetest.WithScopes("refresh_token", "session:role:ANALYST"), servicetest.WithRedirects(SandboxRedirectURI)}, opts...)...)
	}
	const (
		keyPath = "auth.private_key_wo"
		tokPath = "auth.token_wo"
	)
	rt := "sfort-sandbox-ver1-hint1234"
	for _, tc := range []struct {
		name   string
		spec   *connector.Spec
		status string
		cat    finding.Category
		path   string
		fixHas string
	}{
		{"key-pair healthy", keyPair("SVC_SANDBOX", "role", "ANALYST"), probe.StatusHealthy, "", "", ""},
		{"key-pair healthy, legacy locator account", func() *connector.Spec {
			return servicetest.NewSpec("snowflake", servicetest.Set("account", "xy12345.us-east-1", "base_url", base("xy12345.us-east-1")),
				servicetest.WithUser("svc_sandbox"), servicetest.WithKey(key))
		}(), probe.StatusHealthy, "", "", ""},
		{"key-pair: key not registered (390144)", keyPair("SVC_SANDBOX_WRONGKEY"), probe.StatusUnhealthy, finding.InvalidCredentials, keyPath, "RSA_PUBLIC_KEY_FP"},
		{"key-pair: JWT account is not the URL's account (390144)", func() *connector.Spec {
			return servicetest.NewSpec("snowflake", servicetest.Set("account", "other-account", "base_url", base("acme-sandbox")),
				servicetest.WithUser("SVC_SANDBOX"), servicetest.WithKey(key))
		}(), probe.StatusUnhealthy, finding.InvalidCredentials, keyPath, "SYSTEM$GET_LOGIN_FAILURE_DETAILS"},
		{"key-pair: public_key_fp names another key", keyPair("SVC_SANDBOX", "public_key_fp", "SHA256:"+strings.Repeat("A", 43)+"="),
			probe.StatusUnhealthy, finding.InvalidCredentials, keyPath, "RSA_PUBLIC_KEY_2"},
		{"key-pair: user disabled (390101)", keyPair("SVC_SANDBOX_DISABLED"), probe.StatusUnhealthy, finding.AccountDisabled, "auth.username", "DISABLED = FALSE"},
		{"key-pair: user locked (390102)", keyPair("SVC_SANDBOX_LOCKED"), probe.StatusUnhealthy, finding.AccountDisabled, "auth.username", "MINS_TO_UNLOCK"},
		{"key-pair: no warehouse (000606)", keyPair("SVC_SANDBOX_NOWAREHOUSE", "warehouse", "REPORTING_WH"), probe.StatusUnhealthy, finding.AccessDenied, "snowflake.warehouse", "GRANT USAGE ON WAREHOUSE"},
		{"wrong account (403)", func() *connector.Spec {
			return servicetest.NewSpec("snowflake", servicetest.Set("account", "xy12345", "base_url", base("wrong-xy12345")),
				servicetest.WithUser("SVC_SANDBOX"), servicetest.WithKey(key))
		}(), probe.StatusUnhealthy, finding.TenantNotFound, "snowflake.account", "orgname-accountname"},

		{"PAT healthy", pat("sfpat-sandbox-acc-0123456789"), probe.StatusHealthy, "", "", ""},
		{"PAT invalid (390303)", pat("sfpat-sandbox-invalid-0123456789"), probe.StatusUnhealthy, finding.InvalidCredentials, tokPath, "PROGRAMMATIC ACCESS TOKEN"},
		{"PAT without network policy (390432)", pat("sfpat-sandbox-netpolicy-0123456789"), probe.StatusUnhealthy, finding.PolicyBlocked, tokPath, "NETWORK_POLICY"},
		{"IP not allowed (390422)", pat("sfpat-sandbox-ipblocked-0123456789"), probe.StatusUnhealthy, finding.PolicyBlocked, tokPath, "ALLOWED_IP_LIST"},
		{"rate limited (390505)", pat("sfpat-sandbox-ratelimited-0123456789"), probe.StatusUnreachable, finding.RateLimited, "snowflake.base_url", "back-off"},
		{"PAT restricted to another role", pat("sfpat-sandbox-norole-0123456789", servicetest.WithScopes("session:role:ANALYST")),
			probe.StatusUnhealthy, finding.InsufficientScope, "required_scopes[0]", "GRANT ROLE ANALYST"},

		{"OAuth: client verified, refresh token not spent", oauth(SandboxClientSecret, rt), probe.StatusHealthy, "", "", ""},
		{"OAuth: wrong client secret (invalid_client)", oauth("sandbox0wrong0secret", rt), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.client_secret_wo", "SYSTEM$SHOW_OAUTH_CLIENT_SECRETS"},
		{"OAuth: redirect URI not registered", oauth(SandboxClientSecret, rt, servicetest.WithRedirects("https://other.example.com/cb")),
			probe.StatusUnhealthy, finding.RedirectURIMismatch, "redirect_uris[0]", "ALTER SECURITY INTEGRATION HANDSHAKE_OAUTH SET OAUTH_REDIRECT_URI"},
		{"OAuth: redeemed, SQL API healthy", oauth(SandboxClientSecret, rt, servicetest.WithRedeem()), probe.StatusHealthy, "", "", ""},
		{"OAuth: refresh token invalid (invalid_grant)", oauth(SandboxClientSecret, "sfort-sandbox-invalid-1", servicetest.WithRedeem()),
			probe.StatusUnhealthy, finding.RevokedCredentials, tokPath, "authorization-code flow again"},
		{"OAuth: refresh token expired (invalid_grant)", oauth(SandboxClientSecret, "sfort-sandbox-expired-1", servicetest.WithRedeem()),
			probe.StatusUnhealthy, finding.ExpiredCredentials, tokPath, "authorization-code flow again"},
		{"OAuth: refresh token expiring", oauth(SandboxClientSecret, "sfort-sandbox-expiring-1", servicetest.WithRedeem()),
			probe.StatusDegraded, finding.ExpiringCredentials, tokPath, ""},
		{"OAuth: single-use refresh token rotated", oauth(SandboxClientSecret, "sfort-sandbox-rotate-1", servicetest.WithRedeem()),
			probe.StatusDegraded, finding.RevokedCredentials, tokPath, "redeem_refresh_token"},
		{"OAuth: role scope not granted", oauth(SandboxClientSecret, "sfort-sandbox-norole-1", servicetest.WithRedeem()),
			probe.StatusUnhealthy, finding.InsufficientScope, "required_scopes[1]", "GRANT ROLE"},
		{"OAuth: user disabled", oauth(SandboxClientSecret, "sfort-sandbox-disabled-1", servicetest.WithRedeem()),
			probe.StatusUnhealthy, finding.AccountDisabled, tokPath, "DISABLED = FALSE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := servicetest.RunCheck(t, Plan, tc.spec, func(o *probe.Options) { o.ExpiryWarning = 30 * 24 * time.Hour })
			servicetest.NoSecretsIn(t, res, tc.spec.Secrets()...)
			for _, f := range res.Findings {
				if f.Summary == "" || f.Detail == "" || len(f.Remediation) == 0 {
					t.Errorf("finding %s %q lacks summary, detail or fix", f.Category, f.Summary)
				}
				if tc.cat == "" && (f.Severity == finding.Error || !f.Retryable) {
					t.Fatalf("healthy connector has a finding\n%s", servicetest.DumpResult(res))
				}
			}
			f := servicetest.ExpectResult(t, res, tc.status, tc.cat, tc.path)
			if tc.cat != "" && !strings.Contains(strings.Join(f.Remediation, "\n"), tc.fixHas) {
				t.Fatalf("no fix mentions %q\n%s", tc.fixHas, servicetest.DumpResult(res))
			}
		})
	}
}

// The JWT follows Snowflake's documented shape: iss and sub from the
// account (hyphenated, upper case, no region) and user, SHA256 fingerprint
// of the DER public key, lifetime under an hour.
func TestKeyPairJWT(t *testing.T) {
	key := servicetest.TestRSA2048()
	signer, err := connector.ParsePrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	fp, _ := fingerprint(&signer.(*rsa.PrivateKey).PublicKey)
	a, _ := parseAccount("xy12345.us-east-2.aws")
	now := time.Now()
	jwt, got, err := keyPairJWT(a.jwt, "svc_handshake", key, now)
	if err != nil || got != fp || !strings.HasPrefix(fp, "SHA256:") || len(fp) != 51 {
		t.Fatalf("fingerprint %q (want %q), err %v", got, fp, err)
	}
	user, ok := keyPairUser(jwt, "xy12345.us-east-2.aws")
	if !ok || user != "SVC_HANDSHAKE" {
		t.Fatalf("the emulation refuses the JWT (%q, %v)", user, ok)
	}
	if _, ok := keyPairUser(jwt, "myorg-analytics"); ok {
		t.Fatal("a JWT for another account is accepted")
	}
	if _, _, err := keyPairJWT(a.jwt, "u", servicetest.TestECKey(), now); err == nil || strings.Contains(err.Error(), "PRIVATE") {
		t.Fatalf("EC key: %v", err)
	}
}

// A redirect-URI mismatch is reported even when the client check fails:
// the two are independent.
func TestLiveIndependentChecks(t *testing.T) {
	srv := sandbox.Start(Emulation())
	defer srv.Close()
	s := servicetest.NewSpec("snowflake", servicetest.Set("account", "acme-sandbox", "base_url", srv.VendorURL("snowflake")+"/acme-sandbox"),
		servicetest.WithClient(SandboxClientID, "wrong-secret-000000"), servicetest.WithToken("sfort-sandbox-1"),
		servicetest.WithRedirects("https://other.example.com/cb"))
	res := servicetest.RunCheck(t, Plan, s)
	var cats []string
	for _, f := range res.Findings {
		cats = append(cats, string(f.Category))
	}
	if got := strings.Join(cats, " "); got != "invalid_credentials redirect_uri_mismatch" {
		t.Fatalf("findings %s\n%s", got, servicetest.DumpResult(res))
	}
}
