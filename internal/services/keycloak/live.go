package keycloak

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Live checks of a Keycloak client, on the probe's OAuth 2.0 machinery:
//
//   - realm discovery: the issuer is <base_url>/realms/<realm>, and its
//     OpenID configuration names the token, authorization and
//     introspection endpoints ("Realm does not exist" → tenant_not_found,
//     another 404 → the /auth prefix);
//   - the token request: client credentials as the client's service account
//     (client secret in HTTP Basic, or a private_key_jwt assertion), or,
//     with auth.token, the refresh grant — redeemed only with
//     redeem_refresh_token = true, otherwise the client is verified with a
//     deliberately invalid refresh token and the token by introspection;
//   - the probe call: userinfo with the access token (scope openid is
//     requested for it), which proves the realm accepts its own token at
//     this host name;
//   - roles: the access token's realm_access / resource_access claims
//     against required_permissions ("role" or "client:role");
//   - the client secret's expiry, when the realm rotates secrets and the
//     service account may read its own client (realm-management
//     view-clients): the client.secret.expiration.time attribute;
//   - redirect URIs at the authorization endpoint (probe), read by the
//     login theme's error page.

// run is one connector's plan.
type run struct {
	spec              *connector.Spec
	base, realm       string
	issuer            string
	basePath          finding.Path
	realmPath         finding.Path
	privateKeyJWT     bool
	clientCredentials bool
}

func plan(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	base := strings.TrimRight(strings.TrimSpace(s.Setting("base_url")), "/")
	realm := s.Setting("realm")
	if base == "" || strings.TrimSpace(realm) == "" || strings.ContainsAny(realm, "/?#") || s.Auth.ClientID == "" {
		// The offline rules (required settings, KEYCLOAK-REALM,
		// CLIENT-ID-MISSING) explain what is missing.
		return nil, nil
	}
	k := &run{spec: s, base: base, realm: realm, basePath: s.SettingPath("base_url"), realmPath: s.SettingPath("realm")}
	k.issuer = base + "/realms/" + url.PathEscape(realm)
	o := &probe.OAuth2Plan{
		Issuer: k.issuer, IssuerPath: k.basePath, TokenURLPath: k.basePath, AuthorizationURLPath: k.basePath,
		ClientID: s.Auth.ClientID, ClientSecret: s.Auth.ClientSecret, PrivateKey: s.Auth.PrivateKey,
		RefreshToken: s.Auth.Token, Params: url.Values{},
	}
	switch {
	case s.Auth.PrivateKey.Value != "":
		o.AuthStyle, k.privateKeyJWT = probe.AuthPrivateKeyJWT, true
	case s.Auth.ClientSecret.Value != "":
		o.AuthStyle = probe.AuthClientSecretBasic
	default:
		// A public client, or a confidential one whose secret is missing:
		// Keycloak says which (unauthorized_client for a missing secret).
		o.AuthStyle = probe.AuthNone
	}
	o.GrantType = probe.GrantClientCredentials
	if s.Auth.Token.Value != "" {
		o.GrantType = probe.GrantRefreshToken
	}
	k.clientCredentials = o.GrantType == probe.GrantClientCredentials
	// openid makes the token good for userinfo; Keycloak refuses scopes the
	// client has not been assigned, so required_scopes are requested too.
	o.Scopes = []string{"openid"}
	for _, sc := range s.RequiredScopes {
		if sc = strings.TrimSpace(sc); sc != "" && !slices.Contains(o.Scopes, sc) {
			o.Scopes = append(o.Scopes, sc)
		}
	}
	p := &probe.Plan{
		Target: base, TargetPath: k.basePath, OAuth2: o, Decode: k.decode,
		Request: &probe.RequestPlan{URL: k.issuer + "/protocol/openid-connect/userinfo", URLPath: k.basePath,
			Header:     http.Header{"Accept": {"application/json"}},
			Credential: probe.Credential{Kind: "oauth2"}, CredentialPath: kit.AuthPath("client_id")},
		Steps: []probe.CustomStep{{Name: "roles", Run: k.stepRoles}},
	}
	if k.clientCredentials && !k.privateKeyJWT && o.AuthStyle != probe.AuthNone {
		p.Steps = append(p.Steps, probe.CustomStep{Name: "secret_expiry", Run: k.stepSecretExpiry})
	}
	return p, nil
}

