package kit

import (
	"fmt"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/keys"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

// Shared building blocks for service profiles. Every profile file may use
// them; keep their signatures stable, other profiles depend on them.

// Known returns a setting's value and whether it is set and known. Rules use
// it so that a value Terraform has not computed yet is neither checked nor
// reported as missing.
func Known(s *connector.Spec, name string) (string, bool) {
	if s.SettingUnknown(name) {
		return "", false
	}
	v := s.Setting(name)
	return v, v != ""
}

// SettingUnset reports whether a setting is definitely empty: not set, and
// not merely unknown at plan time.
func SettingUnset(s *connector.Spec, name string) bool {
	return !s.SettingUnknown(name) && s.Setting(name) == ""
}

// SettingOr returns the setting, or def when it is unset. An unknown setting
// also yields def, so callers that must not guess check SettingUnknown first.
func SettingOr(s *connector.Spec, name, def string) string {
	if v, ok := Known(s, name); ok {
		return v
	}
	return def
}

// ScopesKnown reports whether the required_scopes list is known at plan time.
func ScopesKnown(s *connector.Spec) bool { return !s.IsUnknown("required_scopes") }

// AuthUnknown reports whether an auth attribute (base name, e.g.
// "client_secret") is not known yet. Both the plain and the write-only
// variant count, as does an unknown auth block.
func AuthUnknown(s *connector.Spec, attr string) bool {
	return s.IsUnknown("auth") || s.IsUnknown("auth."+attr) || s.IsUnknown("auth."+attr+"_wo")
}

// ClientIDUnset reports whether auth.client_id is definitely missing.
func ClientIDUnset(s *connector.Spec) bool {
	return s.Auth.ClientID == "" && !AuthUnknown(s, "client_id")
}

// SecretUnset reports whether a secret is definitely missing (not given and
// not unknown).
func SecretUnset(s *connector.Spec, sec connector.Secret, attr string) bool {
	return !sec.IsSet() && !AuthUnknown(s, attr)
}

// AuthPath is the path of an auth attribute that is not a Secret (client_id,
// username), or of a secret that was not given at all.
func AuthPath(attr string) finding.Path { return finding.Attr("auth", attr) }

// RequireSetting reports a setting that must be present. why finishes the
// sentence "… is required …" in the detail, e.g. "to build the token URL".
func RequireSetting(name, why string) connector.Rule {
	return func(s *connector.Spec) []finding.Finding {
		if !SettingUnset(s, name) {
			return nil
		}
		return []finding.Finding{MissingSetting(s, name, why)}
	}
}

// MissingSetting is the finding RequireSetting emits, for rules that need
// the same wording under their own conditions.
func MissingSetting(s *connector.Spec, name, why string) finding.Finding {
	return finding.Errorf(finding.InvalidConfiguration, s.SettingPath(name),
		"Missing %s.%s", s.Service, name).
		WithDetail("%s.%s is required %s.", s.Service, name, why).
		WithFix(fmt.Sprintf("Set %s = { %s = \"…\" }.", s.Service, name))
}

// EndpointRules checks that each named URL setting is a usable endpoint
// (absolute, https except on loopback, no fragment or userinfo).
func EndpointRules(names ...string) connector.Rule {
	return func(s *connector.Spec) []finding.Finding {
		var out []finding.Finding
		for _, n := range names {
			out = append(out, connector.CheckEndpoint(s, n)...)
		}
		return out
	}
}

// ForEachScope runs check on every requested scope, skipping the whole list
// when it is not known yet. Paths point at required_scopes[i].
func ForEachScope(check func(s *connector.Spec, i int, scope string) []finding.Finding) connector.Rule {
	return func(s *connector.Spec) []finding.Finding {
		if !ScopesKnown(s) {
			return nil
		}
		var out []finding.Finding
		for i, sc := range s.RequiredScopes {
			out = append(out, check(s, i, sc)...)
		}
		return out
	}
}

// ScopePath is the path of required_scopes[i].
func ScopePath(i int) finding.Path { return finding.Attr("required_scopes").Index(i) }

// PrivateKeyRule checks that auth.private_key, when set and known, is a key
// (PEM or private JWK, internal/keys) Handshake can sign with. It never echoes the key. why says what the
// key is used for ("to sign the GitHub App JWT").
func PrivateKeyRule(why string) connector.Rule {
	return func(s *connector.Spec) []finding.Finding {
		return CheckPrivateKey(s, why)
	}
}

// CheckPrivateKey is PrivateKeyRule as a plain function.
func CheckPrivateKey(s *connector.Spec, why string) []finding.Finding {
	k := s.Auth.PrivateKey
	if !k.IsSet() || AuthUnknown(s, "private_key") || k.Value == "" {
		return nil // missing keys are reported by the rule that needs one; empty ones by CheckSecrets
	}
	if _, err := keys.Parse(k.Value); err != nil {
		return []finding.Finding{finding.Errorf(finding.InvalidCredentials, k.Path(),
			"The private key cannot be read").
			WithCode("PEM").
			WithDetail("auth.%s is used %s, but it is not a usable key: %v.", k.Attr, why, err).
			WithFix("Paste the whole PEM file, including the -----BEGIN …----- and -----END …----- lines (for example with file(\"key.pem\")).",
				"Use an unencrypted PKCS#1 (RSA PRIVATE KEY), PKCS#8 (PRIVATE KEY) or EC (EC PRIVATE KEY) key, or a private JWK.")}
	}
	return nil
}

// RequirePrivateKey reports a missing auth.private_key when the chosen auth
// method needs one, and checks it when present.
func RequirePrivateKey(why string) connector.Rule {
	return func(s *connector.Spec) []finding.Finding {
		if SecretUnset(s, s.Auth.PrivateKey, "private_key") {
			return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, AuthPath("private_key"),
				"Missing auth.private_key").
				WithCode("PRIVATE-KEY-MISSING").
				WithDetail("A private key is required %s.", why).
				WithFix("Set auth.private_key_wo (or auth.private_key) to the PEM private key, e.g. file(\"key.pem\").")}
		}
		return CheckPrivateKey(s, why)
	}
}

