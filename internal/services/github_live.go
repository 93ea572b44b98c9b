package services

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	xoauth2 "golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// Live checks for GitHub. The three ways in are tested differently:
//
//   - a token (personal access token, fine-grained or classic, or an OAuth
//     app's user token): GET /user as the probe call, then the organization,
//     the repositories and the token's expiry;
//   - a GitHub App: a JWT signed with the app's key (RS256, iat back-dated
//     60 s, exp nine minutes ahead) for GET /app, the installation found by
//     installation_id or GET /orgs/{org}/installation, an installation token
//     from POST /app/installations/{id}/access_tokens, its permissions against
//     required_scopes, then the organization and GET /installation/repositories;
//   - an OAuth app without a user token: its client id and secret against the
//     web flow's token endpoint, with a code that cannot be valid (GitHub
//     answers bad_verification_code to good client credentials and
//     incorrect_client_credentials to bad ones).
//
// base_url is the REST API root: https://api.github.com, or
// https://<host>/api/v3 for GitHub Enterprise Server.

const (
	githubDefaultBase  = "https://api.github.com"
	githubAPIVersion   = "2022-11-28"
	githubJWTBackdate  = 60 * time.Second
	githubJWTLifetime  = 9 * time.Minute // GitHub refuses more than ten
	githubMaxRepoPages = 10
	githubMaxRepoCalls = 25
	githubBodyLimit    = 64 << 10
	// githubPlaceholderCode is the authorization code sent to test an OAuth
	// app's client credentials; GitHub can never have issued it.
	githubPlaceholderCode = "handshake-client-credentials-check"
)

// githubRun is one live check's state, shared by its steps.
type githubRun struct {
	spec *connector.Spec
	base string
	mode string // github_app, token, oauth_app

	key *rsa.PrivateKey
	jwt string

	// Filled in by the steps.
	appSlug        string
	installationID string
	foundByOrg     bool
	permissions    map[string]string
	selection      string
	expiration     string // GitHub-Authentication-Token-Expiration
	budgetReported bool
}

func planGitHub(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	base := strings.TrimRight(strings.TrimSpace(kit.SettingOr(s, "base_url", githubDefaultBase)), "/")
	g := &githubRun{spec: s, base: base}
	plan := &probe.Plan{Target: base, TargetPath: s.SettingPath("base_url"),
		Decode: func(r probe.Response) (finding.Finding, bool) {
			return decodeGitHub(readGitHubAnswer(r.StatusCode, r.Header, string(r.Body)))
		}}
	t, _ := githubType(s)
	switch {
	case t == "github_app":
		g.mode = t
		signer, err := connector.ParsePrivateKeyPEM(s.Auth.PrivateKey.Value)
		rk, isRSA := signer.(*rsa.PrivateKey)
		if err != nil || !isRSA {
			return nil, []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.SecretPath(s.Auth.PrivateKey, "private_key"),
				"The GitHub App's private key cannot sign a JWT").
				WithDetail("GitHub App JWTs are signed with the app's RSA private key (RS256); auth.private_key is not a readable RSA key.").
				WithFix("Download a private key from the app's settings page (Private keys > Generate a private key) and set auth.private_key_wo to the PEM file's content.")}
		}
		g.key = rk
		plan.Steps = []probe.CustomStep{
			{Name: "app", Run: g.stepApp},
			{Name: "installation_token", Run: g.stepInstallation},
			{Name: "organization", Run: g.stepOrganization},
			{Name: "repositories", Run: g.stepRepositories},
		}
	case s.Auth.Token.Value != "" && (t == "token" || t == "oauth_app"):
		g.mode = "token"
		plan.Request = &probe.RequestPlan{URL: base + "/user", URLPath: s.SettingPath("base_url"), Header: githubHeaders(),
			Credential: probe.Credential{Kind: "bearer", Secret: s.Auth.Token.Value}, CredentialPath: s.Auth.Token.Path()}
		plan.Check = g.checkUser
		plan.GrantedScopes = func(r probe.Response) ([]string, bool) { return githubGrantedScopes(r.Header) }
		plan.Steps = []probe.CustomStep{
			{Name: "organization", Run: g.stepOrganization},
			{Name: "repositories", Run: g.stepRepositories},
			{Name: "token_expiry", Run: g.stepTokenExpiry},
		}
	case t == "oauth_app" && s.Auth.ClientID != "" && s.Auth.ClientSecret.Value != "":
		g.mode = t
		plan.Steps = []probe.CustomStep{{Name: "client_credentials", Run: g.stepOAuthApp}}
	default:
		return nil, nil // the offline rules report what is missing
	}
	return plan, nil
}

