package github

// GET /app/installations: the sandbox GitHub App's installations, for the
// inventory lister (list.go) and `terraform query`.
//
// Like GitHub (docs.github.com/rest/apps/apps#list-installations-for-the-authenticated-app):
// only the app's JWT opens it (appAuth: 401 "A JSON web token could not be
// decoded" for a token or a foreign key, 404 "Integration not found" for
// another issuer); per_page and page select the page; the Link header
// carries rel="next", "last", "first" and "prev" links, absolute, on the
// API root the client used. Unlike GitHub, which serves up to 100 per page,
// a page holds at most githubListPageCap installations, so that listing
// the five installations pages.
//
// The installations, in this order (see emulation.go):
//
//	1001 octo-org       healthy; contents, members, metadata read
//	1002 suspended-org  suspended since 2026-01-05 by octo-admin
//	1003 limited-org    metadata read only
//	1004 busy-org       healthy; 90 of 5000 requests left (not visible in the list)
//	1005 mona           a user account, all repositories; issues write
//
// Installations have no secrets or redirect URIs of their own: GitHub keeps
// the app's private keys and callback URLs on the app, which no REST
// endpoint lists.

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox/emulation"
)

// githubListPageCap is the most installations a page holds.
const githubListPageCap = 2

func (g *githubState) listInstallations(w http.ResponseWriter, r *http.Request) {
	if !g.appAuth(w, r) {
		return
	}
	q := r.URL.Query()
	perPage, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || perPage <= 0 {
		perPage = 30 // GitHub's default
	}
	perPage = min(perPage, 100, githubListPageCap)
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page <= 0 {
		page = 1
	}
	total := len(githubInstallations)
	last := max(1, (total+perPage-1)/perPage)
	var items []string
	for i := (page - 1) * perPage; i < min(page*perPage, total); i++ {
		items = append(items, installationJSON(&githubInstallations[i], g.apiBase(r)))
	}
	link := func(p int, rel string) string {
		q.Set("per_page", strconv.Itoa(perPage))
		q.Set("page", strconv.Itoa(p))
		return fmt.Sprintf(`<%s/app/installations?%s>; rel="%s"`, g.apiBase(r), q.Encode(), rel)
	}
	var links []string
	if page > 1 {
		links = append(links, link(page-1, "prev"))
	}
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"))
	}
	var headers []string
	if len(links) > 0 {
		headers = []string{"Link", strings.Join(links, ", ")}
	}
	emulation.WriteJSON(w, http.StatusOK, "["+strings.Join(items, ",")+"]", headers...)
}
