package box

import (
	"net/http"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// Box's answers as sent, and as SDKs and logs wrap them.
func TestDecodeBodies(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		cat    finding.Category
		code   string
		fixHas string
	}{
		// source: box/box-python-sdk#587 (status, headers and body of a refused refresh)
		{"refresh token used or revoked", 400, `{"error":"invalid_grant","error_description":"Invalid refresh token"}`,
			finding.RevokedCredentials, "invalid_grant", "single"},
		// source: iterate-ch/cyberduck#13003
		{"refresh token expired", 400, `{"error":"invalid_grant","error_description":"Refresh token has expired"}`,
			finding.ExpiredCredentials, "invalid_grant", "60 days"},
		// source: cburnette/boxr#22; Box common-errors guide
		{"wrong client secret", 400, `{"error":"invalid_client","error_description":"The client credentials are invalid"}`,
			finding.InvalidCredentials, "invalid_client", "OAuth 2.0 Credentials"},
		// source: box/box-python-sdk-gen#217 (HTTP/2 400, full headers)
		{"CCG subject refused", 400, `{"error":"invalid_grant","error_description":"Grant credentials are invalid"}`,
			finding.InvalidConfiguration, "invalid_grant", "enterprise_id"},
		// source: box/boxcli#154; box/box-java-sdk#799
		{"app not authorized", 400, `{"error":"unauthorized_client","error_description":"This app is not authorized by the enterprise admin."}`,
			finding.AppNotInstalled, "unauthorized_client", "Platform Apps Manager"},
		// source: onyx-dot-app/documentation PR #432 (raw answer quoted)
		{"subject type not allowed", 400, `{"error":"unauthorized_client","error_description":"The \"box_subject_type\" value is unauthorized for this client_id"}`,
			finding.InvalidConfiguration, "unauthorized_client", "App Access Level"},
		// source: support.box.com 360043691734; cburnette/boxr#35
		{"JWT sub", 400, `{"error":"invalid_grant","error_description":"Please check the 'sub' claim. The 'sub' specified is invalid."}`,
			finding.InvalidConfiguration, "invalid_grant", "enterprise_id"},
		// source: box/box-java-sdk#404
		{"JWT exp", 400, `{"error":"invalid_grant","error_description":"Please check the 'exp' claim."}`,
			finding.InvalidConfiguration, "invalid_grant", "NTP"},
		// source: box/box-node-sdk#138
		{"JWT jti", 400, `{"error":"invalid_grant","error_description":"Please check the 'jti' claim."}`,
			finding.InvalidConfiguration, "invalid_grant", "proxy"},
		// source: Box common-errors guide (developer.box.com PR #902)
		{"JWT kid", 400, `{"error":"invalid_grant","error_description":"'kid' invalid, unable to lookup correct key"}`,
			finding.RevokedCredentials, "invalid_grant", "Add and Manage Public Keys"},
		// source: Box common-errors guide
		{"JWT signature", 400, `{"error":"invalid_grant","error_description":"Signature verification error. The public key identified by \"kid\" must correspond to the private key used for signing."}`,
			finding.InvalidCredentials, "invalid_grant", "same config file"},
		// source: Box common-errors guide
		{"JWT aud", 400, `{"error":"invalid_grant","error_description":"Please check the 'aud' claim."}`,
			finding.InvalidConfiguration, "invalid_grant", "base_url"},
		// source: Box common-errors guide
		{"user tokens off", 400, `{"error":"invalid_request","error_description":"Cannot obtain user token based on the enterprise configuration for your app"}`,
			finding.FeatureDisabled, "invalid_request", "Generate user access tokens"},
		// source: maengkom/boxapi#25 (after a redirect from www.box.com)
		{"wrong host", 400, `{"error":"invalid_request","error_description":"Invalid grant_type parameter or parameter missing"}`,
			finding.EndpointNotFound, "invalid_request", "https://api.box.com"},
		// source: Box common-errors guide
		{"not an admin", 403, `{"type":"error","status":403,"code":"access_denied_insufficient_permissions","help_url":"https://developer.box.com/guides/api-calls/permissions-and-errors/common-errors/","message":"Access denied - insufficient permission","request_id":"8b4c2ff5d3a1"}`,
			finding.AccessDenied, "access_denied_insufficient_permissions", "co-admin"},
		// source: Box rate-limits guide
		{"rate limited", 429, `{"type":"error","status":429,"code":"rate_limit_exceeded","help_url":"http://developers.box.com/docs/#errors","message":"Request rate limit exceeded, please try again later","request_id":"abcdef123456"}`,
			finding.RateLimited, "rate_limit_exceeded", "Retry-After"},
		// source: box/box-python-sdk#744
		{"server error", 500, `{"type":"error","status":500,"code":"internal_server_error","message":"Internal Server Error","request_id":"3llc7h400r53ja0"}`,
			finding.ServiceUnavailable, "internal_server_error", "status.box.com"},
		// source: Box common-errors guide
		{"terms of service", 403, `{"type":"error","status":403,"code":"terms_of_service_required","help_url":"https://developer.box.com/guides/api-calls/permissions-and-errors/common-errors/","message":"User must accept custom terms of service before action can be taken","request_id":"1a2b3c"}`,
			finding.AccessDenied, "terms_of_service_required", "terms of service"},
		// source: Box common-errors guide
		{"Shield policy", 403, `{"type":"error","status":403,"code":"forbidden_by_policy","message":"Access denied – Blocked by Shield Access Policy","request_id":"77aa"}`,
			finding.PolicyBlocked, "forbidden_by_policy", "Shield"},
		// Wrapped forms.
		// source: seed 003 (Microsoft Defender for Cloud Apps troubleshooting table)
		{"seed: boxjavalibv2 refresh", 0, `AuthFatalFailureException: com.box.boxjavalibv2.exceptions.BoxServerException: {"error":"invalid_grant","error_description":"Invalid refresh token"}`,
			finding.RevokedCredentials, "invalid_grant", "single"},
		// source: seed 003 (note the trailing quote)
		{"seed: adallom refresh", 0, `ContextManagerServiceException: com.adallom.adalib.httputils.exceptions.TokenRefreshException: {"error":"invalid_grant","error_description":"Invalid refresh token"}'`,
			finding.RevokedCredentials, "invalid_grant", "Authorize the app again"},
		// source: seed 003
		{"seed: no enterprise", 0, `BoxServerException: User cannot access this feature without having an enterprise`,
			finding.LicenseRequired, "BoxServerException", "Enterprise plan"},
		// source: seed 003
		{"seed: app deleted", 0, `BoxServerException: Unauthorized - Cannot authorize with this service`,
			finding.AppNotInstalled, "BoxServerException", "Platform Apps Manager"},
		// source: seed 003
		{"seed: unparsable answer", 0, `BoxRestException: Failed to parse response.`,
			finding.UnexpectedResponse, "BoxRestException", "Test the connection again"},
		// source: box/box-java-sdk#799 (Java SDK message)
		{"Java SDK unauthorized_client", 400, "com.box.sdk.BoxAPIResponseException: The API returned an error code [400] unauthorized_client - This app is not authorized by the enterprise admin",
			finding.AppNotInstalled, "unauthorized_client", "Platform Apps Manager"},
		// source: box/box-python-sdk#788 (boxsdk's BoxAPIException text)
		{"Python boxsdk", 0, "boxsdk.exception.BoxAPIException: Message: Grant credentials are invalid\nStatus: 400\nCode: invalid_grant\nRequest ID: None\nHeaders: {'Date': 'Tue, 14 Nov 2023 10:02:11 GMT', 'Content-Type': 'application/json'}",
			finding.InvalidConfiguration, "invalid_grant", "enterprise_id"},
		// source: box/box-python-sdk#587 (a dict repr in the log line)
		{"Python dict repr", 0, `"POST https://api.box.com/oauth2/token" 400 69 {'Date': 'Mon, 01 Mar 2021 10:00:00 GMT'} {'error': 'invalid_grant', 'error_description': 'Invalid refresh token'}`,
			finding.RevokedCredentials, "invalid_grant", "single"},
		// source: box/box-python-sdk-gen#220 (syslog shows tabs as #011)
		{"box-sdk-gen raw body", 0, "Message: 400 ; Request ID: None#012Request:#012#011Method: POST#012#011URL: https://api.box.com/oauth2/token#012Raw body: {\"error\":\"invalid_grant\",\"error_description\":\"Grant credentials are invalid\"} CODE: 400",
			finding.InvalidConfiguration, "invalid_grant", "enterprise_id"},
		// source: box/box-windows-sdk-v2#860 (.NET message is the challenge)
		{".NET insufficient scope", 403, `Box.V2.Exceptions.BoxAPIException: Bearer realm="Service", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token."`,
			finding.InsufficientScope, "insufficient_scope", "Application Scopes"},
		// source: box/box-windows-sdk-v2 (BoxSessionInvalidatedException on a failed refresh)
		{".NET session invalidated", 0, "Box.V2.Exceptions.BoxSessionInvalidatedException: The API returned an error [BadRequest]",
			finding.RevokedCredentials, "BoxSessionInvalidatedException", "Authorize the app again"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := servicetest.CheckDecoded(t, decode, tc.status, tc.body, tc.cat, tc.code)
			if text := f.Detail + " " + strings.Join(f.Remediation, " "); !strings.Contains(text, tc.fixHas) {
				t.Errorf("detail and fix lack %q:\n%s", tc.fixHas, text)
			}
			if strings.Contains(f.Detail, "request_id") || strings.Contains(f.Detail, "3llc7h400r53ja0") {
				t.Errorf("the per-request id leaked: %s", f.Detail)
			}
			// The Defender wrapper around a bare OAuth body is no more Box's
			// than any other service's; diagnose needs service = "box" for it.
			if !recognize(tc.body) && tc.status == 0 && !strings.Contains(tc.body, "adallom") {
				t.Errorf("recognize does not claim %q", tc.body)
			}
		})
	}
}

