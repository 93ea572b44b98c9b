package entra

// The emulated token service: the token endpoint, tenant discovery and the
// authorize page, with Microsoft's error shapes (see emulation.go).

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// tenantError is the STS's answer for a tenant it does not serve, or "".
func tenantError(tenant string) (code int, oauth, desc string) {
	switch {
	case strings.EqualFold(tenant, SandboxTenantID) || strings.EqualFold(tenant, SandboxTenantDomain):
		return 0, "", ""
	case entraGUIDRE.MatchString(tenant) || entraDomainRE.MatchString(tenant):
		return 90002, "invalid_tenant", fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", tenant)
	}
	return 900023, "invalid_request", fmt.Sprintf("Specified tenant identifier '%s' is neither a valid DNS name, nor a valid external domain.", tenant)
}

// stsError writes an Entra token-service error exactly as Microsoft shapes it.
func stsError(w http.ResponseWriter, status int, oauth string, code int, desc, suberror string) {
	now := time.Now().UTC().Format("2006-01-02 15:04:05Z")
	trace, corr := newGUID(), newGUID()
	body := struct {
		Error         string `json:"error"`
		Description   string `json:"error_description"`
		Codes         []int  `json:"error_codes"`
		Timestamp     string `json:"timestamp"`
		TraceID       string `json:"trace_id"`
		CorrelationID string `json:"correlation_id"`
		URI           string `json:"error_uri"`
		Suberror      string `json:"suberror,omitempty"`
	}{oauth, fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s", code, desc, trace, corr, now),
		[]int{code}, now, trace, corr, fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", code), suberror}
	b, _ := json.Marshal(body)
	emulation.WriteJSON(w, status, string(b), "Cache-Control", "no-store, no-cache", "Pragma", "no-cache",
		"x-ms-request-id", trace, "x-ms-ests-server", "2.1.19000.5 - SEC ProdSlices")
}

// token is POST /{tenant}/oauth2/v2.0/token.
func (st *entraState) token(w http.ResponseWriter, r *http.Request, tenant string) {
	if code, oauth, desc := tenantError(tenant); code != 0 {
		stsError(w, http.StatusBadRequest, oauth, code, desc, "")
		return
	}
	_ = r.ParseForm()
	clientID, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if id, sec, ok := r.BasicAuth(); ok {
		if u, err := url.QueryUnescape(id); err == nil {
			id = u
		}
		if u, err := url.QueryUnescape(sec); err == nil {
			sec = u
		}
		clientID, secret = id, sec
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		stsError(w, http.StatusBadRequest, "unsupported_grant_type", 70003, fmt.Sprintf("The app requested an unsupported grant type '%s'.", gt), "")
		return
	}
	if clientID == "" {
		stsError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.", "")
		return
	}
	scope := r.PostForm.Get("scope")
	if scope == "" {
		stsError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.", "")
		return
	}
	if !strings.HasSuffix(scope, "/.default") || strings.Contains(strings.TrimSpace(scope), " ") {
		stsError(w, http.StatusBadRequest, "invalid_scope", 1002012, fmt.Sprintf("The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", scope), "")
		return
	}
	switch {
	case clientID == SandboxDisabledClientID:
		stsError(w, http.StatusBadRequest, "unauthorized_client", 7000112, fmt.Sprintf("Application '%s'(%s) is disabled.", clientID, entraAppName), "")
		return
	case clientID != SandboxClientID && clientID != SandboxNoRedirectClientID || st.world.Revoked(clientID):
		stsError(w, http.StatusBadRequest, "unauthorized_client", 700016, fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, entraAppName+" tenant"), "")
		return
	}
	sess := &entraSession{clientID: clientID, aud: strings.TrimSuffix(scope, "/.default"), roles: SandboxDefaultRoles, secret: secret}
	switch assertion := r.PostForm.Get("client_assertion"); {
	case assertion != "":
		if !st.checkAssertion(w, r, assertion, clientID) {
			return
		}
		sess.scenario = "certificate"
	case secret == "":
		stsError(w, http.StatusUnauthorized, "invalid_client", 7000216, "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.", "")
		return
	default:
		sess.scenario = entraScenario(secret)
		if st.world.Revoked(secret) {
			sess.scenario = ""
		}
		switch sess.scenario {
		case "":
			stsError(w, http.StatusUnauthorized, "invalid_client", 7000215, fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", clientID), "")
			return
		case "expired":
			stsError(w, http.StatusUnauthorized, "invalid_client", 7000222, fmt.Sprintf("The provided client secret keys for app '%s' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.", clientID), "")
			return
		case "consent":
			stsError(w, http.StatusBadRequest, "invalid_grant", 65001, fmt.Sprintf("The user or administrator has not consented to use the application with ID '%s' named '%s'. Send an interactive authorization request for this user and resource.", clientID, entraAppName), "consent_required")
			return
		case "blocked":
			stsError(w, http.StatusBadRequest, "interaction_required", 53003, "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.", "message_only")
			return
		case "noroles":
			sess.roles = nil
		case "limited":
			sess.roles = []string{"User.Read.All"}
		case "wrongcloud":
			sess.aud = "https://graph.microsoft.us"
		}
	}
	sess.exp = time.Now().Add(time.Hour)
	tok := st.mint(sess, r)
	emulation.WriteJSON(w, http.StatusOK, fmt.Sprintf(`{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":%q}`, tok),
		"Cache-Control", "no-store, no-cache", "Pragma", "no-cache")
}

// entraScenario maps a client secret to its scenario key ("" when the
// secret is not one of the app's).
func entraScenario(secret string) string {
	for _, k := range []string{SandboxSecretOK, SandboxSecretExpiring, SandboxSecretExpired, SandboxSecretNoRoles, SandboxSecretLimited,
		SandboxSecretConsent, SandboxSecretBlocked, SandboxSecretWrongCloud, SandboxSecretUnlicensed, SandboxSecretAuditOff} {
		if strings.HasPrefix(secret, k) {
			return strings.TrimPrefix(k, "sandbox-entra-")
		}
	}
	return ""
}

// checkAssertion verifies a client assertion against the app's registered
// certificate, answering the STS error itself when it fails.
func (st *entraState) checkAssertion(w http.ResponseWriter, r *http.Request, assertion, clientID string) bool {
	if typ := r.PostForm.Get("client_assertion_type"); typ != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		stsError(w, http.StatusBadRequest, "invalid_request", 90014, "The required field 'client_assertion_type' is missing from the credential. Ensure that you have all the necessary parameters for the login request.", "")
		return false
	}
	key, der := st.cert.get()
	thumb := sha1.Sum(der)
	tok, err := josejwt.ParseSigned(assertion, []jose.SignatureAlgorithm{jose.RS256, jose.PS256, jose.ES256, jose.ES384, jose.EdDSA})
	var claims josejwt.Claims
	if err == nil {
		err = tok.Claims(&key.PublicKey, &claims)
	}
	if err != nil {
		used := "none"
		if tok != nil && len(tok.Headers) > 0 {
			if x5t, ok := tok.Headers[0].ExtraHeaders["x5t"].(string); ok {
				if b, err := base64.RawURLEncoding.DecodeString(x5t); err == nil {
					used = strings.ToUpper(hex.EncodeToString(b))
				}
			}
		}
		stsError(w, http.StatusUnauthorized, "invalid_client", 700027, fmt.Sprintf("Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '%s', Found key 'Start=01/01/2026 00:00:00, End=01/01/2036 00:00:00, Thumbprint=%s'. Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '%s'.]", used, strings.ToUpper(hex.EncodeToString(thumb[:])), clientID), "")
		return false
	}
	if claims.Issuer != clientID || claims.Subject != clientID {
		stsError(w, http.StatusUnauthorized, "invalid_client", 50048, "Subject mismatches Issuer claim in the client assertion.", "")
		return false
	}
	if err := claims.ValidateWithLeeway(josejwt.Expected{Time: time.Now()}, 5*time.Minute); err != nil {
		stsError(w, http.StatusUnauthorized, "invalid_client", 700024, fmt.Sprintf("Client assertion is not within its valid time range. Current time: %s.", time.Now().UTC().Format("2006-01-02T15:04:05.0000000Z")), "")
		return false
	}
	return true
}

