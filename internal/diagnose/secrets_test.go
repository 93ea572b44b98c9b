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
