package probe_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// TestRefreshStep: a grant that returns a refresh token, with
// require_refresh_token, is followed by a refresh grant and a second probe
// call with the refreshed token.
func TestRefreshStep(t *testing.T) {
	var refreshOK, secondTokenOK bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/token":
			switch r.FormValue("grant_type") {
			case "client_credentials":
				writeJSON(w, 200, map[string]any{"access_token": "at-first-0123", "token_type": "Bearer", "expires_in": 600, "refresh_token": "rt-first-0123"})
			case "refresh_token":
				if !refreshOK || r.FormValue("refresh_token") != "rt-first-0123" {
					writeJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "refresh token is invalid or revoked"})
					return
				}
				writeJSON(w, 200, map[string]any{"access_token": "at-second-0123", "token_type": "Bearer", "expires_in": 600})
			}
		case "/api":
			switch r.Header.Get("Authorization") {
			case "Bearer at-first-0123":
			case "Bearer at-second-0123":
				if !secondTokenOK {
					w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
					w.WriteHeader(http.StatusUnauthorized)
					return
				}
			default:
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			writeJSON(w, 200, map[string]bool{"ok": true})
		}
	}))
	defer srv.Close()
	spec := func() *connector.Spec {
		s := oauthSpec(map[string]string{"token_url": srv.URL + "/token", "probe_url": srv.URL + "/api"}, "c", "secret-0123456789")
		s.RequireRefreshToken = true
		return s
	}
	opts := probe.Options{Timeout: faultTimeout}

	refreshOK, secondTokenOK = true, true
	res := run(context.Background(), opts, spec())
	want(t, res, probe.StatusHealthy, "", "")
	if stepOutcome(res, probe.StepRefresh) != probe.OutcomeOK || stepOutcome(res, probe.StepAPIAfterRefresh) != probe.OutcomeOK {
		t.Fatalf("refresh steps\n%s", dump(res))
	}
	noSecrets(t, res, "at-first-0123", "rt-first-0123", "at-second-0123")

	refreshOK = false
	res = run(context.Background(), opts, spec())
	want(t, res, probe.StatusUnhealthy, finding.RevokedCredentials, "require_refresh_token")
	if stepOutcome(res, probe.StepRefresh) != probe.OutcomeFailed {
		t.Fatalf("refresh step\n%s", dump(res))
	}

	refreshOK, secondTokenOK = true, false
	res = run(context.Background(), opts, spec())
	want(t, res, probe.StatusUnhealthy, finding.InvalidCredentials, "oauth2.probe_url")
	if stepOutcome(res, probe.StepAPIAfterRefresh) != probe.OutcomeFailed {
		t.Fatalf("api_after_refresh step\n%s", dump(res))
	}
}

// TestJWTBearerGrant: the RFC 7523 grant sends an assertion signed with
// auth.private_key, which the server verifies.
func TestJWTBearerGrant(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	var tokenURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			if r.FormValue("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
				writeJSON(w, 400, map[string]string{"error": "unsupported_grant_type"})
				return
			}
			tok, err := josejwt.ParseSigned(r.FormValue("assertion"), []jose.SignatureAlgorithm{jose.RS256})
			var claims josejwt.Claims
			if err == nil {
				err = tok.Claims(&key.PublicKey, &claims)
			}
			if err != nil || claims.Issuer != "svc@example" || !claims.Audience.Contains(tokenURL) {
				writeJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "Invalid JWT signature"})
				return
			}
			writeJSON(w, 200, map[string]any{"access_token": "at-0123456789", "token_type": "Bearer", "expires_in": 3600})
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	tokenURL = srv.URL + "/token"
	s := oauthSpec(map[string]string{"token_url": tokenURL, "grant_type": "jwt_bearer"}, "svc@example", "")
	s.Auth.PrivateKey = connector.Secret{Value: string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})), Attr: "private_key_wo"}
	want(t, run(context.Background(), probe.Options{Timeout: faultTimeout}, s), probe.StatusHealthy, "", "")

	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	s.Auth.PrivateKey.Value = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(other)}))
	want(t, run(context.Background(), probe.Options{Timeout: faultTimeout}, s), probe.StatusUnhealthy, finding.InvalidCredentials, "auth.private_key_wo")

	s.Auth.PrivateKey.Value = "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----"
	res := run(context.Background(), probe.Options{Timeout: faultTimeout}, s)
	want(t, res, probe.StatusUnhealthy, finding.InvalidConfiguration, "auth.private_key_wo")
}

