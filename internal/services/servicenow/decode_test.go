package servicenow

import (
	"net/http"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Real bodies and error texts, as ServiceNow and its client libraries
// produced them; each cites where it was found (research notes:
// /work/research/servicenow.md, §4 and §5).
func TestDecodeRealBodies(t *testing.T) {
	cases := []struct {
		name   string
		status int
		header http.Header
		body   string
		cat    finding.Category
		code   string
		fix    string // a fragment of the remediation
	}{
		// source: panoramicdata/ServiceNow.Api#16 (Table API, wrong password)
		{"basic auth refused", 401, nil,
			`{"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"}`,
			finding.InvalidCredentials, "User Not Authenticated", "Locked out"},
		// source: panoramicdata/ServiceNow.Api#16, the C# client's exception text
		{"C# ServiceNow.Api exception", 0, nil,
			`Server error Unauthorized (401): Unauthorized - {"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"}.`,
			finding.InvalidCredentials, "User Not Authenticated", "sys_user.user_name"},
		// source: demisto/content-docs#1301 (token endpoint, wrong client secret)
		{"token endpoint: wrong secret", 401, nil, `{"error_description":"access_denied","error":"server_error"}`,
			finding.InvalidCredentials, "server_error", "Application Registry"},
		// source: demisto/content-docs#1301, XSOAR ServiceNow v2 (Python json.dumps spacing)
		{"XSOAR login failed", 0, nil,
			"Login failed. Please check the instance configuration and the given username and password.\nError in API call [401] - Unauthorized\n{\"error_description\": \"access_denied\", \"error\": \"server_error\"}",
			finding.InvalidCredentials, "server_error", "client secret"},
		// source: Go's oauth2.RetrieveError format around the same body (research §5)
		{"Go x/oauth2 error", 0, nil, `oauth2: "server_error" "access_denied"`,
			finding.InvalidCredentials, "server_error", "glide.oauth.inbound.client.credential.grant_type.enabled"},
		// source: refractionPOINT/documentation#283; stojdev/oauth-client (HTTP 400, no OAuth Application User)
		{"client credentials without a user", 400, nil,
			`{"error":"unauthorized_client","error_description":"The integration user is not configured for OAuth:4d2bd5e1db2f4a10a8c0e3a1f39619f0"}`,
			finding.FeatureDisabled, "unauthorized_client", "OAuth Application User"},
		// source: a setup-doctor fixture found with find_string (research §4 row 4)
		{"grant not allowed", 400, nil, `{"error":"unsupported_grant_type"}`,
			finding.FeatureDisabled, "unsupported_grant_type", "Washington DC"},
		// source: a fixture found with find_string (research §4 row 18)
		{"invalid_client variant", 401, nil, `{"error":"invalid_client","error_description":"Invalid client_id or client_secret."}`,
			finding.InvalidCredentials, "invalid_client", "Application Registry"},
		// source: the AI-agent setup notes and fixtures found with find_string ("Insufficient rights to query records")
		{"ACL refuses the query", 403, nil,
			`{"error":{"message":"Insufficient rights to query records","detail":"Field(s) present in the query do not have permission to be read"},"status":"failure"}`,
			finding.AccessDenied, "Insufficient rights to query records", "admin"},
		// source: ServiceNow KB0744425 (detail before message, naming the table)
		{"no permission to read table", 403, nil,
			`{"error":{"detail":"No permission to read table 'sys_audit'","message":"Insufficient rights to query records"},"status":"failure"}`,
			finding.AccessDenied, "Insufficient rights to query records", "admin"},
		// source: a Rust client's test fixture (detail null)
		{"ACL refusal, detail null", 403, nil,
			`{"error":{"message":"Insufficient rights to query records","detail":null},"status":"failure"}`,
			finding.AccessDenied, "Insufficient rights to query records", "required_scopes"},
		// source: seed 003 (Microsoft Defender for Cloud Apps, ServiceNow row);
		// the same text comes from other vendors, so only a named service decodes it
		{"Defender: 403 Forbidden", 0, nil,
			"RuntimeException: com.adallom.adalib.httputils.exceptions.HttpRequestFailure: Server returned: 403 Forbidden",
			finding.AccessDenied, "HTTP 403", "admin account"},
		// source: ServiceNowDocs inbound-REST-API-rate-limiting.md
		{"rate limit", 429, http.Header{"Retry-After": {"60"}, "X-Ratelimit-Rule": {"a3d1c5e0db2f4a10a8c0e3a1f39619a1"}},
			`{"error":{"message":"Rate limit exceeded","detail":"Rate limit of 10 requests per hour for Table API exceeded"},"status":"failure"}`,
			finding.RateLimited, "Rate limit exceeded", "raise the rule"},
		// source: a Python client's test fixture and an MCP server's comment (find_string)
		{"unknown API path", 400, nil,
			`{"error":{"message":"Requested URI does not represent any resource","detail":null},"status":"failure"}`,
			finding.EndpointNotFound, "Requested URI does not represent any resource", "base_url"},
		// source: a Java emulator's fixture ("Invalid table " + table, detail null); research §4 row 16
		{"invalid table", 400, nil, `{"error":{"message":"Invalid table sys_auditx","detail":null},"status":"failure"}`,
			finding.EndpointNotFound, "Invalid table sys_auditx", "System Definition"},
		// source: vdesabou/kafka-docker-playground#8778 (hibernating PDI, HTTP 200, abridged)
		{"hibernating instance", 200, http.Header{"Content-Type": {"text/html;charset=UTF-8"}},
			"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>Instance Hibernating page</title>\n<style>\n.instance-hibernating-page {\n max-width: 600px;\n}\n</style></head><body><div class=\"instance-hibernating-page\"><h1>Your instance is hibernating</h1><p class=\"information\">Sign in to the site to wake your instance</p></div></body></html>",
			finding.ServiceUnavailable, codeHibernating, "wake the instance"},
		// source: the same page logged inside a Kafka Connect JsonParseException (kafka-docker-playground#8778)
		{"hibernation page inside an exception", 0, nil,
			`com.fasterxml.jackson.core.JsonParseException: Unexpected character ('<' (code 60)): expected a valid value at [Source: (String)"<!DOCTYPE html><html><head><title>Instance Hibernating page</title></head><body><div class="instance-hibernating-page">`,
			finding.ServiceUnavailable, codeHibernating, "developer.servicenow.com"},
		// source: locaweb/python-servicenow#23 (a web page instead of JSON)
		{"sign-in page", 200, http.Header{"Content-Type": {"text/html"}},
			`<html><head><title>Log in | ServiceNow</title></head><body><form action="/login.do" method="post"></form></body></html>`,
			finding.UnexpectedResponse, codeLoginPage, "base_url"},
		// source: research §4 row 10 (a host that is not an instance)
		{"not an instance", 404, http.Header{"Content-Type": {"text/html"}},
			`<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>`,
			finding.EndpointNotFound, codeWebPage, "address bar"},
		// source: pysnc's RestException rendering "<status> - <message>" (research §5)
		{"pysnc repr", 0, nil,
			`pysnc.exceptions.RoleException: 403 - {'message': 'Insufficient rights to query records', 'detail': 'Field(s) present in the query do not have permission to be read'}`,
			finding.AccessDenied, "Insufficient rights to query records", "admin"},
		// source: axios error with response.data printed by util.inspect (research §5)
		{"Node inspect form", 0, nil,
			"AxiosError: Request failed with status code 401\n  data: { error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' }",
			finding.InvalidCredentials, "User Not Authenticated", "password"},
		// source: the REST envelope logged JSON-escaped inside another JSON string
		{"escaped body in a log line", 0, nil,
			`{"level":"error","msg":"{\"error\":{\"message\":\"User Not Authenticated\",\"detail\":\"Required to provide Auth information\"},\"status\":\"failure\"}"}`,
			finding.InvalidCredentials, "User Not Authenticated", "Locked out"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := Decode(connector.Answer{StatusCode: tc.status, Header: tc.header, Body: []byte(tc.body)})
			if !ok {
				t.Fatalf("not recognised")
			}
			if f.Category != tc.cat || f.Code != tc.code {
				t.Fatalf("got %s / %q (%s), want %s / %q", f.Category, f.Code, f.Summary, tc.cat, tc.code)
			}
			if f.Detail == "" || !strings.Contains(strings.Join(f.Remediation, " ")+f.Detail, tc.fix) {
				t.Fatalf("cause or fix lacks %q: %+v", tc.fix, f)
			}
			if !Recognize(tc.body) && tc.cat != finding.EndpointNotFound && tc.cat != finding.FeatureDisabled && tc.code != "invalid_client" && tc.code != "HTTP 403" {
				t.Errorf("Recognize does not claim %q", tc.body)
			}
		})
	}
}

