package workday

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

// Workday's token endpoint and REST API answer failures with a bare, compact
// OAuth-style body and no description (seed 003, as quoted by Microsoft
// Defender for Cloud Apps): {"error":"invalid_grant"}, {"error":"invalid_client"},
// {"error":"permission denied"}. Classification therefore goes by the error
// string, the HTTP status and which endpoint answered — never by prose. The
// same bodies reach diagnose wrapped: in a Node connector's
// {"code":403,"serverResponse":…,"body":"{\"error\":…}"} (escaped or with the
// escaping lost), in Python requests' "403 Client Error: Forbidden for url:
// https://…/ccx/api/…", or in a SOAP fault from Workday Web Services.

// target is the kind of attribute a finding is about; the live plan turns it
// into the connector's attribute path.
type target int

const (
	tNone target = iota
	tToken
	tSecret
	tTenant
	tHost
	tPermissions
)

// wdError is one Workday failure, whatever shape it came in.
type wdError struct {
	code   string // the body's "error" value; "" when only a status is known
	status int    // 0 when unknown
	url    string // the URL a wrapped message names, if any
	step   string
}

var (
	// errorRE finds an "error":"value" member; the last one is the
	// innermost body of a wrapper.
	errorRE = regexp.MustCompile(`"error"\s*:\s*"([^"\\]{1,80})"`)
	// wrapCodeRE is the status a Node wrapper records ("code":403).
	wrapCodeRE = regexp.MustCompile(`"code"\s*:\s*([1-5]\d\d)\b`)
	// requestsRE is Python requests' raise_for_status message.
	requestsRE = regexp.MustCompile(`\b([45]\d\d) (?:Client|Server) Error: [^\n]*? for url: (\S+)`)
	// statusRE is a status named in a client's message (axios, Java).
	statusRE = regexp.MustCompile(`(?i)(?:status code|Server returned:|HTTP(?:/[\d.]+)?)\s*([45]\d\d)\b`)
	// soapAuthRE is Workday Web Services' authentication fault.
	soapAuthRE = regexp.MustCompile(`(?i)<faultcode>[^<]*authenticationError</faultcode>`)
	urlRE      = regexp.MustCompile(`https?://[^\s"'<>]+`)
)

// read extracts the Workday error from an answer or a pasted text.
func read(a connector.Answer) (wdError, bool) {
	e := wdError{status: a.StatusCode, step: a.Step}
	text := string(a.Body)
	// Unescape JSON held in a JSON string, once or twice.
	for i := 0; i < 2 && strings.Contains(text, `\"`); i++ {
		text = strings.ReplaceAll(text, `\"`, `"`)
	}
	if m := errorRE.FindAllStringSubmatch(text, -1); len(m) > 0 {
		e.code = strings.ToLower(strings.TrimSpace(m[len(m)-1][1]))
	}
	if m := requestsRE.FindStringSubmatch(text); m != nil {
		if e.status == 0 {
			e.status, _ = strconv.Atoi(m[1])
		}
		e.url = m[2]
	}
	if e.status == 0 {
		if m := wrapCodeRE.FindStringSubmatch(text); m != nil {
			e.status, _ = strconv.Atoi(m[1])
		} else if m := statusRE.FindStringSubmatch(text); m != nil {
			e.status, _ = strconv.Atoi(m[1])
		}
	}
	if e.url == "" {
		e.url = urlRE.FindString(text)
	}
	if e.code == "" && soapAuthRE.MatchString(text) {
		e.code = "authenticationerror"
	}
	switch e.code {
	case "invalid_grant", "invalid_client", "unauthorized_client", "permission denied", "invalid_token",
		"invalid_request", "unsupported_grant_type", "authenticationerror":
		return e, true
	case "":
		// Only a status: enough when the URL says which Workday endpoint it was.
		return e, e.status != 0 && (strings.Contains(e.url, "/ccx/") || e.step != "")
	}
	return e, false
}

// Recognize claims texts that are recognisably Workday's: its hosts and
// endpoint paths, or its bare "permission denied" body.
func Recognize(text string) bool {
	t := strings.ToLower(strings.ReplaceAll(text, `\"`, `"`))
	return strings.Contains(t, "myworkday.com") || strings.Contains(t, ".workday.com") ||
		strings.Contains(t, "/ccx/oauth2/") || strings.Contains(t, "/ccx/api/") ||
		strings.Contains(t, "workday") || strings.Contains(t, "integration system user") ||
		strings.Contains(t, `{"error":"permission denied"}`)
}

// Decode is the profile's decoder (live checks and diagnose).
func Decode(a connector.Answer) (finding.Finding, bool) {
	f, _, ok := decode(a)
	return f, ok
}

// isTokenURL: the answer came from the token endpoint.
func (e wdError) isTokenURL() bool {
	return e.step == probe.StepToken || strings.Contains(e.url, "/ccx/oauth2/")
}

