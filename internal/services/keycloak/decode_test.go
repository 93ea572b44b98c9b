package keycloak

import (
	"net/http"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// TestDecodeKeycloakBodies runs the decoder on Keycloak's bodies as
// recorded or pasted in public issues (sources next to each).
func TestDecodeKeycloakBodies(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		cat    finding.Category
		code   string
		target target
	}{
		// source: ekalinin/gloak internal/conformance/testdata/golden/oidc/token/wrong-client-secret.http (Keycloak 26.7.1); seed 002
		{"wrong client secret", 401, `{"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"}`,
			finding.InvalidCredentials, "unauthorized_client", tSecret},
		// source: keycloak-oauth-sig#33 (older Keycloak: HTTP 400 on refresh); seed 002 "400 Bad Request: …"
		{"wrong client secret on refresh, older status", 400, `{"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"}`,
			finding.InvalidCredentials, "unauthorized_client", tSecret},
		// source: ekalinin/gloak …/golden/oidc/token/unknown-client.http (Keycloak 26.7.1); keycloak/keycloak#11741 (400 on 18)
		{"unknown client", 401, `{"error":"invalid_client","error_description":"Invalid client or Invalid client credentials"}`,
			finding.AppNotFound, "invalid_client", tClientID},
		// source: louislam/uptime-kuma#4202 ("unauthorized_client (Client not enabled to retrieve service account)")
		{"service accounts off", 401, `{"error":"unauthorized_client","error_description":"Client not enabled to retrieve service account"}`,
			finding.FeatureDisabled, "unauthorized_client", tClientID},
		// source: Keycloak ClientCredentialsGrantType ("Public client not allowed to retrieve service account")
		{"public client", 401, `{"error":"unauthorized_client","error_description":"Public client not allowed to retrieve service account"}`,
			finding.InvalidConfiguration, "unauthorized_client", tClientID},
		// source: thomasdarimont/spring-boot-keycloak-jwe-example#1
		{"secret sent to a signed JWT client", 400, `{"error":"invalid_client","error_description":"Parameter client_assertion_type is missing"}`,
			finding.InvalidConfiguration, "invalid_client", tSecret},
		// source: Keycloak JWTClientAuthenticator ("Client authentication with signed JWT failed: " + reason); k8s service-account gist (pretty-printed)
		{"assertion audience", 400, "{\n  \"error\": \"invalid_client\",\n  \"error_description\": \"Client authentication with signed JWT failed: Invalid token audience\"\n}",
			finding.InvalidCredentials, "invalid_client", tKey},
		// source: keycloak/keycloak#49625
		{"public key not loadable", 400, `{"error":"invalid_client","error_description":"Unable to load public key"}`,
			finding.RevokedCredentials, "invalid_client", tKey},
		// source: Keycloak ClientIdAndSecretAuthenticator
		{"client_id missing", 400, `{"error":"invalid_client","error_description":"Missing client_id parameter"}`,
			finding.InvalidConfiguration, "invalid_client", tClientID},
		// source: ekalinin/gloak …/golden/oidc/discovery/unknown-realm.http (Keycloak 26.7.1)
		{"realm does not exist", 404, `{"error":"Realm does not exist"}`,
			finding.TenantNotFound, "Realm does not exist", tRealm},
		// source: ekalinin/gloak WithKeycloakFallbacks (Quarkus 404 for a path no route matches, e.g. /auth/realms/… on Keycloak ≥ 17)
		{"legacy /auth prefix", 404, `{"error":"Unable to find matching target resource method"}`,
			finding.EndpointNotFound, "Unable to find matching target resource method", tBaseURL},
		// source: ekalinin/gloak …/golden/oidc/token/refresh-after-logout.http (Keycloak 26.7.1)
		{"session not active", 400, `{"error":"invalid_grant","error_description":"Session not active"}`,
			finding.RevokedCredentials, "invalid_grant", tToken},
		// source: Keycloak TokenManager (refresh token past exp); measurement note in research ("refused at 80 s")
		{"refresh token expired", 400, `{"error":"invalid_grant","error_description":"Token is not active"}`,
			finding.ExpiredCredentials, "invalid_grant", tToken},
		// source: Keycloak TokenManager (Revoke Refresh Token on); two public runbooks
		{"refresh token reused", 400, `{"error":"invalid_grant","error_description":"Maximum allowed refresh token reuse exceeded"}`,
			finding.RevokedCredentials, "invalid_grant", tToken},
		// source: swh (Software Heritage) keycloak test fixture
		{"offline session gone", 400, `{"error":"invalid_grant","error_description":"Offline user session not found"}`,
			finding.RevokedCredentials, "invalid_grant", tToken},
		// source: ekalinin/gloak …/golden/oidc/token/invalid-refresh-token.http
		{"invalid refresh token", 400, `{"error":"invalid_grant","error_description":"Invalid refresh token"}`,
			finding.RevokedCredentials, "invalid_grant", tToken},
		// source: ekalinin/gloak …/golden/oidc/token/disabled-user.http
		{"user disabled", 400, `{"error":"invalid_grant","error_description":"Account disabled"}`,
			finding.AccountDisabled, "invalid_grant", tToken},
		// source: keycloak/keycloak#45812 (401 on 26.5.2)
		{"wrong user password", 401, `{"error":"invalid_grant","error_description":"Invalid user credentials"}`,
			finding.InvalidCredentials, "invalid_grant", tToken},
		// source: marcospereirampj/python-keycloak#207
		{"redirect_uri differs at the token endpoint", 400, `{"error":"invalid_grant","error_description":"Incorrect redirect_uri"}`,
			finding.RedirectURIMismatch, "invalid_grant", tRedirect},
		// source: ekalinin/gloak …/golden/oidc/authorization/unsupported-scope.http (error in the redirect, as a form)
		{"invalid scope", 400, `{"error":"invalid_scope","error_description":"Invalid scopes: openid nosuchscope"}`,
			finding.InvalidScope, "invalid_scope", tScopes},
		// source: ekalinin/gloak …/golden/oidc/authorization/invalid-redirect-uri.http (keycloak.v2 theme page)
		{"redirect URI page", 400, `<!DOCTYPE html><html class="login-pf" lang="en"><head><title>Sign in to Keycloak</title></head><body id="keycloak-bg" data-page-id="login-error"><h1 id="kc-page-title">We are sorry...</h1><div id="kc-error-message"><p class="instruction">Invalid parameter: redirect_uri</p></div></body></html>`,
			finding.RedirectURIMismatch, "Invalid parameter: redirect_uri", tRedirect},
		// source: Keycloak AuthorizationEndpoint + messages_en (clientNotFoundMessage), keycloak.v2 theme
		{"client not found page", 400, `<div id="kc-error-message">
      <p class="instruction">Client not found.</p>
    </div>`,
			finding.AppNotFound, "Client not found.", tClientID},
		// source: older login theme (RH-SSO 7): <span class="kc-feedback-text">
		{"old theme redirect page", 400, `<div class="alert alert-error"><span class="pficon pficon-error-circle-o"></span><span class="kc-feedback-text">Invalid parameter: redirect_uri</span></div>`,
			finding.RedirectURIMismatch, "Invalid parameter: redirect_uri", tRedirect},
		// source: ekalinin/gloak observed doc (admin API 401 recorded; 403 of the same shape)
		{"admin API forbidden", 403, `{"error":"HTTP 403 Forbidden"}`,
			finding.AccessDenied, "HTTP 403 Forbidden", tClientID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := servicetest.CheckDecoded(t, profileDecode, c.status, c.body, c.cat, c.code)
			if _, tg, _ := decode(connector.Answer{StatusCode: c.status, Body: []byte(c.body)}); tg != c.target {
				t.Errorf("target %d, want %d", tg, c.target)
			}
			if f.Path != nil {
				t.Errorf("the profile decoder set a path: %s", f.Path)
			}
		})
	}
}

