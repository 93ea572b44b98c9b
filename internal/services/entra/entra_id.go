package entra

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// entraIDProfile is a Microsoft Entra ID (Azure AD) app registration used as a
// daemon: client credentials against one tenant, calling Microsoft Graph.
func entraIDProfile() *connector.Profile {
	return &connector.Profile{
		ID:          "entra_id",
		DisplayName: "Microsoft Entra ID",
		Description: "A Microsoft Entra ID app registration that calls Microsoft Graph with its own identity " +
			"(client credentials, app-only). Authenticate with a client secret's **Value** (not its Secret ID) or with " +
			"a certificate's private key. App-only tokens carry the *application* permissions that an administrator " +
			"granted to the app; request them with the resource's `/.default` scope, e.g. `https://graph.microsoft.com/.default`.",
		Settings:  entraSettings(),
		AuthAttrs: []string{"client_id", "client_secret", "private_key"},
		Redirect:  entraRedirectPolicy,
		// OfflineScope stays empty although Entra's is offline_access: this
		// connector is app-only, and the client credentials flow never
		// returns a refresh token whatever the scopes (entraRefreshToken).
		Rules:     entraRules(entraAPI{"graph_url", "https://graph.microsoft.com"}),
		Decode:    entraDecode,
		Recognize: entraRecognize,
	}
}

// entraRedirectPolicy is the Microsoft identity platform's documented
// redirect-URI restrictions (learn.microsoft.com, "Redirect URI (reply URL)
// restrictions"): https except localhost / 127.0.0.1, 256 characters, native
// app schemes allowed.
var entraRedirectPolicy = connector.RedirectPolicy{HTTPOnlyLocalhost: true, MaxLength: 256, NativeSchemes: true}

// entraSettings are the settings every Entra-backed service shares.
func entraSettings() []connector.Setting {
	return []connector.Setting{
		{Name: "tenant_id", Kind: connector.String, Required: true, Description: "The directory (tenant) id, a GUID such as " +
			"`72f988bf-86f1-41af-91ab-2d7cd011db47`, or one of its verified domains such as `contoso.onmicrosoft.com`. " +
			"`common`, `organizations` and `consumers` do not work with client credentials."},
		{Name: "authority_url", Kind: connector.String, Description: "Base URL of the token service. Defaults to " +
			"`https://login.microsoftonline.com`; set `https://login.microsoftonline.us` (US Government) or " +
			"`https://login.chinacloudapi.cn` (21Vianet) for national clouds, or a loopback URL for tests. Without the tenant."},
		{Name: "graph_url", Kind: connector.String, Description: "Base URL of Microsoft Graph. Defaults to " +
			"`https://graph.microsoft.com`; national clouds use `https://graph.microsoft.us`, `https://dod-graph.microsoft.us` " +
			"or `https://microsoftgraph.chinacloudapi.cn`."},
	}
}

// entraAPI is an API base-URL setting of an Entra-backed service and its
// default, for the national-cloud consistency check.
type entraAPI struct{ setting, def string }

// entraRules are the offline rules every Entra-backed service shares; apis
// are the service's API base-URL settings.
func entraRules(apis ...entraAPI) []connector.Rule {
	endpoints := []string{"authority_url"}
	for _, a := range apis {
		endpoints = append(endpoints, a.setting)
	}
	return []connector.Rule{
		kit.EndpointRules(endpoints...),
		entraTenant,
		entraAuthority,
		entraClouds(apis),
		entraClientID,
		entraCredentials,
		entraSecretShape,
		entraScopes,
		entraRedirectURIs,
		entraRefreshToken,
	}
}

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

// ---------------------------------------------------------------------------
// Error decoding. Microsoft's identity platform, Microsoft Graph and the
// Office 365 Management Activity API each answer failures in their own JSON
// shape, and client libraries (MSAL, Azure.Identity, the Graph SDKs) wrap
// those bodies in exception text. entraDecode reads all of them, for the
// live probe and for provider::handshake::diagnose alike.

// entraError is what could be read from one error answer.
type entraError struct {
	// Code is the code the finding reports: "AADSTS7000215",
	// "Authorization_RequestDenied", "AF20023".
	Code string
	// OAuth is the token endpoint's RFC 6749 "error" ("invalid_client");
	// Sub its "suberror" ("consent_required").
	OAuth, Sub string
	// Message is the service's own text, without trace ids, correlation ids
	// and timestamps (they change on every call), single-line and capped.
	Message string
}

var (
	aadstsRE = regexp.MustCompile(`AADSTS(\d{4,8})`)
	// Management Activity API codes (AF10001, AF20012, AF429, AF50000) as
	// whole words, so hex runs inside GUIDs never match.
	afCodeRE = regexp.MustCompile(`\bAF(10001|2\d{4}|429|50000)\b`)
	// A "code" member or the Graph .NET SDK's "Code: X" line.
	graphCodeRE = regexp.MustCompile(`(?:"code"\s*:\s*"|\b[Cc]ode:\s*)([A-Za-z][A-Za-z0-9_]{2,60})`)
	// The parts of an STS description that differ on every request.
	entraVolatileRE = regexp.MustCompile(`(?is)(\s*(\\r\\n|\\n|[\r\n])*\s*(Trace ID|Correlation ID|Request ID|Timestamp)\s*:.*$)`)
	// A message member ("message":"…", 'message':'…') or an SDK's "Message: …" line.
	// A double-quoted message may hold single quotes ('user@contoso.com').
	entraMessageFieldRE = regexp.MustCompile(`"message"\s*:\s*"([^"\r\n]{1,400})|'message'\s*:\s*'([^'\r\n]{1,400})|\b[Mm]essage:\s*([^"'\s][^"\r\n]{0,399})`)
	// HTML error pages (the authorize endpoint's) carry the message in markup.
	htmlTagRE = regexp.MustCompile(`(?s)<[^>]*>`)
	// msal-node prefixes "7000215 - [2023-03-05 22:32:01Z]: " to the description.
	msalPrefixRE = regexp.MustCompile(`^\d{4,8} - \[[^\]]*\]:\s*`)
)

