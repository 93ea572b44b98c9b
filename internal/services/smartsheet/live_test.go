package smartsheet

import (
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// The planner against the sandbox's Smartsheet: every failure mode, each
// with its category, attribute and fix.
func TestLive(t *testing.T) {
	srv := sandbox.Start(Emulation())
	defer srv.Close()
	base := func(region string) string { return srv.VendorURL("smartsheet") + "/" + region + "/2.0" }
	pat := func(tok string, opts ...servicetest.SpecOpt) *connector.Spec {
		return servicetest.NewSpec("smartsheet", servicetest.Set("base_url", base("com")), append([]servicetest.SpecOpt{servicetest.WithToken(tok)}, opts...)...)
	}
	events := servicetest.WithScopes("READ_SHEETS", "READ_EVENTS")
	oauth := func(secret, rt string, opts ...servicetest.SpecOpt) *connector.Spec {
		return pat(rt, append([]servicetest.SpecOpt{servicetest.WithClient(SandboxClientID, secret)}, opts...)...)
	}
	const tokPath = "auth.token_wo"
	for _, tc := range []struct {
		name   string
		spec   *connector.Spec
		status string
		cat    finding.Category
		path   string
		fixHas string
	}{
		{"token healthy", pat("ll352u9-sandbox-0123"), probe.StatusHealthy, "", "", ""},
		{"token healthy with events", pat("ll352u9-sandbox-0123", events), probe.StatusHealthy, "", "", ""},
		{"EU token on the EU host", func() *connector.Spec {
			return servicetest.NewSpec("smartsheet", servicetest.Set("base_url", base("eu")), servicetest.WithToken("ll352u9-sandbox-eu-0123"))
		}(), probe.StatusHealthy, "", "", ""},
		{"bad token (1002)", pat("ll352u9-sandbox-bad-0123"), probe.StatusUnhealthy, finding.InvalidCredentials, tokPath, "API Access"},
		{"token from another region (1002)", pat("ll352u9-sandbox-eu-0123"), probe.StatusUnhealthy, finding.InvalidCredentials, tokPath, "api.smartsheet.eu"},
		{"expired token (1003)", pat("ll352u9-sandbox-expired-0123"), probe.StatusUnhealthy, finding.ExpiredCredentials, tokPath, "refresh"},
		{"SSO required (1005)", pat("ll352u9-sandbox-sso-0123"), probe.StatusUnhealthy, finding.PolicyBlocked, tokPath, "SSO"},
		{"rate limited (4003, no Retry-After)", pat("ll352u9-sandbox-ratelimited-0123"), probe.StatusUnreachable, finding.RateLimited, "smartsheet.base_url", "minute"},
		{"maintenance (4001)", pat("ll352u9-sandbox-maintenance-0123"), probe.StatusUnreachable, finding.ServiceUnavailable, "smartsheet.base_url", "minutes"},
		{"events: not a System Admin (1004)", pat("ll352u9-sandbox-notadmin-0123", events), probe.StatusUnhealthy, finding.AccessDenied, tokPath, "System Admin"},
		{"events: no add-on (1013, seed 003)", pat("ll352u9-sandbox-noaddon-0123", events), probe.StatusUnhealthy, finding.LicenseRequired, "required_scopes[1]", "Event Reporting add-on"},
		{"base_url without /2.0 (1006)", servicetest.NewSpec("smartsheet", servicetest.Set("base_url", srv.VendorURL("smartsheet")+"/com"),
			servicetest.WithToken("ll352u9-sandbox-0123")), probe.StatusUnhealthy, finding.EndpointNotFound, "smartsheet.base_url", "/2.0"},

		{"OAuth: client verified, refresh token not spent", oauth(SandboxClientSecret, "rt-sandbox-1"), probe.StatusHealthy, "", "", ""},
		{"OAuth: wrong app secret (invalid_client)", oauth("sandbox0wrong0secret", "rt-sandbox-1"), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.client_secret_wo", "Developer Tools"},
		{"OAuth: redeemed, events healthy (rotation warned)", oauth(SandboxClientSecret, "rt-sandbox-1", events, servicetest.WithRedeem()),
			probe.StatusDegraded, finding.RevokedCredentials, tokPath, "redeem_refresh_token"},
		{"OAuth: refresh token invalid (1071)", oauth(SandboxClientSecret, "rt-sandbox-invalid-1", servicetest.WithRedeem()),
			probe.StatusUnhealthy, finding.RevokedCredentials, tokPath, "store the new refresh token"},
		{"OAuth: token without READ_EVENTS (1004)", oauth(SandboxClientSecret, "rt-sandbox-noscope-1", events, servicetest.WithRedeem()),
			probe.StatusUnhealthy, finding.InsufficientScope, "required_scopes[1]", "scope=READ_EVENTS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := servicetest.RunCheck(t, Plan, tc.spec, func(o *probe.Options) { o.ExpiryWarning = 30 * 24 * time.Hour })
			servicetest.NoSecretsIn(t, res, tc.spec.Secrets()...)
			for _, f := range res.Findings {
				if f.Summary == "" || f.Detail == "" || len(f.Remediation) == 0 {
					t.Errorf("finding %s %q lacks summary, detail or fix", f.Category, f.Summary)
				}
				if tc.cat == "" {
					t.Fatalf("healthy connector has a finding\n%s", servicetest.DumpResult(res))
				}
			}
			f := servicetest.ExpectResult(t, res, tc.status, tc.cat, tc.path)
			if tc.cat != "" && !strings.Contains(f.Detail+"\n"+strings.Join(f.Remediation, "\n"), tc.fixHas) {
				t.Fatalf("no detail or fix mentions %q\n%s", tc.fixHas, servicetest.DumpResult(res))
			}
		})
	}
}

// A connector without a token is not tested, and says what to set.
func TestPlanNeedsToken(t *testing.T) {
	p, fs := Plan(servicetest.NewSpec("smartsheet", nil))
	if p != nil || len(fs) != 1 || fs[0].Severity != finding.Error || fs[0].Path.String() != "auth.token" {
		t.Fatalf("plan %v findings %+v", p, fs)
	}
}
