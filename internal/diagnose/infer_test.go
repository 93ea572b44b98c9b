package diagnose

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// fakeCatalog has profiles with hooks shaped like the vendors': one that
// decodes AADSTS codes, one for Slack-style bodies, one that recognises but
// never decodes, one without hooks and one whose hooks panic.
func fakeCatalog(calls *[]string) *connector.Catalog {
	record := func(s string) {
		if calls != nil {
			*calls = append(*calls, s)
		}
	}
	return connector.NewCatalog(
		&connector.Profile{
			ID:        "entra_id",
			Recognize: func(text string) bool { return strings.Contains(text, "AADSTS") },
			Decode: kit.TextDecoder(func(status int, body string) (finding.Finding, bool) {
				record("entra_id:" + body[:min(len(body), 12)])
				if !strings.HasPrefix(strings.TrimSpace(body), "{") {
					return finding.Finding{}, false // only JSON, like a real decoder
				}
				if strings.Contains(body, "AADSTS7000222") {
					return finding.Finding{Category: finding.ExpiredCredentials, Code: "AADSTS7000222",
						Summary: "Entra ID client secret has expired (AADSTS7000222)", Detail: "its keys expired",
						Remediation: []string{"Create a new client secret."}}, true
				}
				if strings.Contains(body, "AADSTS90002") {
					return finding.Finding{Category: finding.TenantNotFound, Code: "AADSTS90002", Summary: "Tenant not found"}, true
				}
				return finding.Finding{}, false
			}),
		},
		&connector.Profile{
			ID:        "slack",
			Recognize: func(text string) bool { return strings.Contains(text, `"ok":false`) },
			Decode: kit.TextDecoder(func(status int, body string) (finding.Finding, bool) {
				record("slack")
				if strings.Contains(body, `"error":"token_revoked"`) {
					return finding.Finding{Category: finding.RevokedCredentials, Code: "token_revoked", Summary: "Slack token revoked"}, true
				}
				return finding.Finding{}, false
			}),
		},
		&connector.Profile{
			ID:        "microsoft_365",
			Recognize: func(text string) bool { return strings.Contains(text, "AADSTS") || strings.Contains(text, "AF200") },
		},
		&connector.Profile{ID: "box"},
		&connector.Profile{
			ID:        "zendesk",
			Recognize: func(text string) bool { panic("recognize boom") },
			Decode:    kit.TextDecoder(func(int, string) (finding.Finding, bool) { panic("decode boom") }),
		},
		&connector.Profile{
			ID: "okta",
			Decode: kit.TextDecoder(func(status int, body string) (finding.Finding, bool) {
				// A sloppy decoder: empty and unknown categories are normalised.
				if strings.Contains(body, "E0000011") {
					return finding.Finding{Category: "", Code: "E0000011"}, true
				}
				if strings.Contains(body, "E0000999") {
					return finding.Finding{Category: "not_a_category", Code: "E0000999", Summary: "odd"}, true
				}
				return finding.Finding{}, false
			}),
		},
	)
}

const entraExpired = `{"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys for app '0f3b' are expired.\r\nTrace ID: 1","error_codes":[7000222]}`

func TestInference(t *testing.T) {
	t.Parallel()
	c := fakeCatalog(nil)
	cases := []struct {
		name     string
		service  string
		status   int
		text     string
		want     want
		service2 string // Result.Service
	}{
		{"given service decodes", "entra_id", 401, entraExpired,
			want{category: finding.ExpiredCredentials, code: "AADSTS7000222", summary: "Entra ID"}, "entra_id"},
		{"inferred from AADSTS", "", 401, entraExpired,
			want{category: finding.ExpiredCredentials, code: "AADSTS7000222"}, "entra_id"},
		{"inferred, body wrapped in exception text", "", 0, "MsalServiceException: " + entraExpired,
			want{category: finding.ExpiredCredentials, code: "AADSTS7000222"}, "entra_id"},
		{"inferred, profile declines: generic decoders run, service still named", "", 400,
			`{"error":"invalid_grant","error_description":"AADSTS70008: The provided authorization code or refresh token has expired due to inactivity."}`,
			want{category: finding.ExpiredCredentials, code: "invalid_grant"}, "entra_id"},
		{"slack inferred", "", 200, `{"ok":false,"error":"token_revoked"}`,
			want{category: finding.RevokedCredentials, code: "token_revoked"}, "slack"},
		{"given service without hooks: generic decoders", "box", 400, `{"error":"invalid_grant","error_description":"Invalid refresh token"}`,
			want{category: finding.RevokedCredentials, code: "invalid_grant"}, "box"},
		{"given service is not inferred away", "box", 401, entraExpired,
			want{category: finding.ExpiredCredentials, code: "invalid_client"}, "box"},
		{"unknown service id infers", "nope", 401, entraExpired,
			want{category: finding.ExpiredCredentials, code: "AADSTS7000222"}, "entra_id"},
		{"recognised by nobody", "", 401, `{"message":"Bad credentials"}`,
			want{category: finding.InvalidCredentials, code: "HTTP 401"}, ""},
		{"panicking hooks are skipped", "zendesk", 401, `{"error":"invalid_token","error_description":"The access token provided is expired"}`,
			want{category: finding.ExpiredCredentials, code: "invalid_token"}, "zendesk"},
		{"empty category normalised, summary filled in", "okta", 401, `{"errorCode":"E0000011"}`,
			want{category: finding.UnexpectedResponse, code: "E0000011", summary: "E0000011"}, "okta"},
		{"unknown category normalised", "okta", 401, `{"errorCode":"E0000999"}`,
			want{category: finding.UnexpectedResponse, code: "E0000999"}, "okta"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := Diagnose(c, tc.service, tc.status, tc.text)
			check(t, r, tc.want)
			if r.Service != tc.service2 {
				t.Errorf("service = %q, want %q", r.Service, tc.service2)
			}
		})
	}
}

// TestInferenceOrder: profiles are tried in service-id order, and each
// decoder sees the whole message first, then the JSON embedded in it.
func TestInferenceOrder(t *testing.T) {
	t.Parallel()
	var calls []string
	c := fakeCatalog(&calls)
	r := Diagnose(c, "", 0, "TokenRefreshException: "+entraExpired)
	if r.Service != "entra_id" || r.Category != finding.ExpiredCredentials {
		t.Fatalf("got %+v", r)
	}
	want := []string{"entra_id:TokenRefresh", "entra_id:" + entraExpired[:12]}
	if strings.Join(calls, "|") != strings.Join(want, "|") {
		t.Errorf("calls = %q, want %q", calls, want)
	}
}

func TestHookPanicsAreReported(t *testing.T) {
	t.Parallel()
	var got []string
	onPanic := func(service, hook string, _ any) { got = append(got, service+"."+hook) }
	diagnose(fakeCatalog(nil), "", 0, "anything", onPanic)
	diagnose(fakeCatalog(nil), "zendesk", 0, "anything", onPanic)
	if strings.Join(got, ",") != "zendesk.Recognize,zendesk.Decode" {
		t.Errorf("panics reported: %q", got)
	}
}
