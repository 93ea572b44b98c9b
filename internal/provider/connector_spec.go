package provider

import (
	"context"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
)

// attrGetter is what tfsdk.Config, tfsdk.Plan and tfsdk.State have in common.
type attrGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target interface{}) diag.Diagnostics
}

// readSpec builds the plain-Go connector.Spec from Terraform values. Write-only
// secrets exist only in the configuration, so pass the config whenever there
// is one; from state, write-only secrets are absent.
func readSpec(ctx context.Context, src attrGetter, c *connector.Catalog) (*connector.Spec, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := &connector.Spec{Settings: map[string]string{}, Lists: map[string][]string{}, Unknown: map[string]bool{}}

	var name, service types.String
	var scopes, perms, redirects types.List
	var refresh, redeem types.Bool
	diags.Append(src.GetAttribute(ctx, path.Root("name"), &name)...)
	diags.Append(src.GetAttribute(ctx, path.Root("service"), &service)...)
	diags.Append(src.GetAttribute(ctx, path.Root("required_scopes"), &scopes)...)
	diags.Append(src.GetAttribute(ctx, path.Root("required_permissions"), &perms)...)
	diags.Append(src.GetAttribute(ctx, path.Root("redirect_uris"), &redirects)...)
	diags.Append(src.GetAttribute(ctx, path.Root("require_refresh_token"), &refresh)...)
	diags.Append(src.GetAttribute(ctx, path.Root("redeem_refresh_token"), &redeem)...)
	if diags.HasError() {
		return nil, diags
	}
	s.Name = name.ValueString()
	s.Service = service.ValueString()
	if service.IsUnknown() {
		s.Unknown["service"] = true
	}
	s.RequiredScopes = stringList(scopes, "required_scopes", s.Unknown)
	s.RequiredPermissions = stringList(perms, "required_permissions", s.Unknown)
	s.RedirectURIs = stringList(redirects, "redirect_uris", s.Unknown)
	s.RequireRefreshToken = refresh.ValueBool()
	if refresh.IsUnknown() {
		s.Unknown["require_refresh_token"] = true
	}
	// Unknown counts as false: a check spends nothing unless told to.
	s.RedeemRefreshToken = redeem.ValueBool()

	diags.Append(readAuth(ctx, src, s)...)
	for _, p := range c.Profiles() {
		var block types.Object
		diags.Append(src.GetAttribute(ctx, path.Root(p.ID), &block)...)
		if block.IsUnknown() {
			s.Unknown[p.ID] = true
		}
		if block.IsNull() || block.IsUnknown() {
			continue
		}
		s.Blocks = append(s.Blocks, p.ID)
		if p.ID == s.Service {
			readSettings(p, block.Attributes(), s)
		}
	}
	return s, diags
}

func readSettings(p *connector.Profile, attrs map[string]attr.Value, s *connector.Spec) {
	for _, st := range p.Settings {
		key := p.ID + "." + st.Name
		switch v := attrs[st.Name].(type) {
		case types.String:
			if v.IsUnknown() {
				s.Unknown[key] = true
			} else if !v.IsNull() {
				s.Settings[st.Name] = v.ValueString()
			}
		case types.Bool:
			if v.IsUnknown() {
				s.Unknown[key] = true
			} else if !v.IsNull() {
				s.Settings[st.Name] = strconv.FormatBool(v.ValueBool())
			}
		case types.Int64:
			if v.IsUnknown() {
				s.Unknown[key] = true
			} else if !v.IsNull() {
				s.Settings[st.Name] = strconv.FormatInt(v.ValueInt64(), 10)
			}
		case types.List:
			if l := stringList(v, key, s.Unknown); l != nil {
				s.Lists[st.Name] = l
			}
		}
	}
}

// readAuth fills s.Auth, taking each secret from whichever of its sensitive
// and write-only attributes is set.
func readAuth(ctx context.Context, src attrGetter, s *connector.Spec) diag.Diagnostics {
	var block types.Object
	diags := src.GetAttribute(ctx, path.Root("auth"), &block)
	if block.IsUnknown() {
		s.Unknown["auth"] = true
	}
	if diags.HasError() || block.IsNull() || block.IsUnknown() {
		return diags
	}
	attrs := block.Attributes()
	str := func(name string) string {
		v, _ := attrs[name].(types.String)
		if v.IsUnknown() {
			s.Unknown["auth."+name] = true
		}
		return v.ValueString()
	}
	secret := func(name string) connector.Secret {
		for _, n := range []string{name, name + "_wo"} {
			v, _ := attrs[n].(types.String)
			if v.IsUnknown() {
				s.Unknown["auth."+n] = true
				return connector.Secret{Attr: n}
			}
			if !v.IsNull() {
				return connector.Secret{Value: v.ValueString(), Attr: n}
			}
		}
		return connector.Secret{}
	}
	s.Auth = connector.Auth{
		ClientID:          str("client_id"),
		Username:          str("username"),
		ClientSecret:      secret("client_secret"),
		Token:             secret("token"),
		PrivateKey:        secret("private_key"),
		ServiceAccountKey: secret("service_account_key"),
		Password:          secret("password"),
	}
	return diags
}

// stringList returns a list's known string elements; an unknown list (or
// element) is recorded in unknown under key instead.
func stringList(l types.List, key string, unknown map[string]bool) []string {
	if l.IsUnknown() {
		unknown[key] = true
		return nil
	}
	if l.IsNull() {
		return nil
	}
	out := make([]string, 0, len(l.Elements()))
	for _, e := range l.Elements() {
		v, _ := e.(types.String)
		if v.IsUnknown() {
			unknown[key] = true
		}
		out = append(out, v.ValueString())
	}
	return out
}
