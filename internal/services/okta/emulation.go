package okta

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// The Okta emulation, below /okta: point okta.base_url at VendorURL("okta").
// Status codes, headers and bodies follow Okta's error-code reference and
// responses pasted in public issues; errorId is random per answer, as in
// Okta. (The wording of the "not granted" invalid_scope description is the
// sandbox's own; Okta's varies.)
//
// The scenario is the credential's text before its first "." (all of it
// when there is none), so the API token "rate-low.demo" plays rate-low.
//
// API tokens (Authorization: SSWS <token>) on /api/v1/*:
//
//	healthy            200; X-Rate-Limit-Remaining 599 of 600
//	invalid-token      401 E0000011 (so does any token not listed here, and a revoked one)
//	owner-deactivated  401 E0000011: the admin who created the token was deactivated;
//	                   Okta's answer is the same as for a bad token
//	forbidden          403 E0000006: the owner's admin role cannot read users
//	rate-limited       429 E0000047; X-Rate-Limit-Remaining 0
//	rate-low           200; X-Rate-Limit-Remaining 12 of 600
//	rate-exhausted     200; X-Rate-Limit-Remaining 0 of 600
//	server-error       500 E0000009
//	no-apps-admin      200 on users; 403 E0000006 on /api/v1/apps (an admin role that
//	                   cannot read apps, such as Help Desk Administrator)
//
// Service apps (client credentials with a private_key_jwt assertion, or a
// client secret on a custom server), by client_id, at /oauth2/v1/token
// (the org authorization server) and /oauth2/{server}/v1/token:
//
//	healthy            a token for the requested scopes if the app was granted them
//	                   (okta.{users,groups,apps,logs,orgs}.read, okta.users.manage,
//	                   okta.groups.manage, okta.users.read.self); API reads succeed
//	unknown-client     400 in Okta's mixed shape: {"errorCode":"invalid_client",
//	                   "errorSummary":"Invalid value for 'client_id' parameter.",…}
//	                   (so does any client id not listed here)
//	bad-signature      401 invalid_client "The client_assertion signature is invalid."
//	key-rotated        401 invalid_client "The client_assertion JWT kid is invalid."
//	                   (so does a revoked client id)
//	dpop-required      400 invalid_dpop_proof
//	no-admin-role      token issued; API reads answer 403 E0000006 (the app has no admin role)
//	scope-mismatch     token issued; API reads answer 403 E0000006 with an
//	                   insufficient_scope WWW-Authenticate challenge
//
// Access tokens carry the scopes they were issued with; /api/v1/apps
// (emulation_list.go, the seeded apps) needs okta.apps.read or
// okta.apps.manage and answers 403 with an insufficient_scope challenge
// otherwise.
//
// The org server refuses scopes outside those grants with invalid_scope, and
// custom (non okta.*) scopes with "Custom scopes are not allowed for this
// request."; custom servers refuse okta.* scopes. The custom server id
// "missing" does not exist (404 E0000007).
//
// Client assertions' signatures are not verified (the sandbox does not know
// the test's public key); their claims are: iss = sub = client_id, aud =
// this token endpoint, exp in the future.
var oktaGrantedScopes = map[string]bool{
	"okta.users.read": true, "okta.users.manage": true, "okta.groups.read": true, "okta.groups.manage": true,
	"okta.apps.read": true, "okta.logs.read": true, "okta.orgs.read": true, "okta.users.read.self": true,
}

// oktaScenario is the scenario a credential selects: its text before the first ".".
func oktaScenario(cred string) string {
	scenario, _, _ := strings.Cut(cred, ".")
	return scenario
}

// routes registers the Okta emulation below prefix ("/okta").
func routes(world emulation.World, mux *http.ServeMux, prefix string) {
	mux.HandleFunc("GET "+prefix+"/api/v1/", func(w http.ResponseWriter, r *http.Request) { oktaAPI(world, w, r) })
	mux.HandleFunc("GET "+prefix+"/api/v1/apps", func(w http.ResponseWriter, r *http.Request) { oktaApps(world, w, r) })
	mux.HandleFunc("POST "+prefix+"/oauth2/v1/token", func(w http.ResponseWriter, r *http.Request) { oktaToken(world, w, r, "") })
	mux.HandleFunc("POST "+prefix+"/oauth2/{server}/v1/token", func(w http.ResponseWriter, r *http.Request) {
		oktaToken(world, w, r, r.PathValue("server"))
	})
}

