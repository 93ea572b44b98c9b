package zendesk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// Live checks of a Zendesk connector:
//
//   - the probe call GET /api/v2/users/me with the credential: an API token
//     as basic auth "<email>/token:<token>", an OAuth access token as a
//     bearer token, or the access token an OAuth client obtained at
//     /oauth/tokens (client credentials grant; with auth.token, the refresh
//     grant, redeemed only with redeem_refresh_token = true because Zendesk
//     refresh tokens are single use — otherwise the client is verified with
//     a deliberately invalid refresh token). users/me answers HTTP 200 with
//     the anonymous visitor when it did not authenticate the caller, so its
//     body is read (Check): no id means the credential failed. It also
//     reports the user's role, which tells the two audit-log refusals apart;
//   - for an OAuth access token, GET /api/v2/oauth/tokens/current: the
//     token's scopes (against required_scopes) and its expires_at;
//   - for an API token, Zendesk's retirement of every API token (2027-04-30);
//   - with the audit-log use (audit_logs = true, or auditlogs:read in
//     required_scopes), one page of GET /api/v2/audit_logs: refused for an
//     agent (access_denied) or, for an admin, because the plan is not
//     Enterprise (license_required).

// apiTokenRetirement is when Zendesk deactivates every remaining API token
// (developer.zendesk.com, "Migrating from API tokens to OAuth access
// tokens": "All remaining API tokens are permanently deactivated").
var apiTokenRetirement = time.Date(2027, time.April, 30, 0, 0, 0, 0, time.UTC)

// mode is how the connector authenticates.
type mode int

const (
	modeAPIToken mode = iota
	modeBearer
	modeClientCredentials
	modeRefresh
)

// Step names of the vendor steps.
const (
	stepTokenInfo  = "token_scopes"
	stepRetirement = "api_token_retirement"
	stepAudit      = "audit_logs"
)

// run is one connector's check.
type run struct {
	spec      *connector.Spec
	base      string // the account root, https://<subdomain>.zendesk.com
	basePath  finding.Path
	mode      mode
	user      string // the agent's e-mail, for API tokens
	audit     bool
	auditPath finding.Path
	// me is the users/me answer (set by checkMe), read by the audit step.
	me *meUser
	// budgetReported: the low-budget warning is given once per check.
	budgetReported bool
}

// meUser is the part of users/me the check reads.
type meUser struct {
	ID           json.RawMessage `json:"id"`
	Name         string          `json:"name"`
	Email        string          `json:"email"`
	Role         string          `json:"role"`
	CustomRoleID json.RawMessage `json:"custom_role_id"`
	Active       *bool           `json:"active"`
	Suspended    bool            `json:"suspended"`
}

