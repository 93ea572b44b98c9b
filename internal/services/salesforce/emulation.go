package salesforce

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// The sandbox's Salesforce: the OAuth endpoints of a login host and the REST
// API of an instance, below /salesforce, answering with Salesforce's
// statuses and bodies (see the research notes cited in decode_test.go).
// Token responses name the emulation itself as instance_url, as a My Domain
// does.
//
// The app: a consumer key is known when it starts with 3MVG and one of its
// words is "sandbox" (3MVG9.sandbox.acc.A1b2C3); its secret is
// SandboxConsumerSecret. Words are the parts of the consumer key, the
// username and the refresh token between any non-alphanumeric characters; a
// scenario word among them picks the failure:
//
//	token endpoint
//	  (unknown key)   400 invalid_client_id "client identifier invalid"
//	  (wrong secret)  400 invalid_client "invalid client credentials"
//	  nogrant         400 unsupported_grant_type "grant type not supported"
//	  norunas         400 invalid_grant "no client credentials user enabled"
//	  shareddomain    400 invalid_grant "request not supported on this domain"
//	  notapproved     400 invalid_grant "user hasn't approved this consumer"
//	  notadmin        400 invalid_app_access "user is not admin approved to access this app"
//	  iprestricted    400 invalid_grant "ip restricted"
//	  inactive        400 inactive_user "user is inactive"
//	  orglocked       400 inactive_org "organization is locked, closed, or suspended"
//	  loginrate       400 rate_limit_exceeded "number of logins exceeded"
//	  testorg         a sandbox org: the JWT's aud must be https://test.salesforce.com,
//	                  else 400 invalid_grant "Audience validation failed"
//	  badcert         400 invalid_grant "invalid assertion" (the key is not the one
//	                  whose certificate is on the app)
//	JWT bearer: the assertion must be an RS256 JWT with iss the consumer key, a
//	sub, aud https://login.salesforce.com (or test, see testorg) and an exp in
//	the future and at most 3 minutes (and 30 s of clock skew) ahead, else
//	invalid assertion. The emulation cannot know the certificate on a real
//	app, so the signature is checked only to be well-formed (badcert plays
//	the mismatch).
//	Refresh tokens start with 5Aep and have the word "sandbox"; others, the
//	word "expired", and tokens revoked through the World get invalid_grant
//	"expired access/refresh token"; "rotate" answers with a new refresh token.
//	Introspection answers active true or false, with exp 5 days ahead for
//	"expiring" and the token's scopes.
//
//	REST API (/services/data/<version>/limits and /services/data/<version>/)
//	  iplock          401 INVALID_SESSION_ID "Session expired or invalid" (the
//	                  session is locked to another address)
//	  noapiscope      the token is granted "id web" only, and REST answers 401
//	                  INVALID_SESSION_ID "This session is not valid for use with the REST API"
//	  apidisabled     403 API_DISABLED_FOR_ORG
//	  limitexceeded   403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded."
//	  lowbudget       200, with 900 of 15000 daily requests left
//	  nosetup         /limits answers 403 INSUFFICIENT_ACCESS; the directory works
//	  (revoked tokens) 401 INVALID_SESSION_ID
//	Other versions than v31.0 to v63.0 answer 404 NOT_FOUND.

// SandboxConsumerSecret is the secret of every sandbox app (not a secret: it
// only opens the sandbox).
const SandboxConsumerSecret = "SANDBOX0SALESFORCE0CONSUMER0SECRET0123456789ABCDEF"

// Salesforce's ids of the sandbox org and its integration user.
const (
	sandboxOrgID  = "00D5g000004SbxAEAS"
	sandboxUserID = "0055g00000SbxIntAAB"
)

var salesforceScenarios = []string{"nogrant", "norunas", "shareddomain", "notapproved", "notadmin", "iprestricted",
	"inactive", "orglocked", "loginrate", "testorg", "badcert", "expired", "rotate", "expiring",
	"iplock", "noapiscope", "apidisabled", "limitexceeded", "lowbudget", "nosetup"}

// Emulation is the sandbox's Salesforce.
func Emulation() emulation.Vendor {
	return emulation.Vendor{Path: "salesforce", Routes: routes}
}

type emu struct {
	w   emulation.World
	seq atomic.Int64
}

// accessPrefix starts every access token the emulation issues; the token
// carries its scenario words after it, so the REST API needs no state.
const accessPrefix = sandboxOrgID + "!AQ4AQsandbox"

func routes(w emulation.World, mux *http.ServeMux, prefix string) {
	e := &emu{w: w}
	mux.HandleFunc("POST "+prefix+"/services/oauth2/token", e.token)
	mux.HandleFunc("POST "+prefix+"/services/oauth2/introspect", e.introspect)
	mux.HandleFunc("GET "+prefix+"/services/data/{version}/{rest...}", e.rest)
}

