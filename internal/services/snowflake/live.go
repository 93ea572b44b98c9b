package snowflake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	xoauth2 "golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// Live checks. Every auth method ends in the same probe: the SQL API
// (POST /api/v2/statements) runs SELECT CURRENT_USER(), CURRENT_ROLE(),
// CURRENT_ACCOUNT() — no table, no privilege beyond the session's role and
// a warehouse is not needed — with the token-type header each method needs:
//
//   - key-pair: a JWT signed here (iss ACCOUNT.USER.SHA256:<fingerprint>,
//     sub ACCOUNT.USER), KEYPAIR_JWT;
//   - programmatic access token: the token itself, PROGRAMMATIC_ACCESS_TOKEN;
//   - Snowflake OAuth: an access token from /oauth/token-request, OAUTH.
//
// Snowflake OAuth refresh tokens can be single-use
// (OAUTH_SINGLE_USE_REFRESH_TOKENS_REQUIRED), so the refresh token is
// redeemed only with redeem_refresh_token = true. Otherwise the token step
// sends a deliberately invalid refresh token: Snowflake authenticates the
// client first, so invalid_grant proves the client id and secret and
// invalid_client refutes them, and nothing is spent. Client credentials go
// in HTTP Basic as they are: Snowflake does not URL-decode them (RFC 6749
// §2.3.1 form encoding, which golang.org/x/oauth2 applies, breaks client ids
// with "/" or "="), so these requests are made here, not through x/oauth2.

const (
	stepSQL      = "sql_api"
	probeSQL     = "SELECT CURRENT_USER(), CURRENT_ROLE(), CURRENT_ACCOUNT()"
	invalidGrant = "handshake-deliberately-invalid-refresh-token"
	maxBody      = 64 << 10
)

// Auth methods.
const (
	methodKeyPair = "KEYPAIR_JWT"
	methodPAT     = "PROGRAMMATIC_ACCESS_TOKEN"
	methodOAuth   = "OAUTH"
)

type run struct {
	spec     *connector.Spec
	base     string
	basePath finding.Path // base_url when set, else account
	acct     account
	method   string
}

// Plan is the live check of a Snowflake connector.
func Plan(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	acctPath := s.SettingPath("account")
	acct, ok := parseAccount(s.Setting("account"))
	if !ok {
		return nil, []finding.Finding{finding.Errorf(finding.InvalidConfiguration, acctPath,
			"No Snowflake account to check").WithCode("251001").
			WithFix("Set snowflake.account to orgname-accountname.")}
	}
	r := &run{spec: s, acct: acct, basePath: acctPath, base: "https://" + acct.host}
	if b, ok := kit.Known(s, "base_url"); ok {
		r.base, r.basePath = strings.TrimRight(strings.TrimSpace(b), "/"), s.SettingPath("base_url")
	}
	plan := &probe.Plan{Target: r.base, TargetPath: r.basePath, Decode: Decode}
	sql := probe.CustomStep{Name: stepSQL, Run: r.stepSQL}
	switch {
	case s.Auth.PrivateKey.Value != "" && s.Auth.Username != "":
		r.method = methodKeyPair
		plan.Steps = []probe.CustomStep{sql}
	case s.Auth.ClientID != "":
		if s.Auth.ClientSecret.Value == "" {
			return nil, []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.SecretPath(s.Auth.ClientSecret, "client_secret"),
				"Snowflake OAuth needs the integration's client secret").
				WithFix("Set auth.client_secret_wo from SELECT SYSTEM$SHOW_OAUTH_CLIENT_SECRETS('<integration>'), or use key-pair authentication.")}
		}
		r.method = methodOAuth
		plan.Steps = []probe.CustomStep{{Name: probe.StepToken, Run: r.stepToken}, sql}
		if len(s.RedirectURIs) > 0 {
			plan.Steps = append(plan.Steps, probe.CustomStep{Name: probe.StepRedirectURIs, Run: r.stepRedirects, Needs: []string{probe.StepTLS}})
		}
	case s.Auth.Token.Value != "":
		r.method = methodPAT
		plan.Steps = []probe.CustomStep{sql}
	default:
		return nil, []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("username"),
			"The Snowflake connector has no credential to check").
			WithFix("Set auth.username and auth.private_key_wo (key-pair), auth.token_wo (a programmatic access token), or auth.client_id, auth.client_secret_wo and auth.token_wo (Snowflake OAuth).")}
	}
	return plan, nil
}

