package entra

// Microsoft Entra ID, Microsoft Graph and the Office 365 Management Activity
// API, under /entra. Point a connector's authority_url, graph_url and
// management_url at VendorURL("entra"); every answer copies the shape
// Microsoft sends (error, error_description with CRLF-separated Trace ID /
// Correlation ID / Timestamp, error_codes, timestamp, trace_id,
// correlation_id, error_uri; Graph's {"error":{"code","message","innerError"}};
// the Management API's {"error":{"code","message"}}).
//
// Routes (below /entra):
//
//	POST /{tenant}/oauth2/v2.0/token                            client credentials (client_secret or client_assertion)
//	GET  /{tenant}/v2.0/.well-known/openid-configuration        tenant discovery
//	GET  /{tenant}/oauth2/v2.0/authorize                        sign-in page, or an AADSTS error page
//	GET  /v1.0/organization, /v1.0/users, /v1.0/groups          Graph, checked against the token's roles
//	GET  /v1.0/applications?$filter=appId eq '…'                the app registration (passwordCredentials,
//	GET  /v1.0/applications(appId='…')                          keyCredentials, web/spa/publicClient redirect URIs)
//	GET  /api/v1.0/{tenant}/activity/feed/subscriptions/list    Management Activity API
//	GET  /v1.0/users/{upn}[/mailboxSettings|/mailFolders/inbox] a user and its Exchange Online mailbox
//	                                                            (entra_mailbox.go: one user per mailbox scenario)
//
// Scenario keys. The request's tenant, client_id and client secret pick the
// answer; a client secret matches a key when it starts with it, so tests may
// append anything ("sandbox-entra-expired-1").
//
//	key                               presented as      answer
//	SandboxTenantID, SandboxTenantDomain  tenant            the sandbox tenant
//	any other GUID or domain name     tenant            400 invalid_tenant AADSTS90002 (token, discovery, authorize)
//	anything else                     tenant            400 invalid_request AADSTS900023
//	SandboxClientID                     client_id         the sandbox app (redirect URIs SandboxRedirectURIs)
//	SandboxNoRedirectClientID           client_id         the same app without any redirect URI (AADSTS500113)
//	SandboxDisabledClientID             client_id         400 unauthorized_client AADSTS7000112 (app disabled)
//	any other client id               client_id         400 unauthorized_client AADSTS700016
//	(none)                            credential        401 invalid_client AADSTS7000216
//	"sandbox-entra-ok"                client_secret     token with roles SandboxDefaultRoles
//	"sandbox-entra-expiring"          client_secret     token; the secret's endDateTime is 10 days away
//	"sandbox-entra-expired"           client_secret     401 invalid_client AADSTS7000222
//	"sandbox-entra-noroles"           client_secret     token without a roles claim (no admin consent); Graph 403
//	"sandbox-entra-limited"           client_secret     token with roles [User.Read.All] only; Graph 403
//	                                                    Authorization_RequestDenied, Management API 401 AF10001
//	"sandbox-entra-consent"           client_secret     400 invalid_grant AADSTS65001 (suberror consent_required)
//	"sandbox-entra-blocked"           client_secret     400 interaction_required AADSTS53003 (Conditional Access)
//	"sandbox-entra-wrongcloud"        client_secret     token for https://graph.microsoft.us; Graph 401
//	                                                    InvalidAuthenticationToken (invalid audience)
//	"sandbox-entra-unlicensed"        client_secret     token; Management API 400 AF20012 (no licence)
//	"sandbox-entra-auditoff"          client_secret     token; Management API 400 AF20023 (audit log off)
//	SandboxSecretID                     client_secret     401 AADSTS7000215 (the Secret ID, not the Value)
//	any other secret                  client_secret     401 invalid_client AADSTS7000215
//	SandboxCertificatePEM()'s key       client_assertion  token with roles SandboxDefaultRoles
//	any other key                     client_assertion  401 invalid_client AADSTS700027
//
// Drift: Revoke(secret) makes that secret answer AADSTS7000215 (deleted),
// Revoke(client id) makes the app answer AADSTS700016 (app deleted).
//
// Access tokens are JWTs with Graph's v1 claims (aud, iss, appid, tid, oid,
// roles, uti …) and a signature no one can verify; Graph and the Management
// API accept only tokens this sandbox issued, until they expire (1 hour).

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"html"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// Identifiers of the sandbox tenant and its app registrations.
const (
	SandboxTenantID           = "8f1c2e4a-5b6d-4e7f-9a0b-1c2d3e4f5a6b"
	SandboxTenantDomain       = "handshake-sandbox.onmicrosoft.com"
	SandboxClientID           = "0f3b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	SandboxNoRedirectClientID = "0f3b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4e"
	SandboxDisabledClientID   = "0f3b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4f"
	// SandboxSecretID is the Secret ID (passwordCredential keyId) of the
	// app's current client secret: presenting it as the secret is the
	// classic mistake.
	SandboxSecretID = "3f1c9a2e-7b4d-4c8e-9f0a-1b2c3d4e5f60"

	entraLegacySecretID = "9d2e4f6a-8b0c-4d1e-a2f3-b4c5d6e7f809"
	entraCertKeyID      = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d"
	entraAppObjectID    = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"
	entraSPObjectID     = "d2e3f4a5-b6c7-4d8e-9f0a-1b2c3d4e5f6a"
	entraAppName        = "handshake-sandbox"
)

