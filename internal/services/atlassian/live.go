package atlassian

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// Live checks of Atlassian connectors, one per way of authenticating:
//
//   - API token (auth.username = the account's e-mail, auth.token): basic
//     auth to GET https://<site>/rest/api/3/myself. A scoped API token is
//     refused there with "scope does not match"; with cloud_id set the check
//     then asks the gateway, https://api.atlassian.com/ex/jira/<cloud_id>,
//     where scoped tokens belong. With cloud_id and no site, the gateway only.
//   - OAuth 2.0 (3LO) access token (auth.token alone): GET
//     api.atlassian.com/oauth/token/accessible-resources, which lists the
//     sites the grant covers and the scopes granted on each (checked against
//     cloud_id or site, and required_scopes), then /myself on the gateway.
//     The token is a JWT whose exp gives its expiry.
//   - OAuth 2.0 (3LO) refresh token (auth.client_id, client_secret, token):
//     Atlassian rotates refresh tokens, so the check does not redeem it
//     unless redeem_refresh_token = true; it proves the app's client secret
//     with a deliberately invalid refresh grant at auth.atlassian.com (the
//     probe's client check). Redeemed, the new access token is checked as
//     above.
//   - Organization admin API key (org_id, auth.token): GET
//     api.atlassian.com/admin/v1/orgs (the key's organizations), then the
//     organization's events (its audit log), which answers 402 "Audit Log
//     Entitlement validation failed" without Atlassian Guard.
//
// Jira answers carry X-RateLimit-NearLimit: true when less than a fifth of
// the account's budget is left; that is reported as a warning.

const (
	defaultGateway = "https://api.atlassian.com"
	defaultAuth    = "https://auth.atlassian.com"
	myselfPath     = "/rest/api/3/myself"
)

// run is one check's view of the connector.
type run struct {
	spec *connector.Spec
	// site, gateway, auth and admin are the base URLs of the site, the
	// api.atlassian.com gateway, auth.atlassian.com and the admin API (all
	// base_url when it is set).
	site, gateway, auth string
	basePath            finding.Path // base_url when set
	cloudID             string
}

// plan builds the live check of an Atlassian connector.
func plan(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	r := &run{spec: s, cloudID: strings.TrimSpace(s.Setting("cloud_id")),
		site: "https://" + strings.TrimSpace(s.Setting("site")), gateway: defaultGateway, auth: defaultAuth}
	if b := strings.TrimRight(strings.TrimSpace(s.Setting("base_url")), "/"); b != "" {
		r.site, r.gateway, r.auth, r.basePath = b, b, b, s.SettingPath("base_url")
	}
	tok := s.Auth.Token
	p := &probe.Plan{Decode: decode}
	switch {
	case tok.Value == "":
		return nil, nil // the offline rules say what is missing
	case strings.TrimSpace(s.Setting("org_id")) != "":
		p.Target, p.TargetPath = r.gateway, r.pathOr(s.SettingPath("org_id"))
		p.Steps = []probe.CustomStep{{Name: "organizations", Run: r.stepOrganizations}, {Name: "audit_events", Run: r.stepEvents}}
	case s.Auth.Username != "":
		if r.site == "https://" {
			if r.cloudID == "" {
				return nil, nil // ATLASSIAN-SITE explains it offline
			}
			r.site = "" // a scoped token with cloud_id only: the gateway
		}
		p.Target, p.TargetPath = r.siteOrGateway(), r.sitePath()
		p.Steps = []probe.CustomStep{{Name: "myself", Run: r.stepMyselfBasic}}
	case s.Auth.ClientID != "":
		if s.Auth.ClientSecret.Value == "" {
			return nil, []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.SecretPath(s.Auth.ClientSecret, "client_secret"),
				"Atlassian OAuth 2.0 (3LO) apps need their client secret").
				WithDetail("auth.atlassian.com requires the client secret with every refresh grant; Atlassian apps are confidential clients.").
				WithFix("Copy the Secret from developer.atlassian.com > your app > Settings into auth.client_secret_wo.")}
		}
		p.Target, p.TargetPath = r.auth, r.pathOr(nil)
		p.OAuth2 = &probe.OAuth2Plan{
			TokenURL: r.auth + "/oauth/token", TokenURLPath: r.pathOr(nil),
			GrantType: probe.GrantRefreshToken, AuthStyle: probe.AuthClientSecretPost,
			ClientID: s.Auth.ClientID, ClientSecret: s.Auth.ClientSecret, RefreshToken: tok,
			Scopes: s.RequiredScopes, Params: url.Values{},
		}
		p.Steps = []probe.CustomStep{{Name: "accessible_resources", Run: r.stepResources}, {Name: "myself", Run: r.stepMyselfBearer}}
	default:
		p.Target, p.TargetPath = r.gateway, r.pathOr(s.SettingPath("cloud_id"))
		p.Steps = []probe.CustomStep{{Name: "accessible_resources", Run: r.stepResources}, {Name: "myself", Run: r.stepMyselfBearer}}
	}
	return p, nil
}

