package salesforce

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	xoauth2 "golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// Live checks for Salesforce. The token flows are Salesforce's own steps,
// not the probe's generic OAuth 2.0 ones, because Salesforce departs from
// the generic flow where it matters: its token responses carry no
// expires_in (the generic check would warn on every healthy org), the REST
// host comes from the response's instance_url, and the JWT bearer assertion
// names the user (sub), Salesforce's login host (aud) and an exp at most
// three minutes ahead. Steps:
//
//	token           client credentials, JWT bearer, or the refresh token:
//	                redeemed only with redeem_refresh_token = true; otherwise
//	                the app is verified with a deliberately invalid refresh
//	                token and the real one is introspected, not spent
//	token_response  granted scopes against required_scopes, refresh token,
//	                instance_url
//	rest_api        GET /services/data/<version>/limits: the session works
//	                for REST, and the org's daily API budget

const (
	defaultLogin      = "https://login.salesforce.com"
	defaultAPIVersion = "v61.0"
	stepRESTAPI       = "rest_api"
	// Salesforce documents the assertion's exp as "within 3 minutes"; a
	// library default (an hour in golang.org/x/oauth2/jwt) is refused.
	assertionLifetime = 3 * time.Minute
	// A refresh token no Salesforce org issued: the token endpoint checks the
	// app first, so it answers invalid_grant only when the app's key (and
	// secret) are right.
	invalidRefreshToken = "handshake-deliberately-invalid-refresh-token"
	jwtBearerGrant      = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	maxBody             = 64 << 10
)

// Flows.
const (
	flowClientCredentials = "client credentials"
	flowJWT               = "JWT bearer"
	flowRefresh           = "refresh token"
)

// run is one live check of one connector.
type run struct {
	spec  *connector.Spec
	login string // login_url, without a trailing slash
	flow  string
	// Filled in by the token step.
	tok    tokenResponse
	issued time.Time
}

// tokenResponse is the token endpoint's 200 answer.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	InstanceURL  string `json:"instance_url"`
	ID           string `json:"id"`
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
	IssuedAt     string `json:"issued_at"`
}

// Plan is the service's live-check planner.
func Plan(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	r := &run{spec: s, login: strings.TrimRight(strings.TrimSpace(kit.SettingOr(s, "login_url", defaultLogin)), "/")}
	a := s.Auth
	switch {
	case a.PrivateKey.Value != "":
		r.flow = flowJWT
		if a.ClientID == "" || a.Username == "" {
			return nil, nil // SALESFORCE-JWT-BEARER / CLIENT-ID-MISSING explain it offline
		}
	case a.Token.Value != "":
		r.flow = flowRefresh
		if a.ClientID == "" {
			return nil, nil // CLIENT-ID-MISSING explains it offline
		}
	case a.ClientID != "" && a.ClientSecret.Value != "":
		r.flow = flowClientCredentials
	default:
		return nil, []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("client_secret"),
			"The Salesforce connector has no credential to test").
			WithDetail("Salesforce needs the consumer key with its secret (client credentials flow), with auth.username and auth.private_key (JWT bearer flow), or with a refresh token in auth.token.").
			WithFix("Set auth.client_id and auth.client_secret_wo for the client credentials flow, or see the Salesforce guide for the other flows.")}
	}
	var warn []finding.Finding
	if r.flow == flowRefresh && !s.RedeemRefreshToken && a.ClientSecret.Value == "" {
		warn = append(warn, finding.Warnf(finding.InvalidConfiguration, a.Token.Path(),
			"The Salesforce refresh token cannot be checked without spending it").
			WithCode("SALESFORCE-REFRESH-UNTESTED").
			WithDetail("Without the consumer secret Handshake cannot ask Salesforce's introspection endpoint whether the refresh token is active, and it does not redeem the token: with Refresh Token Rotation, redeeming it would retire the integration's copy. Only the consumer key is verified.").
			WithFix("Set auth.client_secret_wo: the check then introspects the refresh token without redeeming it.",
				"Or set redeem_refresh_token = true to test the refresh grant itself (see the Salesforce guide about rotation)."))
	}
	return &probe.Plan{
		Target: r.login, TargetPath: s.SettingPath("login_url"), Decode: Decode,
		Steps: []probe.CustomStep{
			{Name: probe.StepToken, Run: r.stepToken},
			{Name: probe.StepTokenResponse, Run: r.stepTokenResponse},
			{Name: stepRESTAPI, Run: r.stepAPI},
		},
	}, warn
}

// ---- attribute paths -----------------------------------------------------

func (r *run) loginPath() finding.Path { return r.spec.SettingPath("login_url") }

