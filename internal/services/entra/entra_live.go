package entra

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	xoauth2 "golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
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
//	                  mailbox the connector acts for (entra_mailbox.go)
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

func planEntra(s *connector.Spec) (*probe.Plan, []finding.Finding) {
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
	var out []finding.Finding
	if c.tenant == "" {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, c.tenantPath, "Missing %s.tenant_id", s.Service).
			WithDetail("The token endpoint is <authority_url>/<tenant_id>/oauth2/v2.0/token.").
			WithFix("Set tenant_id to Directory (tenant) ID from the app registration's Overview page."))
	}
	if c.clientID == "" {
		out = append(out, kit.MissingClientID("Entra identifies the app registration by its Application (client) ID"))
	}
	c.usesSecret = s.Auth.PrivateKey.Value == ""
	if c.usesSecret && s.Auth.ClientSecret.Value == "" {
		out = append(out, finding.Errorf(finding.InvalidConfiguration, c.secretPath, "Missing app credential").
			WithCode("AADSTS7000216").
			WithDetail("The client credentials flow needs a client secret or a certificate's private key.").
			WithFix("Set auth.client_secret_wo to a client secret's Value, or auth.private_key_wo to a certificate's private key."))
	}
	c.parseScopes()
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

// entraClaims are the access token claims the checks read. Entra's access
// tokens are JWTs meant for the API, but nothing forbids the client from
// reading them; their signature is not checked here (the token came
// straight from the token endpoint over TLS).
type entraClaims struct {
	Aud   string   `json:"aud"`
	Tid   string   `json:"tid"`
	AppID string   `json:"appid"`
	AzP   string   `json:"azp"`
	Roles []string `json:"roles"`
	Scp   string   `json:"scp"`
}

func entraTokenClaims(tok string) (entraClaims, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return entraClaims{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return entraClaims{}, false
	}
	var cl entraClaims
	if json.Unmarshal(raw, &cl) != nil {
		return entraClaims{}, false
	}
	return cl, true
}

func entraHasRole(roles []string, want ...string) bool {
	for _, r := range roles {
		for _, w := range want {
			if strings.EqualFold(r, w) {
				return true
			}
		}
	}
	return false
}

// stepPermissions compares the required permissions with the roles claim:
// what admin consent actually granted, not what the portal lists.
func (c *entraCheck) stepPermissions(_ context.Context, env *probe.Env) probe.StepResult {
	if env.Token == nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no access token"}
	}
	cl, ok := entraTokenClaims(env.Token.AccessToken)
	if !ok {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "the access token is not a JWT; its permissions cannot be read"}
	}
	c.claims = cl
	// What admin consent granted, rather than the /.default scope asked for.
	env.GrantScopes(cl.Roles)
	api := "Microsoft Graph"
	if !c.graphToken {
		api = strings.TrimSuffix(c.scope, "/.default")
	}
	fs := c.missingPerms(c.graphPerms, cl.Roles, api, "Authorization_RequestDenied")
	if len(fs) > 0 {
		return probe.StepResult{Outcome: probe.OutcomeFailed, Message: fs[0].Summary, Findings: fs}
	}
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: entraRolesNote(cl.Roles, api)}
}

func entraRolesNote(roles []string, api string) string {
	if len(roles) == 0 {
		return "the token for " + api + " carries no application permissions (no roles claim)"
	}
	r := slices.Clone(roles)
	sort.Strings(r)
	return fmt.Sprintf("the token for %s carries %d application permission(s): %s", api, len(r), strings.Join(r, ", "))
}

