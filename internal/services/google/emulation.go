package google

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// The Google emulation, below /google: the OAuth token endpoint (/google/token),
// the Admin SDK Directory API (/google/admin/directory/v1/users), the Reports
// API (/google/admin/reports/v1/activity/…, emulation_reports.go) and the
// service-account certificate service (/google/robot/v1/metadata/x509/{email}).
// Point the key file's token_uri (or google_workspace.token_url) at
// VendorURL("google")+"/token", google_workspace.base_url at
// VendorURL("google"), and client_x509_cert_url at
// VendorURL("google")+"/robot/v1/metadata/x509/"+client_email. Bodies follow
// Google's "JWT error codes" table and Admin SDK errors pasted in public
// issues.
//
// The scenario is the local part of the key's client_email (the part before
// "@"), so directory-sync@… is healthy and no-delegation@… fails delegation:
//
//	healthy              token; users.list answers one user; the key never expires
//	no-delegation        401 unauthorized_client "Client is unauthorized to retrieve access
//	                     tokens using this method, or client not authorized for any of the
//	                     scopes requested." (delegation authorised by e-mail, not client ID)
//	delegation-missing   401 unauthorized_client "Unauthorized client or scope in request."
//	scope-not-delegated  400 access_denied "Requested client not authorized."
//	key-deleted          400 invalid_grant "Invalid JWT Signature."; the key id is not
//	                     among the certificates (so does a key revoked through Revoke,
//	                     by private_key_id or client_email)
//	key-expired          400 invalid_grant "Invalid JWT Signature."; the certificate
//	                     ended two days ago
//	key-expiring         token; the certificate ends in ten days
//	clock-skew           400 invalid_grant "Invalid JWT: Token must be a short-lived token …"
//	unknown-user         400 invalid_grant "Invalid email or User ID"
//	sa-deleted           400 invalid_grant "Invalid grant: account not found"
//	sa-disabled          400 disabled_client "The OAuth client was disabled."
//	admin-policy         400 admin_policy_enforced
//	not-admin            token; users.list 403 "Not Authorized to access this resource/api",
//	                     activities.list 401 "Access denied. You are not authorized to read
//	                     activity records." (so do tokens issued without a sub)
//	insufficient-scope   token; users.list 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT
//	domain-not-found     token; users.list 400 "Domain not found."
//	api-disabled         token; users.list 403 SERVICE_DISABLED (Admin SDK API off)
//	rate-limited         token; users.list 429 RESOURCE_EXHAUSTED
//
// Any other local part is healthy. Assertions are checked as Google does
// (RS256, kid, iss, aud = this endpoint, iat/exp within an hour of the
// sandbox's clock, a scope) except their signature: the sandbox does not
// know the test's public key. For the same reason the certificates it
// serves carry a throwaway key; only their key ids and validity matter.

// googleState is what one sandbox remembers of the Google flows: each
// sandbox registers the routes once, with its own state.
type googleState struct {
	world  emulation.World
	mu     sync.Mutex
	tokens map[string]googleGrant      // access token → grant
	kids   map[string]map[string]bool  // client_email → key ids seen in assertions
	certs  map[string]*googleCertEntry // client_email + "/" + kid → certificate
}

type googleGrant struct {
	scenario, subject string
	scopes            []string
}

type googleCertEntry struct{ pem string }

// routes registers the Google emulation below prefix ("/google").
func routes(world emulation.World, mux *http.ServeMux, prefix string) {
	st := &googleState{world: world, tokens: map[string]googleGrant{}, kids: map[string]map[string]bool{}, certs: map[string]*googleCertEntry{}}
	mux.HandleFunc("POST "+prefix+"/token", st.token)
	mux.HandleFunc("GET "+prefix+"/admin/directory/v1/users", st.users)
	mux.HandleFunc("GET "+prefix+"/admin/reports/v1/activity/users/{user}/applications/{app}", st.activities)
	mux.HandleFunc("GET "+prefix+"/robot/v1/metadata/x509/{email}", st.certificates)
}

const googleJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// googleClaims are the assertion's claims.
type googleClaims struct {
	josejwt.Claims
	Scope string `json:"scope"`
}

func googleScenario(email string) string {
	local, _, _ := strings.Cut(email, "@")
	return local
}

