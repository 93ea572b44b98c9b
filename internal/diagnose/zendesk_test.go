package diagnose_test

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Zendesk's errors as users paste them: raw bodies, SDK exceptions and
// seed 003's connector text; the service given and inferred.
func TestDiagnoseZendesk(t *testing.T) {
	ogDiagnose(t, "zendesk", []ogCase{
		// source: Speedygeek/ZendeskApi_v2#505 (C# WebException with the body and headers)
		{"C# wrong API token", 0, "System.Net.WebException: 'The remote server returned an error: (401) Unauthorized.Error content: {\"error\":\"Couldn't authenticate you\"}\r\nResource String: users/me.json\r\nWWW-Authenticate: Basic realm=\"Web Password\"\r\nX-Zendesk-Origin-Server: app21.pod17.usw2.zdsys.com",
			finding.InvalidCredentials, "Couldn't authenticate you", "API tokens", false},
		// source: node-zendesk#151 (body as a byte Buffer)
		{"node-zendesk buffer", 0, "Error: Zendesk Error (401): Not Authorized\n  statusCode: 401,\n  result: <Buffer 7b 22 65 72 72 6f 72 22 3a 22 43 6f 75 6c 64 6e 27 74 20 61 75 74 68 65 6e 74 69 63 61 74 65 20 79 6f 75 22 7d>",
			finding.InvalidCredentials, "Couldn't authenticate you", "API tokens", false},
		// source: fprimex/zdesk#58
		{"zdesk invalid_token", 0, `zdesk.zdesk.AuthenticationError: '401: b\'{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed or invalid for other reasons."}\' <Response [401]>'`,
			finding.InvalidCredentials, "invalid_token", "auth.username", false},
		// source: zenpy#336
		{"zenpy forbidden", 0, `zenpy.lib.exception.APIException: {"error": {"title": "Forbidden", "message": "You do not have access to this page. Please contact the account owner of this help desk for further help."}}`,
			finding.AccessDenied, "Forbidden", "admin", false},
		// source: support.zendesk.com community post 4485954843162
		{"missing scope", 403, `{"error":"Forbidden","description":"You are missing the following required scopes: read"}`,
			finding.InsufficientScope, "Forbidden", "required_scopes", true},
		// source: singer-io/tap-zendesk; dust-tt/dust#10974
		{"no help desk", 0, `HTTP-error-code: 404, Error: There is no help desk configured at this address. This means that the address is available and that you can claim it at http://www.zendesk.com/signup`,
			finding.TenantNotFound, "No help desk", "Brand management", false},
		// source: support.zendesk.com community post 4600766234138
		{"rate limit", 429, `Number of allowed API requests per minute exceeded`,
			finding.RateLimited, "HTTP 429", "High Volume", false},
		// source: seed 003 (Microsoft Defender for Cloud Apps' Zendesk connector)
		{"seed 003", 0, `Get user: Success Get events: Request failed with status code 403`,
			finding.AccessDenied, "HTTP 403", "Enterprise", false},
		// source: node-zendesk#152; live-probe notes (users/me as the anonymous visitor)
		{"anonymous users/me", 200, `{"user":{"id":null,"url":null,"name":"Anonymous user","role":"end-user"}}`,
			finding.InvalidCredentials, "ZENDESK-ANONYMOUS", "API token", true},
	})
}
