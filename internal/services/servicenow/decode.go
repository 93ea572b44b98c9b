package servicenow

import (
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

// Error decoding. ServiceNow answers in three shapes: the REST envelope
// {"error":{"message","detail"},"status":"failure"}, the token endpoint's
// OAuth body (which puts a generic server_error in "error" and the reason,
// access_denied, in "error_description"), and — from a hibernating developer
// instance — an HTML page with status 200 on every path. Client libraries wrap
// all three in exception text; Decode reads them for the live check and for
// provider::handshake::diagnose alike.

// Codes of the findings that carry no code of ServiceNow's own.
const (
	codeHibernating = "instance-hibernating"
	codeWebPage     = "html-page"
	codeLoginPage   = "login-page"
)

// snError is what could be read from one answer.
type snError struct {
	status          int
	message, detail string // the REST envelope
	oauth, desc     string // the token endpoint's error and error_description
	retryAfter      string
}

var (
	// "Server returned: 403 Forbidden" (Defender for Cloud Apps, seed 003),
	// "Error in API call [401]" (XSOAR), "Unauthorized (401)" (ServiceNow.Api),
	// "Request failed with status code 403" (axios), "403 - {…}" (pysnc).
	statusTextRE = regexp.MustCompile(`(?i)(?:server returned:?|error in api call \[|status code|\(|^|\s)(401|403|429|50[234])(?:\]|\)|\s+(?:forbidden|unauthorized|too many requests|-)|\b)`)
	retryAfterRE = regexp.MustCompile(`(?i)retry-after["']?\s*[:=]\s*["']?(\d{1,6})`)
	// Go's oauth2.RetrieveError: oauth2: "server_error" "access_denied".
	goOAuthRE = regexp.MustCompile(`oauth2: "([a-z_]+)"(?: "([^"]*)")?`)
)

// hibernating reports ServiceNow's "instance is hibernating" page, as a
// developer instance serves it on every path while asleep.
func hibernating(text string) bool {
	l := strings.ToLower(text)
	return kit.Has(l, "instance-hibernating-page", "your instance is hibernating", "instance hibernating page")
}

// isHTML reports an HTML page where JSON was expected.
func isHTML(h http.Header, body string) bool {
	if strings.Contains(strings.ToLower(h.Get("Content-Type")), "text/html") {
		return true
	}
	l := strings.ToLower(strings.TrimSpace(body))
	return strings.HasPrefix(l, "<!doctype html") || strings.HasPrefix(l, "<html")
}

// unescape undoes one level of JSON string escaping, for bodies that were
// logged inside another JSON string ({\"error\":{\"message\":…}}).
func unescape(text string) string {
	if !strings.Contains(text, `\"`) {
		return text
	}
	return strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\r\n`, "\n", `\n`, "\n").Replace(text)
}

// parse reads a ServiceNow error from a body or from text containing one.
func parse(status int, raw string) (snError, bool) {
	text := unescape(strings.TrimPrefix(raw, "\ufeff"))
	e := snError{status: status}
	for _, obj := range kit.Objects(text) {
		if readJSON(obj, &e) {
			return e, true
		}
	}
	// Python and JavaScript reprs: {'message': 'User Not Authenticated', …}
	// or { error: { message: 'Insufficient rights …' } }.
	if msg, ok := quotedMessage(text); ok && knownMessage(msg) {
		e.message = msg
		e.detail, _ = kit.Quoted(text, "detail")
		return e, true
	}
	if o, ok := kit.PythonOAuth(text); ok && kit.OAuthStandardCodes[o.Code] {
		e.oauth, e.desc = o.Code, o.Description
		return e, true
	}
	if m := goOAuthRE.FindStringSubmatch(text); m != nil && kit.OAuthStandardCodes[m[1]] {
		e.oauth, e.desc = m[1], m[2]
		return e, true
	}
	return e, false
}

var jsMessageRE = regexp.MustCompile(`\bmessage:\s*'([^'\r\n]{1,300})'`)

func quotedMessage(text string) (string, bool) {
	if m, ok := kit.Quoted(text, "message"); ok {
		return m, true
	}
	if m := jsMessageRE.FindStringSubmatch(text); m != nil {
		return m[1], true
	}
	return "", false
}

