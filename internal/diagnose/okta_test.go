package diagnose_test

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/diagnose"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
)

// ogCase is one raw error as a user pastes it, and what diagnose must make
// of it, with the service given and inferred.
type ogCase struct {
	name    string
	status  int
	message string
	cat     finding.Category
	code    string
	mention string // a word the cause or remediation must contain ("" for none)
	noInfer bool   // the message names no vendor: only checked with the service given
}

// ogDiagnose runs each case with the service named and with service "",
// which must infer it.
func ogDiagnose(t *testing.T, service string, cases []ogCase) {
	t.Helper()
	cat := services.Catalog()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			svcs := []string{service, ""}
			if tc.noInfer {
				svcs = svcs[:1]
			}
			for _, svc := range svcs {
				r := diagnose.Diagnose(cat, svc, tc.status, tc.message)
				if r.Category != tc.cat || r.Code != tc.code {
					t.Fatalf("service %q: got %s %q, want %s %q\nsummary: %s\ncause: %s", svc, r.Category, r.Code, tc.cat, tc.code, r.Summary, r.Cause)
				}
				if r.Service != service {
					t.Errorf("service %q: matched service %q, want %q", svc, r.Service, service)
				}
				if r.Summary == "" || len(r.Remediation) == 0 {
					t.Errorf("service %q: no summary or remediation: %+v", svc, r)
				}
				text := r.Cause + " " + strings.Join(r.Remediation, " ")
				if tc.mention != "" && !strings.Contains(text, tc.mention) {
					t.Errorf("service %q: %q not mentioned in\n%s", svc, tc.mention, text)
				}
				if strings.Contains(text, "oae") {
					t.Errorf("Okta's per-request errorId leaked: %s", text)
				}
			}
		})
	}
}

func TestDiagnoseOkta(t *testing.T) {
	ogDiagnose(t, "okta", []ogCase{
		{"E0000011 body", 401,
			`{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oae5F52UwRnQsOUuKlNn7nhkw","errorCauses":[]}`,
			finding.InvalidCredentials, "E0000011", "deactivated", false},
		{"E0000011 without a status, CRLF and pretty-printed", 0,
			"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nX-Rate-Limit-Limit: 600\r\n\r\n{\r\n  \"errorCode\": \"E0000011\",\r\n  \"errorSummary\": \"Invalid token provided\",\r\n  \"errorLink\": \"E0000011\",\r\n  \"errorId\": \"oaeQ1w2e3r4t5y6u7i8o9p0\",\r\n  \"errorCauses\": []\r\n}",
			finding.InvalidCredentials, "E0000011", "Security > API > Tokens", false},
		{"Java SDK ResourceException", 0,
			"com.okta.sdk.resource.ResourceException: HTTP 401, Okta E0000011 (Invalid token provided), ErrorId oae1x2y3z4a5b6c7\n\tat com.okta.sdk.impl.ds.DefaultDataStore.execute(DefaultDataStore.java:421)",
			finding.InvalidCredentials, "E0000011", "deactivated", false},
		{"PowerShell Okta module", 0,
			"Write-Error:  errorCode: E0000011; errorSummary: Invalid token provided; errorId: oae5F52UwRnQsOUuKlNn7nhkw  causes:\nWARNING: Microsoft.PowerShell.Commands.HttpResponseException : Unauthorized",
			finding.InvalidCredentials, "E0000011", "", false},
		{"Defender for Cloud Apps style wrapper", 403,
			`HttpRequestFailure: Server returned: 403 Forbidden: {"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action","errorLink":"E0000006","errorId":"oaeAbCdEf","errorCauses":[]}`,
			finding.AccessDenied, "E0000006", "admin role", false},
		{"E0000005 invalid session with httpStatus", 0,
			`{"errorCode":"E0000005","errorSummary":"Invalid session","errorLink":"E0000005","errorId":"oae6VxJiR3xSTKFwE2Ppx3HHA","errorCauses":[],"httpStatus":403}`,
			finding.AccessDenied, "E0000005", "API tokens", false},
		{"E0000047 with rate-limit headers in a log", 429,
			"X-Rate-Limit-Limit: 1200\nX-Rate-Limit-Remaining: 0\nX-Rate-Limit-Reset: 1609459200\n{\"errorCode\":\"E0000047\",\"errorSummary\":\"API call exceeded rate limit due to too many requests.\",\"errorLink\":\"E0000047\",\"errorId\":\"oaeRt1\",\"errorCauses\":[]}",
			finding.RateLimited, "E0000047", "Rate Limits", false},
		{"E0000007 authorization server", 404,
			`{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: aus1bad (AuthorizationServer)","errorLink":"E0000007","errorId":"oaeX","errorCauses":[]}`,
			finding.EndpointNotFound, "E0000007", "authorization_server", false},
		{"mixed shape from the token endpoint", 400,
			`{"errorCode":"invalid_client","errorSummary":"Invalid value for 'client_id' parameter.","errorLink":"invalid_client","errorId":"oae06YVQDq4Qz-WEuP3dU14XQ","errorCauses":[]}`,
			finding.AppNotFound, "invalid_client", "0oa", false},
		{"private_key_jwt key rotated away", 401,
			`{"error":"invalid_client","error_description":"The client_assertion JWT kid is invalid."}`,
			finding.RevokedCredentials, "invalid_client", "Public keys", false},
		{"terraform-provider-okta error text", 0,
			`Error: failed to get user: the API returned an error: The client_assertion signature is invalid.`,
			finding.InvalidCredentials, "invalid_client", "Active", false},
		{"DPoP required, Okta Terraform debug log", 0,
			"[DEBUG] performing request: method=POST url=https://unconv.okta.com/oauth2/v1/token\nHTTP/2.0 400 Bad Request\n{\n \"error\": \"invalid_dpop_proof\",\n \"error_description\": \"The DPoP proof JWT header is missing.\"\n}",
			finding.InvalidConfiguration, "invalid_dpop_proof", "DPoP", false},
		{"custom scope on the org server", 400,
			`{"error":"invalid_scope","error_description":"Custom scopes are not allowed for this request."}`,
			finding.InvalidScope, "invalid_scope", "custom authorization server", false},
	})
}
