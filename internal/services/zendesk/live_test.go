package zendesk

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

var testSandbox = sync.OnceValue(func() *sandbox.Server { return sandbox.Start(Emulation()) })

// liveSpec is a connector of account sub in the sandbox.
func liveSpec(sub string, opts ...servicetest.SpecOpt) *connector.Spec {
	return servicetest.NewSpec("zendesk", servicetest.Set("subdomain", sub, "base_url", testSandbox().VendorURL("zendesk")+"/"+sub), opts...)
}

// now is the clock of the tests: before the API-token retirement's warning
// window, so that only the retirement test sees it.
var now = time.Date(2026, time.December, 2, 12, 0, 0, 0, time.UTC)

func runLive(t *testing.T, s *connector.Spec, at time.Time) probe.Result {
	t.Helper()
	return servicetest.RunCheck(t, Service().Plan, s, func(o *probe.Options) {
		o.ExpiryWarning, o.Now = 30*24*time.Hour, func() time.Time { return at }
	})
}

func dump(r probe.Result) string { return servicetest.DumpResult(r) }

func withSetting(k, v string) servicetest.SpecOpt {
	return func(s *connector.Spec) { s.Settings[k] = v }
}

func TestLiveScenarios(t *testing.T) {
	apiToken := func(email, tok string) []servicetest.SpecOpt {
		return []servicetest.SpecOpt{servicetest.WithUser(email), servicetest.WithToken(tok)}
	}
	admin := apiToken("admin@acme.com", SandboxAPIToken)
	audit := withSetting("audit_logs", "true")
	client := servicetest.WithClient(SandboxClientID, SandboxClientSecret)
	const tokenPath, userPath = "auth.token_wo", "auth.username"
	for _, tc := range []struct {
		name, sub     string
		opts          []servicetest.SpecOpt
		at            time.Time
		status        string
		cat           finding.Category
		path, mention string
	}{
		{name: "healthy API token with audit log", sub: "acme", opts: append(admin, audit), status: probe.StatusHealthy},
		{name: "healthy API token, e-mail with /token", sub: "acme", opts: apiToken("agent@acme.com/token", SandboxAPIToken), status: probe.StatusHealthy},
		{name: "healthy OAuth token", sub: "acme", opts: []servicetest.SpecOpt{servicetest.WithToken("oat-ok.a1b2c3"), audit, servicetest.WithScopes("read")},
			status: probe.StatusHealthy},
		{name: "healthy client credentials", sub: "acme", opts: []servicetest.SpecOpt{client, servicetest.WithScopes("read", "auditlogs:read")},
			status: probe.StatusHealthy},
		{name: "refresh token not redeemed", sub: "acme", opts: []servicetest.SpecOpt{client, servicetest.WithToken("rt-ok.a1b2c3")},
			status: probe.StatusHealthy},
		{name: "wrong API token", sub: "acme", opts: apiToken("admin@acme.com", "0123456789abcdefWRONG"),
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: tokenPath, mention: "API tokens"},
		{name: "e-mail of no agent", sub: "acme", opts: apiToken("someone@acme.com", SandboxAPIToken),
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: tokenPath, mention: "active agent"},
		{name: "anonymous user on users/me", sub: "acme", opts: apiToken("admin@acme.com", "anonymous.x1"),
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: tokenPath, mention: "anonymous"},
		{name: "API token sent as bearer", sub: "acme", opts: []servicetest.SpecOpt{servicetest.WithToken(SandboxAPIToken)},
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: tokenPath, mention: "auth.username"},
		{name: "OAuth token expired or revoked", sub: "acme", opts: []servicetest.SpecOpt{servicetest.WithToken("oat-gone.a1b2c3")},
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: tokenPath, mention: "re-authorize"},
		{name: "OAuth token expiring", sub: "acme", opts: []servicetest.SpecOpt{servicetest.WithToken("oat-expiring.a1b2c3")},
			status: probe.StatusDegraded, cat: finding.ExpiringCredentials, path: tokenPath},
		{name: "OAuth token lacks a required scope", sub: "acme", opts: []servicetest.SpecOpt{servicetest.WithToken("oat-scoped.a1b2c3"), servicetest.WithScopes("users:read", "auditlogs:read")},
			status: probe.StatusUnhealthy, cat: finding.InsufficientScope, path: "required_scopes[1]", mention: "auditlogs:read"},
		{name: "audit log refused for the scopes", sub: "acme", opts: []servicetest.SpecOpt{servicetest.WithToken("oat-scoped.a1b2c3"), audit},
			status: probe.StatusUnhealthy, cat: finding.InsufficientScope, path: "required_scopes", mention: "missing the following required scopes"},
		{name: "agent reads the audit log (seed 003)", sub: "acme", opts: append(apiToken("agent@acme.com", SandboxAPIToken), audit),
			status: probe.StatusUnhealthy, cat: finding.AccessDenied, path: userPath, mention: "role"},
		{name: "agent with custom role", sub: "acme", opts: append(apiToken("custom@acme.com", SandboxAPIToken), audit),
			status: probe.StatusUnhealthy, cat: finding.AccessDenied, path: userPath, mention: "custom role"},
		{name: "OAuth agent reads the audit log", sub: "acme", opts: []servicetest.SpecOpt{servicetest.WithToken("oat-agent.a1b2c3"), audit},
			status: probe.StatusUnhealthy, cat: finding.AccessDenied, path: tokenPath, mention: "admin"},
		{name: "admin without Enterprise (seed 003)", sub: "professional", opts: append(admin, audit),
			status: probe.StatusUnhealthy, cat: finding.LicenseRequired, path: "zendesk.audit_logs", mention: "Enterprise"},
		{name: "audit use from the scope", sub: "professional", opts: []servicetest.SpecOpt{servicetest.WithToken("oat-ok.a1b2c3"), servicetest.WithScopes("read", "auditlogs:read")},
			status: probe.StatusUnhealthy, cat: finding.LicenseRequired, path: "required_scopes[1]", mention: "Enterprise"},
		{name: "end user", sub: "acme", opts: apiToken("enduser@acme.com", SandboxAPIToken),
			status: probe.StatusUnhealthy, cat: finding.AccessDenied, path: userPath, mention: "agent or admin"},
		{name: "suspended user", sub: "acme", opts: apiToken("suspended@acme.com", SandboxAPIToken),
			status: probe.StatusUnhealthy, cat: finding.AccountDisabled, path: userPath, mention: "Unsuspend"},
		{name: "closed account", sub: "closed-acme", opts: admin,
			status: probe.StatusUnhealthy, cat: finding.TenantNotFound, path: "zendesk.subdomain", mention: "Brand management"},
		{name: "base_url with /api/v2", sub: "acme", opts: append(admin, func(s *connector.Spec) { s.Settings["base_url"] += "/api/v2" }),
			status: probe.StatusUnhealthy, cat: finding.EndpointNotFound, path: "zendesk.base_url", mention: "/api/v2"},
		{name: "rate limited", sub: "acme", opts: apiToken("admin@acme.com", "ratelimited.x1"),
			status: probe.StatusUnreachable, cat: finding.RateLimited, path: "zendesk.base_url", mention: "60 seconds"},
		{name: "low budget", sub: "acme", opts: apiToken("admin@acme.com", "lowbudget.x1"),
			status: probe.StatusDegraded, cat: finding.RateLimited, path: "zendesk.base_url", mention: "allows 700 requests per minute"},
		{name: "wrong client secret", sub: "acme", opts: []servicetest.SpecOpt{servicetest.WithClient(SandboxClientID, "not-the-secret-0123456789")},
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: "auth.client_secret_wo", mention: "secret"},
		{name: "scope unknown to Zendesk", sub: "acme", opts: []servicetest.SpecOpt{client, servicetest.WithScopes("tickets:delete")},
			status: probe.StatusUnhealthy, cat: finding.InvalidScope, path: "required_scopes", mention: "Allowed scopes"},
		{name: "refresh token already used", sub: "acme", opts: []servicetest.SpecOpt{client, servicetest.WithToken("rt-used.a1b2c3"), servicetest.WithRedeem()},
			status: probe.StatusUnhealthy, cat: finding.RevokedCredentials, path: tokenPath, mention: "single use"},
		{name: "API token retirement near", sub: "acme", opts: admin, at: time.Date(2027, time.April, 10, 0, 0, 0, 0, time.UTC),
			status: probe.StatusDegraded, cat: finding.ExpiringCredentials, path: tokenPath, mention: "OAuth client"},
		{name: "API token retired", sub: "acme", opts: admin, at: time.Date(2027, time.May, 1, 0, 0, 0, 0, time.UTC),
			status: probe.StatusUnhealthy, cat: finding.ExpiredCredentials, path: tokenPath, mention: "OAuth client"},
		{name: "API token retired, refused too", sub: "acme", opts: apiToken("admin@acme.com", "0123456789abcdefWRONG"), at: time.Date(2027, time.May, 1, 0, 0, 0, 0, time.UTC),
			status: probe.StatusUnhealthy, cat: finding.ExpiredCredentials, path: tokenPath, mention: "deactivated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := tc.at
			if at.IsZero() {
				at = now
			}
			res := runLive(t, liveSpec(tc.sub, tc.opts...), at)
			if res.Status != tc.status {
				t.Fatalf("status %s, want %s\n%s", res.Status, tc.status, dump(res))
			}
			if all := dump(res); strings.Contains(all, SandboxAPIToken) || strings.Contains(all, SandboxClientSecret) || strings.Contains(all, "a1b2c3") {
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
					text := f.Summary + " " + f.Detail + " " + strings.Join(f.Remediation, " ")
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

// TestLiveGrantedScopes: an OAuth token's scopes come from tokens/current.
func TestLiveGrantedScopes(t *testing.T) {
	res := runLive(t, liveSpec("acme", servicetest.WithToken("oat-scoped.a1b2c3")), now)
	if got := strings.Join(res.GrantedScopes, " "); got != "tickets:read users:read" {
		t.Fatalf("granted %q\n%s", got, dump(res))
	}
	res = runLive(t, liveSpec("acme", servicetest.WithToken("oat-expiring.a1b2c3")), now)
	if res.ExpiresAt == nil {
		t.Fatalf("no expiry reported\n%s", dump(res))
	}
}

// TestLiveRefreshRedeemed: with redeem_refresh_token the refresh grant runs
// and Zendesk's rotation is reported (the configured token is spent).
func TestLiveRefreshRedeemed(t *testing.T) {
	res := runLive(t, liveSpec("acme", servicetest.WithClient(SandboxClientID, SandboxClientSecret),
		servicetest.WithToken("rt-ok.a1b2c3"), servicetest.WithRedeem()), now)
	if res.Status != probe.StatusDegraded {
		t.Fatalf("status %s\n%s", res.Status, dump(res))
	}
	for _, f := range res.Findings {
		if f.Category == finding.RevokedCredentials && f.Severity == finding.Warning && f.Path.String() == "auth.token_wo" {
			return
		}
	}
	t.Fatalf("no rotation warning\n%s", dump(res))
}

// TestLiveNoPlan: configurations the offline rules reject are not probed.
func TestLiveNoPlan(t *testing.T) {
	for _, s := range []*connector.Spec{
		servicetest.NewSpec("zendesk", servicetest.Set("subdomain", "https://acme.zendesk.com"), servicetest.WithUser("a@b.com"), servicetest.WithToken("x")),
		servicetest.NewSpec("zendesk", servicetest.Set("subdomain", "acme"), servicetest.WithUser("a@b.com")),
		servicetest.NewSpec("zendesk", servicetest.Set("subdomain", "acme")),
	} {
		if p, fs := plan(s); p != nil || len(fs) > 0 {
			t.Errorf("planned %+v %v", s.Settings, fs)
		}
	}
}
