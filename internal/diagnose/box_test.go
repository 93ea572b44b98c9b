package diagnose_test

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Box errors as users paste them: raw answers, SDK exception texts and the
// messages Microsoft Defender for Cloud Apps shows for its Box connector
// (seed 003). The service is inferred unless named.
func TestDiagnoseBox(t *testing.T) {
	runVendorCases(t, "box", []vendorCase{
		// seed 003, five rows
		{name: "seed: refresh token (boxjavalibv2)", status: 0,
			message:  `AuthFatalFailureException: com.box.boxjavalibv2.exceptions.BoxServerException: {"error":"invalid_grant","error_description":"Invalid refresh token"}`,
			category: finding.RevokedCredentials, code: "invalid_grant", fixHas: "Authorize the app again"},
		{name: "seed: refresh token (adallom wrapper)", service: "box", status: 0,
			message:  `ContextManagerServiceException: com.adallom.adalib.httputils.exceptions.TokenRefreshException: {"error":"invalid_grant","error_description":"Invalid refresh token"}'`,
			category: finding.RevokedCredentials, code: "invalid_grant", fixHas: "Authorize the app again"},
		{name: "seed: not an enterprise", status: 0,
			message:  "BoxServerException: User cannot access this feature without having an enterprise",
			category: finding.LicenseRequired, code: "BoxServerException", fixHas: "Enterprise plan"},
		{name: "seed: app deleted by the admin", status: 0,
			message:  "BoxServerException: Unauthorized - Cannot authorize with this service",
			category: finding.AppNotInstalled, code: "BoxServerException", fixHas: "Platform Apps Manager"},
		{name: "seed: unparsable answer", status: 0,
			message:  "BoxRestException: Failed to parse response.",
			category: finding.UnexpectedResponse, code: "BoxRestException", retryable: true, fixHas: "again"},
		// SDK texts
		{name: "Java SDK: app not authorized", status: 0,
			message:  "com.box.sdk.BoxAPIResponseException: The API returned an error code [400] unauthorized_client - This app is not authorized by the enterprise admin",
			category: finding.AppNotInstalled, code: "unauthorized_client", fixHas: "Platform Apps Manager"},
		{name: "Python boxsdk: CCG subject", status: 0,
			message:  "boxsdk.exception.BoxAPIException: Message: Grant credentials are invalid\nStatus: 400\nCode: invalid_grant\nRequest ID: None",
			category: finding.InvalidConfiguration, code: "invalid_grant", fixHas: "enterprise_id"},
		{name: "Node SDK: JWT key removed", service: "box", status: 400,
			message:  `Unexpected API Response [400 Bad Request] invalid_grant - 'kid' invalid, unable to lookup correct key`,
			category: finding.RevokedCredentials, code: "invalid_grant", fixHas: "Public Keys"},
		{name: "raw 403 with the challenge header", status: 403,
			message:  "HTTP/1.1 403 Forbidden\r\nBOX-REQUEST-ID: 0abc\r\nWWW-Authenticate: Bearer realm=\"Service\", error=\"insufficient_scope\", error_description=\"The request requires higher privileges than provided by the access token.\"\r\nContent-Length: 0\r\n\r\n",
			category: finding.InsufficientScope, code: "insufficient_scope", fixHas: "Application Scopes"},
		{name: "events: not an admin", status: 403,
			message:  `{"type":"error","status":403,"code":"access_denied_insufficient_permissions","help_url":"https://developer.box.com/guides/api-calls/permissions-and-errors/common-errors/","message":"Access denied - insufficient permission","request_id":"8b4c2ff5d3a1"}`,
			category: finding.AccessDenied, code: "access_denied_insufficient_permissions", fixHas: "co-admin"},
		{name: "rate limited", status: 429,
			message:  `{"type":"error","status":429,"code":"rate_limit_exceeded","help_url":"http://developers.box.com/docs/#errors","message":"Request rate limit exceeded, please try again later","request_id":"abcdef123456"}`,
			category: finding.RateLimited, code: "rate_limit_exceeded", retryable: true},
	})
}
