package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Checks that spend nothing: a token request with a deliberately invalid
// grant tells whether the client authenticated (RFC 6749 §5.2: the server
// authenticates the client before it looks at the grant, so invalid_grant
// means the client passed and invalid_client that it did not), and RFC 7662
// introspection tells whether a refresh token is active without redeeming it.

// Deliberately invalid grants: no server issues these values.
const (
	invalidCode         = "handshake-deliberately-invalid-authorization-code"
	invalidRefreshToken = "handshake-deliberately-invalid-refresh-token"
)

// invalidGrant sends a token request for grant with deliberately invalid
// values in params, authenticating the client as the plan says, through
// golang.org/x/oauth2 (clientcredentials lets grant_type be overridden).
func (r *runner) invalidGrant(ctx context.Context, endpoint, grant string, params url.Values) error {
	o := r.plan.OAuth2
	ctx = r.client.OAuth2Context(ctx)
	auth, secret, style, err := r.clientAuthParams(endpoint)
	if err != nil {
		return err
	}
	for k, v := range auth {
		params[k] = v
	}
	params.Set("grant_type", grant)
	cfg := clientcredentials.Config{ClientID: o.ClientID, ClientSecret: secret, TokenURL: endpoint,
		EndpointParams: params, AuthStyle: style}
	_, err = cfg.Token(ctx)
	return err
}

// clientAuthParams are the client authentication parameters for a request
// to endpoint: the secret and style for x/oauth2, or a signed assertion.
func (r *runner) clientAuthParams(endpoint string) (url.Values, string, oauth2.AuthStyle, error) {
	o := r.plan.OAuth2
	params := url.Values{}
	switch o.AuthStyle {
	case AuthClientSecretBasic:
		return params, o.ClientSecret.Value, oauth2.AuthStyleInHeader, nil
	case AuthClientSecretPost:
		return params, o.ClientSecret.Value, oauth2.AuthStyleInParams, nil
	case AuthPrivateKeyJWT:
		assertion, err := ClientAssertion(o.ClientID, endpoint, o.PrivateKey.Value, time.Now())
		if err != nil {
			return nil, "", 0, err
		}
		r.secrets = append(r.secrets, assertion)
		params.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		params.Set("client_assertion", assertion)
	}
	return params, "", oauth2.AuthStyleInParams, nil
}

// stepClientAuth is the token step of a connector that does not obtain a
// token: an authorization-code client (the code needs a signed-in user), or
// a refresh token the connector did not allow the check to redeem.
func (r *runner) stepClientAuth() StepResult {
	o := r.plan.OAuth2
	endpoint, endpointPath := o.TokenURL, o.TokenURLPath
	params := url.Values{}
	switch o.GrantType {
	case GrantAuthorizationCode:
		r.noToken = "an authorization-code client obtains tokens only when a user signs in, so the check requests none"
		params.Set("code", invalidCode)
		if len(r.spec.RedirectURIs) > 0 {
			params.Set("redirect_uri", r.spec.RedirectURIs[0])
		}
	default: // refresh_token, not redeemed
		endpoint, endpointPath = o.refreshEndpoint()
		r.noToken = "the refresh token in " + pathLabel(secretPath(o.RefreshToken, "token")) +
			" is not redeemed, since a single-use or rotating refresh token would be spent (redeem_refresh_token = true allows it)"
		params.Set("refresh_token", invalidRefreshToken)
	}
	if u, err := url.Parse(endpoint); err != nil || u.Host == "" {
		return failed(finding.Errorf(finding.InvalidConfiguration, endpointPath, "The token endpoint is not an absolute URL"))
	}
	err := r.invalidGrant(r.ctx, endpoint, o.GrantType, params)
	var re *oauth2.RetrieveError
	switch {
	case err == nil:
		return StepResult{Outcome: OutcomeWarning, Findings: []finding.Finding{
			finding.Warnf(finding.UnexpectedResponse, endpointPath, "The token endpoint accepted a deliberately invalid %s grant", o.GrantType).
				WithDetail("Handshake sent a made-up value to check the client's authentication and the server issued a token for it; RFC 6749 §5.2 requires invalid_grant.").
				WithFix("Check that the URL is the token endpoint of the authorization server.")},
			Message: "the server accepted a deliberately invalid grant"}
	case errors.As(err, &re) && re.ErrorCode == "invalid_grant":
	default:
		return failed(r.tokenFinding(err, StepToken))
	}

	var notes []string
	what := "the deliberately invalid " + o.GrantType + " grant was refused with invalid_grant"
	if o.AuthStyle == AuthNone {
		notes = append(notes, "client "+quote(o.ClientID)+" is known ("+what+"); a public client has no secret to verify")
	} else {
		notes = append(notes, "client authentication verified ("+what+", so the client authenticated; RFC 6749 §5.2)")
	}
	res := StepResult{Outcome: OutcomeOK}
	if o.GrantType == GrantRefreshToken {
		active, note, f := r.introspect()
		switch {
		case f != nil:
			return failed(*f)
		case active:
			notes = append(notes, note)
		default:
			notes = append(notes, "the refresh token itself was not tested: "+note)
			if o.AuthStyle == AuthNone {
				r.untestable, r.untestableStep = "the refresh token was not redeemed (redeem_refresh_token is false) and "+note, StepToken
			}
		}
		notes = append(notes, "not redeemed: a single-use or rotating refresh token would be spent (set redeem_refresh_token = true to test the refresh grant)")
	}
	res.Message = strings.Join(notes, "; ")
	return res
}

