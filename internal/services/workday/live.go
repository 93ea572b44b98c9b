package workday

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

// Live checks of a Workday API client for integrations:
//
//   - token: the refresh grant at https://<host>/ccx/oauth2/<tenant>/token
//     with the client's id and secret. Workday's refresh tokens for
//     integrations are not rotated (the same token keeps working, which is
//     why Manage Refresh Tokens for Integrations shows one per user), so
//     redeeming one spends nothing; a check that did not redeem it could not
//     tell a disabled integration system user from a working one. Should
//     Workday ever answer with another refresh token, the check says so.
//   - one call per REST resource the connector reads (required_permissions
//     names domains or resource keys; workers by default): an integration
//     system user has no worker record, so there is no "me" call, and a 403
//     names the domain to grant.
//
// Workday does not reveal when a client secret or refresh token expires,
// nor the API client's functional areas: those are UI-only (the guide says
// so).

type run struct {
	spec        *connector.Spec
	base        string // https://<host> or base_url
	tenant      string
	basePath    finding.Path
	resources   []*resource
	permIndex   map[string]int // resource key → index in required_permissions
	unknownPerm []string
}

func plan(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	tenant, host := strings.TrimSpace(s.Setting("tenant")), strings.ToLower(strings.TrimSpace(s.Setting("host")))
	if tenant == "" || strings.ContainsAny(tenant, "/?#: ") || s.Auth.ClientID == "" ||
		s.Auth.Token.Value == "" || s.Auth.ClientSecret.Value == "" {
		return nil, nil // the offline rules say what is missing
	}
	base, basePath := strings.TrimRight(strings.TrimSpace(s.Setting("base_url")), "/"), s.SettingPath("base_url")
	if base == "" {
		if host == "" || strings.ContainsAny(host, "/:?# ") {
			return nil, nil
		}
		base, basePath = "https://"+host, s.SettingPath("host")
	}
	r := &run{spec: s, base: base, tenant: tenant, basePath: basePath, permIndex: map[string]int{}}
	for i, p := range s.RequiredPermissions {
		if strings.TrimSpace(p) == "" {
			continue
		}
		res := lookupResource(p)
		if res == nil {
			r.unknownPerm = append(r.unknownPerm, p)
			continue
		}
		if _, dup := r.permIndex[res.Key]; !dup {
			r.permIndex[res.Key] = i
			r.resources = append(r.resources, res)
		}
	}
	if len(r.resources) == 0 {
		r.resources = []*resource{lookupResource("workers")}
	}
	p := &probe.Plan{Target: base, TargetPath: basePath, Decode: r.decode,
		Steps: []probe.CustomStep{{Name: probe.StepToken, Run: r.stepToken}}}
	for _, res := range r.resources {
		p.Steps = append(p.Steps, probe.CustomStep{Name: "api_" + res.Key, Run: r.stepResource(res), Needs: []string{probe.StepToken}})
	}
	return p, nil
}

func (r *run) tokenURL() string {
	return r.base + "/ccx/oauth2/" + url.PathEscape(r.tenant) + "/token"
}

// decode is the plan's decoder: the profile's, placed on this connector's
// attribute, with the tenant named.
func (r *run) decode(a probe.Response) (finding.Finding, bool) {
	f, t, ok := decode(a)
	if !ok {
		return finding.Finding{}, false
	}
	f.Path = r.path(t, nil)
	if f.Category == finding.TenantNotFound {
		f.Summary = fmt.Sprintf("Workday has no token endpoint for tenant %q at %s (%s)", r.tenant, r.base, f.Code)
	}
	return f, true
}

// path turns a target into this connector's attribute.
func (r *run) path(t target, res *resource) finding.Path {
	a := r.spec.Auth
	switch t {
	case tToken:
		return kit.SecretPath(a.Token, "token")
	case tSecret:
		return kit.SecretPath(a.ClientSecret, "client_secret")
	case tTenant:
		return r.spec.SettingPath("tenant")
	case tPermissions:
		if res != nil {
			if i, ok := r.permIndex[res.Key]; ok {
				return finding.Attr("required_permissions").Index(i)
			}
		}
		return kit.SecretPath(a.Token, "token")
	}
	return r.basePath
}

func (r *run) netFailure(err error, what string) probe.StepResult {
	f := transport.Classify(err)
	f.Path = r.basePath
	f.Summary = what + ": " + kit.LowerFirstRune(f.Summary)
	return probe.Failed(f)
}

// do sends one request and reads at most 64 KiB of the answer.
func do(env *probe.Env, req *http.Request, step string) (probe.Response, error) {
	req.Header.Set("Accept", "application/json")
	return env.Send(req, step)
}

