package smartsheet

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

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// The live check of a Smartsheet connector:
//
//   - the credential: an API access token (or an OAuth access token) in
//     auth.token is sent as a bearer token; with an OAuth app (client_id),
//     auth.token is the refresh token, redeemed at <base_url>/token only with
//     redeem_refresh_token = true (Smartsheet issues a new refresh token on
//     every refresh); otherwise the app's credentials are verified with a
//     deliberately invalid refresh token (1071 invalid_grant means the client
//     authenticated);
//   - the probe call: GET /users/me, which every valid token may read; it
//     tells whether the user is a System Admin;
//   - events, when required_scopes has READ_EVENTS: GET /events for the last
//     hour, which needs a System Admin, the READ_EVENTS scope and the Event
//     Reporting add-on (1013 "not supported by your plan" otherwise).
//
// Not checkable: granted OAuth scopes (the token response has none and there
// is no introspection), an API access token's age (they do not expire), and
// the rate-limit budget (no headers until a 429).

const (
	defaultBase = "https://api.smartsheet.com/2.0"
	stepEvents  = "events"
	eventsScope = "READ_EVENTS"
)

// run is one connector's plan.
type run struct {
	spec     *connector.Spec
	base     string
	basePath finding.Path
	oauth    bool
	// admin is what /users/me said about the user (nil: not read).
	admin *bool
	email string
}

// Plan is the live check of a Smartsheet connector.
func Plan(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	r := &run{spec: s, base: defaultBase, basePath: s.SettingPath("base_url")}
	if b, ok := kit.Known(s, "base_url"); ok && strings.TrimSpace(b) != "" {
		r.base = strings.TrimRight(strings.TrimSpace(b), "/")
	}
	if s.Auth.Token.Value == "" {
		return nil, []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.SecretPath(s.Auth.Token, "token"),
			"The Smartsheet connector has no token to check").WithCode("1001").
			WithDetail("Smartsheet authenticates every call with a bearer token: an API access token, or with an OAuth app the refresh token that yields one.").
			WithFix("Set auth.token_wo to an API access token (Account > Apps & Integrations > API Access), or to the OAuth app's refresh token with auth.client_id and auth.client_secret_wo.")}
	}
	tokPath := kit.SecretPath(s.Auth.Token, "token")
	p := &probe.Plan{Target: r.base, TargetPath: r.basePath, Decode: r.decode, Check: r.readUser,
		Request: &probe.RequestPlan{URL: r.base + "/users/me", URLPath: r.basePath,
			Header:     http.Header{"Accept": {"application/json"}},
			Credential: probe.Credential{Kind: "bearer", Secret: s.Auth.Token.Value}, CredentialPath: tokPath}}
	if s.Auth.ClientID != "" {
		r.oauth = true
		p.OAuth2 = &probe.OAuth2Plan{TokenURL: r.base + "/token", TokenURLPath: r.basePath,
			GrantType: probe.GrantRefreshToken, AuthStyle: probe.AuthClientSecretPost,
			ClientID: s.Auth.ClientID, ClientSecret: s.Auth.ClientSecret, RefreshToken: s.Auth.Token}
		p.Request.Credential = probe.Credential{Kind: "oauth2"}
	}
	if slices.Contains(s.RequiredScopes, eventsScope) {
		p.Steps = []probe.CustomStep{{Name: stepEvents, Run: r.stepEvents}}
	}
	return p, nil
}

// decode is the plan's decoder: the profile's, placed on this connector's
// attribute, with the region named for a refused token.
func (r *run) decode(a probe.Response) (finding.Finding, bool) {
	f, ok := Decode(a)
	if !ok {
		return f, false
	}
	tokPath := kit.SecretPath(r.spec.Auth.Token, "token")
	switch f.Category {
	case finding.InvalidCredentials:
		f.Path = tokPath
		if f.Code == "invalid_client" {
			f.Path = kit.SecretPath(r.spec.Auth.ClientSecret, "client_secret")
		} else {
			host := r.base
			if u, err := url.Parse(r.base); err == nil {
				host = u.Host
			}
			f.Detail += fmt.Sprintf(" The token was sent to %s (smartsheet.base_url).", host)
			if a.Step != probe.StepAPI || !r.oauth {
				break
			}
			f.Summary = "Smartsheet refused the access token its own token endpoint issued (" + f.Code + ")"
		}
	case finding.ExpiredCredentials, finding.RevokedCredentials, finding.AccessDenied, finding.PolicyBlocked:
		f.Path = tokPath
	case finding.LicenseRequired:
		f.Path = tokPath
		if i := slices.Index(r.spec.RequiredScopes, eventsScope); i >= 0 && a.Step == stepEvents {
			f.Path = finding.Attr("required_scopes").Index(i)
		}
	default:
		f.Path = r.basePath
	}
	return f, true
}