// missingPerms reports each required permission the roles lack.
func (c *entraCheck) missingPerms(perms []entraPerm, roles []string, api, code string) []finding.Finding {
	var out []finding.Finding
	for _, p := range perms {
		if entraHasRole(roles, p.name) {
			continue
		}
		granted := "It carries no roles claim at all: no application permission of " + api + " has admin consent in this tenant."
		if len(roles) > 0 {
			r := slices.Clone(roles)
			sort.Strings(r)
			granted = "Its roles claim lists what an administrator consented to: " + strings.Join(r, ", ") + "."
		}
		answer := "Microsoft Graph answers 403 Authorization_RequestDenied"
		if code == "AF10001" {
			answer = "the Management Activity API answers 401 AF10001"
		}
		out = append(out, finding.Errorf(finding.InsufficientScope, p.path,
			"Application permission %s has not been granted to the app (%s)", p.name, code).
			WithCode(code).
			WithDetail("Entra ID issued the token for app %s, but without %s. %s A permission that was added but never consented, added as Delegated instead of Application, or removed, is missing in the same way, and %s to calls that need it.",
				c.clientID, p.name, granted, answer).
			WithFix(fmt.Sprintf("In the Microsoft Entra admin center open App registrations > <app> > API permissions, select Add a permission > %s > Application permissions > %s, then select Grant admin consent for <tenant>.", api, p.name),
				"Plan again after a minute: tokens issued before the consent do not carry the new permission."))
	}
	return out
}

