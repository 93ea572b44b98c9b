package diagnose

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
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
		got := redact(c.in)
		for _, g := range c.gone {
			if strings.Contains(got, g) {
				t.Errorf("redact(%q) = %q: still holds %q", c.in, got, g)
			}
		}
		for _, k := range c.keep {
			if !strings.Contains(got, k) {
				t.Errorf("redact(%q) = %q: lost %q", c.in, got, k)
			}
		}
		if c.exactq != "" && got != c.exactq {
			t.Errorf("redact(%q) = %q, want it unchanged", c.in, got)
		}
		if again := redact(got); again != got {
			t.Errorf("redact is not idempotent: %q -> %q", got, again)
		}
	}
}

// TestDiagnoseNeverEchoesSecrets checks every text of a Result.
func TestDiagnoseNeverEchoesSecrets(t *testing.T) {
	t.Parallel()
	secrets := []string{testJWT, testSlack, testGHP, testGHPat, testOpaque, testSecretVal}
	messages := []struct {
		status int
		text   string
	}{
		{401, `{"error":"invalid_token","error_description":"token ` + testGHP + ` is not valid"}`},
		{401, `{"error":"invalid_client","error_description":"client_secret=` + testSecretVal + ` rejected"}`},
		{400, `{"error":"invalid_grant","error_description":"assertion ` + testJWT + ` expired"}`},
		{200, `{"ok":false,"error":"invalid_auth","warning":"token ` + testSlack + `"}`},
		{0, `Get "https://api.example.com/v1?access_token=` + testSecretVal + `": dial tcp 1.2.3.4:443: connect: connection refused`},
		{0, "Request headers: Authorization: Bearer " + testJWT + "\nresponse: HTTP/1.1 401 Unauthorized"},
		{401, "Authorization: SSWS " + testOpaque + "\r\n" + `{"errorCode":"E0000011","errorSummary":"Invalid token provided: ` + testOpaque + `"}`},
		{403, `{"message":"Bad credentials for ` + testGHPat + `"}`},
		{0, "unclassifiable text mentioning " + testOpaque},
	}
	for _, m := range messages {
		r := Diagnose(nil, "", m.status, m.text)
		checkShape(t, r)
		for _, s := range resultTexts(r) {
			for _, secret := range secrets {
				if strings.Contains(s, secret) || strings.Contains(s, secret[len(secret)/2:]) {
					t.Errorf("Diagnose(%q) echoes a secret in %q", m.text, s)
				}
			}
		}
	}
}

// TestRedactedInputStillDecodes: redaction keeps bodies decodable.
func TestRedactedInputStillDecodes(t *testing.T) {
	t.Parallel()
	body := `{"error":"invalid_grant","error_description":"Token has been expired or revoked.","refresh_token":"1//0gAbCdEfGhIjKlMnOpQrStUvWxYz0123456789","access_token":"` + testJWT + `"}`
	r := Diagnose(nil, "", 400, body)
	check(t, r, want{category: finding.ExpiredCredentials, code: "invalid_grant"})
}

func resultTexts(r Result) []string {
	return append([]string{r.Code, r.Summary, r.Cause}, r.Remediation...)
}
