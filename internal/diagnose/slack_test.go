package diagnose_test

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestDiagnoseSlack(t *testing.T) {
	runVendorCases(t, "slack", []vendorCase{
		{name: "invalid_auth", service: "slack", status: 200, message: `{"ok":false,"error":"invalid_auth"}`,
			category: finding.InvalidCredentials, code: "invalid_auth", fixHas: "OAuth & Permissions"},
		{name: "invalid_auth, inferred", status: 200, message: `{"ok":false,"error":"invalid_auth"}`,
			category: finding.InvalidCredentials, code: "invalid_auth"},
		{name: "not_authed", status: 200, message: `{"ok":false,"error":"not_authed"}`,
			category: finding.InvalidCredentials, code: "not_authed"},
		{name: "token_revoked", status: 200, message: `{"ok":false,"error":"token_revoked"}`,
			category: finding.RevokedCredentials, code: "token_revoked", fixHas: "Reinstall"},
		{name: "token_expired (rotation)", service: "slack", status: 200, message: `{"ok":false,"error":"token_expired"}`,
			category: finding.ExpiredCredentials, code: "token_expired", fixHas: "refresh token"},
		{name: "account_inactive", status: 0, message: `{"ok":false,"error":"account_inactive"}`,
			category: finding.AccountDisabled, code: "account_inactive"},
		{name: "missing_scope with needed, provided and warnings", status: 200,
			message:  `{"ok":false,"error":"missing_scope","needed":"chat:write:bot","provided":"identify,bot,incoming-webhook,channels:read,channels:write,chat:write","warning":"missing_charset","response_metadata":{"warnings":["missing_charset"]}}`,
			category: finding.InsufficientScope, code: "missing_scope", fixHas: "reinstall"},
		{name: "team_access_not_granted", status: 200, message: `{"ok":false,"error":"team_access_not_granted"}`,
			category: finding.AccessDenied, code: "team_access_not_granted"},
		{name: "team_not_authorized, as Defender for Cloud Apps shows it", status: 0, message: "team_not_authorized",
			category: finding.FeatureDisabled, code: "team_not_authorized", fixHas: "Discovery API"},
		{name: "ratelimited with Retry-After", status: 429, message: "HTTP 429 Too Many Requests\r\nRetry-After: 30\r\n\r\n{\"ok\":false,\"error\":\"ratelimited\"}",
			category: finding.RateLimited, code: "ratelimited", retryable: true},
		{name: "slack_sdk exception, Python dict", status: 0,
			message:  "slack_sdk.errors.SlackApiError: The request to the Slack API failed. (url: https://slack.com/api/apps.connections.open, status: 200)\nThe server responded with: {'ok': False, 'error': 'invalid_auth'}",
			category: finding.InvalidCredentials, code: "invalid_auth"},
		{name: "slack_sdk missing_scope, Python dict", status: 0,
			message:  "The request to the Slack API failed. (url: https://www.slack.com/api/conversations.list)\nThe server responded with: {'ok': False, 'error': 'missing_scope', 'needed': 'channels:read', 'provided': 'chat:write,users:read', 'warning': 'missing_charset', 'response_metadata': {'warnings': ['missing_charset']}}",
			category: finding.InsufficientScope, code: "missing_scope"},
		{name: "Node SDK", status: 0,
			message:  "Error: An API error occurred: token_revoked\n    at platformErrorFromResult (/app/node_modules/@slack/web-api/dist/errors.js:62:33)",
			category: finding.RevokedCredentials, code: "token_revoked"},
		{name: "Ruby client", status: 0, message: "Slack::Web::Api::Errors::SlackError: account_inactive",
			category: finding.AccountDisabled, code: "account_inactive"},
		{name: "refresh token refused", service: "slack", status: 200, message: `{"ok":false,"error":"invalid_refresh_token"}`,
			category: finding.RevokedCredentials, code: "invalid_refresh_token"},
		{name: "channel_not_found", status: 200, message: `{"ok":false,"error":"channel_not_found"}`,
			category: finding.AccessDenied, code: "channel_not_found", fixHas: "invite"},
		{name: "unknown Slack code keeps the code", service: "slack", status: 200, message: `{"ok":false,"error":"some_future_error","warning":"superfluous_charset"}`,
			category: finding.UnexpectedResponse, code: "some_future_error"},
	})
}