// words splits values into their alphanumeric words, lower case.
func words(values ...string) map[string]bool {
	out := map[string]bool{}
	for _, v := range values {
		for _, w := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
		}) {
			out[w] = true
		}
	}
	return out
}

func oauthFail(w http.ResponseWriter, code, desc string) {
	emulation.WriteJSON(w, http.StatusBadRequest, fmt.Sprintf(`{"error":%q,"error_description":%q}`, code, desc), "Cache-Control", "no-store")
}

func restFail(w http.ResponseWriter, status int, code, msg string) {
	emulation.WriteJSON(w, status, fmt.Sprintf(`[{"message":%q,"errorCode":%q}]`, msg, code))
}

func knownKey(key string) bool { return strings.HasPrefix(key, "3MVG") && words(key)["sandbox"] }

func (e *emu) token(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		oauthFail(w, "unsupported_grant_type", "grant type not supported")
		return
	}
	grant := r.PostFormValue("grant_type")
	key, username, rt := r.PostFormValue("client_id"), "", r.PostFormValue("refresh_token")
	var claims josejwt.Claims
	if grant == jwtBearerGrant {
		c, ok := parseAssertion(r.PostFormValue("assertion"))
		if !ok {
			oauthFail(w, "invalid_grant", "invalid assertion")
			return
		}
		claims, key, username = c, c.Issuer, c.Subject
	}
	if !knownKey(key) {
		oauthFail(w, "invalid_client_id", "client identifier invalid")
		return
	}
	ws := words(key, username, rt)
	if grant != jwtBearerGrant && grant != "refresh_token" || grant == "refresh_token" && r.PostFormValue("client_secret") != "" {
		if r.PostFormValue("client_secret") != SandboxConsumerSecret {
			oauthFail(w, "invalid_client", "invalid client credentials")
			return
		}
	}
	switch {
	case ws["nogrant"]:
		oauthFail(w, "unsupported_grant_type", "grant type not supported")
		return
	case grant == "client_credentials" && ws["shareddomain"]:
		oauthFail(w, "invalid_grant", "request not supported on this domain")
		return
	case grant == "client_credentials" && ws["norunas"]:
		oauthFail(w, "invalid_grant", "no client credentials user enabled")
		return
	case grant == jwtBearerGrant && !e.validClaims(w, claims, ws):
		return
	case grant == "refresh_token" && (!strings.HasPrefix(rt, "5Aep") || !ws["sandbox"] || ws["expired"] || e.w.Revoked(rt)):
		oauthFail(w, "invalid_grant", "expired access/refresh token")
		return
	case grant != "client_credentials" && grant != jwtBearerGrant && grant != "refresh_token":
		oauthFail(w, "unsupported_grant_type", "grant type not supported")
		return
	case ws["notapproved"]:
		oauthFail(w, "invalid_grant", "user hasn't approved this consumer")
		return
	case ws["notadmin"]:
		oauthFail(w, "invalid_app_access", "user is not admin approved to access this app")
		return
	case ws["iprestricted"]:
		oauthFail(w, "invalid_grant", "ip restricted")
		return
	case ws["inactive"]:
		oauthFail(w, "inactive_user", "user is inactive")
		return
	case ws["orglocked"]:
		oauthFail(w, "inactive_org", "organization is locked, closed, or suspended")
		return
	case ws["loginrate"]:
		oauthFail(w, "rate_limit_exceeded", "number of logins exceeded")
		return
	}
	e.issue(w, grant, ws)
}

// validClaims checks a JWT bearer assertion's claims as Salesforce does.
func (e *emu) validClaims(w http.ResponseWriter, c josejwt.Claims, ws map[string]bool) bool {
	aud := "https://login.salesforce.com"
	if ws["testorg"] {
		aud = "https://test.salesforce.com"
	}
	now := time.Now()
	switch {
	case c.Subject == "" || c.Expiry == nil || ws["badcert"]:
		oauthFail(w, "invalid_grant", "invalid assertion")
	case len(c.Audience) != 1 || c.Audience[0] != aud:
		oauthFail(w, "invalid_grant", "Audience validation failed")
	case c.Expiry.Time().Before(now) || c.Expiry.Time().After(now.Add(3*time.Minute+30*time.Second)): // Salesforce's rule, not the client's constant
		oauthFail(w, "invalid_grant", "invalid assertion")
	default:
		return true
	}
	return false
}

// parseAssertion reads an RS256 JWT's claims; the signature is not checked
// against a certificate (the emulation has none), only parsed.
func parseAssertion(raw string) (josejwt.Claims, bool) {
	tok, err := josejwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil || len(tok.Headers) != 1 {
		return josejwt.Claims{}, false
	}
	var c josejwt.Claims
	if tok.UnsafeClaimsWithoutVerification(&c) != nil {
		return josejwt.Claims{}, false
	}
	return c, true
}

