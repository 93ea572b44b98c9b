package connector

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

const (
	rInvalid = finding.RedirectURIInvalid
	sevErr   = finding.Error
	sevWarn  = finding.Warning
)

func TestCheckRedirectURIs(t *testing.T) {
	entra := RedirectPolicy{HTTPOnlyLocalhost: true, MaxLength: 256, NativeSchemes: true}
	snowflake := RedirectPolicy{AllowNonTLSSetting: "allow_non_tls_redirect_uri"}
	native := RedirectPolicy{NativeSchemes: true}
	at0 := "redirect_uris[0]"

	tests := []struct {
		name     string
		uris     []string
		pol      RedirectPolicy
		settings map[string]string
		unknown  map[string]bool
		want     []want
	}{
		{name: "https is fine", uris: []string{"https://governance.example.com/oauth/callback"}},
		{name: "https with port and query", uris: []string{"https://app.example.com:8443/cb?tenant=eu"}},
		{name: "http loopback IPv4", uris: []string{"http://127.0.0.1:8400/callback"}},
		{name: "http loopback elsewhere in 127/8", uris: []string{"http://127.0.0.2/callback"}},
		{name: "http loopback IPv6", uris: []string{"http://[::1]:8400/callback"}},
		{name: "http localhost warns", uris: []string{"http://localhost:3000/callback"},
			want: []want{{at0, rInvalid, sevWarn, "RFC8252-8.3"}}},
		{name: "https localhost does not warn", uris: []string{"https://localhost/callback"}},
		{name: "http public host", uris: []string{"http://app.example.com/callback"},
			want: []want{{at0, rInvalid, sevErr, "RFC9700-2.6"}}},
		{name: "http private network host", uris: []string{"http://10.0.0.5/callback"},
			want: []want{{at0, rInvalid, sevErr, "RFC9700-2.6"}}},
		{name: "fragment", uris: []string{"https://app.example.com/cb#done"},
			want: []want{{at0, rInvalid, sevErr, "RFC6749-3.1.2.FRAGMENT"}}},
		{name: "empty fragment", uris: []string{"https://app.example.com/cb#"},
			want: []want{{at0, rInvalid, sevErr, "RFC6749-3.1.2.FRAGMENT"}}},
		{name: "wildcard host", uris: []string{"https://*.example.com/cb"},
			want: []want{{at0, rInvalid, sevErr, "RFC9700-2.1"}}},
		{name: "wildcard path", uris: []string{"https://app.example.com/*"},
			want: []want{{at0, rInvalid, sevErr, "RFC9700-2.1"}}},
		{name: "userinfo", uris: []string{"https://admin:hunter2@app.example.com/cb"},
			want: []want{{at0, rInvalid, sevErr, "RFC3986-3.2.1"}}},
		{name: "relative", uris: []string{"/oauth/callback"},
			want: []want{{at0, rInvalid, sevErr, "RFC6749-3.1.2"}}},
		{name: "host without scheme", uris: []string{"localhost:8080/callback"},
			want: []want{{at0, rInvalid, sevErr, "RFC6749-3.1.2"}}},
		{name: "scheme without host", uris: []string{"https:///callback"},
			want: []want{{at0, rInvalid, sevErr, "RFC6749-3.1.2"}}},
		{name: "unparseable", uris: []string{"https://app.example.com:port/cb"},
			want: []want{{at0, rInvalid, sevErr, "RFC6749-3.1.2"}}},
		{name: "empty", uris: []string{""},
			want: []want{{at0, rInvalid, sevErr, "RFC6749-3.1.2"}}},
		{name: "trailing newline", uris: []string{"https://app.example.com/cb\n"},
			want: []want{{at0, rInvalid, sevErr, "RFC3986-2"}}},
		{name: "javascript scheme", uris: []string{"javascript:alert(1)"}, pol: native,
			want: []want{{at0, rInvalid, sevErr, "REDIRECT-UNSAFE-SCHEME"}}},
		{name: "private-use scheme refused by default", uris: []string{"com.example.app:/callback"},
			want: []want{{at0, rInvalid, sevErr, "RFC8252-7.1"}}},
		{name: "private-use scheme allowed for native", uris: []string{"com.example.app:/callback"}, pol: native},
		{name: "private-use scheme without dot", uris: []string{"myapp://callback"}, pol: native,
			want: []want{{at0, rInvalid, sevErr, "RFC8252-7.1"}}},
		{name: "duplicate warns on the later element",
			uris: []string{"https://a.example.com/cb", "https://b.example.com/cb", "https://a.example.com/cb"},
			want: []want{{"redirect_uris[2]", rInvalid, sevWarn, "REDIRECT-DUPLICATE"}}},
		{name: "several faults on one URI", uris: []string{"http://user@app.example.com/cb#x"},
			want: []want{
				{at0, rInvalid, sevErr, "RFC6749-3.1.2.FRAGMENT"},
				{at0, rInvalid, sevErr, "RFC3986-3.2.1"},
				{at0, rInvalid, sevErr, "RFC9700-2.6"},
			}},
		{name: "second element is reported at its index", uris: []string{"https://ok.example.com/cb", "http://bad.example.com/cb"},
			want: []want{{"redirect_uris[1]", rInvalid, sevErr, "RFC9700-2.6"}}},
		{name: "unknown list is skipped", uris: []string{"http://bad.example.com/cb"}, unknown: map[string]bool{"redirect_uris": true}},

		// Entra: http only for localhost and 127.0.0.1; 256 characters.
		{name: "entra http localhost warns", pol: entra, uris: []string{"http://localhost/myApp"},
			want: []want{{at0, rInvalid, sevWarn, "RFC8252-8.3"}}},
		{name: "entra http 127.0.0.1", pol: entra, uris: []string{"http://127.0.0.1:5000/auth"}},
		{name: "entra http other loopback", pol: entra, uris: []string{"http://127.0.0.2/auth"},
			want: []want{{at0, rInvalid, sevErr, "REDIRECT-HTTP-LOCALHOST-ONLY"}}},
		{name: "entra http ipv6 loopback", pol: entra, uris: []string{"http://[::1]/auth"},
			want: []want{{at0, rInvalid, sevErr, "REDIRECT-HTTP-LOCALHOST-ONLY"}}},
		{name: "entra http public", pol: entra, uris: []string{"http://contoso.com/abc/response-oidc"},
			want: []want{{at0, rInvalid, sevErr, "REDIRECT-HTTP-LOCALHOST-ONLY"}}},
		{name: "entra MSAL desktop scheme", pol: entra, uris: []string{"msal0f3b1c2d-aaaa-bbbb-cccc-123456789012://auth"}},
		{name: "entra MSAL android scheme", pol: entra, uris: []string{"msauth://com.contoso.app/2pmj9i4rSx0yEb%2FviWBYkE%2FZQrk%3D"}},
		{name: "entra iOS broker scheme", pol: entra, uris: []string{"msauth.com.contoso.app://auth"}},
		{name: "msal lookalike is not exempt", pol: entra, uris: []string{"msalfoo://auth"},
			want: []want{{at0, rInvalid, sevErr, "RFC8252-7.1"}}},
		{name: "out-of-band", pol: native, uris: []string{"urn:ietf:wg:oauth:2.0:oob"},
			want: []want{{at0, rInvalid, sevErr, "RFC8252-7.OOB"}}},
		{name: "entra length 256 ok", pol: entra, uris: []string{"https://contoso.com/" + strings.Repeat("a", 256-len("https://contoso.com/"))}},
		{name: "entra length 257", pol: entra, uris: []string{"https://contoso.com/" + strings.Repeat("a", 257-len("https://contoso.com/"))},
			want: []want{{at0, rInvalid, sevErr, "REDIRECT-MAX-LENGTH"}}},

		// Snowflake: http anywhere only when the account allows non-TLS redirects.
		{name: "snowflake http refused", pol: snowflake, uris: []string{"http://127.0.0.1:8080/cb"},
			want: []want{{at0, rInvalid, sevErr, "REDIRECT-NON-TLS"}}},
		{name: "snowflake http allowed by setting", pol: snowflake, uris: []string{"http://tableau.internal.example.com/cb"},
			settings: map[string]string{"allow_non_tls_redirect_uri": "true"}},
		{name: "snowflake http with setting false", pol: snowflake, uris: []string{"http://tableau.internal.example.com/cb"},
			settings: map[string]string{"allow_non_tls_redirect_uri": "false"},
			want:     []want{{at0, rInvalid, sevErr, "REDIRECT-NON-TLS"}}},
		{name: "snowflake http with setting unknown", pol: snowflake, uris: []string{"http://tableau.internal.example.com/cb"},
			unknown: map[string]bool{"snowflake.allow_non_tls_redirect_uri": true}},
		{name: "snowflake https", pol: snowflake, uris: []string{"https://tableau.example.com/cb"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Spec{Service: "snowflake", RedirectURIs: tt.uris, Settings: tt.settings, Unknown: tt.unknown}
			got := CheckRedirectURIs(s, tt.pol)
			assertFindings(t, got, tt.want...)
			assertNoLeak(t, got, "hunter2")
		})
	}
}

// The URI itself is never quoted, so a password in userinfo cannot leak.
func TestCheckRedirectURIsNeverQuotesURI(t *testing.T) {
	uri := "http://svc:S3cr3t-Pa55@intranet.example.com/cb#frag"
	got := CheckRedirectURIs(&Spec{RedirectURIs: []string{uri}}, RedirectPolicy{MaxLength: 10})
	if len(got) == 0 {
		t.Fatal("expected findings")
	}
	assertNoLeak(t, got, "S3cr3t-Pa55")
}
