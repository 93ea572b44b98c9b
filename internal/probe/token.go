package probe

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/oauth2/jwt"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// errNotTestable marks a configuration the probe cannot exercise.
type errNotTestable struct{ reason string }

func (e errNotTestable) Error() string { return e.reason }

func (r *runner) stepToken() StepResult {
	o := r.plan.OAuth2
	if o.TokenURL == "" {
		return failed(finding.Errorf(finding.InvalidConfiguration, o.TokenURLPath, "No token endpoint").
			WithDetail("token_url is not set and discovery did not provide one.").
			WithFix("Set oauth2.token_url."))
	}
	if u, err := url.Parse(o.TokenURL); err != nil || u.Host == "" {
		return failed(finding.Errorf(finding.InvalidConfiguration, o.TokenURLPath, "The token endpoint is not an absolute URL").
			WithDetail("%q cannot be requested.", transport.RedactURL(o.TokenURL)))
	}
	if o.GrantType == GrantAuthorizationCode || o.GrantType == GrantRefreshToken && !r.spec.RedeemRefreshToken {
		return r.stepClientAuth()
	}
	r.cacheKey = transport.CredentialKey{
		TokenURL: o.TokenURL,
		ClientID: o.ClientID,
		Secret:   o.ClientSecret.Value + "\x00" + o.PrivateKey.Value + "\x00" + o.RefreshToken.Value,
		Scopes:   o.Scopes,
		Extra:    []string{o.GrantType, o.AuthStyle, o.Params.Encode()},
	}
	tok, shared, err := r.client.Tokens().Token(r.ctx, r.cacheKey, func(ctx context.Context) (*oauth2.Token, error) {
		return r.fetchToken(ctx, o.GrantType, o.RefreshToken.Value)
	})
	var nt errNotTestable
	if errors.As(err, &nt) {
		r.untestable, r.untestableStep = nt.reason, StepToken
		return StepResult{Outcome: OutcomeSkipped, Message: "not testable: " + nt.reason}
	}
	if err != nil {
		return failed(r.tokenFinding(err, StepToken))
	}
	tflog.Debug(r.ctx, "handshake: token obtained", map[string]any{"shared": shared})
	r.token = tok
	return StepResult{Outcome: OutcomeOK, Message: fmt.Sprintf("%s grant returned an access token", o.GrantType)}
}

// fetchToken runs one token request with golang.org/x/oauth2.
func (r *runner) fetchToken(ctx context.Context, grant, refreshToken string) (*oauth2.Token, error) {
	o := r.plan.OAuth2
	ctx = r.client.OAuth2Context(ctx)
	secret := o.ClientSecret.Value
	params := url.Values{}
	for k, v := range o.Params {
		params[k] = slices.Clone(v)
	}
	var style oauth2.AuthStyle
	switch o.AuthStyle {
	case AuthClientSecretBasic:
		style = oauth2.AuthStyleInHeader
	case AuthClientSecretPost:
		style = oauth2.AuthStyleInParams
	case AuthPrivateKeyJWT:
		style, secret = oauth2.AuthStyleInParams, ""
		assertion, err := ClientAssertion(o.ClientID, o.TokenURL, o.PrivateKey.Value, time.Now())
		if err != nil {
			return nil, err
		}
		r.secrets = append(r.secrets, assertion)
		params.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		params.Set("client_assertion", assertion)
	default: // none: a public client sends its client_id only
		style, secret = oauth2.AuthStyleInParams, ""
	}

	switch grant {
	case GrantClientCredentials:
		cfg := clientcredentials.Config{
			ClientID: o.ClientID, ClientSecret: secret, TokenURL: o.TokenURL,
			Scopes: o.Scopes, EndpointParams: params, AuthStyle: style,
		}
		return cfg.Token(ctx)
	case GrantRefreshToken:
		if o.AuthStyle == AuthPrivateKeyJWT {
			// x/oauth2 sends no extra parameters with a refresh grant.
			return nil, errNotTestable{"the refresh_token grant with private_key_jwt client authentication is not supported by live checks"}
		}
		endpoint, _ := o.refreshEndpoint()
		cfg := oauth2.Config{ClientID: o.ClientID, ClientSecret: secret,
			Endpoint: oauth2.Endpoint{TokenURL: endpoint, AuthStyle: style}}
		return cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	case GrantJWTBearer:
		key, err := parsePrivateKey(o.PrivateKey.Value)
		if err != nil {
			return nil, err
		}
		if !key.isRSA() {
			return nil, errNotTestable{"the jwt_bearer grant is tested with RSA keys only (RS256)"}
		}
		cfg := &jwt.Config{
			Email: o.ClientID, Subject: o.ClientID, PrivateKey: key.pemRSA(), PrivateKeyID: key.kid,
			Scopes: o.Scopes, TokenURL: o.TokenURL,
		}
		return cfg.TokenSource(ctx).Token()
	}
	return nil, errNotTestable{fmt.Sprintf("grant_type %q is not supported", grant)}
}

