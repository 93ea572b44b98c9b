package box

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// The Box emulation, below /box: point box.base_url at VendorURL("box").
// Status codes, headers and bodies follow Box's documentation (the common
// errors guide, "JWT without SDKs") and answers pasted in public issues
// (box/box-java-sdk#132, box/box-python-sdk#587, box/boxcli#154): the token endpoint
// answers 400 with RFC 6749 bodies for everything, the API answers its own
// {"type":"error",…} schema, and 401/403 token and scope refusals come
// with an EMPTY body and the reason in WWW-Authenticate.
//
// The enterprise is EmulatedEnterprise; its users are EmulatedUser and the
// service account. The scenario is the client secret's text before its
// first "." (for a refresh grant, the refresh token's), so the client
// secret "not-admin.s3cr3t" plays not-admin. Token endpoint:
//
//	bad-client                 400 invalid_client (so does any word not listed here)
//	app-not-authorized         400 unauthorized_client "This app is not authorized by the enterprise admin."
//	subject-type-unauthorized  400 unauthorized_client "The \"box_subject_type\" value is unauthorized …"
//	user-tokens-disabled       400 invalid_request "Cannot obtain user token …" (user subjects only)
//	wrong-grant-type           400 invalid_request "The grant type is unauthorized for this client_id"
//	bad-signature              JWT: 400 invalid_grant "Signature verification error …"
//	clock-skew                 JWT: 400 invalid_grant "Please check the 'exp' claim."
//
// Real checks, whatever the scenario: a client-credentials subject that is
// not the enterprise or one of its users → "Grant credentials are invalid";
// a JWT whose kid is not EmulatedKeyID, whose iss is not the client id,
// whose aud is not https://api.box.com/oauth2/token, whose exp is missing,
// past or more than 60 s ahead, whose jti is shorter than 16 characters or
// seen before, or whose sub does not name the enterprise (box_sub_type
// enterprise) or a user → the matching "Please check the '…' claim." answer.
// (Signatures are not verified: the sandbox does not know the test's key.)
//
// Refresh tokens are single use: a redeemed one is revoked (rotation), and
// "refresh-expired.…" answers "Refresh token has expired"; any word but
// healthy and the API scenarios below answers "Invalid refresh token".
//
// API (/2.0/…), by the scenario the access token carries:
//
//	healthy           users/me 200 (enterprise EmulatedEnterprise), every read 200
//	no-enterprise     users/me without an enterprise; events 403 insufficient_scope (empty body)
//	wrong-enterprise  users/me in enterprise 7654321
//	inactive-user     users/me status "inactive"
//	scope-events      events 403 insufficient_scope (empty body)
//	not-admin         events 403 access_denied_insufficient_permissions
//	token-invalid     401 invalid_token (empty body); so does a revoked token
//	rate-limited      users/me 429 rate_limit_exceeded, retry-after: 3
//	outage            users/me 503 unavailable
//	garbage           users/me 200 with an HTML page
const (
	EmulatedEnterprise = "1234567"
	EmulatedUser       = "22334455"
	EmulatedKeyID      = "abcd1234"
	boxAccessPrefix    = "sbx_box_at."
	boxRefreshPrefix   = "sbx_box_rt."
	challengeInvalid   = `Bearer realm="Service", error="invalid_token", error_description="The access token provided is invalid."`
	challengeScope     = `Bearer realm="Service", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token."`
)

// apiScenarios are the scenarios the API plays (the token endpoint issues
// tokens for them as for healthy).
var apiScenarios = map[string]bool{
	"healthy": true, "no-enterprise": true, "wrong-enterprise": true, "inactive-user": true, "scope-events": true,
	"not-admin": true, "token-invalid": true, "rate-limited": true, "outage": true, "garbage": true,
}

var numericRE = regexp.MustCompile(`^[0-9]+$`)

func scenarioOf(cred string) string {
	s, _, _ := strings.Cut(cred, ".")
	return s
}

// routes registers the Box emulation below prefix ("/box").
func routes(world emulation.World, mux *http.ServeMux, prefix string) {
	mux.HandleFunc("POST "+prefix+"/oauth2/token", func(w http.ResponseWriter, r *http.Request) { boxToken(world, w, r) })
	mux.HandleFunc("GET "+prefix+"/2.0/", func(w http.ResponseWriter, r *http.Request) {
		boxAPI(world, w, r, strings.TrimPrefix(r.URL.Path, prefix))
	})
}

// oauthError writes the token endpoint's error answer (always 400).
func oauthError(w http.ResponseWriter, code, desc string) {
	emulation.WriteJSON(w, http.StatusBadRequest, fmt.Sprintf(`{"error":%q,"error_description":%q}`, code, desc),
		"Cache-Control", "no-store", "Box-Request-Id", emulation.RandomID(8))
}

