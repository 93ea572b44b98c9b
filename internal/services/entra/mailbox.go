package entra

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

// The mailbox a microsoft_365 connector acts for (microsoft_365.mailbox).
// Integrations that read or send mail, calendars or mailbox settings through
// Microsoft Graph fail with 404 when that user has no primary mailbox in
// Exchange Online: the user does not exist, or exists without an Exchange
// Online licence, or its mailbox is inactive, soft-deleted or hosted
// on-premises. The mailbox step asks Exchange Online about the mailbox and,
// when it answers 404, reads the user from the directory to tell those
// causes apart.

// mailboxSetting is the microsoft_365 setting naming the mailbox.
var mailboxSetting = connector.Setting{
	Name: "mailbox", Kind: connector.String, Description: "User principal name (or object id) of the mailbox the " +
		"integration reads or sends as, such as `svc-audit@contoso.com`. When set, the live check asks Exchange Online " +
		"through Microsoft Graph whether that user has a working mailbox (`GET /users/{mailbox}/mailboxSettings`, which " +
		"needs the `MailboxSettings.Read` application permission, or `/mailFolders/inbox` with a `Mail.*` permission) and, " +
		"when it has none, reads the user (`User.Read.All`) to say why: no such user, no Exchange Online licence, a " +
		"mailbox hosted on-premises, or a deleted user whose mailbox is inactive or soft-deleted.",
}

// Exchange Online's codes, as Microsoft Graph relays them for mailbox
// resources (/users/{id}/mailboxSettings, /messages, /calendar …).
var entraExchange = map[string]entraKnown{
	"MailboxNotEnabledForRESTAPI": {cat: finding.LicenseRequired, title: "The user has no mailbox in Exchange Online",
		cause: "Exchange Online answers this when the user has no usable mailbox there: most often the user has no Exchange Online licence (so no mailbox was ever created); otherwise the mailbox is inactive or soft-deleted (its user was deleted) or is hosted on an on-premises Exchange server in a hybrid deployment.",
		fix: []string{entraFixLicence,
			"For a mailbox hosted on-premises, migrate it to Exchange Online or point the connector at a cloud mailbox; Microsoft Graph does not reach on-premises mailboxes.",
			"For a deleted user, restore it within 30 days (Microsoft 365 admin center > Users > Deleted users), or use another mailbox."}},
	"MailboxNotSupportedForRESTAPI": {cat: finding.LicenseRequired, title: "The user has no mailbox in Exchange Online",
		cause: "Exchange Online answers this (like MailboxNotEnabledForRESTAPI) when the mailbox is not an Exchange Online mailbox: it is hosted on a dedicated or on-premises Exchange server, or the user has no Exchange Online licence.",
		fix:   []string{entraFixLicence, "For a mailbox hosted on-premises, migrate it to Exchange Online or point the connector at a cloud mailbox."}},
	"ErrorInvalidUser": {cat: finding.AccountDisabled, title: "Exchange Online does not know the user",
		cause: "The user named in the request is not a user of this tenant with a mailbox identity: it does not exist (deleted, or the name is mistyped), or it is a guest or an address that is not its user principal name.",
		fix:   []string{entraFixMailboxUser}},
	"ErrorNonExistentMailbox": {cat: finding.LicenseRequired, title: "The address has no mailbox in Exchange Online",
		cause: "Exchange Online found no mailbox for the address: the user has no Exchange Online licence, or the address is not that mailbox's primary SMTP address.",
		fix:   []string{entraFixLicence, entraFixMailboxUser}},
}

const (
	entraFixLicence     = "In the Microsoft 365 admin center open Users > Active users > <user> > Licenses and apps and assign a licence that includes Exchange Online; the mailbox is created within minutes to hours."
	entraFixMailboxUser = "Set microsoft_365.mailbox to the user principal name of an existing, licensed user (Microsoft 365 admin center > Users > Active users), or check the address for typos."
)

// entraQuotedRE finds the object a Graph message names ('user@contoso.com').
var entraQuotedRE = regexp.MustCompile(`'([^'\s]{1,256})'`)

