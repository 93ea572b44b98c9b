package github

import (
	"context"
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

// Sandbox tokens: the words after "sandbox" pick the scenario.
const (
	ghClassic = "ghp_sandbox_0123456789abcdefABCDEF01234"
	ghFine    = "github_pat_sandbox_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123"
)

func ghTok(scenario string) string { return "ghp_sandbox_" + scenario + "_0123456789abcdefABCD" }

func TestGitHubLiveToken(t *testing.T) {
	srv := sandbox.Start(*Service().Emulation)
	defer srv.Close()
	base := srv.VendorURL("github")
	spec := func(token string, opts ...servicetest.SpecOpt) func() *connector.Spec {
		return func() *connector.Spec {
			return servicetest.NewSpec("github", servicetest.Set("base_url", base, "organization", "octo-org"), append([]servicetest.SpecOpt{servicetest.WithToken(token)}, opts...)...)
		}
	}
	repos := servicetest.WithList("repositories", "octo-repo", "octo-org/docs")
	const (
		tok   = "auth.token_wo"
		org   = "github.organization"
		basep = "github.base_url"
	)
	servicetest.RunLiveCases(t, plan, []servicetest.LiveCase{
		{Name: "healthy classic token", Spec: spec(ghClassic, repos, servicetest.WithScopes("repo", "read:org", "public_repo")), Status: probe.StatusHealthy},
		{Name: "healthy fine-grained token", Spec: spec(ghFine, repos), Status: probe.StatusHealthy},
		{Name: "GitHub Enterprise Server API root", Spec: func() *connector.Spec {
			return servicetest.NewSpec("github", servicetest.Set("base_url", base+"/api/v3"), servicetest.WithToken(ghClassic))
		}, Status: probe.StatusHealthy},
		{Name: "bad credentials", Spec: spec("ghp_0123456789abcdefABCDEF0123456789abcd"), Status: probe.StatusUnhealthy, Category: finding.InvalidCredentials, Path: tok, FixHas: "Personal access tokens"},
		{Name: "classic scope missing", Spec: spec(ghTok("scopes"), servicetest.WithScopes("read:user", "repo", "read:org")), Status: probe.StatusUnhealthy, Category: finding.InsufficientScope, Path: "required_scopes[1]", FixHas: "tick the scope"},
		{Name: "SAML SSO not authorized", Spec: spec(ghTok("sso"), repos), Status: probe.StatusUnhealthy, Category: finding.SSOAuthorizationRequired, Path: org,
			FixHas: "https://github.com/orgs/octo-org/sso?authorization_request="},
		{Name: "primary rate limit exhausted", Spec: spec(ghTok("ratelimit")), Status: probe.StatusUnreachable, Category: finding.RateLimited, Path: basep, FixHas: "x-ratelimit-reset"},
		{Name: "secondary rate limit", Spec: spec(ghTok("secondary")), Status: probe.StatusUnreachable, Category: finding.RateLimited, Path: basep, FixHas: "Retry-After"},
		{Name: "low rate-limit budget", Spec: spec(ghTok("lowbudget")), Status: probe.StatusDegraded, Category: finding.RateLimited, Path: tok, FixHas: "share its budget"},
		{Name: "token expires soon", Spec: spec(ghTok("expiring")), Status: probe.StatusDegraded, Category: finding.ExpiringCredentials, Path: tok},
		{Name: "IP allow list", Spec: spec(ghTok("ipallow")), Status: probe.StatusUnhealthy, Category: finding.PolicyBlocked, Path: org, FixHas: "IP allow list"},
		{Name: "OAuth app access restrictions", Spec: spec("gho_sandbox_oauthrestrict_0123456789abcdef"), Status: probe.StatusUnhealthy, Category: finding.PolicyBlocked, Path: org, FixHas: "OAuth application policy"},
		{Name: "suspended account", Spec: spec(ghTok("suspended")), Status: probe.StatusUnhealthy, Category: finding.AccountDisabled, Path: tok, FixHas: "active account"},
		{Name: "unknown organization", Spec: func() *connector.Spec {
			return servicetest.NewSpec("github", servicetest.Set("base_url", base, "organization", "no-such-org"), servicetest.WithToken(ghClassic))
		}, Status: probe.StatusUnhealthy, Category: finding.TenantNotFound, Path: org, FixHas: "login"},
		{Name: "organization is a user account", Spec: func() *connector.Spec {
			return servicetest.NewSpec("github", servicetest.Set("base_url", base, "organization", "octocat"), servicetest.WithToken(ghClassic))
		}, Status: probe.StatusHealthy},
		{Name: "repository not visible", Spec: spec(ghClassic, servicetest.WithList("repositories", "octo-repo", "octo-org/secret-plans")), Status: probe.StatusUnhealthy,
			Category: finding.AccessDenied, Path: "github.repositories[1]", FixHas: "Repository access"},
		{Name: "installation token pasted as token", Spec: spec("ghs_sandbox0123456789abcdefABCDEF012345"), Status: probe.StatusUnhealthy,
			Category: finding.InsufficientScope, Path: "required_scopes", FixHas: "configure the GitHub App itself"},
		{Name: "API root without GitHub", Spec: func() *connector.Spec {
			return servicetest.NewSpec("github", servicetest.Set("base_url", base+"/nowhere"), servicetest.WithToken(ghClassic))
		}, Status: probe.StatusUnhealthy, Category: finding.EndpointNotFound, Path: basep, FixHas: "base_url"},
	})

	t.Run("expiry is reported", func(t *testing.T) {
		res := probe.Run(context.Background(), servicetest.LiveOpts(plan), spec(ghFine)())
		if res.ExpiresAt == nil || !res.ExpiresAt.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("ExpiresAt %v\n%s", res.ExpiresAt, servicetest.DumpResult(res))
		}
		if got := servicetest.StepOutcome(res, "token_expiry"); got != probe.OutcomeOK {
			t.Fatalf("token_expiry step %s\n%s", got, servicetest.DumpResult(res))
		}
	})

	t.Run("revoked token (drift)", func(t *testing.T) {
		const revoked = "ghp_sandbox_drift_0123456789abcdefABCD"
		s := spec(revoked)()
		if res := probe.Run(context.Background(), servicetest.LiveOpts(plan), s); res.Status != probe.StatusHealthy {
			t.Fatalf("before revocation: %s", servicetest.DumpResult(res))
		}
		srv.Revoke(revoked)
		defer srv.Reset()
		res := probe.Run(context.Background(), servicetest.LiveOpts(plan), s)
		f := servicetest.CheckLive(t, s, res, probe.StatusUnhealthy, finding.InvalidCredentials, tok, "")
		if f.Code != "Bad credentials" || servicetest.StepOutcome(res, "organization") != probe.OutcomeSkipped {
			t.Fatalf("code %q\n%s", f.Code, servicetest.DumpResult(res))
		}
	})
}