func boxToken(world emulation.World, w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, "invalid_request", "Invalid grant_type parameter or parameter missing")
		return
	}
	secret := r.PostFormValue("client_secret")
	scenario := scenarioOf(secret)
	if r.PostFormValue("client_id") == "" || world.Revoked(secret) || !(apiScenarios[scenario] || clientScenarios[scenario]) {
		oauthError(w, "invalid_client", "The client credentials are invalid")
		return
	}
	switch scenario {
	case "app-not-authorized":
		oauthError(w, "unauthorized_client", "This app is not authorized by the enterprise admin.")
		return
	case "subject-type-unauthorized":
		oauthError(w, "unauthorized_client", `The "box_subject_type" value is unauthorized for this client_id`)
		return
	case "wrong-grant-type":
		oauthError(w, "invalid_request", "The grant type is unauthorized for this client_id")
		return
	}
	var apiScenario string
	switch r.PostFormValue("grant_type") {
	case "client_credentials":
		typ, id := r.PostFormValue("box_subject_type"), r.PostFormValue("box_subject_id")
		if scenario == "user-tokens-disabled" && typ == "user" {
			oauthError(w, "invalid_request", "Cannot obtain user token based on the enterprise configuration for your app")
			return
		}
		if !knownSubject(typ, id) {
			oauthError(w, "invalid_grant", "Grant credentials are invalid")
			return
		}
		apiScenario = scenario
	case jwtBearer:
		if desc := checkAssertion(world, r, scenario); desc != "" {
			oauthError(w, "invalid_grant", desc)
			return
		}
		apiScenario = scenario
	case "refresh_token":
		rt := r.PostFormValue("refresh_token")
		word := scenarioOf(strings.TrimPrefix(rt, boxRefreshPrefix))
		switch {
		case world.Revoked(rt) || !apiScenarios[word] && word != "refresh-expired":
			oauthError(w, "invalid_grant", "Invalid refresh token")
			return
		case word == "refresh-expired":
			oauthError(w, "invalid_grant", "Refresh token has expired")
			return
		}
		world.Revoke(rt) // single use
		emulation.WriteJSON(w, http.StatusOK, fmt.Sprintf(`{"access_token":%q,"expires_in":3762,"restricted_to":[],"refresh_token":%q,"token_type":"bearer"}`,
			boxAccessPrefix+word+"."+emulation.RandomID(12), boxRefreshPrefix+word+"."+emulation.RandomID(24)), "Cache-Control", "no-store")
		return
	default:
		oauthError(w, "invalid_request", "Invalid grant_type parameter or parameter missing")
		return
	}
	if !apiScenarios[apiScenario] {
		apiScenario = "healthy"
	}
	emulation.WriteJSON(w, http.StatusOK, fmt.Sprintf(`{"access_token":%q,"expires_in":4123,"restricted_to":[],"token_type":"bearer"}`,
		boxAccessPrefix+apiScenario+"."+emulation.RandomID(12)), "Cache-Control", "no-store")
}

// clientScenarios are the token-endpoint scenarios.
var clientScenarios = map[string]bool{
	"app-not-authorized": true, "subject-type-unauthorized": true, "user-tokens-disabled": true,
	"wrong-grant-type": true, "bad-signature": true, "clock-skew": true,
}

// knownSubject: the enterprise itself, or one of its users.
func knownSubject(typ, id string) bool {
	switch typ {
	case "enterprise":
		return id == EmulatedEnterprise
	case "user":
		return id == EmulatedUser
	}
	return false
}

// checkAssertion checks a JWT assertion's claims as Box does, returning
// Box's error_description ("" when it is accepted).
func checkAssertion(world emulation.World, r *http.Request, scenario string) string {
	tok, err := josejwt.ParseSigned(r.PostFormValue("assertion"), []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512})
	if err != nil || len(tok.Headers) == 0 {
		return "Invalid JWT assertion."
	}
	var c josejwt.Claims
	var extra struct {
		SubType string `json:"box_sub_type"`
	}
	if tok.UnsafeClaimsWithoutVerification(&c, &extra) != nil {
		return "Invalid JWT assertion."
	}
	now := time.Now()
	switch {
	case tok.Headers[0].KeyID != EmulatedKeyID:
		return "'kid' invalid, unable to lookup correct key"
	case scenario == "bad-signature":
		return `Signature verification error. The public key identified by "kid" must correspond to the private key used for signing.`
	case c.Issuer != r.PostFormValue("client_id"):
		return "Please check the 'iss' claim."
	case !c.Audience.Contains(jwtAudience):
		return "Please check the 'aud' claim."
	case scenario == "clock-skew" || c.Expiry == nil || c.Expiry.Time().Before(now) || c.Expiry.Time().After(now.Add(60*time.Second)):
		return "Please check the 'exp' claim."
	case len(c.ID) < 16 || len(c.ID) > 128 || world.Revoked("jti:"+c.ID):
		return "Please check the 'jti' claim."
	case !numericRE.MatchString(c.Subject) || !knownSubject(extra.SubType, c.Subject):
		return "Please check the 'sub' claim. The 'sub' specified is invalid."
	}
	world.Revoke("jti:" + c.ID) // a jti is accepted once
	return ""
}

