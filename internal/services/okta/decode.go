package okta

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Okta's error answers.
//
// Okta answers in three shapes, and the live probe and diagnose both meet
// all of them:
//   - its own schema on the management APIs: {"errorCode":"E0000011",
//     "errorSummary":"Invalid token provided","errorLink":"E0000011",
//     "errorId":"oae…","errorCauses":[]};
//   - RFC 6749 bodies on the authorization servers: {"error":"invalid_client",
//     "error_description":"The client_assertion signature is invalid."};
//   - a mix of both on some token-endpoint failures: {"errorCode":
//     "invalid_client","errorSummary":"Invalid value for 'client_id'
//     parameter.",…}, an OAuth code in Okta's fields.
//
// SDKs wrap them in exception text ("com.okta.sdk.resource.ResourceException:
// HTTP 401, Okta E0000011 (Invalid token provided), ErrorId oae…", PowerShell's
// "errorCode: E0000011; errorSummary: …"), so the decoder also reads codes and
// summaries out of plain text. errorId is a per-request trace id: it is left
// out of findings so that two checks of the same failure read the same.

// oktaError is one Okta error answer.
type oktaError struct {
	Code    string   // errorCode (E0000011), or an OAuth code in the mixed shape
	Summary string   // errorSummary
	Causes  []string // errorCauses[].errorSummary
	OAuth   *probe.OAuthError
}

var (
	oktaCodeRE = regexp.MustCompile(`\bE0\d{6}\b`)
	// "Okta E0000011 (Invalid token provided)" (Java SDK), "E0000011 - Invalid
	// token provided", "errorSummary: Invalid token provided;" (PowerShell).
	oktaTextSummaryRE = []*regexp.Regexp{
		regexp.MustCompile(`\bE0\d{6}\s*\(([^)\r\n]{3,200})\)`),
		regexp.MustCompile(`\bE0\d{6}\s*[-:]\s*([^,;\r\n]{3,200})`),
		regexp.MustCompile(`(?i)errorSummary["']?\s*[:=]\s*["']?([^;"'\r\n]{3,200})`),
	}
)

// oktaSummaryCodes maps Okta's stable summaries to their codes, for messages
// that quote the summary without the code (the Go SDK prints "the API
// returned an error: Invalid token provided").
var oktaSummaryCodes = []struct{ summary, code string }{
	{"invalid token provided", "E0000011"},
	{"you do not have permission to perform the requested action", "E0000006"},
	{"api call exceeded rate limit", "E0000047"},
	{"you do not have permission to access the feature you are requesting", "E0000015"},
	{"invalid session", "E0000005"},
}

// parseOktaError finds an Okta error in a body or an error text.
func parseOktaError(text string) (oktaError, bool) {
	for _, doc := range kit.Objects(text) {
		var m map[string]json.RawMessage
		if json.Unmarshal([]byte(doc), &m) != nil {
			continue
		}
		var e oktaError
		kit.JSONString(m["errorCode"], &e.Code)
		kit.JSONString(m["errorSummary"], &e.Summary)
		e.Code, e.Summary = strings.TrimSpace(e.Code), kit.Tidy(e.Summary, 300)
		var causes []struct {
			Summary string `json:"errorSummary"`
		}
		if json.Unmarshal(m["errorCauses"], &causes) == nil {
			for _, c := range causes {
				if c.Summary != "" && len(e.Causes) < 5 {
					e.Causes = append(e.Causes, kit.Tidy(c.Summary, 200))
				}
			}
		}
		if oe, ok := probe.ParseOAuthError([]byte(doc)); ok {
			e.OAuth = &oe
		}
		if e.Code != "" || e.OAuth != nil {
			return e, true
		}
	}
	if oe, ok := kit.PythonOAuth(text); ok {
		return oktaError{OAuth: &oe}, true
	}
	var e oktaError
	e.Code = oktaCodeRE.FindString(text)
	for _, re := range oktaTextSummaryRE {
		if m := re.FindStringSubmatch(text); m != nil {
			e.Summary = kit.Tidy(m[1], 300)
			break
		}
	}
	if e.Code == "" {
		lower := strings.ToLower(text)
		for _, sc := range oktaSummaryCodes {
			if strings.Contains(lower, sc.summary) {
				e.Code = sc.code
				if e.Summary == "" {
					e.Summary = sc.summary
				}
				break
			}
		}
	}
	if e.Code != "" {
		return e, true
	}
	if oe, ok := kit.TextOAuth(text, oktaOAuthCodes); ok {
		return oktaError{OAuth: &oe}, true
	}
	lower := strings.ToLower(text)
	for _, d := range oktaOAuthDescriptions {
		if strings.Contains(lower, d.phrase) {
			return oktaError{OAuth: &probe.OAuthError{Code: d.code, Description: kit.Tidy(text, 300)}}, true
		}
	}
	return oktaError{}, false
}

// oktaOAuthDescriptions are Okta's authorization-server descriptions that
// SDKs print without the error code ("the API returned an error: The
// client_assertion signature is invalid.").
var oktaOAuthDescriptions = []struct{ phrase, code string }{
	{"client_assertion signature is invalid", "invalid_client"},
	{"client_assertion jwt kid is invalid", "invalid_client"},
	{"invalid value for 'client_id' parameter", "invalid_client"},
	{"client secret supplied for a confidential client is invalid", "invalid_client"},
	{"dpop proof jwt header is missing", "invalid_dpop_proof"},
	{"custom scopes are not allowed for this request", "invalid_scope"},
	{"one or more scopes are not configured for the authorization server", "invalid_scope"},
	{"policy evaluation failed for this request", "access_denied"},
}