func (r *run) secretPath() finding.Path {
	return kit.SecretPath(r.spec.Auth.ClientSecret, "client_secret")
}

func (r *run) tokenPath() finding.Path { return kit.SecretPath(r.spec.Auth.Token, "token") }

// identityPath is where the Salesforce user behind the token is chosen: the
// JWT's username, the refresh token's grant, or the app (its Run As user).
func (r *run) identityPath() finding.Path {
	switch r.flow {
	case flowJWT:
		return kit.AuthPath("username")
	case flowRefresh:
		return r.tokenPath()
	}
	return kit.AuthPath("client_id")
}

// pathFor is the attribute a Salesforce refusal points at.
func (r *run) pathFor(f finding.Finding) finding.Path {
	switch f.Category {
	case finding.AppNotFound, finding.FeatureDisabled:
		return kit.AuthPath("client_id")
	case finding.InvalidScope, finding.InsufficientScope:
		return finding.Attr("required_scopes")
	case finding.PolicyBlocked, finding.ConsentRequired, finding.LicenseRequired, finding.AccessDenied, finding.RateLimited:
		return r.identityPath()
	case finding.AccountDisabled:
		if f.Code == "inactive_org" {
			return r.loginPath()
		}
		return r.identityPath()
	case finding.InvalidCredentials, finding.ExpiredCredentials, finding.RevokedCredentials:
		switch {
		case f.Code == "invalid_client" || f.Code == "invalid_client_credentials":
			return r.secretPath()
		case r.flow == flowJWT:
			return kit.SecretPath(r.spec.Auth.PrivateKey, "private_key")
		case r.flow == flowRefresh:
			return r.tokenPath()
		}
		return r.secretPath()
	}
	return r.loginPath()
}

// ---- HTTP ----------------------------------------------------------------

