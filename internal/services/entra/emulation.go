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
//	GET  /_sandbox/certificate.pem                              not Microsoft's: the private key of the certificate
//	                                                            registered on SandboxClientID (SandboxCertificatePEM)
//	POST /{tenant}/oauth2/v2.0/token                            client credentials (client_secret or client_assertion)
//	GET  /{tenant}/v2.0/.well-known/openid-configuration        tenant discovery
//	GET  /{tenant}/oauth2/v2.0/authorize                        sign-in page, or an AADSTS error page
//	GET  /v1.0/organization, /v1.0/users, /v1.0/groups          Graph, checked against the token's roles
//	GET  /v1.0/applications?$filter=appId eq '…'                the app registration (passwordCredentials,
//	GET  /v1.0/applications(appId='…')                          keyCredentials, web/spa/publicClient redirect URIs)
//	GET  /v1.0/applications, /v1.0/servicePrincipals[(appId='…')]  the tenant's apps, paged (emulation_list.go)
//	GET  /api/v1.0/{tenant}/activity/feed/subscriptions/list    Management Activity API
//	GET  /v1.0/users/{upn}[/mailboxSettings|/mailFolders/inbox] a user and its Exchange Online mailbox
//	                                                            (emulation_mailbox.go: one user per mailbox scenario)
//
// Scenario keys. The request's tenant, client_id and client secret pick the
// answer; a client secret matches a key when it starts with it, so tests may
// append anything ("sandbox-entra-expired-1").
//
//	key                                   presented as      answer
//	SandboxTenantID, SandboxTenantDomain  tenant            the sandbox tenant
//	any other GUID or domain name         tenant            400 invalid_tenant AADSTS90002 (token, discovery, authorize)
//	anything else                         tenant            400 invalid_request AADSTS900023
//	SandboxClientID                       client_id         the sandbox app (redirect URIs SandboxRedirectURIs)
//	SandboxNoRedirectClientID             client_id         the same app without any redirect URI (AADSTS500113)
//	SandboxDisabledClientID               client_id         400 unauthorized_client AADSTS7000112 (app disabled)
//	any other client id                   client_id         400 unauthorized_client AADSTS700016
//	(none)                                credential        401 invalid_client AADSTS7000216
//	"sandbox-entra-ok"                    client_secret     token with roles SandboxDefaultRoles
//	"sandbox-entra-expiring"              client_secret     token; the secret's endDateTime is 10 days away
//	"sandbox-entra-expired"               client_secret     401 invalid_client AADSTS7000222
//	"sandbox-entra-noroles"               client_secret     token without a roles claim (no admin consent); Graph 403
//	"sandbox-entra-limited"               client_secret     token with roles [User.Read.All] only; Graph 403
//	                                                        Authorization_RequestDenied, Management API 401 AF10001
//	"sandbox-entra-consent"               client_secret     400 invalid_grant AADSTS65001 (suberror consent_required)
//	"sandbox-entra-blocked"               client_secret     400 interaction_required AADSTS53003 (Conditional Access)
//	"sandbox-entra-wrongcloud"            client_secret     token for https://graph.microsoft.us; Graph 401
//	                                                        InvalidAuthenticationToken (invalid audience)
//	"sandbox-entra-unlicensed"            client_secret     token; Management API 400 AF20012 (no licence)
//	"sandbox-entra-auditoff"              client_secret     token; Management API 400 AF20023 (audit log off)
//	SandboxSecretID                       client_secret     401 AADSTS7000215 (the Secret ID, not the Value)
//	any other secret                      client_secret     401 invalid_client AADSTS7000215
//	SandboxCertificatePEM's key           client_assertion  token with roles SandboxDefaultRoles
//	any other key                         client_assertion  401 invalid_client AADSTS700027
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
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

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
