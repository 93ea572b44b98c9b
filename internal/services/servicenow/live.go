package servicenow

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	xoauth2 "golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// Live checks for ServiceNow. The token step is ServiceNow's own, not the
// probe's generic OAuth 2.0 one: the password grant is ServiceNow's usual
// flow, the token response's scope is always "useraccount" (a token has the
// user's rights, so required roles are compared with the user's roles, not
// with scopes), and a hibernating developer instance answers the token
// endpoint with an HTML page and status 200, which must be recognised before
// any OAuth handling. Steps:
//
//	token           POST /oauth_token.do (password or client credentials grant)
//	token_response  refresh token when require_refresh_token
//	table_api       GET /api/now/table/sys_user?sysparm_limit=1: the credential
//	                works for REST
//	roles           the user's roles (sys_user_has_role, "Me" filter) against
//	                the roles listed in required_scopes

const (
	stepTableAPI = "table_api"
	stepRoles    = "roles"
	maxBody      = 64 << 10
	// The "Me" dynamic filter: the sys_id of the dynamic filter option that
	// stands for the signed-in user in encoded queries, whichever way the
	// user authenticated (a client credentials token's user is not named in
	// the token response).
	meFilter = "DYNAMIC90d1921e5f510100a9ad2572f2b477fe"
	// scopeUserAccount is the only scope ServiceNow grants.
	scopeUserAccount = "useraccount"
)

// Authentication modes.
const (
	modeBasic    = "basic auth"
	modeBearer   = "bearer token"
	modePassword = "password grant"
	modeClient   = "client credentials grant"
)

// run is one live check of one connector.
type run struct {
	spec     *connector.Spec
	base     string // the instance's root URL, no trailing slash
	basePath finding.Path
	mode     string
}

// Plan is the service's live-check planner.
func Plan(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	r := &run{spec: s, basePath: s.SettingPath("instance")}
	if b := strings.TrimSpace(s.Setting("base_url")); b != "" {
		r.base, r.basePath = strings.TrimRight(b, "/"), s.SettingPath("base_url")
	} else {
		host := strings.ToLower(strings.TrimSpace(s.Setting("instance")))
		if host == "" {
			return nil, nil // the schema requires it; SERVICENOW-INSTANCE explains it
		}
		if !strings.Contains(host, ".") && !strings.Contains(host, ":") {
			host += ".service-now.com"
		}
		r.base = "https://" + host
	}
	a := s.Auth
	switch {
	case a.ClientID != "" && a.ClientSecret.Value != "" && a.Username != "" && a.Password.Value != "":
		r.mode = modePassword
	case a.ClientID != "" && a.ClientSecret.Value != "" && a.Username == "":
		r.mode = modeClient
	case a.Token.Value != "":
		r.mode = modeBearer
	case a.Username != "" && a.Password.Value != "":
		r.mode = modeBasic
	case a.Username != "" || a.Password.IsSet():
		return nil, nil // SERVICENOW-BASIC-AUTH explains it offline
	default:
		return nil, []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("password"),
			"The ServiceNow connector has no credential to test").
			WithCode("SERVICENOW-NO-CREDENTIAL").
			WithDetail("ServiceNow needs a user name and password (basic auth), an OAuth client id and secret (with the user name and password for the password grant), or a bearer token.").
			WithFix("Set auth.username and auth.password_wo for basic auth, or see the ServiceNow guide for OAuth.")}
	}
	steps := []probe.CustomStep{}
	if r.mode == modePassword || r.mode == modeClient {
		steps = append(steps, probe.CustomStep{Name: probe.StepToken, Run: r.stepToken},
			probe.CustomStep{Name: probe.StepTokenResponse, Run: r.stepTokenResponse})
	}
	steps = append(steps, probe.CustomStep{Name: stepTableAPI, Run: r.stepTableAPI})
	if len(r.requiredRoles()) > 0 {
		steps = append(steps, probe.CustomStep{Name: stepRoles, Run: r.stepRoles})
	}
	return &probe.Plan{Target: r.base, TargetPath: r.basePath, Decode: Decode, Steps: steps}, nil
}

// ---- attribute paths -----------------------------------------------------

func (r *run) secretPath() finding.Path {
	return kit.SecretPath(r.spec.Auth.ClientSecret, "client_secret")
}

func (r *run) passwordPath() finding.Path { return kit.SecretPath(r.spec.Auth.Password, "password") }

// credentialPath is the secret a refusal of the credentials points at.
func (r *run) credentialPath() finding.Path {
	switch r.mode {
	case modeBasic:
		return r.passwordPath()
	case modeBearer:
		return kit.SecretPath(r.spec.Auth.Token, "token")
	}
	return r.secretPath()
}

