package entra

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// Live checks of entra_id and microsoft_365 connectors. The probe engine
// runs the network steps, tenant discovery and the client credentials token
// request; the steps below then read what the token says and what the app
// registration says:
//
//	permissions       required permissions against the token's roles claim
//	graph             one Microsoft Graph call with the token
//	app_registration  the app's own registration: when its client secret or
//	                  certificate expires, and its registered redirect URIs
//	mailbox           (microsoft_365 with mailbox set) the Exchange Online
//	                  mailbox the connector acts for (mailbox.go)
//	management_api    (microsoft_365) a token for the Office 365 Management
//	                  Activity API and its subscriptions/list call
//
// Findings name the AADSTS, Graph or AF code Microsoft answered with.

const (
	entraDefaultAuthority  = "https://login.microsoftonline.com"
	entraDefaultGraph      = "https://graph.microsoft.com"
	entraDefaultManagement = "https://manage.office.com"
)

// Application permissions that let an app read its own registration
// (passwordCredentials, keyCredentials, redirect URIs) and the organization.
var (
	entraAppReadRoles = []string{"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	entraOrgReadRoles = []string{"Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	// Permissions of the Office 365 Management APIs resource.
	entraManagementPerms = []string{"ActivityFeed.Read", "ActivityFeed.ReadDlp", "ServiceHealth.Read"}
)

// entraPerm is a permission the connector requires, and the
// required_permissions (or required_scopes) entry that names it.
type entraPerm struct {
	path finding.Path
	name string
}

// entraCheck is one live check of an Entra-backed connector: the plan's
// settings, and what the steps learn for the steps after them.
type entraCheck struct {
	spec                            *connector.Spec
	m365                            bool
	authority, tenant, graph, mgmt  string
	clientID, tokenURL              string
	scope, mgmtScope                string
	graphToken                      bool // the token step's token is for Microsoft Graph
	usesSecret                      bool // a client secret, not a certificate
	graphPerms, mgmtPerms           []entraPerm
	tenantPath, graphPath, mgmtPath finding.Path
	authorityPath, clientIDPath     finding.Path
	secretPath, keyPath             finding.Path
	mailbox                         string // microsoft_365.mailbox: the mailbox the connector acts for
	mailboxPath                     finding.Path

	// Filled in by the steps.
	claims     entraClaims
	app        *entraApp
	appSkipped string // why the app registration could not be read
}

// newEntraCheck reads a spec's settings and scopes (the live check's and
// the inventory lister's shared view of an Entra connector).
func newEntraCheck(s *connector.Spec) *entraCheck {
	c := &entraCheck{
		spec:          s,
		m365:          s.Service == "microsoft_365",
		authority:     strings.TrimRight(strings.TrimSpace(kit.SettingOr(s, "authority_url", entraDefaultAuthority)), "/"),
		graph:         strings.TrimRight(strings.TrimSpace(kit.SettingOr(s, "graph_url", entraDefaultGraph)), "/"),
		mgmt:          strings.TrimRight(strings.TrimSpace(kit.SettingOr(s, "management_url", entraDefaultManagement)), "/"),
		tenant:        strings.TrimSpace(s.Setting("tenant_id")),
		clientID:      strings.TrimSpace(s.Auth.ClientID),
		tenantPath:    s.SettingPath("tenant_id"),
		graphPath:     s.SettingPath("graph_url"),
		mgmtPath:      s.SettingPath("management_url"),
		authorityPath: s.SettingPath("authority_url"),
		clientIDPath:  finding.Attr("auth", "client_id"),
		secretPath:    entraSecretPath(s.Auth.ClientSecret, "client_secret"),
		keyPath:       entraSecretPath(s.Auth.PrivateKey, "private_key"),
		mailboxPath:   s.SettingPath("mailbox"),
	}
	if c.m365 {
		c.mailbox, _ = kit.Known(s, "mailbox")
		c.mailbox = strings.TrimSpace(c.mailbox)
	}
	c.usesSecret = s.Auth.PrivateKey.Value == ""
	c.parseScopes()
	return c
}

func planEntra(s *connector.Spec) (*probe.Plan, []finding.Finding) {
	c := newEntraCheck(s)
	var out []finding.Finding
	if c.tenant == "" {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, c.tenantPath, "Missing %s.tenant_id", s.Service).
			WithDetail("The token endpoint is <authority_url>/<tenant_id>/oauth2/v2.0/token.").
			WithFix("Set tenant_id to Directory (tenant) ID from the app registration's Overview page."))
	}
	if c.clientID == "" {
		out = append(out, kit.MissingClientID("Entra identifies the app registration by its Application (client) ID"))
	}
	if c.usesSecret && s.Auth.ClientSecret.Value == "" {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, c.secretPath, "Missing app credential").
			WithCode("AADSTS7000216").
			WithDetail("The client credentials flow needs a client secret or a certificate's private key.").
			WithFix("Set auth.client_secret_wo to a client secret's Value, or auth.private_key_wo to a certificate's private key."))
	}
	c.tokenURL = c.authority + "/" + url.PathEscape(c.tenant) + "/oauth2/v2.0/token"

	o := &probe.OAuth2Plan{
		TokenURL:             c.tokenURL,
		AuthorizationURL:     c.authority + "/" + url.PathEscape(c.tenant) + "/oauth2/v2.0/authorize",
		IssuerPath:           c.tenantPath,
		TokenURLPath:         c.tenantPath,
		AuthorizationURLPath: c.authorityPath,
		GrantType:            probe.GrantClientCredentials,
		AuthStyle:            probe.AuthClientSecretPost,
		ClientID:             c.clientID,
		ClientSecret:         s.Auth.ClientSecret,
		PrivateKey:           s.Auth.PrivateKey,
		Scopes:               []string{c.scope},
		Params:               url.Values{},
	}
	if !c.usesSecret {
		o.AuthStyle = probe.AuthPrivateKeyJWT
	}
	// Tenant discovery tells a missing tenant (AADSTS90002) from a bad
	// secret before the token request. Entra's v2.0 issuer always carries
	// the tenant's GUID, so only a GUID tenant_id can be compared with it;
	// for a domain name the token endpoint reports a missing tenant itself.
	if connector.IsGUID(c.tenant) {
		o.Issuer = c.authority + "/" + strings.ToLower(c.tenant) + "/v2.0"
	}
	plan := &probe.Plan{
		Target: c.authority, TargetPath: c.authorityPath,
		OAuth2: o,
		Decode: c.decode,
		Steps: []probe.CustomStep{
			{Name: "permissions", Run: c.stepPermissions},
			{Name: "graph", Run: c.stepGraph},
			{Name: "app_registration", Run: c.stepAppRegistration},
		},
	}
	if c.mailbox != "" {
		plan.Steps = append(plan.Steps, probe.CustomStep{Name: "mailbox", Run: c.stepMailbox})
	}
	if c.m365 {
		plan.Steps = append(plan.Steps, probe.CustomStep{Name: "management_api", Run: c.stepManagement})
	}
	return plan, out
}