// readJSON reads the REST envelope or an OAuth error from one JSON object.
func readJSON(obj string, e *snError) bool {
	var body struct {
		Error       json.RawMessage `json:"error"`
		Description string          `json:"error_description"`
	}
	if json.Unmarshal([]byte(obj), &body) != nil || len(body.Error) == 0 {
		return false
	}
	var env struct {
		Message string  `json:"message"`
		Detail  *string `json:"detail"`
	}
	if body.Error[0] == '{' && json.Unmarshal(body.Error, &env) == nil && env.Message != "" {
		e.message = env.Message
		if env.Detail != nil {
			e.detail = *env.Detail
		}
		return true
	}
	var code string
	kit.JSONString(body.Error, &code)
	if !kit.OAuthStandardCodes[code] {
		return false
	}
	e.oauth, e.desc = code, body.Description
	return true
}

// knownMessage reports the REST envelope messages ServiceNow is known for.
func knownMessage(msg string) bool {
	l := strings.ToLower(msg)
	return kit.Has(l, "user not authenticated", "insufficient rights", "rate limit exceeded",
		"requested uri does not represent any resource", "invalid table", "no record found", "user not authorized")
}

// Decode is the profile's decoder: ServiceNow's REST envelope, its token
// endpoint's OAuth bodies, its HTML pages, and the status lines client
// libraries print around them.
func Decode(a connector.Answer) (finding.Finding, bool) {
	text := string(a.Body)
	if hibernating(text) {
		return hibernatingFinding(), true
	}
	if isHTML(a.Header, text) {
		return htmlFinding(a.StatusCode, text), true
	}
	status := a.StatusCode
	if status == 0 {
		if m := statusTextRE.FindStringSubmatch(text); m != nil {
			status, _ = strconv.Atoi(m[1])
		}
	}
	e, ok := parse(status, text)
	if ra := a.Header.Get("Retry-After"); ra != "" {
		e.retryAfter = strings.TrimSpace(ra)
	} else if m := retryAfterRE.FindStringSubmatch(text); m != nil {
		e.retryAfter = m[1]
	}
	switch {
	case ok && e.message != "":
		return e.restFinding(), true
	case ok:
		return e.oauthFinding()
	case status == http.StatusUnauthorized, status == http.StatusForbidden, status == http.StatusTooManyRequests:
		// A bare status (Defender's "Server returned: 403 Forbidden").
		return e.restFinding(), true
	}
	return finding.Finding{}, false
}

func hibernatingFinding() finding.Finding {
	return finding.Errorf(finding.ServiceUnavailable, nil, "The ServiceNow developer instance is hibernating").
		WithCode(codeHibernating).
		WithDetail("The instance answered with its \"Your instance is hibernating\" page (HTTP 200, text/html) instead of the API: personal developer instances go to sleep when unused, and then every path, the token endpoint and the Table API included, serves that page. Nothing is wrong with the credentials.").
		WithFix("Sign in at https://developer.servicenow.com and wake the instance (Manage > Instance > Wake up), then plan again once it is awake.",
			"Do not rotate the password or client secret: they were not checked.")
}

// htmlFinding classifies an HTML page that is not the hibernation page.
func htmlFinding(status int, text string) finding.Finding {
	l := strings.ToLower(text)
	if kit.Has(l, "login.do", "servicenow", "service-now", "glide") {
		return finding.Errorf(finding.UnexpectedResponse, nil, "ServiceNow answered with a web page instead of the API (HTTP %d)", status).
			WithCode(codeLoginPage).
			WithDetail("The answer is ServiceNow's HTML sign-in or portal page, not a JSON API answer: the request did not reach the REST API as an API call (an SSO proxy in front of the instance, or a base_url with a path).").
			WithFix("Point base_url at the instance root (https://<instance>.service-now.com), without a path, and bypass SSO proxies for API calls.")
	}
	return finding.Errorf(finding.EndpointNotFound, nil, "The host is not a ServiceNow instance (it answered a web page, HTTP %d)", status).
		WithCode(codeWebPage).
		WithDetail("A ServiceNow instance answers /oauth_token.do and /api/now/table/… with JSON; this host answered with an HTML page that is neither ServiceNow's nor its hibernation page. The instance name is misspelt, the developer instance was reclaimed, or the custom domain does not point at an instance.").
		WithFix("Check instance against the address bar when signed in to the instance (dev12345 for dev12345.service-now.com).")
}

