package atlassian

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Atlassian's error answers.
//
// Atlassian Cloud answers in four JSON families plus HTML pages, and the
// live check and diagnose meet all of them:
//   - Jira: {"errorMessages":["Client must be authenticated to access this
//     resource."],"errors":{}} (with "status":429 on rate limits);
//   - Confluence and older front ends: {"message":"…","statusCode":403} or
//     {"message":"…","status-code":401};
//   - the api.atlassian.com gateway and the admin API: {"code":401,
//     "message":"Unauthorized; scope does not match"};
//   - auth.atlassian.com (Auth0): {"error":"invalid_grant",
//     "error_description":"Unknown or invalid refresh token."};
//   - HTML: Jira's "Unauthorized (401)", "Oops - an error has occurred"
//     (error429) and "dead link" pages, the "Page unavailable" page of a site
//     that does not exist.
//
// The reason of an authentication failure is often only in the headers:
// X-Seraph-LoginReason (AUTHENTICATED_FAILED, AUTHENTICATION_DENIED) and
// X-Authentication-Denied-Reason (CAPTCHA_CHALLENGE). SDKs print those
// headers in their exception text (pycontribs' JIRAError shows "response
// headers = {…}"), and Go clients escape the JSON ("{\"message\":…}"), so
// the decoder reads headers and bodies out of plain text too. ATL-TraceId
// is a per-request id: it never goes into a finding.

// atlError is what one Atlassian answer says.
type atlError struct {
	status   int
	messages []string // errorMessages, message, error_description
	oauth    *probe.OAuthError
	seraph   string // X-Seraph-LoginReason
	denied   string // X-Authentication-Denied-Reason
	limit    string // RateLimit-Reason
	retry    string // Retry-After
	title    string // an HTML page's <title>
	text     string // the whole answer, lower-cased, for phrases
}

var (
	atlStatusTextRE = regexp.MustCompile(`(?i)(?:\bHTTP[ /]?(?:1\.[01] )?|status code:? |JiraError HTTP |\[|"status(?:Code|-code)?"\s*:\s*"?|StatusCodeError: )([1-5]\d\d)\b`)
	atlTitleRE      = regexp.MustCompile(`(?is)<title>\s*([^<]{1,200}?)\s*</title>`)
)

// parse reads an answer: the body (JSON of any family, HTML, or an SDK's
// text around them) and the headers, from the header map or the text.
func parse(a connector.Answer) atlError {
	raw := string(a.Body)
	// Go clients print bodies as quoted strings: {\"message\":\"…\"}.
	unescaped := strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(raw)
	e := atlError{status: a.StatusCode, text: strings.ToLower(unescaped)}
	hdr := func(name string) string {
		if v := a.Header.Get(name); v != "" {
			return strings.TrimSpace(v)
		}
		v, _ := kit.Header(unescaped, name)
		return v
	}
	e.seraph, e.denied, e.limit, e.retry = hdr("X-Seraph-LoginReason"), hdr("X-Authentication-Denied-Reason"), hdr("RateLimit-Reason"), hdr("Retry-After")
	if m := atlTitleRE.FindStringSubmatch(unescaped); m != nil {
		e.title = kit.Tidy(strings.ReplaceAll(m[1], "&#39;", "'"), 120)
	}
	for _, doc := range kit.Objects(unescaped) {
		var m map[string]json.RawMessage
		if json.Unmarshal([]byte(doc), &m) != nil {
			continue
		}
		var list []string
		if json.Unmarshal(m["errorMessages"], &list) == nil {
			for _, s := range list {
				if s = kit.Tidy(s, 300); s != "" && len(e.messages) < 4 {
					e.messages = append(e.messages, s)
				}
			}
		}
		var errs map[string]string
		if json.Unmarshal(m["errors"], &errs) == nil {
			for k, v := range errs {
				if len(e.messages) < 4 {
					e.messages = append(e.messages, kit.Tidy(k+": "+v, 300))
				}
			}
		}
		var msg string
		kit.JSONString(m["message"], &msg)
		if msg = kit.Tidy(msg, 300); msg != "" {
			e.messages = append(e.messages, msg)
		}
		if e.status == 0 {
			for _, k := range []string{"status", "statusCode", "status-code", "code"} {
				var n int
				if json.Unmarshal(m[k], &n) == nil && n >= 100 && n <= 599 {
					e.status = n
					break
				}
			}
		}
		if oe, ok := probe.ParseOAuthError([]byte(doc)); ok && e.oauth == nil {
			e.oauth = &oe
		}
	}
	if e.oauth == nil {
		if oe, ok := kit.PythonOAuth(unescaped); ok {
			e.oauth = &oe
		} else if oe, ok := kit.TextOAuth(unescaped, atlOAuthCodes); ok && strings.HasPrefix(e.text, "oauth2: ") {
			e.oauth = &oe
		}
	}
	if e.status == 0 {
		if m := atlStatusTextRE.FindStringSubmatch(unescaped); m != nil {
			e.status, _ = strconv.Atoi(m[1])
		}
	}
	if len(e.messages) == 0 && e.title == "" && e.oauth == nil {
		// A plain-text body (the password deprecation notice) or an SDK's
		// text around it: keep it for the phrases below.
		if t := kit.Tidy(raw, 300); t != "" && !strings.HasPrefix(strings.TrimSpace(raw), "<") {
			e.messages = []string{t}
		}
	}
	return e
}