// tokenFinding classifies a failed token request and points it at the
// attribute most likely at fault.
func (r *runner) tokenFinding(err error, step string) finding.Finding {
	o := r.plan.OAuth2
	var (
		re     *oauth2.RetrieveError
		keyErr *keyError
		f      finding.Finding
	)
	switch {
	case errors.As(err, &keyErr):
		return finding.Errorf(finding.InvalidConfiguration, secretPath(o.PrivateKey, "private_key"),
			"auth.private_key cannot be used to sign an assertion").
			WithDetail("%s.", keyErr.msg).
			WithFix("Give the private key as PEM (PKCS#1, PKCS#8 or SEC 1) or as a private JWK.")
	case errors.As(err, &re) && re.Response != nil:
		resp := Response{Step: step, StatusCode: re.Response.StatusCode, Header: re.Response.Header, Body: re.Body}
		if len(resp.Body) > maxErrorBody {
			resp.Body = resp.Body[:maxErrorBody]
		}
		f = r.decode(resp, nil)
		if strings.HasPrefix(f.Code, "HTTP ") {
			f.Summary = "Token endpoint: " + lowerFirst(f.Summary)
		}
		if e, ok := ParseOAuthError(resp.Body); ok && e.IsAmbiguousClientError() {
			f = r.resolveClient(f)
			return f
		}
	case transport.IsRefusedRedirect(err): // before the parse check: x/oauth2/jwt flattens it into text
		return r.netFinding(err, o.TokenURLPath, "Token request")
	case isTokenParseError(err):
		f = finding.Errorf(finding.UnexpectedResponse, o.TokenURLPath, "The token endpoint's answer is not a token response").
			WithDetail("RFC 6749 §5.1 expects a JSON object with access_token and token_type; the answer could not be used (%s).",
				strings.TrimPrefix(cleanText(err.Error(), 200), "oauth2: ")).
			WithFix("Check that token_url is the token endpoint (not the authorization endpoint or a web page).")
		f.Path = o.TokenURLPath
		return f
	default:
		return r.netFinding(err, o.TokenURLPath, "Token request")
	}
	// A plan's decoder that knows the spec may name the attribute at fault
	// (a Box subject id, say); otherwise the generic choice applies.
	if f.Path == nil {
		f.Path = r.tokenErrorPath(f, step)
		if f.Category == finding.InvalidScope {
			f.Path = r.scopePath(f)
		}
	}
	if note, _, ok := r.peekRetries(); ok && f.Retryable {
		f.Detail += " The request was " + note + "."
	}
	if step == StepRefresh {
		f.Summary = "Refresh grant: " + lowerFirst(f.Summary)
	}
	return f
}

func isTokenParseError(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "oauth2: cannot parse") || strings.Contains(s, "server response missing access_token") ||
		strings.HasPrefix(s, "oauth2: cannot fetch token: ") && !strings.Contains(s, "Response:")
}

// tokenErrorPath picks the attribute a token-endpoint refusal points at.
func (r *runner) tokenErrorPath(f finding.Finding, step string) finding.Path {
	o := r.plan.OAuth2
	credential := func() finding.Path {
		switch {
		case f.Code == "invalid_grant" && o.GrantType == GrantRefreshToken && step == StepToken:
			return secretPath(o.RefreshToken, "token")
		case f.Code == "invalid_grant" && step == StepRefresh:
			return finding.Attr("require_refresh_token")
		case o.AuthStyle == AuthPrivateKeyJWT || (f.Code == "invalid_grant" && o.GrantType == GrantJWTBearer):
			return secretPath(o.PrivateKey, "private_key")
		case o.AuthStyle == AuthNone:
			return finding.Attr("auth", "client_id")
		}
		return secretPath(o.ClientSecret, "client_secret")
	}
	switch f.Category {
	case finding.InvalidCredentials, finding.ExpiredCredentials, finding.RevokedCredentials, finding.AccountDisabled:
		return credential()
	case finding.AppNotFound:
		return finding.Attr("auth", "client_id")
	case finding.InvalidScope, finding.InsufficientScope:
		return finding.Attr("required_scopes")
	case finding.AccessDenied, finding.ConsentRequired:
		if f.Code == "unauthorized_client" || strings.Contains(f.Summary, "grant type") {
			return r.spec.SettingPath("grant_type")
		}
		return finding.Attr("auth", "client_id")
	case finding.InvalidConfiguration:
		if f.Code == "unsupported_grant_type" {
			return r.spec.SettingPath("grant_type")
		}
	}
	if step == StepRefresh || o.GrantType == GrantRefreshToken {
		_, p := o.refreshEndpoint()
		return p
	}
	return o.TokenURLPath
}

