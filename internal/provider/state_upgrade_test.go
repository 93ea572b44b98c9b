package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAccStateUpgrade_versionNumbersBecomeStrings: a state written when the
// version attributes were numbers (schema version 0) is upgraded in place:
// the next plan has no changes, and the state then holds strings.
func TestAccStateUpgrade_versionNumbersBecomeStrings(t *testing.T) {
	t.Parallel()
	cli := newTerraformCLI(t, defaultProviderFactory)
	cli.offline()
	config := `
resource "handshake_credential" "c" {
  type             = "client_secret"
  value_wo         = "Q~8Rk3.upgrade-test-secret-0123456789"
  value_wo_version = 3
  expires_at       = "2099-01-01T00:00:00Z"
}
resource "handshake_connector" "okta" {
  name    = "okta-users"
  service = "okta"
  okta    = { domain = "acme.okta.com" }
  auth    = { token_wo = "00upgrade-test-okta-token-0123456789", secret_version = 7 }
}`
	cli.run(config, "init", "-no-color", "-input=false")
	if out, code := cli.run("", "apply", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	// Rewrite the state as the previous provider version wrote it.
	file := filepath.Join(cli.dir, "terraform.tfstate")
	rewriteState(t, file, func(res map[string]any, attrs map[string]any) {
		res["schema_version"] = 0
		switch attrs["id"].(string)[:5] {
		case "cred-":
			attrs["value_wo_version"] = 3
		default:
			attrs["auth"].(map[string]any)["secret_version"] = 7
		}
	})

	out, code := cli.run("", "plan", "-detailed-exitcode", "-no-color", "-input=false")
	if code != 0 {
		t.Fatalf("plan after the upgrade exited %d, want 0 (no changes):\n%s", code, out)
	}
	if out, code := cli.run("", "apply", "-refresh-only", "-auto-approve", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("refresh failed:\n%s", out)
	}
	rewriteState(t, file, func(res map[string]any, attrs map[string]any) {
		if v, ok := res["schema_version"].(float64); !ok || v != 1 {
			t.Errorf("schema_version = %v, want 1", res["schema_version"])
		}
		if id := attrs["id"].(string); id[:5] == "cred-" {
			if attrs["value_wo_version"] != "3" {
				t.Errorf("value_wo_version = %#v, want \"3\"", attrs["value_wo_version"])
			}
		} else if v := attrs["auth"].(map[string]any)["secret_version"]; v != "7" {
			t.Errorf("auth.secret_version = %#v, want \"7\"", v)
		}
	})
	if out, code := cli.run("", "plan", "-refresh-only", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("refresh-only plan after the upgrade exited %d, want 0:\n%s", code, out)
	}
}

// rewriteState calls edit for every resource instance in a state file (the
// resource and its attributes) and writes the result back.
func rewriteState(t *testing.T, file string, edit func(res, attrs map[string]any)) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	for _, r := range st["resources"].([]any) {
		for _, inst := range r.(map[string]any)["instances"].([]any) {
			i := inst.(map[string]any)
			edit(i, i["attributes"].(map[string]any))
		}
	}
	if raw, err = json.MarshalIndent(st, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestNumberToString(t *testing.T) {
	tests := []struct {
		name, in, want string
		path           []string
	}{
		{"top level", `{"value_wo_version":3,"type":"token"}`, `{"type":"token","value_wo_version":"3"}`, []string{"value_wo_version"}},
		{"nested", `{"auth":{"client_id":"a","secret_version":12}}`, `{"auth":{"client_id":"a","secret_version":"12"}}`, []string{"auth", "secret_version"}},
		{"null parent", `{"auth":null}`, `{"auth":null}`, []string{"auth", "secret_version"}},
		{"unset", `{"auth":{"secret_version":null}}`, `{"auth":{"secret_version":null}}`, []string{"auth", "secret_version"}},
		{"already a string", `{"value_wo_version":"2026-01"}`, `{"value_wo_version":"2026-01"}`, []string{"value_wo_version"}},
		{"not a whole number", `{"value_wo_version":1.5}`, `{"value_wo_version":"1.5"}`, []string{"value_wo_version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := json.NewDecoder(strings.NewReader(tt.in))
			dec.UseNumber()
			var obj map[string]any
			if err := dec.Decode(&obj); err != nil {
				t.Fatal(err)
			}
			numberToString(obj, tt.path)
			got, _ := json.Marshal(obj)
			if string(got) != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}