// issue answers a granted token request as Salesforce does: no expires_in,
// instance_url and the identity URL, issued_at in milliseconds.
func (e *emu) issue(w http.ResponseWriter, grant string, ws map[string]bool) {
	n := e.seq.Add(1)
	scenario := ""
	for _, s := range salesforceScenarios {
		if ws[s] {
			scenario += "." + s
		}
	}
	access := fmt.Sprintf("%s%s.%06d", accessPrefix, scenario, n)
	scope := "api"
	if grant == "refresh_token" {
		scope = "api refresh_token"
	}
	if ws["noapiscope"] {
		scope = "id web"
	}
	body := map[string]any{
		"access_token": access, "signature": "c2FuZGJveC1zaWduYXR1cmU=", "scope": scope,
		"instance_url": e.w.VendorURL("salesforce"), "id": "https://login.salesforce.com/id/" + sandboxOrgID + "/" + sandboxUserID,
		"token_type": "Bearer", "issued_at": fmt.Sprint(time.Now().UnixMilli()),
	}
	if grant == "refresh_token" && ws["rotate"] {
		body["refresh_token"] = fmt.Sprintf("5Aep861sandbox.rotate.%06d", n)
	}
	b, _ := json.Marshal(body)
	emulation.WriteJSON(w, http.StatusOK, string(b), "Cache-Control", "no-store")
}

func (e *emu) introspect(w http.ResponseWriter, r *http.Request) {
	key, rt := r.PostFormValue("client_id"), r.PostFormValue("token")
	switch {
	case !knownKey(key):
		oauthFail(w, "invalid_client_id", "client identifier invalid")
		return
	case r.PostFormValue("client_secret") != SandboxConsumerSecret:
		emulation.WriteJSON(w, http.StatusUnauthorized, `{"error":"invalid_client","error_description":"invalid client credentials"}`)
		return
	}
	ws := words(key, rt)
	if !strings.HasPrefix(rt, "5Aep") || !ws["sandbox"] || ws["expired"] || e.w.Revoked(rt) {
		emulation.WriteJSON(w, http.StatusOK, `{"active":false}`)
		return
	}
	now := time.Now()
	body := map[string]any{"active": true, "scope": "api refresh_token", "client_id": key, "username": "integration@sandbox.example.com",
		"sub": "https://login.salesforce.com/id/" + sandboxOrgID + "/" + sandboxUserID, "token_type": "refresh_token",
		"iat": now.Add(-24 * time.Hour).Unix(), "nbf": now.Add(-24 * time.Hour).Unix()}
	if ws["noapiscope"] {
		body["scope"] = "id web refresh_token"
	}
	if ws["expiring"] {
		body["exp"] = now.Add(5 * 24 * time.Hour).Unix()
	}
	b, _ := json.Marshal(body)
	emulation.WriteJSON(w, http.StatusOK, string(b))
}

func (e *emu) rest(w http.ResponseWriter, r *http.Request) {
	tok := emulation.Bearer(r)
	if !strings.HasPrefix(tok, accessPrefix) || e.w.Revoked(tok) {
		restFail(w, http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
		return
	}
	ws := words(strings.TrimPrefix(tok, accessPrefix))
	var major int
	if _, err := fmt.Sscanf(r.PathValue("version"), "v%d.0", &major); err != nil || major < 31 || major > 63 {
		emulation.WriteJSON(w, http.StatusNotFound, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
		return
	}
	used, max := 1482, 15000
	if ws["lowbudget"] {
		used = 14100
	}
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", used, max))
	switch {
	case ws["iplock"]:
		restFail(w, http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
	case ws["noapiscope"]:
		restFail(w, http.StatusUnauthorized, "INVALID_SESSION_ID", "This session is not valid for use with the REST API")
	case ws["apidisabled"]:
		restFail(w, http.StatusForbidden, "API_DISABLED_FOR_ORG", "The REST API is not enabled for this Organization.")
	case ws["limitexceeded"]:
		restFail(w, http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
	case r.PathValue("rest") == "limits" && ws["nosetup"]:
		restFail(w, http.StatusForbidden, "INSUFFICIENT_ACCESS", "insufficient access rights on cross-reference id")
	case r.PathValue("rest") == "limits":
		emulation.WriteJSON(w, http.StatusOK, fmt.Sprintf(`{"ConcurrentAsyncGetReportInstances":{"Max":200,"Remaining":200},"DailyApiRequests":{"Max":%d,"Remaining":%d},"DailyAsyncApexExecutions":{"Max":250000,"Remaining":250000},"DailyBulkApiBatches":{"Max":15000,"Remaining":15000}}`, max, max-used))
	case r.PathValue("rest") == "":
		v := r.PathValue("version")
		emulation.WriteJSON(w, http.StatusOK, fmt.Sprintf(`{"limits":"/services/data/%[1]s/limits","sobjects":"/services/data/%[1]s/sobjects","query":"/services/data/%[1]s/query","search":"/services/data/%[1]s/search"}`, v))
	default:
		emulation.WriteJSON(w, http.StatusNotFound, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
	}
}
