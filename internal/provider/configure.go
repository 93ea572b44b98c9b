package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
)

// configuredData is the one Configure body every resource, data source and
// ephemeral resource shares.
func configuredData(pd any, diags *diag.Diagnostics) *providerData {
	if pd == nil {
		return nil // not configured yet (validate)
	}
	data, ok := pd.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data Type",
			fmt.Sprintf("Expected *providerData, got: %T. Please report this issue to the provider developers.", pd))
		return nil
	}
	return data
}

// maskSecrets makes sure no secret of the spec reaches a log line, even one
// written by a library further down the call chain.
func maskSecrets(ctx context.Context, spec *connector.Spec) context.Context {
	secrets := spec.Secrets()
	if len(secrets) == 0 {
		return ctx
	}
	return tflog.MaskMessageStrings(tflog.MaskAllFieldValuesStrings(ctx, secrets...), secrets...)
}
