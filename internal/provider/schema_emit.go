package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
)

// surface is a kind of Terraform object the connector is shown as. The
// five share their arguments but not storage, so a few descriptions, and
// what exists only where it can, differ. Surfaces combine as a set.
type surface uint8

const (
	resourceSurface   surface = 1 << iota // handshake_connector: state, plan, write-only twins
	dataSourceSurface                     // data.handshake_connection_test: state, no write-only attributes
	ephemeralSurface                      // ephemeral.handshake_access_token: nothing stored
	actionSurface                         // action.handshake_test_connection: arguments only
	listSurface                           // list "handshake_connector": the admin credential only
	allSurfaces       = resourceSurface | dataSourceSurface | ephemeralSurface | actionSurface | listSurface
)

// pick returns the text for this surface.
func (s surface) pick(resource, dataSource, ephemeral, action, list string) string {
	switch s {
	case listSurface:
		return list
	case dataSourceSurface:
		return dataSource
	case ephemeralSurface:
		return ephemeral
	case actionSurface:
		return action
	}
	return resource
}

// field is a schema-neutral description of one connector attribute. The
// five surfaces' schemas are all emitted from one list of fields (see
// connectorFields), so an attribute is changed in one place.
type field struct {
	name        string
	description string
	kind        connector.Kind
	required    bool
	sensitive   bool
	// output: computed by the provider, never set in configuration.
	output bool
	// writeOnly attributes exist on resources only (a framework rule), so
	// such a field is shown on the resource surface whatever `on` says.
	writeOnly bool
	// on is the set of surfaces the field is shown on; zero means all.
	on surface
	// twin is the write-only twin of a secret ("token_wo"): where the twin
	// exists, setting both is an error.
	twin       string
	oneOf      []string
	validators []validator.String // on every surface the field is shown on
	// dflt is the value an unset argument takes. Only resources have
	// defaults: on the resource the attribute is also computed.
	dflt string
	// keepState keeps the prior state's value in a plan (resources only:
	// UseStateForUnknown for a computed value that never changes).
	keepState bool
	nested    []field // the attributes of a nested object
	list      bool    // with nested: a list of such objects
}

// shownOn says whether the field is part of surface s.
func (f field) shownOn(s surface) bool {
	on := f.on
	if on == 0 {
		on = allSurfaces
	}
	if f.output {
		on &^= actionSurface | listSurface // arguments only
	}
	if f.writeOnly {
		on &= resourceSurface
	}
	return on&s != 0
}

// attrSpec is a field as one surface shows it: what every framework schema
// package's attribute types have in common, already decided for that surface.
type attrSpec struct {
	field
	optional, computed bool
	validators         []validator.String
}

// specOn decides how f looks on surface s.
func (f field) specOn(s surface) attrSpec {
	a := attrSpec{field: f, optional: !f.required && !f.output, computed: f.output}
	if f.dflt != "" && s == resourceSurface {
		a.computed = true
	}
	a.validators = append(a.validators, f.validators...)
	if len(f.oneOf) > 0 {
		a.validators = append(a.validators, stringvalidator.OneOf(f.oneOf...))
	}
	if f.twin != "" && s == resourceSurface {
		a.validators = append(a.validators, stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName(f.twin)))
	}
	return a
}

// emit builds one surface's attributes from fields; build is the surface's
// adapter to its schema package (nested holds a nested field's attributes,
// already built).
func emit[A any](fs []field, on surface, build func(a attrSpec, nested map[string]A) A) map[string]A {
	out := make(map[string]A, len(fs))
	for _, f := range fs {
		if !f.shownOn(on) {
			continue
		}
		var nested map[string]A
		if f.nested != nil {
			nested = emit(f.nested, on, build)
		}
		out[f.name] = build(f.specOn(on), nested)
	}
	return out
}
