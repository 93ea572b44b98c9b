package github

import (
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// GitHub's REST API, as its documentation and captured answers show it.
//
// The API root is the sandbox's VendorURL("github") (GitHub.com's shape) and
// also VendorURL("github")+"/api/v3" (GitHub Enterprise Server's); the OAuth
// web flow's token endpoint is VendorURL("github")+"/login/oauth/access_token".
// Every answer carries x-ratelimit-* headers, X-GitHub-Request-Id and
// X-GitHub-Media-Type; errors are {"message", "documentation_url", "status"}.
//
// Tokens choose their scenario. A personal access token (ghp_, gho_ or
// github_pat_ …) works only when one of its "_"-separated words is
// "sandbox"; any other word names the scenario:
//
//	(none)         healthy: classic tokens get X-OAuth-Scopes "repo, read:org, read:user"
//	scopes         classic token with X-OAuth-Scopes "read:user" only
//	sso            403 + X-GitHub-SSO: required; url=… on /orgs and /repos (SAML SSO)
//	ratelimit      403 "API rate limit exceeded for user ID …", x-ratelimit-remaining 0
//	secondary      403 "You have exceeded a secondary rate limit", Retry-After 60
//	lowbudget      200 with 50 of 5000 requests left
//	expiring       GitHub-Authentication-Token-Expiration 72 hours after the sandbox started
//	ipallow        403 IP allow list on /orgs and /repos
//	oauthrestrict  403 OAuth App access restrictions on /orgs and /repos
//	suspended      403 "Sorry. Your account was suspended."
//	(anything else, and revoked tokens) 401 Bad credentials
//
// Fine-grained tokens (github_pat_) always report an expiry (2030-01-01
// unless "expiring"). An installation token (ghs_…) on /user answers 403
// "Resource not accessible by integration".
//
// The GitHub App is SandboxAppID (or SandboxAppClientID as the JWT issuer); it
// verifies JWTs against the emulation's own key, generated when first needed
// and served at VendorURL("github")+"/_control/app-private-key" (see
// SandboxAppPrivateKey), so that each sandbox has its own: another key gives 401 "A JSON
// web token could not be decoded", another issuer 404 "Integration not found",
// an exp more than ten minutes ahead or an iat in the future 401 with
// GitHub's claim messages. Revoking the key's PEM (World.Revoke) makes the JWT
// fail as a deleted key does. Installations:
//
//	1001 octo-org       contents, members, metadata read; octo-org/octo-repo, octo-org/docs
//	1002 suspended-org  suspended: 403 "This installation has been suspended"
//	1003 limited-org    metadata read only; limited-org/one
//	1004 busy-org       like 1001 (busy-org/app), with 90 of 5000 requests left
//	1005 mona           a user account; all repositories; contents read, issues write, metadata read
//
// GET /app/installations lists them in this order (emulation_list.go).
//
// Organizations octo-org, limited-org, suspended-org, busy-org and sso-org
// exist; octocat is a user. The OAuth app SandboxOAuthClientID with
// SandboxOAuthClientSecret answers bad_verification_code to the placeholder
// code (good credentials); other credentials get incorrect_client_credentials.

// Sandbox GitHub identities (not secrets: they only open the sandbox).
const (
	SandboxAppID             = "123456"
	SandboxAppClientID       = "Iv23liSandboxApp0001"
	SandboxOAuthClientID     = "Ov23liSandboxOAuth01"
	SandboxOAuthClientSecret = "sandbox0oauth0secret00123456789abcdef0123"
)

type githubInstallation struct {
	id          int64
	account     string
	user        bool // the account is a user, not an organization
	permissions map[string]string
	repos       []string
	all         bool // repository_selection "all" rather than "selected"
	suspended   bool
	remaining   int
}

var githubInstallations = []githubInstallation{
	{id: 1001, account: "octo-org", permissions: map[string]string{"contents": "read", "members": "read", "metadata": "read"},
		repos: []string{"octo-org/octo-repo", "octo-org/docs"}, remaining: 4990},
	{id: 1002, account: "suspended-org", permissions: map[string]string{"metadata": "read"}, repos: []string{"suspended-org/x"}, suspended: true, remaining: 5000},
	{id: 1003, account: "limited-org", permissions: map[string]string{"metadata": "read"}, repos: []string{"limited-org/one"}, remaining: 4990},
	{id: 1004, account: "busy-org", permissions: map[string]string{"contents": "read", "members": "read", "metadata": "read"},
		repos: []string{"busy-org/app"}, remaining: 90},
	{id: 1005, account: "mona", user: true, permissions: map[string]string{"contents": "read", "issues": "write", "metadata": "read"},
		repos: []string{"mona/dotfiles", "mona/notes"}, all: true, remaining: 4990},
}

var githubOrgs = []string{"octo-org", "limited-org", "suspended-org", "busy-org", "sso-org"}

// githubPATRepos are the repositories a healthy personal access token sees.
var githubPATRepos = []string{"octo-org/octo-repo", "octo-org/docs", "limited-org/one", "busy-org/app"}

// githubState is one emulation's state: routes makes one per sandbox.
type githubState struct {
	w      emulation.World
	start  time.Time
	prefix string

	keyOnce sync.Once
	key     *rsa.PrivateKey
	keyPEM  string

	mu     sync.Mutex
	tokens map[string]int64 // installation token → installation id
}

// routes registers the GitHub emulation below prefix ("/github").
func routes(w emulation.World, mux *http.ServeMux, prefix string) {
	g := &githubState{w: w, start: time.Now().UTC(), prefix: prefix, tokens: map[string]int64{}}
	for _, root := range []string{prefix, prefix + "/api/v3"} {
		mux.HandleFunc("GET "+root+"/user", g.user)
		mux.HandleFunc("GET "+root+"/users/{login}", g.userByLogin)
		mux.HandleFunc("GET "+root+"/orgs/{org}", g.org)
		mux.HandleFunc("GET "+root+"/repos/{owner}/{repo}", g.repo)
		mux.HandleFunc("GET "+root+"/app", g.app)
		mux.HandleFunc("GET "+root+"/app/installations", g.listInstallations)
		mux.HandleFunc("GET "+root+"/orgs/{org}/installation", g.orgInstallation)
		mux.HandleFunc("GET "+root+"/users/{login}/installation", g.orgInstallation)
		mux.HandleFunc("POST "+root+"/app/installations/{id}/access_tokens", g.accessToken)
		mux.HandleFunc("GET "+root+"/installation/repositories", g.installationRepos)
		mux.HandleFunc(root+"/", g.notFound)
	}
	mux.HandleFunc("POST "+prefix+"/login/oauth/access_token", g.oauthToken)
	mux.HandleFunc("GET "+prefix+"/_control/app-private-key", g.appPrivateKey)
}

// ---- answers --------------------------------------------------------------

const githubExposeHeaders = "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, " +
	"X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, " +
	"X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset"

// headers sets what GitHub sends with every API answer.
func (g *githubState) headers(w http.ResponseWriter, remaining int, resource string) {
	h := w.Header()
	h.Set("Server", "github.com")
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	h.Set("X-GitHub-Request-Id", "SANDBOX:0001:0002:0003:0004")
	h.Set("Access-Control-Expose-Headers", githubExposeHeaders)
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(5000-remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(g.start.Add(time.Hour).Unix(), 10))
	h.Set("X-RateLimit-Resource", resource)
}

func githubError(w http.ResponseWriter, status int, message, doc string, headers ...string) {
	body, _ := json.Marshal(map[string]string{"message": message, "documentation_url": doc, "status": strconv.Itoa(status)})
	emulation.WriteJSON(w, status, string(body), headers...)
}

func githubBadCredentials(w http.ResponseWriter) {
	githubError(w, http.StatusUnauthorized, "Bad credentials", "https://docs.github.com/rest")
}

func (g *githubState) notFound(w http.ResponseWriter, r *http.Request) {
	g.headers(w, 4999, "core")
	githubError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest")
}

// ---- personal access tokens ----------------------------------------------

// githubPAT is what a personal access token stands for.
type githubPAT struct {
	classic  bool
	scenario string
	install  *githubInstallation // for installation tokens (ghs_)
}

var githubScenarios = []string{"scopes", "sso", "ratelimit", "secondary", "lowbudget", "expiring", "ipallow", "oauthrestrict", "suspended"}

// identify reads the request's token. ok is false when the request must be
// answered with Bad credentials (the answer is then already written).
func (g *githubState) identify(w http.ResponseWriter, r *http.Request) (githubPAT, bool) {
	tok := emulation.Bearer(r)
	if tok == "" {
		if v := r.Header.Get("Authorization"); strings.HasPrefix(strings.ToLower(v), "token ") {
			tok = strings.TrimSpace(v[6:])
		}
	}
	g.headers(w, 4999, "core")
	if tok == "" {
		githubError(w, http.StatusUnauthorized, "Requires authentication", "https://docs.github.com/rest/users/users#get-the-authenticated-user")
		return githubPAT{}, false
	}
	if g.w.Revoked(tok) {
		githubBadCredentials(w)
		return githubPAT{}, false
	}
	if strings.HasPrefix(tok, "ghs_") {
		if inst := g.installationFor(tok); inst != nil {
			g.headers(w, inst.remaining, "core")
			return githubPAT{install: inst}, true
		}
		githubBadCredentials(w)
		return githubPAT{}, false
	}
	words := strings.FieldsFunc(tok, func(r rune) bool { return r == '_' || r == '-' })
	p := githubPAT{classic: strings.HasPrefix(tok, "ghp_") || strings.HasPrefix(tok, "gho_")}
	sandbox := false
	for _, w := range words {
		if w == "sandbox" {
			sandbox = true
		}
		for _, sc := range githubScenarios {
			if w == sc {
				p.scenario = sc
			}
		}
	}
	if !sandbox || !p.classic && !strings.HasPrefix(tok, "github_pat_") {
		githubBadCredentials(w)
		return githubPAT{}, false
	}
	switch p.scenario {
	case "ratelimit":
		g.headers(w, 0, "core")
		githubError(w, http.StatusForbidden, "API rate limit exceeded for user ID 583231.",
			"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api")
		return p, false
	case "secondary":
		githubError(w, http.StatusForbidden, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID SANDBOX:0001:0002:0003:0004.",
			"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits", "Retry-After", "60")
		return p, false
	case "suspended":
		githubError(w, http.StatusForbidden, "Sorry. Your account was suspended.", "https://docs.github.com/rest")
		return p, false
	case "lowbudget":
		g.headers(w, 50, "core")
	}
	if p.classic {
		scopes := "repo, read:org, read:user"
		if p.scenario == "scopes" {
			scopes = "read:user"
		}
		w.Header().Set("X-OAuth-Scopes", g.w.ScopesOf(tok, scopes))
		w.Header().Set("X-Accepted-OAuth-Scopes", "")
	}
	switch {
	case p.scenario == "expiring":
		w.Header().Set("GitHub-Authentication-Token-Expiration", g.start.Add(72*time.Hour).Truncate(time.Minute).Format("2006-01-02 15:04:05 UTC"))
	case !p.classic:
		w.Header().Set("GitHub-Authentication-Token-Expiration", "2030-01-01 00:00:00 UTC")
	}
	return p, true
}

// orgPolicy answers the organization-level refusals of some scenarios; it
// reports whether it answered.
func (g *githubState) orgPolicy(w http.ResponseWriter, p githubPAT, org, doc string) bool {
	switch p.scenario {
	case "sso":
		w.Header().Set("X-GitHub-SSO", fmt.Sprintf("required; url=https://github.com/orgs/%s/sso?authorization_request=SANDBOXREQUEST0001", url.PathEscape(org)))
		githubError(w, http.StatusForbidden, "Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.",
			"https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/")
		return true
	case "ipallow":
		githubError(w, http.StatusForbidden, fmt.Sprintf("Although you appear to have the correct authorization credentials, the `%s` organization has an IP allow list enabled, and your IP address is not permitted to access this resource.", org), doc)
		return true
	case "oauthrestrict":
		githubError(w, http.StatusForbidden, fmt.Sprintf("Although you appear to have the correct authorization credentials, the `%s` organization has enabled OAuth App access restrictions, meaning that data access to third-parties is limited. For more information on these policies, including how to enable this app, visit https://docs.github.com/articles/restricting-access-to-your-organization-s-data/", org), doc)
		return true
	}
	return false
}

func (g *githubState) user(w http.ResponseWriter, r *http.Request) {
	p, ok := g.identify(w, r)
	if !ok {
		return
	}
	if p.install != nil {
		githubError(w, http.StatusForbidden, "Resource not accessible by integration", "https://docs.github.com/rest/users/users#get-the-authenticated-user")
		return
	}
	emulation.WriteJSON(w, http.StatusOK, `{"login":"octocat","id":583231,"node_id":"MDQ6VXNlcjU4MzIzMQ==","type":"User","site_admin":false,"name":"The Octocat","company":"@github","two_factor_authentication":true}`)
}

func (g *githubState) userByLogin(w http.ResponseWriter, r *http.Request) {
	if _, ok := g.identify(w, r); !ok {
		return
	}
	if r.PathValue("login") != "octocat" {
		githubError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/users/users#get-a-user")
		return
	}
	emulation.WriteJSON(w, http.StatusOK, `{"login":"octocat","id":583231,"type":"User","site_admin":false}`)
}

func (g *githubState) org(w http.ResponseWriter, r *http.Request) {
	p, ok := g.identify(w, r)
	if !ok {
		return
	}
	org := r.PathValue("org")
	const doc = "https://docs.github.com/rest/orgs/orgs#get-an-organization"
	if !ghContains(githubOrgs, org) {
		githubError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	if p.install == nil && g.orgPolicy(w, p, org, doc) {
		return
	}
	emulation.WriteJSON(w, http.StatusOK, fmt.Sprintf(`{"login":%q,"id":9919,"node_id":"MDEyOk9yZ2FuaXphdGlvbjk5MTk=","type":"Organization","two_factor_requirement_enabled":true}`, org))
}

func (g *githubState) repo(w http.ResponseWriter, r *http.Request) {
	p, ok := g.identify(w, r)
	if !ok {
		return
	}
	full := r.PathValue("owner") + "/" + r.PathValue("repo")
	const doc = "https://docs.github.com/rest/repos/repos#get-a-repository"
	visible := githubPATRepos
	if p.install != nil {
		visible = p.install.repos
	} else if g.orgPolicy(w, p, r.PathValue("owner"), doc) {
		return
	}
	if !ghContainsFold(visible, full) {
		githubError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	emulation.WriteJSON(w, http.StatusOK, fmt.Sprintf(`{"id":1296269,"name":%q,"full_name":%q,"private":true,"owner":{"login":%q}}`,
		r.PathValue("repo"), full, r.PathValue("owner")))
}
