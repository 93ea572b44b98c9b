// Package diagnose classifies one error a user saw elsewhere (HTTP status and body or
// exception text) as a live check would, with the same decoders and no knowledge of its own.
package diagnose

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/redact"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
	"github.com/handshake-tf/terraform-provider-handshake/internal/vendortext"
)

// Result is the diagnosis of one error.
type Result struct {
	Category    finding.Category
	Code        string
	Summary     string
	Cause       string
	Remediation []string
	Retryable   bool
	// Service is the service that matched, possibly inferred; "" when none did.
	Service string
}

// Limits on what a Result carries.
const (
	maxSummary = 300
	maxCause   = 1200
	maxFix     = 500
	maxFixes   = 8
	maxExcerpt = 300
)

// panicHook is told about a profile hook that panicked (tests pass one to
// diagnose); Diagnose treats such a hook as not matching.
type panicHook func(service, hook string, v any)

// Diagnose classifies an error. service is a service id from c, or "" to
// infer it from the message; status is the HTTP status, or 0 when unknown;
// message is the raw body or error text as received. It never panics, reads
// at most MaxMessage bytes of message, never echoes a secret found in it,
// and always returns a category from finding.Categories.
//
// The decoders run in this order, and the first that recognises the
// message wins:
//
//  1. the named service's Decode hook;
//  2. when service is "" (or not in c), the Decode hook of each profile
//     whose Recognize hook claims the message, in service-id order;
//  3. an RFC 6750 WWW-Authenticate challenge found in the message, then an
//     RFC 6749 §5.2 error body (JSON or form-encoded);
//  4. when status is 0, a transport error text (DNS, TLS, connection
//     refused or reset, timeouts, EOF) as Go, Java, Python, Node.js, .NET
//     or curl print it;
//  5. the HTTP status (given, or named in the text), else
//     unexpected_response with the raw code.
//
// Hooks and body decoders see the whole message and each JSON object
// embedded in it (repaired when truncated, converted from a Python dict
// repr, or held in a string member of another object).
func Diagnose(c *connector.Catalog, service string, status int, message string) Result {
	return diagnose(c, service, status, message, nil)
}

// diagnose is Diagnose, reporting panicking hooks to onPanic when set.
func diagnose(c *connector.Catalog, service string, status int, message string, onPanic panicHook) Result {
	text := redact.Text(capMessage(message))
	x := extract(text)
	st := status
	if st <= 0 || st > 999 {
		st = x.status
	}

	var prof *connector.Profile
	if c != nil && service != "" {
		prof, _ = c.Get(service)
	}
	svc := ""
	if prof != nil {
		svc = prof.ID
		if f, ok := decodeWith(prof, st, x, onPanic); ok {
			return finish(f, svc, x)
		}
	} else if c != nil {
		for _, p := range c.Profiles() {
			if !recognizes(p, text, onPanic) {
				continue
			}
			if svc == "" {
				svc = p.ID
			}
			if f, ok := decodeWith(p, st, x, onPanic); ok {
				return finish(f, p.ID, x)
			}
		}
	}

	// Generic OAuth decoders, as the probe runs them after a vendor's.
	var held *finding.Finding
	if f, ok := genericOAuth(st, x); ok {
		if f.Category != finding.UnexpectedResponse {
			return finish(f, svc, x)
		}
		held = &f
	}

	if status <= 0 {
		if f, ok := classifyText(text); ok {
			return finish(f, svc, x)
		}
	}

	if st > 0 {
		f := transport.ClassifyStatus(st, nil)
		if f.Category != finding.UnexpectedResponse || held == nil {
			switch {
			case held != nil:
				f.Code = held.Code
				f.Detail = joinSentences(f.Detail, held.Detail)
			default:
				if code := x.vendorCode(); code != "" {
					f.Code = code
				}
				f.Detail = joinSentences(f.Detail, answered(x))
			}
			return finish(f, svc, x)
		}
	}
	if held != nil {
		return finish(*held, svc, x)
	}

	f := finding.Finding{
		Severity: finding.Error,
		Category: finding.UnexpectedResponse,
		Code:     x.rawCode(),
		Summary:  "The error could not be classified",
		Detail:   answered(x),
		Remediation: []string{
			"Look the error code or message up in the service's documentation.",
			"Pass the service id and the HTTP status to narrow the diagnosis down.",
		},
	}
	if strings.TrimSpace(text) == "" {
		f.Detail = "The message is empty."
	}
	return finish(f, svc, x)
}

// decodeWith runs a profile's Decode hook on the message, then on each JSON
// object found in it.
func decodeWith(p *connector.Profile, status int, x extraction, onPanic panicHook) (f finding.Finding, ok bool) {
	if p.Decode == nil {
		return finding.Finding{}, false
	}
	for _, cand := range x.candidates() {
		if f, ok = safeDecode(p, status, cand, onPanic); ok {
			return f, true
		}
	}
	return finding.Finding{}, false
}

func safeDecode(p *connector.Profile, status int, body string, onPanic panicHook) (f finding.Finding, ok bool) {
	defer func() {
		if v := recover(); v != nil {
			if onPanic != nil {
				onPanic(p.ID, "Decode", v)
			}
			f, ok = finding.Finding{}, false
		}
	}()
	return p.Decode(connector.Answer{StatusCode: status, Body: []byte(body)})
}