// credentialPath is the attribute holding what authenticates the probe.
func (r *run) credentialPath() finding.Path {
	if r.method == methodKeyPair {
		return kit.SecretPath(r.spec.Auth.PrivateKey, "private_key")
	}
	return kit.SecretPath(r.spec.Auth.Token, "token")
}

// pathFor is the attribute a Snowflake error points at.
func (r *run) pathFor(f finding.Finding) finding.Path {
	s := r.spec
	switch {
	case f.Code == "invalid_client":
		return kit.SecretPath(s.Auth.ClientSecret, "client_secret")
	case f.Code == "390189" || f.Code == codeDefaultRole || f.Code == codeInvalidConsent:
		if _, ok := kit.Known(s, "role"); ok {
			return s.SettingPath("role")
		}
		return r.credentialPath()
	case f.Code == "000606" || f.Code == "002003":
		if _, ok := kit.Known(s, "warehouse"); ok {
			return s.SettingPath("warehouse")
		}
		return r.credentialPath()
	case f.Code == "390101" || f.Code == "390102":
		if r.method == methodKeyPair {
			return kit.AuthPath("username")
		}
		return r.credentialPath()
	}
	switch f.Category {
	case finding.InvalidCredentials, finding.ExpiredCredentials, finding.RevokedCredentials, finding.AccountDisabled,
		finding.PolicyBlocked, finding.AccessDenied:
		return r.credentialPath()
	case finding.TenantNotFound, finding.InvalidConfiguration:
		return s.SettingPath("account")
	case finding.InsufficientScope, finding.InvalidScope:
		return finding.Attr("required_scopes")
	case finding.RedirectURIMismatch, finding.RedirectURIInvalid:
		return finding.Attr("redirect_uris")
	}
	return r.basePath
}

// classify decodes a refused answer (Snowflake's decoder, then the generic
// ones) and points it at its attribute.
func (r *run) classify(env *probe.Env, resp probe.Response, what string) finding.Finding {
	f := env.Decode(resp)
	if r.method == methodPAT && f.Code == "390303" {
		// The PAT is the credential: a rejected one is wrong or removed.
		f.Category = finding.InvalidCredentials
		f.Summary = "Snowflake rejected the programmatic access token (390303)"
		f.Remediation = []string{"Check auth.token_wo: SHOW USER PROGRAMMATIC ACCESS TOKENS FOR USER <user> lists the user's tokens; generate a new one with ALTER USER <user> ADD PROGRAMMATIC ACCESS TOKEN <name>."}
	}
	if f.Code == codeAccountNotFound && r.acct.regionless {
		f.Detail += fmt.Sprintf(" snowflake.account is the locator %s without a region.", strings.ToLower(r.acct.jwt))
	}
	f.Path = r.pathFor(f)
	f.Summary = prefixed(what, f.Summary)
	return f
}

// prefixed joins a step's name and a summary, keeping "Snowflake" capital.
func prefixed(what, summary string) string {
	if strings.HasPrefix(summary, "Snowflake") {
		return what + ": " + summary
	}
	return what + ": " + kit.LowerFirstRune(summary)
}

func (r *run) netFailure(err error, what string) probe.StepResult {
	f := transport.Classify(err)
	f.Path = r.basePath
	f.Summary = prefixed(what, f.Summary)
	return probe.Failed(f)
}

