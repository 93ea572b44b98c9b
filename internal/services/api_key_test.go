package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestAPIKeyProfile(t *testing.T) {
	const (
		conf  = finding.InvalidConfiguration
		probe = "https://api.pagerduty.com/abilities"
		key   = "u+Yx3kQ9aZ7mW2pL5vT8"
	)
	runCatalogCases(t, []profileCase{
		{name: "valid header key with default name", spec: newSpec("api_key", set("probe_url", probe, "prefix", "Token token="), withToken(key))},
		{name: "valid custom header", spec: newSpec("api_key", set("probe_url", "https://api.example.com/v2/ping", "name", "X-API-Key"), withToken(key))},
		{name: "valid query parameter", spec: newSpec("api_key", set("probe_url", "https://api.example.com/v2/ping", "location", "query", "name", "api_key"), withToken(key))},
		{name: "valid Okta-style prefix", spec: newSpec("api_key", set("probe_url", "https://dev-123456.okta.com/api/v1/users/me", "prefix", "SSWS "), withToken("00QCjAl4MlV-WPXM-ABCDEFGHIJKLMNOPQRSTUVWX"))},

		{name: "empty probe_url", spec: newSpec("api_key", set("probe_url", ""), withToken(key)),
			want: []want{wantErr(conf, "", "api_key.probe_url")}},
		{name: "probe_url without scheme", spec: newSpec("api_key", set("probe_url", "api.example.com/ping"), withToken(key)),
			want: []want{wantErr(conf, "ENDPOINT-URL", "api_key.probe_url")}},
		{name: "missing key", spec: newSpec("api_key", set("probe_url", probe)),
			want: []want{wantErr(conf, "API-KEY-MISSING", "auth.token")}},
		{name: "unknown key is not missing", spec: newSpec("api_key", set("probe_url", probe), withUnknown("auth.token_wo"))},
		{name: "query without a name", spec: newSpec("api_key", set("probe_url", probe, "location", "query"), withToken(key)),
			want: []want{wantErr(conf, "", "api_key.name")}},
		{name: "header name with colon", spec: newSpec("api_key", set("probe_url", probe, "name", "Authorization:"), withToken(key)),
			want: []want{wantErr(conf, "RFC9110-5.1", "api_key.name")}},
		{name: "header name with value", spec: newSpec("api_key", set("probe_url", probe, "name", "X-API-Key: abc"), withToken(key)),
			want: []want{wantErr(conf, "RFC9110-5.1", "api_key.name")}},
		{name: "query name with =", spec: newSpec("api_key", set("probe_url", probe, "location", "query", "name", "api_key="), withToken(key)),
			want: []want{wantErr(conf, "API-KEY-QUERY-NAME", "api_key.name")}},
		{name: "prefix without space", spec: newSpec("api_key", set("probe_url", probe, "prefix", "Bearer"), withToken(key)),
			want: []want{wantErr(conf, "API-KEY-PREFIX", "api_key.prefix")}},
		{name: "scheme typed into the key", spec: newSpec("api_key", set("probe_url", probe), withToken("Bearer "+key)),
			want: []want{wantErr(conf, "SECRET-SCHEME-PREFIX", "auth.token_wo")}},
		{name: "client secret is not used", spec: newSpec("api_key", set("probe_url", probe), withToken(key), withClient("", "s3cr3t-value-123")),
			want: []want{wantWarn(conf, "", "auth.client_secret_wo")}},
	})
}