// oktaOAuthCodes are the OAuth error codes Okta's authorization servers use,
// recognised in plain text ("invalid_client: The client_assertion signature
// is invalid.").
var oktaOAuthCodes = kit.OAuthCodesRE("invalid_client", "invalid_grant", "invalid_scope", "unauthorized_client",
	"access_denied", "invalid_dpop_proof", "use_dpop_nonce", "invalid_request", "unsupported_grant_type")

// decode is the okta profile's Decode, which the live check uses too: it
// classifies an Okta error answer (a body, or an SDK's error text) and
// returns false for anything that is not recognisably Okta's. Headers, when
// the answer has them, come first: an RFC 6750 insufficient_scope challenge
// (Okta's 403 to an access token that lacks a scope, whose body is a bare
// E0000006); and a 429 names the endpoint's limit (X-Rate-Limit-Limit).
func decode(a connector.Answer) (finding.Finding, bool) {
	if f, ok := scopeChallenge(a); ok {
		return f, true
	}
	f, ok := decodeText(a.StatusCode, string(a.Body))
	if ok && a.StatusCode == http.StatusTooManyRequests {
		f.Category, f.Retryable = finding.RateLimited, true
		if limit := a.Header.Get("X-Rate-Limit-Limit"); limit != "" {
			f.Detail += fmt.Sprintf(" The endpoint allows %s requests per window (X-Rate-Limit-Limit).", kit.Tidy(limit, 20))
		}
	}
	return f, ok
}

var oktaChallengeRE = regexp.MustCompile(`(?i)\b(error|error_description|scope)="([^"]*)"`)

// scopeChallenge reads the insufficient_scope challenge of a 403
// (WWW-Authenticate: Bearer error="insufficient_scope", scope="…").
func scopeChallenge(a connector.Answer) (finding.Finding, bool) {
	if a.StatusCode != http.StatusForbidden {
		return finding.Finding{}, false
	}
	params := map[string]string{}
	for _, v := range a.Header.Values("WWW-Authenticate") {
		for _, m := range oktaChallengeRE.FindAllStringSubmatch(v, -1) {
			params[strings.ToLower(m[1])] = m[2]
		}
	}
	if params["error"] != "insufficient_scope" {
		return finding.Finding{}, false
	}
	code := "insufficient_scope"
	if e, ok := parseOktaError(string(a.Body)); ok && strings.HasPrefix(e.Code, "E0") {
		code = e.Code
	}
	return finding.Finding{Severity: finding.Error, Category: finding.InsufficientScope, Code: code,
		Summary: "The access token lacks the Okta API scope this call needs (" + code + ")",
		Detail: fmt.Sprintf("Okta answered HTTP 403 with error=\"insufficient_scope\" (%q); the call needs scope %q.",
			kit.Tidy(params["error_description"], 200), kit.Tidy(params["scope"], 200)),
		Remediation: []string{
			"Grant the scope on the app's Okta API Scopes tab and add it to required_scopes.",
		}}, true
}

// decodeText classifies an Okta error body or error text.
func decodeText(status int, body string) (finding.Finding, bool) {
	e, ok := parseOktaError(body)
	if !ok {
		return finding.Finding{}, false
	}
	if strings.HasPrefix(e.Code, "E0") {
		return oktaCodeFinding(e, status), true
	}
	oe := probe.OAuthError{Code: e.Code, Description: e.Summary}
	if e.OAuth != nil && (e.Code == "" || e.Code == e.OAuth.Code) {
		oe = *e.OAuth
		if oe.Description == "" {
			oe.Description = e.Summary
		}
	}
	if oe.Code == "" || !(kit.OAuthStandardCodes[oe.Code] || oe.Code == "invalid_dpop_proof" || oe.Code == "use_dpop_nonce") {
		return finding.Finding{}, false
	}
	return oktaOAuthFinding(oe, status), true
}

var (
	oktaHostRE      = regexp.MustCompile(`(?i)\b[a-z0-9-]+\.(okta|oktapreview|okta-emea|okta-gov|okta-mil|trexcloud)\.com\b`)
	oktaLibraryRE   = regexp.MustCompile(`(?i)\bcom\.okta\.|@okta/|\bokta[-_ ]?(sdk|api ?error|http)\b|\bOkta E0\d{6}\b`)
	oktaErrorKeysRE = regexp.MustCompile(`"errorCode"\s*:\s*"[^"]*"[\s\S]{0,400}"errorSummary"|"errorSummary"\s*:\s*"[^"]*"[\s\S]{0,400}"errorCode"`)
)

// recognize reports whether an error text is recognisably Okta's: its
// E0000… codes, its errorCode/errorSummary schema, its hosts, its SDKs, or
// descriptions only Okta's authorization servers use.
func recognize(text string) bool {
	if oktaCodeRE.MatchString(text) || oktaHostRE.MatchString(text) ||
		oktaLibraryRE.MatchString(text) || oktaErrorKeysRE.MatchString(text) {
		return true
	}
	lower := strings.ToLower(text)
	for _, d := range oktaOAuthDescriptions {
		if strings.Contains(lower, d.phrase) {
			return true
		}
	}
	return false
}
