package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/handshake-tf/terraform-provider-handshake/internal/testing/oidcserver"
)

// A saved plan must apply even when the world changes between `plan -out`
// and `apply`: the live results are "known after apply", the apply tests
// again, and what it finds is what is stored. These run the real CLI with a
// saved plan, as Atlantis, Terraform Cloud and most pipelines do.

// savedPlanConnector is a write-only connector to the test server.
func savedPlanConnector(srv *oidcserver.Server, onFailure, version string) string {
	return fmt.Sprintf(`
resource "handshake_connector" "idp" {
  name            = "idp-sync"
  service         = "oauth2"
  oauth2          = { token_url = %q }
  auth            = { client_id = "sync", client_secret_wo = %q, secret_version = %s }
  required_scopes = ["api:read"]
  on_failure      = %q
}`, srv.TokenURL(), liveSecret, version, onFailure)
}

// withoutSync is the server's configuration once the sync client is deleted.
func withoutSync() oidcserver.Config {
	cfg := liveClients()
	cfg.Clients = cfg.Clients[1:]
	return cfg
}

// rotatedSync is the configuration once the sync client's secret is rotated
// (the configured one no longer works).
func rotatedSync() oidcserver.Config {
	cfg := liveClients()
	cfg.Clients[0].ClientSecret = "rotated-secret-0123456789abcdef"
	return cfg
}

// stateValues returns the attributes of the resource at addr as stored
// (`terraform show -json`), or nil when it is not in state.
func stateValues(t *testing.T, cli *terraformCLI, addr string) map[string]any {
	t.Helper()
	out, code := cli.run("", "show", "-json", "-no-color")
	if code != 0 {
		t.Fatalf("terraform show -json failed:\n%s", out)
	}
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	for _, r := range doc.Values.RootModule.Resources {
		if r.Address == addr {
			return r.Values
		}
	}
	return nil
}

func stateStatus(t *testing.T, cli *terraformCLI) string {
	t.Helper()
	s, _ := stateValues(t, cli, "handshake_connector.idp")["status"].(string)
	return s
}

func TestAccSavedPlan_connectorWorldChangesBeforeApply(t *testing.T) {
	t.Parallel()
	srv := oidcserver.Start(t, liveClients())
	tests := []struct {
		name      string
		onFailure string
		existing  bool              // an update (version bump) rather than a create
		atPlan    oidcserver.Config // the server when planning
		atApply   oidcserver.Config // the server when applying
		wantCode  int               // apply's exit code
		wantState string            // stored status after the apply ("" = not in state)
		wantDiag  string            // a category the apply must report
	}{
		{"create, warn, client deleted", "warn", false, liveClients(), withoutSync(), 0, "unhealthy", ""},
		{"create, warn, secret rotated", "warn", false, liveClients(), rotatedSync(), 0, "unhealthy", ""},
		{"create, warn, client fixed", "warn", false, withoutSync(), liveClients(), 0, "healthy", ""},
		{"create, error, secret rotated", "error", false, liveClients(), rotatedSync(), 1, "", "invalid_credentials"},
		{"update, warn, client deleted", "warn", true, liveClients(), withoutSync(), 0, "unhealthy", ""},
		{"update, warn, client fixed", "warn", true, withoutSync(), liveClients(), 0, "healthy", ""},
		{"update, error, secret rotated", "error", true, liveClients(), rotatedSync(), 1, "healthy", "invalid_credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Restart(t, liveClients())
			cli := newTerraformCLI(t, defaultProviderFactory)
			cli.run(savedPlanConnector(srv, tt.onFailure, "1"), "init", "-no-color", "-input=false")
			if tt.existing {
				if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
					t.Fatalf("first apply failed:\n%s", out)
				}
				cli.run(savedPlanConnector(srv, tt.onFailure, "2"))
			}
			srv.Restart(t, tt.atPlan)
			out, code := cli.run("", "plan", "-out=tfplan", "-no-color", "-input=false")
			if code != 0 {
				t.Fatalf("plan -out failed:\n%s", out)
			}
			if !regexp.MustCompile(`status\s+= (?:"\w+" -> )?\(known after apply\)`).MatchString(out) {
				t.Fatalf("the plan promises a status it cannot keep:\n%s", out)
			}
			srv.Restart(t, tt.atApply)
			out, code = cli.run("", "apply", "-no-color", "-input=false", "tfplan")
			if strings.Contains(out, "inconsistent") {
				t.Fatalf("the saved plan did not apply:\n%s", out)
			}
			if code != tt.wantCode {
				t.Fatalf("apply exited %d, want %d:\n%s", code, tt.wantCode, out)
			}
			if tt.wantDiag != "" && !hasDiagnostic(out, "Error", "client_secret_wo", tt.wantDiag) {
				t.Fatalf("the apply does not fail with the connector's own diagnostic (%s):\n%s", tt.wantDiag, out)
			}
			if got := stateStatus(t, cli); got != tt.wantState {
				t.Fatalf("stored status %q, want %q", got, tt.wantState)
			}
			if tt.existing && tt.wantCode != 0 {
				// The failed update kept the prior state: the next plan
				// proposes the same change again.
				auth, _ := stateValues(t, cli, "handshake_connector.idp")["auth"].(map[string]any)
				if auth["secret_version"] != "1" {
					t.Fatalf("a failed update changed the stored arguments: secret_version = %v", auth["secret_version"])
				}
			}
		})
	}
}

