package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
)

// findingAttrTypes is the shape of one element of the computed findings list.
var findingAttrTypes = map[string]attr.Type{
	"severity":  types.StringType,
	"category":  types.StringType,
	"code":      types.StringType,
	"summary":   types.StringType,
	"attribute": types.StringType,
}

const (
	statusDescription = "Connector health: `healthy`, `degraded` (works, with warnings), `unhealthy` (the service refused), " +
		"`unreachable` (network, DNS, TLS, timeout) or `unknown` (not tested live)."
	grantedScopesDescription = "Scopes or permissions the service reported as granted on the last live test: the token " +
		"response's `scope` (the requested scopes when it has none), Slack's and GitHub's `x-oauth-scopes` header, a GitHub " +
		"App installation's permissions as `name:level`, or the application permissions in an Entra ID token's `roles` " +
		"claim. Empty when not tested, or when the service reports none (GitHub fine-grained tokens)."
	findingsDescription = "What the checks found, most severe first. Each has `severity` (`error`|`warning`), `category` " +
		"(a stable id such as `redirect_uri_invalid`), `code` (the vendor's or the rule's), `summary` and `attribute` (the path at fault)."
)

func resourceAttributes(fs []field) map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(fs))
	for _, f := range fs {
		out[f.name] = resourceAttribute(f)
	}
	return out
}

func resourceAttribute(f field) schema.Attribute {
	if f.nested != nil {
		return schema.SingleNestedAttribute{MarkdownDescription: f.description, Optional: !f.required, Required: f.required,
			Sensitive: f.sensitive, Attributes: resourceAttributes(f.nested)}
	}
	switch f.kind {
	case connector.Bool:
		return schema.BoolAttribute{MarkdownDescription: f.description, Optional: !f.required, Required: f.required,
			Sensitive: f.sensitive, WriteOnly: f.writeOnly}
	case connector.Int:
		return schema.Int64Attribute{MarkdownDescription: f.description, Optional: !f.required, Required: f.required}
	case connector.StringList:
		return schema.ListAttribute{MarkdownDescription: f.description, ElementType: types.StringType,
			Optional: !f.required, Required: f.required, Sensitive: f.sensitive, WriteOnly: f.writeOnly}
	default:
		validators := stringValidators(f)
		return schema.StringAttribute{MarkdownDescription: f.description, Optional: !f.required, Required: f.required,
			// Write-only attributes are not marked Sensitive: see value_wo in
			// credential_resource.go for the false drift that would cause.
			Sensitive: f.sensitive, WriteOnly: f.writeOnly, Validators: validators}
	}
}

// connectorResourceSchema is handshake_connector's schema: the shared
// arguments plus what the resource computes.
func connectorResourceSchema(c *connector.Catalog) schema.Schema {
	attrs := resourceAttributes(connectorFields(c, resourceSurface))
	if on, ok := attrs["on_failure"].(schema.StringAttribute); ok {
		on.Computed, on.Default = true, stringdefault.StaticString("error")
		attrs["on_failure"] = on
	}
	attrs["id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "`<service>/<name>`; also the import id.",
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	attrs["status"] = schema.StringAttribute{Computed: true, MarkdownDescription: statusDescription}
	attrs["granted_scopes"] = schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: grantedScopesDescription}
	attrs["findings"] = schema.ListNestedAttribute{Computed: true, MarkdownDescription: findingsDescription,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"severity":  schema.StringAttribute{Computed: true, MarkdownDescription: "`error` or `warning`."},
			"category":  schema.StringAttribute{Computed: true, MarkdownDescription: "Stable category id."},
			"code":      schema.StringAttribute{Computed: true, MarkdownDescription: "Vendor error code or rule id."},
			"summary":   schema.StringAttribute{Computed: true, MarkdownDescription: "One-line description."},
			"attribute": schema.StringAttribute{Computed: true, MarkdownDescription: "Attribute path at fault, such as `redirect_uris[0]`; empty for the whole connector."},
		}}}
	return schema.Schema{
		Version: 1, // 1: auth.secret_version is a string
		MarkdownDescription: "A connector to a SaaS or identity service and its credentials. Handshake checks it offline at " +
			"`terraform validate` and `plan` (identifiers, redirect URIs, scopes, secret hygiene) and reports every problem " +
			"as a diagnostic on the attribute at fault, naming the category, the cause and the fix. The live test's results " +
			"(`status`, `findings`, `granted_scopes`) are known after apply on a create or an update: the apply tests again " +
			"and stores what it finds, so a saved plan applies even if the service changed in between.",
		Attributes: attrs,
	}
}