// readUser reads the /users/me answer: who the token belongs to and whether
// that user is a System Admin (the events check needs one).
func (r *run) readUser(resp probe.Response) []finding.Finding {
	var u struct {
		Email string `json:"email"`
		Admin *bool  `json:"admin"`
	}
	if json.Unmarshal(resp.Body, &u) != nil || u.Email == "" {
		return []finding.Finding{finding.Warnf(finding.UnexpectedResponse, r.basePath,
			"GET /users/me did not answer with a Smartsheet user").
			WithDetail("The answer is not Smartsheet's UserProfile JSON (no email); smartsheet.base_url may point at something else.").
			WithFix("Set smartsheet.base_url to https://api.<region>/2.0.")}
	}
	r.admin, r.email = u.Admin, u.Email
	return nil
}

// stepEvents reads one event of the last hour, as an event-reporting
// connector does, and tells the three refusals apart: not a System Admin
// (1004), an OAuth token without READ_EVENTS (1004), no add-on (1013).
func (r *run) stepEvents(ctx context.Context, env *probe.Env) probe.StepResult {
	since := env.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	u := r.base + "/events?maxCount=1&since=" + url.QueryEscape(since)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "the events URL is not valid"}
	}
	req.Header.Set("Accept", "application/json")
	if r.oauth {
		if env.Token == nil {
			return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no access token"}
		}
		env.Token.SetAuthHeader(req)
	} else {
		req.Header.Set("Authorization", "Bearer "+r.spec.Auth.Token.Value)
	}
	resp, err := env.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "not run: the check was cancelled"}
		}
		f := finding.Errorf(finding.NetworkError, r.basePath, "GET /events did not answer").
			WithDetail("The events call failed after /users/me answered: %s.", kit.Tidy(strings.ReplaceAll(err.Error(), r.spec.Auth.Token.Value, "…"), 200)).
			WithFix("Retry; check proxies between Handshake and Smartsheet.")
		f.Retryable = true
		return probe.Failed(f)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: "GET /events answered " + fmt.Sprint(resp.StatusCode) + ": event reporting is available"}
	}
	f := env.Decode(probe.Response{Step: stepEvents, StatusCode: resp.StatusCode, Header: resp.Header, Body: body})
	if f.Code == "1004" {
		f = r.eventsDenied(f)
	}
	return probe.Failed(f)
}

// eventsDenied says which of the two 1004 causes applies on /events.
func (r *run) eventsDenied(f finding.Finding) finding.Finding {
	i := slices.Index(r.spec.RequiredScopes, eventsScope)
	switch {
	case r.admin != nil && !*r.admin:
		f.Summary = "The Smartsheet user is not a System Admin, which event reporting needs (1004)"
		f.Detail = fmt.Sprintf("GET /events answered 403 with errorCode 1004. /users/me says %s is not a System Admin; Smartsheet lets only System Admins read the account's events.", r.email)
		f.Remediation = []string{"Use a token generated by a System Admin of the Smartsheet account, or have a System Admin grant the role (Admin Center > User Management).",
			"Or remove READ_EVENTS from required_scopes if the connector does not read events."}
		f.Path = kit.SecretPath(r.spec.Auth.Token, "token")
	case r.oauth:
		f.Category = finding.InsufficientScope
		f.Summary = "The Smartsheet OAuth token lacks the READ_EVENTS scope (1004)"
		f.Detail = "GET /events answered 403 with errorCode 1004 although the user is a System Admin: the token was authorized without READ_EVENTS (Smartsheet reports no granted scopes, so only this refusal tells)."
		f.Remediation = []string{"Authorize the app again with scope=READ_EVENTS (plus the other scopes it needs) and store the new refresh token."}
		f.Path = finding.Attr("required_scopes").Index(i)
	}
	return f
}