func plan(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	z := &run{spec: s}
	sub := strings.ToLower(strings.TrimSpace(s.Setting("subdomain")))
	if base := strings.TrimRight(strings.TrimSpace(s.Setting("base_url")), "/"); base != "" {
		z.base, z.basePath = base, s.SettingPath("base_url")
	} else {
		if !zendeskSubdomainRE.MatchString(sub) {
			return nil, nil // ZENDESK-SUBDOMAIN explains it offline
		}
		z.base, z.basePath = "https://"+sub+".zendesk.com", s.SettingPath("subdomain")
	}
	tok := s.Auth.Token.Value
	z.user = strings.TrimSuffix(strings.TrimSpace(s.Auth.Username), "/token")
	switch {
	case z.user != "":
		if tok == "" {
			return nil, nil // ZENDESK-API-TOKEN
		}
		z.mode = modeAPIToken
	case oauthClient(s) && tok != "":
		z.mode = modeRefresh
	case oauthClient(s):
		z.mode = modeClientCredentials
	case tok != "":
		z.mode = modeBearer
	default:
		return nil, nil // ZENDESK-CREDENTIAL
	}
	if s.Setting("audit_logs") == "true" {
		z.audit, z.auditPath = true, s.SettingPath("audit_logs")
	} else if i := slices.Index(s.RequiredScopes, "auditlogs:read"); i >= 0 {
		z.audit, z.auditPath = true, kit.ScopePath(i)
	}

	p := &probe.Plan{Target: z.base, TargetPath: z.basePath, Decode: z.decode, Check: z.checkMe,
		Request: &probe.RequestPlan{URL: z.base + "/api/v2/users/me.json", URLPath: z.basePath,
			Header: http.Header{"Accept": {"application/json"}}, CredentialPath: z.credentialPath()}}
	switch z.mode {
	case modeAPIToken:
		p.Request.Credential = probe.Credential{Kind: "basic", Username: z.user + "/token", Secret: tok}
		// A date of the platform: it needs no earlier step.
		p.Steps = append(p.Steps, probe.CustomStep{Name: stepRetirement, Run: z.stepRetirement, Needs: []string{}})
	case modeBearer:
		p.Request.Credential = probe.Credential{Kind: "bearer", Secret: tok}
		p.Steps = append(p.Steps, probe.CustomStep{Name: stepTokenInfo, Run: z.stepTokenInfo})
	default:
		o := &probe.OAuth2Plan{TokenURL: z.base + "/oauth/tokens", TokenURLPath: z.basePath,
			GrantType: probe.GrantClientCredentials, AuthStyle: probe.AuthClientSecretPost,
			ClientID: s.Auth.ClientID, ClientSecret: s.Auth.ClientSecret, RefreshToken: s.Auth.Token}
		if z.mode == modeRefresh {
			o.GrantType = probe.GrantRefreshToken
		} else {
			// Zendesk's client credentials grant needs a scope.
			o.Scopes = []string{"read"}
			if len(s.RequiredScopes) > 0 {
				o.Scopes = slices.Clone(s.RequiredScopes)
			}
		}
		p.OAuth2 = o
		p.Request.Credential = probe.Credential{Kind: "oauth2"}
	}
	if z.audit {
		p.Steps = append(p.Steps, probe.CustomStep{Name: stepAudit, Run: z.stepAudit})
	}
	return p, nil
}

// tokenPath is auth.token (or token_wo) as declared.
func (z *run) tokenPath() finding.Path { return kit.SecretPath(z.spec.Auth.Token, "token") }

// credentialPath is the attribute of the secret that authenticated.
func (z *run) credentialPath() finding.Path {
	if z.mode == modeClientCredentials {
		return kit.SecretPath(z.spec.Auth.ClientSecret, "client_secret")
	}
	return z.tokenPath()
}

// identityPath is the attribute that decides which user the calls run as.
func (z *run) identityPath() finding.Path {
	switch z.mode {
	case modeAPIToken:
		return kit.AuthPath("username")
	case modeClientCredentials:
		return kit.AuthPath("client_id")
	}
	return z.tokenPath()
}

// subdomainPath is the setting that names the account: the subdomain,
// unless base_url points elsewhere.
func (z *run) subdomainPath() finding.Path {
	sub := strings.TrimSpace(z.spec.Setting("subdomain"))
	if z.spec.Setting("base_url") == "" || sub != "" && strings.Contains(strings.ToLower(z.base), strings.ToLower(sub)) {
		return z.spec.SettingPath("subdomain")
	}
	return z.basePath
}

// path turns a target into this connector's attribute.
func (z *run) path(t target, f finding.Finding) finding.Path {
	switch t {
	case tCredential:
		return z.credentialPath()
	case tIdentity:
		return z.identityPath()
	case tSubdomain:
		return z.subdomainPath()
	case tScopes:
		for i, sc := range z.spec.RequiredScopes {
			if sc != "" && strings.Contains(f.Detail, sc) {
				return kit.ScopePath(i)
			}
		}
		return finding.Attr("required_scopes")
	case tClientSecret:
		return kit.SecretPath(z.spec.Auth.ClientSecret, "client_secret")
	case tRefreshToken:
		return z.tokenPath()
	case tClientID:
		return kit.AuthPath("client_id")
	}
	return z.basePath
}