// pathOr is base_url when it is set, else def.
func (r *run) pathOr(def finding.Path) finding.Path {
	if r.basePath != nil {
		return r.basePath
	}
	return def
}

func (r *run) sitePath() finding.Path {
	if kit.SettingUnset(r.spec, "site") {
		return r.pathOr(r.spec.SettingPath("cloud_id"))
	}
	return r.pathOr(r.spec.SettingPath("site"))
}

func (r *run) siteOrGateway() string {
	if r.site == "" {
		return r.gateway
	}
	return r.site
}

func (r *run) tokenPath() finding.Path { return kit.SecretPath(r.spec.Auth.Token, "token") }

// get makes one read-only call; auth sets its credential.
func (r *run) get(ctx context.Context, env *probe.Env, step, u string, auth func(*http.Request)) (probe.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return probe.Response{}, err
	}
	req.Header.Set("Accept", "application/json")
	auth(req)
	return env.Send(req, step)
}

// netFailure reports a call that got no answer.
func (r *run) netFailure(err error, what string, path finding.Path) probe.StepResult {
	f := transport.Classify(err)
	f.Path = path
	f.Summary = what + ": " + kit.LowerFirstRune(f.Summary)
	return probe.Failed(f)
}

// refused classifies an error answer and points it at the attribute at
// fault: the credential for refusals, the endpoint for outages.
func (r *run) refused(env *probe.Env, resp probe.Response, what string, endpoint finding.Path) probe.StepResult {
	f := env.Decode(resp)
	switch f.Category {
	case finding.InvalidCredentials, finding.ExpiredCredentials, finding.RevokedCredentials, finding.AccessDenied:
		f.Path = r.tokenPath()
	case finding.PolicyBlocked, finding.AccountDisabled:
		f.Path = kit.AuthPath("username")
		if r.spec.Auth.Username == "" {
			f.Path = r.tokenPath()
		}
	case finding.InsufficientScope:
		// The token lacks a scope the check itself needs (/myself): with
		// no required_scopes to point at, the token is the line to fix.
		f.Path = finding.Attr("required_scopes")
		if len(r.spec.RequiredScopes) == 0 {
			f.Path = r.tokenPath()
		}
	case finding.TenantNotFound:
		f.Path = r.sitePath()
		if !kit.SettingUnset(r.spec, "site") {
			f.Path = r.spec.SettingPath("site")
		}
	case finding.LicenseRequired:
		f.Path = r.spec.SettingPath("org_id")
	default:
		f.Path = endpoint
	}
	f.Summary = what + ": " + kit.LowerFirstRune(f.Summary)
	return probe.Failed(f)
}

// nearLimit warns when Jira says the account's rate-limit budget is nearly
// used up (X-RateLimit-NearLimit: true, under 20% left).
func (r *run) nearLimit(resp probe.Response, res *probe.StepResult) {
	if !strings.EqualFold(strings.TrimSpace(resp.Header.Get("X-RateLimit-NearLimit")), "true") {
		return
	}
	res.Outcome = probe.OutcomeWarning
	res.Findings = append(res.Findings, finding.Warnf(finding.RateLimited, r.sitePath(),
		"This account's Atlassian rate-limit budget is nearly used up").
		WithCode("X-RateLimit-NearLimit").
		WithDetail("The call succeeded, but Jira sent X-RateLimit-NearLimit: true: less than 20%% of the account's budget is left, and calls beyond it fail with HTTP 429 until the window resets.").
		WithFix("Spread the schedules of the jobs that use this account's credential, or give each integration its own account."))
}

// myself reads a /myself answer.
type myself struct {
	AccountID   string `json:"accountId"`
	AccountType string `json:"accountType"`
	Active      *bool  `json:"active"`
}