// identityPath is where the ServiceNow user behind the requests is chosen:
// the user name, the client (its OAuth Application User), or the token.
func (r *run) identityPath() finding.Path {
	switch r.mode {
	case modeBasic, modePassword:
		return kit.AuthPath("username")
	case modeClient:
		return kit.AuthPath("client_id")
	}
	return kit.SecretPath(r.spec.Auth.Token, "token")
}

// pathFor is the attribute a ServiceNow refusal points at.
func (r *run) pathFor(f finding.Finding) finding.Path {
	switch f.Category {
	case finding.InvalidCredentials:
		return r.credentialPath()
	case finding.AccessDenied:
		return r.identityPath()
	case finding.FeatureDisabled:
		return kit.AuthPath("client_id")
	case finding.InsufficientScope:
		return finding.Attr("required_scopes")
	}
	return r.basePath
}

// ---- HTTP ----------------------------------------------------------------

// send makes one request and reads the answer (at most 64 KiB).
func (r *run) send(env *probe.Env, req *http.Request, step string) (probe.Response, error) {
	req.Header.Set("Accept", "application/json")
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

// get calls the Table API with the connector's credential (or the token the
// token step obtained).
func (r *run) get(ctx context.Context, env *probe.Env, step, pathAndQuery string, basic bool) (probe.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+pathAndQuery, nil)
	if err != nil {
		return probe.Response{}, err
	}
	switch {
	case basic || r.mode == modeBasic:
		req.SetBasicAuth(r.spec.Auth.Username, r.spec.Auth.Password.Value)
	case r.mode == modeBearer:
		req.Header.Set("Authorization", "Bearer "+r.spec.Auth.Token.Value)
	case env.Token != nil:
		env.Token.SetAuthHeader(req)
	}
	return r.send(env, req, step)
}

func (r *run) netFailure(err error, what string) probe.StepResult {
	f := transport.Classify(err)
	f.Path = r.basePath
	f.Summary = what + ": " + kit.LowerFirstRune(f.Summary)
	return probe.Failed(f)
}

// refused decodes an error answer (or an HTML page answered with 200) and
// points it at its attribute.
func (r *run) refused(env *probe.Env, resp probe.Response, where string) probe.StepResult {
	f := env.Decode(resp)
	f.Path = r.pathFor(f)
	f.Detail = strings.TrimSpace(fmt.Sprintf("%s answered HTTP %d. %s", where, resp.StatusCode, f.Detail))
	return probe.Failed(f)
}

// ---- token ---------------------------------------------------------------

func (r *run) stepToken(ctx context.Context, env *probe.Env) probe.StepResult {
	a := r.spec.Auth
	form := url.Values{"client_id": {a.ClientID}, "client_secret": {a.ClientSecret.Value}}
	if r.mode == modePassword {
		form.Set("grant_type", "password")
		form.Set("username", a.Username)
		form.Set("password", a.Password.Value)
	} else {
		form.Set("grant_type", "client_credentials")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.base+"/oauth_token.do", strings.NewReader(form.Encode()))
	if err != nil {
		return r.netFailure(err, "Token request")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := r.send(env, req, probe.StepToken)
	if err != nil {
		return r.netFailure(err, "Token request")
	}
	where := "POST /oauth_token.do"
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		TokenType    string `json:"token_type"`
		Scope        string `json:"scope"`
		ExpiresIn    int64  `json:"expires_in"`
	}
	switch {
	case resp.StatusCode < 200 || resp.StatusCode > 299 || isHTML(resp.Header, string(resp.Body)):
		res := r.refused(env, resp, where)
		if r.mode == modePassword && res.Findings[0].Category == finding.InvalidCredentials {
			res.Findings[0] = r.whichCredential(ctx, env, res.Findings[0])
			res.Message = res.Findings[0].Summary
		}
		return res
	case json.Unmarshal(resp.Body, &tok) != nil || tok.AccessToken == "":
		return probe.Failed(finding.Errorf(finding.UnexpectedResponse, r.basePath, "The token endpoint's answer is not a ServiceNow token response").
			WithDetail("%s answered %d without an access_token.", where, resp.StatusCode).
			WithFix("Check that instance (or base_url) is the instance's root, https://<instance>.service-now.com."))
	}
	t := &xoauth2.Token{AccessToken: tok.AccessToken, TokenType: "Bearer", RefreshToken: tok.RefreshToken}
	if tok.ExpiresIn > 0 {
		t.Expiry = env.Now().Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
	env.UseToken(t)
	// The scope is always useraccount: the token has the user's rights.
	env.GrantScopes(strings.Fields(tok.Scope))
	msg := fmt.Sprintf("the %s issued an access token", r.mode)
	if tok.ExpiresIn > 0 {
		msg += fmt.Sprintf(" valid for %s", time.Duration(tok.ExpiresIn)*time.Second)
	}
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: msg}
}

