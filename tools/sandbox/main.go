// Command sandbox runs the vendor emulations on 127.0.0.1 for `make demo`:
// it prints the base URLs as JSON on one line, then serves until its standard
// input closes or it is interrupted.
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/github"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address of the plain HTTP listener (loopback only)")
	files := flag.String("demo-files", "", "directory to write the demo's key files into (generated now, never checked in)")
	flag.Parse()
	s := sandbox.StartOn(*addr, services.Emulations()...)
	defer s.Close()
	if *files != "" {
		if err := writeDemoFiles(s, *files); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	out := map[string]any{"url": s.URL, "untrusted_tls_url": s.UntrustedTLSURL, "vendors": s.Vendors()}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	done := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(done) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	select {
	case <-done:
	case <-sig:
	}
}

// writeDemoFiles writes the GitHub App's private key and a Google
// service-account key file whose account has no domain-wide delegation.
func writeDemoFiles(s *sandbox.Server, dir string) error {
	appKey, err := github.SandboxAppPrivateKey(context.Background(), s.VendorURL("github"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "github-app.pem"), []byte(appKey), 0o600); err != nil {
		return err
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	google := s.VendorURL("google")
	sa, err := json.MarshalIndent(map[string]string{
		"type":           "service_account",
		"project_id":     "handshake-demo",
		"private_key_id": "5c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d",
		"private_key":    string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":   "no-delegation@handshake-demo.iam.gserviceaccount.com",
		"client_id":      "104857600000000000007",
		"token_uri":      google + "/token",
	}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "google-directory-sync.json"), sa, 0o600)
}
