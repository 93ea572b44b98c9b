// Package inventory is the contract between the list resource
// (`terraform query`) and the vendors that can enumerate their OAuth
// clients and apps. A vendor's package implements a Lister; the provider
// signs in with the admin credential through the live-check engine (so a
// wrong admin credential gets the same diagnostics as a connector), pages
// through the Lister's results and turns each App into a list result.
package inventory

import (
	"context"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Session is an admin credential that passed its live check: what a Lister
// needs to call the vendor's admin API.
type Session struct {
	// Spec is the admin connector as configured in the list block (service,
	// auth, the service's settings).
	Spec *connector.Spec
	// HTTP is the provider's shared client: timeouts, retries on 429/5xx,
	// body cap, and a redirect policy that never forwards a credential to
	// another origin. Listers use it for every request.
	HTTP *http.Client
	// Token is the access token the check obtained (nil for services
	// without a token flow, such as an Okta API token in auth.token).
	Token *oauth2.Token
	Now   func() time.Time
	// Decode classifies a vendor's error answer the way the live check
	// does (the service's decoder, then the generic ones), so a refused
	// list call reads like any other finding.
	Decode func(connector.Answer) finding.Finding
}

// Lister enumerates the vendor's apps and calls yield once per app, in the
// vendor's order. It must stop, without requesting another page, as soon as
// yield returns false (Terraform has read enough, or the limit is reached),
// and must not stop before the last page otherwise. Next-page links are
// followed only when they point at the same origin as the first request:
// the admin credential never leaves it.
//
// It returns findings for what went wrong: an error finding (a refused
// page, a body it cannot read) ends the listing; warnings (an optional
// detail it could not read, such as owners) are reported once.
type Lister func(ctx context.Context, s *Session, yield func(App) bool) []finding.Finding

// App is one client, app registration or installation at the vendor,
// described with what the vendor reveals; never a secret's value.
type App struct {
	// ID is the vendor's stable id of the object (Entra object id, Okta app
	// id, Keycloak client UUID, GitHub installation id).
	ID string
	// DisplayName is the vendor's name for it.
	DisplayName string
	// ClientID is the OAuth client id (application id, client_id, app id).
	ClientID string
	// RedirectURIs, RequiredScopes and RequiredPermissions fill the
	// connector's arguments of the same names.
	RedirectURIs        []string
	RequiredScopes      []string
	RequiredPermissions []string
	// Settings fill the service block (setting name → value), so that the
	// generated connector reaches the same tenant: tenant_id, domain,
	// base_url and realm, app_id and installation_id …
	Settings map[string]string
	// Credentials are the app's secrets, keys and certificates, by
	// metadata only.
	Credentials []Credential
	// Owners is how many owners the vendor lists; -1 when it does not say
	// (the vendor has no such notion, or the admin may not read it).
	Owners int
	// Findings are vendor-specific problems (a disabled client, a suspended
	// installation, no owner), with the same categories, causes and fixes as
	// the live check's. Expiry and redirect-URI rules are judged by the
	// provider from the fields above, with the connector's own rules.
	Findings []finding.Finding
}

// Credential is one secret, key or certificate of an app.
type Credential struct {
	// Kind is "client_secret", "certificate" or "private_key".
	Kind string
	// Name is what the vendor shows for it (a description, a key id or a
	// hint such as the secret's first characters); never the value.
	Name string
	// ExpiresAt is when it stops working; nil when it does not expire or
	// the vendor does not say.
	ExpiresAt *time.Time
}
