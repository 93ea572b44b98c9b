package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
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

func (d *connectionTestDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection_test"
}

func (d *connectionTestDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = connectionTestSchema(d.catalog)
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