// TestDecodeEmptyChallenges: 401 and 403 with an empty body carry the reason
// in WWW-Authenticate only.
func TestDecodeEmptyChallenges(t *testing.T) {
	for _, tc := range []struct {
		status    int
		challenge string
		cat       finding.Category
	}{
		// source: box/box-java-sdk#132 (full raw 403 of the enterprise events)
		{403, `Bearer realm="Service", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token."`, finding.InsufficientScope},
		// source: box/box-node-sdk#157
		{401, `Bearer realm="Service", error="invalid_token", error_description="The access token provided is invalid."`, finding.RevokedCredentials},
	} {
		f, ok := decode(connector.Answer{StatusCode: tc.status, Header: http.Header{"Www-Authenticate": {tc.challenge}}})
		if !ok || f.Category != tc.cat || len(f.Remediation) == 0 {
			t.Errorf("%d %s: got %v %+v", tc.status, tc.challenge, ok, f)
		}
	}
	if _, ok := decode(connector.Answer{StatusCode: 403}); ok {
		t.Error("an empty 403 without a challenge is not Box's to classify")
	}
}

func TestRecognize(t *testing.T) {
	for _, s := range []string{"Box-Request-Id: 0a1b2c", "POST https://api.box.com/oauth2/token failed", "AutomationUser_123_abc@boxdevedition.com"} {
		if !recognize(s) {
			t.Errorf("not recognised: %q", s)
		}
	}
	for _, s := range []string{`{"error":"invalid_grant"}`, "AADSTS7000215: Invalid client secret", "dropbox.com said no"} {
		if recognize(s) {
			t.Errorf("claimed: %q", s)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"error":"invalid_grant","error_description":"Invalid refresh token"}`,
		`{"type":"error","status":403,"code":"access_denied_insufficient_permissions","message":"x"}`,
		`BoxServerException: User cannot access this feature without having an enterprise`,
		"Message: x\nStatus: 400\nCode: invalid_grant", `realm="Service", error="insufficient_scope"`, "{", ""} {
		f.Add(403, s, `Bearer realm="Service", error="insufficient_scope"`)
	}
	f.Fuzz(func(t *testing.T, status int, body, challenge string) {
		fd, ok := decode(connector.Answer{StatusCode: status, Header: http.Header{"Www-Authenticate": {challenge}}, Body: []byte(body)})
		if ok && (fd.Category == "" || fd.Summary == "" || len(fd.Remediation) == 0) {
			t.Fatalf("incomplete finding for %q: %+v", body, fd)
		}
		_ = recognize(body)
	})
}
