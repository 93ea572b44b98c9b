package google

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Google's error answers.
//
// The token endpoint (oauth2.googleapis.com/token) answers RFC 6749 bodies,
// {"error":"invalid_grant","error_description":"Invalid JWT Signature."};
// Google documents which error and description mean what for service
// accounts ("JWT error codes" in its server-to-server OAuth guide), and the
// descriptions are stable enough to tell a deleted key from a skewed clock.
// The Admin SDK answers Google's API error shape,
// {"error":{"code":403,"message":"Not Authorized to access this resource/api",
// "errors":[{"message":…,"domain":"global","reason":"forbidden"}],
// "status":"PERMISSION_DENIED"}}, which Java clients print as the inner
// object alone. Clients wrap both: google-auth raises
// RefreshError('unauthorized_client: Client is unauthorized…', {'error': …})
// with a Python dict, googleapiclient prints <HttpError 403 when requesting …
// returned "…". Details: "[{'message': …, 'reason': 'forbidden'}]">.

// googleAPIError is a Google API error.
type googleAPIError struct {
	Code    int
	Message string
	Status  string   // PERMISSION_DENIED, UNAUTHENTICATED …
	Reasons []string // errors[].reason, then details[].reason
}

type googleAPIErrorJSON struct {
	Code    json.Number `json:"code"`
	Message string      `json:"message"`
	Status  string      `json:"status"`
	Errors  []struct {
		Reason  string `json:"reason"`
		Message string `json:"message"`
	} `json:"errors"`
	Details []struct {
		Reason string `json:"reason"`
	} `json:"details"`
}

var (
	googleHTTPErrorRE = regexp.MustCompile(`HttpError (\d{3}) when requesting \S+ returned "([^"]*)"`)
	googleReasonRE    = regexp.MustCompile(`['"]reason['"]\s*:\s*['"]([A-Za-z_]+)['"]`)
	googleOAuthCodes  = kit.OAuthCodesRE("unauthorized_client", "invalid_grant", "invalid_scope", "access_denied",
		"admin_policy_enforced", "disabled_client", "deleted_client", "org_internal", "invalid_client")
)

// parseGoogleAPIError finds a Google API error in a body or an error text.
func parseGoogleAPIError(text string) (googleAPIError, bool) {
	for _, doc := range kit.Objects(text) {
		var outer struct {
			Error json.RawMessage `json:"error"`
		}
		var inner googleAPIErrorJSON
		if json.Unmarshal([]byte(doc), &outer) == nil && len(outer.Error) > 0 && outer.Error[0] == '{' {
			if json.Unmarshal(outer.Error, &inner) != nil {
				continue
			}
		} else if json.Unmarshal([]byte(doc), &inner) != nil || inner.Message == "" || (len(inner.Errors) == 0 && inner.Status == "") {
			continue
		}
		e := googleAPIError{Message: kit.Tidy(inner.Message, 300), Status: inner.Status}
		if n, err := inner.Code.Int64(); err == nil {
			e.Code = int(n)
		}
		for _, x := range inner.Errors {
			if x.Reason != "" {
				e.Reasons = append(e.Reasons, x.Reason)
			}
			if e.Message == "" {
				e.Message = kit.Tidy(x.Message, 300)
			}
		}
		for _, d := range inner.Details {
			if d.Reason != "" {
				e.Reasons = append(e.Reasons, d.Reason)
			}
		}
		if e.Message != "" || e.Status != "" {
			return e, true
		}
	}
	if m := googleHTTPErrorRE.FindStringSubmatch(text); m != nil {
		e := googleAPIError{Message: kit.Tidy(m[2], 300)}
		e.Code, _ = strconv.Atoi(m[1])
		for _, r := range googleReasonRE.FindAllStringSubmatch(text, 4) {
			e.Reasons = append(e.Reasons, r[1])
		}
		return e, true
	}
	return googleAPIError{}, false
}

// googleOwnOAuthCodes are the token-endpoint errors Google adds to RFC 6749's.
var googleOwnOAuthCodes = map[string]bool{"admin_policy_enforced": true, "disabled_client": true, "deleted_client": true, "org_internal": true}

// googleOAuthError finds a token-endpoint error in a body or an error text.
func googleOAuthError(text string) (probe.OAuthError, bool) {
	for _, doc := range kit.Objects(text) {
		if e, ok := probe.ParseOAuthError([]byte(doc)); ok {
			return e, true
		}
	}
	if e, ok := probe.ParseOAuthError([]byte(text)); ok { // form-encoded
		return e, true
	}
	if e, ok := kit.PythonOAuth(text); ok {
		return e, true
	}
	return kit.TextOAuth(text, googleOAuthCodes)
}

// decode is the google_workspace profile's Decode, which the live check
// uses too.
func decode(a connector.Answer) (finding.Finding, bool) {
	status, body := a.StatusCode, string(a.Body)
	// An API error's "error" member is an object, which ParseOAuthError
	// ignores, so the order does not matter for JSON; for text, the token
	// error comes first because google-auth's message carries only that.
	if e, ok := googleOAuthError(body); ok && (kit.OAuthStandardCodes[e.Code] || googleOwnOAuthCodes[e.Code]) {
		return googleOAuthFinding(e, status), true
	}
	if e, ok := parseGoogleAPIError(body); ok {
		return googleAPIFinding(e, status), true
	}
	// A log line quoting the Reports API's refusal without its JSON (the
	// Reports API gives it with 401 only).
	if m := googleActivityDeniedRE.FindString(body); m != "" {
		return googleAPIFinding(googleAPIError{Code: http.StatusUnauthorized, Message: m}, status), true
	}
	return finding.Finding{}, false
}

var googleActivityDeniedRE = regexp.MustCompile(`(?i)(access denied\. )?you are not authorized to read activity records\.?`)

var googleRecognizeRE = regexp.MustCompile(`(?i)oauth2\.googleapis\.com|accounts\.google\.com|\bgoogleapis\.com\b|\.iam\.gserviceaccount\.com\b|` +
	`google\.auth\.exceptions|GoogleJsonResponseException|com\.google\.api|googleapiclient|\bgaxios\b|` +
	`invalid jwt signature|invalid jwt: token must be a short-lived token|not authorized to read activity records|invalid email or user id|invalid grant: account not found|` +
	`client is unauthorized to retrieve access tokens|unauthorized client or scope in request|requested client not authorized|` +
	`the oauth client was (disabled|deleted)|invalid oauth scope or id token audience|not authorized to access this resource/api|` +
	`"status"\s*:\s*"(permission_denied|unauthenticated|resource_exhausted|invalid_argument)"|` +
	`"errors"\s*:\s*\[\s*\{[^\]]{0,400}"domain"\s*:\s*"(global|usagelimits)"`)

// recognize reports whether an error text is recognisably Google's:
// its token endpoint and API hosts, service-account e-mail addresses, its
// client libraries' exceptions, or wordings only Google uses.
func recognize(text string) bool { return googleRecognizeRE.MatchString(text) }
