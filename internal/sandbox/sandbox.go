// Package sandbox emulates the vendors Handshake talks to — their documented
// status codes, headers and JSON bodies — on 127.0.0.1, for the acceptance
// tests and `make demo`. Each vendor's emulation lives in its service's
// package (internal/services/<vendor>/emulation.go), is passed to Start, and
// registers its routes under /<vendor>/; the scenario a request plays out
// (healthy, expired secret, revoked token …) is chosen by the credential it
// presents, so a Terraform configuration picks its failure mode without any
// control call.
package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"sync"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// Server is a running sandbox: the same routes over plain HTTP (URL) and over
// TLS with a certificate from an authority nobody trusts (UntrustedTLSURL),
// for the tls_error scenario.
type Server struct {
	URL             string
	UntrustedTLSURL string

	plain, tls *httptest.Server
	vendors    []string

	mu      sync.Mutex
	revoked map[string]bool   // credentials revoked through Revoke (drift)
	scopes  map[string]string // scopes set through SetScopes, by token (drift)
}

// Start runs a sandbox on 127.0.0.1 with ephemeral ports.
func Start(vendors ...emulation.Vendor) *Server { return StartOn("127.0.0.1:0", vendors...) }

// StartOn runs a sandbox whose plain listener binds addr (127.0.0.1 only).
func StartOn(addr string, vendors ...emulation.Vendor) *Server {
	s := &Server{revoked: map[string]bool{}, scopes: map[string]string{}}
	mux := http.NewServeMux()
	for _, v := range vendors {
		v.Routes(s, mux, "/"+v.Path)
		s.vendors = append(s.vendors, v.Path)
	}
	sort.Strings(s.vendors)
	mux.HandleFunc("POST /_control/revoke", func(w http.ResponseWriter, r *http.Request) {
		s.Revoke(r.FormValue("credential"))
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_control/reset", func(w http.ResponseWriter, r *http.Request) {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	})

	s.plain = httptest.NewUnstartedServer(mux)
	if addr != "127.0.0.1:0" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			panic(fmt.Sprintf("sandbox: listen %s: %v", addr, err))
		}
		_ = s.plain.Listener.Close()
		s.plain.Listener = l
	}
	s.plain.Start()
	s.tls = httptest.NewUnstartedServer(mux)
	// Every client refuses this listener's certificate (httptest's own CA),
	// which is the point of it: the failed handshakes are not news.
	s.tls.Config.ErrorLog = log.New(dropTLSHandshakeErrors{os.Stderr}, "", log.LstdFlags)
	s.tls.StartTLS()
	s.URL, s.UntrustedTLSURL = s.plain.URL, s.tls.URL
	return s
}

// dropTLSHandshakeErrors passes server log lines on, except the "TLS
// handshake error" lines of clients that refused the certificate.
type dropTLSHandshakeErrors struct{ w io.Writer }

func (d dropTLSHandshakeErrors) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("http: TLS handshake error")) {
		return len(p), nil
	}
	return d.w.Write(p)
}

// Close stops both listeners.
func (s *Server) Close() {
	s.plain.Close()
	s.tls.Close()
}

// Vendors lists the emulated vendors (the first path segment of their
// URLs), sorted.
func (s *Server) Vendors() []string { return s.vendors }

// VendorURL is the base URL of one vendor's emulation.
func (s *Server) VendorURL(vendor string) string { return s.URL + "/" + vendor }

// Revoke makes a credential (a token or secret value) fail from now on, as
// if an admin had revoked it: the drift scenario.
func (s *Server) Revoke(credential string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked[credential] = true
}

// Revoked reports whether Revoke was called for the credential.
func (s *Server) Revoked(credential string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.revoked[credential]
}

// SetScopes makes a token report these scopes (its x-oauth-scopes header,
// comma-separated) from now on, as if an admin had edited it: GitHub
// classic tokens keep their value when their scopes are edited, and a Slack
// app reinstalled with fewer scopes keeps its token. The drift scenario of
// a removed scope.
func (s *Server) SetScopes(token, scopes string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scopes[token] = scopes
}

// ScopesOf returns the scopes set for token, or def.
func (s *Server) ScopesOf(token, def string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.scopes[token]; ok {
		return v
	}
	return def
}

// Reset forgets every revocation and scope change.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = map[string]bool{}
	s.scopes = map[string]string{}
}
