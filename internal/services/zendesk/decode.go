package zendesk

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Zendesk answers errors in several shapes; no single parse reads them all
// (/work/research/zendesk.md §4):
//
//   - plain text on 429: "Number of allowed API requests per minute exceeded";
//   - Doorkeeper's RFC 6749/6750 bodies from /oauth/tokens and for bearer
//     tokens: {"error":"invalid_token","error_description":"…"};
//   - a code with a description: {"error":"Forbidden","description":"You are
//     missing the following required scopes: read"}, {"error":"InvalidEndpoint",…};
//   - a title and message: {"error":{"title":"No help desk at acme.zendesk.com",
//     "message":"There is no help desk configured at this address. …"}};
//   - a bare prose error: {"error":"Couldn't authenticate you"};
//   - and HTTP 200 with the anonymous visitor, {"user":{"id":null,…,"name":
//     "Anonymous user"}}, where users/me did not authenticate the caller.
//
// diagnose hands the same decoder what SDKs print around those bodies:
// node-zendesk's byte Buffer dumps, zdesk's b'…' reprs, zenpy's
// APIException, tap-zendesk's "HTTP-error-code: 404, Error: …" and the
// status-only forms ("Zendesk Error (401): Not Authorized", "HTTP/401:
// Unauthorized", seed 003's "Get events: Request failed with status code
// 403").

// target is the kind of attribute a finding is about; the live plan turns it
// into the connector's attribute path.
type target int

const (
	tNone       target = iota
	tCredential        // the API token or OAuth token that was sent
	tIdentity          // the user behind it (auth.username for API tokens)
	tSubdomain
	tBaseURL
	tScopes
	tClientSecret
	tRefreshToken
	tClientID
	tAuditLogs // the audit-log use (zendesk.audit_logs)
)

// zdError is one Zendesk error, whatever shape it came in.
type zdError struct {
	code   string // the error's code or title ("invalid_token", "Forbidden", "InvalidEndpoint")
	desc   string // error_description, description or message
	status int
	// retryAfter is the Retry-After header (or its value in pasted text).
	retryAfter string
	anonymous  bool
}

// body shapes, decoded leniently (every member optional).
type errBody struct {
	Error       json.RawMessage `json:"error"`
	Description string          `json:"description"`
	ErrorDesc   string          `json:"error_description"`
	User        *struct {
		ID   json.RawMessage `json:"id"`
		Name string          `json:"name"`
	} `json:"user"`
}

type titled struct {
	Title   string `json:"title"`
	Message string `json:"message"`
}

var (
	// bufferRE is node-zendesk's dump of the body: <Buffer 7b 22 65 …>.
	bufferRE = regexp.MustCompile(`<Buffer((?: [0-9a-f]{2})+)(?: \.\.\. \d+ more bytes)?>`)
	// statusTextRE finds a status in SDK texts: "Zendesk Error (401)",
	// "HTTP/401", "status code 403", "HTTP-error-code: 404", "(401) Unauthorized".
	statusTextRE  = regexp.MustCompile(`(?i)(?:zendesk error \(|http/|status code |http-error-code: |\()([1-5][0-9]{2})\b`)
	retryAfterRE  = regexp.MustCompile(`(?i)retry-?after["']?\s*[:=]\s*["']?(\d{1,6})`)
	missingScopes = regexp.MustCompile(`(?i)missing the following required scopes:\s*([A-Za-z0-9_: ,]+)`)
)

// Zendesk's own messages (lower case), matched in pasted text.
const (
	msgNoAuth       = "couldn't authenticate you"
	msgNoAuthOld    = "could not authenticate you"
	msgNoHelpDesk   = "there is no help desk configured at this address"
	msgNoAccess     = "you do not have access to this page"
	msgScopes       = "missing the following required scopes"
	msgRateLimit    = "number of allowed api requests per minute exceeded"
	msgRateLimitEP  = "you have exceeded the rate limit for"
	msgRateLimitCSV = "rate limit for audit log csv export exceeded"
	msgAnonymous    = "anonymous user"
)

