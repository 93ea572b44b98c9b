package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
)

var (
	_ action.ActionWithConfigure      = (*testConnectionAction)(nil)
	_ action.ActionWithValidateConfig = (*testConnectionAction)(nil)
)

// NewTestConnectionAction is action.handshake_test_connection.
func NewTestConnectionAction() action.Action {
	return &testConnectionAction{catalog: services.Catalog()}
}

type testConnectionAction struct {
	catalog *connector.Catalog
	data    *providerData
}

func (a *testConnectionAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_test_connection"
}

func (a *testConnectionAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = testConnectionSchema(a.catalog)
}

func (a *testConnectionAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig runs the offline rules, as the connector's does, so a
// broken action fails at plan rather than when it is invoked.
func (a *testConnectionAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	spec, diags := readSpec(ctx, req.Config, a.catalog)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	ctx = maskSecrets(ctx, spec)
	appendFindings(&resp.Diagnostics, path.Empty(), planSeverity(connector.Validate(a.catalog, spec), onFailure(ctx, req.Config)))
}

// Invoke tests the connector now, sending each step to Terraform as it ends
// and the findings as diagnostics (errors fail the invocation unless
// on_failure = "warn"). Nothing is stored: an action has no state.
func (a *testConnectionAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	spec, diags := readSpec(ctx, req.Config, a.catalog)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	ctx = maskSecrets(ctx, spec)
	progress := func(msg string) {
		tflog.Debug(ctx, "handshake: test_connection progress", map[string]any{"message": msg})
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: spec.Name + ": " + msg})
		}
	}
	res := a.data.runCheckWith(ctx, a.catalog, spec, func(s probe.Step, took time.Duration) {
		progress(stepProgress(s, took))
	})
	progress(res.Status + ": " + res.Summary)
	fs := res.Findings
	if !res.Live {
		// Offline findings were reported when the configuration was
		// validated; say why nothing was tested.
		fs = nil
		resp.Diagnostics.AddWarning("Connector not tested live",
			fmt.Sprintf("%s: %s. The action runs the live test only where the provider's live_checks is on.", spec.Name, res.Summary))
	}
	appendFindings(&resp.Diagnostics, path.Empty(), planSeverity(fs, onFailure(ctx, req.Config)))
}

// stepProgress is one step as a progress line: "token ok in 84 ms", "api
// failed in 12 ms (invalid_credentials): …", "refresh skipped: …".
func stepProgress(s probe.Step, took time.Duration) string {
	msg := s.Name + " " + s.Outcome
	if s.Outcome != probe.OutcomeSkipped {
		msg += fmt.Sprintf(" in %d ms", took.Milliseconds())
	}
	if s.Category != "" {
		msg += " (" + string(s.Category) + ")"
	}
	if s.Message != "" {
		msg += ": " + s.Message
	}
	return msg
}