func entraSecretPath(sec connector.Secret, base string) finding.Path {
	if sec.Attr != "" {
		return sec.Path()
	}
	return finding.Attr("auth", base+"_wo")
}

// parseScopes splits required_scopes into the token request's /.default
// scope(s) and the application permissions the token must carry.
func (c *entraCheck) parseScopes() {
	for i, raw := range c.spec.RequiredScopes {
		sc := strings.TrimSpace(raw)
		switch {
		case strings.HasSuffix(sc, "/.default"):
			res := strings.TrimSuffix(sc, "/.default")
			if c.m365 && entraSameHost(res, c.mgmt, entraDefaultManagement) {
				c.mgmtScope = sc
			} else if c.scope == "" {
				c.scope = sc
			}
		case graphPermissionRE.MatchString(sc):
			c.addPerm(finding.Attr("required_scopes").Index(i), sc, "")
		case strings.Contains(sc, "://"):
			// https://graph.microsoft.com/User.Read.All: a permission of a resource.
			if j := strings.LastIndex(sc, "/"); j > 0 && graphPermissionRE.MatchString(sc[j+1:]) {
				c.addPerm(finding.Attr("required_scopes").Index(i), sc[j+1:], sc[:j])
			}
		}
	}
	for i, raw := range c.spec.RequiredPermissions {
		name := strings.TrimSpace(raw)
		resource := ""
		if j := strings.LastIndex(name, "/"); strings.Contains(name, "://") && j > 0 {
			resource, name = name[:j], name[j+1:]
		}
		if name != "" {
			c.addPerm(finding.Attr("required_permissions").Index(i), name, resource)
		}
	}
	if c.scope == "" {
		c.scope = c.graph + "/.default"
	}
	if c.mgmtScope == "" {
		c.mgmtScope = c.mgmt + "/.default"
	}
	c.graphToken = entraSameHost(strings.TrimSuffix(c.scope, "/.default"), c.graph, entraDefaultGraph)
}

