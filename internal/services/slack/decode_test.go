package slack

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// TestSlackDecode runs the decoder on bodies as Slack and its SDKs print
// them (shapes from the reference, Slack's method docs and public issues).
func TestSlackDecode(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		cat    finding.Category
		code   string
	}{
		{"invalid_auth", 200, `{"ok":false,"error":"invalid_auth"}`, finding.InvalidCredentials, "invalid_auth"},
		{"not_authed", 200, `{"ok":false,"error":"not_authed"}`, finding.InvalidCredentials, "not_authed"},
		{"token_revoked", 200, `{"ok":false,"error":"token_revoked"}`, finding.RevokedCredentials, "token_revoked"},
		{"token_expired", 200, `{"ok":false,"error":"token_expired"}`, finding.ExpiredCredentials, "token_expired"},
		{"account_inactive", 200, `{"ok":false,"error":"account_inactive"}`, finding.AccountDisabled, "account_inactive"},
		{"missing_scope with needed, provided and warnings", 200, `{"ok":false,"error":"missing_scope","needed":"chat:write:bot","provided":"identify,bot,incoming-webhook,channels:read,channels:write,chat:write","warning":"missing_charset","response_metadata":{"warnings":["missing_charset"]}}`, finding.InsufficientScope, "missing_scope"},
		{"team_access_not_granted", 200, `{"ok":false,"error":"team_access_not_granted"}`, finding.AccessDenied, "team_access_not_granted"},
		{"team_not_authorized (Discovery API)", 0, "team_not_authorized", finding.FeatureDisabled, "team_not_authorized"},
		{"ratelimited", 429, "{\"ok\":false,\"error\":\"ratelimited\"}", finding.RateLimited, "ratelimited"},
		{"slack_sdk exception, Python dict", 0, "slack_sdk.errors.SlackApiError: The request to the Slack API failed. (url: https://slack.com/api/auth.test, status: 200)\nThe server responded with: {'ok': False, 'error': 'invalid_auth'}", finding.InvalidCredentials, "invalid_auth"},
		{"slack_sdk missing_scope", 0, "The request to the Slack API failed. (url: https://www.slack.com/api/conversations.list)\nThe server responded with: {'ok': False, 'error': 'missing_scope', 'needed': 'channels:read', 'provided': 'chat:write,users:read'}", finding.InsufficientScope, "missing_scope"},
		{"Node SDK", 0, "Error: An API error occurred: token_revoked\n    at platformErrorFromResult (/app/node_modules/@slack/web-api/dist/errors.js:62:33)", finding.RevokedCredentials, "token_revoked"},
		{"Ruby client", 0, "Slack::Web::Api::Errors::SlackError: account_inactive", finding.AccountDisabled, "account_inactive"},
		{"Elixir client", 0, "Slack API returned an error `invalid_auth.\n Response: {\"ok\":false,\"error\":\"invalid_auth\"}", finding.InvalidCredentials, "invalid_auth"},
		{"refresh token refused", 200, `{"ok":false,"error":"invalid_refresh_token"}`, finding.RevokedCredentials, "invalid_refresh_token"},
		{"wrong client secret", 200, `{"ok":false,"error":"bad_client_secret"}`, finding.InvalidCredentials, "bad_client_secret"},
		{"app-level token", 200, `{"ok":false,"error":"not_allowed_token_type"}`, finding.InvalidConfiguration, "not_allowed_token_type"},
		{"unknown code is kept", 200, `{"ok":false,"error":"something_new"}`, finding.UnexpectedResponse, "something_new"},
		{"internal error", 200, `{"ok":false,"error":"fatal_error"}`, finding.ServiceUnavailable, "fatal_error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := decode(connector.Answer{StatusCode: tc.status, Body: []byte(tc.body)})
			if !ok || f.Category != tc.cat || f.Code != tc.code {
				t.Fatalf("got %v %s %q, want %s %q\n%+v", ok, f.Category, f.Code, tc.cat, tc.code, f)
			}
			if f.Summary == "" || f.Detail == "" || len(f.Remediation) == 0 || strings.HasSuffix(f.Summary, ".") {
				t.Fatalf("finding not in house style: %+v", f)
			}
		})
	}
	f, _ := decode(connector.Answer{Body: []byte(`{'ok': False, 'error': 'missing_scope', 'needed': 'channels:read', 'provided': 'chat:write'}`)})
	if !strings.Contains(f.Summary, "channels:read") || !strings.Contains(f.Detail, "chat:write") {
		t.Fatalf("needed/provided not named: %+v", f)
	}
	for _, text := range []string{`{"ok":true,"team_id":"T1"}`, "", `{"message":"Bad credentials"}`, "connection refused"} {
		if f, ok := decode(connector.Answer{StatusCode: 200, Body: []byte(text)}); ok {
			t.Errorf("decode(%q) claimed it: %+v", text, f)
		}
	}
}

func TestSlackRecognize(t *testing.T) {
	for _, text := range []string{
		`{"ok":false,"error":"channel_not_found"}`,
		"{'ok': False, 'error': 'not_in_channel'}",
		"SlackApiError: The request to the Slack API failed.",
		"An API error occurred: missing_scope",
		"team_access_not_granted",
	} {
		if !slackRecognize(text) {
			t.Errorf("slackRecognize(%q) = false", text)
		}
	}
	for _, text := range []string{`{"error":"invalid_client"}`, "Bad credentials", "my_invalid_auth_helper failed", `{"errorCode":"E0000011"}`} {
		if slackRecognize(text) {
			t.Errorf("slackRecognize(%q) = true", text)
		}
	}
}
