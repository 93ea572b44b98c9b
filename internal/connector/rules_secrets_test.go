package connector

import (
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestCheckSecrets(t *testing.T) {
	const (
		creds = finding.InvalidCredentials
		conf  = finding.InvalidConfiguration
		real  = "Qx58Q~kT0pS3cr3tV4lu3zzYYxxWWvvUU.abc"
	)
	sec := func(attr, v string) Secret { return Secret{Attr: attr, Value: v} }
	pem := "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"

	tests := []struct {
		name    string
		auth    Auth
		unknown map[string]bool
		want    []want
	}{
		{name: "clean secrets", auth: Auth{ClientID: "abc", ClientSecret: sec("client_secret", real), Token: sec("token", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"), Password: sec("password", "correct horse battery staple")}},
		{name: "nothing set", auth: Auth{}},
		{name: "empty client secret", auth: Auth{ClientSecret: sec("client_secret", "")},
			want: []want{{"auth.client_secret", creds, sevErr, "SECRET-EMPTY"}}},
		{name: "whitespace-only write-only secret", auth: Auth{ClientSecret: sec("client_secret_wo", " \n")},
			want: []want{{"auth.client_secret_wo", creds, sevErr, "SECRET-EMPTY"}}},
		{name: "trailing newline from file()", auth: Auth{Token: sec("token", real+"\n")},
			want: []want{{"auth.token", creds, sevErr, "SECRET-WHITESPACE"}}},
		{name: "leading space", auth: Auth{Password: sec("password_wo", " "+real)},
			want: []want{{"auth.password_wo", creds, sevErr, "SECRET-WHITESPACE"}}},
		{name: "inner line break", auth: Auth{Token: sec("token", "abc\ndef")},
			want: []want{{"auth.token", creds, sevErr, "SECRET-CONTROL-CHARS"}}},
		{name: "quoted", auth: Auth{ClientSecret: sec("client_secret", `"`+real+`"`)},
			want: []want{{"auth.client_secret", creds, sevErr, "SECRET-QUOTED"}}},
		{name: "Bearer prefix", auth: Auth{Token: sec("token", "Bearer "+real)},
			want: []want{{"auth.token", conf, sevErr, "SECRET-SCHEME-PREFIX"}}},
		{name: "lower-case bearer prefix", auth: Auth{Token: sec("token_wo", "bearer "+real)},
			want: []want{{"auth.token_wo", conf, sevErr, "SECRET-SCHEME-PREFIX"}}},
		{name: "GitHub token prefix", auth: Auth{Token: sec("token", "token ghp_16C7e42F292c6912E7710c838347Ae178B4a")},
			want: []want{{"auth.token", conf, sevErr, "SECRET-SCHEME-PREFIX"}}},
		{name: "Okta SSWS prefix", auth: Auth{Token: sec("token", "SSWS 00QCjAl4MlV-WPXM-ABCDEFGHIJKLMNOPQRSTUVWX")},
			want: []want{{"auth.token", conf, sevErr, "SECRET-SCHEME-PREFIX"}}},
		{name: "prefix check does not apply to passwords", auth: Auth{Password: sec("password", "Bearer "+real)}},
		{name: "a word that merely starts like a scheme", auth: Auth{Token: sec("token", "tokenABC123")}},
		{name: "private key with trailing newline is normal", auth: Auth{PrivateKey: sec("private_key", pem)}},
		{name: "service account key with newlines is normal", auth: Auth{ServiceAccountKey: sec("service_account_key", "{\n  \"type\": \"service_account\"\n}\n")}},
		{name: "empty private key", auth: Auth{PrivateKey: sec("private_key_wo", "\n")},
			want: []want{{"auth.private_key_wo", creds, sevErr, "SECRET-EMPTY"}}},
		{name: "unknown secret skipped", auth: Auth{ClientSecret: sec("client_secret_wo", "")},
			unknown: map[string]bool{"auth.client_secret_wo": true}},
		{name: "unknown auth block skipped", auth: Auth{Token: sec("token", " x ")},
			unknown: map[string]bool{"auth": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Spec{Service: "oauth2", Auth: tt.auth, Unknown: tt.unknown}
			got := CheckSecrets(s)
			assertFindings(t, got, tt.want...)
			for _, v := range s.Secrets() {
				if len(v) >= 8 {
					assertNoLeak(t, got, v)
				}
			}
			assertNoLeak(t, got, real)
		})
	}
}