// scopePath points an invalid_scope at the scope the server named, when it
// named one of the required scopes.
func (r *runner) scopePath(f finding.Finding) finding.Path {
	base := finding.Attr("required_scopes")
	for i, sc := range r.spec.RequiredScopes {
		if strings.Contains(f.Detail, quote(sc)) {
			return base.Index(i)
		}
	}
	return base
}

func (r *runner) stepTokenResponse() StepResult {
	tok := r.token
	o := r.plan.OAuth2
	var fs []finding.Finding
	var notes []string

	switch tt := tok.TokenType; {
	case tt == "":
		fs = append(fs, finding.Warnf(finding.UnexpectedResponse, o.TokenURLPath, "The token response has no token_type").
			WithCode("RFC6749-5.1").
			WithDetail("RFC 6749 §5.1 requires token_type; Handshake assumed Bearer."))
	case !strings.EqualFold(tt, "bearer"):
		fs = append(fs, finding.Warnf(finding.UnexpectedResponse, o.TokenURLPath, "The token type is %q, not Bearer", cleanText(tt, 40)).
			WithCode("RFC6750").
			WithDetail("Clients usually send tokens as Bearer tokens (RFC 6750); a %q token needs a client that supports it.", cleanText(tt, 40)))
	default:
		notes = append(notes, "Bearer token")
	}

	if tok.Expiry.IsZero() {
		fs = append(fs, finding.Warnf(finding.UnexpectedResponse, o.TokenURLPath, "The token response has no expires_in: clients cannot know when to refresh").
			WithCode("RFC6749-5.1").
			WithDetail("The token endpoint issued an access token without expires_in (RECOMMENDED by RFC 6749 §5.1). A client cannot know when the token expires, so it cannot refresh it ahead of time: it finds out when an API call fails with 401 and must then request a new token and retry. handshake_access_token reports no expires_at for it and Terraform cannot renew it early.").
			WithFix("Have the authorization server include expires_in in token responses, or make sure the integration requests a new token when a call fails with 401 (invalid_token)."))
	} else if v := tok.Extra("expires_in"); v != nil {
		notes = append(notes, fmt.Sprintf("expires_in %v", v))
	}

	if r.spec.RequireRefreshToken && o.GrantType != GrantRefreshToken && tok.RefreshToken == "" {
		f := finding.Errorf(finding.RefreshTokenMissing, finding.Attr("require_refresh_token"),
			"The token response has no refresh token")
		switch o.GrantType {
		case GrantClientCredentials:
			f = f.WithDetail("The server issued no refresh token for the client credentials grant, as RFC 6749 §4.4.3 recommends; the client needs none, it can request a new token with its credentials.").
				WithFix("Set require_refresh_token = false.")
		default:
			f = f.WithDetail("require_refresh_token is true, but the %s grant returned no refresh_token.", o.GrantType).
				WithFix("Request the scope that grants refresh tokens (offline_access on OpenID Connect servers) and allow the refresh_token grant for the client.")
		}
		fs = append(fs, f)
	}
	if o.GrantType == GrantRefreshToken && tok.RefreshToken != "" && tok.RefreshToken != o.RefreshToken.Value {
		fs = append(fs, finding.Warnf(finding.RevokedCredentials, secretPath(o.RefreshToken, "token"),
			"The service rotated the refresh token during the check").
			WithCode("RFC6749-6").
			WithDetail("redeem_refresh_token is true, so the check redeemed the refresh token, and the server returned a new one: the one in %s has been used up. Services that rotate refresh tokens may reject it from now on, and some revoke the whole grant when a used refresh token is presented again.", pathLabel(secretPath(o.RefreshToken, "token"))).
			WithFix("Remove redeem_refresh_token (it defaults to false): the check then verifies the client and, where the server offers introspection, the refresh token, without spending it.",
				"To redeem on purpose, use ephemeral \"handshake_access_token\" with redeem_refresh_token = true: it returns the rotated token in its ephemeral refresh_token attribute, for a secret store's write-only argument."))
	}

	granted, echoed := grantedScopes(tok)
	if !echoed {
		granted = slices.Clone(o.Scopes)
		if len(o.Scopes) > 0 {
			notes = append(notes, "no scope in the response: the requested scopes are granted (RFC 6749 §5.1)")
		}
	}
	r.grant(granted)
	if echoed {
		for i, req := range r.spec.RequiredScopes {
			if !slices.Contains(granted, req) {
				fs = append(fs, finding.Errorf(finding.InsufficientScope, finding.Attr("required_scopes").Index(i),
					"Scope %q was not granted", req).
					WithDetail("The token endpoint issued a token with scope %q, without %q. Servers drop scopes they do not know or that the client may not have, without an error (RFC 6749 §3.3).",
						strings.Join(granted, " "), req).
					WithFix("Allow the scope for the client in the authorization server (and grant consent), or remove it from required_scopes if it is not needed."))
			}
		}
	}
	if len(r.granted) > 0 {
		notes = append(notes, "granted "+strings.Join(r.granted, " "))
	}

	res := StepResult{Outcome: OutcomeOK, Message: strings.Join(notes, "; "), Findings: fs}
	for _, f := range fs {
		if f.Severity == finding.Error {
			res.Outcome, res.Message = OutcomeFailed, f.Summary
			break
		}
		res.Outcome = OutcomeWarning
	}
	if res.Message == "" {
		res.Message = "token response checked"
	}
	return res
}

