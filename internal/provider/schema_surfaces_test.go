package provider

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// surfaceAttr is what the resource, data source and ephemeral schema
// packages' attributes have in common.
type surfaceAttr interface {
	GetType() attr.Type
	GetMarkdownDescription() string
	IsRequired() bool
	IsOptional() bool
	IsComputed() bool
	IsSensitive() bool
	IsWriteOnly() bool
}

// flattenAttrs maps every attribute of a schema package's attribute map,
// nested ones included, by its dotted path.
func flattenAttrs(prefix string, attrs any, out map[string]surfaceAttr) {
	it := reflect.ValueOf(attrs).MapRange()
	for it.Next() {
		name := prefix + it.Key().String()
		a := it.Value().Interface().(surfaceAttr)
		out[name] = a
		v := reflect.ValueOf(a)
		if f := v.FieldByName("Attributes"); f.IsValid() { // single nested
			flattenAttrs(name+".", f.Interface(), out)
		}
		if f := v.FieldByName("NestedObject"); f.IsValid() { // list nested
			flattenAttrs(name+".", f.FieldByName("Attributes").Interface(), out)
		}
	}
}

// attrFacts are the properties of an attribute that the surfaces must agree
// on, by name.
func attrFacts(a surfaceAttr) map[string]string {
	var vs []string
	if sv, ok := a.(interface{ StringValidators() []validator.String }); ok {
		for _, v := range sv.StringValidators() {
			vs = append(vs, fmt.Sprintf("%T(%s)", v, v.Description(context.Background())))
		}
	}
	return map[string]string{
		"type":        a.GetType().String(),
		"description": a.GetMarkdownDescription(),
		"required":    fmt.Sprint(a.IsRequired()),
		"optional":    fmt.Sprint(a.IsOptional()),
		"computed":    fmt.Sprint(a.IsComputed()),
		"sensitive":   fmt.Sprint(a.IsSensitive()),
		"write_only":  fmt.Sprint(a.IsWriteOnly()),
		"validators":  strings.Join(vs, "; "),
	}
}

// connectorSurfaces returns the four schemas as the provider serves them.
func connectorSurfaces(t *testing.T) map[string]map[string]surfaceAttr {
	ctx := context.Background()
	var r resource.SchemaResponse
	NewConnectorResource().Schema(ctx, resource.SchemaRequest{}, &r)
	var d datasource.SchemaResponse
	NewConnectionTestDataSource().Schema(ctx, datasource.SchemaRequest{}, &d)
	var e ephemeral.SchemaResponse
	NewAccessTokenEphemeralResource().Schema(ctx, ephemeral.SchemaRequest{}, &e)
	var a action.SchemaResponse
	NewTestConnectionAction().Schema(ctx, action.SchemaRequest{}, &a)
	if r.Diagnostics.HasError() || d.Diagnostics.HasError() || e.Diagnostics.HasError() || a.Diagnostics.HasError() {
		t.Fatalf("schema diagnostics: %v %v %v %v", r.Diagnostics, d.Diagnostics, e.Diagnostics, a.Diagnostics)
	}
	out := map[string]map[string]surfaceAttr{"resource": {}, "data source": {}, "ephemeral": {}, "action": {}}
	flattenAttrs("", r.Schema.Attributes, out["resource"])
	flattenAttrs("", d.Schema.Attributes, out["data source"])
	flattenAttrs("", e.Schema.Attributes, out["ephemeral"])
	flattenAttrs("", a.Schema.Attributes, out["action"])
	return out
}

// intendedDifferences are the properties in which an attribute shown on
// several surfaces may differ, and why. Anything else that differs is drift.
func intendedDifferences() map[string][]string {
	d := map[string][]string{
		// What the name is used for (the import id exists on the resource only).
		"name": {"description"},
		// How secrets are kept differs: state, plan, or nothing at all; the
		// object type differs by the resource's write-only twins; action
		// schemas have no sensitive flag (see testConnectionSchema).
		"auth":                {"description", "type", "sensitive"},
		"auth.secret_version": {"description"},
		// The resource's default ("error") makes it computed there; the
		// other surfaces say it has no effect.
		"on_failure": {"description", "computed"},
	}
	for _, s := range authSecrets {
		// Where it is stored, and on the resource only, a ConflictsWith
		// against the write-only twin that only the resource has.
		d["auth."+s.name] = []string{"description", "validators"}
	}
	return d
}