// entraGet makes an authenticated GET with the probe's shared client.
func entraGet(ctx context.Context, env *probe.Env, step, u, token string) (probe.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return probe.Response{}, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := env.HTTP.Do(req)
	if err != nil {
		return probe.Response{}, err
	}
	defer resp.Body.Close() // ReadBody closes it too; this is for the reader of this function
	body, _, err := transport.ReadBody(resp, 64<<10)
	if err != nil && ctx.Err() != nil {
		return probe.Response{}, err
	}
	return probe.Response{Step: step, StatusCode: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// netFinding classifies a transport error on a call to an API at path.
func entraNetFinding(err error, path finding.Path, what string) probe.StepResult {
	f := transport.Classify(err)
	f.Path = path
	f.Summary = what + ": " + f.Summary
	return probe.StepResult{Outcome: probe.OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
}

// entraApp is the part of a Graph application object the checks read.
type entraApp struct {
	ID                  string `json:"id"`
	AppID               string `json:"appId"`
	DisplayName         string `json:"displayName"`
	PasswordCredentials []struct {
		DisplayName string    `json:"displayName"`
		Hint        string    `json:"hint"`
		KeyID       string    `json:"keyId"`
		End         time.Time `json:"endDateTime"`
	} `json:"passwordCredentials"`
	KeyCredentials []struct {
		CustomKeyIdentifier string    `json:"customKeyIdentifier"`
		DisplayName         string    `json:"displayName"`
		KeyID               string    `json:"keyId"`
		Type                string    `json:"type"`
		Usage               string    `json:"usage"`
		End                 time.Time `json:"endDateTime"`
	} `json:"keyCredentials"`
	Web          struct{ RedirectURIs []string } `json:"web"`
	SPA          struct{ RedirectURIs []string } `json:"spa"`
	PublicClient struct{ RedirectURIs []string } `json:"publicClient"`
}

// stepGraph calls Microsoft Graph with the token. With a permission to read
// applications it reads the app's own registration (which the next step
// uses); otherwise it reads the organization, where a 403 still proves that
// Graph accepted the token.
func (c *entraCheck) stepGraph(ctx context.Context, env *probe.Env) probe.StepResult {
	switch {
	case env.Token == nil:
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no access token"}
	case !c.graphToken:
		c.appSkipped = "the token is for " + strings.TrimSuffix(c.scope, "/.default") + ", not Microsoft Graph"
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: c.appSkipped}
	}
	roles := c.claims.Roles
	appRead := entraHasRole(roles, entraAppReadRoles...)
	expectAllowed := appRead || entraHasRole(roles, entraOrgReadRoles...)
	u := c.graph + "/v1.0/organization?$select=id,displayName"
	if appRead {
		u = c.graph + "/v1.0/applications?$filter=" + url.QueryEscape("appId eq '"+c.clientID+"'") +
			"&$select=id,appId,displayName,passwordCredentials,keyCredentials,web,spa,publicClient"
	}
	where := "GET " + transport.RedactURL(u)
	resp, err := entraGet(ctx, env, "graph", u, env.Token.AccessToken)
	if err != nil {
		return entraNetFinding(err, c.graphPath, "Microsoft Graph")
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if appRead {
			var list struct {
				Value []entraApp `json:"value"`
			}
			if json.Unmarshal(resp.Body, &list) == nil && len(list.Value) > 0 {
				c.app = &list.Value[0]
			} else {
				c.appSkipped = "the app registration is not in this tenant (a multi-tenant app registered in another one)"
			}
		}
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: fmt.Sprintf("%s answered %d", where, resp.StatusCode)}
	}
	f := env.Decode(resp)
	if !expectAllowed && resp.StatusCode == http.StatusForbidden && f.Code == "Authorization_RequestDenied" {
		c.appSkipped = "the app may not read its own registration (Application.Read.All lets Handshake discover when its client secret expires and compare redirect URIs)"
		return probe.StepResult{Outcome: probe.OutcomeOK,
			Message: where + " answered 403: Microsoft Graph accepted the token; the app may not read the organization, which this check does not require"}
	}
	switch f.Category {
	case finding.InsufficientScope:
		f.Path = finding.Attr("required_scopes")
	case finding.AppNotFound, finding.AccountDisabled:
		f.Path = c.clientIDPath
	default:
		f.Path = c.graphPath
	}
	f.Detail = fmt.Sprintf("%s answered HTTP %d with the token Entra ID had just issued. %s", where, resp.StatusCode, f.Detail)
	return probe.StepResult{Outcome: probe.OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
}

// stepAppRegistration reads, from the app's own registration, when the
// configured credential expires and which redirect URIs are registered.
func (c *entraCheck) stepAppRegistration(_ context.Context, env *probe.Env) probe.StepResult {
	if c.app == nil {
		why := c.appSkipped
		if why == "" {
			why = "the app registration was not read"
		}
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: why}
	}
	var notes []string
	if c.usesSecret {
		notes = append(notes, c.secretExpiry(env))
	} else {
		notes = append(notes, c.certificateExpiry(env))
	}
	fs := c.redirectFindings()
	if len(fs) > 0 {
		return probe.StepResult{Outcome: probe.OutcomeFailed, Message: fs[0].Summary, Findings: fs}
	}
	if n := len(c.spec.RedirectURIs); n > 0 {
		notes = append(notes, fmt.Sprintf("%d redirect URI(s) registered", n))
	}
	return probe.StepResult{Outcome: probe.OutcomeOK, Message: strings.Join(notes, "; ")}
}

// secretExpiry finds the configured secret among the app's
// passwordCredentials by its hint (the secret's first three characters)
// and records its end date.
func (c *entraCheck) secretExpiry(env *probe.Env) string {
	secret := c.spec.Auth.ClientSecret.Value
	now := env.Now()
	type cred struct {
		name, keyID string
		end         time.Time
	}
	var matches []cred
	for _, pc := range c.app.PasswordCredentials {
		if pc.Hint != "" && strings.HasPrefix(secret, pc.Hint) && !pc.End.IsZero() {
			matches = append(matches, cred{pc.DisplayName, pc.KeyID, pc.End})
		}
	}
	if len(matches) == 0 {
		return "no client secret of the app matches the configured one by its first characters; its expiry is unknown"
	}
	// Several secrets can share a hint; the token was issued, so the
	// configured one has not expired: take the earliest that has not.
	sort.Slice(matches, func(i, j int) bool { return matches[i].end.Before(matches[j].end) })
	pick := matches[0]
	for _, m := range matches {
		if m.end.After(now) {
			pick = m
			break
		}
	}
	what := fmt.Sprintf("client secret %q (Secret ID %s)", pick.name, pick.keyID)
	if len(matches) > 1 {
		what = fmt.Sprintf("client secret %q (the earliest valid of %d secrets that start alike)", pick.name, len(matches))
	}
	env.CredentialExpires(pick.end, c.secretPath, what)
	return fmt.Sprintf("client secret %q expires %s", pick.name, pick.end.UTC().Format(time.RFC3339))
}

// certificateExpiry finds the certificate credential that signs the
// assertion (by thumbprint when the certificate is bundled with the key,
// or the app's only certificate) and records its end date.
func (c *entraCheck) certificateExpiry(env *probe.Env) string {
	thumbs := entraThumbprints(c.spec.Auth.PrivateKey.Value)
	var candidates []int
	for i, kc := range c.app.KeyCredentials {
		if !strings.EqualFold(kc.Usage, "Verify") || kc.End.IsZero() {
			continue
		}
		if len(thumbs) > 0 && slices.Contains(thumbs, strings.ToUpper(kc.CustomKeyIdentifier)) {
			candidates = []int{i}
			break
		}
		candidates = append(candidates, i)
	}
	if len(candidates) != 1 {
		return "the certificate in use could not be told apart from the app's other certificates; its expiry is unknown"
	}
	kc := c.app.KeyCredentials[candidates[0]]
	env.CredentialExpires(kc.End, c.keyPath, fmt.Sprintf("certificate %q (key ID %s)", kc.DisplayName, kc.KeyID))
	return fmt.Sprintf("certificate %q expires %s", kc.DisplayName, kc.End.UTC().Format(time.RFC3339))
}

// entraThumbprints returns the forms Graph's customKeyIdentifier takes for
// the certificates bundled in a PEM (base64 and hex of the SHA-1
// thumbprint), upper-cased.
func entraThumbprints(pemText string) []string {
	var out []string
	for rest := []byte(pemText); ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return out
		}
		if b.Type == "CERTIFICATE" {
			sum := sha1.Sum(b.Bytes)
			out = append(out, strings.ToUpper(base64.StdEncoding.EncodeToString(sum[:])), strings.ToUpper(hex.EncodeToString(sum[:])))
		}
	}
}