func recognizes(p *connector.Profile, text string, onPanic panicHook) (ok bool) {
	if p.Recognize == nil {
		return false
	}
	defer func() {
		if v := recover(); v != nil {
			if onPanic != nil {
				onPanic(p.ID, "Recognize", v)
			}
			ok = false
		}
	}()
	return p.Recognize(text)
}

// genericOAuth runs the RFC 6750 and RFC 6749 decoders. Like the probe, a
// 429 answer is rate limiting whatever its body says.
func genericOAuth(status int, x extraction) (finding.Finding, bool) {
	var (
		f  finding.Finding
		ok bool
	)
	if x.challenge != "" {
		h := http.Header{}
		h.Add("WWW-Authenticate", x.challenge)
		f, ok = probe.DecodeBearerChallenge(status, h)
	}
	if !ok {
		for _, cand := range append(x.candidates(), x.forms...) {
			if f, ok = probe.DecodeOAuthError(status, []byte(cand)); ok {
				break
			}
		}
	}
	if !ok {
		return finding.Finding{}, false
	}
	if status == http.StatusTooManyRequests {
		f.Category, f.Retryable = finding.RateLimited, true
	}
	return f, true
}

// answered describes what the service said, for a Cause.
func answered(x extraction) string {
	msg := x.messageIn()
	if msg == "" {
		msg = x.text
	}
	msg = vendortext.OneLine(msg, maxExcerpt)
	if msg == "" {
		return ""
	}
	return "The message was: " + quote(msg) + "."
}

func joinSentences(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case !strings.HasSuffix(a, ".") && !strings.HasSuffix(a, "…"):
		a += "."
	}
	return a + " " + b
}

// finish turns a Finding into a Result: a known category, texts redacted,
// single-line and bounded, and a non-nil remediation list.
func finish(f finding.Finding, service string, x extraction) Result {
	r := Result{
		Category:  f.Category,
		Code:      vendortext.OneLine(redact.Text(f.Code), 100),
		Summary:   vendortext.OneLine(redact.Text(f.Summary), maxSummary),
		Cause:     vendortext.OneLine(redact.Text(f.Detail), maxCause),
		Retryable: f.Retryable,
		Service:   service,
	}
	if !slices.Contains(finding.Categories, r.Category) {
		r.Category = finding.UnexpectedResponse
	}
	if r.Summary == "" {
		r.Summary = defaultSummary(r.Category, r.Code)
	}
	if r.Cause == "" {
		r.Cause = vendortext.OneLine(answered(x), maxCause)
	}
	r.Remediation = make([]string, 0, len(f.Remediation))
	for _, s := range f.Remediation {
		if s = vendortext.OneLine(redact.Text(s), maxFix); s != "" && len(r.Remediation) < maxFixes {
			r.Remediation = append(r.Remediation, s)
		}
	}
	if len(r.Remediation) == 0 {
		if fix := defaultFix[r.Category]; fix != "" {
			r.Remediation = append(r.Remediation, fix)
		}
	}
	// A truncation may have cut a placeholder; redact the final texts again.
	r.Summary, r.Cause, r.Code = redact.Text(r.Summary), redact.Text(r.Cause), redact.Text(r.Code)
	for i, s := range r.Remediation {
		r.Remediation[i] = redact.Text(s)
	}
	return r
}

func defaultSummary(c finding.Category, code string) string {
	s := strings.ReplaceAll(string(c), "_", " ")
	s = strings.ToUpper(s[:1]) + s[1:]
	if code != "" {
		return fmt.Sprintf("%s (%s)", s, code)
	}
	return s
}

// defaultFix is the remediation of a Finding that came without one.
var defaultFix = map[finding.Category]string{
	finding.InvalidCredentials:   "Check the credential's value and how it is sent, then update it.",
	finding.ExpiredCredentials:   "Create a new credential and update the connector with it.",
	finding.RevokedCredentials:   "Create a new credential and update the connector with it.",
	finding.InvalidScope:         "Remove the scope, or allow it for the client in the service.",
	finding.InsufficientScope:    "Grant the missing scope or permission to the app, then check again.",
	finding.AccessDenied:         "Grant the identity behind the credential access to this resource.",
	finding.RateLimited:          "Wait and retry; spread the schedules of jobs that share this credential.",
	finding.ServiceUnavailable:   "Check the service's status page and retry later.",
	finding.Timeout:              "Check that the endpoint is reachable from where Terraform runs, then retry.",
	finding.NetworkError:         "Check the host name, the port and the network path (firewall, proxy, VPN).",
	finding.EndpointNotFound:     "Check the URL, its path and any tenant, domain or API version in it.",
	finding.UnexpectedResponse:   "Look the error code or message up in the service's documentation.",
	finding.AccountDisabled:      "Re-enable the account behind the credential, or use an active one.",
	finding.AppNotFound:          "Check the client or app id, and the tenant or organisation it belongs to.",
	finding.TenantNotFound:       "Check the tenant, organisation, realm or account name.",
	finding.ConsentRequired:      "Grant consent for the app (an administrator may have to consent for the organisation).",
	finding.LicenseRequired:      "Upgrade the plan or assign the licence the feature needs.",
	finding.InvalidConfiguration: "Check the connector's settings against the service's documentation.",
}
