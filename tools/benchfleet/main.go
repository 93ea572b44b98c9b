// Command benchfleet measures a fleet-sized plan (make bench-fleet): it
// starts the real OAuth server (oidc-provider) behind a counting proxy on
// 127.0.0.1, writes N terraform_data resources and N handshake_connector
// resources sharing a few OAuth clients, plans each with the terraform on
// PATH, and prints the median wall time, the ratio between the two, the
// token and probe requests the provider made and its peak RSS.
//
// It is a benchmark, not a test: it asserts nothing and never fails on a
// slow machine.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	sizes := flag.String("n", "1000", "comma-separated fleet sizes")
	clients := flag.Int("clients", 50, "distinct OAuth clients (credentials) in the fleet")
	runs := flag.Int("runs", 3, "plans per configuration (the median is reported)")
	live := flag.Bool("live", true, "live_checks on the provider")
	provider := flag.String("provider", "bin", "directory holding terraform-provider-handshake")
	cpuprofile := flag.String("cpuprofile", "", "write the provider's CPU profile of the last connector plan here (and its heap profile at exit to FILE.heap)")
	flag.Parse()

	root, err := os.Getwd()
	must(err)
	provDir, err := filepath.Abs(*provider)
	must(err)
	if _, err := os.Stat(filepath.Join(provDir, "terraform-provider-handshake")); err != nil {
		log.Fatalf("benchfleet: build the provider first (make build): %v", err)
	}
	work, err := os.MkdirTemp("", "benchfleet-")
	must(err)
	defer os.RemoveAll(work)

	idp, stop := startOIDC(root, *clients)
	defer stop()
	proxy := newCountingProxy(idp)
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 5 * time.Second}
	ln := listen()
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	rc := filepath.Join(work, "cli.tfrc")
	must(os.WriteFile(rc, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides { "handshake-tf/handshake" = %q }
  direct {}
}
`, provDir)), 0o600))

	fmt.Printf("benchfleet: %s, live_checks=%v, %d distinct clients, median of %d plans\n\n", tfVersion(), *live, *clients, *runs)
	fmt.Printf("%-7s %-22s %10s %8s %8s %8s %12s\n", "N", "configuration", "plan", "ratio", "tokens", "probes", "provider RSS")
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		must(err)
		dataDir := filepath.Join(work, fmt.Sprintf("data-%d", n))
		fleetDir := filepath.Join(work, fmt.Sprintf("fleet-%d", n))
		writeData(dataDir, n)
		writeFleet(fleetDir, n, *clients, base, *live)

		dataT, _ := median(*runs, func() (time.Duration, int64) { return plan(dataDir, rc, "") })
		fmt.Printf("%-7d %-22s %10s %8s %8s %8s %12s\n", n, "terraform_data", dataT.Round(time.Millisecond), "1.00x", "-", "-", "-")

		var tokens, probes int64
		fleetT, rss := median(*runs, func() (time.Duration, int64) {
			proxy.reset()
			env := ""
			if *cpuprofile != "" {
				env = *cpuprofile
			}
			d, rss := plan(fleetDir, rc, env)
			tokens, probes = proxy.tokens.Load(), proxy.probes.Load()
			return d, rss
		})
		fmt.Printf("%-7d %-22s %10s %7.2fx %8d %8d %9.1f MB\n", n, "handshake_connector", fleetT.Round(time.Millisecond),
			float64(fleetT)/float64(dataT), tokens, probes, float64(rss)/(1<<20))
	}
}

// plan runs one fresh `terraform plan` in dir and returns its wall time and
// the provider's peak resident set (0 when no provider process ran).
func plan(dir, rc, cpuprofile string) (time.Duration, int64) {
	cmd := exec.Command("terraform", "plan", "-input=false", "-lock=false", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	if cpuprofile != "" {
		cmd.Env = append(cmd.Env, "HANDSHAKE_CPUPROFILE="+cpuprofile, "HANDSHAKE_MEMPROFILE="+cpuprofile+".heap")
	}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan struct{})
	var peak int64
	go func() { peak = watchRSS(done) }()
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	close(done)
	time.Sleep(30 * time.Millisecond)
	if err != nil {
		log.Fatalf("benchfleet: terraform plan in %s: %v\n%s", dir, err, tail(out.String(), 40))
	}
	return d, peak
}

// watchRSS polls /proc for the provider process until done and returns the
// largest VmHWM (peak resident set) it saw.
func watchRSS(done <-chan struct{}) int64 {
	var peak int64
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-done:
			return peak
		case <-t.C:
		}
		procs, _ := filepath.Glob("/proc/[0-9]*/comm")
		for _, p := range procs {
			comm, err := os.ReadFile(p)
			if err != nil || !strings.HasPrefix(string(comm), "terraform-provi") {
				continue
			}
			if hwm := vmHWM(filepath.Join(filepath.Dir(p), "status")); hwm > peak {
				peak = hwm
			}
		}
	}
}

func vmHWM(status string) int64 {
	f, err := os.Open(status)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func median(runs int, f func() (time.Duration, int64)) (time.Duration, int64) {
	ds := make([]time.Duration, 0, runs)
	var rss int64
	for range runs {
		d, r := f()
		ds = append(ds, d)
		rss = max(rss, r)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], rss
}

func writeData(dir string, n int) {
	must(os.MkdirAll(dir, 0o755))
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "resource \"terraform_data\" \"r%d\" {\n  input = \"client-%d\"\n}\n", i, i)
	}
	must(os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.String()), 0o600))
}

func writeFleet(dir string, n, clients int, base string, live bool) {
	must(os.MkdirAll(dir, 0o755))
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    handshake = { source = "handshake-tf/handshake" }
  }
}

provider "handshake" {
  live_checks = %v
  timeout     = "20s"
}
`, live)
	for i := range n {
		c := i % clients
		fmt.Fprintf(&b, `
resource "handshake_connector" "c%d" {
  name    = "connector-%d"
  service = "oauth2"
  oauth2 = {
    token_url = "%s/token"
    probe_url = "%s/bench/probe"
  }
  auth = {
    client_id        = "bench-%d"
    client_secret_wo = "bench-secret-%d-0123456789abcdef"
  }
  required_scopes = ["api:read"]
}
`, i, i, base, base, c, c)
	}
	must(os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.String()), 0o600))
}

