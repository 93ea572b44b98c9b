package connector

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestCheckEndpoint(t *testing.T) {
	const conf = finding.InvalidConfiguration
	at := "oauth2.token_url"
	tests := []struct {
		name    string
		value   string
		unknown bool
		want    []want
	}{
		{name: "unset"},
		{name: "unknown", value: "nonsense", unknown: true},
		{name: "https", value: "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"},
		{name: "http loopback for tests", value: "http://127.0.0.1:38211/token"},
		{name: "http localhost", value: "http://localhost:8080/token"},
		{name: "http ipv6 loopback", value: "http://[::1]:8080/token"},
		{name: "http public", value: "http://idp.example.com/token",
			want: []want{{at, conf, sevErr, "ENDPOINT-TLS"}}},
		{name: "bare host", value: "idp.example.com/token",
			want: []want{{at, conf, sevErr, "ENDPOINT-URL"}}},
		{name: "host and port without scheme", value: "idp.example.com:443/token",
			want: []want{{at, conf, sevErr, "ENDPOINT-URL"}}},
		{name: "relative path", value: "/oauth2/token",
			want: []want{{at, conf, sevErr, "ENDPOINT-URL"}}},
		{name: "ftp", value: "ftp://idp.example.com/token",
			want: []want{{at, conf, sevErr, "ENDPOINT-SCHEME"}}},
		{name: "no host", value: "https:///token",
			want: []want{{at, conf, sevErr, "ENDPOINT-URL"}}},
		{name: "bad port", value: "https://idp.example.com:abc/token",
			want: []want{{at, conf, sevErr, "ENDPOINT-URL"}}},
		{name: "trailing newline", value: "https://idp.example.com/token\n",
			want: []want{{at, conf, sevErr, "ENDPOINT-WHITESPACE"}}},
		{name: "fragment", value: "https://idp.example.com/token#x",
			want: []want{{at, conf, sevErr, "ENDPOINT-FRAGMENT"}}},
		{name: "userinfo", value: "https://svc:pa55w0rd-xyz@idp.example.com/token",
			want: []want{{at, conf, sevErr, "ENDPOINT-USERINFO"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Spec{Service: "oauth2", Settings: map[string]string{"token_url": tt.value}}
			if tt.unknown {
				s.Unknown = map[string]bool{"oauth2.token_url": true}
			}
			got := CheckEndpoint(s, "token_url")
			assertFindings(t, got, tt.want...)
			assertNoLeak(t, got, "pa55w0rd-xyz")
		})
	}
}
