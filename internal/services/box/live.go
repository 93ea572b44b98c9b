package box

import (
	"context"
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

// Live checks of Box connectors.
//
//	token      Client Credentials Grant (client id and secret with
//	           box_subject_type/box_subject_id) and the OAuth 2.0 refresh
//	           token go through the probe's OAuth 2.0 steps, posting the client
//	           credentials in the form as Box requires. Box refresh tokens are
//	           single use, so one is redeemed only with redeem_refresh_token =
//	           true; otherwise the app's id and secret are proven with a
//	           deliberately invalid refresh token (Box has no introspection, so
//	           the token itself stays untested). JWT app auth is this package's
//	           own step: Box's assertion carries box_sub_type, a kid header, a
//	           jti and an exp at most 60 s ahead, and the form carries the client
//	           id and secret too, which x/oauth2/jwt cannot send.
//	users_me   GET /2.0/users/me: the acting user, its status (inactive →
//	           account_disabled) and its enterprise (compared with
//	           box.enterprise_id; none at all → no Enterprise account).
//	scopes     for each required scope the check knows a read-only call for,
//	           that call: manage_enterprise_properties → the enterprise event
//	           stream (admin_logs_streaming), manage_managed_users → users,
//	           manage_groups → groups, root_readonly/root_readwrite → the root
//	           folder. Box reports no granted scopes, so granted_scopes lists
//	           the scopes these calls proved.

const (
	defaultBase = "https://api.box.com"
	// jwtAudience is the aud Box requires, whatever host the request goes to.
	jwtAudience = "https://api.box.com/oauth2/token"
	// jwtLifetime: Box refuses an exp more than 60 s ahead; its docs use 45 s.
	jwtLifetime = 45 * time.Second
	jwtBearer   = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	stepUsersMe = "users_me"
	stepScopes  = "scopes"
	maxBody     = 64 << 10
	// usersMeFields asks for what the check reads.
	usersMeFields = "id,type,name,login,status,role,enterprise"
)

// scopeCalls are the read-only calls that prove a Box application scope.
var scopeCalls = []struct{ scope, path, what string }{
	{"manage_enterprise_properties", "/2.0/events?stream_type=admin_logs_streaming&limit=1", "the enterprise event stream"},
	{"manage_managed_users", "/2.0/users?limit=1", "the enterprise's users"},
	{"manage_groups", "/2.0/groups?limit=1", "the enterprise's groups"},
	{"root_readonly", "/2.0/folders/0?fields=id", "the root folder"},
	{"root_readwrite", "/2.0/folders/0?fields=id", "the root folder"},
}

// check is one live check of one connector.
type check struct {
	spec *connector.Spec
	base string
	flow string
	app  appAuth
	// enterprise is the enterprise users/me reported ("" for none); noEnterprise
	// is true when users/me said the user has none.
	enterprise   string
	noEnterprise bool
}

// canonicalBase strips a trailing slash and /2.0 from base_url.
func canonicalBase(s *connector.Spec) string {
	b := strings.TrimRight(strings.TrimSpace(kit.SettingOr(s, "base_url", defaultBase)), "/")
	return strings.TrimRight(strings.TrimSuffix(b, "/2.0"), "/")
}

// plan builds the live check of a Box connector. What the offline rules
// report (a missing id, secret or key) leaves no plan: status unknown, with
// those errors.
func plan(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	c := &check{spec: s, base: canonicalBase(s), flow: flowOf(s)}
	p := &probe.Plan{Target: c.base, TargetPath: c.basePath(), Decode: c.decode}
	tokenURL := c.base + "/oauth2/token"
	switch c.flow {
	case flowJWT:
		a, problem := readAppAuth(s)
		if problem != nil || a.clientID == "" || a.clientSecret == "" || a.keyID == "" {
			return nil, nil
		}
		c.app = a
		p.Steps = append(p.Steps, probe.CustomStep{Name: probe.StepToken, Run: c.stepJWT})
	case flowRefresh, flowCCG:
		if s.Auth.ClientID == "" || s.Auth.ClientSecret.Value == "" {
			return nil, nil
		}
		o := &probe.OAuth2Plan{TokenURL: tokenURL, TokenURLPath: c.basePath(), AuthStyle: probe.AuthClientSecretPost,
			ClientID: s.Auth.ClientID, ClientSecret: s.Auth.ClientSecret, RefreshToken: s.Auth.Token, Params: url.Values{}}
		if c.flow == flowRefresh {
			o.GrantType = probe.GrantRefreshToken
		} else {
			typ, id := c.subject()
			if id == "" {
				return nil, nil
			}
			o.GrantType = probe.GrantClientCredentials
			o.Params.Set("box_subject_type", typ)
			o.Params.Set("box_subject_id", id)
		}
		p.OAuth2 = o
	}
	p.Steps = append(p.Steps, probe.CustomStep{Name: stepUsersMe, Run: c.stepUsersMe},
		probe.CustomStep{Name: stepScopes, Run: c.stepScopes})
	return p, nil
}

// subject is box_subject_type and box_subject_id for server authentication.
func (c *check) subject() (string, string) {
	typ := kit.SettingOr(c.spec, "subject_type", "enterprise")
	if id, ok := kit.Known(c.spec, "subject_id"); ok {
		return typ, id
	}
	if typ == "enterprise" {
		return typ, enterpriseOf(c.spec)
	}
	return typ, ""
}

// ---- attribute paths -----------------------------------------------------

func (c *check) basePath() finding.Path { return c.spec.SettingPath("base_url") }

func (c *check) secretPath() finding.Path {
	if c.flow == flowJWT && !c.spec.Auth.ClientSecret.IsSet() {
		return c.keyPath() // from the config file
	}
	return kit.SecretPath(c.spec.Auth.ClientSecret, "client_secret")
}

// clientIDPath is auth.client_id, or the JSON config file that holds it.
func (c *check) clientIDPath() finding.Path {
	if c.flow == flowJWT && c.spec.Auth.ClientID == "" {
		return c.keyPath()
	}
	return kit.AuthPath("client_id")
}

func (c *check) keyPath() finding.Path { return kit.SecretPath(c.spec.Auth.PrivateKey, "private_key") }

// subjectPath is the setting that names the token's subject.
func (c *check) subjectPath() finding.Path {
	switch {
	case c.flow == flowRefresh:
		return kit.SecretPath(c.spec.Auth.Token, "token")
	case !kit.SettingUnset(c.spec, "subject_id"):
		return c.spec.SettingPath("subject_id")
	case kit.SettingOr(c.spec, "subject_type", "enterprise") == "user":
		return c.spec.SettingPath("subject_id")
	case kit.SettingUnset(c.spec, "enterprise_id") && c.flow == flowJWT:
		return c.keyPath() // the config file's enterpriseID
	}
	return c.spec.SettingPath("enterprise_id")
}

// identityPath is the credential whose identity acts: the refresh token's
// user, else the app.
func (c *check) identityPath() finding.Path {
	if c.flow == flowRefresh {
		return kit.SecretPath(c.spec.Auth.Token, "token")
	}
	return c.subjectPath()
}

// pathFor is the attribute a Box refusal points at.
func (c *check) pathFor(f finding.Finding, step string) finding.Path {
	desc := strings.ToLower(f.Summary)
	switch f.Category {
	case finding.InvalidCredentials:
		switch {
		case f.Code == "invalid_client":
			return c.secretPath()
		case strings.Contains(desc, "signature"):
			return c.keyPath()
		case step != probe.StepToken:
			return c.identityPath()
		}
		return c.secretPath()
	case finding.ExpiredCredentials, finding.RevokedCredentials:
		switch {
		case strings.Contains(desc, "public key id"):
			if c.spec.Setting("public_key_id") != "" {
				return c.spec.SettingPath("public_key_id")
			}
			return c.keyPath()
		case c.flow == flowRefresh:
			return kit.SecretPath(c.spec.Auth.Token, "token")
		case step != probe.StepToken:
			// A token Box has just issued, refused: the app was disabled
			// or its authorization removed meanwhile.
			return c.clientIDPath()
		}
		return c.identityPath()
	case finding.AppNotInstalled:
		return c.clientIDPath()
	case finding.FeatureDisabled:
		return c.spec.SettingPath("subject_type")
	case finding.InsufficientScope:
		return finding.Attr("required_scopes")
	case finding.AccessDenied, finding.AccountDisabled, finding.LicenseRequired, finding.PolicyBlocked:
		return c.identityPath()
	case finding.InvalidConfiguration:
		switch {
		case strings.Contains(desc, "subject type"):
			return c.spec.SettingPath("subject_type")
		case strings.Contains(desc, "subject") || strings.Contains(desc, "'sub'"):
			return c.subjectPath()
		case strings.Contains(desc, "issuer"):
			return c.clientIDPath()
		case strings.Contains(desc, "authentication method"):
			return c.clientIDPath()
		}
	}
	return c.basePath()
}

// decode is the plan's Decode: the profile's decoder, with the attribute at
// fault that this connector's settings tell.
func (c *check) decode(a probe.Response) (finding.Finding, bool) {
	f, ok := decode(a)
	if !ok {
		return f, false
	}
	f.Path = c.pathFor(f, a.Step)
	return f, true
}

// ---- HTTP ----------------------------------------------------------------

// send makes one request and reads the answer (at most 64 KiB).
func send(env *probe.Env, req *http.Request, step string) (probe.Response, error) {
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

// netFailure reports a request that got no answer.
func (c *check) netFailure(err error, what string) probe.StepResult {
	f := transport.Classify(err)
	f.Path = c.basePath()
	f.Summary = what + ": " + kit.LowerFirstRune(f.Summary)
	return probe.Failed(f)
}

// refused classifies an error answer (decoded with the plan's decoder, so the
// path is already the attribute at fault).
func (c *check) refused(env *probe.Env, resp probe.Response, what string) probe.StepResult {
	f := env.Decode(resp)
	if f.Path == nil {
		f.Path = c.basePath()
	}
	f.Summary = what + ": " + lowerBox(f.Summary)
	return probe.Failed(f)
}

// lowerBox lower-cases a summary's first letter, but not Box's name.
func lowerBox(s string) string {
	if strings.HasPrefix(s, "Box") {
		return s
	}
	return kit.LowerFirstRune(s)
}

// get makes one read-only API call with the access token.
func (c *check) get(ctx context.Context, env *probe.Env, step, path string) (probe.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return probe.Response{}, err
	}
	req.Header.Set("Accept", "application/json")
	env.Token.SetAuthHeader(req)
	return send(env, req, step)
}

// ---- users/me -----------------------------------------------------------

// boxUser is the part of GET /2.0/users/me the check reads.
type boxUser struct {
	ID, Login, Status, Role string
	Enterprise              *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
}

func (c *check) stepUsersMe(ctx context.Context, env *probe.Env) probe.StepResult {
	if env.Token == nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "not run: no access token"}
	}
	resp, err := c.get(ctx, env, stepUsersMe, "/2.0/users/me?fields="+usersMeFields)
	if err != nil {
		return c.netFailure(err, "GET /2.0/users/me")
	}
	if resp.StatusCode/100 != 2 {
		return c.refused(env, resp, "GET /2.0/users/me")
	}
	var u boxUser
	if json.Unmarshal(resp.Body, &u) != nil || u.ID == "" {
		return probe.Failed(finding.Errorf(finding.UnexpectedResponse, c.basePath(), "GET /2.0/users/me did not answer a Box user").
			WithCode("BOX-USERS-ME").
			WithDetail("The answer (HTTP %d, %s) is not the JSON user object Box returns; a proxy or portal may have answered instead.", resp.StatusCode, kit.Tidy(resp.Header.Get("Content-Type"), 60)).
			WithFix("Check box.base_url: it must reach https://api.box.com."))
	}
	who := fmt.Sprintf("user %s (%s)", u.ID, kit.Tidy(u.Login, 100))
	if !strings.EqualFold(u.Status, "active") && u.Status != "" {
		return probe.Failed(finding.Errorf(finding.AccountDisabled, c.identityPath(), "The Box user the token acts as is %s", kit.Tidy(u.Status, 40)).
			WithCode("BOX-USER-STATUS").
			WithDetail("GET /2.0/users/me answered %s with status %q: Box refuses most calls for users that are not active.", who, kit.Tidy(u.Status, 40)).
			WithFix("Reactivate the user in Admin Console > Users & Groups, or act as another user (box.subject_id)."))
	}
	msg := "acting as " + who
	if u.Enterprise == nil || u.Enterprise.ID == "" {
		c.noEnterprise = true
		msg += ", in no enterprise"
	} else {
		c.enterprise = u.Enterprise.ID
		msg += ", enterprise " + u.Enterprise.ID
		if want := enterpriseOf(c.spec); want != "" && want != u.Enterprise.ID {
			path := c.spec.SettingPath("enterprise_id")
			if kit.SettingUnset(c.spec, "enterprise_id") {
				path = c.keyPath()
			}
			return probe.Failed(finding.Errorf(finding.InvalidConfiguration, path,
				"The Box credentials belong to enterprise %s, not %s", u.Enterprise.ID, want).
				WithCode("BOX-ENTERPRISE").
				WithDetail("GET /2.0/users/me answered %s of enterprise %s (%s), but the connector names enterprise %s: the app or token is from another enterprise, such as a sandbox instead of production.",
					who, u.Enterprise.ID, kit.Tidy(u.Enterprise.Name, 80), want).
				WithFix("Use the app (or token) of the intended enterprise, or correct box.enterprise_id."))
		}
	}
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: msg}
}

