package okta

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// TestOktaDecode classifies Okta's answers as they arrive: bodies from the
// docs and captures, the mixed shape, and SDK exception texts.
func TestOktaDecode(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		cat    finding.Category
		code   string
	}{
		{"E0000011 body", 401, `{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oae5F52UwRnQsOUuKlNn7nhkw","errorCauses":[]}`,
			finding.InvalidCredentials, "E0000011"},
		{"E0000011 pretty-printed with CRLF", 401, "{\r\n  \"errorCode\": \"E0000011\",\r\n  \"errorSummary\": \"Invalid token provided\",\r\n  \"errorLink\": \"E0000011\",\r\n  \"errorId\": \"oaeQ1w2e3r4t5y6\",\r\n  \"errorCauses\": []\r\n}\r\n",
			finding.InvalidCredentials, "E0000011"},
		{"Java SDK exception", 0, "com.okta.sdk.resource.ResourceException: HTTP 401, Okta E0000011 (Invalid token provided), ErrorId oae1x2y3z4",
			finding.InvalidCredentials, "E0000011"},
		{"PowerShell module", 0, "Write-Error:  errorCode: E0000011; errorSummary: Invalid token provided; errorId: oae5F52UwRnQsOUuKlNn7nhkw  causes:",
			finding.InvalidCredentials, "E0000011"},
		{"Go SDK without the code", 401, "the API returned an error: Invalid token provided",
			finding.InvalidCredentials, "E0000011"},
		{"E0000006", 403, `{"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action","errorLink":"E0000006","errorId":"oaeAbC","errorCauses":[]}`,
			finding.AccessDenied, "E0000006"},
		{"E0000006 localised summary", 403, `{"errorCode":"E0000006","errorSummary":"Vous n'êtes pas autorisé à exécuter l'action demandée.","errorLink":"E0000006"}`,
			finding.AccessDenied, "E0000006"},
		{"E0000005 invalid session", 403, `{"errorCode":"E0000005","errorSummary":"Invalid session","errorLink":"E0000005","errorId":"oae6VxJiR3xSTKFwE2Ppx3HHA","errorCauses":[],"httpStatus":403}`,
			finding.AccessDenied, "E0000005"},
		{"E0000047 rate limit", 429, `{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.","errorLink":"E0000047","errorId":"oaeJ3k","errorCauses":[]}`,
			finding.RateLimited, "E0000047"},
		{"E0000007 user", 404, `{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 00u1xyz (User)","errorLink":"E0000007","errorId":"oaeX","errorCauses":[]}`,
			finding.EndpointNotFound, "E0000007"},
		{"E0000015 feature", 403, `{"errorCode":"E0000015","errorSummary":"You do not have permission to access the feature you are requesting","errorLink":"E0000015","errorId":"oaeY","errorCauses":[]}`,
			finding.LicenseRequired, "E0000015"},
		{"unknown E code falls back on the status", 503, `{"errorCode":"E0000999","errorSummary":"Something new","errorLink":"E0000999"}`,
			finding.ServiceUnavailable, "E0000999"},
		{"mixed shape: unknown client", 400, `{"errorCode":"invalid_client","errorSummary":"Invalid value for 'client_id' parameter.","errorLink":"invalid_client","errorId":"oae06YVQDq4Qz-WEuP3dU14XQ","errorCauses":[]}`,
			finding.AppNotFound, "invalid_client"},
		{"assertion signature", 401, `{"error":"invalid_client","error_description":"The client_assertion signature is invalid."}`,
			finding.InvalidCredentials, "invalid_client"},
		{"assertion kid", 401, `{"error":"invalid_client","error_description":"The client_assertion JWT kid is invalid."}`,
			finding.RevokedCredentials, "invalid_client"},
		{"client secret", 401, `{"error":"invalid_client","error_description":"The client secret supplied for a confidential client is invalid."}`,
			finding.InvalidCredentials, "invalid_client"},
		{"custom scope on the org server", 400, `{"error":"invalid_scope","error_description":"Custom scopes are not allowed for this request."}`,
			finding.InvalidScope, "invalid_scope"},
		{"scope not configured", 400, `{"error":"invalid_scope","error_description":"One or more scopes are not configured for the authorization server resource."}`,
			finding.InvalidScope, "invalid_scope"},
		{"DPoP", 400, `{"error":"invalid_dpop_proof","error_description":"The DPoP proof JWT header is missing."}`,
			finding.InvalidConfiguration, "invalid_dpop_proof"},
		{"DPoP in a Terraform log", 0, "performing request: method=POST url=https://unconv.okta.com/oauth2/v1/token\nHTTP/2.0 400 Bad Request\n{\n \"error\": \"invalid_dpop_proof\",\n \"error_description\": \"The DPoP proof JWT header is missing.\"\n}",
			finding.InvalidConfiguration, "invalid_dpop_proof"},
		{"policy", 400, `{"error":"access_denied","error_description":"Policy evaluation failed for this request, please check the policy configurations."}`,
			finding.PolicyBlocked, "access_denied"},
		{"grant type", 400, `{"error":"unauthorized_client","error_description":"The client is not authorized to use the provided grant type. Configured grant types: [authorization_code]."}`,
			finding.InvalidConfiguration, "unauthorized_client"},
		{"plain-text OAuth error", 0, "invalid_client: The client_assertion signature is invalid.",
			finding.InvalidCredentials, "invalid_client"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := servicetest.CheckDecoded(t, decode, tc.status, tc.body, tc.cat, tc.code)
			if strings.Contains(f.Detail, "oae") {
				t.Errorf("errorId in the detail: %s", f.Detail)
			}
			if strings.Contains(tc.body, "E0") && !recognize(tc.body) {
				t.Errorf("Recognize missed an Okta body")
			}
		})
	}
	for _, body := range []string{``, `{"error":{"code":403,"message":"Not Authorized to access this resource/api"}}`, `<html>Not found</html>`, `{"ok":false,"error":"invalid_auth"}`} {
		if f, ok := decode(connector.Answer{StatusCode: 401, Body: []byte(body)}); ok && strings.HasPrefix(f.Code, "E0") {
			t.Errorf("decoded a foreign body %q as Okta's %s", body, f.Code)
		}
	}
}

func TestOktaRecognize(t *testing.T) {
	for _, text := range []string{
		`{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`,
		"com.okta.sdk.resource.ResourceException: HTTP 403, Okta E0000006 (You do not have permission to perform the requested action)",
		"Post \"https://acme.okta.com/oauth2/v1/token\": dial tcp: lookup acme.okta.com: no such host",
		`{"errorSummary":"Invalid value for 'client_id' parameter.","errorCode":"invalid_client"}`,
	} {
		if !recognize(text) {
			t.Errorf("not recognised: %s", text)
		}
	}
	for _, text := range []string{
		`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`,
		`{"ok":false,"error":"invalid_auth"}`,
		"google.auth.exceptions.RefreshError: ('invalid_grant: Invalid JWT Signature.', {'error': 'invalid_grant'})",
	} {
		if recognize(text) {
			t.Errorf("recognised as Okta: %s", text)
		}
	}
}
