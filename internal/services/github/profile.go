// Package github is the GitHub service: its profile (settings, offline
// rules), error decoder, live check and sandbox emulation.
package github

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Service is GitHub: its profile, live check, sandbox emulation and the
// lister of a GitHub App's installations.
func Service() kit.Service {
	return kit.Service{Profile: profile(), Plan: plan, Emulation: &emulation.Vendor{Path: "github", Routes: routes}, List: list}
}

// profile is GitHub.com, GitHub Enterprise Cloud or GitHub Enterprise Server,
// reached as a GitHub App installation, an OAuth app, or with a token.
func profile() *connector.Profile {
	return &connector.Profile{
		ID:          "github",
		DisplayName: "GitHub",
		Description: "GitHub.com, GitHub Enterprise Cloud or GitHub Enterprise Server. Three ways in: a **GitHub App** " +
			"(`app_id`, the app's RSA `private_key`, and the `installation_id` or `organization` it is installed on; " +
			"installation tokens last one hour and are minted on demand), an **OAuth app** (`client_id` and " +
			"`client_secret`; its user tokens never expire and come without refresh tokens), or a **token** " +
			"(a fine-grained or classic personal access token in `auth.token`).",
		Settings: []connector.Setting{
			{Name: "app_type", Kind: connector.String, OneOf: []string{"github_app", "oauth_app", "token"}, Description: "How " +
				"the connector authenticates. Defaults to `github_app` when `app_id` or `auth.private_key` is set, " +
				"`token` when `auth.token` is set, and `oauth_app` otherwise."},
			{Name: "app_id", Kind: connector.String, Description: "Identifies the GitHub App as the issuer of the JWT it signs: " +
				"its **Client ID** (`Iv23…`, which GitHub recommends since 2024) or its numeric **App ID**, both on the " +
				"app's settings page. GitHub Enterprise Server before 3.14 accepts only the App ID."},
			{Name: "installation_id", Kind: connector.String, Description: "Numeric id of the app's installation, the number at " +
				"the end of `https://github.com/organizations/<org>/settings/installations/<id>`. Optional when `organization` is set."},
			{Name: "organization", Kind: connector.String, Description: "Organization (or user) login the connector works in, " +
				"e.g. `octo-org`. Used to find the installation and to check SAML SSO authorization."},
			{Name: "repositories", Kind: connector.StringList, Description: "Repositories the connector must reach, as " +
				"`owner/name` or, with `organization` set, just `name`. Live checks confirm the installation or token can see each."},
			{Name: "base_url", Kind: connector.String, Description: "REST API base URL. Defaults to `https://api.github.com`; " +
				"GitHub Enterprise Server uses `https://<host>/api/v3`, GitHub Enterprise Cloud with data residency " +
				"`https://api.<subdomain>.ghe.com`."},
		},
		AuthAttrs: []string{"client_id", "client_secret", "token", "private_key"},
		Decode:    decode,
		Recognize: githubRecognize,
		Rules: []connector.Rule{
			kit.EndpointRules("base_url"),
			githubBaseURL,
			githubAppID,
			githubInstallationID,
			githubOrganization,
			githubRepositories,
			kit.ClientIDHygiene,
			githubAppType,
			githubRefreshToken,
		},
	}
}

// githubType returns the effective app_type; ok is false when it depends on
// values not known yet.
func githubType(s *connector.Spec) (string, bool) {
	if s.SettingUnknown("app_type") {
		return "", false
	}
	if v, ok := kit.Known(s, "app_type"); ok {
		return v, true
	}
	if s.SettingUnknown("app_id") || kit.AuthUnknown(s, "private_key") || kit.AuthUnknown(s, "token") {
		return "", false
	}
	switch {
	case s.Setting("app_id") != "" || s.Auth.PrivateKey.IsSet():
		return "github_app", true
	case s.Auth.Token.IsSet():
		return "token", true
	}
	return "oauth_app", true
}