// do sends req and reads the answer (at most 64 KiB).
func do(env *probe.Env, req *http.Request, step string) (probe.Response, error) {
	resp, err := env.HTTP.Do(req) //nolint:bodyclose // ReadBody closes it
	if err != nil {
		return probe.Response{}, err
	}
	body, _, err := transport.ReadBody(resp, maxBody)
	if err != nil && req.Context().Err() != nil {
		return probe.Response{}, err
	}
	return probe.Response{Step: step, StatusCode: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// postForm posts an OAuth request to the login host.
func (r *run) postForm(ctx context.Context, env *probe.Env, step, path string, form url.Values) (probe.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.login+path, strings.NewReader(form.Encode()))
	if err != nil {
		return probe.Response{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return do(env, req, step)
}

// lowerFirst lower-cases a summary joined after a prefix, but not the
// vendor's name.
func lowerFirst(s string) string {
	if strings.HasPrefix(s, "Salesforce") {
		return s
	}
	return kit.LowerFirstRune(s)
}

func (r *run) netFailure(err error, path finding.Path, what string) probe.StepResult {
	f := transport.Classify(err)
	f.Path = path
	f.Summary = what + ": " + lowerFirst(f.Summary)
	return probe.Failed(f)
}

// refused decodes a refusal and points it at its attribute.
func (r *run) refused(env *probe.Env, resp probe.Response, prefix string) probe.StepResult {
	f := env.Decode(resp)
	f.Path = r.pathFor(f)
	if prefix != "" {
		f.Summary = prefix + ": " + lowerFirst(f.Summary)
	}
	return probe.Failed(f)
}

// ---- token step ----------------------------------------------------------

func (r *run) stepToken(ctx context.Context, env *probe.Env) probe.StepResult {
	form := url.Values{}
	switch r.flow {
	case flowRefresh:
		if !r.spec.RedeemRefreshToken {
			return r.checkRefreshToken(ctx, env)
		}
		form.Set("grant_type", "refresh_token")
		form.Set("refresh_token", r.spec.Auth.Token.Value)
		r.clientParams(form)
	case flowJWT:
		// Salesforce compares exp with its own clock: sign with the real
		// time, not the check's (possibly injected) clock.
		assertion, err := r.assertion(time.Now())
		if err != nil {
			return probe.Failed(finding.Errorf(finding.InvalidCredentials, kit.SecretPath(r.spec.Auth.PrivateKey, "private_key"),
				"auth.private_key cannot sign the JWT bearer assertion").
				WithCode("SALESFORCE-JWT-KEY").
				WithDetail("%s; Salesforce verifies the assertion with RS256, so it needs an RSA private key.", err.Error()).
				WithFix("Give the RSA private key whose certificate is on the app, as unencrypted PEM."))
		}
		form.Set("grant_type", jwtBearerGrant)
		form.Set("assertion", assertion)
	default:
		form.Set("grant_type", "client_credentials")
		r.clientParams(form)
	}
	resp, err := r.postForm(ctx, env, probe.StepToken, "/services/oauth2/token", form)
	if err != nil {
		return r.netFailure(err, r.loginPath(), "Token request")
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return r.refused(env, resp, "")
	}
	if json.Unmarshal(resp.Body, &r.tok) != nil || r.tok.AccessToken == "" {
		return probe.Failed(finding.Errorf(finding.UnexpectedResponse, r.loginPath(), "The token endpoint's answer is not a Salesforce token response").
			WithDetail("POST %s/services/oauth2/token answered %d without an access_token.", transport.RedactURL(r.login), resp.StatusCode).
			WithFix("Check that login_url is https://login.salesforce.com, https://test.salesforce.com or the org's My Domain."))
	}
	r.issued = env.Now()
	tok := (&xoauth2.Token{AccessToken: r.tok.AccessToken, TokenType: "Bearer", RefreshToken: r.tok.RefreshToken}).
		WithExtra(map[string]any{"instance_url": r.tok.InstanceURL, "id": r.tok.ID, "scope": r.tok.Scope})
	env.UseToken(tok)
	res := probe.StepResult{Outcome: probe.OutcomeOK, Message: fmt.Sprintf("the %s flow issued an access token%s", r.flow, r.who())}
	if r.flow == flowRefresh && r.tok.RefreshToken != "" && r.tok.RefreshToken != r.spec.Auth.Token.Value {
		res.Outcome = probe.OutcomeWarning
		res.Findings = append(res.Findings, finding.Warnf(finding.RevokedCredentials, r.tokenPath(),
			"Salesforce rotated the refresh token during the check").
			WithCode("refresh_token").
			WithDetail("redeem_refresh_token is true, and the app has Refresh Token Rotation on: Salesforce answered with a new refresh token and retired the one in %s. Presenting the old one again revokes the whole grant.", r.tokenPath()).
			WithFix("Remove redeem_refresh_token (it defaults to false): the check then verifies the app and introspects the refresh token without spending it.",
				"To redeem on purpose, use ephemeral \"handshake_access_token\" with redeem_refresh_token = true: it returns the rotated token in its ephemeral refresh_token attribute, for a secret store's write-only argument."))
	}
	return res
}

// clientParams adds the app's key and secret (Salesforce reads them from the
// form; some orgs refuse them in an Authorization header).
func (r *run) clientParams(form url.Values) {
	form.Set("client_id", r.spec.Auth.ClientID)
	if v := r.spec.Auth.ClientSecret.Value; v != "" {
		form.Set("client_secret", v)
	}
}

// who names the org and user of the token: the identity URL's ids are not
// secret, and the instance host is Salesforce's.
func (r *run) who() string {
	var parts []string
	if u, err := url.Parse(r.tok.InstanceURL); err == nil && u.Host != "" {
		parts = append(parts, "instance "+u.Host)
	}
	if i := strings.Index(r.tok.ID, "/id/"); i >= 0 {
		if ids := strings.Split(strings.Trim(r.tok.ID[i+4:], "/"), "/"); len(ids) == 2 {
			parts = append(parts, "org "+kit.Clean(ids[0], 18), "user "+kit.Clean(ids[1], 18))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// audience is the JWT's aud: Salesforce's login host of the org's kind, or
// an Experience Cloud site's own URL.
func (r *run) audience() string {
	u, err := url.Parse(r.login)
	if err != nil {
		return defaultLogin
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "test.salesforce.com" || strings.Contains(host, "--") || strings.Contains(host, ".sandbox."):
		return "https://test.salesforce.com"
	case strings.HasSuffix(host, ".my.site.com") || strings.HasSuffix(host, ".force.com"):
		return r.login
	}
	return defaultLogin
}

// assertion signs the JWT bearer assertion: iss the consumer key, sub the
// username, aud the login host, exp explicitly three minutes ahead.
func (r *run) assertion(now time.Time) (string, error) {
	k, err := connector.ParsePrivateKeyPEM(r.spec.Auth.PrivateKey.Value)
	if err != nil {
		return "", fmt.Errorf("the key cannot be read (%v)", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return "", fmt.Errorf("the key is not an RSA key")
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: rk}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("the key cannot sign RS256")
	}
	claims := josejwt.Claims{
		Issuer:   r.spec.Auth.ClientID,
		Subject:  r.spec.Auth.Username,
		Audience: josejwt.Audience{r.audience()},
		IssuedAt: josejwt.NewNumericDate(now),
		Expiry:   josejwt.NewNumericDate(now.Add(assertionLifetime)),
	}
	out, err := josejwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("signing failed")
	}
	return out, nil
}
