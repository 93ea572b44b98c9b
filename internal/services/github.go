package services

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// github is GitHub.com, GitHub Enterprise Cloud or GitHub Enterprise Server,
// reached as a GitHub App installation, an OAuth app, or with a token.
func github() *connector.Profile {
	return &connector.Profile{
		ID:          "github",
		DisplayName: "GitHub",
		Description: "GitHub.com, GitHub Enterprise Cloud or GitHub Enterprise Server. Three ways in: a **GitHub App** " +
			"(`app_id`, the app's RSA `private_key`, and the `installation_id` or `organization` it is installed on; " +
			"installation tokens last one hour and are minted on demand), an **OAuth app** (`client_id` and " +
			"`client_secret`; its user tokens never expire and come without refresh tokens), or a **token** " +
			"(a fine-grained or classic personal access token in `auth.token`).",
		Settings: []connector.Setting{
			{Name: "app_type", Kind: connector.String, OneOf: []string{"github_app", "oauth_app", "token"}, Description: "How " +
				"the connector authenticates. Defaults to `github_app` when `app_id` or `auth.private_key` is set, " +
				"`token` when `auth.token` is set, and `oauth_app` otherwise."},
			{Name: "app_id", Kind: connector.String, Description: "Identifies the GitHub App as the issuer of the JWT it signs: " +
				"its **Client ID** (`Iv23…`, which GitHub recommends since 2024) or its numeric **App ID**, both on the " +
				"app's settings page. GitHub Enterprise Server before 3.14 accepts only the App ID."},
			{Name: "installation_id", Kind: connector.String, Description: "Numeric id of the app's installation, the number at " +
				"the end of `https://github.com/organizations/<org>/settings/installations/<id>`. Optional when `organization` is set."},
			{Name: "organization", Kind: connector.String, Description: "Organization (or user) login the connector works in, " +
				"e.g. `octo-org`. Used to find the installation and to check SAML SSO authorization."},
			{Name: "repositories", Kind: connector.StringList, Description: "Repositories the connector must reach, as " +
				"`owner/name` or, with `organization` set, just `name`. Live checks confirm the installation or token can see each."},
			{Name: "base_url", Kind: connector.String, Description: "REST API base URL. Defaults to `https://api.github.com`; " +
				"GitHub Enterprise Server uses `https://<host>/api/v3`, GitHub Enterprise Cloud with data residency " +
				"`https://api.<subdomain>.ghe.com`."},
		},
		AuthAttrs: []string{"client_id", "client_secret", "token", "private_key"},
		Decode:    kit.TextDecoder(githubDecode),
		Recognize: githubRecognize,
		Rules: []connector.Rule{
			kit.EndpointRules("base_url"),
			githubBaseURL,
			githubAppID,
			githubInstallationID,
			githubOrganization,
			githubRepositories,
			kit.ClientIDHygiene,
			githubAppType,
			githubRefreshToken,
		},
	}
}

// githubType returns the effective app_type; ok is false when it depends on
// values not known yet.
func githubType(s *connector.Spec) (string, bool) {
	if s.SettingUnknown("app_type") {
		return "", false
	}
	if v, ok := kit.Known(s, "app_type"); ok {
		return v, true
	}
	if s.SettingUnknown("app_id") || kit.AuthUnknown(s, "private_key") || kit.AuthUnknown(s, "token") {
		return "", false
	}
	switch {
	case s.Setting("app_id") != "" || s.Auth.PrivateKey.IsSet():
		return "github_app", true
	case s.Auth.Token.IsSet():
		return "token", true
	}
	return "oauth_app", true
}

