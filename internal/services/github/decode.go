package github

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

// Error decoding: one decoder for the live probe and for diagnose.
//
// GitHub's REST API answers errors as {"message": …, "documentation_url": …}
// (newer answers add "status" as a string) and carries much of the meaning in
// headers: X-GitHub-SSO, x-ratelimit-*, Retry-After, X-OAuth-Scopes,
// X-Accepted-OAuth-Scopes and X-Accepted-GitHub-Permissions. The probe hands
// the headers over; diagnose only has text, so the same names are also read
// from header dumps inside the text (Octokit and PyGithub print them).

// decode is THE GitHub decoder: the profile's Decode hook (diagnose) and the
// live plan's. From diagnose the status may be 0, the header nil and the body
// a raw answer or a client library's exception text; the headers are then
// read from header dumps in the text.
func decode(a connector.Answer) (finding.Finding, bool) {
	return decodeGitHub(readGitHubAnswer(a.StatusCode, a.Header, string(a.Body)))
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
