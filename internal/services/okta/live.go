package okta

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Live checks of Okta connectors.
//
//   - API token (auth.token, no client_id): GET {org}/api/v1/users/me with
//     "Authorization: SSWS <token>". The token acts as the admin who created
//     it, so this one call proves the token, its org and its owner.
//   - API service app (client_id with private_key, or a client secret on a
//     custom authorization server): client credentials against
//     {org}/oauth2/v1/token (the org authorization server, the only one that
//     issues okta.* scopes) or {org}/oauth2/{authorization_server}/v1/token,
//     with a private_key_jwt client assertion; then one read of the Okta API
//     the requested scopes allow (GET /api/v1/users?limit=1 for
//     okta.users.read). Okta's own APIs do not accept tokens from custom
//     authorization servers, so for those the token grant is the test.
//   - A user's refresh token (client_id with auth.token): the refresh_token
//     grant, then the same read.
//
// Every Okta answer carries X-Rate-Limit-Limit/-Remaining/-Reset: a nearly
// used-up budget is reported as a warning (status degraded), an exhausted
// one as rate_limited.

// oktaDefaultScope is requested when a service app names no scope: the org
// authorization server refuses a client credentials request without one.
const oktaDefaultScope = "okta.users.read"

// oktaProbeCalls maps Okta API scopes to the read the probe makes with them,
// in order of preference.
var oktaProbeCalls = []struct{ scopes, path string }{
	{"okta.users.read okta.users.manage", "/api/v1/users?limit=1"},
	{"okta.groups.read okta.groups.manage", "/api/v1/groups?limit=1"},
	{"okta.apps.read okta.apps.manage", "/api/v1/apps?limit=1"},
	{"okta.logs.read", "/api/v1/logs?limit=1"},
	{"okta.users.read.self okta.users.manage.self", "/api/v1/users/me"},
	{"okta.orgs.read okta.orgs.manage", "/api/v1/org"},
}

// oktaBase returns the org's base URL (base_url, else https://<domain>) and
// the attribute that sets it.
func oktaBase(s *connector.Spec) (string, finding.Path) {
	if v := strings.TrimSpace(s.Setting("base_url")); v != "" {
		return strings.TrimRight(v, "/"), s.SettingPath("base_url")
	}
	return "https://" + strings.TrimSpace(s.Setting("domain")), s.SettingPath("domain")
}

// plan builds the live check of an Okta connector.
func plan(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	base, basePath := oktaBase(s)
	var out []finding.Finding
	if base == "https://" {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, basePath, "Missing okta.domain").
			WithFix("Set okta = { domain = \"dev-123456.okta.com\" }."))
	}
	p := &probe.Plan{Target: base, TargetPath: basePath, Decode: decode, Check: oktaRateLimitCheck}
	tok := s.Auth.Token

	if s.Auth.ClientID == "" {
		if tok.Value == "" {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, kit.SecretPath(tok, "token"),
				"Okta connector needs an API token or a service app"))
		}
		p.Request = &probe.RequestPlan{
			URL: base + "/api/v1/users/me", URLPath: basePath,
			Header: http.Header{"Accept": {"application/json"}},
			Credential: probe.Credential{Kind: "api_key", Secret: tok.Value, Location: "header",
				Name: "Authorization", Prefix: "SSWS "},
			CredentialPath: kit.SecretPath(tok, "token"),
		}
		return p, out
	}

	as := strings.TrimSpace(s.Setting("authorization_server"))
	server, serverPath := base+"/oauth2/v1", basePath
	if as != "" {
		server, serverPath = base+"/oauth2/"+url.PathEscape(as)+"/v1", s.SettingPath("authorization_server")
	}
	o := &probe.OAuth2Plan{
		TokenURL: server + "/token", AuthorizationURL: server + "/authorize", IntrospectionURL: server + "/introspect",
		IssuerPath: basePath, TokenURLPath: serverPath, AuthorizationURLPath: serverPath,
		ClientID: s.Auth.ClientID, ClientSecret: s.Auth.ClientSecret, PrivateKey: s.Auth.PrivateKey,
		RefreshToken: tok, Scopes: s.RequiredScopes, Params: url.Values{},
	}
	switch {
	case s.Auth.PrivateKey.Value != "":
		o.AuthStyle = probe.AuthPrivateKeyJWT
	case s.Auth.ClientSecret.Value != "":
		o.AuthStyle = probe.AuthClientSecretBasic
	default:
		o.AuthStyle = probe.AuthNone
	}
	if tok.Value != "" {
		o.GrantType = probe.GrantRefreshToken
	} else {
		o.GrantType = probe.GrantClientCredentials
		if o.AuthStyle == probe.AuthNone {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, kit.SecretPath(s.Auth.PrivateKey, "private_key"),
				"Okta service app needs a private key"))
		}
		if len(o.Scopes) == 0 && as == "" {
			o.Scopes = []string{oktaDefaultScope}
		}
	}
	p.OAuth2 = o
	if as == "" {
		if path := oktaProbePath(o.Scopes); path != "" {
			p.Request = &probe.RequestPlan{
				URL: base + path, URLPath: basePath,
				Header:     http.Header{"Accept": {"application/json"}},
				Credential: probe.Credential{Kind: "oauth2"}, CredentialPath: finding.Attr("auth", "client_id"),
			}
		}
	}
	return p, out
}

// oktaProbePath picks the API read that the requested scopes allow ("" when
// none of them is an Okta API scope the probe knows).
func oktaProbePath(scopes []string) string {
	for _, c := range oktaProbeCalls {
		for _, want := range strings.Fields(c.scopes) {
			for _, sc := range scopes {
				if sc == want {
					return c.path
				}
			}
		}
	}
	return ""
}

// oktaRateLimitCheck reads the rate-limit headers of a successful probe
// call. Their numbers change with every call, so the findings name only
// the limit, which is stable, to keep refresh-only plans free of drift.
func oktaRateLimitCheck(r probe.Response) []finding.Finding {
	remaining, err := strconv.Atoi(strings.TrimSpace(r.Header.Get("X-Rate-Limit-Remaining")))
	if err != nil || remaining < 0 {
		return nil
	}
	limit, _ := strconv.Atoi(strings.TrimSpace(r.Header.Get("X-Rate-Limit-Limit")))
	of := ""
	if limit > 0 {
		of = fmt.Sprintf(" of the %d requests per window", limit)
	}
	switch {
	case remaining == 0:
		f := finding.Errorf(finding.RateLimited, nil, "Okta's rate limit for this endpoint is used up").
			WithCode("X-Rate-Limit-Remaining").
			WithDetail("The probe call succeeded, but X-Rate-Limit-Remaining is 0%s: until the window resets (X-Rate-Limit-Reset), Okta refuses calls to this endpoint with HTTP 429 (E0000047), for every integration of the org.", of).
			WithFix("Retry after the window resets; Okta's windows are one minute.",
				"Find the integration using the budget under Reports > Rate Limits in the Admin Console, and spread its schedule.")
		f.Retryable = true
		return []finding.Finding{f}
	case limit > 0 && remaining*10 < limit:
		return []finding.Finding{finding.Warnf(finding.RateLimited, nil, "Okta's rate limit for this endpoint is nearly used up").
			WithCode("X-Rate-Limit-Remaining").
			WithDetail("Fewer than 10%%%s remain (X-Rate-Limit-Remaining); the org's integrations share this budget, and calls beyond it fail with HTTP 429 (E0000047).", of).
			WithFix("Check Reports > Rate Limits in the Admin Console for the integration using the budget, and spread its schedule or ask Okta for a higher limit.")}
	}
	return nil
}