// Client secrets, one per scenario (see the table above).
const (
	SandboxSecretOK         = "sandbox-entra-ok"
	SandboxSecretExpiring   = "sandbox-entra-expiring"
	SandboxSecretExpired    = "sandbox-entra-expired"
	SandboxSecretNoRoles    = "sandbox-entra-noroles"
	SandboxSecretLimited    = "sandbox-entra-limited"
	SandboxSecretConsent    = "sandbox-entra-consent"
	SandboxSecretBlocked    = "sandbox-entra-blocked"
	SandboxSecretWrongCloud = "sandbox-entra-wrongcloud"
	SandboxSecretUnlicensed = "sandbox-entra-unlicensed"
	SandboxSecretAuditOff   = "sandbox-entra-auditoff"
)

// SandboxDefaultRoles are the application permissions a healthy token carries.
var SandboxDefaultRoles = []string{"ActivityFeed.Read", "Application.Read.All", "GroupMember.Read.All", "MailboxSettings.Read", "Organization.Read.All", "User.Read.All"}

// SandboxRedirectURIs are the Web redirect URIs registered for SandboxClientID.
var SandboxRedirectURIs = []string{"https://governance.example.com/oauth/callback", "https://governance.example.com/signin-oidc"}

// certificate is the key pair of the certificate registered on
// SandboxClientID: generated by each emulation when first needed, so no key
// is checked in and no two sandboxes share one.
type certificate struct {
	once sync.Once
	key  *rsa.PrivateKey
	der  []byte
}

// get returns the key and the certificate's DER, generating them once.
func (c *certificate) get() (*rsa.PrivateKey, []byte) {
	c.once.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(20260101),
			Subject:      pkix.Name{CommonName: entraAppName},
			NotBefore:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			NotAfter:     time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC),
			KeyUsage:     x509.KeyUsageDigitalSignature,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			panic(err)
		}
		c.key, c.der = key, der
	})
	return c.key, c.der
}

// pem is the private key bundled with the certificate, as a connector's
// auth.private_key takes it.
func (c *certificate) pem() string {
	key, der := c.get()
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})) +
		string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// sandboxCertificatePath is where the emulation hands its certificate's
// private key to tests and demos (below its prefix); not a Microsoft route.
const sandboxCertificatePath = "_sandbox/certificate.pem"

// SandboxCertificatePEM fetches from a running Entra emulation (entraURL is
// the sandbox's VendorURL("entra")) the private key of the certificate
// registered on SandboxClientID, bundled with the certificate, as a
// connector's auth.private_key takes it.
func SandboxCertificatePEM(entraURL string) (string, error) {
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Get(strings.TrimRight(entraURL, "/") + "/" + sandboxCertificatePath)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("entra sandbox: GET %s answered %d", sandboxCertificatePath, resp.StatusCode)
	}
	return string(b), nil
}

// entraSession is what the sandbox remembers about an access token it issued.
type entraSession struct {
	scenario string // a secret key without the "sandbox-entra-" prefix, or "certificate"
	secret   string
	clientID string
	aud      string
	roles    []string
	exp      time.Time
}

// entraState is one emulation's state: what the sandbox issued, and the
// app's certificate.
type entraState struct {
	world  emulation.World
	prefix string
	cert   certificate

	mu       sync.Mutex
	sessions map[string]*entraSession // by the token's uti claim
}