// read extracts the Zendesk error from an answer.
func read(a connector.Answer) (zdError, bool) {
	e := zdError{status: a.StatusCode}
	if a.Header != nil {
		e.retryAfter = strings.TrimSpace(a.Header.Get("Retry-After"))
	}
	text := strings.TrimSpace(strings.TrimPrefix(string(a.Body), "\ufeff"))
	if m := bufferRE.FindStringSubmatch(text); m != nil {
		if b, err := hex.DecodeString(strings.ReplaceAll(m[1], " ", "")); err == nil {
			text = strings.Replace(text, m[0], string(b), 1)
		}
	}
	if e.status == 0 {
		if m := statusTextRE.FindStringSubmatch(text); m != nil {
			e.status, _ = strconv.Atoi(m[1])
		}
	}
	if e.retryAfter == "" {
		if m := retryAfterRE.FindStringSubmatch(text); m != nil {
			e.retryAfter = m[1]
		}
	}
	for _, obj := range kit.Objects(text) {
		if readObject(obj, &e) {
			return e, true
		}
	}
	return readText(text, e)
}

// readObject reads one JSON body.
func readObject(obj string, e *zdError) bool {
	var b errBody
	if json.Unmarshal([]byte(obj), &b) != nil {
		return false
	}
	if b.User != nil {
		// users/me answered for the anonymous visitor: no id.
		id := strings.TrimSpace(string(b.User.ID))
		if id == "" || id == "null" {
			e.anonymous, e.code, e.desc = true, "ZENDESK-ANONYMOUS", kit.Tidy(b.User.Name, 80)
			return true
		}
		return false
	}
	var s string
	var t titled
	switch {
	case len(b.Error) > 0 && b.Error[0] == '"' && json.Unmarshal(b.Error, &s) == nil && strings.TrimSpace(s) != "":
		e.code = kit.Tidy(s, 100)
		e.desc = kit.Tidy(b.ErrorDesc+b.Description, 400)
		return true
	case len(b.Error) > 0 && b.Error[0] == '{' && json.Unmarshal(b.Error, &t) == nil && (t.Title != "" || t.Message != ""):
		e.code, e.desc = kit.Tidy(t.Title, 100), kit.Tidy(t.Message, 400)
		return true
	}
	return false
}

// readText finds Zendesk's messages in text that holds no readable body.
func readText(text string, e zdError) (zdError, bool) {
	lower := strings.ToLower(text)
	pick := func(code, msg string) (zdError, bool) {
		e.code, e.desc = code, msg
		return e, true
	}
	switch {
	case strings.Contains(lower, msgRateLimit), strings.Contains(lower, msgRateLimitEP), strings.Contains(lower, msgRateLimitCSV):
		return pick("HTTP 429", kit.Tidy(text, 300))
	case strings.Contains(lower, msgNoHelpDesk):
		return pick("No help desk", "There is no help desk configured at this address.")
	case strings.Contains(lower, msgScopes):
		desc := "You are missing the following required scopes"
		if m := missingScopes.FindStringSubmatch(text); m != nil {
			desc += ": " + strings.TrimSpace(m[1])
		}
		return pick("Forbidden", desc)
	case strings.Contains(lower, msgNoAccess):
		return pick("Forbidden", "You do not have access to this page.")
	case strings.Contains(lower, msgNoAuth), strings.Contains(lower, msgNoAuthOld):
		return pick("Couldn't authenticate you", "")
	case strings.Contains(lower, `"`+msgAnonymous+`"`) || strings.Contains(lower, `'`+msgAnonymous+`'`):
		e.anonymous = true
		return pick("ZENDESK-ANONYMOUS", "Anonymous user")
	}
	switch e.status {
	case http.StatusTooManyRequests:
		return pick("HTTP 429", kit.Tidy(text, 300))
	case http.StatusUnauthorized, http.StatusForbidden:
		return pick(fmt.Sprintf("HTTP %d", e.status), "")
	}
	return e, false
}

// Fixes shared by several findings.
const (
	fixAPIToken   = "Check that auth.username is the e-mail of an active agent or admin and that the token is active in Admin Center > Apps and integrations > APIs > API tokens; if it was deleted, add a new token and update auth.token_wo."
	fixOAuthToken = "For an OAuth access token: obtain a new one (refresh it with grant_type=refresh_token, or re-authorize), since it expired or was revoked in Admin Center > Apps and integrations > APIs > OAuth clients."
	fixBearerAPI  = "If auth.token is an API token from Admin Center, set auth.username to the agent's e-mail: API tokens work only as <email>/token basic authentication, never as bearer tokens."
	fixAdmin      = "Make the user behind the credential an admin in Admin Center > People > Team > Team members > <user> > Role, or use an admin's e-mail with the API token."
	fixEnterprise = "Audit logs are part of the Enterprise plan (Suite Enterprise or Support Enterprise): upgrade the account, or turn off zendesk.audit_logs if the connector does not need them."
)