// do sends a request and reads the answer (at most 64 KiB).
func do(c *http.Client, req *http.Request, step string) (probe.Response, error) {
	resp, err := c.Do(req)
	if err != nil {
		return probe.Response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil && req.Context().Err() != nil {
		return probe.Response{}, err
	}
	return probe.Response{Step: step, StatusCode: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// tokenRequest posts a refresh grant to /oauth/token-request with the
// client's credentials in HTTP Basic, unencoded (see the file comment).
func (r *run) tokenRequest(ctx context.Context, env *probe.Env, refreshToken string) (probe.Response, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
	if len(r.spec.RedirectURIs) > 0 {
		form.Set("redirect_uri", r.spec.RedirectURIs[0])
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.base+"/oauth/token-request", strings.NewReader(form.Encode()))
	if err != nil {
		return probe.Response{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(r.spec.Auth.ClientID, r.spec.Auth.ClientSecret.Value)
	return do(env.HTTP, req, probe.StepToken)
}

// stepToken verifies the OAuth client, and redeems the refresh token only
// when the connector allows it.
func (r *run) stepToken(ctx context.Context, env *probe.Env) probe.StepResult {
	rt := r.spec.Auth.Token.Value
	if rt == "" || !r.spec.RedeemRefreshToken {
		return r.verifyClient(ctx, env, rt != "")
	}
	resp, err := r.tokenRequest(ctx, env, rt)
	if err != nil {
		return r.netFailure(err, "Token refresh")
	}
	var body struct {
		AccessToken           string `json:"access_token"`
		TokenType             string `json:"token_type"`
		ExpiresIn             int64  `json:"expires_in"`
		RefreshToken          string `json:"refresh_token"`
		RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
		Scope                 string `json:"scope"`
		Username              string `json:"username"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(resp.Body, &body) != nil || body.AccessToken == "" {
		f := r.classify(env, resp, "Token refresh")
		if f.Code == "invalid_grant" {
			f.Path = r.credentialPath()
		}
		return probe.Failed(f)
	}
	now := env.Now()
	tok := &xoauth2.Token{AccessToken: body.AccessToken, TokenType: "Bearer", RefreshToken: body.RefreshToken}
	if body.ExpiresIn > 0 {
		tok.Expiry = now.Add(time.Duration(body.ExpiresIn) * time.Second)
	}
	env.UseToken(tok)
	tokPath := r.credentialPath()
	res := probe.StepResult{Outcome: probe.OutcomeOK, Message: fmt.Sprintf("/oauth/token-request issued an access token valid for %s", time.Duration(body.ExpiresIn)*time.Second)}
	if body.RefreshTokenExpiresIn > 0 {
		env.CredentialExpires(now.Add(time.Duration(body.RefreshTokenExpiresIn)*time.Second), tokPath, "Snowflake refresh token in "+tokPath.String())
	}
	if body.Scope != "" {
		granted := strings.Fields(body.Scope)
		env.GrantScopes(granted)
		for i, sc := range r.spec.RequiredScopes {
			// refresh_token asks for the refresh token itself; Snowflake
			// need not list it among the session's scopes.
			if sc == "refresh_token" || slices.ContainsFunc(granted, func(g string) bool { return strings.EqualFold(g, sc) }) {
				continue
			}
			res.Findings = append(res.Findings, finding.Errorf(finding.InsufficientScope, kit.ScopePath(i),
				"Snowflake did not grant %s", sc).
				WithCode("SNOWFLAKE-SCOPE").
				WithDetail("The refreshed token's scope is %q. A refresh keeps the scopes of the original sign-in, and Snowflake grants session:role:<ROLE> only for a role the user has.", body.Scope).
				WithFix("Grant the role to the user (GRANT ROLE <role> TO USER <user>), then complete the sign-in again requesting "+sc+"."))
		}
	}
	if body.RefreshToken != "" && body.RefreshToken != rt {
		res.Findings = append(res.Findings, finding.Warnf(finding.RevokedCredentials, tokPath,
			"Snowflake rotated the refresh token during the check").
			WithCode("SNOWFLAKE-REFRESH-ROTATED").
			WithDetail("The integration issues single-use refresh tokens (OAUTH_SINGLE_USE_REFRESH_TOKENS_REQUIRED = TRUE): redeeming the one in %s returned a new one, and the stored one no longer works.", tokPath).
			WithFix("Remove redeem_refresh_token (it defaults to false): the check then verifies the client without spending the refresh token.",
				"To redeem on purpose, use ephemeral \"handshake_access_token\" with redeem_refresh_token = true, which returns the new refresh token for a secret store's write-only argument; or use key-pair authentication for unattended connectors."))
	}
	for _, f := range res.Findings {
		if f.Severity == finding.Error {
			res.Outcome, res.Message = probe.OutcomeFailed, f.Summary
			break
		}
		res.Outcome = probe.OutcomeWarning
	}
	return res
}

// verifyClient checks the client id and secret with a deliberately invalid
// refresh token: invalid_grant means the client authenticated.
func (r *run) verifyClient(ctx context.Context, env *probe.Env, haveRefreshToken bool) probe.StepResult {
	resp, err := r.tokenRequest(ctx, env, invalidGrant)
	if err != nil {
		return r.netFailure(err, "Client check")
	}
	if e, ok := readError(resp); ok && e.code == "invalid_grant" {
		msg := "client id and secret verified (/oauth/token-request refused a deliberately invalid refresh token with invalid_grant)"
		if haveRefreshToken {
			msg += "; the refresh token in " + r.credentialPath().String() + " was not redeemed, since Snowflake refresh tokens can be single-use (redeem_refresh_token = true allows it)"
		}
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: msg}
	}
	if resp.StatusCode == http.StatusOK {
		return probe.StepResult{Outcome: probe.OutcomeWarning, Message: "the token endpoint accepted a deliberately invalid refresh token",
			Findings: []finding.Finding{finding.Warnf(finding.UnexpectedResponse, r.basePath,
				"Snowflake's token endpoint accepted a deliberately invalid refresh token").
				WithDetail("Handshake sent a made-up refresh token to check the client, and %s/oauth/token-request issued a token for it.", transport.RedactURL(r.base)).
				WithFix("Check that snowflake.account (or base_url) points at Snowflake.")}}
	}
	return probe.Failed(r.classify(env, resp, "Client check"))
}

// sqlRequest is the SQL API's request body.
type sqlRequest struct {
	Statement string `json:"statement"`
	Timeout   int    `json:"timeout"`
	Role      string `json:"role,omitempty"`
	Warehouse string `json:"warehouse,omitempty"`
}

// stepSQL runs the probe statement with the connector's credential.
func (r *run) stepSQL(ctx context.Context, env *probe.Env) probe.StepResult {
	bearer := ""
	switch r.method {
	case methodKeyPair:
		jwt, fp, err := keyPairJWT(r.acct.jwt, r.spec.Auth.Username, r.spec.Auth.PrivateKey.Value, env.Now())
		if err != nil {
			return probe.Failed(finding.Errorf(finding.InvalidCredentials, r.credentialPath(), "The private key cannot sign Snowflake's key-pair JWT").
				WithCode("SNOWFLAKE-KEY-PAIR").WithDetail("%s.", err.Error()).
				WithFix("Use an unencrypted RSA private key (PKCS#8 or PKCS#1 PEM) of at least 2048 bits."))
		}
		if f, bad := r.fingerprintMismatch(fp); bad {
			return probe.Failed(f)
		}
		bearer = jwt
	case methodPAT:
		bearer = r.spec.Auth.Token.Value
	default:
		if env.Token == nil || env.Token.AccessToken == "" {
			return probe.StepResult{Outcome: probe.OutcomeSkipped,
				Message: "no access token: the refresh token was not redeemed (redeem_refresh_token = true lets the check exchange it and run the SQL API probe)"}
		}
		bearer = env.Token.AccessToken
	}
	body, _ := json.Marshal(sqlRequest{Statement: probeSQL, Timeout: 10,
		Role: strings.TrimSpace(r.spec.Setting("role")), Warehouse: strings.TrimSpace(r.spec.Setting("warehouse"))})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.base+"/api/v2/statements", strings.NewReader(string(body)))
	if err != nil {
		return probe.Failed(finding.Errorf(finding.InvalidConfiguration, r.basePath, "The Snowflake URL is not usable").WithDetail("%s.", err.Error()))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("X-Snowflake-Authorization-Token-Type", r.method)
	resp, err := do(env.HTTP, req, stepSQL)
	if err != nil {
		return r.netFailure(err, "SQL API probe")
	}
	switch {
	case resp.StatusCode == http.StatusAccepted:
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: "the SQL API accepted the probe statement (still running: 202)"}
	case resp.StatusCode != http.StatusOK:
		return probe.Failed(r.classify(env, resp, "SQL API probe"))
	}
	return r.checkSession(env, resp)
}

// checkSession reads the probe's row: the session's user and role.
func (r *run) checkSession(env *probe.Env, resp probe.Response) probe.StepResult {
	var out struct {
		Data [][]*string `json:"data"`
	}
	if json.Unmarshal(resp.Body, &out) != nil || len(out.Data) != 1 || len(out.Data[0]) < 3 {
		return probe.Failed(finding.Errorf(finding.UnexpectedResponse, r.basePath, "The SQL API answered without the probe's row").
			WithDetail("POST /api/v2/statements answered 200, but not with Snowflake's result set (data[0] with user, role and account).").
			WithFix("Check that snowflake.account (or base_url) points at Snowflake's SQL API."))
	}
	cell := func(i int) string {
		if out.Data[0][i] == nil {
			return ""
		}
		return kit.Clean(*out.Data[0][i], 120)
	}
	user, role, acct := cell(0), cell(1), cell(2)
	res := probe.StepResult{Outcome: probe.OutcomeOK,
		Message: fmt.Sprintf("SELECT ran as user %s in role %s (account %s)", user, kit.OrDefault(role, "none"), acct)}
	if role != "" && r.method != methodOAuth {
		env.GrantScopes([]string{"session:role:" + role})
	}
	want := strings.Trim(strings.TrimSpace(r.spec.Setting("role")), `"`)
	for i, sc := range r.spec.RequiredScopes {
		if w, ok := strings.CutPrefix(sc, "session:role:"); ok && w != "" && !strings.EqualFold(w, role) {
			res.Findings = append(res.Findings, finding.Errorf(finding.InsufficientScope, kit.ScopePath(i),
				"The Snowflake session runs in role %s, not %s", kit.OrDefault(role, "none"), w).
				WithCode("SNOWFLAKE-SCOPE").
				WithDetail("The probe's CURRENT_ROLE() is %s. A programmatic access token is limited to its ROLE_RESTRICTION, and other sessions start in the requested role or the user's DEFAULT_ROLE.", kit.OrDefault(role, "none")).
				WithFix("GRANT ROLE "+w+" TO USER "+kit.OrDefault(user, "<user>")+", and set snowflake.role = \""+w+"\" (or the user's DEFAULT_ROLE)."))
		}
	}
	if want != "" && role != "" && !strings.EqualFold(want, role) && len(res.Findings) == 0 {
		res.Findings = append(res.Findings, finding.Warnf(finding.InvalidConfiguration, r.spec.SettingPath("role"),
			"The Snowflake session runs in role %s, not %s", role, want).
			WithCode("SNOWFLAKE-ROLE").
			WithDetail("The probe asked for role %s and CURRENT_ROLE() answered %s: a programmatic access token's ROLE_RESTRICTION or the OAuth scope decides the role.", want, role).
			WithFix("Set snowflake.role to the role the credential is restricted to, or issue the credential for role "+want+"."))
	}
	for _, f := range res.Findings {
		if f.Severity == finding.Error {
			res.Outcome, res.Message = probe.OutcomeFailed, f.Summary
			return res
		}
		res.Outcome = probe.OutcomeWarning
	}
	return res
}

// stepRedirects asks /oauth/authorize to start a sign-in with each redirect
// URI, without following redirects: Snowflake answers a URI other than the
// integration's OAUTH_REDIRECT_URI with its mismatch page, and a registered
// one with the login page.
func (r *run) stepRedirects(ctx context.Context, env *probe.Env) probe.StepResult {
	noFollow := *env.HTTP
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	var fs []finding.Finding
	for i, uri := range r.spec.RedirectURIs {
		q := url.Values{"client_id": {r.spec.Auth.ClientID}, "response_type": {"code"}, "redirect_uri": {uri},
			"scope": {"refresh_token"}, "state": {"handshake-redirect-check"}}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+"/oauth/authorize?"+q.Encode(), nil)
		if err != nil {
			return probe.Failed(finding.Errorf(finding.InvalidConfiguration, r.basePath, "The Snowflake URL is not usable"))
		}
		req.Header.Set("Accept", "text/html")
		resp, err := do(&noFollow, req, probe.StepRedirectURIs)
		if err != nil {
			return r.netFailure(err, "Authorization endpoint")
		}
		e, known := readError(resp)
		switch {
		case known && e.code == codeRedirectMismatch:
			f := e.finding()
			f.Path = finding.Attr("redirect_uris").Index(i)
			f.Summary = fmt.Sprintf("redirect_uris[%d] is not the redirect URI of the Snowflake integration (%s)", i, codeRedirectMismatch)
			integ := kit.OrDefault(r.spec.Setting("integration"), "<integration>")
			f.Remediation = []string{fmt.Sprintf("ALTER SECURITY INTEGRATION %s SET OAUTH_REDIRECT_URI = '%s' (an integration has one redirect URI), or correct redirect_uris[%d].", integ, uri, i)}
			fs = append(fs, f)
		case resp.StatusCode >= 300 && resp.StatusCode < 400, resp.StatusCode >= 200 && resp.StatusCode < 300 && !known:
			// the login page, or a redirect to it: the URI is registered
		default:
			return probe.Failed(r.classify(env, resp, "Authorization endpoint"))
		}
	}
	if len(fs) > 0 {
		return probe.StepResult{Outcome: probe.OutcomeFailed, Message: fs[0].Summary, Findings: fs}
	}
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: fmt.Sprintf("%d redirect URI(s) accepted by /oauth/authorize", len(r.spec.RedirectURIs))}
}
