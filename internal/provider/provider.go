// Package provider translates between Terraform and Handshake's plain-Go
// core: models in, Findings out. It holds no HTTP and no vendor knowledge.
package provider

import (
	"context"
	"crypto/x509"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/list"

	"github.com/hashicorp/terraform-plugin-framework/action"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

var (
	_ provider.ProviderWithFunctions          = (*handshakeProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*handshakeProvider)(nil)
	_ provider.ProviderWithActions            = (*handshakeProvider)(nil)
	_ provider.ProviderWithListResources      = (*handshakeProvider)(nil)
)

// Defaults and the environment variables that stand in for unset arguments.
const (
	defaultExpiryWarning = 720 * time.Hour
	defaultTimeout       = 15 * time.Second

	envExpiryWarning = "HANDSHAKE_EXPIRY_WARNING"
	envLiveChecks    = "HANDSHAKE_LIVE_CHECKS"
	envTimeout       = "HANDSHAKE_TIMEOUT"
	envCABundle      = "HANDSHAKE_CA_BUNDLE"
)

type handshakeProvider struct {
	version string
	// now is the clock; tests replace it to cross expiry thresholds.
	now func() time.Time
}

// handshakeProviderModel is the provider block.
type handshakeProviderModel struct {
	ExpiryWarning timetypes.GoDuration `tfsdk:"expiry_warning"`
	LiveChecks    types.Bool           `tfsdk:"live_checks"`
	Timeout       timetypes.GoDuration `tfsdk:"timeout"`
	CABundle      types.String         `tfsdk:"ca_bundle"`
}

// providerData is what Configure hands to every resource, data source,
// ephemeral resource and function.
type providerData struct {
	ExpiryWarning time.Duration
	LiveChecks    bool
	Timeout       time.Duration
	CABundle      string
	Catalog       *connector.Catalog
	// Planners are the catalog's live checks, by service id.
	Planners map[string]probe.Planner
	// Listers are the inventories the list resource can call, by service id.
	Listers map[string]inventory.Lister
	Now     func() time.Time
	Version string
	// Client is the transport every live check shares (token cache,
	// per-host limits); nil when live checks are off.
	Client *transport.Client
}

// New returns the provider factory used by main and by tests.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &handshakeProvider{version: version, now: time.Now} }
}

func (p *handshakeProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "handshake"
	resp.Version = p.version
}

func (p *handshakeProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Handshake declares SaaS and identity connectors and their credentials as code, " +
			"validates them offline at `terraform validate`/`plan`, and reports misconfigured scopes, " +
			"redirect URIs and expiring secrets as diagnostics that name the cause and the fix.",
		Attributes: map[string]schema.Attribute{
			"expiry_warning": schema.StringAttribute{
				MarkdownDescription: "How long before a credential expires to start warning (`expiring_credentials`), " +
					"as a Go duration such as `720h`. Defaults to `720h` (30 days), or `" + envExpiryWarning + "`.",
				Optional:   true,
				CustomType: timetypes.GoDurationType{},
				Validators: []validator.String{positiveDuration{}},
			},
			"live_checks": schema.BoolAttribute{
				MarkdownDescription: "Whether connectors are tested live (token exchange and a probe call) during plan, " +
					"apply and refresh. `false` means Handshake makes no network calls at all: only offline rules run. " +
					"Defaults to `true`, or `" + envLiveChecks + "`.",
				Optional: true,
			},
			"timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit for each network request of a live check, as a Go duration such as `15s`. " +
					"Defaults to `15s`, or `" + envTimeout + "`.",
				Optional:   true,
				CustomType: timetypes.GoDurationType{},
				Validators: []validator.String{positiveDuration{}},
			},
			"ca_bundle": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded CA certificates trusted in addition to the system roots, for services " +
					"behind a private CA. Defaults to `" + envCABundle + "`.",
				Optional:   true,
				Validators: []validator.String{pemCertificatesValidator{}},
			},
		},
	}
}

func (p *handshakeProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg handshakeProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{
		ExpiryWarning: defaultExpiryWarning,
		LiveChecks:    true,
		Timeout:       defaultTimeout,
		Catalog:       services.Catalog(),
		Planners:      services.Planners(),
		Listers:       services.Listers(),
		Now:           p.now,
		Version:       p.version,
	}
	var ok bool
	if data.ExpiryWarning, ok = durationSetting(cfg.ExpiryWarning, envExpiryWarning, defaultExpiryWarning, path.Root("expiry_warning"), resp); !ok {
		return
	}
	if data.Timeout, ok = durationSetting(cfg.Timeout, envTimeout, defaultTimeout, path.Root("timeout"), resp); !ok {
		return
	}
	switch {
	case !cfg.LiveChecks.IsNull() && !cfg.LiveChecks.IsUnknown():
		data.LiveChecks = cfg.LiveChecks.ValueBool()
	case os.Getenv(envLiveChecks) != "":
		v, err := strconv.ParseBool(os.Getenv(envLiveChecks))
		if err != nil {
			resp.Diagnostics.AddError("Invalid "+envLiveChecks,
				"The environment variable "+envLiveChecks+" must be true or false, got "+strconv.Quote(os.Getenv(envLiveChecks))+".")
			return
		}
		data.LiveChecks = v
	}
	data.CABundle = cfg.CABundle.ValueString()
	if data.CABundle == "" {
		data.CABundle = os.Getenv(envCABundle)
		if data.CABundle != "" && !x509.NewCertPool().AppendCertsFromPEM([]byte(data.CABundle)) {
			resp.Diagnostics.AddError("Invalid "+envCABundle,
				"The environment variable "+envCABundle+" holds no PEM-encoded certificate.")
			return
		}
	}
	if data.LiveChecks {
		client, err := transport.New(transport.Options{Timeout: data.Timeout, CABundle: data.CABundle,
			UserAgent: "terraform-provider-handshake/" + p.version})
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("ca_bundle"), "Invalid CA bundle", err.Error())
			return
		}
		data.Client = client
	}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
	resp.ActionData = data
	resp.ListResourceData = data
}

// durationSetting reads a duration argument, falling back to its
// environment variable and then to the default.
func durationSetting(v timetypes.GoDuration, env string, def time.Duration, at path.Path, resp *provider.ConfigureResponse) (time.Duration, bool) {
	raw, source := v.ValueString(), "argument"
	if v.IsNull() || v.IsUnknown() {
		raw, source = os.Getenv(env), "environment variable "+env
	}
	if raw == "" {
		return def, true
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		detail := "The " + source + " must be a positive Go duration such as 720h or 15s, got " + strconv.Quote(raw) + "."
		if source == "argument" {
			resp.Diagnostics.AddAttributeError(at, "Invalid duration", detail)
		} else {
			resp.Diagnostics.AddError("Invalid duration", detail)
		}
		return 0, false
	}
	return d, true
}

func (p *handshakeProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewConnectorResource, NewCredentialResource}
}

func (p *handshakeProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewConnectionTestDataSource}
}

func (p *handshakeProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewAccessTokenEphemeralResource}
}

func (p *handshakeProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewConnectorListResource}
}

func (p *handshakeProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{NewTestConnectionAction}
}

func (p *handshakeProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{NewDiagnoseFunction}
}
