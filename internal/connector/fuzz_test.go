package connector

import (
	"encoding/json"
	"strings"
	"testing"
)

// Fuzz tests: the rules run on whatever a user (or a variable) supplies, so
// they must never panic, must only emit well-formed findings, and must never
// echo a secret.

func FuzzCheckRedirectURIs(f *testing.F) {
	for _, seed := range []string{
		"https://app.example.com/cb", "http://127.0.0.1:8080/cb", "http://localhost/cb",
		"http://[::1]/cb", "com.example.app:/cb", "https://*.example.com", "https://u:p@h/#f",
		"localhost:80/x", "javascript:alert(1)", "urn:ietf:wg:oauth:2.0:oob", "%zz", "http://[::1",
		"msal00000000-0000-0000-0000-000000000000://auth", "", " ", "\x00",
	} {
		f.Add(seed, uint8(0))
	}
	policies := []RedirectPolicy{
		{},
		{NativeSchemes: true},
		{HTTPOnlyLocalhost: true, MaxLength: 256, NativeSchemes: true},
		{AllowNonTLSSetting: "allow_non_tls_redirect_uri"},
		{MaxLength: 8},
	}
	f.Fuzz(func(t *testing.T, uri string, pol uint8) {
		s := &Spec{Service: "svc", RedirectURIs: []string{uri, uri}, Settings: map[string]string{"allow_non_tls_redirect_uri": "false"}}
		got := CheckRedirectURIs(s, policies[int(pol)%len(policies)])
		checkWellFormed(t, got)
		for _, fd := range got {
			if len(fd.Path) != 2 || fd.Path[0] != "redirect_uris" {
				t.Fatalf("finding at unexpected path %v", fd.Path)
			}
		}
		// The second copy must only ever be reported as a duplicate.
		for _, fd := range got {
			if fd.Path[1] == 1 && fd.Code != codeRedirectDuplicate {
				t.Fatalf("duplicate reported as %s", fd.Code)
			}
		}
		// Userinfo may carry a password: it must never be quoted.
		if at := strings.Index(uri, "@"); at > 0 {
			if i := strings.Index(uri, "://"); i >= 0 && i+3 < at {
				if userinfo := uri[i+3 : at]; len(userinfo) >= 10 {
					assertNoLeak(t, got, userinfo)
				}
			}
		}
	})
}

func FuzzCheckScopes(f *testing.F) {
	for _, seed := range []string{"openid", "", "openid profile", "a,b", "offline_access", "“x”", "\t", "https://www.googleapis.com/auth/admin.directory.user.readonly"} {
		f.Add(seed, "openid", true)
	}
	p := &Profile{ID: "oauth2", DisplayName: "OAuth 2.0", OfflineScope: "offline_access"}
	f.Fuzz(func(t *testing.T, a, b string, refresh bool) {
		s := &Spec{Service: "oauth2", RequiredScopes: []string{a, b}, RequireRefreshToken: refresh}
		got := CheckScopes(s, p)
		checkWellFormed(t, got)
		if !refresh {
			for _, fd := range got {
				if fd.Category != "invalid_scope" {
					t.Fatalf("unexpected category %s", fd.Category)
				}
			}
		}
	})
}

func FuzzCheckSecrets(f *testing.F) {
	for _, seed := range []string{"", " ", "Bearer abc", "abc\n", `"abc"`, "SSWS 00abc", "a\x00b", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		s := &Spec{Service: "oauth2", Auth: Auth{
			ClientSecret: Secret{Attr: "client_secret_wo", Value: v},
			Token:        Secret{Attr: "token", Value: v},
			Password:     Secret{Attr: "password", Value: v},
			PrivateKey:   Secret{Attr: "private_key", Value: v},
		}}
		got := CheckSecrets(s)
		checkWellFormed(t, got)
		if len(strings.TrimSpace(v)) >= 10 {
			assertNoLeak(t, got, strings.TrimSpace(v))
		}
	})
}

func FuzzParseServiceAccountKey(f *testing.F) {
	// Seeds use an EC key: parsing an RSA key validates it with big-number
	// arithmetic that, under the fuzzer's coverage instrumentation, takes
	// seconds per input and starves the search. The unit tests cover RSA.
	ec := func(m map[string]any) { m["private_key"] = testPEM("ec") }
	f.Add(serviceAccountJSON(f, ec))
	f.Add(serviceAccountJSON(f, func(m map[string]any) { ec(m); delete(m, "client_email") }))
	f.Add(serviceAccountJSON(f, func(m map[string]any) {
		m["private_key"] = "-----BEGIN PRIVATE KEY-----\nMIIBVQ==\n-----END PRIVATE KEY-----\n"
	}))
	f.Add(`{"type":"service_account","client_email":"a@b.co","private_key_id":"1","private_key":"secret-material-123"}`)
	f.Add("")
	f.Add("{")
	f.Fuzz(func(t *testing.T, in string) {
		k, err := ParseServiceAccountKey(in)
		if err == nil {
			if k == nil || k.Type != "service_account" || k.ClientEmail == "" || k.PrivateKeyID == "" || k.PrivateKey == "" {
				t.Fatalf("accepted an incomplete key: %+v", k)
			}
			return
		}
		if k != nil {
			t.Fatal("returned a key together with an error")
		}
		// The private key must never appear in the error. Short values are
		// skipped: they can coincide with the fixed wording ("ce_account").
		var probe struct {
			PrivateKey string `json:"private_key"`
		}
		if jsonErr := jsonUnmarshalLenient(in, &probe); jsonErr == nil && len(probe.PrivateKey) >= 24 &&
			strings.Contains(err.Error(), probe.PrivateKey) {
			t.Fatalf("error leaks the private key: %v", err)
		}
	})
}

func jsonUnmarshalLenient(in string, v any) error { return json.Unmarshal([]byte(in), v) }

func isBase64Line(s string) bool {
	return strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == ""
}
