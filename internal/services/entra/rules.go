package entra

// Offline rules shared by entra_id and microsoft_365: tenant, authority,
// national clouds, client id, credentials, scopes, redirect URIs.

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// The tenant aliases of multi-tenant sign-in; none names a tenant, so the
// token service cannot tell whose directory an app-only token is for.
var entraTenantAliases = []string{"common", "organizations", "consumers"}

var guidInTextRE = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

func entraTenant(s *connector.Spec) []finding.Finding {
	if s.SettingUnknown("tenant_id") {
		return nil
	}
	v, present := s.Settings["tenant_id"]
	if !present {
		return nil // the schema marks it required
	}
	path := s.SettingPath("tenant_id")
	bad := func(code, summary, detail string, fix ...string) []finding.Finding {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path, "%s", summary).
			WithCode(code).WithDetail("%s", detail).WithFix(fix...)}
	}
	lower := strings.ToLower(strings.TrimSpace(v))
	switch {
	case connector.IsGUID(v) || connector.IsDomainName(v):
		return nil
	case lower == "":
		return bad("AADSTS900023", s.Service+".tenant_id is empty",
			"The token URL is built as <authority>/<tenant_id>/oauth2/v2.0/token; an empty tenant makes Entra answer AADSTS900023 (invalid tenant identifier). This usually means a variable was not set.",
			"Set tenant_id to the Directory (tenant) ID shown on the app registration's Overview page.")
	case kit.ContainsFold(entraTenantAliases, lower):
		return bad("AADSTS50059", fmt.Sprintf("%s.tenant_id %q does not name a tenant", s.Service, lower),
			fmt.Sprintf("%q is an alias for multi-tenant user sign-in. App-only (client credentials) tokens are issued by one specific tenant, so Entra answers AADSTS50059 (no tenant-identifying information) or issues a token for the wrong directory.", lower),
			"Set tenant_id to the GUID of the tenant the app should read, shown as Directory (tenant) ID on the app registration's Overview page.",
			"For a multi-tenant app, use the customer's tenant id; the app must be consented in that tenant.")
	case strings.Contains(v, "/"):
		fix := "Set tenant_id to the Directory (tenant) ID only, and put a non-default host in authority_url."
		if id := guidInTextRE.FindString(v); id != "" {
			fix = fmt.Sprintf("Set tenant_id = %q, and put a non-default host in authority_url.", id)
		}
		return bad("AADSTS900023", s.Service+".tenant_id must be the tenant id, not a URL",
			"Handshake builds the token URL from authority_url and tenant_id; a URL here yields an address whose tenant segment Entra cannot read (AADSTS900023).",
			fix)
	case strings.HasPrefix(v, "{") && connector.IsGUID(strings.Trim(v, "{}")):
		return bad("AADSTS900023", s.Service+".tenant_id must not be wrapped in braces",
			"Entra reads the tenant from the URL path, where the registry-style {…} form is not recognised (AADSTS900023).",
			fmt.Sprintf("Set tenant_id = %q.", strings.Trim(v, "{}")))
	default:
		return bad("AADSTS900023", s.Service+".tenant_id is neither a GUID nor a domain name",
			"The tenant must be given as its GUID (8-4-4-4-12 hex digits) or a verified domain name such as contoso.onmicrosoft.com; Entra answers anything else with AADSTS900023 (specified tenant identifier is neither a valid DNS name nor a valid external domain).",
			"Copy the Directory (tenant) ID from the app registration's Overview page in the Entra admin center.")
	}
}

