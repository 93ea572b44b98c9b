package okta

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// startSandbox runs the Okta emulation for one test.
func startSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	sb := sandbox.Start(*Service().Emulation)
	t.Cleanup(sb.Close)
	return sb
}

// run is the okta live check of s.
func run(t *testing.T, s *connector.Spec, opts ...func(*probe.Options)) probe.Result {
	t.Helper()
	return servicetest.RunCheck(t, plan, s, opts...)
}

// liveSpec is an okta connector pointed at the sandbox sb.
func liveSpec(sb *sandbox.Server, settings map[string]string, opts ...servicetest.SpecOpt) *connector.Spec {
	all := map[string]string{"domain": "dev-123456.okta.com", "base_url": sb.VendorURL("okta")}
	for k, v := range settings {
		all[k] = v
	}
	return servicetest.NewSpec("okta", all, opts...)
}

func TestOktaLiveAPIToken(t *testing.T) {
	sb := startSandbox(t)
	const tokenPath = "auth.token_wo"
	base := "okta.base_url"
	for _, tc := range []struct {
		scenario string
		status   string
		cat      finding.Category
		path     string
		code     string
		mention  string // a word the detail or a remediation must contain
	}{
		{scenario: "healthy", status: probe.StatusHealthy},
		{scenario: "invalid-token", status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: tokenPath, code: "E0000011", mention: "Security > API > Tokens"},
		{scenario: "owner-deactivated", status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: tokenPath, code: "E0000011", mention: "deactivated"},
		{scenario: "forbidden", status: probe.StatusUnhealthy, cat: finding.AccessDenied, path: tokenPath, code: "E0000006", mention: "Read-Only Administrator"},
		{scenario: "rate-limited", status: probe.StatusUnreachable, cat: finding.RateLimited, path: base, code: "E0000047", mention: "600 requests"},
		{scenario: "rate-low", status: probe.StatusDegraded, cat: finding.RateLimited, path: base, code: "X-Rate-Limit-Remaining", mention: "10%"},
		{scenario: "rate-exhausted", status: probe.StatusUnreachable, cat: finding.RateLimited, path: base, code: "X-Rate-Limit-Remaining", mention: "is 0"},
		{scenario: "server-error", status: probe.StatusUnreachable, cat: finding.ServiceUnavailable, path: base, code: "E0000009"},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			token := tc.scenario + ".00Qc7Hs1x9-Wz"
			res := run(t, liveSpec(sb, nil, servicetest.WithToken(token)))
			f := servicetest.ExpectResult(t, res, tc.status, tc.cat, tc.path)
			servicetest.NoSecretsIn(t, res, token)
			if tc.cat == "" {
				if servicetest.StepOutcome(res, probe.StepAPI) != probe.OutcomeOK {
					t.Fatalf("api step\n%s", servicetest.DumpResult(res))
				}
				return
			}
			if f.Code != tc.code {
				t.Errorf("code %q, want %q", f.Code, tc.code)
			}
			if text := f.Detail + " " + strings.Join(f.Remediation, " "); !strings.Contains(text, tc.mention) {
				t.Errorf("finding does not mention %q:\n%s", tc.mention, text)
			}
			if strings.Contains(f.Detail, "errorId") || strings.Contains(f.Detail, "oae") {
				t.Errorf("the per-request errorId leaked into the finding: %s", f.Detail)
			}
		})
	}
}

// TestOktaLiveStableResult: a failing check reads the same twice (Okta's
// errorId differs per answer), so refresh-only plans see no drift.
func TestOktaLiveStableResult(t *testing.T) {
	s := liveSpec(startSandbox(t), nil, servicetest.WithToken("owner-deactivated.5d1"))
	a, b := run(t, s), run(t, s)
	if servicetest.DumpResult(a) != servicetest.DumpResult(b) {
		t.Fatalf("results differ:\n%s\n%s", servicetest.DumpResult(a), servicetest.DumpResult(b))
	}
}

