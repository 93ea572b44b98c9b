package entra

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func withMailbox(upn string) servicetest.SpecOpt {
	return func(s *connector.Spec) { s.Settings["mailbox"] = upn }
}

// TestEntraMailboxDecode classifies Exchange Online's answers for a
// mailbox, as Microsoft Graph relays them, and names the user they are
// about.
func TestEntraMailboxDecode(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		body    string
		cat     finding.Category
		code    string
		mention string // in the summary
	}{
		// Microsoft Q&A question 1457213 (2023-12-05), GET /users/{id}/calendar/getSchedule.
		{"inactive, soft-deleted or on-premises", 404,
			`{"error":{"code":"MailboxNotEnabledForRESTAPI","message":"The mailbox is either inactive, soft-deleted, or is hosted on-premise.","innerError":{"date":"2023-12-05T02:29:56","request-id":"bb7c6b7e-2b8d-4ee3-836c-fa773f3c563d","client-request-id":"bb7c6b7e-2b8d-4ee3-836c-fa773f3c563d"}}}`,
			finding.LicenseRequired, "MailboxNotEnabledForRESTAPI", "no mailbox in Exchange Online"},
		// microsoft-graph-docs#5888 (2019): a hybrid user whose mailbox is on-premises.
		{"older wording, hybrid mailbox", 404,
			"{\n    \"error\": {\n        \"code\": \"MailboxNotEnabledForRESTAPI\",\n        \"message\": \"REST API is not yet supported for this mailbox.\",\n        \"innerError\": {\n            \"request-id\": \"080ffc52-c4e9-478f-9774-e8723d4a950e\",\n            \"date\": \"2019-10-07T12:40:14\"\n        }\n    }\n}",
			finding.LicenseRequired, "MailboxNotEnabledForRESTAPI", "Exchange Online"},
		// msgraph-sdk-powershell#3531 (2026): Get-MgUser -Property MailboxSettings.
		{"PowerShell SDK error record", 0,
			"writeErrorStream      : True\r\nException             : System.Exception: [MailboxNotEnabledForRESTAPI] : The mailbox is either inactive,\r\n                        soft-deleted, or is hosted on-premise.\r\nFullyQualifiedErrorId : MailboxNotEnabledForRESTAPI,Microsoft.Graph.PowerShell.Cmdlets.GetMgUser_Get\r\nErrorDetails          : The mailbox is either inactive, soft-deleted, or is hosted on-premise.\r\n\r\n                        Status: 404 (NotFound)\r\n                        ErrorCode: MailboxNotEnabledForRESTAPI\r\n                        Date: 2026-02-13T00:00:00",
			finding.LicenseRequired, "MailboxNotEnabledForRESTAPI", "Exchange Online"},
		// Microsoft KB 4462988 names the second code for the same condition.
		{"MailboxNotSupportedForRESTAPI", 404,
			`{"error":{"code":"MailboxNotSupportedForRESTAPI","message":"REST API is not yet supported for this mailbox."}}`,
			finding.LicenseRequired, "MailboxNotSupportedForRESTAPI", "Exchange Online"},
		// microsoft-graph-docs#4097 (2019): calendar call for a user Exchange does not know.
		{"unknown user", 404,
			`{"error":{"code":"ErrorInvalidUser","message":"The requested user '4679dbfa-d1b9-45ad-87b5-0eb9e6b80123@b39138ca-3cee-4b4a-a4d6-cd83d9dd62f0' is invalid.","innerError":{"request-id":"f8d30a89-55af-4700-b7ae-514cb5d98ce4","date":"2019-03-05T12:36:46"}}}`,
			finding.AccountDisabled, "ErrorInvalidUser", "user 4679dbfa-d1b9-45ad-87b5-0eb9e6b80123@b39138ca-3cee-4b4a-a4d6-cd83d9dd62f0"},
		// microsoft-graph-docs#7909 (2020): the JavaScript SDK's GraphError, body without the "error" wrapper.
		{"unknown user, JavaScript GraphError", 0,
			"GraphError {\n  statusCode: 404,\n  code: 'ErrorInvalidUser',\n  message: \"The requested user '3864667a-d3d5-442a-ab36-5031f9353160@6ab3a8f0-1cc4-4557-a006-b10322d52b05' is invalid.\",\n  requestId: 'a955f6eb-d536-4435-84a3-0c44a2f8bb72',\n  body: `{\"code\":\"ErrorInvalidUser\",\"message\":\"The requested user '3864667a-d3d5-442a-ab36-5031f9353160@6ab3a8f0-1cc4-4557-a006-b10322d52b05' is invalid.\",\"innerError\":{\"request-id\":\"a955f6eb-d536-4435-84a3-0c44a2f8bb72\",\"date\":\"2020-04-24T10:13:59\"}}`\n}",
			finding.AccountDisabled, "ErrorInvalidUser", "does not know user"},
		// microsoft-graph-docs#8861 (2020).
		{"address without a mailbox", 404,
			`{"error":{"code":"ErrorNonExistentMailbox","message":"The SMTP address has no mailbox associated with it.","innerError":{"date":"2020-06-25T14:44:17","request-id":"3122bac0-ddf7-43a3-81ef-e28e3919e8ee"}}}`,
			finding.LicenseRequired, "ErrorNonExistentMailbox", "no mailbox"},
		// The shape of microsoft-graph-docs#6059, for GET /users/{upn} of a user that does not exist.
		{"user principal name not in the directory", 404,
			`{"error":{"code":"Request_ResourceNotFound","message":"Resource 'leaver@contoso.com' does not exist or one of its queried reference-property objects are not present.","innerError":{"date":"2024-02-01T10:00:00","request-id":"5f20c0fe-279c-4c59-bdd2-1ea5a9613d81","client-request-id":"5f20c0fe-279c-4c59-bdd2-1ea5a9613d81"}}}`,
			finding.AccountDisabled, "Request_ResourceNotFound", "User leaver@contoso.com does not exist"},
		// microsoft-graph-docs#6059 (2019) as sent: a GUID names no user, so it stays a missing object.
		{"object id not found stays endpoint_not_found", 404,
			`{"error":{"code":"Request_ResourceNotFound","message":"Resource '8c14a998-3c8d-4c52-ad09-c9032671ea31' does not exist or one of its queried reference-property objects are not present.","innerError":{"date":"2019-10-23T09:28:27","request-id":"5f20c0fe-279c-4c59-bdd2-1ea5a9613d81"}}}`,
			finding.EndpointNotFound, "Request_ResourceNotFound", "no such object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := microsoft365Profile().Decode(connector.Answer{StatusCode: tc.status, Body: []byte(tc.body)})
			if !ok {
				t.Fatal("not recognised")
			}
			if f.Category != tc.cat || f.Code != tc.code || !strings.Contains(f.Summary, tc.mention) {
				t.Fatalf("got %s %s %q, want %s %s mentioning %q\n%s", f.Category, f.Code, f.Summary, tc.cat, tc.code, tc.mention, f.Detail)
			}
			if len(f.Remediation) == 0 || strings.Contains(f.Detail, "request-id") || strings.ContainsAny(f.Detail, "\r\n") {
				t.Fatalf("incomplete or unstable finding: %+v", f)
			}
			if tc.status == 0 && !microsoft365Recognize(tc.body) && !entraRecognize(tc.body) {
				t.Fatal("the text is not recognised as Microsoft's")
			}
		})
	}
}

