package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12+): what an `import` block's `identity`
// names, and what a list result (`terraform query`) identifies a connector by.

// handshake_connector's identity is the import id's two halves. A connector
// is Handshake's own record, not the vendor's app, so a rename is an
// in-place change of its identity (MutableIdentity in Metadata).
func connectorIdentitySchema() identityschema.Schema {
	return identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"service": identityschema.StringAttribute{RequiredForImport: true, Description: "The connector's service id, such as `okta`."},
		"name":    identityschema.StringAttribute{RequiredForImport: true, Description: "The connector's name."},
	}}
}

// handshake_credential's identity is its id and type (not expires_at,
// which an import id may carry: it changes with every rotation).
func credentialIdentitySchema() identityschema.Schema {
	return identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"id":   identityschema.StringAttribute{RequiredForImport: true, Description: "The credential's id (`cred-…`)."},
		"type": identityschema.StringAttribute{RequiredForImport: true, Description: "The credential's type, such as `client_secret`."},
	}}
}

// setIdentity records a resource's identity from its state: each identity
// attribute is the state attribute of the same name. dst is nil where
// Terraform tracks no identities (before 1.12, and OpenTofu).
func setIdentity(ctx context.Context, state tfsdk.State, dst *tfsdk.ResourceIdentity) diag.Diagnostics {
	if dst == nil || state.Raw.IsNull() {
		return nil
	}
	var diags diag.Diagnostics
	for name := range dst.Schema.GetAttributes() {
		var v types.String
		diags.Append(state.GetAttribute(ctx, path.Root(name), &v)...)
		diags.Append(dst.SetAttribute(ctx, path.Root(name), v)...)
	}
	return diags
}

// importID is the import id an import block's identity stands for, built
// by join from the identity's attributes (in the order given), or req.ID.
func importID(ctx context.Context, req resource.ImportStateRequest, join func(...string) string, attrs ...string) (string, diag.Diagnostics) {
	if req.ID != "" || req.Identity == nil {
		return req.ID, nil
	}
	var diags diag.Diagnostics
	parts := make([]string, len(attrs))
	for i, name := range attrs {
		var v types.String
		diags.Append(req.Identity.GetAttribute(ctx, path.Root(name), &v)...)
		parts[i] = v.ValueString()
	}
	return join(parts...), diags
}

func (r *connectorResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = connectorIdentitySchema()
}

func (r *credentialResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = credentialIdentitySchema()
}
