package provider

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// testAccProtoV6ProviderFactories runs the provider in-process for acceptance tests.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"handshake": providerserver.NewProtocol6WithError(New("test")()),
}

// offlineProvider turns live checks off for a test about the offline rules.
// It is configuration, not HANDSHAKE_LIVE_CHECKS, so that such tests can run
// in parallel (t.Setenv forbids t.Parallel).
const offlineProvider = "provider \"handshake\" {\n  live_checks = false\n}\n"

// offline prepends offlineProvider to a terraform-plugin-testing config.
func offline(config string) string { return offlineProvider + config }

// testClock is a settable clock for tests that cross expiry thresholds.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// factoriesWithClock returns provider factories whose provider reads clock.
func factoriesWithClock(clock *testClock) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"handshake": providerserver.NewProtocol6WithError(&handshakeProvider{version: "test", now: clock.Now}),
	}
}

// TestProviderReportsVersion: the build's version (main.version) is what the
// provider tells Terraform and what every live check sends as User-Agent.
func TestProviderReportsVersion(t *testing.T) {
	var resp provider.MetadataResponse
	New("1.2.3")().Metadata(context.Background(), provider.MetadataRequest{}, &resp)
	if resp.Version != "1.2.3" || resp.TypeName != "handshake" {
		t.Fatalf("Metadata = %q %q, want handshake 1.2.3", resp.TypeName, resp.Version)
	}
	if ua := (&providerData{Version: "1.2.3"}).probeOptions("oauth2").UserAgent; ua != "terraform-provider-handshake/1.2.3" {
		t.Fatalf("User-Agent %q", ua)
	}
}
