package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/handshake-tf/terraform-provider-handshake/internal/credential"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

var (
	_ resource.ResourceWithConfigure      = (*credentialResource)(nil)
	_ resource.ResourceWithValidateConfig = (*credentialResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*credentialResource)(nil)
	_ resource.ResourceWithImportState    = (*credentialResource)(nil)
	_ resource.ResourceWithUpgradeState   = (*credentialResource)(nil)
	_ resource.ResourceWithIdentity       = (*credentialResource)(nil)
)

// NewCredentialResource is handshake_credential.
func NewCredentialResource() resource.Resource { return &credentialResource{} }

type credentialResource struct {
	data *providerData
}

type credentialModel struct {
	ID             types.String         `tfsdk:"id"`
	Type           types.String         `tfsdk:"type"`
	Value          types.String         `tfsdk:"value"`
	ValueWO        types.String         `tfsdk:"value_wo"`
	ValueWOVersion types.String         `tfsdk:"value_wo_version"`
	ExpiresAt      timetypes.RFC3339    `tfsdk:"expires_at"`
	RotateBefore   timetypes.GoDuration `tfsdk:"rotate_before"`
	Fingerprint    types.String         `tfsdk:"fingerprint"`
	ExpiryStatus   types.String         `tfsdk:"expiry_status"`
}

func (r *credentialResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_credential"
}

func (r *credentialResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Version: 1, // 1: value_wo_version is a string
		MarkdownDescription: "A credential (client secret, API key, token, key or certificate) tracked for expiry. " +
			"Handshake warns (`expiring_credentials`) inside the rotation window and fails the plan (`expired_credentials`) " +
			"once it has expired. A refresh recomputes `expiry_status`, so crossing a threshold shows up as drift; on a create " +
			"or an update it is known after apply, computed with the clock at apply time.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Random identifier of this credential.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"type": schema.StringAttribute{Required: true,
				MarkdownDescription: "What the credential is. One of: `" + strings.Join(credential.Types, "`, `") + "`.",
				Validators:          []validator.String{stringvalidator.OneOf(credential.Types...)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"value": schema.StringAttribute{Optional: true, Sensitive: true,
				MarkdownDescription: "The secret value, stored in state (sensitive). Prefer `value_wo`.",
				Validators: []validator.String{
					stringvalidator.ExactlyOneOf(path.MatchRoot("value"), path.MatchRoot("value_wo")),
				}},
			// Not marked Sensitive: a write-only value never reaches state or plan
			// output anyway, and a second sensitive top-level path next to value
			// makes Terraform 1.11's refresh-only exit 2 at random (it stores the
			// paths in map order and compares them in order; fixed in 1.12). The
			// drift guide says to feed value_wo from an ephemeral variable.
			"value_wo": schema.StringAttribute{Optional: true, WriteOnly: true,
				MarkdownDescription: "The secret value, write-only: never stored in state or plan. Change `value_wo_version` when you rotate it."},
			// A string, not a number: see state_upgrade.go.
			"value_wo_version": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Any value, such as `2` or a date; change it when you rotate a `value_wo` secret. " +
					"(A number is accepted and stored as a string.)"},
			"expires_at": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "When the credential expires (RFC 3339). Derived from the value when it describes itself " +
					"(a JWT's `exp`, a certificate's `NotAfter`); set it for secrets that do not, such as an Entra client secret.",
				CustomType: timetypes.RFC3339Type{}},
			"rotate_before": schema.StringAttribute{Optional: true,
				MarkdownDescription: "How long before expiry to warn, as a Go duration such as `336h`. Defaults to the provider's `expiry_warning`.",
				CustomType:          timetypes.GoDurationType{},
				Validators:          []validator.String{positiveDuration{}}},
			"fingerprint": schema.StringAttribute{Computed: true,
				MarkdownDescription: "A short hash of the value (`sha256:` and the first 16 hex digits of an unkeyed SHA-256) that shows which value is deployed " +
					"and changes in the plan when the value does. Anyone who can read state can test guesses against it, so it hides long random secrets, not guessable ones."},
			"expiry_status": schema.StringAttribute{Computed: true,
				MarkdownDescription: "`valid`, `expiring` (inside the rotation window), `expired`, or `unknown` (no expiry known)."},
		},
	}
}

