package apikey

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestAPIKeyProfile(t *testing.T) {
	const (
		conf  = finding.InvalidConfiguration
		probe = "https://api.pagerduty.com/abilities"
		key   = "u+Yx3kQ9aZ7mW2pL5vT8"
	)
	servicetest.RunProfileCases(t, profile(), []servicetest.ProfileCase{
		{Name: "valid header key with default name", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", probe, "prefix", "Token token="), servicetest.WithToken(key))},
		{Name: "valid custom header", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", "https://api.example.com/v2/ping", "name", "X-API-Key"), servicetest.WithToken(key))},
		{Name: "valid query parameter", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", "https://api.example.com/v2/ping", "location", "query", "name", "api_key"), servicetest.WithToken(key))},
		{Name: "valid Okta-style prefix", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", "https://dev-123456.okta.com/api/v1/users/me", "prefix", "SSWS "), servicetest.WithToken("00QCjAl4MlV-WPXM-ABCDEFGHIJKLMNOPQRSTUVWX"))},

		{Name: "empty probe_url", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", ""), servicetest.WithToken(key)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "", "api_key.probe_url")}},
		{Name: "probe_url without scheme", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", "api.example.com/ping"), servicetest.WithToken(key)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "ENDPOINT-URL", "api_key.probe_url")}},
		{Name: "missing key", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", probe)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "API-KEY-MISSING", "auth.token")}},
		{Name: "unknown key is not missing", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", probe), servicetest.WithUnknown("auth.token_wo"))},
		{Name: "query without a name", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", probe, "location", "query"), servicetest.WithToken(key)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "", "api_key.name")}},
		{Name: "header name with colon", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", probe, "name", "Authorization:"), servicetest.WithToken(key)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "RFC9110-5.1", "api_key.name")}},
		{Name: "header name with value", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", probe, "name", "X-API-Key: abc"), servicetest.WithToken(key)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "RFC9110-5.1", "api_key.name")}},
		{Name: "query name with =", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", probe, "location", "query", "name", "api_key="), servicetest.WithToken(key)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "API-KEY-QUERY-NAME", "api_key.name")}},
		{Name: "prefix without space", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", probe, "prefix", "Bearer"), servicetest.WithToken(key)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "API-KEY-PREFIX", "api_key.prefix")}},
		{Name: "scheme typed into the key", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", probe), servicetest.WithToken("Bearer "+key)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "SECRET-SCHEME-PREFIX", "auth.token_wo")}},
		{Name: "client secret is not used", Spec: servicetest.NewSpec("api_key", servicetest.Set("probe_url", probe), servicetest.WithToken(key), servicetest.WithClient("", "s3cr3t-value-123")),
			Want: []servicetest.Want{servicetest.WantWarn(conf, "", "auth.client_secret_wo")}},
	})
}
