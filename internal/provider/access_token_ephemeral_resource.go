package provider

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
)

var _ ephemeral.EphemeralResourceWithConfigure = (*accessTokenEphemeralResource)(nil)

// NewAccessTokenEphemeralResource is ephemeral.handshake_access_token.
func NewAccessTokenEphemeralResource() ephemeral.EphemeralResource {
	return &accessTokenEphemeralResource{catalog: services.Catalog()}
}

type accessTokenEphemeralResource struct {
	catalog *connector.Catalog
	data    *providerData
}

func (e *accessTokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_access_token"
}

func (e *accessTokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = accessTokenSchema(e.catalog)
}

func (e *accessTokenEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (e *accessTokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	spec, diags := readSpec(ctx, req.Config, e.catalog)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	ctx = maskSecrets(ctx, spec)
	if fs := connector.Validate(e.catalog, spec); finding.HasErrors(fs) {
		appendFindings(&resp.Diagnostics, path.Empty(), fs)
		return
	}
	if e.data == nil || !e.data.LiveChecks {
		resp.Diagnostics.AddError("Live checks are off",
			"handshake_access_token calls the service to obtain a token, and live_checks = false (or HANDSHAKE_LIVE_CHECKS=false) "+
				"forbids any network call. Turn live checks on for this provider configuration, or use an aliased provider.")
		return
	}
	tok, res := probe.AccessToken(ctx, e.data.probeOptions(spec.Service), spec)
	if tok == nil {
		fs := res.Findings
		if why := noTokenReason(res); why != "" && !finding.HasErrors(fs) {
			f := finding.Errorf(finding.InvalidConfiguration, finding.Attr("service"),
				"No access token for this connector").WithDetail("The live check obtained none: %s.", why)
			if strings.Contains(why, "redeem_refresh_token") {
				f.Path = finding.Attr("redeem_refresh_token")
				f = f.WithFix("Set redeem_refresh_token = true here, and write the refresh_token attribute back to where the integration keeps it, since the service may rotate it.")
			}
			fs = append(fs, f)
		} else if !finding.HasErrors(fs) {
			fs = append(fs, finding.Errorf(finding.InvalidConfiguration, finding.Attr("service"),
				"No access token for this connector").WithDetail("%s. Services with a static token or key (api_key, http) "+
				"have no token flow: use the secret directly.", res.Summary))
		}
		appendFindings(&resp.Diagnostics, path.Empty(), fs)
		return
	}
	resp.Result.Raw = req.Config.Raw
	expires := ""
	if !tok.Expiry.IsZero() {
		expires = tok.Expiry.UTC().Format(time.RFC3339)
		resp.RenewAt = tok.Expiry.Add(-time.Minute)
	}
	scopes := res.GrantedScopes
	if scopes == nil {
		scopes = []string{}
	}
	refresh := types.StringNull()
	if tok.RefreshToken != "" {
		refresh = types.StringValue(tok.RefreshToken)
	}
	for name, v := range map[string]any{"access_token": tok.AccessToken, "token_type": tok.Type(), "expires_at": expires,
		"granted_scopes": scopes, "refresh_token": refresh} {
		resp.Diagnostics.Append(resp.Result.SetAttribute(ctx, path.Root(name), v)...)
	}
}

// noTokenReason is the live check's own account of why it obtained no token
// although nothing failed (a refresh token it may not redeem, an
// authorization-code client), or "".
func noTokenReason(res probe.Result) string {
	for _, st := range res.Steps {
		if st.Outcome == probe.OutcomeOK && (strings.Contains(st.Message, "redeem_refresh_token") || strings.Contains(st.Message, "requests none")) {
			return st.Message
		}
		if i := strings.Index(st.Message, "needs an access token from the token step; "); i >= 0 {
			return st.Message[i+len("needs an access token from the token step; "):]
		}
	}
	return ""
}
