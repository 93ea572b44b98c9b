package atlassian

import (
	"net/http"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// TestDecode classifies Atlassian's answers as they arrive: bodies pasted in
// public issues, with the headers that carry the reason, and the exception
// texts of the SDKs that wrap them.
func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  int
		header  http.Header
		body    string
		cat     finding.Category
		code    string
		mention string
	}{
		// source: jira-node/node-jira-client#255 (Jira JSON family, headers from the Jira Cloud auth guide)
		{"wrong API token, Jira JSON", 401, http.Header{"X-Seraph-Loginreason": {"AUTHENTICATED_FAILED"}, "Atl-Traceid": {"6ccb0192555dd5ff"}},
			`{"errorMessages":["Client must be authenticated to access this resource."],"errors":{}}`,
			finding.InvalidCredentials, "AUTHENTICATED_FAILED", "id.atlassian.com"},
		// source: jira-node/node-jira-client#255 (older front end)
		{"wrong API token, status-code member", 0, nil,
			`{"message":"Client must be authenticated to access this resource.","status-code":401}`,
			finding.InvalidCredentials, "HTTP 401", "deactivated"},
		// source: GothenburgBitFactory/bugwarrior#689
		{"wrong API token, HTML page", 401, http.Header{"X-Seraph-Loginreason": {"AUTHENTICATED_FAILED"}},
			"<!DOCTYPE html>\n<html lang=\"en\"><head><title>Unauthorized (401)</title></head><body><p>Encountered a <code>&quot;401 - Unauthorized&quot;</code> error while loading this page.</p></body></html>",
			finding.InvalidCredentials, "AUTHENTICATED_FAILED", "Unauthorized (401)"},
		// source: elastic/integrations#3684
		{"account password", 401, nil,
			"Basic authentication with passwords is deprecated.  For more information, see: https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/",
			finding.InvalidCredentials, "deprecation-notice-basic-auth", "API token"},
		// source: gioboa/jira-plugin#26; atlassian/dc-app-performance-toolkit PR #36 (header, empty body)
		{"CAPTCHA, header only", 403, http.Header{"X-Authentication-Denied-Reason": {"CAPTCHA_CHALLENGE; login-url=https://acme.atlassian.net/login.jsp"}, "X-Seraph-Loginreason": {"AUTHENTICATION_DENIED"}},
			"", finding.PolicyBlocked, "CAPTCHA_CHALLENGE", "CAPTCHA"},
		// source: raycast/extensions#11212; PipedreamHQ/pipedream#20210
		{"scope does not match", 401, nil, `{"code":401,"message":"Unauthorized; scope does not match"}`,
			finding.InsufficientScope, "scope does not match", "read:jira-user"},
		// source: seed 003 (Defender for Cloud Apps); emulated body shape (gateway family)
		{"no Atlassian Guard", 402, nil, `{"code":402,"message":"Audit Log Entitlement validation failed"}`,
			finding.LicenseRequired, "Audit Log Entitlement validation failed", "Atlassian Guard"},
		// source: Atlassian 3LO FAQ (quoted in microsoft/generative-ai-for-beginners#342); nango.dev blog
		{"reused rotating refresh token", 403, nil, `{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}`,
			finding.RevokedCredentials, "invalid_grant", "10-minute"},
		// source: nango.dev blog "Jira OAuth refresh token invalid_grant"
		{"expired or revoked refresh token", 403, nil, `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`,
			finding.RevokedCredentials, "invalid_grant", "consent"},
		// source: jira.js OAuthErrorOptions docs (code); description as Auth0 sends it
		{"wrong client secret", 401, nil, `{"error":"access_denied","error_description":"Unauthorized"}`,
			finding.InvalidCredentials, "access_denied", "developer.atlassian.com"},
		// source: kovetskiy/mark#493; markdown-confluence/markdown-confluence#635
		{"no Confluence access", 403, http.Header{"Server": {"AtlassianEdge"}}, `{"message":"Current user not permitted to use Confluence","statusCode":403}`,
			finding.AccessDenied, "HTTP 403", "User access"},
		// source: tenable/integration-jira-cloud#129
		{"not a Jira admin", 403, nil, `{"errorMessages":["Only Jira administrators can manage screens."],"errors":{}}`,
			finding.AccessDenied, "HTTP 403", "Administer Jira"},
		// source: raycast/extensions#29015; Jira rate-limiting docs
		{"rate limited, JSON", 429, http.Header{"Retry-After": {"7"}, "Ratelimit-Reason": {"jira-burst-based"}},
			`{"errorMessages":["The request has been rate-limited. Please try again later."],"errors":{},"status":429}`,
			finding.RateLimited, "jira-burst-based", "Retry-After: 7"},
		// source: apache/devlake#2932; floralvikings/jira-connector#250
		{"rate limited, HTML", 429, nil, `<html><head><title>Oops - an error has occurred</title></head><body class=" error-page error429"></body></html>`,
			finding.RateLimited, "HTTP 429", "Oops"},
		// source: cristibaluta/Jit#10; atlassian/gajira-find-issue-key#40
		{"dead link", 404, http.Header{"X-Seraph-Loginreason": {"OK"}}, `<html><head><title>Oops, you&#39;ve found a dead link. - JIRA</title></head></html>`,
			finding.EndpointNotFound, "HTTP 404", "/jira prefix"},
		// source: prometheus/alertmanager#4609
		{"site does not exist", 404, nil, `<html><head><title>Atlassian Cloud Notifications - Page Unavailable</title></head><body><h1>Page unavailable</h1></body></html>`,
			finding.TenantNotFound, "Page unavailable", "admin.atlassian.com"},
		// source: floralvikings/jira-connector#250 (HTML text)
		{"outage", 503, nil, `<html><head><title>Something went wrong</title></head><body>status.atlassian.com</body></html>`,
			finding.ServiceUnavailable, "HTTP 503", "status.atlassian.com"},

		// Wrapped forms (research notes §5).
		// source: seed 003
		{"Defender seed text", 0, nil, "Get events: Request failed with status code 402. Payment Required. Audit Log Entitlement validation failed",
			finding.LicenseRequired, "Audit Log Entitlement validation failed", "Atlassian Guard"},
		// source: GothenburgBitFactory/bugwarrior#689 (pycontribs JIRAError)
		{"pycontribs JIRAError", 0, nil, "jira.exceptions.JIRAError: JiraError HTTP 401 url: https://acme.atlassian.net/rest/api/2/myself\n\ttext: Client must be authenticated to access this resource.\n\t\n\tresponse headers = {'Content-Encoding': 'gzip', 'X-AREQUESTID': 'a0b1c2', 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED', 'ATL-TraceId': '6ccb0192555dd5ff'}\n\tresponse text = <html><head><title>Unauthorized (401)</title></head></html>",
			finding.InvalidCredentials, "AUTHENTICATED_FAILED", "API token"},
		// source: kovetskiy/mark#493 (Go, escaped JSON)
		{"Go client, escaped JSON", 0, nil, `Confluence API returned unexpected status: 403 Forbidden, output: "{\"message\":\"Current user not permitted to use Confluence\",\"statusCode\":403}"`,
			finding.AccessDenied, "HTTP 403", "Confluence"},
		// source: raycast/extensions#11212 (Node)
		{"Node error", 0, nil, "Error: {\"code\":401,\"message\":\"Unauthorized; scope does not match\"}\n    at JiraClient.request (/app/node_modules/jira.js/out/clients/baseClient.js:101:15)",
			finding.InsufficientScope, "scope does not match", "scope"},
		// source: tenable/integration-jira-cloud#129 (restfly)
		{"restfly", 0, nil, `[403: GET] https://acme.atlassian.net/rest/api/3/screens?maxResults=100 body=b'{"errorMessages":["Only Jira administrators can manage screens."],"errors":{}}'`,
			finding.AccessDenied, "HTTP 403", "Administer Jira"},
		// source: golang.org/x/oauth2 RetrieveError text
		{"x/oauth2 text", 0, nil, `oauth2: "invalid_grant" "Unknown or invalid refresh token."`,
			finding.RevokedCredentials, "invalid_grant", "rotates"},
		// source: pycontribs/jira#1805 (Retry-After 0), body from raycast/extensions#29015
		{"Node rate limit with trace id", 0, nil, "Error: {\"errorMessages\":[\"The request has been rate-limited. Please try again later.\"],\"errors\":{},\"status\":429}\r\nATL-TraceId: 4f2a1b9c8d7e6f50",
			finding.RateLimited, "HTTP 429", "Retry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := decode(connector.Answer{StatusCode: tc.status, Header: tc.header, Body: []byte(tc.body)})
			if !ok {
				t.Fatal("not recognised")
			}
			if f.Category != tc.cat || f.Code != tc.code || f.Severity != finding.Error {
				t.Fatalf("got %s %s %q, want %s %q\n%s", f.Severity, f.Category, f.Code, tc.cat, tc.code, f.Detail)
			}
			text := f.Summary + " " + f.Detail + " " + strings.Join(f.Remediation, " ")
			if !strings.Contains(text, tc.mention) || len(f.Remediation) == 0 {
				t.Errorf("the finding does not mention %q or has no fix:\n%s", tc.mention, text)
			}
			if strings.Contains(text, "6ccb0192555dd5ff") || strings.Contains(text, "4f2a1b9c8d7e6f50") {
				t.Errorf("the per-request ATL-TraceId leaked into the finding: %s", text)
			}
			if f.Retryable != (tc.cat == finding.RateLimited || tc.cat == finding.ServiceUnavailable) {
				t.Errorf("retryable %v for %s", f.Retryable, tc.cat)
			}
		})
	}
}

