package okta

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// Listing an org's OAuth 2.0 / OpenID Connect apps for `terraform query`.
//
// One endpoint, Okta's "List all applications" (source: Okta management
// OpenAPI, okta/okta-sdk-golang okta/api/openapi.yaml, operation
// listApplications):
//
//	GET {org}/api/v1/apps?limit=200&includeNonDeleted=true
//
// limit is at most 200; includeNonDeleted keeps deactivated (INACTIVE) apps
// in the answer, which are worth reporting. The next page is in a
// `Link: <…>; rel="next"` header, "an opaque value (follow it, don't parse
// it)"; the last page has only rel="self". The call needs an API token whose
// admin may read apps (Read-Only Administrator is enough) or an access token
// with scope okta.apps.read.
//
// Only apps that are OAuth clients (credentials.oauthClient.client_id) are
// reported: SAML, SWA and bookmark apps cannot be a connector. Okta's own
// first-party apps (the Admin Console, the Dashboard, the browser plugin)
// are left out too.

// oktaAppsPageSize is the largest page Okta serves for /api/v1/apps.
const oktaAppsPageSize = 200

// oktaPageLimit bounds one page's body: 200 apps at a few KiB each.
const oktaPageLimit = 16 << 20

// oktaFirstPartyApps are Okta's own apps, which every org has and which
// are not integrations (source: their names in a real org's list, see
// list_test.go).
var oktaFirstPartyApps = []string{"saasure", "okta_enduser", "okta_browser_plugin"}

// list is the okta service's Lister.
func list(ctx context.Context, s *inventory.Session, yield func(inventory.App) bool) []finding.Finding {
	base, basePath := oktaBase(s.Spec)
	auth, authPath, fs := listAuth(s)
	if fs != nil {
		return fs
	}
	origin, err := url.Parse(base)
	if err != nil || origin.Host == "" {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, basePath, "The Okta org URL %q is not a URL", kit.Tidy(base, 200))}
	}
	settings := listSettings(s.Spec)
	next := base + "/api/v1/apps?" + url.Values{"limit": {fmt.Sprint(oktaAppsPageSize)}, "includeNonDeleted": {"true"}}.Encode()
	requested := map[string]bool{}
	for next != "" {
		u, err := url.Parse(next)
		if err != nil || !transport.SameOrigin(origin, u) {
			return []finding.Finding{kit.ForeignNextLink("Okta", next, base, basePath)}
		}
		if requested[u.String()] {
			return []finding.Finding{finding.Errorf(finding.UnexpectedResponse, basePath, "Okta's next-page link repeats a page already read").
				WithDetail("The listing stopped rather than read the same page again; the apps listed so far are complete up to that page.")}
		}
		requested[u.String()] = true
		page, link, f := appsPage(ctx, s, u.String(), auth, authPath, basePath)
		if f != nil {
			return []finding.Finding{*f}
		}
		for _, a := range page {
			app, ok := a.app(settings)
			if !ok {
				continue
			}
			if !yield(app) {
				return nil
			}
		}
		next = link // resolved against this page's URL; checked for its origin above
	}
	return nil
}

// listAuth is the Authorization header the listing sends: the access token
// the check obtained, or the SSWS API token itself, and the attribute that
// holds that credential.
func listAuth(s *inventory.Session) (string, finding.Path, []finding.Finding) {
	if s.Token != nil && s.Token.AccessToken != "" {
		return "Bearer " + s.Token.AccessToken, kit.AuthPath("client_id"), nil
	}
	tok := s.Spec.Auth.Token
	if s.Spec.Auth.ClientID == "" && tok.Value != "" {
		return "SSWS " + tok.Value, kit.SecretPath(tok, "token"), nil
	}
	return "", nil, []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("client_id"),
		"The Okta admin connector has no credential that can read apps").
		WithDetail("Listing apps needs an Okta API token (auth.token without client_id) or a service app's access token with scope okta.apps.read; this connector's check obtained neither.").
		WithFix("Use an API token created by a Read-Only Administrator, or a service app (client_id with private_key) with required_scopes = [\"okta.apps.read\"].")}
}

// listSettings are the okta block settings that reach the same org.
func listSettings(s *connector.Spec) map[string]string {
	out := map[string]string{"domain": strings.TrimSpace(s.Setting("domain"))}
	if v := strings.TrimSpace(s.Setting("base_url")); v != "" {
		out["base_url"] = v
	}
	return out
}

// appsPage reads one page of apps and its next-page link.
func appsPage(ctx context.Context, s *inventory.Session, pageURL, auth string, authPath, basePath finding.Path) ([]oktaApp, string, *finding.Finding) {
	a, f := kit.ReadPage(ctx, s, pageURL, http.Header{"Accept": {"application/json"}, "Authorization": {auth}}, oktaPageLimit, "Okta's app list", basePath)
	if f != nil {
		return nil, "", f
	}
	if a.StatusCode != http.StatusOK {
		f := refusal(s, a, authPath, basePath)
		return nil, "", &f
	}
	apps, err := parseApps(a.Body)
	if err != nil {
		f := finding.Errorf(finding.UnexpectedResponse, basePath, "Okta's app list is not the JSON array Okta documents").
			WithDetail("%s.", kit.Tidy(err.Error(), 200))
		return nil, "", &f
	}
	return apps, kit.NextLink(a.Header, pageURL), nil
}

// refusal classifies a refused page with Okta's decoder and says which
// admin permission the listing needs.
func refusal(s *inventory.Session, a connector.Answer, authPath, basePath finding.Path) finding.Finding {
	f := s.Decode(a)
	f.Detail = strings.TrimSpace("Okta refused to list the org's apps (GET /api/v1/apps). " + f.Detail)
	f.Path = basePath
	if a.StatusCode != http.StatusUnauthorized && a.StatusCode != http.StatusForbidden {
		return f
	}
	f.Path = authPath
	if s.Token != nil && s.Token.AccessToken != "" {
		if f.Category == finding.InsufficientScope {
			f.Path = finding.Attr("required_scopes")
		}
		f.Remediation = []string{
			"Grant okta.apps.read on the service app's Okta API Scopes tab and add \"okta.apps.read\" to the admin connector's required_scopes: the token is requested with exactly those scopes.",
			"Give the service app an admin role that may read apps (Read-Only Administrator is enough) on its Admin roles tab: Okta refuses a token that carries the scope but whose app has no such role.",
		}
		return f
	}
	f.Remediation = []string{
		"An API token acts with the admin roles of the user who created it: create the token as an admin who may read apps (Read-Only Administrator is enough), or give its owner such a role.",
		"Or list with a service app (client_id with private_key) granted okta.apps.read and a read-only admin role.",
	}
	return f
}