// entraGraphMessages are Graph messages that identify the code when an SDK
// printed only the message (Microsoft.Graph v5's ODataError, PowerShell).
var entraGraphMessages = []struct{ text, code string }{
	{"insufficient privileges to complete the operation", "Authorization_RequestDenied"},
	{"access token has expired or is not yet valid", "InvalidAuthenticationToken"},
	{"lifetime validation failed, the token is expired", "InvalidAuthenticationToken"},
	{"access token validation failure", "InvalidAuthenticationToken"},
	{"access token is empty", "InvalidAuthenticationToken"},
	{"compacttoken parsing failed", "InvalidAuthenticationToken"},
	{"the identity of the calling application could not be established", "Authorization_IdentityNotFound"},
	{"/me request is only valid with delegated authentication flow", "BadRequest"},
	// Exchange Online's mailbox answers (entra_mailbox.go).
	{"the mailbox is either inactive, soft-deleted, or is hosted on-premise", "MailboxNotEnabledForRESTAPI"},
	{"rest api is not yet supported for this mailbox", "MailboxNotEnabledForRESTAPI"},
	{"the smtp address has no mailbox associated with it", "ErrorNonExistentMailbox"},
}

// parseEntraError reads an STS, Graph or Management API error from a body or
// from text that contains one.
func parseEntraError(raw string) (entraError, bool) {
	text := strings.TrimSpace(strings.TrimPrefix(raw, "\ufeff"))
	if text == "" {
		return entraError{}, false
	}
	if lower := strings.ToLower(text); strings.HasPrefix(lower, "<!doctype html") || strings.HasPrefix(lower, "<html") {
		text = html.UnescapeString(htmlTagRE.ReplaceAllString(text, "\n"))
	}
	var e entraError
	var codes []string // AADSTS numbers, error_codes first
	// A JSON body, or the first JSON object inside exception text.
	for i, tries := strings.IndexByte(text, '{'), 0; i >= 0 && tries < 8; tries++ {
		if parseEntraJSON(text[i:], &e, &codes) {
			break
		}
		next := strings.IndexByte(text[i+1:], '{')
		if next < 0 {
			break
		}
		i += next + 1
	}
	for _, m := range aadstsRE.FindAllStringSubmatch(text, -1) {
		codes = append(codes, m[1])
	}
	switch {
	case len(codes) > 0:
		e.Code = "AADSTS" + pickAADSTS(codes)
	case e.Code != "":
		// a Graph or Management API code from the JSON body
	default:
		if m := afCodeRE.FindStringSubmatch(text); m != nil {
			e.Code = "AF" + m[1]
		} else if m := graphCodeRE.FindStringSubmatch(text); m != nil && entraIsGraphCode(m[1]) {
			e.Code = m[1]
		} else {
			lower := strings.ToLower(text)
			for _, gm := range entraGraphMessages {
				if strings.Contains(lower, gm.text) {
					e.Code = gm.code
					break
				}
			}
		}
	}
	if e.Code == "" {
		return entraError{}, false
	}
	if e.Message == "" {
		e.Message = entraMessageFromText(text, e.Code)
	}
	e.Message = cleanEntraMessage(e.Message)
	return e, true
}

// parseEntraJSON reads the first JSON value of s: an STS error
// ({"error":"invalid_client","error_description":…,"error_codes":[…]}) or a
// Graph / Management API error ({"error":{"code":…,"message":…}}).
func parseEntraJSON(s string, e *entraError, codes *[]string) bool {
	var body struct {
		Error       json.RawMessage `json:"error"`
		Description string          `json:"error_description"`
		Codes       []json.Number   `json:"error_codes"`
		Suberror    string          `json:"suberror"`
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if dec.Decode(&body) != nil || len(body.Error) == 0 {
		return false
	}
	var oauth string
	if json.Unmarshal(body.Error, &oauth) == nil {
		e.OAuth, e.Sub, e.Message = oauth, body.Suberror, body.Description
		for _, c := range body.Codes {
			*codes = append(*codes, c.String())
		}
		return oauth != ""
	}
	var inner struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body.Error, &inner) != nil || inner.Code == "" {
		return false
	}
	e.Code, e.Message = inner.Code, inner.Message
	return true
}

// pickAADSTS chooses the code to report: the first known one that is not a
// generic wrapper ("AADSTS70002: Error validating credentials. AADSTS50012:
// Invalid client secret is provided."), else the first known, else the first.
func pickAADSTS(codes []string) string {
	for _, c := range codes {
		if k, ok := entraAADSTS[c]; ok && !k.generic {
			return c
		}
	}
	for _, c := range codes {
		if _, ok := entraAADSTS[c]; ok {
			return c
		}
	}
	return codes[0]
}

// entraMessageFromText cuts the service's message out of exception text:
// for an AADSTS code, from the code to the end of that line; for Graph and
// Management API codes, the "message" member or the SDK's "Message:" line.
func entraMessageFromText(text, code string) string {
	i := strings.Index(text, code)
	if !strings.HasPrefix(code, "AADSTS") {
		if i < 0 {
			i = 0
		}
		if m := entraMessageFieldRE.FindStringSubmatch(text[i:]); m != nil {
			return m[1] + m[2] + m[3]
		}
		lower := strings.ToLower(text)
		for _, gm := range entraGraphMessages {
			if j := strings.Index(lower, gm.text); j >= 0 {
				return text[j : j+len(gm.text)]
			}
		}
		return ""
	}
	if i < 0 {
		return ""
	}
	msg := text[i:]
	if j := strings.IndexAny(msg, "\r\n"); j >= 0 {
		msg = msg[:j]
	}
	if j := strings.Index(msg, `\r\n`); j >= 0 {
		msg = msg[:j]
	}
	return msg
}