// redirectFindings compares redirect_uris with the URIs registered on the
// app (Web, SPA and mobile/desktop platforms).
func (c *entraCheck) redirectFindings() []finding.Finding {
	if len(c.spec.RedirectURIs) == 0 || c.spec.IsUnknown("redirect_uris") {
		return nil
	}
	var registered []string
	registered = append(registered, c.app.Web.RedirectURIs...)
	registered = append(registered, c.app.SPA.RedirectURIs...)
	registered = append(registered, c.app.PublicClient.RedirectURIs...)
	name := c.app.DisplayName
	if name == "" {
		name = c.clientID
	}
	if len(registered) == 0 {
		return []finding.Finding{finding.Errorf(finding.RedirectURIMissing, finding.Attr("redirect_uris"),
			"App registration %s has no redirect URI registered (AADSTS500113)", name).
			WithCode("AADSTS500113").
			WithDetail("redirect_uris lists %d URI(s), but the app registration (app %s) has none under any platform, so every sign-in through it fails with AADSTS500113 (no reply address is registered for the application).", len(c.spec.RedirectURIs), c.clientID).
			WithFix("In the Microsoft Entra admin center open App registrations > <app> > Authentication, select Add a platform (Web for a server-side connector) and add each URI of redirect_uris exactly as written.")}
	}
	var out []finding.Finding
	for i, uri := range c.spec.RedirectURIs {
		if slices.Contains(registered, uri) {
			continue
		}
		detail := fmt.Sprintf("App registration %s (app %s) lists these redirect URIs: %s. Entra ID compares them exactly, so a sign-in that sends %s fails with AADSTS50011 (the redirect URI does not match the redirect URIs configured for the application).",
			name, c.clientID, strings.Join(registered, ", "), uri)
		if near := entraNearMiss(uri, registered); near != "" {
			detail += " " + near
		}
		out = append(out, finding.Errorf(finding.RedirectURIMismatch, finding.Attr("redirect_uris").Index(i),
			"Redirect URI %s is not registered for the app (AADSTS50011)", uri).
			WithCode("AADSTS50011").
			WithDetail("%s", detail).
			WithFix(fmt.Sprintf("In the Microsoft Entra admin center open App registrations > <app> > Authentication and add %s under the platform the connector uses (usually Web), or correct redirect_uris[%d].", uri, i)))
	}
	return out
}