func decode(a connector.Answer) (finding.Finding, target, bool) {
	e, ok := read(a)
	if !ok {
		return finding.Finding{}, tNone, false
	}
	switch e.code {
	case "invalid_grant":
		return accountDisabled(), tToken, true
	case "invalid_client", "unauthorized_client":
		return badClient(e), tSecret, true
	case "permission denied":
		return permissionDenied(e, resourceOfURL(e.url)), tPermissions, true
	case "invalid_token":
		return finding.Errorf(finding.InvalidCredentials, nil, "Workday refused the access token (invalid_token)").
			WithCode("invalid_token").
			WithDetail("The REST API did not accept the bearer token: it expired, was issued by another tenant (an implementation tenant's token on production, say) or was cut short in transit.").
			WithFix("Request a new access token from the same tenant's token endpoint (https://<host>/ccx/oauth2/<tenant>/token) before each run; tokens of one tenant are not valid on another."), tToken, true
	case "invalid_request", "unsupported_grant_type":
		return finding.Errorf(finding.InvalidConfiguration, nil, "Workday refused the token request as malformed (%s)", e.code).
			WithCode(e.code).
			WithDetail("The token endpoint expects grant_type=refresh_token with a non-empty refresh_token, client_id and client_secret; one of them was empty or not sent.").
			WithFix("Set auth.token_wo to the refresh token from Manage Refresh Tokens for Integrations, and auth.client_id and auth.client_secret_wo to the API client's."), tToken, true
	case "authenticationerror":
		return finding.Errorf(finding.InvalidCredentials, nil, "Workday Web Services refused the user name or password (authenticationError)").
			WithCode("authenticationError").
			WithDetail("The SOAP API's authentication fault: the integration system user's name (user@tenant) or password is wrong, or the password expired.").
			WithFix("Check the integration system user in Maintain Password for Integration System User; REST connectors use an API client and refresh token instead."), tToken, true
	}
	// A status alone, from a client's message or an answer without body.
	switch {
	case e.status == http.StatusForbidden:
		return permissionDenied(e, resourceOfURL(e.url)), tPermissions, true
	case e.status == http.StatusBadRequest && e.isTokenURL() && a.Step == "":
		f := accountDisabled()
		f.Summary = "Workday refused the refresh token, probably because the integration system user cannot sign in (HTTP 400)"
		f.Code = "400"
		return f, tToken, true
	case e.status == http.StatusUnauthorized && e.isTokenURL():
		f := badClient(e)
		f.Code = "401"
		return f, tSecret, true
	case (e.status == http.StatusNotFound || e.status == http.StatusServiceUnavailable) && a.Step == probe.StepToken:
		return finding.Errorf(finding.TenantNotFound, nil, "Workday has no token endpoint for this tenant on this host (HTTP %d)", e.status).
			WithCode(strconv.Itoa(e.status)).
			WithDetail("The host answered, but not with Workday's OAuth endpoint for the tenant: the tenant name is misspelt (it is case-sensitive), the tenant lives in another data centre (wd2, wd3, wd5 …), or the host is the sign-in host rather than the -services host.").
			WithFix("Copy the Token Endpoint from the View API Clients report and take host and tenant from it (https://<host>/ccx/oauth2/<tenant>/token).",
				"Search \"Tenant Setup\" in Workday to see the tenant name as Workday spells it."), tTenant, true
	}
	return finding.Finding{}, tNone, false
}

func accountDisabled() finding.Finding {
	return finding.Errorf(finding.AccountDisabled, nil,
		"Workday refused the refresh token: the integration system user behind it cannot sign in (invalid_grant)").
		WithCode("invalid_grant").
		WithDetail("Workday answers a bare invalid_grant when the account the refresh token was issued for is locked or disabled, or its password expired (seed 003: \"Account used to set up the instance may be locked or disabled\"). Less often: the refresh token was deleted or regenerated in Manage Refresh Tokens for Integrations, belongs to another API client or tenant, or expired because the client lacks Non-Expiring Refresh Tokens. The body names none of these; View Sign-on History tells them apart.").
		WithFix("In Workday, run View Sign-on History for the integration system user: a failure such as \"System Account is disabled\" or a locked account confirms it.",
			"Re-enable or unlock the user (Maintain Password for Integration System User: clear Require New Password, set the password not to expire), then plan again.",
			"If the account is fine, generate a new refresh token for it with Manage Refresh Tokens for Integrations and set it in auth.token_wo.")
}

func badClient(e wdError) finding.Finding {
	code := e.code
	if code == "" {
		code = "invalid_client"
	}
	return finding.Errorf(finding.InvalidCredentials, nil, "Workday did not accept the API client's id and secret (%s)", code).
		WithCode(code).
		WithDetail("\"OAuth 2.0 REST API Client token not valid. The token may have expired, or may be incorrect\" (seed 003): the client secret is wrong or was regenerated, the client id is another tenant's, or the API client was disabled.").
		WithFix("Copy Client ID from View API Clients (API Clients for Integrations tab) into auth.client_id.",
			"If the secret is not known, run Generate New API Client Secret on the API client and set it in auth.client_secret_wo; make sure the client is not disabled.")
}

// permissionDenied names what to grant for the resource that refused.
func permissionDenied(e wdError, res *resource) finding.Finding {
	what := "a domain this connector reads"
	fix := "Find the domain that secures the REST resource (the resource's documentation names it) and grant it as below."
	if res != nil {
		what = "the " + res.Domain + " domain (functional area " + res.Area + ")"
		fix = "In Maintain Permissions for Security Group, give the integration system user's security group " +
			res.Grant + " on the " + res.Domain + " domain."
	}
	code := e.code
	if code == "" {
		code = strconv.Itoa(http.StatusForbidden)
	}
	return finding.Errorf(finding.AccessDenied, nil, "Workday denied the integration system user access to %s (%s)", what, code).
		WithCode(code).
		WithDetail("Workday answers 403 {\"error\":\"permission denied\"} when no domain security policy grants the user's security group access, when the policy change was not activated, or when the API client's scope lacks the functional area (seed 003: \"Insufficient permission to access audit logs and/or user endpoints\").").
		WithFix(fix,
			"Run Activate Pending Security Policy Changes.",
			"On the API client for integrations, add the functional area to Scope (Functional Areas) and generate a new refresh token if Workday asks for it.")
}
