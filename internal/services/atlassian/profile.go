// Package atlassian is the atlassian service: an Atlassian Cloud site or
// organization. It holds the profile (settings, offline rules), the decoder
// of Atlassian's error answers, the live check and the sandbox emulation.
package atlassian

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Service is the atlassian entry of the catalog: profile, live check and
// sandbox emulation.
func Service() kit.Service {
	return kit.Service{Profile: profile(), Plan: plan, Emulation: &emulation.Vendor{Path: "atlassian", Routes: routes}}
}

// profile is an Atlassian Cloud site (Jira, Confluence, Jira Service
// Management).
func profile() *connector.Profile {
	return &connector.Profile{
		ID:          "atlassian",
		DisplayName: "Atlassian Cloud",
		Description: "An Atlassian Cloud site (Jira, Jira Service Management, Confluence). Authenticate with an API token " +
			"(`username` is the Atlassian account's e-mail address, `token` the token from id.atlassian.com; sent as " +
			"basic auth to `https://<site>`), or with an OAuth 2.0 (3LO) app (`client_id`, `client_secret` and an " +
			"access or refresh token in `token`; calls go to `https://api.atlassian.com/ex/<product>/<cloud_id>`). " +
			"3LO refresh tokens need the `offline_access` scope; scopes look like `read:jira-work`. For the organization's audit " +
			"log (`org_id`), `token` is an organization **admin API key** (admin.atlassian.com > Settings > API keys), sent as a bearer token.",
		Settings: []connector.Setting{
			{Name: "site", Kind: connector.String, Description: "The site's host name, such as `acme.atlassian.net`. " +
				"Without `https://` and without a product path such as `/jira` or `/wiki`."},
			{Name: "cloud_id", Kind: connector.String, Description: "The site's cloud id (a GUID), needed for OAuth 2.0 " +
				"(3LO) calls through api.atlassian.com. `https://<site>/_edge/tenant_info` shows it."},
			{Name: "org_id", Kind: connector.String, Description: "The organization id (admin.atlassian.com > Settings > API keys " +
				"shows it, and it is the id in `admin.atlassian.com/o/<org_id>/…`). Set it to check an organization admin API key " +
				"(in `auth.token`) and the organization's audit log (the events API, which needs Atlassian Guard Standard)."},
			{Name: "base_url", Kind: connector.String, Description: "Override of every Atlassian host the check calls (the site " +
				"`https://<site>`, `https://api.atlassian.com` and `https://auth.atlassian.com`), with the real paths below it: " +
				"for tests or a proxy that forwards them; plain http only on loopback addresses."},
		},
		AuthAttrs:    []string{"username", "token", "client_id", "client_secret"},
		OfflineScope: "offline_access",
		Decode:       decode,
		Recognize:    recognize,
		Rules: []connector.Rule{
			kit.ClientIDHygiene,
			kit.EndpointRules("base_url"),
			atlassianSite,
			atlassianCloudID,
			atlassianOrgID,
			atlassianTarget,
			atlassianToken,
			kit.ForEachScope(atlassianScope),
		},
	}
}

var (
	atlassianLabelRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	// Classic (read:jira-work) and granular (read:issue:jira) scopes.
	atlassianScopeRE = regexp.MustCompile(`^(offline_access|[a-z]+(:[a-z0-9.-]+)+)$`)
)

func atlassianSite(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "site")
	if !ok {
		return nil
	}
	if f := kit.NotURL(s, "site", "ATLASSIAN-SITE", "the site's host name"); f != nil {
		return f
	}
	path := s.SettingPath("site")
	host := strings.ToLower(v)
	switch {
	case kit.HasSpace(v):
		return []finding.Finding{kit.SpaceFinding(s, "site", "ATLASSIAN-SITE")}
	case atlassianLabelRE.MatchString(host):
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"atlassian.site must be the full host name").
			WithCode("ATLASSIAN-SITE").
			WithDetail("Atlassian Cloud sites are addressed by their host name; %q alone does not resolve.", v).
			WithFix(fmt.Sprintf("Set atlassian = { site = %q }.", host+".atlassian.net"))}
	case !connector.IsDomainName(host):
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"atlassian.site is not a host name").
			WithCode("ATLASSIAN-SITE").
			WithDetail("Give the site's host name, such as acme.atlassian.net.").
			WithFix("Copy the host from the address bar when Jira or Confluence is open, without https:// and the path.")}
	case !strings.HasSuffix(host, ".atlassian.net") && !strings.HasSuffix(host, ".jira.com"):
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, path,
			"atlassian.site is not an atlassian.net site").
			WithCode("ATLASSIAN-SITE").
			WithDetail("Atlassian Cloud serves the REST APIs at <name>.atlassian.net; %s is another host (a custom help-center domain, or a Data Center server, which this connector does not cover).", host).
			WithFix("Use the site's atlassian.net host name (admin.atlassian.com > Products lists it).")}
	}
	return nil
}

// atlassianOrgID: organization ids are opaque (not always hexadecimal), so
// only the usual copy-and-paste mistakes are caught.
func atlassianOrgID(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "org_id")
	if !ok {
		return nil
	}
	if f := kit.NotURL(s, "org_id", "ATLASSIAN-ORG-ID", "the organization id"); f != nil {
		return f
	}
	if kit.HasSpace(v) || strings.TrimSpace(v) == "" || strings.Contains(v, "/") {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("org_id"),
			"atlassian.org_id is not an organization id").
			WithCode("ATLASSIAN-ORG-ID").
			WithDetail("An organization id is one opaque word (such as 9a1jj823-jac8-123d-jj01-63315k059cb2) from admin.atlassian.com.").
			WithFix("Copy the Organization ID from admin.atlassian.com > Settings > API keys.")}
	}
	return nil
}

