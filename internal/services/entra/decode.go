package entra

import (
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Error decoding. Microsoft's identity platform, Microsoft Graph and the
// Office 365 Management Activity API each answer failures in their own JSON
// shape, and client libraries (MSAL, Azure.Identity, the Graph SDKs) wrap
// those bodies in exception text. entraDecode reads all of them, for the
// live probe and for provider::handshake::diagnose alike.

// entraError is what could be read from one error answer.
type entraError struct {
	// Code is the code the finding reports: "AADSTS7000215",
	// "Authorization_RequestDenied", "AF20023".
	Code string
	// OAuth is the token endpoint's RFC 6749 "error" ("invalid_client");
	// Sub its "suberror" ("consent_required").
	OAuth, Sub string
	// Message is the service's own text, without trace ids, correlation ids
	// and timestamps (they change on every call), single-line and capped.
	Message string
}

var (
	aadstsRE = regexp.MustCompile(`AADSTS(\d{4,8})`)
	// Management Activity API codes (AF10001, AF20012, AF429, AF50000) as
	// whole words, so hex runs inside GUIDs never match.
	afCodeRE = regexp.MustCompile(`\bAF(10001|2\d{4}|429|50000)\b`)
	// A "code" member or the Graph .NET SDK's "Code: X" line.
	graphCodeRE = regexp.MustCompile(`(?:"code"\s*:\s*"|\b[Cc]ode:\s*)([A-Za-z][A-Za-z0-9_]{2,60})`)
	// The parts of an STS description that differ on every request.
	entraVolatileRE = regexp.MustCompile(`(?is)(\s*(\\r\\n|\\n|[\r\n])*\s*(Trace ID|Correlation ID|Request ID|Timestamp)\s*:.*$)`)
	// A message member ("message":"…", 'message':'…') or an SDK's "Message: …" line.
	// A double-quoted message may hold single quotes ('user@contoso.com').
	entraMessageFieldRE = regexp.MustCompile(`"message"\s*:\s*"([^"\r\n]{1,400})|'message'\s*:\s*'([^'\r\n]{1,400})|\b[Mm]essage:\s*([^"'\s][^"\r\n]{0,399})`)
	// HTML error pages (the authorize endpoint's) carry the message in markup.
	htmlTagRE = regexp.MustCompile(`(?s)<[^>]*>`)
	// msal-node prefixes "7000215 - [2023-03-05 22:32:01Z]: " to the description.
	msalPrefixRE = regexp.MustCompile(`^\d{4,8} - \[[^\]]*\]:\s*`)
)

// entraGraphMessages are Graph messages that identify the code when an SDK
// printed only the message (Microsoft.Graph v5's ODataError, PowerShell).
var entraGraphMessages = []struct{ text, code string }{
	{"insufficient privileges to complete the operation", "Authorization_RequestDenied"},
	{"access token has expired or is not yet valid", "InvalidAuthenticationToken"},
	{"lifetime validation failed, the token is expired", "InvalidAuthenticationToken"},
	{"access token validation failure", "InvalidAuthenticationToken"},
	{"access token is empty", "InvalidAuthenticationToken"},
	{"compacttoken parsing failed", "InvalidAuthenticationToken"},
	{"the identity of the calling application could not be established", "Authorization_IdentityNotFound"},
	{"/me request is only valid with delegated authentication flow", "BadRequest"},
	// Exchange Online's mailbox answers (mailbox.go).
	{"the mailbox is either inactive, soft-deleted, or is hosted on-premise", "MailboxNotEnabledForRESTAPI"},
	{"rest api is not yet supported for this mailbox", "MailboxNotEnabledForRESTAPI"},
	{"the smtp address has no mailbox associated with it", "ErrorNonExistentMailbox"},
}

// parseEntraError reads an STS, Graph or Management API error from a body or
// from text that contains one.
func parseEntraError(raw string) (entraError, bool) {
	text := strings.TrimSpace(strings.TrimPrefix(raw, "\ufeff"))
	if text == "" {
		return entraError{}, false
	}
	if lower := strings.ToLower(text); strings.HasPrefix(lower, "<!doctype html") || strings.HasPrefix(lower, "<html") {
		text = html.UnescapeString(htmlTagRE.ReplaceAllString(text, "\n"))
	}
	var e entraError
	var codes []string // AADSTS numbers, error_codes first
	// A JSON body, or the first JSON object inside exception text.
	for i, tries := strings.IndexByte(text, '{'), 0; i >= 0 && tries < 8; tries++ {
		if parseEntraJSON(text[i:], &e, &codes) {
			break
		}
		next := strings.IndexByte(text[i+1:], '{')
		if next < 0 {
			break
		}
		i += next + 1
	}
	for _, m := range aadstsRE.FindAllStringSubmatch(text, -1) {
		codes = append(codes, m[1])
	}
	switch {
	case len(codes) > 0:
		e.Code = "AADSTS" + pickAADSTS(codes)
	case e.Code != "":
		// a Graph or Management API code from the JSON body
	default:
		if m := afCodeRE.FindStringSubmatch(text); m != nil {
			e.Code = "AF" + m[1]
		} else if m := graphCodeRE.FindStringSubmatch(text); m != nil && entraIsGraphCode(m[1]) {
			e.Code = m[1]
		} else {
			lower := strings.ToLower(text)
			for _, gm := range entraGraphMessages {
				if strings.Contains(lower, gm.text) {
					e.Code = gm.code
					break
				}
			}
		}
	}
	if e.Code == "" {
		return entraError{}, false
	}
	if e.Message == "" {
		e.Message = entraMessageFromText(text, e.Code)
	}
	e.Message = cleanEntraMessage(e.Message)
	return e, true
}

// parseEntraJSON reads the first JSON value of s: an STS error
// ({"error":"invalid_client","error_description":…,"error_codes":[…]}) or a
// Graph / Management API error ({"error":{"code":…,"message":…}}).
func parseEntraJSON(s string, e *entraError, codes *[]string) bool {
	var body struct {
		Error       json.RawMessage `json:"error"`
		Description string          `json:"error_description"`
		Codes       []json.Number   `json:"error_codes"`
		Suberror    string          `json:"suberror"`
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if dec.Decode(&body) != nil || len(body.Error) == 0 {
		return false
	}
	var oauth string
	if json.Unmarshal(body.Error, &oauth) == nil {
		e.OAuth, e.Sub, e.Message = oauth, body.Suberror, body.Description
		for _, c := range body.Codes {
			*codes = append(*codes, c.String())
		}
		return oauth != ""
	}
	var inner struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body.Error, &inner) != nil || inner.Code == "" {
		return false
	}
	e.Code, e.Message = inner.Code, inner.Message
	return true
}

// pickAADSTS chooses the code to report: the first known one that is not a
// generic wrapper ("AADSTS70002: Error validating credentials. AADSTS50012:
// Invalid client secret is provided."), else the first known, else the first.
func pickAADSTS(codes []string) string {
	for _, c := range codes {
		if k, ok := entraAADSTS[c]; ok && !k.generic {
			return c
		}
	}
	for _, c := range codes {
		if _, ok := entraAADSTS[c]; ok {
			return c
		}
	}
	return codes[0]
}

// entraMessageFromText cuts the service's message out of exception text:
// for an AADSTS code, from the code to the end of that line; for Graph and
// Management API codes, the "message" member or the SDK's "Message:" line.
func entraMessageFromText(text, code string) string {
	i := strings.Index(text, code)
	if !strings.HasPrefix(code, "AADSTS") {
		if i < 0 {
			i = 0
		}
		if m := entraMessageFieldRE.FindStringSubmatch(text[i:]); m != nil {
			return m[1] + m[2] + m[3]
		}
		lower := strings.ToLower(text)
		for _, gm := range entraGraphMessages {
			if j := strings.Index(lower, gm.text); j >= 0 {
				return text[j : j+len(gm.text)]
			}
		}
		return ""
	}
	if i < 0 {
		return ""
	}
	msg := text[i:]
	if j := strings.IndexAny(msg, "\r\n"); j >= 0 {
		msg = msg[:j]
	}
	if j := strings.Index(msg, `\r\n`); j >= 0 {
		msg = msg[:j]
	}
	return msg
}

// cleanEntraMessage drops what changes on every call (trace and correlation
// ids, timestamps), so that a finding is stable between two checks, and
// keeps the text printable, single-line and short.
func cleanEntraMessage(s string) string {
	s = msalPrefixRE.ReplaceAllString(strings.TrimSpace(s), "")
	if loc := entraVolatileRE.FindStringIndex(s); loc != nil {
		s = s[:loc[0]]
	}
	s = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)), " ")
	if len(s) > 360 {
		cut := 360
		for cut > 0 && s[cut]&0xc0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// entraDecode is the entra_id and microsoft_365 profiles' Decode: it
// classifies an STS, Graph or Management Activity API error (a raw body, or
// exception text containing one) and returns false for anything else.
func entraDecode(a connector.Answer) (finding.Finding, bool) {
	e, ok := parseEntraError(string(a.Body))
	if !ok {
		return finding.Finding{}, false
	}
	return e.finding(a.StatusCode), true
}

func (e entraError) finding(status int) finding.Finding {
	var k entraKnown
	var known bool
	if num, isSTS := strings.CutPrefix(e.Code, "AADSTS"); isSTS {
		k, known = entraAADSTS[num]
	} else {
		k, known = entraGraphCode(e.Code)
	}
	k = e.refine(k, status)
	if !known {
		k = e.unknown(status)
	}
	detail := k.cause
	if e.Message != "" {
		detail += fmt.Sprintf(" Microsoft's message: %q", e.Message)
	}
	if status > 0 {
		detail += fmt.Sprintf(" (HTTP %d)", status)
	}
	if !strings.HasSuffix(detail, ".") {
		detail += "."
	}
	return finding.Finding{Severity: finding.Error, Category: k.cat, Code: e.Code,
		Summary: k.title + " (" + e.Code + ")", Detail: detail,
		Remediation: append([]string(nil), k.fix...), Retryable: k.retry}
}

// refine adjusts a known code's classification where the message says more
// than the code (InvalidAuthenticationToken covers expiry and audience;
// AADSTS70002 and 70001 changed meaning over the years).
func (e entraError) refine(k entraKnown, status int) entraKnown {
	msg := strings.ToLower(e.Message)
	switch e.Code {
	case "InvalidAuthenticationToken":
		switch {
		case entraHas(msg, "expired", "lifetime validation failed", "not yet valid"):
			k.cat, k.title = finding.ExpiredCredentials, "Microsoft Graph rejected an expired access token"
			k.cause = "The token's lifetime is over or has not begun; when the token was just issued, the clock of the machine sending it is off."
			k.fix = []string{"Request a new token; if it was just issued, synchronise the clock (NTP) of the machine running Terraform."}
		case entraHas(msg, "audience"):
			k.title = "Microsoft Graph rejected the token's audience"
			k.cause = "The token was issued for another API or another Microsoft cloud than the Graph endpoint called."
			k.fix = []string{"Request the token with scope <graph_url>/.default, from the token service of the same cloud as graph_url (e.g. login.microsoftonline.us with graph.microsoft.us)."}
		}
	case "AADSTS70002":
		switch {
		case entraHas(msg, "expired"):
			k.cat, k.title = finding.ExpiredCredentials, "Entra ID client secret or grant has expired"
		case entraHas(msg, "does not exist", "not found"):
			k.cat, k.title = finding.AppNotFound, "App registration not found in the tenant"
			k.fix = []string{entraFixAppID}
		}
	case "AADSTS70001":
		if entraHas(msg, "not found", "was not found") {
			k.cat, k.title = finding.AppNotFound, "App registration not found in the tenant"
			k.fix = []string{entraFixAppID}
		}
	case "BadRequest":
		switch {
		case entraHas(msg, "/me request is only valid with delegated"):
			k.title = "Microsoft Graph's /me is not available to app-only tokens"
			k.cause = "An app-only token has no signed-in user, so /me has nothing to return; address users by id (/users/{id}) instead."
			k.fix = []string{"Call /users/{id or userPrincipalName} instead of /me."}
		case entraHas(msg, "resource not found for the segment"):
			k.cat, k.title = finding.EndpointNotFound, "Microsoft Graph has no such path"
		}
	case "UnknownError", "generalException":
		if status >= 500 {
			k.cat, k.retry = finding.ServiceUnavailable, true
		}
	}
	return e.refineMailbox(k)
}

// unknown classifies a code Handshake has no entry for, from the OAuth error
// and the HTTP status, keeping the vendor's code.
func (e entraError) unknown(status int) entraKnown {
	k := entraKnown{cat: finding.UnexpectedResponse, title: "Microsoft answered with an unrecognised error",
		cause: "Handshake does not know this code.",
		fix:   []string{"Look the code up at https://login.microsoftonline.com/error (AADSTS codes) or in the API's error reference."}}
	switch {
	case e.Sub == "consent_required" || e.OAuth == "consent_required":
		k.cat, k.title, k.fix = finding.ConsentRequired, "Consent for the app is missing", []string{entraFixConsent}
	case e.OAuth == "invalid_client":
		k.cat, k.title = finding.InvalidCredentials, "Entra ID rejected the app's credential"
		k.fix = append([]string{entraFixNewSecret}, k.fix...)
	case e.OAuth == "invalid_tenant":
		k.cat, k.title, k.fix = finding.TenantNotFound, "Entra ID tenant not found", []string{entraFixTenant, entraFixCloud}
	case e.OAuth == "invalid_scope" || e.OAuth == "invalid_resource":
		k.cat, k.title = finding.InvalidScope, "Entra ID rejected the requested scope"
	case e.OAuth == "unauthorized_client":
		k.cat, k.title = finding.AccessDenied, "The app may not use this grant"
	case e.OAuth == "temporarily_unavailable" || e.OAuth == "server_error" || status >= 500:
		k.cat, k.title, k.retry = finding.ServiceUnavailable, "Microsoft's service failed", true
	case status == 429:
		k.cat, k.title, k.retry = finding.RateLimited, "Microsoft is throttling the requests", true
	case status == 401:
		k.cat = finding.InvalidCredentials
	case status == 403:
		k.cat = finding.AccessDenied
	case status == 404:
		k.cat = finding.EndpointNotFound
	}
	return k
}

// entraRecognize is the entra_id profile's Recognize: AADSTS codes, the
// token service's and Graph's hosts, and Graph's error codes.
func entraRecognize(text string) bool {
	if aadstsRE.MatchString(text) {
		return true
	}
	lower := strings.ToLower(text)
	if entraHas(lower, "login.microsoftonline.", "login.windows.net", "sts.windows.net", "login.chinacloudapi.cn",
		"graph.microsoft.", "microsoftgraph.chinacloudapi.cn", "msalserviceexception", "msal4j", "adalserviceexception",
		"clientsecretcredential", "microsoft.identity.client", "odataerror", "microsoft.graph") {
		return true
	}
	if m := graphCodeRE.FindStringSubmatch(text); m != nil && strings.Contains(m[1], "_") {
		return entraGraph[m[1]].title != "" // Authorization_RequestDenied, Authorization_IdentityNotFound …
	}
	for _, code := range []string{"InvalidAuthenticationToken", "Authorization_RequestDenied", "Authorization_IdentityNotFound", "InvalidAudienceForResource"} {
		if strings.Contains(text, code) {
			return true
		}
	}
	return false
}

// microsoft365Recognize is the microsoft_365 profile's Recognize: the
// Office 365 Management Activity API's AF codes and hosts, and Exchange
// Online's mailbox errors.
func microsoft365Recognize(text string) bool {
	if afCodeRE.MatchString(text) {
		return true
	}
	lower := strings.ToLower(text)
	return entraHas(lower, "manage.office.com", "manage-gcc.office.com", "manage.office365.us", "manage.protection.apps.mil",
		"microsoft.office.compliance.audit", "/activity/feed/") || entraMailboxRecognize(text)
}

// entraHas reports whether s contains any of the words.
func entraHas(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