// TestOktaLiveRevokedToken: a token that worked fails once the sandbox
// revokes it, as after an admin revokes it in Okta (drift).
func TestOktaLiveRevokedToken(t *testing.T) {
	// Its own sandbox: the revocation must not outlive the test (-count=2).
	sb := startSandbox(t)
	token := "healthy.revoke-me-" + t.Name()
	s := liveSpec(sb, nil, servicetest.WithToken(token))
	servicetest.ExpectResult(t, run(t, s), probe.StatusHealthy, "", "")
	sb.Revoke(token)
	// The next plan is a new provider process, with nothing cached: each
	// check has a new client.
	servicetest.ExpectResult(t, run(t, s), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.token_wo")
}

func TestOktaLiveServiceApp(t *testing.T) {
	sb := startSandbox(t)
	key := servicetest.TestRSA2048()
	app := func(client string, settings map[string]string, scopes ...string) *connector.Spec {
		return liveSpec(sb, settings, servicetest.WithClient(client+".0oa1b2c3d4", ""), servicetest.WithKey(key), servicetest.WithScopes(scopes...))
	}
	for _, tc := range []struct {
		name   string
		spec   *connector.Spec
		status string
		cat    finding.Category
		path   string
		code   string
	}{
		{name: "healthy", spec: app("healthy", nil, "okta.users.read", "okta.groups.read"), status: probe.StatusHealthy},
		{name: "default scope", spec: app("healthy", nil), status: probe.StatusHealthy},
		{name: "groups only", spec: app("healthy", nil, "okta.groups.read"), status: probe.StatusHealthy},
		{name: "unknown client (mixed shape)", spec: app("unknown-client", nil, "okta.users.read"),
			status: probe.StatusUnhealthy, cat: finding.AppNotFound, path: "auth.client_id", code: "invalid_client"},
		{name: "bad signature", spec: app("bad-signature", nil, "okta.users.read"),
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: "auth.private_key_wo", code: "invalid_client"},
		{name: "key rotated", spec: app("key-rotated", nil, "okta.users.read"),
			status: probe.StatusUnhealthy, cat: finding.RevokedCredentials, path: "auth.private_key_wo", code: "invalid_client"},
		{name: "DPoP required", spec: app("dpop-required", nil, "okta.users.read"),
			status: probe.StatusUnhealthy, cat: finding.InvalidConfiguration, path: "okta.base_url", code: "invalid_dpop_proof"},
		{name: "no admin role", spec: app("no-admin-role", nil, "okta.users.read"),
			status: probe.StatusUnhealthy, cat: finding.AccessDenied, path: "auth.client_id", code: "E0000006"},
		{name: "token lacks the endpoint's scope", spec: app("scope-mismatch", nil, "okta.users.read"),
			status: probe.StatusUnhealthy, cat: finding.InsufficientScope, path: "required_scopes", code: "E0000006"},
		{name: "scope not granted to the app", spec: app("healthy", nil, "okta.users.read", "okta.roles.manage"),
			status: probe.StatusUnhealthy, cat: finding.InvalidScope, path: "required_scopes[1]", code: "invalid_scope"},
		{name: "custom scope on the org server", spec: app("healthy", nil, "inventory:read"),
			status: probe.StatusUnhealthy, cat: finding.InvalidScope, path: "required_scopes", code: "invalid_scope"},
		{name: "custom server", spec: app("healthy", map[string]string{"authorization_server": "default"}, "inventory:read"), status: probe.StatusHealthy},
		{name: "okta scope on a custom server", spec: app("healthy", map[string]string{"authorization_server": "default"}, "okta.users.read"),
			status: probe.StatusUnhealthy, cat: finding.InvalidScope, path: "required_scopes", code: "invalid_scope"},
		{name: "custom server that does not exist", spec: app("healthy", map[string]string{"authorization_server": "missing"}, "inventory:read"),
			status: probe.StatusUnhealthy, cat: finding.EndpointNotFound, path: "okta.authorization_server", code: "E0000007"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, tc.spec)
			f := servicetest.ExpectResult(t, res, tc.status, tc.cat, tc.path)
			servicetest.NoSecretsIn(t, res, key)
			if tc.cat == "" {
				for _, st := range []string{probe.StepToken, probe.StepAPI} {
					if got := servicetest.StepOutcome(res, st); got != probe.OutcomeOK && !(st == probe.StepAPI && tc.spec.Settings["authorization_server"] != "") {
						t.Fatalf("%s step %q\n%s", st, got, servicetest.DumpResult(res))
					}
				}
				return
			}
			if f.Code != tc.code {
				t.Errorf("code %q, want %q\n%s", f.Code, tc.code, servicetest.DumpResult(res))
			}
		})
	}
}

// TestOktaLiveGrantedScopes: a healthy service app reports the scopes of
// the token response's scope member.
func TestOktaLiveGrantedScopes(t *testing.T) {
	s := liveSpec(startSandbox(t), nil, servicetest.WithClient("healthy.0oa1b2c3d4", ""), servicetest.WithKey(servicetest.TestRSA2048()),
		servicetest.WithScopes("okta.users.read", "okta.groups.read"))
	res := run(t, s)
	servicetest.ExpectResult(t, res, probe.StatusHealthy, "", "")
	if got := strings.Join(res.GrantedScopes, " "); got != "okta.groups.read okta.users.read" {
		t.Fatalf("granted %q, want %q", got, "okta.groups.read okta.users.read")
	}
}
