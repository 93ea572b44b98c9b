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
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
)

var (
	_ resource.ResourceWithConfigure      = (*connectorResource)(nil)
	_ resource.ResourceWithValidateConfig = (*connectorResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*connectorResource)(nil)
	_ resource.ResourceWithImportState    = (*connectorResource)(nil)
	_ resource.ResourceWithUpgradeState   = (*connectorResource)(nil)
	_ resource.ResourceWithIdentity       = (*connectorResource)(nil)
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
	resp.ResourceBehavior.MutableIdentity = true // see identity.go
}

func (r *connectorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = connectorResourceSchema(r.catalog)
}

func (r *connectorResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{0: versionToString("auth", "secret_version")}
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
	appendFindings(&resp.Diagnostics, path.Empty(), planSeverity(fs, onFailure(ctx, req.Config)))
}

// ModifyPlan tests the connector at plan time and reports what it found as
// diagnostics. Write-only secrets are only in the configuration, so this is
// where every connector is re-tested on an ordinary plan.
//
// A planned value is a promise the apply must keep, and the world can change
// between plan and apply (a saved plan may wait for hours). So the live
// results are unknown in the plan of a create or an update, and apply tests
// again and stores what it finds. On a no-op they keep their state values,
// unless this plan's test found something different (a revoked write-only
// secret, a lost scope): then they are planned as unknown, an in-place
// update that makes `plan -detailed-exitcode` exit 2.
func (r *connectorResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	spec, diags := readSpec(ctx, req.Config, r.catalog)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	planned := map[string]func(tftypes.Type) tftypes.Value{}
	if spec.Service != "" && spec.Name != "" {
		planned["id"] = stringValueOf(spec.Service + "/" + spec.Name)
	}
	res := r.data.runCheck(ctx, r.catalog, spec)
	appendFindings(&resp.Diagnostics, path.Empty(), planSeverity(res.liveFindings(), onFailure(ctx, req.Config)))

	// The framework already planned the computed attributes as unknown when
	// an argument changed; an unchanged plan equals the state.
	if req.State.Raw.IsNull() || !resp.Plan.Raw.Equal(req.State.Raw) {
		resp.Diagnostics.Append(setRootValues(&resp.Plan, withResultsUnknown(planned))...)
		return
	}
	if len(planned) > 0 {
		resp.Diagnostics.Append(setRootValues(&resp.Plan, planned)...)
	}
	if !res.Live || res.Status == probe.StatusUnknown {
		return // not tested: nothing to compare with the state
	}
	same, d := res.matches(ctx, req.State)
	resp.Diagnostics.Append(d...)
	if !same {
		resp.Diagnostics.Append(setRootValues(&resp.Plan, withResultsUnknown(nil))...)
	}
}

func (r *connectorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	diags := r.apply(ctx, req.Config, req.Plan, &resp.State, resp.Private)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		resp.State.RemoveResource(ctx) // nothing was created
		return
	}
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

func (r *connectorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	diags := r.apply(ctx, req.Config, req.Plan, &resp.State, resp.Private)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		// The update failed: the state stays what it was, so the next plan
		// proposes (and tests) the same change again.
		resp.State.Raw = req.State.Raw
	}
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

// apply tests the connector and stores the planned arguments with what the
// test found. With on_failure = "error" a failed test fails the apply, with
// the connector's own diagnostics.
func (r *connectorResource) apply(ctx context.Context, config tfsdk.Config, plan tfsdk.Plan, state *tfsdk.State, private privateSetter) diag.Diagnostics {
	spec, diags := readSpec(ctx, config, r.catalog)
	if diags.HasError() {
		return diags
	}
	res := r.data.runCheck(ctx, r.catalog, spec)
	if fs := planSeverity(res.liveFindings(), onFailure(ctx, config)); finding.HasErrors(fs) {
		appendFindings(&diags, path.Empty(), fs)
		return diags
	}
	state.Raw = plan.Raw
	diags.Append(setCheck(ctx, state, res)...)
	diags.Append(setWriteOnlyFlag(ctx, private, spec)...)
	return diags
}

// Read re-tests the connector from its state, so that a refresh notices a
// revoked secret or a removed scope. A connector whose secrets are
// write-only cannot be re-tested here (they are not in state): ModifyPlan
// tests it on every ordinary plan instead.
func (r *connectorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	// States from before identities (or from an import by id) get theirs here.
	resp.Diagnostics.Append(setIdentity(ctx, req.State, resp.Identity)...)
	if r.data == nil || !r.data.LiveChecks || writeOnlyFlag(ctx, req.Private) {
		return
	}
	spec, diags := readSpec(ctx, req.State, r.catalog)
	if diags.HasError() || spec.Service == "" {
		return // an imported connector has no settings yet
	}
	res := r.data.runCheck(ctx, r.catalog, spec)
	if !res.Live || res.Status == probe.StatusUnknown {
		return
	}
	// A refresh never fails: what it found is reported as warnings.
	appendFindings(&resp.Diagnostics, path.Empty(), finding.Downgrade(res.liveFindings()))
	resp.Diagnostics.Append(setCheck(ctx, &resp.State, res)...)
}

func (r *connectorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// Handshake does not own the vendor's app registration: forgetting the
	// connector is all there is to do.
}

// ImportState takes "<service>/<name>".
func (r *connectorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := importID(ctx, req, func(p ...string) string { return strings.Join(p, "/") }, "service", "name")
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	service, name, ok := strings.Cut(id, "/")
	if _, known := r.catalog.Get(service); !ok || !known || name == "" {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Expected <service>/<name> with service one of %s, got %q.", strings.Join(r.catalog.IDs(), ", "), id))
		return
	}
	if !connectorNameRE.MatchString(name) {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Expected <service>/<name>, got %q: a connector name must %s.", id, connectorNameRule))
		return
	}
	for attr, v := range map[string]string{"id": id, "service": service, "name": name, "status": "unknown", "on_failure": "error"} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("granted_scopes"), []string{})...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

// computedSetter is what tfsdk.Plan and tfsdk.State have in common.
type computedSetter interface {
	SetAttribute(ctx context.Context, p path.Path, val interface{}) diag.Diagnostics
}

// setCheck records a check's results in the computed attributes.
func setCheck(ctx context.Context, dst computedSetter, c check) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.Append(dst.SetAttribute(ctx, path.Root("status"), c.Status)...)
	diags.Append(dst.SetAttribute(ctx, path.Root("findings"), findingsValue(c.stored()))...)
	diags.Append(dst.SetAttribute(ctx, path.Root("granted_scopes"), c.scopes())...)
	return diags
}

// withResultsUnknown adds the live-result attributes, planned as known
// after apply, to the values to set.
func withResultsUnknown(values map[string]func(tftypes.Type) tftypes.Value) map[string]func(tftypes.Type) tftypes.Value {
	if values == nil {
		values = map[string]func(tftypes.Type) tftypes.Value{}
	}
	for _, name := range []string{"status", "findings", "granted_scopes"} {
		values[name] = unknownValue
	}
	return values
}

// onFailure reads the connector's on_failure policy ("error" when unset).
func onFailure(_ context.Context, src attrGetter) string {
	raw, _ := rawValue(src)
	top, _ := objectFields(raw)
	if v, _ := stringValue(top["on_failure"], "on_failure", map[string]bool{}); v != "" {
		return v
	}
	return "error"
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