// emulationRoutes is the entra_id emulation's emulation.Routes.
func emulationRoutes(world emulation.World, mux *http.ServeMux, prefix string) {
	st := &entraState{world: world, prefix: prefix, sessions: map[string]*entraSession{}}
	// One handler: the tenant is a path wildcard that would overlap Graph's
	// and the Management API's literal segments in ServeMux patterns.
	mux.HandleFunc(prefix+"/", st.serve)
}

func (st *entraState) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, st.prefix+"/"), "/")
	tail := func(from int) string { return strings.Join(parts[from:], "/") }
	switch {
	case strings.Join(parts, "/") == sandboxCertificatePath && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = io.WriteString(w, st.cert.pem())
	case parts[0] == "v1.0" && r.Method == http.MethodGet:
		st.graph(w, r, tail(1))
	case parts[0] == "api" && len(parts) >= 4 && parts[1] == "v1.0" && tail(3) == "activity/feed/subscriptions/list" && r.Method == http.MethodGet:
		st.subscriptions(w, r, parts[2])
	case len(parts) >= 2 && tail(1) == "oauth2/v2.0/token" && r.Method == http.MethodPost:
		st.token(w, r, parts[0])
	case len(parts) >= 2 && tail(1) == "v2.0/.well-known/openid-configuration" && r.Method == http.MethodGet:
		st.discovery(w, r, parts[0])
	case len(parts) >= 2 && tail(1) == "oauth2/v2.0/authorize" && r.Method == http.MethodGet:
		st.authorize(w, r, parts[0])
	default:
		http.NotFound(w, r)
	}
}

// base is the URL of the emulation as the client reached it.
func (st *entraState) base(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + st.prefix
}

var (
	entraGUIDRE   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	entraDomainRE = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)
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

// mint issues an access token shaped like Entra's v1 app-only tokens. Its
// signature is random bytes: clients must not (and cannot) verify it.
func (st *entraState) mint(sess *entraSession, r *http.Request) string {
	now := time.Now()
	uti := randomB64(16)
	claims := map[string]any{
		"aud": sess.aud, "iss": "https://sts.windows.net/" + SandboxTenantID + "/",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": sess.exp.Unix(),
		"aio": randomB64(40), "app_displayname": entraAppName, "appid": sess.clientID,
		"appidacr": "1", "idp": "https://sts.windows.net/" + SandboxTenantID + "/", "idtyp": "app",
		"oid": entraSPObjectID, "rh": "0.A" + randomB64(30) + ".", "sub": entraSPObjectID,
		"tenant_region_scope": "EU", "tid": SandboxTenantID, "uti": uti, "ver": "1.0",
		"wids": []string{"0997a1d0-0d1d-4acb-b408-d5ca73121e90"}, "xms_tcdt": 1700000000,
	}
	if sess.scenario == "certificate" {
		claims["appidacr"] = "2"
	}
	if len(sess.roles) > 0 {
		claims["roles"] = sess.roles
	}
	header := `{"typ":"JWT","nonce":"` + randomB64(32) + `","alg":"RS256","x5t":"sandbox-not-signed","kid":"sandbox-not-signed"}`
	payload, _ := json.Marshal(claims)
	st.mu.Lock()
	for k, v := range st.sessions {
		if now.After(v.exp) {
			delete(st.sessions, k)
		}
	}
	st.sessions[uti] = sess
	st.mu.Unlock()
	return base64.RawURLEncoding.EncodeToString([]byte(header)) + "." +
		base64.RawURLEncoding.EncodeToString(payload) + "." + randomB64(64)
}

// session returns what the sandbox issued the bearer token for, or an
// explanation of why the token is not acceptable.
func (st *entraState) session(r *http.Request) (*entraSession, string) {
	tok := emulation.Bearer(r)
	if tok == "" {
		return nil, "Access token is empty."
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, "IDX14100: JWT is not well formed, there are no dots (.)."
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct {
		UTI string `json:"uti"`
	}
	if err != nil || json.Unmarshal(payload, &claims) != nil {
		return nil, "Access token validation failure."
	}
	st.mu.Lock()
	sess := st.sessions[claims.UTI]
	st.mu.Unlock()
	switch {
	case sess == nil:
		return nil, "Access token validation failure."
	case time.Now().After(sess.exp):
		return nil, "Lifetime validation failed, the token is expired."
	case sess.aud != st.base(r) && !strings.HasPrefix(sess.aud, "http://127.0.0.1") && !strings.HasPrefix(sess.aud, "http://localhost"):
		return nil, "Access token validation failure. Invalid audience."
	}
	return sess, ""
}

// graphError writes Microsoft Graph's error shape.
func graphError(w http.ResponseWriter, status int, code, message string) {
	id := newGUID()
	body, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": message,
		"innerError": map[string]string{"date": time.Now().UTC().Format("2006-01-02T15:04:05"), "request-id": id, "client-request-id": id}}})
	emulation.WriteJSON(w, status, string(body), "request-id", id, "client-request-id", id)
}

