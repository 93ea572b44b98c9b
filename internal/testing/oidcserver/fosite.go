package oidcserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"testing"
)

// FositeInvalidClient is the body fosite-based servers (ORY Hydra) send for
// every client authentication failure at the token endpoint, an unknown
// client and a wrong secret alike: fosite's ErrInvalidClient (errors.go,
// DescriptionField and CodeField http.StatusUnauthorized; hints and debug
// details are not exposed by default).
const FositeInvalidClient = `{"error":"invalid_client","error_description":"Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method)."}`

// FositeProxy serves the server through a reverse proxy on 127.0.0.1 that
// answers token-endpoint client authentication failures the way fosite does
// (HTTP 401 with FositeInvalidClient), so an unknown client and a wrong
// secret look the same there. Everything else, the authorization endpoint
// included, is the real server's answer. It returns the proxy's base URL;
// the token endpoint is <base>/token, the authorization endpoint <base>/auth.
func (s *Server) FositeProxy(t testing.TB) string {
	t.Helper()
	up, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(up)
	rp.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.URL.Path != "/token" || resp.StatusCode < 400 {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error == "invalid_client" {
			body = []byte(FositeInvalidClient)
			resp.StatusCode, resp.Status = http.StatusUnauthorized, "401 Unauthorized"
			resp.Header.Set("Content-Type", "application/json;charset=UTF-8")
			resp.Header.Del("WWW-Authenticate") // oidc-provider's own wording, which fosite does not send
		}
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		resp.ContentLength = int64(len(body))
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return nil
	}
	p := httptest.NewServer(rp)
	t.Cleanup(p.Close)
	return p.URL
}
