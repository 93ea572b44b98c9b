package entra

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
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

func postForm(t *testing.T, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	return decodeJSON(t, resp)
}

func getJSON(t *testing.T, u, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return decodeJSON(t, resp)
}

func decodeJSON(t *testing.T, resp *http.Response) (int, map[string]any) {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("body is not JSON: %s", b)
		}
	}
	return resp.StatusCode, m
}

func credentials(secret string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {SandboxClientID},
		"client_secret": {secret}, "scope": {"https://graph.microsoft.com/.default"}}
}

// jwtClaims reads a token's payload.
func jwtClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %.20s…", tok)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	var m map[string]any
	if err != nil || json.Unmarshal(raw, &m) != nil {
		t.Fatalf("bad payload %s", raw)
	}
	return m
}

// TestEntraTokenEndpoint: the STS answers each scenario with Microsoft's
// error shape, and healthy requests with a JWT whose roles match.
func TestEntraTokenEndpoint(t *testing.T) {
	s := sandbox.Start(*EntraID().Emulation)
	defer s.Close()
	tokenURL := s.VendorURL("entra") + "/" + SandboxTenantID + "/oauth2/v2.0/token"

	status, body := postForm(t, tokenURL, credentials(SandboxSecretOK+"-1"))
	if status != 200 || body["token_type"] != "Bearer" || body["expires_in"] == nil {
		t.Fatalf("ok: %d %v", status, body)
	}
	claims := jwtClaims(t, body["access_token"].(string))
	roles, _ := claims["roles"].([]any)
	if claims["tid"] != SandboxTenantID || claims["appid"] != SandboxClientID || claims["idtyp"] != "app" || len(roles) != len(SandboxDefaultRoles) {
		t.Fatalf("claims %v", claims)
	}
	_, body = postForm(t, tokenURL, credentials(SandboxSecretNoRoles))
	if _, ok := jwtClaims(t, body["access_token"].(string))["roles"]; ok {
		t.Fatal("noroles token has a roles claim")
	}

	cases := []struct {
		name   string
		url    string
		form   url.Values
		status int
		oauth  string
		code   float64
	}{
		{"expired secret", tokenURL, credentials(SandboxSecretExpired), 401, "invalid_client", 7000222},
		{"wrong secret", tokenURL, credentials("Qx58Q~wrong"), 401, "invalid_client", 7000215},
		{"secret ID instead of value", tokenURL, credentials(SandboxSecretID), 401, "invalid_client", 7000215},
		{"consent", tokenURL, credentials(SandboxSecretConsent), 400, "invalid_grant", 65001},
		{"conditional access", tokenURL, credentials(SandboxSecretBlocked), 400, "interaction_required", 53003},
		{"no credential", tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {SandboxClientID}, "scope": {"x/.default"}}, 401, "invalid_client", 7000216},
		{"unknown client", tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {"11111111-2222-4333-8444-555555555555"}, "client_secret": {SandboxSecretOK}, "scope": {"x/.default"}}, 400, "unauthorized_client", 700016},
		{"disabled app", tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {SandboxDisabledClientID}, "client_secret": {SandboxSecretOK}, "scope": {"x/.default"}}, 400, "unauthorized_client", 7000112},
		{"scope without .default", tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {SandboxClientID}, "client_secret": {SandboxSecretOK}, "scope": {"User.Read.All"}}, 400, "invalid_scope", 1002012},
		{"unknown tenant", s.VendorURL("entra") + "/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/oauth2/v2.0/token", credentials(SandboxSecretOK), 400, "invalid_tenant", 90002},
		{"malformed tenant", s.VendorURL("entra") + "/%7B%7Btenantid%7D%7D/oauth2/v2.0/token", credentials(SandboxSecretOK), 400, "invalid_request", 900023},
	}
	for _, tc := range cases {
		status, body := postForm(t, tc.url, tc.form)
		codes, _ := body["error_codes"].([]any)
		desc, _ := body["error_description"].(string)
		if status != tc.status || body["error"] != tc.oauth || len(codes) != 1 || codes[0] != tc.code {
			t.Errorf("%s: %d %v", tc.name, status, body)
			continue
		}
		for _, k := range []string{"timestamp", "trace_id", "correlation_id", "error_uri"} {
			if body[k] == nil {
				t.Errorf("%s: no %s", tc.name, k)
			}
		}
		if !strings.HasPrefix(desc, "AADSTS") || !strings.Contains(desc, "\r\nTrace ID: ") || !strings.Contains(desc, "\r\nCorrelation ID: ") {
			t.Errorf("%s: description %q", tc.name, desc)
		}
	}

	// Client authentication in the Basic header works too; a revoked
	// secret then fails like a deleted one.
	req, _ := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader("grant_type=client_credentials&scope=x%2F.default"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(SandboxClientID, url.QueryEscape(SandboxSecretOK+"-basic"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if status, body := decodeJSON(t, resp); status != 200 {
		t.Fatalf("basic auth: %d %v", status, body)
	}
	s.Revoke(SandboxSecretOK + "-basic")
	if status, body := postForm(t, tokenURL, credentials(SandboxSecretOK+"-basic")); status != 401 || body["error_codes"].([]any)[0] != float64(7000215) {
		t.Fatalf("revoked: %d %v", status, body)
	}
}

// TestEntraCertificate: a client assertion signed with the registered
// certificate's key gets a token; another key gets AADSTS700027.
func TestEntraCertificate(t *testing.T) {
	s := sandbox.Start(*EntraID().Emulation)
	defer s.Close()
	tokenURL := s.VendorURL("entra") + "/" + SandboxTenantDomain + "/oauth2/v2.0/token"
	block, _ := pem.Decode([]byte(certPEM(t, s)))
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	assert := func(k *rsa.PrivateKey) string {
		sig, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k}, (&jose.SignerOptions{}).WithType("JWT"))
		now := time.Now()
		a, err := josejwt.Signed(sig).Claims(josejwt.Claims{Issuer: SandboxClientID, Subject: SandboxClientID,
			Audience: josejwt.Audience{tokenURL}, ID: "1", IssuedAt: josejwt.NewNumericDate(now), Expiry: josejwt.NewNumericDate(now.Add(time.Minute))}).Serialize()
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	form := func(a string) url.Values {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {SandboxClientID}, "scope": {"https://graph.microsoft.com/.default"},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {a}}
	}
	if status, body := postForm(t, tokenURL, form(assert(key))); status != 200 || jwtClaims(t, body["access_token"].(string))["appidacr"] != "2" {
		t.Fatalf("registered key: %d %v", status, body)
	}
	if status, body := postForm(t, tokenURL, form(assert(other))); status != 401 || body["error_codes"].([]any)[0] != float64(700027) {
		t.Fatalf("other key: %d %v", status, body)
	}
}

