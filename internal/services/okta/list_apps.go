package okta

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// oktaApp is what the listing reads of an Okta app (Application in Okta's
// management OpenAPI; OpenIdConnectApplication for OAuth clients). The
// secret fields (credentials.oauthClient.client_secret, which Okta shows
// only on create and update) are never decoded.
type oktaApp struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Label       string `json:"label"`
	Status      string `json:"status"`
	SignOnMode  string `json:"signOnMode"`
	Credentials struct {
		OAuthClient *struct {
			ClientID   string `json:"client_id"`
			AuthMethod string `json:"token_endpoint_auth_method"`
		} `json:"oauthClient"`
	} `json:"credentials"`
	Settings struct {
		OAuthClient *struct {
			RedirectURIs    []string `json:"redirect_uris"`
			ApplicationType string   `json:"application_type"`
			JWKS            *struct {
				Keys []struct {
					KID    string `json:"kid"`
					Use    string `json:"use"`
					Status string `json:"status"`
				} `json:"keys"`
			} `json:"jwks"`
			JWKSURI string `json:"jwks_uri"`
		} `json:"oauthClient"`
	} `json:"settings"`
}

// parseApps decodes one page of /api/v1/apps.
func parseApps(body []byte) ([]oktaApp, error) {
	var apps []oktaApp
	if err := json.Unmarshal(body, &apps); err != nil {
		return nil, err
	}
	return apps, nil
}

// app describes an Okta app for the inventory; false for apps that are
// not OAuth clients of the org.
func (a oktaApp) app(settings map[string]string) (inventory.App, bool) {
	oc := a.Credentials.OAuthClient
	if a.ID == "" || oc == nil || strings.TrimSpace(oc.ClientID) == "" || slices.Contains(oktaFirstPartyApps, a.Name) {
		return inventory.App{}, false
	}
	out := inventory.App{
		ID: a.ID, DisplayName: kit.OrDefault(strings.TrimSpace(a.Label), a.Name), ClientID: oc.ClientID,
		Settings: settings, Owners: -1,
	}
	if sc := a.Settings.OAuthClient; sc != nil {
		out.RedirectURIs = slices.Clone(sc.RedirectURIs)
	}
	out.Credentials = a.credentials()
	if strings.EqualFold(a.Status, "INACTIVE") {
		out.Findings = append(out.Findings, finding.Warnf(finding.AccountDisabled, kit.AuthPath("client_id"),
			"The Okta app %q is deactivated", kit.Tidy(out.DisplayName, 100)).
			WithCode("INACTIVE").
			WithDetail("Okta lists the app with status INACTIVE: its client id is refused at the token endpoint (invalid_client) until it is activated again.").
			WithFix("Activate the app under Applications > Applications > (app) > Activate, or delete it if it is no longer used."))
	}
	return out, true
}

// credentials describes how the app authenticates, by metadata only. Okta
// client secrets have no expiry (the secrets API gives id, status and
// created only), and JWKS keys carry none either.
func (a oktaApp) credentials() []inventory.Credential {
	method := a.Credentials.OAuthClient.AuthMethod
	switch method {
	case "client_secret_basic", "client_secret_post", "client_secret_jwt":
		return []inventory.Credential{{Kind: "client_secret", Name: "client secret (" + method + ")"}}
	case "private_key_jwt":
	default:
		return nil // "none": a public client (PKCE)
	}
	var out []inventory.Credential
	if sc := a.Settings.OAuthClient; sc != nil && sc.JWKS != nil {
		for _, k := range sc.JWKS.Keys {
			if k.Use == "enc" {
				continue // an ID-token encryption key, not a client credential
			}
			name := "public key"
			if k.KID != "" {
				name += " " + k.KID
			}
			if k.Status != "" && !strings.EqualFold(k.Status, "ACTIVE") {
				name += " (" + strings.ToLower(k.Status) + ")"
			}
			out = append(out, inventory.Credential{Kind: "private_key", Name: kit.Tidy(name, 120)})
		}
	}
	if len(out) == 0 {
		name := "private key (private_key_jwt)"
		if sc := a.Settings.OAuthClient; sc != nil && sc.JWKSURI != "" {
			name = "private key (public keys at the app's jwks_uri)"
		}
		out = append(out, inventory.Credential{Kind: "private_key", Name: name})
	}
	return out
}
