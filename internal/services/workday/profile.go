package workday

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// profile is a Workday tenant, reached through an API Client for
// Integrations and its non-expiring refresh token.
func profile() *connector.Profile {
	return &connector.Profile{
		ID:          "workday",
		DisplayName: "Workday",
		Description: "A Workday tenant, through an API Client for Integrations (Register API Client for Integrations). " +
			"Handshake redeems the refresh token in `token` with the client's `client_id` and `client_secret` at " +
			"`https://<host>/ccx/oauth2/<tenant>/token`. Generate the non-expiring refresh token for the integration " +
			"system user with Manage Refresh Tokens for Integrations; the View API Clients report shows the token " +
			"endpoint, from which `host` and `tenant` are taken.",
		Settings: []connector.Setting{
			{Name: "tenant", Kind: connector.String, Required: true, Description: "Tenant name as it appears in the " +
				"token endpoint after `/ccx/oauth2/`, such as `acme` or `acme_impl`."},
			{Name: "host", Kind: connector.String, Required: true, Description: "Web-services host from the token endpoint, " +
				"such as `wd2-impl-services1.workday.com` or `wd5-services1.myworkday.com`. Without `https://`; not the " +
				"sign-in host of the web UI."},
			{Name: "base_url", Kind: connector.String, Description: "Override of `https://<host>`, for tests or a proxy; " +
				"plain http is accepted only on loopback addresses."},
		},
		AuthAttrs: []string{"client_id", "client_secret", "token"},
		Rules: []connector.Rule{
			kit.ClientIDHygiene,
			kit.EndpointRules("base_url"),
			tenantRule,
			kit.RequireNonBlank("host", "to build the token endpoint https://<host>/ccx/oauth2/<tenant>/token"),
			hostRule,
			credentialsRule,
		},
		Decode:    Decode,
		Recognize: Recognize,
	}
}

var tenantRE = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

func tenantRule(s *connector.Spec) []finding.Finding {
	v, fs, ok := kit.NameSetting(s, "tenant", "WORKDAY-TENANT",
		"The tenant name is part of the token endpoint (/ccx/oauth2/<tenant>/token)",
		"Copy the tenant name from the token endpoint shown by the View API Clients report.")
	if !ok {
		return fs
	}
	path := s.SettingPath("tenant")
	switch {
	case strings.ContainsAny(v, "/?#:"):
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"workday.tenant must be the tenant name, not a URL or path").
			WithCode("WORKDAY-TENANT").
			WithDetail("The tenant becomes one path segment of https://<host>/ccx/oauth2/<tenant>/token; put the host in workday.host.").
			WithFix("Set tenant to the segment after /ccx/oauth2/ in the token endpoint (acme_impl in …/ccx/oauth2/acme_impl/token).")}
	case kit.HasSpace(v):
		return []finding.Finding{kit.SpaceFinding(s, "tenant", "WORKDAY-TENANT")}
	case !tenantRE.MatchString(v):
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, path,
			"workday.tenant does not look like a Workday tenant name").
			WithCode("WORKDAY-TENANT").
			WithDetail("Tenant names are letters, digits and underscores (acme, acme_impl); the company's display name is not the tenant name.").
			WithFix("Copy the tenant name from the token endpoint shown by the View API Clients report.")}
	}
	return nil
}

func hostRule(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "host")
	if !ok {
		return nil
	}
	if f := kit.NotURL(s, "host", "WORKDAY-HOST", "the web-services host name"); f != nil {
		return f
	}
	path := s.SettingPath("host")
	host := strings.ToLower(v)
	switch {
	case kit.HasSpace(v):
		return []finding.Finding{kit.SpaceFinding(s, "host", "WORKDAY-HOST")}
	case !connector.IsDomainName(host):
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"workday.host is not a host name").
			WithCode("WORKDAY-HOST").
			WithDetail("Give the host of the token endpoint, such as wd2-impl-services1.workday.com.").
			WithFix("Copy the host from the token endpoint shown by the View API Clients report.")}
	case !strings.HasSuffix(host, ".workday.com") && !strings.HasSuffix(host, ".myworkday.com"):
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, path,
			"workday.host is not a workday.com host").
			WithCode("WORKDAY-HOST").
			WithDetail("Workday serves its APIs from hosts under workday.com or myworkday.com; %s is neither. Use base_url for a proxy or an emulator.", host).
			WithFix("Copy the host from the token endpoint shown by the View API Clients report.")}
	case !strings.Contains(host, "services"):
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, path,
			"workday.host looks like the web UI host, not the web-services host").
			WithCode("WORKDAY-HOST").
			WithDetail("Workday's APIs and token endpoint are served from a *-services* host (wd2-impl-services1.workday.com, wd5-services1.myworkday.com), not the host users sign in at; the UI host answers 404 or an HTML page.").
			WithFix(fmt.Sprintf("Copy the host from the token endpoint in the View API Clients report (the one for %s usually has -services1 in it).", host))}
	}
	return nil
}

// credentialsRule: Workday API clients for integrations have no client
// credentials grant; every token comes from the refresh token.
func credentialsRule(s *connector.Spec) []finding.Finding {
	var out []finding.Finding
	if kit.SecretUnset(s, s.Auth.Token, "token") {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("token"),
			"Workday connectors need a refresh token in auth.token").
			WithCode("WORKDAY-REFRESH-TOKEN").
			WithDetail("API Clients for Integrations get access tokens only by redeeming a refresh token issued to an integration system user; there is no client credentials grant to fall back on.").
			WithFix("Run Manage Refresh Tokens for Integrations for the integration system user and API client, generate a token, and set it in auth.token_wo."))
	}
	if kit.ClientIDUnset(s) {
		out = append(out, kit.MissingClientID("Workday redeems the refresh token only together with the API client's id and secret").
			WithFix("Copy Client ID from the View API Clients report (API Clients for Integrations tab)."))
	}
	if kit.SecretUnset(s, s.Auth.ClientSecret, "client_secret") {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("client_secret"),
			"Workday connectors need auth.client_secret").
			WithCode("WORKDAY-CLIENT").
			WithDetail("The refresh token is redeemed with the API client's id and secret; Workday answers invalid_client without them.").
			WithFix("Use the secret shown when the API client was registered, or generate a new one on the API client (Generate New API Client Secret) and set it in auth.client_secret_wo."))
	}
	return out
}