// entraAuthority catches a tenant or an endpoint inside authority_url. A
// plain path prefix (a reverse proxy's, or an emulator's /entra) is left
// alone: only segments that name a tenant or an endpoint are doubled.
func entraAuthority(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "authority_url")
	if !ok {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || strings.Trim(u.Path, "/") == "" {
		return nil
	}
	bad := ""
	for _, seg := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		lower := strings.ToLower(seg)
		if connector.IsGUID(seg) || strings.Contains(seg, ".") || kit.ContainsFold(entraTenantAliases, lower) ||
			kit.ContainsFold([]string{"oauth2", "v2.0", "token", "authorize", "{tenant}", "{tenant_id}", "{tenantid}"}, lower) {
			bad = seg
			break
		}
	}
	if bad == "" {
		return nil
	}
	base := u.Scheme + "://" + u.Host
	if i := strings.Index(u.Path, bad); i > 0 {
		base += strings.TrimRight(u.Path[:i], "/")
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("authority_url"),
		"%s.authority_url must be the base URL only", s.Service).
		WithCode("ENTRA-AUTHORITY").
		WithDetail("Handshake appends /<tenant_id>/oauth2/v2.0/token to authority_url; its path segment %q names a tenant or an endpoint, which would be doubled, and the token service would answer AADSTS900023 or 404.", bad).
		WithFix(fmt.Sprintf("Set authority_url = %q and the tenant in tenant_id.", base))}
}

// Microsoft's national clouds: tokens from one cloud's token service are not
// accepted by another cloud's Graph.
var entraCloudOf = map[string]string{
	"login.microsoftonline.com":        "global",
	"graph.microsoft.com":              "global",
	"login.microsoftonline.us":         "US Government",
	"graph.microsoft.us":               "US Government",
	"dod-graph.microsoft.us":           "US Government",
	"login.chinacloudapi.cn":           "China (21Vianet)",
	"microsoftgraph.chinacloudapi.cn":  "China (21Vianet)",
	"login.partner.microsoftonline.cn": "China (21Vianet)",
	"manage.office.com":                "global",
	"manage-gcc.office.com":            "global",
	"manage.office365.us":              "US Government",
	"manage.protection.apps.mil":       "US Government",
	"manage.chinacloudapi.cn":          "China (21Vianet)",
}

// entraClouds warns when the token service and an API are in different
// national clouds; only hosts Handshake knows are compared.
func entraClouds(apis []entraAPI) connector.Rule {
	return func(s *connector.Spec) []finding.Finding {
		if s.SettingUnknown("authority_url") {
			return nil
		}
		from := entraCloudOf[hostOf(kit.SettingOr(s, "authority_url", "https://login.microsoftonline.com"))]
		if from == "" {
			return nil
		}
		var out []finding.Finding
		for _, api := range apis {
			if s.SettingUnknown(api.setting) {
				continue
			}
			to := entraCloudOf[hostOf(kit.SettingOr(s, api.setting, api.def))]
			if to == "" || to == from {
				continue
			}
			// Report on the setting the user wrote; if only one side was
			// changed from its default, that is the one to look at.
			path := s.SettingPath(api.setting)
			if kit.SettingUnset(s, api.setting) {
				path = s.SettingPath("authority_url")
			}
			out = append(out, finding.Warnf(finding.InvalidConfiguration, path,
				"%s.%s and authority_url are in different Microsoft clouds", s.Service, api.setting).
				WithCode("ENTRA-NATIONAL-CLOUD").
				WithDetail("The token service (authority_url) belongs to the %s cloud and %s to the %s cloud. Each national cloud has its own token service and APIs, and rejects tokens issued by another.", from, api.setting, to).
				WithFix("Set authority_url and "+api.setting+" to endpoints of the same cloud (for example https://login.microsoftonline.us with https://graph.microsoft.us)."))
		}
		return out
	}
}

func entraClientID(s *connector.Spec) []finding.Finding {
	id := s.Auth.ClientID
	if kit.AuthUnknown(s, "client_id") {
		return nil
	}
	if id == "" {
		return []finding.Finding{kit.MissingClientID("Entra identifies the app registration by its Application (client) ID")}
	}
	if !connector.IsGUID(id) {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("client_id"),
			"auth.client_id must be the Application (client) ID").
			WithCode("AADSTS700016").
			WithDetail("Entra application ids are GUIDs (8-4-4-4-12 hex digits). Any other value is not found in the directory (AADSTS700016). The app's display name or its Object ID are common mix-ups.").
			WithFix("Copy Application (client) ID from the app registration's Overview page.")}
	}
	if t, ok := kit.Known(s, "tenant_id"); ok && strings.EqualFold(t, id) {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("client_id"),
			"auth.client_id is the tenant id").
			WithCode("AADSTS700016").
			WithDetail("auth.client_id equals tenant_id. The tenant id names the directory; the app is identified by its own Application (client) ID, and Entra answers AADSTS700016 (application not found in the directory).").
			WithFix("Copy Application (client) ID, not Directory (tenant) ID, from the app registration's Overview page.")}
	}
	return nil
}