// decode is the plan's decoder: the profile's, placed on this connector's
// attributes, with what the connector's mode settles.
func (z *run) decode(a probe.Response) (finding.Finding, bool) {
	f, t, ok := decode(a)
	if !ok {
		return finding.Finding{}, false
	}
	switch {
	case f.Code == "invalid_token" && z.mode == modeBearer:
		f.Remediation = []string{fixOAuthToken, fixBearerAPI}
	case f.Code == "invalid_token":
		// The token the check obtained a moment ago: the API does not
		// take this account's own tokens.
		f.Category, t = finding.InvalidConfiguration, tBaseURL
		f.Remediation = []string{"Check that zendesk.base_url and the token endpoint belong to the same Zendesk account."}
	case f.Code == "No help desk":
		f.Summary = fmt.Sprintf("No Zendesk account at %s (No help desk)", transport.RedactURL(z.base))
	}
	f.Path = z.path(t, f)
	return f, true
}

// checkMe reads a 2xx users/me answer: the anonymous visitor, a suspended
// or end-user account, the rate-limit budget.
func (z *run) checkMe(r probe.Response) []finding.Finding {
	var body struct {
		User *meUser `json:"user"`
	}
	if json.Unmarshal(r.Body, &body) != nil || body.User == nil {
		return []finding.Finding{finding.Errorf(finding.UnexpectedResponse, z.basePath,
			"users/me did not answer with a Zendesk user").
			WithCode("ZENDESK-USERS-ME").
			WithDetail("GET /api/v2/users/me answered HTTP %d without a {\"user\": …} object: base_url is not a Zendesk account's API.", r.StatusCode).
			WithFix("Set zendesk.base_url to the account's root (https://<subdomain>.zendesk.com), or remove it.")}
	}
	u := body.User
	if id := strings.TrimSpace(string(u.ID)); id == "" || id == "null" {
		f, _, _ := classify(zdError{anonymous: true, code: "ZENDESK-ANONYMOUS", status: r.StatusCode})
		f.Path = z.credentialPath()
		return []finding.Finding{f}
	}
	z.me = u
	who := fmt.Sprintf("user %s (%s)", strconv.Quote(kit.Clean(u.Name, 60)), kit.Clean(u.Email, 80))
	var out []finding.Finding
	switch {
	case u.Suspended || u.Active != nil && !*u.Active:
		out = append(out, finding.Errorf(finding.AccountDisabled, z.identityPath(),
			"The Zendesk user behind the credential is suspended").
			WithCode("suspended").
			WithDetail("users/me reports %s with suspended: true (or active: false): Zendesk refuses most calls of a suspended user, and an integration running as one stops working.", who).
			WithFix("Unsuspend the user in Admin Center > People > Team members (or Customers), or run the integration as another active agent."))
	case u.Role == "end-user":
		out = append(out, finding.Errorf(finding.AccessDenied, z.identityPath(),
			"The Zendesk user behind the credential is an end user").
			WithCode("end-user").
			WithDetail("users/me reports %s with role end-user: end users cannot use the agent APIs an integration needs (tickets, users, audit logs answer 403).", who).
			WithFix("Run the integration as an agent or admin: use an agent's e-mail with the API token, or authorize the OAuth token as an agent.",
				"Or make the user an agent in Admin Center > People > Team > Team members."))
	}
	return append(out, z.budget(r.Header)...)
}

// budget warns once per check when less than a tenth of the account's
// per-minute request budget is left (X-Rate-Limit, X-Rate-Limit-Remaining).
func (z *run) budget(h http.Header) []finding.Finding {
	if z.budgetReported || h == nil {
		return nil
	}
	rem, err1 := strconv.Atoi(strings.TrimSpace(h.Get("X-Rate-Limit-Remaining")))
	lim, err2 := strconv.Atoi(strings.TrimSpace(h.Get("X-Rate-Limit")))
	if err1 != nil || err2 != nil || lim <= 0 || rem*10 >= lim {
		return nil
	}
	z.budgetReported = true
	return []finding.Finding{finding.Warnf(finding.RateLimited, z.basePath,
		"Less than 10%% of the Zendesk account's API budget is left").
		WithCode("X-Rate-Limit-Remaining").
		// Only the limit, which is stable: the remaining count changes with
		// every call and would make refresh-only plans show drift.
		WithDetail("The account allows %d requests per minute (X-Rate-Limit) and less than a tenth of them were left. The budget is the account's, shared by every integration and app; at 0 Zendesk answers 429 until the minute ends.", lim).
		WithFix("Find the integrations polling this account most often and slow them down, or buy the High Volume API add-on.")}
}

