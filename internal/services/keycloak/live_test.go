package keycloak

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

var testSandbox = sync.OnceValue(func() *sandbox.Server { return sandbox.Start(Emulation()) })

var testClient = sync.OnceValue(func() *transport.Client {
	c, err := transport.New(transport.Options{Timeout: 5 * time.Second, MaxRetries: -1})
	if err != nil {
		panic(err)
	}
	return c
})

func liveSpec(realm, client string, opts ...servicetest.SpecOpt) *connector.Spec {
	base := testSandbox().VendorURL("keycloak")
	return servicetest.NewSpec("keycloak", servicetest.Set("base_url", base, "realm", realm),
		append([]servicetest.SpecOpt{servicetest.WithClient(client, SandboxClientSecret)}, opts...)...)
}

func runLive(t *testing.T, s *connector.Spec) probe.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return probe.Run(ctx, probe.Options{Client: testClient(), Planner: Service().Plan, ExpiryWarning: 30 * 24 * time.Hour}, s)
}

func dump(r probe.Result) string {
	b, _ := json.MarshalIndent(r, "", "  ")
	return string(b)
}

func TestLiveScenarios(t *testing.T) {
	const secretPath, clientPath = "auth.client_secret_wo", "auth.client_id"
	wrong := func(s *connector.Spec) { s.Auth.ClientSecret.Value = "not-the-secret-0123456789" }
	noSecret := func(s *connector.Spec) { s.Auth.ClientSecret = connector.Secret{} }
	useKey := func(s *connector.Spec) {
		s.Auth.ClientSecret = connector.Secret{}
		servicetest.WithKey(servicetest.TestRSA2048())(s)
	}
	for _, tc := range []struct {
		name, realm, client string
		opts                []servicetest.SpecOpt
		status              string
		cat                 finding.Category
		path, mention       string
	}{
		{name: "healthy", realm: "acme", client: "healthy.sync", status: probe.StatusHealthy,
			opts: []servicetest.SpecOpt{servicetest.WithScopes("email"), servicetest.WithRedirects(SandboxRedirectURI),
				func(s *connector.Spec) {
					s.RequiredPermissions = []string{"realm-management:view-users", "offline_access"}
				}}},
		{name: "signed JWT client", realm: "acme", client: "jwt.sync", opts: []servicetest.SpecOpt{useKey}, status: probe.StatusHealthy},
		{name: "wrong secret (seed 002)", realm: "acme", client: "healthy.sync", opts: []servicetest.SpecOpt{wrong},
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: secretPath, mention: "Regenerate"},
		{name: "missing secret (seed 002)", realm: "acme", client: "healthy.sync", opts: []servicetest.SpecOpt{noSecret},
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: "auth.client_secret", mention: "Credentials"},
		{name: "unknown client", realm: "acme", client: "nosuch.sync", status: probe.StatusUnhealthy, cat: finding.AppNotFound, path: clientPath, mention: "case-sensitive"},
		{name: "realm missing", realm: "missing", client: "healthy.sync", status: probe.StatusUnhealthy, cat: finding.TenantNotFound, path: "keycloak.realm", mention: "realm selector"},
		{name: "service accounts off", realm: "acme", client: "no-service-account.sync", status: probe.StatusUnhealthy, cat: finding.FeatureDisabled, path: clientPath, mention: "Service accounts roles"},
		{name: "public client", realm: "acme", client: "public.spa", status: probe.StatusUnhealthy, cat: finding.InvalidConfiguration, path: clientPath, mention: "Client authentication"},
		{name: "secret to a signed JWT client", realm: "acme", client: "jwt.sync", status: probe.StatusUnhealthy, cat: finding.InvalidConfiguration, path: secretPath, mention: "Client Authenticator"},
		{name: "key not registered", realm: "acme", client: "jwt-key-unknown.sync", opts: []servicetest.SpecOpt{useKey}, status: probe.StatusUnhealthy, cat: finding.RevokedCredentials, path: "auth.private_key_wo", mention: "Keys"},
		{name: "scope not assigned", realm: "acme", client: "healthy.sync", opts: []servicetest.SpecOpt{servicetest.WithScopes("orders:write")},
			status: probe.StatusUnhealthy, cat: finding.InvalidScope, path: "required_scopes", mention: "Client scopes"},
		{name: "role missing", realm: "acme", client: "no-roles.sync", opts: []servicetest.SpecOpt{func(s *connector.Spec) { s.RequiredPermissions = []string{"realm-management:view-users"} }},
			status: probe.StatusUnhealthy, cat: finding.InsufficientScope, path: "required_permissions[0]", mention: "Service accounts roles"},
		{name: "host name mismatch", realm: "acme", client: "hostname.sync", status: probe.StatusUnhealthy, cat: finding.InvalidConfiguration, path: "keycloak.base_url", mention: "KC_HOSTNAME"},
		{name: "secret expiring", realm: "acme", client: "secret-expiring.sync", status: probe.StatusDegraded, cat: finding.ExpiringCredentials, path: secretPath},
		{name: "redirect URI not registered", realm: "acme", client: "healthy.sync", opts: []servicetest.SpecOpt{servicetest.WithRedirects("https://app.example.com/other")},
			status: probe.StatusUnhealthy, cat: finding.RedirectURIMismatch, path: "redirect_uris[0]", mention: "Register"},
		{name: "legacy /auth prefix", realm: "acme", client: "healthy.sync", opts: []servicetest.SpecOpt{func(s *connector.Spec) { s.Settings["base_url"] += "/auth" }},
			status: probe.StatusUnhealthy, cat: finding.EndpointNotFound, path: "keycloak.base_url", mention: "/auth"},
		{name: "refresh token expired", realm: "acme", client: "healthy.sync", opts: []servicetest.SpecOpt{servicetest.WithToken("rt-expired.eyJh"), servicetest.WithRedeem()},
			status: probe.StatusUnhealthy, cat: finding.ExpiredCredentials, path: "auth.token_wo", mention: "SSO Session Idle"},
		{name: "session ended", realm: "acme", client: "healthy.sync", opts: []servicetest.SpecOpt{servicetest.WithToken("rt-session-ended.eyJh"), servicetest.WithRedeem()},
			status: probe.StatusUnhealthy, cat: finding.RevokedCredentials, path: "auth.token_wo", mention: "offline_access"},
		{name: "refresh token not active, not redeemed", realm: "acme", client: "healthy.sync", opts: []servicetest.SpecOpt{servicetest.WithToken("rt-reused.eyJh")},
			status: probe.StatusUnhealthy, cat: finding.RevokedCredentials, path: "auth.token_wo"},
		{name: "refresh token expiring", realm: "acme", client: "healthy.sync", opts: []servicetest.SpecOpt{servicetest.WithToken("rt-expiring.eyJh")},
			status: probe.StatusDegraded, cat: finding.ExpiringCredentials, path: "auth.token_wo"},
		{name: "refresh token active, not redeemed", realm: "acme", client: "healthy.sync", opts: []servicetest.SpecOpt{servicetest.WithToken("rt-good.eyJh")},
			status: probe.StatusHealthy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := liveSpec(tc.realm, tc.client, tc.opts...)
			res := runLive(t, s)
			if res.Status != tc.status {
				t.Fatalf("status %s, want %s\n%s", res.Status, tc.status, dump(res))
			}
			if all := dump(res); strings.Contains(all, SandboxClientSecret) || strings.Contains(all, "not-the-secret-0123456789") {
				t.Fatalf("a secret leaked:\n%s", all)
			}
			if tc.cat == "" {
				if len(res.Findings) > 0 {
					t.Fatalf("healthy connector has findings:\n%s", dump(res))
				}
				return
			}
			for _, f := range res.Findings {
				if f.Category == tc.cat && f.Path.String() == tc.path {
					text := f.Detail + " " + strings.Join(f.Remediation, " ")
					if len(f.Remediation) == 0 || !strings.Contains(text, tc.mention) {
						t.Fatalf("finding lacks %q or a fix: %+v", tc.mention, f)
					}
					return
				}
			}
			t.Fatalf("no %s finding at %s\n%s", tc.cat, tc.path, dump(res))
		})
	}
}

// TestLiveGrantedRoles: the result reports the token's scopes and roles.
func TestLiveGrantedRoles(t *testing.T) {
	res := runLive(t, liveSpec("acme", "healthy.sync"))
	got := strings.Join(res.GrantedScopes, " ")
	for _, want := range []string{"openid", "offline_access", "realm-management:view-users"} {
		if !strings.Contains(got, want) {
			t.Fatalf("granted %q lacks %s\n%s", got, want, dump(res))
		}
	}
}
