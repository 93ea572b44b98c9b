package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	xoauth2 "golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// Live checks for Slack. The probe call is auth.test, which needs no scope
// and reports the token's workspace; Slack lists the token's scopes in the
// x-oauth-scopes response header, which is compared with required_scopes.
// Failures come back as {"ok": false, "error": …} with HTTP 200, so the
// answer is read by the plan's Check hook, not by its status.
//
// With token rotation, auth.token holds the refresh token (xoxe-1-…): the
// refresh step exchanges it at oauth.v2.access (grant_type=refresh_token,
// the app's client id and secret in HTTP Basic) for a 12-hour access token,
// and auth.test runs with that token.

const slackDefaultBase = "https://slack.com/api"

type slackRun struct {
	spec *connector.Spec
	base string
}

// plan builds the live check of a Slack connector.
func plan(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	base := strings.TrimRight(strings.TrimSpace(kit.SettingOr(s, "base_url", slackDefaultBase)), "/")
	sl := &slackRun{spec: s, base: base}
	tok := s.Auth.Token.Value
	if tok == "" {
		return nil, nil // the offline rules report the missing token
	}
	plan := &probe.Plan{Target: base, TargetPath: s.SettingPath("base_url"), Decode: decode}
	if strings.HasPrefix(tok, "xoxe-") {
		if s.Auth.ClientID == "" || s.Auth.ClientSecret.Value == "" {
			return nil, nil // SLACK-REFRESH-TOKEN explains it offline
		}
		plan.Steps = []probe.CustomStep{
			{Name: probe.StepRefresh, Run: sl.stepRefresh},
			{Name: probe.StepAPIAfterRefresh, Run: sl.stepAuthTestRefreshed},
		}
		return plan, nil
	}
	plan.Request = &probe.RequestPlan{Method: http.MethodPost, URL: base + "/auth.test", URLPath: s.SettingPath("base_url"),
		Credential: probe.Credential{Kind: "bearer", Secret: tok}, CredentialPath: s.Auth.Token.Path()}
	plan.Check = func(r probe.Response) []finding.Finding { return sl.checkAuthTest(r) }
	plan.GrantedScopes = func(r probe.Response) ([]string, bool) { return slackScopes(r.Header) }
	return plan, nil
}

func (sl *slackRun) tokenPath() finding.Path { return kit.SecretPath(sl.spec.Auth.Token, "token") }

// pathFor is the attribute a Slack error points at.
func (sl *slackRun) pathFor(f finding.Finding) finding.Path {
	switch f.Category {
	case finding.InsufficientScope:
		for i, sc := range sl.spec.RequiredScopes {
			if f.Code == "missing_scope" && strings.Contains(f.Summary, " "+sc+" ") {
				return kit.ScopePath(i)
			}
		}
		return finding.Attr("required_scopes")
	case finding.AccessDenied:
		if f.Code == "team_access_not_granted" && sl.spec.Setting("team_id") != "" {
			return sl.spec.SettingPath("team_id")
		}
		return sl.tokenPath()
	case finding.AppNotFound:
		return finding.Attr("auth", "client_id")
	case finding.RateLimited, finding.ServiceUnavailable, finding.Timeout, finding.EndpointNotFound, finding.UnexpectedResponse:
		return sl.spec.SettingPath("base_url")
	}
	if f.Code == "bad_client_secret" {
		return kit.SecretPath(sl.spec.Auth.ClientSecret, "client_secret")
	}
	return sl.tokenPath()
}

