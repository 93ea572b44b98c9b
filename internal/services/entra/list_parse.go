package entra

// Reading Microsoft Graph's answers for the inventory: a page of
// application objects, the tenant's disabled service principals, and
// Microsoft Graph's own service principal (its app roles name the
// permission ids of requiredResourceAccess).

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
)

// graphAppID is the appId of Microsoft Graph, the resourceAppId its
// permissions carry in requiredResourceAccess (the same in every tenant
// and national cloud).
const graphAppID = "00000003-0000-0000-c000-000000000000"

// graphAppsPage is one page of GET /v1.0/applications (Graph's collection
// shape: "value" and, unless it is the last page, "@odata.nextLink").
type graphAppsPage struct {
	NextLink string           `json:"@odata.nextLink"`
	Value    []graphListedApp `json:"value"`
}

// graphListedApp is what the lister reads of an application object
// (https://learn.microsoft.com/graph/api/resources/application): what the
// live check reads, plus the permissions it asks for and its owners.
type graphListedApp struct {
	entraApp
	// RequiredResourceAccess lists, per resource API, the permission ids
	// the app asks for: type "Role" (application permission) or "Scope"
	// (delegated permission).
	RequiredResourceAccess []struct {
		ResourceAppID  string `json:"resourceAppId"`
		ResourceAccess []struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		} `json:"resourceAccess"`
	} `json:"requiredResourceAccess"`
	// Owners is present only when the request expanded it; nil otherwise.
	Owners *[]struct {
		ID string `json:"id"`
	} `json:"owners"`
}

// parseAppsPage reads one page of applications.
func parseAppsPage(body []byte) (graphAppsPage, error) {
	var p graphAppsPage
	err := json.Unmarshal(body, &p)
	return p, err
}

// graphServicePrincipalsPage is a page of GET /v1.0/servicePrincipals with
// $select=appId.
type graphServicePrincipalsPage struct {
	NextLink string `json:"@odata.nextLink"`
	Value    []struct {
		AppID string `json:"appId"`
	} `json:"value"`
}

// graphAppRoles reads the appRoles of a service principal (GET
// /v1.0/servicePrincipals(appId='…')?$select=appRoles): permission id →
// the name ("value") that required_permissions and the token's roles
// claim use.
func graphAppRoles(body []byte) (map[string]string, error) {
	var sp struct {
		AppRoles []struct {
			ID    string `json:"id"`
			Value string `json:"value"`
		} `json:"appRoles"`
	}
	if err := json.Unmarshal(body, &sp); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(sp.AppRoles))
	for _, r := range sp.AppRoles {
		if r.ID != "" && r.Value != "" {
			out[strings.ToLower(r.ID)] = r.Value
		}
	}
	return out, nil
}

// expiry is a credential's end date; nil when Graph gave none it could read.
func expiry(t graphTime) *time.Time {
	if t.IsZero() {
		return nil
	}
	at := t.Time
	return &at
}

// redirectURIs are the app's redirect URIs on every platform (Web, SPA,
// mobile and desktop), in that order, without repeats.
func (a graphListedApp) redirectURIs() []string {
	var out []string
	for _, list := range [][]string{a.Web.RedirectURIs, a.SPA.RedirectURIs, a.PublicClient.RedirectURIs} {
		for _, u := range list {
			if u != "" && !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
	return out
}

// credentials lists the app's client secrets and certificates, by their
// metadata: a secret is named by its description and its hint (the first
// three characters Entra shows in the portal), a certificate by its
// description (usually the subject) or key id.
func (a graphListedApp) credentials() []inventory.Credential {
	var out []inventory.Credential
	for _, pc := range a.PasswordCredentials {
		name := strings.TrimSpace(pc.DisplayName)
		if name == "" {
			name = pc.KeyID
		}
		if pc.Hint != "" {
			name += " (" + pc.Hint + "…)"
		}
		out = append(out, inventory.Credential{Kind: "client_secret", Name: name, ExpiresAt: expiry(pc.End)})
	}
	for _, kc := range a.KeyCredentials {
		name := strings.TrimSpace(kc.DisplayName)
		if name == "" {
			name = kc.KeyID
		}
		out = append(out, inventory.Credential{Kind: "certificate", Name: name, ExpiresAt: expiry(kc.End)})
	}
	return out
}

// graphRoleIDs are the ids of the Microsoft Graph application permissions
// (type Role) the app asks for, in its order.
func (a graphListedApp) graphRoleIDs() []string {
	var out []string
	for _, rra := range a.RequiredResourceAccess {
		if !strings.EqualFold(rra.ResourceAppID, graphAppID) {
			continue
		}
		for _, ra := range rra.ResourceAccess {
			if strings.EqualFold(ra.Type, "Role") && ra.ID != "" {
				out = append(out, strings.ToLower(ra.ID))
			}
		}
	}
	return out
}

// owners is how many owners Graph expanded; -1 when it did not expand them.
func (a graphListedApp) owners() int {
	if a.Owners == nil {
		return -1
	}
	return len(*a.Owners)
}