// entraCredentials: client credentials need a secret or a certificate key.
func entraCredentials(s *connector.Spec) []finding.Finding {
	if !kit.SecretUnset(s, s.Auth.ClientSecret, "client_secret") || !kit.SecretUnset(s, s.Auth.PrivateKey, "private_key") {
		return kit.CheckPrivateKey(s, "to sign the client assertion for the app's certificate credential")
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("client_secret"),
		"Missing app credential").
		WithCode("AADSTS7000216").
		WithDetail("The client credentials flow needs a client secret or a certificate; neither auth.client_secret nor auth.private_key is set, so Entra would answer AADSTS7000216 (client_assertion, client_secret or request is required).").
		WithFix("Set auth.client_secret_wo to the secret's Value from App registrations > <app> > Certificates & secrets.",
			"Or set auth.private_key_wo to the private key of a certificate uploaded there.")}
}

// entraSecretShape: the portal shows a secret's Value once, next to its
// Secret ID (a GUID). A GUID here is almost always the Secret ID.
func entraSecretShape(s *connector.Spec) []finding.Finding {
	v, ok := kit.SecretValue(s, s.Auth.ClientSecret, s.Auth.ClientSecret.Attr)
	if !ok || !connector.IsGUID(v) {
		return nil
	}
	return []finding.Finding{finding.Warnf(finding.InvalidCredentials, s.Auth.ClientSecret.Path(),
		"The client secret looks like a Secret ID, not its Value").
		WithCode("AADSTS7000215").
		WithDetail("auth.%s is shaped like a GUID. Entra client secret values are about 40 random characters (usually containing ~); the GUID next to them in the portal is the Secret ID, which Entra rejects with AADSTS7000215 (invalid client secret provided).", s.Auth.ClientSecret.Attr).
		WithFix("In App registrations > <app> > Certificates & secrets, create a new client secret and copy its Value (it is shown only once).")}
}

var (
	// A Graph permission name as shown in the portal: User.Read.All,
	// GroupMember.Read.All, Sites.Selected.
	graphPermissionRE = regexp.MustCompile(`^[A-Z][A-Za-z]*(\.[A-Z][A-Za-z]*)+$`)
	// OpenID Connect scopes, meaningful only for user sign-in.
	oidcScopes = []string{"openid", "profile", "email", "offline_access"}
)

