package entra

// The entra_id inventory lister: the tenant's app registrations, read from
// Microsoft Graph with the admin app's token.
//
//	GET {graph_url}/v1.0/applications?$select=…&$expand=owners($select=id)&$top=100
//	    https://learn.microsoft.com/graph/api/application-list (Application.Read.All,
//	    application permission; $top up to 999; pages by "@odata.nextLink",
//	    https://learn.microsoft.com/graph/paging). $expand returns at most 20
//	    owners per app (https://learn.microsoft.com/graph/query-parameters#expand),
//	    enough to tell an app with no owner.
//	GET {graph_url}/v1.0/servicePrincipals?$filter=accountEnabled eq false&$select=appId
//	    the disabled apps (their enterprise application, where sign-in is
//	    turned off, answers AADSTS7000112), read once before the first app
//	GET {graph_url}/v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')?$select=appRoles
//	    Microsoft Graph's application permissions, to name the ids in
//	    requiredResourceAccess; read once, when the first app asks for one
//
// Every request carries only the access token the live check obtained,
// and only to graph_url's origin.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

const (
	// entraListPageSize is $top: 100 keeps a page of apps with many
	// credentials and permissions well under the client's body cap
	// (Graph allows 999 for applications).
	entraListPageSize = 100
	entraListSelect   = "id,appId,displayName,passwordCredentials,keyCredentials,web,spa,publicClient,requiredResourceAccess"
	// entraListMaxSPPages bounds the disabled-service-principal pre-pass.
	entraListMaxSPPages = 50
	entraListStep       = "list"
)

// entraLister is one listing's state.
type entraLister struct {
	s *inventory.Session
	c *entraCheck

	disabled    map[string]bool   // appId → its service principal is disabled; nil until read
	graphRoles  map[string]string // Graph app role id → name; nil until read
	rolesFailed bool
	warnings    []finding.Finding
}

// list is entra_id's inventory.Lister.
func list(ctx context.Context, s *inventory.Session, yield func(inventory.App) bool) []finding.Finding {
	l := &entraLister{s: s, c: newEntraCheck(s.Spec)}
	if s.Token == nil || s.Token.AccessToken == "" {
		return []finding.Finding{finding.Errorf(finding.UnexpectedResponse, l.c.secretPath, "No access token to list app registrations with").
			WithDetail("The admin app's live check passed without obtaining a token for Microsoft Graph.")}
	}
	if !l.c.graphToken {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, finding.Attr("required_scopes"),
			"The admin token is not for Microsoft Graph; app registrations cannot be listed").
			WithDetail("required_scopes asks for a token for %s; listing app registrations calls Microsoft Graph.", l.c.scope).
			WithFix("Remove required_scopes from the list block, or set it to [\"" + l.c.graph + "/.default\"].")}
	}
	q := url.Values{"$select": {entraListSelect}, "$expand": {"owners($select=id)"}, "$top": {fmt.Sprint(entraListPageSize)}}
	next := l.c.graph + "/v1.0/applications?" + q.Encode()
	for next != "" {
		a, cut, err := l.get(ctx, next)
		if err != nil {
			return append(l.warnings, l.netFinding(err))
		}
		if a.StatusCode != http.StatusOK {
			return append(l.warnings, l.refused(a))
		}
		page, perr := parseAppsPage(a.Body)
		if perr != nil || cut {
			return append(l.warnings, l.unreadable(cut))
		}
		if l.disabled == nil && len(page.Value) > 0 {
			l.readDisabled(ctx)
		}
		for _, ga := range page.Value {
			app := l.app(ctx, ga)
			if !yield(app) {
				return l.warnings
			}
		}
		next = page.NextLink
		if next != "" && !kit.SameOrigin(next, l.c.graph) {
			return append(l.warnings, kit.ForeignNextLink("Microsoft Graph", next, l.c.graph, l.c.graphPath))
		}
	}
	return l.warnings
}

