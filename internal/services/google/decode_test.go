package google

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// TestGoogleDecode classifies Google's answers as they arrive: token
// endpoint bodies, Admin SDK errors, and client libraries' exception texts.
func TestGoogleDecode(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		cat    finding.Category
		code   string
	}{
		{"unauthorized_client, e-mail instead of client ID", 401,
			`{"error":"unauthorized_client","error_description":"Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."}`,
			finding.DelegationNotConfigured, "unauthorized_client"},
		{"unauthorized_client, no delegation", 401, "{\n  \"error\" : \"unauthorized_client\",\n  \"error_description\" : \"Unauthorized client or scope in request.\"\n}",
			finding.DelegationNotConfigured, "unauthorized_client"},
		{"google-auth RefreshError with a Python dict", 0,
			`google.auth.exceptions.RefreshError: ('unauthorized_client: Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.', {'error': 'unauthorized_client', 'error_description': 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.'})`,
			finding.DelegationNotConfigured, "unauthorized_client"},
		{"google-auth RefreshError with a JSON string", 0,
			`google.auth.exceptions.RefreshError: ('unauthorized_client: Client is unauthorized to retrieve access tokens using this method.', '{"error":"unauthorized_client","error_description":"Client is unauthorized to retrieve access tokens using this method."}')`,
			finding.DelegationNotConfigured, "unauthorized_client"},
		{"scope not delegated", 400, `{"error":"access_denied","error_description":"Requested client not authorized."}`,
			finding.DelegationNotConfigured, "access_denied"},
		// Reports API, non-admin subject: the message Microsoft Defender for
		// Cloud Apps' troubleshooting table quotes (shared seed 003) in the
		// Admin SDK's 401 shape (pastebin e5Y3yQDd shows that shape for
		// "Invalid Credentials").
		{"Reports API 401 for a non-admin", 401,
			"{\n \"error\": {\n  \"errors\": [\n   {\n    \"domain\": \"global\",\n    \"reason\": \"authError\",\n    \"message\": \"Access denied. You are not authorized to read activity records.\",\n    \"locationType\": \"header\",\n    \"location\": \"Authorization\"\n   }\n  ],\n  \"code\": 401,\n  \"message\": \"Access denied. You are not authorized to read activity records.\"\n }\n}\n",
			finding.AccessDenied, "authError"},
		{"Reports API 401, Java GoogleJsonResponseException", 0,
			"com.google.api.client.googleapis.json.GoogleJsonResponseException: 401 Unauthorized\n{\n  \"code\" : 401,\n  \"errors\" : [ {\n    \"domain\" : \"global\",\n    \"location\" : \"Authorization\",\n    \"locationType\" : \"header\",\n    \"message\" : \"Access denied. You are not authorized to read activity records.\",\n    \"reason\" : \"authError\"\n  } ],\n  \"message\" : \"Access denied. You are not authorized to read activity records.\"\n}",
			finding.AccessDenied, "authError"},
		// A 401 that does mean a bad token keeps invalid_credentials
		// (pastebin e5Y3yQDd, 2013).
		{"401 Invalid Credentials", 401,
			"{\n \"error\": {\n  \"errors\": [\n   {\n    \"domain\": \"global\",\n    \"reason\": \"authError\",\n    \"message\": \"Invalid Credentials\",\n    \"locationType\": \"header\",\n    \"location\": \"Authorization\"\n   }\n  ],\n  \"code\": 401,\n  \"message\": \"Invalid Credentials\"\n }\n}",
			finding.InvalidCredentials, "authError"},
		{"invalid JWT signature", 400, `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`,
			finding.RevokedCredentials, "invalid_grant"},
		{"Node gaxios text", 0, "GaxiosError: invalid_grant: Invalid JWT Signature.\n    at Gaxios._request (/app/node_modules/gaxios/build/src/gaxios.js:142:23)",
			finding.RevokedCredentials, "invalid_grant"},
		{"clock skew, current wording", 400,
			`{"error":"invalid_grant","error_description":"Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."}`,
			finding.InvalidConfiguration, "invalid_grant"},
		{"clock skew, quoted claims in a Python repr", 0,
			`google.auth.exceptions.RefreshError: ('invalid_grant: Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your \'iat\' and \'exp\' values and use a clock with skew to account for clock differences between systems.', {'error': 'invalid_grant', 'error_description': "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your 'iat' and 'exp' values and use a clock with skew to account for clock differences between systems."})`,
			finding.InvalidConfiguration, "invalid_grant"},
		{"unknown subject", 400, `{"error":"invalid_grant","error_description":"Invalid email or User ID"}`,
			finding.InvalidConfiguration, "invalid_grant"},
		{"not a valid email", 400, `{"error":"invalid_grant","error_description":"Not a valid email."}`,
			finding.InvalidConfiguration, "invalid_grant"},
		{"service account deleted, Go oauth2 error", 0, "oauth2: cannot fetch token: 400 Bad Request\nResponse: {\"error\":\"invalid_grant\",\"error_description\":\"Invalid grant: account not found\"}",
			finding.AccountDisabled, "invalid_grant"},
		{"disabled client", 400, `{"error":"disabled_client","error_description":"The OAuth client was disabled."}`,
			finding.AccountDisabled, "disabled_client"},
		{"deleted client", 401, `{"error":"deleted_client","error_description":"The OAuth client was deleted."}`,
			finding.AppNotFound, "deleted_client"},
		{"invalid scope", 400, `{"error":"invalid_scope","error_description":"Invalid OAuth scope or ID token audience provided."}`,
			finding.InvalidScope, "invalid_scope"},
		{"admin policy", 400, `{"error":"admin_policy_enforced","error_description":"..."}`,
			finding.PolicyBlocked, "admin_policy_enforced"},
		{"Java TokenResponseException", 0, "com.google.api.client.auth.oauth2.TokenResponseException: 400 Bad Request\nPOST https://oauth2.googleapis.com/token\n{\n  \"error\" : \"invalid_grant\",\n  \"error_description\" : \"Invalid email or User ID\"\n}",
			finding.InvalidConfiguration, "invalid_grant"},
		{"Admin SDK 403 not an admin", 403,
			"{\n  \"error\": {\n    \"code\": 403,\n    \"message\": \"Not Authorized to access this resource/api\",\n    \"errors\": [\n      {\n        \"message\": \"Not Authorized to access this resource/api\",\n        \"domain\": \"global\",\n        \"reason\": \"forbidden\"\n      }\n    ],\n    \"status\": \"PERMISSION_DENIED\"\n  }\n}\n",
			finding.AccessDenied, "forbidden"},
		{"Java GoogleJsonResponseException (inner object)", 0,
			"com.google.api.client.googleapis.json.GoogleJsonResponseException: 403 Forbidden\nGET https://admin.googleapis.com/admin/directory/v1/users?customer=my_customer&maxResults=1\n{\n  \"code\" : 403,\n  \"errors\" : [ {\n    \"domain\" : \"global\",\n    \"message\" : \"Not Authorized to access this resource/api\",\n    \"reason\" : \"forbidden\"\n  } ],\n  \"message\" : \"Not Authorized to access this resource/api\"\n}",
			finding.AccessDenied, "forbidden"},
		{"googleapiclient HttpError", 0,
			`<HttpError 403 when requesting https://admin.googleapis.com/admin/directory/v1/users?customer=my_customer&maxResults=1&alt=json returned "Not Authorized to access this resource/api". Details: "[{'message': 'Not Authorized to access this resource/api', 'domain': 'global', 'reason': 'forbidden'}]">`,
			finding.AccessDenied, "forbidden"},
		{"domain not found", 400, `{"error":{"code":400,"message":"Domain not found.","errors":[{"message":"Domain not found.","domain":"global","reason":"badRequest"}]}}`,
			finding.TenantNotFound, "badRequest"},
		{"insufficient scopes", 403, `{"error":{"code":403,"message":"Request had insufficient authentication scopes.","errors":[{"message":"Insufficient Permission","domain":"global","reason":"insufficientPermissions"}],"status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT","domain":"googleapis.com"}]}}`,
			finding.InsufficientScope, "insufficientPermissions"},
		{"API disabled", 403, `{"error":{"code":403,"message":"Admin SDK API has not been used in project 123456789012 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/admin.googleapis.com/overview?project=123456789012 then retry.","errors":[{"message":"Admin SDK API has not been used in project 123456789012 before or it is disabled.","domain":"usageLimits","reason":"accessNotConfigured","extendedHelp":"https://console.developers.google.com"}],"status":"PERMISSION_DENIED"}}`,
			finding.FeatureDisabled, "accessNotConfigured"},
		{"invalid credentials", 401, `{"error":{"code":401,"message":"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.","errors":[{"message":"Invalid Credentials","domain":"global","reason":"authError","location":"Authorization","locationType":"header"}],"status":"UNAUTHENTICATED"}}`,
			finding.InvalidCredentials, "authError"},
		{"quota", 429, `{"error":{"code":429,"message":"Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'admin.googleapis.com'.","errors":[{"message":"Quota exceeded","domain":"global","reason":"rateLimitExceeded"}],"status":"RESOURCE_EXHAUSTED"}}`,
			finding.RateLimited, "rateLimitExceeded"},
		{"backend error", 503, `{"error":{"code":503,"message":"The service is currently unavailable.","errors":[{"message":"The service is currently unavailable.","domain":"global","reason":"backendError"}],"status":"UNAVAILABLE"}}`,
			finding.ServiceUnavailable, "backendError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := servicetest.CheckDecoded(t, decode, tc.status, tc.body, tc.cat, tc.code)
			if (f.Category == finding.RateLimited || f.Category == finding.ServiceUnavailable) != f.Retryable {
				t.Errorf("retryable %v for %s", f.Retryable, f.Category)
			}
		})
	}
	for _, body := range []string{``, `<html><body>Error 404 (Not Found)</body></html>`, `{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`, `{"ok":false,"error":"invalid_auth"}`} {
		if f, ok := decode(connector.Answer{StatusCode: 401, Body: []byte(body)}); ok {
			t.Errorf("decoded a foreign body %q as %s %s", body, f.Category, f.Code)
		}
	}
}

func TestGoogleRecognize(t *testing.T) {
	for _, text := range []string{
		"google.auth.exceptions.RefreshError: ('invalid_grant: Invalid JWT Signature.', {'error': 'invalid_grant', 'error_description': 'Invalid JWT Signature.'})",
		`Post "https://oauth2.googleapis.com/token": dial tcp: i/o timeout`,
		`{"error":{"code":403,"message":"Not Authorized to access this resource/api","status":"PERMISSION_DENIED"}}`,
		"com.google.api.client.googleapis.json.GoogleJsonResponseException: 403 Forbidden",
		`{"error":"invalid_grant","error_description":"Invalid email or User ID"}`,
	} {
		if !recognize(text) {
			t.Errorf("not recognised: %s", text)
		}
	}
	for _, text := range []string{
		`{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`,
		`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`,
		`{"error":"invalid_grant","error_description":"refresh token is invalid"}`,
	} {
		if recognize(text) {
			t.Errorf("recognised as Google: %s", text)
		}
	}
}
