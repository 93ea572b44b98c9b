package salesforce

import (
	"context"
	"strings"
	"testing"
	"time"

	josejwt "github.com/go-jose/go-jose/v4/jwt"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// key is a sandbox consumer key with the given scenario word.
func key(scenario string) string { return "3MVG9.sandbox." + scenario + ".A1b2C3d4E5f6G7h8" }

type liveCase struct {
	name   string
	spec   *connector.Spec
	status string
	cat    finding.Category // the first error's (or warning's) category; "" for none
	path   string
	fix    string // a fragment of its remediation
}

func runLive(t *testing.T, cases []liveCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			res := probe.Run(ctx, probe.Options{Planner: Service().Plan, Timeout: 5 * time.Second, ExpiryWarning: 720 * time.Hour}, tc.spec)
			if res.Status != tc.status {
				t.Fatalf("status %s (%s), want %s\nsteps: %+v\nfindings: %+v", res.Status, res.Summary, tc.status, res.Steps, res.Findings)
			}
			if tc.cat == "" {
				if len(res.Findings) > 0 {
					t.Fatalf("healthy connector has findings: %+v", res.Findings)
				}
				return
			}
			if len(res.Findings) == 0 {
				t.Fatalf("no finding; steps %+v", res.Steps)
			}
			f := res.Findings[0]
			if f.Category != tc.cat || f.Path.String() != tc.path {
				t.Fatalf("got %s at %s (%s), want %s at %s\n%+v", f.Category, f.Path, f.Summary, tc.cat, tc.path, f)
			}
			if !strings.Contains(strings.Join(f.Remediation, " "), tc.fix) || f.Detail == "" {
				t.Fatalf("finding lacks %q in its fix: %+v", tc.fix, f)
			}
			for _, sec := range tc.spec.Secrets() {
				if len(sec) > 8 && strings.Contains(f.Summary+f.Detail+strings.Join(f.Remediation, ""), sec) {
					t.Fatal("a finding reveals a secret")
				}
			}
		})
	}
}

