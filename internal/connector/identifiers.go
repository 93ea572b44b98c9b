package connector

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"regexp"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/keys"
)

// Identifier checks shared by service profiles. They are deliberately
// offline and strict only where the vendor is: a value that passes here can
// still be refused live, but one that fails would never work.

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsGUID reports whether v is a GUID in the 8-4-4-4-12 form Microsoft shows
// (tenant ids, application ids). Braces and other encodings are not accepted
// because no vendor endpoint accepts them either.
func IsGUID(v string) bool { return guidRE.MatchString(v) }

// IsEmail reports whether v is a bare e-mail address (user@example.com),
// without a display name or angle brackets.
func IsEmail(v string) bool {
	if v == "" || strings.TrimSpace(v) != v {
		return false
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(v, '@')
	return at > 0 && IsDomainName(v[at+1:])
}

// IsDomainName reports whether v is a DNS host name with at least one dot:
// labels of 1–63 letters, digits or hyphens, not starting or ending with a
// hyphen, 253 characters at most. A trailing dot (FQDN form) is not allowed
// because vendors compare domains as typed.
func IsDomainName(v string) bool {
	if len(v) == 0 || len(v) > 253 {
		return false
	}
	labels := strings.Split(v, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !isDNSLabel(l) {
			return false
		}
	}
	// An all-numeric last label would make this an IPv4 address, not a name.
	last := labels[len(labels)-1]
	return strings.TrimLeft(last, "0123456789") != ""
}

func isDNSLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-':
		default:
			return false
		}
	}
	return true
}

// IsLoopbackHost reports whether host (as in url.URL.Hostname: no port, IPv6
// without brackets; brackets are tolerated) names the local machine:
// "localhost", any address in 127.0.0.0/8, or ::1.
func IsLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// isLoopbackIP is IsLoopbackHost without the "localhost" name: the hosts
// RFC 8252 §7.3 recommends for native-app redirects.
func isLoopbackIP(host string) bool {
	ip := net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	return ip != nil && ip.IsLoopback()
}

// ParsePrivateKeyPEM is keys.Parse for the callers that want only the
// signer: a PEM bundle (blocks in any order, "\n" escapes accepted) or a
// private JWK. New code calls internal/keys directly.
func ParsePrivateKeyPEM(text string) (crypto.Signer, error) {
	k, err := keys.Parse(text)
	return k.Signer, err
}

// ServiceAccountKey is the JSON key file Google Cloud issues for a service
// account. Only the fields Handshake uses are kept.
type ServiceAccountKey struct {
	Type         string `json:"type"`
	ProjectID    string `json:"project_id"`
	PrivateKeyID string `json:"private_key_id"`
	PrivateKey   string `json:"private_key"`
	ClientEmail  string `json:"client_email"`
	ClientID     string `json:"client_id"`
	TokenURI     string `json:"token_uri"`
}

// ParseServiceAccountKey decodes and checks a Google service account JSON
// key. Errors name the missing or wrong field but never include the key
// material or the raw JSON.
func ParseServiceAccountKey(text string) (*ServiceAccountKey, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, errors.New("the key is empty")
	}
	if !strings.HasPrefix(text, "{") {
		return nil, errors.New("the key is not JSON (expected the contents of the downloaded .json key file, not a path or a base64 string)")
	}
	var k ServiceAccountKey
	if err := json.Unmarshal([]byte(text), &k); err != nil {
		// json errors quote at most a type name or an offset, not input.
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("the key is not valid JSON (syntax error at byte %d)", se.Offset)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("the key's %q field has the wrong JSON type (%s)", te.Field, te.Value)
		}
		return nil, errors.New("the key is not valid JSON")
	}
	switch {
	case k.Type == "":
		return nil, errors.New(`the key has no "type" field; expected "service_account"`)
	case k.Type == "authorized_user":
		return nil, errors.New(`the key is an "authorized_user" credential (gcloud user login), not a service account key`)
	case k.Type == "external_account":
		return nil, errors.New(`the key is an "external_account" (workload identity federation) configuration, not a service account key`)
	case k.Type != "service_account":
		return nil, errors.New(`the key's "type" field is not "service_account"`)
	case k.ClientEmail == "":
		return nil, errors.New(`the key has no "client_email" field`)
	case !IsEmail(k.ClientEmail):
		return nil, errors.New(`the key's "client_email" field is not an e-mail address`)
	case k.PrivateKeyID == "":
		return nil, errors.New(`the key has no "private_key_id" field`)
	case k.PrivateKey == "":
		return nil, errors.New(`the key has no "private_key" field`)
	}
	// PEM only: Google's libraries, and the live check, read the field as PEM.
	if _, err := keys.ParsePEM(k.PrivateKey); err != nil {
		return nil, fmt.Errorf(`the key's "private_key" field cannot be read: %w`, err)
	}
	return &k, nil
}
