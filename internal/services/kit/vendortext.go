package kit

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/vendortext"
)

// ScopeNote names the scope an invalid_scope error points at, when given.
func ScopeNote(scope string) string {
	if scope == "" {
		return ""
	}
	return fmt.Sprintf(" Scope in question: %q.", scope)
}

// OAuthStandardCodes are the error codes of RFC 6749 §5.2 and §4.1.2.1,
// RFC 6750 §3.1 and OpenID Connect Core §3.1.2.6. A decoder that meets any
// other "error" string is looking at some other service's body
// ({"ok":false,"error":"invalid_auth"} is Slack's).
var OAuthStandardCodes = map[string]bool{
	"invalid_request": true, "invalid_client": true, "invalid_grant": true, "unauthorized_client": true,
	"unsupported_grant_type": true, "invalid_scope": true, "access_denied": true, "unsupported_response_type": true,
	"server_error": true, "temporarily_unavailable": true, "invalid_token": true, "insufficient_scope": true,
	"interaction_required": true, "login_required": true, "consent_required": true, "account_selection_required": true,
	"invalid_request_uri": true, "invalid_request_object": true,
}

// Objects returns the JSON objects in text: the whole text when it is one,
// else up to four objects embedded in it, in order (vendortext.Objects:
// Python dict reprs and truncated objects are repaired into JSON).
func Objects(text string) []string {
	var out []string
	for _, o := range vendortext.Objects(text, 4) {
		out = append(out, o.Doc)
	}
	return out
}

var (
	pyErrorRE = regexp.MustCompile(`['"]error['"]\s*:\s*['"]([A-Za-z0-9_.\-]{2,100})['"]`)
	pyDescRE  = regexp.MustCompile(`['"]error_description['"]\s*:\s*(?:"([^"]*)"|'([^']*)')`)
)

// PythonOAuth reads an RFC 6749 error from a Python dict repr, as
// google-auth and other Python clients print it:
// {'error': 'unauthorized_client', 'error_description': 'Client is …'}.
// (JSON bodies are read by probe.ParseOAuthError instead.)
func PythonOAuth(text string) (probe.OAuthError, bool) {
	m := pyErrorRE.FindStringSubmatch(text)
	if m == nil {
		return probe.OAuthError{}, false
	}
	e := probe.OAuthError{Code: m[1]}
	if d := pyDescRE.FindStringSubmatch(text); d != nil {
		e.Description = Tidy(d[1]+d[2], 300)
	}
	return e, true
}

// TextOAuth reads "invalid_grant: Invalid JWT Signature." (or
// "invalid_grant Invalid …") from plain text, for the codes re matches (see
// OAuthCodesRE).
func TextOAuth(text string, re *regexp.Regexp) (probe.OAuthError, bool) {
	m := re.FindStringSubmatch(text)
	if m == nil {
		return probe.OAuthError{}, false
	}
	return probe.OAuthError{Code: m[1], Description: Tidy(strings.TrimRight(m[2], " ,;"), 300)}, true
}

// OAuthCodesRE matches one of codes as a word, and the text after it on the
// same line.
func OAuthCodesRE(codes ...string) *regexp.Regexp {
	quoted := make([]string, len(codes))
	for i, c := range codes {
		quoted[i] = regexp.QuoteMeta(c)
	}
	return regexp.MustCompile(`\b(` + strings.Join(quoted, "|") + `)\b(?:[:\s\-–]+([^\r\n'"{}]{0,300}))?`)
}

// JSONString decodes raw into dst when it is a JSON string.
func JSONString(raw json.RawMessage, dst *string) {
	if len(raw) > 0 && raw[0] == '"' {
		_ = json.Unmarshal(raw, dst)
	}
}

// Tidy keeps a vendor's text printable, single-line and at most max bytes
// (vendortext.OneLine).
func Tidy(s string, max int) string { return vendortext.OneLine(s, max) }

// Has reports whether s contains any of words.
func Has(s string, words ...string) bool { return vendortext.ContainsAny(s, words...) }

// JSONObject decodes the first JSON object in text (a raw body, or one
// embedded in an exception message), or returns nil. Numbers are float64.
func JSONObject(text string) map[string]any {
	for _, o := range vendortext.Objects(text, 1) {
		var m map[string]any
		if json.Unmarshal([]byte(o.Doc), &m) == nil {
			return m
		}
	}
	return nil
}

// Quoted finds "key": "value" as JSON, a Python dict repr ('key':
// 'value') or a mix of the two spell it, and returns the value unescaped.
// The regexp is compiled per call: keys vary by caller, and a cache would
// be package state.
func Quoted(text, key string) (string, bool) {
	re := regexp.MustCompile(`["']` + regexp.QuoteMeta(key) + `["']\s*:\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	if m[1] != "" || strings.Contains(m[0], `"`+key) && !strings.Contains(m[0], `'`) {
		var v string
		if json.Unmarshal([]byte(`"`+m[1]+`"`), &v) == nil {
			return v, true
		}
		return m[1], true
	}
	return strings.NewReplacer(`\'`, `'`, `\\`, `\`, `\n`, " ").Replace(m[2]), true
}

// Header finds a header in a dump of headers inside text: "Name: value"
// lines, or 'name': 'value' pairs of a printed header map.
func Header(text, name string) (string, bool) {
	re := regexp.MustCompile(`(?i)["']?\b` + regexp.QuoteMeta(name) + `["']?\s*[:=]\s*["']?([^"'\r\n]*)`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	return strings.TrimSpace(strings.TrimRight(m[1], ",}")), true
}

// Clean keeps a vendor's message printable, on one line and short
// (vendortext.OneLine).
func Clean(s string, max int) string { return vendortext.OneLine(s, max) }

// UpperFirst upper-cases the first letter of s.
func UpperFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
