package probe_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"golang.org/x/oauth2"
)

func oauthSpec(settings map[string]string, clientID, secret string, scopes ...string) *connector.Spec {
	s := &connector.Spec{
		Name: "test", Service: "oauth2", Settings: settings, Blocks: []string{"oauth2"},
		Auth:           connector.Auth{ClientID: clientID},
		RequiredScopes: scopes,
	}
	if secret != "" {
		s.Auth.ClientSecret = connector.Secret{Value: secret, Attr: "client_secret_wo"}
	}
	return s
}

// findingAt returns the first finding with the category (and path, when
// path is not "-").
func findingAt(res probe.Result, cat finding.Category, path string) (finding.Finding, bool) {
	for _, f := range res.Findings {
		if f.Category == cat && (path == "-" || f.Path.String() == path) {
			return f, true
		}
	}
	return finding.Finding{}, false
}

func dump(res probe.Result) string {
	b, _ := json.MarshalIndent(res, "", "  ")
	return string(b)
}

// want asserts the status and that an error finding of the category sits at
// path ("-": any path).
func want(t *testing.T, res probe.Result, status string, cat finding.Category, path string) finding.Finding {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %q, want %q\n%s", res.Status, status, dump(res))
	}
	if cat == "" {
		return finding.Finding{}
	}
	f, ok := findingAt(res, cat, path)
	if !ok {
		t.Fatalf("no %s finding at %q\n%s", cat, path, dump(res))
	}
	return f
}

// stepOutcome returns the outcome of the named step.
func stepOutcome(res probe.Result, name string) string {
	for _, s := range res.Steps {
		if s.Name == name {
			return s.Outcome
		}
	}
	return ""
}

// noSecrets fails when any of the values appears anywhere in the result.
func noSecrets(t *testing.T, res probe.Result, secrets ...string) {
	t.Helper()
	all := dump(res)
	for _, s := range secrets {
		if s != "" && strings.Contains(all, s) {
			t.Fatalf("result contains a secret (%.4s…)\n%s", s, all)
		}
	}
}

// settle waits for the goroutine count to come back to at most base (plus
// slack), failing with a stack dump when it does not.
func settle(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= base+1 {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("goroutines leaked: %d, started with %d\n%s", n, base, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// quietLog discards the TLS handshake errors test servers log.
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

// generic are the planners of the generic services, which the probe tests
// run without the catalog (the provider passes Service.Plan instead).
var generic = map[string]probe.Planner{"oauth2": probe.PlanOAuth2, "api_key": probe.PlanAPIKey, "http": probe.PlanHTTP}

// run is probe.Run with the generic planner of the spec's service, unless
// opts names one.
func run(ctx context.Context, opts probe.Options, s *connector.Spec) probe.Result {
	return probe.Run(ctx, withPlanner(opts, s), s)
}

// accessToken is probe.AccessToken with the generic planner, like run.
func accessToken(ctx context.Context, opts probe.Options, s *connector.Spec) (*oauth2.Token, probe.Result) {
	return probe.AccessToken(ctx, withPlanner(opts, s), s)
}

func withPlanner(opts probe.Options, s *connector.Spec) probe.Options {
	if opts.Planner == nil && s != nil {
		opts.Planner = generic[s.Service]
	}
	return opts
}