// TestEntraGraphAndManagement: Graph and the Management Activity API check
// the token's roles and audience and answer in their own error shapes.
func TestEntraGraphAndManagement(t *testing.T) {
	s := sandbox.Start(*EntraID().Emulation)
	defer s.Close()
	base := s.VendorURL("entra")
	token := func(secret string) string {
		form := credentials(secret)
		form.Set("scope", base+"/.default")
		_, body := postForm(t, base+"/"+SandboxTenantID+"/oauth2/v2.0/token", form)
		return body["access_token"].(string)
	}
	graphErr := func(body map[string]any) (string, string) {
		e, _ := body["error"].(map[string]any)
		code, _ := e["code"].(string)
		msg, _ := e["message"].(string)
		if _, ok := e["innerError"].(map[string]any); !ok && !strings.HasPrefix(code, "AF") {
			t.Errorf("no innerError in %v", body)
		}
		return code, msg
	}

	ok := token(SandboxSecretExpiring)
	status, body := getJSON(t, base+"/v1.0/applications?$filter="+url.QueryEscape("appId eq '"+SandboxClientID+"'")+"&$select=id,passwordCredentials,web", ok)
	apps, _ := body["value"].([]any)
	if status != 200 || len(apps) != 1 {
		t.Fatalf("applications: %d %v", status, body)
	}
	app := apps[0].(map[string]any)
	creds := app["passwordCredentials"].([]any)
	first := creds[0].(map[string]any)
	end, _ := time.Parse(time.RFC3339, first["endDateTime"].(string))
	if first["hint"] != SandboxSecretExpiring[:3] || first["keyId"] != SandboxSecretID || time.Until(end) > 11*24*time.Hour {
		t.Errorf("passwordCredential %v", first)
	}
	if uris := app["web"].(map[string]any)["redirectUris"].([]any); len(uris) != len(SandboxRedirectURIs) {
		t.Errorf("redirect URIs %v", uris)
	}
	if status, _ := getJSON(t, base+"/v1.0/organization", ok); status != 200 {
		t.Errorf("organization: %d", status)
	}
	if status, body := getJSON(t, base+"/v1.0/me", ok); status != 400 {
		t.Errorf("/me: %d %v", status, body)
	}

	status, body = getJSON(t, base+"/v1.0/organization", token(SandboxSecretNoRoles))
	if code, msg := graphErr(body); status != 403 || code != "Authorization_RequestDenied" || msg != "Insufficient privileges to complete the operation." {
		t.Errorf("no roles: %d %v", status, body)
	}
	status, body = getJSON(t, base+"/v1.0/users", token(SandboxSecretWrongCloud))
	if code, msg := graphErr(body); status != 401 || code != "InvalidAuthenticationToken" || !strings.Contains(msg, "Invalid audience") {
		t.Errorf("wrong cloud: %d %v", status, body)
	}
	if status, body := getJSON(t, base+"/v1.0/users", ""); status != 401 {
		t.Errorf("no token: %d %v", status, body)
	}

	list := base + "/api/v1.0/" + SandboxTenantID + "/activity/feed/subscriptions/list"
	for _, tc := range []struct {
		secret string
		status int
		code   string
	}{
		{SandboxSecretUnlicensed, 400, "AF20012"},
		{SandboxSecretAuditOff, 400, "AF20023"},
		{SandboxSecretLimited, 401, "AF10001"},
	} {
		status, body := getJSON(t, list, token(tc.secret))
		if code, _ := graphErr(body); status != tc.status || code != tc.code {
			t.Errorf("%s: %d %v", tc.secret, status, body)
		}
	}
	if status, body := getJSON(t, list, ""); status != 401 || body["error"] == nil {
		t.Errorf("no token: %d %v", status, body)
	}
	req, _ := http.NewRequest(http.MethodGet, list, nil)
	req.Header.Set("Authorization", "Bearer "+token(SandboxSecretOK))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var subs []map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&subs)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(subs) == 0 {
		t.Errorf("subscriptions: %d %v", resp.StatusCode, subs)
	}
}

