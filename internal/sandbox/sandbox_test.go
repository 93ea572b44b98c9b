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

// TestSetScopes: a token edited through SetScopes reports the new scopes
// in x-oauth-scopes (GitHub and Slack) until Reset.
func TestSetScopes(t *testing.T) {
	s := Start()
	defer s.Close()
	scopes := func(method, u, tok string) string {
		req, _ := http.NewRequest(method, u, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("X-OAuth-Scopes")
	}
	const gh, sl = "ghp_sandbox_edit_0123456789abcdef", "xoxb-1111-sandbox-edit-AbCdEf"
	ghURL, slURL := s.VendorURL("github")+"/user", s.VendorURL("slack")+"/api/auth.test"
	if scopes(http.MethodGet, ghURL, gh) != "repo, read:org, read:user" || scopes(http.MethodPost, slURL, sl) != "channels:read,chat:write,users:read,users:read.email" {
		t.Fatal("unexpected default scopes")
	}
	s.SetScopes(gh, "read:user")
	s.SetScopes(sl, "chat:write")
	if got := scopes(http.MethodGet, ghURL, gh); got != "read:user" {
		t.Errorf("GitHub after SetScopes: %q", got)
	}
	if got := scopes(http.MethodPost, slURL, sl); got != "chat:write" {
		t.Errorf("Slack after SetScopes: %q", got)
	}
	s.Reset()
	if got := scopes(http.MethodGet, ghURL, gh); got != "repo, read:org, read:user" {
		t.Errorf("GitHub after Reset: %q", got)
	}
}
