package diagnose

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/redact"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/vendortext"
)

// guarded returns a copy of c whose hooks report a panic to *panicked
// before Diagnose recovers from it, so the fuzzer finds panics in the real
// vendor decoders too.
func guarded(c *connector.Catalog, panicked *string) *connector.Catalog {
	var ps []*connector.Profile
	for _, p := range c.Profiles() {
		cp := *p
		if dec := p.Decode; dec != nil {
			cp.Decode = func(a connector.Answer) (finding.Finding, bool) {
				status, body := a.StatusCode, string(a.Body)
				defer func() {
					if v := recover(); v != nil {
						*panicked = fmt.Sprintf("%s Decode(%d, %q): %v", cp.ID, status, body, v)
						panic(v)
					}
				}()
				return dec(a)
			}
		}
		if rec := p.Recognize; rec != nil {
			cp.Recognize = func(text string) bool {
				defer func() {
					if v := recover(); v != nil {
						*panicked = fmt.Sprintf("%s Recognize(%q): %v", cp.ID, text, v)
						panic(v)
					}
				}()
				return rec(text)
			}
		}
		ps = append(ps, &cp)
	}
	return connector.NewCatalog(ps...)
}

// plantSecrets builds secrets from seed that any redaction must catch
// wherever they appear: long, mixed-case, with digits.
func plantSecrets(seed string) []string {
	var b strings.Builder
	for _, r := range seed {
		if r < utf8.RuneSelf && vendortext.IsWordByte(byte(r)) && r != '_' {
			b.WriteRune(r)
		}
	}
	body := b.String() + "Az7Qx9Lm3Rt5Vb8Nc2Kd4"
	if len(body) < 36 {
		body += strings.Repeat("Qx9", (36-len(body))/3+1)
	}
	body = body[:min(len(body), 60)]
	return []string{
		"ghp_" + body,
		"xoxb-1234-" + body,
		"eyJ" + body + ".eyJ" + body + "." + body,
		body,
	}
}

func FuzzDiagnose(f *testing.F) {
	seeds := []struct {
		service string
		status  int
		message string
	}{
		{"", 401, entraExpired},
		{"entra_id", 400, `{"error":"invalid_tenant","error_description":"AADSTS90002: Tenant 'x' not found.\r\nTrace ID: 1","error_codes":[90002]}`},
		{"slack", 200, `{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"identify"}`},
		{"github", 403, `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest","status":"403"}`},
		{"okta", 401, `{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oae1","errorCauses":[]}`},
		{"google_workspace", 401, `{"error":"unauthorized_client","error_description":"Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."}`},
		{"", 0, `TokenRefreshException: {"error":"invalid_grant","error_description":"AADSTS70008: expired`},
		{"", 0, `{'error': 'invalid_grant', 'ok': False}`},
		{"", 0, "dial tcp 127.0.0.1:443: connect: connection refused"},
		{"", 0, "x509: certificate is valid for a, b, not c"},
		{"", 0, "WWW-Authenticate: Bearer error=\"invalid_token\""},
		{"", 0, `{"body":"{\"body\":\"{\\\"error\\\":\\\"x\\\"}\"}"}`},
		{"", 0, "{{{{[[[['''\"\"\"\\"},
		{"nope", -5, "\xff\xfe\x00"},
		{"", 999, "error=invalid_grant&error_description=x"},
	}
	for _, s := range seeds {
		f.Add(s.service, s.status, s.message, "seed", uint16(0))
	}
	vendors := services.Catalog()
	ids := append([]string{""}, vendors.IDs()...)

	f.Fuzz(func(t *testing.T, service string, status int, message, seed string, at uint16) {
		// Plant secrets at a fuzzed position, in a few shapes.
		secrets := plantSecrets(seed)
		pos := int(at) % (len(message) + 1)
		planted := message[:pos] + " Authorization: Bearer " + secrets[2] + " " + secrets[0] +
			` {"access_token":"` + secrets[3] + `","t":"` + secrets[1] + `"} ` + message[pos:]

		// One catalog and one service per input keeps executions cheap
		// (the fuzzer minimises new inputs by running them many times).
		var (
			panicked string
			c        *connector.Catalog
		)
		switch at % 3 {
		case 1:
			c = guarded(vendors, &panicked)
		case 2:
			c = fakeCatalog(nil)
		}
		svc := service
		if at&4 != 0 {
			svc = ids[int(at>>3)%len(ids)]
		}

		for _, msg := range []string{message, planted} {
			r := Diagnose(c, svc, status, msg)
			if panicked != "" {
				t.Fatalf("hook panicked: %s", panicked)
			}
			if !slices.Contains(finding.Categories, r.Category) {
				t.Fatalf("category %q is not a finding category", r.Category)
			}
			if r.Summary == "" || r.Remediation == nil {
				t.Fatalf("incomplete result %+v", r)
			}
			if len(r.Cause) > maxCause+8 || len(r.Summary) > maxSummary+8 {
				t.Fatalf("unbounded texts: cause %d, summary %d bytes", len(r.Cause), len(r.Summary))
			}
			for _, s := range resultTexts(r) {
				if !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n") {
					t.Fatalf("text %q is not single-line UTF-8", s)
				}
				if redact.Text(s) != s {
					t.Fatalf("text %q still holds something secret-like: %q", s, redact.Text(s))
				}
				if msg != planted {
					continue
				}
				for _, secret := range secrets {
					if strings.Contains(s, secret) {
						t.Fatalf("secret %q echoed in %q", secret, s)
					}
				}
			}
		}
	})
}
