package zendesk

import (
	"net/http"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// TestDecodeZendeskBodies runs the decoder on Zendesk's bodies as pasted in
// public issues, community posts and fixtures (sources next to each; see
// /work/research/zendesk.md §4).
func TestDecodeZendeskBodies(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		cat    finding.Category
		code   string
		target target
	}{
		// source: Speedygeek/ZendeskApi_v2#505 (401 with WWW-Authenticate: Basic realm="Web Password"); happyfoxinc/helpstack-android#38
		{"wrong API token", 401, `{"error":"Couldn't authenticate you"}`,
			finding.InvalidCredentials, "Couldn't authenticate you", tCredential},
		// source: singer-io/tap-zendesk test mocks (older wording)
		{"older wording", 401, `{"error":"Could not authenticate you"}`,
			finding.InvalidCredentials, "Could not authenticate you", tCredential},
		// source: fprimex/zdesk#58 (verbatim); Speedygeek/ZendeskApi_v2#214
		{"bearer token refused", 401, `{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed or invalid for other reasons."}`,
			finding.InvalidCredentials, "invalid_token", tCredential},
		// source: support.zendesk.com community post 4485954843162 (verbatim)
		{"missing scope", 403, `{"error":"Forbidden","description":"You are missing the following required scopes: read"}`,
			finding.InsufficientScope, "Forbidden", tScopes},
		// source: zenpy#336; Stitch tap-zendesk docs; OkHttp log of a 403 (research §4 row 7)
		{"agent on an admin page", 403, `{"error":{"title":"Forbidden","message":"You do not have access to this page. Please contact the account owner of this help desk for further help."}}`,
			finding.AccessDenied, "Forbidden", tIdentity},
		// source: rspec fixture asserting error.title / error.message (research §4 row 9); dust-tt/dust#10974 (message)
		{"no help desk", 404, `{"error":{"title":"No help desk at acme.zendesk.com","message":"There is no help desk configured at this address. This means that the address is available and that you can claim it at http://www.zendesk.com/signup"}}`,
			finding.TenantNotFound, "No help desk", tSubdomain},
		// source: third-party live-probe notes (research §5.5)
		{"invalid endpoint", 404, `{"error":"InvalidEndpoint","description":"Not found"}`,
			finding.EndpointNotFound, "InvalidEndpoint", tBaseURL},
		// source: third-party live-probe notes (research §5.5)
		{"record not found", 404, `{"error":"RecordNotFound","description":"Not found"}`,
			finding.EndpointNotFound, "RecordNotFound", tBaseURL},
		// source: support.zendesk.com community post 4600766234138 (text/plain, Content-Length 50)
		{"account rate limit", 429, `Number of allowed API requests per minute exceeded`,
			finding.RateLimited, "HTTP 429", tBaseURL},
		// source: support.zendesk.com community post 4887103531674
		{"endpoint rate limit", 429, `You have exceeded the rate limit for updating a single unique user. user email: jane@example.com id: 123 external_id: ext-1`,
			finding.RateLimited, "HTTP 429", tBaseURL},
		// source: developer.zendesk.com, POST /api/v2/audit_logs/export
		{"audit export limit", 429, `Rate limit for Audit log CSV Export exceeded. Please wait 1 minute and try again.`,
			finding.RateLimited, "HTTP 429", tBaseURL},
		// source: node-zendesk#152 ("returns a guest user"); live-probe notes (id null, "Anonymous user")
		{"anonymous visitor", 200, `{"user":{"id":null,"url":null,"name":"Anonymous user","email":"invalid@example.com","role":"end-user","active":true}}`,
			finding.InvalidCredentials, "ZENDESK-ANONYMOUS", tCredential},
		// source: RFC 6749 wording of Doorkeeper-based servers (research §4 row 15: Zendesk's exact text unseen)
		{"refresh token used", 400, `{"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."}`,
			finding.RevokedCredentials, "invalid_grant", tRefreshToken},
		// source: Doorkeeper's invalid_client wording (research §4 row 16: guess)
		{"wrong client secret", 401, `{"error":"invalid_client","error_description":"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."}`,
			finding.InvalidCredentials, "invalid_client", tClientSecret},
		// source: Zendesk announcement 11093380955674 (invalid_scope for scopes outside Allowed scopes; body unseen)
		{"scope not allowed", 400, `{"error":"invalid_scope","error_description":"The requested scope is invalid, unknown, or malformed."}`,
			finding.InvalidScope, "invalid_scope", tScopes},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := servicetest.CheckDecoded(t, profileDecode, c.status, c.body, c.cat, c.code)
			if _, tg, _ := decode(connector.Answer{StatusCode: c.status, Body: []byte(c.body)}); tg != c.target {
				t.Errorf("target %d, want %d", tg, c.target)
			}
			if f.Path != nil {
				t.Errorf("the profile decoder set a path: %s", f.Path)
			}
		})
	}
}

