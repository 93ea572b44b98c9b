package zendesk

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// zendesk is a Zendesk account (Support, Help Center), reached at
// https://<subdomain>.zendesk.com.
func profile() *connector.Profile {
	return &connector.Profile{
		ID:          "zendesk",
		DisplayName: "Zendesk",
		Description: "A Zendesk account, probed with `GET /api/v2/users/me`. Authenticate with an API token: `username` " +
			"is the agent's e-mail address and `token` the API token (Handshake sends `<email>/token:<token>` as basic " +
			"auth); or with an OAuth access token in `token` and no `username` (sent as a bearer token); or with an OAuth " +
			"client (`client_id`, the client's Identifier, and `client_secret`, from Admin Center > Apps and integrations > " +
			"APIs > OAuth Clients): alone it uses the client credentials grant, with `token` that token is the client's " +
			"refresh token (single use: redeemed by live checks only with `redeem_refresh_token = true`).",
		Settings: []connector.Setting{
			{Name: "subdomain", Kind: connector.String, Required: true, Description: "The account's subdomain: `acme` for " +
				"`acme.zendesk.com`. Without `https://` and without `.zendesk.com`; for a host-mapped account, still the " +
				"zendesk.com subdomain, not the custom domain."},
			{Name: "base_url", Kind: connector.String, Description: "Override of `https://<subdomain>.zendesk.com`, for tests " +
				"or a proxy; plain http is accepted only on loopback addresses."},
			{Name: "audit_logs", Kind: connector.Bool, Description: "Whether the connector reads the account's audit log " +
				"(`GET /api/v2/audit_logs`), as security-monitoring integrations do. The live check then reads one entry: " +
				"that needs an admin (the agent behind an API token, or the user who authorized an OAuth token) and the " +
				"Enterprise plan. Also turned on by `auditlogs:read` in `required_scopes`."},
		},
		AuthAttrs: []string{"username", "token", "client_id", "client_secret"},
		Rules: []connector.Rule{
			kit.ClientIDHygiene,
			kit.EndpointRules("base_url"),
			zendeskSubdomain,
			zendeskAPIToken,
			zendeskCredential,
			kit.ForEachScope(zendeskScope),
		},
		Decode:    profileDecode,
		Recognize: recognize,
	}
}

var (
	zendeskSubdomainRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	// read, write, impersonate, or a resource-scoped form such as tickets:read.
	// apiTokenShapeRE is the shape of the API tokens Admin Center creates.
	apiTokenShapeRE = regexp.MustCompile(`^[A-Za-z0-9]{40}$`)
	zendeskScopeRE  = regexp.MustCompile(`^(read|write|impersonate|[a-z_]+:(read|write))$`)
)

func zendeskSubdomain(s *connector.Spec) []finding.Finding {
	v, fs, ok := kit.NameSetting(s, "subdomain", "ZENDESK-SUBDOMAIN",
		"Every Zendesk API URL starts with https://<subdomain>.zendesk.com",
		"Set subdomain to the first part of your Zendesk address (acme for acme.zendesk.com).")
	if !ok {
		return fs
	}
	path := s.SettingPath("subdomain")
	lower := strings.ToLower(v)
	switch {
	case strings.Contains(v, "://") || strings.Contains(lower, ".zendesk.com") || strings.ContainsAny(v, "/?#"):
		want := strings.TrimSuffix(kit.StripURL(v), ".zendesk.com")
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"zendesk.subdomain must be the subdomain only, not the URL").
			WithCode("ZENDESK-SUBDOMAIN").
			WithDetail("Handshake builds https://<subdomain>.zendesk.com itself; with the scheme or domain included the host name doubles up and does not resolve.").
			WithFix(fmt.Sprintf("Set zendesk = { subdomain = %q }.", want))}
	case kit.HasSpace(v):
		return []finding.Finding{kit.SpaceFinding(s, "subdomain", "ZENDESK-SUBDOMAIN")}
	case !zendeskSubdomainRE.MatchString(lower):
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"zendesk.subdomain is not a Zendesk subdomain").
			WithCode("ZENDESK-SUBDOMAIN").
			WithDetail("A subdomain is one DNS label of letters, digits and hyphens (acme in acme.zendesk.com). A host-mapped custom domain such as support.acme.com cannot be used here; the API is always served at the zendesk.com address.").
			WithFix("Find the subdomain in Admin Center > Account > Brand management > Brands (the zendesk.com address of the brand).")}
	}
	return nil
}