// TestConnectorSurfacesAgree proves that an attribute shown on more than one
// of handshake_connector, data.handshake_connection_test and
// ephemeral.handshake_access_token has the same type, description,
// sensitivity, optionality and validators on each, except for the intended
// differences listed above (and that each of those is real, so the list
// cannot go stale).
func TestConnectorSurfacesAgree(t *testing.T) {
	surfaces := connectorSurfaces(t)
	names := []string{"resource", "data source", "ephemeral", "action"}
	intended := intendedDifferences()
	seen := map[string]bool{}
	for i, a := range names {
		for _, b := range names[i+1:] {
			for path, x := range surfaces[a] {
				y, ok := surfaces[b][path]
				if !ok {
					continue
				}
				fx, fy := attrFacts(x), attrFacts(y)
				for prop, vx := range fx {
					if vx == fy[prop] {
						continue
					}
					if slices.Contains(intended[path], prop) {
						seen[path+" "+prop] = true
						continue
					}
					t.Errorf("%s: %s differs between the %s and the %s:\n  %s: %q\n  %s: %q", path, prop, a, b, a, vx, b, fy[prop])
				}
			}
		}
	}
	for path, props := range intended {
		for _, prop := range props {
			if !seen[path+" "+prop] {
				t.Errorf("%s: %s is listed as an intended difference but is the same on every surface", path, prop)
			}
		}
	}
}

// TestConnectorSurfacesShareArguments checks that every argument is on every
// surface, except the resource's write-only twins (only resources can have
// write-only attributes) and the data source's fail_on_error.
func TestConnectorSurfacesShareArguments(t *testing.T) {
	surfaces := connectorSurfaces(t)
	arguments := func(surface string, skip func(string, surfaceAttr) bool) []string {
		var out []string
		for path, a := range surfaces[surface] {
			if (a.IsOptional() || a.IsRequired()) && !skip(path, a) {
				out = append(out, path)
			}
		}
		sort.Strings(out)
		return out
	}
	resourceArgs := arguments("resource", func(_ string, a surfaceAttr) bool { return a.IsWriteOnly() })
	dataArgs := arguments("data source", func(p string, _ surfaceAttr) bool { return p == "fail_on_error" })
	ephemeralArgs := arguments("ephemeral", func(string, surfaceAttr) bool { return false })
	actionArgs := arguments("action", func(string, surfaceAttr) bool { return false })
	if len(resourceArgs) < 20 {
		t.Fatalf("only %d arguments on the resource: %v", len(resourceArgs), resourceArgs)
	}
	if !slices.Equal(resourceArgs, dataArgs) || !slices.Equal(resourceArgs, ephemeralArgs) || !slices.Equal(resourceArgs, actionArgs) {
		t.Errorf("arguments differ:\n resource:    %v\n data source: %v\n ephemeral:   %v\n action:      %v", resourceArgs, dataArgs, ephemeralArgs, actionArgs)
	}
	wo := 0
	for path, a := range surfaces["resource"] {
		if a.IsWriteOnly() {
			wo++
			if !strings.HasSuffix(path, "_wo") {
				t.Errorf("%s is write-only but not a _wo twin", path)
			}
		}
	}
	if wo != len(authSecrets) {
		t.Errorf("%d write-only attributes on the resource, want one per auth secret (%d)", wo, len(authSecrets))
	}
}

// TestConnectorNameValidatorOnEverySurface pins the name rule on all three
// surfaces, since each of them builds diagnostics (and the resource its id)
// from the name.
func TestConnectorNameValidatorOnEverySurface(t *testing.T) {
	for surface, attrs := range connectorSurfaces(t) {
		got := attrFacts(attrs["name"])["validators"]
		if !strings.Contains(got, "at least 1") || !strings.Contains(got, "import id") {
			t.Errorf("%s: name validators are %q", surface, got)
		}
	}
}
