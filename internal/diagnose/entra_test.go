package diagnose_test

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/diagnose"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
)

// Entra ID, Microsoft Graph and Office 365 Management Activity API answers
// as they reach users: raw bodies with CRLF trace lines, bodies inside
// client-library exceptions, older wordings. Service "" must infer the
// vendor from the text alone.
func TestDiagnoseEntra(t *testing.T) {
	const (
		secretExpired = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000222: The provided client secret keys for app '0f3b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.\\r\\nTrace ID: 7f0e8d1c-2b3a-4c5d-8e9f-0a1b2c3d4e00\\r\\nCorrelation ID: 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d\\r\\nTimestamp: 2026-03-02 10:11:12Z\",\"error_codes\":[7000222],\"timestamp\":\"2026-03-02 10:11:12Z\",\"trace_id\":\"7f0e8d1c-2b3a-4c5d-8e9f-0a1b2c3d4e00\",\"correlation_id\":\"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d\",\"error_uri\":\"https://login.microsoftonline.com/error?code=7000222\"}"
		secretInvalid = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'a8fdfbd0-da97-42d9-8f1a-fd6a7cb650b4'.\\r\\nTrace ID: 6f6c4645-0202-4486-b625-fa957dfc4700\\r\\nCorrelation ID: 5fc87507-4086-4e77-b415-cee677eb232e\\r\\nTimestamp: 2023-05-06 06:03:00Z\",\"error_codes\":[7000215],\"timestamp\":\"2023-05-06 06:03:00Z\",\"trace_id\":\"6f6c4645-0202-4486-b625-fa957dfc4700\",\"correlation_id\":\"5fc87507-4086-4e77-b415-cee677eb232e\",\"error_uri\":\"https://login.microsoftonline.com/error?code=7000215\"}"
	)
	cases := []struct {
		name      string
		service   string
		status    int
		message   string
		category  finding.Category
		code      string
		retryable bool
	}{
		{"expired secret, raw", "entra_id", 401, secretExpired, finding.ExpiredCredentials, "AADSTS7000222", false},
		{"expired secret, inferred", "", 0, secretExpired, finding.ExpiredCredentials, "AADSTS7000222", false},
		{"invalid secret inside a bot framework error", "", 0,
			"[onTurnError] unhandled error: Error: Get Token request returned http error: 401 and server response: " + secretInvalid +
				"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\"><html><head><title>IIS Detailed Error - 500.0 - Internal Server Error</title></head></html>",
			finding.InvalidCredentials, "AADSTS7000215", false},
		{"invalid secret, .NET exception with stack", "entra_id", 0,
			"Microsoft.Identity.Client.MsalServiceException: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '9b1f0c4e-1111-4222-8333-444455556666'.\r\nTrace ID: 0d0c5f3e-1111-4222-8333-444455556666\r\nCorrelation ID: 1e2d3c4b-1111-4222-8333-444455556666\r\nTimestamp: 2024-03-01 10:00:00Z\r\n   at Microsoft.Identity.Client.OAuth2.OAuth2Client.ThrowServerException(HttpResponse response, RequestContext requestContext)\r\n   at Microsoft.Identity.Client.OAuth2.OAuth2Client.CreateResponse[T](HttpResponse response, RequestContext requestContext)",
			finding.InvalidCredentials, "AADSTS7000215", false},
		{"ADAL-era invalid secret", "", 401,
			"AdalServiceException: AADSTS70002: Error validating credentials. AADSTS50012: Invalid client secret is provided. Trace ID: 11111111-2222-4333-8444-555555555555 Correlation ID: 21111111-2222-4333-8444-555555555555 Timestamp: 2017-06-08 09:22:07Z",
			finding.InvalidCredentials, "AADSTS50012", false},
		{"app not found", "entra_id", 400,
			"{\"error\":\"unauthorized_client\",\"error_description\":\"AADSTS700016: Application with identifier 'b1c2d3e4-1111-4222-8333-444455556666' was not found in the directory 'Contoso'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.\\r\\nTrace ID: 0f0e0d0c-1111-4222-8333-444455556666\\r\\nCorrelation ID: 1f0e0d0c-1111-4222-8333-444455556666\\r\\nTimestamp: 2021-09-01 12:00:00Z\",\"error_codes\":[700016],\"timestamp\":\"2021-09-01 12:00:00Z\",\"trace_id\":\"0f0e0d0c-1111-4222-8333-444455556666\",\"correlation_id\":\"1f0e0d0c-1111-4222-8333-444455556666\",\"error_uri\":\"https://login.microsoftonline.com/error?code=700016\"}",
			finding.AppNotFound, "AADSTS700016", false},
		{"tenant not found via azure-cli", "", 0,
			"ValueError: OIDC Discovery endpoint rejects our request. Error: {\"error\":\"invalid_tenant\",\"error_description\":\"AADSTS90002: Tenant '2b0623dd-90fa-4c5c-bee8-8dc18bd4d948' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.\\r\\nTrace ID: c1806f4a-bcae-4ac1-b7ff-4eea2dcd1200\\r\\nCorrelation ID: 9d8aaacf-a655-4b1f-b113-3d0691054798\\r\\nTimestamp: 2022-04-21 16:26:49Z\",\"error_codes\":[90002],\"timestamp\":\"2022-04-21 16:26:49Z\",\"trace_id\":\"c1806f4a-bcae-4ac1-b7ff-4eea2dcd1200\",\"correlation_id\":\"9d8aaacf-a655-4b1f-b113-3d0691054798\",\"error_uri\":\"https://login.microsoftonline.com/error?code=90002\"}",
			finding.TenantNotFound, "AADSTS90002", false},
		{"malformed tenant", "entra_id", 400,
			"{\"error\":\"invalid_request\",\"error_description\":\"AADSTS900023: Specified tenant identifier 'undefined' is neither a valid DNS name, nor a valid external domain.\\r\\nTrace ID: 5a4b3c2d-1111-4222-8333-444455556666\\r\\nCorrelation ID: 6a4b3c2d-1111-4222-8333-444455556666\\r\\nTimestamp: 2023-07-07 07:07:07Z\",\"error_codes\":[900023],\"timestamp\":\"2023-07-07 07:07:07Z\",\"trace_id\":\"5a4b3c2d-1111-4222-8333-444455556666\",\"correlation_id\":\"6a4b3c2d-1111-4222-8333-444455556666\"}",
			finding.TenantNotFound, "AADSTS900023", false},
		{"redirect URI mismatch", "", 0,
			"AADSTS50011: The redirect URI 'https://connect.example.com/__oauth__/integrations/callback' specified in the request does not match the redirect URIs configured for the application 'a1b2c3d4-1111-4222-8333-444455556666'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
			finding.RedirectURIMismatch, "AADSTS50011", false},
		{"no reply address", "entra_id", 0, "AADSTS500113: No reply address is registered for the application.", finding.RedirectURIMissing, "AADSTS500113", false},
		{"consent", "", 400,
			"{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS65001: The user or administrator has not consented to use the application with ID 'a1b2c3d4-1111-4222-8333-444455556666' named 'sync'. Send an interactive authorization request for this user and resource.\\r\\nTrace ID: 8a7b6c5d-1111-4222-8333-444455556666\\r\\nCorrelation ID: 9a7b6c5d-1111-4222-8333-444455556666\\r\\nTimestamp: 2020-02-02 02:02:02Z\",\"error_codes\":[65001],\"timestamp\":\"2020-02-02 02:02:02Z\",\"trace_id\":\"8a7b6c5d-1111-4222-8333-444455556666\",\"correlation_id\":\"9a7b6c5d-1111-4222-8333-444455556666\",\"suberror\":\"consent_required\"}",
			finding.ConsentRequired, "AADSTS65001", false},
		{"conditional access", "", 400,
			"{\"error\":\"interaction_required\",\"error_description\":\"AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.\\r\\nTrace ID: 4c3b2a19-1111-4222-8333-444455556666\\r\\nCorrelation ID: 5c3b2a19-1111-4222-8333-444455556666\\r\\nTimestamp: 2020-09-09 09:09:09Z\",\"error_codes\":[53003],\"timestamp\":\"2020-09-09 09:09:09Z\",\"trace_id\":\"4c3b2a19-1111-4222-8333-444455556666\",\"correlation_id\":\"5c3b2a19-1111-4222-8333-444455556666\",\"error_uri\":\"https://login.microsoft.com/error?code=53003\",\"suberror\":\"message_only\"}",
			finding.PolicyBlocked, "AADSTS53003", false},
		{"expired refresh token in Defender's table", "", 0,
			`ContextManagerServiceException: com.adallom.adalib.httputils.exceptions.TokenRefreshException: {"error":"invalid_grant","error_description":"AADSTS70002: Error validating credentials. AADSTS70008: The provided authorization code or refresh token is expired. Send a new interactive authorization request for this user and resource.`,
			finding.ExpiredCredentials, "AADSTS70008", false},
		{"invalid scope, Microsoft's sample", "", 400,
			"{\"error\":\"invalid_scope\",\"error_description\":\"AADSTS70011: The provided value for the input parameter 'scope' isn't valid. The scope https://example.contoso.com/activity.read isn't valid.\\r\\nTrace ID: 0000aaaa-11bb-cccc-dd33-eeeeee333333\\r\\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd\\r\\nTimestamp: 2016-01-09 02:02:12Z\",\"error_codes\":[70011],\"timestamp\":\"2016-01-09 02:02:12Z\",\"trace_id\":\"0000aaaa-11bb-cccc-dd33-eeeeee333333\",\"correlation_id\":\"aaaa0000-bb11-2222-33cc-444444dddddd\",\"error_uri\":\"https://login.microsoftonline.com/error?code=70011\"}",
			finding.InvalidScope, "AADSTS70011", false},
		{"user disabled", "", 400, `{"error":"invalid_grant","error_description":"AADSTS50057: The user account is disabled.\r\nTrace ID: 3b2c2d2e-1111-4222-8333-444455556666\r\nCorrelation ID: 4b2c2d2e-1111-4222-8333-444455556666\r\nTimestamp: 2022-10-10 10:10:10Z","error_codes":[50057],"timestamp":"2022-10-10 10:10:10Z"}`,
			finding.AccountDisabled, "AADSTS50057", false},
		{"app disabled", "", 400, "{\"error\":\"unauthorized_client\",\"error_description\":\"AADSTS7000112: Application 'b1c2d3e4-1111-4222-8333-444455556666'(sync) is disabled.\\r\\nTrace ID: 0f0e0d0c-1111-4222-8333-444455556666\",\"error_codes\":[7000112]}",
			finding.AccountDisabled, "AADSTS7000112", false},

		{"Graph permission missing", "entra_id", 403,
			`{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2022-05-20T17:00:59","request-id":"9a6f2c1e-7d3b-4e8a-b5c4-2f1e0d9c8b7a","client-request-id":"9a6f2c1e-7d3b-4e8a-b5c4-2f1e0d9c8b7a"}}}`,
			finding.InsufficientScope, "Authorization_RequestDenied", false},
		{"Graph permission missing, inferred", "", 403,
			`{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2022-05-20T17:00:59","request-id":"9a6f2c1e-7d3b-4e8a-b5c4-2f1e0d9c8b7a","client-request-id":"9a6f2c1e-7d3b-4e8a-b5c4-2f1e0d9c8b7a"}}}`,
			finding.InsufficientScope, "Authorization_RequestDenied", false},
		{"Graph SDK v4 exception", "entra_id", 0,
			"Microsoft.Graph.ServiceException: Code: Authorization_RequestDenied\r\nMessage: Insufficient privileges to complete the operation.\r\nInner error:\r\n\tAdditionalData:\r\n\tdate: 2021-06-01T10:00:00\r\n\trequest-id: 5c6d7e8f-1111-4222-8333-444455556666",
			finding.InsufficientScope, "Authorization_RequestDenied", false},
		{"Graph token for the wrong API", "", 401,
			`{"error":{"code":"InvalidAuthenticationToken","message":"Access token validation failure. Invalid audience.","innerError":{"date":"2024-02-20T13:53:31","request-id":"8d9fc07c-848f-4ef7-8444-111122223333","client-request-id":"8d9fc07c-848f-4ef7-8444-111122223333"}}}`,
			finding.InvalidCredentials, "InvalidAuthenticationToken", false},
		{"Graph expired token", "entra_id", 401,
			`{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid.","innerError":{"date":"2023-03-01T09:00:00","request-id":"6d7e8f90-1111-4222-8333-444455556666"}}}`,
			finding.ExpiredCredentials, "InvalidAuthenticationToken", false},

		{"Microsoft 365 licence", "microsoft_365", 400,
			`HttpRequestFailure: Server returned: 400 Bad Request: {"error":{"code":"AF20012","message":"Specified tenant ID (998cea7e-35cd-46a5-ab3c-8ec88a45d7d5) is incorrectly configured in the system."`,
			finding.LicenseRequired, "AF20012", false},
		{"Microsoft 365 licence, inferred", "", 0,
			`HttpRequestFailure: Server returned: 400 Bad Request: {"error":{"code":"AF20012","message":"Specified tenant ID (998cea7e-35cd-46a5-ab3c-8ec88a45d7d5) is incorrectly configured in the system."`,
			finding.LicenseRequired, "AF20012", false},
		{"Microsoft 365 audit log off", "", 0,
			`Microsoft.Office.Compliance.Audit.DataServiceException: Tenant 998cea7e-35cd-46a5-ab3c-8ec88a45d7d5 does not exist or {"error":"code":"AF20023","message":"The subscription was disabled."`,
			finding.FeatureDisabled, "AF20023", false},
		{"Microsoft 365 permission", "microsoft_365", 401,
			`{"error":{"code":"AF10001","message":"The permission set (User.Read.All) sent in the request did not include the expected permission ActivityFeed.Read."}}`,
			finding.InsufficientScope, "AF10001", false},
		{"Microsoft 365 internal error", "", 500, `Internal Server Error, 500, {'error':{'code':'AF50000','message':'An internal error occurred.  Retry the request.'}}`,
			finding.ServiceUnavailable, "AF50000", true},
	}
	catalog := services.Catalog()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := diagnose.Diagnose(catalog, tc.service, tc.status, tc.message)
			if r.Category != tc.category || r.Code != tc.code || r.Retryable != tc.retryable {
				t.Fatalf("got %s %s retryable=%v, want %s %s %v\nsummary: %s\ncause: %s", r.Category, r.Code, r.Retryable,
					tc.category, tc.code, tc.retryable, r.Summary, r.Cause)
			}
			if r.Summary == "" || r.Cause == "" || len(r.Remediation) == 0 {
				t.Fatalf("incomplete result %+v", r)
			}
			for _, volatile := range []string{"Trace ID", "Correlation ID", "Timestamp:"} {
				if strings.Contains(r.Cause, volatile) {
					t.Errorf("cause keeps %q: %s", volatile, r.Cause)
				}
			}
		})
	}
}
