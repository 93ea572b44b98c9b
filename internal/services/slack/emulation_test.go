package slack

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func slackCall(t *testing.T, method, rawURL, token string, form url.Values) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, rawURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("not JSON: %s", raw)
	}
	return resp, body
}

func TestSlackAuthTest(t *testing.T) {
	s := sandbox.Start(*Service().Emulation)
	defer s.Close()
	authTest := s.VendorURL("slack") + "/api/auth.test"
	cases := []struct {
		token, want string
		status      int
	}{
		{"xoxb-1-sandbox-abc", "", 200},
		{"xoxe.xoxp-1-sandbox-abc", "", 200},
		{"", "not_authed", 200},
		{"xoxb-1-2-abc", "invalid_auth", 200},
		{"xapp-1-sandbox-abc", "invalid_auth", 200},
		{"xoxb-1-sandbox-revoked", "token_revoked", 200},
		{"xoxb-1-sandbox-expired", "token_expired", 200},
		{"xoxb-1-sandbox-inactive", "account_inactive", 200},
		{"xoxb-1-sandbox-teamaccess", "team_access_not_granted", 200},
		{"xoxb-1-sandbox-ratelimited", "ratelimited", 429},
	}
	for _, tc := range cases {
		resp, body := slackCall(t, "POST", authTest, tc.token, url.Values{})
		if resp.StatusCode != tc.status {
			t.Errorf("%s: HTTP %d, want %d", tc.token, resp.StatusCode, tc.status)
		}
		if tc.want == "" {
			if body["ok"] != true || body["team_id"] != SandboxTeamID || resp.Header.Get("X-OAuth-Scopes") == "" {
				t.Errorf("%s: %v %v", tc.token, body, resp.Header)
			}
			continue
		}
		if body["ok"] != false || body["error"] != tc.want {
			t.Errorf("%s: %v, want %s", tc.token, body, tc.want)
		}
		if tc.status == 429 && resp.Header.Get("Retry-After") != "30" {
			t.Errorf("ratelimited without Retry-After")
		}
	}
	// Token in a form field, as older clients send it.
	if _, body := slackCall(t, "POST", authTest, "", url.Values{"token": {"xoxb-1-sandbox-form"}}); body["ok"] != true {
		t.Errorf("form token: %v", body)
	}
	s.Revoke("xoxb-1-sandbox-abc")
	if _, body := slackCall(t, "POST", authTest, "xoxb-1-sandbox-abc", url.Values{}); body["error"] != "token_revoked" {
		t.Errorf("revoked: %v", body)
	}
}

func TestSlackTokenRotation(t *testing.T) {
	s := sandbox.Start(*Service().Emulation)
	defer s.Close()
	access := s.VendorURL("slack") + "/api/oauth.v2.access"
	refresh := func(id, secret, rt string) map[string]any {
		_, body := slackCall(t, "POST", access, "", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
			"client_id": {id}, "client_secret": {secret}})
		return body
	}
	body := refresh(SandboxClientID, SandboxClientSecret, "xoxe-1-sandbox-scopes-abc")
	at, _ := body["access_token"].(string)
	if body["ok"] != true || !strings.HasPrefix(at, "xoxe.xoxb-1-sandbox-scopes-") || body["expires_in"].(float64) != 43200 ||
		body["refresh_token"] != "xoxe-1-sandbox-scopes-abc" {
		t.Fatalf("refresh: %v", body)
	}
	// The minted token carries the refresh token's scenario.
	if resp, body := slackCall(t, "POST", s.VendorURL("slack")+"/api/auth.test", at, url.Values{}); body["ok"] != true || resp.Header.Get("X-OAuth-Scopes") != "chat:write" {
		t.Fatalf("auth.test with the minted token: %v %v", body, resp.Header)
	}
	if b := refresh(SandboxClientID, SandboxClientSecret, "xoxe-1-sandbox-rotate-abc"); b["refresh_token"] == "xoxe-1-sandbox-rotate-abc" {
		t.Fatalf("rotate scenario kept the refresh token: %v", b)
	}
	for _, tc := range []struct{ id, secret, rt, want string }{
		{"1.2", SandboxClientSecret, "xoxe-1-sandbox-a", "invalid_client_id"},
		{SandboxClientID, "nope", "xoxe-1-sandbox-a", "bad_client_secret"},
		{SandboxClientID, SandboxClientSecret, "xoxe-1-sandbox-invalid-a", "invalid_refresh_token"},
		{SandboxClientID, SandboxClientSecret, "xoxe-1-other-a", "invalid_refresh_token"},
	} {
		if b := refresh(tc.id, tc.secret, tc.rt); b["error"] != tc.want {
			t.Errorf("%+v: %v", tc, b)
		}
	}
	s.Revoke("xoxe-1-sandbox-scopes-abc")
	if b := refresh(SandboxClientID, SandboxClientSecret, "xoxe-1-sandbox-scopes-abc"); b["error"] != "invalid_refresh_token" {
		t.Errorf("revoked refresh token: %v", b)
	}
}

// TestSlackSetScopes: a token edited through SetScopes (an app reinstalled
// with fewer scopes keeps its token) reports them in x-oauth-scopes until
// Reset.
func TestSlackSetScopes(t *testing.T) {
	s := sandbox.Start(*Service().Emulation)
	defer s.Close()
	const tok = "xoxb-1111-sandbox-edit-AbCdEf"
	scopes := func() string {
		resp, _ := slackCall(t, http.MethodPost, s.VendorURL("slack")+"/api/auth.test", tok, url.Values{})
		return resp.Header.Get("X-OAuth-Scopes")
	}
	servicetest.CheckScopeEdits(t, s, tok, "channels:read,chat:write,users:read,users:read.email", "chat:write", scopes)
}
