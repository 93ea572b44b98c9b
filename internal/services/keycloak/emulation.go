package keycloak

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// Keycloak emulation, below /keycloak: point keycloak.base_url at
// VendorURL("keycloak"). Statuses, headers and bodies follow Keycloak
// 26.7.1 as recorded byte for byte by ekalinin/gloak's conformance goldens,
// Keycloak's sources and bodies pasted in public issues
// (/work/research/keycloak.md). Any realm exists except "missing"; a path
// Keycloak does not serve (such as /keycloak/auth/realms/…, the legacy
// prefix) answers Quarkus's 404.
//
// The client_id's text before its first "." picks the client:
//
//	healthy             confidential, secret SandboxClientSecret, service account with
//	                    realm roles offline_access and uma_authorization and client roles
//	                    realm-management view-users and view-clients
//	no-roles            as healthy, without the realm-management roles (the admin API
//	                    answers 403) and without offline_access
//	query-only          as healthy, with realm-management query-clients instead of
//	                    view-users and view-clients: the client list comes back empty
//	secret-expiring     as healthy; the secret rotation policy expires the secret in 5 days
//	no-service-account  401 unauthorized_client "Client not enabled to retrieve service account"
//	public              public client: 401 "Public client not allowed to retrieve service account"
//	jwt                 Signed JWT authenticator: a secret gets 400 "Parameter
//	                    client_assertion_type is missing"; an assertion whose aud is not
//	                    the issuer or token URL gets "…signed JWT failed: Invalid token audience"
//	jwt-key-unknown     Signed JWT, but no key registered: 400 "Unable to load public key"
//	hostname            tokens carry another host's issuer; userinfo refuses them (401
//	                    invalid_token "Token verification failed")
//	disabled, anything else
//	                    401 invalid_client "Invalid client or Invalid client credentials"
//
// A wrong, missing or revoked secret gets 401 unauthorized_client "Invalid
// client or Invalid client credentials" (seed 002). Scopes outside the
// realm's client scopes get 400 invalid_scope "Invalid scopes: <scope>".
//
// Refresh tokens (auth.token) pick their answer by their text before the
// first ".": rt-expired ("Token is not active"), rt-session-ended
// ("Session not active"), rt-reused ("Maximum allowed refresh token reuse
// exceeded"); these introspect as {"active":false}. Any other refresh token
// is active (rt-expiring until 5 days from now, others 90) and is exchanged
// for a new pair.
//
// The authorization endpoint knows the redirect URI SandboxRedirectURI for
// every client; others get the "Invalid parameter: redirect_uri" page.

// SandboxClientSecret is the emulated clients' secret.
const SandboxClientSecret = "sbx-keycloak-Zx8s0mXwYwq3bq9VYwJ5f0Xr1tQe7ZkA"

// SandboxRedirectURI is the redirect URI registered for every emulated client.
const SandboxRedirectURI = "https://app.example.com/oauth/callback"

// knownClients are the client scenarios that exist in every realm.
var knownClients = []string{"healthy", "no-roles", "query-only", "secret-expiring", "no-service-account", "public", "jwt", "jwt-key-unknown", "hostname"}

// clientScopes are the realm's client scopes (Keycloak 26 defaults).
var clientScopes = []string{"openid", "profile", "email", "roles", "web-origins", "acr", "basic", "address", "phone",
	"offline_access", "microprofile-jwt", "organization"}

// jsonHeaders are the headers Keycloak sends on its token-endpoint answers.
var jsonHeaders = []string{"Cache-Control", "no-store", "Pragma", "no-cache", "Referrer-Policy", "no-referrer",
	"Strict-Transport-Security", "max-age=31536000; includeSubDomains", "X-Content-Type-Options", "nosniff",
	"X-Frame-Options", "SAMEORIGIN", "X-Robots-Tag", "none"}

// Emulation is the sandbox emulation of Keycloak.
func Emulation() emulation.Vendor { return emulation.Vendor{Path: "keycloak", Routes: routes} }

