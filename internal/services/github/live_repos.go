package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/kit"
)

// ---- organization and repositories ---------------------------------------

func (g *githubRun) stepOrganization(ctx context.Context, env *probe.Env) probe.StepResult {
	org := strings.TrimSpace(g.spec.Setting("organization"))
	if org == "" {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no organization configured"}
	}
	auth := g.authorization(env)
	if auth == "" {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no installation token to check the organization with"}
	}
	orgPath := g.spec.SettingPath("organization")
	resp, err := g.call(ctx, env, "organization", http.MethodGet, g.base+"/orgs/"+url.PathEscape(org), auth, nil)
	if err != nil {
		return g.netFailure(err, "Organization check")
	}
	if resp.StatusCode == http.StatusNotFound && !ssoRequired(resp.Header) {
		// The login may be a user account: /orgs/ knows only organizations.
		if u, err := g.call(ctx, env, "organization", http.MethodGet, g.base+"/users/"+url.PathEscape(org), auth, nil); err == nil && u.StatusCode == http.StatusOK {
			fs := g.budget(u.Header)
			return probe.StepResult{Outcome: kit.OutcomeOf(fs), Message: fmt.Sprintf("%s is a user account, visible to the credential", org), Findings: fs}
		}
		f := finding.Errorf(finding.TenantNotFound, orgPath, "GitHub has no organization %q visible to this credential", org).
			WithCode("Not Found").
			WithDetail("GET /orgs/%s answered 404: the login is misspelt, the organization was renamed or deleted, or it lives on another GitHub instance than base_url.", org).
			WithFix("Use the login shown in the organization's URL (https://github.com/<login>), and check base_url for GitHub Enterprise Server.")
		return probe.Failed(f)
	}
	if resp.StatusCode != http.StatusOK {
		return g.refused(env, resp, "Organization check", func(c finding.Category) finding.Path {
			switch c {
			case finding.SSOAuthorizationRequired, finding.PolicyBlocked, finding.AccessDenied, finding.TenantNotFound, finding.EndpointNotFound:
				return orgPath
			}
			return nil
		})
	}
	fs := g.budget(resp.Header)
	return probe.StepResult{Outcome: kit.OutcomeOf(fs), Message: fmt.Sprintf("organization %s is visible to the credential", org), Findings: fs}
}

func ssoRequired(h http.Header) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(h.Get("X-Github-Sso"))), "required")
}

// githubRepo is one entry of the repositories setting, resolved to owner/name.
type githubRepo struct {
	i        int
	fullName string
}

func (g *githubRun) wantedRepos() (repos []githubRepo, unresolved int) {
	org := strings.TrimSpace(g.spec.Setting("organization"))
	for i, r := range g.spec.Lists["repositories"] {
		r = strings.TrimSpace(r)
		switch {
		case r == "":
		case strings.Contains(r, "/"):
			repos = append(repos, githubRepo{i, r})
		case org != "":
			repos = append(repos, githubRepo{i, org + "/" + r})
		default:
			unresolved++
		}
	}
	return repos, unresolved
}

func (g *githubRun) stepRepositories(ctx context.Context, env *probe.Env) probe.StepResult {
	repos, unresolved := g.wantedRepos()
	if len(repos) == 0 {
		msg := "no repositories configured"
		if unresolved > 0 {
			msg = "repositories are given without an owner and no organization is set"
		}
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: msg}
	}
	auth := g.authorization(env)
	if auth == "" {
		return probe.StepResult{Outcome: probe.OutcomeSkipped, Message: "no installation token to check the repositories with"}
	}
	if g.mode == "github_app" {
		return g.installationRepos(ctx, env, auth, repos)
	}
	var fs []finding.Finding
	checked := 0
	for _, r := range repos {
		if checked == githubMaxRepoCalls {
			break
		}
		checked++
		at := finding.Attr(g.spec.Service, "repositories").Index(r.i)
		resp, err := g.call(ctx, env, "repositories", http.MethodGet, g.base+"/repos/"+githubRepoPath(r.fullName), auth, nil)
		if err != nil {
			return g.netFailure(err, "Repository check")
		}
		switch {
		case resp.StatusCode == http.StatusOK:
			fs = append(fs, g.budget(resp.Header)...)
		case resp.StatusCode == http.StatusNotFound && !ssoRequired(resp.Header):
			fs = append(fs, finding.Errorf(finding.AccessDenied, at, "Repository %s is not visible to the GitHub token", r.fullName).
				WithCode("Not Found").
				WithDetail("GET /repos/%s answered 404. GitHub answers 404 for a repository that does not exist and for a private one the token may not see.", r.fullName).
				WithFix("Check the repository's owner and name.",
					"Give the token access: a fine-grained token lists its repositories under Repository access; a classic token needs the repo scope and an owner who can see the repository."))
		default:
			res := g.refused(env, resp, "Repository check", func(c finding.Category) finding.Path {
				switch c {
				case finding.SSOAuthorizationRequired, finding.PolicyBlocked:
					if g.spec.Setting("organization") != "" {
						return g.spec.SettingPath("organization")
					}
					return at
				case finding.AccessDenied, finding.EndpointNotFound, finding.InsufficientScope:
					return at
				}
				return nil
			})
			res.Findings = append(fs, res.Findings...)
			return res
		}
	}
	return repoResult(fs, checked, len(repos))
}

