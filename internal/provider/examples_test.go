package provider

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// The documentation's examples, run as a user would copy them: every
// directory under examples/ and every complete HCL example in README.md and
// docs/guides/ must pass `terraform fmt -check`, `terraform validate` and
// `terraform plan` with live checks off. The only thing added is a CLI
// configuration whose dev_overrides point at a freshly built provider
// binary, so no registry is contacted.
//
// A fenced ```terraform or ```hcl block is a complete example when it has a
// top-level `terraform {` block (a user can save it as main.tf and run
// init); every other block is a fragment of a larger configuration, and is
// only held to `terraform fmt`.

const repoRoot = "../.."

// exampleFixtures are the files examples read with file(); each is generated
// here, and the example's page names it.
var exampleFixtures = map[string]func(t *testing.T) string{
	"saml-signing.pem":           func(t *testing.T) string { return testCertificatePEM(t) },
	"github-app.pem":             func(*testing.T) string { return testPrivateKeyPEM() },
	"google-directory-sync.json": func(*testing.T) string { return testServiceAccountKey() },
	// Box's JWT app config file, as the Developer Console downloads it (the
	// key unencrypted here: the example only needs it to parse).
	"1234567_abcd1234_config.json": func(*testing.T) string {
		b, _ := json.Marshal(map[string]any{
			"boxAppSettings": map[string]any{
				"clientID": "abcdefghijklmnopqrstuvwxyz012345", "clientSecret": "example-box-client-secret-0123456789",
				"appAuth": map[string]any{"publicKeyID": "a1b2c3d4", "privateKey": testPrivateKeyPEM(), "passphrase": ""},
			},
			"enterpriseID": "1234567",
		})
		return string(b)
	},
}