// entraGraphCode looks a Graph or Exchange Online code up.
func entraGraphCode(code string) (entraKnown, bool) {
	if k, ok := entraGraph[code]; ok {
		return k, true
	}
	k, ok := entraExchange[code]
	return k, ok
}

// refineMailbox names the user a mailbox answer is about and tells a
// missing user apart from a missing object of another kind.
func (e entraError) refineMailbox(k entraKnown) entraKnown {
	who := ""
	if m := entraQuotedRE.FindStringSubmatch(e.Message); m != nil {
		who = m[1]
	}
	switch e.Code {
	case "ErrorInvalidUser":
		if who != "" {
			k.title = fmt.Sprintf("Exchange Online does not know user %s", who)
		}
	case "Request_ResourceNotFound":
		// Graph names the object it looked up; a user principal name
		// identifies a user that does not exist (or was deleted).
		if strings.Contains(who, "@") {
			k.cat = finding.AccountDisabled
			k.title = fmt.Sprintf("User %s does not exist in the directory", who)
			k.cause = "Microsoft Graph found no user with this user principal name in the tenant: it was deleted (deleted users stay restorable for 30 days) or the name is mistyped."
			k.fix = []string{entraFixMailboxUser, "To restore a deleted user, open Microsoft 365 admin center > Users > Deleted users."}
		}
	}
	return k
}

// The application permissions that reach a mailbox: the probe call reads
// mailboxSettings with the first kind, else the inbox with the second.
var (
	entraMailboxSettingsRoles = []string{"MailboxSettings.Read", "MailboxSettings.ReadWrite"}
	entraMailRoles            = []string{"Mail.ReadBasic.All", "Mail.Read", "Mail.ReadWrite"}
)

func entraMailboxRole(roles []string) bool {
	return entraHasRole(roles, entraMailboxSettingsRoles...) || entraHasRole(roles, entraMailRoles...)
}

// microsoft365Mailbox checks the mailbox setting offline.
func microsoft365Mailbox(s *connector.Spec) []finding.Finding {
	v, ok := kit.Known(s, "mailbox")
	if !ok || connector.IsEmail(v) || connector.IsGUID(v) {
		return nil
	}
	return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.SettingPath("mailbox"),
		"microsoft_365.mailbox must be a user principal name or object id").
		WithCode("M365-MAILBOX").
		WithDetail("Microsoft Graph addresses a mailbox by its user's principal name (user@contoso.com) or object id (a GUID); %q is neither.", v).
		WithFix("Set mailbox to the user principal name shown under Users > Active users in the Microsoft 365 admin center.")}
}

// stepMailbox asks Exchange Online, through Graph, about the mailbox the
// connector acts for.
func (c *entraCheck) stepMailbox(ctx context.Context, env *probe.Env) probe.StepResult {
	if env.Token == nil {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no access token"}
	}
	if !c.graphToken {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "the token is for " + strings.TrimSuffix(c.scope, "/.default") + ", not Microsoft Graph"}
	}
	user := url.PathEscape(c.mailbox)
	u := c.graph + "/v1.0/users/" + user + "/mailboxSettings"
	if !entraHasRole(c.claims.Roles, entraMailboxSettingsRoles...) && entraHasRole(c.claims.Roles, entraMailRoles...) {
		u = c.graph + "/v1.0/users/" + user + "/mailFolders/inbox?$select=id,displayName"
	}
	where := "GET " + transport.RedactURL(u)
	resp, err := entraGet(ctx, env, "mailbox", u, env.Token.AccessToken)
	if err != nil {
		return entraNetFinding(err, c.mailboxPath, "Exchange Online mailbox")
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		msg := fmt.Sprintf("%s answered %d: %s has a mailbox in Exchange Online", where, resp.StatusCode, c.mailbox)
		var settings struct {
			UserPurpose string `json:"userPurpose"`
		}
		if json.Unmarshal(resp.Body, &settings) == nil && settings.UserPurpose != "" {
			msg += fmt.Sprintf(" (%s mailbox)", settings.UserPurpose)
		}
		return probe.StepResult{Outcome: probe.OutcomeOK, Message: msg}
	}
	f := env.Decode(resp)
	f.Path = c.mailboxPath
	switch {
	case f.Category == finding.AccessDenied || f.Category == finding.InsufficientScope:
		f = c.mailboxAccess(f)
	case resp.StatusCode == http.StatusNotFound:
		f = c.mailboxCause(ctx, env, f)
	}
	f.Detail = fmt.Sprintf("%s answered HTTP %d with the token Entra ID had just issued. %s", where, resp.StatusCode, f.Detail)
	return probe.Failed(f)
}

