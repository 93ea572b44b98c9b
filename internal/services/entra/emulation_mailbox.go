package entra

// Users and their Exchange Online mailboxes, as Microsoft Graph serves them
// for an app-only token: GET /v1.0/users/{upn} (User.Read.All) and
// GET /v1.0/users/{upn}/mailboxSettings (MailboxSettings.Read) or
// /mailFolders/inbox (Mail.*). The user principal name picks the scenario:
//
//	user                    directory                          mailbox answer
//	SandboxMailboxUser      licensed (exchange plan Enabled)   200 mailboxSettings
//	SandboxUnlicensedUser   no exchange plan                   404 MailboxNotEnabledForRESTAPI
//	SandboxOnPremUser       synced from AD, no exchange plan   404 MailboxNotEnabledForRESTAPI (older wording)
//	SandboxLapsedUser       exchange plan Suspended            404 MailboxNotEnabledForRESTAPI
//	SandboxDeletedUser      404 Request_ResourceNotFound       404 MailboxNotEnabledForRESTAPI (inactive mailbox)
//	anyone else             404 Request_ResourceNotFound       404 ErrorInvalidUser
//
// The bodies copy Graph's: MailboxNotEnabledForRESTAPI "The mailbox is
// either inactive, soft-deleted, or is hosted on-premise." (404; Microsoft Q&A
// 1457213, msgraph-sdk-powershell#3531) and its older wording "REST API is
// not yet supported for this mailbox." (microsoft-graph-docs#5888,
// Microsoft KB 4462988); ErrorInvalidUser "The requested user '…' is
// invalid." (microsoft-graph-docs#7909); Request_ResourceNotFound
// "Resource '…' does not exist or one of its queried reference-property
// objects are not present." (microsoft-graph-docs#6059); ErrorAccessDenied
// "Access is denied. Check credentials and try again." (403, without a
// mailbox permission).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// Sandbox users, one per mailbox scenario.
const (
	SandboxMailboxUser    = "ada@" + SandboxTenantDomain
	SandboxUnlicensedUser = "contractor@" + SandboxTenantDomain
	SandboxOnPremUser     = "hybrid@" + SandboxTenantDomain
	SandboxLapsedUser     = "lapsed@" + SandboxTenantDomain
	SandboxDeletedUser    = "leaver@" + SandboxTenantDomain
)

// Exchange Online Plan 2's service plan id (EXCHANGE_S_ENTERPRISE).
const entraExchangePlanID = "efb87545-963c-4e0d-99df-69c6916d9eb0"

type sandboxUser struct {
	id, plan string // plan: the exchange plan's capabilityStatus, "" for none
	onPrem   bool
	deleted  bool
}

var sandboxUsers = map[string]sandboxUser{
	SandboxMailboxUser:    {id: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", plan: "Enabled"},
	SandboxUnlicensedUser: {id: "6f7a8b9c-0d1e-4f2a-b3c4-d5e6f7a8b9c0"},
	SandboxOnPremUser:     {id: "7a8b9c0d-1e2f-4a3b-c4d5-e6f7a8b9c0d1", onPrem: true},
	SandboxLapsedUser:     {id: "8b9c0d1e-2f3a-4b4c-d5e6-f7a8b9c0d1e2", plan: "Suspended"},
	SandboxDeletedUser:    {id: "9c0d1e2f-3a4b-4c5d-e6f7-a8b9c0d1e2f3", deleted: true},
}

// user serves GET /v1.0/users/{upn}[/mailboxSettings|/mailFolders/inbox].
func (st *entraState) user(w http.ResponseWriter, r *http.Request, sess *entraSession, rest string) {
	upn, sub, _ := strings.Cut(rest, "/")
	if u, err := url.PathUnescape(upn); err == nil {
		upn = u
	}
	u, known := sandboxUsers[strings.ToLower(upn)]
	if sub == "" {
		if !hasAnyRole(sess, "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All") {
			graphError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
			return
		}
		if !known || u.deleted {
			graphError(w, http.StatusNotFound, "Request_ResourceNotFound", fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", upn))
			return
		}
		plans := []any{}
		if u.plan != "" {
			plans = append(plans, map[string]any{"assignedDateTime": "2025-03-01T09:00:00Z", "capabilityStatus": u.plan,
				"service": "exchange", "servicePlanId": entraExchangePlanID})
		}
		plans = append(plans, map[string]any{"assignedDateTime": "2025-03-01T09:00:00Z", "capabilityStatus": "Enabled",
			"service": "MicrosoftOffice", "servicePlanId": "43de0ff5-c92c-492b-9116-175376d08c38"})
		var sync any
		if u.onPrem {
			sync = true
		}
		body, _ := json.Marshal(map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,userPrincipalName,accountEnabled,onPremisesSyncEnabled,assignedPlans)/$entity",
			"id": u.id, "userPrincipalName": strings.ToLower(upn), "accountEnabled": true, "onPremisesSyncEnabled": sync, "assignedPlans": plans})
		emulation.WriteJSON(w, http.StatusOK, string(body))
		return
	}
	if sub != "mailboxSettings" && sub != "mailFolders/inbox" {
		graphError(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", sub))
		return
	}
	if !hasAnyRole(sess, "MailboxSettings.Read", "MailboxSettings.ReadWrite", "Mail.ReadBasic.All", "Mail.Read", "Mail.ReadWrite") {
		graphError(w, http.StatusForbidden, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
		return
	}
	switch {
	case !known:
		graphError(w, http.StatusNotFound, "ErrorInvalidUser", fmt.Sprintf("The requested user '%s' is invalid.", upn))
	case u.onPrem:
		graphError(w, http.StatusNotFound, "MailboxNotEnabledForRESTAPI", "REST API is not yet supported for this mailbox.")
	case u.plan != "Enabled":
		graphError(w, http.StatusNotFound, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.")
	case sub == "mailFolders/inbox":
		emulation.WriteJSON(w, http.StatusOK, `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users('`+u.id+`')/mailFolders(id,displayName)/$entity","id":"AAMkAGI2TGuLAAA=","displayName":"Inbox"}`)
	default:
		emulation.WriteJSON(w, http.StatusOK, `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users('`+u.id+`')/mailboxSettings","archiveFolder":"AAMkAGI2TGuLAAA=","timeZone":"UTC","language":{"locale":"en-US","displayName":"English (United States)"},"userPurpose":"user","delegateMeetingMessageDeliveryOptions":"sendToDelegateOnly"}`)
	}
}
