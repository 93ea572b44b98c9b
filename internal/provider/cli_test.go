package provider

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// testProviderAddress is where the CLI looks for the provider; OpenTofu
// runs (make testacc-tofu) use its own registry host.
func testProviderAddress() string {
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	return host + "/handshake-tf/handshake"
}

// terraformBinary is the CLI to run: TF_ACC_TERRAFORM_PATH (OpenTofu, or a
// pinned Terraform) or the terraform on PATH.
func terraformBinary() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

// terraformCLI runs the real Terraform CLI against the provider served
// in-process, for what terraform-plugin-testing cannot assert: warnings and
// the exact text a user reads.
type terraformCLI struct {
	t        *testing.T
	dir      string
	reattach string
	rc       string
}

func newTerraformCLI(t *testing.T, factory func() tfprotov6.ProviderServer) *terraformCLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run tests that drive the Terraform CLI")
	}
	ctx, cancel := context.WithCancel(context.Background())
	configCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	go func() {
		_ = tf6server.Serve(testProviderAddress(), factory,
			tf6server.WithDebug(ctx, configCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			// Provider logs follow TF_LOG / TF_ACC_LOG_PATH, as under terraform-plugin-testing.
			tf6server.WithLoggingSink(t))
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-configCh:
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("provider server did not start")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-closeCh:
		case <-time.After(10 * time.Second):
		}
	})
	raw, err := json.Marshal(map[string]any{testProviderAddress(): map[string]any{
		"Protocol": string(rc.Protocol), "ProtocolVersion": rc.ProtocolVersion, "Pid": rc.Pid, "Test": true,
		"Addr": map[string]string{"Network": rc.Addr.Network(), "String": rc.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cli := &terraformCLI{t: t, dir: t.TempDir(), reattach: string(raw)}
	// An empty CLI configuration: no registry, and no warning about a missing file.
	cli.rc = filepath.Join(cli.dir, ".terraformrc")
	if err := os.WriteFile(cli.rc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return cli
}

func defaultProviderFactory() tfprotov6.ProviderServer {
	return providerserver.NewProtocol6(New("test")())()
}

// offline turns live checks off for every later command: provider.tf, next
// to the main.tf that run writes, holds offlineProvider, so the in-process
// provider needs no HANDSHAKE_LIVE_CHECKS (process-wide, which would forbid
// t.Parallel) and main.tf's line numbers stay as the test wrote them.
func (c *terraformCLI) offline() {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.dir, "provider.tf"), []byte(offlineProvider), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// run writes config (when not empty) and runs terraform with args; it returns
// the combined output and the exit code.
func (c *terraformCLI) run(config string, args ...string) (string, int) {
	c.t.Helper()
	if config != "" {
		hcl := "terraform {\n  required_providers {\n    handshake = { source = \"handshake-tf/handshake\" }\n  }\n}\n" + config
		if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(hcl), 0o600); err != nil {
			c.t.Fatal(err)
		}
	}
	return c.exec(exec.Command(terraformBinary(), args...))
}

// script runs a shell script (such as a CI example) in the working
// directory, with the terraform it runs pointed at the provider under test.
func (c *terraformCLI) script(path string) (string, int) {
	c.t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		c.t.Fatal(err)
	}
	cmd := exec.Command("bash", abs)
	cmd.Env = append(os.Environ(), "TERRAFORM="+terraformBinary())
	return c.exec(cmd)
}

func (c *terraformCLI) exec(cmd *exec.Cmd) (string, int) {
	c.t.Helper()
	cmd.Dir = c.dir
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "TF_REATTACH_PROVIDERS="+c.reattach, "TF_CLI_CONFIG_FILE="+c.rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("running %v: %v", cmd.Args, err)
	}
	return string(out), code
}

// init runs terraform init once; later plans reuse the working directory.
func (c *terraformCLI) init() {
	c.t.Helper()
	c.initWith(`resource "handshake_credential" "init" {
  type  = "token"
  value = "init"
}`)
}

// initWith writes config and runs terraform init, failing the test when
// init fails: every later command would only report a confusing error.
func (c *terraformCLI) initWith(config string) {
	c.t.Helper()
	if out, code := c.run(config, "init", "-no-color", "-input=false"); code != 0 {
		c.t.Fatalf("terraform init exited %d:\n%s", code, out)
	}
}

// skipBelow skips a CLI-driven test on a CLI older than min (write-only
// attributes need 1.11), as TerraformVersionChecks do for resource.Test.
func (c *terraformCLI) skipBelow(min *version.Version) {
	c.t.Helper()
	if got := terraformVersion(c.t); got.LessThan(min) {
		c.t.Skipf("Terraform CLI version %s is below %s", got, min)
	}
}

// terraformVersion is the version of the CLI the tests run (OpenTofu
// reports its own under the same key).
func terraformVersion(t *testing.T) *version.Version {
	t.Helper()
	out, err := exec.Command(terraformBinary(), "version", "-json").Output()
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err != nil || json.Unmarshal(out, &v) != nil {
		t.Fatalf("%s version -json: %v:\n%s", terraformBinary(), err, out)
	}
	got, err := version.NewVersion(v.Version)
	if err != nil {
		t.Fatalf("%s reports version %q: %v", terraformBinary(), v.Version, err)
	}
	return got
}

var diagnosticHeading = regexp.MustCompile(`(?m)^[│╷ ]*(Error|Warning): `)

// hasDiagnostic reports whether the CLI output holds a diagnostic of the given
// kind ("Error" or "Warning") whose detail names category and whose source
// snippet shows a line matching line. A finding about the connector as a
// whole points at its resource block: pass `resource "handshake_connector"`.
func hasDiagnostic(out, kind, line, category string) bool {
	if line == "" {
		panic("hasDiagnostic: an empty line pattern matches any diagnostic")
	}
	idx := diagnosticHeading.FindAllStringSubmatchIndex(out, -1)
	source := regexp.MustCompile(`\n[│ ]*\d+:[^\n]*(` + line + `)`)
	for i, m := range idx {
		end := len(out)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		block := out[m[0]:end]
		if out[m[2]:m[3]] != kind || !strings.Contains(block, "Category: "+category) {
			continue
		}
		if source.MatchString(block) {
			return true
		}
	}
	return false
}
