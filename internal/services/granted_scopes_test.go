package services

import (
	"context"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
)

// TestGrantedScopesReported: a healthy check reports what the service says
// was granted (Slack's and GitHub's x-oauth-scopes header, a GitHub App
// installation's permissions, an OAuth token response's scope), and nothing for a token the service reports
// no scopes for (fine-grained GitHub tokens).
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
		{"slack bot token", newSpec("slack", set("base_url", slack), withToken(slackTok("ok"))), "channels:read chat:write users:read users:read.email"},
		{"slack token with one scope", newSpec("slack", set("base_url", slack), withToken(slackTok("scopes"))), "chat:write"},
		{"slack refreshed token", newSpec("slack", set("base_url", slack), withToken("xoxe-1-sandbox-My0xLTEyMzQ1Njc4"),
			withClient(sandbox.SlackClientID, sandbox.SlackClientSecret), withRedeem()), "channels:read chat:write users:read users:read.email"},
		{"github classic token", newSpec("github", set("base_url", gh), withToken(ghClassic)), "read:org read:user repo"},
		{"github fine-grained token", newSpec("github", set("base_url", gh), withToken(ghFine)), ""},
		{"okta service app (the token response's scope)", oktaLiveSpec(nil, withClient("healthy.0oa1b2c3d4", ""), withKey(testRSA2048()),
			withScopes("okta.users.read", "okta.groups.read")), "okta.groups.read okta.users.read"},
		{"google service account (the requested scopes)", googleLiveSpec(googleLiveKey(t, "directory-sync", nil), nil), googleUserRO},
		{"github app installation", newSpec("github", set("base_url", gh, "app_id", sandbox.GitHubAppID, "installation_id", "1001"),
			withKey(srv.GitHubAppPrivateKey())), "contents:read members:read metadata:read"},
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