// restFinding classifies the REST envelope, or a bare status.
func (e snError) restFinding() finding.Finding {
	code := kit.Clean(e.message, 80)
	if code == "" {
		code = fmt.Sprintf("HTTP %d", e.status)
	}
	said := ""
	if e.message != "" {
		said = fmt.Sprintf("ServiceNow answered %q", kit.Clean(e.message, 120))
		if e.detail != "" {
			said += fmt.Sprintf(" (%s)", kit.Clean(e.detail, 200))
		}
		said += ". "
	}
	l := strings.ToLower(e.message)
	switch {
	case strings.Contains(l, "user not authenticated") || e.message == "" && e.status == http.StatusUnauthorized:
		return finding.Errorf(finding.InvalidCredentials, nil, "ServiceNow did not authenticate the request (User Not Authenticated)").
			WithCode(code).
			WithDetail("%sThe instance gives the same answer for a wrong user name or password, a user that is inactive or locked out, and an expired or unknown bearer token.", said).
			WithFix("Check auth.username (the User ID, sys_user.user_name, not the e-mail address) and its password; in the user's record check that Active is set and Locked out is not.",
				"For a bearer token, obtain a new one: ServiceNow access tokens live 30 minutes by default.")
	case strings.Contains(l, "rate limit") || e.status == http.StatusTooManyRequests:
		f := finding.Errorf(finding.RateLimited, nil, "ServiceNow's REST rate limit was exceeded").
			WithCode(code).
			WithDetail("%sA rate limit rule (System Web Services > REST API Rate Limiting) matched the user, one of its roles, or all users.", said).
			WithFix("Wait for the limit to reset, then retry.", "Ask the instance's administrator to raise the rule's limit or exempt the integration user.")
		if e.retryAfter != "" {
			f.Detail += " Retry-After: " + kit.Clean(e.retryAfter, 20) + " seconds."
		}
		f.Retryable = true
		return f
	case strings.Contains(l, "requested uri does not represent any resource") || strings.Contains(l, "invalid table"):
		return finding.Errorf(finding.EndpointNotFound, nil, "ServiceNow does not know the API path or table (%s)", kit.Clean(e.message, 80)).
			WithCode(code).
			WithDetail("%sThe path is not one of the instance's REST APIs, or the table does not exist (a plugin that is not installed).", said).
			WithFix("Point base_url at the instance root, without a path; check the table name under System Definition > Tables.")
	case strings.Contains(l, "no record found"):
		return finding.Errorf(finding.AccessDenied, nil, "ServiceNow found no record, or an ACL hides it").
			WithCode(code).
			WithDetail("%sServiceNow answers 404 both when the record does not exist and when an ACL keeps the user from reading it.", said).
			WithFix("Give the user a role whose ACLs allow reading the table (User Administration > Users > the user > Roles).")
	}
	// 403: ACLs and roles ("Insufficient rights to query records"), or a
	// bare 403 as Defender for Cloud Apps reports it.
	f := finding.Errorf(finding.AccessDenied, nil, "ServiceNow refused access: the user lacks the role to read this data").
		WithCode(code).
		WithDetail("%sServiceNow authenticated the user, but its roles and ACLs do not allow the request (HTTP 403). Audit and system tables (sys_audit, syslog_transaction, sys_user_has_role) need the admin role; incident needs itil; REST access can need snc_platform_rest_api_access.", said).
		WithFix("Grant the integration user the role the connector needs (User Administration > Users > the user > Roles): admin for audit data, as Microsoft Defender for Cloud Apps requires, or connect with an admin account.",
			"Then list the role in required_scopes so the live check verifies it.")
	if t := tableIn(e.detail); t != "" {
		if role := tableRoles[t]; role != "" {
			f.Summary = fmt.Sprintf("ServiceNow refused to read table %s: the user needs the %s role", t, role)
		}
	}
	return f
}

var tableRE = regexp.MustCompile(`(?i)read table '([a-z0-9_]+)'`)