func (c *entraCheck) addPerm(path finding.Path, name, resource string) {
	p := entraPerm{path: path, name: name}
	isMgmt := slices.Contains(entraManagementPerms, name)
	if resource != "" {
		isMgmt = entraSameHost(resource, c.mgmt, entraDefaultManagement)
	}
	if c.m365 && isMgmt {
		c.mgmtPerms = append(c.mgmtPerms, p)
		return
	}
	c.graphPerms = append(c.graphPerms, p)
}

// entraSameHost reports whether resource is the API at configured (or at its
// default host): same scheme and host, ignoring a trailing path.
func entraSameHost(resource, configured, def string) bool {
	r := hostOf(resource)
	return r != "" && (r == hostOf(configured) || r == hostOf(def))
}

// decode is the plan's Decode: the profile's decoder, with what this
// connector's settings add (the secret's shape, the app and tenant ids).
func (c *entraCheck) decode(r probe.Response) (finding.Finding, bool) {
	f, ok := entraDecode(r)
	if !ok {
		return f, false
	}
	switch f.Code {
	case "AADSTS7000215":
		if c.usesSecret && connector.IsGUID(c.spec.Auth.ClientSecret.Value) {
			f.Summary = "The client secret is a Secret ID, not the secret's Value (AADSTS7000215)"
			f.Detail = strings.Replace(f.Detail, entraAADSTS["7000215"].cause, fmt.Sprintf(
				"auth.%s is a GUID: the Secret ID shown next to each client secret under Certificates & secrets, which Entra ID does not accept as the secret. The Value is a string of about 40 characters that the portal shows only once, right after the secret is created.",
				c.spec.Auth.ClientSecret.Attr), 1)
		}
	case "AADSTS700016":
		f.Summary = fmt.Sprintf("App registration %s not found in tenant %s (AADSTS700016)", c.clientID, c.tenant)
	case "AADSTS90002":
		f.Summary = fmt.Sprintf("Tenant %q not found in Microsoft Entra ID (AADSTS90002)", c.tenant)
		if r.Step == probe.StepDiscovery {
			f.Detail = fmt.Sprintf("The tenant's discovery document (%s/%s/v2.0/.well-known/openid-configuration) does not exist, so the secret was not even tried. %s",
				c.authority, c.tenant, f.Detail)
		}
	}
	switch r.Step {
	case probe.StepToken:
		f.Detail = fmt.Sprintf("Entra ID refused a token for app %s in tenant %s. %s", c.clientID, c.tenant, f.Detail)
	case probe.StepRedirectURIs:
		switch f.Category {
		case finding.AppNotFound, finding.AccountDisabled:
			f.Path = c.clientIDPath
		case finding.TenantNotFound:
			f.Path = c.tenantPath
		}
	}
	return f, true
}
