package diagnose

import (
	"slices"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// want is what a table case checks; zero fields are not checked.
type want struct {
	category  finding.Category
	code      string
	retryable bool
	// summary and cause must contain these (case-insensitive).
	summary, cause string
}

func check(t *testing.T, r Result, w want) {
	t.Helper()
	if r.Category != w.category {
		t.Errorf("category = %q, want %q (code %q, summary %q, cause %q)", r.Category, w.category, r.Code, r.Summary, r.Cause)
	}
	if w.code != "" && r.Code != w.code {
		t.Errorf("code = %q, want %q", r.Code, w.code)
	}
	if r.Retryable != w.retryable {
		t.Errorf("retryable = %v, want %v", r.Retryable, w.retryable)
	}
	if w.summary != "" && !strings.Contains(strings.ToLower(r.Summary), strings.ToLower(w.summary)) {
		t.Errorf("summary = %q, want it to contain %q", r.Summary, w.summary)
	}
	if w.cause != "" && !strings.Contains(strings.ToLower(r.Cause), strings.ToLower(w.cause)) {
		t.Errorf("cause = %q, want it to contain %q", r.Cause, w.cause)
	}
	checkShape(t, r)
}

// checkShape checks what every Result must satisfy.
func checkShape(t *testing.T, r Result) {
	t.Helper()
	if !slices.Contains(finding.Categories, r.Category) {
		t.Errorf("category %q is not a finding category", r.Category)
	}
	if r.Summary == "" {
		t.Error("empty summary")
	}
	if r.Remediation == nil {
		t.Error("nil remediation")
	}
	for _, s := range append([]string{r.Code, r.Summary, r.Cause}, r.Remediation...) {
		if strings.ContainsAny(s, "\r\n") {
			t.Errorf("multi-line text %q", s)
		}
	}
}

// TestGenericOAuthBodies runs RFC 6749 §5.2 bodies as real servers send them,
// with no service given and no profile hooks, so only the generic decoders run.
func TestGenericOAuthBodies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		body   string
		want   want
		// knownIssue skips a case that fails for a reason outside this
		// package (named here), so it is fixed where it belongs.
		knownIssue string
	}{
		{
			name:   "entra secret expired, raw with CRLF trace lines and extra fields",
			status: 401,
			body: "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000222: The provided client secret keys for app " +
				"'0f3b1c2d-0000-4000-8000-000000000001' are expired. Visit the Azure portal to create new keys for your app: " +
				"https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds." +
				"\\r\\nTrace ID: 6a1e2f3c-1d2e-4f5a-8b9c-0d1e2f3a4b5c\\r\\nCorrelation ID: 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e\\r\\n" +
				"Timestamp: 2025-02-20 07:21:29Z\",\"error_codes\":[7000222],\"timestamp\":\"2025-02-20 07:21:29Z\"," +
				"\"trace_id\":\"6a1e2f3c-1d2e-4f5a-8b9c-0d1e2f3a4b5c\",\"correlation_id\":\"1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e\"," +
				"\"error_uri\":\"https://login.microsoftonline.com/error?code=7000222\"}\r\n",
			want: want{category: finding.ExpiredCredentials, code: "invalid_client", cause: "AADSTS7000222"},
		},
		{
			name:   "entra secret id instead of value",
			status: 401,
			body:   `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '00000000-0000-0000-0000-000000000000'.\r\nTrace ID: 1f0c\r\nCorrelation ID: 7d1e\r\nTimestamp: 2023-02-20 07:21:29Z","error_codes":[7000215],"timestamp":"2023-02-20 07:21:29Z","trace_id":"1f0c","correlation_id":"7d1e","error_uri":"https://login.microsoftonline.com/error?code=7000215"}`,
			want:   want{category: finding.InvalidCredentials, code: "invalid_client", cause: "00000000-0000-0000-0000-000000000000"},
		},
		{
			// Seed 002: a wrong or missing client secret, not a refused
			// grant type (Keycloak 26.7.1 recording, ekalinin/gloak
			// oidc/token/wrong-client-secret.http).
			name:   "keycloak wrong client secret",
			status: 401,
			body:   `{"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"}`,
			want:   want{category: finding.InvalidCredentials, code: "unauthorized_client", summary: "secret"},
		},
		{
			name:   "keycloak disabled user",
			status: 400,
			body:   `{"error":"invalid_grant","error_description":"Account disabled"}`,
			want:   want{category: finding.AccountDisabled, code: "invalid_grant"},
		},
		{
			// Without the service (no catalog here) "not active" may be
			// revoked or expired; with service keycloak it is expiry
			// (keycloak_test.go).
			name:   "token not active, server unknown",
			status: 400,
			body:   `{"error":"invalid_grant","error_description":"Token is not active"}`,
			want:   want{category: finding.RevokedCredentials, code: "invalid_grant"},
		},
		{
			name:   "auth0 wrong secret",
			status: 401,
			body:   `{"error":"access_denied","error_description":"Unauthorized"}`,
			want:   want{category: finding.AccessDenied, code: "access_denied"},
		},
		{
			name:   "auth0 unknown client",
			status: 401,
			body:   `{"error":"invalid_client","error_description":"Client is not authorized to access \"https://api.example.com\". You need to create a client-grant associated to this API."}`,
			want:   want{category: finding.InvalidCredentials, code: "invalid_client"},
		},
		{
			name:   "okta oauth invalid_scope",
			status: 400,
			body:   `{"error":"invalid_scope","error_description":"One or more scopes are not configured for the authorization server resource."}`,
			want:   want{category: finding.InvalidScope, code: "invalid_scope"},
		},
		{
			name:   "okta oauth invalid_client with errorId",
			status: 401,
			body:   `{"error":"invalid_client","error_description":"The client secret supplied for a confidential client is invalid.","errorId":"oaeAbCdEf0123456789"}`,
			want:   want{category: finding.InvalidCredentials, code: "invalid_client"},
		},
		{
			name:   "oidc-provider wrong secret",
			status: 401,
			body:   `{"error":"invalid_client","error_description":"client authentication failed"}`,
			want:   want{category: finding.InvalidCredentials, code: "invalid_client"},
		},
		{
			name:   "oidc-provider expired secret",
			status: 400,
			body:   `{"error":"invalid_client","error_description":"could not authenticate the client - its client secret is expired"}`,
			want:   want{category: finding.ExpiredCredentials, code: "invalid_client"},
		},
		{
			name:   "oidc-provider scope outside allow-list",
			status: 400,
			body:   `{"error":"invalid_scope","error_description":"requested scope is not allowed","scope":"api:write"}`,
			want:   want{category: finding.InvalidScope, code: "invalid_scope", cause: "api:write"},
		},
		{
			name:   "oidc-provider unregistered redirect_uri",
			status: 400,
			body:   `{"error":"invalid_redirect_uri","error_description":"redirect_uri did not match any of the client's registered redirect_uris","iss":"http://127.0.0.1:3000"}`,
			want:   want{category: finding.RedirectURIMismatch, code: "invalid_redirect_uri"},
		},
		{
			name:   "salesforce expired refresh token",
			status: 400,
			body:   `{"error":"invalid_grant","error_description":"expired access/refresh token"}`,
			want:   want{category: finding.ExpiredCredentials, code: "invalid_grant"},
		},
		{
			name:   "salesforce ip restricted",
			status: 400,
			body:   `{"error_description":"ip restricted","error":"invalid_grant"}`,
			want:   want{category: finding.PolicyBlocked, code: "invalid_grant"},
		},
		{
			name:   "box bad client credentials",
			status: 400,
			body:   `{"error":"invalid_client","error_description":"The client credentials are invalid"}`,
			want:   want{category: finding.InvalidCredentials, code: "invalid_client"},
		},
		{
			name:   "zendesk invalid_token",
			status: 401,
			body:   `{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed or invalid for other reasons."}`,
			want:   want{category: finding.ExpiredCredentials, code: "invalid_token", cause: "access token provided"},
		},
		{
			name:   "google invalid_grant clock skew",
			status: 400,
			body:   "{\n  \"error\": \"invalid_grant\",\n  \"error_description\": \"Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.\"\n}\n",
			want:   want{category: finding.InvalidCredentials, code: "invalid_grant"},
		},
		{
			name:   "server_error is retryable",
			status: 500,
			body:   `{"error":"server_error","error_description":"Unexpected error"}`,
			want:   want{category: finding.ServiceUnavailable, code: "server_error", retryable: true},
		},
		{
			name:   "429 with an OAuth body is rate limiting, as in the probe",
			status: 429,
			body:   `{"error":"invalid_request","error_description":"Too many requests"}`,
			want:   want{category: finding.RateLimited, code: "invalid_request", retryable: true},
		},
		{
			name:   "form-encoded body (older servers)",
			status: 400,
			body:   "error=invalid_grant&error_description=Bad+Request%3A+refresh+token+expired",
			want:   want{category: finding.ExpiredCredentials, code: "invalid_grant"},
		},
		{
			name:   "error in a redirect URL",
			status: 0,
			body:   "callback failed: https://app.example.com/oauth/callback?error=access_denied&error_description=The+resource+owner+denied+the+request&state=xyz",
			want:   want{category: finding.AccessDenied, code: "access_denied"},
		},
		{
			name:   "UTF-8 BOM and whitespace",
			status: 400,
			body:   "\ufeff  \r\n{\"error\":\"unsupported_grant_type\"}\r\n",
			want:   want{category: finding.InvalidConfiguration, code: "unsupported_grant_type"},
		},
		{
			name:   "RFC 6750 challenge in a pasted response",
			status: 401,
			body:   "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"example\", error=\"invalid_token\", error_description=\"The access token expired\"\r\nContent-Length: 0\r\n\r\n",
			want:   want{category: finding.ExpiredCredentials, code: "invalid_token"},
		},
		{
			name:   "RFC 6750 insufficient_scope, bare challenge in a log",
			status: 403,
			body:   `request denied: Bearer error="insufficient_scope", scope="read:org", error_description="The request requires higher privileges"`,
			want:   want{category: finding.InsufficientScope, code: "insufficient_scope", cause: "read:org"},
		},
		{
			name:   "challenge as a JSON-escaped header",
			status: 401,
			body:   `{"headers":{"WWW-Authenticate":"Bearer error=\"invalid_token\", error_description=\"token revoked\""},"body":""}`,
			want:   want{category: finding.RevokedCredentials, code: "invalid_token"},
		},
		{
			name:   "unrecognised OAuth code keeps it",
			status: 0,
			body:   `{"error":"admin_policy_enforced","error_description":"The administrator has restricted access."}`,
			want:   want{category: finding.UnexpectedResponse, code: "admin_policy_enforced"},
		},
		{
			name:   "unrecognised OAuth code with a known status keeps the code",
			status: 403,
			body:   `{"error":"admin_policy_enforced","error_description":"The administrator has restricted access."}`,
			want:   want{category: finding.AccessDenied, code: "admin_policy_enforced", cause: "restricted access"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.knownIssue != "" {
				t.Skip("known issue: " + c.knownIssue)
			}
			check(t, Diagnose(nil, "", c.status, c.body), c.want)
		})
	}
}

