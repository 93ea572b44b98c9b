package servicenow

import (
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// profile is a ServiceNow instance, called through its REST Table API.
func profile() *connector.Profile {
	return &connector.Profile{
		ID:          "servicenow",
		DisplayName: "ServiceNow",
		Description: "A ServiceNow instance, probed through the REST Table API (`/api/now/table/…`). Authenticate with a " +
			"user's `username` and `password` (basic auth; the user needs roles that can read the tables the connector " +
			"uses), with an OAuth client registered under System OAuth > Application Registry (`client_id`, " +
			"`client_secret`, plus `username` and `password` for the password grant; without them, the client credentials grant " +
			"and its OAuth Application User), or with a bearer `token`. ServiceNow tokens have the scope `useraccount` and the " +
			"user's rights: list the roles the connector needs (`admin`, `itil`) in `required_scopes`, and live checks compare " +
			"them with the user's roles.",
		Settings: []connector.Setting{
			{Name: "instance", Kind: connector.String, Required: true, Description: "Instance name, such as `dev12345` " +
				"(for `dev12345.service-now.com`), or the instance's full host name, such as `acme.service-now.com` or a " +
				"custom domain. Without `https://`."},
			{Name: "base_url", Kind: connector.String, Description: "Override of `https://<instance>.service-now.com`, for " +
				"tests or a proxy; plain http is accepted only on loopback addresses. The token endpoint (`/oauth_token.do`) " +
				"and the Table API (`/api/now/table/…`) are below it."},
		},
		AuthAttrs: []string{"client_id", "client_secret", "username", "password", "token"},
		Rules: []connector.Rule{
			kit.ClientIDHygiene,
			kit.EndpointRules("base_url"),
			servicenowInstance,
			servicenowCredentials,
		},
		Decode:    Decode,
		Recognize: Recognize,
	}
}

// An instance name is one DNS label.
var servicenowInstanceRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)

func servicenowInstance(s *connector.Spec) []finding.Finding {
	v, fs, ok := kit.NameSetting(s, "instance", "SERVICENOW-INSTANCE",
		"The instance name is the first part of the instance's address (dev12345 in dev12345.service-now.com)",
		"Set instance to the instance name or host name.")
	if !ok {
		return fs
	}
	path := s.SettingPath("instance")
	switch {
	case strings.ContainsAny(v, "/?#"):
		return kit.NotURL(s, "instance", "SERVICENOW-INSTANCE", "the instance name or host name")
	case kit.HasSpace(v):
		return []finding.Finding{kit.SpaceFinding(s, "instance", "SERVICENOW-INSTANCE")}
	case strings.Contains(v, "."):
		if connector.IsDomainName(strings.Split(v, ":")[0]) {
			return nil
		}
	case servicenowInstanceRE.MatchString(v):
		return nil
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
		"servicenow.instance is not an instance name or host name").
		WithCode("SERVICENOW-INSTANCE").
		WithDetail("Give the instance name (letters, digits and hyphens, such as dev12345) or the instance's full host name (dev12345.service-now.com).").
		WithFix("Copy the host name from the address bar when signed in to the instance, without https:// and the path.")}
}

// servicenowCredentials: basic auth and the password grant both need the
// user name and password together.
func servicenowCredentials(s *connector.Spec) []finding.Finding {
	hasUser := s.Auth.Username != "" || kit.AuthUnknown(s, "username")
	hasPassword := !kit.SecretUnset(s, s.Auth.Password, "password")
	switch {
	case hasPassword && !hasUser:
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("username"),
			"auth.password needs auth.username").
			WithCode("SERVICENOW-BASIC-AUTH").
			WithDetail("ServiceNow checks the password of a named user (basic auth, or the OAuth password grant); without the user name it answers 401 User Not Authenticated.").
			WithFix("Set auth.username to the integration user's User ID (sys_user.user_name).")}
	case hasUser && !hasPassword && kit.SecretUnset(s, s.Auth.Token, "token"):
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("password"),
			"auth.username needs auth.password").
			WithCode("SERVICENOW-BASIC-AUTH").
			WithDetail("ServiceNow authenticates the user with its password (basic auth, or the OAuth password grant with the client's id and secret); a user name alone is not a credential.").
			WithFix("Set auth.password_wo to the integration user's password, preferably a user with the Web service access only option set.")}
	}
	return nil
}