// introspect asks the RFC 7662 endpoint whether the configured refresh token
// is active. It returns active, a note for the step message, and a finding
// when the server says the token is not active.
func (r *runner) introspect() (bool, string, *finding.Finding) {
	o := r.plan.OAuth2
	tokPath := secretPath(o.RefreshToken, "token")
	if o.IntrospectionURL == "" {
		return false, "the server offers no token introspection (RFC 7662)", nil
	}
	auth, secret, style, err := r.clientAuthParams(o.IntrospectionURL)
	if err != nil {
		return false, "introspection needs the client's key: " + err.Error(), nil
	}
	form := url.Values{"token": {o.RefreshToken.Value}, "token_type_hint": {"refresh_token"}}
	for k, v := range auth {
		form[k] = v
	}
	if o.AuthStyle == AuthClientSecretPost || o.AuthStyle == AuthNone {
		form.Set("client_id", o.ClientID)
		if o.AuthStyle == AuthClientSecretPost {
			form.Set("client_secret", secret)
		}
	}
	req, err := http.NewRequestWithContext(r.ctx, http.MethodPost, o.IntrospectionURL, strings.NewReader(form.Encode()))
	if err != nil {
		return false, "the introspection endpoint is not a valid URL", nil
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if style == oauth2.AuthStyleInHeader {
		req.SetBasicAuth(url.QueryEscape(o.ClientID), url.QueryEscape(secret))
	}
	resp, err := r.do(r.client.HTTP(), req)
	if err != nil {
		return false, "the introspection request failed (" + r.netFinding(err, nil, "Introspection").Summary + ")", nil
	}
	var body struct {
		Active *bool  `json:"active"`
		Exp    *int64 `json:"exp"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(resp.Body, &body) != nil || body.Active == nil {
		f := r.decode(resp, nil)
		return false, fmt.Sprintf("the introspection endpoint refused the request (%s)", f.Code), nil
	}
	if !*body.Active {
		f := finding.Errorf(finding.RevokedCredentials, tokPath, "The refresh token is not active").
			WithCode("RFC7662-active-false").
			WithDetail("The authorization server's introspection endpoint (RFC 7662) answered \"active\": false for the refresh token in %s: it was revoked, has expired, or was issued to another client. The token was checked without redeeming it.", pathLabel(tokPath)).
			WithFix("Obtain a new refresh token (sign in again through the authorization-code flow) and update the credential.")
		return false, "", &f
	}
	note := "the refresh token is active (RFC 7662 introspection)"
	if body.Exp != nil && *body.Exp > 0 {
		at := time.Unix(*body.Exp, 0)
		r.expiries = append(r.expiries, expiry{at: at, path: tokPath, what: "refresh token in " + pathLabel(tokPath)})
	}
	return true, note, nil
}

// ambiguousClientText matches an invalid_client description that lists an
// unknown client among its possible causes, as fosite-based servers (ORY
// Hydra) and RFC 6749 §5.2's own wording do: the server does not say which.
var ambiguousClientText = regexp.MustCompile(`(?i)unknown client.{0,40}(no client authentication|unsupported authentication)|e\.g\.,? unknown client`)

// IsAmbiguousClientError reports whether an invalid_client answer cannot
// tell an unknown client from a wrong secret.
func (e OAuthError) IsAmbiguousClientError() bool {
	return e.Code == "invalid_client" && ambiguousClientText.MatchString(e.Description)
}

// clientUnknownText finds "this client does not exist" on an authorization
// endpoint's HTML error page.
var clientUnknownText = regexp.MustCompile(`(?i)invalid_client|unknown client|client (not found|does not exist|is invalid)|no such client`)

// resolveClient settles an ambiguous invalid_client: it asks the
// authorization endpoint to start a code flow for the client (redirects not
// followed). Servers look the client up before anything else there, so a
// login page, a redirect or a complaint about the redirect URI means the
// client exists (the secret is wrong), and invalid_client means it does not.
func (r *runner) resolveClient(f finding.Finding) finding.Finding {
	o := r.plan.OAuth2
	asked := func(extra string) finding.Finding {
		f.Detail += " The server does not say whether the client is unknown or its secret (or key) is wrong" + extra + "."
		f.Summary = "The client authentication failed: unknown client or wrong secret (invalid_client)"
		f.Category = finding.InvalidCredentials
		f.Path = r.tokenErrorPath(f, StepToken)
		f.Remediation = []string{
			"Check auth.client_id: the client may have been deleted or belong to another environment.",
			"Check the client secret or private key: a rotated secret, a secret ID instead of its value or a typo fail the same way.",
		}
		return f
	}
	if o.AuthorizationURL == "" {
		return asked(", and no authorization endpoint is known to ask (set authorization_url or issuer)")
	}
	uri := ""
	if len(r.spec.RedirectURIs) > 0 {
		uri = r.spec.RedirectURIs[0]
	}
	resp, err := r.authorizationRequest(uri)
	if err != nil {
		return asked("; the authorization endpoint could not be asked")
	}
	switch clientVerdict(resp) {
	case clientExists:
		f.Category = finding.InvalidCredentials
		f.Path = r.tokenErrorPath(f, StepToken)
		f.Summary = "The client secret or key is wrong (invalid_client)"
		f.Detail += fmt.Sprintf(" The authorization endpoint knows client %q (it started a sign-in for it), so the client exists and its authentication failed.", o.ClientID)
		f.Remediation = []string{"Check the client secret or private key: a rotated secret, a secret ID instead of its value or a typo fail this way.",
			"If the server expects another method, set auth_style (client_secret_basic, client_secret_post or private_key_jwt)."}
	case clientMissing:
		f.Category = finding.AppNotFound
		f.Path = finding.Attr("auth", "client_id")
		f.Summary = "The OAuth client does not exist (invalid_client)"
		f.Detail += fmt.Sprintf(" The authorization endpoint does not know client %q either.", o.ClientID)
		f.Remediation = []string{"Check auth.client_id: the client may have been deleted or belong to another tenant or environment."}
	default:
		return asked(fmt.Sprintf("; the authorization endpoint's answer (HTTP %d) did not tell either", resp.StatusCode))
	}
	return f
}

type clientState int

const (
	clientUndecided clientState = iota
	clientExists
	clientMissing
)

func clientVerdict(resp Response) clientState {
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil {
			return clientUndecided
		}
		if code := loc.Query().Get("error"); code == "invalid_client" || clientUnknownText.MatchString(loc.Query().Get("error_description")) {
			return clientMissing
		}
		return clientExists
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		if clientUnknownText.Match(resp.Body) {
			return clientMissing
		}
		return clientExists
	case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized:
		if e, ok := ParseOAuthError(resp.Body); ok {
			switch {
			case e.Code == "invalid_client" || clientUnknownText.MatchString(e.Description):
				return clientMissing
			case e.Code == "redirect_uri_mismatch" || e.Code == "invalid_redirect_uri" || e.Code == "invalid_scope" ||
				e.Code == "unauthorized_client" || e.Code == "unsupported_response_type" || e.Code == "access_denied" ||
				e.Code == "login_required" || e.Code == "consent_required" || e.Code == "interaction_required":
				return clientExists // checked after the client was found
			}
		}
		if clientUnknownText.Match(resp.Body) {
			return clientMissing
		}
	}
	return clientUndecided
}