// decode is the plan's decoder: the profile's, with the finding placed on
// this connector's attribute and the realm and client named.
func (k *run) decode(a probe.Response) (finding.Finding, bool) {
	f, t, ok := decode(a)
	if !ok {
		// An OAuth error Keycloak's wording does not settle: the generic
		// classification, placed on a Keycloak attribute (the probe's
		// defaults name oauth2 settings such as grant_type).
		g, okGeneric := probe.DecodeOAuthError(a.StatusCode, a.Body)
		if !okGeneric {
			return finding.Finding{}, false
		}
		f, t = g, k.targetOf(g.Category)
	}
	f.Path = k.path(t)
	switch f.Category {
	case finding.TenantNotFound:
		f.Summary = fmt.Sprintf("Keycloak realm %q does not exist at %s (%s)", k.realm, k.base, f.Code)
	case finding.AppNotFound:
		f.Summary = fmt.Sprintf("Keycloak client %q not found or disabled in realm %q (%s)", k.spec.Auth.ClientID, k.realm, f.Code)
	}
	if a.Step == probe.StepToken || a.Step == probe.StepRefresh {
		f.Detail = fmt.Sprintf("The token endpoint of realm %q refused client %q. %s", k.realm, k.spec.Auth.ClientID, f.Detail)
	}
	if a.Step == probe.StepAPI && f.Code == "invalid_token" {
		f.Summary = "Keycloak refused the token it had just issued: the host name differs (" + f.Code + ")"
		f.Category = finding.InvalidConfiguration
	}
	if t == tRedirect {
		f.Path = nil // the probe points it at the redirect URI
	}
	return f, true
}

// targetOf places a generic OAuth finding.
func (k *run) targetOf(cat finding.Category) target {
	switch cat {
	case finding.InvalidCredentials, finding.ExpiredCredentials, finding.RevokedCredentials:
		if k.spec.Auth.Token.Value != "" {
			return tToken
		}
		return tSecret
	case finding.InvalidScope, finding.InsufficientScope:
		return tScopes
	case finding.AppNotFound, finding.AccessDenied, finding.AccountDisabled, finding.ConsentRequired, finding.FeatureDisabled:
		return tClientID
	case finding.RedirectURIMismatch:
		return tRedirect
	}
	return tBaseURL
}

// path turns a target into this connector's attribute.
func (k *run) path(t target) finding.Path {
	a := k.spec.Auth
	switch t {
	case tSecret:
		if k.privateKeyJWT {
			return kit.SecretPath(a.PrivateKey, "private_key")
		}
		return kit.SecretPath(a.ClientSecret, "client_secret")
	case tKey:
		if a.PrivateKey.IsSet() {
			return a.PrivateKey.Path()
		}
		return kit.SecretPath(a.ClientSecret, "client_secret")
	case tClientID:
		return kit.AuthPath("client_id")
	case tRealm:
		return k.realmPath
	case tToken:
		if a.Token.IsSet() {
			return a.Token.Path()
		}
		return finding.Attr("require_refresh_token")
	case tScopes:
		return finding.Attr("required_scopes")
	case tRedirect:
		return finding.Attr("redirect_uris")
	}
	return k.basePath
}

// claims are the access-token claims the roles step reads. The token came
// straight from the token endpoint; its signature is the realm's business.
type claims struct {
	Exp         int64  `json:"exp"`
	Scope       string `json:"scope"`
	AZP         string `json:"azp"`
	RealmAccess struct {
		Roles []string `json:"roles"`
	} `json:"realm_access"`
	ResourceAccess map[string]struct {
		Roles []string `json:"roles"`
	} `json:"resource_access"`
}

func readClaims(tok string) (claims, bool) {
	raw, ok := jwtPayload(tok)
	if !ok {
		return claims{}, false
	}
	var c claims
	return c, json.Unmarshal(raw, &c) == nil
}

