package services

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// Shared by okta_live_test.go and google_live_test.go.

// ogSandbox is one sandbox for the live tests of this package.
var ogSandbox = sync.OnceValue(func() *sandbox.Server { return sandbox.Start() })

// ogClient is a transport without retries, so that 429 and 5xx scenarios
// answer at once.
var ogClient = sync.OnceValue(func() *transport.Client {
	c, err := transport.New(transport.Options{Timeout: 5 * time.Second, MaxRetries: -1})
	if err != nil {
		panic(err)
	}
	return c
})

func ogRun(t *testing.T, s *connector.Spec, opts ...func(*probe.Options)) probe.Result {
	t.Helper()
	o := probe.Options{Client: ogClient()}
	for _, f := range opts {
		f(&o)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return run(ctx, o, s)
}

func ogDump(res probe.Result) string {
	b, _ := json.MarshalIndent(res, "", "  ")
	return string(b)
}

// ogExpect asserts the status and, when cat is set, that a finding of that
// category sits at path with a remediation; it returns the finding.
func ogExpect(t *testing.T, res probe.Result, status string, cat finding.Category, path string) finding.Finding {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %q, want %q\n%s", res.Status, status, ogDump(res))
	}
	if cat == "" {
		return finding.Finding{}
	}
	for _, f := range res.Findings {
		if f.Category == cat && f.Path.String() == path {
			if len(f.Remediation) == 0 {
				t.Fatalf("%s finding at %s has no remediation\n%s", cat, path, ogDump(res))
			}
			return f
		}
	}
	t.Fatalf("no %s finding at %q\n%s", cat, path, ogDump(res))
	return finding.Finding{}
}

func ogStep(res probe.Result, name string) string {
	for _, s := range res.Steps {
		if s.Name == name {
			return s.Outcome
		}
	}
	return ""
}

// ogNoSecrets fails when a secret appears anywhere in the result.
func ogNoSecrets(t *testing.T, res probe.Result, secrets ...string) {
	t.Helper()
	all := ogDump(res)
	for _, s := range secrets {
		if s != "" && strings.Contains(all, s) {
			t.Fatalf("result contains a secret (%.6s…)\n%s", s, all)
		}
	}
}

func oktaLiveSpec(settings map[string]string, opts ...servicetest.SpecOpt) *connector.Spec {
	all := map[string]string{"domain": "dev-123456.okta.com", "base_url": ogSandbox().VendorURL("okta")}
	for k, v := range settings {
		all[k] = v
	}
	return servicetest.NewSpec("okta", all, opts...)
}

func TestOktaLiveAPIToken(t *testing.T) {
	const tokenPath = "auth.token_wo"
	base := "okta.base_url"
	for _, tc := range []struct {
		scenario string
		status   string
		cat      finding.Category
		path     string
		code     string
		mention  string // a word the detail or a remediation must contain
	}{
		{scenario: "healthy", status: probe.StatusHealthy},
		{scenario: "invalid-token", status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: tokenPath, code: "E0000011", mention: "Security > API > Tokens"},
		{scenario: "owner-deactivated", status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: tokenPath, code: "E0000011", mention: "deactivated"},
		{scenario: "forbidden", status: probe.StatusUnhealthy, cat: finding.AccessDenied, path: tokenPath, code: "E0000006", mention: "Read-Only Administrator"},
		{scenario: "rate-limited", status: probe.StatusUnreachable, cat: finding.RateLimited, path: base, code: "E0000047", mention: "600 requests"},
		{scenario: "rate-low", status: probe.StatusDegraded, cat: finding.RateLimited, path: base, code: "X-Rate-Limit-Remaining", mention: "10%"},
		{scenario: "rate-exhausted", status: probe.StatusUnreachable, cat: finding.RateLimited, path: base, code: "X-Rate-Limit-Remaining", mention: "is 0"},
		{scenario: "server-error", status: probe.StatusUnreachable, cat: finding.ServiceUnavailable, path: base, code: "E0000009"},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			token := tc.scenario + ".00Qc7Hs1x9-Wz"
			res := ogRun(t, oktaLiveSpec(nil, servicetest.WithToken(token)))
			f := ogExpect(t, res, tc.status, tc.cat, tc.path)
			ogNoSecrets(t, res, token)
			if tc.cat == "" {
				if ogStep(res, probe.StepAPI) != probe.OutcomeOK {
					t.Fatalf("api step\n%s", ogDump(res))
				}
				return
			}
			if f.Code != tc.code {
				t.Errorf("code %q, want %q", f.Code, tc.code)
			}
			if text := f.Detail + " " + strings.Join(f.Remediation, " "); !strings.Contains(text, tc.mention) {
				t.Errorf("finding does not mention %q:\n%s", tc.mention, text)
			}
			if strings.Contains(f.Detail, "errorId") || strings.Contains(f.Detail, "oae") {
				t.Errorf("the per-request errorId leaked into the finding: %s", f.Detail)
			}
		})
	}
}