// apiError writes Box's API error schema.
func apiError(w http.ResponseWriter, status int, code, msg string, headers ...string) {
	id := emulation.RandomID(8)
	emulation.WriteJSON(w, status, fmt.Sprintf(`{"type":"error","status":%d,"code":%q,"help_url":"http://developers.box.com/docs/#errors","message":%q,"request_id":%q}`,
		status, code, msg, id), append(headers, "Box-Request-Id", id)...)
}

// emptyChallenge writes an empty 401/403 with the reason in WWW-Authenticate.
func emptyChallenge(w http.ResponseWriter, status int, challenge string) {
	w.Header().Set("WWW-Authenticate", challenge)
	w.Header().Set("Box-Request-Id", emulation.RandomID(8))
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(status)
}

func boxAPI(world emulation.World, w http.ResponseWriter, r *http.Request, path string) {
	tok := emulation.Bearer(r)
	if tok == "" {
		emptyChallenge(w, http.StatusUnauthorized, `Bearer realm="Service", error="invalid_request", error_description="The access token was not found."`)
		return
	}
	scenario := scenarioOf(strings.TrimPrefix(tok, boxAccessPrefix))
	if !strings.HasPrefix(tok, boxAccessPrefix) || world.Revoked(tok) || scenario == "token-invalid" {
		emptyChallenge(w, http.StatusUnauthorized, challengeInvalid)
		return
	}
	if path == "/2.0/users/me" {
		boxUsersMe(w, scenario)
		return
	}
	switch {
	case path == "/2.0/events" && (scenario == "scope-events" || scenario == "no-enterprise"):
		emptyChallenge(w, http.StatusForbidden, challengeScope)
	case path == "/2.0/events" && scenario == "not-admin":
		apiError(w, http.StatusForbidden, "access_denied_insufficient_permissions", "Access denied - insufficient permission")
	case path == "/2.0/events":
		emulation.WriteJSON(w, http.StatusOK, `{"chunk_size":1,"next_stream_position":"1152922976252290886","entries":[{"source":null,"created_by":{"type":"user","id":"`+EmulatedUser+`","name":"Jane Doe","login":"jane@acme.example"},"event_id":"f2c4b2ba-4b4f-4b4a-9f3c-1d2e3f4a5b6c","event_type":"LOGIN","created_at":"2026-01-12T09:14:05-08:00","type":"event"}]}`)
	case path == "/2.0/users", path == "/2.0/groups":
		emulation.WriteJSON(w, http.StatusOK, `{"total_count":1,"limit":1,"offset":0,"entries":[{"type":"user","id":"`+EmulatedUser+`"}]}`)
	case path == "/2.0/folders/0":
		emulation.WriteJSON(w, http.StatusOK, `{"type":"folder","id":"0","etag":null}`)
	default:
		apiError(w, http.StatusNotFound, "not_found", "Not Found")
	}
}

func boxUsersMe(w http.ResponseWriter, scenario string) {
	enterprise := `{"type":"enterprise","id":"` + EmulatedEnterprise + `","name":"Acme Corp"}`
	status := "active"
	switch scenario {
	case "rate-limited":
		apiError(w, http.StatusTooManyRequests, "rate_limit_exceeded", "Request rate limit exceeded, please try again later", "Retry-After", "3")
		return
	case "outage":
		apiError(w, http.StatusServiceUnavailable, "unavailable", "Unavailable", "Retry-After", "1")
		return
	case "garbage":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<html><head><title>Box | Maintenance</title></head><body>We'll be right back.</body></html>"))
		return
	case "no-enterprise":
		enterprise = "null"
	case "wrong-enterprise":
		enterprise = `{"type":"enterprise","id":"7654321","name":"Acme Sandbox"}`
	case "inactive-user":
		status = "inactive"
	}
	emulation.WriteJSON(w, http.StatusOK, fmt.Sprintf(`{"type":"user","id":%q,"name":"Handshake Service","login":"AutomationUser_2048571_aBcDeFgHiJ@boxdevedition.com","status":%q,"role":"admin","enterprise":%s}`,
		"31415926", status, enterprise))
}
