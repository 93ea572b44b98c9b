package diagnose_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/diagnose"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/entra"
)

// Exchange Online's answers for the mailbox a Microsoft 365 integration acts
// for (shared seed 003: "404 Not Found … does not have a primary mailbox in
// Exchange Online"), as users paste them. Sources are next to each body.
func TestDiagnoseMicrosoft365Mailbox(t *testing.T) {
	ogDiagnose(t, "microsoft_365", []ogCase{
		// Microsoft Q&A question 1457213 (2023).
		{"mailbox inactive, soft-deleted or on-premises", 404,
			`{"error":{"code":"MailboxNotEnabledForRESTAPI","message":"The mailbox is either inactive, soft-deleted, or is hosted on-premise.","innerError":{"date":"2023-12-05T02:29:56","request-id":"bb7c6b7e-2b8d-4ee3-836c-fa773f3c563d","client-request-id":"bb7c6b7e-2b8d-4ee3-836c-fa773f3c563d"}}}`,
			finding.LicenseRequired, "MailboxNotEnabledForRESTAPI", "Exchange Online licence", false},
		// iyear/E5SubBot#39 (2023): the body alone, as a Go bot printed it.
		{"body without the error wrapper", 0,
			`错误: {"code":"MailboxNotEnabledForRESTAPI","message":"The mailbox is either inactive, soft-deleted, or is hosted on-premise.","innerError":{"date":"2023-01-05T03:01:23","request-id":"xxx","client-request-id":"xxx"}}`,
			finding.LicenseRequired, "MailboxNotEnabledForRESTAPI", "on-premises", false},
		// microsoft-graph-docs-contrib#6519 (2019): hybrid user, older wording.
		{"older wording", 404,
			"{\n        \"error\": {\n            \"code\": \"MailboxNotEnabledForRESTAPI\",\n            \"message\": \"REST API is not yet supported for this mailbox.\",\n            \"innerError\": {\n                \"request-id\": \"080ffc52-c4e9-478f-9774-e8723d4a950e\",\n                \"date\": \"2019-10-07T12:40:14\"\n            }\n        }\n    }",
			finding.LicenseRequired, "MailboxNotEnabledForRESTAPI", "migrate", false},
		// InnoGE/laravel-msgraph-mail#16 (2024), the error as the PHP package reported it.
		{"unknown sender", 0,
			"code: ErrorInvalidUser\nmessage: The requested user 'example@domain.tld' is invalid.",
			finding.AccountDisabled, "ErrorInvalidUser", "user principal name", false},
		// microsoft-graph-docs#8861 (2020).
		{"SMTP address without a mailbox", 404,
			`{"error":{"code":"ErrorNonExistentMailbox","message":"The SMTP address has no mailbox associated with it.","innerError":{"date":"2020-06-25T14:44:17","request-id":"3122bac0-ddf7-43a3-81ef-e28e3919e8ee"}}}`,
			finding.LicenseRequired, "ErrorNonExistentMailbox", "licence", false},
	})
	// Graph's directory answer for a user principal name names a user that
	// does not exist (the shape of microsoft-graph-docs#6059); Graph's
	// Request_ResourceNotFound is recognised as Entra ID's.
	ogDiagnose(t, "entra_id", []ogCase{
		{"user principal name not found", 404,
			`{"error":{"code":"Request_ResourceNotFound","message":"Resource 'leaver@contoso.com' does not exist or one of its queried reference-property objects are not present.","innerError":{"date":"2024-02-01T10:00:00","request-id":"5f20c0fe-279c-4c59-bdd2-1ea5a9613d81"}}}`,
			finding.AccountDisabled, "Request_ResourceNotFound", "Deleted users", false},
	})
}

// TestDiagnoseSandboxMailboxBodies: the bodies the sandbox serves for the
// mailbox scenarios, which the live check decodes, get the same category
// from diagnose.
func TestDiagnoseSandboxMailboxBodies(t *testing.T) {
	srv := sandbox.Start(services.Emulations()...)
	defer srv.Close()
	base := srv.VendorURL("entra")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {entra.SandboxClientID},
		"client_secret": {entra.SandboxSecretOK + "-diag"}, "scope": {base + "/.default"}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/"+entra.SandboxTenantID+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tok := strings.Split(string(body), `"access_token":"`)
	if len(tok) != 2 {
		t.Fatalf("no token: %s", body)
	}
	bearer := strings.TrimSuffix(strings.TrimSpace(tok[1]), `"}`)
	cat := services.Catalog()
	for user, want := range map[string]finding.Category{
		entra.SandboxUnlicensedUser:           finding.LicenseRequired,
		entra.SandboxOnPremUser:               finding.LicenseRequired,
		"nobody@" + entra.SandboxTenantDomain: finding.AccountDisabled,
	} {
		u := base + "/v1.0/users/" + url.PathEscape(user) + "/mailboxSettings"
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		req.Header.Set("Authorization", "Bearer "+bearer)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, svc := range []string{"microsoft_365", ""} {
			if r := diagnose.Diagnose(cat, svc, resp.StatusCode, string(b)); r.Category != want {
				t.Errorf("%s (service %q): diagnose says %s %s, want %s\n%s", user, svc, r.Category, r.Code, want, b)
			}
		}
	}
}
