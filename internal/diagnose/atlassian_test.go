package diagnose_test

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// TestDiagnoseAtlassian: Atlassian's raw bodies and the exception texts of
// the SDKs and connectors that wrap them, through the catalog, with the
// service named and inferred.
func TestDiagnoseAtlassian(t *testing.T) {
	ogDiagnose(t, "atlassian", []ogCase{
		// source: seed 003 (Defender for Cloud Apps app connector errors)
		{"seed 003: no Atlassian Guard", 0, "Get events: Request failed with status code 402. Payment Required. Audit Log Entitlement validation failed",
			finding.LicenseRequired, "Audit Log Entitlement validation failed", "Atlassian Guard Standard", false},
		// source: jira-node/node-jira-client#255, with the headers pycontribs prints (bugwarrior#689)
		{"pycontribs JIRAError with headers", 0, "jira.exceptions.JIRAError: JiraError HTTP 401 url: https://acme.atlassian.net/rest/api/2/myself\n\ttext: Client must be authenticated to access this resource.\n\tresponse headers = {'X-AREQUESTID': '1a2b3c', 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED', 'ATL-TraceId': '6ccb0192555dd5ff', 'Content-Type': 'text/html;charset=UTF-8'}\n\tresponse text = <html><head><title>Unauthorized (401)</title></head></html>",
			finding.InvalidCredentials, "AUTHENTICATED_FAILED", "id.atlassian.com", false},
		// source: raycast/extensions#11212
		{"Node: scope does not match", 0, "Error: {\"code\":401,\"message\":\"Unauthorized; scope does not match\"}\n    at /app/node_modules/jira.js/out/clients/baseClient.js:101:15",
			finding.InsufficientScope, "scope does not match", "read:jira-user", false},
		// source: Atlassian 3LO FAQ (microsoft/generative-ai-for-beginners#342)
		{"rotated refresh token", 403, `{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}`,
			finding.RevokedCredentials, "invalid_grant", "10-minute", false},
		// source: elastic/integrations#3684
		{"account password", 401, "server responded with status code 401: Basic authentication with passwords is deprecated.  For more information, see: https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/",
			finding.InvalidCredentials, "deprecation-notice-basic-auth", "API token", false},
		// source: kovetskiy/mark#493 (escaped JSON in a Go error)
		{"Go: no Confluence access", 0, `Confluence API returned unexpected status: 403 Forbidden, output: "{\"message\":\"Current user not permitted to use Confluence\",\"statusCode\":403}"`,
			finding.AccessDenied, "HTTP 403", "User access", false},
		// source: raycast/extensions#29015, with a trace id and CRLFs
		{"rate limited, trace id", 429, "{\"errorMessages\":[\"The request has been rate-limited. Please try again later.\"],\"errors\":{},\"status\":429}\r\nATL-TraceId: 4f2a1b9c8d7e6f50\r\n",
			finding.RateLimited, "HTTP 429", "RateLimit-Reason", false},
		// source: prometheus/alertmanager#4609
		{"site does not exist", 404, `<!DOCTYPE html><html><head><title>Atlassian Cloud Notifications - Page Unavailable</title></head><body><h1>Page unavailable</h1></body></html>`,
			finding.TenantNotFound, "Page unavailable", "atlassian.site", false},
		// source: gioboa/jira-plugin#26 (header text)
		{"CAPTCHA header in a dump", 403, "HTTP/1.1 403 Forbidden\r\nX-Seraph-LoginReason: AUTHENTICATION_DENIED\r\nX-Authentication-Denied-Reason: CAPTCHA_CHALLENGE; login-url=https://acme.atlassian.net/login.jsp\r\n\r\n",
			finding.PolicyBlocked, "CAPTCHA_CHALLENGE", "CAPTCHA", false},
	})
}
