package smartsheet

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

// Smartsheet answers errors with {"errorCode": 1002, "message": "…",
// "refId": "…"}, often pretty-printed ("errorCode" : 1002); the token
// endpoint adds an OAuth "error". The same answers reach diagnose wrapped:
// the Python SDK's {"result": {"code": …, "errorCode": …, "name":
// "ApiError", …}}, simple-smartsheet's "HTTP response code 401 - Error code
// 1002 - …", the Node SDK's { statusCode: 401, errorCode: 1002, … }, the
// Java and C# SDKs' AuthorizationException and, in seed 003, the bare
// message. Research: /work/research/smartsheet.md §4–5.

// ssError is one Smartsheet error, whatever shape it came in.
type ssError struct {
	code    int    // errorCode; -1 when only an OAuth error is known
	oauth   string // OAuth "error" (invalid_grant, invalid_client)
	message string
	refID   string
}

// kind is what Handshake knows about one error code.
type kind struct {
	cat       finding.Category
	summary   string
	why       string
	fixes     []string
	retryable bool
}

const regionFix = "If the token is right, check that smartsheet.base_url is the region the token was generated in: " +
	"Smartsheet.com (https://api.smartsheet.com/2.0), Smartsheet EU (https://api.smartsheet.eu/2.0), " +
	"Smartsheet Gov (https://api.smartsheetgov.com/2.0) and AU (https://api.smartsheet.au/2.0) issue separate tokens, " +
	"and a token from another region is answered exactly like a bad one (401, errorCode 1002)."

// Codes from Smartsheet's error-code list (developers.smartsheet.com) and
// its SDKs; see the research notes for the confidence of each.
var codes = map[int]kind{
	0: {finding.UnexpectedResponse, "Smartsheet's API did not answer with a Smartsheet error",
		"The answer carried no Smartsheet error body (the SDK reports errorCode 0): a proxy, firewall or edge block answered instead of the API.",
		[]string{"Check proxies and IP restrictions between Handshake and the Smartsheet API, and retry."}, false},
	1001: {finding.InvalidConfiguration, "Smartsheet received no access token",
		"Smartsheet answers 1001 (\"An Access Token is required.\") when the request has no Authorization header.",
		[]string{"Set auth.token_wo to an API access token (Account > Apps & Integrations > API Access) or an OAuth access token."}, false},
	1002: {finding.InvalidCredentials, "Smartsheet does not accept the access token",
		"Smartsheet answers 1002 (\"Your Access Token is invalid.\") for a mistyped, revoked or deleted token, and for a token of another Smartsheet region.",
		[]string{"Generate a new API access token in Account > Apps & Integrations > API Access (or re-authorize the OAuth app) and set it in auth.token_wo.", regionFix}, false},
	1003: {finding.ExpiredCredentials, "The Smartsheet access token has expired",
		"OAuth access tokens last 7 days (expires_in 604799); Smartsheet answers 1003 after that.",
		[]string{"Refresh it with the refresh token (grant_type=refresh_token at <base_url>/token) and store both new tokens, or re-authorize the app."}, false},
	1004: {finding.AccessDenied, "Smartsheet refused the call: the user is not authorized",
		"Smartsheet answers 1004 (\"You are not authorized to perform this action.\") when the token's user lacks the permission the call needs (System Admin for events, sharing for a sheet) or an OAuth token lacks its scope.",
		[]string{"Use a token of a user with the needed role (a System Admin for event reporting); for OAuth, re-authorize with the needed scope."}, false},
	1005: {finding.PolicyBlocked, "Smartsheet requires Single Sign-On for this account",
		"The account's administrator requires sign-in through SSO; Smartsheet answers 1005 (\"Single Sign-On is required for this account.\").",
		[]string{"Sign in through the organization's SSO and generate the API access token (or authorize the OAuth app) from that session.", "Or ask the Smartsheet System Admin to allow API access for the account."}, false},
	1006: {finding.EndpointNotFound, "Smartsheet answered Not Found for the API path",
		"Smartsheet answers 1006 for an unknown path: smartsheet.base_url lacks /2.0 or has an extra path.",
		[]string{"Set smartsheet.base_url to https://api.<region>/2.0 (https://api.smartsheet.com/2.0 by default)."}, false},
	1007: {finding.EndpointNotFound, "Smartsheet does not support the API version in the path",
		"Smartsheet answers 1007 (\"Version not supported.\") for a path under another version than /2.0.",
		[]string{"Set smartsheet.base_url to end with /2.0."}, false},
	1009: {finding.UnexpectedResponse, "Smartsheet says a required parameter is missing",
		"Smartsheet answered 1009 to the check's own request, which is a fault of the check.",
		[]string{"Report this to the provider's maintainers with the refId."}, false},
	1013: {finding.LicenseRequired, "The Smartsheet plan does not include this feature",
		"Smartsheet answers 1013 (\"The operation you are attempting to perform is not supported by your plan.\"): event reporting (GET /events) needs an Enterprise or Advanced Work Management plan with the Event Reporting premium add-on, and API access needs a Business or Enterprise plan.",
		[]string{"Ask Smartsheet sales for the Event Reporting add-on on an Enterprise or Advanced Work Management plan, or remove READ_EVENTS from required_scopes if the connector does not read events."}, false},
	1018: {finding.UnexpectedResponse, "Smartsheet says a parameter value is not valid",
		"Smartsheet answered 1018 to the check's own request, which is a fault of the check.",
		[]string{"Report this to the provider's maintainers with the refId."}, false},
	1030: {finding.AccessDenied, "Smartsheet refused to assume the user",
		"Smartsheet answers 1030 (\"You are unable to assume the user specified.\") when the Assume-User header names someone the token's admin may not act as (another admin, a user outside the account).",
		[]string{"Remove the Assume-User header or name a non-admin user of the same account."}, false},
	1071: {finding.RevokedCredentials, "Smartsheet refused the refresh token (invalid_grant)",
		"Smartsheet answers 1071 (\"Invalid Grant. The authorization code or refresh token provided was invalid.\") for a refresh token that was already used, revoked or mistyped, or a hash computed with the wrong app secret. Every refresh issues a new refresh token and the old one stops working.",
		[]string{"Authorize the app again and store the new refresh token after every refresh.", "Check auth.client_secret_wo against the app's secret in Developer Tools."}, false},
	4000: {finding.UnexpectedResponse, "Smartsheet had an unexpected error",
		"Smartsheet answered 4000, an internal error it does not ask clients to retry.",
		[]string{"Contact Smartsheet support (api@smartsheet.com) with the refId."}, false},
	4001: {finding.ServiceUnavailable, "Smartsheet is offline for maintenance",
		"Smartsheet answers 4001 during planned maintenance.",
		[]string{"Retry in a few minutes (Smartsheet's SDKs wait minutes between retries)."}, true},
	4002: {finding.ServiceUnavailable, "Smartsheet's server timed out",
		"Smartsheet answered 4002 (\"Server timeout exceeded. Request has failed.\").",
		[]string{"Retry with back-off."}, true},
	4003: {finding.RateLimited, "Smartsheet's rate limit was exceeded",
		"Smartsheet allows 300 requests a minute per token (30 for heavy calls) and answers 429 with errorCode 4003; it sends no Retry-After, so clients wait on their own.",
		[]string{"Back off for at least a minute and retry; spread the integration's calls, or its jobs over separate tokens."}, true},
	4004: {finding.ServiceUnavailable, "Smartsheet had an unexpected error and asks to retry",
		"Smartsheet answered 4004, an internal error its SDKs retry.",
		[]string{"Retry with back-off; if it persists contact api@smartsheet.com with the refId."}, true},
}