// entraScopes applies the client credentials scope rules: one
// <resource>/.default scope, never mixed with individual permissions
// (AADSTS70011 / AADSTS1002012).
func entraScopes(s *connector.Spec) []finding.Finding {
	if !kit.ScopesKnown(s) {
		return nil
	}
	hasDefault := false
	for _, sc := range s.RequiredScopes {
		if strings.HasSuffix(sc, "/.default") {
			hasDefault = true
		}
	}
	graph := strings.TrimRight(kit.SettingOr(s, "graph_url", "https://graph.microsoft.com"), "/")
	var out []finding.Finding
	for i, sc := range s.RequiredScopes {
		if strings.HasSuffix(sc, "/.default") || strings.TrimSpace(sc) == "" || strings.ContainsAny(sc, " \t\r\n") {
			continue // the generic rules report empty and space-containing scopes
		}
		path := kit.ScopePath(i)
		if hasDefault {
			out = append(out, finding.Errorf(finding.InvalidScope, path,
				"Do not mix /.default with individual scopes").
				WithCode("AADSTS70011").
				WithDetail("An app-only token request carries a single <resource>/.default scope, which stands for every application permission granted to the app. Adding %q makes Entra reject the request (AADSTS70011, invalid scope).", sc).
				WithFix("Remove this entry and keep the /.default scope.",
					"Grant the permission as an application permission in App registrations > <app> > API permissions, then grant admin consent."))
			continue
		}
		f := finding.Warnf(finding.InvalidScope, path, "App-only tokens are requested with <resource>/.default").
			WithCode("AADSTS1002012")
		switch {
		case kit.ContainsFold(oidcScopes, sc):
			f = f.WithDetail("%q is an OpenID Connect scope for signing in users; the client credentials flow has no user and Entra rejects it (AADSTS1002012: client credential flows must use a scope ending in /.default).", sc).
				WithFix("Remove it, and request " + graph + "/.default instead.")
		case graphPermissionRE.MatchString(sc):
			f.Summary = fmt.Sprintf("%s is an application permission, not a scope a token can request", sc)
			f = f.WithDetail("The client credentials flow cannot ask for individual permissions (Entra answers AADSTS1002012): the token is requested as %s/.default and carries, in its roles claim, every application permission an administrator consented to. Live checks request %s/.default and report %q as missing when the roles claim lacks it.", graph, graph, sc).
				WithFix("Move it to required_permissions: live checks then compare it with the token's roles claim, and this warning goes away.",
					"Grant "+sc+" as an Application permission in App registrations > <app> > API permissions, then select Grant admin consent.")
		default:
			f = f.WithDetail("The client credentials flow only accepts a scope of the form <resource>/.default (for example %s/.default); %q would be rejected with AADSTS1002012.", graph, sc).
				WithFix("Request the resource's /.default scope, and grant the permissions as application permissions in the app registration.")
		}
		out = append(out, f)
	}
	return out
}

// entraRedirectURIs adds the Microsoft identity platform restrictions that
// RedirectPolicy cannot express.
func entraRedirectURIs(s *connector.Spec) []finding.Finding {
	if s.IsUnknown("redirect_uris") {
		return nil
	}
	var out []finding.Finding
	for i, raw := range s.RedirectURIs {
		path := finding.Attr("redirect_uris").Index(i)
		// http://[::1] is already refused by the generic http-host rule.
		if u, err := url.Parse(raw); err == nil && u.Scheme == "https" && u.Hostname() == "::1" {
			out = append(out, finding.Errorf(finding.RedirectURIInvalid, path,
				"Entra does not support the IPv6 loopback address").
				WithCode("ENTRA-REDIRECT-IPV6").
				WithDetail("Microsoft documents that the IPv6 loopback address [::1] is not currently supported in redirect URIs.").
				WithFix("Use 127.0.0.1 instead, e.g. http://127.0.0.1:<port>/<path>."))
		}
		if strings.ContainsAny(raw, "!$'(),;") {
			out = append(out, finding.Errorf(finding.RedirectURIInvalid, path,
				"Redirect URI contains characters Entra does not support").
				WithCode("ENTRA-REDIRECT-CHARS").
				WithDetail("Microsoft's redirect URI restrictions exclude the characters ! $ ' ( ) , ; even where RFC 3986 allows them.").
				WithFix("Remove these characters, or percent-encode them if they are data."))
		}
	}
	return out
}

// entraRefreshToken: the client credentials flow returns no refresh token.
func entraRefreshToken(s *connector.Spec) []finding.Finding {
	if !s.RequireRefreshToken {
		return nil
	}
	return []finding.Finding{finding.Errorf(finding.RefreshTokenMissing, finding.Attr("require_refresh_token"),
		"App-only Entra tokens never come with a refresh token").
		WithCode("RFC6749-4.4.3").
		WithDetail("This connector uses the client credentials flow, for which Entra never returns a refresh token, with or without offline_access. None is needed: Handshake requests a new token with the app's credential whenever it needs one.").
		WithFix("Set require_refresh_token = false.")}
}

// hostOf returns the lower-cased host of a URL, or "".
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}
