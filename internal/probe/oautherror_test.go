package probe_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

func TestDecodeOAuthError(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		cat    finding.Category
		code   string
	}{
		// oidc-provider 9, as observed.
		{401, `{"error":"invalid_client","error_description":"client authentication failed"}`, finding.InvalidCredentials, "invalid_client"},
		{400, `{"error":"invalid_client","error_description":"could not authenticate the client - its client secret is expired"}`, finding.ExpiredCredentials, "invalid_client"},
		{400, `{"error":"invalid_scope","error_description":"requested scope is not allowed","scope":"api:write"}`, finding.InvalidScope, "invalid_scope"},
		{400, `{"error":"invalid_redirect_uri","error_description":"redirect_uri did not match any of the client's registered redirect_uris","state":"x","iss":"http://127.0.0.1:1"}`, finding.RedirectURIMismatch, "invalid_redirect_uri"},
		{400, `{"error":"invalid_grant","error_description":"grant request is invalid"}`, finding.RevokedCredentials, "invalid_grant"},
		{400, `{"error":"invalid_request","error_description":"requested grant type is not allowed for this client"}`, finding.AccessDenied, "invalid_request"},
		// fosite (ORY Hydra) ErrInvalidClient, errors.go: an unknown client and
		// a wrong secret alike; not app_not_found (the live check asks further).
		{401, `{"error":"invalid_client","error_description":"Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method)."}`, finding.InvalidCredentials, "invalid_client"},
		// Other servers' wordings, with trace ids, CRLFs, a BOM and extra fields.
		{400, "\xef\xbb\xbf{\r\n  \"error\": \"invalid_grant\",\r\n  \"error_description\": \"Token has been expired or revoked.\"\r\n}", finding.ExpiredCredentials, "invalid_grant"},
		{400, `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`, finding.InvalidCredentials, "invalid_grant"},
		{400, `{"error":"unauthorized_client","error_description":"The client is not authorized to use the provided grant type.","errorId":"oae123","trace_id":"abc"}`, finding.AccessDenied, "unauthorized_client"},
		{400, `{"error":"unsupported_grant_type"}`, finding.InvalidConfiguration, "unsupported_grant_type"},
		{400, `{"error":"invalid_request","error_description":"redirect_uri_mismatch: The redirect URI is not registered"}`, finding.RedirectURIMismatch, "invalid_request"},
		{503, `{"error":"temporarily_unavailable"}`, finding.ServiceUnavailable, "temporarily_unavailable"},
		{400, `{"error":"consent_required","error_description":"AADSTS65001: The user or administrator has not consented"}`, finding.ConsentRequired, "consent_required"},
		{400, `{"error":"made_up_code"}`, finding.UnexpectedResponse, "made_up_code"},
		{500, `{"error":"made_up_code"}`, finding.ServiceUnavailable, "made_up_code"},
		// Form-encoded, as GitHub's OAuth endpoint answers without Accept: application/json.
		{200, `error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.&error_uri=https%3A%2F%2Fdocs`, finding.UnexpectedResponse, "bad_verification_code"},
		{401, `error=invalid_client`, finding.InvalidCredentials, "invalid_client"},
	} {
		f, ok := probe.DecodeOAuthError(tc.status, []byte(tc.body))
		if !ok || f.Category != tc.cat || f.Code != tc.code || f.Severity != finding.Error {
			t.Errorf("%.60q: got %v %s %q, want %s %q", tc.body, ok, f.Category, f.Code, tc.cat, tc.code)
		}
	}
	for _, body := range []string{
		``, `null`, `[]`, `{"error":{"code":401,"message":"nope"}}`, `{"message":"Bad credentials"}`,
		`<html><body>error=invalid_client</body></html>`, `{"error":"has space"}`, `{"error":""}`, `{"error":1}`, `not json`,
	} {
		if f, ok := probe.DecodeOAuthError(400, []byte(body)); ok {
			t.Errorf("%q decoded as %s %q", body, f.Category, f.Code)
		}
	}
}

func TestDecodeBearerChallenge(t *testing.T) {
	h := http.Header{}
	h.Add("WWW-Authenticate", `Basic realm="x"`)
	h.Add("WWW-Authenticate", `Bearer realm="example", error="insufficient_scope", error_description="needs \"read:org\"", scope="read:org"`)
	f, ok := probe.DecodeBearerChallenge(403, h)
	if !ok || f.Category != finding.InsufficientScope || !strings.Contains(f.Detail, "read:org") {
		t.Fatalf("got %v %+v", ok, f)
	}
	h = http.Header{"Www-Authenticate": {`Bearer error=invalid_token, error_description="The access token expired"`}}
	if f, ok := probe.DecodeBearerChallenge(401, h); !ok || f.Category != finding.ExpiredCredentials {
		t.Fatalf("got %v %+v", ok, f)
	}
	if _, ok := probe.DecodeBearerChallenge(401, http.Header{"Www-Authenticate": {`Bearer realm="x"`}}); ok {
		t.Fatal("a challenge without error decoded")
	}
}

// FuzzDecodeOAuthError: any body decodes without panicking into a known
// category, with printable, bounded texts.
func FuzzDecodeOAuthError(f *testing.F) {
	for _, seed := range []string{
		`{"error":"invalid_client","error_description":"client authentication failed"}`,
		`{"error":"invalid_scope","error_description":"requested scope is not allowed","scope":"api:write"}`,
		"\xef\xbb\xbf{\"error\":\"invalid_grant\",\"error_description\":\"expired\\u0000\\n\"}",
		`error=invalid_client&error_description=bad`,
		`{"error":"x","error_description":` + strings.Repeat(`"a`, 3) + `}`,
		`{"error":"\u2028","error_description":"` + strings.Repeat("é", 400) + `"}`,
	} {
		f.Add(400, []byte(seed))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		fd, ok := probe.DecodeOAuthError(status, body)
		if !ok {
			return
		}
		if !slices.Contains(finding.Categories, fd.Category) || fd.Severity != finding.Error || fd.Summary == "" {
			t.Fatalf("bad finding %+v", fd)
		}
		for _, s := range []string{fd.Code, fd.Summary, fd.Detail} {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\r\n") {
				t.Fatalf("unprintable text %q", s)
			}
		}
		if len(fd.Code) > 100 || len(fd.Detail) > 1200 {
			t.Fatalf("unbounded text: code %d, detail %d bytes", len(fd.Code), len(fd.Detail))
		}
	})
}

// FuzzDecodeBearerChallenge: any WWW-Authenticate value parses without
// panicking or looping.
func FuzzDecodeBearerChallenge(f *testing.F) {
	for _, seed := range []string{
		`Bearer realm="example", error="invalid_token", error_description="expired"`,
		`Bearer error=insufficient_scope,scope="a b"`, `Bearer ="x"`, `Bearer error="\"`, `,,, =,=`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		fd, ok := probe.DecodeBearerChallenge(401, http.Header{"Www-Authenticate": {v}})
		if ok && !slices.Contains(finding.Categories, fd.Category) {
			t.Fatalf("bad category %q", fd.Category)
		}
	})
}
