package diagnose_test

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Snowflake texts as users paste them: raw SQL API and token-endpoint
// bodies, and the drivers' exception texts (sources in
// internal/services/snowflake/decode_test.go and /work/research/snowflake.md).
func TestDiagnoseSnowflake(t *testing.T) {
	runVendorCases(t, "snowflake", []vendorCase{
		{name: "SQL API 390144 with request id, inferred", status: 401,
			message:  "{\r\n  \"code\" : \"390144\",\r\n  \"message\" : \"JWT token is invalid. [7fb87e37-2f26-4a10-9f9c-72276ea898bf]\"\r\n}",
			category: finding.InvalidCredentials, code: "390144", fixHas: "RSA_PUBLIC_KEY_FP"},
		{name: "Python connector wrapping, inferred", status: 0,
			message:  "snowflake.connector.errors.DatabaseError: 250001 (08001): Failed to connect to DB: az06814.west-europe.azure.snowflakecomputing.com:443. JWT token is invalid.",
			category: finding.InvalidCredentials, code: "390144"},
		{name: "JDBC vendorCode with a comma", service: "snowflake", status: 0,
			message:  "Snowflake exception: JWT token is invalid. [0ce9eb56-821d-4ca9-a774-04ae89a0cf5a], sqlState:08001, vendorCode:390,144, queryId:",
			category: finding.InvalidCredentials, code: "390144"},
		{name: "token endpoint envelope", service: "snowflake", status: 400,
			message:  `{"data": null,"error": "invalid_client","code": null,"message": "This is an invalid client.","success": false}`,
			category: finding.InvalidCredentials, code: "invalid_client", fixHas: "SYSTEM$SHOW_OAUTH_CLIENT_SECRETS"},
		{name: "seed 002: redirect mismatch", service: "snowflake", status: 0,
			message:  "Error occurred in authorization: There is a mismatch in the given redirect uri with the one in the registered OAuth client integration.",
			category: finding.RedirectURIMismatch, code: "REDIRECT_URI_MISMATCH", fixHas: "OAUTH_REDIRECT_URI"},
		{name: "seed 002: account missing, inferred", status: 0, message: "ProgrammingError: 251001: Account must be specified",
			category: finding.InvalidConfiguration, code: "251001", fixHas: "orgname-accountname"},
		{name: "Go driver 390422, inferred", status: 0,
			message:  "Error: open snowflake connection: 390422 (08004): Incoming request with IP/Token 102.203.137.234 is not allowed to access Snowflake. Contact your local security administrator or please create a case with Snowflake Support or reach us on our support line:",
			category: finding.PolicyBlocked, code: "390422"},
		{name: "PAT without network policy", status: 0,
			message:  "250001 (08001): Failed to connect to DB: RSRSBDK-YDB67606.snowflakecomputing.com:443. Fail : Network policy is required.",
			category: finding.PolicyBlocked, code: "390432"},
		{name: "wrong account, 403", status: 0,
			message:  "snowflake.connector.errors.ForbiddenError: 250001 (08001): Failed to connect to DB. Verify the account name is correct: fi45185.snowflakecomputing.com:443. HTTP 403: Forbidden",
			category: finding.TenantNotFound, code: "ACCOUNT_NOT_FOUND"},
		{name: "rate limited", service: "snowflake", status: 429, message: `{"code" : "390505","message" : "Too many requests."}`,
			category: finding.RateLimited, code: "390505", retryable: true},
		{name: ".NET 390114", status: 0,
			message:  "Snowflake.Data.Client.SnowflakeDbException: Authentication token has expired.  The user must authenticate again. SqlState: , VendorCode: 390114, QueryId:",
			category: finding.ExpiredCredentials, code: "390114"},
	})
}
