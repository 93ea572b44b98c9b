package github

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// ghGet calls the GitHub emulation and decodes its JSON answer.
func ghGet(t *testing.T, method, rawURL, auth string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, rawURL, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, rawURL, raw)
	}
	return resp, body
}

func signJWT(t *testing.T, key *rsa.PrivateKey, iss string, iat, exp time.Time) string {
	t.Helper()
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := josejwt.Signed(sig).Claims(josejwt.Claims{Issuer: iss, IssuedAt: josejwt.NewNumericDate(iat), Expiry: josejwt.NewNumericDate(exp)}).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestGitHubAppJWT(t *testing.T) {
	s := sandbox.Start(*Service().Emulation)
	defer s.Close()
	pemKey := sandboxKey(t, s)
	if again := sandboxKey(t, s); again != pemKey {
		t.Fatal("the emulation served two different app keys")
	}
	block, _ := pem.Decode([]byte(pemKey))
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	key := k.(*rsa.PrivateKey)
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	now := time.Now()
	app := s.VendorURL("github") + "/app"
	cases := []struct {
		name   string
		jwt    string
		status int
		msg    string
	}{
		{"valid, back-dated iat", signJWT(t, key, SandboxAppID, now.Add(-time.Minute), now.Add(9*time.Minute)), 200, ""},
		{"client id as issuer", signJWT(t, key, SandboxAppClientID, now.Add(-time.Minute), now.Add(5*time.Minute)), 200, ""},
		{"exp beyond ten minutes", signJWT(t, key, SandboxAppID, now.Add(-time.Minute), now.Add(11*time.Minute)), 401, "'Expiration time' claim ('exp') is too far in the future"},
		{"expired", signJWT(t, key, SandboxAppID, now.Add(-20*time.Minute), now.Add(-10*time.Minute)), 401, "'Expiration time' claim ('exp') must be a numeric value"},
		{"iat in the future", signJWT(t, key, SandboxAppID, now.Add(2*time.Minute), now.Add(8*time.Minute)), 401, "'Issued at' claim ('iat')"},
		{"unknown app", signJWT(t, key, "999", now.Add(-time.Minute), now.Add(5*time.Minute)), 404, "Integration not found"},
		{"another key", signJWT(t, other, SandboxAppID, now.Add(-time.Minute), now.Add(5*time.Minute)), 401, "A JSON web token could not be decoded"},
		{"not a JWT", "ghp_sandbox_0123", 401, "A JSON web token could not be decoded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := ghGet(t, "GET", app, "Bearer "+tc.jwt)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, tc.status, body)
			}
			if tc.msg != "" && !strings.Contains(body["message"].(string), tc.msg) {
				t.Fatalf("message %q", body["message"])
			}
			if tc.msg != "" && body["documentation_url"] == nil {
				t.Fatalf("no documentation_url: %v", body)
			}
		})
	}

	jwt := "Bearer " + signJWT(t, key, SandboxAppID, now.Add(-time.Minute), now.Add(5*time.Minute))
	resp, body := ghGet(t, "POST", s.VendorURL("github")+"/app/installations/1001/access_tokens", jwt)
	tok, _ := body["token"].(string)
	if resp.StatusCode != 201 || !strings.HasPrefix(tok, "ghs_") || body["permissions"] == nil {
		t.Fatalf("access token: %d %v", resp.StatusCode, body)
	}
	if resp, body := ghGet(t, "GET", s.VendorURL("github")+"/installation/repositories?per_page=1&page=2", "Bearer "+tok); resp.StatusCode != 200 ||
		body["total_count"].(float64) != 2 || len(body["repositories"].([]any)) != 1 {
		t.Fatalf("installation repositories: %v", body)
	}
	if resp, body := ghGet(t, "POST", s.VendorURL("github")+"/app/installations/1002/access_tokens", jwt); resp.StatusCode != 403 || body["message"] != "This installation has been suspended" {
		t.Fatalf("suspended installation: %d %v", resp.StatusCode, body)
	}
	if resp, _ := ghGet(t, "GET", s.VendorURL("github")+"/api/v3/orgs/nobody/installation", jwt); resp.StatusCode != 404 {
		t.Fatalf("GHES-shaped path, no installation: %d", resp.StatusCode)
	}
	s.Revoke(pemKey)
	if resp, _ := ghGet(t, "GET", app, jwt); resp.StatusCode != 401 {
		t.Fatalf("revoked key still accepted: %d", resp.StatusCode)
	}
}