var (
	digitsRE = regexp.MustCompile(`^[0-9]+$`)
	// GitHub logins: alphanumerics and single hyphens, at most 39 characters.
	githubLoginRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}$`)
	githubRepoRE  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
)

// isPositiveInt reports a decimal id GitHub could have issued.
func isPositiveInt(v string) bool { return digitsRE.MatchString(v) && strings.TrimLeft(v, "0") != "" }

// githubAppClientIDRE matches GitHub App client ids (Iv1.0123456789abcdef,
// Iv23li…); OAuth app client ids start with Ov instead.
var githubAppClientIDRE = regexp.MustCompile(`^Iv[0-9A-Za-z.]{8,}$`)

// githubAppID accepts the numeric App ID or the app's Client ID, the two
// values GitHub takes as the JWT issuer.
func githubAppID(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "app_id")
	if !ok || isPositiveInt(v) || githubAppClientIDRE.MatchString(v) {
		return nil
	}
	f := finding.Errorf(finding.InvalidConfiguration, s.SettingPath("app_id"),
		"github.app_id must be the GitHub App's App ID or Client ID").
		WithCode("GITHUB-APP-ID")
	if strings.HasPrefix(v, "Ov") || (len(v) == 20 && strings.Trim(strings.ToLower(v), "0123456789abcdef") == "") {
		return []finding.Finding{f.
			WithDetail("This value looks like the Client ID of an OAuth app. OAuth apps cannot sign JWTs or be installed; only a GitHub App (Client ID Iv…, or a numeric App ID) can mint installation tokens.").
			WithFix("Use the Client ID or App ID from Settings > Developer settings > GitHub Apps > <app>.",
				"Or, to connect as the OAuth app, set app_type = \"oauth_app\" and put its Client ID in auth.client_id.")}
	}
	return []finding.Finding{f.
		WithDetail("GitHub identifies the app that signed the JWT by its Client ID (Iv…) or its numeric App ID; GitHub answers any other issuer with \"Integration not found\".").
		WithFix("Copy Client ID (or App ID) from the app's settings page: Settings > Developer settings > GitHub Apps > <app> > General.")}
}

// githubInstallationID wants the installation's number, and recognises its
// settings URL pasted whole.
func githubInstallationID(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "installation_id")
	if !ok || isPositiveInt(v) {
		return nil
	}
	f := finding.Errorf(finding.InvalidConfiguration, s.SettingPath("installation_id"), "github.installation_id must be a number").
		WithCode("GITHUB-INSTALLATION-ID").
		WithDetail("An installation is identified by a positive integer: the number at the end of https://github.com/organizations/<org>/settings/installations/<id>.")
	trimmed := strings.TrimRight(v, "/")
	if i := strings.LastIndexByte(trimmed, '/'); i >= 0 && isPositiveInt(trimmed[i+1:]) {
		return []finding.Finding{f.WithFix(fmt.Sprintf("Set installation_id = %q.", trimmed[i+1:]))}
	}
	return []finding.Finding{f.WithFix("Open the organization's Settings > GitHub Apps > Configure next to the app, and copy the number at the end of the URL.",
		"Or remove installation_id and set organization, to let Handshake look the installation up.")}
}

// githubBaseURL catches the web host given instead of the API host.
func githubBaseURL(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "base_url")
	if !ok {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Hostname() == "" {
		return nil // CheckEndpoint reports it
	}
	host, path := strings.ToLower(u.Hostname()), strings.TrimRight(u.Path, "/")
	switch {
	case host == "github.com" || host == "www.github.com":
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("base_url"),
			"github.base_url must be the API host, not github.com").
			WithCode("GITHUB-BASE-URL").
			WithDetail("GitHub.com serves its REST API from https://api.github.com; github.com itself answers API paths with HTML or 404.").
			WithFix("Remove base_url (the default is https://api.github.com).")}
	case host == "api.github.com" || strings.HasSuffix(host, ".ghe.com") || connector.IsLoopbackHost(host):
		return nil
	case !strings.HasSuffix(path, "/api/v3"):
		// GitHub Enterprise Server: the REST API lives under /api/v3.
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, s.SettingPath("base_url"),
			"GitHub Enterprise Server's API is under /api/v3").
			WithCode("GITHUB-BASE-URL").
			WithDetail("For GitHub Enterprise Server the REST API base URL is https://<host>/api/v3; without it every call returns the web interface or 404.").
			WithFix(fmt.Sprintf("Set base_url = %q.", u.Scheme+"://"+u.Host+"/api/v3"))}
	}
	return nil
}

func githubOrganization(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "organization")
	if !ok || githubLoginRE.MatchString(v) {
		return nil
	}
	path := s.SettingPath("organization")
	if strings.Contains(v, "/") {
		login := v
		if i := strings.Index(login, "://"); i >= 0 {
			login = login[i+3:]
		}
		login = strings.TrimPrefix(strings.TrimPrefix(login, "www."), "github.com/")
		login = strings.TrimPrefix(login, "orgs/")
		login = strings.SplitN(strings.Trim(login, "/"), "/", 2)[0]
		fix := "Set organization to the login shown in the organization's URL: https://github.com/<login>."
		if githubLoginRE.MatchString(login) {
			fix = fmt.Sprintf("Set organization = %q.", login)
		}
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"github.organization must be the organization's login, not a URL").
			WithCode("GITHUB-ORGANIZATION").
			WithDetail("The organization is used in API paths such as /orgs/<login>; a URL or path there names nothing.").
			WithFix(fix)}
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
		"github.organization is not a valid GitHub login").
		WithCode("GITHUB-ORGANIZATION").
		WithDetail("GitHub logins consist of letters, digits and single hyphens (not at the start or end), at most 39 characters.").
		WithFix("Use the login shown in the organization's URL: https://github.com/<login>.")}
}

func githubRepositories(s *connector.Spec) []finding.Finding {
	if s.SettingUnknown("repositories") {
		return nil
	}
	var out []finding.Finding
	for i, r := range s.Lists["repositories"] {
		path := s.SettingPath("repositories").Index(i)
		parts := strings.Split(r, "/")
		var ok bool
		switch len(parts) {
		case 1:
			ok = githubRepoRE.MatchString(r)
		case 2:
			ok = githubLoginRE.MatchString(parts[0]) && githubRepoRE.MatchString(parts[1])
		}
		if ok {
			continue
		}
		f := finding.Errorf(finding.InvalidConfiguration, path, "github.repositories[%d] is not a repository name", i).
			WithCode("GITHUB-REPOSITORY").
			WithDetail("Repositories are given as owner/name (octo-org/octo-repo), or as name alone when organization is set.")
		if strings.Contains(r, "://") || strings.HasPrefix(r, "git@") {
			f = f.WithFix("Use owner/name rather than the clone or web URL.")
		} else {
			f = f.WithFix("Check the spelling; spaces and other punctuation are not allowed in repository names.")
		}
		out = append(out, f)
	}
	return out
}

// githubAppType checks the credentials each way in needs.
func githubAppType(s *connector.Spec) []finding.Finding {
	t, ok := githubType(s)
	if !ok {
		return nil
	}
	switch t {
	case "github_app":
		var out []finding.Finding
		if kit.SettingUnset(s, "app_id") {
			out = append(out, kit.MissingSetting(s, "app_id", "for GitHub App authentication: it is the issuer of the JWT the app signs"))
		}
		out = append(out, kit.RequirePrivateKey("to sign the GitHub App's JWT (RS256)")(s)...)
		out = append(out, kit.RSAKeyRule("GitHub", 2048, "GITHUB-APP-KEY")(s)...)
		if kit.SettingUnset(s, "installation_id") && kit.SettingUnset(s, "organization") {
			out = append(out, finding.Warnf(finding.InvalidConfiguration, s.SettingPath("installation_id"),
				"GitHub App without installation_id or organization").
				WithCode("GITHUB-INSTALLATION").
				WithDetail("With only the app's own JWT Handshake can check that the app exists, but not what it can reach: repository and organization access come from an installation token.").
				WithFix("Set installation_id, or organization to find the app's installation there."))
		}
		return out
	case "oauth_app":
		var out []finding.Finding
		if kit.ClientIDUnset(s) {
			out = append(out, kit.MissingClientID("an OAuth app is identified by its Client ID"))
		}
		if kit.SecretUnset(s, s.Auth.ClientSecret, "client_secret") {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("client_secret"), "Missing auth.client_secret").
				WithCode("GITHUB-OAUTH-APP").
				WithDetail("An OAuth app authenticates with its Client ID and a client secret; none is set.").
				WithFix("Generate a client secret under Settings > Developer settings > OAuth Apps > <app>, and set auth.client_secret_wo.",
					"Or, to use a personal access token instead, set auth.token (app_type = \"token\")."))
		}
		return out
	case "token":
		if kit.SecretUnset(s, s.Auth.Token, "token") {
			return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("token"), "Missing auth.token").
				WithCode("GITHUB-TOKEN").
				WithDetail("app_type is token, which authenticates with a personal access token in auth.token; none is set.").
				WithFix("Create a fine-grained personal access token under Settings > Developer settings and set auth.token_wo.")}
		}
		return githubTokenShape(s)
	}
	return nil
}

// githubTokenShape reads a token's prefix (GitHub's documented formats) to
// catch tokens that cannot serve a long-lived connector.
func githubTokenShape(s *connector.Spec) []finding.Finding {
	tok := s.Auth.Token
	v, ok := kit.SecretValue(s, tok, tok.Attr)
	if !ok {
		return nil
	}
	path := tok.Path()
	switch {
	case strings.HasPrefix(v, "github_pat_"), strings.HasPrefix(v, "ghp_"), strings.HasPrefix(v, "gho_"):
		return nil // fine-grained PAT, classic PAT, OAuth app user token
	case strings.HasPrefix(v, "ghs_"):
		return []finding.Finding{finding.Warnf(finding.ExpiringCredentials, path,
			"This is a GitHub App installation token, which expires after one hour").
			WithCode("GITHUB-TOKEN-GHS").
			WithDetail("Tokens starting with ghs_ are minted from a GitHub App's key and expire one hour later, so this connector will stop working within the hour.").
			WithFix("Configure the GitHub App itself instead (app_id, installation_id and auth.private_key_wo), so that Handshake mints installation tokens as needed.")}
	case strings.HasPrefix(v, "ghu_"):
		return []finding.Finding{finding.Warnf(finding.ExpiringCredentials, path,
			"This is a GitHub App user token, which expires after eight hours").
			WithCode("GITHUB-TOKEN-GHU").
			WithDetail("Tokens starting with ghu_ are user-to-server tokens of a GitHub App with expiring tokens; they last eight hours and must be refreshed with the refresh token issued alongside.").
			WithFix("Use the GitHub App's installation (app_id, installation_id, private key), or a fine-grained personal access token with an expiry you monitor.")}
	case strings.HasPrefix(v, "ghr_"):
		return []finding.Finding{finding.Errorf(finding.InvalidCredentials, path,
			"This is a GitHub refresh token, not an access token").
			WithCode("GITHUB-TOKEN-GHR").
			WithDetail("Tokens starting with ghr_ can only be exchanged for a new user token; the API rejects them as Bad credentials.").
			WithFix("Put an access token (github_pat_…, ghp_…) in auth.token.")}
	case len(v) == 40 && strings.Trim(strings.ToLower(v), "0123456789abcdef") == "":
		return []finding.Finding{finding.Warnf(finding.InvalidCredentials, path,
			"This token uses GitHub's retired format").
			WithCode("GITHUB-TOKEN-LEGACY").
			WithDetail("40-hex-digit tokens predate GitHub's 2021 prefixed formats. They may still work, but GitHub's secret scanning cannot recognise them if they leak.").
			WithFix("Replace it with a fine-grained personal access token (github_pat_…).")}
	}
	return []finding.Finding{finding.Warnf(finding.InvalidCredentials, path,
		"auth.%s does not look like a GitHub token", tok.Attr).
		WithCode("GITHUB-TOKEN-FORMAT").
		WithDetail("GitHub tokens start with github_pat_, ghp_, gho_, ghu_ or ghs_. This value has none of these prefixes; it may be a token for another service or a client secret.").
		WithFix("Check that auth.token holds a GitHub personal access token.")}
}

// githubRefreshToken: OAuth apps and personal access tokens have no refresh
// tokens; only GitHub Apps with expiring user tokens do.
func githubRefreshToken(s *connector.Spec) []finding.Finding {
	if !s.RequireRefreshToken {
		return nil
	}
	t, ok := githubType(s)
	if !ok || t == "github_app" {
		return nil
	}
	f := finding.Errorf(finding.RefreshTokenMissing, finding.Attr("require_refresh_token"),
		"GitHub does not issue refresh tokens for this kind of credential").
		WithCode("GITHUB-NO-REFRESH-TOKEN").
		WithFix("Use a GitHub App with \"Expire user authorization tokens\" enabled: its user-to-server tokens expire after 8 hours and come with a refresh token.",
			"Or set require_refresh_token = false.")
	if t == "oauth_app" {
		f = f.WithDetail("OAuth app user tokens do not expire and are issued without a refresh token, so require_refresh_token can never be met.")
	} else {
		f = f.WithDetail("Personal access tokens are used as they are, until they expire or are revoked; there is no refresh token.")
	}
	return []finding.Finding{f}
}

// ---------------------------------------------------------------------------
// Error decoding: one decoder for the live probe and for diagnose.
//
// GitHub's REST API answers errors as {"message": …, "documentation_url": …}
// (newer answers add "status" as a string) and carries much of the meaning in
// headers: X-GitHub-SSO, x-ratelimit-*, Retry-After, X-OAuth-Scopes,
// X-Accepted-OAuth-Scopes and X-Accepted-GitHub-Permissions. The probe hands
// the headers over; diagnose only has text, so the same names are also read
// from header dumps inside the text (Octokit and PyGithub print them).

// githubDecode is the profile's Decode hook: status may be 0 and body may be
// a raw answer or a client library's exception text.
func githubDecode(status int, body string) (finding.Finding, bool) {
	return decodeGitHub(readGitHubAnswer(status, nil, body))
}

// githubMarkers are texts only GitHub (or its client libraries) produce.
var githubMarkers = []string{
	"docs.github.com", "developer.github.com", "api.github.com", "x-github-", "github-authentication-token-expiration",
	"resource not accessible by integration", "resource not accessible by personal access token",
	"organization saml enforcement", "integration not found", "a json web token could not be decoded",
	"'expiration time' claim ('exp')", "'issued at' claim ('iat')", "this installation has been suspended",
	"not accessible to the parent installation", "githubexception", "octokit", "httperror: bad credentials",
	"api rate limit exceeded for", "exceeded a secondary rate limit", "x-accepted-github-permissions",
	"incorrect_client_credentials", "troubleshooting-oauth-app-access-token-request-errors",
}

// githubRecognize is the profile's Recognize hook.
func githubRecognize(text string) bool {
	t := strings.ToLower(text)
	for _, m := range githubMarkers {
		if strings.Contains(t, m) {
			return true
		}
	}
	return false
}

// githubAnswer is what one GitHub error answer says, from its body and headers.
type githubAnswer struct {
	status  int
	message string // GitHub's "message", cleaned up
	docURL  string
	text    string // the whole text, lower case, for phrase matching
	shaped  bool   // the body has GitHub's {message, documentation_url} shape

	// oauthError is the "error" of an OAuth web-flow answer
	// (github.com/login/oauth/access_token).
	oauthError string

	sso, remaining, limit, reset, retryAfter string
	acceptedPermissions, acceptedScopes      string
	grantedScopes                            string
	haveGrantedScopes                        bool
}

var (
	githubStatusRE    = regexp.MustCompile(`(?i)(?:"status"\s*:\s*"?|'status'\s*:\s*'?|\bstatus(?: code)?[ :=]+|\bHTTP[ /]?(?:1\.1 )?|\bcode[ :=]+)([1-5][0-9]{2})\b`)
	githubFormErrorRE = regexp.MustCompile(`(?:^|[\s&?])error=([a-z_]{3,60})(?:&|\s|$)`)
	githubLeadRE      = regexp.MustCompile(`\b(401|403|404|422|429|5[0-9]{2})\b[ -]+(?:\{|Bad credentials|Unauthorized|Forbidden|Not Found|Unprocessable|Too Many)`)
)

