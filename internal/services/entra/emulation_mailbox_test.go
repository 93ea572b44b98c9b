package entra

import (
	"net/url"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
)

// TestEntraMailboxes: each sandbox user gets the mailbox and directory
// answers its scenario documents, with Graph's error shape.
func TestEntraMailboxes(t *testing.T) {
	s := sandbox.Start(*EntraID().Emulation)
	defer s.Close()
	base := s.VendorURL("entra")
	token := func(secret string) string {
		form := credentials(secret)
		form.Set("scope", base+"/.default")
		_, body := postForm(t, base+"/"+SandboxTenantID+"/oauth2/v2.0/token", form)
		return body["access_token"].(string)
	}
	code := func(body map[string]any) string {
		e, _ := body["error"].(map[string]any)
		c, _ := e["code"].(string)
		if _, ok := e["innerError"].(map[string]any); c != "" && !ok {
			t.Errorf("no innerError in %v", body)
		}
		return c
	}
	ok := token(SandboxSecretOK)
	for user, want := range map[string]struct {
		mailbox     int
		mailboxCode string
		user        int
		plan        string
	}{
		SandboxMailboxUser:              {200, "", 200, "Enabled"},
		SandboxUnlicensedUser:           {404, "MailboxNotEnabledForRESTAPI", 200, ""},
		SandboxOnPremUser:               {404, "MailboxNotEnabledForRESTAPI", 200, ""},
		SandboxLapsedUser:               {404, "MailboxNotEnabledForRESTAPI", 200, "Suspended"},
		SandboxDeletedUser:              {404, "MailboxNotEnabledForRESTAPI", 404, ""},
		"nobody@" + SandboxTenantDomain: {404, "ErrorInvalidUser", 404, ""},
	} {
		status, body := getJSON(t, base+"/v1.0/users/"+url.PathEscape(user)+"/mailboxSettings", ok)
		if got := code(body); status != want.mailbox || got != want.mailboxCode {
			t.Errorf("%s mailboxSettings: %d %s, want %d %s", user, status, got, want.mailbox, want.mailboxCode)
		}
		status, body = getJSON(t, base+"/v1.0/users/"+url.PathEscape(user)+"?$select=id,assignedPlans", ok)
		if status != want.user {
			t.Errorf("%s: directory answered %d, want %d: %v", user, status, want.user, body)
			continue
		}
		if status == 404 && code(body) != "Request_ResourceNotFound" {
			t.Errorf("%s: %v", user, body)
		}
		plan := ""
		plans, _ := body["assignedPlans"].([]any)
		for _, p := range plans {
			if m := p.(map[string]any); m["service"] == "exchange" {
				plan, _ = m["capabilityStatus"].(string)
			}
		}
		if plan != want.plan {
			t.Errorf("%s: exchange plan %q, want %q", user, plan, want.plan)
		}
	}
	// Without a mailbox permission Exchange Online refuses every mailbox.
	if status, body := getJSON(t, base+"/v1.0/users/"+url.PathEscape(SandboxMailboxUser)+"/mailboxSettings", token(SandboxSecretLimited)); status != 403 || code(body) != "ErrorAccessDenied" {
		t.Errorf("no MailboxSettings.Read: %d %v", status, body)
	}
}