// whichCredential narrows the token endpoint's server_error/access_denied
// down, which ServiceNow answers alike for a wrong client secret and a wrong
// user password: the same user and password are tried with basic auth on the
// Table API. Any answer but 401 means the user's password is right, so the
// client id or secret is wrong.
func (r *run) whichCredential(ctx context.Context, env *probe.Env, f finding.Finding) finding.Finding {
	resp, err := r.get(ctx, env, probe.StepToken, "/api/now/table/sys_user?sysparm_limit=1&sysparm_fields=sys_id", true)
	switch {
	case err != nil || isHTML(resp.Header, string(resp.Body)):
		return f
	case resp.StatusCode == http.StatusUnauthorized:
		f.Path = r.passwordPath()
		f.Summary = "ServiceNow refused the user's password (the token endpoint and basic auth both refused it)"
		f.Detail += " The same user name and password were tried with basic auth on the Table API and refused too (User Not Authenticated), so the user's password is wrong, or the user is inactive or locked out."
		f.Remediation = []string{"Check auth.password (and auth.username, the User ID): sign in with them, or reset the password in the user's record.",
			"In the user's record (User Administration > Users) check that Active is set and Locked out is not."}
	default:
		f.Summary = "ServiceNow refused the OAuth client: the client id or secret is wrong"
		f.Detail += fmt.Sprintf(" The same user name and password were accepted with basic auth on the Table API (HTTP %d), so the user's password is right and the client id or secret is not (or the registry entry is inactive).", resp.StatusCode)
		f.Remediation = []string{"Copy the client id and secret again from System OAuth > Application Registry > the OAuth API endpoint (the secret is behind the lock icon), and check that the entry is Active."}
	}
	return f
}

func (r *run) stepTokenResponse(_ context.Context, env *probe.Env) probe.StepResult {
	if !r.spec.RequireRefreshToken || env.Token == nil || env.Token.RefreshToken != "" {
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: "scope useraccount: the token has the user's roles"}
	}
	f := finding.Errorf(finding.RefreshTokenMissing, finding.Attr("require_refresh_token"),
		"ServiceNow issued no refresh token for the %s", r.mode).
		WithCode("refresh_token")
	if r.mode == modeClient {
		f = f.WithDetail("require_refresh_token is true, but ServiceNow never returns a refresh token for the client credentials grant: the client gets a new access token with its id and secret.").
			WithFix("Set require_refresh_token = false.")
	} else {
		f = f.WithDetail("require_refresh_token is true, but the password grant returned no refresh_token: the registry entry's Refresh Token Lifespan is 0 or the entry does not issue refresh tokens.").
			WithFix("Set a Refresh Token Lifespan on the registry entry (System OAuth > Application Registry), or set require_refresh_token = false.")
	}
	return probe.Failed(f)
}

// ---- Table API -----------------------------------------------------------

func (r *run) stepTableAPI(ctx context.Context, env *probe.Env) probe.StepResult {
	const q = "/api/now/table/sys_user?sysparm_limit=1&sysparm_fields=sys_id&sysparm_exclude_reference_link=true"
	resp, err := r.get(ctx, env, stepTableAPI, q, false)
	if err != nil {
		return r.netFailure(err, "Table API call")
	}
	where := "GET /api/now/table/sys_user"
	if resp.StatusCode < 200 || resp.StatusCode > 299 || isHTML(resp.Header, string(resp.Body)) {
		res := r.refused(env, resp, where)
		if f := &res.Findings[0]; f.Category == finding.InvalidCredentials && env.Token != nil {
			f.Summary = "The Table API refused the access token the token endpoint had just issued"
		}
		return res
	}
	var body struct {
		Result []json.RawMessage `json:"result"`
	}
	if json.Unmarshal(resp.Body, &body) != nil || body.Result == nil {
		return probe.Failed(finding.Errorf(finding.UnexpectedResponse, r.basePath, "The Table API's answer is not ServiceNow's JSON").
			WithDetail("%s answered %d without a result list.", where, resp.StatusCode).
			WithFix("Check that instance (or base_url) is the instance's root, https://<instance>.service-now.com."))
	}
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: fmt.Sprintf("%s answered %d with %s (%d row)", where, resp.StatusCode, r.mode, len(body.Result))}
}
