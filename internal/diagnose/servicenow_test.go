package diagnose_test

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// ServiceNow errors as users paste them: raw answers with their headers, log
// lines, and the exception texts of client libraries and of Microsoft
// Defender for Cloud Apps (seed 003). The service is inferred unless named.
func TestDiagnoseServiceNow(t *testing.T) {
	runVendorCases(t, "servicenow", []vendorCase{
		{name: "raw 401 with headers", status: 0,
			message:  "HTTP/1.1 401 Unauthorized\r\nSet-Cookie: JSESSIONID=[redacted]; Path=/; HttpOnly;Secure\r\nX-Is-Logged-In: false\r\nX-Transaction-ID: 9c4e2a1b8f31\r\nWWW-Authenticate: Basic realm=\"Service-now\"\r\nContent-Type: application/json;charset=UTF-8\r\n\r\n{\"error\":{\"message\":\"User Not Authenticated\",\"detail\":\"Required to provide Auth information\"},\"status\":\"failure\"}",
			category: finding.InvalidCredentials, code: "User Not Authenticated", fixHas: "Locked out"},
		{name: "XSOAR: token endpoint refuses the secret", status: 0,
			message:  "Login failed. Please check the instance configuration and the given username and password.\nError in API call [401] - Unauthorized\n{\"error_description\": \"access_denied\", \"error\": \"server_error\"}",
			category: finding.InvalidCredentials, code: "server_error", fixHas: "Application Registry"},
		{name: "server_error is not an outage", service: "servicenow", status: 401,
			message:  `{"error_description":"access_denied","error":"server_error"}`,
			category: finding.InvalidCredentials, code: "server_error"},
		{name: "Kafka connector logs the hibernation page", status: 0,
			message:  "[2023-03-30 07:41:02,511] ERROR [servicenow-source|task-0] Failed to parse response: <!DOCTYPE html>\n<html lang=\"en\"><head><title>Instance Hibernating page</title></head><body><div class=\"instance-hibernating-page\"><h1>Your instance is hibernating</h1></div></body></html>",
			category: finding.ServiceUnavailable, code: "instance-hibernating", fixHas: "developer.servicenow.com"},
		{name: "Defender: 403 Forbidden", service: "servicenow", status: 0,
			message:  "RuntimeException: com.adallom.adalib.httputils.exceptions.HttpRequestFailure: Server returned: 403 Forbidden",
			category: finding.AccessDenied, fixHas: "admin"},
		{name: "ACL refusal with a transaction id", status: 403,
			message:  "GET https://acme.service-now.com/api/now/table/sys_audit?sysparm_limit=1 -> 403 (X-Transaction-ID: 1f2e3d4c)\n{\"error\":{\"detail\":\"No permission to read table 'sys_audit'\",\"message\":\"Insufficient rights to query records\"},\"status\":\"failure\"}",
			category: finding.AccessDenied, code: "Insufficient rights to query records", fixHas: "admin"},
		{name: "rate limit with its headers", status: 429,
			message:  "Retry-After: 1800\r\nX-RateLimit-Limit: 100\r\nX-RateLimit-Reset: 1700000000\r\nX-RateLimit-Rule: 0b4c2d1e\r\n\r\n{\"error\":{\"message\":\"Rate limit exceeded\",\"detail\":\"Rate limit of 100 requests per hour for Table API exceeded\"},\"status\":\"failure\"}",
			category: finding.RateLimited, code: "Rate limit exceeded", retryable: true, fixHas: "raise"},
		{name: "pysnc role exception", status: 0,
			message:  "pysnc.exceptions.RoleException: 403 - {'message': 'Insufficient rights to query records', 'detail': 'Field(s) present in the query do not have permission to be read'}",
			category: finding.AccessDenied, code: "Insufficient rights to query records"},
		{name: "client credentials without an OAuth Application User", service: "servicenow", status: 400,
			message:  `{"error":"unauthorized_client","error_description":"The integration user is not configured for OAuth:4d2bd5e1db2f4a10a8c0e3a1f39619f0"}`,
			category: finding.FeatureDisabled, code: "unauthorized_client", fixHas: "OAuth Application User"},
	})
}