// atlOAuthCodes are the OAuth codes auth.atlassian.com answers, as x/oauth2
// prints them ("oauth2: \"invalid_grant\" \"Unknown or invalid refresh token.\"").
var atlOAuthCodes = kit.OAuthCodesRE("invalid_grant", "access_denied", "invalid_client", "unauthorized_client", "invalid_request")

func (e atlError) has(phrases ...string) bool { return kit.Has(e.text, phrases...) }

// quote is what the finding quotes of the answer: its messages or page title.
func (e atlError) quote() string {
	switch {
	case len(e.messages) > 0:
		return fmt.Sprintf(" Atlassian answered %q.", strings.Join(e.messages, " "))
	case e.title != "":
		return fmt.Sprintf(" Atlassian answered with the HTML page %q.", e.title)
	}
	return ""
}

// decode is the atlassian profile's Decode, which the live check uses too:
// it classifies an Atlassian error answer (a body with its headers, or an
// SDK's error text) and returns false for anything that is not recognisably
// Atlassian's.
func decode(a connector.Answer) (finding.Finding, bool) {
	e := parse(a)
	f, ok := e.classify()
	if !ok {
		return finding.Finding{}, false
	}
	f.Severity = finding.Error
	if f.Category == finding.RateLimited || f.Category == finding.ServiceUnavailable {
		f.Retryable = true
	}
	return f, true
}

