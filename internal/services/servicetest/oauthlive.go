package servicetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// Live checks of the OAuth vendors (okta, google) against their sandbox
// emulations: run one, then hold its result to a status and a finding.

// NoRetryClient is a transport without retries, so that 429 and 5xx
// scenarios answer at once. Each call makes a new one: nothing is cached
// from one check to the next, as across two provider processes.
func NoRetryClient(t testing.TB) *transport.Client {
	t.Helper()
	c, err := transport.New(transport.Options{Timeout: 5 * time.Second, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// RunCheck runs the live check plan builds for s, with a client without
// retries and a 10-second deadline; opts adjust the probe options.
func RunCheck(t testing.TB, plan probe.Planner, s *connector.Spec, opts ...func(*probe.Options)) probe.Result {
	t.Helper()
	o := probe.Options{Client: NoRetryClient(t), Planner: plan}
	for _, f := range opts {
		f(&o)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return probe.Run(ctx, o, s)
}

// DumpResult is a result as indented JSON, for failure messages.
func DumpResult(res probe.Result) string {
	b, _ := json.MarshalIndent(res, "", "  ")
	return string(b)
}

// ExpectResult asserts the status and, when cat is set, that a finding of
// that category sits at path with a remediation; it returns the finding.
func ExpectResult(t testing.TB, res probe.Result, status string, cat finding.Category, path string) finding.Finding {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %q, want %q\n%s", res.Status, status, DumpResult(res))
	}
	if cat == "" {
		return finding.Finding{}
	}
	for _, f := range res.Findings {
		if f.Category == cat && f.Path.String() == path {
			if len(f.Remediation) == 0 {
				t.Fatalf("%s finding at %s has no remediation\n%s", cat, path, DumpResult(res))
			}
			return f
		}
	}
	t.Fatalf("no %s finding at %q\n%s", cat, path, DumpResult(res))
	return finding.Finding{}
}

// StepOutcome is the outcome of the result's step called name ("" when it
// did not run).
func StepOutcome(res probe.Result, name string) string {
	for _, s := range res.Steps {
		if s.Name == name {
			return s.Outcome
		}
	}
	return ""
}

// NoSecretsIn fails when a secret appears anywhere in the result, whole or
// any of its lines of 12 characters or more (a PEM key's).
func NoSecretsIn(t testing.TB, res probe.Result, secrets ...string) {
	t.Helper()
	all := DumpResult(res)
	for _, s := range secrets {
		if s != "" && strings.Contains(all, s) {
			t.Fatalf("result contains a secret (%.6s…)\n%s", s, all)
		}
		for _, line := range strings.Split(s, "\n") {
			if len(line) >= 12 && strings.Contains(all, line) {
				t.Fatalf("result contains a line of a secret (%.6s…)\n%s", line, all)
			}
		}
	}
}
