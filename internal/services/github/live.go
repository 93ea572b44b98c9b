package github

import (
	"context"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

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

// plan builds the live check of a GitHub connector.
func plan(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	base := strings.TrimRight(strings.TrimSpace(kit.SettingOr(s, "base_url", githubDefaultBase)), "/")
	g := &githubRun{spec: s, base: base}
	plan := &probe.Plan{Target: base, TargetPath: s.SettingPath("base_url"), Decode: decode}
	t, _ := githubType(s)
	switch {
	case t == "github_app":
		g.mode = t
		rk, bad := appKey(s)
		if rk == nil {
			return nil, []finding.Finding{bad}
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

// appKey reads the GitHub App's RSA private key, which signs its JWTs;
// when it is unusable, the finding says so (and the key is nil).
func appKey(s *connector.Spec) (*rsa.PrivateKey, finding.Finding) {
	signer, err := connector.ParsePrivateKeyPEM(s.Auth.PrivateKey.Value)
	if rk, isRSA := signer.(*rsa.PrivateKey); err == nil && isRSA {
		return rk, finding.Finding{}
	}
	return nil, finding.Errorf(finding.InvalidConfiguration, kit.SecretPath(s.Auth.PrivateKey, "private_key"),
		"The GitHub App's private key cannot sign a JWT").
		WithDetail("GitHub App JWTs are signed with the app's RSA private key (RS256); auth.private_key is not a readable RSA key.").
		WithFix("Download a private key from the app's settings page (Private keys > Generate a private key) and set auth.private_key_wo to the PEM file's content.")
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
	return probe.Failed(f)
}

// refused turns an error answer into a failed step. at picks the attribute
// for the finding's category; nil keeps the default.
func (g *githubRun) refused(env *probe.Env, resp probe.Response, what string, at func(finding.Category) finding.Path) probe.StepResult {
	f := g.placeRefusal(env.Decode(resp), resp.StatusCode, what, at)
	return probe.Failed(f)
}

// placeRefusal puts a decoded refusal on the attribute to fix and names
// what was refused; the live check's steps and the lister share it.
func (g *githubRun) placeRefusal(f finding.Finding, status int, what string, at func(finding.Category) finding.Path) finding.Finding {
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
		f.Detail = fmt.Sprintf("GitHub answered HTTP %d.", status)
	}
	return f
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