// classify maps what an answer says to a finding. The order matters: a
// header-level reason (CAPTCHA) beats the generic 401/403 body that comes
// with it, and the vendor's specific phrases beat the status.
func (e atlError) classify() (finding.Finding, bool) {
	mk := func(cat finding.Category, code, summary, detail string, fixes ...string) (finding.Finding, bool) {
		return finding.Finding{Category: cat, Code: code, Summary: summary, Detail: detail + e.quote(), Remediation: fixes}, true
	}
	switch {
	case strings.Contains(strings.ToUpper(e.denied), "CAPTCHA_CHALLENGE") || e.has("captcha_challenge"):
		return mk(finding.PolicyBlocked, "CAPTCHA_CHALLENGE", "The Atlassian account is locked behind a CAPTCHA",
			"After repeated failed sign-ins Atlassian requires a CAPTCHA for this account (X-Authentication-Denied-Reason: CAPTCHA_CHALLENGE) and refuses REST calls with basic auth without checking the token.",
			"Sign in to the site once in a browser as this account and solve the CAPTCHA.",
			"Then fix whatever caused the failed sign-ins (an old API token in another job), or they will lock the account again.")
	case e.has("entitlement validation failed") || e.status == http.StatusPaymentRequired:
		return mk(finding.LicenseRequired, "Audit Log Entitlement validation failed",
			"The Atlassian organization has no Atlassian Guard subscription for its audit log",
			"The organization's events API (admin.atlassian.com audit log) answered 402 Payment Required: it requires Atlassian Guard Standard (formerly Atlassian Access) on the organization, which this organization does not have.",
			"Subscribe the organization to Atlassian Guard Standard (formerly Atlassian Access): admin.atlassian.com > Billing > Discover new apps, or start a trial.",
			"Or use the product audit logs instead, which need no Guard: Jira GET /rest/api/3/auditing/record (Administer Jira) and Confluence GET /wiki/rest/api/audit (Confluence admin).")
	case e.has("scope does not match"):
		return mk(finding.InsufficientScope, "scope does not match", "The token's scopes do not cover this Atlassian API",
			"Atlassian's gateway answered \"Unauthorized; scope does not match\": the OAuth 2.0 (3LO) token or scoped API token lacks the scope this endpoint needs (GET /rest/api/3/myself needs read:jira-user, or read:user:jira). A scoped API token sent to https://<site> instead of https://api.atlassian.com/ex/jira/<cloud_id> is refused the same way.",
			"Add the scope the endpoint needs (read:jira-user for /myself) to the app's permissions in developer.atlassian.com, or create the API token again with it, and consent again.",
			"Send scoped API tokens to https://api.atlassian.com/ex/jira/<cloud_id> (set atlassian.cloud_id).")
	case e.has("deprecation-notice-basic-auth", "basic authentication with passwords is deprecated"):
		return mk(finding.InvalidCredentials, "deprecation-notice-basic-auth", "The account password was refused: Atlassian REST calls need an API token",
			"Atlassian Cloud no longer accepts the account's password for basic auth; the password field must hold an API token.",
			"Create an API token at id.atlassian.com > Security > Create and manage API tokens, as the account whose e-mail is in auth.username, and put it in auth.token_wo.")
	case e.oauth != nil && (e.oauth.Code == "invalid_grant" || e.oauth.Code == "access_denied"):
		return e.oauthFinding()
	case e.has("current user not permitted to use confluence"):
		return mk(finding.AccessDenied, "HTTP 403", "The Atlassian account has no Confluence access on this site",
			"The credential is valid, but the account is not a Confluence user of the site.",
			"In admin.atlassian.com > Products > Confluence > User access (or Directory > Groups), give the account product access.")
	case e.status == http.StatusTooManyRequests || e.has("error429", "request has been rate-limited"):
		f, _ := mk(finding.RateLimited, "HTTP 429", "The account is rate-limited by Atlassian",
			"Jira Cloud limits requests per account and per site (burst, hourly quota, per-issue writes).",
			"Wait for Retry-After, then retry; spread the schedules of the jobs that share this account's token.",
			"Check the RateLimit-Reason header to see which limit was hit (jira-burst-based, jira-quota-…).")
		if e.limit != "" {
			f.Code = kit.Tidy(e.limit, 60)
			f.Detail += fmt.Sprintf(" RateLimit-Reason: %s.", f.Code)
		}
		if e.retry != "" {
			f.Detail += fmt.Sprintf(" Retry-After: %s (seconds).", kit.Tidy(e.retry, 30))
		}
		return f, true
	case e.has("page unavailable", "atlassian cloud notifications"):
		return mk(finding.TenantNotFound, "Page unavailable", "There is no active Atlassian Cloud site at this address",
			"Atlassian serves its \"Page unavailable\" page for a site name that does not exist, was renamed, or was deactivated.",
			"Check atlassian.site against admin.atlassian.com > Products (the site's URL), including a rename.")
	case e.status >= 500:
		return mk(finding.ServiceUnavailable, fmt.Sprintf("HTTP %d", e.status), "The Atlassian Cloud service failed to answer",
			"Atlassian answered with a server error; this is usually an outage, maintenance or a resource limit.",
			"Check status.atlassian.com and retry later.")
	case e.status == http.StatusNotFound && (e.title != "" || len(e.messages) > 0) && e.atlassian():
		return mk(finding.EndpointNotFound, "HTTP 404", "The Atlassian site does not serve this API path",
			"The site answered 404: the path has an extra prefix (/jira/rest/…), or the product is not on this site.",
			"Use https://<site>/rest/api/3/… for Jira and https://<site>/wiki/rest/api/… for Confluence, without a /jira prefix.")
	case e.status == http.StatusUnauthorized && e.atlassian():
		code := "HTTP 401"
		if e.seraph != "" {
			code = kit.Tidy(e.seraph, 40)
		}
		return mk(finding.InvalidCredentials, code, "The credential was not accepted by Atlassian",
			"The request was not authenticated: the API token is wrong, expired (API tokens now expire within a year) or revoked, the e-mail address is not the token owner's, or the account was deactivated (Atlassian answers all of these alike).",
			"Create a new API token at id.atlassian.com > Security > Create and manage API tokens, as the account whose e-mail is in auth.username, and update the credential.",
			"If the account was deactivated, reactivate it in admin.atlassian.com > Directory > Users, or use another account's token.")
	case e.status == http.StatusForbidden && e.atlassian():
		return mk(finding.AccessDenied, "HTTP 403", "The Atlassian account is not allowed to do this",
			"The credential was accepted, but the account lacks the product access or the permission this call needs.",
			"Grant the account the permission the connector needs: Administer Jira (Jira settings > System > Global permissions) for admin and audit APIs, or the project role for project data.")
	}
	return finding.Finding{}, false
}