func TestLive(t *testing.T) {
	srv := sandbox.Start(*Service().Emulation)
	defer srv.Close()
	login := srv.VendorURL("salesforce")
	pem := servicetest.TestRSA2048()
	settings := func(kv ...string) map[string]string {
		return servicetest.Set(append([]string{"login_url", login, "api_version", "v61.0"}, kv...)...)
	}
	cc := func(scenario string, opts ...servicetest.SpecOpt) *connector.Spec {
		return servicetest.NewSpec("salesforce", settings(),
			append([]servicetest.SpecOpt{servicetest.WithClient(key(scenario), SandboxConsumerSecret)}, opts...)...)
	}
	jwt := func(scenario, user string, opts ...servicetest.SpecOpt) *connector.Spec {
		return servicetest.NewSpec("salesforce", settings(), append([]servicetest.SpecOpt{servicetest.WithClient(key(scenario), ""),
			servicetest.WithUser(user), servicetest.WithKey(pem)}, opts...)...)
	}
	refresh := func(rt, secret string, opts ...servicetest.SpecOpt) *connector.Spec {
		return servicetest.NewSpec("salesforce", settings(), append([]servicetest.SpecOpt{servicetest.WithClient(key("acc"), secret),
			servicetest.WithToken(rt)}, opts...)...)
	}
	const (
		loginP  = "salesforce.login_url"
		secretP = "auth.client_secret_wo"
		idP     = "auth.client_id"
		tokP    = "auth.token_wo"
	)
	runLive(t, []liveCase{
		{"client credentials, healthy", cc("acc", servicetest.WithScopes("api")), probe.StatusHealthy, "", "", ""},
		{"JWT bearer, healthy", jwt("acc", "integration@acme.com", servicetest.WithScopes("api")), probe.StatusHealthy, "", "", ""},
		{"refresh token, introspected not redeemed", refresh("5Aep861.sandbox.acc.Zx9", SandboxConsumerSecret, servicetest.WithScopes("api", "refresh_token"), servicetest.WithRefresh()),
			probe.StatusHealthy, "", "", ""},
		{"refresh token redeemed", refresh("5Aep861.sandbox.acc.Zx9", SandboxConsumerSecret, servicetest.WithRedeem()), probe.StatusHealthy, "", "", ""},
		{"user lacks View Setup: the directory is read instead", cc("nosetup"), probe.StatusHealthy, "", "", ""},

		{"unknown consumer key", servicetest.NewSpec("salesforce", settings(), servicetest.WithClient("3MVG9.unknown.A1b2", SandboxConsumerSecret)),
			probe.StatusUnhealthy, finding.AppNotFound, idP, "Consumer Key"},
		{"wrong consumer secret", servicetest.NewSpec("salesforce", settings(), servicetest.WithClient(key("acc"), "wrong-secret-0123456789")),
			probe.StatusUnhealthy, finding.InvalidCredentials, secretP, "Consumer Secret"},
		{"flow not enabled", cc("nogrant"), probe.StatusUnhealthy, finding.FeatureDisabled, idP, "Enable Client Credentials Flow"},
		{"no Run As user", cc("norunas"), probe.StatusUnhealthy, finding.FeatureDisabled, idP, "Run As"},
		{"client credentials on a shared login host", cc("shareddomain"), probe.StatusUnhealthy, finding.InvalidConfiguration, loginP, "My Domain"},
		{"ip restricted", cc("iprestricted"), probe.StatusUnhealthy, finding.PolicyBlocked, idP, "Login IP Ranges"},
		{"inactive Run As user", cc("inactive"), probe.StatusUnhealthy, finding.AccountDisabled, idP, "Reactivate"},
		{"org locked", cc("orglocked"), probe.StatusUnhealthy, finding.AccountDisabled, loginP, "reactivate"},
		{"login rate", cc("loginrate"), probe.StatusUnreachable, finding.RateLimited, idP, "Reuse access tokens"},
		{"JWT user not approved", jwt("acc", "notapproved@acme.com"), probe.StatusUnhealthy, finding.ConsentRequired, "auth.username", "pre-authorized"},
		{"JWT user not admin approved", jwt("notadmin", "integration@acme.com"), probe.StatusUnhealthy, finding.ConsentRequired, "auth.username", "permission set"},
		{"JWT certificate mismatch", jwt("badcert", "integration@acme.com"), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.private_key_wo", "certificate"},
		{"JWT sandbox org on the production login host", jwt("testorg", "integration@acme.com.uat"), probe.StatusUnhealthy, finding.InvalidConfiguration, loginP, "test.salesforce.com"},
		{"refresh token expired (introspection)", refresh("5Aep861.sandbox.expired.Zx9", SandboxConsumerSecret), probe.StatusUnhealthy, finding.ExpiredCredentials, tokP, "Authorize the app again"},
		{"refresh token expired (redeemed)", refresh("5Aep861.sandbox.expired.Zx9", SandboxConsumerSecret, servicetest.WithRedeem()),
			probe.StatusUnhealthy, finding.ExpiredCredentials, tokP, "Refresh Token Rotation"},
		{"refresh token expiring", refresh("5Aep861.sandbox.expiring.Zx9", SandboxConsumerSecret), probe.StatusDegraded, finding.ExpiringCredentials, tokP, ""},
		{"refresh token rotated when redeemed", refresh("5Aep861.sandbox.rotate.Zx9", SandboxConsumerSecret, servicetest.WithRedeem()),
			probe.StatusDegraded, finding.RevokedCredentials, tokP, "redeem_refresh_token"},
		{"refresh token without a secret", refresh("5Aep861.sandbox.acc.Zx9", ""), probe.StatusDegraded, finding.InvalidConfiguration, tokP, "client_secret_wo"},
		{"refresh token of an unknown app", servicetest.NewSpec("salesforce", settings(), servicetest.WithClient("3MVG9.unknown.A1b2", SandboxConsumerSecret),
			servicetest.WithToken("5Aep861.sandbox.acc.Zx9")), probe.StatusUnhealthy, finding.AppNotFound, idP, "Consumer Key"},
		{"session locked to its IP address", cc("iplock"), probe.StatusUnhealthy, finding.PolicyBlocked, loginP, "Lock sessions to the IP address"},
		{"token without the api scope", cc("noapiscope", servicetest.WithScopes("api")), probe.StatusUnhealthy, finding.InsufficientScope, "required_scopes[0]", "Selected OAuth Scopes"},
		{"session not valid for REST", cc("noapiscope"), probe.StatusUnhealthy, finding.InsufficientScope, "required_scopes", "Manage user data via APIs"},
		{"API disabled", cc("apidisabled"), probe.StatusUnhealthy, finding.LicenseRequired, idP, "API Enabled"},
		{"daily limit exhausted", cc("limitexceeded"), probe.StatusUnreachable, finding.RateLimited, idP, "rolling window"},
		{"daily budget low", cc("lowbudget"), probe.StatusDegraded, finding.RateLimited, idP, "System Overview"},
		{"retired API version", servicetest.NewSpec("salesforce", servicetest.Set("login_url", login, "api_version", "v29.0"),
			servicetest.WithClient(key("acc"), SandboxConsumerSecret)), probe.StatusUnhealthy, finding.EndpointNotFound, "salesforce.api_version", "api_version"},
		{"no refresh token from client credentials", cc("acc", servicetest.WithScopes("api", "refresh_token"), servicetest.WithRefresh()),
			probe.StatusUnhealthy, finding.InsufficientScope, "required_scopes[1]", "Selected OAuth Scopes"},
	})
}

// TestAssertionClaims: the JWT bearer assertion names the consumer key, the
// user and Salesforce's login host, and sets exp explicitly, three minutes
// ahead (Salesforce refuses more).
func TestAssertionClaims(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	for _, tc := range []struct{ login, aud string }{
		{"https://login.salesforce.com", "https://login.salesforce.com"},
		{"https://acme.my.salesforce.com", "https://login.salesforce.com"},
		{"https://test.salesforce.com", "https://test.salesforce.com"},
		{"https://acme--uat.sandbox.my.salesforce.com", "https://test.salesforce.com"},
		{"https://acme.my.site.com", "https://acme.my.site.com"},
		{"http://127.0.0.1:8080", "https://login.salesforce.com"},
	} {
		s := servicetest.NewSpec("salesforce", servicetest.Set("login_url", tc.login), servicetest.WithClient(key("acc"), ""),
			servicetest.WithUser("integration@acme.com"), servicetest.WithKey(servicetest.TestRSA2048()))
		r := &run{spec: s, login: tc.login, flow: flowJWT}
		raw, err := r.assertion(now)
		if err != nil {
			t.Fatal(err)
		}
		c, ok := parseAssertion(raw)
		if !ok {
			t.Fatalf("%s: not an RS256 JWT", tc.login)
		}
		want := josejwt.Expected{Issuer: key("acc"), Subject: "integration@acme.com", AnyAudience: josejwt.Audience{tc.aud}, Time: now}
		if err := c.Validate(want); err != nil {
			t.Errorf("%s: %v (claims %+v)", tc.login, err, c)
		}
		if c.Expiry == nil || c.Expiry.Time().Sub(now) != 3*time.Minute {
			t.Errorf("%s: exp %v, want exactly 3 minutes after %v", tc.login, c.Expiry, now)
		}
	}
	s := servicetest.NewSpec("salesforce", nil, servicetest.WithClient(key("acc"), ""), servicetest.WithUser("u@acme.com"), servicetest.WithKey(servicetest.TestECKey()))
	if _, err := (&run{spec: s, login: defaultLogin, flow: flowJWT}).assertion(now); err == nil {
		t.Error("an EC key signed a Salesforce assertion")
	}
}

// TestLiveNeverSpendsRefreshToken: without redeem_refresh_token the token
// endpoint never sees the configured refresh token.
func TestLiveNeverSpendsRefreshToken(t *testing.T) {
	srv := sandbox.Start(*Service().Emulation)
	defer srv.Close()
	const rt = "5Aep861.sandbox.rotate.Zx9"
	s := servicetest.NewSpec("salesforce", servicetest.Set("login_url", srv.VendorURL("salesforce")),
		servicetest.WithClient(key("acc"), SandboxConsumerSecret), servicetest.WithToken(rt))
	res := probe.Run(context.Background(), probe.Options{Planner: Service().Plan, Timeout: 5 * time.Second}, s)
	if res.Status != probe.StatusHealthy {
		t.Fatalf("status %s: %+v", res.Status, res.Findings)
	}
	for _, st := range res.Steps {
		if st.Name == probe.StepToken && !strings.Contains(st.Message, "not redeemed") {
			t.Fatalf("token step: %q", st.Message)
		}
	}
}