// mailboxAccess explains a 403 on the mailbox: a permission the token lacks
// (named), or an application access policy that leaves the mailbox out.
func (c *entraCheck) mailboxAccess(f finding.Finding) finding.Finding {
	if entraMailboxRole(c.claims.Roles) {
		f.Detail += fmt.Sprintf(" The token carries a mailbox permission, so an Exchange Online application access policy (or RBAC for Applications) most likely excludes %s.", c.mailbox)
		f.Remediation = append(f.Remediation, fmt.Sprintf("Check the app's application access policies (Get-ApplicationAccessPolicy in Exchange Online PowerShell) and include %s.", c.mailbox))
		return f
	}
	// A required mailbox permission the token lacks fails the permissions
	// step first, so this one is not in required_permissions.
	f.Category = finding.InsufficientScope
	f.Path = finding.Attr("required_permissions")
	f.Summary = fmt.Sprintf("The app may not read the mailbox of %s: no MailboxSettings.Read or Mail.* permission (%s)", c.mailbox, f.Code)
	f.Detail += " The token carries no Exchange Online application permission (MailboxSettings.Read, Mail.ReadBasic.All, Mail.Read …), so Exchange Online refuses every mailbox request."
	f.Remediation = []string{
		"In the Microsoft Entra admin center open App registrations > <app> > API permissions, add Microsoft Graph > Application permissions > MailboxSettings.Read (or the Mail.* permission the integration uses), then select Grant admin consent for <tenant>.",
		"Add the permission to required_permissions so plans name it when it is missing.",
	}
	return f
}

// entraUser is what the directory says about the mailbox's user.
type entraUser struct {
	OnPremisesSyncEnabled *bool `json:"onPremisesSyncEnabled"`
	AssignedPlans         []struct {
		Service          string    `json:"service"`
		CapabilityStatus string    `json:"capabilityStatus"`
		AssignedDateTime time.Time `json:"assignedDateTime"`
	} `json:"assignedPlans"`
}