func (st *googleState) token(w http.ResponseWriter, r *http.Request) {
	oauthErr := func(status int, code, desc string) {
		emulation.WriteJSON(w, status, fmt.Sprintf("{\n  \"error\": %q,\n  \"error_description\": %q\n}", code, desc))
	}
	if err := r.ParseForm(); err != nil || r.PostFormValue("grant_type") != googleJWTBearer {
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+r.PostFormValue("grant_type"))
		return
	}
	tok, err := josejwt.ParseSigned(r.PostFormValue("assertion"), []jose.SignatureAlgorithm{jose.RS256})
	var c googleClaims
	if err == nil {
		err = tok.UnsafeClaimsWithoutVerification(&c)
	}
	if err != nil || len(tok.Headers) == 0 || c.Issuer == "" {
		oauthErr(http.StatusBadRequest, "invalid_grant", "Invalid JWT Signature.")
		return
	}
	kid := tok.Headers[0].KeyID
	now := time.Now()
	switch {
	case !c.Audience.Contains("http://" + r.Host + r.URL.Path):
		oauthErr(http.StatusBadRequest, "invalid_grant", "Invalid JWT: Failed audience check.")
		return
	case c.IssuedAt == nil || c.Expiry == nil || c.Expiry.Time().Sub(c.IssuedAt.Time()) > 65*time.Minute ||
		c.IssuedAt.Time().After(now.Add(5*time.Minute)) || c.Expiry.Time().Before(now):
		oauthErr(http.StatusBadRequest, "invalid_grant", googleClockSkew)
		return
	}
	st.mu.Lock()
	if st.kids[c.Issuer] == nil {
		st.kids[c.Issuer] = map[string]bool{}
	}
	st.kids[c.Issuer][kid] = true
	st.mu.Unlock()

	scenario := googleScenario(c.Issuer)
	if st.world.Revoked(kid) || st.world.Revoked(c.Issuer) {
		scenario = "key-deleted"
	}
	switch scenario {
	case "no-delegation":
		oauthErr(http.StatusUnauthorized, "unauthorized_client", "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.")
		return
	case "delegation-missing":
		oauthErr(http.StatusUnauthorized, "unauthorized_client", "Unauthorized client or scope in request.")
		return
	case "scope-not-delegated":
		oauthErr(http.StatusBadRequest, "access_denied", "Requested client not authorized.")
		return
	case "key-deleted", "key-expired":
		oauthErr(http.StatusBadRequest, "invalid_grant", "Invalid JWT Signature.")
		return
	case "clock-skew":
		oauthErr(http.StatusBadRequest, "invalid_grant", googleClockSkew)
		return
	case "unknown-user":
		oauthErr(http.StatusBadRequest, "invalid_grant", "Invalid email or User ID")
		return
	case "sa-deleted":
		oauthErr(http.StatusBadRequest, "invalid_grant", "Invalid grant: account not found")
		return
	case "sa-disabled":
		oauthErr(http.StatusBadRequest, "disabled_client", "The OAuth client was disabled.")
		return
	case "admin-policy":
		oauthErr(http.StatusBadRequest, "admin_policy_enforced", "Access to the requested scopes is restricted by the Workspace administrator's policy.")
		return
	}
	scopes := strings.Fields(c.Scope)
	if len(scopes) == 0 {
		oauthErr(http.StatusBadRequest, "invalid_scope", "Invalid OAuth scope or ID token audience provided.")
		return
	}
	for _, sc := range scopes {
		if !strings.HasPrefix(sc, "https://www.googleapis.com/auth/") && !strings.HasPrefix(sc, "https://mail.google.com/") {
			oauthErr(http.StatusBadRequest, "invalid_scope", "Invalid OAuth scope or ID token audience provided.")
			return
		}
	}
	access := "ya29.sbx." + scenario + "." + emulation.RandomID(20)
	st.mu.Lock()
	st.tokens[access] = googleGrant{scenario: scenario, subject: c.Subject, scopes: scopes}
	st.mu.Unlock()
	emulation.WriteJSON(w, http.StatusOK, fmt.Sprintf(`{"access_token":%q,"expires_in":3599,"token_type":"Bearer"}`, access))
}

const googleClockSkew = "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."

// writeAPIError writes Google's API error shape.
func writeAPIError(w http.ResponseWriter, code int, message, reason, status string, details ...string) {
	b := fmt.Sprintf("{\n  \"error\": {\n    \"code\": %d,\n    \"message\": %q,\n    \"errors\": [\n      {\n        \"message\": %q,\n        \"domain\": \"global\",\n        \"reason\": %q\n      }\n    ]", code, message, message, reason)
	if status != "" {
		b += fmt.Sprintf(",\n    \"status\": %q", status)
	}
	if len(details) > 0 {
		b += ",\n    \"details\": [" + strings.Join(details, ",") + "]"
	}
	emulation.WriteJSON(w, code, b+"\n  }\n}\n", "Vary", "Origin, X-Origin, Referer")
}