// writeOktaError writes Okta's error schema.
func writeOktaError(w http.ResponseWriter, status int, code, summary string, headers ...string) {
	body := fmt.Sprintf(`{"errorCode":%q,"errorSummary":%q,"errorLink":%q,"errorId":"oae%s","errorCauses":[]}`,
		code, summary, code, emulation.RandomID(11))
	emulation.WriteJSON(w, status, body, headers...)
}

// oktaRate returns Okta's rate-limit headers.
func oktaRate(remaining int) []string {
	return []string{"X-Rate-Limit-Limit", "600", "X-Rate-Limit-Remaining", strconv.Itoa(remaining),
		"X-Rate-Limit-Reset", strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10)}
}

const oktaAccessTokenPrefix = "sbx_okta_at."

// oktaCaller identifies the caller of /api/v1/*: the scenario its
// credential selects ("app-…" for access tokens) and, for access tokens,
// the scopes they were issued with. ok is false without an Authorization
// header.
func oktaCaller(world emulation.World, r *http.Request) (scenario string, scopes []string, ok bool) {
	auth := r.Header.Get("Authorization")
	switch {
	case len(auth) > 5 && strings.EqualFold(auth[:5], "SSWS "):
		tok := strings.TrimSpace(auth[5:])
		scenario = oktaScenario(tok)
		if world.Revoked(tok) {
			scenario = "invalid-token"
		}
	case strings.HasPrefix(emulation.Bearer(r), oktaAccessTokenPrefix):
		tok := emulation.Bearer(r)
		rest, granted, _ := strings.Cut(strings.TrimPrefix(tok, oktaAccessTokenPrefix), "~")
		scenario, scopes = "app-"+oktaScenario(rest), strings.Split(granted, "+")
		if world.Revoked(tok) {
			scenario = "invalid-token"
		}
	case auth == "":
		return "", nil, false
	default:
		scenario = "invalid-token"
	}
	return scenario, scopes, true
}

func oktaAPI(world emulation.World, w http.ResponseWriter, r *http.Request) {
	scenario, _, ok := oktaCaller(world, r)
	switch {
	case !ok:
		writeOktaError(w, http.StatusUnauthorized, "E0000005", "Invalid session", oktaRate(599)...)
	case scenario == "healthy", scenario == "app-healthy", scenario == "no-apps-admin":
		oktaUsers(w, r, 599)
	case scenario == "rate-low":
		oktaUsers(w, r, 12)
	case scenario == "rate-exhausted":
		oktaUsers(w, r, 0)
	default:
		oktaRefuse(w, r, scenario, "okta.users.read")
	}
}