// readGitHubAnswer collects what GitHub said. h may be nil (diagnose).
func readGitHubAnswer(status int, h http.Header, body string) githubAnswer {
	a := githubAnswer{status: status, text: strings.ToLower(body)}
	if m := kit.JSONObject(body); m != nil {
		a.message, _ = m["message"].(string)
		a.docURL, _ = m["documentation_url"].(string)
		a.oauthError, _ = m["error"].(string)
		if a.docURL == "" {
			a.docURL, _ = m["error_uri"].(string)
		}
		if a.status == 0 {
			switch v := m["status"].(type) {
			case string:
				a.status, _ = strconv.Atoi(v)
			case float64:
				a.status = int(v)
			}
		}
	}
	if a.message == "" {
		a.message, _ = kit.Quoted(body, "message")
	}
	if a.oauthError == "" {
		if m := githubFormErrorRE.FindStringSubmatch(body); m != nil {
			// A form-encoded answer (the web flow's default); read it
			// leniently, as pasted text may have damaged escapes.
			a.oauthError = m[1]
		} else {
			a.oauthError, _ = kit.Quoted(body, "error")
		}
	}
	a.oauthError = strings.TrimSpace(a.oauthError)
	if a.docURL == "" {
		a.docURL, _ = kit.Quoted(body, "documentation_url")
	}
	a.message = kit.Clean(a.message, 300)
	a.docURL = kit.Clean(a.docURL, 200)
	a.shaped = a.message != "" && (strings.Contains(a.docURL, "github.com") || a.docURL == "")
	if a.status == 0 {
		if m := githubStatusRE.FindStringSubmatch(body); m != nil {
			a.status, _ = strconv.Atoi(m[1])
		} else if m := githubLeadRE.FindStringSubmatch(body); m != nil {
			a.status, _ = strconv.Atoi(m[1])
		}
	}
	get := func(name string) (string, bool) {
		if h != nil {
			vs, ok := h[http.CanonicalHeaderKey(name)]
			if !ok || len(vs) == 0 {
				return "", false
			}
			return strings.TrimSpace(vs[0]), true
		}
		return kit.Header(body, name)
	}
	a.sso, _ = get("X-GitHub-SSO")
	a.remaining, _ = get("X-RateLimit-Remaining")
	a.limit, _ = get("X-RateLimit-Limit")
	a.reset, _ = get("X-RateLimit-Reset")
	a.retryAfter, _ = get("Retry-After")
	a.acceptedPermissions, _ = get("X-Accepted-GitHub-Permissions")
	a.acceptedScopes, _ = get("X-Accepted-OAuth-Scopes")
	a.grantedScopes, a.haveGrantedScopes = get("X-OAuth-Scopes")
	return a
}

