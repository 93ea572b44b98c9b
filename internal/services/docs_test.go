package services

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The service guides (templates/guides/service-<id>.md.tmpl) promise to list
// every error code a profile can emit. These tests hold them to it: they read
// each service's Go files, extract the codes written as literals, and require
// each code to appear, in backticks, on the service's page.

const guidesDir = "../../templates/guides"

// serviceFiles maps a service id to the globs (relative to this package) of
// the files whose codes its page must list. Every service gets "<id>.go" and
// "<id>_*.go" and the package "<id>/*.go"; the entries here add the files
// and folders named otherwise or shared.
var serviceFiles = map[string][]string{
	// Both live in package entra, and Microsoft 365 authenticates exactly
	// as Entra ID: it runs entraRules, the Entra decoder and the same live
	// checks, so the Entra codes are its codes too.
	"entra_id":         {"entra/*.go"},
	"microsoft_365":    {"entra/*.go"},
	"google_workspace": {"google/*.go"},
	"api_key":          {"apikey/*.go"},
	"http":             {"httpapi/*.go"},
	"servicenow":       {"servicenow/*.go"},
}

// sharedPages lets a service's codes be listed on a related service's page
// instead of its own (its page must link there): Entra ID and Microsoft 365
// share one decoder, so the Entra ID page lists the sign-in and Graph codes
// and the Microsoft 365 page the Management Activity API (AF…) codes.
var sharedPages = map[string][]string{
	"entra_id":      {"microsoft_365"},
	"microsoft_365": {"entra_id"},
}

// helperCodes are the fixed codes of shared helpers (helpers.go,
// vendor_checks.go): a service that calls the helper can emit them.
var helperCodes = map[string][]string{
	"requirePrivateKey(": {"PRIVATE-KEY-MISSING", "PEM"},
	"privateKeyRule(":    {"PEM"},
	"checkPrivateKey(":   {"PEM"},
	"missingClientID(":   {"CLIENT-ID-MISSING"},
	"clientIDHygiene":    {"CLIENT-ID-WHITESPACE"},
	"urlScopeFinding(":   {"invalid_scope"},
}

// tablePattern finds vendor codes that a decoder keeps in a lookup table or
// a switch rather than in WithCode literals. Group 1 holds one code, or
// several quoted ones ("a", "b"); prefix is prepended to each.
type tablePattern struct {
	re     *regexp.Regexp
	prefix string
}

// entraTables: entraAADSTS is keyed by the AADSTS number; entraGraph by the
// Graph or Management Activity API code.
var entraTables = []tablePattern{
	{regexp.MustCompile(`(?m)^\s*"([0-9]+)":\s*\{cat:`), "AADSTS"},
	{regexp.MustCompile(`(?m)^\s*"([A-Za-z][A-Za-z0-9_]*)":\s*\{cat:`), ""},
}

// tableCodes are the table patterns of each decoder file, by its path
// relative to this package.
var tableCodes = map[string][]tablePattern{
	"entra/codes_aadsts.go": entraTables,
	"entra/codes.go":        entraTables,
	// decodeGitHub's mk(category, code, …) and the OAuth web-flow errors.
	"github/decode.go": {
		{regexp.MustCompile(`\bmk\(finding\.\w+,\s*"([^"]+)"`), ""},
		{regexp.MustCompile(`case "([a-z_]+)":\s*\n\s*return mk\(finding\.\w+, a\.oauthError`), ""},
	},
	// oktaCodeFinding's and oktaOAuthFinding's switches.
	"okta/findings.go": {
		{regexp.MustCompile(`\bcase ((?:"[^"]+",?\s*)+):`), ""},
	},
	// googleOAuthFinding's switch, and the API error reasons and statuses.
	"google/findings.go": {
		{regexp.MustCompile(`\bcase ((?:"[^"]+",?\s*)+):`), ""},
		{regexp.MustCompile(`\breason\(((?:"[^"]+",?\s*)+)\)`), ""},
		{regexp.MustCompile(`e\.Status == "([A-Z_]+)"`), ""},
	},
	// Salesforce's rules: rows start with the vendor's code
	// ({"invalid_grant", "ip restricted", finding.PolicyBlocked, …}).
	"salesforce/decode.go": {
		{regexp.MustCompile(`(?m)^\s*\{"([A-Za-z_]+)", "[^"]*", finding\.`), ""},
	},
	// Box's rule tables: oauthRules and legacyRules rows start with the code
	// and a phrase, apiRules rows with the code and the category.
	"box/decode.go": {
		{regexp.MustCompile(`(?m)^\s*\{"([A-Za-z_]+)", "[^"]*", finding\.`), ""},
		{regexp.MustCompile(`(?m)^\s*\{"([a-z_]+)", finding\.`), ""},
	},
	// slackKnown.
	"slack/decode.go": {
		{regexp.MustCompile(`(?m)^\s*"([a-z0-9_]+)":\s*\{finding\.`), ""},
	},
}

