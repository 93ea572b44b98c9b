package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Version attributes (value_wo_version, auth.secret_version) were numbers in
// schema version 0 and are strings since version 1. Terraform before 1.15
// decides whether a refresh-only plan has changes with reflect.DeepEqual on
// decoded values, and a whole number read back from the provider is a
// different big.Float than the same number decoded from the state file, so
// any number in state made `plan -refresh-only -detailed-exitcode` exit 2 on
// an unchanged state. Configurations keep working: Terraform converts
// `secret_version = 3` to "3".

// versionToString upgrades a version-0 state by turning the number at
// attrPath (an attribute, or one nested in single-nested objects) into its
// decimal string.
func versionToString(attrPath ...string) resource.StateUpgrader {
	return resource.StateUpgrader{StateUpgrader: func(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
		if req.RawState == nil || req.RawState.JSON == nil {
			resp.Diagnostics.AddError("Unable to upgrade state", "The prior state is not in JSON form; re-import the resource.")
			return
		}
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(req.RawState.JSON))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil {
			resp.Diagnostics.AddError("Unable to upgrade state", fmt.Sprintf("The prior state is not valid JSON: %s.", err))
			return
		}
		numberToString(obj, attrPath)
		raw, err := json.Marshal(obj)
		if err != nil {
			resp.Diagnostics.AddError("Unable to upgrade state", err.Error())
			return
		}
		// Attributes removed from the schema since are dropped, as Terraform
		// does for a state of the current version.
		v, err := (&tfprotov6.RawState{JSON: raw}).UnmarshalWithOpts(resp.State.Schema.Type().TerraformType(ctx),
			tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
		if err != nil {
			resp.Diagnostics.AddError("Unable to upgrade state", err.Error())
			return
		}
		resp.State.Raw = v
	}}
}

// numberToString rewrites the JSON number at p (if any) as a string.
func numberToString(obj map[string]any, p []string) {
	for len(p) > 1 {
		next, ok := obj[p[0]].(map[string]any)
		if !ok {
			return // null parent
		}
		obj, p = next, p[1:]
	}
	if n, ok := obj[p[0]].(json.Number); ok {
		obj[p[0]] = n.String()
	}
}
