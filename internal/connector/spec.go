// Package connector is the plain-Go model of a connector (Spec), its service profiles
// and the offline rules that validate it; it knows nothing of Terraform's SDK.
package connector

import "github.com/handshake-tf/terraform-provider-handshake/internal/finding"

// Spec is one connector as the user declared it. Only known, non-null values
// are filled in; values Terraform does not know yet are listed in Unknown so
// that rules neither check them nor call them missing.
type Spec struct {
	Name    string
	Service string

	// Settings holds the service block's string and bool settings (bools as
	// "true"/"false"); Lists holds its list settings.
	Settings map[string]string
	Lists    map[string][]string

	Auth Auth

	RequiredScopes []string
	// RequiredPermissions are permissions granted to the app rather than
	// scopes a token requests (Entra application permissions such as
	// User.Read.All); live checks compare them with what was granted.
	RequiredPermissions []string
	RedirectURIs        []string
	RequireRefreshToken bool
	// RedeemRefreshToken opts in to live checks that redeem the refresh
	// token in auth.token; without it a check never spends one (single-use
	// and rotating refresh tokens would stop working for the integration).
	RedeemRefreshToken bool

	// Blocks lists the service blocks that are set (normally just Service's).
	Blocks []string

	// Unknown holds dotted paths whose values are not known yet:
	// "okta.domain", "auth.client_secret", "redirect_uris".
	Unknown map[string]bool
}

// Auth holds the connector's credentials. Each secret records which
// attribute supplied it (client_secret or client_secret_wo) so a finding can
// point at the line the user wrote.
type Auth struct {
	ClientID          string
	ClientSecret      Secret
	Token             Secret
	PrivateKey        Secret
	ServiceAccountKey Secret
	Username          string
	Password          Secret
}

// Secret is a sensitive value and the auth attribute it came from.
type Secret struct {
	Value string
	Attr  string
}

// IsSet reports whether the secret was given (an empty string counts as given
// so that rules can flag it).
func (s Secret) IsSet() bool { return s.Attr != "" }

// Path is the attribute path of the secret, for findings.
func (s Secret) Path() finding.Path { return finding.Attr("auth", s.Attr) }

// Setting returns a service setting ("" when unset or unknown).
func (s *Spec) Setting(name string) string { return s.Settings[name] }

// SettingPath is the attribute path of a setting of this spec's service block.
func (s *Spec) SettingPath(name string) finding.Path { return finding.Attr(s.Service, name) }

// IsUnknown reports whether the value at the dotted path is not known yet.
func (s *Spec) IsUnknown(dotted string) bool { return s.Unknown[dotted] }

// SettingUnknown reports whether a setting of the service block is unknown.
func (s *Spec) SettingUnknown(name string) bool {
	return s.Unknown[s.Service] || s.Unknown[s.Service+"."+name]
}

// Secrets returns every secret value in the spec, for log masking.
func (s *Spec) Secrets() []string {
	var out []string
	for _, sec := range []Secret{s.Auth.ClientSecret, s.Auth.Token, s.Auth.PrivateKey, s.Auth.ServiceAccountKey, s.Auth.Password} {
		if sec.Value != "" {
			out = append(out, sec.Value)
		}
	}
	return out
}