// TestDecodeLeavesOthersAlone: healthy bodies and other vendors' errors are
// not Zendesk errors.
func TestDecodeLeavesOthersAlone(t *testing.T) {
	for _, body := range []string{
		`{"user":{"id":3613843,"name":"Jane","email":"jane@acme.com","role":"admin"}}`,
		`{"errors":[{"code":"InvalidPaginationDepth","title":"Invalid pagination depth"}]}`,
		`{"ok":false,"error":"invalid_auth"}`,
		`{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`,
		``, `not json`,
	} {
		if f, ok := profileDecode(connector.Answer{StatusCode: 400, Body: []byte(body)}); ok {
			t.Errorf("decoded %q as %+v", body, f)
		}
	}
}

// TestDecodeWrappedForms: diagnose hands the decoder the messages as SDKs
// and connectors print them.
func TestDecodeWrappedForms(t *testing.T) {
	cases := []struct {
		name, text string
		cat        finding.Category
		code       string
	}{
		// source: node-zendesk#151 (the body as a byte Buffer)
		{"node-zendesk buffer", "Error: Zendesk Error (401): Not Authorized\n    at Request._callback\n  statusCode: 401,\n  result: <Buffer 7b 22 65 72 72 6f 72 22 3a 22 43 6f 75 6c 64 6e 27 74 20 61 75 74 68 65 6e 74 69 63 61 74 65 20 79 6f 75 22 7d>,\n  retryAfter: null",
			finding.InvalidCredentials, "Couldn't authenticate you"},
		// source: fprimex/zdesk#58
		{"python zdesk", `zdesk.zdesk.AuthenticationError: '401: b\'{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed or invalid for other reasons."}\' <Response [401]>'`,
			finding.InvalidCredentials, "invalid_token"},
		// source: zenpy#336
		{"python zenpy", `zenpy.lib.exception.APIException: {"error": {"title": "Forbidden", "message": "You do not have access to this page. Please contact the account owner of this help desk for further help."}}`,
			finding.AccessDenied, "Forbidden"},
		// source: singer-io/tap-zendesk (HTTP-error-code message)
		{"tap-zendesk", `HTTP-error-code: 404, Error: There is no help desk configured at this address. This means that the address is available and that you can claim it at http://www.zendesk.com/signup`,
			finding.TenantNotFound, "No help desk"},
		// source: Speedygeek/ZendeskApi_v2#505
		{"C# WebException", "System.Net.WebException: 'The remote server returned an error: (401) Unauthorized.Error content: {\"error\":\"Couldn't authenticate you\"} \n Resource String: users/me.json",
			finding.InvalidCredentials, "Couldn't authenticate you"},
		// source: cloudbees-oss/zendesk-java-client#202 (status only)
		{"java client", `org.zendesk.client.v2.ZendeskResponseException: HTTP/401: Unauthorized`,
			finding.InvalidCredentials, "HTTP 401"},
		// source: seed 003
		{"seed 003", `Get user: Success Get events: Request failed with status code 403`,
			finding.AccessDenied, "HTTP 403"},
		// source: support.zendesk.com community post 4600766234138, as a log line with headers
		{"429 log line", "HTTP 429 retry-after: 17 x-rate-limit: 700 — Number of allowed API requests per minute exceeded",
			finding.RateLimited, "HTTP 429"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := servicetest.CheckDecoded(t, profileDecode, 0, c.text, c.cat, c.code)
			if !recognize(c.text) {
				t.Errorf("not recognised as Zendesk: %s", c.text)
			}
			if c.code == "HTTP 429" && !strings.Contains(strings.Join(f.Remediation, " "), "17 seconds") {
				t.Errorf("Retry-After not read: %v", f.Remediation)
			}
		})
	}
}