func (r *run) checkMyself(resp probe.Response, where string) probe.StepResult {
	var me myself
	if json.Unmarshal(resp.Body, &me) != nil || me.AccountID == "" {
		return probe.Failed(finding.Errorf(finding.UnexpectedResponse, r.sitePath(), "/myself did not answer with an Atlassian user").
			WithDetail("%s answered HTTP %d without a JSON user (accountId).", where, resp.StatusCode).
			WithFix("Check atlassian.site (or base_url): it must be the Cloud site's own host, not a login page or proxy."))
	}
	if me.Active != nil && !*me.Active {
		return probe.Failed(finding.Errorf(finding.AccountDisabled, kit.AuthPath("username"), "The Atlassian account is deactivated").
			WithCode("active=false").
			WithDetail("/myself reports the account %s as inactive.", me.AccountID).
			WithFix("Reactivate the account in admin.atlassian.com > Directory > Users, or use another account's credential."))
	}
	res := probe.StepResult{Outcome: probe.OutcomeOK, Message: fmt.Sprintf("%s answered %d: account %s (%s)", where, resp.StatusCode, me.AccountID, kit.OrDefault(me.AccountType, "atlassian"))}
	r.nearLimit(resp, &res)
	return res
}

// stepMyselfBasic proves an API token with basic auth.
func (r *run) stepMyselfBasic(ctx context.Context, env *probe.Env) probe.StepResult {
	basic := func(req *http.Request) { req.SetBasicAuth(r.spec.Auth.Username, r.spec.Auth.Token.Value) }
	gatewayURL := r.gateway + "/ex/jira/" + url.PathEscape(r.cloudID) + myselfPath
	u, where := r.site+myselfPath, "GET https://<site>"+myselfPath
	if r.site == "" {
		u, where = gatewayURL, "GET api.atlassian.com/ex/jira/<cloud_id>"+myselfPath
	}
	resp, err := r.get(ctx, env, "myself", u, basic)
	if err != nil {
		return r.netFailure(err, "Probe call "+where, r.sitePath())
	}
	if resp.StatusCode/100 == 2 {
		return r.checkMyself(resp, where)
	}
	if resp.StatusCode == http.StatusUnauthorized && r.site != "" && parse(resp).has("scope does not match") {
		// A scoped API token at the site host: it works only through the gateway.
		if r.cloudID == "" {
			return probe.Failed(finding.Errorf(finding.InvalidConfiguration, r.spec.SettingPath("cloud_id"),
				"This scoped API token works only through api.atlassian.com, which needs atlassian.cloud_id").
				WithCode("scope does not match").
				WithDetail("https://<site>%s answered 401 \"Unauthorized; scope does not match\" to the token: API tokens created with scopes are refused by the site host and accepted only at https://api.atlassian.com/ex/jira/<cloud_id>.", myselfPath).
				WithFix("Set atlassian.cloud_id (https://<site>/_edge/tenant_info shows it) and have the integration call https://api.atlassian.com/ex/jira/<cloud_id>/….",
					"Or create an API token without scopes, which the site host accepts."))
		}
		where = "GET api.atlassian.com/ex/jira/<cloud_id>" + myselfPath
		resp, err = r.get(ctx, env, "myself", gatewayURL, basic)
		if err != nil {
			return r.netFailure(err, "Probe call "+where, r.pathOr(r.spec.SettingPath("cloud_id")))
		}
		if resp.StatusCode/100 == 2 {
			res := r.checkMyself(resp, where)
			res.Message += "; a scoped API token, accepted only through api.atlassian.com"
			return res
		}
	}
	return r.refused(env, resp, "Probe call "+where, r.sitePath())
}

// bearer is the OAuth 2.0 access token: the one the token step obtained
// (a redeemed refresh token) or the one configured.
func (r *run) bearer(env *probe.Env) string {
	if env.Token != nil {
		return env.Token.AccessToken
	}
	return r.spec.Auth.Token.Value
}

// resource is one entry of accessible-resources.
type resource struct {
	ID     string   `json:"id"`
	URL    string   `json:"url"`
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
}