func githubHeaders() http.Header {
	return http.Header{"Accept": {"application/vnd.github+json"}, "X-Github-Api-Version": {githubAPIVersion}}
}

// credentialPath is the attribute holding the credential that signs or
// authenticates this check's requests.
func (g *githubRun) credentialPath() finding.Path {
	switch g.mode {
	case "github_app":
		return kit.SecretPath(g.spec.Auth.PrivateKey, "private_key")
	case "oauth_app":
		return kit.SecretPath(g.spec.Auth.ClientSecret, "client_secret")
	}
	return kit.SecretPath(g.spec.Auth.Token, "token")
}

// authorization is the Authorization header for calls made as the
// connector (the token, or the app's installation token).
func (g *githubRun) authorization(env *probe.Env) string {
	if g.mode == "token" {
		return "Bearer " + g.spec.Auth.Token.Value
	}
	if env.Token != nil && env.Token.AccessToken != "" {
		return "Bearer " + env.Token.AccessToken
	}
	return ""
}

// call makes one GitHub request and reads its answer.
func (g *githubRun) call(ctx context.Context, env *probe.Env, step, method, rawURL, auth string, form url.Values) (probe.Response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
	if err != nil {
		return probe.Response{}, err
	}
	for k, v := range githubHeaders() {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := env.HTTP.Do(req)
	if err != nil {
		return probe.Response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, githubBodyLimit))
	if err != nil && ctx.Err() != nil {
		return probe.Response{}, err
	}
	return probe.Response{Step: step, StatusCode: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// netFailure reports a request that got no answer.
func (g *githubRun) netFailure(err error, what string) probe.StepResult {
	f := transport.Classify(err)
	f.Path = g.spec.SettingPath("base_url")
	f.Summary = what + ": " + kit.LowerFirstRune(f.Summary)
	return probe.StepResult{Outcome: probe.OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
}

// refused turns an error answer into a failed step. at picks the attribute
// for the finding's category; nil keeps the default.
func (g *githubRun) refused(env *probe.Env, resp probe.Response, what string, at func(finding.Category) finding.Path) probe.StepResult {
	f := env.Decode(resp)
	var p finding.Path
	if at != nil {
		p = at(f.Category)
	}
	if p == nil {
		switch f.Category {
		case finding.InvalidCredentials, finding.ExpiredCredentials, finding.RevokedCredentials, finding.AccountDisabled:
			p = g.credentialPath()
		case finding.InsufficientScope:
			p = finding.Attr("required_scopes")
		case finding.SSOAuthorizationRequired, finding.PolicyBlocked, finding.TenantNotFound:
			if g.spec.Setting("organization") != "" {
				p = g.spec.SettingPath("organization")
			} else {
				p = g.credentialPath()
			}
		default:
			p = g.spec.SettingPath("base_url")
		}
	}
	f.Path = p
	f.Summary = what + ": " + kit.LowerFirstRune(f.Summary)
	if f.Detail == "" {
		f.Detail = fmt.Sprintf("GitHub answered HTTP %d.", resp.StatusCode)
	}
	return probe.StepResult{Outcome: probe.OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
}

// budget warns once per check when less than a tenth of the credential's
// hourly request budget is left.
func (g *githubRun) budget(h http.Header) []finding.Finding {
	if g.budgetReported {
		return nil
	}
	rem, err1 := strconv.Atoi(strings.TrimSpace(h.Get("X-Ratelimit-Remaining")))
	lim, err2 := strconv.Atoi(strings.TrimSpace(h.Get("X-Ratelimit-Limit")))
	if err1 != nil || err2 != nil || lim <= 0 || rem*10 >= lim {
		return nil
	}
	g.budgetReported = true
	detail := fmt.Sprintf("x-ratelimit-remaining is %d of %d requests per hour", rem, lim)
	if r := h.Get("X-Ratelimit-Resource"); r != "" {
		detail += fmt.Sprintf(" (resource %q)", r)
	}
	if secs, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64); err == nil && secs > 0 {
		detail += "; the budget resets at " + time.Unix(secs, 0).UTC().Format("15:04 UTC")
	}
	return []finding.Finding{finding.Warnf(finding.RateLimited, g.credentialPath(),
		"Less than 10%% of the credential's GitHub API budget is left").
		WithCode("x-ratelimit-remaining").
		WithDetail("%s. When it reaches 0, GitHub refuses every call with this credential until the reset.", detail).
		WithFix("Find what else uses this credential: jobs sharing one token share its budget.",
			"A GitHub App installation has its own budget, which grows with the organization; consider one per integration.")}
}

// ---- token mode ----------------------------------------------------------

// checkUser inspects the 200 answer of GET /user: the rate budget, the
// classic token's scopes, and the expiry header for the token_expiry step.
func (g *githubRun) checkUser(r probe.Response) []finding.Finding {
	g.expiration = strings.TrimSpace(r.Header.Get("Github-Authentication-Token-Expiration"))
	fs := g.budget(r.Header)
	granted, classic := githubGrantedScopes(r.Header)
	if !classic {
		return fs
	}
	for _, n := range githubNeeds(g.spec.RequiredScopes) {
		if n.perm != "" || githubScopeGranted(granted, n.raw) {
			continue
		}
		fs = append(fs, finding.Errorf(finding.InsufficientScope, kit.ScopePath(n.i),
			"The GitHub token lacks the %s scope", n.raw).
			WithCode("X-OAuth-Scopes").
			WithDetail("GitHub lists the token's scopes in X-OAuth-Scopes: %s. Neither %q nor a scope that includes it is among them.",
				githubScopeList(granted), n.raw).
			WithFix("Edit the token under Settings > Developer settings > Personal access tokens (classic) and tick the scope (tokens keep their value when edited), or create a new one.",
				"For an OAuth app's user token, request the scope in the authorization URL and have the user authorize again."))
	}
	return fs
}

// githubGrantedScopes reads X-OAuth-Scopes; classic reports whether the
// token has classic scopes at all (fine-grained and app tokens send none).
func githubGrantedScopes(h http.Header) (scopes []string, classic bool) {
	v := strings.TrimSpace(h.Get("X-Oauth-Scopes"))
	if v == "" {
		return nil, false
	}
	for _, sc := range strings.Split(v, ",") {
		if sc = strings.TrimSpace(sc); sc != "" {
			scopes = append(scopes, sc)
		}
	}
	sort.Strings(scopes)
	return scopes, len(scopes) > 0
}

func githubScopeList(scopes []string) string {
	if len(scopes) == 0 {
		return "none"
	}
	return strings.Join(scopes, ", ")
}

func (g *githubRun) stepTokenExpiry(_ context.Context, env *probe.Env) probe.StepResult {
	if g.expiration == "" {
		return probe.StepResult{Outcome: probe.OutcomeSkipped,
			Message: "GitHub sent no expiry for this token (it has no expiration date, or is not a personal access token)"}
	}
	at, ok := parseGitHubExpiration(g.expiration)
	if !ok {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "GitHub's token expiry header could not be read"}
	}
	env.CredentialExpires(at, g.credentialPath(), "GitHub personal access token")
	return probe.StepResult{Message: "GitHub reports the token's expiry (GitHub-Authentication-Token-Expiration)"}
}

// parseGitHubExpiration reads GitHub-Authentication-Token-Expiration
// ("2026-01-01 00:00:00 UTC", also seen with a numeric offset).
func parseGitHubExpiration(v string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02 15:04:05 MST", "2006-01-02 15:04:05 -0700", time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// ---- organization and repositories ---------------------------------------

func (g *githubRun) stepOrganization(ctx context.Context, env *probe.Env) probe.StepResult {
	org := strings.TrimSpace(g.spec.Setting("organization"))
	if org == "" {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no organization configured"}
	}
	auth := g.authorization(env)
	if auth == "" {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no installation token to check the organization with"}
	}
	orgPath := g.spec.SettingPath("organization")
	resp, err := g.call(ctx, env, "organization", http.MethodGet, g.base+"/orgs/"+url.PathEscape(org), auth, nil)
	if err != nil {
		return g.netFailure(err, "Organization check")
	}
	if resp.StatusCode == http.StatusNotFound && !ssoRequired(resp.Header) {
		// The login may be a user account: /orgs/ knows only organizations.
		if u, err := g.call(ctx, env, "organization", http.MethodGet, g.base+"/users/"+url.PathEscape(org), auth, nil); err == nil && u.StatusCode == http.StatusOK {
			fs := g.budget(u.Header)
			return probe.StepResult{Outcome: outcomeOf(fs), Message: fmt.Sprintf("%s is a user account, visible to the credential", org), Findings: fs}
		}
		f := finding.Errorf(finding.TenantNotFound, orgPath, "GitHub has no organization %q visible to this credential", org).
			WithCode("Not Found").
			WithDetail("GET /orgs/%s answered 404: the login is misspelt, the organization was renamed or deleted, or it lives on another GitHub instance than base_url.", org).
			WithFix("Use the login shown in the organization's URL (https://github.com/<login>), and check base_url for GitHub Enterprise Server.")
		return probe.StepResult{Outcome: probe.OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
	}
	if resp.StatusCode != http.StatusOK {
		return g.refused(env, resp, "Organization check", func(c finding.Category) finding.Path {
			switch c {
			case finding.SSOAuthorizationRequired, finding.PolicyBlocked, finding.AccessDenied, finding.TenantNotFound, finding.EndpointNotFound:
				return orgPath
			}
			return nil
		})
	}
	fs := g.budget(resp.Header)
	return probe.StepResult{Outcome: outcomeOf(fs), Message: fmt.Sprintf("organization %s is visible to the credential", org), Findings: fs}
}

func ssoRequired(h http.Header) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(h.Get("X-Github-Sso"))), "required")
}

// outcomeOf is ok, or warning when the findings hold a warning.
func outcomeOf(fs []finding.Finding) string {
	for _, f := range fs {
		if f.Severity == finding.Warning {
			return probe.OutcomeWarning
		}
	}
	return probe.OutcomeOK
}

// githubRepo is one entry of the repositories setting, resolved to owner/name.
type githubRepo struct {
	i        int
	fullName string
}

func (g *githubRun) wantedRepos() (repos []githubRepo, unresolved int) {
	org := strings.TrimSpace(g.spec.Setting("organization"))
	for i, r := range g.spec.Lists["repositories"] {
		r = strings.TrimSpace(r)
		switch {
		case r == "":
		case strings.Contains(r, "/"):
			repos = append(repos, githubRepo{i, r})
		case org != "":
			repos = append(repos, githubRepo{i, org + "/" + r})
		default:
			unresolved++
		}
	}
	return repos, unresolved
}

func (g *githubRun) stepRepositories(ctx context.Context, env *probe.Env) probe.StepResult {
	repos, unresolved := g.wantedRepos()
	if len(repos) == 0 {
		msg := "no repositories configured"
		if unresolved > 0 {
			msg = "repositories are given without an owner and no organization is set"
		}
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: msg}
	}
	auth := g.authorization(env)
	if auth == "" {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no installation token to check the repositories with"}
	}
	if g.mode == "github_app" {
		return g.installationRepos(ctx, env, auth, repos)
	}
	var fs []finding.Finding
	checked := 0
	for _, r := range repos {
		if checked == githubMaxRepoCalls {
			break
		}
		checked++
		at := finding.Attr(g.spec.Service, "repositories").Index(r.i)
		resp, err := g.call(ctx, env, "repositories", http.MethodGet, g.base+"/repos/"+githubRepoPath(r.fullName), auth, nil)
		if err != nil {
			return g.netFailure(err, "Repository check")
		}
		switch {
		case resp.StatusCode == http.StatusOK:
			fs = append(fs, g.budget(resp.Header)...)
		case resp.StatusCode == http.StatusNotFound && !ssoRequired(resp.Header):
			fs = append(fs, finding.Errorf(finding.AccessDenied, at, "Repository %s is not visible to the GitHub token", r.fullName).
				WithCode("Not Found").
				WithDetail("GET /repos/%s answered 404. GitHub answers 404 for a repository that does not exist and for a private one the token may not see.", r.fullName).
				WithFix("Check the repository's owner and name.",
					"Give the token access: a fine-grained token lists its repositories under Repository access; a classic token needs the repo scope and an owner who can see the repository."))
		default:
			res := g.refused(env, resp, "Repository check", func(c finding.Category) finding.Path {
				switch c {
				case finding.SSOAuthorizationRequired, finding.PolicyBlocked:
					if g.spec.Setting("organization") != "" {
						return g.spec.SettingPath("organization")
					}
					return at
				case finding.AccessDenied, finding.EndpointNotFound, finding.InsufficientScope:
					return at
				}
				return nil
			})
			res.Findings = append(fs, res.Findings...)
			return res
		}
	}
	return repoResult(fs, checked, len(repos))
}