func tableIn(detail string) string {
	if m := tableRE.FindStringSubmatch(detail); m != nil {
		return strings.ToLower(m[1])
	}
	return ""
}

// tableRoles names the base-system role that reads a table.
var tableRoles = map[string]string{
	"sys_audit": "admin", "syslog_transaction": "admin", "sys_user_has_role": "admin (or user_admin)",
	"incident": "itil", "sys_user": "itil (or user_admin)",
}

// oauthFinding classifies the token endpoint's OAuth errors.
func (e snError) oauthFinding() (finding.Finding, bool) {
	said := fmt.Sprintf("The token endpoint answered error %q", e.oauth)
	if e.desc != "" {
		said += fmt.Sprintf(" with error_description %q", kit.Clean(e.desc, 200))
	}
	said += "."
	desc := strings.ToLower(e.desc)
	switch {
	case e.oauth == "server_error" && strings.Contains(desc, "access_denied"), e.oauth == "access_denied":
		return finding.Errorf(finding.InvalidCredentials, nil, "ServiceNow's token endpoint refused the credentials (server_error / access_denied)").
			WithCode(e.oauth).
			WithDetail("%s ServiceNow answers a wrong client secret, an unknown client id, a wrong user password in the password grant and a disabled client credentials grant all this way, without saying which.", said).
			WithFix("Copy the client id and secret again from System OAuth > Application Registry > the OAuth API endpoint; check the user's password.",
				"For the client credentials grant, the system property glide.oauth.inbound.client.credential.grant_type.enabled must be true."), true
	case e.oauth == "unauthorized_client":
		return finding.Errorf(finding.FeatureDisabled, nil, "The OAuth client cannot use this grant: %s", kit.OrDefault(kit.Clean(e.desc, 120), "unauthorized_client")).
			WithCode(e.oauth).
			WithDetail("%s For the client credentials grant, ServiceNow needs an OAuth Application User on the registry entry: the user the tokens act as.", said).
			WithFix("Open System OAuth > Application Registry > the entry, add the OAuth Application User field to the form and set it to an active integration user with the roles the connector needs."), true
	case e.oauth == "unsupported_grant_type":
		return finding.Errorf(finding.FeatureDisabled, nil, "The instance does not allow this OAuth grant (unsupported_grant_type)").
			WithCode(e.oauth).
			WithDetail("%s The client credentials grant exists from the Washington DC release on, and the registry entry's OAuth entity profile must allow the grant.", said).
			WithFix("Allow the grant on the OAuth entity profile of the registry entry; for client credentials, upgrade the instance or use the password grant (auth.username and auth.password)."), true
	case e.oauth == "invalid_client":
		return finding.Errorf(finding.InvalidCredentials, nil, "ServiceNow does not know the client id or secret (invalid_client)").
			WithCode(e.oauth).
			WithDetail("%s", said).
			WithFix("Copy the client id and secret again from System OAuth > Application Registry."), true
	case e.oauth == "invalid_grant":
		return finding.Errorf(finding.InvalidCredentials, nil, "ServiceNow refused the grant (invalid_grant)").
			WithCode(e.oauth).
			WithDetail("%s The user name or password, or the refresh token, is not valid for this client.", said).
			WithFix("Check auth.username and auth.password; obtain a new refresh token if one was used."), true
	}
	return finding.Finding{}, false
}

// Recognize reports text that is recognisably ServiceNow's, for diagnose.
func Recognize(text string) bool {
	l := strings.ToLower(unescape(text))
	switch {
	case kit.Has(l, "service-now.com", "servicenow", "oauth_token.do", "/api/now/"):
		return true
	case hibernating(text):
		return true
	case strings.Contains(l, "user not authenticated") && strings.Contains(l, "required to provide auth information"):
		return true
	case strings.Contains(l, "insufficient rights to query records"):
		return true
	}
	e, ok := parse(0, text)
	switch {
	case !ok:
		return false
	case e.message != "":
		// The REST envelope: {"error":{"message","detail"},"status":"failure"}.
		return strings.Contains(l, "failure") && strings.Contains(l, "detail")
	}
	// The token endpoint's inverted pair: error server_error, description access_denied.
	return e.oauth == "server_error" && strings.EqualFold(strings.TrimSpace(e.desc), "access_denied")
}