func TestGitHubTokens(t *testing.T) {
	s := sandbox.Start(*Service().Emulation)
	defer s.Close()
	api := s.VendorURL("github")
	resp, body := ghGet(t, "GET", api+"/user", "Bearer ghp_sandbox_0123456789")
	if resp.StatusCode != 200 || body["login"] != "octocat" || resp.Header.Get("X-OAuth-Scopes") != "repo, read:org, read:user" ||
		resp.Header.Get("X-RateLimit-Limit") != "5000" || resp.Header.Get("X-GitHub-Request-Id") == "" {
		t.Fatalf("healthy token: %d %v %v", resp.StatusCode, body, resp.Header)
	}
	if resp, body := ghGet(t, "GET", api+"/user", "Bearer ghp_0123456789"); resp.StatusCode != 401 || body["message"] != "Bad credentials" || body["status"] != "401" {
		t.Fatalf("bad credentials: %d %v", resp.StatusCode, body)
	}
	if resp, body := ghGet(t, "GET", api+"/user", ""); resp.StatusCode != 401 || body["message"] != "Requires authentication" {
		t.Fatalf("no token: %d %v", resp.StatusCode, body)
	}
	resp, _ = ghGet(t, "GET", api+"/orgs/octo-org", "Bearer ghp_sandbox_sso_0123")
	if resp.StatusCode != 403 || !strings.HasPrefix(resp.Header.Get("X-GitHub-SSO"), "required; url=https://github.com/orgs/octo-org/sso?authorization_request=") {
		t.Fatalf("sso: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := ghGet(t, "GET", api+"/user", "Bearer ghp_sandbox_ratelimit_0123"); resp.StatusCode != 403 || resp.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("rate limit: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := ghGet(t, "GET", api+"/user", "Bearer github_pat_sandbox_expiring_0123"); resp.Header.Get("GitHub-Authentication-Token-Expiration") == "" ||
		!strings.HasSuffix(resp.Header.Get("GitHub-Authentication-Token-Expiration"), " UTC") {
		t.Fatalf("expiry header: %v", resp.Header)
	}
	if resp, body := ghGet(t, "GET", api+"/user", "Bearer ghs_sandbox0123"); resp.StatusCode != 403 || body["message"] != "Resource not accessible by integration" {
		t.Fatalf("installation token on /user: %d %v", resp.StatusCode, body)
	}
	s.Revoke("ghp_sandbox_0123456789")
	if resp, _ := ghGet(t, "GET", api+"/user", "Bearer ghp_sandbox_0123456789"); resp.StatusCode != 401 {
		t.Fatalf("revoked token: %d", resp.StatusCode)
	}
}

func TestGitHubOAuthWebFlow(t *testing.T) {
	s := sandbox.Start(*Service().Emulation)
	defer s.Close()
	post := func(id, secret, accept string) (string, string) {
		req, _ := http.NewRequest("POST", s.VendorURL("github")+"/login/oauth/access_token",
			strings.NewReader(url.Values{"client_id": {id}, "client_secret": {secret}, "code": {"x"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.Header.Get("Content-Type"), string(b)
	}
	if _, b := post(SandboxOAuthClientID, SandboxOAuthClientSecret, "application/json"); !strings.Contains(b, `"bad_verification_code"`) {
		t.Fatalf("good credentials: %s", b)
	}
	if ct, b := post(SandboxOAuthClientID, "wrong", ""); !strings.HasPrefix(b, "error=incorrect_client_credentials") || !strings.Contains(ct, "form-urlencoded") {
		t.Fatalf("wrong secret, form answer: %s %s", ct, b)
	}
}

// TestGitHubKeyPerSandbox: each sandbox's emulation has its own app key, so
// one sandbox's key opens no other.
func TestGitHubKeyPerSandbox(t *testing.T) {
	a, b := sandbox.Start(*Service().Emulation), sandbox.Start(*Service().Emulation)
	defer a.Close()
	defer b.Close()
	if sandboxKey(t, a) == sandboxKey(t, b) {
		t.Fatal("two sandboxes share one GitHub App key")
	}
}

// TestGitHubSetScopes: a classic token edited through SetScopes reports the
// new scopes in X-OAuth-Scopes until Reset.
func TestGitHubSetScopes(t *testing.T) {
	s := sandbox.Start(*Service().Emulation)
	defer s.Close()
	const tok = "ghp_sandbox_edit_0123456789abcdef"
	scopes := func() string {
		resp, _ := ghGet(t, "GET", s.VendorURL("github")+"/user", "Bearer "+tok)
		return resp.Header.Get("X-OAuth-Scopes")
	}
	servicetest.CheckScopeEdits(t, s, tok, "repo, read:org, read:user", "read:user", scopes)
}