// TestEntraDiscoveryAndAuthorize: tenant discovery and the authorize
// endpoint's sign-in and error pages.
func TestEntraDiscoveryAndAuthorize(t *testing.T) {
	s := sandbox.Start(*EntraID().Emulation)
	defer s.Close()
	base := s.VendorURL("entra")
	status, doc := getJSON(t, base+"/"+SandboxTenantDomain+"/v2.0/.well-known/openid-configuration", "")
	if status != 200 || doc["issuer"] != base+"/"+SandboxTenantID+"/v2.0" || doc["token_endpoint"] == nil {
		t.Fatalf("discovery: %d %v", status, doc)
	}
	status, body := getJSON(t, base+"/contoso-typo.onmicrosoft.com/v2.0/.well-known/openid-configuration", "")
	if status != 400 || body["error"] != "invalid_tenant" {
		t.Fatalf("unknown tenant discovery: %d %v", status, body)
	}

	page := func(client, redirect string) (int, string) {
		q := url.Values{"client_id": {client}, "redirect_uri": {redirect}, "response_type": {"code"}, "scope": {"openid"}}
		resp, err := http.Get(base + "/" + SandboxTenantID + "/oauth2/v2.0/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, text := page(SandboxClientID, SandboxRedirectURIs[0]); status != 200 || strings.Contains(text, "AADSTS") {
		t.Errorf("registered: %d %s", status, text)
	}
	for _, tc := range []struct{ client, redirect, code string }{
		{SandboxClientID, SandboxRedirectURIs[0] + "/", "AADSTS50011"},
		{SandboxNoRedirectClientID, SandboxRedirectURIs[0], "AADSTS500113"},
		{"11111111-2222-4333-8444-555555555555", SandboxRedirectURIs[0], "AADSTS700016"},
	} {
		if status, text := page(tc.client, tc.redirect); status != 400 || !strings.Contains(text, tc.code) {
			t.Errorf("%s: %d %s", tc.code, status, text)
		}
	}
}
