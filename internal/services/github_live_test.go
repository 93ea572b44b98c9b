package services

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// liveOpts are the probe options of the live tests: a short timeout, and a
// 30-day expiry window.
func liveOpts() probe.Options {
	return probe.Options{Timeout: 5 * time.Second, ExpiryWarning: 720 * time.Hour}
}

// liveCase is one live check against the sandbox and what it must report.
type liveCase struct {
	name     string
	spec     func() *connector.Spec
	status   string
	category finding.Category // "" for a healthy connector
	path     string           // attribute of the first finding of that category
	fixHas   string           // a remediation must contain this, when set
}

func runLiveCases(t *testing.T, cases []liveCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.spec()
			res := run(context.Background(), liveOpts(), s)
			checkLive(t, s, res, tc.status, tc.category, tc.path, tc.fixHas)
		})
	}
}

// checkLive asserts the status, a finding of the category at the path with
// a fix, the house style of every finding, and that no secret leaks.
func checkLive(t *testing.T, s *connector.Spec, res probe.Result, status string, cat finding.Category, path, fixHas string) finding.Finding {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %s, want %s\n%s", res.Status, status, dumpResult(res))
	}
	leakCheck(t, res, s.Secrets()...)
	for _, f := range res.Findings {
		if f.Summary == "" || f.Detail == "" || len(f.Remediation) == 0 {
			t.Errorf("finding %s %q lacks summary, detail or remediation", f.Category, f.Summary)
		}
	}
	if cat == "" {
		for _, f := range res.Findings {
			if f.Severity == finding.Error {
				t.Fatalf("unexpected error finding\n%s", dumpResult(res))
			}
		}
		return finding.Finding{}
	}
	for _, f := range res.Findings {
		if f.Category != cat {
			continue
		}
		if f.Path.String() != path {
			t.Fatalf("%s finding at %q, want %q\n%s", cat, f.Path, path, dumpResult(res))
		}
		if fixHas != "" && !strings.Contains(strings.Join(f.Remediation, "\n"), fixHas) {
			t.Fatalf("no remediation mentions %q\n%s", fixHas, dumpResult(res))
		}
		return f
	}
	t.Fatalf("no %s finding\n%s", cat, dumpResult(res))
	return finding.Finding{}
}

// leakCheck fails when a secret appears anywhere in the result.
func leakCheck(t *testing.T, res probe.Result, secrets ...string) {
	t.Helper()
	text := fmt.Sprintf("%+v", res)
	for _, sec := range secrets {
		for _, line := range strings.Split(sec, "\n") {
			if len(line) >= 12 && strings.Contains(text, line) {
				t.Fatalf("a secret appears in the result:\n%s", dumpResult(res))
			}
		}
	}
}

func dumpResult(res probe.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "status %s: %s\n", res.Status, res.Summary)
	for _, st := range res.Steps {
		fmt.Fprintf(&b, "  step %-18s %-8s %s %s\n", st.Name, st.Outcome, st.Category, st.Message)
	}
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "  %s %s %s @%s: %s | %s | %q\n", f.Severity, f.Category, f.Code, f.Path, f.Summary, f.Detail, f.Remediation)
	}
	return b.String()
}

func stepOf(res probe.Result, name string) probe.Step {
	for _, st := range res.Steps {
		if st.Name == name {
			return st
		}
	}
	return probe.Step{}
}

// Sandbox tokens: the words after "sandbox" pick the scenario.
const (
	ghClassic = "ghp_sandbox_0123456789abcdefABCDEF01234"
	ghFine    = "github_pat_sandbox_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123"
)

func ghTok(scenario string) string { return "ghp_sandbox_" + scenario + "_0123456789abcdefABCD" }

