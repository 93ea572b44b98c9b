package kit

import (
	"net/http"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestNextLink(t *testing.T) {
	const req = "https://api.github.com/app/installations?per_page=2"
	for _, tc := range []struct{ link, want string }{
		// source: docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api
		{`<https://api.github.com/repositories/1300192/issues?page=2>; rel="prev", <https://api.github.com/repositories/1300192/issues?page=4>; rel="next", <https://api.github.com/repositories/1300192/issues?page=515>; rel="last", <https://api.github.com/repositories/1300192/issues?page=1>; rel="first"`,
			"https://api.github.com/repositories/1300192/issues?page=4"},
		{`<https://api.github.com/app/installations?per_page=2&page=1>; rel="first", <https://api.github.com/app/installations?per_page=2&page=2>; rel="prev"`, ""},
		{`</app/installations?page=2>; rel=next`, "https://api.github.com/app/installations?page=2"},
		{`<https://x.example/a,b>; title="a, b"; rel="prev next"`, "https://x.example/a,b"},
		{``, ""},
		{`garbage`, ""},
	} {
		h := http.Header{}
		if tc.link != "" {
			h.Set("Link", tc.link)
		}
		if got := NextLink(h, req); got != tc.want {
			t.Errorf("Link %q: next = %q, want %q", tc.link, got, tc.want)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"https://graph.microsoft.com/v1.0/applications?$skiptoken=x", "https://graph.microsoft.com", true},
		{"https://GRAPH.microsoft.com:443/v1.0", "https://graph.microsoft.com", true},
		{"http://127.0.0.1:8080/entra/v1.0", "http://127.0.0.1:8080/entra", true},
		{"http://127.0.0.1:8081/entra/v1.0", "http://127.0.0.1:8080/entra", false},
		{"http://graph.microsoft.com/v1.0", "https://graph.microsoft.com", false},
		{"https://graph.microsoft.com.evil.example/v1.0", "https://graph.microsoft.com", false},
		{"/v1.0/applications", "https://graph.microsoft.com", false},
		{"://bad", "https://graph.microsoft.com", false},
	} {
		if got := SameOrigin(tc.a, tc.b); got != tc.want {
			t.Errorf("SameOrigin(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func TestForeignNextLink(t *testing.T) {
	f := ForeignNextLink("GitHub", "https://evil.example/app/installations?page=2&token=abc", "https://api.github.com", finding.Attr("github", "base_url"))
	if f.Severity != finding.Error || f.Category != finding.UnexpectedResponse || f.Path.String() != "github.base_url" {
		t.Errorf("finding %+v", f)
	}
	if want := "https://evil.example"; !strings.Contains(f.Detail, want) || strings.Contains(f.Detail, "token=abc") {
		t.Errorf("detail %q: must name the origin and not the query", f.Detail)
	}
}

// TestNextLinkOkta: Okta's Link headers (one header per link).
func TestNextLinkOkta(t *testing.T) {
	const page = "https://test-instance.oktapreview.com/api/v1/apps?limit=2"
	for _, tc := range []struct {
		name  string
		links []string
		want  string
	}{
		// source: Okta's paging example (developer.okta.com/docs/api#pagination), one header per link.
		{"Okta's two headers", []string{`<https://test-instance.oktapreview.com/api/v1/apps?limit=2>; rel="self"`,
			`<https://test-instance.oktapreview.com/api/v1/apps?after=0oav0t9spdHM3sWaO697&limit=2>; rel="next"`},
			"https://test-instance.oktapreview.com/api/v1/apps?after=0oav0t9spdHM3sWaO697&limit=2"},
		{"last page", []string{`<https://test-instance.oktapreview.com/api/v1/apps?after=0oav0t9spdHM3sWaO697&limit=2>; rel="self"`}, ""},
		{"joined by a proxy", []string{`<https://a.okta.com/api/v1/apps?limit=2>; rel="self", <https://a.okta.com/api/v1/apps?after=x&limit=2>; rel="next"`},
			"https://a.okta.com/api/v1/apps?after=x&limit=2"},
		{"unquoted, several rels", []string{`<https://a.okta.com/p2>;rel=next`, `<https://a.okta.com/p9>; rel="last next"`}, "https://a.okta.com/p2"},
		{"none", nil, ""},
		{"garbage", []string{`rel="next"`, `<>`}, ""},
	} {
		h := http.Header{}
		for _, l := range tc.links {
			h.Add("Link", l)
		}
		if got := NextLink(h, page); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