// checkAuthTest reads a 2xx auth.test answer: Slack's error, or the
// token's workspace and scopes.
func (sl *slackRun) checkAuthTest(r probe.Response) []finding.Finding {
	var body struct {
		OK           bool   `json:"ok"`
		TeamID       string `json:"team_id"`
		Team         string `json:"team"`
		EnterpriseID string `json:"enterprise_id"`
		Enterprise   bool   `json:"is_enterprise_install"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		return []finding.Finding{finding.Errorf(finding.UnexpectedResponse, sl.spec.SettingPath("base_url"),
			"auth.test did not answer with Slack's JSON").
			WithDetail("The answer (HTTP %d) is not a JSON object with an ok member.", r.StatusCode).
			WithFix("Check that base_url is Slack's Web API root (https://slack.com/api).")}
	}
	if !body.OK {
		e, ok := readSlackError(r.StatusCode, string(r.Body))
		if !ok {
			e = slackError{status: r.StatusCode, code: "unknown_error"}
		}
		f := e.finding()
		f.Path = sl.pathFor(f)
		return []finding.Finding{f}
	}
	var out []finding.Finding
	if want := strings.TrimSpace(sl.spec.Setting("team_id")); want != "" {
		switch {
		case strings.EqualFold(want, body.TeamID), body.EnterpriseID != "" && strings.EqualFold(want, body.EnterpriseID):
		default:
			got := body.TeamID
			if got == "" {
				got = "no workspace (an org-wide installation)"
			}
			out = append(out, finding.Warnf(finding.InvalidConfiguration, sl.spec.SettingPath("team_id"),
				"The Slack token belongs to another workspace than team_id").
				WithCode("team_id").
				WithDetail("auth.test reports workspace %s (%s), but team_id is %s.", got, kit.Clean(body.Team, 80), want).
				WithFix("Use a token issued by the app's installation in workspace "+want+", or correct team_id."))
		}
	}
	scopes, present := slackScopes(r.Header)
	if !present {
		return out
	}
	for i, sc := range sl.spec.RequiredScopes {
		sc = strings.TrimSpace(sc)
		if sc == "" || slices.Contains(scopes, sc) {
			continue
		}
		out = append(out, finding.Errorf(finding.InsufficientScope, kit.ScopePath(i),
			"The Slack token lacks the %s scope", sc).
			WithCode("missing_scope").
			WithDetail("Slack lists the token's scopes in the x-oauth-scopes header of every answer: %s. %s is not among them.",
				strings.Join(orNone(scopes), ", "), sc).
			WithFix("Add "+sc+" under api.slack.com/apps > your app > OAuth & Permissions > Scopes (Bot Token Scopes for an xoxb- token), reinstall the app to the workspace, and update the token if it changed.",
				"If the workspace requires app approval, an admin has to approve the new scope."))
	}
	return out
}

func orNone(v []string) []string {
	if len(v) == 0 {
		return []string{"none"}
	}
	return v
}

// slackScopes reads x-oauth-scopes (comma-separated).
func slackScopes(h http.Header) ([]string, bool) {
	vs, ok := h[http.CanonicalHeaderKey("X-Oauth-Scopes")]
	if !ok {
		return nil, false
	}
	var out []string
	for _, v := range vs {
		for _, sc := range strings.Split(v, ",") {
			if sc = strings.TrimSpace(sc); sc != "" {
				out = append(out, sc)
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out), true
}

// post calls a Web API method with a form body.
func (sl *slackRun) post(ctx context.Context, env *probe.Env, step, method string, form url.Values, auth func(*http.Request)) (probe.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sl.base+"/"+method, strings.NewReader(form.Encode()))
	if err != nil {
		return probe.Response{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	auth(req)
	return env.Send(req, step)
}

func (sl *slackRun) netFailure(err error, what string) probe.StepResult {
	f := transport.Classify(err)
	f.Path = sl.spec.SettingPath("base_url")
	f.Summary = what + ": " + kit.LowerFirstRune(f.Summary)
	return probe.Failed(f)
}

// stepRefresh exchanges the refresh token for an access token, when the
// connector allows it (redeem_refresh_token): Slack rotates refresh tokens,
// so redeeming one at plan time would spend the integration's.
func (sl *slackRun) stepRefresh(ctx context.Context, env *probe.Env) probe.StepResult {
	if !sl.spec.RedeemRefreshToken {
		return sl.verifyClient(ctx, env)
	}
	rt := sl.spec.Auth.Token.Value
	resp, err := sl.post(ctx, env, probe.StepRefresh, "oauth.v2.access",
		url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}},
		func(r *http.Request) { r.SetBasicAuth(sl.spec.Auth.ClientID, sl.spec.Auth.ClientSecret.Value) })
	if err != nil {
		return sl.netFailure(err, "Token refresh")
	}
	var body struct {
		OK           bool   `json:"ok"`
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ExpiresIn    int64  `json:"expires_in"`
		TokenType    string `json:"token_type"`
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 || json.Unmarshal(resp.Body, &body) != nil || !body.OK || body.AccessToken == "" {
		f := env.Decode(resp)
		if f.Code == "invalid_refresh_token" || f.Category == finding.RevokedCredentials {
			f.Path = sl.tokenPath()
		} else {
			f.Path = sl.pathFor(f)
		}
		f.Summary = "Token refresh: " + kit.LowerFirstRune(f.Summary)
		return probe.Failed(f)
	}
	tok := &xoauth2.Token{AccessToken: body.AccessToken, TokenType: "Bearer", RefreshToken: body.RefreshToken}
	if body.ExpiresIn > 0 {
		tok.Expiry = time.Now().Add(time.Duration(body.ExpiresIn) * time.Second)
	}
	env.UseToken(tok)
	res := probe.StepResult{Message: fmt.Sprintf("oauth.v2.access issued a %s access token", kit.OrDefault(body.TokenType, "new"))}
	if body.ExpiresIn > 0 {
		res.Message += fmt.Sprintf(" valid for %s", time.Duration(body.ExpiresIn)*time.Second)
	}
	if body.RefreshToken != "" && body.RefreshToken != rt {
		res.Outcome = probe.OutcomeWarning
		res.Findings = append(res.Findings, finding.Warnf(finding.RevokedCredentials, sl.tokenPath(),
			"The refresh token was rotated by Slack during the check").
			WithCode("refresh_token").
			WithDetail("oauth.v2.access answered with a refresh token other than the one in %s, so the stored one may stop working once Slack retires it.", sl.tokenPath()).
			WithFix("Remove redeem_refresh_token (it defaults to false): the check then verifies the app's client id and secret without spending the refresh token.",
				"To redeem on purpose, use ephemeral \"handshake_access_token\" with redeem_refresh_token = true: it returns the rotated token in its ephemeral refresh_token attribute, for a secret store's write-only argument."))
	}
	return res
}

// verifyClient checks the app's client id and secret without spending the
// refresh token: oauth.v2.access checks them before the refresh token, so a
// deliberately invalid one is answered invalid_refresh_token exactly when
// they are right (invalid_client_id / bad_client_secret otherwise).
func (sl *slackRun) verifyClient(ctx context.Context, env *probe.Env) probe.StepResult {
	resp, err := sl.post(ctx, env, probe.StepRefresh, "oauth.v2.access",
		url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"xoxe-1-handshake-deliberately-invalid"}},
		func(r *http.Request) { r.SetBasicAuth(sl.spec.Auth.ClientID, sl.spec.Auth.ClientSecret.Value) })
	if err != nil {
		return sl.netFailure(err, "Client check")
	}
	if e, ok := readSlackError(resp.StatusCode, string(resp.Body)); ok && e.code == "invalid_refresh_token" {
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: "client id and secret verified (oauth.v2.access refused a deliberately invalid refresh token with invalid_refresh_token); " +
			"the refresh token in " + sl.tokenPath().String() + " was not redeemed, since Slack rotates it and the integration's copy would stop working (redeem_refresh_token = true allows it)"}
	}
	f := env.Decode(resp)
	f.Path = sl.pathFor(f)
	f.Summary = "Client check: " + kit.LowerFirstRune(f.Summary)
	return probe.Failed(f)
}

func (sl *slackRun) stepAuthTestRefreshed(ctx context.Context, env *probe.Env) probe.StepResult {
	if env.Token == nil || env.Token.AccessToken == "" {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no refreshed token to test"}
	}
	at := env.Token.AccessToken
	resp, err := sl.post(ctx, env, probe.StepAPIAfterRefresh, "auth.test", url.Values{},
		func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+at) })
	if err != nil {
		return sl.netFailure(err, "auth.test")
	}
	var fs []finding.Finding
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		f := env.Decode(resp)
		f.Path = sl.pathFor(f)
		fs = []finding.Finding{f}
	} else {
		fs = sl.checkAuthTest(resp)
		if scopes, ok := slackScopes(resp.Header); ok {
			env.GrantScopes(scopes)
		}
	}
	res := probe.StepResult{Outcome: kit.OutcomeOf(fs), Findings: fs, Message: fmt.Sprintf("auth.test answered %d with the refreshed token", resp.StatusCode)}
	for _, f := range fs {
		if f.Severity == finding.Error {
			f.Summary = "auth.test with the refreshed token: " + kit.LowerFirstRune(f.Summary)
			res.Outcome, res.Message = probe.OutcomeFailed, f.Summary
			res.Findings = []finding.Finding{f}
			break
		}
	}
	return res
}
