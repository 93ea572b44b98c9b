package diagnose_test

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Salesforce errors as users paste them: raw answers with their headers,
// log lines, and the exception texts of the client libraries and of
// Microsoft Defender for Cloud Apps (seed 003). The service is inferred
// unless named.
func TestDiagnoseSalesforce(t *testing.T) {
	runVendorCases(t, "salesforce", []vendorCase{
		{name: "ip restricted is a policy block", status: 400,
			message:  "HTTP/1.1 400 Bad Request\r\nCache-Control: no-cache,must-revalidate,max-age=0,no-store,private\r\nContent-Type: application/json;charset=UTF-8\r\n\r\n{\"error\":\"invalid_grant\",\"error_description\":\"ip restricted\"}",
			category: finding.PolicyBlocked, code: "invalid_grant", fixHas: "Login IP Ranges"},
		{name: "tap-salesforce refresh failure (requests)", status: 0,
			message:  "requests.exceptions.HTTPError: 400 Client Error: Bad Request for url: https://login.salesforce.com/services/oauth2/token\n{\"error\":\"invalid_grant\",\"error_description\":\"expired access/refresh token\"}",
			category: finding.ExpiredCredentials, code: "invalid_grant", fixHas: "Refresh Token Rotation"},
		{name: "JWT user not pre-authorized (sf CLI)", status: 0,
			message:  "ERROR running force:auth:jwt:grant:  Error authenticating with JWT config due to: user hasn't approved this consumer",
			category: finding.ConsentRequired, code: "invalid_grant", fixHas: "pre-authorized"},
		{name: "consumer key unknown (restforce)", status: 0,
			message:  "Restforce::AuthenticationError (invalid_client_id: client identifier invalid)",
			category: finding.AppNotFound, code: "invalid_client_id", fixHas: "Consumer Key"},
		{name: "flow not enabled", service: "salesforce", status: 400,
			message:  `{"error":"unsupported_grant_type","error_description":"grant type not supported"}`,
			category: finding.FeatureDisabled, code: "unsupported_grant_type", fixHas: "Enable Client Credentials Flow"},
		{name: "session expired (simple-salesforce)", status: 0,
			message:  "simple_salesforce.exceptions.SalesforceExpiredSession: Expired session for https://acme.my.salesforce.com/services/data/v59.0/query/. Response content: [{'message': 'Session expired or invalid', 'errorCode': 'INVALID_SESSION_ID'}]",
			category: finding.ExpiredCredentials, code: "INVALID_SESSION_ID", fixHas: "Session Settings"},
		{name: "REST API off (jsforce)", status: 0,
			message:  "API_DISABLED_FOR_ORG: The REST API is not enabled for this Organization.\n    at HttpApi.getError (node_modules/jsforce/lib/http-api.js:250:13)",
			category: finding.LicenseRequired, code: "API_DISABLED_FOR_ORG", fixHas: "API Enabled"},
		{name: "daily limit, with the limit header", status: 403,
			message:  "Sforce-Limit-Info: api-usage=100012/100000\n[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]",
			category: finding.RateLimited, code: "REQUEST_LIMIT_EXCEEDED", retryable: true},
		{name: "Defender: IP lock", status: 0,
			message:  "Get Permissions: NoHttpResponseException: acme.my.salesforce.com:443 failed to respond",
			category: finding.PolicyBlocked, code: "NoHttpResponseException", fixHas: "Lock sessions to the IP address"},
		{name: "Defender: connection not completed", service: "salesforce", status: 0,
			message:  "HttpRequestFailure: Server returned: 400 Bad Request",
			category: finding.ExpiredCredentials, code: "HttpRequestFailure", fixHas: "Connect Salesforce again"},
		{name: "Defender: read timeout", service: "salesforce", status: 0,
			message:  "SocketTimeoutException: Read timed out",
			category: finding.Timeout, retryable: true},
	})
}