// TestDecodeNotAtlassian: other vendors' bodies are left to their decoders.
func TestDecodeNotAtlassian(t *testing.T) {
	for _, body := range []string{
		`{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`,
		`{"ok":false,"error":"invalid_auth"}`,
		`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`,
		`{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`,
		"connection refused",
		"",
	} {
		if f, ok := decode(connector.Answer{StatusCode: 401, Body: []byte(body)}); ok {
			t.Errorf("%s: claimed as %s %s", body, f.Category, f.Code)
		}
		if recognize(body) {
			t.Errorf("%s: recognised as Atlassian's", body)
		}
	}
}

func TestRecognize(t *testing.T) {
	for _, text := range []string{
		"Get events: Request failed with status code 402. Payment Required. Audit Log Entitlement validation failed",
		`requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: https://acme.atlassian.net/wiki/rest/api/content`,
		`{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}`,
		`response headers = {'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED'}`,
	} {
		if !recognize(text) {
			t.Errorf("not recognised: %s", text)
		}
	}
}

// TestDecodeProfile: the profile's Decode is this decoder (diagnose and the
// live check share it).
func TestDecodeProfile(t *testing.T) {
	servicetest.CheckDecoded(t, Service().Profile.Decode, 402, `{"code":402,"message":"Audit Log Entitlement validation failed"}`,
		finding.LicenseRequired, "Audit Log Entitlement validation failed")
}

func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"errorMessages":["Client must be authenticated to access this resource."],"errors":{}}`,
		`{"code":401,"message":"Unauthorized; scope does not match"}`,
		`{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}`,
		`Confluence API returned unexpected status: 403 Forbidden, output: "{\"message\":\"x\",\"statusCode\":403}"`,
		`<title>Oops - an error has occurred</title> error429`,
		"response headers = {'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED'",
	} {
		f.Add(401, seed)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		got, ok := decode(connector.Answer{StatusCode: status, Body: []byte(body)})
		if !ok {
			return
		}
		if got.Category == "" || got.Summary == "" || len(got.Remediation) == 0 || got.Severity != finding.Error {
			t.Fatalf("incomplete finding for %q: %+v", body, got)
		}
		_ = recognize(body)
	})
}