// grant records the granted scopes, sorted and without duplicates.
func (r *runner) grant(scopes []string) {
	g := slices.Clone(scopes)
	sort.Strings(g)
	r.granted = slices.Compact(g)
}

// grantedScopes reads the "scope" member of the token response (a string,
// or a list as some servers send it).
func grantedScopes(tok *oauth2.Token) ([]string, bool) {
	switch v := tok.Extra("scope").(type) {
	case string:
		return strings.Fields(v), true
	case []any:
		var out []string
		for _, s := range v {
			if str, ok := s.(string); ok {
				out = append(out, strings.Fields(str)...)
			}
		}
		return out, true
	case []string:
		return v, true
	}
	return nil, false
}

// stepRefresh exercises the refresh grant with the refresh token the token
// step returned, when the connector expects one.
func (r *runner) stepRefresh() StepResult {
	o := r.plan.OAuth2
	switch {
	case o.GrantType == GrantRefreshToken:
		return StepResult{Outcome: OutcomeSkipped, Message: "the token step already used the refresh grant"}
	case r.token.RefreshToken == o.RefreshToken.Value:
		// Never spend a configured refresh token here: only one the check
		// itself was just issued.
		return StepResult{Outcome: OutcomeSkipped, Message: "the refresh token is the configured one; it is not redeemed"}
	case r.token.RefreshToken == "":
		return StepResult{Outcome: OutcomeSkipped, Message: "no refresh token was issued"}
	case !r.spec.RequireRefreshToken:
		return StepResult{Outcome: OutcomeSkipped, Message: "require_refresh_token is false"}
	case o.AuthStyle == AuthPrivateKeyJWT:
		return StepResult{Outcome: OutcomeSkipped, Message: "not testable: refresh with private_key_jwt client authentication"}
	}
	key := r.cacheKey
	key.Extra = append(slices.Clone(key.Extra), "refresh")
	rt := r.token.RefreshToken
	tok, _, err := r.client.Tokens().Token(r.ctx, key, func(ctx context.Context) (*oauth2.Token, error) {
		return r.fetchToken(ctx, GrantRefreshToken, rt)
	})
	if err != nil {
		return failed(r.tokenFinding(err, StepRefresh))
	}
	r.refreshed = tok
	return StepResult{Outcome: OutcomeOK, Message: "the refresh grant returned a new access token"}
}

func (r *runner) stepAPIAfterRefresh() StepResult {
	if r.refreshed == nil {
		return StepResult{Outcome: OutcomeSkipped, Message: "no refreshed token to test"}
	}
	return r.callAPI(StepAPIAfterRefresh, r.refreshed)
}
