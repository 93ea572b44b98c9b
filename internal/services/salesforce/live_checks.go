package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
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

// The checks after the token: the refresh token without redeeming it, the
// token response, and the REST call.

// apiUsageRE reads Sforce-Limit-Info: api-usage=10018/100000.
var apiUsageRE = regexp.MustCompile(`api-usage=(\d+)/(\d+)`)

// checkRefreshToken verifies the app and the refresh token without spending
// the token: a deliberately invalid refresh grant (Salesforce answers
// invalid_grant only when the key and secret are right), then RFC 7662
// introspection of the real token, which also reports its scopes and, under
// an expiring Refresh Token Policy, its exp.
func (r *run) checkRefreshToken(ctx context.Context, env *probe.Env) probe.StepResult {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {invalidRefreshToken}}
	r.clientParams(form)
	resp, err := r.postForm(ctx, env, probe.StepToken, "/services/oauth2/token", form)
	if err != nil {
		return r.netFailure(err, r.loginPath(), "Client check")
	}
	if e, ok := readError(resp.StatusCode, string(resp.Body)); !ok || e.code != "invalid_grant" {
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return probe.Failed(finding.Errorf(finding.UnexpectedResponse, r.loginPath(), "The token endpoint accepted a deliberately invalid refresh token").
				WithDetail("Handshake sent a made-up refresh token to verify the app; Salesforce answers it with invalid_grant.").
				WithFix("Check that login_url is the Salesforce login host (login.salesforce.com, test.salesforce.com or the org's My Domain)."))
		}
		return r.refused(env, resp, "Client check")
	}
	notes := []string{"consumer key verified (a deliberately invalid refresh token was refused with invalid_grant)"}
	if r.spec.Auth.ClientSecret.Value == "" {
		notes = append(notes, "the refresh token itself was not tested: introspection needs the consumer secret, and it is not redeemed (redeem_refresh_token = false)")
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: strings.Join(notes, "; ")}
	}
	form = url.Values{"token": {r.spec.Auth.Token.Value}, "token_type_hint": {"refresh_token"}}
	r.clientParams(form)
	resp, err = r.postForm(ctx, env, probe.StepToken, "/services/oauth2/introspect", form)
	if err != nil {
		return r.netFailure(err, r.loginPath(), "Refresh token introspection")
	}
	var body struct {
		Active *bool  `json:"active"`
		Scope  string `json:"scope"`
		Exp    int64  `json:"exp"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(resp.Body, &body) != nil || body.Active == nil {
		return r.refused(env, resp, "Refresh token introspection")
	}
	if !*body.Active {
		return probe.Failed(finding.Errorf(finding.ExpiredCredentials, r.tokenPath(), "The Salesforce refresh token is no longer active").
			WithCode("active").
			WithDetail("Salesforce's introspection endpoint answered \"active\": false for the refresh token in %s: the app's Refresh Token Policy expired it, it was revoked (by the user, an admin or a password reset), a newer authorization evicted it (five per user and app), or rotation replaced it. It was checked without being redeemed.", r.tokenPath()).
			WithFix(fixRelogin))
	}
	notes = append(notes, "the refresh token is active (introspection; not redeemed, since Salesforce can rotate it: redeem_refresh_token = true tests the refresh grant)")
	res := probe.StepResult{Outcome: probe.OutcomeOK}
	if body.Exp > 0 {
		env.CredentialExpires(time.Unix(body.Exp, 0), r.tokenPath(), "refresh token in "+r.tokenPath().String())
	}
	if body.Scope != "" {
		res.Findings = r.scopeFindings(env, strings.Fields(body.Scope), "introspection")
	}
	res.Message = strings.Join(notes, "; ")
	return outcome(res)
}

// stepTokenResponse checks what the token endpoint returned.
func (r *run) stepTokenResponse(_ context.Context, env *probe.Env) probe.StepResult {
	if env.Token == nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no access token: the refresh token was not redeemed"}
	}
	var res probe.StepResult
	if r.tok.Scope != "" {
		res.Findings = r.scopeFindings(env, strings.Fields(r.tok.Scope), "the token response")
	}
	if r.spec.RequireRefreshToken && r.flow != flowRefresh {
		res.Findings = append(res.Findings, finding.Errorf(finding.RefreshTokenMissing, finding.Attr("require_refresh_token"),
			"The Salesforce %s flow issues no refresh token", r.flow).
			WithCode("refresh_token").
			WithDetail("require_refresh_token is true, but Salesforce never returns a refresh token for the %s flow; the connector gets a new access token with its credentials instead.", r.flow).
			WithFix("Set require_refresh_token = false."))
	}
	if _, err := r.instance(); err != nil {
		res.Findings = append(res.Findings, finding.Errorf(finding.UnexpectedResponse, r.spec.SettingPath("instance_url"),
			"The token response has no usable instance_url").
			WithDetail("%s.", err.Error()).
			WithFix("Set salesforce.instance_url to the org's My Domain (https://<name>.my.salesforce.com)."))
	}
	res.Message = "granted " + kit.OrDefault(r.tok.Scope, "(no scope reported)")
	return outcome(res)
}

// scopeFindings records the granted scopes and reports each required one
// that is missing; refresh_token and offline_access are one scope.
func (r *run) scopeFindings(env *probe.Env, granted []string, where string) []finding.Finding {
	env.GrantScopes(granted)
	has := func(sc string) bool {
		switch sc {
		case "refresh_token", "offline_access":
			return slices.Contains(granted, "refresh_token") || slices.Contains(granted, "offline_access")
		case "api", "web", "id", "profile", "email", "address", "phone", "openid":
			// full includes every scope but refresh_token.
			return slices.Contains(granted, sc) || slices.Contains(granted, "full")
		}
		return slices.Contains(granted, sc) || slices.Contains(granted, "full")
	}
	var out []finding.Finding
	for i, sc := range r.spec.RequiredScopes {
		if sc = strings.TrimSpace(sc); sc == "" || has(sc) {
			continue
		}
		out = append(out, finding.Errorf(finding.InsufficientScope, kit.ScopePath(i), "The Salesforce token lacks the %s scope", sc).
			WithCode("scope").
			WithDetail("Salesforce reports the granted scopes in %s: %s. %s is not among them: the app's Selected OAuth Scopes do not include it, or (for a refresh token) the user authorized fewer scopes.",
				where, strings.Join(granted, " "), sc).
			WithFix("Add the scope to the app's Selected OAuth Scopes (App Manager > the app > Edit > OAuth Settings); for a refresh token, authorize the app again so the new scope is granted."))
	}
	return out
}

// instance is the REST API's base URL: the instance_url setting, else the
// token response's. It must be https (http only on loopback, for tests).
func (r *run) instance() (string, error) {
	raw := strings.TrimSpace(r.spec.Setting("instance_url"))
	if raw == "" {
		raw = r.tok.InstanceURL
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	switch {
	case raw == "":
		return "", fmt.Errorf("Salesforce returned no instance_url")
	case err != nil || u.Host == "":
		return "", fmt.Errorf("instance_url %q is not an absolute URL", kit.Clean(raw, 100))
	case u.Scheme != "https" && !(u.Scheme == "http" && connector.IsLoopbackHost(u.Hostname())):
		return "", fmt.Errorf("instance_url %q does not use https; the access token is not sent over plain http", transport.RedactURL(raw))
	}
	return u.String(), nil
}

// stepAPI calls the REST API with the token: /limits, which also reports the
// org's daily API budget, or, when the user may not read org limits, the
// version's resource directory.
func (r *run) stepAPI(ctx context.Context, env *probe.Env) probe.StepResult {
	if env.Token == nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no access token: the refresh token was not redeemed"}
	}
	base, err := r.instance()
	if err != nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "not run: " + err.Error()}
	}
	version := kit.SettingOr(r.spec, "api_version", defaultAPIVersion)
	where := r.spec.SettingPath("instance_url")
	get := func(path string) (probe.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return probe.Response{}, err
		}
		req.Header.Set("Accept", "application/json")
		env.Token.SetAuthHeader(req)
		return do(env, req, stepRESTAPI)
	}
	path := "/services/data/" + version + "/limits"
	resp, err := get(path)
	if err != nil {
		return r.netFailure(err, where, "REST API call")
	}
	var note string
	if e, ok := readError(resp.StatusCode, string(resp.Body)); ok && resp.StatusCode == http.StatusForbidden && strings.HasPrefix(e.code, "INSUFFICIENT_ACCESS") {
		// Reading org limits needs "View Setup and Configuration", which a
		// least-privilege integration user lacks: any REST resource proves
		// the session, and Sforce-Limit-Info still carries the budget.
		note = "; /limits needs \"View Setup and Configuration\", so the resource directory was read instead"
		path = "/services/data/" + version + "/"
		if resp, err = get(path); err != nil {
			return r.netFailure(err, where, "REST API call")
		}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		f := env.Decode(resp)
		f.Path = r.pathFor(f)
		if f.Code == "INVALID_SESSION_ID" && f.Category == finding.ExpiredCredentials {
			f = r.sessionRefused(f)
		}
		if f.Category == finding.EndpointNotFound {
			f.Path = r.spec.SettingPath("api_version")
		}
		f.Summary = "REST API: " + lowerFirst(f.Summary)
		return probe.Failed(f)
	}
	res := probe.StepResult{Message: fmt.Sprintf("GET %s answered %d%s", path, resp.StatusCode, note)}
	res.Findings = r.budget(resp)
	return outcome(res)
}

// sessionRefused explains INVALID_SESSION_ID for a token this check was
// issued moments ago: not an expired session, but a session the org binds
// to the address it came from (or a REST host of another org).
func (r *run) sessionRefused(f finding.Finding) finding.Finding {
	said := f.Detail
	if i := strings.Index(said, "Salesforce answered"); i >= 0 {
		said = said[i:]
	}
	if set := strings.TrimSpace(r.spec.Setting("instance_url")); set != "" && r.tok.InstanceURL != "" && !sameHost(set, r.tok.InstanceURL) {
		return finding.Errorf(finding.InvalidConfiguration, r.spec.SettingPath("instance_url"),
			"salesforce.instance_url is not the org that issued the token (INVALID_SESSION_ID)").
			WithCode("INVALID_SESSION_ID").
			WithDetail("The token was issued for %s, and instance_url sends it to another host, which does not know the session. %s", transport.RedactURL(r.tok.InstanceURL), said).
			WithFix("Remove instance_url (the token response names the right host), or set it to the org's My Domain.")
	}
	return finding.Errorf(finding.PolicyBlocked, r.loginPath(),
		"Salesforce refused a session issued seconds earlier: sessions are locked to their IP address (INVALID_SESSION_ID)").
		WithCode("INVALID_SESSION_ID").
		WithDetail("The token endpoint issued the access token during this check, and the REST API refused it at once as expired or invalid. That happens when the org locks sessions to the IP address they came from (or enforces login IP ranges on every request) and the API call left from another address than the token request: proxies, NAT pools and cloud egress rotate addresses. %s", said).
		WithFix("Setup > Session Settings: clear \"Lock sessions to the IP address from which they originated\" (and \"Enforce login IP ranges on every request\"), or route the token request and the API calls through one egress address.",
			"Microsoft Defender for Cloud Apps reports this as \"NoHttpResponseException: …salesforce.com:443 failed to respond\" on Get Permissions.")
}

func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && strings.EqualFold(ua.Host, ub.Host)
}

// budget reads the org's daily API budget: /limits' DailyApiRequests, or
// the Sforce-Limit-Info header every REST answer carries.
func (r *run) budget(resp probe.Response) []finding.Finding {
	var max, remaining int64 = -1, -1
	var limits struct {
		Daily *struct {
			Max       int64 `json:"Max"`
			Remaining int64 `json:"Remaining"`
		} `json:"DailyApiRequests"`
	}
	if json.Unmarshal(resp.Body, &limits) == nil && limits.Daily != nil {
		max, remaining = limits.Daily.Max, limits.Daily.Remaining
	} else if m := apiUsageRE.FindStringSubmatch(resp.Header.Get("Sforce-Limit-Info")); m != nil {
		used, _ := strconv.ParseInt(m[1], 10, 64)
		max, _ = strconv.ParseInt(m[2], 10, 64)
		remaining = max - used
	}
	if max <= 0 || remaining < 0 || remaining*10 >= max {
		return nil
	}
	// Only the allocation, which is stable: the remaining count changes with
	// every call and would make refresh-only plans show drift.
	detail := fmt.Sprintf("The org's allocation is %d API requests per rolling 24 hours, shared by every integration of the org, and less than a tenth of it is left.", max)
	if remaining == 0 {
		detail = fmt.Sprintf("The org's allocation of %d API requests per rolling 24 hours, shared by every integration of the org, is used up.", max)
		return []finding.Finding{finding.Errorf(finding.RateLimited, r.identityPath(), "The Salesforce org's daily API requests are used up").
			WithCode("DailyApiRequests").
			WithDetail("%s Salesforce refuses API calls with REQUEST_LIMIT_EXCEEDED until the window frees capacity.", detail).
			WithFix("Find the integrations that share the org's allocation (Setup > System Overview), or buy more API calls.")}
	}
	return []finding.Finding{finding.Warnf(finding.RateLimited, r.identityPath(), "Less than 10%% of the Salesforce org's daily API requests are left").
		WithCode("DailyApiRequests").
		WithDetail("%s When none are left, Salesforce refuses every API call with REQUEST_LIMIT_EXCEEDED.", detail).
		WithFix("Find the integrations that share the org's allocation (Setup > System Overview), or buy more API calls.")}
}

// outcome sets a result's outcome from its findings.
func outcome(res probe.StepResult) probe.StepResult {
	res.Outcome = probe.OutcomeOK
	for _, f := range res.Findings {
		if f.Severity == finding.Error {
			res.Outcome, res.Message = probe.OutcomeFailed, f.Summary
			return res
		}
		res.Outcome = probe.OutcomeWarning
	}
	return res
}