func repoResult(fs []finding.Finding, checked, wanted int) probe.StepResult {
	res := probe.StepResult{Outcome: kit.OutcomeOf(fs), Findings: fs,
		Message: fmt.Sprintf("%d of %d repositories checked", checked, wanted)}
	for _, f := range fs {
		if f.Severity == finding.Error {
			res.Outcome, res.Message = probe.OutcomeFailed, f.Summary
			break
		}
	}
	return res
}

func githubRepoPath(fullName string) string {
	owner, name, _ := strings.Cut(fullName, "/")
	return url.PathEscape(owner) + "/" + url.PathEscape(name)
}

// installationRepos compares the repositories with those the installation
// token can reach (GET /installation/repositories).
func (g *githubRun) installationRepos(ctx context.Context, env *probe.Env, auth string, repos []githubRepo) probe.StepResult {
	have := map[string]bool{}
	var fs []finding.Finding
	for page := 1; page <= githubMaxRepoPages; page++ {
		resp, err := g.call(ctx, env, "repositories", http.MethodGet,
			fmt.Sprintf("%s/installation/repositories?per_page=100&page=%d", g.base, page), auth, nil)
		if err != nil {
			return g.netFailure(err, "Repository check")
		}
		if resp.StatusCode != http.StatusOK {
			return g.refused(env, resp, "Repository check", nil)
		}
		fs = append(fs, g.budget(resp.Header)...)
		var body struct {
			Total int `json:"total_count"`
			Repos []struct {
				FullName string `json:"full_name"`
			} `json:"repositories"`
		}
		if json.Unmarshal(resp.Body, &body) != nil {
			f := finding.Errorf(finding.UnexpectedResponse, g.spec.SettingPath("base_url"),
				"GitHub's list of installation repositories could not be read").
				WithDetail("GET /installation/repositories answered 200 with a body that is not the documented JSON.").
				WithFix("Check that base_url is a GitHub REST API root.")
			return probe.Failed(f)
		}
		for _, r := range body.Repos {
			have[strings.ToLower(r.FullName)] = true
		}
		if len(body.Repos) < 100 || len(have) >= body.Total {
			break
		}
	}
	for _, r := range repos {
		if have[strings.ToLower(r.fullName)] {
			continue
		}
		at := finding.Attr(g.spec.Service, "repositories").Index(r.i)
		f := finding.Errorf(finding.AppNotInstalled, at, "The GitHub App installation cannot reach repository %s", r.fullName).
			WithCode("repository not in installation")
		if g.selection == "all" {
			f = f.WithDetail("The installation has access to all repositories of its account, but %s is not among them: it does not exist, was renamed, or belongs to another account.", r.fullName).
				WithFix("Check the repository's owner and name; an app installed on one organization cannot reach another organization's repositories.")
		} else {
			f = f.WithDetail("The installation only has access to the repositories selected for it, and %s is not one of them.", r.fullName).
				WithFix("In the organization open Settings > GitHub Apps, choose Configure next to the app, and add the repository under Repository access (or choose All repositories).")
		}
		fs = append(fs, f)
	}
	return repoResult(fs, len(repos), len(repos))
}
