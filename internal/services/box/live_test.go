package box

import (
	"slices"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// startSandbox runs the Box emulation for one test.
func startSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	sb := sandbox.Start(*Service().Emulation)
	t.Cleanup(sb.Close)
	return sb
}

// spec is a box connector pointed at the sandbox.
func spec(sb *sandbox.Server, settings map[string]string, opts ...servicetest.SpecOpt) *connector.Spec {
	all := map[string]string{"base_url": sb.VendorURL("box")}
	for k, v := range settings {
		all[k] = v
	}
	return servicetest.NewSpec("box", all, opts...)
}

type liveCase struct {
	name    string
	spec    *connector.Spec
	status  string
	cat     finding.Category
	path    string
	mention string // the detail or a remediation says this
}

func runCases(t *testing.T, cases []liveCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if errs := connector.Validate(connector.NewCatalog(Profile()), tc.spec); finding.HasErrors(errs) {
				t.Fatalf("offline errors: %+v", errs)
			}
			res := servicetest.RunCheck(t, plan, tc.spec)
			f := servicetest.ExpectResult(t, res, tc.status, tc.cat, tc.path)
			servicetest.NoSecretsIn(t, res, tc.spec.Secrets()...)
			if res.Status == probe.StatusUnknown {
				t.Fatalf("a reachable Box answered unknown\n%s", servicetest.DumpResult(res))
			}
			if tc.cat == "" {
				for _, f := range res.Findings {
					t.Errorf("healthy connector has a finding: %+v", f)
				}
				return
			}
			if text := f.Summary + " " + f.Detail + " " + strings.Join(f.Remediation, " "); !strings.Contains(text, tc.mention) {
				t.Errorf("finding does not mention %q:\n%s", tc.mention, text)
			}
		})
	}
}