// TestDecodeWrappedForms: diagnose hands the decoder the messages as client
// libraries print them.
func TestDecodeWrappedForms(t *testing.T) {
	cases := []struct {
		name, text string
		cat        finding.Category
		code       string
	}{
		// source: louislam/uptime-kuma#4202 (openid-client OPError as shown by the app)
		{"openid-client", "The oauth config is invalid. unauthorized_client (Client not enabled to retrieve service account)",
			finding.FeatureDisabled, "unauthorized_client"},
		// source: seed 002
		{"seed login form", "unauthorized_client: Invalid client or Invalid client credentials", finding.InvalidCredentials, "unauthorized_client"},
		// source: seed 002 (no error code at all: a wrong secret)
		{"seed refresh form", "400 Bad Request: Invalid client or Invalid client credentials", finding.InvalidCredentials, "Invalid client or Invalid client credentials"},
		// source: x/oauth2 ≥ 0.13 RetrieveError format
		{"go oauth2", `oauth2: "invalid_grant" "Session not active"`, finding.RevokedCredentials, "invalid_grant"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			servicetest.CheckDecoded(t, profileDecode, 0, c.text, c.cat, c.code)
			if !recognize(c.text) && c.code != "invalid_grant" {
				t.Errorf("not recognised as Keycloak: %s", c.text)
			}
		})
	}
}