// classify turns an error into a finding without a path, and the kind of
// attribute it is about.
func classify(e zdError) (finding.Finding, target, bool) {
	said := fmt.Sprintf("Zendesk answered %q", e.code)
	if e.desc != "" && e.desc != e.code {
		said += fmt.Sprintf(": %q", e.desc)
	}
	if e.status > 0 {
		said += fmt.Sprintf(" (HTTP %d)", e.status)
	}
	said += "."
	mk := func(cat finding.Category, summary, why string, fixes ...string) finding.Finding {
		return finding.Finding{Severity: finding.Error, Category: cat, Code: e.code,
			Summary: summary + " (" + e.code + ")", Detail: said + " " + why, Remediation: fixes}
	}
	lcode, ldesc := strings.ToLower(e.code), strings.ToLower(e.desc)
	switch {
	case e.anonymous:
		f := mk(finding.InvalidCredentials, "Zendesk did not accept the credential and answered as an anonymous visitor",
			"GET /api/v2/users/me answers HTTP 200 with the anonymous Help Center visitor (no id, \"Anonymous user\") when a request carries no credential Zendesk accepts, instead of refusing it: a wrong password (password access for APIs is turned off), a malformed Authorization header, or API token access turned off for the account.",
			fixAPIToken, "If API token access is off, turn it on under Admin Center > Apps and integrations > APIs > Zendesk API, or use an OAuth access token.")
		f.Summary = "Zendesk did not accept the credential and answered as an anonymous visitor"
		return f, tCredential, true
	case lcode == "http 429" || e.status == http.StatusTooManyRequests:
		wait := "the time in its Retry-After header"
		if e.retryAfter != "" {
			wait = e.retryAfter + " seconds (Retry-After)"
		}
		text := "Zendesk answered HTTP 429"
		if e.desc != "" {
			text += fmt.Sprintf(": %q", e.desc)
		}
		f := finding.Finding{Severity: finding.Error, Category: finding.RateLimited, Code: "HTTP 429", Retryable: true,
			Summary: "Zendesk's API rate limit is exhausted (HTTP 429)",
			Detail:  text + ". The account used up its requests per minute (Team 200, Growth and Professional 400, Enterprise 700, High Volume API add-on 2500), shared by every integration and app on the account.",
			Remediation: []string{"Wait " + wait + " and try again; the limit resets every minute.",
				"Lower the polling rate of the integrations on this account, or buy the High Volume API add-on."}}
		return f, tBaseURL, true
	case lcode == "invalid_token":
		return mk(finding.InvalidCredentials, "Zendesk refused the OAuth access token",
			"Zendesk says this for any bearer token it does not accept: an OAuth access token that expired (tokens of clients using refresh tokens expire, 30 minutes by default for new clients) or was revoked, or an Admin Center API token sent as a bearer token.",
			fixOAuthToken, fixBearerAPI), tCredential, true
	case lcode == "invalid_grant":
		return mk(finding.RevokedCredentials, "Zendesk refused the refresh token",
			"Zendesk refresh tokens are single use: a successful refresh deletes the previous access and refresh tokens, so a refresh token that was already redeemed, expired (30 days by default) or was revoked is refused.",
			"Re-run the authorization flow to obtain a new refresh token, and store the refresh token each refresh returns.",
			"Leave redeem_refresh_token off in Handshake unless the new refresh token is kept (ephemeral handshake_access_token), so the check does not spend the integration's token."), tRefreshToken, true
	case lcode == "invalid_client":
		return mk(finding.InvalidCredentials, "Zendesk refused the OAuth client's credentials",
			"The OAuth client is unknown or its secret is wrong: client_id must be the client's Identifier (a string, not its numeric id), and a regenerated secret invalidates the old one.",
			"Check auth.client_id against the Identifier in Admin Center > Apps and integrations > APIs > OAuth clients, and regenerate the secret there if needed."), tClientSecret, true
	case lcode == "invalid_scope":
		return mk(finding.InvalidScope, "Zendesk refused the requested scope",
			"A scope is unknown, or outside the client's Allowed scopes.",
			"Request only Zendesk scopes (read, write, or <resource>:read such as tickets:read, auditlogs:read), allowed for the client under Admin Center > Apps and integrations > APIs > OAuth clients."), tScopes, true
	case lcode == "unauthorized_client" || lcode == "unsupported_grant_type":
		return mk(finding.InvalidConfiguration, "Zendesk does not allow this grant for the OAuth client",
			"The client credentials grant needs a confidential OAuth client (client kind Confidential) with a secret.",
			"Use a confidential OAuth client, or an OAuth access token (auth.token_wo without client_id)."), tClientID, true
	case strings.Contains(ldesc, msgScopes):
		return mk(finding.InsufficientScope, "The OAuth token lacks a scope Zendesk requires",
			"The token was authorized with fewer scopes than this endpoint needs.",
			"Re-authorize requesting the listed scope (scope is one space-separated string, such as \"read auditlogs:read\"), and list it in required_scopes."), tScopes, true
	case strings.HasPrefix(lcode, "no help desk") || strings.Contains(ldesc, msgNoHelpDesk):
		e.code = "No help desk"
		f := mk(finding.TenantNotFound, "No Zendesk account at this subdomain",
			"Zendesk serves no account here: the subdomain is mistyped, the account was closed or deleted (and its subdomain released), or it is a brand's subdomain rather than the account's.",
			"Check zendesk.subdomain against Admin Center > Account > Brand management > Brands; use the account's main zendesk.com subdomain.",
			"If the account was closed, reconnect the integration to the account that replaced it.")
		f.Code = "No help desk"
		return f, tSubdomain, true
	case lcode == "forbidden" || strings.Contains(ldesc, msgNoAccess):
		return mk(finding.AccessDenied, "The Zendesk user may not use this API",
			"Zendesk refuses endpoints the user's role does not allow: admin-only endpoints (such as audit logs) for agents, and agent endpoints for end users. On an admin, the same answer means the account's plan lacks the feature.",
			fixAdmin, fixEnterprise), tIdentity, true
	case lcode == msgNoAuth || lcode == msgNoAuthOld:
		return mk(finding.InvalidCredentials, "Zendesk could not authenticate the credential",
			"The API token is wrong, deactivated or deleted, or auth.username is not the e-mail of an agent or admin of this account.",
			fixAPIToken), tCredential, true
	case lcode == "invalidendpoint" || lcode == "recordnotfound":
		return mk(finding.EndpointNotFound, "Zendesk does not serve this API path",
			"The path is not an API endpoint of this account: base_url carries a path of its own (such as /api/v2), or the product the endpoint belongs to is not active.",
			"Set zendesk.base_url to the account's root (https://<subdomain>.zendesk.com), without /api/v2."), tBaseURL, true
	case lcode == "http 401":
		return mk(finding.InvalidCredentials, "Zendesk refused the credential",
			"Zendesk answered 401: the API token or OAuth token is wrong, revoked or expired, or the e-mail is not an agent's.",
			fixAPIToken, fixOAuthToken), tCredential, true
	case lcode == "http 403":
		return mk(finding.AccessDenied, "The Zendesk user may not use this API, or the plan lacks it",
			"Zendesk answered 403 without saying why. It has two causes (seed 003, for an audit-log call): the user's role may not use the endpoint (an agent, or no longer an admin, on the admin-only audit log), or, for an admin, the account's plan lacks the feature (audit logs are Enterprise-only). The user's role (GET /api/v2/users/me) tells them apart; Handshake's live check reads it.",
			fixAdmin, fixEnterprise), tIdentity, true
	}
	return finding.Finding{}, tNone, false
}

// decode reads and classifies an answer.
func decode(a connector.Answer) (finding.Finding, target, bool) {
	e, ok := read(a)
	if !ok {
		return finding.Finding{}, tNone, false
	}
	return classify(e)
}

// profileDecode is the profile's connector.Decoder, for diagnose and as the
// base of the live plan's decoder.
func profileDecode(a connector.Answer) (finding.Finding, bool) {
	f, _, ok := decode(a)
	return f, ok
}

// recognizeRE matches texts that are recognisably Zendesk's: its host names,
// SDKs and distinctive messages.
var recognizeRE = regexp.MustCompile(`(?i)zendesk|zenpy|zdesk|couldn't authenticate you|there is no help desk configured|you do not have access to this page\. please contact the account owner of this help desk|number of allowed api requests per minute exceeded|get user: success get events`)

// recognize is the profile's Recognize hook.
func recognize(text string) bool { return recognizeRE.MatchString(text) }