func repoResult(fs []finding.Finding, checked, wanted int) probe.StepResult {
	res := probe.StepResult{Outcome: outcomeOf(fs), Findings: fs,
		Message: fmt.Sprintf("%d of %d repositories checked", checked, wanted)}
	for _, f := range fs {
		if f.Severity == finding.Error {
			res.Outcome, res.Message = probe.OutcomeFailed, f.Summary
			break
		}
	}
	return res
}

func githubRepoPath(fullName string) string {
	owner, name, _ := strings.Cut(fullName, "/")
	return url.PathEscape(owner) + "/" + url.PathEscape(name)
}

// installationRepos compares the repositories with those the installation
// token can reach (GET /installation/repositories).
func (g *githubRun) installationRepos(ctx context.Context, env *probe.Env, auth string, repos []githubRepo) probe.StepResult {
	have := map[string]bool{}
	var fs []finding.Finding
	for page := 1; page <= githubMaxRepoPages; page++ {
		resp, err := g.call(ctx, env, "repositories", http.MethodGet,
			fmt.Sprintf("%s/installation/repositories?per_page=100&page=%d", g.base, page), auth, nil)
		if err != nil {
			return g.netFailure(err, "Repository check")
		}
		if resp.StatusCode != http.StatusOK {
			return g.refused(env, resp, "Repository check", nil)
		}
		fs = append(fs, g.budget(resp.Header)...)
		var body struct {
			Total int `json:"total_count"`
			Repos []struct {
				FullName string `json:"full_name"`
			} `json:"repositories"`
		}
		if json.Unmarshal(resp.Body, &body) != nil {
			f := finding.Errorf(finding.UnexpectedResponse, g.spec.SettingPath("base_url"),
				"GitHub's list of installation repositories could not be read").
				WithDetail("GET /installation/repositories answered 200 with a body that is not the documented JSON.").
				WithFix("Check that base_url is a GitHub REST API root.")
			return probe.StepResult{Outcome: probe.OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
		}
		for _, r := range body.Repos {
			have[strings.ToLower(r.FullName)] = true
		}
		if len(body.Repos) < 100 || len(have) >= body.Total {
			break
		}
	}
	for _, r := range repos {
		if have[strings.ToLower(r.fullName)] {
			continue
		}
		at := finding.Attr(g.spec.Service, "repositories").Index(r.i)
		f := finding.Errorf(finding.AppNotInstalled, at, "The GitHub App installation cannot reach repository %s", r.fullName).
			WithCode("repository not in installation")
		if g.selection == "all" {
			f = f.WithDetail("The installation has access to all repositories of its account, but %s is not among them: it does not exist, was renamed, or belongs to another account.", r.fullName).
				WithFix("Check the repository's owner and name; an app installed on one organization cannot reach another organization's repositories.")
		} else {
			f = f.WithDetail("The installation only has access to the repositories selected for it, and %s is not one of them.", r.fullName).
				WithFix("In the organization open Settings > GitHub Apps, choose Configure next to the app, and add the repository under Repository access (or choose All repositories).")
		}
		fs = append(fs, f)
	}
	return repoResult(fs, len(repos), len(repos))
}

// ---- GitHub App ----------------------------------------------------------

// appJWT signs the app's JWT: RS256, iss = app_id (App ID or Client ID),
// iat back-dated 60 seconds against clock drift, exp nine minutes ahead.
func (g *githubRun) appJWT(now time.Time) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: g.key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	claims := josejwt.Claims{
		Issuer:   strings.TrimSpace(g.spec.Setting("app_id")),
		IssuedAt: josejwt.NewNumericDate(now.Add(-githubJWTBackdate)),
		Expiry:   josejwt.NewNumericDate(now.Add(githubJWTLifetime)),
	}
	return josejwt.Signed(signer).Claims(claims).Serialize()
}

