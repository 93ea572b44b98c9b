package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	xoauth2 "golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

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
		return probe.Failed(f)
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
			return probe.Failed(f)
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
			return probe.Failed(f)
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
		return probe.Failed(f)
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
		return probe.Failed(f)
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
	res := probe.StepResult{Outcome: kit.OutcomeOf(fs), Findings: fs,
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
