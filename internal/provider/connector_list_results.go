package provider

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/credential"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
)

// result turns one of the vendor's apps into a list result; keep is false
// when the filters drop it.
func (q *query) result(ctx context.Context, req list.ListRequest, app inventory.App) (r list.ListResult, keep bool) {
	display := strings.TrimSpace(app.DisplayName)
	if display == "" {
		display = firstNonEmpty(app.ClientID, app.ID)
	}
	if q.prefix != "" && !strings.HasPrefix(strings.ToLower(display), q.prefix) {
		return r, false
	}
	problems := q.problems(app)
	if len(problems) == 0 && !q.includeHealthy {
		return r, false
	}
	name := q.connectorName(display)
	r = req.NewListResult(ctx)
	r.DisplayName = display
	if len(problems) > 0 {
		r.DisplayName += " — " + problems[0].Summary
		if len(problems) > 1 {
			r.DisplayName += fmt.Sprintf(" (and %d more)", len(problems)-1)
		}
	}
	r.Diagnostics.Append(r.Identity.SetAttribute(ctx, path.Root("service"), q.admin.Service)...)
	r.Diagnostics.Append(r.Identity.SetAttribute(ctx, path.Root("name"), name)...)
	if req.IncludeResource {
		r.Diagnostics.Append(q.fill(ctx, r.Resource, name, app, problems)...)
	}
	// A query never fails because an app has a problem: each is a warning
	// that names the app.
	for i := range problems {
		problems[i].Summary = display + ": " + problems[i].Summary
	}
	appendFindings(&r.Diagnostics, path.Empty(), finding.Downgrade(problems))
	return r, true
}

// problems are what is wrong with an app: its credentials' expiry, redirect
// URIs that break the rules (the connector's offline rules), and what the
// vendor reported (no owner, disabled, suspended: vendor knowledge stays in
// the vendor's lister).
func (q *query) problems(app inventory.App) []finding.Finding {
	var out []finding.Finding
	for _, c := range app.Credentials {
		// "client secret \"prod\"", or the vendor's own words when they
		// already say what it is ("rotated client secret").
		label := strings.ReplaceAll(c.Kind, "_", " ")
		switch {
		case strings.Contains(strings.ToLower(c.Name), label):
			label = c.Name
		case c.Name != "":
			label += " " + strconv.Quote(c.Name)
		}
		out = append(out, credential.ExpiryFindings(label, c.ExpiresAt, q.now, q.window, nil)...)
	}
	for _, f := range connector.Validate(q.l.catalog, q.appSpec(app)) {
		if f.Category == finding.RedirectURIInvalid {
			f.Path = nil // list results have no configuration to point at
			out = append(out, f)
		}
	}
	for _, f := range q.redacted(app.Findings) {
		f.Path = nil // list results have no configuration to point at
		out = append(out, f)
	}
	return out
}

// appSpec is the connector an app would be, for the offline rules.
func (q *query) appSpec(app inventory.App) *connector.Spec {
	s := &connector.Spec{Name: "app", Service: q.admin.Service, Settings: maps.Clone(app.Settings), Lists: map[string][]string{},
		RedirectURIs: app.RedirectURIs, RequiredScopes: app.RequiredScopes, RequiredPermissions: app.RequiredPermissions,
		Blocks: []string{q.admin.Service}, Unknown: map[string]bool{}}
	if s.Settings == nil {
		s.Settings = map[string]string{}
	}
	s.Auth.ClientID = app.ClientID
	return s
}

// connectorName is the app's display name as a connector name: "/" becomes
// "-" (a name is half of the import id <service>/<name>), and a name the
// query gave already gets a number.
func (q *query) connectorName(display string) string {
	name := strings.ReplaceAll(display, "/", "-")
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if !connectorNameRE.MatchString(name) || name == "" {
		name = "app"
	}
	q.names[name]++
	if n := q.names[name]; n > 1 {
		name = fmt.Sprintf("%s (%d)", name, n)
	}
	return name
}

// fill writes the connector an app would be into a list result's resource:
// what import restores (id, service, name), the arguments the vendor
// reveals, the problems as findings, and on_failure = "warn", so that the generated configuration
// plans, with warnings, until someone adds the secret. Terraform writes the
// auth object, which is sensitive, as `auth = {}` in generated configuration.
func (q *query) fill(ctx context.Context, res *tfsdk.Resource, name string, app inventory.App, problems []finding.Finding) diag.Diagnostics {
	var diags diag.Diagnostics
	set := func(p path.Path, v any) { diags.Append(res.SetAttribute(ctx, p, v)...) }
	service := q.admin.Service
	set(path.Root("id"), service+"/"+name)
	set(path.Root("name"), name)
	set(path.Root("service"), service)
	set(path.Root("status"), "unknown")
	set(path.Root("on_failure"), "warn")
	set(path.Root("granted_scopes"), []string{})
	// What the listing found (expiry dates among it), as the connector's
	// findings: shown by terraform query -json, computed so never written
	// into generated configuration.
	set(path.Root("findings"), findingsValue(problems))
	if app.ClientID != "" {
		set(path.Root("auth").AtName("client_id"), app.ClientID)
	}
	for attr, v := range map[string][]string{"redirect_uris": app.RedirectURIs, "required_scopes": app.RequiredScopes,
		"required_permissions": app.RequiredPermissions} {
		if len(v) > 0 {
			set(path.Root(attr), v)
		}
	}
	for _, s := range q.profile.Settings {
		v, ok := app.Settings[s.Name]
		if !ok {
			continue
		}
		at := path.Root(service).AtName(s.Name)
		switch s.Kind {
		case connector.String:
			set(at, v)
		case connector.Bool:
			if b, err := strconv.ParseBool(v); err == nil {
				set(at, b)
			}
		case connector.Int:
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				set(at, n)
			}
		}
	}
	return diags
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
