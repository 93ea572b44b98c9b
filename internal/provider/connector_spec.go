package provider

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
)

// attrGetter is what tfsdk.Config, tfsdk.Plan and tfsdk.State have in common.
type attrGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target interface{}) diag.Diagnostics
}

// readSpec builds the plain-Go connector.Spec from Terraform values. Write-only
// secrets exist only in the configuration, so pass the config whenever there
// is one; from state, write-only secrets are absent.
//
// It walks the raw value once instead of calling GetAttribute per argument:
// every GetAttribute re-resolves the connector's large schema, and at fleet
// scale that was most of the provider's CPU (see make bench-fleet).
func readSpec(_ context.Context, src attrGetter, c *connector.Catalog) (*connector.Spec, diag.Diagnostics) {
	var diags diag.Diagnostics
	raw, ok := rawValue(src)
	if !ok {
		diags.AddError("Internal error", fmt.Sprintf("readSpec: unsupported source %T", src))
		return nil, diags
	}
	top, err := objectFields(raw)
	if err != nil {
		diags.AddError("Internal error", "readSpec: "+err.Error())
		return nil, diags
	}
	s := &connector.Spec{Settings: map[string]string{}, Lists: map[string][]string{}, Unknown: map[string]bool{}}
	u := s.Unknown

	s.Name, _ = stringValue(top["name"], "name", u)
	s.Service, _ = stringValue(top["service"], "service", u)
	s.RequiredScopes = stringListValue(top["required_scopes"], "required_scopes", u)
	s.RequiredPermissions = stringListValue(top["required_permissions"], "required_permissions", u)
	s.RedirectURIs = stringListValue(top["redirect_uris"], "redirect_uris", u)
	if v, ok := scalar(top["require_refresh_token"], "require_refresh_token", u); ok {
		_ = v.As(&s.RequireRefreshToken)
	}
	// Unknown counts as false: a check spends nothing unless told to.
	if v := top["redeem_refresh_token"]; v.Type() != nil && v.IsKnown() && !v.IsNull() {
		_ = v.As(&s.RedeemRefreshToken)
	}

	if auth, ok := nestedFields(top["auth"], "auth", u); ok {
		readAuth(auth, s)
	}
	for _, p := range c.Profiles() {
		block, ok := nestedFields(top[p.ID], p.ID, u)
		if !ok {
			continue
		}
		s.Blocks = append(s.Blocks, p.ID)
		if p.ID == s.Service {
			readSettings(p, block, s)
		}
	}
	return s, diags
}

// rawValue returns the whole value behind a Config, Plan or State.
func rawValue(src attrGetter) (tftypes.Value, bool) {
	switch v := src.(type) {
	case tfsdk.Config:
		return v.Raw, true
	case *tfsdk.Config:
		return v.Raw, true
	case tfsdk.Plan:
		return v.Raw, true
	case *tfsdk.Plan:
		return v.Raw, true
	case tfsdk.State:
		return v.Raw, true
	case *tfsdk.State:
		return v.Raw, true
	}
	return tftypes.Value{}, false
}

// objectFields returns an object's attributes (none for a null object).
func objectFields(v tftypes.Value) (map[string]tftypes.Value, error) {
	out := map[string]tftypes.Value{}
	if v.IsNull() || !v.IsKnown() {
		return out, nil
	}
	err := v.As(&out)
	return out, err
}

// nestedFields returns a nested object's attributes when it is set and
// known; an unknown object is recorded in unknown under key.
func nestedFields(v tftypes.Value, key string, unknown map[string]bool) (map[string]tftypes.Value, bool) {
	if v.Type() == nil || v.IsNull() {
		return nil, false
	}
	if !v.IsKnown() {
		unknown[key] = true
		return nil, false
	}
	out, err := objectFields(v)
	return out, err == nil
}

// scalar returns v when it is set and known; an unknown value is recorded
// in unknown under key.
func scalar(v tftypes.Value, key string, unknown map[string]bool) (tftypes.Value, bool) {
	if v.Type() == nil || v.IsNull() {
		return v, false
	}
	if !v.IsKnown() {
		unknown[key] = true
		return v, false
	}
	return v, true
}

// stringValue returns a known string ("" when null or unknown) and whether
// it was set.
func stringValue(v tftypes.Value, key string, unknown map[string]bool) (string, bool) {
	v, ok := scalar(v, key, unknown)
	if !ok {
		return "", false
	}
	var s string
	return s, v.As(&s) == nil
}

// stringListValue returns a list's known string elements; an unknown list
// (or element) is recorded in unknown under key instead.
func stringListValue(v tftypes.Value, key string, unknown map[string]bool) []string {
	v, ok := scalar(v, key, unknown)
	if !ok {
		return nil
	}
	var elems []tftypes.Value
	if v.As(&elems) != nil {
		return nil
	}
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		if !e.IsKnown() {
			unknown[key] = true
			out = append(out, "")
			continue
		}
		var s string
		_ = e.As(&s)
		out = append(out, s)
	}
	return out
}

func readSettings(p *connector.Profile, attrs map[string]tftypes.Value, s *connector.Spec) {
	for _, st := range p.Settings {
		key := p.ID + "." + st.Name
		if st.Kind == connector.StringList {
			if l := stringListValue(attrs[st.Name], key, s.Unknown); l != nil {
				s.Lists[st.Name] = l
			}
			continue
		}
		v, ok := scalar(attrs[st.Name], key, s.Unknown)
		if !ok {
			continue
		}
		switch st.Kind {
		case connector.Bool:
			var b bool
			if v.As(&b) == nil {
				s.Settings[st.Name] = strconv.FormatBool(b)
			}
		case connector.Int:
			var n big.Float
			if v.As(&n) == nil {
				i, _ := n.Int64()
				s.Settings[st.Name] = strconv.FormatInt(i, 10)
			}
		default:
			var str string
			if v.As(&str) == nil {
				s.Settings[st.Name] = str
			}
		}
	}
}

// readAuth fills s.Auth, taking each secret from whichever of its sensitive
// and write-only attributes is set.
func readAuth(attrs map[string]tftypes.Value, s *connector.Spec) {
	str := func(name string) string {
		v, _ := stringValue(attrs[name], "auth."+name, s.Unknown)
		return v
	}
	secret := func(name string) connector.Secret {
		// <name>_env (list blocks only) names an environment variable
		// holding the secret. Unset, the secret counts as not known yet:
		// `validate` may run without it, and List says what is missing.
		if env, ok := stringValue(attrs[name+"_env"], "auth."+name+"_env", s.Unknown); ok {
			v := os.Getenv(env)
			if v == "" {
				s.Unknown["auth."+name+"_env"] = true
			}
			return connector.Secret{Value: v, Attr: name + "_env"}
		}
		for _, n := range []string{name, name + "_wo"} {
			v := attrs[n]
			if v.Type() == nil || v.IsNull() {
				continue
			}
			if !v.IsKnown() {
				s.Unknown["auth."+n] = true
				return connector.Secret{Attr: n}
			}
			var value string
			_ = v.As(&value)
			return connector.Secret{Value: value, Attr: n}
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
}
