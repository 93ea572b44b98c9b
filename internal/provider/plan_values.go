package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// setRootValues replaces top-level attributes of the plan in one step.
// plan.SetAttribute re-resolves the schema and rebuilds the whole value for
// every attribute it sets; for the connector's large schema, at fleet scale,
// that was a large share of a plan's CPU. Each value is built by with from
// the attribute's Terraform type.
func setRootValues(plan *tfsdk.Plan, with map[string]func(tftypes.Type) tftypes.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	obj, ok := plan.Raw.Type().(tftypes.Object)
	if !ok || plan.Raw.IsNull() || !plan.Raw.IsKnown() {
		diags.AddError("Internal error", fmt.Sprintf("the plan is not a known object (%s)", plan.Raw.Type()))
		return diags
	}
	attrs := map[string]tftypes.Value{}
	if err := plan.Raw.As(&attrs); err != nil {
		diags.AddError("Internal error", "reading the plan: "+err.Error())
		return diags
	}
	for name, build := range with {
		t, ok := obj.AttributeTypes[name]
		if !ok {
			diags.AddError("Internal error", "the plan has no attribute "+name)
			return diags
		}
		attrs[name] = build(t)
	}
	plan.Raw = tftypes.NewValue(obj, attrs)
	return diags
}

// unknownValue plans an attribute as known after apply.
func unknownValue(t tftypes.Type) tftypes.Value { return tftypes.NewValue(t, tftypes.UnknownValue) }

// stringValueOf plans an attribute as the string s.
func stringValueOf(s string) func(tftypes.Type) tftypes.Value {
	return func(t tftypes.Type) tftypes.Value { return tftypes.NewValue(t, s) }
}
