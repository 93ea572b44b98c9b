package services

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
)

// TestFindingsGuideTable holds templates/guides/findings.md.tmpl to the code:
// one row per category, and its "Reported by" column equal to what the Go
// files say — "any service" when a shared package (probe, transport,
// connector, credential, the services helpers) builds a finding of that
// category, plus every service whose own files do.
func TestFindingsGuideTable(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(guidesDir, "findings.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	consts := categoryConstants(t)

	var shared []string
	for _, dir := range []string{"../probe", "../transport", "../connector", "../credential"} {
		m, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		shared = append(shared, m...)
	}
	kit, _ := filepath.Glob("kit/*.go")
	shared = append(append(shared, kit...), "catalog.go")
	anyService := referenced(t, shared, consts)
	own := map[finding.Category][]string{}
	for _, id := range Catalog().IDs() {
		for c := range referenced(t, filesOf(t, id), consts) {
			own[c] = append(own[c], id)
		}
	}

	for _, st := range []string{probe.StatusHealthy, probe.StatusDegraded, probe.StatusUnhealthy, probe.StatusUnreachable, probe.StatusUnknown} {
		if !strings.Contains(string(raw), "| `"+st+"` |") {
			t.Errorf("no row for status %s", st)
		}
	}

	row := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\|.*\\| ([^|]+) \\|$")
	ids := regexp.MustCompile("`([a-z0-9_]+)`")
	rows := map[finding.Category]string{}
	for _, m := range row.FindAllStringSubmatch(string(raw), -1) {
		if slices.Contains(finding.Categories, finding.Category(m[1])) {
			rows[finding.Category(m[1])] = m[2]
		}
	}
	for _, c := range finding.Categories {
		cell, ok := rows[c]
		if !ok {
			t.Errorf("no row for category %s", c)
			continue
		}
		var want []string
		if anyService[c] {
			want = append(want, "any service")
		}
		sort.Strings(own[c])
		for _, id := range own[c] {
			want = append(want, "`"+id+"`")
		}
		var got []string
		if strings.HasPrefix(cell, "any service") {
			got = append(got, "any service")
		}
		var listed []string
		for _, m := range ids.FindAllStringSubmatch(cell, -1) {
			listed = append(listed, "`"+m[1]+"`")
		}
		sort.Strings(listed)
		got = append(got, listed...)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the page says %q; the code says %q", c, got, want)
		}
	}
}

// categoryConstants maps each category's Go constant name (InvalidScope) to
// its id, from internal/finding.
func categoryConstants(t *testing.T) map[string]finding.Category {
	t.Helper()
	src, err := os.ReadFile("../finding/finding.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]finding.Category{}
	for _, m := range regexp.MustCompile(`(?m)^\s*(\w+)\s+Category = "([a-z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		out[m[1]] = finding.Category(m[2])
	}
	if len(out) != len(finding.Categories) {
		t.Fatalf("found %d category constants, want %d", len(out), len(finding.Categories))
	}
	return out
}

// referenced returns the categories whose constants the non-test files use.
func referenced(t *testing.T, files []string, consts map[string]finding.Category) map[finding.Category]bool {
	t.Helper()
	use := regexp.MustCompile(`\bfinding\.(\w+)\b`)
	out := map[finding.Category]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range use.FindAllStringSubmatch(string(src), -1) {
			if c, ok := consts[m[1]]; ok {
				out[c] = true
			}
		}
	}
	return out
}
