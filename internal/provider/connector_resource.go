package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
)

var (
	_ resource.ResourceWithConfigure      = (*connectorResource)(nil)
	_ resource.ResourceWithValidateConfig = (*connectorResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*connectorResource)(nil)
	_ resource.ResourceWithImportState    = (*connectorResource)(nil)
)

// NewConnectorResource is handshake_connector.
func NewConnectorResource() resource.Resource {
	// The catalog is needed before Configure (schema, ValidateConfig), and it
	// is static, so the resource holds its own.
	return &connectorResource{catalog: services.Catalog()}
}

type connectorResource struct {
	catalog *connector.Catalog
	data    *providerData
}

func (r *connectorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connector"
}

func (r *connectorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = connectorResourceSchema(r.catalog)
}

func (r *connectorResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig runs the offline rules: it needs no provider configuration
// and no network, so it runs at `terraform validate` as well as at plan.
func (r *connectorResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	spec, diags := readSpec(ctx, req.Config, r.catalog)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	ctx = maskSecrets(ctx, spec)
	fs := connector.Validate(r.catalog, spec)
	tflog.Debug(ctx, "offline connector checks", map[string]any{"connector": spec.Name, "service": spec.Service, "findings": len(fs)})
	appendFindings(&resp.Diagnostics, path.Empty(), applyOnFailure(ctx, req.Config, fs))
}

// ModifyPlan fills in what the resource computes. Findings and status are
// derived from the configuration alone, so refreshes never change them.
func (r *connectorResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	spec, diags := readSpec(ctx, req.Config, r.catalog)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	resp.Diagnostics.Append(r.setComputed(ctx, spec, &resp.Plan)...)
}

func (r *connectorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.Append(r.apply(ctx, req.Config, req.Plan, &resp.State)...)
}

func (r *connectorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.Append(r.apply(ctx, req.Config, req.Plan, &resp.State)...)
}

// apply stores the plan, with the computed values recomputed from the now
// fully known configuration.
func (r *connectorResource) apply(ctx context.Context, config tfsdk.Config, plan tfsdk.Plan, state *tfsdk.State) diag.Diagnostics {
	spec, diags := readSpec(ctx, config, r.catalog)
	if diags.HasError() {
		return diags
	}
	state.Raw = plan.Raw
	diags.Append(r.setComputed(ctx, spec, state)...)
	return diags
}

// Read keeps the state as it is: with no live test (next issue) nothing
// about an unchanged connector can change between refreshes.
func (r *connectorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var status types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("status"), &status)...)
	if status.IsNull() {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("status"), "unknown")...)
	}
}

func (r *connectorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// Handshake does not own the vendor's app registration: forgetting the
	// connector is all there is to do.
}

// ImportState takes "<service>/<name>".
func (r *connectorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	service, name, ok := strings.Cut(req.ID, "/")
	if _, known := r.catalog.Get(service); !ok || !known || name == "" {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Expected <service>/<name> with service one of %s, got %q.", strings.Join(r.catalog.IDs(), ", "), req.ID))
		return
	}
	for attr, v := range map[string]string{"id": req.ID, "service": service, "name": name, "status": "unknown", "on_failure": "error"} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
}

// computedSetter is what tfsdk.Plan and tfsdk.State have in common.
type computedSetter interface {
	SetAttribute(ctx context.Context, p path.Path, val interface{}) diag.Diagnostics
}

func (r *connectorResource) setComputed(ctx context.Context, spec *connector.Spec, dst computedSetter) diag.Diagnostics {
	var diags diag.Diagnostics
	if spec.Service != "" && spec.Name != "" {
		diags.Append(dst.SetAttribute(ctx, path.Root("id"), spec.Service+"/"+spec.Name)...)
	}
	diags.Append(dst.SetAttribute(ctx, path.Root("status"), "unknown")...)
	diags.Append(dst.SetAttribute(ctx, path.Root("findings"), findingsValue(connector.Validate(r.catalog, spec)))...)
	return diags
}

// applyOnFailure downgrades errors to warnings when on_failure = "warn".
func applyOnFailure(ctx context.Context, src attrGetter, fs []finding.Finding) []finding.Finding {
	var onFailure types.String
	src.GetAttribute(ctx, path.Root("on_failure"), &onFailure)
	if onFailure.ValueString() == "warn" {
		return finding.Downgrade(fs)
	}
	return fs
}

// findingsValue renders findings for the computed findings attribute,
// errors first so the list reads most severe first.
func findingsValue(fs []finding.Finding) types.List {
	objType := types.ObjectType{AttrTypes: findingAttrTypes}
	elems := make([]attr.Value, 0, len(fs))
	for _, sev := range []finding.Severity{finding.Error, finding.Warning} {
		for _, f := range fs {
			if f.Severity != sev {
				continue
			}
			elems = append(elems, types.ObjectValueMust(findingAttrTypes, map[string]attr.Value{
				"severity":  types.StringValue(string(f.Severity)),
				"category":  types.StringValue(string(f.Category)),
				"code":      types.StringValue(f.Code),
				"summary":   types.StringValue(f.Summary),
				"attribute": types.StringValue(f.Path.String()),
			}))
		}
	}
	return types.ListValueMust(objType, elems)
}
