package snowflake

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// Real bodies and error texts; each names where it was seen. Bodies were
// not edited except where marked.
func TestDecode(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status int
		body   string
		cat    finding.Category
		code   string
		has    string // in the detail
	}{
		// source: slothflowlabs/duckle#22 (SQL API answer quoted by a Rust client)
		{"390144 SQL API body in a client error", 0,
			`Snowflake HTTP 401 from https://PRIVATE_LINK.snowflakecomputing.com/api/v2/statements: { "code" : "390144", "message" : "JWT token is invalid. [7fb87e37-2f26-4a10-9f9c-72276ea898bf]" }`,
			finding.InvalidCredentials, "390144", "SYSTEM$GET_LOGIN_FAILURE_DETAILS('7fb87e37-2f26-4a10-9f9c-72276ea898bf')"},
		// source: Snowflake docs, SQL API "Handling errors" example (401)
		{"390303 SQL API", 401, `{
  "code" : "390303",
  "message" : "Invalid OAuth access token. [0f8a3c1e-3c13-4a52-b2f3-1f8f6e1b2d61]"
}`, finding.RevokedCredentials, "390303", "Request id"},
		// source: snowflakedb/SnowAlert#379 (Python connector)
		{"JWT invalid, Python wrapper", 0,
			"snowflake.connector.errors.DatabaseError: 250001 (08001): Failed to connect to DB: az06814.west-europe.azure.snowflakecomputing.com:443. JWT token is invalid.",
			finding.InvalidCredentials, "390144", "JWT token is invalid"},
		// source: snowflake-ingest-python#21 (sic "Vender")
		{"ingest SDK Vender Code", 0, "snowflake.ingest.error.IngestResponseError: Http Error: 401, Vender Code: 390144, Message: JWT token is invalid.",
			finding.InvalidCredentials, "390144", ""},
		// source: Snowflake docs, key-pair troubleshooting (JDBC log line)
		{"JDBC vendorCode with thousands comma", 0,
			"Snowflake exception: JWT token is invalid. [0ce9eb56-821d-4ca9-a774-04ae89a0cf5a], sqlState:08001, vendorCode:390,144, queryId:",
			finding.InvalidCredentials, "390144", "0ce9eb56-821d-4ca9-a774-04ae89a0cf5a"},
		// source: vdesabou/kafka-docker-playground#7858
		{"JDBC exception", 0, "net.snowflake.client.jdbc.SnowflakeSQLException: JWT token is invalid. [b2c96de2-6901-4eaf-b636-34df3e4d63d2]",
			finding.InvalidCredentials, "390144", ""},
		// source: snowflakedb/spark-snowflake#116
		{"390100 Error code", 0, "Error code: 390100, Message: Incorrect username or password was specified",
			finding.InvalidCredentials, "390100", ""},
		// source: xlang-ai/Spider2#107 (older wording without "was")
		{"incorrect password, no code", 0,
			"250001 (08001): Failed to connect to DB: RSRSBDK-YDB67606.snowflakecomputing.com:443. Incorrect username or password specified.",
			finding.InvalidCredentials, "390100", ""},
		// source: Sigma docs on Snowflake connection errors
		{"390101 user disabled", 0, "390101 (08004): User access disabled. Contact your local system administrator.",
			finding.AccountDisabled, "390101", ""},
		// source: PostHog PR #63157 test (Python connector with None: prefix)
		{"user disabled, wrapped", 0,
			"250001 (08001): None: Failed to connect to DB: acme-xy123.snowflakecomputing.com:443. User access disabled. Contact your local system administrator.",
			finding.AccountDisabled, "390101", ""},
		// source: buremba/universql#24
		{"user locked", 0, "Your user account has been temporarily locked due to too many failed attempts. Try again after 15 minutes or contact your account administrator for assistance.",
			finding.AccountDisabled, "390102", ""},
		// source: snowflakedb/snowflake-connector-python#218
		{"390114 session expired", 0, "ProgrammingError: 390114 (08001): Authentication token has expired.  The user must authenticate again.",
			finding.ExpiredCredentials, "390114", ""},
		// source: snowflakedb/snowflake-connector-net#37 (.NET)
		{"390114 .NET", 0, "Snowflake.Data.Client.SnowflakeDbException: Authentication token has expired.  The user must authenticate again. SqlState: , VendorCode: 390114, QueryId:",
			finding.ExpiredCredentials, "390114", ""},
		// source: snowflake-connector-nodejs PR #1392 (message text)
		{"390318 access token expired", 401, `{"code":"390318","message":"OAuth access token expired. [1c7d0b73-5b1b-4c66-9b43-6c9b7e2e3e10]"}`,
			finding.ExpiredCredentials, "390318", ""},
		// source: Terraform log quoted in a repository doc (gosnowflake)
		{"390422 network policy, Go", 0,
			"Error: open snowflake connection: 390422 (08004): Incoming request with IP/Token 102.203.137.234 is not allowed to access Snowflake. Contact your local security administrator or please create a case with Snowflake Support or reach us on our support line:",
			finding.PolicyBlocked, "390422", "102.203.137.234"},
		// source: xlang-ai/Spider2#143
		{"390432 PAT without network policy", 0,
			"250001 (08001): Failed to connect to DB: RSRSBDK-YDB67606.snowflakecomputing.com:443. Fail : Network policy is required.",
			finding.PolicyBlocked, "390432", ""},
		// source: snowflakedb/terraform-provider-snowflake#2984 (sic wording)
		{"390316 non-TLS redirect", 0,
			"390316 (22023): The redirect URI must use TLS unless OAUTH_ALLOW_NON_TLS_REDIRECT_URI is set to False.",
			finding.RedirectURIInvalid, "390316", ""},
		// source: seed 002 (Posit Connect troubleshooting)
		{"251001 account missing", 0, "ProgrammingError: 251001: Account must be specified",
			finding.InvalidConfiguration, "251001", ""},
		// source: seed 002
		{"redirect mismatch page", 400,
			"Error occurred in authorization: There is a mismatch in the given redirect uri with the one in the registered OAuth client integration.",
			finding.RedirectURIMismatch, codeRedirectMismatch, ""},
		// source: datafold/data-diff#141
		{"wrong account, 403", 0,
			"snowflake.connector.errors.ForbiddenError: 250001 (08001): Failed to connect to DB. Verify the account name is correct: fi45185.snowflakecomputing.com:443. HTTP 403: Forbidden",
			finding.TenantNotFound, codeAccountNotFound, ""},
		// source: epam/ai-dial-core#1527 (token endpoint envelope)
		{"invalid_client envelope", 400, `{"data": null,"error": "invalid_client","code": null,"message": "This is an invalid client.","success": false}`,
			finding.InvalidCredentials, "invalid_client", "This is an invalid client."},
		// source: snowflake-ingest-java PR #718 (Java helper wrapping the envelope; message as Snowflake's docs word it)
		{"invalid_grant wrapped", 0,
			`Refresh access token fail with response: {"data":null,"message":"This is an invalid refresh token.","code":null,"success":false,"error":"invalid_grant"}`,
			finding.RevokedCredentials, "invalid_grant", ""},
		// source: Snowflake docs, SQL API example (429)
		{"390505 rate limit", 429, `{
  "code" : "390505",
  "message" : "Too many requests."
}`, finding.RateLimited, "390505", ""},
		// source: Snowflake docs, SQL API example (422 QueryFailureStatus), code changed to 000606 from the docs' 002140
		{"000606 no warehouse", 422,
			`{"code" : "000606","sqlState" : "57P03","message" : "No active warehouse selected in the current session.  Select an active warehouse with the 'use warehouse' command.\n","statementHandle" : "01a943f3-0000-a91b-0000-a6f10012c07a","statementStatusUrl" : "/api/v2/statements/01a943f3-0000-a91b-0000-a6f10012c07a"}`,
			finding.AccessDenied, "000606", ""},
		// source: xlang-ai/Spider2#143
		{"MFA required", 0, "Failed to authenticate: MFA authentication is required, but none of your current MFA methods are supported for programmatic authentication.",
			finding.PolicyBlocked, codeMFARequired, ""},
		// source: kulmam92/snowflake_flyway#2
		{"default role not granted", 0,
			"User's configured default role 'SYSADMIN' is not granted to this user. Contact your local system administrator, or attempt to login using a CLI client with a connect string selecting another role, e.g. PUBLIC.",
			finding.AccessDenied, codeDefaultRole, ""},
		// source: anomalyco/opencode#33265
		{"endpoint not allowed", 403, "Forbidden: This account is not allowed to access this endpoint. Please contact Snowflake support.",
			finding.FeatureDisabled, codeEndpointRefused, ""},
		// source: dbt docs, Snowflake OAuth troubleshooting
		{"invalid consent", 0, "Invalid consent request", finding.AccessDenied, codeInvalidConsent, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := servicetest.CheckDecoded(t, Decode, tt.status, tt.body, tt.cat, tt.code)
			if !strings.Contains(f.Detail, tt.has) {
				t.Errorf("detail lacks %q: %s", tt.has, f.Detail)
			}
			// Texts that are not distinctive of Snowflake need the service named.
			generic := map[string]bool{codeInvalidConsent: true, codeMFARequired: true, codeDefaultRole: true, codeEndpointRefused: true, "390102": true}
			if !Recognize(tt.body) && !generic[tt.code] {
				t.Errorf("Recognize does not claim it")
			}
		})
	}
}