func TestGitHubLiveToken(t *testing.T) {
	srv := sandbox.Start()
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
	runLiveCases(t, []liveCase{
		{"healthy classic token", spec(ghClassic, repos, servicetest.WithScopes("repo", "read:org", "public_repo")), probe.StatusHealthy, "", "", ""},
		{"healthy fine-grained token", spec(ghFine, repos), probe.StatusHealthy, "", "", ""},
		{"GitHub Enterprise Server API root", func() *connector.Spec {
			return servicetest.NewSpec("github", servicetest.Set("base_url", base+"/api/v3"), servicetest.WithToken(ghClassic))
		}, probe.StatusHealthy, "", "", ""},
		{"bad credentials", spec("ghp_0123456789abcdefABCDEF0123456789abcd"), probe.StatusUnhealthy, finding.InvalidCredentials, tok, "Personal access tokens"},
		{"classic scope missing", spec(ghTok("scopes"), servicetest.WithScopes("read:user", "repo", "read:org")), probe.StatusUnhealthy, finding.InsufficientScope, "required_scopes[1]", "tick the scope"},
		{"SAML SSO not authorized", spec(ghTok("sso"), repos), probe.StatusUnhealthy, finding.SSOAuthorizationRequired, org,
			"https://github.com/orgs/octo-org/sso?authorization_request="},
		{"primary rate limit exhausted", spec(ghTok("ratelimit")), probe.StatusUnreachable, finding.RateLimited, basep, "x-ratelimit-reset"},
		{"secondary rate limit", spec(ghTok("secondary")), probe.StatusUnreachable, finding.RateLimited, basep, "Retry-After"},
		{"low rate-limit budget", spec(ghTok("lowbudget")), probe.StatusDegraded, finding.RateLimited, tok, "share its budget"},
		{"token expires soon", spec(ghTok("expiring")), probe.StatusDegraded, finding.ExpiringCredentials, tok, ""},
		{"IP allow list", spec(ghTok("ipallow")), probe.StatusUnhealthy, finding.PolicyBlocked, org, "IP allow list"},
		{"OAuth app access restrictions", spec("gho_sandbox_oauthrestrict_0123456789abcdef"), probe.StatusUnhealthy, finding.PolicyBlocked, org, "OAuth application policy"},
		{"suspended account", spec(ghTok("suspended")), probe.StatusUnhealthy, finding.AccountDisabled, tok, "active account"},
		{"unknown organization", func() *connector.Spec {
			return servicetest.NewSpec("github", servicetest.Set("base_url", base, "organization", "no-such-org"), servicetest.WithToken(ghClassic))
		}, probe.StatusUnhealthy, finding.TenantNotFound, org, "login"},
		{"organization is a user account", func() *connector.Spec {
			return servicetest.NewSpec("github", servicetest.Set("base_url", base, "organization", "octocat"), servicetest.WithToken(ghClassic))
		}, probe.StatusHealthy, "", "", ""},
		{"repository not visible", spec(ghClassic, servicetest.WithList("repositories", "octo-repo", "octo-org/secret-plans")), probe.StatusUnhealthy,
			finding.AccessDenied, "github.repositories[1]", "Repository access"},
		{"installation token pasted as token", spec("ghs_sandbox0123456789abcdefABCDEF012345"), probe.StatusUnhealthy,
			finding.InsufficientScope, "required_scopes", "configure the GitHub App itself"},
		{"API root without GitHub", func() *connector.Spec {
			return servicetest.NewSpec("github", servicetest.Set("base_url", base+"/nowhere"), servicetest.WithToken(ghClassic))
		}, probe.StatusUnhealthy, finding.EndpointNotFound, basep, "base_url"},
	})

	t.Run("expiry is reported", func(t *testing.T) {
		res := run(context.Background(), liveOpts(), spec(ghFine)())
		if res.ExpiresAt == nil || !res.ExpiresAt.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("ExpiresAt %v\n%s", res.ExpiresAt, dumpResult(res))
		}
		if st := stepOf(res, "token_expiry"); st.Outcome != probe.OutcomeOK {
			t.Fatalf("token_expiry step %+v", st)
		}
	})

	t.Run("revoked token (drift)", func(t *testing.T) {
		const revoked = "ghp_sandbox_drift_0123456789abcdefABCD"
		s := spec(revoked)()
		if res := run(context.Background(), liveOpts(), s); res.Status != probe.StatusHealthy {
			t.Fatalf("before revocation: %s", dumpResult(res))
		}
		srv.Revoke(revoked)
		defer srv.Reset()
		res := run(context.Background(), liveOpts(), s)
		f := checkLive(t, s, res, probe.StatusUnhealthy, finding.InvalidCredentials, tok, "")
		if f.Code != "Bad credentials" || stepOf(res, "organization").Outcome != probe.OutcomeSkipped {
			t.Fatalf("code %q\n%s", f.Code, dumpResult(res))
		}
	})
}