// TestOktaLiveStableResult: a failing check reads the same twice (Okta's
// errorId differs per answer), so refresh-only plans see no drift.
func TestOktaLiveStableResult(t *testing.T) {
	s := oktaLiveSpec(nil, servicetest.WithToken("owner-deactivated.5d1"))
	a, b := ogRun(t, s), ogRun(t, s)
	if ogDump(a) != ogDump(b) {
		t.Fatalf("results differ:\n%s\n%s", ogDump(a), ogDump(b))
	}
}

// TestOktaLiveRevokedToken: a token that worked fails once the sandbox
// revokes it, as after an admin revokes it in Okta (drift).
func TestOktaLiveRevokedToken(t *testing.T) {
	// Its own sandbox: the revocation must not outlive the test (-count=2).
	sb := sandbox.Start()
	t.Cleanup(sb.Close)
	token := "healthy.revoke-me-" + t.Name()
	s := oktaLiveSpec(map[string]string{"base_url": sb.VendorURL("okta")}, servicetest.WithToken(token))
	ogExpect(t, ogRun(t, s), probe.StatusHealthy, "", "")
	sb.Revoke(token)
	// The next plan is a new provider process, with nothing cached.
	fresh := func(o *probe.Options) {
		c, err := transport.New(transport.Options{MaxRetries: -1, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		o.Client = c
	}
	ogExpect(t, ogRun(t, s, fresh), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.token_wo")
}

func TestOktaLiveServiceApp(t *testing.T) {
	key := servicetest.TestRSA2048()
	app := func(client string, settings map[string]string, scopes ...string) *connector.Spec {
		return oktaLiveSpec(settings, servicetest.WithClient(client+".0oa1b2c3d4", ""), servicetest.WithKey(key), servicetest.WithScopes(scopes...))
	}
	for _, tc := range []struct {
		name   string
		spec   *connector.Spec
		status string
		cat    finding.Category
		path   string
		code   string
	}{
		{name: "healthy", spec: app("healthy", nil, "okta.users.read", "okta.groups.read"), status: probe.StatusHealthy},
		{name: "default scope", spec: app("healthy", nil), status: probe.StatusHealthy},
		{name: "groups only", spec: app("healthy", nil, "okta.groups.read"), status: probe.StatusHealthy},
		{name: "unknown client (mixed shape)", spec: app("unknown-client", nil, "okta.users.read"),
			status: probe.StatusUnhealthy, cat: finding.AppNotFound, path: "auth.client_id", code: "invalid_client"},
		{name: "bad signature", spec: app("bad-signature", nil, "okta.users.read"),
			status: probe.StatusUnhealthy, cat: finding.InvalidCredentials, path: "auth.private_key_wo", code: "invalid_client"},
		{name: "key rotated", spec: app("key-rotated", nil, "okta.users.read"),
			status: probe.StatusUnhealthy, cat: finding.RevokedCredentials, path: "auth.private_key_wo", code: "invalid_client"},
		{name: "DPoP required", spec: app("dpop-required", nil, "okta.users.read"),
			status: probe.StatusUnhealthy, cat: finding.InvalidConfiguration, path: "okta.base_url", code: "invalid_dpop_proof"},
		{name: "no admin role", spec: app("no-admin-role", nil, "okta.users.read"),
			status: probe.StatusUnhealthy, cat: finding.AccessDenied, path: "auth.client_id", code: "E0000006"},
		{name: "token lacks the endpoint's scope", spec: app("scope-mismatch", nil, "okta.users.read"),
			status: probe.StatusUnhealthy, cat: finding.InsufficientScope, path: "required_scopes", code: "E0000006"},
		{name: "scope not granted to the app", spec: app("healthy", nil, "okta.users.read", "okta.roles.manage"),
			status: probe.StatusUnhealthy, cat: finding.InvalidScope, path: "required_scopes[1]", code: "invalid_scope"},
		{name: "custom scope on the org server", spec: app("healthy", nil, "inventory:read"),
			status: probe.StatusUnhealthy, cat: finding.InvalidScope, path: "required_scopes", code: "invalid_scope"},
		{name: "custom server", spec: app("healthy", map[string]string{"authorization_server": "default"}, "inventory:read"), status: probe.StatusHealthy},
		{name: "okta scope on a custom server", spec: app("healthy", map[string]string{"authorization_server": "default"}, "okta.users.read"),
			status: probe.StatusUnhealthy, cat: finding.InvalidScope, path: "required_scopes", code: "invalid_scope"},
		{name: "custom server that does not exist", spec: app("healthy", map[string]string{"authorization_server": "missing"}, "inventory:read"),
			status: probe.StatusUnhealthy, cat: finding.EndpointNotFound, path: "okta.authorization_server", code: "E0000007"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := ogRun(t, tc.spec)
			f := ogExpect(t, res, tc.status, tc.cat, tc.path)
			ogNoSecrets(t, res, key)
			if tc.cat == "" {
				for _, st := range []string{probe.StepToken, probe.StepAPI} {
					if got := ogStep(res, st); got != probe.OutcomeOK && !(st == probe.StepAPI && tc.spec.Settings["authorization_server"] != "") {
						t.Fatalf("%s step %q\n%s", st, got, ogDump(res))
					}
				}
				return
			}
			if f.Code != tc.code {
				t.Errorf("code %q, want %q\n%s", f.Code, tc.code, ogDump(res))
			}
		})
	}
}

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
			f := servicetest.CheckDecoded(t, kit.TextDecoder(oktaDecode), tc.status, tc.body, tc.cat, tc.code)
			if strings.Contains(f.Detail, "oae") {
				t.Errorf("errorId in the detail: %s", f.Detail)
			}
			if strings.Contains(tc.body, "E0") && !oktaRecognize(tc.body) {
				t.Errorf("Recognize missed an Okta body")
			}
		})
	}
	for _, body := range []string{``, `{"error":{"code":403,"message":"Not Authorized to access this resource/api"}}`, `<html>Not found</html>`, `{"ok":false,"error":"invalid_auth"}`} {
		if f, ok := oktaDecode(401, body); ok && strings.HasPrefix(f.Code, "E0") {
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
		if !oktaRecognize(text) {
			t.Errorf("not recognised: %s", text)
		}
	}
	for _, text := range []string{
		`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`,
		`{"ok":false,"error":"invalid_auth"}`,
		"google.auth.exceptions.RefreshError: ('invalid_grant: Invalid JWT Signature.', {'error': 'invalid_grant'})",
	} {
		if oktaRecognize(text) {
			t.Errorf("recognised as Okta: %s", text)
		}
	}
}
