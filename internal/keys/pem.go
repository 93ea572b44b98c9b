package keys

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// FirstCertificate parses the first CERTIFICATE block of a PEM bundle;
// private keys and other blocks around it are skipped.
func FirstCertificate(text string) (*x509.Certificate, error) {
	ders := CertificateDERs(text)
	if len(ders) == 0 {
		return nil, errors.New("no PEM CERTIFICATE block found")
	}
	c, err := x509.ParseCertificate(ders[0])
	if err != nil {
		return nil, fmt.Errorf("the certificate does not parse: %w", err)
	}
	return c, nil
}

// CertificateDERs returns the DER bytes of every CERTIFICATE block of a PEM
// bundle, in order, unparsed: thumbprints are taken over these bytes.
func CertificateDERs(text string) [][]byte {
	var out [][]byte
	for _, b := range blocks(unescapeNewlines(strings.TrimSpace(text))) {
		if b.Type == "CERTIFICATE" {
			out = append(out, b.Bytes)
		}
	}
	return out
}

// blocks decodes every PEM block of text; text between blocks (openssl's
// "Bag Attributes" lines, comments) is skipped.
func blocks(text string) []*pem.Block {
	var out []*pem.Block
	for rest := []byte(text); ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return out
		}
		out = append(out, b)
	}
}

// unescapeNewlines turns the literal "\n" (and "\r\n") sequences of a PEM
// text pasted through an environment variable or a JSON string back into
// line breaks, as Google's client libraries do. Text that already has line
// breaks is left alone.
func unescapeNewlines(text string) string {
	if strings.Contains(text, "\n") || !strings.Contains(text, `\n`) {
		return text
	}
	return strings.ReplaceAll(strings.ReplaceAll(text, `\r\n`, "\n"), `\n`, "\n")
}