// MissingClientID is the finding for a definitely-missing auth.client_id;
// why completes "auth.client_id is required because …".
func MissingClientID(why string) finding.Finding {
	return finding.Errorf(finding.InvalidConfiguration, AuthPath("client_id"), "Missing auth.client_id").
		WithCode("CLIENT-ID-MISSING").
		WithDetail("auth.client_id is required because %s.", why).
		WithFix("Set auth.client_id to the client (application) id shown in the service's app registration.")
}

// ClientIDHygiene reports white space in auth.client_id. The id is not a
// secret (CheckSecrets does not see it), but a copied newline breaks it the
// same way.
func ClientIDHygiene(s *connector.Spec) []finding.Finding {
	id := s.Auth.ClientID
	if id == "" || AuthUnknown(s, "client_id") || !strings.ContainsAny(id, " \t\r\n") {
		return nil
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, AuthPath("client_id"),
		"auth.client_id contains white space").
		WithCode("CLIENT-ID-WHITESPACE").
		WithDetail("Client ids never contain spaces or line breaks; the service would not find a client with this id. It usually comes from copying or from file() without trimspace().").
		WithFix("Remove the white space, e.g. auth = { client_id = trimspace(var.client_id) }.")}
}

// OAuthFindingMaker returns a builder of findings for one OAuth error answer
// (RFC 6749 §5.2) from who ("Okta's authorization server"): each finding
// quotes the answer in its detail, followed by the vendor-specific why.
func OAuthFindingMaker(who string, e probe.OAuthError, status int) func(cat finding.Category, summary, why string, fixes ...string) finding.Finding {
	detail := fmt.Sprintf("%s answered %q", who, e.Code)
	if e.Description != "" {
		detail += fmt.Sprintf(": %q", e.Description)
	}
	if status > 0 {
		detail += fmt.Sprintf(" (HTTP %d)", status)
	}
	detail += "."
	return func(cat finding.Category, summary, why string, fixes ...string) finding.Finding {
		d := detail
		if why != "" {
			d += " " + why
		}
		return finding.Finding{Severity: finding.Error, Category: cat, Code: e.Code,
			Summary: summary + " (" + e.Code + ")", Detail: d, Remediation: fixes}
	}
}

// OrDefault returns v, or def when v is empty.
func OrDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// SecretPath is the secret's attribute path, or auth.<base> when it
// was not given at all.
func SecretPath(sec connector.Secret, base string) finding.Path {
	if sec.IsSet() {
		return sec.Path()
	}
	return AuthPath(base)
}

// LowerFirstRune lower-cases the first letter of a summary joined after a prefix.
func LowerFirstRune(s string) string {
	if s == "" || len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' {
		return s // an acronym such as "HTTP" or "TLS"
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// ContainsFold reports whether list holds v, ignoring case.
func ContainsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// TextDecoder adapts a decoder of (status, body text) to connector.Decoder,
// for vendors whose answers carry everything in the body.
func TextDecoder(fn func(status int, body string) (finding.Finding, bool)) connector.Decoder {
	return func(a connector.Answer) (finding.Finding, bool) { return fn(a.StatusCode, string(a.Body)) }
}

// NameSetting is the start every rule on a naming setting shares (a realm,
// tenant, instance, subdomain or account that goes into the service's URLs
// whole): ok is false when the value is unknown at plan time or not set
// (the schema says whether it is required), and when it is blank, fs is the
// finding for that. usedFor says what the value is part of; fix how to set it.
func NameSetting(s *connector.Spec, name, code, usedFor, fix string) (v string, fs []finding.Finding, ok bool) {
	if s.SettingUnknown(name) {
		return "", nil, false
	}
	v, present := s.Settings[name]
	if !present {
		return "", nil, false
	}
	if strings.TrimSpace(v) == "" {
		return v, []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath(name), "%s.%s is empty", s.Service, name).
			WithCode(code).
			WithDetail("%s; an empty value usually means a variable was not set.", usedFor).
			WithFix(fix)}, false
	}
	return v, nil, true
}
