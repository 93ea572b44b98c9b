package probe

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Plan is what the engine executes for one connector. A Planner builds it
// from the Spec; the generic services (oauth2, api_key, http) have built-in
// planners (PlanOAuth2, PlanAPIKey, PlanHTTP), and a vendor's package has its
// own, filling in the same fields plus its hooks (Decode, Check, Steps).
type Plan struct {
	// Target is the URL whose host the dns, tcp and tls steps check, and
	// TargetPath the attribute that sets it.
	Target     string
	TargetPath finding.Path

	// OAuth2 describes the token flow; nil for services without one.
	OAuth2 *OAuth2Plan

	// Request is the probe API call; nil when there is none to make.
	Request *RequestPlan

	// Decode classifies the vendor's own error answers (token endpoint,
	// probe call, authorization endpoint) before the generic OAuth and HTTP
	// decoders run. It returns false when it does not recognise the answer.
	Decode connector.Decoder

	// Check inspects a successful (2xx) probe-call answer, for services that
	// report failures with HTTP 200 (Slack's {"ok":false}). Error findings
	// fail the api step; warnings are kept.
	Check func(r Response) []finding.Finding

	// GrantedScopes reads the scopes a 2xx probe-call answer reports as
	// granted (Slack's and GitHub's x-oauth-scopes header), for
	// Result.GrantedScopes; ok is false when the answer reports none.
	GrantedScopes func(r Response) (scopes []string, ok bool)

	// Steps run after the probe call(s) and before the redirect-URI and
	// expiry checks (listing granted permissions, discovering when a secret
	// expires …).
	Steps []CustomStep
}

// OAuth2Plan is the token request and what it is checked against.
type OAuth2Plan struct {
	Issuer, TokenURL, AuthorizationURL string
	// RefreshURL is where refresh grants go when the service has a refresh
	// endpoint distinct from its token endpoint; "" means TokenURL.
	RefreshURL string
	// IntrospectionURL is the RFC 7662 endpoint (from discovery or the
	// vendor), used to check a refresh token without spending it.
	IntrospectionURL string
	// Paths of the settings above, for findings.
	IssuerPath, TokenURLPath, AuthorizationURLPath, RefreshURLPath finding.Path

	// GrantType is client_credentials, refresh_token, jwt_bearer or
	// authorization_code (an interactive client: the check verifies its
	// authentication with a deliberately invalid code, obtaining no token).
	GrantType string
	AuthStyle string // client_secret_basic, client_secret_post, private_key_jwt, none
	ClientID  string
	// ClientSecret, PrivateKey and RefreshToken are the secrets as declared
	// (value and attribute), so findings point at the attribute.
	ClientSecret, PrivateKey, RefreshToken connector.Secret

	Scopes []string
	// Params are extra token-request parameters (audience, resource).
	Params url.Values
}

// refreshEndpoint is where refresh grants go, and the setting naming it.
func (o *OAuth2Plan) refreshEndpoint() (string, finding.Path) {
	if o.RefreshURL != "" {
		return o.RefreshURL, o.RefreshURLPath
	}
	return o.TokenURL, o.TokenURLPath
}

// Grant types and auth styles.
const (
	GrantClientCredentials = "client_credentials"
	GrantRefreshToken      = "refresh_token"
	GrantJWTBearer         = "jwt_bearer"
	GrantAuthorizationCode = "authorization_code"

	AuthClientSecretBasic = "client_secret_basic"
	AuthClientSecretPost  = "client_secret_post"
	AuthPrivateKeyJWT     = "private_key_jwt"
	AuthNone              = "none"
)

// RequestPlan is the probe API call.
type RequestPlan struct {
	Method  string // default GET
	URL     string
	URLPath finding.Path
	// Header holds fixed, non-secret headers (Accept, API version).
	Header http.Header
	// Credential says how the request authenticates; CredentialPath is the
	// attribute that holds it.
	Credential     Credential
	CredentialPath finding.Path
}

// Credential is how a probe call authenticates.
type Credential struct {
	// Kind is "oauth2" (the token from the token step), "bearer", "basic",
	// "api_key" or "none".
	Kind string
	// Secret is the token, API key or password.
	Secret string
	// Username is for basic.
	Username string
	// For api_key: Location is "header" or "query", Name the header or
	// parameter name, Prefix goes before the key ("Bearer ", "SSWS ").
	Location, Name, Prefix string
}

// Response is an HTTP answer handed to a vendor's Decode or Check hook.
// Body is capped (at most 64 KiB) and Header is the response's.
type Response = connector.Answer

// CustomStep is a vendor step. Run reports its outcome; a failed outcome
// stops the check like any built-in step.
type CustomStep struct {
	Name string
	Run  func(ctx context.Context, env *Env) StepResult
	// Needs names the steps this one waits for, when it does not build on
	// every earlier step: a redirect-URI check needs only the tls step, so a
	// refused token does not hide a wrong redirect URI. nil: all earlier
	// steps, and the access token when there is a token flow.
	Needs []string
}

// StepResult is what a custom step reports.
type StepResult struct {
	Outcome  string // ok, failed, skipped, warning
	Message  string
	Findings []finding.Finding
}

// Failed is the outcome of a step that failed with f.
func Failed(f finding.Finding) StepResult {
	return StepResult{Outcome: OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
}

// Env gives custom steps what the earlier steps produced.
type Env struct {
	Spec *connector.Spec
	// HTTP is the shared client (timeouts, retries, caps, redirect policy).
	HTTP *http.Client
	// Token is the access token (nil for services without a token step).
	Token *oauth2.Token
	Now   func() time.Time
	// ExpiryWarning is the provider's expiry_warning window, for vendor
	// steps that report a date of their own (a platform retiring a kind of
	// credential) rather than a credential's expiry.
	ExpiryWarning time.Duration

	r *runner
}

// CredentialExpires records when a credential expires (a client secret's
// end date read from the vendor's API, for instance); the expiry step turns
// it into expired/expiring findings and Result.ExpiresAt.
func (e *Env) CredentialExpires(at time.Time, path finding.Path, what string) {
	e.r.expiries = append(e.r.expiries, expiry{at: at, path: path, what: what})
}

// UseToken publishes an access token a custom step obtained (a GitHub App
// installation token, say): later steps see it as Env.Token, and
// AccessToken returns it.
func (e *Env) UseToken(t *oauth2.Token) {
	e.r.token = t
	e.Token = t
}

// GrantScopes records what the service reports as granted (scopes, or
// permissions such as an Entra token's roles claim) for Result.GrantedScopes,
// replacing what the token response said.
func (e *Env) GrantScopes(scopes []string) { e.r.grant(scopes) }

// Send makes one request of a vendor step through the shared client and
// reads at most 64 KiB of the answer, as the built-in steps do. A body cut
// short by a cancelled request is an error; otherwise what was read is kept.
func (e *Env) Send(req *http.Request, step string) (Response, error) {
	resp, err := e.HTTP.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil && req.Context().Err() != nil {
		return Response{}, err
	}
	return Response{Step: step, StatusCode: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// Decode runs the plan's and the generic decoders on an error answer, the
// way the built-in steps do.
func (e *Env) Decode(r Response) finding.Finding { return e.r.decode(r, nil) }

// Planner builds the Plan for a spec. Findings with severity error mean the
// spec cannot be checked live (status unknown); warnings are kept.
type Planner func(s *connector.Spec) (*Plan, []finding.Finding)