// cleanEntraMessage drops what changes on every call (trace and correlation
// ids, timestamps), so that a finding is stable between two checks, and
// keeps the text printable, single-line and short.
func cleanEntraMessage(s string) string {
	s = msalPrefixRE.ReplaceAllString(strings.TrimSpace(s), "")
	if loc := entraVolatileRE.FindStringIndex(s); loc != nil {
		s = s[:loc[0]]
	}
	s = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)), " ")
	if len(s) > 360 {
		cut := 360
		for cut > 0 && s[cut]&0xc0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// entraKnown is what Handshake says about one vendor code.
type entraKnown struct {
	cat   finding.Category
	title string // the finding's summary, without the code
	cause string // why it happens
	fix   []string
	retry bool
	// generic marks wrapper codes that usually come with a more specific one.
	generic bool
}

// Remediation steps shared by several codes.
const (
	entraFixNewSecret     = "In the Microsoft Entra admin center open App registrations > <app> > Certificates & secrets, select New client secret, and copy its Value (shown once, next to the Secret ID, which is not the secret)."
	entraFixUpdateSecret  = "Put the new value in auth.client_secret_wo and bump auth.secret_version (or update auth.client_secret), then plan again."
	entraFixAppID         = "Check auth.client_id against Application (client) ID on the app registration's Overview page, and tenant_id against Directory (tenant) ID on the same page."
	entraFixConsent       = "In the Microsoft Entra admin center open App registrations > <app> > API permissions, add the permissions the connector needs as Application permissions, then select Grant admin consent for <tenant> (a Privileged Role Administrator, Cloud Application Administrator or Application Administrator can)."
	entraFixTenant        = "Set tenant_id to Directory (tenant) ID from the app registration's Overview page (or a verified domain of that tenant)."
	entraFixCloud         = "If the tenant lives in a national cloud, set authority_url (and graph_url) to that cloud's endpoints, e.g. https://login.microsoftonline.us for US Government."
	entraFixRedirect      = "In the Microsoft Entra admin center open App registrations > <app> > Authentication and add the redirect URI exactly as the connector sends it (scheme, host, port, path, trailing slash and case all count), under the platform the app uses (Web, SPA or Mobile and desktop)."
	entraFixSignInLogs    = "The app's sign-in logs (Enterprise applications > <app> > Sign-in logs > Service principal sign-ins) show the failure with its reason."
	entraFixEnterpriseApp = "In the Microsoft Entra admin center open Enterprise applications > <app> > Properties and set Enabled for users to sign in? to Yes."
)

// entraAADSTS maps AADSTS numbers (Microsoft's reference-error-codes list
// and codes seen in real answers) to findings.
var entraAADSTS = map[string]entraKnown{
	// The app's own credential.
	"7000215": {cat: finding.InvalidCredentials, title: "Entra ID rejected the client secret",
		cause: "The token endpoint did not accept the client secret: it matches none of the app's current secrets. Usual causes are the Secret ID pasted instead of the secret's Value, a secret that was deleted or replaced, or a secret of another app registration.",
		fix:   []string{entraFixNewSecret, entraFixUpdateSecret}},
	"50012": {cat: finding.InvalidCredentials, title: "Entra ID rejected the app's credential",
		cause: "Authentication of the app failed: an invalid client secret (older wording of AADSTS7000215), or a client assertion whose signature or certificate Entra does not accept.",
		fix:   []string{entraFixNewSecret, "For a certificate credential, check that the certificate uploaded under Certificates & secrets > Certificates belongs to auth.private_key."}},
	"70002": {cat: finding.InvalidCredentials, generic: true, title: "Entra ID could not validate the app's credentials",
		cause: "Entra reports a generic credential failure; the code that follows it in the message (when any) says which.",
		fix:   []string{entraFixAppID, entraFixNewSecret}},
	"7000222": {cat: finding.ExpiredCredentials, title: "Entra ID client secret has expired",
		cause: "Every client secret of the app that matches the one sent has passed its expiry date; Entra refuses expired secrets although they still appear in the portal.",
		fix:   []string{entraFixNewSecret, entraFixUpdateSecret, "Consider a certificate credential (auth.private_key) instead of a secret, and set expiry_warning so the next expiry shows up in plans early."}},
	"7000216": {cat: finding.InvalidConfiguration, title: "The token request carried no app credential",
		cause: "The client credentials grant needs a client secret or a signed client assertion (certificate), and the request had neither.",
		fix:   []string{"Set auth.client_secret_wo to a client secret's Value, or auth.private_key_wo to the private key of a certificate uploaded to the app registration."}},
	"7000218": {cat: finding.InvalidConfiguration, title: "The token request carried no app credential",
		cause: "The token endpoint requires client_secret or client_assertion in the request body.",
		fix:   []string{"Set auth.client_secret_wo to a client secret's Value, or auth.private_key_wo to the private key of a certificate uploaded to the app registration."}},
	"700025": {cat: finding.InvalidConfiguration, title: "The app registration is a public client, which cannot use a secret",
		cause: "Entra treats the app as a public client (Allow public client flows is on, or the redirect URIs are of the mobile and desktop type), so it refuses client secrets and assertions.",
		fix:   []string{"In App registrations > <app> > Authentication set Allow public client flows to No, or register a separate confidential app for this connector."}},
	"700027": {cat: finding.InvalidCredentials, title: "Entra ID rejected the certificate assertion",
		cause: "The client assertion's signature could not be verified with any certificate registered on the app: the certificate was never uploaded, was removed, or belongs to another key.",
		fix:   []string{"In App registrations > <app> > Certificates & secrets > Certificates, upload the certificate (public part) whose private key is in auth.private_key_wo.", "Bundle the certificate with the key in the PEM so the assertion names its thumbprint."}},
	"700024": {cat: finding.InvalidCredentials, title: "The client assertion is outside its validity window",
		cause: "Entra found the assertion not yet valid or already expired, which happens when the clock of the machine running Terraform is off.",
		fix:   []string{"Synchronise the clock of the machine that runs Terraform (NTP) and plan again."}},
	"7000112": {cat: finding.AccountDisabled, title: "The app is disabled in the tenant",
		cause: "The app's service principal (enterprise application) is disabled, so Entra issues no tokens for it.",
		fix:   []string{entraFixEnterpriseApp}},
	"70001": {cat: finding.AccountDisabled, title: "The app is disabled or not available in the tenant",
		cause: "Entra reports the application as disabled (older answers used this code for an application missing from the directory).",
		fix:   []string{entraFixEnterpriseApp, entraFixAppID}},
	"700016": {cat: finding.AppNotFound, title: "App registration not found in the tenant",
		cause: "No application with this client id exists in the tenant the request went to: the id is mistyped (or is the Object ID, the tenant id or a Secret ID), the app lives in another tenant, or a multi-tenant app was never consented in this one.",
		fix:   []string{entraFixAppID, "For a multi-tenant app, an administrator of this tenant must consent to it first (it then appears under Enterprise applications)."}},
	"700011": {cat: finding.AppNotFound, title: "App registration not found in the tenant",
		cause: "The client application requested a token from a tenant in which it does not exist.",
		fix:   []string{entraFixAppID}},

	// Tenant.
	"90002": {cat: finding.TenantNotFound, title: "Entra ID tenant not found",
		cause: "No tenant with this id or domain exists in the cloud the request went to: a typo, a deleted tenant, a domain that is not verified in any tenant, or a tenant of another national cloud.",
		fix:   []string{entraFixTenant, entraFixCloud}},
	"900023": {cat: finding.TenantNotFound, title: "The tenant identifier is malformed",
		cause: "The tenant segment of the URL is neither a GUID nor a domain name, usually because a URL, a placeholder or an empty variable ended up in tenant_id.",
		fix:   []string{entraFixTenant}},
	"50128": {cat: finding.TenantNotFound, title: "Entra ID found no tenant for the request",
		cause: "The domain name does not identify any tenant.",
		fix:   []string{entraFixTenant}},
	"50059": {cat: finding.InvalidConfiguration, title: "The request names no tenant",
		cause: "Entra could not tell which tenant the request is for; app-only tokens need a specific tenant, not common or organizations.",
		fix:   []string{entraFixTenant}},
	"90019": {cat: finding.InvalidConfiguration, title: "The request names no tenant",
		cause: "Entra could not determine the tenant from the request.",
		fix:   []string{entraFixTenant}},
	"90038": {cat: finding.InvalidConfiguration, title: "The tenant belongs to another Microsoft cloud",
		cause: "The tenant is in a national cloud that the token service addressed does not serve.",
		fix:   []string{entraFixCloud}},
	"50194": {cat: finding.InvalidConfiguration, title: "The app is single-tenant but the request used a multi-tenant endpoint",
		cause: "Apps that are not multi-tenant cannot use /common; the request must name the tenant.",
		fix:   []string{entraFixTenant}},

	// Redirect URIs.
	"50011": {cat: finding.RedirectURIMismatch, title: "Redirect URI not registered for the app",
		cause: "The redirect URI sent does not exactly match any reply URL registered for the app (the comparison counts scheme, host, port, path, trailing slash and case).",
		fix:   []string{entraFixRedirect}},
	"70004": {cat: finding.RedirectURIMismatch, title: "Redirect URI not registered for the app",
		cause: "The redirect address does not match any address configured for the app.",
		fix:   []string{entraFixRedirect}},
	"500113": {cat: finding.RedirectURIMissing, title: "The app has no redirect URI registered",
		cause: "The app registration has no reply address at all, so no sign-in can return to the connector.",
		fix:   []string{entraFixRedirect}},
	"900971": {cat: finding.RedirectURIMissing, title: "No redirect URI was provided or registered",
		cause: "Entra found no reply address for the request.",
		fix:   []string{entraFixRedirect}},

	// Consent and permissions.
	"65001": {cat: finding.ConsentRequired, title: "Admin consent missing for the app",
		cause: "No user or administrator has consented to the app's permissions in this tenant, so Entra will not issue the token.",
		fix:   []string{entraFixConsent}},
	"65004": {cat: finding.ConsentRequired, title: "Consent to the app was declined",
		cause: "The user declined the consent prompt.",
		fix:   []string{entraFixConsent}},
	"90094": {cat: finding.ConsentRequired, title: "Administrator consent is required",
		cause: "The app asks for permissions that only an administrator can grant.",
		fix:   []string{entraFixConsent}},
	"90008": {cat: finding.ConsentRequired, title: "Consent to the app is missing",
		cause: "The app requires at least sign-in and read profile consent, which has not been given.",
		fix:   []string{entraFixConsent}},
	"650056": {cat: finding.ConsentRequired, title: "The app's permissions are not configured or not consented",
		cause: "The app lists no permissions for the resource it asked for, or an administrator has not consented to them in this tenant.",
		fix:   []string{entraFixConsent}},
	"650057": {cat: finding.InvalidScope, title: "The app asked for a resource missing from its API permissions",
		cause: "The requested resource is not among the APIs listed under the app's API permissions.",
		fix:   []string{entraFixConsent}},
	"650052": {cat: finding.LicenseRequired, title: "The tenant has no subscription for the service the app needs",
		cause: "The app needs access to a service the organisation has not subscribed to or enabled.",
		fix:   []string{"Ask the tenant's administrator to review the service subscriptions (Microsoft 365 admin center > Billing > Your products)."}},

	// Scopes and resources.
	"70011": {cat: finding.InvalidScope, title: "Entra ID rejected the requested scope",
		cause: "The scope is not valid for this flow: app-only tokens need exactly one <resource>/.default scope, and the resource must exist.",
		fix:   []string{"Request the resource's /.default scope (e.g. https://graph.microsoft.com/.default) and grant the individual permissions under API permissions instead."}},
	"1002012": {cat: finding.InvalidScope, title: "App-only tokens need a /.default scope",
		cause: "Client credential flows must request a scope ending in /.default after the resource's identifier.",
		fix:   []string{"Request https://graph.microsoft.com/.default (or <resource>/.default) and grant the permissions under API permissions."}},
	"700022": {cat: finding.InvalidScope, title: "The scope names more than one resource",
		cause: "A token is issued for one resource at a time; the requested scopes name several.",
		fix:   []string{"Request one <resource>/.default scope per token."}},
	"700023": {cat: finding.InvalidScope, title: "The scope names no resource",
		cause: "The requested scope does not say which API the token is for.",
		fix:   []string{"Request <resource>/.default, e.g. https://graph.microsoft.com/.default."}},
	"28002": {cat: finding.InvalidScope, title: "Entra ID rejected the requested scope",
		cause: "The scope parameter is not valid for this token request.", fix: []string{"Correct the requested scope."}},
	"500011": {cat: finding.InvalidScope, title: "The requested API does not exist in the tenant",
		cause: "The resource named by the scope has no service principal in this tenant: a typo in the resource URI, or an API (such as Office 365 Management APIs) that is not provisioned for the tenant.",
		fix:   []string{"Check the resource part of the scope; for Microsoft APIs use their documented identifier (https://graph.microsoft.com, https://manage.office.com)."}},
	"50001": {cat: finding.InvalidScope, title: "The requested resource is disabled or does not exist",
		cause: "The resource URL in the request is not one Entra knows.", fix: []string{"Check the resource part of the requested scope."}},

	// Policies.
	"53003": {cat: finding.PolicyBlocked, title: "Conditional Access blocked the token request",
		cause: "The credentials were accepted, but a Conditional Access policy does not allow issuing the token to this app from here (location, workload identity or risk conditions).",
		fix:   []string{"In the Microsoft Entra admin center open Conditional Access > Policies and find the policy that applied (the sign-in log entry names it); exclude this app's service principal or allow the network Terraform runs from as a named location.", entraFixSignInLogs}},
	"53000": {cat: finding.PolicyBlocked, title: "Conditional Access requires a compliant device",
		cause: "A Conditional Access policy requires a compliant device.", fix: []string{"Review the Conditional Access policy with the tenant's administrator."}},
	"53001": {cat: finding.PolicyBlocked, title: "Conditional Access requires a domain-joined device",
		cause: "A Conditional Access policy requires a domain-joined device.", fix: []string{"Review the Conditional Access policy with the tenant's administrator."}},
	"530032": {cat: finding.PolicyBlocked, title: "A tenant security policy blocked the request",
		cause: "The tenant's security policy blocks this request.", fix: []string{"Review the tenant's security policies with its administrator."}},
	"530035": {cat: finding.PolicyBlocked, title: "Security defaults blocked the request",
		cause: "The tenant's security defaults blocked the sign-in (legacy authentication or an unsafe request).", fix: []string{"Use a modern authentication flow, or review security defaults with the tenant's administrator."}},
	"50076": {cat: finding.PolicyBlocked, title: "Multifactor authentication is required",
		cause: "A policy requires multifactor authentication, which a non-interactive connector cannot perform.", fix: []string{"Use an app-only credential (client secret or certificate) instead of a user account, or exclude the account from the MFA policy."}},
	"50079": {cat: finding.PolicyBlocked, title: "Multifactor authentication registration is required",
		cause: "The account must register for multifactor authentication before it can sign in.", fix: []string{"Use an app-only credential instead of a user account."}},
	"50131": {cat: finding.PolicyBlocked, title: "Conditional Access refused the request",
		cause: "A Conditional Access or security policy decision refused the request.", fix: []string{entraFixSignInLogs}},
	"500021": {cat: finding.PolicyBlocked, title: "Tenant restrictions denied access to the tenant",
		cause: "A network proxy enforces tenant restrictions that do not include this tenant.", fix: []string{"Allow the tenant in the proxy's tenant restrictions list, or run Terraform from another network."}},
	"50053": {cat: finding.AccountDisabled, title: "The account is locked",
		cause: "The account is locked after too many failed sign-ins, or sign-in from this IP address was blocked as malicious.", fix: []string{entraFixSignInLogs}},

	// Grants and user accounts.
	"70008": {cat: finding.ExpiredCredentials, title: "The refresh token or authorization code has expired or was revoked",
		cause: "The grant expired (for refresh tokens, after 90 days of inactivity) or was revoked.",
		fix:   []string{"Sign in again through the authorization-code flow to obtain a new refresh token, and update the credential."}},
	"700082": {cat: finding.ExpiredCredentials, title: "The refresh token expired after inactivity",
		cause: "The refresh token was not used for longer than its inactivity lifetime.",
		fix:   []string{"Sign in again to obtain a new refresh token, and update the credential; use it at least every few weeks."}},
	"700084": {cat: finding.ExpiredCredentials, title: "The single-page app's refresh token has expired",
		cause: "Refresh tokens issued to SPAs have a fixed 24-hour lifetime.", fix: []string{"Sign in again to obtain a new refresh token."}},
	"70043": {cat: finding.ExpiredCredentials, title: "The refresh token expired under the sign-in frequency policy",
		cause: "Conditional Access sign-in frequency limits how long the refresh token may be used.", fix: []string{"Sign in again to obtain a new refresh token."}},
	"50173": {cat: finding.RevokedCredentials, title: "The grant was revoked",
		cause: "An administrator or the user revoked the sessions or refresh tokens.", fix: []string{"Sign in again to obtain a new refresh token."}},
	"50132": {cat: finding.RevokedCredentials, title: "The session is no longer valid",
		cause: "The session ended because the password expired or was changed.", fix: []string{"Sign in again to obtain a new refresh token."}},
	"50133": {cat: finding.RevokedCredentials, title: "The session is no longer valid",
		cause: "The session ended because the password expired or was changed.", fix: []string{"Sign in again to obtain a new refresh token."}},
	"70000": {cat: finding.RevokedCredentials, title: "Entra ID rejected the grant",
		cause: "The refresh token or authorization code is not valid.", fix: []string{"Sign in again to obtain a new refresh token."}},
	"50034": {cat: finding.AccountDisabled, title: "The user account does not exist in the tenant",
		cause: "The account behind the credential was deleted, renamed, or never existed in this tenant.",
		fix:   []string{"Check the account under Users in the Microsoft Entra admin center, or re-authorize the connector with an existing account (a dedicated service account is best)."}},
	"51004": {cat: finding.AccountDisabled, title: "The user account does not exist in the tenant",
		cause: "The account behind the credential is not in this tenant.", fix: []string{"Re-authorize the connector with an account of this tenant."}},
	"50057": {cat: finding.AccountDisabled, title: "The user account is disabled",
		cause: "The account behind the credential is disabled (Account enabled = No), so Entra will not sign it in.",
		fix:   []string{"Re-enable the account under Users > <user> > Properties, or re-authorize the connector with an active account."}},
	"50055": {cat: finding.ExpiredCredentials, title: "The account's password has expired",
		cause: "The password of the account behind the credential has expired.", fix: []string{"Reset the password, or switch the connector to an app-only credential."}},
	"50126": {cat: finding.InvalidCredentials, title: "Invalid user name or password",
		cause: "Entra did not accept the user name and password.", fix: []string{"Check the credentials, or switch the connector to an app-only credential."}},
	"50105": {cat: finding.AccessDenied, title: "The user is not assigned to the app",
		cause: "The app requires user assignment and the signed-in user has no assignment.", fix: []string{"Assign the user under Enterprise applications > <app> > Users and groups."}},
	"50020": {cat: finding.AccessDenied, title: "The account cannot access this tenant",
		cause: "The account comes from another identity provider and is not a guest of this tenant.", fix: []string{"Invite the account as a guest, or use an account of this tenant."}},

	// Request shape.
	"70003": {cat: finding.InvalidConfiguration, title: "Entra ID does not support the grant type",
		cause: "The token endpoint does not accept the requested grant type.", fix: []string{"Use the client credentials grant for app-only connectors."}},
	"900144": {cat: finding.InvalidConfiguration, title: "The token request is missing a parameter",
		cause: "A required parameter (client_id, scope, grant_type …) was not in the request body.", fix: []string{"Check auth.client_id and required_scopes."}},
	"90014": {cat: finding.InvalidConfiguration, title: "The request is missing a required field",
		cause: "An expected field is not present in the request or credential.", fix: []string{"Check the connector's settings."}},
	"901002": {cat: finding.InvalidConfiguration, title: "The v2.0 endpoint does not accept the resource parameter",
		cause: "The v2.0 token endpoint takes scope=<resource>/.default instead of resource.", fix: []string{"Request <resource>/.default as the scope."}},

	// Service side.
	"50000": {cat: finding.ServiceUnavailable, retry: true, title: "The Entra ID sign-in service failed",
		cause: "Entra reported an internal token issuance error.", fix: []string{"Retry later; check the Azure status page."}},
	"90033": {cat: finding.ServiceUnavailable, retry: true, title: "The Entra ID directory service is unavailable",
		cause: "The directory service Entra depends on is not available.", fix: []string{"Retry later; check the Azure status page."}},
	"90006": {cat: finding.ServiceUnavailable, retry: true, title: "Entra ID is temporarily unavailable",
		cause: "The service is temporarily unavailable.", fix: []string{"Retry later."}},
	"50033": {cat: finding.ServiceUnavailable, retry: true, title: "Entra ID had a transient error",
		cause: "A transient error occurred.", fix: []string{"Retry later."}},
	"90024": {cat: finding.ServiceUnavailable, retry: true, title: "Entra ID had a transient error",
		cause: "A transient error occurred (request budget exceeded).", fix: []string{"Retry later."}},
	"50196": {cat: finding.RateLimited, retry: true, title: "Entra ID detected a request loop",
		cause: "The same token request was sent too often in a short time.", fix: []string{"Cache tokens and reuse them until they expire; retry later."}},
	"90055": {cat: finding.RateLimited, retry: true, title: "Entra ID is throttling the tenant",
		cause: "There are too many incoming requests for this tenant.", fix: []string{"Retry later."}},
}

// entraGraph maps Microsoft Graph error codes to findings.
var entraGraph = map[string]entraKnown{
	"Authorization_RequestDenied": {cat: finding.InsufficientScope, title: "Microsoft Graph denied the request: the app lacks a permission",
		cause: "The token is valid, but it does not carry an application permission (or directory role) the call needs. Typical causes: the permission was added but admin consent was never granted, it was added as a Delegated instead of an Application permission, or it was removed.",
		fix:   []string{entraFixConsent, "Tokens issued before consent do not carry the new permission; request a new token (plan again) after granting it."}},
	"Authorization_IdentityNotFound": {cat: finding.AppNotFound, title: "Microsoft Graph could not identify the calling app",
		cause: "The app has no service principal in the tenant the token is for (a multi-tenant app never consented there), or it was deleted.",
		fix:   []string{"Have an administrator of the tenant consent to the app (it then appears under Enterprise applications).", entraFixAppID}},
	"InvalidAuthenticationToken": {cat: finding.InvalidCredentials, title: "Microsoft Graph rejected the access token",
		cause: "Graph did not accept the token: it was issued for another API or cloud (audience), it is malformed, or it was not sent.",
		fix:   []string{"Request the token with scope https://graph.microsoft.com/.default, from the token service of the same cloud as graph_url."}},
	"Authentication_MissingOrMalformed": {cat: finding.InvalidCredentials, title: "Microsoft Graph found no valid access token",
		cause: "The access token is missing or malformed.", fix: []string{"Send a token issued for Microsoft Graph in the Authorization header."}},
	"Authentication_ExpiredToken": {cat: finding.ExpiredCredentials, title: "The access token has expired",
		cause: "The token's lifetime is over.", fix: []string{"Request a new token."}},
	"InvalidAudienceForResource": {cat: finding.InvalidCredentials, title: "The access token is for another API",
		cause: "The token's audience does not match the API called.", fix: []string{"Request the token for the API being called (<resource>/.default)."}},
	"ErrorAccessDenied": {cat: finding.AccessDenied, title: "Access denied by the workload behind Microsoft Graph",
		cause: "Exchange Online or another workload refused the call: a missing application permission, or an application access policy that excludes the mailbox.",
		fix:   []string{entraFixConsent, "If an application access policy scopes the app to some mailboxes, include the ones the connector needs."}},
	"accessDenied": {cat: finding.AccessDenied, title: "Microsoft Graph denied access",
		cause: "The caller may not perform this action.", fix: []string{entraFixConsent}},
	"Forbidden": {cat: finding.AccessDenied, title: "Microsoft Graph denied access",
		cause: "The caller may not perform this action.", fix: []string{entraFixConsent}},
	"Request_ResourceNotFound": {cat: finding.EndpointNotFound, title: "Microsoft Graph found no such object",
		cause: "The object does not exist, or the app may not see it.", fix: []string{"Check the id in the request and graph_url."}},
	"ResourceNotFound": {cat: finding.EndpointNotFound, title: "Microsoft Graph found no such resource",
		cause: "The resource does not exist.", fix: []string{"Check the request path and graph_url."}},
	"itemNotFound": {cat: finding.EndpointNotFound, title: "Microsoft Graph found no such item",
		cause: "The item does not exist.", fix: []string{"Check the request path and graph_url."}},
	"BadRequest": {cat: finding.InvalidConfiguration, title: "Microsoft Graph rejected the request",
		cause: "Graph could not process the request as sent.", fix: []string{"Check the request path, version segment (v1.0) and parameters, and graph_url."}},
	"Request_BadRequest": {cat: finding.InvalidConfiguration, title: "Microsoft Graph rejected the request",
		cause: "Graph could not process the request as sent.", fix: []string{"Check the request's parameters."}},
	"Request_UnsupportedQuery": {cat: finding.InvalidConfiguration, title: "Microsoft Graph does not support the query",
		cause: "The $filter, $select or $orderby of the request is not supported.", fix: []string{"Simplify the query."}},
	"TooManyRequests": {cat: finding.RateLimited, retry: true, title: "Microsoft Graph is throttling the app",
		cause: "The app or tenant exceeded a Graph throttling limit; the Retry-After header says when to try again.", fix: []string{"Retry after the delay Graph asks for; spread scheduled jobs that share the app."}},
	"activityLimitReached": {cat: finding.RateLimited, retry: true, title: "Microsoft Graph is throttling the app",
		cause: "The app or user reached an activity limit.", fix: []string{"Retry later."}},
	"ApplicationThrottled": {cat: finding.RateLimited, retry: true, title: "Microsoft Graph is throttling the app",
		cause: "The application exceeded its request budget.", fix: []string{"Retry later."}},
	"serviceNotAvailable": {cat: finding.ServiceUnavailable, retry: true, title: "Microsoft Graph is unavailable",
		cause: "The service is temporarily unavailable.", fix: []string{"Retry later; check the Microsoft 365 service health."}},
	"ServiceUnavailable": {cat: finding.ServiceUnavailable, retry: true, title: "Microsoft Graph is unavailable",
		cause: "The service is temporarily unavailable.", fix: []string{"Retry later; check the Microsoft 365 service health."}},
	"generalException": {cat: finding.ServiceUnavailable, retry: true, title: "Microsoft Graph failed to process the request",
		cause: "Graph reported an unspecified internal error.", fix: []string{"Retry later."}},
	"UnknownError": {cat: finding.UnexpectedResponse, title: "Microsoft Graph answered with an unspecified error",
		cause: "Graph gave no reason; for app-only calls this often means the token lacks a permission the workload expects.", fix: []string{entraFixConsent}},

	// Office 365 Management Activity API (the error table of its reference).
	"AF10001": {cat: finding.InsufficientScope, title: "The token lacks the ActivityFeed.Read permission",
		cause: "The Management Activity API requires the ActivityFeed.Read application permission (Office 365 Management APIs) in the token, and the permission set it received does not include it.",
		fix:   []string{"In App registrations > <app> > API permissions add Office 365 Management APIs > Application permissions > ActivityFeed.Read, then select Grant admin consent for <tenant>."}},
	"AF20010": {cat: finding.InvalidConfiguration, title: "The tenant in the URL differs from the token's tenant",
		cause: "The Management Activity API URL names another tenant than the one that issued the token.",
		fix:   []string{"Use the same tenant for the token and the API (tenant_id)."}},
	"AF20011": {cat: finding.TenantNotFound, title: "The Management Activity API does not know the tenant",
		cause: "The tenant does not exist in the Office 365 audit system or has been deleted.",
		fix:   []string{entraFixTenant}},
	"AF20012": {cat: finding.LicenseRequired, title: "The tenant has no Microsoft 365 licence for audit data",
		cause: "Office 365 reports the tenant as not configured for the Management Activity API, which happens when it has no assigned Microsoft 365 (or Office 365) licence.",
		fix:   []string{"Assign at least one Microsoft 365 or Office 365 licence in the Microsoft 365 admin center (Billing > Licenses), wait for provisioning, then plan again."}},
	"AF20013": {cat: finding.InvalidConfiguration, title: "The tenant in the Management Activity API URL is not a GUID",
		cause: "The Management Activity API takes the tenant's GUID, not a domain name.",
		fix:   []string{"Set tenant_id to Directory (tenant) ID (a GUID)."}},
	"AF20020": {cat: finding.InvalidConfiguration, title: "The audit content type is not valid",
		cause: "The content type is not one of Audit.AzureActiveDirectory, Audit.Exchange, Audit.SharePoint, Audit.General or DLP.All.", fix: []string{"Use a supported content type."}},
	"AF20021": {cat: finding.InvalidConfiguration, title: "The webhook endpoint could not be validated",
		cause: "The API could not validate the webhook address (it must be https and answer 200).", fix: []string{"Fix the webhook endpoint."}},
	"AF20022": {cat: finding.FeatureDisabled, title: "No audit subscription exists for the content type",
		cause: "Content can only be listed after a subscription to the content type has been started.", fix: []string{"Start a subscription (POST …/activity/feed/subscriptions/start?contentType=…) before listing content."}},
	"AF20023": {cat: finding.FeatureDisabled, title: "The tenant's audit subscription is disabled",
		cause: "The Management Activity API has the subscription disabled, which is what it answers when unified audit logging is turned off for the organisation.",
		fix:   []string{"In the Microsoft Purview portal open Audit and select Start recording user and admin activity (or run Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $true in Exchange Online PowerShell); it can take hours to take effect.", "Then start the subscription again (…/activity/feed/subscriptions/start)."}},
	"AF20030": {cat: finding.InvalidConfiguration, title: "The audit content time window is not valid",
		cause: "Start and end time must both be given (or neither), at most 24 hours apart and within the last 7 days.", fix: []string{"Correct startTime and endTime."}},
	"AF20050": {cat: finding.EndpointNotFound, title: "The audit content does not exist",
		cause: "The content id is unknown.", fix: []string{"List the available content again."}},
	"AF20051": {cat: finding.EndpointNotFound, title: "The audit content has expired",
		cause: "Content older than 7 days cannot be retrieved.", fix: []string{"Retrieve content within 7 days of its creation."}},
	"AF429": {cat: finding.RateLimited, retry: true, title: "The Management Activity API is throttling the tenant",
		cause: "Too many requests for the tenant or publisher.", fix: []string{"Retry later; pass PublisherIdentifier to get a dedicated quota."}},
	"AF50000": {cat: finding.ServiceUnavailable, retry: true, title: "The Management Activity API failed",
		cause: "An internal error occurred.", fix: []string{"Retry the request later."}},
}

// entraDecode is the entra_id and microsoft_365 profiles' Decode: it
// classifies an STS, Graph or Management Activity API error (a raw body, or
// exception text containing one) and returns false for anything else.
func entraDecode(a connector.Answer) (finding.Finding, bool) {
	e, ok := parseEntraError(string(a.Body))
	if !ok {
		return finding.Finding{}, false
	}
	return e.finding(a.StatusCode), true
}

func (e entraError) finding(status int) finding.Finding {
	var k entraKnown
	var known bool
	if num, isSTS := strings.CutPrefix(e.Code, "AADSTS"); isSTS {
		k, known = entraAADSTS[num]
	} else {
		k, known = entraGraphCode(e.Code)
	}
	k = e.refine(k, status)
	if !known {
		k = e.unknown(status)
	}
	detail := k.cause
	if e.Message != "" {
		detail += fmt.Sprintf(" Microsoft's message: %q", e.Message)
	}
	if status > 0 {
		detail += fmt.Sprintf(" (HTTP %d)", status)
	}
	if !strings.HasSuffix(detail, ".") {
		detail += "."
	}
	return finding.Finding{Severity: finding.Error, Category: k.cat, Code: e.Code,
		Summary: k.title + " (" + e.Code + ")", Detail: detail,
		Remediation: append([]string(nil), k.fix...), Retryable: k.retry}
}

// refine adjusts a known code's classification where the message says more
// than the code (InvalidAuthenticationToken covers expiry and audience;
// AADSTS70002 and 70001 changed meaning over the years).
func (e entraError) refine(k entraKnown, status int) entraKnown {
	msg := strings.ToLower(e.Message)
	switch e.Code {
	case "InvalidAuthenticationToken":
		switch {
		case entraHas(msg, "expired", "lifetime validation failed", "not yet valid"):
			k.cat, k.title = finding.ExpiredCredentials, "Microsoft Graph rejected an expired access token"
			k.cause = "The token's lifetime is over or has not begun; when the token was just issued, the clock of the machine sending it is off."
			k.fix = []string{"Request a new token; if it was just issued, synchronise the clock (NTP) of the machine running Terraform."}
		case entraHas(msg, "audience"):
			k.title = "Microsoft Graph rejected the token's audience"
			k.cause = "The token was issued for another API or another Microsoft cloud than the Graph endpoint called."
			k.fix = []string{"Request the token with scope <graph_url>/.default, from the token service of the same cloud as graph_url (e.g. login.microsoftonline.us with graph.microsoft.us)."}
		}
	case "AADSTS70002":
		switch {
		case entraHas(msg, "expired"):
			k.cat, k.title = finding.ExpiredCredentials, "Entra ID client secret or grant has expired"
		case entraHas(msg, "does not exist", "not found"):
			k.cat, k.title = finding.AppNotFound, "App registration not found in the tenant"
			k.fix = []string{entraFixAppID}
		}
	case "AADSTS70001":
		if entraHas(msg, "not found", "was not found") {
			k.cat, k.title = finding.AppNotFound, "App registration not found in the tenant"
			k.fix = []string{entraFixAppID}
		}
	case "BadRequest":
		switch {
		case entraHas(msg, "/me request is only valid with delegated"):
			k.title = "Microsoft Graph's /me is not available to app-only tokens"
			k.cause = "An app-only token has no signed-in user, so /me has nothing to return; address users by id (/users/{id}) instead."
			k.fix = []string{"Call /users/{id or userPrincipalName} instead of /me."}
		case entraHas(msg, "resource not found for the segment"):
			k.cat, k.title = finding.EndpointNotFound, "Microsoft Graph has no such path"
		}
	case "UnknownError", "generalException":
		if status >= 500 {
			k.cat, k.retry = finding.ServiceUnavailable, true
		}
	}
	return e.refineMailbox(k)
}

// unknown classifies a code Handshake has no entry for, from the OAuth error
// and the HTTP status, keeping the vendor's code.
func (e entraError) unknown(status int) entraKnown {
	k := entraKnown{cat: finding.UnexpectedResponse, title: "Microsoft answered with an unrecognised error",
		cause: "Handshake does not know this code.",
		fix:   []string{"Look the code up at https://login.microsoftonline.com/error (AADSTS codes) or in the API's error reference."}}
	switch {
	case e.Sub == "consent_required" || e.OAuth == "consent_required":
		k.cat, k.title, k.fix = finding.ConsentRequired, "Consent for the app is missing", []string{entraFixConsent}
	case e.OAuth == "invalid_client":
		k.cat, k.title = finding.InvalidCredentials, "Entra ID rejected the app's credential"
		k.fix = append([]string{entraFixNewSecret}, k.fix...)
	case e.OAuth == "invalid_tenant":
		k.cat, k.title, k.fix = finding.TenantNotFound, "Entra ID tenant not found", []string{entraFixTenant, entraFixCloud}
	case e.OAuth == "invalid_scope" || e.OAuth == "invalid_resource":
		k.cat, k.title = finding.InvalidScope, "Entra ID rejected the requested scope"
	case e.OAuth == "unauthorized_client":
		k.cat, k.title = finding.AccessDenied, "The app may not use this grant"
	case e.OAuth == "temporarily_unavailable" || e.OAuth == "server_error" || status >= 500:
		k.cat, k.title, k.retry = finding.ServiceUnavailable, "Microsoft's service failed", true
	case status == 429:
		k.cat, k.title, k.retry = finding.RateLimited, "Microsoft is throttling the requests", true
	case status == 401:
		k.cat = finding.InvalidCredentials
	case status == 403:
		k.cat = finding.AccessDenied
	case status == 404:
		k.cat = finding.EndpointNotFound
	}
	return k
}

// entraRecognize is the entra_id profile's Recognize: AADSTS codes, the
// token service's and Graph's hosts, and Graph's error codes.
func entraRecognize(text string) bool {
	if aadstsRE.MatchString(text) {
		return true
	}
	lower := strings.ToLower(text)
	if entraHas(lower, "login.microsoftonline.", "login.windows.net", "sts.windows.net", "login.chinacloudapi.cn",
		"graph.microsoft.", "microsoftgraph.chinacloudapi.cn", "msalserviceexception", "msal4j", "adalserviceexception",
		"clientsecretcredential", "microsoft.identity.client", "odataerror", "microsoft.graph") {
		return true
	}
	if m := graphCodeRE.FindStringSubmatch(text); m != nil && strings.Contains(m[1], "_") {
		return entraGraph[m[1]].title != "" // Authorization_RequestDenied, Authorization_IdentityNotFound …
	}
	for _, code := range []string{"InvalidAuthenticationToken", "Authorization_RequestDenied", "Authorization_IdentityNotFound", "InvalidAudienceForResource"} {
		if strings.Contains(text, code) {
			return true
		}
	}
	return false
}

// microsoft365Recognize is the microsoft_365 profile's Recognize: the
// Office 365 Management Activity API's AF codes and hosts, and Exchange
// Online's mailbox errors.
func microsoft365Recognize(text string) bool {
	if afCodeRE.MatchString(text) {
		return true
	}
	lower := strings.ToLower(text)
	return entraHas(lower, "manage.office.com", "manage-gcc.office.com", "manage.office365.us", "manage.protection.apps.mil",
		"microsoft.office.compliance.audit", "/activity/feed/") || entraMailboxRecognize(text)
}

// entraHas reports whether s contains any of the words.
func entraHas(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
