package salesforce

import (
	"net/http"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// Real bodies and error texts, as Salesforce and its client libraries
// produced them; each cites where it was found (research notes:
// /work/research/salesforce.md, §4 and §5).
func TestDecodeRealBodies(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		cat    finding.Category
		code   string
		fix    string // a fragment of the remediation
	}{
		// source: omniphx/forrest#184 and #290 (token endpoint, wrong consumer key)
		{"unknown consumer key", 400, `{"error":"invalid_client_id","error_description":"client identifier invalid"}`,
			finding.AppNotFound, "invalid_client_id", "Consumer Key"},
		// source: restforce/restforce#338 ("invalid_client: invalid client credentials")
		{"wrong consumer secret", 400, `{"error":"invalid_client","error_description":"invalid client credentials"}`,
			finding.InvalidCredentials, "invalid_client", "Consumer Secret"},
		// source: Salesforce's OAuth error list, as quoted in a connector's code comment
		{"older secret wording", 400, `{"error":"invalid_client_credentials","error_description":"client secret invalid"}`,
			finding.InvalidCredentials, "invalid_client_credentials", "Consumer Secret"},
		// source: omniphx/forrest#146; vdesabou/kafka-docker-playground#4178
		{"authentication failure", 400, `{"error":"invalid_grant","error_description":"authentication failure"}`,
			finding.InvalidCredentials, "invalid_grant", "JWT bearer"},
		// source: omniphx/forrest#278; forcedotcom/cli#1028
		{"user not approved", 400, `{"error":"invalid_grant","error_description":"user hasn't approved this consumer"}`,
			finding.ConsentRequired, "invalid_grant", "pre-authorized"},
		// source: a setup guide found with find_string ("user is not admin approved")
		{"not admin approved", 400, `{"error":"invalid_app_access","error_description":"user is not admin approved to access this app"}`,
			finding.ConsentRequired, "invalid_app_access", "permission set"},
		// source: frankkessler/salesforce-laravel-oauth2-rest#68
		{"invalid assertion", 400, `{"error":"invalid_grant","error_description":"invalid assertion"}`,
			finding.InvalidCredentials, "invalid_grant", "certificate"},
		// source: Salesforce help, OAuth 2.0 Authorization Errors
		{"audience", 400, `{"error":"invalid_grant","error_description":"Audience validation failed"}`,
			finding.InvalidConfiguration, "invalid_grant", "test.salesforce.com"},
		// source: SFDO metadeploy test fixture b'{"error":"invalid_grant","error_description":"ip restricted"}'; forceworkbench#772
		{"ip restricted is a policy, not a revocation", 400, `{"error":"invalid_grant","error_description":"ip restricted"}`,
			finding.PolicyBlocked, "invalid_grant", "Login IP Ranges"},
		// source: the same body with its members the other way round (diagnose_test's sample)
		{"ip restricted, members reordered", 400, `{"error_description":"ip restricted","error":"invalid_grant"}`,
			finding.PolicyBlocked, "invalid_grant", "IP Relaxation"},
		// source: Salesforce's OAuth error list
		{"login hours", 400, `{"error":"invalid_grant","error_description":"IP restricted or invalid login hours"}`,
			finding.PolicyBlocked, "invalid_grant", "Login Hours"},
		// source: singer-io/tap-salesforce#223 (Refresh Token Rotation reuse); jsforce/jsforce#1656
		{"expired refresh token", 400, `{"error":"invalid_grant","error_description":"expired access/refresh token"}`,
			finding.ExpiredCredentials, "invalid_grant", "Rotation"},
		// source: connector READMEs found with find_string ("invalid_grant: request not supported on this domain")
		{"client credentials on login.salesforce.com", 400, `{"error":"invalid_grant","error_description":"request not supported on this domain"}`,
			finding.InvalidConfiguration, "invalid_grant", "My Domain"},
		// source: singer-io/tap-salesforce test fixture via find_string
		{"no Run As user", 400, `{"error":"invalid_grant","error_description":"no client credentials user enabled"}`,
			finding.FeatureDisabled, "invalid_grant", "Run As"},
		// source: aaronhuggins/sf-jwt-token#1; omniphx/forrest#145
		{"flow not enabled", 400, `{"error":"unsupported_grant_type","error_description":"grant type not supported"}`,
			finding.FeatureDisabled, "unsupported_grant_type", "Enable Client Credentials Flow"},
		// source: Salesforce's OAuth error list
		{"inactive user", 400, `{"error":"inactive_user","error_description":"user is inactive"}`,
			finding.AccountDisabled, "inactive_user", "Reactivate"},
		// source: Salesforce's OAuth error list
		{"org locked", 400, `{"error":"inactive_org","error_description":"organization is locked, closed, or suspended"}`,
			finding.AccountDisabled, "inactive_org", "reactivate"},
		// source: Salesforce's OAuth error list; help article 000381578
		{"login rate", 400, `{"error":"rate_limit_exceeded","error_description":"number of logins exceeded"}`,
			finding.RateLimited, "rate_limit_exceeded", "Reuse access tokens"},
		// source: simple-salesforce#406; restforce#512
		{"session expired", 401, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`,
			finding.ExpiredCredentials, "INVALID_SESSION_ID", "Lock sessions"},
		// source: NangoHQ/nango#4344; tsmztech/mcp-server-salesforce#8
		{"session without the api scope", 401, `[{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}]`,
			finding.InsufficientScope, "INVALID_SESSION_ID", "Manage user data via APIs"},
		// source: restforce/restforce#219; forceworkbench#681 (on /limits)
		{"API disabled", 403, `[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]`,
			finding.LicenseRequired, "API_DISABLED_FOR_ORG", "API Enabled"},
		// source: SalesforceLabs/OrgCheck#181; mike4aday/SwiftlySalesforce#29
		{"daily limit", 403, `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`,
			finding.RateLimited, "REQUEST_LIMIT_EXCEEDED", "rolling window"},
		// source: a test fixture found with find_string
		{"concurrent long requests", 403, `[{"message":"ConcurrentPerOrgLongTxn Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`,
			finding.RateLimited, "REQUEST_LIMIT_EXCEEDED", "rolling window"},
		// source: the REST API's standard NOT_FOUND answer
		{"retired version", 404, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`,
			finding.EndpointNotFound, "NOT_FOUND", "api_version"},
		// source: SumoLogic/sumologic-documentation#2415 (EventLogFile without Event Monitoring)
		{"event monitoring not licensed", 400, "[{\"message\":\"\\nSELECT Id, EventType, LogDate FROM EventLogFile\\n                                ^\\nERROR at Row:1:Column:33\\nsObject type 'EventLogFile' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.\",\"errorCode\":\"INVALID_TYPE\"}]",
			finding.LicenseRequired, "INVALID_TYPE", "Event Monitoring"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := servicetest.CheckDecoded(t, Decode, tc.status, tc.body, tc.cat, tc.code)
			if !strings.Contains(strings.Join(f.Remediation, " "), tc.fix) {
				t.Errorf("remediation %q lacks %q", f.Remediation, tc.fix)
			}
			if !strings.Contains(f.Detail, "Salesforce answered") {
				t.Errorf("detail does not quote the answer: %s", f.Detail)
			}
		})
	}
}

// Exception-wrapped forms, for diagnose (research notes §5).
func TestDecodeWrappedTexts(t *testing.T) {
	cases := []struct {
		name string
		text string
		cat  finding.Category
		code string
	}{
		// source: golang.org/x/oauth2 RetrieveError.Error()
		{"Go x/oauth2", `oauth2: "invalid_grant" "expired access/refresh token"`, finding.ExpiredCredentials, "invalid_grant"},
		// source: older x/oauth2 text with the body after "Response:"
		{"Go x/oauth2, older", "oauth2: cannot fetch token: 400 Bad Request\nResponse: {\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}",
			finding.InvalidCredentials, "invalid_grant"},
		// source: vdesabou/kafka-docker-playground#4178 (Google HTTP client in a Kafka connector)
		{"Java HttpResponseException", "com.google.api.client.http.HttpResponseException: 400 Bad Request\n{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}",
			finding.InvalidCredentials, "invalid_grant"},
		// source: Apache Camel SalesforceException (research notes §5)
		{"Camel", `org.apache.camel.component.salesforce.api.SalesforceException: {errors:[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit exceeded."}],statusCode:403}`,
			finding.RateLimited, "REQUEST_LIMIT_EXCEEDED"},
		// source: IlluminatedCloud#601 (WSC / SOAP)
		{"WSC", "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session. Session not found, missing session hash: abc\nThis error usually occurs after a session expires or a user logs out.",
			finding.ExpiredCredentials, "INVALID_SESSION_ID"},
		// source: simple-salesforce#753
		{"simple-salesforce auth", "simple_salesforce.exceptions.SalesforceAuthenticationFailed: invalid_grant: authentication failure",
			finding.InvalidCredentials, "invalid_grant"},
		// source: simple-salesforce#422 (Python repr, single quotes)
		{"simple-salesforce expired session", "SalesforceExpiredSession: Expired session for https://acme.my.salesforce.com/services/data/v42.0/search/?q=FIND. Response content: [{'message': 'This session is not valid for use with the REST API', 'errorCode': 'INVALID_SESSION_ID'}]",
			finding.InsufficientScope, "INVALID_SESSION_ID"},
		// source: simple-salesforce#272 (Bulk API XML)
		{"Bulk API XML", `<?xml version="1.0" encoding="UTF-8"?><error xmlns="http://www.force.com/2009/06/asyncapi/dataload"><exceptionCode>InvalidSessionId</exceptionCode><exceptionMessage>Unable to find session id</exceptionMessage></error>`,
			finding.ExpiredCredentials, "INVALID_SESSION_ID"},
		// source: jsforce stack trace (research notes §5)
		{"jsforce", "INVALID_SESSION_ID: Session expired or invalid\n    at HttpApi.getError (/app/node_modules/jsforce/lib/http-api.js:250:13)",
			finding.ExpiredCredentials, "INVALID_SESSION_ID"},
		// source: jsforce#706
		{"jsforce OAuth", "{ unsupported_grant_type: grant type not supported\n    at OAuth2._postParams … name: 'unsupported_grant_type' }",
			finding.FeatureDisabled, "unsupported_grant_type"},
		// source: forcedotcom/cli#2857 (sf CLI prints the description only)
		{"sf CLI", "Error authenticating with JWT config due to: user hasn't approved this consumer",
			finding.ConsentRequired, "invalid_grant"},
		// source: sfdx-actions/setup-sfdx#17
		{"sf CLI refresh", "Error authenticating with the refresh token due to: ip restricted",
			finding.PolicyBlocked, "invalid_grant"},
		// source: omniphx/forrest#364 (Guzzle, JSON-escaped in a log)
		{"Guzzle escaped", `Client error: ` + "`POST https://login.salesforce.com/services/oauth2/token`" + ` resulted in a ` + "`400 Bad Request`" + ` response:\n{\"error\":\"invalid_grant\",\"error_description\":\"user hasn't approved this consumer\"}`,
			finding.ConsentRequired, "invalid_grant"},
		// source: restforce (Ruby) exception text
		{"restforce", "Restforce::AuthenticationError: invalid_client_id: client identifier invalid", finding.AppNotFound, "invalid_client_id"},
		// source: Apex callout debug log (research notes §5)
		{"Apex", "System.HttpResponse[Status=Unauthorized, StatusCode=401]\n[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]",
			finding.ExpiredCredentials, "INVALID_SESSION_ID"},
		// source: the web-server flow's redirect (URL-encoded)
		{"redirect form", "error=invalid_client_id&error_description=client%20identifier%20invalid", finding.AppNotFound, "invalid_client_id"},
		// source: seed 003 (Microsoft Defender for Cloud Apps connector errors)
		{"Defender: IP lock", "Get Permissions: NoHttpResponseException: *******.salesforce.com:443 failed to respond",
			finding.PolicyBlocked, "NoHttpResponseException"},
		// source: seed 003
		{"Defender: connection not completed", "HttpRequestFailure: Server returned: 400 Bad Request",
			finding.ExpiredCredentials, "HttpRequestFailure"},
		// a body with a trace id and extra members, as gateways add them
		{"extra members", "{\r\n  \"error\" : \"invalid_grant\",\r\n  \"error_description\" : \"ip restricted\",\r\n  \"error_uri\" : \"https://help.salesforce.com\",\r\n  \"x-request-id\" : \"4f1c2e0a-9b7d\"\r\n}",
			finding.PolicyBlocked, "invalid_grant"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !Recognize(tc.text) && !strings.HasPrefix(tc.text, "HttpRequestFailure") && !strings.HasPrefix(tc.text, "oauth2:") &&
				!strings.HasPrefix(tc.text, "com.google") && !strings.HasPrefix(tc.text, "{\r\n") && !strings.HasPrefix(tc.text, "System.") {
				t.Errorf("Recognize does not claim %q", tc.text)
			}
			servicetest.CheckDecoded(t, Decode, 0, tc.text, tc.cat, tc.code)
		})
	}
}

func TestDecodeLimitHeader(t *testing.T) {
	f, ok := Decode(connector.Answer{StatusCode: 403, Header: http.Header{"Sforce-Limit-Info": {"api-usage=15000/15000"}},
		Body: []byte(`[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`)})
	if !ok || !f.Retryable || !strings.Contains(f.Detail, "api-usage=15000/15000") {
		t.Fatalf("got %+v", f)
	}
}

func TestDecodeLeavesOthersAlone(t *testing.T) {
	for _, body := range []string{
		`{"ok":false,"error":"invalid_auth"}`,                              // Slack
		`{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`, // Okta
		`<html><body>Service Unavailable</body></html>`,
		``,
	} {
		if f, ok := Decode(connector.Answer{StatusCode: 400, Body: []byte(body)}); ok {
			t.Errorf("%q decoded as %s %s", body, f.Category, f.Code)
		}
		if Recognize(body) {
			t.Errorf("Recognize claims %q", body)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"error":"invalid_grant","error_description":"ip restricted"}`,
		`[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`,
		`{errors:[{"errorCode":"REQUEST_LIMIT_EXCEEDED"}],statusCode:403}`,
		"<exceptionCode>InvalidSessionId</exceptionCode>",
		`oauth2: "invalid_grant" "x"`, "[", "{", `\"`,
	} {
		f.Add(400, s)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		fd, ok := Decode(connector.Answer{StatusCode: status, Body: []byte(body)})
		_ = Recognize(body)
		if !ok {
			return
		}
		if fd.Category == "" || fd.Summary == "" || len(fd.Remediation) == 0 || fd.Severity != finding.Error {
			t.Fatalf("incomplete finding for %q: %+v", body, fd)
		}
		if strings.ContainsAny(fd.Code, "\r\n") || len(fd.Detail) > 2000 {
			t.Fatalf("code or detail not tidy for %q: %+v", body, fd)
		}
	})
}