func (g *githubRun) stepApp(ctx context.Context, env *probe.Env) probe.StepResult {
	// GitHub compares iat and exp with its own clock: sign with the real
	// time, not the check's (possibly injected) clock.
	jwt, err := g.appJWT(time.Now())
	if err != nil {
		f := finding.Errorf(finding.InvalidConfiguration, g.credentialPath(), "The GitHub App JWT could not be signed").
			WithDetail("Signing with auth.private_key failed: %s.", err.Error()).
			WithFix("Use the RSA private key downloaded from the app's settings page.")
		return probe.StepResult{Outcome: probe.OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
	}
	g.jwt = jwt
	resp, err := g.call(ctx, env, "app", http.MethodGet, g.base+"/app", "Bearer "+jwt, nil)
	if err != nil {
		return g.netFailure(err, "GitHub App check")
	}
	if resp.StatusCode != http.StatusOK {
		return g.refused(env, resp, "GitHub App check", func(c finding.Category) finding.Path {
			if c == finding.AppNotFound {
				return g.spec.SettingPath("app_id")
			}
			return nil
		})
	}
	var app struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	}
	_ = json.Unmarshal(resp.Body, &app)
	g.appSlug = app.Slug
	name := kit.Clean(app.Name, 80)
	if name == "" {
		name = "the GitHub App"
	}
	return probe.StepResult{Message: fmt.Sprintf("GitHub accepted the JWT of %s", name)}
}