// TestVendorHook shows the hook a vendor profile uses: a registered
// planner whose Check reads a 200 {"ok":false} answer, and a custom step
// that reports when the credential expires.
func TestVendorHook(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer xoxb-good-0123" {
			writeJSON(w, 200, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		writeJSON(w, 200, map[string]any{"ok": true})
	}))
	defer srv.Close()
	expires := time.Date(2031, 5, 1, 0, 0, 0, 0, time.UTC)
	service := "test_vendor"
	planner := func(s *connector.Spec) (*probe.Plan, []finding.Finding) {
		return &probe.Plan{
			Target: s.Setting("base_url"), TargetPath: s.SettingPath("base_url"),
			Request: &probe.RequestPlan{URL: s.Setting("base_url") + "/api/auth.test", URLPath: s.SettingPath("base_url"),
				Credential:     probe.Credential{Kind: "bearer", Secret: s.Auth.Token.Value},
				CredentialPath: s.Auth.Token.Path()},
			Check: func(r probe.Response) []finding.Finding {
				var body struct {
					OK    bool   `json:"ok"`
					Error string `json:"error"`
				}
				if json.Unmarshal(r.Body, &body) == nil && !body.OK {
					return []finding.Finding{finding.Errorf(finding.InvalidCredentials, s.Auth.Token.Path(),
						"The vendor rejected the token (%s)", body.Error).WithCode(body.Error)}
				}
				return nil
			},
			Steps: []probe.CustomStep{{Name: "token_expiry", Run: func(ctx context.Context, env *probe.Env) probe.StepResult {
				env.CredentialExpires(expires, env.Spec.Auth.Token.Path(), "the bot token")
				return probe.StepResult{Message: "expiry read from the vendor API"}
			}}},
		}, nil
	}
	spec := func(tok string) *connector.Spec {
		return &connector.Spec{Name: "v", Service: service, Settings: map[string]string{"base_url": srv.URL},
			Auth: connector.Auth{Token: connector.Secret{Value: tok, Attr: "token_wo"}}}
	}
	opts := probe.Options{Timeout: faultTimeout, ExpiryWarning: 24 * time.Hour, Planner: planner,
		Now: func() time.Time { return expires.Add(-time.Hour) }}
	res := run(context.Background(), opts, spec("xoxb-good-0123"))
	if res.Status != probe.StatusDegraded || res.ExpiresAt == nil || !res.ExpiresAt.Equal(expires) {
		t.Fatalf("status %s, ExpiresAt %v\n%s", res.Status, res.ExpiresAt, dump(res))
	}
	if _, ok := findingAt(res, finding.ExpiringCredentials, "auth.token_wo"); !ok || stepOutcome(res, "token_expiry") != probe.OutcomeOK {
		t.Fatalf("no expiring finding\n%s", dump(res))
	}
	res = run(context.Background(), opts, spec("xoxb-bad-0123"))
	f := want(t, res, probe.StatusUnhealthy, finding.InvalidCredentials, "auth.token_wo")
	if f.Code != "invalid_auth" || stepOutcome(res, "token_expiry") != probe.OutcomeSkipped {
		t.Fatalf("code %q\n%s", f.Code, dump(res))
	}
	noSecrets(t, res, "xoxb-bad-0123")

	opts.Planner = nil
	unknown := run(context.Background(), opts, &connector.Spec{Service: "no_such_service"})
	if unknown.Status != probe.StatusUnknown {
		t.Fatalf("unregistered service: %s", unknown.Status)
	}
}

// TestDiscoveryFallback: an RFC 8414 server without an OpenID Connect
// discovery document is found through /.well-known/oauth-authorization-server,
// inserted before the issuer's path.
func TestDiscoveryFallback(t *testing.T) {
	var issuer string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/oauth-authorization-server/tenant-a":
			writeJSON(w, 200, map[string]string{"issuer": issuer, "token_endpoint": issuer + "/oauth/token"})
		case "/tenant-a/oauth/token":
			writeJSON(w, 200, map[string]any{"access_token": "at-0123456789", "token_type": "Bearer", "expires_in": 60})
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	issuer = srv.URL + "/tenant-a"
	opts := probe.Options{Timeout: faultTimeout}
	res := run(context.Background(), opts, oauthSpec(map[string]string{"issuer": issuer}, "c", "secret-0123456789"))
	want(t, res, probe.StatusHealthy, "", "")
	if stepOutcome(res, probe.StepDiscovery) != probe.OutcomeOK {
		t.Fatalf("discovery\n%s", dump(res))
	}
	res = run(context.Background(), opts, oauthSpec(map[string]string{"issuer": srv.URL + "/tenant-b"}, "c", "secret-0123456789"))
	want(t, res, probe.StatusUnhealthy, finding.EndpointNotFound, "oauth2.issuer")
}
