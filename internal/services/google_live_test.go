package services

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

const googleUserRO = "https://www.googleapis.com/auth/admin.directory.user.readonly"

// googleLiveKey is a key file for the sandbox scenario (the client_email's
// local part), with a key generated at run time. edit changes it further.
func googleLiveKey(t testing.TB, scenario string, edit func(map[string]any)) string {
	t.Helper()
	base := ogSandbox().VendorURL("google")
	email := scenario + "@hs-sandbox.iam.gserviceaccount.com"
	m := map[string]any{
		"type":                        "service_account",
		"project_id":                  "hs-sandbox",
		"private_key_id":              "5e1f0c2d3b4a59687766554433221100ffeeddcc",
		"private_key":                 servicetest.TestRSA2048(),
		"client_email":                email,
		"client_id":                   "112233445566778899001",
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   base + "/token",
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"client_x509_cert_url":        base + "/robot/v1/metadata/x509/" + url.PathEscape(email),
		"universe_domain":             "googleapis.com",
	}
	if edit != nil {
		edit(m)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func googleLiveSpec(key string, settings map[string]string, opts ...servicetest.SpecOpt) *connector.Spec {
	all := map[string]string{"impersonate": "it-admin@example.com", "base_url": ogSandbox().VendorURL("google")}
	for k, v := range settings {
		if v == "" {
			delete(all, k)
		} else {
			all[k] = v
		}
	}
	return servicetest.NewSpec("google_workspace", all, append([]servicetest.SpecOpt{servicetest.WithSAKey(key), servicetest.WithScopes(googleUserRO)}, opts...)...)
}

func TestGoogleLive(t *testing.T) {
	const (
		keyPath  = "auth.service_account_key_wo"
		subject  = "google_workspace.impersonate"
		scopes   = "required_scopes"
		basePath = "google_workspace.base_url"
	)
	for _, tc := range []struct {
		name     string
		scenario string
		settings map[string]string
		opts     []servicetest.SpecOpt
		status   string
		cat      finding.Category
		path     string
		code     string
		mention  string
	}{
		{name: "healthy", scenario: "directory-sync", status: probe.StatusHealthy},
		{name: "scopes without the Directory", scenario: "directory-sync", opts: []servicetest.SpecOpt{servicetest.WithScopes("https://mail.google.com/")}, status: probe.StatusHealthy},
		{name: "delegation by e-mail instead of client ID", scenario: "no-delegation", status: probe.StatusUnhealthy,
			cat: finding.DelegationNotConfigured, path: keyPath, code: "unauthorized_client", mention: "numeric Client ID"},
		{name: "delegation missing", scenario: "delegation-missing", status: probe.StatusUnhealthy,
			cat: finding.DelegationNotConfigured, path: keyPath, code: "unauthorized_client", mention: "24 hours"},
		{name: "scope not delegated", scenario: "scope-not-delegated", status: probe.StatusUnhealthy,
			cat: finding.DelegationNotConfigured, path: scopes, code: "access_denied", mention: "every scope"},
		{name: "key deleted", scenario: "key-deleted", status: probe.StatusUnhealthy,
			cat: finding.RevokedCredentials, path: keyPath, code: "invalid_grant", mention: "deleted or disabled"},
		{name: "key expired", scenario: "key-expired", status: probe.StatusUnhealthy,
			cat: finding.ExpiredCredentials, path: keyPath, code: "invalid_grant", mention: "new JSON key"},
		{name: "clock skew", scenario: "clock-skew", status: probe.StatusUnhealthy,
			cat: finding.InvalidConfiguration, path: "", code: "invalid_grant", mention: "NTP"},
		{name: "unknown impersonated user", scenario: "unknown-user", status: probe.StatusUnhealthy,
			cat: finding.InvalidConfiguration, path: subject, code: "invalid_grant", mention: "primary e-mail"},
		{name: "service account deleted", scenario: "sa-deleted", status: probe.StatusUnhealthy,
			cat: finding.AccountDisabled, path: keyPath, code: "invalid_grant", mention: "undelete"},
		{name: "service account disabled", scenario: "sa-disabled", status: probe.StatusUnhealthy,
			cat: finding.AccountDisabled, path: keyPath, code: "disabled_client", mention: "enable the service account"},
		{name: "admin policy", scenario: "admin-policy", status: probe.StatusUnhealthy,
			cat: finding.PolicyBlocked, path: keyPath, code: "admin_policy_enforced", mention: "trusted"},
		{name: "short scope name", scenario: "directory-sync", opts: []servicetest.SpecOpt{servicetest.WithScopes("admin.directory.user.readonly")}, status: probe.StatusUnhealthy,
			cat: finding.InvalidScope, path: scopes, code: "invalid_scope", mention: "full URLs"},
		{name: "impersonated user is not an admin", scenario: "not-admin", status: probe.StatusUnhealthy,
			cat: finding.AccessDenied, path: subject, code: "forbidden", mention: "super administrator"},
		{name: "Reports API as an administrator", scenario: "directory-sync", opts: []servicetest.SpecOpt{servicetest.WithScopes(googleReportsAuditRO)}, status: probe.StatusHealthy},
		{name: "Reports API refuses a non-admin subject with 401", scenario: "not-admin", opts: []servicetest.SpecOpt{servicetest.WithScopes(googleReportsAuditRO)}, status: probe.StatusUnhealthy,
			cat: finding.AccessDenied, path: subject, code: "authError", mention: "it-admin@example.com may not read activity records"},
		{name: "Reports API without impersonation", scenario: "directory-sync", settings: map[string]string{"impersonate": ""}, opts: []servicetest.SpecOpt{servicetest.WithScopes(googleReportsAuditRO)},
			status: probe.StatusUnhealthy, cat: finding.AccessDenied, path: subject, code: "authError", mention: "Reports privilege"},
		{name: "no impersonation", scenario: "directory-sync", settings: map[string]string{"impersonate": ""}, status: probe.StatusUnhealthy,
			cat: finding.AccessDenied, path: subject, code: "forbidden", mention: "impersonate"},
		{name: "token lacks the Directory scope", scenario: "insufficient-scope", status: probe.StatusUnhealthy,
			cat: finding.InsufficientScope, path: scopes, code: "insufficientPermissions", mention: "delegation entry"},
		{name: "domain not found", scenario: "domain-not-found", status: probe.StatusUnhealthy,
			cat: finding.TenantNotFound, path: subject, code: "badRequest", mention: "my_customer"},
		{name: "domain not found with a customer id", scenario: "domain-not-found", settings: map[string]string{"customer_id": "C01abc2de"}, status: probe.StatusUnhealthy,
			cat: finding.TenantNotFound, path: "google_workspace.customer_id", code: "badRequest", mention: "Customer ID"},
		{name: "Admin SDK API disabled", scenario: "api-disabled", status: probe.StatusUnhealthy,
			cat: finding.FeatureDisabled, path: keyPath, code: "accessNotConfigured", mention: "Admin SDK API"},
		{name: "quota", scenario: "rate-limited", status: probe.StatusUnreachable,
			cat: finding.RateLimited, path: basePath, code: "rateLimitExceeded", mention: "Quotas"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := googleLiveKey(t, tc.scenario, nil)
			res := ogRun(t, googleLiveSpec(key, tc.settings, tc.opts...))
			f := ogExpect(t, res, tc.status, tc.cat, tc.path)
			ogNoSecrets(t, res, servicetest.TestRSA2048(), key)
			if tc.cat == "" {
				if got := ogStep(res, probe.StepToken); got != probe.OutcomeOK {
					t.Fatalf("token step %q\n%s", got, ogDump(res))
				}
				return
			}
			if f.Code != tc.code {
				t.Errorf("code %q, want %q\n%s", f.Code, tc.code, ogDump(res))
			}
			if text := f.Summary + " " + f.Detail + " " + strings.Join(f.Remediation, " "); !strings.Contains(text, tc.mention) {
				t.Errorf("finding does not mention %q:\n%s", tc.mention, text)
			}
		})
	}
}

// TestGoogleLiveSteps: the healthy check runs the token, Directory and key
// expiry steps, and finds that the key does not expire.
func TestGoogleLiveSteps(t *testing.T) {
	res := ogRun(t, googleLiveSpec(googleLiveKey(t, "directory-sync", nil), nil))
	ogExpect(t, res, probe.StatusHealthy, "", "")
	for _, st := range []string{probe.StepToken, googleStepDirectory, googleStepKeyExpiry} {
		if ogStep(res, st) != probe.OutcomeOK {
			t.Fatalf("step %s\n%s", st, ogDump(res))
		}
	}
	if res.ExpiresAt != nil {
		t.Fatalf("a key without expiry got ExpiresAt %v", res.ExpiresAt)
	}
	if len(res.GrantedScopes) != 1 || res.GrantedScopes[0] != googleUserRO {
		t.Fatalf("granted %v, want the scope the token was issued for", res.GrantedScopes)
	}
}

// TestGoogleLiveKeyExpiring: a key created with an expiry is read from its
// certificate and reported inside the warning window.
func TestGoogleLiveKeyExpiring(t *testing.T) {
	res := ogRun(t, googleLiveSpec(googleLiveKey(t, "key-expiring", nil), nil),
		func(o *probe.Options) { o.ExpiryWarning = 30 * 24 * time.Hour })
	f := ogExpect(t, res, probe.StatusDegraded, finding.ExpiringCredentials, "auth.service_account_key_wo")
	if res.ExpiresAt == nil || time.Until(*res.ExpiresAt) < 9*24*time.Hour || time.Until(*res.ExpiresAt) > 11*24*time.Hour {
		t.Fatalf("ExpiresAt %v\n%s", res.ExpiresAt, ogDump(res))
	}
	if f.Severity != finding.Warning {
		t.Fatalf("severity %s", f.Severity)
	}
	// Outside the window: healthy, with the expiry still known.
	res = ogRun(t, googleLiveSpec(googleLiveKey(t, "key-expiring", nil), nil))
	if res.Status != probe.StatusHealthy || res.ExpiresAt == nil {
		t.Fatalf("status %s, ExpiresAt %v", res.Status, res.ExpiresAt)
	}
}

// TestGoogleLiveRevokedKey: a key deleted after it worked (drift).
func TestGoogleLiveRevokedKey(t *testing.T) {
	// Its own sandbox: the revocation must not outlive the test (-count=2).
	sb := sandbox.Start()
	t.Cleanup(sb.Close)
	base := sb.VendorURL("google")
	key := googleLiveKey(t, "directory-sync", func(m map[string]any) {
		m["private_key_id"] = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
		m["token_uri"] = base + "/token"
		m["client_x509_cert_url"] = base + "/robot/v1/metadata/x509/" + url.PathEscape("directory-sync@hs-sandbox.iam.gserviceaccount.com")
	})
	s := googleLiveSpec(key, map[string]string{"base_url": base})
	ogExpect(t, ogRun(t, s), probe.StatusHealthy, "", "")
	sb.Revoke("0a1b2c3d4e5f60718293a4b5c6d7e8f901234567")
	f := ogExpect(t, ogRun(t, s), probe.StatusUnhealthy, finding.RevokedCredentials, "auth.service_account_key_wo")
	if !strings.Contains(f.Detail, "no longer among") {
		t.Fatalf("the certificate check did not confirm the deletion: %s", f.Detail)
	}
}

// TestGoogleLiveEndpoints: token_url overrides the key's token_uri, and an
// unreachable token endpoint is reported on token_url.
func TestGoogleLiveEndpoints(t *testing.T) {
	key := googleLiveKey(t, "directory-sync", func(m map[string]any) { m["token_uri"] = "https://oauth2.googleapis.com/token" })
	res := ogRun(t, googleLiveSpec(key, map[string]string{"token_url": ogSandbox().VendorURL("google") + "/token"}))
	ogExpect(t, res, probe.StatusHealthy, "", "")

	res = ogRun(t, googleLiveSpec(key, map[string]string{"token_url": "http://127.0.0.1:1/token"}))
	ogExpect(t, res, probe.StatusUnreachable, finding.NetworkError, "google_workspace.token_url")
}

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
			f := servicetest.CheckDecoded(t, kit.TextDecoder(googleDecode), tc.status, tc.body, tc.cat, tc.code)
			if (f.Category == finding.RateLimited || f.Category == finding.ServiceUnavailable) != f.Retryable {
				t.Errorf("retryable %v for %s", f.Retryable, f.Category)
			}
		})
	}
	for _, body := range []string{``, `<html><body>Error 404 (Not Found)</body></html>`, `{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`, `{"ok":false,"error":"invalid_auth"}`} {
		if f, ok := googleDecode(401, body); ok {
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
		if !googleRecognize(text) {
			t.Errorf("not recognised: %s", text)
		}
	}
	for _, text := range []string{
		`{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`,
		`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`,
		`{"error":"invalid_grant","error_description":"refresh token is invalid"}`,
	} {
		if googleRecognize(text) {
			t.Errorf("recognised as Google: %s", text)
		}
	}
}
