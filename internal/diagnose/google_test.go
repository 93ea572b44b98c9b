package diagnose_test

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestDiagnoseGoogleWorkspace(t *testing.T) {
	ogDiagnose(t, "google_workspace", []ogCase{
		{"delegation by e-mail instead of client ID, google-auth RefreshError", 0,
			`google.auth.exceptions.RefreshError: ('unauthorized_client: Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.', {'error': 'unauthorized_client', 'error_description': 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.'})`,
			finding.DelegationNotConfigured, "unauthorized_client", "numeric Client ID", false},
		{"delegation missing, PHP client at /oauth2/v4/token", 401,
			"POST https://www.googleapis.com/oauth2/v4/token resulted in a `401 Unauthorized` response:\n{\n \"error\": \"unauthorized_client\",\n \"error_description\": \"Unauthorized client or scope in request.\"\n}",
			finding.DelegationNotConfigured, "unauthorized_client", "24 hours", false},
		{"scope not delegated", 400,
			`{"error":"access_denied","error_description":"Requested client not authorized."}`,
			finding.DelegationNotConfigured, "access_denied", "every scope", false},
		{"deleted key, Node gaxios", 0,
			"GaxiosError: invalid_grant: Invalid JWT Signature.\n    at Gaxios._request (/srv/node_modules/gaxios/build/src/gaxios.js:142:23)\n    at async JWT.requestAsyncInner (/srv/node_modules/google-auth-library/build/src/auth/oauth2client.js:330:18)",
			finding.RevokedCredentials, "invalid_grant", "private_key_id", false},
		{"clock skew, Python repr with quoted claims", 0,
			`google.auth.exceptions.RefreshError: ('invalid_grant: Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.', {'error': 'invalid_grant', 'error_description': "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your 'iat' and 'exp' values and use a clock with skew to account for clock differences between systems."})`,
			finding.InvalidConfiguration, "invalid_grant", "NTP", false},
		{"clock skew, older shorter wording", 400,
			`{"error":"invalid_grant","error_description":"Invalid JWT: Token must be a short-lived token and in a reasonable timeframe"}`,
			finding.InvalidConfiguration, "invalid_grant", "clock", false},
		{"unknown subject, Java TokenResponseException", 0,
			"com.google.api.client.auth.oauth2.TokenResponseException: 400 Bad Request\nPOST https://oauth2.googleapis.com/token\n{\n  \"error\" : \"invalid_grant\",\n  \"error_description\" : \"Invalid email or User ID\"\n}",
			finding.InvalidConfiguration, "invalid_grant", "impersonate", false},
		{"service account deleted, Go oauth2", 0,
			"oauth2: cannot fetch token: 400 Bad Request\nResponse: {\"error\":\"invalid_grant\",\"error_description\":\"Invalid grant: account not found\"}",
			finding.AccountDisabled, "invalid_grant", "undelete", false},
		{"key disabled", 400,
			`{"error":"disabled_client","error_description":"The OAuth client was disabled."}`,
			finding.AccountDisabled, "disabled_client", "enable the service account", false},
		{"invalid scope", 400,
			`{"error":"invalid_scope","error_description":"Invalid OAuth scope or ID token audience provided."}`,
			finding.InvalidScope, "invalid_scope", "required_scopes", false},
		{"Admin SDK 403 not an admin", 403,
			"{\n  \"error\": {\n    \"code\": 403,\n    \"message\": \"Not Authorized to access this resource/api\",\n    \"errors\": [\n      {\n        \"message\": \"Not Authorized to access this resource/api\",\n        \"domain\": \"global\",\n        \"reason\": \"forbidden\"\n      }\n    ],\n    \"status\": \"PERMISSION_DENIED\"\n  }\n}\n",
			finding.AccessDenied, "forbidden", "super administrator", false},
		{"Admin SDK 403, Defender-style Java wrapper", 0,
			"GoogleJsonResponseException: 403 Forbidden\n{\n  \"code\" : 403,\n  \"errors\" : [ {\n    \"domain\" : \"global\",\n    \"message\" : \"Not Authorized to access this resource/api\",\n    \"reason\" : \"forbidden\"\n  } ],\n  \"message\" : \"Not Authorized to access this resource/api\"\n}",
			finding.AccessDenied, "forbidden", "impersonate", false},
		{"Admin SDK 403, googleapiclient HttpError", 0,
			`googleapiclient.errors.HttpError: <HttpError 403 when requesting https://admin.googleapis.com/admin/directory/v1/users?customer=my_customer&maxResults=1&alt=json returned "Not Authorized to access this resource/api". Details: "[{'message': 'Not Authorized to access this resource/api', 'domain': 'global', 'reason': 'forbidden'}]">`,
			finding.AccessDenied, "forbidden", "Admin roles", false},
		// Reports API, impersonated user without the Reports privilege:
		// the message of seed 003 (Defender for Cloud Apps' connector
		// table) in the Admin SDK's 401 shape.
		{"Reports API 401 for a non-admin", 401,
			"{\n \"error\": {\n  \"errors\": [\n   {\n    \"domain\": \"global\",\n    \"reason\": \"authError\",\n    \"message\": \"Access denied. You are not authorized to read activity records.\",\n    \"locationType\": \"header\",\n    \"location\": \"Authorization\"\n   }\n  ],\n  \"code\": 401,\n  \"message\": \"Access denied. You are not authorized to read activity records.\"\n }\n}\n",
			finding.AccessDenied, "authError", "Reports privilege", false},
		{"Reports API 401 as Defender for Cloud Apps prints it", 0,
			"GoogleJsonResponseException: 401 Unauthorized\nAccess denied. You are not authorized to read activity records. The user you log into Google Workspace with must be an admin user.",
			finding.AccessDenied, "HTTP 401", "super administrator", false},
		// A 401 that means a bad token stays invalid_credentials (pastebin e5Y3yQDd).
		{"401 Invalid Credentials", 401,
			"{\n \"error\": {\n  \"errors\": [\n   {\n    \"domain\": \"global\",\n    \"reason\": \"authError\",\n    \"message\": \"Invalid Credentials\",\n    \"locationType\": \"header\",\n    \"location\": \"Authorization\"\n   }\n  ],\n  \"code\": 401,\n  \"message\": \"Invalid Credentials\"\n }\n}",
			finding.InvalidCredentials, "authError", "", false},
		{"domain not found", 400,
			`{"error":{"code":400,"message":"Domain not found.","errors":[{"message":"Domain not found.","domain":"global","reason":"badRequest"}]}}`,
			finding.TenantNotFound, "badRequest", "customer_id", false},
		{"Admin SDK API disabled", 403,
			`{"error":{"code":403,"message":"Admin SDK API has not been used in project 123456789012 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/admin.googleapis.com/overview?project=123456789012 then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.","errors":[{"message":"Admin SDK API has not been used in project 123456789012 before or it is disabled.","domain":"usageLimits","reason":"accessNotConfigured","extendedHelp":"https://console.developers.google.com"}],"status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVICE_DISABLED","domain":"googleapis.com","metadata":{"service":"admin.googleapis.com","consumer":"projects/123456789012"}}]}}`,
			finding.FeatureDisabled, "accessNotConfigured", "Admin SDK API", false},
		{"insufficient scopes", 403,
			`{"error":{"code":403,"message":"Request had insufficient authentication scopes.","errors":[{"message":"Insufficient Permission","domain":"global","reason":"insufficientPermissions"}],"status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT","domain":"googleapis.com","metadata":{"service":"admin.googleapis.com"}}]}}`,
			finding.InsufficientScope, "insufficientPermissions", "required_scopes", false},
		{"quota", 429,
			`{"error":{"code":429,"message":"Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'admin.googleapis.com' for consumer 'project_number:123456789012'.","errors":[{"message":"Quota exceeded","domain":"global","reason":"rateLimitExceeded"}],"status":"RESOURCE_EXHAUSTED"}}`,
			finding.RateLimited, "rateLimitExceeded", "Quotas", false},
	})
}
