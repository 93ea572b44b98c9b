package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	lschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/redact"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
)

var (
	_ list.ListResourceWithConfigure      = (*connectorList)(nil)
	_ list.ListResourceWithValidateConfig = (*connectorList)(nil)
)

// NewConnectorListResource is `list "handshake_connector"`: the apps and
// OAuth clients a vendor has, found with an admin credential, as
// connectors (`terraform query`, Terraform 1.14+).
func NewConnectorListResource() list.ListResource {
	return &connectorList{catalog: services.Catalog(), listable: listableServices()}
}

// listableServices are the ids of the services with an inventory, in
// catalog order.
func listableServices() []string {
	listers := services.Listers()
	var ids []string
	for _, s := range services.All() {
		if listers[s.ID()] != nil {
			ids = append(ids, s.ID())
		}
	}
	return ids
}

type connectorList struct {
	catalog  *connector.Catalog
	listable []string
	data     *providerData
}

// connectorListFilters are the list block's own arguments (read one by one:
// the block's other arguments are the connector's, which readSpec reads).
type connectorListFilters struct {
	NamePrefix     types.String         `tfsdk:"name_prefix"`
	ExpiringWithin timetypes.GoDuration `tfsdk:"expiring_within"`
	IncludeHealthy types.Bool           `tfsdk:"include_healthy"`
}

func (l *connectorList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connector"
}

func (l *connectorList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (l *connectorList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := emit(l.listFields(), listSurface, listAttribute)
	attrs["name_prefix"] = lschema.StringAttribute{Optional: true,
		MarkdownDescription: "Only apps whose display name starts with this text (case-insensitive)."}
	attrs["expiring_within"] = lschema.StringAttribute{Optional: true, CustomType: timetypes.GoDurationType{},
		Validators: []validator.String{positiveDuration{}},
		MarkdownDescription: "A credential expiring within this window (a Go duration such as `720h`) is a problem. " +
			"Defaults to the provider's `expiry_warning`."}
	attrs["include_healthy"] = lschema.BoolAttribute{Optional: true,
		MarkdownDescription: "Also return apps without a problem. By default only apps with one are returned: an expired " +
			"or expiring credential, a redirect URI that breaks the rules, no owner, or a state the vendor reports (a " +
			"disabled client, a suspended installation)."}
	resp.Schema = lschema.Schema{
		MarkdownDescription: "Finds the OAuth clients and apps a tenant has — " + strings.Join(l.listable, ", ") +
			" — with an admin credential, and returns each as a `handshake_connector`: a display name that says what is " +
			"wrong, an identity, and (with `include_resource`) the connector's arguments as far as the vendor reveals " +
			"them, for `terraform query -generate-config-out`. Needs Terraform 1.14 or later and `live_checks` on.",
		Attributes: attrs,
	}
}

// listFields are the connector fields a list block takes: the service (one
// that can be listed), the admin credential and the services' blocks.
func (l *connectorList) listFields() []field {
	var out []field
	for _, f := range connectorFields(l.catalog, listSurface) {
		switch {
		case f.name == "service":
			f.oneOf = l.listable
			f.description = "The service to list. One of: `" + strings.Join(l.listable, "`, `") + "`. " +
				"Set the block named after the service for its settings, as on `handshake_connector`."
		case f.name == "auth":
			f.nested = slices.DeleteFunc(slices.Clone(f.nested), func(n field) bool { return n.name == "secret_version" })
		case !slices.Contains(l.listable, f.name):
			continue
		}
		out = append(out, f)
	}
	return out
}

func listAttribute(a attrSpec, nested map[string]lschema.Attribute) lschema.Attribute {
	if a.nested != nil {
		return lschema.SingleNestedAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional, Attributes: nested}
	}
	switch a.kind {
	case connector.Bool:
		return lschema.BoolAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional}
	case connector.Int:
		return lschema.Int64Attribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional}
	case connector.StringList:
		return lschema.ListAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional, ElementType: types.StringType}
	}
	v := a.validators
	if a.name == "service" { // emitted with the catalog's ids; the list takes fewer
		v = []validator.String{stringvalidator.OneOf(a.oneOf...)}
	}
	return lschema.StringAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional, Validators: v}
}

// ValidateListResourceConfig runs the offline rules on the admin credential.
func (l *connectorList) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	spec, diags := l.adminSpec(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() || spec.Service == "" {
		return
	}
	appendFindings(&resp.Diagnostics, path.Empty(), connector.Validate(l.catalog, spec))
}

// adminSpec reads the list block's admin credential as a connector spec.
func (l *connectorList) adminSpec(ctx context.Context, config attrGetter) (*connector.Spec, diag.Diagnostics) {
	spec, diags := readSpec(ctx, config, l.catalog)
	if spec != nil {
		spec.Name = "admin"
	}
	return spec, diags
}