// TestWrappedBodies runs bodies wrapped in client libraries' exception text,
// truncated, or printed as Python reprs (seeds: the Defender for Cloud Apps
// connector table).
func TestWrappedBodies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		body   string
		want   want
	}{
		{
			name: "box java library",
			body: `AuthFatalFailureException: com.box.boxjavalibv2.exceptions.BoxServerException: {"error":"invalid_grant","error_description":"Invalid refresh token"}`,
			want: want{category: finding.RevokedCredentials, code: "invalid_grant"},
		},
		{
			name: "adallom wrapper with a trailing quote",
			body: `ContextManagerServiceException: com.adallom.adalib.httputils.exceptions.TokenRefreshException: {"error":"invalid_grant","error_description":"Invalid refresh token"}'`,
			want: want{category: finding.RevokedCredentials, code: "invalid_grant"},
		},
		{
			name: "truncated body (log line cut before the closing brace)",
			body: `TokenRefreshException: {"error":"invalid_grant","error_description":"AADSTS70002: Error validating credentials. AADSTS70008: The provided authorization code or refresh token is expired. Send a new interactive authorization request for this user and resource.`,
			want: want{category: finding.ExpiredCredentials, code: "invalid_grant", cause: "AADSTS70008"},
		},
		{
			name: "workday body in an unescaped serverResponse",
			body: `"code":401,"serverResponse": … body":"{"error":"invalid_client"}"`,
			want: want{category: finding.InvalidCredentials, code: "invalid_client"},
		},
		{
			name: "workday permission denied, status named in the text",
			body: `Get events: {"code":403,"serverResponse" body":"{"error":"permission denied"}"`,
			want: want{category: finding.AccessDenied, code: "permission denied"},
		},
		{
			name: "JSON held in a JSON string member",
			body: `{"code":400,"serverResponse":{"headers":{},"body":"{\"error\":\"invalid_grant\",\"error_description\":\"Account disabled\"}"}}`,
			want: want{category: finding.AccountDisabled, code: "invalid_grant"},
		},
		{
			name: "python dict repr (requests-oauthlib, google-auth)",
			body: `google.auth.exceptions.RefreshError: ('invalid_grant: Invalid grant: account not found', {'error': 'invalid_grant', 'error_description': 'Invalid grant: account not found', 'ok': False, 'extra': None})`,
			want: want{category: finding.RevokedCredentials, code: "invalid_grant", cause: "account not found"},
		},
		{
			name: "python repr with a double-quoted string holding an apostrophe",
			body: `oauthlib.oauth2.rfc6749.errors.InvalidClientError: {'error': 'invalid_client', 'error_description': "client's secret is expired"}`,
			want: want{category: finding.ExpiredCredentials, code: "invalid_client"},
		},
		{
			name: "MSAL .NET exception text",
			body: "Microsoft.Identity.Client.MsalServiceException: AADSTS7000222: The provided client secret keys for app '5b2c' are expired.\r\n   at Microsoft.Identity.Client.OAuth2.OAuth2Client.ThrowServerException(HttpResponse response)\r\n" +
				` ErrorCode: invalid_client StatusCode: 401 ResponseBody: {"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys for app '5b2c' are expired.","error_codes":[7000222]}`,
			want: want{category: finding.ExpiredCredentials, code: "invalid_client"},
		},
		{
			name: "status from exception text",
			body: "HttpRequestFailure: Server returned: 401 Unauthorized",
			want: want{category: finding.InvalidCredentials, code: "HTTP 401"},
		},
		{
			name: "status code phrase with a licence body",
			body: "Get events: Request failed with status code 402. Payment Required. Audit Log Entitlement validation failed",
			want: want{category: finding.LicenseRequired, code: "HTTP 402"},
		},
		{
			name: "google client library",
			body: "GoogleJsonResponseException: 403 Forbidden",
			want: want{category: finding.AccessDenied, code: "HTTP 403"},
		},
		{
			name: "ADAL (400) Bad Request",
			body: "The remote server returned an error: (400) Bad Request.",
			want: want{category: finding.UnexpectedResponse, code: "HTTP 400"},
		},
		{
			name: "python requests HTTPError",
			body: "requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: https://api.example.com/v1/users",
			want: want{category: finding.ServiceUnavailable, code: "HTTP 503", retryable: true},
		},
		{
			name:   "graph error object with a status keeps the vendor code",
			body:   `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2022-05-20T17:00:59","request-id":"a1b2c3d4-0000-4000-8000-000000000000","client-request-id":"a1b2c3d4-0000-4000-8000-000000000000"}}}`,
			status: 403,
			want:   want{category: finding.AccessDenied, code: "Authorization_RequestDenied", cause: "Insufficient privileges"},
		},
		{
			name:   "okta errorCode with a status",
			status: 401,
			body:   `{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oaeAb12Cd34","errorCauses":[]}`,
			want:   want{category: finding.InvalidCredentials, code: "E0000011", cause: "Invalid token provided"},
		},
		{
			name: "github JSON status field",
			body: `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}`,
			want: want{category: finding.InvalidCredentials, cause: "Bad credentials"},
		},
		{
			name: "atlassian status-code member",
			body: `{"message":"Client must be authenticated to access this resource.","status-code":401}`,
			want: want{category: finding.InvalidCredentials},
		},
		{
			name:   "slack 429",
			status: 429,
			body:   `{"ok":false,"error":"ratelimited"}`,
			want:   want{category: finding.RateLimited, code: "ratelimited", retryable: true},
		},
		{
			name: "nothing to go on keeps the exception class",
			body: "NullPointerException",
			want: want{category: finding.UnexpectedResponse, code: "NullPointerException"},
		},
		{
			name: "empty",
			body: "",
			want: want{category: finding.UnexpectedResponse, code: ""},
		},
		{
			name:   "404 HTML page",
			status: 404,
			body:   "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
			want:   want{category: finding.EndpointNotFound, code: "HTTP 404"},
		},
		{
			name:   "502 from a proxy is not a transport error",
			status: 502,
			body:   "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
			want:   want{category: finding.ServiceUnavailable, code: "HTTP 502", retryable: true},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			check(t, Diagnose(nil, "", c.status, c.body), c.want)
		})
	}
}
