package okta

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
)

// oktaDo sends a request to the Okta emulation and decodes a JSON object answer.
func oktaDo(t *testing.T, req *http.Request) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if strings.HasPrefix(strings.TrimSpace(string(b)), "{") {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("not JSON: %s", b)
		}
	}
	return resp, m
}

func TestOktaAPITokenScenarios(t *testing.T) {
	s := sandbox.Start(*Service().Emulation)
	defer s.Close()
	for _, tc := range []struct {
		token     string
		status    int
		code      string
		remaining string
	}{
		{"healthy.x", 200, "", "599"},
		{"rate-low.x", 200, "", "12"},
		{"rate-exhausted", 200, "", "0"},
		{"invalid-token.x", 401, "E0000011", "599"},
		{"owner-deactivated.x", 401, "E0000011", "599"},
		{"no-such-scenario", 401, "E0000011", "599"},
		{"forbidden.x", 403, "E0000006", "598"},
		{"rate-limited.x", 429, "E0000047", "0"},
		{"server-error.x", 500, "E0000009", "598"},
	} {
		req, _ := http.NewRequest(http.MethodGet, s.VendorURL("okta")+"/api/v1/users/me", nil)
		req.Header.Set("Authorization", "SSWS "+tc.token)
		resp, body := oktaDo(t, req)
		if resp.StatusCode != tc.status || resp.Header.Get("X-Rate-Limit-Remaining") != tc.remaining ||
			resp.Header.Get("X-Rate-Limit-Limit") != "600" || resp.Header.Get("X-Rate-Limit-Reset") == "" {
			t.Errorf("%s: %d, remaining %q", tc.token, resp.StatusCode, resp.Header.Get("X-Rate-Limit-Remaining"))
		}
		if tc.code == "" {
			if body["status"] != "ACTIVE" {
				t.Errorf("%s: body %v", tc.token, body)
			}
			continue
		}
		// Okta's error schema: errorCode, errorSummary, errorLink, errorId, errorCauses.
		if body["errorCode"] != tc.code || body["errorLink"] != tc.code || body["errorSummary"] == "" ||
			!strings.HasPrefix(body["errorId"].(string), "oae") || body["errorCauses"] == nil {
			t.Errorf("%s: body %v", tc.token, body)
		}
	}

	s.Revoke("healthy.revoked")
	req, _ := http.NewRequest(http.MethodGet, s.VendorURL("okta")+"/api/v1/users?limit=1", nil)
	req.Header.Set("Authorization", "SSWS healthy.revoked")
	if resp, body := oktaDo(t, req); resp.StatusCode != 401 || body["errorCode"] != "E0000011" {
		t.Errorf("revoked token: %d %v", resp.StatusCode, body)
	}
}

func TestOktaTokenEndpoint(t *testing.T) {
	s := sandbox.Start(*Service().Emulation)
	defer s.Close()
	post := func(path, clientID, scope string) (*http.Response, map[string]any) {
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}
		req, _ := http.NewRequest(http.MethodPost, s.VendorURL("okta")+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(clientID, "s3cret")
		return oktaDo(t, req)
	}
	resp, body := post("/oauth2/v1/token", "healthy.0oa1", "okta.users.read")
	if resp.StatusCode != 200 || body["token_type"] != "Bearer" || body["scope"] != "okta.users.read" {
		t.Fatalf("healthy: %d %v", resp.StatusCode, body)
	}
	at := body["access_token"].(string)
	req, _ := http.NewRequest(http.MethodGet, s.VendorURL("okta")+"/api/v1/users?limit=1", nil)
	req.Header.Set("Authorization", "Bearer "+at)
	if resp, _ := oktaDo(t, req); resp.StatusCode != 200 {
		t.Errorf("API read with the issued token: %d", resp.StatusCode)
	}

	// The mixed shape: an OAuth code in Okta's error fields.
	resp, body = post("/oauth2/v1/token", "unknown-client.0oa1", "okta.users.read")
	if resp.StatusCode != 400 || body["errorCode"] != "invalid_client" || body["error"] != nil {
		t.Errorf("unknown client: %d %v", resp.StatusCode, body)
	}
	for _, tc := range []struct{ path, client, scope, err string }{
		{"/oauth2/v1/token", "bad-signature.0oa1", "okta.users.read", "invalid_client"},
		{"/oauth2/v1/token", "key-rotated.0oa1", "okta.users.read", "invalid_client"},
		{"/oauth2/v1/token", "dpop-required.0oa1", "okta.users.read", "invalid_dpop_proof"},
		{"/oauth2/v1/token", "healthy.0oa1", "inventory:read", "invalid_scope"},
		{"/oauth2/v1/token", "healthy.0oa1", "okta.roles.manage", "invalid_scope"},
		{"/oauth2/default/v1/token", "healthy.0oa1", "okta.users.read", "invalid_scope"},
	} {
		if resp, body := post(tc.path, tc.client, tc.scope); resp.StatusCode < 400 || body["error"] != tc.err || body["error_description"] == "" {
			t.Errorf("%s %s: %d %v", tc.client, tc.scope, resp.StatusCode, body)
		}
	}
	if resp, body := post("/oauth2/missing/v1/token", "healthy.0oa1", "inventory:read"); resp.StatusCode != 404 || body["errorCode"] != "E0000007" {
		t.Errorf("missing server: %d %v", resp.StatusCode, body)
	}
	if resp, body := post("/oauth2/default/v1/token", "healthy.0oa1", "inventory:read"); resp.StatusCode != 200 {
		t.Errorf("custom server: %d %v", resp.StatusCode, body)
	}
}