// oktaRefuse answers a call the scenario refuses; scope is the scope an
// insufficient_scope challenge names.
func oktaRefuse(w http.ResponseWriter, r *http.Request, scenario, scope string) {
	switch scenario {
	case "forbidden", "app-no-admin-role", "no-apps-admin":
		writeOktaError(w, http.StatusForbidden, "E0000006", "You do not have permission to perform the requested action", oktaRate(598)...)
	case "app-scope-mismatch", "app-healthy":
		writeOktaError(w, http.StatusForbidden, "E0000006", "You do not have permission to perform the requested action",
			append(oktaRate(598), "WWW-Authenticate", fmt.Sprintf(
				`Bearer authorization_uri="http://%s/oauth2/v1/authorize", realm="http://%s", scope="%s", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="%s"`,
				r.Host, r.Host, scope, r.URL.Path))...)
	case "rate-limited":
		writeOktaError(w, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.", oktaRate(0)...)
	case "server-error":
		writeOktaError(w, http.StatusInternalServerError, "E0000009", "Internal Server Error", oktaRate(598)...)
	default: // invalid-token, owner-deactivated, anything unknown
		writeOktaError(w, http.StatusUnauthorized, "E0000011", "Invalid token provided", oktaRate(599)...)
	}
}

// oktaUsers answers a read with one user (the caller, for /users/me).
func oktaUsers(w http.ResponseWriter, r *http.Request, remaining int) {
	user := `{"id":"00u1a2b3c4d5e6f7g8h9","status":"ACTIVE","created":"2024-02-01T10:00:00.000Z",` +
		`"profile":{"login":"svc-handshake@example.com","email":"svc-handshake@example.com","firstName":"Handshake","lastName":"Service"},` +
		`"_links":{"self":{"href":"http://` + r.Host + `/api/v1/users/00u1a2b3c4d5e6f7g8h9"}}}`
	body := "[" + user + "]"
	if strings.HasSuffix(r.URL.Path, "/users/me") || strings.HasSuffix(r.URL.Path, "/org") {
		body = user
	}
	emulation.WriteJSON(w, http.StatusOK, body, oktaRate(remaining)...)
}

func oktaToken(world emulation.World, w http.ResponseWriter, r *http.Request, server string) {
	if server == "missing" {
		writeOktaError(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: missing (AuthorizationServer)")
		return
	}
	oauthErr := func(status int, code, desc string) {
		emulation.WriteJSON(w, status, fmt.Sprintf(`{"error":%q,"error_description":%q}`, code, desc))
	}
	if err := r.ParseForm(); err != nil {
		oauthErr(http.StatusBadRequest, "invalid_request", "The request body is malformed.")
		return
	}
	clientID := r.PostFormValue("client_id")
	if id, _, ok := r.BasicAuth(); ok {
		clientID = id
	}
	if assertion := r.PostFormValue("client_assertion"); assertion != "" {
		tok, err := josejwt.ParseSigned(assertion, []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512, jose.EdDSA})
		var c josejwt.Claims
		if err == nil {
			err = tok.UnsafeClaimsWithoutVerification(&c)
		}
		if err != nil {
			oauthErr(http.StatusUnauthorized, "invalid_client", "The client_assertion token is malformed.")
			return
		}
		if clientID == "" {
			clientID = c.Issuer
		}
		switch {
		case c.Issuer != clientID || c.Subject != clientID:
			oauthErr(http.StatusUnauthorized, "invalid_client", "The client_assertion token has an invalid issuer or subject.")
			return
		case !c.Audience.Contains("http://" + r.Host + r.URL.Path):
			oauthErr(http.StatusUnauthorized, "invalid_client", "The audience claim for client_assertion must be the endpoint invoking the client_assertion.")
			return
		case c.Expiry == nil || c.Expiry.Time().Before(time.Now()):
			oauthErr(http.StatusUnauthorized, "invalid_client", "The client_assertion token is expired.")
			return
		}
	}
	scenario := oktaScenario(clientID)
	if world.Revoked(clientID) {
		scenario = "key-rotated"
	}
	switch scenario {
	case "healthy", "no-admin-role", "scope-mismatch":
	case "bad-signature":
		oauthErr(http.StatusUnauthorized, "invalid_client", "The client_assertion signature is invalid.")
		return
	case "key-rotated":
		oauthErr(http.StatusUnauthorized, "invalid_client", "The client_assertion JWT kid is invalid.")
		return
	case "dpop-required":
		oauthErr(http.StatusBadRequest, "invalid_dpop_proof", "The DPoP proof JWT header is missing.")
		return
	default:
		emulation.WriteJSON(w, http.StatusBadRequest, fmt.Sprintf(
			`{"errorCode":"invalid_client","errorSummary":"Invalid value for 'client_id' parameter.","errorLink":"invalid_client","errorId":"oae%s","errorCauses":[]}`,
			emulation.RandomID(11)))
		return
	}
	if gt := r.PostFormValue("grant_type"); gt != "client_credentials" {
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials]. Requested: %q.", gt))
		return
	}
	scopes := strings.Fields(r.PostFormValue("scope"))
	if len(scopes) == 0 {
		oauthErr(http.StatusBadRequest, "invalid_scope", "The authorization server resource does not have any configured default scopes, 'scope' must be provided.")
		return
	}
	for _, sc := range scopes {
		okta := strings.HasPrefix(sc, "okta.")
		switch {
		case server == "" && !okta:
			oauthErr(http.StatusBadRequest, "invalid_scope", "Custom scopes are not allowed for this request.")
			return
		case server == "" && !oktaGrantedScopes[sc]:
			emulation.WriteJSON(w, http.StatusBadRequest, fmt.Sprintf(`{"error":"invalid_scope","error_description":"The following scopes were requested, but not granted: %s.","scope":%q}`, sc, sc))
			return
		case server != "" && okta:
			oauthErr(http.StatusBadRequest, "invalid_scope", "One or more scopes are not configured for the authorization server resource.")
			return
		}
	}
	emulation.WriteJSON(w, http.StatusOK, fmt.Sprintf(`{"token_type":"Bearer","expires_in":3600,"access_token":%q,"scope":%q}`,
		oktaAccessTokenPrefix+scenario+"."+emulation.RandomID(16)+"~"+strings.Join(scopes, "+"), strings.Join(scopes, " ")))
}