// stepResources lists the sites the 3LO grant covers, finds the connector's
// site among them (by cloud_id, else by site host) and compares the scopes
// granted there with required_scopes.
func (r *run) stepResources(ctx context.Context, env *probe.Env) probe.StepResult {
	tok := r.bearer(env)
	configured := env.Token == nil
	if configured {
		r.accessTokenExpiry(env, tok)
	}
	const where = "GET api.atlassian.com/oauth/token/accessible-resources"
	resp, err := r.get(ctx, env, "accessible_resources", r.gateway+"/oauth/token/accessible-resources",
		func(req *http.Request) { req.Header.Set("Authorization", "Bearer "+tok) })
	if err != nil {
		return r.netFailure(err, where, r.pathOr(nil))
	}
	if resp.StatusCode/100 != 2 {
		res := r.refused(env, resp, where, r.pathOr(nil))
		if configured && res.Findings[0].Category == finding.InvalidCredentials {
			if exp, ok := jwtExpiry(tok); ok && !exp.After(env.Now()) {
				f := &res.Findings[0]
				f.Category, f.Summary = finding.ExpiredCredentials, "The OAuth 2.0 access token has expired"
				f.Detail += fmt.Sprintf(" The token's exp claim is %s: Atlassian access tokens live one hour.", exp.UTC().Format(time.RFC3339))
				f.Remediation = []string{"Give the connector the app's client_id, client_secret and refresh token instead of an access token, or obtain a new access token from the refresh token."}
			}
		}
		if !configured && res.Findings[0].Path.String() == r.tokenPath().String() {
			res.Findings[0].Path = r.pathOr(nil) // the token came from the token step
		}
		return res
	}
	var list []resource
	if err := json.Unmarshal(resp.Body, &list); err != nil {
		return probe.Failed(finding.Errorf(finding.UnexpectedResponse, r.pathOr(nil), "accessible-resources did not answer with a list of sites").
			WithDetail("%s answered HTTP %d with something else than a JSON array.", where, resp.StatusCode))
	}
	site := strings.ToLower(strings.TrimSpace(r.spec.Setting("site")))
	var found *resource
	for i, res := range list {
		host := strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(res.URL), "https://"), "http://")
		if r.cloudID != "" && strings.EqualFold(res.ID, r.cloudID) || r.cloudID == "" && site != "" && strings.TrimRight(host, "/") == site {
			found = &list[i]
			break
		}
	}
	if found == nil && r.cloudID == "" && site == "" && len(list) == 1 {
		found = &list[0] // nothing names the site: the grant's only one
	}
	if found == nil {
		var names []string
		for _, res := range list {
			names = append(names, fmt.Sprintf("%s (%s)", kit.Tidy(res.URL, 80), kit.Tidy(res.ID, 40)))
		}
		path, what := r.spec.SettingPath("cloud_id"), "cloud_id "+r.cloudID
		if r.cloudID == "" {
			path, what = r.spec.SettingPath("site"), "site "+site
		}
		return probe.Failed(finding.Errorf(finding.AppNotInstalled, path, "The OAuth 2.0 app has no access to this Atlassian site").
			WithCode("accessible-resources").
			WithDetail("The grant behind the token covers %s, not %s: the user who consented picked another site, or an admin removed the app from this one.", strings.Join(orNone(names), ", "), what).
			WithFix("Run the consent flow again and pick this site on the consent screen (one grant covers every site the user adds).",
				"Or correct atlassian.cloud_id: https://<site>/_edge/tenant_info shows the site's cloud id."))
	}
	r.cloudID = found.ID
	env.GrantScopes(found.Scopes)
	res := probe.StepResult{Outcome: probe.OutcomeOK, Message: fmt.Sprintf("the grant covers %s, with %d scope(s)", kit.Tidy(found.URL, 80), len(found.Scopes))}
	for i, sc := range r.spec.RequiredScopes {
		if sc = strings.TrimSpace(sc); sc == "" || slices.Contains(found.Scopes, sc) {
			continue
		}
		res.Outcome, res.Message = probe.OutcomeFailed, "a required scope is not granted"
		res.Findings = append(res.Findings, finding.Errorf(finding.InsufficientScope, kit.ScopePath(i),
			"The OAuth 2.0 grant lacks the %s scope on this site", sc).
			WithCode("accessible-resources").
			WithDetail("accessible-resources lists the scopes granted on %s: %s. %s is not among them.", kit.Tidy(found.URL, 80), strings.Join(orNone(found.Scopes), " "), sc).
			WithFix("Add "+sc+" under developer.atlassian.com > your app > Permissions, then have the user consent again (the new scope is granted only by a new consent)."))
	}
	return res
}

// stepMyselfBearer reads /myself through the gateway with the 3LO token.
func (r *run) stepMyselfBearer(ctx context.Context, env *probe.Env) probe.StepResult {
	where := "GET api.atlassian.com/ex/jira/<cloud_id>" + myselfPath
	resp, err := r.get(ctx, env, "myself", r.gateway+"/ex/jira/"+url.PathEscape(r.cloudID)+myselfPath,
		func(req *http.Request) { req.Header.Set("Authorization", "Bearer "+r.bearer(env)) })
	if err != nil {
		return r.netFailure(err, "Probe call "+where, r.pathOr(nil))
	}
	if resp.StatusCode/100 == 2 {
		return r.checkMyself(resp, where)
	}
	res := r.refused(env, resp, "Probe call "+where, r.pathOr(nil))
	if f := &res.Findings[0]; f.Category == finding.InsufficientScope {
		f.Detail += " accessible-resources granted the token's scopes on the site, but /myself needs read:jira-user (classic) or read:user:jira (granular)."
	}
	return res
}

