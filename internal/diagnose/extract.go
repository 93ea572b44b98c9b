package diagnose

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/handshake-tf/terraform-provider-handshake/internal/vendortext"
)

// This file turns a raw message (a response body, an exception's text, a log
// line) into what the decoders can work on: the JSON objects embedded in it,
// form-encoded OAuth errors, a WWW-Authenticate challenge, the HTTP status
// when the text names one, and the vendor's raw error code.

// MaxMessage is how much of a message Diagnose reads; the rest is ignored so
// that work stays bounded on huge input.
const MaxMessage = 64 << 10

const (
	maxCandidates = 8 // JSON documents handed to the decoders
	maxNesting    = 2 // JSON inside a JSON string inside a JSON string
)

// capMessage keeps at most MaxMessage bytes of valid UTF-8.
func capMessage(s string) string {
	if len(s) > MaxMessage {
		cut := MaxMessage
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	s = strings.TrimPrefix(s, "\ufeff")
	return strings.ToValidUTF8(s, "\uFFFD")
}

// extraction is what was found in a message.
type extraction struct {
	text string // the capped, redacted message
	// objects are JSON documents found in the text, outermost first: the
	// whole text when it is JSON, embedded objects (repaired when truncated,
	// converted from Python reprs), and JSON held in their string members.
	objects []string
	// parsed holds objects decoded, in the same order.
	parsed []map[string]any
	// forms are form-encoded OAuth errors (error=…&error_description=…)
	// found in redirect URLs or logs.
	forms []string
	// challenge is a WWW-Authenticate value found in the text.
	challenge string
	// status is an HTTP status named in the text ("Server returned: 401",
	// "status code 402", "(400) Bad Request", "status":"403"), 0 if none.
	status int
}

func extract(text string) extraction {
	x := extraction{text: text}
	x.findObjects()
	x.forms = findForms(text)
	x.challenge = findChallenge(text)
	x.status = findStatus(text, x.parsed)
	return x
}

// candidates returns the texts the body decoders try: the message itself,
// then each embedded JSON document.
func (x extraction) candidates() []string {
	out := make([]string, 0, 1+len(x.objects))
	out = append(out, x.text)
	for _, o := range x.objects {
		if o != x.text {
			out = append(out, o)
		}
	}
	return out
}

func (x *extraction) add(doc string, m map[string]any) bool {
	if len(x.objects) >= maxCandidates {
		return false
	}
	for _, o := range x.objects {
		if o == doc {
			return true
		}
	}
	x.objects = append(x.objects, doc)
	x.parsed = append(x.parsed, m)
	return true
}

// findObjects looks for JSON objects: the whole text, else each balanced
// {...} that parses (tolerantly), then JSON held in string members.
func (x *extraction) findObjects() {
	for _, o := range vendortext.Objects(x.text, maxCandidates) {
		x.add(o.Doc, o.Map)
	}
	// JSON inside string members ("body":"{\"error\":…}").
	for depth, from := 0, 0; depth < maxNesting; depth++ {
		to := len(x.parsed)
		for _, m := range x.parsed[from:to] {
			for _, s := range stringLeaves(m, 3) {
				s = strings.TrimSpace(s)
				if len(s) < 2 || s[0] != '{' {
					continue
				}
				if o, ok := vendortext.Tolerant(s); ok && !x.add(o.Doc, o.Map) {
					return
				}
			}
		}
		if to == len(x.parsed) {
			break
		}
		from = to
	}
}

// stringLeaves returns the string values in m, up to depth levels down, in a
// deterministic (key-sorted) order.
func stringLeaves(v any, depth int) []string {
	var out []string
	var walk func(v any, d int)
	walk = func(v any, d int) {
		if d < 0 || len(out) >= 64 {
			return
		}
		switch t := v.(type) {
		case string:
			out = append(out, t)
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(t[k], d-1)
			}
		case []any:
			for _, e := range t {
				walk(e, d-1)
			}
		}
	}
	walk(v, depth)
	return out
}

var reForm = regexp.MustCompile(`(?:^|[?#&\s"'])(error=[A-Za-z0-9_.\-]+(?:&[A-Za-z0-9_]+=[^&\s"'<>{}]*)*)`)

// findForms finds form-encoded OAuth errors (a redirect's query string).
func findForms(text string) []string {
	var out []string
	for _, m := range reForm.FindAllStringSubmatch(text, 4) {
		out = append(out, m[1])
	}
	return out
}

var (
	reChallengeHeader = regexp.MustCompile(`(?i)www-authenticate["']?\s*[:=]\s*["']?([^\r\n]{1,1000})`)
	reChallengeBare   = regexp.MustCompile(`(?i)\b(?:Bearer|DPoP)\s+(?:realm|error|scope|error_description|error_uri|resource_metadata)=[^\r\n]{1,1000}`)
)