var (
	// .WithCode("…") with a literal; codes built at run time are not seen.
	withCodeRE = regexp.MustCompile(`WithCode\(\s*"([^"]+)"\s*\)`)
	// Helpers that take the code as their third argument:
	// notURL(s, name, code, what), spaceFinding(s, name, code),
	// rsaKeyRule(display, minBits, code).
	codeArgRE = regexp.MustCompile(`\b(?:notURL|spaceFinding|rsaKeyRule)\(\s*[^,()]+,\s*[^,()]+,\s*"([^"]+)"`)
	// Rules that build findings through a local bad(code, summary, …)
	// closure; literals with white space are summaries, not codes.
	badRE = regexp.MustCompile(`\bbad\(\s*"([^"\s]+)"\s*,`)
	// Vendor codes that are unambiguous wherever they appear as a literal,
	// including in lookup tables: Entra AADSTS codes and Okta E0000… codes.
	vendorCodeRE = regexp.MustCompile(`"((?:AADSTS[0-9]+)|(?:E0000[0-9]{3}))"`)
)

// filesOf returns the non-test Go files that belong to a service, sorted.
func filesOf(t *testing.T, id string) []string {
	t.Helper()
	globs := append([]string{id + ".go", id + "_*.go", id + "/*.go"}, serviceFiles[id]...)
	seen := map[string]bool{}
	var out []string
	for _, g := range globs {
		matches, err := filepath.Glob(g)
		if err != nil {
			t.Fatalf("glob %q: %v", g, err)
		}
		for _, m := range matches {
			if strings.HasSuffix(m, "_test.go") || seen[m] {
				continue
			}
			seen[m] = true
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

var quotedRE = regexp.MustCompile(`"([^"]+)"`)

// codesIn extracts the error codes written in a Go source file; name (its
// path relative to this package) selects its table patterns.
func codesIn(name, src string) []string {
	set := map[string]bool{}
	for _, tp := range tableCodes[name] {
		for _, m := range tp.re.FindAllStringSubmatch(src, -1) {
			codes := []string{m[1]}
			if q := quotedRE.FindAllStringSubmatch(m[1], -1); q != nil {
				codes = codes[:0]
				for _, c := range q {
					codes = append(codes, c[1])
				}
			}
			for _, c := range codes {
				set[tp.prefix+c] = true
			}
		}
	}
	for _, re := range []*regexp.Regexp{withCodeRE, codeArgRE, badRE, vendorCodeRE} {
		for _, m := range re.FindAllStringSubmatch(src, -1) {
			set[m[1]] = true
		}
	}
	for call, codes := range helperCodes {
		if strings.Contains(src, call) {
			for _, c := range codes {
				set[c] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// readGuide returns a guide's text; a missing guide is reported and
// yields ok = false so that one test run lists every missing page.
// alsoOn names the pages a service shares its error list with, for messages.
func alsoOn(id string) string {
	if len(sharedPages[id]) == 0 {
		return ""
	}
	return " (or service-" + strings.Join(sharedPages[id], ".md.tmpl, service-") + ".md.tmpl)"
}

func readGuide(t *testing.T, name string) (string, bool) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(guidesDir, name))
	if err != nil {
		t.Errorf("guide missing: %s (%v)", name, err)
		return "", false
	}
	return string(b), true
}

func TestServiceGuidesExist(t *testing.T) {
	ids := map[string]bool{}
	for _, p := range Catalog().Profiles() {
		ids[p.ID] = true
		page, ok := readGuide(t, "service-"+p.ID+".md.tmpl")
		if !ok {
			continue
		}
		for _, want := range []string{
			`subcategory: "Services"`,
			"```hcl",
			"## Errors",
			"(offline-rules)", // link to the shared rules
			"(../resources/connector#nestedatt--" + p.ID, // link to the settings
		} {
			if !strings.Contains(page, want) {
				t.Errorf("service-%s.md.tmpl does not contain %q", p.ID, want)
			}
		}
	}
	// No page for a service that does not exist (a renamed or removed id).
	pages, _ := filepath.Glob(filepath.Join(guidesDir, "service-*.md.tmpl"))
	for _, p := range pages {
		id := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "service-"), ".md.tmpl")
		if !ids[id] {
			t.Errorf("%s documents unknown service %q", filepath.Base(p), id)
		}
	}
	for id := range serviceFiles {
		if !ids[id] {
			t.Errorf("serviceFiles names %q, which is not in the catalog", id)
		}
	}
	for id, others := range sharedPages {
		page, ok := readGuide(t, "service-"+id+".md.tmpl")
		for _, o := range others {
			if !ids[o] {
				t.Errorf("sharedPages names %q, which is not in the catalog", o)
			}
			if ok && !strings.Contains(page, "(service-"+o+")") {
				t.Errorf("service-%s.md.tmpl shares its error list with service-%s but does not link to it", id, o)
			}
		}
	}
}

func TestServiceGuidesListEveryErrorCode(t *testing.T) {
	for _, p := range Catalog().Profiles() {
		t.Run(p.ID, func(t *testing.T) {
			files := filesOf(t, p.ID)
			if len(files) == 0 {
				t.Fatalf("no Go files found for service %q (expected %s.go)", p.ID, p.ID)
			}
			page, ok := readGuide(t, "service-"+p.ID+".md.tmpl")
			if !ok {
				return
			}
			for _, o := range sharedPages[p.ID] {
				if other, ok := readGuide(t, "service-"+o+".md.tmpl"); ok {
					page += other
				}
			}
			for _, f := range files {
				src, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				for _, code := range codesIn(filepath.ToSlash(f), string(src)) {
					if !strings.Contains(page, "`"+code+"`") {
						t.Errorf("code %s (from %s) is not listed on service-%s.md.tmpl%s", code, f, p.ID, alsoOn(p.ID))
					}
				}
			}
		})
	}
}

// TestServiceGuidesLiveSection: a page says "no live test yet" exactly when
// the service has no live-check planner, so adding one makes this fail until
// the page describes it.
func TestServiceGuidesLiveSection(t *testing.T) {
	live := map[string]bool{}
	for id := range Planners() {
		live[id] = true
	}
	for _, p := range Catalog().Profiles() {
		page, ok := readGuide(t, "service-"+p.ID+".md.tmpl")
		if !ok {
			continue
		}
		says := strings.Contains(page, "no live test yet")
		switch {
		case live[p.ID] && says:
			t.Errorf("service-%s.md.tmpl says there is no live test yet, but the service has a planner: describe the live test", p.ID)
		case !live[p.ID] && !says:
			t.Errorf("service-%s.md.tmpl should say the service has no live test yet", p.ID)
		}
	}
}

// TestOfflineRulesGuide: the codes of the generic rules (internal/connector)
// are listed once, on the shared page every service page links to.
func TestOfflineRulesGuide(t *testing.T) {
	page, ok := readGuide(t, "offline-rules.md.tmpl")
	if !ok {
		return
	}
	files, _ := filepath.Glob("../connector/rules_*.go")
	constRE := regexp.MustCompile(`(?m)^\s*code[A-Za-z]+\s*=\s*"([^"]+)"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		codes := codesIn(filepath.Base(f), string(src))
		for _, m := range constRE.FindAllStringSubmatch(string(src), -1) {
			codes = append(codes, m[1])
		}
		for _, code := range codes {
			n++
			if !strings.Contains(page, "`"+code+"`") {
				t.Errorf("code %s (from %s) is not listed on offline-rules.md.tmpl", code, filepath.Base(f))
			}
		}
	}
	if n == 0 {
		t.Fatal("no codes found in ../connector/rules_*.go: has the package moved?")
	}
}

func TestCodesInTables(t *testing.T) {
	entra := `var m = map[string]entraKnown{
	"7000222": {cat: finding.ExpiredCredentials, title: "x"},
	"Authorization_RequestDenied": {cat: finding.InsufficientScope},
}`
	if got := strings.Join(codesIn("entra/codes.go", entra), " "); got != "AADSTS7000222 Authorization_RequestDenied" {
		t.Errorf("entra table: got %s", got)
	}
	okta := `switch e.Code {
	case "E0000009", "E0000010":
	case "invalid_client":
	}`
	if got := strings.Join(codesIn("okta/findings.go", okta), " "); got != "E0000009 E0000010 invalid_client" {
		t.Errorf("okta switch: got %s", got)
	}
	gh := `return mk(finding.InvalidCredentials, "Bad credentials", "summary", "why")
	case "bad_verification_code":
		return mk(finding.InvalidCredentials, a.oauthError, "s", "w")`
	if got := strings.Join(codesIn("github/decode.go", gh), " "); got != "Bad credentials bad_verification_code" {
		t.Errorf("github decoder: got %s", got)
	}
}

func TestCodesIn(t *testing.T) {
	src := `x.WithCode("A-1"); bad("AADSTS900023", "summary"); bad("a summary with spaces", "d")
		notURL(s, "host", "WORKDAY-HOST", "the host"); spaceFinding(s, "realm", "KEYCLOAK-REALM")
		rsaKeyRule("Snowflake", 2048, "SNOWFLAKE-KEY-PAIR"); clientIDHygiene,
		var m = map[string]string{"E0000011": "x", "AADSTS7000222": "y"}; f.WithCode(code)`
	got := strings.Join(codesIn("x.go", src), " ")
	want := "A-1 AADSTS7000222 AADSTS900023 CLIENT-ID-WHITESPACE E0000011 KEYCLOAK-REALM SNOWFLAKE-KEY-PAIR WORKDAY-HOST"
	if got != want {
		t.Errorf("codesIn:\n got %s\nwant %s", got, want)
	}
}