func TestLiveClientCredentials(t *testing.T) {
	sb := startSandbox(t)
	ent := servicetest.Set("enterprise_id", EmulatedEnterprise)
	ccg := func(scenario string, settings map[string]string, scopes ...string) *connector.Spec {
		return spec(sb, settings, servicetest.WithClient(testClientID, scenario+".Qm94U2VjcmV0"), servicetest.WithScopes(scopes...))
	}
	user := servicetest.Set("subject_type", "user", "subject_id", EmulatedUser)
	const events = "manage_enterprise_properties"
	runCases(t, []liveCase{
		{"healthy", ccg("healthy", ent), probe.StatusHealthy, "", "", ""},
		{"healthy with scopes", ccg("healthy", ent, events, "manage_groups", "root_readonly"), probe.StatusHealthy, "", "", ""},
		{"healthy user subject", ccg("healthy", user), probe.StatusHealthy, "", "", ""},
		{"wrong client secret", ccg("bad-client", ent), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.client_secret_wo", "OAuth 2.0 Credentials"},
		{"app not authorized", ccg("app-not-authorized", ent), probe.StatusUnhealthy, finding.AppNotInstalled, "auth.client_id", "Platform Apps Manager"},
		{"subject type not allowed", ccg("subject-type-unauthorized", ent), probe.StatusUnhealthy, finding.InvalidConfiguration, "box.subject_type", "App + Enterprise Access"},
		{"user tokens disabled", ccg("user-tokens-disabled", user), probe.StatusUnhealthy, finding.FeatureDisabled, "box.subject_type", "Generate user access tokens"},
		{"wrong grant type", ccg("wrong-grant-type", ent), probe.StatusUnhealthy, finding.InvalidConfiguration, "auth.client_id", "authentication method"},
		{"wrong enterprise id", ccg("healthy", servicetest.Set("enterprise_id", "7777777")), probe.StatusUnhealthy, finding.InvalidConfiguration, "box.enterprise_id", "Grant credentials are invalid"},
		{"credentials of another enterprise", ccg("wrong-enterprise", ent), probe.StatusUnhealthy, finding.InvalidConfiguration, "box.enterprise_id", "7654321"},
		{"service account inactive", ccg("inactive-user", ent), probe.StatusUnhealthy, finding.AccountDisabled, "box.enterprise_id", "inactive"},
		{"scope missing for events", ccg("scope-events", ent, "manage_groups", events), probe.StatusUnhealthy, finding.InsufficientScope, "required_scopes[1]", "Manage enterprise properties"},
		{"not an admin for events", ccg("not-admin", ent, events), probe.StatusUnhealthy, finding.AccessDenied, "box.enterprise_id", "co-admin"},
		{"token refused by the API", ccg("token-invalid", ent), probe.StatusUnhealthy, finding.RevokedCredentials, "auth.client_id", "invalid_token"},
		{"rate limited", ccg("rate-limited", ent), probe.StatusUnreachable, finding.RateLimited, "box.base_url", "Retry-After: 3"},
		{"outage", ccg("outage", ent), probe.StatusUnreachable, finding.ServiceUnavailable, "box.base_url", "status.box.com"},
		{"not Box's JSON", ccg("garbage", ent), probe.StatusUnhealthy, finding.UnexpectedResponse, "box.base_url", "not the JSON user object"},
	})
}

func TestLiveGrantedScopes(t *testing.T) {
	sb := startSandbox(t)
	s := spec(sb, servicetest.Set("enterprise_id", EmulatedEnterprise), servicetest.WithClient(testClientID, "healthy.x1"),
		servicetest.WithScopes("manage_groups", "manage_enterprise_properties", "item_preview"))
	res := servicetest.RunCheck(t, plan, s)
	if !slices.Equal(res.GrantedScopes, []string{"manage_enterprise_properties", "manage_groups"}) {
		t.Fatalf("granted scopes %v\n%s", res.GrantedScopes, servicetest.DumpResult(res))
	}
}

func TestLiveJWT(t *testing.T) {
	sb := startSandbox(t)
	config := func(scenario string, settings map[string]string, scopes ...string) *connector.Spec {
		return spec(sb, settings, servicetest.WithKey(configFile(t, scenario+".c0nf1gS3cret", nil)), servicetest.WithScopes(scopes...))
	}
	pemKey := func(kid string) *connector.Spec {
		return spec(sb, servicetest.Set("enterprise_id", EmulatedEnterprise, "public_key_id", kid),
			servicetest.WithClient(testClientID, "healthy.s3"), servicetest.WithKey(encryptedKey(t, testPassphrase)), servicetest.WithPassword(testPassphrase))
	}
	runCases(t, []liveCase{
		{"healthy config file", config("healthy", nil, "manage_enterprise_properties"), probe.StatusHealthy, "", "", ""},
		{"healthy PEM key", pemKey(EmulatedKeyID), probe.StatusHealthy, "", "", ""},
		{"healthy user subject", config("healthy", servicetest.Set("subject_type", "user", "subject_id", EmulatedUser)), probe.StatusHealthy, "", "", ""},
		{"key id removed", pemKey("zzzz9999"), probe.StatusUnhealthy, finding.RevokedCredentials, "box.public_key_id", "Add and Manage Public Keys"},
		{"signature of another key", config("bad-signature", nil), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.private_key_wo", "same config file"},
		{"clock skew", config("clock-skew", nil), probe.StatusUnhealthy, finding.InvalidConfiguration, "box.base_url", "'exp'"},
		{"enterprise not the app's", config("healthy", servicetest.Set("enterprise_id", "7654321")), probe.StatusUnhealthy, finding.InvalidConfiguration, "box.enterprise_id", "'sub'"},
		{"app not authorized", config("app-not-authorized", nil), probe.StatusUnhealthy, finding.AppNotInstalled, "auth.private_key_wo", "Platform Apps Manager"},
		{"wrong client secret", config("bad-client", nil), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.private_key_wo", "OAuth 2.0 Credentials"},
	})
}

func TestLiveRefreshToken(t *testing.T) {
	sb := startSandbox(t)
	oauth := func(token, secret string, redeem bool, scopes ...string) *connector.Spec {
		opts := []servicetest.SpecOpt{servicetest.WithClient(testClientID, secret), servicetest.WithToken(token), servicetest.WithScopes(scopes...)}
		if redeem {
			opts = append(opts, servicetest.WithRedeem())
		}
		return spec(sb, nil, opts...)
	}
	runCases(t, []liveCase{
		// Not redeemed: the app is proven with a deliberately invalid
		// refresh token; the user's token is left alone.
		{"not redeemed", oauth(boxRefreshPrefix+"refresh-invalid.a1", "healthy.s", false), probe.StatusHealthy, "", "", ""},
		{"not redeemed, wrong client secret", oauth(boxRefreshPrefix+"healthy.a1", "bad-client.s", false), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.client_secret_wo", "OAuth 2.0 Credentials"},
		{"redeemed, used up", oauth(boxRefreshPrefix+"refresh-invalid.a2", "healthy.s", true), probe.StatusUnhealthy, finding.RevokedCredentials, "auth.token_wo", "single use"},
		{"redeemed, expired", oauth(boxRefreshPrefix+"refresh-expired.a3", "healthy.s", true), probe.StatusUnhealthy, finding.ExpiredCredentials, "auth.token_wo", "60 days"},
		{"personal account, events", oauth(boxRefreshPrefix+"no-enterprise.a4", "healthy.s", true, "manage_enterprise_properties"), probe.StatusUnhealthy, finding.LicenseRequired, "auth.token_wo", "Enterprise"},
	})
	// Redeemed and healthy: Box rotated the token, which the check says.
	res := servicetest.RunCheck(t, plan, oauth(boxRefreshPrefix+"healthy.r"+t.Name(), "healthy.s", true))
	servicetest.ExpectResult(t, res, probe.StatusDegraded, finding.RevokedCredentials, "auth.token_wo")
	if servicetest.StepOutcome(res, stepUsersMe) != probe.OutcomeOK {
		t.Fatalf("users/me with the refreshed token\n%s", servicetest.DumpResult(res))
	}
}

// TestLiveStableResult: a failing check reads the same twice (Box's
// request ids differ per answer), so refresh-only plans see no drift.
func TestLiveStableResult(t *testing.T) {
	sb := startSandbox(t)
	s := spec(sb, servicetest.Set("enterprise_id", EmulatedEnterprise), servicetest.WithClient(testClientID, "not-admin.x"),
		servicetest.WithScopes("manage_enterprise_properties"))
	a, b := servicetest.RunCheck(t, plan, s), servicetest.RunCheck(t, plan, s)
	if servicetest.DumpResult(a) != servicetest.DumpResult(b) {
		t.Fatalf("results differ:\n%s\n%s", servicetest.DumpResult(a), servicetest.DumpResult(b))
	}
}