// worldChange is a plan check that changes the world instead of checking:
// terraform-plugin-testing runs ConfigPlanChecks.PreApply between `plan -out`
// and the `apply` of that saved plan.
type worldChange func()

func (f worldChange) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	f()
}

// TestAccSavedPlan_retryCuredAtApply: a 503 that a retry cures during apply
// neither fails the apply nor lands in state (it would differ run to run).
func TestAccSavedPlan_retryCuredAtApply(t *testing.T) {
	t.Parallel()
	var failNext atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failNext.Add(-1) >= 0 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	}))
	t.Cleanup(srv.Close)
	addr := "handshake_connector.status"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "handshake_connector" "status" {
  name       = "status-page"
  service    = "http"
  http       = { url = %q }
  on_failure = "error"
}`, srv.URL+"/health"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(addr, tfjsonpath.New("status")),
				plancheck.ExpectUnknownValue(addr, tfjsonpath.New("findings")),
				worldChange(func() { failNext.Store(1) }),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("healthy")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("findings"), knownvalue.ListSizeExact(0)),
				retriedOnce{&failNext},
			},
		}},
	})
}

// retriedOnce checks that the armed failure was served, so the test above
// cannot pass without a retry at apply.
type retriedOnce struct{ n *atomic.Int32 }

func (c retriedOnce) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if c.n.Load() >= 1 {
		resp.Error = fmt.Errorf("the 503 armed before apply was never served")
	}
}

// TestAccSavedPlan_credentialCrossesWindow: a credential planned while
// valid and applied inside its rotation window stores "expiring", and the
// saved plan applies.
func TestAccSavedPlan_credentialCrossesWindow(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	clock.Set(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	addr := credentialAddr("entra")
	config := func(version string) string {
		return fmt.Sprintf(`
resource "handshake_credential" "entra" {
  type             = "client_secret"
  value_wo         = "Q~8Rk3.saved-plan-secret-0123456789"
  value_wo_version = %s
  expires_at       = "2027-01-01T00:00:00Z"
  rotate_before    = "720h"
}`, version)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithClock(clock),
		Steps: []resource.TestStep{
			{
				Config: config("1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("expiry_status")),
					worldChange(func() { clock.Set(time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)) }), // 22 days left
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expiry_status"), knownvalue.StringExact("expiring")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("value_wo_version"), knownvalue.StringExact("1")),
				},
			},
			{
				// An update planned while valid (a 10-day window, 22 days
				// left) and applied 15 days later, inside the window.
				Config: strings.Replace(config("2"), `"720h"`, `"240h"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("expiry_status")),
					worldChange(func() { clock.Set(time.Date(2026, 12, 25, 0, 0, 0, 0, time.UTC)) }),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expiry_status"), knownvalue.StringExact("expiring")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("value_wo_version"), knownvalue.StringExact("2")),
				},
			},
		},
	})
}