// atlassian reports whether the answer has one of Atlassian's own shapes, so
// the status-only cases above do not claim another vendor's body.
func (e atlError) atlassian() bool {
	return len(e.messages) > 0 && (e.has(`"errormessages"`, `"status-code"`, `"statuscode"`, `"code"`) || recognize(e.text)) ||
		e.seraph != "" || e.title != "" && recognize(e.text)
}

// oauthFinding classifies auth.atlassian.com's RFC 6749 answers.
func (e atlError) oauthFinding() (finding.Finding, bool) {
	oe := *e.oauth
	mk := kit.OAuthFindingMaker("Atlassian's authorization server", oe, e.status)
	desc := strings.ToLower(oe.Description)
	switch oe.Code {
	case "invalid_grant":
		if strings.Contains(desc, "authorization code") {
			return mk(finding.InvalidCredentials, "The authorization code was refused",
				"Authorization codes are single-use and short-lived, and must be redeemed with the redirect_uri of the authorize call.",
				"Restart the authorization flow, and redeem the code once, with the exact callback URL registered in the developer console."), true
		}
		return mk(finding.RevokedCredentials, "The Atlassian refresh token is no longer valid",
			"Atlassian rotates refresh tokens: every refresh returns a new one and invalidates the one sent. Presenting an old one after the 10-minute leeway revokes the whole grant; refresh tokens also expire after 90 days without use and 365 days after consent, and when the user changes their password.",
			"Run the OAuth consent flow again (with the offline_access scope) to get a new refresh token, and update the credential.",
			"Have the integration store the refresh_token returned by every refresh, and leave redeem_refresh_token off so that checks do not spend it."), true
	case "access_denied":
		if kit.Has(desc, "did not authorize", "user denied", "consent") {
			return mk(finding.ConsentRequired, "The user did not grant the app access",
				"The consent screen was declined, so Atlassian issued no code.",
				"Run the authorization flow again and accept the consent screen, choosing the site the connector uses."), true
		}
		return mk(finding.InvalidCredentials, "The app's client secret was refused",
			"auth.atlassian.com answers access_denied at the token endpoint when the client secret (or client id) is wrong; there is no user in the loop there, so it is not a consent problem.",
			"Copy the Secret from developer.atlassian.com > your app > Settings into auth.client_secret_wo (and check auth.client_id)."), true
	}
	// Other RFC 6749 codes mean what the RFC says: the generic decoder
	// explains them.
	return finding.Finding{}, false
}

var (
	atlHostRE   = regexp.MustCompile(`(?i)\b[a-z0-9-]+\.(atlassian\.net|jira\.com)\b|\b(api|auth|id|admin)\.atlassian\.com\b`)
	atlHeaderRE = regexp.MustCompile(`(?i)\bX-Seraph-LoginReason\b|\bATL-TraceId\b|\bX-Authentication-Denied-Reason\b|\bX-AREQUESTID\b`)
	atlJiraRE   = regexp.MustCompile(`"errorMessages"\s*:\s*\[[\s\S]{0,600}"errors"\s*:\s*\{`)
	atlLibRE    = regexp.MustCompile(`(?i)\bjira\.exceptions\.JIRAError\b|\bJiraError HTTP\b|\bAtlassian\.(SDK|Jira)\b|\bjira[-.]client\b|\bjira\.js\b|\bConfluence API returned\b`)
)

// atlPhrases are texts only Atlassian answers with.
var atlPhrases = []string{
	"client must be authenticated to access this resource",
	"scope does not match",
	"entitlement validation failed",
	"deprecation-notice-basic-auth",
	"current user not permitted to use confluence",
	"the request has been rate-limited. please try again later",
	"unknown or invalid refresh token",
	"atlassian cloud notifications",
	"oops - an error has occurred",
	"captcha_challenge",
}

// recognize reports whether an error text is recognisably Atlassian's: its
// hosts, headers, Jira's errorMessages shape, its SDKs, or its phrases.
func recognize(text string) bool {
	if atlHostRE.MatchString(text) || atlHeaderRE.MatchString(text) || atlJiraRE.MatchString(text) || atlLibRE.MatchString(text) {
		return true
	}
	return kit.Has(strings.ToLower(text), atlPhrases...)
}