// mailboxCause reads the user from the directory after a 404 on its mailbox
// and names the cause: no such user, a deleted user, no (or a lapsed)
// Exchange Online licence, a mailbox hosted on-premises.
// Without User.Read.All the mailbox answer stands as decoded.
func (c *entraCheck) mailboxCause(ctx context.Context, env *probe.Env, f finding.Finding) finding.Finding {
	u := c.graph + "/v1.0/users/" + url.PathEscape(c.mailbox) + "?$select=id,onPremisesSyncEnabled,assignedPlans"
	resp, err := entraGet(ctx, env, "mailbox", u, env.Token.AccessToken)
	if err != nil {
		return f
	}
	tenant := c.tenant
	switch {
	case resp.StatusCode == http.StatusNotFound:
		f.Category = finding.AccountDisabled
		if strings.HasPrefix(f.Code, "MailboxNot") {
			// Exchange Online still holds a mailbox the directory has no
			// user for: an inactive or soft-deleted mailbox.
			f.Summary = fmt.Sprintf("User %s was deleted; its mailbox is inactive or soft-deleted (%s)", c.mailbox, f.Code)
			f.Detail += fmt.Sprintf(" The directory of tenant %s has no user %s, so the mailbox Exchange Online reports belongs to a deleted user.", tenant, c.mailbox)
			f.Remediation = []string{"Restore the user within 30 days of its deletion (Microsoft 365 admin center > Users > Deleted users), or set microsoft_365.mailbox to another user's mailbox."}
			return f
		}
		f.Summary = fmt.Sprintf("User %s does not exist in tenant %s (%s)", c.mailbox, tenant, f.Code)
		f.Detail += fmt.Sprintf(" Microsoft Graph confirms that tenant %s has no user %s: it was deleted or the name is mistyped.", tenant, c.mailbox)
		f.Remediation = []string{entraFixMailboxUser}
		return f
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		f.Detail += " Handshake could not read the user to tell the causes apart (reading users needs User.Read.All)."
		return f
	}
	var usr entraUser
	if json.Unmarshal(resp.Body, &usr) != nil {
		return f
	}
	var exchange, lapsed []string
	for _, p := range usr.AssignedPlans {
		if !strings.EqualFold(p.Service, "exchange") {
			continue
		}
		switch strings.ToLower(p.CapabilityStatus) {
		case "enabled", "warning":
			exchange = append(exchange, p.AssignedDateTime.UTC().Format(time.RFC3339))
		default:
			lapsed = append(lapsed, p.CapabilityStatus)
		}
	}
	onPrem := usr.OnPremisesSyncEnabled != nil && *usr.OnPremisesSyncEnabled
	switch {
	case len(exchange) == 0 && len(lapsed) > 0:
		f.Category = finding.LicenseRequired
		f.Summary = fmt.Sprintf("The Exchange Online licence of %s is %s (%s)", c.mailbox, strings.Join(lapsed, ", "), f.Code)
		f.Detail += fmt.Sprintf(" The directory lists an Exchange Online service plan for %s in state %s: the subscription lapsed, so the mailbox is no longer served.", c.mailbox, strings.Join(lapsed, ", "))
		f.Remediation = []string{"Renew the subscription or assign another licence that includes Exchange Online (Microsoft 365 admin center > Billing > Your products, and Users > Active users > <user> > Licenses and apps)."}
	case len(exchange) == 0 && onPrem:
		f.Category = finding.LicenseRequired
		f.Summary = fmt.Sprintf("The mailbox of %s is hosted on-premises, not in Exchange Online (%s)", c.mailbox, f.Code)
		f.Detail += fmt.Sprintf(" %s is synchronised from on-premises Active Directory and has no Exchange Online service plan: its mailbox is on an on-premises Exchange server, which Microsoft Graph does not reach.", c.mailbox)
		f.Remediation = []string{"Migrate the mailbox to Exchange Online (and assign an Exchange Online licence), or set microsoft_365.mailbox to a cloud mailbox."}
	case len(exchange) == 0:
		f.Category = finding.LicenseRequired
		f.Summary = fmt.Sprintf("User %s has no Exchange Online licence, so no mailbox (%s)", c.mailbox, f.Code)
		f.Detail += fmt.Sprintf(" The user exists in tenant %s but none of its assigned plans is an Exchange Online plan, so Exchange Online never created a mailbox for it.", tenant)
		f.Remediation = []string{entraFixLicence}
	default:
		f.Detail += fmt.Sprintf(" %s has had an Exchange Online licence since %s; a mailbox is created within minutes to hours of the licence, so a recent licence may not have one yet.", c.mailbox, exchange[0])
	}
	return f
}

// entraIsGraphCode reports whether code is a Graph or Exchange Online code
// Handshake knows.
func entraIsGraphCode(code string) bool {
	_, ok := entraGraphCode(code)
	return ok
}

// entraMailboxRecognize reports Exchange Online's mailbox errors by code or
// by message.
func entraMailboxRecognize(text string) bool {
	for code := range entraExchange {
		if strings.Contains(text, code) {
			return true
		}
	}
	lower := strings.ToLower(text)
	for _, m := range entraGraphMessages {
		if _, exchange := entraExchange[m.code]; exchange && strings.Contains(lower, m.text) {
			return true
		}
	}
	return false
}
