package probe

import (
	"net/url"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Planners for the generic services. They check only what they need to run;
// the offline rules (internal/services) explain configuration mistakes in
// full, so the provider normally does not probe a spec that has errors.

// PlanOAuth2 is the planner of the generic oauth2 service.
func PlanOAuth2(s *connector.Spec) (*Plan, []finding.Finding) {
	issuer := strings.TrimSpace(s.Setting("issuer"))
	tokenURL := strings.TrimSpace(s.Setting("token_url"))
	p := &OAuth2Plan{
		Issuer:               issuer,
		TokenURL:             tokenURL,
		AuthorizationURL:     strings.TrimSpace(s.Setting("authorization_url")),
		RefreshURL:           strings.TrimSpace(s.Setting("refresh_url")),
		IntrospectionURL:     strings.TrimSpace(s.Setting("introspection_url")),
		RefreshURLPath:       s.SettingPath("refresh_url"),
		IssuerPath:           s.SettingPath("issuer"),
		TokenURLPath:         s.SettingPath("token_url"),
		AuthorizationURLPath: s.SettingPath("authorization_url"),
		ClientID:             s.Auth.ClientID,
		ClientSecret:         s.Auth.ClientSecret,
		PrivateKey:           s.Auth.PrivateKey,
		RefreshToken:         s.Auth.Token,
		Scopes:               s.RequiredScopes,
		Params:               url.Values{},
	}
	var out []finding.Finding
	if issuer == "" && tokenURL == "" {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, p.TokenURLPath,
			"OAuth 2.0 connector needs token_url or issuer").
			WithFix("Set oauth2.token_url, or oauth2.issuer to discover it."))
	}
	public := s.Setting("client_type") == "public"
	p.GrantType = s.Setting("grant_type")
	if p.GrantType == "" {
		p.GrantType = GrantClientCredentials
		if public {
			p.GrantType = GrantRefreshToken
		}
	}
	p.AuthStyle = s.Setting("auth_style")
	switch {
	case public:
		p.AuthStyle = AuthNone
	case p.AuthStyle != "":
	case s.Auth.PrivateKey.IsSet() && s.Auth.PrivateKey.Value != "":
		p.AuthStyle = AuthPrivateKeyJWT
	default:
		p.AuthStyle = AuthClientSecretBasic
	}
	if a := s.Setting("audience"); a != "" {
		p.Params.Set("audience", a)
	}
	if p.ClientID == "" {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, finding.Attr("auth", "client_id"),
			"Missing auth.client_id"))
	}
	switch p.GrantType {
	case GrantClientCredentials, GrantJWTBearer, GrantAuthorizationCode:
	case GrantRefreshToken:
		if p.RefreshToken.Value == "" {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, secretPath(p.RefreshToken, "token"),
				"The refresh_token grant needs a refresh token in auth.token"))
		}
	default:
		out = append(out, finding.Errorf(finding.InvalidConfiguration, s.SettingPath("grant_type"),
			"Unsupported grant_type %q", p.GrantType))
	}
	switch p.AuthStyle {
	case AuthClientSecretBasic, AuthClientSecretPost:
		if p.ClientSecret.Value == "" {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, secretPath(p.ClientSecret, "client_secret"),
				"Missing auth.client_secret"))
		}
	case AuthPrivateKeyJWT:
		if p.PrivateKey.Value == "" {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, secretPath(p.PrivateKey, "private_key"),
				"Missing auth.private_key"))
		}
	case AuthNone:
	default:
		out = append(out, finding.Errorf(finding.InvalidConfiguration, s.SettingPath("auth_style"),
			"Unsupported auth_style %q", p.AuthStyle))
	}
	if p.GrantType == GrantJWTBearer && p.PrivateKey.Value == "" {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, secretPath(p.PrivateKey, "private_key"),
			"The jwt_bearer grant needs auth.private_key to sign the assertion"))
	}

	plan := &Plan{OAuth2: p, Target: issuer, TargetPath: p.IssuerPath}
	if issuer == "" {
		plan.Target, plan.TargetPath = tokenURL, p.TokenURLPath
	}
	if u := strings.TrimSpace(s.Setting("probe_url")); u != "" {
		plan.Request = &RequestPlan{
			URL: u, URLPath: s.SettingPath("probe_url"),
			Credential: Credential{Kind: "oauth2"},
		}
	}
	return plan, out
}

// PlanAPIKey is the planner of the generic api_key service.
func PlanAPIKey(s *connector.Spec) (*Plan, []finding.Finding) {
	var out []finding.Finding
	u := strings.TrimSpace(s.Setting("probe_url"))
	if u == "" {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, s.SettingPath("probe_url"), "Missing api_key.probe_url"))
	}
	if s.Auth.Token.Value == "" {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, secretPath(s.Auth.Token, "token"), "Missing auth.token"))
	}
	loc := s.Setting("location")
	if loc == "" {
		loc = "header"
	}
	name := s.Setting("name")
	if name == "" {
		name = "Authorization"
		if loc == "query" {
			name = "api_key"
		}
	}
	cred := Credential{Kind: "api_key", Secret: s.Auth.Token.Value, Location: loc, Name: name, Prefix: s.Setting("prefix")}
	return &Plan{
		Target: u, TargetPath: s.SettingPath("probe_url"),
		Request: &RequestPlan{URL: u, URLPath: s.SettingPath("probe_url"), Credential: cred,
			CredentialPath: secretPath(s.Auth.Token, "token")},
	}, out
}

// PlanHTTP is the planner of the generic http service.
func PlanHTTP(s *connector.Spec) (*Plan, []finding.Finding) {
	var out []finding.Finding
	u := strings.TrimSpace(s.Setting("url"))
	if u == "" {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, s.SettingPath("url"), "Missing http.url"))
	}
	scheme := s.Setting("auth_scheme")
	if scheme == "" {
		switch {
		case s.Auth.Username != "" || s.Auth.Password.Value != "":
			scheme = "basic"
		case s.Auth.Token.Value != "":
			scheme = "bearer"
		default:
			scheme = "none"
		}
	}
	var cred Credential
	var credPath finding.Path
	switch scheme {
	case "none":
		cred = Credential{Kind: "none"}
	case "basic":
		cred = Credential{Kind: "basic", Username: s.Auth.Username, Secret: s.Auth.Password.Value}
		credPath = secretPath(s.Auth.Password, "password")
		if s.Auth.Username == "" {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, finding.Attr("auth", "username"), "Missing auth.username"))
		}
	case "bearer":
		cred = Credential{Kind: "bearer", Secret: s.Auth.Token.Value}
		credPath = secretPath(s.Auth.Token, "token")
		if s.Auth.Token.Value == "" {
			out = append(out, finding.Errorf(finding.InvalidConfiguration, credPath, "Missing auth.token"))
		}
	default:
		out = append(out, finding.Errorf(finding.InvalidConfiguration, s.SettingPath("auth_scheme"), "Unsupported auth_scheme %q", scheme))
	}
	return &Plan{
		Target: u, TargetPath: s.SettingPath("url"),
		Request: &RequestPlan{URL: u, URLPath: s.SettingPath("url"), Credential: cred, CredentialPath: credPath},
	}, out
}

// secretPath is the secret's attribute path, or auth.<base> when it was not
// given at all.
func secretPath(sec connector.Secret, base string) finding.Path {
	if sec.IsSet() {
		return sec.Path()
	}
	return finding.Attr("auth", base)
}
