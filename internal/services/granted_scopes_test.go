package services

import (
	"context"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// TestGrantedScopesReported: a healthy check reports what the service says
// was granted (Slack's and GitHub's x-oauth-scopes header, a GitHub App
// installation's permissions), and nothing for a token the service reports
// no scopes for (fine-grained GitHub tokens). The okta and google packages
// test their own (TestOktaLiveGrantedScopes, TestGoogleLiveSteps).
func TestGrantedScopesReported(t *testing.T) {
	srv := sandbox.Start()
	defer srv.Close()
	slack := srv.VendorURL("slack") + "/api"
	gh := srv.VendorURL("github")
	for _, tc := range []struct {
		name string
		spec *connector.Spec
		want string
	}{
		{"slack bot token", servicetest.NewSpec("slack", servicetest.Set("base_url", slack), servicetest.WithToken(slackTok("ok"))), "channels:read chat:write users:read users:read.email"},
		{"slack token with one scope", servicetest.NewSpec("slack", servicetest.Set("base_url", slack), servicetest.WithToken(slackTok("scopes"))), "chat:write"},
		{"slack refreshed token", servicetest.NewSpec("slack", servicetest.Set("base_url", slack), servicetest.WithToken("xoxe-1-sandbox-My0xLTEyMzQ1Njc4"),
			servicetest.WithClient(sandbox.SlackClientID, sandbox.SlackClientSecret), servicetest.WithRedeem()), "channels:read chat:write users:read users:read.email"},
		{"github classic token", servicetest.NewSpec("github", servicetest.Set("base_url", gh), servicetest.WithToken(ghClassic)), "read:org read:user repo"},
		{"github fine-grained token", servicetest.NewSpec("github", servicetest.Set("base_url", gh), servicetest.WithToken(ghFine)), ""},
		{"github app installation", servicetest.NewSpec("github", servicetest.Set("base_url", gh, "app_id", sandbox.GitHubAppID, "installation_id", "1001"),
			servicetest.WithKey(srv.GitHubAppPrivateKey())), "contents:read members:read metadata:read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := run(context.Background(), liveOpts(), tc.spec)
			if res.Status != probe.StatusHealthy {
				t.Fatalf("status %s: %s", res.Status, res.Summary)
			}
			if got := strings.Join(res.GrantedScopes, " "); got != tc.want {
				t.Fatalf("granted %q, want %q", got, tc.want)
			}
		})
	}
}