func atlassianCloudID(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "cloud_id")
	if !ok || connector.IsGUID(v) {
		return nil
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("cloud_id"),
		"atlassian.cloud_id is not a cloud id").
		WithCode("ATLASSIAN-CLOUD-ID").
		WithDetail("A cloud id is a GUID (8-4-4-4-12 hexadecimal digits) that names the site in api.atlassian.com URLs; the site name or organization id does not work there.").
		WithFix("Open https://<site>/_edge/tenant_info and copy cloudId, or read it from GET https://api.atlassian.com/oauth/token/accessible-resources.")}
}

// atlassianTarget: every call needs to know which site it is for.
func atlassianTarget(s *connector.Spec) []finding.Finding {
	if !kit.SettingUnset(s, "site") || !kit.SettingUnset(s, "cloud_id") || !kit.SettingUnset(s, "org_id") || !kit.SettingUnset(s, "base_url") {
		return nil
	}
	path := finding.Attr("service")
	if slices.Contains(s.Blocks, "atlassian") {
		path = finding.Attr("atlassian")
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
		"Atlassian connector needs a site, cloud_id or org_id").
		WithCode("ATLASSIAN-SITE").
		WithDetail("API tokens are used against https://<site>, and OAuth 2.0 (3LO) tokens against api.atlassian.com/ex/<product>/<cloud_id>; with neither set, Handshake cannot tell which site to call.").
		WithFix("Set atlassian = { site = \"<name>.atlassian.net\" } (and cloud_id for OAuth 2.0 apps).")}
}

// atlassianToken: API tokens (ATATT…) are basic-auth passwords paired with
// the account e-mail; OAuth access tokens go alone as bearer tokens.
func atlassianToken(s *connector.Spec) []finding.Finding {
	user, hasUser := kit.UsernameKnown(s)
	tokenSet := !kit.SecretUnset(s, s.Auth.Token, "token")
	tok, tokenOK := kit.SecretValue(s, s.Auth.Token, "token")
	switch {
	case hasUser && !connector.IsEmail(user):
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("username"),
			"auth.username must be the Atlassian account's e-mail address").
			WithCode("ATLASSIAN-API-TOKEN").
			WithDetail("Atlassian API tokens authenticate as the e-mail address of the account that created them; a display name or account id makes Atlassian answer 401 (Client must be authenticated).").
			WithFix("Set auth.username to the e-mail address shown at id.atlassian.com > Profile.")}
	case hasUser && !tokenSet:
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("token"),
			"auth.username needs an API token in auth.token").
			WithCode("ATLASSIAN-API-TOKEN").
			WithDetail("Atlassian Cloud no longer accepts account passwords for REST calls; the e-mail address is paired with an API token.").
			WithFix("Create a token at id.atlassian.com > Security > API tokens and set it in auth.token_wo.")}
	case tokenOK && !hasUser && !kit.AuthUnknown(s, "username") && strings.HasPrefix(tok, "ATATT"):
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("username"),
			"Atlassian API tokens need the account e-mail in auth.username").
			WithCode("ATLASSIAN-API-TOKEN").
			WithDetail("This is an Atlassian API token, which works only as the password of basic auth with the owner's e-mail address; sent alone as a bearer token it is rejected with 401.").
			WithFix("Set auth.username to the e-mail address of the account that created the token.")}
	case tokenOK && !hasUser && !kit.AuthUnknown(s, "username") && kit.SettingUnset(s, "cloud_id") && kit.SettingUnset(s, "base_url") && kit.SettingUnset(s, "org_id"):
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, s.SettingPath("cloud_id"),
			"OAuth 2.0 (3LO) tokens need atlassian.cloud_id").
			WithCode("ATLASSIAN-CLOUD-ID").
			WithDetail("Without auth.username the token is used as an OAuth 2.0 bearer token, which Atlassian accepts only at api.atlassian.com/ex/<product>/<cloud_id>, not at the site's own host.").
			WithFix("Set atlassian.cloud_id (https://<site>/_edge/tenant_info shows it).",
				"If the token is an API token, set auth.username to the account's e-mail address instead.")}
	}
	return nil
}

func atlassianScope(s *connector.Spec, i int, sc string) []finding.Finding {
	switch {
	case strings.TrimSpace(sc) == "" || strings.ContainsAny(sc, " \t\r\n,"):
		return nil // connector.CheckScopes reports these
	case atlassianScopeRE.MatchString(sc):
		return nil
	case kit.IsURLScope(sc):
		return []finding.Finding{kit.URLScopeFinding(s, i, "Atlassian", "read:jira-work or read:confluence-content.all")}
	}
	return []finding.Finding{finding.Warnf(finding.InvalidScope, kit.ScopePath(i),
		"Scope does not look like an Atlassian scope").
		WithCode("invalid_scope").
		WithDetail("Atlassian scopes are lower-case action:resource names, classic (read:jira-work, manage:jira-project) or granular (read:issue:jira), plus offline_access for refresh tokens.").
		WithFix("Copy the scope from the app's Permissions page in the Atlassian developer console.")}
}