// invalidClient is the token endpoint's answer for an unknown client id or
// a wrong app secret (no errorCode of its own is documented).
var invalidClient = kind{finding.InvalidCredentials, "Smartsheet does not accept the OAuth app's credentials (invalid_client)",
	"The token endpoint refused the client id or app secret: a mistyped client id, or an app secret regenerated since.",
	[]string{"Copy the client id and app secret from Account > Developer Tools > the app's profile into auth.client_id and auth.client_secret_wo."}, false}

// messages map Smartsheet's wording to its code, for texts that quote the
// message without the code (seed 003 drops the leading "The").
var messages = []struct {
	re   *regexp.Regexp
	code int
}{
	{regexp.MustCompile(`(?i)access token is invalid`), 1002},
	{regexp.MustCompile(`(?i)access token has expired`), 1003},
	{regexp.MustCompile(`(?i)an access token is required`), 1001},
	{regexp.MustCompile(`(?i)not supported by your plan`), 1013},
	{regexp.MustCompile(`(?i)single sign-on is required for this account`), 1005},
	{regexp.MustCompile(`(?i)unable to assume the user`), 1030},
	{regexp.MustCompile(`(?i)authorization code or refresh token provided was invalid`), 1071},
	{regexp.MustCompile(`(?i)offline for system maintenance|SystemMaintenanceError`), 4001},
	{regexp.MustCompile(`(?i)server timeout exceeded|ServerTimeoutExceededError`), 4002},
	{regexp.MustCompile(`(?i)RateLimitExceededError|rate limit exceeded`), 4003},
	{regexp.MustCompile(`(?i)UnexpectedErrorShouldRetryError`), 4004},
	{regexp.MustCompile(`(?i)not authorized to perform this action`), 1004},
}

// codeTextRE finds a code in the wrapped forms: "Error code 1002",
// "errorCode: 1002" (Node), "errorCode" : 1002.
var codeTextRE = regexp.MustCompile(`(?i)(?:error\s*code|"?errorCode"?)\s*[:=-]?\s*(\d{1,4})\b`)

// refIDRE finds refId in texts that are not JSON (Node's inspect output).
var refIDRE = regexp.MustCompile(`(?i)"?refId"?\s*:\s*['"]([A-Za-z0-9]{1,40})['"]`)

