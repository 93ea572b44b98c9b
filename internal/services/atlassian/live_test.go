package atlassian

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func startSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	sb := sandbox.Start(*Service().Emulation)
	t.Cleanup(sb.Close)
	return sb
}

func check(t *testing.T, s *connector.Spec, opts ...func(*probe.Options)) probe.Result {
	t.Helper()
	return servicetest.RunCheck(t, plan, s, opts...)
}

// liveSpec is an atlassian connector pointed at the sandbox sb.
func liveSpec(sb *sandbox.Server, settings map[string]string, opts ...servicetest.SpecOpt) *connector.Spec {
	all := map[string]string{"site": "acme.atlassian.net", "base_url": sb.VendorURL("atlassian")}
	for k, v := range settings {
		all[k] = v
	}
	return servicetest.NewSpec("atlassian", all, opts...)
}

// testJWT is an unsigned JWT with the given exp (the check reads only exp).
func testJWT(exp time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"kid":"auth.atlassian.com/startgate","alg":"RS256"}`)) + "." +
		enc([]byte(fmt.Sprintf(`{"sub":"5b10ac8d82e05b22cc7d4ef5","aud":"api.atlassian.com","exp":%d}`, exp.Unix()))) + ".c2lnbmF0dXJl"
}

type liveCase struct {
	name    string
	spec    *connector.Spec
	status  string
	cat     finding.Category
	path    string
	code    string
	mention string // a word the detail or a remediation must contain
	secrets []string
}

func runCases(t *testing.T, cases []liveCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := check(t, tc.spec)
			f := servicetest.ExpectResult(t, res, tc.status, tc.cat, tc.path)
			servicetest.NoSecretsIn(t, res, tc.secrets...)
			if tc.cat == "" {
				return
			}
			if tc.code != "" && f.Code != tc.code {
				t.Errorf("code %q, want %q", f.Code, tc.code)
			}
			if text := f.Summary + " " + f.Detail + " " + strings.Join(f.Remediation, " "); !strings.Contains(text, tc.mention) {
				t.Errorf("finding does not mention %q:\n%s", tc.mention, text)
			}
			if len(f.Remediation) == 0 {
				t.Errorf("no remediation: %+v", f)
			}
		})
	}
}

func TestLiveAPIToken(t *testing.T) {
	sb := startSandbox(t)
	const tokenPath, userPath = "auth.token_wo", "auth.username"
	token := func(scenario string, settings map[string]string) (*connector.Spec, []string) {
		tok := scenario + ".ATATT3xFfGF0T3stT0kenValue0123456789=0A1B2C3D"
		return liveSpec(sb, settings, servicetest.WithUser("ops@acme.com"), servicetest.WithToken(tok)), []string{tok}
	}
	withCloud := map[string]string{"cloud_id": CloudID}
	var cases []liveCase
	for _, c := range []struct {
		scenario string
		settings map[string]string
		status   string
		cat      finding.Category
		path     string
		code     string
		mention  string
	}{
		{scenario: "ok", status: probe.StatusHealthy},
		{scenario: "scoped", settings: withCloud, status: probe.StatusHealthy},
		{scenario: "bad_token", status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: tokenPath, code: "AUTHENTICATED_FAILED", mention: "id.atlassian.com"},
		{scenario: "bad_token_html", status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: tokenPath, code: "AUTHENTICATED_FAILED", mention: "Unauthorized (401)"},
		{scenario: "password", status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: tokenPath, code: "deprecation-notice-basic-auth", mention: "API token"},
		{scenario: "captcha", status: probe.StatusUnhealthy, cat: finding.PolicyBlocked, path: userPath, code: "CAPTCHA_CHALLENGE", mention: "solve the CAPTCHA"},
		{scenario: "scoped", status: probe.StatusUnhealthy, cat: finding.InvalidConfiguration, path: "atlassian.cloud_id", code: "scope does not match", mention: "_edge/tenant_info"},
		{scenario: "scoped_noscope", settings: withCloud, status: probe.StatusUnhealthy, cat: finding.InsufficientScope, path: tokenPath, code: "scope does not match", mention: "read:jira-user"},
		{scenario: "rate_limited", status: probe.StatusUnreachable, cat: finding.RateLimited, path: "atlassian.base_url", code: "jira-burst-based", mention: "Retry-After: 7"},
		{scenario: "rate_limited_html", status: probe.StatusUnreachable, cat: finding.RateLimited, path: "atlassian.base_url", code: "jira-burst-based", mention: "Oops"},
		{scenario: "near_limit", status: probe.StatusDegraded, cat: finding.RateLimited, path: "atlassian.base_url", code: "X-RateLimit-NearLimit", mention: "20%"},
		{scenario: "unknown_site", status: probe.StatusUnhealthy, cat: finding.TenantNotFound, path: "atlassian.site", code: "Page unavailable", mention: "admin.atlassian.com"},
		{scenario: "outage", status: probe.StatusUnreachable, cat: finding.ServiceUnavailable, path: "atlassian.base_url", code: "HTTP 503", mention: "status.atlassian.com"},
	} {
		spec, secrets := token(c.scenario, c.settings)
		cases = append(cases, liveCase{name: c.scenario + fmt.Sprint(len(c.settings)), spec: spec, status: c.status, cat: c.cat,
			path: c.path, code: c.code, mention: c.mention, secrets: secrets})
	}
	runCases(t, cases)
}

// TestLiveAPITokenRevoked: a token that worked fails once it is revoked.
func TestLiveAPITokenRevoked(t *testing.T) {
	sb := startSandbox(t)
	tok := "ok.revoke-me-ATATT3xFf"
	s := liveSpec(sb, nil, servicetest.WithUser("ops@acme.com"), servicetest.WithToken(tok))
	servicetest.ExpectResult(t, check(t, s), probe.StatusHealthy, "", "")
	sb.Revoke(tok)
	servicetest.ExpectResult(t, check(t, s), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.token_wo")
}

func TestLiveAccessToken(t *testing.T) {
	sb := startSandbox(t)
	withCloud := map[string]string{"cloud_id": CloudID}
	bearer := func(tok string, settings map[string]string, opts ...servicetest.SpecOpt) *connector.Spec {
		return liveSpec(sb, settings, append([]servicetest.SpecOpt{servicetest.WithToken(tok)}, opts...)...)
	}
	expired := testJWT(time.Now().Add(-2 * time.Hour))
	runCases(t, []liveCase{
		{name: "healthy by cloud id", spec: bearer("ok.at-opaque", withCloud, servicetest.WithScopes("read:jira-work")), status: probe.StatusHealthy},
		{name: "healthy by site", spec: bearer("ok.at-opaque", nil), status: probe.StatusHealthy},
		{name: "no site grant", spec: bearer("no_site_grant.at", withCloud), status: probe.StatusUnhealthy,
			cat: finding.AppNotInstalled, path: "atlassian.cloud_id", code: "accessible-resources", mention: "acme-sandbox"},
		{name: "scope not granted", spec: bearer("ok.at", withCloud, servicetest.WithScopes("read:jira-work", "manage:jira-configuration")),
			status: probe.StatusUnhealthy, cat: finding.InsufficientScope, path: "required_scopes[1]", code: "accessible-resources", mention: "consent again"},
		{name: "scope mismatch at myself", spec: bearer("scope_mismatch.at", withCloud), status: probe.StatusUnhealthy,
			cat: finding.InsufficientScope, path: "auth.token_wo", code: "scope does not match", mention: "read:user:jira"},
		{name: "bad token", spec: bearer("bad_token.at", withCloud), status: probe.StatusUnhealthy,
			cat: finding.InvalidCredentials, path: "auth.token_wo", code: "HTTP 401", mention: "Unauthorized"},
		{name: "expired JWT", spec: bearer(expired, withCloud), status: probe.StatusUnhealthy,
			cat: finding.ExpiredCredentials, path: "auth.token_wo", code: "HTTP 401", mention: "one hour", secrets: []string{expired}},
		{name: "rate limited", spec: bearer("rate_limited.at", withCloud), status: probe.StatusUnreachable,
			cat: finding.RateLimited, path: "atlassian.base_url", mention: "Retry-After: 7"},
	})
}

// TestLiveAccessTokenExpiry: a configured JWT's exp is the credential's
// expiry: within the warning window it is reported as expiring.
func TestLiveAccessTokenExpiry(t *testing.T) {
	sb := startSandbox(t)
	exp := time.Now().Add(50 * time.Minute).Truncate(time.Second)
	res := check(t, liveSpec(sb, map[string]string{"cloud_id": CloudID}, servicetest.WithToken(testJWT(exp))),
		func(o *probe.Options) { o.ExpiryWarning = 720 * time.Hour })
	servicetest.ExpectResult(t, res, probe.StatusDegraded, finding.ExpiringCredentials, "auth.token_wo")
	if res.ExpiresAt == nil || !res.ExpiresAt.Equal(exp) {
		t.Errorf("ExpiresAt %v, want %v", res.ExpiresAt, exp)
	}
	if strings.Join(res.GrantedScopes, " ") != "read:jira-user read:jira-work write:jira-work" {
		t.Errorf("granted scopes %v", res.GrantedScopes)
	}
}

func TestLiveRefreshToken(t *testing.T) {
	sb := startSandbox(t)
	const clientID = "Xy7AbCdEfGhIjKlMnOpQrStUvWxYz012"
	app := func(refresh, secret string, opts ...servicetest.SpecOpt) *connector.Spec {
		return liveSpec(sb, map[string]string{"cloud_id": CloudID},
			append([]servicetest.SpecOpt{servicetest.WithClient(clientID, secret), servicetest.WithToken(refresh)}, opts...)...)
	}
	runCases(t, []liveCase{
		// Not redeemed: the client check proves the secret, and the
		// refresh token is left unspent.
		{name: "client verified, token kept", spec: app("ok.rt-1", "ATOAgoodsecret0123456789"), status: probe.StatusHealthy},
		{name: "wrong client secret", spec: app("ok.rt-2", "bad_client_secret.ATOA0123456789"), status: probe.StatusUnhealthy,
			cat: finding.InvalidCredentials, path: "auth.client_secret_wo", code: "access_denied", mention: "developer.atlassian.com"},
		{name: "reused refresh token", spec: app("refresh_reused.rt-3", "ATOAgoodsecret0123456789", servicetest.WithRedeem()),
			status: probe.StatusUnhealthy, cat: finding.RevokedCredentials, path: "auth.token_wo", code: "invalid_grant", mention: "10-minute"},
		{name: "scope not granted (redeemed)", spec: app("ok.rt-4", "ATOAgoodsecret0123456789", servicetest.WithRedeem(),
			servicetest.WithScopes("read:jira-work", "manage:jira-configuration")),
			status: probe.StatusUnhealthy, cat: finding.InsufficientScope, path: "required_scopes[1]", mention: "manage:jira-configuration"},
		{name: "no site grant (redeemed)", spec: app("no_site_grant.rt-5", "ATOAgoodsecret0123456789", servicetest.WithRedeem()),
			status: probe.StatusUnhealthy, cat: finding.AppNotInstalled, path: "atlassian.cloud_id", mention: "consent"},
	})
}

// TestLiveRefreshRotation: redeemed (on purpose), the refresh token rotates;
// the check says the configured one is used up, and the healthy token
// reaches /myself with the new access token.
func TestLiveRefreshRotation(t *testing.T) {
	sb := startSandbox(t)
	s := liveSpec(sb, map[string]string{"cloud_id": CloudID},
		servicetest.WithClient("Xy7AbCdEfGhIjKlMnOpQrStUvWxYz012", "ATOAgoodsecret0123456789"), servicetest.WithToken("ok.rt-rotate"), servicetest.WithRedeem())
	res := check(t, s)
	servicetest.ExpectResult(t, res, probe.StatusDegraded, finding.RevokedCredentials, "auth.token_wo")
	if servicetest.StepOutcome(res, "myself") != probe.OutcomeOK {
		t.Fatalf("myself step:\n%s", servicetest.DumpResult(res))
	}
}

func TestLiveAdminKey(t *testing.T) {
	sb := startSandbox(t)
	key := func(scenario string) *connector.Spec {
		return liveSpec(sb, map[string]string{"site": "", "org_id": OrgID}, servicetest.WithToken(scenario+".ATCTT3xFfGN0adminkey"))
	}
	runCases(t, []liveCase{
		{name: "healthy", spec: key("ok"), status: probe.StatusHealthy},
		{name: "no Guard", spec: key("no_guard"), status: probe.StatusUnhealthy, cat: finding.LicenseRequired,
			path: "atlassian.org_id", code: "Audit Log Entitlement validation failed", mention: "Atlassian Guard Standard"},
		{name: "other organization", spec: key("other_org"), status: probe.StatusUnhealthy, cat: finding.TenantNotFound,
			path: "atlassian.org_id", code: "admin/v1/orgs", mention: "Acme Labs"},
		{name: "bad key", spec: key("bad_key"), status: probe.StatusUnhealthy, cat: finding.InvalidCredentials,
			path: "auth.token_wo", code: "HTTP 401", mention: "API keys"},
		{name: "rate limited", spec: key("rate_limited"), status: probe.StatusUnreachable, cat: finding.RateLimited,
			path: "atlassian.base_url", mention: "Retry-After"},
	})
}

// TestLiveStableResult: a failing check reads the same twice (ATL-TraceId
// differs per answer), so refresh-only plans see no drift.
func TestLiveStableResult(t *testing.T) {
	s := liveSpec(startSandbox(t), nil, servicetest.WithUser("ops@acme.com"), servicetest.WithToken("bad_token.ATATT3x"))
	a, b := check(t, s), check(t, s)
	if servicetest.DumpResult(a) != servicetest.DumpResult(b) {
		t.Fatalf("results differ:\n%s\n%s", servicetest.DumpResult(a), servicetest.DumpResult(b))
	}
}