// ---- scopes -------------------------------------------------------------

func (c *check) stepScopes(ctx context.Context, env *probe.Env) probe.StepResult {
	if env.Token == nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "not run: no access token"}
	}
	var proven, unverifiable []string
	done := map[string]int{} // path → status of an earlier call
	for i, sc := range c.spec.RequiredScopes {
		idx := slices.IndexFunc(scopeCalls, func(x struct{ scope, path, what string }) bool { return x.scope == sc })
		if idx < 0 {
			unverifiable = append(unverifiable, sc)
			continue
		}
		call := scopeCalls[idx]
		if st, ok := done[call.path]; ok && st/100 == 2 {
			proven = append(proven, sc)
			continue
		}
		resp, err := c.get(ctx, env, stepScopes, call.path)
		if err != nil {
			return c.netFailure(err, "Reading "+call.what)
		}
		done[call.path] = resp.StatusCode
		if resp.StatusCode/100 == 2 {
			proven = append(proven, sc)
			continue
		}
		f := env.Decode(resp)
		if f.Path == nil {
			f.Path = c.basePath()
		}
		f.Summary = fmt.Sprintf("Reading %s (scope %s): %s", call.what, sc, lowerBox(f.Summary))
		if f.Category == finding.InsufficientScope {
			f.Path = kit.ScopePath(i)
			if c.noEnterprise && call.scope == "manage_enterprise_properties" {
				f = c.noEnterpriseFinding(f)
			}
		}
		return probe.Failed(f)
	}
	env.GrantScopes(proven)
	var notes []string
	if len(proven) > 0 {
		notes = append(notes, "proven by a read: "+strings.Join(proven, " "))
	}
	if len(unverifiable) > 0 {
		notes = append(notes, "not verifiable (Box reports no granted scopes and the check knows no read-only call for them): "+strings.Join(unverifiable, " "))
	}
	if len(notes) == 0 {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no required_scopes to verify"}
	}
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: strings.Join(notes, "; ")}
}

// noEnterpriseFinding turns the event stream's insufficient_scope into
// license_required when users/me showed the user has no enterprise: Box
// gives the same empty 403 for an account without an Enterprise plan.
func (c *check) noEnterpriseFinding(f finding.Finding) finding.Finding {
	f.Category = finding.LicenseRequired
	f.Summary = "Box's enterprise event stream needs an Enterprise account, and this user has none"
	f.Detail = "GET /2.0/users/me shows that the user the token acts as belongs to no enterprise (a personal or free Box account), and the event stream answered HTTP 403 insufficient_scope. The admin event stream exists only for Box Enterprise plans (older Box libraries say \"User cannot access this feature without having an enterprise\")."
	f.Remediation = []string{"Connect with an app or user of a Box Enterprise account, or upgrade the account to an Enterprise plan.",
		"Remove manage_enterprise_properties from required_scopes if the integration does not read the event stream."}
	f.Path = c.identityPath()
	return f
}
