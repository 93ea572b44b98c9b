package services

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestHTTPProfile(t *testing.T) {
	const (
		conf = finding.InvalidConfiguration
		url  = "https://status.example.com/healthz"
		pw   = "correct-horse-battery-staple"
	)
	runCatalogCases(t, []profileCase{
		{name: "valid unauthenticated", spec: newSpec("http", set("url", url))},
		{name: "valid basic, inferred", spec: newSpec("http", set("url", url), withUser("monitor"), withPassword(pw))},
		{name: "valid bearer, explicit", spec: newSpec("http", set("url", url, "auth_scheme", "bearer"), withToken("eyJhbGciOiJSUzI1NiJ9.e30.sig"))},
		{name: "loopback http", spec: newSpec("http", set("url", "http://127.0.0.1:8080/healthz"))},

		{name: "empty url", spec: newSpec("http", set("url", "")),
			want: []want{wantErr(conf, "", "http.url")}},
		{name: "plain http", spec: newSpec("http", set("url", "http://status.example.com/healthz")),
			want: []want{wantErr(conf, "ENDPOINT-TLS", "http.url")}},
		{name: "credentials in the url", spec: newSpec("http", set("url", "https://monitor:"+pw+"@status.example.com/")),
			want: []want{wantErr(conf, "ENDPOINT-USERINFO", "http.url")}},
		{name: "both kinds of credentials", spec: newSpec("http", set("url", url), withUser("monitor"), withPassword(pw), withToken("abc123def456")),
			want: []want{wantErr(conf, "HTTP-AUTH-AMBIGUOUS", "http.auth_scheme")}},
		{name: "basic without user", spec: newSpec("http", set("url", url, "auth_scheme", "basic"), withPassword(pw)),
			want: []want{wantErr(conf, "RFC7617-2", "auth.username")}},
		{name: "basic without password", spec: newSpec("http", set("url", url), withUser("monitor")),
			want: []want{wantErr(conf, "RFC7617-2", "auth.password")}},
		{name: "user name with a colon", spec: newSpec("http", set("url", url), withUser("monitor:"+pw), withPassword(pw)),
			want: []want{wantErr(conf, "RFC7617-2", "auth.username")}},
		{name: "password alone means basic", spec: newSpec("http", set("url", url), withPassword(pw)),
			want: []want{wantErr(conf, "RFC7617-2", "auth.username")}},
		{name: "bearer without token", spec: newSpec("http", set("url", url, "auth_scheme", "bearer")),
			want: []want{wantErr(conf, "RFC6750-2.1", "auth.token")}},
		{name: "credentials with none", spec: newSpec("http", set("url", url, "auth_scheme", "none"), withToken("abc123def456")),
			want: []want{wantWarn(conf, "HTTP-AUTH-NONE", "auth.token_wo")}},
		{name: "unknown scheme skips auth rules", spec: newSpec("http", set("url", url), withUnknown("http.auth_scheme"))},
	})
}