func TestDecodeRetryAfterAndTable(t *testing.T) {
	f, _ := Decode(connector.Answer{StatusCode: 429, Header: http.Header{"Retry-After": {"60"}},
		Body: []byte(`{"error":{"message":"Rate limit exceeded","detail":null},"status":"failure"}`)})
	if !f.Retryable || !strings.Contains(f.Detail, "Retry-After: 60") {
		t.Fatalf("rate limit: %+v", f)
	}
	f, _ = Decode(connector.Answer{StatusCode: 403,
		Body: []byte(`{"error":{"detail":"No permission to read table 'sys_audit'","message":"Insufficient rights to query records"},"status":"failure"}`)})
	if !strings.Contains(f.Summary, "sys_audit") || !strings.Contains(f.Summary, "admin") {
		t.Fatalf("the summary does not name the table and role: %s", f.Summary)
	}
}

// Bodies of other vendors and unrelated texts are not ServiceNow's.
func TestDecodeLeavesOthersAlone(t *testing.T) {
	for _, body := range []string{
		`{"ok":false,"error":"invalid_auth"}`,
		`{"error":"invalid_grant","error_description":"AADSTS70008: The refresh token has expired"}`,
		`{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`,
		"",
	} {
		if Recognize(body) {
			t.Errorf("Recognize claims %q", body)
		}
	}
	if _, ok := Decode(connector.Answer{StatusCode: 500, Body: []byte("upstream connect error")}); ok {
		t.Error("a bare 500 is left to the generic decoder")
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"}`,
		`{"error_description":"access_denied","error":"server_error"}`,
		`<div class="instance-hibernating-page">`,
		`{'message': 'Insufficient rights to query records', 'detail': None}`,
		"Server returned: 403 Forbidden", `oauth2: "server_error" "x"`, "[", "{", `\"`,
	} {
		f.Add(401, s)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		fd, ok := Decode(connector.Answer{StatusCode: status, Body: []byte(body)})
		_ = Recognize(body)
		if !ok {
			return
		}
		if fd.Category == "" || fd.Summary == "" || len(fd.Remediation) == 0 || fd.Detail == "" || fd.Severity != finding.Error {
			t.Fatalf("incomplete finding for %q: %+v", body, fd)
		}
		if strings.ContainsAny(fd.Code, "\r\n") || len(fd.Detail) > 2000 {
			t.Fatalf("code or detail not tidy for %q: %+v", body, fd)
		}
	})
}