// get calls a Zendesk API path with the connector's credential.
func (z *run) get(ctx context.Context, env *probe.Env, step, path string) (probe.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, z.base+path, nil)
	if err != nil {
		return probe.Response{}, err
	}
	req.Header.Set("Accept", "application/json")
	switch z.mode {
	case modeAPIToken:
		req.SetBasicAuth(z.user+"/token", z.spec.Auth.Token.Value)
	case modeBearer:
		req.Header.Set("Authorization", "Bearer "+z.spec.Auth.Token.Value)
	default:
		if env.Token == nil {
			return probe.Response{}, fmt.Errorf("no access token")
		}
		env.Token.SetAuthHeader(req)
	}
	return env.Send(req, step)
}

func (z *run) netFailure(err error, what string) probe.StepResult {
	f := transport.Classify(err)
	f.Path = z.basePath
	f.Summary = what + ": " + kit.LowerFirstRune(f.Summary)
	return probe.Failed(f)
}

// stepTokenInfo reads the OAuth access token's own record: its scopes and
// expiry. Without the permission to read it the step skips: that is not
// a fault of the connector.
func (z *run) stepTokenInfo(ctx context.Context, env *probe.Env) probe.StepResult {
	resp, err := z.get(ctx, env, stepTokenInfo, "/api/v2/oauth/tokens/current.json")
	if err != nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "the token's scopes were not read: Zendesk did not answer"}
	}
	var body struct {
		Token *struct {
			Scopes    []string `json:"scopes"`
			ExpiresAt *string  `json:"expires_at"`
		} `json:"token"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(resp.Body, &body) != nil || body.Token == nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped,
			Message: fmt.Sprintf("the token's scopes were not read: tokens/current answered HTTP %d", resp.StatusCode)}
	}
	granted := slices.Clone(body.Token.Scopes)
	slices.Sort(granted)
	env.GrantScopes(granted)
	msg := "the token's scopes: " + strings.Join(orNone(granted), " ")
	if v := body.Token.ExpiresAt; v != nil && *v != "" {
		if at, err := time.Parse(time.RFC3339, *v); err == nil {
			env.CredentialExpires(at, z.tokenPath(), "Zendesk OAuth access token")
			msg += "; it expires at " + at.UTC().Format(time.RFC3339)
		}
	} else {
		msg += "; it does not expire"
	}
	var fs []finding.Finding
	for i, want := range z.spec.RequiredScopes {
		want = strings.TrimSpace(want)
		if want == "" || covers(granted, want) {
			continue
		}
		fs = append(fs, finding.Errorf(finding.InsufficientScope, kit.ScopePath(i),
			"The Zendesk OAuth token lacks the %s scope", want).
			WithCode("scopes").
			WithDetail("GET /api/v2/oauth/tokens/current lists the token's scopes: %s. None of them grants %s.", strings.Join(orNone(granted), ", "), want).
			WithFix("Re-authorize the OAuth client requesting "+want+" (scope is one space-separated string, such as \"read "+want+"\"), allow it under the client's Allowed scopes, and update the token."))
	}
	if len(fs) > 0 {
		return probe.StepResult{Outcome: probe.OutcomeFailed, Message: fs[0].Summary, Findings: fs}
	}
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: msg}
}

// covers reports whether granted scopes include want: read covers every
// <resource>:read, write every <resource>:write.
func covers(granted []string, want string) bool {
	if slices.Contains(granted, want) {
		return true
	}
	_, access, ok := strings.Cut(want, ":")
	return ok && slices.Contains(granted, access)
}

func orNone(v []string) []string {
	if len(v) == 0 {
		return []string{"none"}
	}
	return v
}

// stepRetirement reports Zendesk's retirement of API tokens when it falls
// inside the provider's expiry_warning window (or has passed). It is a
// date of the platform, not of this token: migrating is the only fix.
func (z *run) stepRetirement(_ context.Context, env *probe.Env) probe.StepResult {
	now := env.Now()
	when := apiTokenRetirement.Format("2006-01-02")
	fix := []string{"Migrate the integration to an OAuth client: create a confidential client in Admin Center > Apps and integrations > APIs > OAuth clients and set auth.client_id and auth.client_secret_wo (client credentials grant), or use an OAuth access token.",
		"See Zendesk's guide \"Migrating from API tokens to OAuth access tokens\"."}
	switch {
	case !now.Before(apiTokenRetirement):
		f := finding.Errorf(finding.ExpiredCredentials, z.tokenPath(), "Zendesk deactivated every API token on %s", when).
			WithCode("ZENDESK-API-TOKEN-RETIREMENT").
			WithDetail("Zendesk permanently deactivated all API tokens on %s; they cannot be reactivated and no new ones can be created.", when).
			WithFix(fix...)
		return probe.Failed(f)
	case env.ExpiryWarning > 0 && apiTokenRetirement.Sub(now) <= env.ExpiryWarning:
		f := finding.Warnf(finding.ExpiringCredentials, z.tokenPath(), "Zendesk deactivates every API token on %s", when).
			WithCode("ZENDESK-API-TOKEN-RETIREMENT").
			WithDetail("On %s Zendesk permanently deactivates all remaining API tokens, this one included; since 2026-10-27 no new API token can be created, so the integration has to move to OAuth.", when).
			WithFix(fix...)
		return probe.StepResult{Outcome: probe.OutcomeWarning, Message: f.Summary, Findings: []finding.Finding{f}}
	}
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: "Zendesk API tokens work until " + when + "; migrate to OAuth before then"}
}

// stepAudit reads one page of the audit log. A refusal means one of two
// things (seed 003), told apart by the role users/me reported: an agent is
// not allowed (access_denied), an admin's account lacks the Enterprise plan
// (license_required).
func (z *run) stepAudit(ctx context.Context, env *probe.Env) probe.StepResult {
	resp, err := z.get(ctx, env, stepAudit, "/api/v2/audit_logs.json?page%5Bsize%5D=1")
	if err != nil {
		return z.netFailure(err, "Audit log")
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: "GET /api/v2/audit_logs answered " + strconv.Itoa(resp.StatusCode) + ": the audit log is readable"}
	}
	f, t, ok := decode(resp)
	if !ok {
		f = env.Decode(resp)
		t = tNone
	}
	refused := f.Category == finding.AccessDenied || f.Code == "InvalidEndpoint"
	switch {
	case refused && z.me != nil && z.me.Role == "admin":
		f = finding.Errorf(finding.LicenseRequired, z.auditPath, "The Zendesk account's plan does not include audit logs").
			WithCode(f.Code).
			WithDetail("GET /api/v2/audit_logs answered HTTP %d (%s) although users/me reports %s as an admin: the Audit Logs API is only available on the Enterprise plan.",
				resp.StatusCode, f.Code, kit.Clean(z.me.Email, 80)).
			WithFix(fixEnterprise)
	case refused && z.me != nil:
		role := z.me.Role
		if id := strings.TrimSpace(string(z.me.CustomRoleID)); id != "" && id != "null" {
			role += " with custom role " + id
		}
		f = finding.Errorf(finding.AccessDenied, z.identityPath(), "The Zendesk user behind the credential is not an admin").
			WithCode(f.Code).
			WithDetail("GET /api/v2/audit_logs answered HTTP %d (%s). Only admins may read the audit log, and users/me reports %s with role %s.",
				resp.StatusCode, f.Code, kit.Clean(z.me.Email, 80), role).
			WithFix(fixAdmin)
	default:
		if t == tNone {
			f.Path = z.auditPath
		} else {
			f.Path = z.path(t, f)
		}
	}
	f.Summary = "Audit log: " + kit.LowerFirstRune(f.Summary)
	return probe.Failed(f)
}