// List signs in with the admin credential (its live check, with the same
// diagnostics as a connector's), then streams the vendor's apps that pass
// the filters until the last page, the limit, or Terraform stops reading.
func (l *connectorList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	stream.Results = func(push func(list.ListResult) bool) {
		var diags diag.Diagnostics
		q, ok := l.query(ctx, req, &diags)
		if !ok {
			push(list.ListResult{Diagnostics: diags})
			return
		}
		ctx = maskSecrets(ctx, q.admin)
		// A lister's bug must end the query with an error, not crash the
		// provider (the live check has the same guard).
		defer func() {
			if p := recover(); p != nil {
				var d diag.Diagnostics
				d.AddError("Listing failed with an internal error",
					redact.Values(fmt.Sprintf("Listing %s stopped: %v. This is a bug in the provider; please report it.", q.profile.DisplayName, p), q.admin.Secrets()))
				push(list.ListResult{Diagnostics: d})
			}
		}()
		session, res := probe.Open(ctx, l.data.probeOptions(q.admin.Service), q.admin)
		if session == nil {
			if !finding.HasErrors(res.Findings) {
				diags.AddError("Cannot list "+q.profile.DisplayName, "The admin credential was not tested: "+res.Summary+".")
			}
			appendFindings(&diags, path.Empty(), res.Findings)
			push(list.ListResult{Diagnostics: diags})
			return
		}
		// The admin's access token is a secret too: masked in logs, and
		// redacted from what the vendor's answers put into findings.
		q.secrets = q.admin.Secrets()
		if t := session.Token; t != nil {
			for _, v := range []string{t.AccessToken, t.RefreshToken} {
				if v != "" {
					q.secrets = append(q.secrets, v)
				}
			}
			ctx = tflog.MaskMessageStrings(tflog.MaskAllFieldValuesStrings(ctx, q.secrets...), q.secrets...)
		}
		// Warnings about the admin credential itself (expiring soon) come first.
		appendFindings(&diags, path.Empty(), res.Findings)
		if len(diags) > 0 && !push(list.ListResult{Diagnostics: diags}) {
			return
		}
		var pushed int64
		fs := l.data.Listers[q.admin.Service](ctx, session, func(app inventory.App) bool {
			r, keep := q.result(ctx, req, app)
			if !keep {
				return true
			}
			pushed++
			return push(r) && (req.Limit <= 0 || pushed < req.Limit)
		})
		tflog.Debug(ctx, "handshake: listed connectors", map[string]any{"service": q.admin.Service, "results": pushed, "findings": len(fs)})
		if len(fs) > 0 {
			var end diag.Diagnostics
			appendFindings(&end, path.Empty(), q.redacted(fs))
			push(list.ListResult{Diagnostics: end})
		}
	}
}

// query is one List call's settings.
type query struct {
	l              *connectorList
	admin          *connector.Spec
	profile        *connector.Profile
	prefix         string
	window         time.Duration
	includeHealthy bool
	now            time.Time
	names          map[string]int // connector names given so far, to keep them unique
	secrets        []string       // the admin's secrets and access token
}

// redacted are findings with every secret of the admin session replaced.
func (q *query) redacted(fs []finding.Finding) []finding.Finding {
	out := make([]finding.Finding, len(fs))
	for i, f := range fs {
		f.Summary, f.Detail, f.Code = redact.Values(f.Summary, q.secrets), redact.Values(f.Detail, q.secrets), redact.Values(f.Code, q.secrets)
		f.Remediation = slices.Clone(f.Remediation)
		for j := range f.Remediation {
			f.Remediation[j] = redact.Values(f.Remediation[j], q.secrets)
		}
		out[i] = f
	}
	return out
}

func (l *connectorList) query(ctx context.Context, req list.ListRequest, diags *diag.Diagnostics) (*query, bool) {
	if l.data == nil {
		diags.AddError("Provider not configured", "The handshake provider was not configured before listing.")
		return nil, false
	}
	admin, d := l.adminSpec(ctx, req.Config)
	if diags.Append(d...); d.HasError() {
		return nil, false
	}
	for _, sec := range []connector.Secret{admin.Auth.ClientSecret, admin.Auth.Token, admin.Auth.PrivateKey, admin.Auth.ServiceAccountKey, admin.Auth.Password} {
		if !strings.HasSuffix(sec.Attr, "_env") || sec.Value != "" {
			continue
		}
		var name types.String
		at := path.Root("auth").AtName(sec.Attr)
		diags.Append(req.Config.GetAttribute(ctx, at, &name)...)
		diags.AddAttributeError(at, "Environment variable not set",
			fmt.Sprintf("auth.%s names the environment variable %q, which is not set (or empty) where Terraform runs the provider.", sec.Attr, name.ValueString()))
	}
	if diags.HasError() {
		return nil, false
	}
	profile, ok := l.catalog.Get(admin.Service)
	if !ok || l.data.Listers[admin.Service] == nil {
		diags.AddAttributeError(path.Root("service"), "Service cannot be listed",
			fmt.Sprintf("%q has no inventory; the list resource lists: %s.", admin.Service, strings.Join(l.listable, ", ")))
		return nil, false
	}
	if !l.data.LiveChecks {
		diags.AddError("Listing needs live checks",
			"Listing calls "+profile.DisplayName+"'s admin API, and the provider's live_checks is off (or HANDSHAKE_LIVE_CHECKS=false). Turn it on for `terraform query`.")
		return nil, false
	}
	var f connectorListFilters
	diags.Append(req.Config.GetAttribute(ctx, path.Root("name_prefix"), &f.NamePrefix)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("expiring_within"), &f.ExpiringWithin)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("include_healthy"), &f.IncludeHealthy)...)
	if diags.HasError() {
		return nil, false
	}
	q := &query{l: l, admin: admin, profile: profile, prefix: strings.ToLower(f.NamePrefix.ValueString()),
		window: l.data.ExpiryWarning, includeHealthy: f.IncludeHealthy.ValueBool(), now: l.data.Now(), names: map[string]int{}}
	if w, err := time.ParseDuration(f.ExpiringWithin.ValueString()); err == nil && !f.ExpiringWithin.IsNull() {
		q.window = w
	}
	return q, true
}