// TestEntraMailboxLive runs the mailbox step against every sandbox user:
// the mailbox answer, refined by what the directory says about the user.
func TestEntraMailboxLive(t *testing.T) {
	srv := sandbox.Start(*EntraID().Emulation)
	defer srv.Close()
	m365 := func(secret, upn string, opts ...servicetest.SpecOpt) *connector.Spec {
		return entraLiveSpec(srv, "microsoft_365", SandboxTenantID, SandboxClientID, secret, append(opts, withMailbox(upn))...)
	}
	cases := []struct {
		name   string
		spec   *connector.Spec
		cat    finding.Category // "" for healthy
		code   string
		path   string
		want   []string // in the summary
		detail string
	}{
		{"licensed user", m365(SandboxSecretOK, SandboxMailboxUser), "", "", "", nil, ""},
		{"no Exchange Online licence", m365(SandboxSecretOK, SandboxUnlicensedUser), finding.LicenseRequired, "MailboxNotEnabledForRESTAPI",
			"microsoft_365.mailbox", []string{SandboxUnlicensedUser, "no Exchange Online licence"}, "none of its assigned plans"},
		{"mailbox on-premises", m365(SandboxSecretOK, SandboxOnPremUser), finding.LicenseRequired, "MailboxNotEnabledForRESTAPI",
			"microsoft_365.mailbox", []string{SandboxOnPremUser, "hosted on-premises"}, "on-premises Active Directory"},
		{"licence suspended", m365(SandboxSecretOK, SandboxLapsedUser), finding.LicenseRequired, "MailboxNotEnabledForRESTAPI",
			"microsoft_365.mailbox", []string{SandboxLapsedUser, "Suspended"}, "lapsed"},
		{"deleted user, inactive mailbox", m365(SandboxSecretOK, SandboxDeletedUser), finding.AccountDisabled, "MailboxNotEnabledForRESTAPI",
			"microsoft_365.mailbox", []string{SandboxDeletedUser, "was deleted", "inactive or soft-deleted"}, "deleted user"},
		{"no such user", m365(SandboxSecretOK, "nobody@"+SandboxTenantDomain), finding.AccountDisabled, "ErrorInvalidUser",
			"microsoft_365.mailbox", []string{"nobody@" + SandboxTenantDomain, "does not exist in tenant " + SandboxTenantID}, "mistyped"},
		{"no mailbox permission", m365(SandboxSecretLimited, SandboxMailboxUser),
			finding.InsufficientScope, "ErrorAccessDenied", "required_permissions", []string{SandboxMailboxUser, "MailboxSettings.Read"}, "no Exchange Online application permission"},
	}
	opts := probe.Options{Timeout: 5 * time.Second}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := run(context.Background(), opts, tc.spec)
			entraNoSecrets(t, res, tc.spec)
			if tc.cat == "" {
				if res.Status != probe.StatusHealthy || entraStep(res, "mailbox") != probe.OutcomeOK {
					t.Fatalf("status %s, mailbox step %q\n%s", res.Status, entraStep(res, "mailbox"), entraDump(res))
				}
				return
			}
			if res.Status != probe.StatusUnhealthy || entraStep(res, "mailbox") != probe.OutcomeFailed {
				t.Fatalf("status %s, mailbox step %q\n%s", res.Status, entraStep(res, "mailbox"), entraDump(res))
			}
			f := res.Findings[len(res.Findings)-1]
			if f.Category != tc.cat || f.Code != tc.code || f.Path.String() != tc.path {
				t.Fatalf("got %s %s at %s, want %s %s at %s\n%s", f.Category, f.Code, f.Path, tc.cat, tc.code, tc.path, entraDump(res))
			}
			for _, w := range tc.want {
				if !strings.Contains(f.Summary, w) {
					t.Errorf("summary %q lacks %q", f.Summary, w)
				}
			}
			if !strings.Contains(f.Detail, tc.detail) || len(f.Remediation) == 0 {
				t.Errorf("detail lacks %q or no fix:\n%s\n%v", tc.detail, f.Detail, f.Remediation)
			}
		})
	}
}

