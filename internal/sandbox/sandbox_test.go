package sandbox

import (
	"net/http"
	"net/url"
	"testing"
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
	_, err := http.Get(s.UntrustedTLSURL + "/_control/none")
	if err == nil {
		t.Fatal("a client trusting only system roots accepted the sandbox's TLS certificate")
	}
}