var (
	digitsRE = regexp.MustCompile(`^[0-9]+$`)
	// GitHub logins: alphanumerics and single hyphens, at most 39 characters.
	githubLoginRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}$`)
	githubRepoRE  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
)

// isPositiveInt reports a decimal id GitHub could have issued.
func isPositiveInt(v string) bool { return digitsRE.MatchString(v) && strings.TrimLeft(v, "0") != "" }

// githubAppClientIDRE matches GitHub App client ids (Iv1.0123456789abcdef,
// Iv23li…); OAuth app client ids start with Ov instead.
var githubAppClientIDRE = regexp.MustCompile(`^Iv[0-9A-Za-z.]{8,}$`)

// githubAppID accepts the numeric App ID or the app's Client ID, the two
// values GitHub takes as the JWT issuer.
func githubAppID(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "app_id")
	if !ok || isPositiveInt(v) || githubAppClientIDRE.MatchString(v) {
		return nil
	}
	f := finding.Errorf(finding.InvalidConfiguration, s.SettingPath("app_id"),
		"github.app_id must be the GitHub App's App ID or Client ID").
		WithCode("GITHUB-APP-ID")
	if strings.HasPrefix(v, "Ov") || (len(v) == 20 && strings.Trim(strings.ToLower(v), "0123456789abcdef") == "") {
		return []finding.Finding{f.
			WithDetail("This value looks like the Client ID of an OAuth app. OAuth apps cannot sign JWTs or be installed; only a GitHub App (Client ID Iv…, or a numeric App ID) can mint installation tokens.").
			WithFix("Use the Client ID or App ID from Settings > Developer settings > GitHub Apps > <app>.",
				"Or, to connect as the OAuth app, set app_type = \"oauth_app\" and put its Client ID in auth.client_id.")}
	}
	return []finding.Finding{f.
		WithDetail("GitHub identifies the app that signed the JWT by its Client ID (Iv…) or its numeric App ID; GitHub answers any other issuer with \"Integration not found\".").
		WithFix("Copy Client ID (or App ID) from the app's settings page: Settings > Developer settings > GitHub Apps > <app> > General.")}
}

// githubInstallationID wants the installation's number, and recognises its
// settings URL pasted whole.
func githubInstallationID(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "installation_id")
	if !ok || isPositiveInt(v) {
		return nil
	}
	f := finding.Errorf(finding.InvalidConfiguration, s.SettingPath("installation_id"), "github.installation_id must be a number").
		WithCode("GITHUB-INSTALLATION-ID").
		WithDetail("An installation is identified by a positive integer: the number at the end of https://github.com/organizations/<org>/settings/installations/<id>.")
	trimmed := strings.TrimRight(v, "/")
	if i := strings.LastIndexByte(trimmed, '/'); i >= 0 && isPositiveInt(trimmed[i+1:]) {
		return []finding.Finding{f.WithFix(fmt.Sprintf("Set installation_id = %q.", trimmed[i+1:]))}
	}
	return []finding.Finding{f.WithFix("Open the organization's Settings > GitHub Apps > Configure next to the app, and copy the number at the end of the URL.",
		"Or remove installation_id and set organization, to let Handshake look the installation up.")}
}

// githubBaseURL catches the web host given instead of the API host.
func githubBaseURL(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "base_url")
	if !ok {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Hostname() == "" {
		return nil // CheckEndpoint reports it
	}
	host, path := strings.ToLower(u.Hostname()), strings.TrimRight(u.Path, "/")
	switch {
	case host == "github.com" || host == "www.github.com":
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("base_url"),
			"github.base_url must be the API host, not github.com").
			WithCode("GITHUB-BASE-URL").
			WithDetail("GitHub.com serves its REST API from https://api.github.com; github.com itself answers API paths with HTML or 404.").
			WithFix("Remove base_url (the default is https://api.github.com).")}
	case host == "api.github.com" || strings.HasSuffix(host, ".ghe.com") || connector.IsLoopbackHost(host):
		return nil
	case !strings.HasSuffix(path, "/api/v3"):
		// GitHub Enterprise Server: the REST API lives under /api/v3.
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, s.SettingPath("base_url"),
			"GitHub Enterprise Server's API is under /api/v3").
			WithCode("GITHUB-BASE-URL").
			WithDetail("For GitHub Enterprise Server the REST API base URL is https://<host>/api/v3; without it every call returns the web interface or 404.").
			WithFix(fmt.Sprintf("Set base_url = %q.", u.Scheme+"://"+u.Host+"/api/v3"))}
	}
	return nil
}

func githubOrganization(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "organization")
	if !ok || githubLoginRE.MatchString(v) {
		return nil
	}
	path := s.SettingPath("organization")
	if strings.Contains(v, "/") {
		login := v
		if i := strings.Index(login, "://"); i >= 0 {
			login = login[i+3:]
		}
		login = strings.TrimPrefix(strings.TrimPrefix(login, "www."), "github.com/")
		login = strings.TrimPrefix(login, "orgs/")
		login = strings.SplitN(strings.Trim(login, "/"), "/", 2)[0]
		fix := "Set organization to the login shown in the organization's URL: https://github.com/<login>."
		if githubLoginRE.MatchString(login) {
			fix = fmt.Sprintf("Set organization = %q.", login)
		}
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"github.organization must be the organization's login, not a URL").
			WithCode("GITHUB-ORGANIZATION").
			WithDetail("The organization is used in API paths such as /orgs/<login>; a URL or path there names nothing.").
			WithFix(fix)}
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
		"github.organization is not a valid GitHub login").
		WithCode("GITHUB-ORGANIZATION").
		WithDetail("GitHub logins consist of letters, digits and single hyphens (not at the start or end), at most 39 characters.").
		WithFix("Use the login shown in the organization's URL: https://github.com/<login>.")}
}

func githubRepositories(s *connector.Spec) []finding.Finding {
	if s.SettingUnknown("repositories") {
		return nil
	}
	var out []finding.Finding
	for i, r := range s.Lists["repositories"] {
		path := s.SettingPath("repositories").Index(i)
		parts := strings.Split(r, "/")
		var ok bool
		switch len(parts) {
		case 1:
			ok = githubRepoRE.MatchString(r)
		case 2:
			ok = githubLoginRE.MatchString(parts[0]) && githubRepoRE.MatchString(parts[1])
		}
		if ok {
			continue
		}
		f := finding.Errorf(finding.InvalidConfiguration, path, "github.repositories[%d] is not a repository name", i).
			WithCode("GITHUB-REPOSITORY").
			WithDetail("Repositories are given as owner/name (octo-org/octo-repo), or as name alone when organization is set.")
		if strings.Contains(r, "://") || strings.HasPrefix(r, "git@") {
			f = f.WithFix("Use owner/name rather than the clone or web URL.")
		} else {
			f = f.WithFix("Check the spelling; spaces and other punctuation are not allowed in repository names.")
		}
		out = append(out, f)
	}
	return out
}

// githubAppType checks the credentials each way in needs.
func githubAppType(s *connector.Spec) []finding.Finding {
	t, ok := githubType(s)
	if !ok {
		return nil
	}
	switch t {
	case "github_app":
		var out []finding.Finding
		if kit.SettingUnset(s, "app_id") {
			out = append(out, kit.MissingSetting(s, "app_id", "for GitHub App authentication: it is the issuer of the JWT the app signs"))
		}
		out = append(out, kit.RequirePrivateKey("to sign the GitHub App's JWT (RS256)")(s)...)
		out = append(out, kit.RSAKeyRule("GitHub", 2048, "GITHUB-APP-KEY")(s)...)
		if kit.SettingUnset(s, "installation_id") && kit.SettingUnset(s, "organization") {
			out = append(out, finding.Warnf(finding.InvalidConfiguration, s.SettingPath("installation_id"),
				"GitHub App without installation_id or organization").
				WithCode("GITHUB-INSTALLATION").
				WithDetail("With only the app's own JWT Handshake can check that the app exists, but not what it can reach: repository and organization access come from an installation token.").
				WithFix("Set installation_id, or organization to find the app's installation there."))
		}
		return out
	case "oauth_app":
		var out []finding.Finding
		if kit.ClientIDUnset(s) {
			out = append(out, kit.MissingClientID("an OAuth app is identified by its Client ID"))
		}
		if kit.SecretUnset(s, s.Auth.ClientSecret, "client_secret") {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("client_secret"), "Missing auth.client_secret").
				WithCode("GITHUB-OAUTH-APP").
				WithDetail("An OAuth app authenticates with its Client ID and a client secret; none is set.").
				WithFix("Generate a client secret under Settings > Developer settings > OAuth Apps > <app>, and set auth.client_secret_wo.",
					"Or, to use a personal access token instead, set auth.token (app_type = \"token\")."))
		}
		return out
	case "token":
		if kit.SecretUnset(s, s.Auth.Token, "token") {
			return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("token"), "Missing auth.token").
				WithCode("GITHUB-TOKEN").
				WithDetail("app_type is token, which authenticates with a personal access token in auth.token; none is set.").
				WithFix("Create a fine-grained personal access token under Settings > Developer settings and set auth.token_wo.")}
		}
		return githubTokenShape(s)
	}
	return nil
}

// githubTokenShape reads a token's prefix (GitHub's documented formats) to
// catch tokens that cannot serve a long-lived connector.
func githubTokenShape(s *connector.Spec) []finding.Finding {
	tok := s.Auth.Token
	v, ok := kit.SecretValue(s, tok, tok.Attr)
	if !ok {
		return nil
	}
	path := tok.Path()
	switch {
	case strings.HasPrefix(v, "github_pat_"), strings.HasPrefix(v, "ghp_"), strings.HasPrefix(v, "gho_"):
		return nil // fine-grained PAT, classic PAT, OAuth app user token
	case strings.HasPrefix(v, "ghs_"):
		return []finding.Finding{finding.Warnf(finding.ExpiringCredentials, path,
			"This is a GitHub App installation token, which expires after one hour").
			WithCode("GITHUB-TOKEN-GHS").
			WithDetail("Tokens starting with ghs_ are minted from a GitHub App's key and expire one hour later, so this connector will stop working within the hour.").
			WithFix("Configure the GitHub App itself instead (app_id, installation_id and auth.private_key_wo), so that Handshake mints installation tokens as needed.")}
	case strings.HasPrefix(v, "ghu_"):
		return []finding.Finding{finding.Warnf(finding.ExpiringCredentials, path,
			"This is a GitHub App user token, which expires after eight hours").
			WithCode("GITHUB-TOKEN-GHU").
			WithDetail("Tokens starting with ghu_ are user-to-server tokens of a GitHub App with expiring tokens; they last eight hours and must be refreshed with the refresh token issued alongside.").
			WithFix("Use the GitHub App's installation (app_id, installation_id, private key), or a fine-grained personal access token with an expiry you monitor.")}
	case strings.HasPrefix(v, "ghr_"):
		return []finding.Finding{finding.Errorf(finding.InvalidCredentials, path,
			"This is a GitHub refresh token, not an access token").
			WithCode("GITHUB-TOKEN-GHR").
			WithDetail("Tokens starting with ghr_ can only be exchanged for a new user token; the API rejects them as Bad credentials.").
			WithFix("Put an access token (github_pat_…, ghp_…) in auth.token.")}
	case len(v) == 40 && strings.Trim(strings.ToLower(v), "0123456789abcdef") == "":
		return []finding.Finding{finding.Warnf(finding.InvalidCredentials, path,
			"This token uses GitHub's retired format").
			WithCode("GITHUB-TOKEN-LEGACY").
			WithDetail("40-hex-digit tokens predate GitHub's 2021 prefixed formats. They may still work, but GitHub's secret scanning cannot recognise them if they leak.").
			WithFix("Replace it with a fine-grained personal access token (github_pat_…).")}
	}
	return []finding.Finding{finding.Warnf(finding.InvalidCredentials, path,
		"auth.%s does not look like a GitHub token", tok.Attr).
		WithCode("GITHUB-TOKEN-FORMAT").
		WithDetail("GitHub tokens start with github_pat_, ghp_, gho_, ghu_ or ghs_. This value has none of these prefixes; it may be a token for another service or a client secret.").
		WithFix("Check that auth.token holds a GitHub personal access token.")}
}

// githubRefreshToken: OAuth apps and personal access tokens have no refresh
// tokens; only GitHub Apps with expiring user tokens do.
func githubRefreshToken(s *connector.Spec) []finding.Finding {
	if !s.RequireRefreshToken {
		return nil
	}
	t, ok := githubType(s)
	if !ok || t == "github_app" {
		return nil
	}
	f := finding.Errorf(finding.RefreshTokenMissing, finding.Attr("require_refresh_token"),
		"GitHub does not issue refresh tokens for this kind of credential").
		WithCode("GITHUB-NO-REFRESH-TOKEN").
		WithFix("Use a GitHub App with \"Expire user authorization tokens\" enabled: its user-to-server tokens expire after 8 hours and come with a refresh token.",
			"Or set require_refresh_token = false.")
	if t == "oauth_app" {
		f = f.WithDetail("OAuth app user tokens do not expire and are issued without a refresh token, so require_refresh_token can never be met.")
	} else {
		f = f.WithDetail("Personal access tokens are used as they are, until they expire or are revoked; there is no refresh token.")
	}
	return []finding.Finding{f}
}