// TestEntraGrantedPermissions: granted_scopes of an Entra-backed connector
// are the application permissions its tokens carry (the roles claims), not
// the /.default scope it asked for.
func TestEntraGrantedPermissions(t *testing.T) {
	srv := sandbox.Start(*EntraID().Emulation)
	defer srv.Close()
	opts := probe.Options{Timeout: 5 * time.Second}
	res := run(context.Background(), opts, entraLiveSpec(srv, "entra_id", SandboxTenantID, SandboxClientID, SandboxSecretLimited))
	if strings.Join(res.GrantedScopes, " ") != "User.Read.All" {
		t.Fatalf("granted %v, want the roles claim [User.Read.All]\n%s", res.GrantedScopes, entraDump(res))
	}
	res = run(context.Background(), opts, entraLiveSpec(srv, "microsoft_365", SandboxTenantID, SandboxClientID, SandboxSecretOK))
	if strings.Join(res.GrantedScopes, " ") != strings.Join(SandboxDefaultRoles, " ") {
		t.Fatalf("granted %v, want %v\n%s", res.GrantedScopes, SandboxDefaultRoles, entraDump(res))
	}
	res = run(context.Background(), opts, entraLiveSpec(srv, "entra_id", SandboxTenantID, SandboxClientID, SandboxSecretNoRoles))
	if len(res.GrantedScopes) != 0 {
		t.Fatalf("a token without a roles claim: granted %v, want none", res.GrantedScopes)
	}
}

func TestMicrosoft365MailboxOffline(t *testing.T) {
	for v, bad := range map[string]bool{"svc-audit@contoso.com": false, "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9": false, "svc-audit": true, "Audit <a@b.com>": true} {
		s := servicetest.NewSpec("microsoft_365", servicetest.Set("tenant_id", SandboxTenantID, "mailbox", v), servicetest.WithClient(SandboxClientID, "x"))
		fs := microsoft365Mailbox(s)
		if bad != (len(fs) == 1) || bad && (fs[0].Category != finding.InvalidConfiguration || fs[0].Path.String() != "microsoft_365.mailbox") {
			t.Errorf("%q: %+v", v, fs)
		}
	}
}