func TestGitHubLiveApp(t *testing.T) {
	srv := sandbox.Start()
	defer srv.Close()
	base := srv.VendorURL("github")
	key := srv.GitHubAppPrivateKey()
	app := func(kv ...string) func() *connector.Spec {
		return func() *connector.Spec {
			return servicetest.NewSpec("github", servicetest.Set(append([]string{"base_url", base, "app_id", sandbox.GitHubAppID}, kv...)...), servicetest.WithKey(key))
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
	runLiveCases(t, []liveCase{
		{"healthy by installation id", with(app("installation_id", "1001", "organization", "octo-org"),
			servicetest.WithList("repositories", "octo-repo", "octo-org/docs"), servicetest.WithScopes("members:read", "contents=read", "metadata:read")),
			probe.StatusHealthy, "", "", ""},
		{"healthy by organization, client id as issuer", app("app_id", sandbox.GitHubAppClientID, "organization", "octo-org"), probe.StatusHealthy, "", "", ""},
		{"unknown app", app("app_id", "999999", "installation_id", "1001"), probe.StatusUnhealthy, finding.AppNotFound, "github.app_id", "App ID or Client ID"},
		{"key of another app", with(app("installation_id", "1001"), servicetest.WithKey(servicetest.TestRSA2048())), probe.StatusUnhealthy,
			finding.InvalidCredentials, "auth.private_key_wo", "private key"},
		{"not installed on the organization", app("organization", "sso-org"), probe.StatusUnhealthy, finding.AppNotInstalled, "github.organization",
			"https://github.com/apps/handshake-sandbox/installations/new"},
		{"installation id unknown", app("installation_id", "4242"), probe.StatusUnhealthy, finding.AppNotInstalled, "github.installation_id", "installation_id"},
		{"installation suspended", app("organization", "suspended-org"), probe.StatusUnhealthy, finding.AppNotInstalled, "github.organization", "unsuspend"},
		{"permission not granted", with(app("organization", "limited-org"), servicetest.WithScopes("members:read")), probe.StatusUnhealthy,
			finding.InsufficientScope, "required_scopes[0]", "Permissions & events"},
		{"repository not in the installation", with(app("installation_id", "1001", "organization", "octo-org"),
			servicetest.WithList("repositories", "octo-repo", "private-stuff")), probe.StatusUnhealthy, finding.AppNotInstalled, "github.repositories[1]", "Repository access"},
		{"low installation budget", app("organization", "busy-org"), probe.StatusDegraded, finding.RateLimited, "auth.private_key_wo", ""},
	})

	t.Run("installation token for the ephemeral resource", func(t *testing.T) {
		tok, res := accessToken(context.Background(), liveOpts(), app("installation_id", "1001")())
		if tok == nil || !strings.HasPrefix(tok.AccessToken, "ghs_") || res.Status != probe.StatusHealthy {
			t.Fatalf("token %v\n%s", tok, dumpResult(res))
		}
		leakCheck(t, res, tok.AccessToken)
		for _, want := range []string{"app", "installation_token", "organization", "repositories"} {
			if stepOf(res, want).Name == "" {
				t.Fatalf("step %s missing\n%s", want, dumpResult(res))
			}
		}
	})

	t.Run("deleted key (drift)", func(t *testing.T) {
		srv.Revoke(key)
		defer srv.Reset()
		s := app("installation_id", "1001")()
		checkLive(t, s, run(context.Background(), liveOpts(), s), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.private_key_wo", "")
	})
}

func TestGitHubLiveOAuthApp(t *testing.T) {
	srv := sandbox.Start()
	defer srv.Close()
	spec := func(secret string) func() *connector.Spec {
		return func() *connector.Spec {
			return servicetest.NewSpec("github", servicetest.Set("base_url", srv.VendorURL("github"), "app_type", "oauth_app"),
				servicetest.WithClient(sandbox.GitHubOAuthClientID, secret))
		}
	}
	runLiveCases(t, []liveCase{
		{"client credentials accepted", spec(sandbox.GitHubOAuthClientSecret), probe.StatusHealthy, "", "", ""},
		{"wrong client secret", spec("0000000000000000000000000000000000000000"), probe.StatusUnhealthy, finding.InvalidCredentials,
			"auth.client_secret_wo", "client secret"},
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

// TestGitHubDecode runs the decoder on bodies as GitHub and its client
// libraries print them (shapes from the reference and public issues).
func TestGitHubDecode(t *testing.T) {
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	cases := []struct {
		name   string
		status int
		header http.Header
		body   string
		cat    finding.Category
		code   string
	}{
		{"bad credentials", 401, nil, `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}`, finding.InvalidCredentials, "Bad credentials"},
		{"bad credentials, older shape", 401, nil, `{"message":"Bad credentials","documentation_url":"https://developer.github.com/v3"}`, finding.InvalidCredentials, "Bad credentials"},
		{"Octokit HttpError", 0, nil, "HttpError: Bad credentials\n    at /app/node_modules/@octokit/request/dist-node/index.js:86:21", finding.InvalidCredentials, "Bad credentials"},
		{"PyGithub exception", 0, nil, `github.GithubException.BadCredentialsException: 401 {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}`, finding.InvalidCredentials, "Bad credentials"},
		{"integration token on /user", 403, nil, `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/users/users#get-the-authenticated-user","status":"403"}`, finding.InsufficientScope, "Resource not accessible by integration"},
		{"fine-grained token lacks permission", 403, h("X-Accepted-GitHub-Permissions", "members=read"), `{"message":"Resource not accessible by personal access token","documentation_url":"https://docs.github.com/rest/orgs/members#list-organization-members","status":"403"}`, finding.InsufficientScope, "Resource not accessible by personal access token"},
		{"SSO header", 403, h("X-GitHub-SSO", "required; url=https://github.com/orgs/octo-org/sso?authorization_request=AZSCKtL4U8yX1H3sCQIVnVgmjmon5fWxks5YrqhJgah0b2tlbl9pZM4EuMz4"),
			`{"message":"Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.","documentation_url":"https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/"}`, finding.SSOAuthorizationRequired, "X-GitHub-SSO"},
		{"SSO, Python dict", 0, nil, `Response: {'message': 'Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.', 'documentation_url': 'https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/', 'status': '403'}`, finding.SSOAuthorizationRequired, "X-GitHub-SSO"},
		{"primary rate limit by header", 403, h("X-RateLimit-Remaining", "0", "X-RateLimit-Limit", "5000", "X-RateLimit-Reset", "1700000000"), `{"message":"API rate limit exceeded for user ID 1234.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}`, finding.RateLimited, "API rate limit exceeded"},
		{"rate limit for an installation", 0, nil, "Error: API rate limit exceeded for installation ID 8440595.", finding.RateLimited, "API rate limit exceeded"},
		{"secondary rate limit", 403, nil, `{"documentation_url": "https://docs.github.com/en/free-pro-team@latest/rest/overview/resources-in-the-rest-api#secondary-rate-limits", "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`, finding.RateLimited, "secondary rate limit"},
		{"integration not found", 404, nil, `{"message":"Integration not found","documentation_url":"https://developer.github.com/v3"}`, finding.AppNotFound, "Integration not found"},
		{"JWT not decodable", 401, nil, `{"message":"A JSON web token could not be decoded","documentation_url":"https://docs.github.com/rest"}`, finding.InvalidCredentials, "A JSON web token could not be decoded"},
		{"exp too far", 0, nil, "RequestError [HttpError]: 'Expiration time' claim ('exp') is too far in the future - https://docs.github.com/enterprise-server@3.10/rest", finding.InvalidCredentials, "JWT time claims"},
		{"iat in the future", 401, nil, `{"message":"'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued","documentation_url":"https://developer.github.com/v3"}`, finding.InvalidCredentials, "JWT time claims"},
		{"installation suspended", 403, nil, `{"documentation_url":"https://docs.github.com/rest/reference/apps#create-an-installation-access-token-for-an-app","message":"This installation has been suspended","status":"403"}`, finding.AppNotInstalled, "installation suspended"},
		{"installation not found", 404, nil, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app","status":"404"}`, finding.AppNotInstalled, "Not Found"},
		{"repo not in installation", 422, nil, `{"message":"There is at least one repository that does not exist or is not accessible to the parent installation.","documentation_url":"https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app","status":"422"}`, finding.AppNotInstalled, "repository not accessible to the installation"},
		{"plain not found", 404, nil, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest/repos/repos#get-a-repository","status":"404"}`, finding.EndpointNotFound, "Not Found"},
		{"IP allow list", 403, nil, "{\"message\":\"Although you appear to have the correct authorization credentials, the `octo-org` organization has an IP allow list enabled, and your IP address is not permitted to access this resource.\",\"documentation_url\":\"https://docs.github.com/rest\"}", finding.PolicyBlocked, "IP allow list"},
		{"OAuth restrictions", 403, nil, "{\"message\":\"Although you appear to have the correct authorization credentials, the `octo-org` organization has enabled OAuth App access restrictions, meaning that data access to third-parties is limited.\",\"documentation_url\":\"https://docs.github.com/articles/restricting-access-to-your-organization-s-data/\"}", finding.PolicyBlocked, "OAuth App access restrictions"},
		{"account suspended", 403, nil, `{"message":"Sorry. Your account was suspended.","documentation_url":"https://docs.github.com/rest"}`, finding.AccountDisabled, "account suspended"},
		{"wrong OAuth client secret", 200, nil, `{"error":"incorrect_client_credentials","error_description":"The client_id and/or client_secret passed are incorrect.","error_uri":"https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials"}`, finding.InvalidCredentials, "incorrect_client_credentials"},
		{"wrong OAuth client secret, form-encoded", 0, nil, "error=incorrect_client_credentials&error_description=The+client_id+and%2For+client_secret+passed+are+incorrect.&error_uri=https%3A%2F%2Fdocs.github.com%2Fapps%2Fmanaging-oauth-apps%2Ftroubleshooting-oauth-app-access-token-request-errors%2F%23incorrect-client-credentials", finding.InvalidCredentials, "incorrect_client_credentials"},
		{"unknown GitHub message", 403, nil, `{"message":"Something new","documentation_url":"https://docs.github.com/rest"}`, finding.AccessDenied, "Something new"},
		{"server error", 502, nil, `{"message":"Server Error","documentation_url":"https://docs.github.com/rest"}`, finding.ServiceUnavailable, "HTTP 502"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := decodeGitHub(readGitHubAnswer(tc.status, tc.header, tc.body))
			if !ok || f.Category != tc.cat || f.Code != tc.code {
				t.Fatalf("got %v %s %q, want %s %q\n%+v", ok, f.Category, f.Code, tc.cat, tc.code, f)
			}
			if f.Summary == "" || f.Detail == "" || len(f.Remediation) == 0 || strings.HasSuffix(f.Summary, ".") {
				t.Fatalf("finding not in house style: %+v", f)
			}
			if tc.header == nil {
				// The profile hook (text only) agrees.
				if g, ok := githubDecode(tc.status, tc.body); !ok || g.Category != tc.cat {
					t.Fatalf("githubDecode: %v %s", ok, g.Category)
				}
			}
		})
	}
	t.Run("SSO link is the fix", func(t *testing.T) {
		f, _ := decodeGitHub(readGitHubAnswer(403, h("X-GitHub-SSO", "required; url=https://github.com/orgs/octo-org/sso?authorization_request=ABC"), `{"message":"Resource protected by organization SAML enforcement."}`))
		if !strings.Contains(f.Remediation[0], "https://github.com/orgs/octo-org/sso?authorization_request=ABC") {
			t.Fatalf("%q", f.Remediation)
		}
	})
	t.Run("accepted scopes are named", func(t *testing.T) {
		f, _ := decodeGitHub(readGitHubAnswer(404, h("X-Accepted-OAuth-Scopes", "admin:org, read:org, repo, user, write:org", "X-OAuth-Scopes", "gist"),
			`{"message":"Not Found","documentation_url":"https://docs.github.com/rest/orgs/members"}`))
		if !strings.Contains(f.Detail, "admin:org, read:org") || !strings.Contains(f.Detail, "the token has: gist") {
			t.Fatalf("%q", f.Detail)
		}
	})
	t.Run("accepted permissions are named", func(t *testing.T) {
		f, _ := githubDecode(403, "HTTP/2 403\nx-accepted-github-permissions: members=read\n\n{\"message\":\"Resource not accessible by integration\",\"documentation_url\":\"https://docs.github.com/rest\"}")
		if !strings.Contains(strings.Join(f.Remediation, " "), "members=read") {
			t.Fatalf("%q", f.Remediation)
		}
	})
	for _, text := range []string{"", `{"error":"invalid_client"}`, "connection refused", `{"ok":false,"error":"invalid_auth"}`} {
		if f, ok := githubDecode(0, text); ok {
			t.Errorf("githubDecode(%q) claimed it: %+v", text, f)
		}
	}
}

func TestGitHubRecognize(t *testing.T) {
	for _, text := range []string{
		`{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`,
		"HttpError: Bad credentials",
		"Resource not accessible by integration",
		"x-github-sso: required; url=https://github.com/orgs/x/sso",
		"RequestError [HttpError]: Integration not found",
	} {
		if !githubRecognize(text) {
			t.Errorf("githubRecognize(%q) = false", text)
		}
	}
	for _, text := range []string{"Bad credentials", `{"ok":false,"error":"invalid_auth"}`, "AADSTS7000215: Invalid client secret provided", `{"errorCode":"E0000011"}`} {
		if githubRecognize(text) {
			t.Errorf("githubRecognize(%q) = true", text)
		}
	}
}