// accessTokenExpiry records a configured access token's expiry (a JWT's
// exp), for expiring_credentials; an expired one is reported by the
// refusal instead.
func (r *run) accessTokenExpiry(env *probe.Env, tok string) {
	if exp, ok := jwtExpiry(tok); ok && exp.After(env.Now()) {
		env.CredentialExpires(exp, r.tokenPath(), "OAuth 2.0 access token in "+r.tokenPath().String())
	}
}

// jwtExpiry reads the exp claim of a JWT without verifying it: Atlassian
// 3LO access tokens are JWTs, and only their expiry is read here.
func jwtExpiry(tok string) (time.Time, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp json.Number `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return time.Time{}, false
	}
	n, err := claims.Exp.Int64()
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// org is one organization of the admin API's list.
type org struct {
	ID         string `json:"id"`
	Attributes struct {
		Name string `json:"name"`
	} `json:"attributes"`
}

// stepOrganizations proves the admin API key and that it belongs to org_id.
func (r *run) stepOrganizations(ctx context.Context, env *probe.Env) probe.StepResult {
	const where = "GET api.atlassian.com/admin/v1/orgs"
	orgPath := r.spec.SettingPath("org_id")
	resp, err := r.get(ctx, env, "organizations", r.gateway+"/admin/v1/orgs",
		func(req *http.Request) { req.Header.Set("Authorization", "Bearer "+r.spec.Auth.Token.Value) })
	if err != nil {
		return r.netFailure(err, where, r.pathOr(orgPath))
	}
	if resp.StatusCode/100 != 2 {
		res := r.refused(env, resp, where, r.pathOr(orgPath))
		if f := &res.Findings[0]; f.Category == finding.InvalidCredentials {
			f.Summary = "The organization admin API key was refused"
			f.Remediation = []string{"Create an API key in admin.atlassian.com > Settings > API keys (admin API keys expire; user API tokens do not work here) and put it in auth.token_wo."}
		}
		return res
	}
	var body struct {
		Data []org `json:"data"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return probe.Failed(finding.Errorf(finding.UnexpectedResponse, r.pathOr(orgPath), "The admin API did not answer with a list of organizations").
			WithDetail("%s answered HTTP %d without a JSON data list.", where, resp.StatusCode))
	}
	want := strings.TrimSpace(r.spec.Setting("org_id"))
	var ids []string
	for _, o := range body.Data {
		if o.ID == want {
			return probe.StepResult{Outcome: probe.OutcomeOK, Message: fmt.Sprintf("the API key administers organization %s", kit.Tidy(o.Attributes.Name, 80))}
		}
		ids = append(ids, fmt.Sprintf("%s (%s)", kit.Tidy(o.ID, 60), kit.Tidy(o.Attributes.Name, 60)))
	}
	return probe.Failed(finding.Errorf(finding.TenantNotFound, orgPath, "The admin API key does not belong to this organization").
		WithCode("admin/v1/orgs").
		WithDetail("The key administers %s, not %s.", strings.Join(orNone(ids), ", "), want).
		WithFix("Copy the Organization ID shown next to the key in admin.atlassian.com > Settings > API keys, or create a key in this organization."))
}

// stepEvents reads one page of the organization's audit log.
func (r *run) stepEvents(ctx context.Context, env *probe.Env) probe.StepResult {
	const where = "GET api.atlassian.com/admin/v1/orgs/<org_id>/events"
	orgPath := r.spec.SettingPath("org_id")
	u := r.gateway + "/admin/v1/orgs/" + url.PathEscape(strings.TrimSpace(r.spec.Setting("org_id"))) + "/events?limit=1"
	resp, err := r.get(ctx, env, "audit_events", u,
		func(req *http.Request) { req.Header.Set("Authorization", "Bearer "+r.spec.Auth.Token.Value) })
	if err != nil {
		return r.netFailure(err, where, r.pathOr(orgPath))
	}
	if resp.StatusCode/100 != 2 {
		return r.refused(env, resp, where, r.pathOr(orgPath))
	}
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: where + " answered " + fmt.Sprint(resp.StatusCode) + ": the organization's audit log is readable"}
}

func orNone(v []string) []string {
	if len(v) == 0 {
		return []string{"none"}
	}
	return v
}