// Decode is the profile's decoder: Smartsheet's error answers (live) and
// pasted error texts (diagnose).
func Decode(a connector.Answer) (finding.Finding, bool) {
	e, ok := read(a)
	if !ok {
		return finding.Finding{}, false
	}
	return e.finding(), true
}

// read finds the Smartsheet error in an answer.
func read(a connector.Answer) (ssError, bool) {
	text := string(a.Body)
	e := ssError{code: -1}
	for _, obj := range kit.Objects(text) {
		if readObject(obj, &e) {
			break
		}
	}
	if e.code < 0 && e.oauth == "" {
		if m := codeTextRE.FindStringSubmatch(text); m != nil {
			if c, err := strconv.Atoi(m[1]); err == nil {
				if _, known := codes[c]; known && c != 0 {
					e.code = c
				}
			}
		}
	}
	if e.code < 0 && e.oauth == "" {
		for _, m := range messages {
			if m.re.MatchString(text) {
				e.code = m.code
				break
			}
		}
	}
	if e.code < 0 && e.oauth == "" && a.Step != "" && a.StatusCode == http.StatusTooManyRequests {
		e.code = 4003 // a bare 429 from the API
	}
	if e.code < 0 && e.oauth == "" {
		return ssError{}, false
	}
	if e.message == "" {
		e.message = messageIn(text)
	}
	if e.refID == "" {
		if m := refIDRE.FindStringSubmatch(text); m != nil {
			e.refID = m[1]
		}
	}
	return e, true
}

// messageIn keeps the part of a wrapped text that is Smartsheet's message.
func messageIn(text string) string {
	for _, m := range messages {
		if loc := m.re.FindStringIndex(text); loc != nil {
			return kit.Tidy(text[loc[0]:loc[1]], 200)
		}
	}
	return ""
}

// readObject reads a Smartsheet error object, or the Python SDK's
// {"result": {…}} wrapper around one.
func readObject(obj string, e *ssError) bool {
	var b struct {
		ErrorCode json.RawMessage `json:"errorCode"`
		Code      json.RawMessage `json:"code"`
		Message   string          `json:"message"`
		RefID     string          `json:"refId"`
		Error     string          `json:"error"`
		Name      string          `json:"name"`
		Result    json.RawMessage `json:"result"`
	}
	if json.Unmarshal([]byte(obj), &b) != nil {
		return false
	}
	if len(b.Result) > 0 && b.Result[0] == '{' && readObject(string(b.Result), e) {
		return true
	}
	code, ok := intOf(b.ErrorCode)
	if !ok && b.Name == "ApiError" {
		code, ok = intOf(b.Code)
	}
	switch {
	case ok:
		if _, known := codes[code]; !known && code != 0 && b.Message == "" {
			return false
		}
		e.code = code
	case b.Error == "invalid_client" || b.Error == "invalid_grant" && b.RefID != "":
		e.oauth = b.Error
	default:
		return false
	}
	if b.Error == "invalid_client" {
		e.oauth = b.Error
	}
	e.message, e.refID = kit.Tidy(b.Message, 300), kit.Tidy(b.RefID, 40)
	return true
}

func intOf(raw json.RawMessage) (int, bool) {
	var n json.Number
	if len(raw) == 0 || json.Unmarshal(raw, &n) != nil {
		return 0, false
	}
	v, err := strconv.Atoi(n.String())
	return v, err == nil && v >= 0
}

// finding turns the error into a Finding; an unknown code stays an
// unexpected response with Smartsheet's message kept.
func (e ssError) finding() finding.Finding {
	k, ok := codes[e.code]
	code := strconv.Itoa(e.code)
	if e.oauth == "invalid_client" || e.code < 0 {
		k, ok, code = invalidClient, true, e.oauth
		if e.oauth == "invalid_grant" {
			k, code = codes[1071], "1071"
		}
	}
	said := ""
	if e.message != "" {
		said = fmt.Sprintf(" Smartsheet said: %q.", e.message)
	}
	if e.refID != "" {
		said += " refId " + e.refID + "."
	}
	if !ok {
		return finding.Finding{Severity: finding.Error, Category: finding.UnexpectedResponse, Code: code,
			Summary: "Smartsheet answered with error " + code, Detail: strings.TrimSpace(said),
			Remediation: []string{"Look the code up in Smartsheet's API error list or ask Smartsheet support, quoting the refId."}}
	}
	return finding.Finding{Severity: finding.Error, Category: k.cat, Code: code, Retryable: k.retryable,
		Summary: k.summary + " (" + code + ")", Detail: k.why + said, Remediation: append([]string(nil), k.fixes...)}
}

// Recognize tells diagnose that an error text is Smartsheet's.
func Recognize(text string) bool {
	t := strings.ToLower(text)
	if kit.Has(t, "smartsheet", "smartsheetgov", "not supported by your plan", "your access token is invalid",
		"your access token has expired", "single sign-on is required for this account", "unable to assume the user specified") {
		return true
	}
	// The bare envelope: errorCode next to refId.
	return strings.Contains(t, "errorcode") && strings.Contains(t, "refid")
}