// TestDecodeSeedCauses: seed 003's 403 names both causes without the role,
// and the live check tells them apart (live_test.go).
func TestDecodeSeedCauses(t *testing.T) {
	f, _ := profileDecode(connector.Answer{Body: []byte(`Get user: Success Get events: Request failed with status code 403`)})
	text := f.Detail + strings.Join(f.Remediation, " ")
	for _, want := range []string{"admin", "Enterprise"} {
		if !strings.Contains(text, want) {
			t.Errorf("the seed's 403 does not mention %s: %s", want, text)
		}
	}
}

// TestDecodePlanShapes: the plan's decoder places findings on the
// connector's attributes.
func TestDecodePlanShapes(t *testing.T) {
	spec := servicetest.NewSpec("zendesk", servicetest.Set("subdomain", "acme"), servicetest.WithUser("agent@acme.com"), servicetest.WithToken("tok-0123456789"))
	p, _ := plan(spec)
	if p == nil {
		t.Fatal("no plan")
	}
	f, ok := p.Decode(probe.Response{Step: probe.StepAPI, StatusCode: 404, Body: []byte(`{"error":{"title":"No help desk at acme.zendesk.com","message":"There is no help desk configured at this address."}}`)})
	if !ok || f.Path.String() != "zendesk.subdomain" || !strings.Contains(f.Summary, "https://acme.zendesk.com") {
		t.Fatalf("no help desk: %v %+v", ok, f)
	}
	f, _ = p.Decode(probe.Response{Step: probe.StepAPI, StatusCode: 429, Header: http.Header{"Retry-After": {"42"}}, Body: []byte(`Number of allowed API requests per minute exceeded`)})
	if f.Category != finding.RateLimited || !f.Retryable || !strings.Contains(strings.Join(f.Remediation, " "), "42 seconds") {
		t.Fatalf("429: %+v", f)
	}
	f, _ = p.Decode(probe.Response{Step: probe.StepAPI, StatusCode: 403, Body: []byte(`{"error":{"title":"Forbidden","message":"You do not have access to this page."}}`)})
	if f.Path.String() != "auth.username" {
		t.Fatalf("403: %+v", f)
	}
}

func TestRecognize(t *testing.T) {
	for _, text := range []string{
		`GET https://acme.zendesk.com/api/v2/users/me.json: 401`,
		`{"error":"Couldn't authenticate you"}`,
		`Get user: Success Get events: Request failed with status code 403`,
	} {
		if !recognize(text) {
			t.Errorf("not recognised: %s", text)
		}
	}
	for _, text := range []string{
		`{"errors":[{"code":32,"message":"Could not authenticate you."}]}`, // Twitter's
		`{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed or invalid for other reasons."}`,
		`{"error":"Forbidden"}`,
	} {
		if recognize(text) {
			t.Errorf("claimed another vendor's text: %s", text)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"error":"Couldn't authenticate you"}`,
		`{"error":{"title":"Forbidden","message":"You do not have access to this page."}}`,
		`{"user":{"id":null,"name":"Anonymous user"}}`,
		`Number of allowed API requests per minute exceeded`,
		"<Buffer 7b 22 65 72 72 6f 72 22 3a 22 78 22 7d>",
		`{"error":`, "\xff\xfe", `{"error":null,"description":1}`, `{"user":null}`,
	} {
		f.Add(401, seed)
		f.Add(0, seed)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		a := connector.Answer{StatusCode: status, Body: []byte(body), Header: http.Header{"Retry-After": {body}}}
		fd, ok := profileDecode(a)
		_ = recognize(body)
		if !ok {
			return
		}
		if fd.Category == "" || fd.Summary == "" || len(fd.Remediation) == 0 || fd.Severity != finding.Error {
			t.Fatalf("incomplete finding for %q: %+v", body, fd)
		}
		if strings.ContainsAny(fd.Code+fd.Summary, "\r\n") || len(fd.Code) > 100 {
			t.Fatalf("code %q summary %q", fd.Code, fd.Summary)
		}
	})
}