// findChallenge finds an RFC 6750 challenge: a WWW-Authenticate header line,
// or a bare `Bearer error="…"` value as logs print it.
func findChallenge(text string) string {
	v := ""
	if m := reChallengeHeader.FindStringSubmatch(text); m != nil {
		v = m[1]
	} else if m := reChallengeBare.FindString(text); m != "" {
		v = m
	}
	if v == "" {
		return ""
	}
	if strings.Contains(v, `\"`) { // the header as a JSON string value
		v = strings.ReplaceAll(v, `\"`, `"`)
	}
	return v
}

var (
	// "Server returned: 401", "status code 402", "HTTP/1.1 403", "HttpError 400",
	// `"status":"401"`, `"status-code":401`, `"code":403`, "statusCode=500".
	reStatusKeyed = regexp.MustCompile(`(?i)(?:\bstatus(?:[ _-]?code)?|\bhttp(?:/[0-9.]+)?(?:[ _-]?(?:status|error|code))?|\bserver returned|\bresponse code|\bhttp[ _-]?error|\berror code|["']code)["']?\s*[:=]?\s*["']?\(?\s*([1-5][0-9][0-9])\b`)
	// "401 Unauthorized", "(400) Bad Request", "403 Client Error: Forbidden".
	reStatusPhrase = regexp.MustCompile(`\b([1-5][0-9][0-9])\)?[ \t]+([A-Z][A-Za-z\-' ]{1,40})`)
)

// findStatus finds an HTTP status named in the text.
func findStatus(text string, parsed []map[string]any) int {
	for _, m := range parsed {
		for _, k := range []string{"status", "statusCode", "status_code", "status-code", "httpStatus", "code"} {
			if n, ok := statusValue(m[k]); ok {
				return n
			}
		}
	}
	best, at := 0, -1
	if m := reStatusKeyed.FindStringSubmatchIndex(text); m != nil {
		n, _ := strconv.Atoi(text[m[2]:m[3]])
		best, at = n, m[0]
	}
	for _, m := range reStatusPhrase.FindAllStringSubmatchIndex(text, 16) {
		if at >= 0 && m[0] > at {
			break
		}
		n, _ := strconv.Atoi(text[m[2]:m[3]])
		phrase := strings.ToLower(text[m[4]:m[5]])
		st := strings.ToLower(http.StatusText(n))
		if st != "" && strings.HasPrefix(phrase, st) ||
			strings.HasPrefix(phrase, "client error") || strings.HasPrefix(phrase, "server error") {
			return n
		}
	}
	return best
}

func statusValue(v any) (int, bool) {
	var s string
	switch t := v.(type) {
	case json.Number:
		s = t.String()
	case string:
		s = t
	default:
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 100 || n > 599 || http.StatusText(n) == "" {
		return 0, false
	}
	return n, true
}

// vendorCode is the vendor's error code as it appears in the first JSON
// object that has one (error, error.code, errorCode, code …); "" when none does.
func (x extraction) vendorCode() string {
	for _, m := range x.parsed {
		if c := codeIn(m, 2); c != "" {
			return c
		}
	}
	return ""
}

// rawCode is vendorCode, else the exception class a client library printed
// (HttpRequestFailure, NullPointerException).
func (x extraction) rawCode() string {
	if c := x.vendorCode(); c != "" {
		return c
	}
	if m := reException.FindStringSubmatch(x.text); m != nil {
		return m[1]
	}
	return ""
}

var reException = regexp.MustCompile(`\b([A-Z][A-Za-z0-9]*(?:Exception|Error|Failure|Fault))\b`)

func codeIn(m map[string]any, depth int) string {
	for _, k := range []string{"error", "errorCode", "error_code", "errorcode", "code", "ErrorCode", "Code", "type"} {
		switch v := m[k].(type) {
		case string:
			if c := cleanCode(v); c != "" {
				return c
			}
		case json.Number:
			if k != "code" && k != "Code" { // "code":403 is a status
				return v.String()
			}
			if _, isStatus := statusValue(v); !isStatus {
				return v.String()
			}
		case map[string]any:
			if depth > 0 {
				if c := codeIn(v, depth-1); c != "" {
					return c
				}
			}
		}
	}
	return ""
}

// cleanCode accepts short, single-line codes.
func cleanCode(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 || strings.ContainsAny(s, "\r\n\t{}") {
		return ""
	}
	return s
}

// messageIn is the human message of the first JSON object that has one.
func (x extraction) messageIn() string {
	for _, m := range x.parsed {
		if s := messageOf(m, 2); s != "" {
			return s
		}
	}
	return ""
}

func messageOf(m map[string]any, depth int) string {
	for _, k := range []string{"error_description", "errorSummary", "message", "Message", "detail", "error_message", "errorMessage", "description"} {
		if s, ok := m[k].(string); ok && strings.TrimSpace(s) != "" {
			return s
		}
	}
	if depth > 0 {
		for _, k := range []string{"error", "Error", "innerError"} {
			if e, ok := m[k].(map[string]any); ok {
				if s := messageOf(e, depth-1); s != "" {
					return s
				}
			}
		}
	}
	return ""
}
