package redact

import (
	"strings"
	"testing"
)

// Secrets used by the tests; none is real.
const (
	testJWT       = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiYXVkIjoiYXBpIn0.c2lnbmF0dXJlX2hlcmVfYWJjMTIz"
	testSlack     = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
	testSlackRot  = "xoxe.xoxp-1-Mi0yLTEyMzQ1Njc4OTAtMTIzNDU2Nzg5MA"
	testGHP       = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
	testGHPat     = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
	testGHS       = "ghs_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
	testOpaque    = "00QCjAl4MlV-WPXM-Bfp2xHBcF1wLzYa0Zk9mXQqRTu"
	testSecretVal = "S3cr3t~Value.with.dots"
)

func TestRedact(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in     string
		gone   []string // must not survive
		keep   []string // must survive
		exactq string   // optional exact output
	}{
		{in: "Authorization: Bearer " + testJWT, gone: []string{testJWT, "eyJhbGciOi"}, keep: []string{"Authorization: Bearer"}},
		{in: `{"headers":{"Authorization":"Bearer abc123def456ghi789"}}`, gone: []string{"abc123def456ghi789"}, keep: []string{`"Authorization"`}},
		{in: "token " + testGHP + " was rejected", gone: []string{testGHP[4:]}, keep: []string{"ghp_", "was rejected"}},
		{in: "fine-grained " + testGHPat, gone: []string{testGHPat[11:]}, keep: []string{"github_pat_"}},
		{in: "installation token " + testGHS, gone: []string{testGHS[4:]}},
		{in: `{"ok":false,"error":"invalid_auth","token":"` + testSlack + `"}`, gone: []string{testSlack[5:]}, keep: []string{"invalid_auth", "xoxb-"}},
		{in: "rotating " + testSlackRot, gone: []string{"Mi0yLTEyMzQ1Njc4OTAtMTIzNDU2Nzg5MA"}},
		{in: "Authorization: SSWS " + testOpaque, gone: []string{testOpaque}, keep: []string{"SSWS"}},
		{in: "POST /token?grant_type=client_credentials&client_secret=" + testSecretVal + "&scope=x", gone: []string{testSecretVal}, keep: []string{"grant_type=client_credentials", "scope=x"}},
		{in: "access_token=abc&token_type=bearer", gone: []string{"access_token=abc"}, keep: []string{"token_type=bearer"}},
		{in: `{'refresh_token': 'short', 'password': 'hunter2'}`, gone: []string{"short", "hunter2"}},
		{in: `"client_secret": "` + testSecretVal + `"`, gone: []string{testSecretVal}},
		{in: "https://app.example.com/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj", gone: []string{"SplxlOBeZQQYbYS6WxSbIA"}, keep: []string{"state=af0ifjsldkj"}},
		{in: "Authorization: Basic dXNlcjpwYXNzd29yZA==", gone: []string{"dXNlcjpwYXNzd29yZA=="}},
		{in: "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", gone: []string{"MIIEpAIBAAKCAQEA"}},
		{in: "key AKIAIOSFODNN7EXAMPLE in use", gone: []string{"AKIAIOSFODNN7EXAMPLE"}},
		{in: "x-api-key: " + testOpaque, gone: []string{testOpaque}},

		// What must stay readable.
		{in: `WWW-Authenticate: Bearer realm="example", error="invalid_token", error_description="The access token expired"`,
			exactq: `WWW-Authenticate: Bearer realm="example", error="invalid_token", error_description="The access token expired"`},
		{in: "The access token provided is expired, revoked, malformed or invalid for other reasons.",
			exactq: "The access token provided is expired, revoked, malformed or invalid for other reasons."},
		{in: "AADSTS7000215: Invalid client secret provided for app '0f3b1c2d-0000-4000-8000-000000000001'. Trace ID: 6A1E2F3C-1D2E-4F5A-8B9C-0D1E2F3A4B5C",
			exactq: "AADSTS7000215: Invalid client secret provided for app '0f3b1c2d-0000-4000-8000-000000000001'. Trace ID: 6A1E2F3C-1D2E-4F5A-8B9C-0D1E2F3A4B5C"},
		{in: "https://login.microsoftonline.com/error?code=7000215", exactq: "https://login.microsoftonline.com/error?code=7000215"},
		{in: `{"error":"invalid_token","token_type":"Bearer","errorCode":"E0000011"}`, exactq: `{"error":"invalid_token","token_type":"Bearer","errorCode":"E0000011"}`},
		{in: "https://docs.github.com/rest/users/users#get-the-authenticated-user", exactq: "https://docs.github.com/rest/users/users#get-the-authenticated-user"},
	}
	for _, c := range cases {
		got := Text(c.in)
		for _, g := range c.gone {
			if strings.Contains(got, g) {
				t.Errorf("Text(%q) = %q: still holds %q", c.in, got, g)
			}
		}
		for _, k := range c.keep {
			if !strings.Contains(got, k) {
				t.Errorf("Text(%q) = %q: lost %q", c.in, got, k)
			}
		}
		if c.exactq != "" && got != c.exactq {
			t.Errorf("Text(%q) = %q, want it unchanged", c.in, got)
		}
		if again := Text(got); again != got {
			t.Errorf("redact is not idempotent: %q -> %q", got, again)
		}
	}
}

func TestValues(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in      string
		secrets []string
		want    string
	}{
		{"token abc123def456 rejected", []string{"abc123def456"}, "token [REDACTED] rejected"},
		// Longest first: a secret containing another is replaced whole.
		{"key s3cr3t-long-value", []string{"s3cr3t", "s3cr3t-long-value"}, "key [REDACTED]"},
		// Too short to replace safely.
		{"abc is fine", []string{"abc", ""}, "abc is fine"},
		{"nothing to do", nil, "nothing to do"},
	} {
		if got := Values(c.in, c.secrets); got != c.want {
			t.Errorf("Values(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
