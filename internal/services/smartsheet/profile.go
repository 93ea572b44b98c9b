// Package smartsheet is the smartsheet service: a Smartsheet account in one
// of its regions, its profile, decoder, live check and sandbox emulation.
package smartsheet

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// profile is a Smartsheet account, in one of Smartsheet's regions.
func profile() *connector.Profile {
	return &connector.Profile{
		ID:          "smartsheet",
		DisplayName: "Smartsheet",
		Description: "A Smartsheet account, probed with `GET /users/me`. Authenticate with an API access token in `token` " +
			"(Account > Apps & Integrations > API Access) or with an OAuth app's `client_id` and `client_secret` plus the " +
			"access or refresh token in `token`. Tokens belong to one region: use the matching `base_url` for " +
			"Smartsheet EU, Gov or AU. Scopes are upper case, such as `READ_SHEETS`; `READ_EVENTS` in `required_scopes` " +
			"makes the live check read the event stream (`GET /events`), which needs a System Admin and the Event Reporting add-on. " +
			"With an OAuth app, `token` is the refresh token; it is redeemed only with `redeem_refresh_token = true`, " +
			"since Smartsheet issues a new one on every refresh.",
		Settings: []connector.Setting{
			{Name: "base_url", Kind: connector.String, Description: "API base URL. Defaults to `https://api.smartsheet.com/2.0`; " +
				"Smartsheet EU is `https://api.smartsheet.eu/2.0`, Smartsheet Gov `https://api.smartsheetgov.com/2.0` and " +
				"Smartsheet AU `https://api.smartsheet.au/2.0`. Plain http is accepted only on loopback addresses (tests)."},
		},
		AuthAttrs: []string{"token", "client_id", "client_secret"},
		Decode:    Decode,
		Recognize: Recognize,
		Rules: []connector.Rule{
			kit.ClientIDHygiene,
			kit.EndpointRules("base_url"),
			checkBaseURL,
			kit.ForEachScope(checkScope),
		},
	}
}

var (
	smartsheetScopes = []string{
		"ADMIN_SHEETS", "ADMIN_SIGHTS", "ADMIN_USERS", "ADMIN_WEBHOOKS", "ADMIN_WORKSPACES", "CREATE_SHEETS",
		"CREATE_SIGHTS", "DELETE_SHEETS", "DELETE_SIGHTS", "READ_CONTACTS", "READ_EVENTS", "READ_SHEETS",
		"READ_SIGHTS", "READ_USERS", "SHARE_SHEETS", "SHARE_SIGHTS", "WRITE_SHEETS",
	}
	// The web app's hosts, one per region; the API lives on api.<same domain>.
	smartsheetAppHostRE = regexp.MustCompile(`^app\.(smartsheet\.com|smartsheet\.eu|smartsheetgov\.com|smartsheet\.au)$`)
	smartsheetAPIHostRE = regexp.MustCompile(`^api\.(smartsheet\.com|smartsheet\.eu|smartsheetgov\.com|smartsheet\.au)$`)
)

func checkBaseURL(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "base_url")
	if !ok {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return nil // CheckEndpoint reports it
	}
	host := strings.ToLower(u.Hostname())
	path := s.SettingPath("base_url")
	if m := smartsheetAppHostRE.FindStringSubmatch(host); m != nil {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"smartsheet.base_url points at the Smartsheet web app, not the API").
			WithCode("SMARTSHEET-BASE-URL").
			WithDetail("%s serves the web app; the REST API of the same region is at api.%s/2.0.", host, m[1]).
			WithFix(fmt.Sprintf("Set smartsheet.base_url = %q.", "https://api."+m[1]+"/2.0"))}
	}
	if smartsheetAPIHostRE.MatchString(host) && strings.TrimSuffix(u.Path, "/") != "/2.0" {
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, path,
			"smartsheet.base_url should end with the API version /2.0").
			WithCode("SMARTSHEET-BASE-URL").
			WithDetail("Smartsheet serves API 2.0 under the /2.0 path; without it (or with an endpoint path added) requests go to paths that answer 404.").
			WithFix(fmt.Sprintf("Set smartsheet.base_url = %q.", "https://"+host+"/2.0"))}
	}
	return nil
}

func checkScope(s *connector.Spec, i int, sc string) []finding.Finding {
	switch {
	case strings.TrimSpace(sc) == "" || strings.ContainsAny(sc, " \t\r\n,"):
		return nil // connector.CheckScopes reports these
	case slices.Contains(smartsheetScopes, sc):
		return nil
	case kit.IsURLScope(sc):
		return []finding.Finding{kit.URLScopeFinding(s, i, "Smartsheet", "READ_SHEETS or ADMIN_USERS")}
	case slices.Contains(smartsheetScopes, strings.ToUpper(sc)):
		return []finding.Finding{finding.Warnf(finding.InvalidScope, kit.ScopePath(i),
			"Smartsheet scopes are upper case").
			WithCode("invalid_scope").
			WithDetail("Smartsheet compares scope names exactly and documents them in upper case; the lower-case form is rejected with invalid_scope.").
			WithFix(fmt.Sprintf("Write it as %q.", strings.ToUpper(sc)))}
	}
	return []finding.Finding{finding.Warnf(finding.InvalidScope, kit.ScopePath(i),
		"Scope is not a Smartsheet scope").
		WithCode("invalid_scope").
		WithDetail("Smartsheet's scopes are upper-case names such as READ_SHEETS, WRITE_SHEETS, READ_USERS and ADMIN_USERS.").
		WithFix("Check the name against Smartsheet's OAuth scope list.")}
}
