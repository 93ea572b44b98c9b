package provider

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"strings"
	"sync"
	"testing"
)

// TestAccRedirect_credentialsStayHome plans, with the real CLI, two
// connectors whose endpoints redirect to another host (issue 10): a token
// endpoint answering 307, which would make x/oauth2 resend the form body
// with client_secret_post's secret, and an API whose 302 would take a key
// given in the query. The other host answers like a healthy service, so a
// followed redirect would pass; the plan must fail on each URL's line, name
// the redirect, and the other host must receive nothing.
func TestAccRedirect_credentialsStayHome(t *testing.T) {
	t.Parallel()
	const (
		secret = "leak-check-secret-0123456789"
		apiKey = "leak-check-key-0123456789"
	)
	var mu sync.Mutex
	var received []string
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	other := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dump, _ := httputil.DumpRequest(r, true)
		mu.Lock()
		received = append(received, string(dump))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"stolen-0123456789","token_type":"Bearer","expires_in":600,"ok":true}`))
	}))
	_ = other.Listener.Close()
	other.Listener = ln
	other.Start()
	defer other.Close()

	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oauth/token":
			http.Redirect(w, r, other.URL+"/collect/token", http.StatusTemporaryRedirect)
		case "/v1/me":
			http.Redirect(w, r, other.URL+"/collect/me?"+r.URL.RawQuery, http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer endpoint.Close()

	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.init()
	out, code := cli.run(fmt.Sprintf(`
resource "handshake_connector" "idp" {
  name    = "idp"
  service = "oauth2"
  oauth2  = {
    token_url  = "%[1]s/oauth/token"
    auth_style = "client_secret_post"
  }
  auth = { client_id = "sync", client_secret_wo = %[2]q }
}

resource "handshake_connector" "api" {
  name    = "api"
  service = "api_key"
  api_key = {
    probe_url = "%[1]s/v1/me"
    location  = "query"
    name      = "api_key"
  }
  auth = { token_wo = %[3]q }
}`, endpoint.URL, secret, apiKey), "plan", "-no-color", "-input=false")

	mu.Lock()
	defer mu.Unlock()
	if len(received) > 0 {
		t.Fatalf("the other host received %d request(s):\n%s", len(received), strings.Join(received, "\n---\n"))
	}
	if code == 0 {
		t.Fatalf("plan succeeded:\n%s", out)
	}
	for _, line := range []string{"token_url", "probe_url"} {
		if !hasDiagnostic(out, "Error", line, "invalid_configuration") {
			t.Errorf("no invalid_configuration error on the %s line:\n%s", line, out)
		}
	}
	for _, want := range []string{
		"HTTP 307, a redirect to " + other.URL + "/collect/token",
		"HTTP 302, a redirect to " + other.URL + "/collect/me?…",
	} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("the plan does not name the redirect %q:\n%s", want, out)
		}
	}
	for _, s := range []string{secret, apiKey, "stolen-0123456789"} {
		if strings.Contains(out, s) {
			t.Errorf("the plan output contains %q", s)
		}
	}
}