// entraNearMiss explains a redirect URI that differs from a registered one
// only in ways people overlook.
func entraNearMiss(uri string, registered []string) string {
	for _, reg := range registered {
		switch {
		case strings.EqualFold(uri, reg):
			return fmt.Sprintf("It differs from the registered %s only in letter case, which counts.", reg)
		case strings.TrimRight(uri, "/") == strings.TrimRight(reg, "/"):
			return fmt.Sprintf("It differs from the registered %s only by a trailing slash, which counts.", reg)
		case strings.TrimPrefix(uri, "http://") == strings.TrimPrefix(reg, "https://") || strings.TrimPrefix(uri, "https://") == strings.TrimPrefix(reg, "http://"):
			return fmt.Sprintf("It differs from the registered %s only in its scheme.", reg)
		}
	}
	return ""
}

// stepManagement obtains a token for the Office 365 Management Activity API
// and lists the tenant's audit subscriptions: the call that fails when the
// tenant has no licence (AF20012) or audit logging is off (AF20023).
func (c *entraCheck) stepManagement(ctx context.Context, env *probe.Env) probe.StepResult {
	tok, err := c.managementToken(ctx, env)
	if err != nil {
		var re *xoauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil {
			f := env.Decode(probe.Response{Step: "management_api", StatusCode: re.Response.StatusCode, Header: re.Response.Header, Body: re.Body})
			switch f.Category {
			case finding.InvalidCredentials, finding.ExpiredCredentials, finding.RevokedCredentials:
				f.Path = c.credentialPath()
			case finding.InsufficientScope, finding.InvalidScope, finding.ConsentRequired:
				f.Path = finding.Attr("required_scopes")
			default:
				f.Path = c.mgmtPath
			}
			f.Summary = "Management Activity API token: " + lowerFirstWord(f.Summary)
			f.Detail = fmt.Sprintf("Entra ID refused a token for %s (the Office 365 Management APIs) although it issued one for %s. %s", c.mgmtScope, c.scope, f.Detail)
			return probe.StepResult{Outcome: probe.OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
		}
		var ke entraKeyError
		if errors.As(err, &ke) {
			f := finding.Errorf(finding.InvalidConfiguration, c.keyPath, "auth.private_key cannot sign the client assertion").
				WithDetail("%s.", ke.Error()).WithFix("Give the certificate's private key as an unencrypted PEM (RSA keys for Entra ID certificates).")
			return probe.StepResult{Outcome: probe.OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
		}
		return entraNetFinding(err, c.authorityPath, "Management Activity API token request")
	}
	cl, _ := entraTokenClaims(tok.AccessToken)
	env.GrantScopes(append(slices.Clone(c.claims.Roles), cl.Roles...))
	if fs := c.missingPerms(c.mgmtPerms, cl.Roles, "Office 365 Management APIs", "AF10001"); len(fs) > 0 {
		return probe.StepResult{Outcome: probe.OutcomeFailed, Message: fs[0].Summary, Findings: fs}
	}
	tid := cl.Tid
	if tid == "" {
		tid = c.tenant
	}
	u := c.mgmt + "/api/v1.0/" + url.PathEscape(tid) + "/activity/feed/subscriptions/list"
	where := "GET " + transport.RedactURL(u)
	resp, err := entraGet(ctx, env, "management_api", u, tok.AccessToken)
	if err != nil {
		return entraNetFinding(err, c.mgmtPath, "Management Activity API")
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return c.subscriptions(resp, where)
	}
	f := env.Decode(resp)
	switch {
	case f.Category == finding.LicenseRequired || f.Category == finding.FeatureDisabled || f.Category == finding.TenantNotFound ||
		f.Code == "AF20010" || f.Code == "AF20013":
		f.Path = c.tenantPath
	case f.Category == finding.InsufficientScope:
		f.Path = finding.Attr("required_permissions")
		for _, p := range c.mgmtPerms {
			if strings.EqualFold(p.name, "ActivityFeed.Read") {
				f.Path = p.path
			}
		}
		f.Remediation = append(f.Remediation, "Add ActivityFeed.Read to required_permissions so plans name this permission when it is missing.")
	default:
		f.Path = c.mgmtPath
	}
	f.Detail = fmt.Sprintf("%s answered HTTP %d. %s", where, resp.StatusCode, f.Detail)
	return probe.StepResult{Outcome: probe.OutcomeFailed, Message: f.Summary, Findings: []finding.Finding{f}}
}

func (c *entraCheck) credentialPath() finding.Path {
	if c.usesSecret {
		return c.secretPath
	}
	return c.keyPath
}

// subscriptions reads a subscriptions/list answer: a subscription that is
// disabled means its content stops flowing.
func (c *entraCheck) subscriptions(resp probe.Response, where string) probe.StepResult {
	var subs []struct {
		ContentType string `json:"contentType"`
		Status      string `json:"status"`
	}
	if json.Unmarshal(resp.Body, &subs) != nil {
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: fmt.Sprintf("%s answered %d", where, resp.StatusCode)}
	}
	var enabled, disabled []string
	for _, s := range subs {
		if strings.EqualFold(s.Status, "enabled") {
			enabled = append(enabled, s.ContentType)
		} else {
			disabled = append(disabled, s.ContentType)
		}
	}
	res := probe.StepResult{Outcome: probe.OutcomeOK}
	switch {
	case len(subs) == 0:
		res.Message = where + " answered 200: no audit content subscription has been started yet"
	default:
		res.Message = fmt.Sprintf("%s answered 200: %d audit subscription(s) enabled", where, len(enabled))
	}
	if len(disabled) > 0 {
		res.Outcome = probe.OutcomeWarning
		res.Findings = []finding.Finding{finding.Warnf(finding.FeatureDisabled, c.tenantPath,
			"Audit subscriptions are disabled for %s (AF20023)", strings.Join(disabled, ", ")).
			WithCode("AF20023").
			WithDetail("The Management Activity API lists these content types as not enabled; no audit content is collected for them, usually because audit logging was turned off or the subscription was stopped.").
			WithFix("Check that audit logging is on in the Microsoft Purview portal (Audit), then start the subscriptions again (…/activity/feed/subscriptions/start?contentType=…).")}
	}
	return res
}

// managementToken requests a token for the Management Activity API with
// the connector's credential.
func (c *entraCheck) managementToken(ctx context.Context, env *probe.Env) (*xoauth2.Token, error) {
	cfg := clientcredentials.Config{ClientID: c.clientID, TokenURL: c.tokenURL, Scopes: []string{c.mgmtScope},
		AuthStyle: xoauth2.AuthStyleInParams, EndpointParams: url.Values{}}
	if c.usesSecret {
		cfg.ClientSecret = c.spec.Auth.ClientSecret.Value
	} else {
		a, err := entraAssertion(c.clientID, c.tokenURL, c.spec.Auth.PrivateKey.Value, env.Now())
		if err != nil {
			return nil, err
		}
		cfg.EndpointParams.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		cfg.EndpointParams.Set("client_assertion", a)
	}
	return cfg.Token(context.WithValue(ctx, xoauth2.HTTPClient, env.HTTP))
}

// entraKeyError is a private key that cannot sign; it never carries key material.
type entraKeyError struct{ msg string }

func (e entraKeyError) Error() string { return e.msg }

// entraAssertion signs a client assertion as Entra ID's certificate
// credentials expect (the probe's, with the certificate thumbprints).
func entraAssertion(clientID, audience, pemText string, now time.Time) (string, error) {
	if _, err := connector.ParsePrivateKeyPEM(pemText); err != nil {
		return "", entraKeyError{"the private key cannot be read: " + err.Error()}
	}
	a, err := probe.ClientAssertion(clientID, audience, pemText, now)
	if err != nil {
		return "", entraKeyError{err.Error()}
	}
	return a, nil
}

// lowerFirstWord lower-cases the first letter of a summary unless it starts
// with an acronym or a product name.
func lowerFirstWord(s string) string {
	if s == "" || len(s) > 1 && (s[1] >= 'A' && s[1] <= 'Z') || strings.HasPrefix(s, "Microsoft") || strings.HasPrefix(s, "Entra") {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