// discovery is GET /{tenant}/v2.0/.well-known/openid-configuration.
func (st *entraState) discovery(w http.ResponseWriter, r *http.Request, tenant string) {
	if code, oauth, desc := tenantError(tenant); code != 0 {
		stsError(w, http.StatusBadRequest, oauth, code, desc, "")
		return
	}
	b, t := st.base(r), SandboxTenantID
	doc := map[string]any{
		"token_endpoint":                        b + "/" + t + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              b + "/" + t + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                b + "/" + t + "/v2.0",
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     "https://graph.microsoft.com/oidc/userinfo",
		"authorization_endpoint":                b + "/" + t + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         b + "/" + t + "/oauth2/v2.0/devicecode",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  b + "/" + t + "/oauth2/v2.0/logout",
		"claims_supported":                      []string{"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"},
		"kerberos_endpoint":                     b + "/" + t + "/kerberos",
		"tenant_region_scope":                   "EU",
		"cloud_instance_name":                   "microsoftonline.com",
		"cloud_graph_host_name":                 "graph.windows.net",
		"msgraph_host":                          "graph.microsoft.com",
		"rbac_url":                              "https://pas.windows.net",
	}
	body, _ := json.Marshal(doc)
	emulation.WriteJSON(w, http.StatusOK, string(body))
}

// authorize is GET /{tenant}/oauth2/v2.0/authorize: the sign-in page when
// the client and redirect URI are registered, else the error page Entra
// shows instead of redirecting (AADSTS50011 and friends).
func (st *entraState) authorize(w http.ResponseWriter, r *http.Request, tenant string) {
	page := func(status int, code int, msg string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body><div id="error">`+
			`<h1>Sign in</h1><p>Sorry, but we're having trouble signing you in.</p><p>AADSTS%d: %s</p>`+
			`<p>Request Id: %s<br>Correlation Id: %s<br>Timestamp: %s</p></div></body></html>`,
			code, html.EscapeString(msg), newGUID(), newGUID(), time.Now().UTC().Format(time.RFC3339))
	}
	if code, _, desc := tenantError(tenant); code != 0 {
		page(http.StatusBadRequest, code, desc)
		return
	}
	q := r.URL.Query()
	clientID, redirect := q.Get("client_id"), q.Get("redirect_uri")
	var registered []string
	switch clientID {
	case SandboxClientID:
		registered = SandboxRedirectURIs
	case SandboxNoRedirectClientID:
	case SandboxDisabledClientID:
		page(http.StatusBadRequest, 7000112, fmt.Sprintf("Application '%s'(%s) is disabled.", clientID, entraAppName))
		return
	default:
		page(http.StatusBadRequest, 700016, fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, entraAppName+" tenant"))
		return
	}
	switch {
	case len(registered) == 0:
		page(http.StatusBadRequest, 500113, "No reply address is registered for the application.")
	case redirect == "":
		page(http.StatusBadRequest, 900971, "No reply address provided.")
	case !slices.Contains(registered, redirect):
		page(http.StatusBadRequest, 50011, fmt.Sprintf("The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application '%s'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.", redirect, clientID))
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body><form method="post"><input type="email" name="loginfmt" placeholder="Email, phone, or Skype"></form></body></html>`)
	}
}
