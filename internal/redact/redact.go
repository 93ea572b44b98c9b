// Package redact removes secrets from text Handshake shows, known values (Values) and
// shapes of credentials (Text), replacing each with the one Placeholder.
package redact

import (
	"regexp"
	"sort"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/vendortext"
)

// Placeholder replaces a secret wherever Handshake removes one: in what
// diagnose returns (a message pasted into a configuration may carry the
// credential that failed) and in live-check results. The docs quote it.
const Placeholder = "[REDACTED]"

var (
	rePEMKey = regexp.MustCompile(`(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)`)
	// JSON Web Tokens (and JWS/JWE compact forms): base64url of `{"`.
	reJWT = regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{6,}(?:\.[A-Za-z0-9_\-]*){0,4}`)
	// GitHub tokens: ghp_ (classic PAT), gho_ (OAuth), ghu_/ghs_ (App user
	// and installation), ghr_ (refresh), github_pat_ (fine-grained).
	reGitHubToken = regexp.MustCompile(`\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]+`)
	// Slack tokens: xoxb-, xoxp-, xoxa-, xoxe-, xoxs-, xoxr-, xoxe.xoxp-, xapp-.
	reSlackToken = regexp.MustCompile(`\b(xox[a-z](?:\.xox[a-z])?-|xapp-)[A-Za-z0-9\-]+`)
	// AWS access key ids.
	reAWSKeyID = regexp.MustCompile(`\b((?:AKIA|ASIA|AROA|AIDA)[0-9A-Z]{16})\b`)
	// Credentials after an auth scheme: Authorization: Bearer …, SSWS …, token ….
	reSchemeToken = regexp.MustCompile(`(?i)\b(bearer|ssws|token|basic|dpop|sharedaccesssignature)([ \t]+)([A-Za-z0-9\-._~+/]+=*)`)
	// key=value and "key": "value" pairs whose key names a secret.
	reSecretKV = regexp.MustCompile(`(?i)(?:\b|_)(access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|client[_-]?assertion|assertion|subject[_-]?token|device[_-]?code|code[_-]?verifier|password|passwd|pwd|secret|api[_-]?key|apikey|x-api-key|private[_-]?key|token|sig|signature|authorization|cookie|set-cookie|session[_-]?id)(\\?["']?[ \t]*[:=][ \t]*\\?["']?)((?:(?:bearer|basic|ssws|token|dpop)[ \t]+)?[^\s"'&,;<>(){}\[\]\\]+)`)
	// ?code=… in redirect URLs: an authorization code.
	reAuthCode = regexp.MustCompile(`([?&#]code=)([^&\s"'#<>\\]+)`)
	// Long opaque strings: API tokens, keys, signatures.
	reOpaque = regexp.MustCompile(`[A-Za-z0-9+/_\-]{32,}={0,2}`)
	reGUID   = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)
)

// strongKeys name values that are always secret, whatever they look like.
var strongKeys = map[string]bool{
	"access_token": true, "refresh_token": true, "id_token": true, "client_secret": true,
	"client_assertion": true, "subject_token": true, "device_code": true, "code_verifier": true,
	"password": true, "passwd": true, "pwd": true, "api_key": true, "apikey": true,
	"x-api-key": true, "private_key": true, "cookie": true, "set-cookie": true,
}

// Text removes secrets recognised by their shape from s: private keys,
// JWTs, vendor tokens, credentials after an auth scheme or a secret-named
// key, authorization codes and long opaque strings. It is idempotent:
// Text(Text(s)) == Text(s), and Placeholder never looks like a secret.
func Text(s string) string {
	for range 3 {
		r := redactOnce(s)
		if r == s {
			return r
		}
		s = r
	}
	return s
}

func redactOnce(s string) string {
	if s == "" {
		return s
	}
	// Each pattern runs only when the text holds one of its keywords:
	// regexps are slow on 64 KiB of text.
	lower := strings.ToLower(s)
	if strings.Contains(lower, "private key-----") {
		s = rePEMKey.ReplaceAllString(s, "-----BEGIN PRIVATE KEY-----"+Placeholder+"-----END PRIVATE KEY-----")
	}
	if strings.Contains(s, "eyJ") {
		s = reJWT.ReplaceAllString(s, Placeholder)
	}
	if vendortext.ContainsAny(s, "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_") {
		s = reGitHubToken.ReplaceAllString(s, "${1}"+Placeholder)
	}
	if vendortext.ContainsAny(s, "xox", "xapp-") {
		s = reSlackToken.ReplaceAllString(s, "${1}"+Placeholder)
	}
	if vendortext.ContainsAny(s, "AKIA", "ASIA", "AROA", "AIDA") {
		s = reAWSKeyID.ReplaceAllString(s, Placeholder)
	}
	if vendortext.ContainsAny(lower, "token", "secret", "assertion", "code", "pass", "pwd", "key", "sig", "authorization", "cookie", "session") {
		s = replaceSubmatch(s, reSecretKV, redactKV)
	}
	if strings.Contains(s, "code=") {
		s = replaceSubmatch(s, reAuthCode, func(m []string) (string, bool) {
			if !looksSecret(m[2]) {
				return "", false
			}
			return m[1] + Placeholder, true
		})
	}
	if vendortext.ContainsAny(lower, "bearer", "ssws", "token", "basic", "dpop", "sharedaccesssignature") {
		s = replaceSchemeTokens(s)
	}
	s = reOpaque.ReplaceAllStringFunc(s, func(v string) string {
		if opaqueSecret(v) {
			return Placeholder
		}
		return v
	})
	return s
}

