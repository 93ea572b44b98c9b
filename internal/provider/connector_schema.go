package provider

import (
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	eschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
)

// The connector's three schemas. Every attribute comes from connectorFields;
// the adapters below only translate an attrSpec into one schema package's
// attribute types, and decide nothing.

// connectorResourceSchema is handshake_connector's schema.
func connectorResourceSchema(c *connector.Catalog) schema.Schema {
	return schema.Schema{
		Version: 1, // 1: auth.secret_version is a string
		MarkdownDescription: "A connector to a SaaS or identity service and its credentials. Handshake checks it offline at " +
			"`terraform validate` and `plan` (identifiers, redirect URIs, scopes, secret hygiene) and reports every problem " +
			"as a diagnostic on the attribute at fault, naming the category, the cause and the fix. The live test's results " +
			"(`status`, `findings`, `granted_scopes`) are known after apply on a create or an update: the apply tests again " +
			"and stores what it finds, so a saved plan applies even if the service changed in between.",
		Attributes: emit(connectorFields(c, resourceSurface), resourceSurface, resourceAttribute),
	}
}

// connectionTestSchema is data.handshake_connection_test's schema.
func connectionTestSchema(c *connector.Catalog) dschema.Schema {
	return dschema.Schema{
		MarkdownDescription: "Tests a connector without managing it: the same arguments as `handshake_connector`, the same " +
			"offline rules and live test, with the outcome returned as data. Designed for `check {}` blocks. Data sources " +
			"cannot take write-only or ephemeral values, so secrets here are plain sensitive arguments.",
		Attributes: emit(connectorFields(c, dataSourceSurface), dataSourceSurface, dataSourceAttribute),
	}
}

// accessTokenSchema is ephemeral.handshake_access_token's schema.
func accessTokenSchema(c *connector.Catalog) eschema.Schema {
	return eschema.Schema{
		MarkdownDescription: "Runs a connector's token flow (after the same checks as `handshake_connector`) and returns a " +
			"short-lived access token for configuring other providers. Ephemeral: the token is never stored. " +
			"Needs `live_checks` on, since it calls the service.",
		Attributes: emit(connectorFields(c, ephemeralSurface), ephemeralSurface, ephemeralAttribute),
	}
}

func resourceAttribute(a attrSpec, nested map[string]schema.Attribute) schema.Attribute {
	switch {
	case a.nested != nil && a.list:
		return schema.ListNestedAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive, NestedObject: schema.NestedAttributeObject{Attributes: nested}}
	case a.nested != nil:
		return schema.SingleNestedAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive, Attributes: nested}
	}
	switch a.kind {
	case connector.Bool:
		return schema.BoolAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive, WriteOnly: a.writeOnly}
	case connector.Int:
		return schema.Int64Attribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive, WriteOnly: a.writeOnly}
	case connector.StringList:
		return schema.ListAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive, WriteOnly: a.writeOnly, ElementType: types.StringType}
	}
	// Write-only attributes are not marked Sensitive: see value_wo in
	// credential_resource.go for the false drift that would cause.
	s := schema.StringAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
		Computed: a.computed, Sensitive: a.sensitive, WriteOnly: a.writeOnly, Validators: a.validators}
	if a.dflt != "" {
		s.Default = stringdefault.StaticString(a.dflt)
	}
	if a.keepState {
		s.PlanModifiers = []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	}
	return s
}

func dataSourceAttribute(a attrSpec, nested map[string]dschema.Attribute) dschema.Attribute {
	switch {
	case a.nested != nil && a.list:
		return dschema.ListNestedAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive, NestedObject: dschema.NestedAttributeObject{Attributes: nested}}
	case a.nested != nil:
		return dschema.SingleNestedAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive, Attributes: nested}
	}
	switch a.kind {
	case connector.Bool:
		return dschema.BoolAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive}
	case connector.Int:
		return dschema.Int64Attribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive}
	case connector.StringList:
		return dschema.ListAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive, ElementType: types.StringType}
	}
	return dschema.StringAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
		Computed: a.computed, Sensitive: a.sensitive, Validators: a.validators}
}

func ephemeralAttribute(a attrSpec, nested map[string]eschema.Attribute) eschema.Attribute {
	switch {
	case a.nested != nil && a.list:
		return eschema.ListNestedAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive, NestedObject: eschema.NestedAttributeObject{Attributes: nested}}
	case a.nested != nil:
		return eschema.SingleNestedAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive, Attributes: nested}
	}
	switch a.kind {
	case connector.Bool:
		return eschema.BoolAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive}
	case connector.Int:
		return eschema.Int64Attribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive}
	case connector.StringList:
		return eschema.ListAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
			Computed: a.computed, Sensitive: a.sensitive, ElementType: types.StringType}
	}
	return eschema.StringAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional,
		Computed: a.computed, Sensitive: a.sensitive, Validators: a.validators}
}

// testConnectionSchema is action.handshake_test_connection's schema: the
// connector's arguments. Action schemas have no sensitive flag, and
// Terraform 1.14 does not send actions the capability that write-only
// attributes need, so secrets are plain arguments: nothing of an action's
// configuration is stored, and values from sensitive variables or
// ephemeral resources keep their marks in the plan.
func testConnectionSchema(c *connector.Catalog) aschema.Schema {
	return aschema.Schema{
		MarkdownDescription: "Tests a connector on demand, with the same arguments, offline rules and live test as " +
			"`handshake_connector`, and reports each step as progress and what it found as diagnostics. Invoke it with " +
			"`terraform apply -invoke=action.handshake_test_connection.<name>`, or from another resource's " +
			"`action_trigger` (for example right after a secret is rotated). Needs Terraform 1.14 or later. " +
			"Pass secrets through sensitive variables or ephemeral values: action arguments have no sensitive flag.",
		Attributes: emit(connectorFields(c, actionSurface), actionSurface, actionAttribute),
	}
}

func actionAttribute(a attrSpec, nested map[string]aschema.Attribute) aschema.Attribute {
	if a.nested != nil { // the action surface has no list of objects (those are outputs)
		return aschema.SingleNestedAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional, Attributes: nested}
	}
	switch a.kind {
	case connector.Bool:
		return aschema.BoolAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional}
	case connector.Int:
		return aschema.Int64Attribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional}
	case connector.StringList:
		return aschema.ListAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional, ElementType: types.StringType}
	}
	return aschema.StringAttribute{MarkdownDescription: a.description, Required: a.required, Optional: a.optional, Validators: a.validators}
}