func TestDecodeUnknownAndForeign(t *testing.T) {
	// An unknown SQL API code keeps its code.
	f := servicetest.CheckDecoded(t, Decode, 422, `{"code":"002140","sqlState":"42601","message":"SQL compilation error","statementHandle":"x"}`,
		finding.UnexpectedResponse, "002140")
	if !strings.Contains(f.Detail, "SQL compilation error") {
		t.Errorf("detail: %s", f.Detail)
	}
	for _, body := range []string{
		`{"ok":false,"error":"invalid_auth"}`,                                            // Slack
		`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client"}`, // Entra: not in Snowflake's envelope
		`{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`,               // Okta
		"connection refused", "", "HTTP 500 at 12:34:56: retry 123456",
	} {
		if _, ok := Decode(connector.Answer{StatusCode: 400, Body: []byte(body)}); ok && !strings.Contains(body, "invalid_client") {
			t.Errorf("Decode claims %q", body)
		}
		if Recognize(body) {
			t.Errorf("Recognize claims %q", body)
		}
	}
	// A 403 without a body is "no such account" only from the live SQL API step.
	if f, ok := Decode(connector.Answer{Step: stepSQL, StatusCode: 403}); !ok || f.Category != finding.TenantNotFound {
		t.Errorf("403 from the SQL API: %+v %v", f, ok)
	}
	if _, ok := Decode(connector.Answer{StatusCode: 403}); ok {
		t.Error("a bare 403 in diagnose is claimed")
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"code":"390144","message":"JWT token is invalid. [7fb87e37-2f26-4a10-9f9c-72276ea898bf]"}`,
		`{"data":null,"error":"invalid_client","code":null,"message":"This is an invalid client.","success":false}`,
		"vendorCode:390,144", "250001 (08001): Failed to connect to DB: x:443. ", `{"code":390144}`, `{"code":"12345a"}`} {
		f.Add(401, s)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		a := connector.Answer{StatusCode: status, Body: []byte(body), Step: stepSQL}
		fd, ok := Decode(a)
		_ = Recognize(body)
		if !ok {
			return
		}
		if fd.Category == "" || fd.Code == "" || fd.Summary == "" || len(fd.Remediation) == 0 {
			t.Fatalf("incomplete finding %+v", fd)
		}
		if !utf8.ValidString(fd.Detail) || strings.ContainsAny(fd.Detail, "\r\n") {
			t.Fatalf("detail not one clean line: %q", fd.Detail)
		}
	})
}
