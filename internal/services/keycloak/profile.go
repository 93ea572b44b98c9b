package keycloak

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// profile: a client in a Keycloak realm; the realm's OIDC endpoints sit
// under <base_url>/realms/<realm>/protocol/openid-connect.
func profile() *connector.Profile {
	return &connector.Profile{
		ID:          "keycloak",
		DisplayName: "Keycloak",
		Description: "An OpenID Connect client in a Keycloak realm (also Red Hat build of Keycloak / RH-SSO). Handshake uses " +
			"the realm's token endpoint, `<base_url>/realms/<realm>/protocol/openid-connect/token`, with the client " +
			"credentials grant: `client_id` plus either `client_secret` (Client Id and Secret authenticator) or " +
			"`private_key` (Signed JWT). With `token`, a user's refresh or offline token, the refresh grant instead (redeemed " +
			"by live checks only with `redeem_refresh_token = true`). Refresh tokens that outlive sessions need the `offline_access` scope.",
		Settings: []connector.Setting{
			{Name: "base_url", Kind: connector.String, Required: true, Description: "Server root URL, such as " +
				"`https://sso.example.com`. Keycloak 17 and later serve realms at the root; older WildFly-based servers, " +
				"and servers started with `--http-relative-path=/auth`, need the `/auth` suffix (`https://sso.example.com/auth`). " +
				"Not the realm URL: the realm goes in `realm`. https is required except on loopback addresses."},
			{Name: "realm", Kind: connector.String, Required: true, Description: "Realm name as it appears in URLs " +
				"(`/realms/<realm>`), for example `acme`. Avoid `master`, the administration realm."},
		},
		AuthAttrs:    []string{"client_id", "client_secret", "private_key", "token"},
		OfflineScope: "offline_access",
		// Keycloak accepts private-use schemes (com.example.app:/callback)
		// for native clients, when a redirect pattern names the scheme
		// (keycloak/keycloak a1cfe6e: "custom:/test" patterns).
		Redirect: connector.RedirectPolicy{NativeSchemes: true},
		Rules: []connector.Rule{
			kit.ClientIDHygiene,
			kit.EndpointRules("base_url"),
			kit.RequireNonBlank("base_url", "to build the realm's endpoint URLs"),
			keycloakBaseURL,
			keycloakRealm,
			kit.PrivateKeyRule("to sign the client assertion (Signed JWT client authentication)"),
			keycloakClientAuth,
		},
		Decode:    profileDecode,
		Recognize: recognize,
	}
}

// keycloakBaseURL catches the realm, admin-console or endpoint URL pasted
// as the server root: /realms/<realm> would then appear twice.
func keycloakBaseURL(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "base_url")
	if !ok {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return nil // CheckEndpoint reports it
	}
	p := strings.ToLower(u.Path)
	cut := -1
	for _, marker := range []string{"/realms/", "/admin/", "/protocol/"} {
		if i := strings.Index(p+"/", marker); i >= 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	if cut < 0 {
		return nil
	}
	root := u.Scheme + "://" + u.Host + u.Path[:cut]
	fix := []string{fmt.Sprintf("Set keycloak.base_url = %q (the server root, with /auth only if your server uses it).", root)}
	if rest, found := strings.CutPrefix(u.Path[cut:], "/realms/"); found {
		if realm, _, _ := strings.Cut(rest, "/"); realm != "" {
			fix = append(fix, fmt.Sprintf("Set keycloak.realm = %q.", realm))
		}
	}
	return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, s.SettingPath("base_url"),
		"keycloak.base_url should be the server root, not a realm or console URL").
		WithCode("KEYCLOAK-BASE-URL").
		WithDetail("Handshake appends /realms/<realm>/protocol/openid-connect/… to base_url. This URL already contains a realm, admin-console or endpoint path, so the token URL would contain it twice and Keycloak would answer 404.").
		WithFix(fix...)}
}

func keycloakRealm(s *connector.Spec) []finding.Finding {
	v, fs, ok := kit.NameSetting(s, "realm", "KEYCLOAK-REALM",
		"The realm name is part of every endpoint URL (/realms/<realm>/…)",
		"Set realm to the realm's name, shown in the realm selector of the admin console.")
	if !ok {
		return fs
	}
	path := s.SettingPath("realm")
	switch {
	case strings.ContainsAny(v, "/?#"):
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
			"keycloak.realm must be a realm name, not a URL or path").
			WithCode("KEYCLOAK-REALM").
			WithDetail("The realm name becomes one path segment of /realms/<realm>/…; a slash would point at another path, where Keycloak answers 404 (Realm does not exist).").
			WithFix("Set realm to the name alone (the part after /realms/ in the realm's URL), and keep the server URL in base_url.")}
	case strings.TrimSpace(v) != v:
		return []finding.Finding{kit.SpaceFinding(s, "realm", "KEYCLOAK-REALM")}
	case v == "master":
		return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, path,
			"Connector uses Keycloak's master realm").
			WithCode("KEYCLOAK-MASTER-REALM").
			WithDetail("master is Keycloak's administration realm: its clients and users can be granted control over every realm on the server. Keycloak recommends keeping applications and service accounts in their own realms, so a leaked connector credential cannot administer the server.").
			WithFix("Create the client in the realm whose users and resources the connector needs, and set realm to that realm.")}
	}
	return nil
}

// keycloakClientAuth: a Keycloak client has one authenticator; sending a
// secret to a Signed JWT client (or the reverse) fails with invalid_client.
func keycloakClientAuth(s *connector.Spec) []finding.Finding {
	if !s.Auth.ClientSecret.IsSet() || !s.Auth.PrivateKey.IsSet() {
		return nil
	}
	return []finding.Finding{finding.Warnf(finding.InvalidConfiguration, s.Auth.PrivateKey.Path(),
		"Keycloak client has both a client secret and a private key").
		WithCode("KEYCLOAK-CLIENT-AUTH").
		WithDetail("A Keycloak client authenticates one way, chosen under Credentials > Client Authenticator. Handshake signs a client assertion when a private key is given; if the client expects Client Id and Secret, Keycloak answers invalid_client.").
		WithFix("Keep auth.private_key for a Signed JWT client, or auth.client_secret for a Client Id and Secret client, and remove the other.")}
}
