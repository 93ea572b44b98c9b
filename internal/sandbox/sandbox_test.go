package sandbox

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

func TestControlRevoke(t *testing.T) {
	s := Start()
	defer s.Close()
	resp, err := http.PostForm(s.URL+"/_control/revoke", url.Values{"credential": {"xoxb-revoked"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || !s.Revoked("xoxb-revoked") || s.Revoked("other") {
		t.Fatalf("revoke did not take: %d", resp.StatusCode)
	}
	s.Reset()
	if s.Revoked("xoxb-revoked") {
		t.Fatal("reset kept the revocation")
	}
}

func TestUntrustedTLS(t *testing.T) {
	s := Start()
	defer s.Close()
	resp, err := http.Get(s.UntrustedTLSURL + "/_control/none")
	if err == nil {
		_ = resp.Body.Close()
		t.Fatal("a client trusting only system roots accepted the sandbox's TLS certificate")
	}
	// Any error would do for a refused connection; this listener must fail
	// the way an untrusted certificate fails, as the demo says it does.
	if f := transport.Classify(err); f.Category != finding.TLSError {
		t.Fatalf("the error is classified %s, want %s: %v", f.Category, finding.TLSError, err)
	}
}

// TestSetScopes: a token edited through SetScopes reports the new scopes to
// the emulations (World.ScopesOf) until Reset.
func TestSetScopes(t *testing.T) {
	echo := emulation.Vendor{Path: "echo", Routes: func(w emulation.World, mux *http.ServeMux, prefix string) {
		mux.HandleFunc(prefix+"/scopes", func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("X-OAuth-Scopes", w.ScopesOf(emulation.Bearer(r), "default"))
		})
	}}
	s := Start(echo)
	defer s.Close()
	scopes := func(tok string) string {
		req, _ := http.NewRequest(http.MethodGet, s.VendorURL("echo")+"/scopes", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("X-OAuth-Scopes")
	}
	const tok = "token-edit"
	if got := scopes(tok); got != "default" {
		t.Fatalf("before SetScopes: %q", got)
	}
	s.SetScopes(tok, "read:user")
	if got, other := scopes(tok), scopes("another"); got != "read:user" || other != "default" {
		t.Errorf("after SetScopes: %q, another token %q", got, other)
	}
	s.Reset()
	if got := scopes(tok); got != "default" {
		t.Errorf("after Reset: %q", got)
	}
}
