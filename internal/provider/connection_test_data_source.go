package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
)

var _ datasource.DataSourceWithConfigure = (*connectionTestDataSource)(nil)

// NewConnectionTestDataSource is data.handshake_connection_test.
func NewConnectionTestDataSource() datasource.DataSource {
	return &connectionTestDataSource{catalog: services.Catalog()}
}

type connectionTestDataSource struct {
	catalog *connector.Catalog
	data    *providerData
}

var stepAttrTypes = map[string]attr.Type{
	"name":     types.StringType,
	"outcome":  types.StringType,
	"category": types.StringType,
	"message":  types.StringType,
}

func (d *connectionTestDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection_test"
}

func (d *connectionTestDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := dataSourceAttributes(connectorFields(d.catalog, dataSourceSurface))
	attrs["fail_on_error"] = schema.BoolAttribute{Optional: true,
		MarkdownDescription: "Turn error findings into errors that stop the plan. By default failures are data " +
			"(`status`, `findings`), which suits `check {}` blocks: they warn and never block an apply."}
	attrs["status"] = schema.StringAttribute{Computed: true, MarkdownDescription: statusDescription}
	attrs["summary"] = schema.StringAttribute{Computed: true, MarkdownDescription: "One line on the outcome, for a `check` block's `error_message`."}
	attrs["granted_scopes"] = schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: grantedScopesDescription}
	attrs["findings"] = schema.ListNestedAttribute{Computed: true, MarkdownDescription: findingsDescription,
		NestedObject: schema.NestedAttributeObject{Attributes: computedStrings(findingAttrTypes)}}
	attrs["steps"] = schema.ListNestedAttribute{Computed: true,
		MarkdownDescription: "The live test's steps in order (`dns`, `tcp`, `tls`, `discovery`, `token`, `token_response`, `api`, …), " +
			"each with `outcome` (`ok`, `failed`, `skipped`, `warning`), `category` and `message`: which step failed, and why.",
		NestedObject: schema.NestedAttributeObject{Attributes: computedStrings(stepAttrTypes)}}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Tests a connector without managing it: the same arguments as `handshake_connector`, the same " +
			"offline rules and live test, with the outcome returned as data. Designed for `check {}` blocks. Data sources " +
			"cannot take write-only or ephemeral values, so secrets here are plain sensitive arguments.",
		Attributes: attrs,
	}
}

func computedStrings(types map[string]attr.Type) map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(types))
	for name := range types {
		out[name] = schema.StringAttribute{Computed: true, MarkdownDescription: "See the list's description."}
	}
	return out
}

func (d *connectionTestDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *connectionTestDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	spec, diags := readSpec(ctx, req.Config, d.catalog)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	res := d.data.runCheck(ctx, d.catalog, spec)
	var failOnError types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("fail_on_error"), &failOnError)...)
	if failOnError.ValueBool() && finding.HasErrors(res.Findings) {
		appendFindings(&resp.Diagnostics, path.Empty(), res.Findings)
	}

	resp.State.Raw = req.Config.Raw
	resp.Diagnostics.Append(setCheck(ctx, &resp.State, res)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("summary"), res.Summary)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("steps"), stepsValue(res))...)
}

func stepsValue(c check) types.List {
	elems := make([]attr.Value, 0, len(c.Steps))
	for _, s := range c.Steps {
		elems = append(elems, types.ObjectValueMust(stepAttrTypes, map[string]attr.Value{
			"name":     types.StringValue(s.Name),
			"outcome":  types.StringValue(s.Outcome),
			"category": types.StringValue(string(s.Category)),
			"message":  types.StringValue(s.Message),
		}))
	}
	return types.ListValueMust(types.ObjectType{AttrTypes: stepAttrTypes}, elems)
}

// dataSourceAttributes emits the shared connector fields for a data source;
// write-only fields are left out (data sources cannot have them).
func dataSourceAttributes(fs []field) map[string]schema.Attribute {
	out := make(map[string]schema.Attribute, len(fs))
	for _, f := range fs {
		if f.writeOnly {
			continue
		}
		out[f.name] = dataSourceAttribute(f)
	}
	return out
}

func dataSourceAttribute(f field) schema.Attribute {
	if f.nested != nil {
		return schema.SingleNestedAttribute{MarkdownDescription: f.description, Optional: !f.required, Required: f.required,
			Sensitive: f.sensitive, Attributes: dataSourceAttributes(f.nested)}
	}
	switch f.kind {
	case connector.Bool:
		return schema.BoolAttribute{MarkdownDescription: f.description, Optional: !f.required, Required: f.required, Sensitive: f.sensitive}
	case connector.Int:
		return schema.Int64Attribute{MarkdownDescription: f.description, Optional: !f.required, Required: f.required}
	case connector.StringList:
		return schema.ListAttribute{MarkdownDescription: f.description, ElementType: types.StringType,
			Optional: !f.required, Required: f.required, Sensitive: f.sensitive}
	default:
		// Only OneOf: the other validators relate a secret to its write-only
		// twin, which data sources do not have.
		f.validators = nil
		return schema.StringAttribute{MarkdownDescription: f.description, Optional: !f.required, Required: f.required,
			Sensitive: f.sensitive, Validators: stringValidators(f)}
	}
}

// stringValidators are a string field's validators, OneOf included; shared
// by every schema kind.
func stringValidators(f field) []validator.String {
	v := append([]validator.String(nil), f.validators...)
	if len(f.oneOf) > 0 {
		v = append(v, stringvalidator.OneOf(f.oneOf...))
	}
	return v
}