func routes(w emulation.World, mux *http.ServeMux, prefix string) {
	realm := prefix + "/realms/{realm}"
	oidc := realm + "/protocol/openid-connect"
	mux.HandleFunc("GET "+realm+"/.well-known/openid-configuration", withRealm(discovery))
	mux.HandleFunc("POST "+oidc+"/token", withRealm(func(rw http.ResponseWriter, r *http.Request, issuer string) { token(w, rw, r, issuer) }))
	mux.HandleFunc("POST "+oidc+"/token/introspect", withRealm(func(rw http.ResponseWriter, r *http.Request, issuer string) { introspect(w, rw, r, issuer) }))
	mux.HandleFunc(oidc+"/userinfo", withRealm(userinfo))
	mux.HandleFunc("GET "+oidc+"/auth", withRealm(authorize))
	mux.HandleFunc("GET "+prefix+"/admin/realms/{realm}/clients", adminClients) // emulation_list.go
	mux.HandleFunc(prefix+"/", func(rw http.ResponseWriter, r *http.Request) {
		emulation.WriteJSON(rw, http.StatusNotFound, `{"error":"Unable to find matching target resource method"}`)
	})
}

// withRealm answers Keycloak's 404 for the realm "missing" and passes the
// realm's issuer on.
func withRealm(h func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		name := r.PathValue("realm")
		if name == "missing" {
			emulation.WriteJSON(rw, http.StatusNotFound, `{"error":"Realm does not exist"}`)
			return
		}
		i := strings.Index(r.URL.Path, "/realms/")
		h(rw, r, origin(r)+r.URL.Path[:i]+"/realms/"+url.PathEscape(name))
	}
}

