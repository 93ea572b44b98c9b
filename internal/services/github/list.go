package github

// The github inventory lister: the GitHub App's installations.
//
//	GET {base_url}/app/installations?per_page=100
//	    docs.github.com/rest/apps/apps#list-installations-for-the-authenticated-app:
//	    authenticated with the app's JWT only (no installation permission is
//	    involved); per_page up to 100 (default 30); pages by the Link
//	    header's rel="next" (docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api).
//
// One installation is one app: the account it is installed on, its
// permissions (the installation token's, in required_scopes' name:level
// form), and the settings of a github_app connector that reaches it.
// Installations have no secrets, owners or redirect URIs of their own; the
// app's private keys and callback URL are not in the REST API.

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/inventory"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
	"github.com/handshake-tf/terraform-provider-handshake/internal/transport"
)

const githubListPageSize = 100

// githubListedInstallation is the part of an installation object the lister
// reads.
type githubListedInstallation struct {
	ID      int64 `json:"id"`
	Account *struct {
		Login string `json:"login"` // users and organizations
		Slug  string `json:"slug"`  // enterprises
		Type  string `json:"type"`
	} `json:"account"`
	AppID               int64             `json:"app_id"`
	AppSlug             string            `json:"app_slug"`
	ClientID            string            `json:"client_id"`
	TargetType          string            `json:"target_type"`
	Permissions         map[string]string `json:"permissions"`
	RepositorySelection string            `json:"repository_selection"`
	SuspendedAt         *string           `json:"suspended_at"`
	SuspendedBy         *struct {
		Login string `json:"login"`
	} `json:"suspended_by"`
}

// parseInstallations reads one page of GET /app/installations (a JSON array).
func parseInstallations(body []byte) ([]githubListedInstallation, error) {
	var out []githubListedInstallation
	err := json.Unmarshal(body, &out)
	return out, err
}

// login is the account the app is installed on ("" when GitHub left it out).
func (in githubListedInstallation) login() string {
	if in.Account == nil {
		return ""
	}
	if in.Account.Login != "" {
		return in.Account.Login
	}
	return in.Account.Slug
}

// list is github's inventory.Lister.
func list(ctx context.Context, s *inventory.Session, yield func(inventory.App) bool) []finding.Finding {
	base := strings.TrimRight(strings.TrimSpace(kit.SettingOr(s.Spec, "base_url", githubDefaultBase)), "/")
	g := &githubRun{spec: s.Spec, base: base, mode: "github_app"}
	if t, _ := githubType(s.Spec); t != "github_app" {
		return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, s.Spec.SettingPath("app_type"),
			"Only a GitHub App can list installations").
			WithDetail("GET /app/installations answers to a GitHub App's JWT; this admin connector is a %s.", kit.OrDefault(t, "connector without app_id")).
			WithFix("Set app_id and auth.private_key_wo (the app's private key) in the list block.")}
	}
	key, bad := appKey(s.Spec)
	if key == nil {
		return []finding.Finding{bad}
	}
	g.key = key
	next := base + "/app/installations?per_page=" + strconv.Itoa(githubListPageSize)
	for next != "" {
		// Signed per page with the real clock, as GitHub checks iat and exp
		// against its own: a long listing never outlives its JWT.
		jwt, err := g.appJWT(time.Now())
		if err != nil {
			return []finding.Finding{finding.Errorf(finding.InvalidConfiguration, g.credentialPath(), "The GitHub App JWT could not be signed").
				WithDetail("Signing with auth.private_key failed: %s.", err.Error())}
		}
		h := githubHeaders()
		h.Set("Authorization", "Bearer "+jwt)
		a, cut, err := kit.ListGet(ctx, s, "list", next, h, kit.ListBodyLimit)
		if err != nil {
			f := transport.Classify(err)
			f.Path = s.Spec.SettingPath("base_url")
			f.Summary = "Listing the GitHub App's installations: " + kit.LowerFirstRune(f.Summary)
			return []finding.Finding{f}
		}
		if a.StatusCode != http.StatusOK {
			return []finding.Finding{g.listRefused(s, a)}
		}
		page, perr := parseInstallations(a.Body)
		if perr != nil || cut {
			return []finding.Finding{finding.Errorf(finding.UnexpectedResponse, s.Spec.SettingPath("base_url"),
				"GitHub's list of installations could not be read").
				WithDetail("GET %s/app/installations answered 200 with something other than a list of installations.", transport.RedactURL(base)).
				WithFix("Check that base_url is a GitHub REST API root (https://api.github.com, or https://<host>/api/v3).")}
		}
		for _, in := range page {
			if !yield(g.installationApp(s, in)) {
				return nil
			}
		}
		next = kit.NextLink(a.Header, next)
		if next != "" && !kit.SameOrigin(next, base) {
			return []finding.Finding{kit.ForeignNextLink("GitHub", next, base, s.Spec.SettingPath("base_url"))}
		}
	}
	return nil
}

// installationApp describes one installation.
func (g *githubRun) installationApp(s *inventory.Session, in githubListedInstallation) inventory.App {
	id := strconv.FormatInt(in.ID, 10)
	settings := map[string]string{"app_type": "github_app", "app_id": strings.TrimSpace(s.Spec.Setting("app_id")), "installation_id": id}
	if login := in.login(); login != "" && !strings.EqualFold(in.TargetType, "Enterprise") {
		settings["organization"] = login
	}
	if v, ok := kit.Known(s.Spec, "base_url"); ok && v != "" {
		settings["base_url"] = v
	}
	app := inventory.App{ID: id, DisplayName: kit.OrDefault(in.login(), "installation "+id), ClientID: in.ClientID,
		RequiredScopes: githubPermNames(in.Permissions), Settings: settings, Owners: -1}
	if in.SuspendedAt != nil {
		by := ""
		if in.SuspendedBy != nil && in.SuspendedBy.Login != "" {
			by = " by " + in.SuspendedBy.Login
		}
		app.Findings = append(app.Findings, finding.Errorf(finding.AppNotInstalled, s.Spec.SettingPath("installation_id"),
			"The GitHub App's installation on %s is suspended", app.DisplayName).
			WithCode("installation suspended").
			WithDetail("Installation %s was suspended at %s%s: GitHub refuses to mint installation tokens until it is unsuspended.", id, *in.SuspendedAt, by).
			WithFix("In the account's Settings > GitHub Apps, choose Configure next to the app and unsuspend it (or ask an owner to)."))
	}
	return app
}

// listRefused explains a refused page. The listing needs only the app's
// JWT: a refusal is about app_id, the private key, or base_url.
func (g *githubRun) listRefused(s *inventory.Session, a connector.Answer) finding.Finding {
	f := g.placeRefusal(s.Decode(a), a.StatusCode, "Listing the GitHub App's installations", func(c finding.Category) finding.Path {
		if c == finding.AppNotFound {
			return s.Spec.SettingPath("app_id")
		}
		return nil
	})
	f.Detail += " GET /app/installations needs only the app's JWT (app_id and the app's private key), no installation permission."
	return f
}