// exampleVariables are sample values for the examples' variables that have
// no default, as a user would pass them with TF_VAR_<name>.
var exampleVariables = map[string]func() string{
	"entra_client_secret": func() string { return "example-entra-secret-value-0123456789" },
	"client_secret":       func() string { return "example-client-secret-0123456789" },
	"okta_token":          func() string { return "00exampleOktaApiToken0123456789abcdef" },
	"okta_private_key":    testPrivateKeyPEM,
	// The service guides' examples.
	"aws_secret_access_key":      func() string { return "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
	"box_client_secret":          func() string { return "example-box-client-secret-0123456789" },
	"github_app_private_key":     testPrivateKeyPEM,
	"google_service_account_key": testServiceAccountKey,
	"jira_api_token":             func() string { return "ATATT3xFfGF0-example-token-0123456789" },
	"keycloak_client_secret":     func() string { return "example-keycloak-secret-0123456789" },
	"m365_client_secret":         func() string { return "example-m365-secret-value-0123456789" },
	"monitoring_api_key":         func() string { return "example-monitoring-key-0123456789" },
	"salesforce_private_key":     testPrivateKeyPEM,
	"servicenow_password":        func() string { return "example-servicenow-password-0123" },
	"smartsheet_token":           func() string { return "example-smartsheet-token-0123456789" },
	"snowflake_private_key":      testPrivateKeyPEM,
	"status_api_password":        func() string { return "example-status-password-0123" },
	"workday_client_secret":      func() string { return "example-workday-secret-0123456789" },
	"workday_refresh_token":      func() string { return "example-workday-refresh-token-0123456789" },
	"zendesk_api_token":          func() string { return "example-zendesk-token-0123456789" },
	"sandbox_url":                func() string { return "http://127.0.0.1:9" },
	"untrusted_tls_url":          func() string { return "https://127.0.0.1:9" },
	"idp_url":                    func() string { return "http://127.0.0.1:9" },
}

var (
	fencedBlock   = regexp.MustCompile("(?ms)^([ \t]*)```(terraform|hcl)\n(.*?)^[ \t]*```")
	topTerraform  = regexp.MustCompile(`(?m)^terraform \{`)
	fileCall      = regexp.MustCompile(`file\("\$\{path\.module\}/([^"]+)"\)`)
	variableBlock = regexp.MustCompile(`(?ms)^variable "([a-z0-9_]+)" \{(.*?)^\}`)
	hasDefault    = regexp.MustCompile(`(?m)^\s*default\s*=`)
)

func TestAccDocExamples(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run the documentation's examples through the Terraform CLI")
	}
	rc := devOverridesConfig(t)

	type example struct {
		name  string
		files map[string]string
		full  bool
	}
	var examples []example
	dirs := map[string]map[string]string{}
	err := filepath.WalkDir(filepath.Join(repoRoot, "examples"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".tf" && !strings.HasSuffix(p, ".tfquery.hcl") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(repoRoot, filepath.Dir(p))
		if dirs[rel] == nil {
			dirs[rel] = map[string]string{}
		}
		dirs[rel][filepath.Base(p)] = string(src)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir, files := range dirs {
		examples = append(examples, example{name: dir, files: files, full: true})
	}
	docs, _ := filepath.Glob(filepath.Join(repoRoot, "docs", "guides", "*.md"))
	docs = append(docs, filepath.Join(repoRoot, "README.md"))
	// The other pages' complete examples are the examples/ files run above;
	// their blocks are held to formatting only.
	pages, _ := filepath.Glob(filepath.Join(repoRoot, "docs", "*", "*.md"))
	pages = append(pages, filepath.Join(repoRoot, "docs", "index.md"))
	pages = slices.DeleteFunc(pages, func(p string) bool { return slices.Contains(docs, p) })
	for _, doc := range append(docs, pages...) {
		fmtOnly := !slices.Contains(docs, doc)
		src, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(repoRoot, doc)
		for i, m := range fencedBlock.FindAllStringSubmatch(string(src), -1) {
			body := dedent(m[3], m[1]) // a block inside a list item is indented with it
			examples = append(examples, example{name: fmt.Sprintf("%s#%d", rel, i+1),
				files: map[string]string{"main.tf": body}, full: !fmtOnly && topTerraform.MatchString(body)})
		}
	}
	sort.Slice(examples, func(i, j int) bool { return examples[i].name < examples[j].name })

	// Actions and list resources need Terraform 1.14 (OpenTofu has neither).
	needs114 := regexp.MustCompile(`(?m)^(action|list) "handshake_`)
	cliVersion := terraformVersion(t)
	complete := 0
	for _, ex := range examples {
		if ex.full {
			complete++
		}
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			if needs114.MatchString(strings.Join(mapValues(ex.files), "\n")) && cliVersion.LessThan(tfversion.Version1_14_0) {
				t.Skipf("needs Terraform 1.14 (actions, list resources); the CLI is %s", cliVersion)
			}
			dir := t.TempDir()
			for name, src := range ex.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cli := exampleCLI{t: t, dir: dir, rc: rc}
			cli.must("fmt", "-check", "-diff", "-no-color")
			if !ex.full {
				return // a fragment: formatting only
			}
			all := strings.Join(mapValues(ex.files), "\n")
			for _, m := range fileCall.FindAllStringSubmatch(all, -1) {
				gen, ok := exampleFixtures[m[1]]
				if !ok {
					t.Fatalf("the example reads %s, which has no fixture generator: add one to exampleFixtures and name the file on its page", m[1])
				}
				if err := os.WriteFile(filepath.Join(dir, m[1]), []byte(gen(t)), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			validate := []string{"validate", "-no-color"}
			if needs114.MatchString(all) {
				validate = append(validate, "-query") // the .tfquery.hcl files too
			}
			cli.must(validate...)
			if strings.Contains(all, `ephemeral "handshake_access_token"`) {
				return // it needs the network by design: its plan with live checks off fails, as documented
			}
			for _, m := range variableBlock.FindAllStringSubmatch(all, -1) {
				if hasDefault.MatchString(m[2]) {
					continue
				}
				val, ok := exampleVariables[m[1]]
				if !ok {
					t.Fatalf("variable %q has no sample value: add one to exampleVariables", m[1])
				}
				cli.env = append(cli.env, "TF_VAR_"+m[1]+"="+val())
			}
			cli.must("plan", "-input=false", "-no-color", "-lock=false")
		})
	}
	if complete < 10 {
		t.Errorf("only %d complete examples found; the README or guides lost their markers", complete)
	}
}

// devOverridesConfig builds the provider into a temporary directory and
// writes a CLI configuration that points Terraform at it.
func devOverridesConfig(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-handshake"), ".")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(bin, "dev.tfrc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"handshake-tf/handshake\" = %q\n  }\n  direct {}\n}\n", bin)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return rc
}

type exampleCLI struct {
	t   *testing.T
	dir string
	rc  string
	env []string
}

// must runs terraform in the example's directory and fails the test on a
// non-zero exit.
func (c exampleCLI) must(args ...string) {
	c.t.Helper()
	cmd := exec.Command(terraformBinary(), args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+c.rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		envLiveChecks+"=false", "TF_DATA_DIR="+filepath.Join(c.dir, ".terraform"))
	cmd.Env = append(cmd.Env, c.env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		c.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// dedent removes indent from the start of every line of s.
func dedent(s, indent string) string {
	if indent == "" {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, indent)
	}
	return strings.Join(lines, "\n")
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// testCertificatePEM is a self-signed certificate valid for ten years, such
// as an identity provider's SAML signing certificate.
func testCertificatePEM(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "idp.example.com"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// TestReadmeDemoDiagnostic: the README's sample diagnostic quotes a line of
// examples/demo/main.tf by number; that line must still say the same.
func TestReadmeDemoDiagnostic(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	demo, err := os.ReadFile(filepath.Join(repoRoot, "examples", "demo", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`on main\.tf line (\d+), in resource "handshake_connector" "(\w+)":\n *\d+: (.*)\n`).FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no sample diagnostic from the demo")
	}
	n, err := strconv.Atoi(string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(demo), "\n")
	if n < 1 || n > len(lines) || lines[n-1] != string(m[3]) {
		t.Fatalf("README.md quotes examples/demo/main.tf line %d as %q; run make demo and copy the diagnostic again", n, m[3])
	}
	if !strings.Contains(strings.Join(lines[:n], "\n"), `resource "handshake_connector" "`+string(m[2])+`"`) {
		t.Fatalf("README.md's sample names resource %s, which is not at line %d of the demo", m[2], n)
	}
}
