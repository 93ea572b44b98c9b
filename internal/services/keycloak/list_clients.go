package keycloak

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// kcClient is what the listing reads of a ClientRepresentation. Keycloak
// puts the client secret in "secret" and a rotated secret in the attribute
// client.secret.rotated; neither is decoded: the attributes are read by
// name, never as a map.
type kcClient struct {
	ID                      string       `json:"id"`
	ClientID                string       `json:"clientId"`
	Name                    string       `json:"name"`
	Enabled                 *bool        `json:"enabled"`
	Protocol                string       `json:"protocol"`
	PublicClient            bool         `json:"publicClient"`
	BearerOnly              bool         `json:"bearerOnly"`
	ClientAuthenticatorType string       `json:"clientAuthenticatorType"`
	RedirectURIs            []string     `json:"redirectUris"`
	Attributes              kcAttributes `json:"attributes"`
}

// kcAttributes are the client attributes the listing reads (source:
// Keycloak's ClientSecretConstants and the admin console's Credentials
// tab). Values are strings in Keycloak's answers; numbers are accepted too.
type kcAttributes struct {
	RealmClient   kcString `json:"realm_client"`
	SecretExpires kcString `json:"client.secret.expiration.time"`
	RotatedExpiry kcString `json:"client.secret.rotated.expiration.time"`
	JWTCert       kcString `json:"jwt.credential.certificate"`
	UseJWKSURL    kcString `json:"use.jwks.url"`
}

// kcString is an attribute value: a JSON string, or a number some clients
// were created with through the API.
type kcString string

func (v *kcString) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*v = kcString(s)
		return nil
	}
	var n json.Number
	if json.Unmarshal(b, &n) == nil {
		*v = kcString(n.String())
	}
	return nil // null or anything else reads as unset
}

// parseClients decodes one page of the admin API's client list.
func parseClients(body []byte) ([]kcClient, error) {
	var out []kcClient
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// app describes a client for the inventory; false for clients that cannot
// be a connector (built-in, SAML, bearer-only).
func (c kcClient) app(settings map[string]string) (inventory.App, bool) {
	if c.ID == "" || c.ClientID == "" || slices.Contains(kcBuiltInClients, c.ClientID) || c.Attributes.RealmClient == "true" ||
		c.BearerOnly || (c.Protocol != "" && c.Protocol != "openid-connect") {
		return inventory.App{}, false
	}
	name := strings.TrimSpace(c.Name)
	if name == "" || strings.HasPrefix(name, "${") {
		name = c.ClientID // empty, or a message key of the admin console's theme
	}
	out := inventory.App{ID: c.ID, DisplayName: name, ClientID: c.ClientID, RedirectURIs: slices.Clone(c.RedirectURIs),
		Settings: settings, Owners: -1, Credentials: c.credentials()}
	if c.Enabled != nil && !*c.Enabled {
		out.Findings = append(out.Findings, finding.Warnf(finding.AccountDisabled, kit.AuthPath("client_id"),
			"The Keycloak client %q is disabled", kit.Tidy(c.ClientID, 100)).
			WithCode("enabled=false").
			WithDetail("The admin API lists the client with enabled false: its token requests get invalid_client \"Invalid client or Invalid client credentials\" and its sign-ins \"Client disabled.\" until it is enabled.").
			WithFix("Turn Enabled on under Clients > "+kit.Tidy(c.ClientID, 100)+" > Settings, or delete the client if it is no longer used."))
	}
	return out, true
}

// credentials describes how the client authenticates, by metadata only.
func (c kcClient) credentials() []inventory.Credential {
	if c.PublicClient {
		return nil
	}
	switch c.ClientAuthenticatorType {
	case "client-jwt":
		name := "private key (Signed JWT; certificate registered on the client)"
		if c.Attributes.UseJWKSURL == "true" {
			name = "private key (Signed JWT; public keys at the client's JWKS URL)"
		}
		out := []inventory.Credential{{Kind: "private_key", Name: name}}
		if cert, ok := parseCert(string(c.Attributes.JWTCert)); ok {
			at := cert.NotAfter
			out = append(out, inventory.Credential{Kind: "certificate", Name: kit.Tidy("certificate "+cert.Subject.String(), 160), ExpiresAt: &at})
		}
		return out
	case "client-x509":
		return []inventory.Credential{{Kind: "certificate", Name: "X.509 client certificate (mutual TLS)"}}
	}
	// client-secret and client-secret-jwt: the secret, and a rotated one
	// Keycloak still accepts until its own expiry (client secret rotation).
	out := []inventory.Credential{{Kind: "client_secret", Name: "client secret", ExpiresAt: epoch(c.Attributes.SecretExpires)}}
	if at := epoch(c.Attributes.RotatedExpiry); at != nil {
		out = append(out, inventory.Credential{Kind: "client_secret", Name: "rotated client secret (accepted until it expires)", ExpiresAt: at})
	}
	return out
}

// epoch reads an attribute in epoch seconds; nil when unset or 0 (the
// rotation policy's "never").
func epoch(v kcString) *time.Time {
	secs, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
	if err != nil || secs <= 0 {
		return nil
	}
	at := time.Unix(secs, 0).UTC()
	return &at
}

// parseCert reads the certificate Keycloak stores for Signed JWT clients
// (base64 DER, or PEM).
func parseCert(v string) (*x509.Certificate, bool) {
	v = strings.TrimSpace(v)
	v = strings.TrimPrefix(v, "-----BEGIN CERTIFICATE-----")
	v = strings.TrimSuffix(v, "-----END CERTIFICATE-----")
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(v), ""))
	if v == "" || err != nil {
		return nil, false
	}
	cert, err := x509.ParseCertificate(der)
	return cert, err == nil
}
