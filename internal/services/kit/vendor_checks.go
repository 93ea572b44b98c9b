package kit

import (
	"crypto"
	"crypto/rsa"
	"fmt"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/keys"
)

// Checks shared by the SaaS profiles (Slack … AWS) that helpers.go does not
// offer: settings that take a bare host or name, where people most often
// paste the browser's address bar instead.

// StripURL turns "https://acme.example.com/path?x#y" into "acme.example.com":
// the value a host-only setting most likely meant. Settings are not secret,
// so the result may appear in a fix.
func StripURL(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.Index(v, "://"); i >= 0 {
		v = v[i+3:]
	}
	if i := strings.IndexAny(v, "/?#"); i >= 0 {
		v = v[:i]
	}
	return strings.ToLower(v)
}

// NotURL reports a host-only setting that holds a URL (a scheme or a path).
// what names the value ("the instance host name"); code is the rule id.
func NotURL(s *connector.Spec, name, code, what string) []finding.Finding {
	v, ok := Known(s, name)
	if !ok || !strings.ContainsAny(v, "/?#") {
		return nil
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath(name),
		"%s.%s must be %s, not a URL", s.Service, name, what).
		WithCode(code).
		WithDetail("Handshake builds the https URLs itself from %s; a scheme or path here produces an address that does not exist. To point the connector at another server (for tests), use base_url instead.", what).
		WithFix(fmt.Sprintf("Set %s = { %s = %q }.", s.Service, name, StripURL(v)))}
}

// HasSpace reports leading, trailing or inner white space, which no vendor
// identifier contains and which copy-paste often adds.
func HasSpace(v string) bool { return strings.ContainsAny(v, " \t\r\n") }

// SpaceFinding reports white space in an identifier setting.
func SpaceFinding(s *connector.Spec, name, code string) finding.Finding {
	return finding.Errorf(finding.InvalidConfiguration, s.SettingPath(name),
		"%s.%s contains white space", s.Service, name).
		WithCode(code).
		WithDetail("The value is sent as part of a URL or a login request, where white space makes it a different identifier; it most likely came in with copy and paste.").
		WithFix(fmt.Sprintf("Remove the spaces or line breaks from %s.%s (trimspace() helps with values read from files).", s.Service, name))
}

// IsURLScope reports a scope written as a URL (Google or Microsoft Graph
// style), which services with short scope names reject.
func IsURLScope(scope string) bool {
	return strings.Contains(scope, "://") || strings.HasPrefix(scope, "api://")
}

// URLScopeFinding reports a URL-shaped scope for a service whose scopes are
// short names; example shows the right form.
func URLScopeFinding(s *connector.Spec, i int, display, example string) finding.Finding {
	return finding.Errorf(finding.InvalidScope, ScopePath(i),
		"%s does not use URL scopes", display).
		WithCode("invalid_scope").
		WithDetail("required_scopes[%d] looks like a Google or OIDC resource URL; %s scopes are short names such as %s, and the authorization server rejects any other value with invalid_scope.", i, display, example).
		WithFix(fmt.Sprintf("Replace it with the %s scope that grants the access you need (for example %s).", display, example))
}

// RSAKeyRule checks that auth.private_key, when readable, is an RSA key of
// at least minBits: vendors that sign with RS256 only (Snowflake key-pair
// auth, Salesforce JWT bearer) refuse EC and Ed25519 keys. Unreadable keys
// are left to CheckPrivateKey, so each problem is reported once.
func RSAKeyRule(display string, minBits int, code string) connector.Rule {
	return func(s *connector.Spec) []finding.Finding {
		k := s.Auth.PrivateKey
		if !k.IsSet() || k.Value == "" || AuthUnknown(s, "private_key") {
			return nil
		}
		key, err := keys.Parse(k.Value)
		if err != nil {
			return nil
		}
		rk, ok := key.Signer.(*rsa.PrivateKey)
		switch {
		case !ok:
			return []finding.Finding{finding.Errorf(finding.InvalidCredentials, k.Path(),
				"%s needs an RSA private key", display).
				WithCode(code).
				WithDetail("auth.%s holds a %s key; %s verifies signatures with RS256 only, so it would reject every login signed with this key.", k.Attr, KeyKind(key.Signer), display).
				WithFix("Generate an RSA key (for example: openssl genrsa 2048 | openssl pkcs8 -topk8 -nocrypt), register its public key with " + display + ", and use the new private key here.")}
		case rk.N.BitLen() < minBits:
			return []finding.Finding{finding.Errorf(finding.InvalidCredentials, k.Path(),
				"%s needs an RSA key of at least %d bits", display, minBits).
				WithCode(code).
				WithDetail("auth.%s is a %d-bit RSA key; %s refuses keys shorter than %d bits.", k.Attr, rk.N.BitLen(), display, minBits).
				WithFix(fmt.Sprintf("Generate a %d-bit (or longer) RSA key, register its public key with %s, and use the new private key here.", minBits, display))}
		}
		return nil
	}
}

// KeyKind names a parsed key's algorithm for messages (keys.Kind).
func KeyKind(k crypto.Signer) string { return keys.Kind(k) }

// SecretValue returns a secret for shape checks (token prefixes, key id
// formats) only when it is set, known and free of the paste mistakes
// connector.CheckSecrets already reports (empty, surrounding white space,
// quotes, a "Bearer " prefix), so one mistake yields one finding.
func SecretValue(s *connector.Spec, sec connector.Secret, attr string) (string, bool) {
	v := sec.Value
	if !sec.IsSet() || AuthUnknown(s, attr) || strings.TrimSpace(v) == "" {
		return "", false
	}
	if strings.ContainsAny(v, " \t\r\n") || (len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0]) {
		return "", false
	}
	return v, true
}

// UsernameKnown returns auth.username when it is set and known.
func UsernameKnown(s *connector.Spec) (string, bool) {
	if AuthUnknown(s, "username") || s.Auth.Username == "" {
		return "", false
	}
	return s.Auth.Username, true
}

// EmptySetting reports a setting that is present but "": the schema's
// Required accepts it, and it usually means an unset variable. (White space
// is left to the rules that check the value's form.)
func EmptySetting(s *connector.Spec, name string) bool {
	v, present := s.Settings[name]
	return present && !s.SettingUnknown(name) && v == ""
}

// RequireNonBlank is RequireSetting for required settings given as "".
func RequireNonBlank(name, why string) connector.Rule {
	return func(s *connector.Spec) []finding.Finding {
		if !EmptySetting(s, name) {
			return nil
		}
		return []finding.Finding{MissingSetting(s, name, why)}
	}
}
