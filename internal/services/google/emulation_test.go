package google

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
)

// googleAssertion signs a JWT bearer assertion as the service account
// scenario@…, with a key generated for the test.
func googleAssertion(t *testing.T, key *rsa.PrivateKey, tokenURL, scenario, kid string, iat time.Time, scope string) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{
		"iss": scenario + "@hs-sandbox.iam.gserviceaccount.com", "sub": "admin@example.com", "aud": tokenURL,
		"scope": scope, "iat": iat.Unix(), "exp": iat.Add(time.Hour).Unix(),
	}
	a, err := josejwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func googleGet(t *testing.T, u, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	return resp.StatusCode, m
}

func TestGoogleEmulation(t *testing.T) {
	s := sandbox.Start(*Service().Emulation)
	defer s.Close()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tokenURL := s.VendorURL("google") + "/token"
	const scope = "https://www.googleapis.com/auth/admin.directory.user.readonly"
	token := func(scenario string, iat time.Time) (int, map[string]any) {
		form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
			"assertion": {googleAssertion(t, key, tokenURL, scenario, "kid-"+scenario, iat, scope)}}
		resp, err := http.PostForm(tokenURL, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	certs := func(scenario string) map[string]any {
		_, m := googleGet(t, s.VendorURL("google")+"/robot/v1/metadata/x509/"+url.PathEscape(scenario+"@hs-sandbox.iam.gserviceaccount.com"), "")
		return m
	}
	notAfter := func(p any) time.Time {
		block, _ := pem.Decode([]byte(p.(string)))
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		return c.NotAfter
	}
	users := s.VendorURL("google") + "/admin/directory/v1/users?customer=my_customer&maxResults=1"

	status, body := token("directory-sync", time.Now())
	at, _ := body["access_token"].(string)
	if status != 200 || !strings.HasPrefix(at, "ya29.") || body["token_type"] != "Bearer" {
		t.Fatalf("healthy token: %d %v", status, body)
	}
	if st, m := googleGet(t, users, at); st != 200 || m["kind"] != "admin#directory#users" {
		t.Fatalf("users.list: %d %v", st, m)
	}
	if c := certs("directory-sync"); c["kid-directory-sync"] == nil || notAfter(c["kid-directory-sync"]).Year() != 9999 {
		t.Fatalf("certificates: %v", c)
	}

	// Token endpoint errors: RFC 6749 bodies.
	for scenario, want := range map[string]string{
		"no-delegation": "unauthorized_client", "delegation-missing": "unauthorized_client", "scope-not-delegated": "access_denied",
		"key-deleted": "invalid_grant", "key-expired": "invalid_grant", "clock-skew": "invalid_grant", "unknown-user": "invalid_grant",
		"sa-deleted": "invalid_grant", "sa-disabled": "disabled_client", "admin-policy": "admin_policy_enforced",
	} {
		if status, body := token(scenario, time.Now()); status < 400 || body["error"] != want || body["error_description"] == "" {
			t.Errorf("%s: %d %v", scenario, status, body)
		}
	}
	// A real clock check, whatever the scenario.
	if status, body := token("directory-sync", time.Now().Add(-3*time.Hour)); status != 400 || !strings.Contains(body["error_description"].(string), "short-lived") {
		t.Errorf("stale assertion: %d %v", status, body)
	}
	if c := certs("key-deleted"); len(c) != 0 {
		t.Errorf("a deleted key still has a certificate: %v", c)
	}
	if c := certs("key-expired"); c["kid-key-expired"] == nil || !notAfter(c["kid-key-expired"]).Before(time.Now()) {
		t.Errorf("expired key's certificate: %v", c)
	}

	// Directory errors: Google's API error shape.
	for scenario, want := range map[string][2]any{
		"not-admin":          {float64(403), "Not Authorized to access this resource/api"},
		"insufficient-scope": {float64(403), "Request had insufficient authentication scopes."},
		"domain-not-found":   {float64(400), "Domain not found."},
		"rate-limited":       {float64(429), ""},
		"api-disabled":       {float64(403), ""},
	} {
		_, body := token(scenario, time.Now())
		at, _ := body["access_token"].(string)
		st, m := googleGet(t, users, at)
		e, _ := m["error"].(map[string]any)
		errs, _ := e["errors"].([]any)
		if float64(st) != want[0] || e["code"] != want[0] || len(errs) == 0 || (want[1] != "" && e["message"] != want[1]) {
			t.Errorf("%s: %d %v", scenario, st, m)
		}
	}
	if st, m := googleGet(t, users, "ya29.not-issued"); st != 401 || m["error"].(map[string]any)["status"] != "UNAUTHENTICATED" {
		t.Errorf("unknown token: %d %v", st, m)
	}

	// Revoking the key id deletes the key.
	s.Revoke("kid-directory-sync")
	if status, body := token("directory-sync", time.Now()); status != 400 || body["error_description"] != "Invalid JWT Signature." {
		t.Errorf("revoked key: %d %v", status, body)
	}
	if c := certs("directory-sync"); len(c) != 0 {
		t.Errorf("a revoked key still has a certificate: %v", c)
	}
}
