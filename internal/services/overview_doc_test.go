package services

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestServicesOverviewTable holds templates/guides/services-overview.md.tmpl
// to the profiles: one row per service, its auth keys exactly the profile's
// AuthAttrs, and "offline only" exactly for the services without a live
// planner.
func TestServicesOverviewTable(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(guidesDir, "services-overview.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| \\[`([a-z0-9_]+)`\\]\\(service-[a-z0-9_]+\\) \\| ([^|]+) \\|.*\\| ([^|]+) \\|$")
	key := regexp.MustCompile("`([a-z_]+)`")
	rows := map[string][2]string{}
	for _, m := range row.FindAllStringSubmatch(string(raw), -1) {
		rows[m[1]] = [2]string{m[2], m[3]}
	}
	var live []string
	for id := range Planners() {
		live = append(live, id)
	}
	for _, p := range Catalog().Profiles() {
		r, ok := rows[p.ID]
		if !ok {
			t.Errorf("no row for %s", p.ID)
			continue
		}
		var keys []string
		for _, m := range key.FindAllStringSubmatch(r[0], -1) {
			keys = append(keys, m[1])
		}
		if !slices.Equal(keys, p.AuthAttrs) {
			t.Errorf("%s: auth keys on the page %v, the profile reads %v", p.ID, keys, p.AuthAttrs)
		}
		offline := strings.HasPrefix(r[1], "offline only")
		if offline == slices.Contains(live, p.ID) {
			t.Errorf("%s: the page says offline only = %v, the probe has a live planner = %v", p.ID, offline, !offline)
		}
	}
	if len(rows) != len(Catalog().IDs()) {
		t.Errorf("the page has %d rows, the catalog %d services", len(rows), len(Catalog().IDs()))
	}
}