func (g *githubRun) installURL() string {
	if g.appSlug == "" {
		return "the app's public page (https://github.com/apps/<slug>)"
	}
	return "https://github.com/apps/" + url.PathEscape(g.appSlug) + "/installations/new"
}

func (g *githubRun) stepInstallation(ctx context.Context, env *probe.Env) probe.StepResult {
	id := strings.TrimSpace(g.spec.Setting("installation_id"))
	org := strings.TrimSpace(g.spec.Setting("organization"))
	idPath := g.spec.SettingPath("installation_id")
	if id == "" && org == "" {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "neither installation_id nor organization is set"}
	}
	if id == "" {
		g.foundByOrg, idPath = true, g.spec.SettingPath("organization")
		resp, err := g.call(ctx, env, "installation_token", http.MethodGet, g.base+"/orgs/"+url.PathEscape(org)+"/installation", "Bearer "+g.jwt, nil)
		if err != nil {
			return g.netFailure(err, "Installation lookup")
		}
		if resp.StatusCode == http.StatusNotFound {
			// The login may be a user account.
			if u, err := g.call(ctx, env, "installation_token", http.MethodGet, g.base+"/users/"+url.PathEscape(org)+"/installation", "Bearer "+g.jwt, nil); err == nil && u.StatusCode == http.StatusOK {
				resp = u
			}
		}
		switch resp.StatusCode {
		case http.StatusOK:
		case http.StatusNotFound:
			f := finding.Errorf(finding.AppNotInstalled, idPath, "The GitHub App is not installed on %s", org).
				WithCode("Not Found").
				WithDetail("GET /orgs/%s/installation answered 404: the app has no installation on this organization (never installed, or uninstalled), or the organization's login is wrong.", org).
				WithFix("Install the app on the organization: open "+g.installURL()+" and pick "+org+"; installing needs an organization owner (or their approval).",
					"Or set installation_id to an existing installation's id.")
			return probe.StepResult{Outcome: probe.OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
		default:
			return g.refused(env, resp, "Installation lookup", nil)
		}
		var inst struct {
			ID int64 `json:"id"`
		}
		if json.Unmarshal(resp.Body, &inst) != nil || inst.ID <= 0 {
			f := finding.Errorf(finding.UnexpectedResponse, g.spec.SettingPath("base_url"), "GitHub's installation answer could not be read").
				WithDetail("GET /orgs/%s/installation answered 200 without an installation id.", org).
				WithFix("Check that base_url is a GitHub REST API root.")
			return probe.StepResult{Outcome: probe.OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
		}
		id = strconv.FormatInt(inst.ID, 10)
	}
	g.installationID = id

	resp, err := g.call(ctx, env, "installation_token", http.MethodPost, g.base+"/app/installations/"+url.PathEscape(id)+"/access_tokens", "Bearer "+g.jwt, nil)
	if err != nil {
		return g.netFailure(err, "Installation token request")
	}
	if resp.StatusCode == http.StatusNotFound {
		f := finding.Errorf(finding.AppNotInstalled, idPath, "GitHub has no installation %s of this app", id).
			WithCode("Not Found").
			WithDetail("POST /app/installations/%s/access_tokens answered 404: the installation was removed (the app was uninstalled), or the id belongs to another app.", id).
			WithFix("Open the organization's Settings > GitHub Apps, choose Configure next to the app, and copy the number at the end of the URL into installation_id.",
				"If the app is no longer installed, install it again from "+g.installURL()+".")
		return probe.StepResult{Outcome: probe.OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return g.refused(env, resp, "Installation token request", func(c finding.Category) finding.Path {
			if c == finding.AppNotInstalled {
				return idPath
			}
			return nil
		})
	}
	var tok struct {
		Token       string            `json:"token"`
		ExpiresAt   time.Time         `json:"expires_at"`
		Permissions map[string]string `json:"permissions"`
		Selection   string            `json:"repository_selection"`
	}
	if json.Unmarshal(resp.Body, &tok) != nil || tok.Token == "" {
		f := finding.Errorf(finding.UnexpectedResponse, g.spec.SettingPath("base_url"), "GitHub's installation token answer could not be read").
			WithDetail("POST /app/installations/%s/access_tokens answered %d without a token.", id, resp.StatusCode).
			WithFix("Check that base_url is a GitHub REST API root.")
		return probe.StepResult{Outcome: probe.OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
	}
	env.UseToken(&xoauth2.Token{AccessToken: tok.Token, TokenType: "Bearer", Expiry: tok.ExpiresAt})
	g.permissions, g.selection = tok.Permissions, tok.Selection
	env.GrantScopes(githubPermNames(tok.Permissions))

	fs := g.budget(resp.Header)
	for _, n := range githubNeeds(g.spec.RequiredScopes) {
		if n.perm == "" {
			continue
		}
		have := tok.Permissions[n.perm]
		if githubLevel(have) >= githubLevel(n.level) {
			continue
		}
		got := "no " + n.perm + " permission"
		if have != "" {
			got = fmt.Sprintf("%s:%s only", n.perm, have)
		}
		fs = append(fs, finding.Errorf(finding.InsufficientScope, kit.ScopePath(n.i),
			"The GitHub App installation lacks the %s:%s permission", n.perm, n.level).
			WithCode("permissions").
			WithDetail("The installation token GitHub issued carries %s (all permissions: %s).", got, githubPermList(tok.Permissions)).
			WithFix("Add the permission on the app's settings page (Permissions & events), then have an organization owner accept the updated permissions under Settings > GitHub Apps > the app.",
				"Installations keep their old permissions until the change is accepted."))
	}
	res := probe.StepResult{Outcome: outcomeOf(fs), Findings: fs,
		Message: fmt.Sprintf("installation %s issued a token (repository access: %s; permissions: %s)", id, kit.OrDefault(tok.Selection, "unknown"), githubPermList(tok.Permissions))}
	for _, f := range fs {
		if f.Severity == finding.Error {
			res.Outcome, res.Message = probe.OutcomeFailed, f.Summary
			break
		}
	}
	return res
}

func githubPermList(p map[string]string) string {
	if len(p) == 0 {
		return "none"
	}
	return strings.Join(githubPermNames(p), ", ")
}

// githubPermNames lists an installation's permissions as name:level, the
// form required_scopes uses for them, sorted.
func githubPermNames(p map[string]string) []string {
	out := make([]string, 0, len(p))
	for k, v := range p {
		out = append(out, k+":"+v)
	}
	sort.Strings(out)
	return out
}

// ---- OAuth app -----------------------------------------------------------

// githubWebRoot is the web host of the instance whose API is base.
func githubWebRoot(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	switch {
	case strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/api/v3"):
		u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/api/v3")
	case strings.HasPrefix(strings.ToLower(u.Host), "api."):
		u.Host = u.Host[len("api."):]
	}
	return strings.TrimRight(u.String(), "/")
}

func (g *githubRun) stepOAuthApp(ctx context.Context, env *probe.Env) probe.StepResult {
	form := url.Values{"client_id": {g.spec.Auth.ClientID}, "client_secret": {g.spec.Auth.ClientSecret.Value},
		"code": {githubPlaceholderCode}}
	resp, err := g.call(ctx, env, "client_credentials", http.MethodPost, githubWebRoot(g.base)+"/login/oauth/access_token", "", form)
	if err != nil {
		return g.netFailure(err, "OAuth app check")
	}
	var body struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(resp.Body, &body)
	if resp.StatusCode == http.StatusOK && body.Error == "bad_verification_code" {
		return probe.StepResult{Message: "GitHub accepted the OAuth app's client id and secret (it refused only the placeholder authorization code)"}
	}
	return g.refused(env, resp, "OAuth app check", func(c finding.Category) finding.Path {
		if c == finding.AccountDisabled || c == finding.AppNotFound {
			return finding.Attr("auth", "client_id")
		}
		return nil
	})
}

// ---- required_scopes -----------------------------------------------------

// githubNeed is one entry of required_scopes: a classic OAuth scope
// ("repo", "read:org") or a fine-grained permission ("members:read",
// "contents=write").
type githubNeed struct {
	i           int
	raw         string
	perm, level string
}

func githubNeeds(scopes []string) []githubNeed {
	var out []githubNeed
	for i, raw := range scopes {
		v := strings.ToLower(strings.TrimSpace(raw))
		if v == "" {
			continue
		}
		n := githubNeed{i: i, raw: v}
		sep := strings.LastIndexAny(v, "=:")
		if sep > 0 && githubLevel(v[sep+1:]) > 0 {
			n.perm, n.level = strings.TrimSpace(v[:sep]), v[sep+1:]
		}
		out = append(out, n)
	}
	return out
}

func githubLevel(l string) int {
	switch strings.TrimSpace(strings.ToLower(l)) {
	case "read":
		return 1
	case "write":
		return 2
	case "admin":
		return 3
	}
	return 0
}

// githubScopeParents lists, for a classic scope, the broader scopes that
// include it (GitHub's scope documentation).
var githubScopeParents = map[string][]string{
	"repo:status": {"repo"}, "repo_deployment": {"repo"}, "public_repo": {"repo"}, "repo:invite": {"repo"},
	"security_events": {"repo"},
	"read:org":        {"write:org", "admin:org"}, "write:org": {"admin:org"}, "manage_runners:org": {"admin:org"},
	"read:public_key": {"write:public_key", "admin:public_key"}, "write:public_key": {"admin:public_key"},
	"read:repo_hook": {"write:repo_hook", "admin:repo_hook"}, "write:repo_hook": {"admin:repo_hook"},
	"read:user": {"user"}, "user:email": {"user"}, "user:follow": {"user"},
	"read:packages": {"write:packages"},
	"read:gpg_key":  {"write:gpg_key", "admin:gpg_key"}, "write:gpg_key": {"admin:gpg_key"},
	"read:ssh_signing_key": {"write:ssh_signing_key", "admin:ssh_signing_key"}, "write:ssh_signing_key": {"admin:ssh_signing_key"},
	"read:discussion": {"write:discussion"},
	"read:project":    {"project"},
	"read:enterprise": {"admin:enterprise"}, "manage_runners:enterprise": {"admin:enterprise"}, "manage_billing:enterprise": {"admin:enterprise"},
}

func githubScopeGranted(granted []string, scope string) bool {
	if slices.Contains(granted, scope) {
		return true
	}
	for _, p := range githubScopeParents[scope] {
		if slices.Contains(granted, p) {
			return true
		}
	}
	return false
}
