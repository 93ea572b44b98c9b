package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func testQuery(service string) *query {
	c := services.Catalog()
	p, _ := c.Get(service)
	return &query{l: &connectorList{catalog: c}, admin: &connector.Spec{Service: service}, profile: p,
		window: 30 * 24 * time.Hour, now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), names: map[string]int{}}
}

func TestConnectorName(t *testing.T) {
	q := testQuery("entra_id")
	for _, tc := range []struct{ display, want string }{
		{"Payroll sync", "Payroll sync"},
		{"Payroll sync", "Payroll sync (2)"}, // a second app of the same name
		{"HR/Export", "HR-Export"},           // "/" separates the import id's halves
		{"  padded\t", "padded"},
		{"line\nbreak", "line break"},
		{"/", "-"},
		{"\t", "app"},
	} {
		if got := q.connectorName(tc.display); got != tc.want || !connectorNameRE.MatchString(got) {
			t.Errorf("connectorName(%q) = %q, want %q (and a valid connector name)", tc.display, got, tc.want)
		}
	}
}

func TestListProblems(t *testing.T) {
	q := testQuery("entra_id")
	at := func(days int) *time.Time { v := q.now.AddDate(0, 0, days); return &v }
	for _, tc := range []struct {
		name string
		app  inventory.App
		want []string // each problem's category and the start of its summary
	}{
		{"healthy", inventory.App{ClientID: "c", Owners: 2, RedirectURIs: []string{"https://app.example.com/cb"},
			Credentials: []inventory.Credential{{Kind: "client_secret", Name: "prod", ExpiresAt: at(200)}}}, nil},
		{"owners unknown is not a problem", inventory.App{Owners: -1}, nil},
		{"expiring and expired", inventory.App{Owners: 1, Credentials: []inventory.Credential{
			{Kind: "client_secret", Name: "prod", ExpiresAt: at(10)},
			{Kind: "certificate", ExpiresAt: at(-3)},
			{Kind: "client_secret", Name: "rotated client secret"}, // no date: nothing to judge
		}}, []string{`expiring_credentials:The client secret "prod" expires on`, "expired_credentials:The certificate expired on"}},
		{"the vendor's words name the kind", inventory.App{Owners: 1, Credentials: []inventory.Credential{
			{Kind: "client_secret", Name: "rotated client secret (accepted until it expires)", ExpiresAt: at(2)}}},
			[]string{"expiring_credentials:The rotated client secret (accepted until it expires) expires on"}},
		{"redirect rules only", inventory.App{Owners: 1, RedirectURIs: []string{"http://crm.example.com/cb"}},
			[]string{"redirect_uri_invalid:Redirect URI must use https"}},
		{"owners are the vendor's to judge", inventory.App{Owners: 0}, nil},
		{"vendor finding loses its path", inventory.App{Owners: 1, Findings: []finding.Finding{
			finding.Errorf(finding.AccountDisabled, finding.Attr("auth", "client_id"), "The app is disabled")}},
			[]string{"account_disabled:The app is disabled"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := q.problems(tc.app)
			if len(got) != len(tc.want) {
				t.Fatalf("%d problems, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, f := range got {
				cat, summary, _ := strings.Cut(tc.want[i], ":")
				if string(f.Category) != cat || !strings.HasPrefix(f.Summary, summary) || len(f.Path) != 0 {
					t.Errorf("problem %d = %s %q at %v, want %s %q… with no path", i, f.Category, f.Summary, f.Path, cat, summary)
				}
			}
		})
	}
}

// listWith runs the okta list resource against the sandbox with lister in
// place of Okta's, and returns every diagnostic as "Severity: summary: detail".
func listWith(t *testing.T, lister inventory.Lister) []string {
	t.Helper()
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	ctx := context.Background()
	l := NewConnectorListResource().(*connectorList)
	var sr list.ListResourceSchemaResponse
	l.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &sr)
	client, err := transport.New(transport.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	l.data = &providerData{LiveChecks: true, Timeout: 5 * time.Second, Now: time.Now, Client: client,
		Planners: services.Planners(), Catalog: services.Catalog(), Listers: map[string]inventory.Lister{"okta": lister}}
	// A State builds the configuration's value (a Config cannot be set).
	cfg := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
	diags := cfg.SetAttribute(ctx, path.Root("service"), "okta")
	diags.Append(cfg.SetAttribute(ctx, path.Root("okta").AtName("domain"), "dev-123456.okta.com")...)
	diags.Append(cfg.SetAttribute(ctx, path.Root("okta").AtName("base_url"), srv.VendorURL("okta"))...)
	diags.Append(cfg.SetAttribute(ctx, path.Root("auth").AtName("token"), listAdminToken)...)
	if diags.HasError() {
		t.Fatal(diags)
	}
	var stream list.ListResultsStream
	l.List(ctx, list.ListRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: cfg.Raw}, Limit: 10,
		ResourceSchema: connectorResourceSchema(l.catalog), ResourceIdentitySchema: connectorIdentitySchema()}, &stream)
	var got []string
	for r := range stream.Results {
		if r.DisplayName != "" {
			got = append(got, r.DisplayName)
		}
		for _, d := range r.Diagnostics {
			got = append(got, d.Severity().String()+": "+d.Summary()+": "+d.Detail())
		}
	}
	return got
}

const listAdminToken = "healthy.00QlistAdminTokenValue"

// TestListRecoversFromALister: a lister that panics ends the query with an
// error diagnostic; the provider keeps running.
func TestListRecoversFromALister(t *testing.T) {
	got := listWith(t, func(context.Context, *inventory.Session, func(inventory.App) bool) []finding.Finding {
		var apps []inventory.App
		_ = apps[3] // index out of range
		return nil
	})
	if len(got) != 1 || !strings.Contains(got[0], "Error: Listing failed with an internal error") || !strings.Contains(got[0], "index out of range") {
		t.Fatalf("diagnostics: %q", got)
	}
}

// TestListRedactsVendorText: a vendor answer that echoes the admin
// credential reaches no diagnostic, whether in an app's finding or in the
// lister's own.
func TestListRedactsVendorText(t *testing.T) {
	got := listWith(t, func(_ context.Context, s *inventory.Session, yield func(inventory.App) bool) []finding.Finding {
		echo := "the vendor said: bad token " + s.Spec.Auth.Token.Value
		yield(inventory.App{DisplayName: "echo", Owners: -1, Findings: []finding.Finding{finding.Warnf(finding.AccessDenied, nil, "%s", echo).WithDetail("%s", echo)}})
		return []finding.Finding{finding.Errorf(finding.AccessDenied, nil, "page refused").WithDetail("%s", echo).WithFix(echo)}
	})
	all := strings.Join(got, "\n")
	if strings.Contains(all, listAdminToken) || strings.Count(all, "[REDACTED]") < 4 || !strings.Contains(all, "page refused") {
		t.Fatalf("diagnostics:\n%s", all)
	}
}