// has reports whether the answer's text contains any of the phrases.
func (a githubAnswer) has(phrases ...string) bool {
	msg := strings.ToLower(a.message)
	for _, p := range phrases {
		if strings.Contains(msg, p) || strings.Contains(a.text, p) {
			return true
		}
	}
	return false
}

// said is the sentence quoting GitHub, for details.
func (a githubAnswer) said() string {
	if a.message == "" && a.status <= 0 && a.docURL == "" {
		return ""
	}
	var b strings.Builder
	if a.message != "" {
		fmt.Fprintf(&b, "GitHub answered %q", a.message)
	} else {
		b.WriteString("GitHub answered")
	}
	if a.status > 0 {
		fmt.Fprintf(&b, " (HTTP %d)", a.status)
	}
	b.WriteString(".")
	if a.docURL != "" {
		fmt.Fprintf(&b, " Documentation: %s.", a.docURL)
	}
	return b.String()
}

// acceptedDetail names what the endpoint accepts and what the token holds,
// from X-Accepted-GitHub-Permissions, X-Accepted-OAuth-Scopes and X-OAuth-Scopes.
func (a githubAnswer) acceptedDetail() string {
	var b strings.Builder
	if v := kit.Clean(a.acceptedPermissions, 200); v != "" {
		fmt.Fprintf(&b, " The endpoint accepts these permission sets (X-Accepted-GitHub-Permissions): %s.", v)
	}
	if v := kit.Clean(a.acceptedScopes, 200); v != "" {
		fmt.Fprintf(&b, " It accepts these OAuth scopes (X-Accepted-OAuth-Scopes): %s", v)
		if a.haveGrantedScopes {
			fmt.Fprintf(&b, "; the token has: %s", kit.OrDefault(kit.Clean(a.grantedScopes, 200), "none"))
		}
		b.WriteString(".")
	}
	return b.String()
}