// app turns an application object into an inventory.App.
func (l *entraLister) app(ctx context.Context, ga graphListedApp) inventory.App {
	app := inventory.App{
		ID: ga.ID, DisplayName: ga.DisplayName, ClientID: ga.AppID,
		RedirectURIs: ga.redirectURIs(),
		Settings:     l.settings(),
		Credentials:  ga.credentials(),
		Owners:       ga.owners(),
	}
	if ids := ga.graphRoleIDs(); len(ids) > 0 {
		names := l.roleNames(ctx)
		for _, id := range ids {
			if n, ok := names[id]; ok && !slices.Contains(app.RequiredPermissions, n) {
				app.RequiredPermissions = append(app.RequiredPermissions, n)
			}
		}
	}
	if app.Owners == 0 {
		// Graph lists owners (at most 20 expanded); none means nobody is
		// asked before the app changes or answers for its secrets.
		app.Findings = append(app.Findings, finding.Warnf(finding.InvalidConfiguration, nil, "The app registration has no owner").
			WithCode("APP-NO-OWNER").
			WithDetail("Microsoft Graph lists no owner for %s, so nobody is notified about it or answers for its secrets.", ga.AppID).
			WithFix("Add an owner in the Entra admin center: App registrations > the app > Owners > Add owners.",
				"Prefer two people or a team's group over one person, so the app outlives a departure."))
	}
	if l.disabled[ga.AppID] {
		k := entraAADSTS["7000112"]
		app.Findings = append(app.Findings, finding.Errorf(k.cat, finding.Attr("auth", "client_id"), "%s (AADSTS7000112)", k.title).
			WithCode("AADSTS7000112").
			WithDetail("The enterprise application (service principal) of %s has sign-in turned off (accountEnabled is false). %s", ga.AppID, k.cause).
			WithFix(k.fix...))
	}
	return app
}

// settings are the entra_id settings that reach the same tenant (and, when
// the admin connector set them, the same endpoints).
func (l *entraLister) settings() map[string]string {
	out := map[string]string{"tenant_id": l.c.tenant}
	for _, name := range []string{"authority_url", "graph_url"} {
		if v, ok := kit.Known(l.s.Spec, name); ok && v != "" {
			out[name] = v
		}
	}
	return out
}

// get makes one Graph GET with the admin token.
func (l *entraLister) get(ctx context.Context, u string) (a connector.Answer, cut bool, err error) {
	h := http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + l.s.Token.AccessToken}}
	return kit.ListGet(ctx, l.s, entraListStep, u, h, kit.ListBodyLimit)
}

// readDisabled reads, once, which apps have a disabled service principal.
// A failure costs only that detail: a warning, and no app is marked.
func (l *entraLister) readDisabled(ctx context.Context) {
	l.disabled = map[string]bool{}
	q := url.Values{"$filter": {"accountEnabled eq false"}, "$select": {"appId"}, "$top": {fmt.Sprint(entraListPageSize)}}
	next := l.c.graph + "/v1.0/servicePrincipals?" + q.Encode()
	for pages := 0; next != "" && pages < entraListMaxSPPages; pages++ {
		a, cut, err := l.get(ctx, next)
		var page graphServicePrincipalsPage
		switch {
		case err != nil:
			l.warn("Disabled apps could not be read", l.netFinding(err).Summary)
			return
		case a.StatusCode != http.StatusOK:
			l.warn("Disabled apps could not be read", l.s.Decode(a).Summary)
			return
		case cut || json.Unmarshal(a.Body, &page) != nil:
			l.warn("Disabled apps could not be read", "Microsoft Graph's list of service principals could not be read")
			return
		}
		for _, sp := range page.Value {
			l.disabled[sp.AppID] = true
		}
		next = page.NextLink
		if next != "" && !kit.SameOrigin(next, l.c.graph) {
			f := kit.ForeignNextLink("Microsoft Graph", next, l.c.graph, l.c.graphPath)
			f.Severity = finding.Warning
			l.warnings = append(l.warnings, f)
			return
		}
	}
}

