package keycloak

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Listing a realm's clients for `terraform query`, through Keycloak's admin
// REST API with the admin connector's service-account token:
//
//	GET {base_url}/admin/realms/{realm}/clients?first=0&max=100
//
// (source: Keycloak's ClientsResource.getClients — query parameters
// clientId, viewableOnly, search, q, first, max; clients come in clientId
// order, as ClientRepresentation). The service account needs the
// realm-management client role view-clients: with query-clients alone
// Keycloak answers 200 with an empty list (recorded by ekalinin/gloak,
// golden admin/clients/list-to-a-query-clients-caller.http), and without
// either 403 {"error":"HTTP 403 Forbidden"}.
//
// Keycloak has no next link: the lister asks for the next `first` until a
// page comes back empty. It does not stop at a page shorter than max,
// because a server or proxy that caps pages below max would then end the
// listing early without a word; the price is one extra request.
//
// Keycloak's built-in clients (account, admin-cli, broker, realm-management,
// security-admin-console, the <realm>-realm clients of master), SAML clients
// and bearer-only clients are left out: none can be a connector.

// kcPageSize is the page size the lister asks for.
const kcPageSize = 100

// kcPageLimit bounds one page's body: representations carry protocol
// mappers and scopes, a few KiB each.
const kcPageLimit = 16 << 20

// kcBuiltInClients are the clients Keycloak creates in every realm.
var kcBuiltInClients = []string{"account", "account-console", "admin-cli", "broker", "realm-management", "security-admin-console"}

// list is the keycloak service's Lister.
func list(ctx context.Context, s *inventory.Session, yield func(inventory.App) bool) []finding.Finding {
	base := strings.TrimRight(strings.TrimSpace(s.Spec.Setting("base_url")), "/")
	realm := s.Spec.Setting("realm")
	basePath := s.Spec.SettingPath("base_url")
	if s.Token == nil || s.Token.AccessToken == "" {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, kit.AuthPath("client_id"),
			"The Keycloak admin connector obtained no access token").
			WithDetail("Listing clients calls the admin API as the connector's service account (client credentials); this connector's check obtained no token.").
			WithFix("Use a confidential client with Service accounts roles on, and realm-management view-clients assigned to its service account.")}
	}
	settings := map[string]string{"base_url": base, "realm": realm}
	endpoint := base + "/admin/realms/" + url.PathEscape(realm) + "/clients"
	seen := map[string]bool{}
	for first, listed := 0, 0; ; {
		page, f := clientsPage(ctx, s, endpoint+"?first="+strconv.Itoa(first)+"&max="+strconv.Itoa(kcPageSize), basePath)
		if f != nil {
			return []finding.Finding{*f}
		}
		if len(page) == 0 {
			if first == 0 {
				return []finding.Finding{noClientsVisible(realm)}
			}
			return nil
		}
		fresh := 0
		for _, c := range page {
			if seen[c.ID] {
				continue
			}
			seen[c.ID], fresh = true, fresh+1
			app, ok := c.app(settings)
			if !ok {
				continue
			}
			listed++
			if !yield(app) {
				return nil
			}
		}
		if fresh == 0 {
			return []finding.Finding{finding.Errorf(finding.UnexpectedResponse, basePath, "Keycloak answered the same clients for a later page").
				WithDetail("The admin API ignored first=%d and repeated clients it had already listed; the listing stopped rather than loop. %d client(s) were listed.", first, listed)}
		}
		first += len(page)
	}
}

// clientsPage reads one page of client representations.
func clientsPage(ctx context.Context, s *inventory.Session, pageURL string, basePath finding.Path) ([]kcClient, *finding.Finding) {
	header := http.Header{"Accept": {"application/json"}, "Authorization": {s.Token.Type() + " " + s.Token.AccessToken}}
	a, f := kit.ReadPage(ctx, s, pageURL, header, kcPageLimit, "Keycloak's client list", basePath)
	if f != nil {
		return nil, f
	}
	if a.StatusCode != http.StatusOK {
		f := refusal(s, a)
		return nil, &f
	}
	clients, err := parseClients(a.Body)
	if err != nil {
		f := finding.Errorf(finding.UnexpectedResponse, basePath, "Keycloak's client list is not the JSON array of client representations the admin API returns").
			WithDetail("%s.", kit.Tidy(err.Error(), 200))
		return nil, &f
	}
	return clients, nil
}

// fixViewClients is how to let a service account list clients.
const fixViewClients = "In the admin console open Clients > <admin client> > Service accounts roles > Assign role, filter by clients, and assign realm-management view-clients (query-clients alone lists nothing)."

// refusal classifies a refused page with the connector's decoder and names
// the role the listing needs.
func refusal(s *inventory.Session, a connector.Answer) finding.Finding {
	f := s.Decode(a)
	f.Detail = strings.TrimSpace("Keycloak refused to list the realm's clients (GET /admin/realms/<realm>/clients). " + f.Detail)
	if a.StatusCode == http.StatusForbidden {
		f.Path = kit.AuthPath("client_id")
		f.Remediation = []string{fixViewClients}
	}
	return f
}

// noClientsVisible explains an empty first page: every realm has built-in
// clients, so an empty list means the service account may list clients
// (query-clients) but not view them.
func noClientsVisible(realm string) finding.Finding {
	return finding.Warnf(finding.AccessDenied, kit.AuthPath("client_id"), "Keycloak listed no clients in realm %q", kit.Tidy(realm, 100)).
		WithCode("view-clients").
		WithDetail("Every realm has built-in clients (account, admin-cli, broker …), so an empty list means the service account may query clients but not view them: Keycloak then leaves out every client it may not view, without an error.").
		WithFix(fixViewClients)
}
