package sandbox

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
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