// countingProxy forwards to the OAuth server, counting token requests, and
// answers the probe URL itself, counting probe calls.
type countingProxy struct {
	next           http.Handler
	tokens, probes atomic.Int64
}

func newCountingProxy(target *url.URL) *countingProxy {
	return &countingProxy{next: httputil.NewSingleHostReverseProxy(target)}
}

func (p *countingProxy) reset() { p.tokens.Store(0); p.probes.Store(0) }

func (p *countingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/bench/probe":
		p.probes.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
		return
	case r.URL.Path == "/token" && r.Method == http.MethodPost:
		p.tokens.Add(1)
	}
	p.next.ServeHTTP(w, r)
}

// startOIDC runs oidc-provider with the fleet's clients and returns its URL.
func startOIDC(root string, clients int) (*url.URL, func()) {
	type client struct {
		ClientID      string   `json:"client_id"`
		ClientSecret  string   `json:"client_secret"`
		GrantTypes    []string `json:"grant_types"`
		ResponseTypes []string `json:"response_types"`
		RedirectURIs  []string `json:"redirect_uris"`
		Scope         string   `json:"scope"`
	}
	cfg := struct {
		Clients []client `json:"clients"`
	}{}
	for i := range clients {
		cfg.Clients = append(cfg.Clients, client{ClientID: fmt.Sprintf("bench-%d", i),
			ClientSecret: fmt.Sprintf("bench-secret-%d-0123456789abcdef", i), GrantTypes: []string{"client_credentials"},
			ResponseTypes: []string{}, RedirectURIs: []string{}, Scope: "api:read"})
	}
	raw, err := json.Marshal(cfg)
	must(err)
	dir := filepath.Join(root, "internal", "testing", "oidcserver")
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		npm := exec.Command("npm", "ci", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error")
		npm.Stdout, npm.Stderr = os.Stderr, os.Stderr
		must(npm.Run())
	}
	cmd := exec.Command("node", filepath.Join(dir, "server.mjs"))
	cmd.Env = append(os.Environ(), "OIDC_CONFIG="+string(raw))
	stdin, err := cmd.StdinPipe()
	must(err)
	stdout, err := cmd.StdoutPipe()
	must(err)
	cmd.Stderr = io.Discard
	must(cmd.Start())
	lines := bufio.NewScanner(stdout)
	var u *url.URL
	ready := make(chan struct{})
	var once sync.Once
	go func() {
		for lines.Scan() {
			if rest, ok := strings.CutPrefix(lines.Text(), "HANDSHAKE_OIDC_LISTENING "); ok {
				u, _ = url.Parse(strings.TrimSpace(rest))
				once.Do(func() { close(ready) })
			}
		}
		once.Do(func() { close(ready) })
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
	}
	if u == nil {
		_ = cmd.Process.Kill()
		log.Fatal("benchfleet: the OAuth server did not start")
	}
	return u, func() { _ = stdin.Close(); _ = cmd.Wait() }
}

func tfVersion() string {
	out, err := exec.Command("terraform", "version").Output()
	if err != nil {
		return "terraform ?"
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return first
}

func listen() net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	return ln
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func must(err error) {
	if err != nil {
		log.Fatal("benchfleet: ", err)
	}
}
