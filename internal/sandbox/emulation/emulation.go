// Package emulation is the contract between the sandbox server and the vendor
// emulations that live in each service's package: the shared state a vendor
// handler may read (revocations, edited scopes) and two response helpers.
package emulation

import (
	"net/http"
	"strings"
)

// World is the sandbox state a vendor emulation reads and changes: what the
// drift scenarios revoke or edit between two checks.
type World interface {
	// Revoked reports whether a credential (token or secret value) was revoked.
	Revoked(credential string) bool
	// Revoke revokes a credential, as an admin would (used by emulated
	// revocation endpoints).
	Revoke(credential string)
	// ScopesOf returns the scopes set for a token by the test, or def.
	ScopesOf(token, def string) string
	// VendorURL is the base URL of a vendor's emulation ("/<vendor>" on the server).
	VendorURL(vendor string) string
}

// Routes registers one vendor's handlers on mux, below prefix ("/entra").
type Routes func(w World, mux *http.ServeMux, prefix string)

// Vendor is one vendor's emulation: its routes, served below "/"+Path.
type Vendor struct {
	Path   string // "entra", "github": the first path segment of its URLs
	Routes Routes
}

// Bearer returns the token of an "Authorization: Bearer …" header.
func Bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// WriteJSON writes a JSON body exactly as given, with the status and headers
// (name, value pairs).
func WriteJSON(w http.ResponseWriter, status int, body string, headers ...string) {
	for i := 0; i+1 < len(headers); i += 2 {
		w.Header().Set(headers[i], headers[i+1])
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
