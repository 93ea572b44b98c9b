package google

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

const googleUserRO = "https://www.googleapis.com/auth/admin.directory.user.readonly"

// startSandbox runs the Google emulation for one test.
func startSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	sb := sandbox.Start(*Service().Emulation)
	t.Cleanup(sb.Close)
	return sb
}

// run is the google_workspace live check of s.
func run(t *testing.T, s *connector.Spec, opts ...func(*probe.Options)) probe.Result {
	t.Helper()
	return servicetest.RunCheck(t, plan, s, opts...)
}

// liveKey is a key file for the scenario (the client_email's local part) on
// the sandbox sb, with a key generated at run time. edit changes it further.
func liveKey(t testing.TB, sb *sandbox.Server, scenario string, edit func(map[string]any)) string {
	t.Helper()
	base := sb.VendorURL("google")
	email := scenario + "@hs-sandbox.iam.gserviceaccount.com"
	m := map[string]any{
		"type":                        "service_account",
		"project_id":                  "hs-sandbox",
		"private_key_id":              "5e1f0c2d3b4a59687766554433221100ffeeddcc",
		"private_key":                 servicetest.TestRSA2048(),
		"client_email":                email,
		"client_id":                   "112233445566778899001",
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   base + "/token",
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"client_x509_cert_url":        base + "/robot/v1/metadata/x509/" + url.PathEscape(email),
		"universe_domain":             "googleapis.com",
	}
	if edit != nil {
		edit(m)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// liveSpec is a google_workspace connector with the key file key, pointed
// at the sandbox sb.
func liveSpec(sb *sandbox.Server, key string, settings map[string]string, opts ...servicetest.SpecOpt) *connector.Spec {
	all := map[string]string{"impersonate": "it-admin@example.com", "base_url": sb.VendorURL("google")}
	for k, v := range settings {
		if v == "" {
			delete(all, k)
		} else {
			all[k] = v
		}
	}
	return servicetest.NewSpec("google_workspace", all, append([]servicetest.SpecOpt{servicetest.WithSAKey(key), servicetest.WithScopes(googleUserRO)}, opts...)...)
}

func TestGoogleLive(t *testing.T) {
	sb := startSandbox(t)
	const (
		keyPath  = "auth.service_account_key_wo"
		subject  = "google_workspace.impersonate"
		scopes   = "required_scopes"
		basePath = "google_workspace.base_url"
	)
	for _, tc := range []struct {
		name     string
		scenario string
		settings map[string]string
		opts     []servicetest.SpecOpt
		status   string
		cat      finding.Category
		path     string
		code     string
		mention  string
	}{
		{name: "healthy", scenario: "directory-sync", status: probe.StatusHealthy},
		{name: "scopes without the Directory", scenario: "directory-sync", opts: []servicetest.SpecOpt{servicetest.WithScopes("https://mail.google.com/")}, status: probe.StatusHealthy},
		{name: "delegation by e-mail instead of client ID", scenario: "no-delegation", status: probe.StatusUnhealthy,
			cat: finding.DelegationNotConfigured, path: keyPath, code: "unauthorized_client", mention: "numeric Client ID"},
		{name: "delegation missing", scenario: "delegation-missing", status: probe.StatusUnhealthy,
			cat: finding.DelegationNotConfigured, path: keyPath, code: "unauthorized_client", mention: "24 hours"},
		{name: "scope not delegated", scenario: "scope-not-delegated", status: probe.StatusUnhealthy,
			cat: finding.DelegationNotConfigured, path: scopes, code: "access_denied", mention: "every scope"},
		{name: "key deleted", scenario: "key-deleted", status: probe.StatusUnhealthy,
			cat: finding.RevokedCredentials, path: keyPath, code: "invalid_grant", mention: "deleted or disabled"},
		{name: "key expired", scenario: "key-expired", status: probe.StatusUnhealthy,
			cat: finding.ExpiredCredentials, path: keyPath, code: "invalid_grant", mention: "new JSON key"},
		{name: "clock skew", scenario: "clock-skew", status: probe.StatusUnhealthy,
			cat: finding.InvalidConfiguration, path: "", code: "invalid_grant", mention: "NTP"},
		{name: "unknown impersonated user", scenario: "unknown-user", status: probe.StatusUnhealthy,
			cat: finding.InvalidConfiguration, path: subject, code: "invalid_grant", mention: "primary e-mail"},
		{name: "service account deleted", scenario: "sa-deleted", status: probe.StatusUnhealthy,
			cat: finding.AccountDisabled, path: keyPath, code: "invalid_grant", mention: "undelete"},
		{name: "service account disabled", scenario: "sa-disabled", status: probe.StatusUnhealthy,
			cat: finding.AccountDisabled, path: keyPath, code: "disabled_client", mention: "enable the service account"},
		{name: "admin policy", scenario: "admin-policy", status: probe.StatusUnhealthy,
			cat: finding.PolicyBlocked, path: keyPath, code: "admin_policy_enforced", mention: "trusted"},
		{name: "short scope name", scenario: "directory-sync", opts: []servicetest.SpecOpt{servicetest.WithScopes("admin.directory.user.readonly")}, status: probe.StatusUnhealthy,
			cat: finding.InvalidScope, path: scopes, code: "invalid_scope", mention: "full URLs"},
		{name: "impersonated user is not an admin", scenario: "not-admin", status: probe.StatusUnhealthy,
			cat: finding.AccessDenied, path: subject, code: "forbidden", mention: "super administrator"},
		{name: "Reports API as an administrator", scenario: "directory-sync", opts: []servicetest.SpecOpt{servicetest.WithScopes(googleReportsAuditRO)}, status: probe.StatusHealthy},
		{name: "Reports API refuses a non-admin subject with 401", scenario: "not-admin", opts: []servicetest.SpecOpt{servicetest.WithScopes(googleReportsAuditRO)}, status: probe.StatusUnhealthy,
			cat: finding.AccessDenied, path: subject, code: "authError", mention: "it-admin@example.com may not read activity records"},
		{name: "Reports API without impersonation", scenario: "directory-sync", settings: map[string]string{"impersonate": ""}, opts: []servicetest.SpecOpt{servicetest.WithScopes(googleReportsAuditRO)},
			status: probe.StatusUnhealthy, cat: finding.AccessDenied, path: subject, code: "authError", mention: "Reports privilege"},
		{name: "no impersonation", scenario: "directory-sync", settings: map[string]string{"impersonate": ""}, status: probe.StatusUnhealthy,
			cat: finding.AccessDenied, path: subject, code: "forbidden", mention: "impersonate"},
		{name: "token lacks the Directory scope", scenario: "insufficient-scope", status: probe.StatusUnhealthy,
			cat: finding.InsufficientScope, path: scopes, code: "insufficientPermissions", mention: "delegation entry"},
		{name: "domain not found", scenario: "domain-not-found", status: probe.StatusUnhealthy,
			cat: finding.TenantNotFound, path: subject, code: "badRequest", mention: "my_customer"},
		{name: "domain not found with a customer id", scenario: "domain-not-found", settings: map[string]string{"customer_id": "C01abc2de"}, status: probe.StatusUnhealthy,
			cat: finding.TenantNotFound, path: "google_workspace.customer_id", code: "badRequest", mention: "Customer ID"},
		{name: "Admin SDK API disabled", scenario: "api-disabled", status: probe.StatusUnhealthy,
			cat: finding.FeatureDisabled, path: keyPath, code: "accessNotConfigured", mention: "Admin SDK API"},
		{name: "quota", scenario: "rate-limited", status: probe.StatusUnreachable,
			cat: finding.RateLimited, path: basePath, code: "rateLimitExceeded", mention: "Quotas"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := liveKey(t, sb, tc.scenario, nil)
			res := run(t, liveSpec(sb, key, tc.settings, tc.opts...))
			f := servicetest.ExpectResult(t, res, tc.status, tc.cat, tc.path)
			servicetest.NoSecretsIn(t, res, servicetest.TestRSA2048(), key)
			if tc.cat == "" {
				if got := servicetest.StepOutcome(res, probe.StepToken); got != probe.OutcomeOK {
					t.Fatalf("token step %q\n%s", got, servicetest.DumpResult(res))
				}
				return
			}
			if f.Code != tc.code {
				t.Errorf("code %q, want %q\n%s", f.Code, tc.code, servicetest.DumpResult(res))
			}
			if text := f.Summary + " " + f.Detail + " " + strings.Join(f.Remediation, " "); !strings.Contains(text, tc.mention) {
				t.Errorf("finding does not mention %q:\n%s", tc.mention, text)
			}
		})
	}
}

// TestGoogleLiveSteps: the healthy check runs the token, Directory and key
// expiry steps, finds that the key does not expire, and reports the scopes
// it requested as granted (Google grants all or refuses the token).
func TestGoogleLiveSteps(t *testing.T) {
	sb := startSandbox(t)
	res := run(t, liveSpec(sb, liveKey(t, sb, "directory-sync", nil), nil))
	servicetest.ExpectResult(t, res, probe.StatusHealthy, "", "")
	for _, st := range []string{probe.StepToken, googleStepDirectory, googleStepKeyExpiry} {
		if servicetest.StepOutcome(res, st) != probe.OutcomeOK {
			t.Fatalf("step %s\n%s", st, servicetest.DumpResult(res))
		}
	}
	if res.ExpiresAt != nil {
		t.Fatalf("a key without expiry got ExpiresAt %v", res.ExpiresAt)
	}
	if len(res.GrantedScopes) != 1 || res.GrantedScopes[0] != googleUserRO {
		t.Fatalf("granted %v, want the scope the token was issued for", res.GrantedScopes)
	}
}

// TestGoogleLiveKeyExpiring: a key created with an expiry is read from its
// certificate and reported inside the warning window.
func TestGoogleLiveKeyExpiring(t *testing.T) {
	sb := startSandbox(t)
	res := run(t, liveSpec(sb, liveKey(t, sb, "key-expiring", nil), nil),
		func(o *probe.Options) { o.ExpiryWarning = 30 * 24 * time.Hour })
	f := servicetest.ExpectResult(t, res, probe.StatusDegraded, finding.ExpiringCredentials, "auth.service_account_key_wo")
	if res.ExpiresAt == nil || time.Until(*res.ExpiresAt) < 9*24*time.Hour || time.Until(*res.ExpiresAt) > 11*24*time.Hour {
		t.Fatalf("ExpiresAt %v\n%s", res.ExpiresAt, servicetest.DumpResult(res))
	}
	if f.Severity != finding.Warning {
		t.Fatalf("severity %s", f.Severity)
	}
	// Outside the window: healthy, with the expiry still known.
	res = run(t, liveSpec(sb, liveKey(t, sb, "key-expiring", nil), nil))
	if res.Status != probe.StatusHealthy || res.ExpiresAt == nil {
		t.Fatalf("status %s, ExpiresAt %v", res.Status, res.ExpiresAt)
	}
}

// TestGoogleLiveRevokedKey: a key deleted after it worked (drift).
func TestGoogleLiveRevokedKey(t *testing.T) {
	// Its own sandbox: the revocation must not outlive the test (-count=2).
	sb := startSandbox(t)
	key := liveKey(t, sb, "directory-sync", func(m map[string]any) {
		m["private_key_id"] = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
	})
	s := liveSpec(sb, key, nil)
	servicetest.ExpectResult(t, run(t, s), probe.StatusHealthy, "", "")
	sb.Revoke("0a1b2c3d4e5f60718293a4b5c6d7e8f901234567")
	f := servicetest.ExpectResult(t, run(t, s), probe.StatusUnhealthy, finding.RevokedCredentials, "auth.service_account_key_wo")
	if !strings.Contains(f.Detail, "no longer among") {
		t.Fatalf("the certificate check did not confirm the deletion: %s", f.Detail)
	}
}

// TestGoogleLiveEndpoints: token_url overrides the key's token_uri, and an
// unreachable token endpoint is reported on token_url.
func TestGoogleLiveEndpoints(t *testing.T) {
	sb := startSandbox(t)
	key := liveKey(t, sb, "directory-sync", func(m map[string]any) { m["token_uri"] = "https://oauth2.googleapis.com/token" })
	res := run(t, liveSpec(sb, key, map[string]string{"token_url": sb.VendorURL("google") + "/token"}))
	servicetest.ExpectResult(t, res, probe.StatusHealthy, "", "")

	res = run(t, liveSpec(sb, key, map[string]string{"token_url": "http://127.0.0.1:1/token"}))
	servicetest.ExpectResult(t, res, probe.StatusUnreachable, finding.NetworkError, "google_workspace.token_url")
}