func origin(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

func discovery(rw http.ResponseWriter, _ *http.Request, issuer string) {
	oidc := issuer + "/protocol/openid-connect"
	doc, _ := json.Marshal(map[string]any{
		"issuer": issuer, "authorization_endpoint": oidc + "/auth", "token_endpoint": oidc + "/token",
		"introspection_endpoint": oidc + "/token/introspect", "userinfo_endpoint": oidc + "/userinfo",
		"end_session_endpoint": oidc + "/logout", "jwks_uri": oidc + "/certs",
		"grant_types_supported": []string{"authorization_code", "client_credentials", "implicit", "password", "refresh_token",
			"urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:token-exchange", "urn:openid:params:grant-type:ciba"},
		"token_endpoint_auth_methods_supported": []string{"private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt"},
		"response_types_supported":              []string{"code", "none", "id_token", "token", "id_token token", "code id_token", "code token", "code id_token token"},
		"scopes_supported":                      clientScopes,
		"code_challenge_methods_supported":      []string{"plain", "S256"},
	})
	emulation.WriteJSON(rw, http.StatusOK, string(doc), "Cache-Control", "no-cache, must-revalidate, no-transform, no-store")
}

// oauthError writes Keycloak's RFC 6749 error body.
func oauthError(rw http.ResponseWriter, status int, code, desc string) {
	body, _ := json.Marshal(map[string]string{"error": code, "error_description": desc})
	emulation.WriteJSON(rw, status, string(body), jsonHeaders...)
}

// scenario is the text before the first ".".
func scenario(v string) string {
	s, _, _ := strings.Cut(v, ".")
	return s
}

// client authenticates the request as Keycloak's client authenticators do;
// it writes the refusal and returns "" when authentication fails.
func client(w emulation.World, rw http.ResponseWriter, r *http.Request, issuer string) string {
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	assertion := r.PostFormValue("client_assertion")
	var aud []string
	if assertion != "" {
		var c struct {
			Sub string `json:"sub"`
			Aud any    `json:"aud"`
		}
		if payload, ok := jwtPayload(assertion); ok && json.Unmarshal(payload, &c) == nil {
			if id == "" {
				id = c.Sub
			}
			switch v := c.Aud.(type) {
			case string:
				aud = []string{v}
			case []any:
				for _, a := range v {
					if s, ok := a.(string); ok {
						aud = append(aud, s)
					}
				}
			}
		}
	}
	switch sc := scenario(id); {
	case id == "":
		oauthError(rw, http.StatusBadRequest, "invalid_client", "Missing client_id parameter")
	case !slices.Contains(knownClients, sc):
		oauthError(rw, http.StatusUnauthorized, "invalid_client", "Invalid client or Invalid client credentials")
	case sc == "public":
		return id
	case sc == "jwt" || sc == "jwt-key-unknown":
		switch {
		case r.PostFormValue("client_assertion_type") == "":
			oauthError(rw, http.StatusBadRequest, "invalid_client", "Parameter client_assertion_type is missing")
		case sc == "jwt-key-unknown":
			oauthError(rw, http.StatusBadRequest, "invalid_client", "Unable to load public key")
		case len(aud) != 1 || (aud[0] != issuer && aud[0] != issuer+"/protocol/openid-connect/token"):
			oauthError(rw, http.StatusBadRequest, "invalid_client", "Client authentication with signed JWT failed: Invalid token audience")
		default:
			return id
		}
	case secret != SandboxClientSecret || w.Revoked(secret):
		oauthError(rw, http.StatusUnauthorized, "unauthorized_client", "Invalid client or Invalid client credentials")
	default:
		return id
	}
	return ""
}

func token(w emulation.World, rw http.ResponseWriter, r *http.Request, issuer string) {
	id := client(w, rw, r, issuer)
	if id == "" {
		return
	}
	sc := scenario(id)
	switch r.PostFormValue("grant_type") {
	case "client_credentials":
		switch sc {
		case "public":
			oauthError(rw, http.StatusUnauthorized, "unauthorized_client", "Public client not allowed to retrieve service account")
			return
		case "no-service-account":
			oauthError(rw, http.StatusUnauthorized, "unauthorized_client", "Client not enabled to retrieve service account")
			return
		}
		raw := r.PostFormValue("scope")
		for _, s := range strings.Fields(raw) {
			if !slices.Contains(clientScopes, s) {
				oauthError(rw, http.StatusBadRequest, "invalid_scope", "Invalid scopes: "+raw)
				return
			}
		}
		issue(rw, issuer, id, raw, "")
	case "refresh_token":
		rt := r.PostFormValue("refresh_token")
		if desc := refreshRefusal(rt); desc != "" {
			oauthError(rw, http.StatusBadRequest, "invalid_grant", desc)
			return
		}
		issue(rw, issuer, id, "openid", "sbx-kc-rt."+strconv.FormatInt(time.Now().UnixNano(), 36))
	default:
		oauthError(rw, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant_type")
	}
}

// refreshRefusal is Keycloak's invalid_grant description for a refresh
// token, "" for a good one.
func refreshRefusal(rt string) string {
	switch scenario(rt) {
	case "handshake-deliberately-invalid-refresh-token", "":
		return "Invalid refresh token"
	case "rt-expired":
		return "Token is not active"
	case "rt-session-ended":
		return "Session not active"
	case "rt-reused":
		return "Maximum allowed refresh token reuse exceeded"
	}
	return ""
}

// issue writes a token response: an access token whose claims carry the
// client's roles and scopes (its signature is not a real one).
func issue(rw http.ResponseWriter, issuer, id, requested, refresh string) {
	sc := scenario(id)
	granted := []string{"email", "profile"}
	for _, s := range strings.Fields(requested) {
		if !slices.Contains(granted, s) && s != "roles" && s != "web-origins" && s != "acr" && s != "basic" {
			granted = append(granted, s)
		}
	}
	realmName := issuer[strings.LastIndex(issuer, "/")+1:]
	roles := []string{"default-roles-" + realmName, "offline_access", "uma_authorization"}
	access := map[string]any{"account": map[string]any{"roles": []string{"manage-account", "view-profile"}}}
	switch sc {
	case "no-roles":
		roles = []string{"default-roles-" + realmName}
	case "query-only":
		access["realm-management"] = map[string]any{"roles": []string{"query-clients"}}
	default:
		access["realm-management"] = map[string]any{"roles": []string{"view-users", "view-clients"}}
	}
	iss := issuer
	if sc == "hostname" {
		iss = "https://sso.internal.example" + issuer[strings.Index(issuer, "/realms/"):]
	}
	now := time.Now().Unix()
	claims, _ := json.Marshal(map[string]any{
		"exp": now + 300, "iat": now, "jti": strconv.FormatInt(time.Now().UnixNano(), 36), "iss": iss, "aud": "account",
		"sub": "0b5b4f7e-sandbox-" + sc, "typ": "Bearer", "azp": id, "scope": strings.Join(granted, " "),
		"realm_access": map[string]any{"roles": roles}, "resource_access": access,
		"preferred_username": "service-account-" + strings.ToLower(id), "clientId": id,
	})
	enc := base64.RawURLEncoding.EncodeToString
	at := enc([]byte(`{"alg":"RS256","typ":"JWT","kid":"sbx-kc"}`)) + "." + enc(claims) + "." + enc([]byte("sandbox-signature"))
	resp := map[string]any{"access_token": at, "expires_in": 300, "refresh_expires_in": 0, "token_type": "Bearer",
		"not-before-policy": 0, "scope": strings.Join(granted, " ")}
	if refresh != "" {
		resp["refresh_token"], resp["refresh_expires_in"] = refresh, 1800
	}
	body, _ := json.Marshal(resp)
	emulation.WriteJSON(rw, http.StatusOK, string(body), jsonHeaders...)
}

// jwtPayload decodes a compact JWT's payload without verifying it (the
// emulation reads assertions; the live check reads tokens it was just
// issued over TLS).
func jwtPayload(tok string) ([]byte, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || len(tok) > 64<<10 {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	return b, err == nil
}

func introspect(w emulation.World, rw http.ResponseWriter, r *http.Request, issuer string) {
	if client(w, rw, r, issuer) == "" {
		return
	}
	if refreshRefusal(r.PostFormValue("token")) != "" {
		emulation.WriteJSON(rw, http.StatusOK, `{"active":false}`, jsonHeaders...)
		return
	}
	life := 90 * 24 * time.Hour
	if scenario(r.PostFormValue("token")) == "rt-expiring" {
		life = 5 * 24 * time.Hour // Offline Session Max Limited, nearly reached
	}
	body := fmt.Sprintf(`{"exp":%d,"iat":%d,"typ":"Offline","azp":%q,"active":true}`,
		time.Now().Add(life).Unix(), time.Now().Unix(), r.PostFormValue("client_id"))
	emulation.WriteJSON(rw, http.StatusOK, body, jsonHeaders...)
}

// accessClaims reads an access token this emulation issued.
func accessClaims(r *http.Request) (map[string]any, bool) {
	payload, ok := jwtPayload(emulation.Bearer(r))
	var c map[string]any
	if !ok || json.Unmarshal(payload, &c) != nil {
		return nil, false
	}
	return c, true
}

func userinfo(rw http.ResponseWriter, r *http.Request, issuer string) {
	realmName := r.PathValue("realm")
	c, ok := accessClaims(r)
	if !ok || c["iss"] != issuer {
		rw.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm=%q, error="invalid_token", error_description="Token verification failed"`, realmName))
		rw.Header().Set("Content-Type", "text/plain;charset=utf-8")
		rw.WriteHeader(http.StatusUnauthorized)
		return
	}
	if scope, _ := c["scope"].(string); !slices.Contains(strings.Fields(scope), "openid") {
		rw.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm=%q, error="insufficient_scope", error_description="Missing openid scope"`, realmName))
		rw.Header().Set("Content-Type", "text/plain;charset=utf-8")
		rw.WriteHeader(http.StatusForbidden)
		return
	}
	body, _ := json.Marshal(map[string]any{"sub": c["sub"], "email_verified": false, "preferred_username": c["preferred_username"]})
	emulation.WriteJSON(rw, http.StatusOK, string(body), "Cache-Control", "no-cache")
}

// authorize answers the authorization endpoint: the login theme's error
// page for an unknown client or redirect URI, else the login page.
func authorize(rw http.ResponseWriter, r *http.Request, _ string) {
	q := r.URL.Query()
	sc := scenario(q.Get("client_id"))
	switch {
	case sc == "disabled":
		errorPage(rw, r, "Client disabled.")
	case !slices.Contains(knownClients, sc):
		errorPage(rw, r, "Client not found.")
	case q.Get("redirect_uri") != "" && q.Get("redirect_uri") != SandboxRedirectURI:
		errorPage(rw, r, "Invalid parameter: redirect_uri")
	default:
		rw.Header().Set("Content-Type", "text/html;charset=utf-8")
		rw.WriteHeader(http.StatusOK)
		fmt.Fprintf(rw, `<!DOCTYPE html><html class="login-pf" lang="en"><head><title>Sign in to %s</title></head>`+
			`<body id="keycloak-bg" data-page-id="login-login"><form id="kc-form-login" method="post"></form></body></html>`, html.EscapeString(r.PathValue("realm")))
	}
}

// errorPage is the keycloak.v2 login theme's error page (HTTP 400).
func errorPage(rw http.ResponseWriter, r *http.Request, msg string) {
	rw.Header().Set("Content-Type", "text/html;charset=utf-8")
	rw.Header().Set("Content-Language", "en")
	rw.Header().Set("Content-Security-Policy", "frame-src 'self'; frame-ancestors 'self'; object-src 'none';")
	rw.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(rw, `<!DOCTYPE html><html class="login-pf" lang="en"><head><title>Sign in to %s</title></head>`+
		`<body id="keycloak-bg" data-page-id="login-error"><h1 id="kc-page-title">We are sorry...</h1>`+
		`<div id="kc-error-message"><p class="instruction">%s</p></div></body></html>`,
		html.EscapeString(r.PathValue("realm")), html.EscapeString(msg))
}