func (st *googleState) users(w http.ResponseWriter, r *http.Request) {
	st.mu.Lock()
	g, ok := st.tokens[emulation.Bearer(r)]
	st.mu.Unlock()
	if !ok || st.world.Revoked(emulation.Bearer(r)) {
		writeAPIError(w, http.StatusUnauthorized, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
			"authError", "UNAUTHENTICATED")
		return
	}
	directory := false
	for _, sc := range g.scopes {
		directory = directory || strings.HasPrefix(sc, "https://www.googleapis.com/auth/admin.directory.user")
	}
	const project = "123456789012"
	switch {
	case r.URL.Query().Get("customer") == "" && r.URL.Query().Get("domain") == "":
		writeAPIError(w, http.StatusBadRequest, "Bad Request", "badRequest", "")
	case g.scenario == "insufficient-scope" || !directory:
		writeAPIError(w, http.StatusForbidden, "Request had insufficient authentication scopes.", "insufficientPermissions", "PERMISSION_DENIED",
			`{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT","domain":"googleapis.com","metadata":{"service":"admin.googleapis.com","method":"ccc.hosted.frontend.directory.v1.DirectoryUsers.List"}}`)
	case g.scenario == "not-admin" || g.subject == "":
		writeAPIError(w, http.StatusForbidden, "Not Authorized to access this resource/api", "forbidden", "PERMISSION_DENIED")
	case g.scenario == "domain-not-found":
		writeAPIError(w, http.StatusBadRequest, "Domain not found.", "badRequest", "")
	case g.scenario == "api-disabled":
		msg := "Admin SDK API has not been used in project " + project + " before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/admin.googleapis.com/overview?project=" + project + " then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry."
		writeAPIError(w, http.StatusForbidden, msg, "accessNotConfigured", "PERMISSION_DENIED",
			`{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVICE_DISABLED","domain":"googleapis.com","metadata":{"service":"admin.googleapis.com","consumer":"projects/`+project+`"}}`)
	case g.scenario == "rate-limited":
		writeAPIError(w, http.StatusTooManyRequests, "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'admin.googleapis.com' for consumer 'project_number:"+project+"'.",
			"rateLimitExceeded", "RESOURCE_EXHAUSTED")
	default:
		user := map[string]any{"kind": "admin#directory#user", "id": "103456789012345678901", "primaryEmail": "first.user@example.com",
			"isAdmin": false, "suspended": false, "customerId": "C03az79cb"}
		b, _ := json.Marshal(map[string]any{"kind": "admin#directory#users", "etag": `"sbx-etag"`, "users": []any{user}, "nextPageToken": "sbx-next"})
		emulation.WriteJSON(w, http.StatusOK, string(b))
	}
}

// certificates serves the public certificates of a service account's keys,
// keyed by key id: the ones the sandbox saw in assertions, except deleted
// and revoked keys. NotAfter is 31 Dec 9999 for keys without an expiry, as
// Google writes it.
func (st *googleState) certificates(w http.ResponseWriter, r *http.Request) {
	email, err := url.PathUnescape(r.PathValue("email"))
	if err != nil {
		email = r.PathValue("email")
	}
	scenario := googleScenario(email)
	st.mu.Lock()
	defer st.mu.Unlock()
	out := map[string]string{}
	for kid := range st.kids[email] {
		if scenario == "key-deleted" || st.world.Revoked(kid) || st.world.Revoked(email) {
			continue
		}
		id := email + "/" + kid
		e, ok := st.certs[id]
		if !ok {
			notAfter := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
			switch scenario {
			case "key-expired":
				notAfter = time.Now().Add(-48 * time.Hour).Truncate(time.Second)
			case "key-expiring":
				notAfter = time.Now().Add(10 * 24 * time.Hour).Truncate(time.Second)
			}
			p, err := googleCertificate(email, notAfter)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			e = &googleCertEntry{pem: p}
			st.certs[id] = e
		}
		out[kid] = e.pem
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	emulation.WriteJSON(w, http.StatusOK, string(b), "Cache-Control", "public, max-age=3600")
}

// googleCertificate makes a self-signed certificate for email, valid until notAfter.
func googleCertificate(email string, notAfter time.Time) (string, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: email},
		NotBefore: time.Now().Add(-24 * time.Hour), NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), nil
}