// redactKV redacts the value of a key=value or "key": "value" pair.
func redactKV(m []string) (string, bool) {
	key := strings.ToLower(strings.ReplaceAll(m[1], "-", "_"))
	if lk := strings.ToLower(m[1]); lk == "x-api-key" || lk == "set-cookie" {
		key = lk
	}
	v := m[3]
	if strings.HasPrefix(v, "[") || v == "null" || v == "true" || v == "false" {
		return "", false
	}
	// Keep the scheme of an Authorization value, so "Bearer" stays readable.
	prefix := ""
	if i := strings.IndexAny(v, " \t"); i > 0 {
		prefix, v = v[:i+1], strings.TrimLeft(v[i:], " \t")
	}
	if !strongKeys[key] && !looksSecret(v) {
		return "", false
	}
	return m[1] + m[2] + prefix + Placeholder, true
}

// replaceSchemeTokens redacts "Bearer <token>" but not an auth-param such
// as `Bearer error="invalid_token"` nor an English word ("token provided").
func replaceSchemeTokens(s string) string {
	idx := reSchemeToken.FindAllStringSubmatchIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		v := s[m[6]:m[7]]
		end := m[7]
		if isAuthParam(v, s, end) || !looksSecret(v) {
			continue
		}
		b.WriteString(s[last:m[6]])
		b.WriteString(Placeholder)
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

// isAuthParam reports whether v (ending at s[end]) is the name of an
// auth-param (realm=, error="…") rather than a token68.
func isAuthParam(v, s string, end int) bool {
	if !strings.HasSuffix(v, "=") || strings.HasSuffix(v, "==") {
		return false
	}
	name := strings.TrimSuffix(v, "=")
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return false
		}
	}
	return end < len(s) && (s[end] == '"' || vendortext.IsWordByte(s[end]))
}

// looksSecret tells a credential from a word: at least 8 characters with a
// digit or a symbol, or 12 with mixed case.
func looksSecret(v string) bool {
	if len(v) < 8 {
		return false
	}
	var digit, upper, lower, symbol, other bool
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case strings.IndexByte("-._~+/=", c) >= 0:
			symbol = true
		default:
			other = true
		}
	}
	letters := upper || lower
	switch {
	case other:
		return false
	case digit && letters:
		return true
	case symbol && letters && len(v) >= 16:
		return true
	case upper && lower && len(v) >= 12:
		return true
	}
	return false
}

// opaqueSecret reports whether a long run of token characters is a secret
// rather than an identifier: mixed case with digits, or long hex, but never
// a GUID (tenant, app and trace ids are useful in a diagnosis).
func opaqueSecret(v string) bool {
	core := strings.TrimRight(v, "=")
	if reGUID.MatchString(core) {
		return false
	}
	var digit, upper, lower, nonHex bool
	for i := 0; i < len(core); i++ {
		c := core[i]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'A' && c <= 'Z':
			upper = true
			if c > 'F' {
				nonHex = true
			}
		case c >= 'a' && c <= 'z':
			lower = true
			if c > 'f' {
				nonHex = true
			}
		default:
			nonHex = true
		}
	}
	if digit && upper && lower {
		return true
	}
	// 32+ hex digits without separators: keys, signatures, old-style tokens.
	return !nonHex && digit && (upper || lower) && !(upper && lower)
}

// Values replaces every occurrence in s of each of secrets (values shorter
// than four bytes are ignored: they would blank ordinary words), longest
// first, so a secret containing another is replaced whole.
func Values(s string, secrets []string) string {
	list := make([]string, 0, len(secrets))
	for _, sec := range secrets {
		if len(sec) >= 4 && strings.Contains(s, sec) {
			list = append(list, sec)
		}
	}
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, sec := range list {
		s = strings.ReplaceAll(s, sec, Placeholder)
	}
	return s
}

// replaceSubmatch is ReplaceAllStringSubmatchFunc: f returns the
// replacement, or false to keep the match.
func replaceSubmatch(s string, re *regexp.Regexp, f func(m []string) (string, bool)) string {
	idx := re.FindAllStringSubmatchIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, loc := range idx {
		m := make([]string, len(loc)/2)
		for i := range m {
			if loc[2*i] >= 0 {
				m[i] = s[loc[2*i]:loc[2*i+1]]
			}
		}
		r, ok := f(m)
		if !ok {
			continue
		}
		b.WriteString(s[last:loc[0]])
		b.WriteString(r)
		last = loc[1]
	}
	b.WriteString(s[last:])
	return b.String()
}
