package entra

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Raw bodies as Microsoft sends them (from the reference file, public issues
// and Microsoft's docs; ids replaced), and as client libraries print them.
const (
	entraBody7000215  = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '4d856d1f-8648-456c-9bb2-f36273bbe4e3'.\\r\\nTrace ID: 6bad8289-db4a-49da-8609-0848d8d71700\\r\\nCorrelation ID: 63b8bb61-5ca6-4ae3-8224-15a4de11cd87\\r\\nTimestamp: 2023-02-20 07:21:29Z\",\"error_codes\":[7000215],\"timestamp\":\"2023-02-20 07:21:29Z\",\"trace_id\":\"6bad8289-db4a-49da-8609-0848d8d71700\",\"correlation_id\":\"63b8bb61-5ca6-4ae3-8224-15a4de11cd87\",\"error_uri\":\"https://login.microsoftonline.com/error?code=7000215\"}"
	entraBody90002    = "{\"error\":\"invalid_tenant\",\"error_description\":\"AADSTS90002: Tenant '2b0623dd-90fa-4c5c-bee8-8dc18bd4d948' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.\\r\\nTrace ID: c1806f4a-bcae-4ac1-b7ff-4eea2dcd1200\\r\\nCorrelation ID: 9d8aaacf-a655-4b1f-b113-3d0691054798\\r\\nTimestamp: 2022-04-21 16:26:49Z\",\"error_codes\":[90002],\"timestamp\":\"2022-04-21 16:26:49Z\",\"trace_id\":\"c1806f4a-bcae-4ac1-b7ff-4eea2dcd1200\",\"correlation_id\":\"9d8aaacf-a655-4b1f-b113-3d0691054798\",\"error_uri\":\"https://login.microsoftonline.com/error?code=90002\"}"
	entraBodyGraph403 = `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2022-05-20T17:00:59","request-id":"9a6f2c1e-7d3b-4e8a-b5c4-2f1e0d9c8b7a","client-request-id":"9a6f2c1e-7d3b-4e8a-b5c4-2f1e0d9c8b7a"}}}`
)

func TestEntraDecode(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		cat    finding.Category // "" when the decoder must not claim the text
		code   string
		retry  bool
	}{
		{"invalid secret, raw body", 401, entraBody7000215, finding.InvalidCredentials, "AADSTS7000215", false},
		{"invalid secret inside Go autorest error text", 0,
			"Error: Failed to get existing workspaces: autorest/Client#Do: Preparing request failed: StatusCode=0 -- Original Error: clientCredentialsToken: received HTTP status 401 with response: " + entraBody7000215,
			finding.InvalidCredentials, "AADSTS7000215", false},
		{"MSAL.NET wrapper that talks about redirect URIs", 0,
			"MsalServiceException: The wrong application (public or confidential) is being used with this authentication flow. Potential issue: the redirect URI is valid, but it has been configured for the wrong app type. See https://aka.ms/msal-net-invalid-client for details. Original exception: AADSTS7000215: Invalid client secret is provided.",
			finding.InvalidCredentials, "AADSTS7000215", false},
		{"Azure.Identity on .NET", 0,
			"Unhandled exception: Azure.Identity.AuthenticationFailedException: ClientSecretCredential authentication failed: A configuration issue is preventing authentication - check the error message from the server for details. You can modify the configuration in the application registration portal. See https://aka.ms/msal-net-invalid-client for details.  Original exception: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '9b1f0c4e-0000-4000-8000-000000000001'.\r\nTrace ID: 0d0c5f3e-1111-4222-8333-444455556666\r\nCorrelation ID: 1e2d3c4b-1111-4222-8333-444455556666\r\nTimestamp: 2024-03-01 10:00:00Z\r\n   at Microsoft.Identity.Client.Internal.Requests.RequestBase.HandleTokenRefreshError(MsalServiceException e, MsalAccessTokenCacheItem cachedAccessTokenItem)\r\n   at Microsoft.Identity.Client.Internal.Requests.ClientCredentialRequest.ExecuteAsync(CancellationToken cancellationToken)",
			finding.InvalidCredentials, "AADSTS7000215", false},
		{"msal-node error message", 0,
			"errorCode: 'invalid_client', errorMessage: \"7000215 - [2023-03-05 22:32:01Z]: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'appid'.\\r\\n\"",
			finding.InvalidCredentials, "AADSTS7000215", false},
		{"ADAL-era wording: 70002 wrapping 50012", 401,
			"Microsoft.IdentityModel.Clients.ActiveDirectory.AdalServiceException: AADSTS70002: Error validating credentials. AADSTS50012: Invalid client secret is provided. Trace ID: a1daagbb-5047-4c59-170e-ceegeg52590200 Correlation ID: 367371g4-39c0-459c-b506-61937a4d76475 Timestamp: 2017-06-08 09:22:07Z ---> System.Net.WebException: The remote server returned an error: (401) Unauthorized.",
			finding.InvalidCredentials, "AADSTS50012", false},
		{"expired secret, msal4j stack trace", 0,
			"com.microsoft.aad.msal4j.MsalServiceException: AADSTS7000222: The provided client secret keys for app '6a0f7d1c-2222-4333-8444-555566667777' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds. Trace ID: 2c3d4e5f-1111-4222-8333-444455556666 Correlation ID: 3d4e5f6a-1111-4222-8333-444455556666 Timestamp: 2024-11-02 08:15:02Z\n\tat com.microsoft.aad.msal4j.MsalServiceExceptionFactory.fromHttpResponse(MsalServiceExceptionFactory.java:45)\n\tat com.microsoft.aad.msal4j.TokenRequestExecutor.createAuthenticationResultFromOauthHttpResponse(TokenRequestExecutor.java:111)",
			finding.ExpiredCredentials, "AADSTS7000222", false},
		{"expired secret, error_codes only", 401,
			`{"error":"invalid_client","error_description":"The provided client secret keys are expired.","error_codes":[7000222],"timestamp":"2024-01-01 00:00:00Z"}`,
			finding.ExpiredCredentials, "AADSTS7000222", false},
		{"no credential", 401,
			"{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.\\r\\nTrace ID: 11111111-2222-4333-8444-555555555555\\r\\nCorrelation ID: 21111111-2222-4333-8444-555555555555\\r\\nTimestamp: 2024-05-05 05:05:05Z\",\"error_codes\":[7000216],\"timestamp\":\"2024-05-05 05:05:05Z\",\"trace_id\":\"11111111-2222-4333-8444-555555555555\",\"correlation_id\":\"21111111-2222-4333-8444-555555555555\",\"error_uri\":\"https://login.microsoftonline.com/error?code=7000216\"}",
			finding.InvalidConfiguration, "AADSTS7000216", false},
		{"app not found", 400,
			"{\"error\":\"unauthorized_client\",\"error_description\":\"AADSTS700016: Application with identifier 'b1c2d3e4-0000-4000-8000-000000000000' was not found in the directory 'Contoso'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.\\r\\nTrace ID: 0f0e0d0c-1111-4222-8333-444455556666\\r\\nCorrelation ID: 1f0e0d0c-1111-4222-8333-444455556666\\r\\nTimestamp: 2021-09-01 12:00:00Z\",\"error_codes\":[700016],\"timestamp\":\"2021-09-01 12:00:00Z\",\"trace_id\":\"0f0e0d0c-1111-4222-8333-444455556666\",\"correlation_id\":\"1f0e0d0c-1111-4222-8333-444455556666\",\"error_uri\":\"https://login.microsoftonline.com/error?code=700016\"}",
			finding.AppNotFound, "AADSTS700016", false},
		{"old app-not-found wording under 70001", 400,
			"AADSTS70001: Application with identifier 'b1c2d3e4-0000-4000-8000-000000000000' was not found in the directory contoso.onmicrosoft.com",
			finding.AppNotFound, "AADSTS70001", false},
		{"app disabled", 400,
			"{\"error\":\"unauthorized_client\",\"error_description\":\"AADSTS7000112: Application 'b1c2d3e4-0000-4000-8000-000000000000'(sync-app) is disabled.\\r\\nTrace ID: 0f0e0d0c-1111-4222-8333-444455556666\\r\\nCorrelation ID: 1f0e0d0c-1111-4222-8333-444455556666\\r\\nTimestamp: 2021-09-01 12:00:00Z\",\"error_codes\":[7000112]}",
			finding.AccountDisabled, "AADSTS7000112", false},
		{"tenant not found, discovery body", 400, entraBody90002, finding.TenantNotFound, "AADSTS90002", false},
		{"tenant not found inside MSAL Python's ValueError", 0,
			"ValueError: OIDC Discovery endpoint rejects our request. Error: {\"error\":\"invalid_tenant\",\"error_description\":\"AADSTS90002: Tenant 'secrets' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant. Trace ID: 2e35e78b-e885-4bdd-90e2-d7beb467df00 Correlation ID: 0774b819-134d-4815-9573-a31a98397420 Timestamp: 2025-08-18 15:26:14Z\",\"error_codes\":[90002],\"timestamp\":\"2025-08-18 15:26:14Z\",\"trace_id\":\"2e35e78b-e885-4bdd-90e2-d7beb467df00\",\"correlation_id\":\"0774b819-134d-4815-9573-a31a98397420\",\"error_uri\":\"https://login.microsoftonline.com/error?code=90002\"}\n\nDuring handling of the above exception, another exception occurred:",
			finding.TenantNotFound, "AADSTS90002", false},
		{"tenant not found, 2014 sign-in page wording", 0,
			"Sign In\nSorry, but we're having trouble signing you in.\n\nWe received a bad request.\n\nAdditional technical information:\nCorrelation ID: 9dfa0d20-b9dd-40a5-aefd-ee89d714714b\nTimestamp: 2014-06-25 13:09:12Z\nAADSTS90002: No service namespace named 'abc' was found in the data store.",
			finding.TenantNotFound, "AADSTS90002", false},
		{"malformed tenant", 400,
			"{\"error\":\"invalid_request\",\"error_description\":\"AADSTS900023: Specified tenant identifier '{{tenantid}}' is neither a valid DNS name, nor a valid external domain.\\r\\nTrace ID: 5a4b3c2d-1111-4222-8333-444455556666\\r\\nCorrelation ID: 6a4b3c2d-1111-4222-8333-444455556666\\r\\nTimestamp: 2023-07-07 07:07:07Z\",\"error_codes\":[900023],\"timestamp\":\"2023-07-07 07:07:07Z\"}",
			finding.TenantNotFound, "AADSTS900023", false},
		{"redirect URI mismatch, sign-in page text", 0,
			"AADSTS50011: The redirect URI 'https://connect.example.com/__oauth__/integrations/callback' specified in the request does not match the redirect URIs configured for the application 'a1b2c3d4-0000-4000-8000-000000000000'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
			finding.RedirectURIMismatch, "AADSTS50011", false},
		{"redirect URI mismatch at the token endpoint", 400,
			`{"error":"invalid_client","error_description":"AADSTS50011: The reply URL specified in the request does not match the reply URLs configured for the application: 'a1b2c3d4-0000-4000-8000-000000000000'.\r\nTrace ID: 7a6b5c4d-1111-4222-8333-444455556666","error_codes":[50011]}`,
			finding.RedirectURIMismatch, "AADSTS50011", false},
		{"no reply address", 0, "AADSTS500113: No reply address is registered for the application.", finding.RedirectURIMissing, "AADSTS500113", false},
		{"consent missing", 400,
			"{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS65001: The user or administrator has not consented to use the application with ID 'a1b2c3d4-0000-4000-8000-000000000000' named 'sync'. Send an interactive authorization request for this user and resource.\\r\\nTrace ID: 8a7b6c5d-1111-4222-8333-444455556666\\r\\nCorrelation ID: 9a7b6c5d-1111-4222-8333-444455556666\\r\\nTimestamp: 2020-02-02 02:02:02Z\",\"error_codes\":[65001],\"timestamp\":\"2020-02-02 02:02:02Z\",\"trace_id\":\"8a7b6c5d-1111-4222-8333-444455556666\",\"correlation_id\":\"9a7b6c5d-1111-4222-8333-444455556666\",\"suberror\":\"consent_required\"}",
			finding.ConsentRequired, "AADSTS65001", false},
		{"conditional access", 400,
			"{\"error\":\"interaction_required\",\"error_description\":\"AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.\\r\\nTrace ID: 4c3b2a19-1111-4222-8333-444455556666\\r\\nCorrelation ID: 5c3b2a19-1111-4222-8333-444455556666\\r\\nTimestamp: 2020-09-09 09:09:09Z\",\"error_codes\":[53003],\"timestamp\":\"2020-09-09 09:09:09Z\",\"trace_id\":\"4c3b2a19-1111-4222-8333-444455556666\",\"correlation_id\":\"5c3b2a19-1111-4222-8333-444455556666\",\"error_uri\":\"https://login.microsoft.com/error?code=53003\",\"suberror\":\"message_only\"}",
			finding.PolicyBlocked, "AADSTS53003", false},
		{"expired refresh token in Defender's exception text", 0,
			`ContextManagerServiceException: com.adallom.adalib.httputils.exceptions.TokenRefreshException: {"error":"invalid_grant","error_description":"AADSTS70002: Error validating credentials. AADSTS70008: The provided authorization code or refresh token is expired. Send a new interactive authorization request for this user and resource.`,
			finding.ExpiredCredentials, "AADSTS70008", false},
		{"refresh token inactive", 400,
			"{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2023-01-01T00:00:00.0000000Z and was inactive for 90.00:00:00.\\r\\nTrace ID: 1a1b1c1d-1111-4222-8333-444455556666\",\"error_codes\":[700082]}",
			finding.ExpiredCredentials, "AADSTS700082", false},
		{"invalid scope, Microsoft's sample", 400,
			"{\"error\":\"invalid_scope\",\"error_description\":\"AADSTS70011: The provided value for the input parameter 'scope' isn't valid. The scope https://example.contoso.com/activity.read isn't valid.\\r\\nTrace ID: 0000aaaa-11bb-cccc-dd33-eeeeee333333\\r\\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd\\r\\nTimestamp: 2016-01-09 02:02:12Z\",\"error_codes\":[70011],\"timestamp\":\"2016-01-09 02:02:12Z\",\"trace_id\":\"0000aaaa-11bb-cccc-dd33-eeeeee333333\",\"correlation_id\":\"aaaa0000-bb11-2222-33cc-444444dddddd\",\"error_uri\":\"https://login.microsoftonline.com/error?code=70011\"}",
			finding.InvalidScope, "AADSTS70011", false},
		{"user does not exist", 400, `{"error":"invalid_grant","error_description":"AADSTS50034: The user account {EmailHidden} does not exist in the contoso.com directory. To sign into this application, the account must be added to the directory.\r\nTrace ID: 2b2c2d2e-1111-4222-8333-444455556666","error_codes":[50034]}`,
			finding.AccountDisabled, "AADSTS50034", false},
		{"user disabled", 400, `{"error":"invalid_grant","error_description":"AADSTS50057: The user account is disabled.\r\nTrace ID: 3b2c2d2e-1111-4222-8333-444455556666\r\nCorrelation ID: 4b2c2d2e-1111-4222-8333-444455556666\r\nTimestamp: 2022-10-10 10:10:10Z","error_codes":[50057],"timestamp":"2022-10-10 10:10:10Z"}`,
			finding.AccountDisabled, "AADSTS50057", false},
		{"throttled STS", 429, `{"error":"temporarily_unavailable","error_description":"AADSTS90055: TenantThrottlingError - There are too many incoming requests.","error_codes":[90055]}`,
			finding.RateLimited, "AADSTS90055", true},
		{"unknown AADSTS code keeps its code", 401, `{"error":"invalid_client","error_description":"AADSTS9999999: Something new.","error_codes":[9999999]}`,
			finding.InvalidCredentials, "AADSTS9999999", false},

		{"Graph 403", 403, entraBodyGraph403, finding.InsufficientScope, "Authorization_RequestDenied", false},
		{"Graph .NET SDK v4 ServiceException", 0,
			"Microsoft.Graph.ServiceException: Code: Authorization_RequestDenied\r\nMessage: Insufficient privileges to complete the operation.\r\nInner error:\r\n\tAdditionalData:\r\n\tdate: 2021-06-01T10:00:00\r\n\trequest-id: 5c6d7e8f-1111-4222-8333-444455556666\r\n\tclient-request-id: 5c6d7e8f-1111-4222-8333-444455556666\r\nClientRequestId: 5c6d7e8f-1111-4222-8333-444455556666",
			finding.InsufficientScope, "Authorization_RequestDenied", false},
		{"Graph SDK v5 ODataError without a code", 0, "Microsoft.Graph.Models.ODataErrors.ODataError: Insufficient privileges to complete the operation.",
			finding.InsufficientScope, "Authorization_RequestDenied", false},
		{"Graph invalid audience", 401,
			`{"error":{"code":"InvalidAuthenticationToken","message":"Access token validation failure. Invalid audience.","innerError":{"date":"2022-03-17T16:05:41","request-id":"49fef2a7-61c7-4529-9ee8-539a352c2f59","client-request-id":"49fef2a7-61c7-4529-9ee8-539a352c2f59"}}}`,
			finding.InvalidCredentials, "InvalidAuthenticationToken", false},
		{"Graph expired token", 401,
			`{"error":{"code":"InvalidAuthenticationToken","message":"Lifetime validation failed, the token is expired.","innerError":{"date":"2023-03-01T09:00:00","request-id":"6d7e8f90-1111-4222-8333-444455556666","client-request-id":"6d7e8f90-1111-4222-8333-444455556666"}}}`,
			finding.ExpiredCredentials, "InvalidAuthenticationToken", false},
		{"Graph /me with an app-only token", 400, `{"error":{"code":"BadRequest","message":"/me request is only valid with delegated authentication flow.","innerError":{"date":"2023-01-01T00:00:00","request-id":"7e8f9001-1111-4222-8333-444455556666"}}}`,
			finding.InvalidConfiguration, "BadRequest", false},
		{"Graph throttling", 429, `{"error":{"code":"TooManyRequests","message":"Too many requests.","innerError":{"date":"2023-01-01T00:00:00"}}}`,
			finding.RateLimited, "TooManyRequests", true},

		{"Management API AF20012 in Defender's text", 400,
			`HttpRequestFailure: Server returned: 400 Bad Request: {"error":{"code":"AF20012","message":"Specified tenant ID (998cea7e-35cd-46a5-ab3c-8ec88a45d7d5) is incorrectly configured in the system."`,
			finding.LicenseRequired, "AF20012", false},
		{"Management API AF20023 in malformed JSON", 0,
			`Microsoft.Office.Compliance.Audit.DataServiceException: Tenant 998cea7e-35cd-46a5-ab3c-8ec88a45d7d5 does not exist or {"error":"code":"AF20023","message":"The subscription was disabled."`,
			finding.FeatureDisabled, "AF20023", false},
		{"Management API AF10001", 401, `{"error":{"code":"AF10001","message":"The permission set (User.Read.All) sent in the request did not include the expected permission ActivityFeed.Read."}}`,
			finding.InsufficientScope, "AF10001", false},
		{"Management API AF50000 with single quotes", 500, `Internal Server Error, 500, {'error':{'code':'AF50000','message':'An internal error occurred.  Retry the request.'}}`,
			finding.ServiceUnavailable, "AF50000", true},

		{"plain OAuth error without an Entra code", 401, `{"error":"invalid_client","error_description":"Invalid client credentials"}`, "", "", false},
		{"Okta body", 401, `{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oaeXYZ","errorCauses":[]}`, "", "", false},
		{"Slack body", 200, `{"ok":false,"error":"invalid_auth"}`, "", "", false},
		{"upper-case GUID that contains AF2…", 404, `{"id":"AF200123-4567-4ABC-8DEF-0123456789AB","message":"not found"}`, "", "", false},
		{"empty", 500, "", "", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, p := range []*connector.Profile{entraIDProfile(), microsoft365Profile()} {
				f, ok := p.Decode(connector.Answer{StatusCode: tc.status, Body: []byte(tc.body)})
				if tc.cat == "" {
					if ok {
						t.Fatalf("%s claimed a foreign body: %+v", p.ID, f)
					}
					continue
				}
				if !ok {
					t.Fatalf("%s did not recognise the body", p.ID)
				}
				if f.Category != tc.cat || f.Code != tc.code || f.Retryable != tc.retry {
					t.Fatalf("%s: got %s %s retryable=%v, want %s %s %v\n%s\n%s", p.ID, f.Category, f.Code, f.Retryable, tc.cat, tc.code, tc.retry, f.Summary, f.Detail)
				}
				if f.Severity != finding.Error || f.Summary == "" || strings.HasSuffix(f.Summary, ".") || f.Detail == "" || len(f.Remediation) == 0 {
					t.Fatalf("incomplete finding %+v", f)
				}
				for _, volatile := range []string{"Trace ID", "Correlation ID", "Timestamp:", "request-id", "\r", "\n"} {
					if strings.Contains(f.Detail, volatile) {
						t.Fatalf("detail keeps %q, which changes on every call or breaks the line:\n%s", volatile, f.Detail)
					}
				}
			}
		})
	}
}

func TestEntraRecognize(t *testing.T) {
	for _, text := range []string{
		entraBody7000215, entraBodyGraph403,
		"POST https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token: 400 Bad Request",
		`{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty."}}`,
		"com.microsoft.aad.msal4j.MsalServiceException: something failed",
	} {
		if !entraRecognize(text) {
			t.Errorf("entra_id does not recognise %.60q", text)
		}
	}
	for _, text := range []string{
		`{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`, `{"ok":false,"error":"invalid_auth"}`,
		`{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`, "connection refused",
	} {
		if entraRecognize(text) || microsoft365Recognize(text) {
			t.Errorf("%.60q recognised as Microsoft's", text)
		}
	}
	for _, text := range []string{
		`{"error":{"code":"AF20023","message":"The subscription was disabled."}}`,
		"GET https://manage.office.com/api/v1.0/x/activity/feed/subscriptions/list: 401",
	} {
		if !microsoft365Recognize(text) {
			t.Errorf("microsoft_365 does not recognise %.60q", text)
		}
	}
}