func (r *credentialResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{0: versionToString("value_wo_version")}
}

func (r *credentialResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// valueAndPath returns the configured secret and the attribute it is in.
func (m credentialModel) valueAndPath() (types.String, finding.Path) {
	if !m.ValueWO.IsNull() {
		return m.ValueWO, finding.Attr("value_wo")
	}
	return m.Value, finding.Attr("value")
}

// ValidateConfig checks that the value is well-formed for its type.
func (r *credentialResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m credentialModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Type.IsUnknown() || m.Type.IsNull() {
		return
	}
	v, at := m.valueAndPath()
	if v.IsUnknown() || v.IsNull() {
		return
	}
	appendFindings(&resp.Diagnostics, path.Empty(), credential.CheckValue(m.Type.ValueString(), v.ValueString(), at))
}

// ModifyPlan computes expiry, status and fingerprint from the configuration
// and reports expiring and expired credentials.
func (r *credentialResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var cfg, plan, prior credentialModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	exists := !req.State.Raw.IsNull()
	if exists {
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	v, at := cfg.valueAndPath()
	if v.IsUnknown() {
		plan.Fingerprint = types.StringUnknown()
		if cfg.ExpiresAt.IsNull() {
			plan.ExpiresAt = timetypes.NewRFC3339Unknown()
		}
		plan.ExpiryStatus = types.StringUnknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	expiresAt, diags := r.resolve(cfg, &plan, v.ValueString())
	resp.Diagnostics.Append(diags...)
	if !cfg.ExpiresAt.IsNull() {
		at = finding.Attr("expires_at")
	}
	fs := credential.ExpiryFindings(credentialLabel(cfg.Type), expiresAt, r.data.Now(), r.window(cfg.RotateBefore), at)
	if exists && !finding.HasErrors(fs) && prior.ExpiresAt.Equal(plan.ExpiresAt) {
		fs = nil // an existing credential's warning was already given by Read
	}
	appendFindings(&resp.Diagnostics, path.Empty(), fs)

	// expiry_status comes from the clock, which moves between plan and apply:
	// it is unknown on a create or an update (apply computes it), and on a
	// no-op keeps its state value unless it has changed since (then the plan
	// is an update, so that crossing a threshold shows as a change).
	recomputed := plan.ExpiryStatus
	plan.ExpiryStatus = types.StringUnknown()
	if exists {
		plan.ExpiryStatus = prior.ExpiryStatus
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		if resp.Plan.Raw.Equal(req.State.Raw) && recomputed.Equal(prior.ExpiryStatus) {
			return
		}
		plan.ExpiryStatus = types.StringUnknown()
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// resolve fills the computed attributes of m from the value and returns the
// effective expiry.
func (r *credentialResource) resolve(cfg credentialModel, m *credentialModel, value string) (*time.Time, diag.Diagnostics) {
	var diags diag.Diagnostics
	m.Fingerprint = types.StringValue(credential.Fingerprint(value))
	var expiresAt *time.Time
	derived, source, ok := credential.SelfDescribedExpiry(value)
	if !cfg.ExpiresAt.IsNull() && !cfg.ExpiresAt.IsUnknown() {
		t, err := time.Parse(time.RFC3339, cfg.ExpiresAt.ValueString())
		if err == nil {
			expiresAt = &t
			if ok && !t.Equal(derived) {
				diags.AddAttributeWarning(path.Root("expires_at"), "expires_at differs from the value's own expiry",
					fmt.Sprintf("The value's %s says it expires at %s, but expires_at says %s. Handshake uses expires_at; "+
						"remove it to use the value's own expiry.\n\nCategory: %s", source, derived.Format(time.RFC3339), cfg.ExpiresAt.ValueString(), finding.InvalidConfiguration))
			}
		}
	} else if ok {
		expiresAt = &derived
		m.ExpiresAt = timetypes.NewRFC3339TimeValue(derived)
	} else {
		m.ExpiresAt = timetypes.NewRFC3339Null()
	}
	m.ExpiryStatus = types.StringValue(credential.Status(expiresAt, r.data.Now(), r.window(cfg.RotateBefore)))
	return expiresAt, diags
}

func (r *credentialResource) window(rotateBefore timetypes.GoDuration) time.Duration {
	if d, err := time.ParseDuration(rotateBefore.ValueString()); err == nil && d > 0 {
		return d
	}
	return r.data.ExpiryWarning
}

func (r *credentialResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var cfg, plan credentialModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	buf := make([]byte, 8)
	_, _ = rand.Read(buf)
	plan.ID = types.StringValue("cred-" + hex.EncodeToString(buf))
	r.store(ctx, cfg, plan, &resp.State, &resp.Diagnostics)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

func (r *credentialResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var cfg, plan credentialModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.store(ctx, cfg, plan, &resp.State, &resp.Diagnostics)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

// store writes the state; the write-only value is never part of it.
func (r *credentialResource) store(ctx context.Context, cfg, m credentialModel, state interface {
	Set(context.Context, interface{}) diag.Diagnostics
}, diags *diag.Diagnostics) {
	v, _ := cfg.valueAndPath()
	if r.data != nil {
		_, d := r.resolve(cfg, &m, v.ValueString())
		diags.Append(d...)
	}
	m.ValueWO = types.StringNull()
	diags.Append(state.Set(ctx, &m)...)
}

// Read recomputes expiry_status: crossing into the warning window or past the
// expiry shows as drift on a refresh, and nothing else changes.
func (r *credentialResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m credentialModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || r.data == nil {
		return
	}
	var expiresAt *time.Time
	if t, err := time.Parse(time.RFC3339, m.ExpiresAt.ValueString()); err == nil {
		expiresAt = &t
	}
	m.ExpiryStatus = types.StringValue(credential.Status(expiresAt, r.data.Now(), r.window(m.RotateBefore)))
	// Say why on refresh too: a refresh-only plan in CI runs no ModifyPlan, and
	// its drift should name the cause. Warnings only: a refresh never fails.
	appendFindings(&resp.Diagnostics, path.Empty(), finding.Downgrade(
		credential.ExpiryFindings(credentialLabel(m.Type), expiresAt, r.data.Now(), r.window(m.RotateBefore), finding.Attr("expires_at"))))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

// credentialLabel is the type as words: "client secret".
func credentialLabel(t types.String) string { return strings.ReplaceAll(t.ValueString(), "_", " ") }

func (r *credentialResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// The secret lives in the vendor's system; Handshake only forgets it.
}

// ImportState takes "<id>,<type>" or "<id>,<type>,<expires_at>". The value
// cannot be imported: the next apply records it (or its fingerprint) from
// the configuration.
func (r *credentialResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := importID(ctx, req, func(p ...string) string { return strings.Join(p, ",") }, "id", "type")
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	parts := strings.Split(id, ",")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || !contains(credential.Types, parts[1]) {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf(
			"Expected <id>,<type>[,<expires_at>] with type one of %s, got %q.", strings.Join(credential.Types, ", "), id))
		return
	}
	m := credentialModel{ID: types.StringValue(parts[0]), Type: types.StringValue(parts[1]), ExpiresAt: timetypes.NewRFC3339Null(),
		ExpiryStatus: types.StringValue(credential.StatusUnknown), Fingerprint: types.StringNull()}
	if len(parts) == 3 {
		expiresAt, d := timetypes.NewRFC3339Value(parts[2])
		if d.HasError() {
			resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("%q is not an RFC 3339 timestamp such as 2027-02-01T00:00:00Z.", parts[2]))
			return
		}
		m.ExpiresAt = expiresAt
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.State, resp.Identity)...)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