func hasAnyRole(sess *entraSession, roles ...string) bool {
	for _, r := range roles {
		if slices.Contains(sess.roles, r) {
			return true
		}
	}
	return false
}

var entraAppFilterRE = regexp.MustCompile(`^appId eq '([^']*)'$`)

// graph serves GET /v1.0/<path>.
func (st *entraState) graph(w http.ResponseWriter, r *http.Request, path string) {
	sess, why := st.session(r)
	if sess == nil {
		graphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", why)
		return
	}
	denied := func() {
		graphError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
	}
	ctx := func(entity string) string { return "https://graph.microsoft.com/v1.0/$metadata#" + entity }
	appRead := []string{"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	switch {
	case path == "organization":
		if !hasAnyRole(sess, "Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All") {
			denied()
			return
		}
		body, _ := json.Marshal(map[string]any{"@odata.context": ctx("organization"), "value": []any{map[string]any{
			"id": SandboxTenantID, "displayName": "Handshake Sandbox", "tenantType": "AAD",
			"verifiedDomains": []any{map[string]any{"name": SandboxTenantDomain, "isDefault": true, "isInitial": true, "type": "Managed"}}}}})
		emulation.WriteJSON(w, http.StatusOK, string(body))
	case path == "users":
		if !hasAnyRole(sess, "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All") {
			denied()
			return
		}
		emulation.WriteJSON(w, http.StatusOK, `{"@odata.context":"`+ctx("users")+`","value":[{"id":"5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9","displayName":"Ada Admin","userPrincipalName":"ada@`+SandboxTenantDomain+`"}]}`)
	case path == "groups":
		if !hasAnyRole(sess, "Group.Read.All", "GroupMember.Read.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All") {
			denied()
			return
		}
		emulation.WriteJSON(w, http.StatusOK, `{"@odata.context":"`+ctx("groups")+`","value":[{"id":"7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d","displayName":"Governance"}]}`)
	case path == "applications":
		if !hasAnyRole(sess, appRead...) {
			denied()
			return
		}
		var apps []any
		m := entraAppFilterRE.FindStringSubmatch(r.URL.Query().Get("$filter"))
		if m == nil && r.URL.Query().Get("$filter") != "" {
			graphError(w, http.StatusBadRequest, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified for property 'appId' of resource 'Application'.")
			return
		}
		for _, id := range []string{SandboxClientID, SandboxNoRedirectClientID} {
			if m == nil || strings.EqualFold(m[1], id) {
				apps = append(apps, st.app(sess, id))
			}
		}
		if apps == nil {
			apps = []any{}
		}
		body, _ := json.Marshal(map[string]any{"@odata.context": ctx("applications"), "value": apps})
		emulation.WriteJSON(w, http.StatusOK, string(body))
	case strings.HasPrefix(path, "applications(appId="):
		if !hasAnyRole(sess, appRead...) {
			denied()
			return
		}
		id := strings.Trim(strings.TrimSuffix(strings.TrimPrefix(path, "applications(appId="), ")"), "'")
		if id != SandboxClientID && id != SandboxNoRedirectClientID {
			graphError(w, http.StatusNotFound, "Request_ResourceNotFound", fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", id))
			return
		}
		app := st.app(sess, id)
		app["@odata.context"] = ctx("applications/$entity")
		body, _ := json.Marshal(app)
		emulation.WriteJSON(w, http.StatusOK, string(body))
	case strings.HasPrefix(path, "users/"):
		st.user(w, r, sess, strings.TrimPrefix(path, "users/"))
	case path == "me":
		graphError(w, http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
	default:
		seg := path
		if i := strings.IndexAny(seg, "/("); i >= 0 {
			seg = seg[:i]
		}
		graphError(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", seg))
	}
}

// app is the application object Graph returns for an app registration, as
// seen by the session (the secret's expiry follows the session's scenario).
func (st *entraState) app(sess *entraSession, appID string) map[string]any {
	day := time.Now().UTC().Truncate(24 * time.Hour)
	end := day.AddDate(1, 0, 0)
	if sess.scenario == "expiring" {
		end = day.AddDate(0, 0, 10)
	}
	hint := "san"
	if len(sess.secret) >= 3 && sess.scenario != "certificate" {
		hint = sess.secret[:3]
	}
	_, der := st.cert.get()
	thumb := sha1.Sum(der)
	redirects := SandboxRedirectURIs
	if appID == SandboxNoRedirectClientID {
		redirects = []string{}
	}
	objectID := entraAppObjectID
	if appID != SandboxClientID {
		objectID = strings.Replace(objectID, "c1d2", "c1d3", 1)
	}
	ts := func(t time.Time) string { return t.Format("2006-01-02T15:04:05Z") }
	return map[string]any{
		"id": objectID, "appId": appID, "displayName": entraAppName, "signInAudience": "AzureADMyOrg",
		"passwordCredentials": []any{
			map[string]any{"customKeyIdentifier": nil, "displayName": "handshake", "endDateTime": ts(end), "hint": hint,
				"keyId": SandboxSecretID, "secretText": nil, "startDateTime": ts(end.AddDate(-2, 0, 0))},
			map[string]any{"customKeyIdentifier": nil, "displayName": "legacy-2024", "endDateTime": "2024-07-01T00:00:00Z", "hint": "Zq8",
				"keyId": entraLegacySecretID, "secretText": nil, "startDateTime": "2023-07-01T00:00:00Z"},
		},
		"keyCredentials": []any{map[string]any{"customKeyIdentifier": base64.StdEncoding.EncodeToString(thumb[:]),
			"displayName": "CN=" + entraAppName, "endDateTime": "2036-01-01T00:00:00Z", "key": nil, "keyId": entraCertKeyID,
			"startDateTime": "2026-01-01T00:00:00Z", "type": "AsymmetricX509Cert", "usage": "Verify"}},
		"publicClient": map[string]any{"redirectUris": []string{}},
		"spa":          map[string]any{"redirectUris": []string{}},
		"web": map[string]any{"homePageUrl": nil, "logoutUrl": nil, "redirectUris": redirects,
			"implicitGrantSettings": map[string]bool{"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false}},
	}
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

// afError writes the Management Activity API's error shape.
func afError(w http.ResponseWriter, status int, code, message string) {
	body, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": message}})
	emulation.WriteJSON(w, status, string(body))
}

// subscriptions is GET /api/v1.0/{tenant}/activity/feed/subscriptions/list.
func (st *entraState) subscriptions(w http.ResponseWriter, r *http.Request, tenant string) {
	sess, _ := st.session(r)
	switch {
	case sess == nil:
		afError(w, http.StatusUnauthorized, "AF10001", "The permission set () sent in the request did not include the expected permission ActivityFeed.Read.")
	case !entraGUIDRE.MatchString(tenant):
		afError(w, http.StatusBadRequest, "AF20013", fmt.Sprintf("The tenant ID passed in the URL (%s) is not a valid GUID.", tenant))
	case !strings.EqualFold(tenant, SandboxTenantID):
		afError(w, http.StatusForbidden, "AF20010", fmt.Sprintf("The tenant ID passed in the URL (%s) does not match the tenant ID passed in the access token (%s).", tenant, SandboxTenantID))
	case !hasAnyRole(sess, "ActivityFeed.Read", "ActivityFeed.ReadDlp"):
		afError(w, http.StatusUnauthorized, "AF10001", fmt.Sprintf("The permission set (%s) sent in the request did not include the expected permission ActivityFeed.Read.", strings.Join(sess.roles, " ")))
	case sess.scenario == "unlicensed":
		afError(w, http.StatusBadRequest, "AF20012", fmt.Sprintf("Specified tenant ID (%s) is incorrectly configured in the system.", tenant))
	case sess.scenario == "auditoff":
		afError(w, http.StatusBadRequest, "AF20023", "The subscription was disabled.")
	default:
		emulation.WriteJSON(w, http.StatusOK, `[{"contentType":"Audit.AzureActiveDirectory","status":"enabled","webhook":null},{"contentType":"Audit.General","status":"enabled","webhook":null}]`)
	}
}

func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func randomB64(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