// roles lists the token's roles: realm roles by name, client roles as
// "client:role".
func (c claims) roles() []string {
	out := slices.Clone(c.RealmAccess.Roles)
	for client, ra := range c.ResourceAccess {
		for _, r := range ra.Roles {
			out = append(out, client+":"+r)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// stepRoles compares required_permissions with the roles in the access
// token: what the service account (or user) was granted and the client's
// scope mappings let into its tokens.
func (k *run) stepRoles(_ context.Context, env *probe.Env) probe.StepResult {
	if env.Token == nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no access token"}
	}
	c, ok := readClaims(env.Token.AccessToken)
	if !ok {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "the access token is not a JWT; its roles cannot be read"}
	}
	roles := c.roles()
	granted := append(strings.Fields(c.Scope), roles...)
	sort.Strings(granted)
	env.GrantScopes(slices.Compact(granted))
	var fs []finding.Finding
	for i, want := range k.spec.RequiredPermissions {
		want = strings.TrimSpace(want)
		if want == "" || slices.Contains(roles, want) {
			continue
		}
		where := "Realm roles"
		fix := fmt.Sprintf("Assign realm role %s to the service account under Clients > %s > Service accounts roles > Assign role (filter by realm roles).", want, k.spec.Auth.ClientID)
		if client, role, isClientRole := cutLast(want, ":"); isClientRole {
			where = "Client roles of " + client
			fix = fmt.Sprintf("Assign client role %s of client %s to the service account under Clients > %s > Service accounts roles > Assign role (filter by clients).", role, client, k.spec.Auth.ClientID)
		}
		if !k.clientCredentials {
			fix = strings.Replace(fix, "the service account under Clients > "+k.spec.Auth.ClientID+" > Service accounts roles", "the user under Users > <user> > Role mapping", 1)
		}
		fs = append(fs, finding.Errorf(finding.InsufficientScope, finding.Attr("required_permissions").Index(i),
			"The Keycloak token lacks role %s", want).
			WithCode("realm_access").
			WithDetail("The access token's realm_access and resource_access claims list the roles this client's tokens carry: %s. %s does not include %s. With Full scope allowed off, a role assigned but not in the client's scope mappings is also left out of its tokens.",
				strings.Join(orNone(roles), ", "), where, want).
			WithFix(fix, "If Full scope allowed is off for the client, add the role under Clients > <client> > Client scopes > <client>-dedicated > Scope."))
	}
	msg := fmt.Sprintf("the token carries %d role(s)", len(roles))
	if exp := c.Exp; exp > 0 {
		msg += "; access token valid until " + time.Unix(exp, 0).UTC().Format(time.RFC3339)
	}
	res := probe.StepResult{Outcome: probe.OutcomeOK, Message: msg, Findings: fs}
	if len(fs) > 0 {
		res.Outcome, res.Message = probe.OutcomeFailed, fs[0].Summary
	}
	return res
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i <= 0 || i == len(s)-1 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

func orNone(v []string) []string {
	if len(v) == 0 {
		return []string{"none"}
	}
	return v
}

// secretExpiryAttr is the client attribute where Keycloak's client-secret
// rotation policy records when the secret expires (epoch seconds).
const secretExpiryAttr = "client.secret.expiration.time"

// stepSecretExpiry reads the client's own representation through the admin
// API, which needs realm-management view-clients: without it the expiry
// cannot be read, and that is not a fault of the connector.
func (k *run) stepSecretExpiry(ctx context.Context, env *probe.Env) probe.StepResult {
	if env.Token == nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no access token"}
	}
	u := k.base + "/admin/realms/" + url.PathEscape(k.realm) + "/clients?clientId=" + url.QueryEscape(k.spec.Auth.ClientID)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "the admin API URL is not valid"}
	}
	req.Header.Set("Accept", "application/json")
	env.Token.SetAuthHeader(req)
	resp, err := env.HTTP.Do(req)
	if err != nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "the client secret's expiry could not be read: the admin API did not answer"}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return probe.StepResult{Outcome: probe.OutcomeSkipped,
			Message: "the client secret's expiry was not read: the service account lacks realm-management view-clients"}
	case resp.StatusCode != http.StatusOK:
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: fmt.Sprintf("the client secret's expiry was not read: the admin API answered HTTP %d", resp.StatusCode)}
	}
	var clients []struct {
		ClientID   string            `json:"clientId"`
		Attributes map[string]string `json:"attributes"`
	}
	if json.Unmarshal(body, &clients) != nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "the admin API's client list is not JSON"}
	}
	for _, c := range clients {
		if c.ClientID != k.spec.Auth.ClientID {
			continue
		}
		v := strings.TrimSpace(c.Attributes[secretExpiryAttr])
		secs, err := strconv.ParseInt(v, 10, 64)
		if v == "" || err != nil || secs <= 0 {
			return probe.StepResult{Outcome: probe.OutcomeOK, Message: "the client secret does not expire (no secret rotation policy applies)"}
		}
		at := time.Unix(secs, 0)
		env.CredentialExpires(at, kit.SecretPath(k.spec.Auth.ClientSecret, "client_secret"),
			"Keycloak client secret ("+secretExpiryAttr+")")
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: "the client secret expires at " + at.UTC().Format(time.RFC3339)}
	}
	return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "the admin API did not list the client"}
}
