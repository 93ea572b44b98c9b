package google

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
)

// TestGoogleReportsEmulation: activities.list answers an administrator with
// events, a non-admin subject with the 401 authError of seed 003, a token
// without the audit scope with 403, and an unknown token with 401
// UNAUTHENTICATED.
func TestGoogleReportsEmulation(t *testing.T) {
	s := sandbox.Start(*Service().Emulation)
	defer s.Close()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tokenURL := s.VendorURL("google") + "/token"
	token := func(scenario, scope string) string {
		form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
			"assertion": {googleAssertion(t, key, tokenURL, scenario, "kid-"+scenario, time.Now(), scope)}}
		resp, err := http.PostForm(tokenURL, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		at, _ := m["access_token"].(string)
		return at
	}
	const audit = "https://www.googleapis.com/auth/admin.reports.audit.readonly"
	activities := s.VendorURL("google") + "/admin/reports/v1/activity/users/all/applications/login?maxResults=1"
	errorOf := func(m map[string]any) (msg, reason string) {
		e, _ := m["error"].(map[string]any)
		errs, _ := e["errors"].([]any)
		msg, _ = e["message"].(string)
		if len(errs) > 0 {
			reason, _ = errs[0].(map[string]any)["reason"].(string)
		}
		return msg, reason
	}
	if st, m := googleGet(t, activities, token("audit-sync", audit)); st != 200 || m["kind"] != "admin#reports#activities" {
		t.Fatalf("administrator: %d %v", st, m)
	}
	for name, tc := range map[string]struct {
		token           string
		status          int
		message, reason string
	}{
		"not an admin":     {token("not-admin", audit), 401, "Access denied. You are not authorized to read activity records.", "authError"},
		"no audit scope":   {token("audit-sync", "https://www.googleapis.com/auth/admin.directory.user.readonly"), 403, "Request had insufficient authentication scopes.", "insufficientPermissions"},
		"token not issued": {"ya29.not-issued", 401, "", "authError"},
	} {
		st, m := googleGet(t, activities, tc.token)
		msg, reason := errorOf(m)
		if st != tc.status || reason != tc.reason || tc.message != "" && msg != tc.message {
			t.Errorf("%s: %d %v", name, st, m)
		}
	}
}
