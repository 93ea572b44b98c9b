package httpapi

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestHTTPProfile(t *testing.T) {
	const (
		conf = finding.InvalidConfiguration
		url  = "https://status.example.com/healthz"
		pw   = "correct-horse-battery-staple"
	)
	servicetest.RunProfileCases(t, profile(), []servicetest.ProfileCase{
		{Name: "valid unauthenticated", Spec: servicetest.NewSpec("http", servicetest.Set("url", url))},
		{Name: "valid basic, inferred", Spec: servicetest.NewSpec("http", servicetest.Set("url", url), servicetest.WithUser("monitor"), servicetest.WithPassword(pw))},
		{Name: "valid bearer, explicit", Spec: servicetest.NewSpec("http", servicetest.Set("url", url, "auth_scheme", "bearer"), servicetest.WithToken("eyJhbGciOiJSUzI1NiJ9.e30.sig"))},
		{Name: "loopback http", Spec: servicetest.NewSpec("http", servicetest.Set("url", "http://127.0.0.1:8080/healthz"))},

		{Name: "empty url", Spec: servicetest.NewSpec("http", servicetest.Set("url", "")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "", "http.url")}},
		{Name: "plain http", Spec: servicetest.NewSpec("http", servicetest.Set("url", "http://status.example.com/healthz")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "ENDPOINT-TLS", "http.url")}},
		{Name: "credentials in the url", Spec: servicetest.NewSpec("http", servicetest.Set("url", "https://monitor:"+pw+"@status.example.com/")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "ENDPOINT-USERINFO", "http.url")}},
		{Name: "both kinds of credentials", Spec: servicetest.NewSpec("http", servicetest.Set("url", url), servicetest.WithUser("monitor"), servicetest.WithPassword(pw), servicetest.WithToken("abc123def456")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "HTTP-AUTH-AMBIGUOUS", "http.auth_scheme")}},
		{Name: "basic without user", Spec: servicetest.NewSpec("http", servicetest.Set("url", url, "auth_scheme", "basic"), servicetest.WithPassword(pw)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "RFC7617-2", "auth.username")}},
		{Name: "basic without password", Spec: servicetest.NewSpec("http", servicetest.Set("url", url), servicetest.WithUser("monitor")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "RFC7617-2", "auth.password")}},
		{Name: "user name with a colon", Spec: servicetest.NewSpec("http", servicetest.Set("url", url), servicetest.WithUser("monitor:"+pw), servicetest.WithPassword(pw)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "RFC7617-2", "auth.username")}},
		{Name: "password alone means basic", Spec: servicetest.NewSpec("http", servicetest.Set("url", url), servicetest.WithPassword(pw)),
			Want: []servicetest.Want{servicetest.WantErr(conf, "RFC7617-2", "auth.username")}},
		{Name: "bearer without token", Spec: servicetest.NewSpec("http", servicetest.Set("url", url, "auth_scheme", "bearer")),
			Want: []servicetest.Want{servicetest.WantErr(conf, "RFC6750-2.1", "auth.token")}},
		{Name: "credentials with none", Spec: servicetest.NewSpec("http", servicetest.Set("url", url, "auth_scheme", "none"), servicetest.WithToken("abc123def456")),
			Want: []servicetest.Want{servicetest.WantWarn(conf, "HTTP-AUTH-NONE", "auth.token_wo")}},
		{Name: "unknown scheme skips auth rules", Spec: servicetest.NewSpec("http", servicetest.Set("url", url), servicetest.WithUnknown("http.auth_scheme"))},
	})
}