// zendeskAPIToken: API tokens are sent as basic auth "<email>/token:<token>",
// so they need the agent's e-mail; only OAuth access tokens go alone.
func zendeskAPIToken(s *connector.Spec) []finding.Finding {
	user, hasUser := kit.UsernameKnown(s)
	tokenSet := !kit.SecretUnset(s, s.Auth.Token, "token")
	switch {
	case hasUser && !connector.IsEmail(strings.TrimSuffix(user, "/token")):
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("username"),
			"auth.username must be the Zendesk agent's e-mail address").
			WithCode("ZENDESK-API-TOKEN").
			WithDetail("Zendesk API tokens authenticate as <email>/token with the token as password; the e-mail must be that of an active agent or admin. A name, user id or the subdomain makes Zendesk answer 401 Couldn't authenticate you.").
			WithFix("Set auth.username to the agent's e-mail address (agent@example.com); Handshake appends /token itself.")}
	case hasUser && !tokenSet:
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("token"),
			"auth.username needs an API token in auth.token").
			WithCode("ZENDESK-API-TOKEN").
			WithDetail("Zendesk no longer accepts passwords for API requests; an agent's e-mail is used together with an API token.").
			WithFix("Create a token in Admin Center > Apps and integrations > APIs > API tokens and set it in auth.token_wo.")}
	case tokenSet && !hasUser && !kit.AuthUnknown(s, "username") && secretValueOK(s) && !oauthClient(s) &&
		apiTokenShapeRE.MatchString(s.Auth.Token.Value):
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, kit.AuthPath("username"),
			"auth.token looks like an API token but will be sent as an OAuth bearer token").
			WithCode("ZENDESK-API-TOKEN").
			WithDetail("The token has the shape of an Admin Center API token (40 letters and digits), and without auth.username it is treated as an OAuth access token. If it is an API token, Zendesk answers 401 invalid_token: API tokens only work with the agent's e-mail.").
			WithFix("For an API token, set auth.username to the agent's e-mail address.",
				"For an OAuth access token, nothing needs to change.")}
	}
	return nil
}

// oauthClient reports whether the connector names a confidential OAuth
// client (client_id and client_secret): auth.token is then its refresh token.
func oauthClient(s *connector.Spec) bool {
	return s.Auth.ClientID != "" && s.Auth.ClientSecret.Value != ""
}

// zendeskCredential: a connector with neither a token nor a client secret
// has nothing Zendesk would accept.
func zendeskCredential(s *connector.Spec) []finding.Finding {
	if s.Auth.Token.IsSet() || s.Auth.ClientSecret.IsSet() || kit.AuthUnknown(s, "token") || kit.AuthUnknown(s, "client_secret") {
		return nil
	}
	if _, hasUser := kit.UsernameKnown(s); hasUser {
		return nil // zendeskAPIToken asks for the token
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("token"),
		"Zendesk connector has no credential").
		WithCode("ZENDESK-CREDENTIAL").
		WithDetail("Zendesk accepts an API token with the agent's e-mail, an OAuth access token, or an OAuth client's secret (client credentials grant); none is set, so nothing can authenticate.").
		WithFix("Set auth.username and auth.token_wo for an API token, auth.token_wo alone for an OAuth access token, or auth.client_id and auth.client_secret_wo for an OAuth client.")}
}

// secretValueOK reports whether auth.token passed the generic hygiene checks,
// so a pasted "Bearer …" is reported once, by CheckSecrets.
func secretValueOK(s *connector.Spec) bool {
	_, ok := kit.SecretValue(s, s.Auth.Token, "token")
	return ok
}

func zendeskScope(s *connector.Spec, i int, sc string) []finding.Finding {
	switch {
	case strings.TrimSpace(sc) == "" || strings.ContainsAny(sc, " \t\r\n,"):
		return nil // connector.CheckScopes reports these
	case zendeskScopeRE.MatchString(sc):
		return nil
	case kit.IsURLScope(sc):
		return []finding.Finding{kit.URLScopeFinding(s, i, "Zendesk", "read or tickets:read")}
	}
	return []finding.Finding{finding.Warnf(finding.InvalidScope, kit.ScopePath(i),
		"Scope does not look like a Zendesk scope").
		WithCode("invalid_scope").
		WithDetail("Zendesk scopes are read, write, impersonate, or a resource with :read or :write (tickets:read, users:write, hc:read).").
		WithFix("Check the scope against Zendesk's OAuth documentation.")}
}