func TestGitHubLiveApp(t *testing.T) {
	srv := sandbox.Start(*Service().Emulation)
	defer srv.Close()
	base := srv.VendorURL("github")
	key := sandboxKey(t, srv)
	app := func(kv ...string) func() *connector.Spec {
		return func() *connector.Spec {
			return servicetest.NewSpec("github", servicetest.Set(append([]string{"base_url", base, "app_id", SandboxAppID}, kv...)...), servicetest.WithKey(key))
		}
	}
	with := func(f func() *connector.Spec, opts ...servicetest.SpecOpt) func() *connector.Spec {
		return func() *connector.Spec {
			s := f()
			for _, o := range opts {
				o(s)
			}
			return s
		}
	}
	servicetest.RunLiveCases(t, plan, []servicetest.LiveCase{
		{Name: "healthy by installation id", Spec: with(app("installation_id", "1001", "organization", "octo-org"),
			servicetest.WithList("repositories", "octo-repo", "octo-org/docs"), servicetest.WithScopes("members:read", "contents=read", "metadata:read")),
			Status: probe.StatusHealthy},
		{Name: "healthy by organization, client id as issuer", Spec: app("app_id", SandboxAppClientID, "organization", "octo-org"), Status: probe.StatusHealthy},
		{Name: "unknown app", Spec: app("app_id", "999999", "installation_id", "1001"), Status: probe.StatusUnhealthy, Category: finding.AppNotFound, Path: "github.app_id", FixHas: "App ID or Client ID"},
		{Name: "key of another app", Spec: with(app("installation_id", "1001"), servicetest.WithKey(servicetest.TestRSA2048())), Status: probe.StatusUnhealthy,
			Category: finding.InvalidCredentials, Path: "auth.private_key_wo", FixHas: "private key"},
		{Name: "not installed on the organization", Spec: app("organization", "sso-org"), Status: probe.StatusUnhealthy, Category: finding.AppNotInstalled, Path: "github.organization",
			FixHas: "https://github.com/apps/handshake-sandbox/installations/new"},
		{Name: "installation id unknown", Spec: app("installation_id", "4242"), Status: probe.StatusUnhealthy, Category: finding.AppNotInstalled, Path: "github.installation_id", FixHas: "installation_id"},
		{Name: "installation suspended", Spec: app("organization", "suspended-org"), Status: probe.StatusUnhealthy, Category: finding.AppNotInstalled, Path: "github.organization", FixHas: "unsuspend"},
		{Name: "permission not granted", Spec: with(app("organization", "limited-org"), servicetest.WithScopes("members:read")), Status: probe.StatusUnhealthy,
			Category: finding.InsufficientScope, Path: "required_scopes[0]", FixHas: "Permissions & events"},
		{Name: "repository not in the installation", Spec: with(app("installation_id", "1001", "organization", "octo-org"),
			servicetest.WithList("repositories", "octo-repo", "private-stuff")), Status: probe.StatusUnhealthy, Category: finding.AppNotInstalled, Path: "github.repositories[1]", FixHas: "Repository access"},
		{Name: "low installation budget", Spec: app("organization", "busy-org"), Status: probe.StatusDegraded, Category: finding.RateLimited, Path: "auth.private_key_wo"},
	})

	t.Run("installation token for the ephemeral resource", func(t *testing.T) {
		tok, res := probe.AccessToken(context.Background(), servicetest.LiveOpts(plan), app("installation_id", "1001")())
		if tok == nil || !strings.HasPrefix(tok.AccessToken, "ghs_") || res.Status != probe.StatusHealthy {
			t.Fatalf("token %v\n%s", tok, servicetest.DumpResult(res))
		}
		servicetest.NoSecretsIn(t, res, tok.AccessToken)
		for _, want := range []string{"app", "installation_token", "organization", "repositories"} {
			if servicetest.StepOutcome(res, want) == "" {
				t.Fatalf("step %s missing\n%s", want, servicetest.DumpResult(res))
			}
		}
	})

	t.Run("deleted key (drift)", func(t *testing.T) {
		srv.Revoke(key)
		defer srv.Reset()
		s := app("installation_id", "1001")()
		servicetest.CheckLive(t, s, probe.Run(context.Background(), servicetest.LiveOpts(plan), s), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.private_key_wo", "")
	})
}

func TestGitHubLiveOAuthApp(t *testing.T) {
	srv := sandbox.Start(*Service().Emulation)
	defer srv.Close()
	spec := func(secret string) func() *connector.Spec {
		return func() *connector.Spec {
			return servicetest.NewSpec("github", servicetest.Set("base_url", srv.VendorURL("github"), "app_type", "oauth_app"),
				servicetest.WithClient(SandboxOAuthClientID, secret))
		}
	}
	servicetest.RunLiveCases(t, plan, []servicetest.LiveCase{
		{Name: "client credentials accepted", Spec: spec(SandboxOAuthClientSecret), Status: probe.StatusHealthy},
		{Name: "wrong client secret", Spec: spec("0000000000000000000000000000000000000000"), Status: probe.StatusUnhealthy, Category: finding.InvalidCredentials,
			Path: "auth.client_secret_wo", FixHas: "client secret"},
	})
}

func TestGitHubWebRoot(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.github.com":               "https://github.com",
		"https://github.acme.internal/api/v3":  "https://github.acme.internal",
		"https://api.octocorp.ghe.com":         "https://octocorp.ghe.com",
		"http://127.0.0.1:8080/github":         "http://127.0.0.1:8080/github",
		"http://127.0.0.1:8080/github/api/v3/": "http://127.0.0.1:8080/github",
	} {
		if got := githubWebRoot(in); got != want {
			t.Errorf("githubWebRoot(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGitHubNeeds(t *testing.T) {
	got := githubNeeds([]string{"repo", "read:org", "members:read", "Contents=WRITE", " ", "admin:org"})
	want := []githubNeed{{0, "repo", "", ""}, {1, "read:org", "", ""}, {2, "members:read", "members", "read"},
		{3, "contents=write", "contents", "write"}, {5, "admin:org", "", ""}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("githubNeeds = %v, want %v", got, want)
	}
	if !githubScopeGranted([]string{"admin:org", "repo"}, "read:org") || githubScopeGranted([]string{"read:org"}, "write:org") ||
		!githubScopeGranted([]string{"repo"}, "public_repo") {
		t.Fatal("scope hierarchy")
	}
}

// sandboxKey is the private key of the sandbox's GitHub App.
func sandboxKey(t *testing.T, srv *sandbox.Server) string {
	t.Helper()
	key, err := SandboxAppPrivateKey(context.Background(), srv.VendorURL("github"))
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// TestGrantedScopesReported: a healthy check reports what GitHub says was
// granted (a classic token's X-OAuth-Scopes, an installation's
// permissions), and nothing for a fine-grained token, which has no scopes.
func TestGrantedScopesReported(t *testing.T) {
	srv := sandbox.Start(*Service().Emulation)
	defer srv.Close()
	gh := srv.VendorURL("github")
	for _, tc := range []struct {
		name string
		spec *connector.Spec
		want string
	}{
		{"github classic token", servicetest.NewSpec("github", servicetest.Set("base_url", gh), servicetest.WithToken(ghClassic)), "read:org read:user repo"},
		{"github fine-grained token", servicetest.NewSpec("github", servicetest.Set("base_url", gh), servicetest.WithToken(ghFine)), ""},
		{"github app installation", servicetest.NewSpec("github", servicetest.Set("base_url", gh, "app_id", SandboxAppID, "installation_id", "1001"),
			servicetest.WithKey(sandboxKey(t, srv))), "contents:read members:read metadata:read"},
	} {
		t.Run(tc.name, func(t *testing.T) { servicetest.CheckGranted(t, plan, tc.spec, tc.want) })
	}
}
