package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// noSecretInState fails when any of the secrets appears anywhere in the
// state, sensitive or not: write-only values must never be stored.
type noSecretInState struct{ secrets []string }

func (c noSecretInState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	raw, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	resp.Error = findSecret("state", string(raw), c.secrets)
}

// noSecretInPlan is the same check for what the plan records about
// resources: planned values, changes and prior state. (The plan's input
// variables section holds whatever the user passed in; that is Terraform's
// business, not the provider's.)
type noSecretInPlan struct{ secrets []string }

func (c noSecretInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	raw, err := json.Marshal([]any{req.Plan.PlannedValues, req.Plan.ResourceChanges, req.Plan.PriorState, req.Plan.ResourceDrift})
	if err != nil {
		resp.Error = err
		return
	}
	resp.Error = findSecret("plan", string(raw), c.secrets)
}

func findSecret(where, text string, secrets []string) error {
	for _, s := range secrets {
		if strings.Contains(text, s) {
			return fmt.Errorf("a secret (%d characters) appears in the %s", len(s), where)
		}
	}
	return nil
}

// traceLog turns on TF_LOG=trace for Terraform and the in-process provider
// and returns a function that fails the test if a secret reached the log.
func traceLog(t *testing.T, secrets ...string) func() {
	t.Helper()
	dir := t.TempDir()
	logPath := filepath.Join(dir, "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	return func() {
		t.Helper()
		raw, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatalf("reading trace log: %v", err)
		}
		if len(raw) < 1024 || !strings.Contains(string(raw), "handshake") {
			t.Fatalf("trace log is suspiciously small (%d bytes): the check would prove nothing", len(raw))
		}
		for _, line := range strings.Split(string(raw), "\n") {
			if err := findSecret("trace log", line, secrets); err != nil {
				t.Fatalf("%v; line: %.300s", err, line)
			}
		}
	}
}
