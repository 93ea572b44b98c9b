package github

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// The sandbox GitHub App's private key. Each emulation generates its own when
// first needed, so no key is checked in and two sandboxes never share one;
// tests and the demo fetch it from the running emulation.

func (g *githubState) loadKey() {
	g.keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("sandbox: " + err.Error())
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			panic("sandbox: " + err.Error())
		}
		g.key, g.keyPEM = k, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	})
}

// appPrivateKey serves the app's PEM private key, for SandboxAppPrivateKey.
// It is a sandbox control route: GitHub has no such thing.
func (g *githubState) appPrivateKey(w http.ResponseWriter, _ *http.Request) {
	g.loadKey()
	w.Header().Set("Content-Type", "application/x-pem-file")
	_, _ = io.WriteString(w, g.keyPEM)
}

// SandboxAppPrivateKey fetches the PEM private key (PKCS#8 RSA) of the
// sandbox's GitHub App from a running emulation; vendorURL is the sandbox's
// VendorURL("github").
func SandboxAppPrivateKey(ctx context.Context, vendorURL string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second) // key generation may take a moment under -race
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(vendorURL, "/")+"/_control/app-private-key", nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("sandbox GitHub app key: HTTP %d", resp.StatusCode)
	}
	return string(b), nil
}