// stepToken redeems the refresh token (see the comment at the top).
func (r *run) stepToken(ctx context.Context, env *probe.Env) probe.StepResult {
	rt := r.spec.Auth.Token.Value
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
		"client_id": {r.spec.Auth.ClientID}, "client_secret": {r.spec.Auth.ClientSecret.Value}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.tokenURL(), strings.NewReader(form.Encode()))
	if err != nil {
		return probe.Failed(finding.Errorf(finding.InvalidConfiguration, r.basePath, "The Workday token endpoint is not a valid URL"))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := do(env, req, probe.StepToken)
	if err != nil {
		return r.netFailure(err, "Token request")
	}
	var body struct {
		AccessToken  string `json:"access_token"`
		TokenType    string `json:"token_type"`
		RefreshToken string `json:"refresh_token"`
		ExpiresIn    int64  `json:"expires_in"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(resp.Body, &body) != nil || body.AccessToken == "" {
		f := env.Decode(resp)
		if f.Path == nil {
			f.Path = r.basePath
		}
		f.Summary = "Token request: " + f.Summary
		f.Detail = fmt.Sprintf("POST %s answered HTTP %d. %s", transport.RedactURL(r.tokenURL()), resp.StatusCode, f.Detail)
		return probe.Failed(f)
	}
	tok := &xoauth2.Token{AccessToken: body.AccessToken, TokenType: "Bearer", RefreshToken: body.RefreshToken}
	if body.ExpiresIn > 0 {
		tok.Expiry = env.Now().Add(time.Duration(body.ExpiresIn) * time.Second)
	}
	env.UseToken(tok)
	res := probe.StepResult{Outcome: probe.OutcomeOK,
		Message: fmt.Sprintf("tenant %s issued an access token for API client %s (refresh token grant)", r.tenant, r.spec.Auth.ClientID)}
	if len(r.unknownPerm) > 0 {
		res.Message += "; not checked live (no known REST resource): " + strings.Join(r.unknownPerm, ", ")
	}
	if body.RefreshToken != "" && body.RefreshToken != rt {
		res.Outcome = probe.OutcomeWarning
		res.Findings = append(res.Findings, finding.Warnf(finding.RevokedCredentials, r.path(tToken, nil),
			"Workday answered the refresh grant with a new refresh token").
			WithCode("refresh_token").
			WithDetail("Refresh tokens of API clients for integrations are normally not rotated; this one was, so the stored token may stop working.").
			WithFix("Check the API client's Non-Expiring Refresh Tokens setting, and generate a refresh token with Manage Refresh Tokens for Integrations for auth.token_wo."))
	}
	return res
}

// stepResource reads one REST resource with the access token.
func (r *run) stepResource(res *resource) func(context.Context, *probe.Env) probe.StepResult {
	return func(ctx context.Context, env *probe.Env) probe.StepResult {
		if env.Token == nil {
			return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no access token"}
		}
		u := r.base + res.path(r.tenant, env.Now())
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return probe.Failed(finding.Errorf(finding.InvalidConfiguration, r.basePath, "The Workday REST URL is not valid"))
		}
		env.Token.SetAuthHeader(req)
		where := "GET " + transport.RedactURL(strings.SplitN(u, "?", 2)[0])
		resp, err := do(env, req, probe.StepAPI)
		if err != nil {
			return r.netFailure(err, "REST call "+where)
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			var page struct {
				Total *int64 `json:"total"`
			}
			if json.Unmarshal(resp.Body, &page) != nil {
				return probe.Failed(finding.Errorf(finding.UnexpectedResponse, r.basePath, "%s did not answer JSON", where).
					WithDetail("A Workday REST resource answers {\"total\":…,\"data\":[…]}; this answer is not JSON, so base_url or host may point at a proxy or a sign-in page.").
					WithFix("Copy the Workday REST API Endpoint from the View API Clients report."))
			}
			env.GrantScopes([]string{res.Domain})
			return probe.StepResult{Outcome: probe.OutcomeOK,
				Message: fmt.Sprintf("%s answered %d: the integration system user can read %s", where, resp.StatusCode, res.Domain)}
		}
		f := env.Decode(resp)
		if f.Category == finding.AccessDenied {
			e, _ := read(resp)
			f = permissionDenied(e, res)
			f.Path = r.path(tPermissions, res)
		} else if f.Path == nil {
			f.Path = r.basePath
		}
		f.Summary = "REST call: " + f.Summary
		f.Detail = fmt.Sprintf("%s answered HTTP %d. %s", where, resp.StatusCode, f.Detail)
		return probe.Failed(f)
	}
}