// TestDecodeLiveShapes: the answers only a live check sees (challenge
// headers, step-dependent 404s), through the plan's decoder.
func TestDecodeLiveShapes(t *testing.T) {
	s := servicetest.NewSpec("keycloak", servicetest.Set("base_url", "https://sso.example.com", "realm", "acme"),
		servicetest.WithClient("handshake-sync", "secret-value-0123456789"))
	p, fs := plan(s)
	if p == nil || len(fs) > 0 {
		t.Fatalf("no plan: %v", fs)
	}
	// source: ekalinin/gloak observed doc (userinfo with an invalid token: 401, empty body, challenge)
	h := http.Header{"Www-Authenticate": {`Bearer realm="acme", error="invalid_token", error_description="Token verification failed"`}}
	f, ok := p.Decode(probe.Response{Step: probe.StepAPI, StatusCode: 401, Header: h})
	if !ok || f.Category != finding.InvalidConfiguration || f.Path.String() != "keycloak.base_url" {
		t.Fatalf("userinfo challenge: %v %+v", ok, f)
	}
	// An HTML 404 at the realm's discovery URL (a proxy's page): the path.
	f, ok = p.Decode(probe.Response{Step: probe.StepDiscovery, StatusCode: 404, Body: []byte("<html><body>Not Found</body></html>")})
	if !ok || f.Category != finding.EndpointNotFound || !strings.Contains(strings.Join(f.Remediation, " "), "/auth") {
		t.Fatalf("discovery 404: %v %+v", ok, f)
	}
	// The wrong secret points at the secret, the unknown client at client_id.
	f, _ = p.Decode(probe.Response{Step: probe.StepToken, StatusCode: 401, Body: []byte(`{"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"}`)})
	if f.Path.String() != "auth.client_secret_wo" || f.Category != finding.InvalidCredentials {
		t.Fatalf("wrong secret: %+v", f)
	}
	// A generic OAuth error Keycloak's wording does not settle still lands
	// on a keycloak attribute, not on oauth2's grant_type.
	f, ok = p.Decode(probe.Response{Step: probe.StepToken, StatusCode: 400, Body: []byte(`{"error":"unsupported_grant_type","error_description":"Unsupported grant_type"}`)})
	if !ok || f.Path.String() != "keycloak.base_url" {
		t.Fatalf("unsupported grant: %v %+v", ok, f)
	}
}

func TestRecognize(t *testing.T) {
	for _, text := range []string{
		// source: Stirling-PDF#6567 (Spring HttpClientErrorException)
		`org.springframework.web.client.HttpClientErrorException$Unauthorized: 401 Unauthorized on POST request for "https://auth.ozyria.fr/realms/Ozyria/protocol/openid-connect/token": "{"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"}"`,
		`keycloak.exceptions.KeycloakAuthenticationError: 401: b'{"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"}'`,
		`{"error":"Realm does not exist"}`,
	} {
		if !recognize(text) {
			t.Errorf("not recognised: %s", text)
		}
	}
	for _, text := range []string{
		`{"error":"invalid_client","error_description":"client authentication failed"}`,
		`{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`,
		`HTTP 403 Forbidden`,
	} {
		if recognize(text) {
			t.Errorf("claimed another vendor's text: %s", text)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"}`,
		`{"error":"Realm does not exist"}`,
		`<p class="instruction">Invalid parameter: redirect_uri</p>`,
		`oauth2: "invalid_grant" "Token is not active"`,
		`{"error":`, "\xff\xfe", `{"error":null,"error_description":1}`,
	} {
		f.Add(400, seed, "")
		f.Add(404, seed, probe.StepDiscovery)
	}
	f.Fuzz(func(t *testing.T, status int, body, step string) {
		a := connector.Answer{Step: step, StatusCode: status, Body: []byte(body),
			Header: http.Header{"Www-Authenticate": {body}}}
		fd, ok := profileDecode(a)
		if !ok {
			return
		}
		if fd.Category == "" || fd.Summary == "" || len(fd.Remediation) == 0 || fd.Severity != finding.Error {
			t.Fatalf("incomplete finding for %q: %+v", body, fd)
		}
		if strings.ContainsAny(fd.Code, "\r\n") || len(fd.Code) > 100 {
			t.Fatalf("code %q", fd.Code)
		}
		_ = recognize(body)
	})
}