// roleNames reads, once, the names of Microsoft Graph's application
// permissions. On failure the permissions are left out (a warning).
func (l *entraLister) roleNames(ctx context.Context) map[string]string {
	if l.graphRoles != nil || l.rolesFailed {
		return l.graphRoles
	}
	u := l.c.graph + "/v1.0/servicePrincipals(appId='" + graphAppID + "')?$select=" + url.QueryEscape("id,appId,appRoles")
	a, cut, err := l.get(ctx, u)
	why := ""
	switch {
	case err != nil:
		why = l.netFinding(err).Summary
	case a.StatusCode != http.StatusOK:
		why = l.s.Decode(a).Summary
	case cut:
		why = "the answer was too large"
	default:
		roles, perr := graphAppRoles(a.Body)
		if perr == nil {
			l.graphRoles = roles
			return roles
		}
		why = "the answer could not be read"
	}
	l.rolesFailed = true
	l.warn("Required permissions could not be named", why)
	return nil
}

func (l *entraLister) warn(summary, why string) {
	l.warnings = append(l.warnings, finding.Warnf(finding.UnexpectedResponse, l.c.graphPath, "%s", summary).
		WithDetail("The app registrations were listed without this detail: %s.", why))
}

// refused explains a refused page: what the admin app lacks to list.
func (l *entraLister) refused(a connector.Answer) finding.Finding {
	f := l.s.Decode(a)
	where := "GET " + transport.RedactURL(l.c.graph+"/v1.0/applications")
	switch {
	case f.Category == finding.InsufficientScope || f.Category == finding.AccessDenied || a.StatusCode == http.StatusForbidden:
		f.Path = l.c.clientIDPath
		f.Summary = "The admin app may not list app registrations: it lacks Application.Read.All (" + kit.OrDefault(f.Code, fmt.Sprint(a.StatusCode)) + ")"
		f.Detail = fmt.Sprintf("%s answered HTTP %d to app %s. Listing app registrations needs the Microsoft Graph application permission Application.Read.All (or Application.ReadWrite.All, Directory.Read.All) with admin consent. %s",
			where, a.StatusCode, l.c.clientID, f.Detail)
		f.Remediation = []string{
			"In the Microsoft Entra admin center open App registrations > <admin app> > API permissions, select Add a permission > Microsoft Graph > Application permissions > Application.Read.All, then select Grant admin consent for <tenant>.",
			"Run the query again after a minute: tokens issued before the consent do not carry the new permission.",
		}
	case f.Category == finding.InvalidCredentials || f.Category == finding.ExpiredCredentials || f.Category == finding.RevokedCredentials:
		f.Path = l.credentialPath()
		f.Detail = fmt.Sprintf("%s answered HTTP %d to the admin app's token. %s", where, a.StatusCode, f.Detail)
	default:
		f.Path = l.c.graphPath
		f.Detail = fmt.Sprintf("%s answered HTTP %d. %s", where, a.StatusCode, f.Detail)
	}
	return f
}

func (l *entraLister) credentialPath() finding.Path {
	if l.c.usesSecret {
		return l.c.secretPath
	}
	return l.c.keyPath
}

func (l *entraLister) netFinding(err error) finding.Finding {
	f := transport.Classify(err)
	f.Path = l.c.graphPath
	f.Summary = "Listing app registrations: " + kit.LowerFirstRune(f.Summary)
	return f
}

func (l *entraLister) unreadable(cut bool) finding.Finding {
	why := "is not a page of application objects"
	if cut {
		why = "is larger than Handshake reads"
	}
	return finding.Errorf(finding.UnexpectedResponse, l.c.graphPath, "Microsoft Graph's list of app registrations could not be read").
		WithDetail("The answer of GET %s/v1.0/applications %s.", transport.RedactURL(l.c.graph), why).
		WithFix("Check that graph_url is Microsoft Graph's endpoint (https://graph.microsoft.com or a national cloud's).")
}
