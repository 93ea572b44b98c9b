package connector

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// Secret hygiene: the mistakes people make when pasting a credential, which
// the service then reports only as a vague 401. None of these findings may
// quote the secret or any part of it, not even its length or first
// characters: plans are shared in CI logs and pull requests.

// secretKind says how strict the hygiene rules are for one auth attribute.
type secretKind struct {
	sec Secret
	// multiline: PEM and JSON documents, where line breaks and a trailing
	// newline are normal.
	multiline bool
	// headerValue: sent as (part of) an Authorization header, so a typed
	// scheme prefix doubles up.
	headerValue bool
}

// authSchemePrefixes are auth schemes people paste together with the secret.
var authSchemePrefixes = []string{"Bearer ", "token ", "SSWS ", "Basic ", "Token "}

// CheckSecrets checks every secret given in the auth block.
func CheckSecrets(s *Spec) []finding.Finding {
	if s.IsUnknown("auth") {
		return nil
	}
	a := s.Auth
	var out []finding.Finding
	for _, k := range []secretKind{
		{sec: a.ClientSecret, headerValue: true},
		{sec: a.Token, headerValue: true},
		{sec: a.PrivateKey, multiline: true},
		{sec: a.ServiceAccountKey, multiline: true},
		{sec: a.Password},
	} {
		if !k.sec.IsSet() || s.IsUnknown("auth."+k.sec.Attr) {
			continue
		}
		out = append(out, checkSecret(k.sec.Value, k.sec.Path(), "auth."+k.sec.Attr, k.multiline, k.headerValue)...)
	}
	return out
}

// CheckSecretValue applies the same hygiene rules to a secret outside the
// auth block, such as handshake_credential's value. label names it in
// messages; headerValue says whether it is sent in an Authorization header.
func CheckSecretValue(label, value string, at finding.Path, headerValue bool) []finding.Finding {
	return checkSecret(value, at, label, false, headerValue)
}

func checkSecret(v string, path finding.Path, attr string, multiline, headerValue bool) []finding.Finding {
	if strings.TrimSpace(v) == "" {
		return []finding.Finding{finding.Errorf(finding.InvalidCredentials, path, "%s is empty", attr).
			WithCode("SECRET-EMPTY").
			WithDetail("The credential is set but contains nothing (or only whitespace); the service would reject it. This usually means a variable or environment variable was not populated.").
			WithFix("Check that the variable feeding " + attr + " is set in this workspace (for example TF_VAR_… in CI).")}
	}
	if multiline {
		return nil // PEM and JSON keys are checked by the profiles that parse them
	}
	if strings.TrimSpace(v) != v {
		return []finding.Finding{finding.Errorf(finding.InvalidCredentials, path,
			"%s has leading or trailing whitespace", attr).
			WithCode("SECRET-WHITESPACE").
			WithDetail("The value starts or ends with a space, tab or line break. Services compare credentials exactly, so the copy with whitespace fails as invalid. A trailing newline usually comes from reading the secret with file().").
			WithFix("Wrap the value in trimspace(), e.g. trimspace(file(\"secret.txt\")), or remove the whitespace from the variable.")}
	}
	if strings.IndexFunc(v, func(r rune) bool { return unicode.IsControl(r) }) >= 0 {
		return []finding.Finding{finding.Errorf(finding.InvalidCredentials, path,
			"%s contains a line break or control character", attr).
			WithCode("SECRET-CONTROL-CHARS").
			WithDetail("A credential sent in an HTTP header or form cannot contain line breaks or control characters; this usually means two values were pasted together or the file holds more than the secret.").
			WithFix("Check that the variable holds exactly one credential, without line breaks.")}
	}
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return []finding.Finding{finding.Errorf(finding.InvalidCredentials, path,
			"%s is wrapped in quotes", attr).
			WithCode("SECRET-QUOTED").
			WithDetail("The value starts and ends with a quote character. Quotes copied from a .env file or shell export become part of the credential, and the service rejects it.").
			WithFix("Remove the surrounding quotes from the variable's value.")}
	}
	if headerValue {
		for _, p := range authSchemePrefixes {
			if len(v) > len(p) && strings.EqualFold(v[:len(p)], p) {
				scheme := strings.TrimSpace(p)
				return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, path,
					"%s includes the %q auth scheme", attr, scheme).
					WithCode("SECRET-SCHEME-PREFIX").
					WithDetail("The value begins with the %s scheme. Handshake adds the authorization scheme itself, so the service would receive it twice and reject the credential.", scheme).
					WithFix(fmt.Sprintf("Remove %q from the start of the value; set only the credential itself.", p))}
			}
		}
	}
	return nil
}
