package probe

import (
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

func TestIsAmbiguousClientError(t *testing.T) {
	for _, tc := range []struct {
		body string
		want bool
	}{
		// fosite ErrInvalidClient (ORY Hydra).
		{`{"error":"invalid_client","error_description":"Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method)."}`, true},
		// RFC 6749 §5.2's own wording, which several servers copy.
		{`{"error":"invalid_client","error_description":"Client authentication failed (e.g. unknown client, no client authentication included, or unsupported authentication method)"}`, true},
		// oidc-provider: a wrong secret; says nothing about an unknown client.
		{`{"error":"invalid_client","error_description":"client authentication failed"}`, false},
		// Unambiguous "does not exist" and secret wordings.
		{`{"error":"invalid_client","error_description":"Invalid client or Invalid client credentials"}`, false},
		{`{"error":"invalid_client","error_description":"unknown client"}`, false},
		{`{"error":"invalid_grant","error_description":"Client authentication failed (e.g., unknown client, no client authentication included)"}`, false},
	} {
		e, ok := ParseOAuthError([]byte(tc.body))
		if !ok {
			t.Fatalf("unparsed %s", tc.body)
		}
		if got := e.IsAmbiguousClientError(); got != tc.want {
			t.Errorf("%s: ambiguous = %v, want %v", tc.body, got, tc.want)
		}
	}
}

func TestClientVerdict(t *testing.T) {
	loc := func(l string) http.Header { return http.Header{"Location": {l}} }
	for _, tc := range []struct {
		name string
		resp Response
		want clientState
	}{
		// oidc-provider: a known client goes to its interaction page.
		{"redirect to login", Response{StatusCode: 303, Header: loc("/interaction/abc")}, clientExists},
		{"redirect back to the client with an error", Response{StatusCode: 302, Header: loc("https://app.example.com/cb?error=invalid_scope")}, clientExists},
		// ORY Hydra sends errors it cannot redirect to its error page.
		{"hydra error page, unknown client", Response{StatusCode: 302, Header: loc("https://hydra.example.com/oauth2/fallbacks/error?error=invalid_client&error_description=Client+authentication+failed")}, clientMissing},
		{"login page", Response{StatusCode: 200, Body: []byte("<html><form>Sign in</form></html>")}, clientExists},
		{"HTML error page", Response{StatusCode: 200, Body: []byte("<html>Error: unknown client</html>")}, clientMissing},
		// oidc-provider with renderError as JSON (server.mjs).
		{"json invalid_client", Response{StatusCode: 400, Body: []byte(`{"error":"invalid_client","error_description":"client is invalid"}`)}, clientMissing},
		{"json redirect mismatch", Response{StatusCode: 400, Body: []byte(`{"error":"invalid_redirect_uri","error_description":"redirect_uri did not match any of the client's registered redirect_uris"}`)}, clientExists},
		{"json invalid_request", Response{StatusCode: 400, Body: []byte(`{"error":"invalid_request","error_description":"missing required parameter 'redirect_uri'"}`)}, clientUndecided},
		{"server error", Response{StatusCode: 503}, clientUndecided},
		{"not found", Response{StatusCode: 404}, clientUndecided},
	} {
		if got := clientVerdict(tc.resp); got != tc.want {
			t.Errorf("%s: verdict %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestBlockedBy: a step runs only when the steps it needs produced their
// result; a skipped step names the step it needed and the root cause.
func TestBlockedBy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		blocked map[string]string
		noToken string
		hasTok  bool
		sd      stepDef
		want    string // substring; "" means it runs
	}{
		{"nothing failed", nil, "", true, stepDef{name: StepAPI, needs: []string{StepToken}, needsToken: true}, ""},
		{"direct dependency failed", map[string]string{StepToken: "the token step failed"}, "", false,
			stepDef{name: StepTokenResponse, needs: []string{StepToken}, needsToken: true}, "needs the token step, which failed"},
		{"cascade names both", map[string]string{StepRefresh: "the token step failed"}, "", false,
			stepDef{name: StepAPIAfterRefresh, needs: []string{StepRefresh}}, "needs the refresh step, which did not run (the token step failed)"},
		{"untestable", map[string]string{StepToken: "the token step could not be tested"}, "", false,
			stepDef{name: StepAPI, needs: []string{StepToken}, needsToken: true}, "needs the token step, which could not be tested"},
		{"token step ok without a token", nil, "an authorization-code client obtains tokens only when a user signs in", false,
			stepDef{name: StepAPI, needs: []string{StepToken}, needsToken: true}, "needs an access token from the token step; an authorization-code client"},
		{"independent of the token", map[string]string{StepToken: "the token step failed"}, "", false,
			stepDef{name: StepRedirectURIs, needs: []string{StepTLS}}, ""},
		{"expiry always runs", map[string]string{StepDNS: "the dns step failed", StepTLS: "the dns step failed"}, "", false,
			stepDef{name: StepExpiry}, ""},
		{"network failure blocks the redirect check", map[string]string{StepTLS: "the dns step failed"}, "", false,
			stepDef{name: StepRedirectURIs, needs: []string{StepTLS}}, "needs the tls step, which did not run (the dns step failed)"},
	} {
		r := &runner{blocked: tc.blocked, noToken: tc.noToken}
		if r.blocked == nil {
			r.blocked = map[string]string{}
		}
		if tc.hasTok {
			r.token = &oauth2.Token{AccessToken: "x"}
		}
		got := r.blockedBy(tc.sd)
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