// ssoURL is the authorization link GitHub puts in X-GitHub-SSO ("required;
// url=https://github.com/orgs/<org>/sso?authorization_request=…"), valid for
// an hour.
func (a githubAnswer) ssoURL() string {
	i := strings.Index(strings.ToLower(a.sso), "url=")
	if i < 0 {
		return ""
	}
	u := strings.TrimSpace(a.sso[i+4:])
	if j := strings.IndexAny(u, " ;,\"'"); j >= 0 {
		u = u[:j]
	}
	if pu, err := url.Parse(u); err != nil || pu.Scheme != "https" || pu.Host == "" {
		return ""
	}
	return u
}

// resetDetail says when the primary rate limit resets.
func (a githubAnswer) resetDetail() string {
	var parts []string
	if a.limit != "" {
		parts = append(parts, fmt.Sprintf("the budget is %s requests per hour", a.limit))
	}
	if secs, err := strconv.ParseInt(a.reset, 10, 64); err == nil && secs > 0 {
		parts = append(parts, "it resets at "+time.Unix(secs, 0).UTC().Format("15:04 UTC"))
	}
	if a.retryAfter != "" {
		parts = append(parts, "GitHub asks to wait "+a.retryAfter+" seconds (Retry-After)")
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + kit.UpperFirst(strings.Join(parts, "; ")) + "."
}

// decodeGitHub classifies an answer. It returns false for text that is not
// recognisably a GitHub error.
func decodeGitHub(a githubAnswer) (finding.Finding, bool) {
	mk := func(cat finding.Category, code, summary, why string, fixes ...string) finding.Finding {
		detail := strings.TrimSpace(why + " " + a.said() + a.acceptedDetail())
		return finding.Finding{Severity: finding.Error, Category: cat, Code: code, Summary: summary,
			Detail: detail, Remediation: fixes}
	}
	switch a.oauthError {
	case "incorrect_client_credentials":
		return mk(finding.InvalidCredentials, a.oauthError, "The OAuth app's client id or secret was rejected",
			"The client_id and client_secret sent to GitHub's token endpoint do not belong together: the secret was mistyped or regenerated, or the id is another app's.",
			"Generate a new client secret under Settings > Developer settings > OAuth Apps > <app> (or the app's settings page for a GitHub App) and update the credential; check auth.client_id on the same page."), true
	case "bad_verification_code":
		return mk(finding.InvalidCredentials, a.oauthError, "The authorization code was refused",
			"The code from the OAuth callback is wrong, was already used, or expired (codes live ten minutes).",
			"Start the authorization again and exchange the new code at once."), true
	case "redirect_uri_mismatch":
		return mk(finding.RedirectURIMismatch, a.oauthError, "The redirect URI does not match the OAuth app's callback URL",
			"GitHub accepts only redirect URIs that match the app's registered callback URL (same host and port, path at or below it).",
			"Update the Authorization callback URL on the app's settings page, or correct redirect_uris."), true
	case "application_suspended":
		return mk(finding.AccountDisabled, a.oauthError, "The OAuth app is suspended",
			"GitHub or an administrator suspended the app, so it can no longer obtain tokens.",
			"Contact the app's owner or GitHub Support to lift the suspension."), true
	case "unverified_user_email":
		return mk(finding.AccessDenied, a.oauthError, "The GitHub user has no verified e-mail address",
			"GitHub refuses to issue a token to a user without a verified primary e-mail address.",
			"Have the user verify their e-mail address under Settings > Emails, then authorize again."), true
	}
	ssoRequired := strings.HasPrefix(strings.ToLower(a.sso), "required")
	switch {
	case ssoRequired || a.has("saml enforcement", "enforced saml sso", "saml single sign-on"):
		fix := "Authorize the token for the organization's SAML SSO: on GitHub open Settings > Developer settings > Personal access tokens, choose Configure SSO next to the token, and authorize the organization."
		if u := a.ssoURL(); u != "" {
			fix = "Open " + u + " (the link GitHub sent in the X-GitHub-SSO header; it is valid for one hour) while signed in through the organization's SSO, and authorize the token."
		}
		return mk(finding.SSOAuthorizationRequired, "X-GitHub-SSO", "The token is not authorized for the organization's SAML single sign-on",
			"The organization enforces SAML SSO, and this personal access token (classic) or OAuth token has not been authorized for it, so GitHub refuses it for the organization's resources.",
			fix,
			"Fine-grained personal access tokens and GitHub App installation tokens need no SSO authorization: switching to one avoids this step."), true

	case a.has("secondary rate limit", "abuse detection"):
		f := mk(finding.RateLimited, "secondary rate limit", "The request hit GitHub's secondary rate limit",
			"Secondary limits cap concurrency, requests per minute to one endpoint and content creation, whatever hourly budget is left."+a.resetDetail(),
			"Wait for the time given in Retry-After (or at least a minute) before retrying.",
			"Make the integration's requests one at a time and spread scheduled jobs that share this credential.")
		f.Retryable = true
		return f, true

	case a.has("api rate limit exceeded", "rate limit exceeded") || (a.remaining == "0" && (a.status == 403 || a.status == 429)):
		f := mk(finding.RateLimited, "API rate limit exceeded", "The credential's GitHub API rate limit is exhausted",
			"GitHub counts requests per user, per app installation or per IP address; this credential has no requests left in the current hour."+a.resetDetail(),
			"Wait until the budget resets (x-ratelimit-reset), then check again.",
			"Find what else uses this credential: jobs sharing one token share its budget. A GitHub App installation gets its own, larger budget.")
		f.Retryable = true
		return f, true

	case a.has("bad credentials"):
		return mk(finding.InvalidCredentials, "Bad credentials", "The token was rejected by GitHub (Bad credentials)",
			"GitHub answers Bad credentials to a token that is mistyped, expired, revoked (by its owner, by an administrator, or by GitHub after it was found leaked or unused for a year), or a token of another GitHub instance; it does not say which.",
			"Check the token in GitHub under Settings > Developer settings > Personal access tokens: if it is gone or expired, create a new one with the same access and update the connector's credential.",
			"For GitHub Enterprise Server, check that base_url points at the server that issued the token."), true

	case a.has("requires authentication", "must specify access token", "must authenticate", "this endpoint requires you to be authenticated"):
		return mk(finding.InvalidCredentials, "Requires authentication", "No credential reached GitHub",
			"The request reached GitHub without a usable Authorization header.",
			"Set auth.token (or the GitHub App settings) and send it as \"Authorization: Bearer <token>\"."), true

	case a.has("a json web token could not be decoded"):
		return mk(finding.InvalidCredentials, "A JSON web token could not be decoded", "The GitHub App's JWT could not be verified",
			"GitHub checks the app JWT's signature with the public keys of the app named in its iss claim. This fails when the private key belongs to another app, the key was deleted from the app, or app_id names a different app.",
			"Check that app_id (Client ID or App ID) and auth.private_key belong to the same GitHub App, on the same GitHub instance.",
			"If the key was deleted or rotated, generate a new private key on the app's settings page (Private keys) and update the credential."), true

	case a.has("'expiration time' claim", "'issued at' claim", "claim ('exp')", "claim ('iat')"):
		return mk(finding.InvalidCredentials, "JWT time claims", "The GitHub App JWT's issue or expiry time was refused",
			"GitHub accepts an app JWT only when iat is not in the future and exp lies less than ten minutes ahead, measured by GitHub's clock. A clock that runs ahead or behind by more than a few seconds breaks this.",
			"Synchronise the clock of the machine that signs the JWT (NTP); Handshake back-dates iat by 60 seconds and keeps exp under ten minutes.",
			"If another tool signs the JWT, keep its lifetime below ten minutes (nine is safe)."), true

	case a.has("integration not found"):
		return mk(finding.AppNotFound, "Integration not found", "The app_id names no GitHub App",
			"The JWT's issuer (app_id) names no GitHub App on this GitHub instance: a typo, the installation id or an OAuth app's Client ID in its place, a deleted app, or an app registered on another instance (GitHub.com vs GitHub Enterprise Server).",
			"Copy the App ID or Client ID from Settings > Developer settings > GitHub Apps > <app> > General (organization-owned apps: the organization's settings).",
			"Check that base_url is the instance where the app is registered."), true

	case a.has("installation has been suspended"):
		return mk(finding.AppNotInstalled, "installation suspended", "The GitHub App's installation is suspended",
			"An owner of the account suspended the app's installation: GitHub refuses to mint installation tokens until it is unsuspended.",
			"In the organization open Settings > GitHub Apps, choose Configure next to the app, and unsuspend it (or ask an owner to)."), true

	case a.has("not accessible to the parent installation"):
		return mk(finding.AppNotInstalled, "repository not accessible to the installation", "A repository is not accessible to the GitHub App installation",
			"The installation token was requested for a repository the installation cannot reach: it does not exist, or it is outside the repositories the installation was granted.",
			"In the organization open Settings > GitHub Apps > Configure next to the app, and add the repository under Repository access (or choose All repositories)."), true

	case a.has("permissions requested are not granted"):
		return mk(finding.InsufficientScope, "permissions not granted to the installation", "The GitHub App installation lacks a requested permission",
			"A token was requested with permissions the installation does not have: the app does not ask for them, or the organization has not yet accepted the app's updated permissions.",
			"Add the permission on the app's settings page (Permissions & events), then have an organization owner accept the new permissions under Settings > GitHub Apps."), true

	case a.has("resource not accessible by integration"):
		fix := "Add the missing permission to the GitHub App (Settings > Developer settings > GitHub Apps > <app> > Permissions & events) and have an organization owner approve the change."
		if a.acceptedPermissions != "" {
			fix = fmt.Sprintf("Give the app one of the permission sets GitHub lists for this endpoint (X-Accepted-GitHub-Permissions: %s) under Permissions & events, and have an organization owner approve the change.", a.acceptedPermissions)
		}
		return mk(finding.InsufficientScope, "Resource not accessible by integration", "The GitHub App token lacks a permission this call needs",
			"Installation tokens (including GitHub Actions' GITHUB_TOKEN) only carry the permissions granted to the app's installation; some endpoints, such as /user, accept no installation token at all.",
			fix,
			"If auth.token holds an installation token (ghs_…), configure the GitHub App itself instead (app_id, installation_id, auth.private_key) or use a personal access token."), true

	case a.has("resource not accessible by personal access token"):
		fix := "Edit the fine-grained token (Settings > Developer settings > Fine-grained tokens) and grant the missing permission and repositories, or create a new one."
		if a.acceptedPermissions != "" {
			fix = fmt.Sprintf("Edit the fine-grained token and grant one of the permission sets GitHub lists for this endpoint (X-Accepted-GitHub-Permissions: %s).", a.acceptedPermissions)
		}
		return mk(finding.InsufficientScope, "Resource not accessible by personal access token", "The fine-grained token lacks a permission this call needs",
			"Fine-grained personal access tokens carry only the permissions and repositories chosen when they were created; an organization may also have to approve them.",
			fix), true

	case a.has("ip allow list"):
		return mk(finding.PolicyBlocked, "IP allow list", "The organization's IP allow list blocks this request",
			"The organization (or its enterprise) only accepts API requests from listed IP addresses, and the address Terraform runs from is not one of them.",
			"Ask an organization owner to add the egress address of the machines that run Terraform under Settings > Authentication security > IP allow list.",
			"A GitHub App can be allowed through its own list: enable \"Allow access by GitHub Apps\" for installed apps' IP lists."), true

	case a.has("oauth app access restrictions"):
		return mk(finding.PolicyBlocked, "OAuth App access restrictions", "The organization's OAuth App access restrictions block this app",
			"The organization limits which OAuth apps may read its data, and this app has not been approved.",
			"Ask an organization owner to approve the OAuth app under Settings > Third-party access > OAuth application policy.",
			"Or use a GitHub App installed on the organization, which these restrictions do not affect."), true

	case a.has("forbids access via a fine-grained personal access token", "forbids access via fine-grained personal access tokens", "forbids access via a personal access token"):
		return mk(finding.PolicyBlocked, "personal access token policy", "The organization's token policy forbids this token",
			"The organization restricts personal access tokens (for instance: no classic tokens, or no fine-grained tokens living longer than it allows).",
			"Create a token that meets the organization's policy (Settings > Personal access tokens in the organization shows it), or use a GitHub App."), true

	case a.has("account was suspended", "account has been suspended", "user is suspended"):
		return mk(finding.AccountDisabled, "account suspended", "The GitHub account behind the token is suspended",
			"GitHub (or the Enterprise Server administrator) suspended the user who owns this token; all of the user's tokens stop working.",
			"Use a token of an active account, preferably a dedicated machine user or a GitHub App.",
			"On GitHub Enterprise Server, a site administrator can unsuspend the user."), true

	case a.has("must have admin rights", "must be an organization owner", "must be an owner", "you need admin access", "must have push access", "requires admin access", "must be a member"):
		return mk(finding.AccessDenied, "insufficient role", "The account behind the token lacks the role this call needs",
			"The token is valid, but its owner's role in the organization or repository (member, not owner or admin) does not allow this call.",
			"Use a token of an account with the needed role, or a GitHub App with the matching permission."), true

	case a.has("repository access blocked", "repository was archived", "archived so is read-only"):
		return mk(finding.AccessDenied, "repository blocked", "Access to the repository is blocked",
			"The repository is archived (read-only) or access to it was disabled.",
			"Unarchive the repository, or point the connector at another one."), true
	}

	notFound := a.status == http.StatusNotFound || strings.EqualFold(a.message, "not found")
	switch {
	case notFound && strings.Contains(strings.ToLower(a.docURL), "installation"):
		return mk(finding.AppNotInstalled, "Not Found", "The GitHub App is not installed there",
			"GitHub found no installation of the app for the account or id asked about (the app was never installed, was uninstalled, or installation_id is wrong).",
			"Install the app on the organization: open the app's public page (https://github.com/apps/<slug>), choose Install, and pick the organization.",
			"Or correct installation_id: it is the number at the end of https://github.com/organizations/<org>/settings/installations/<id>."), true
	case notFound && (a.shaped || a.status == http.StatusNotFound && githubRecognize(a.text)):
		return mk(finding.EndpointNotFound, "Not Found", "The resource was not found on GitHub (Not Found)",
			"GitHub answers 404 both for paths that do not exist and for private resources the credential may not see, so as not to reveal that they exist.",
			"Check the owner, repository or organization name and base_url.",
			"Check that the token (or the app installation) has access to the resource: a fine-grained token or installation limited to some repositories cannot see the others."), true
	case a.status >= 500 || a.has("server error", "service unavailable", "unicorn"):
		if !a.shaped && !githubRecognize(a.text) {
			return finding.Finding{}, false
		}
		f := mk(finding.ServiceUnavailable, fmt.Sprintf("HTTP %d", a.status), "The GitHub API failed (server error)",
			"GitHub reported a server-side error; this is usually a short outage.",
			"Retry later; check https://www.githubstatus.com (or the Enterprise Server's administrator).")
		if a.status <= 0 {
			f.Code = "server error"
		}
		f.Retryable = true
		return f, true
	}

	if !a.shaped {
		return finding.Finding{}, false
	}
	// A GitHub-shaped answer with a message we do not know: classify by status.
	code := a.message
	switch a.status {
	case http.StatusUnauthorized:
		return mk(finding.InvalidCredentials, code, "The credential was rejected by GitHub", "",
			"Check the token or the GitHub App's key, and that it belongs to this GitHub instance."), true
	case http.StatusForbidden:
		return mk(finding.AccessDenied, code, "The request was refused by GitHub", "",
			"Check the token's or app's permissions and the account's role for this resource."), true
	case http.StatusTooManyRequests:
		f := mk(finding.RateLimited, code, "The request was rate-limited by GitHub", strings.TrimSpace(a.resetDetail()),
			"Wait and retry; spread jobs that share this credential.")
		f.Retryable = true
		return f, true
	case http.StatusUnprocessableEntity:
		return mk(finding.InvalidConfiguration, code, "The request's parameters were refused by GitHub", "",
			"Check the connector's organization, repositories and installation settings."), true
	}
	return mk(finding.UnexpectedResponse, code, "An unrecognised GitHub error came back", "",
		"Look the message up in GitHub's REST API documentation."), true
}

// ---------------------------------------------------------------------------
// Text helpers shared by the vendor decoders.

// key → *regexp.Regexp
