package github

import (
	"net/http"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

// TestGitHubDecode runs the decoder on bodies as GitHub and its client
// libraries print them (shapes from the reference and public issues).
func TestGitHubDecode(t *testing.T) {
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	cases := []struct {
		name   string
		status int
		header http.Header
		body   string
		cat    finding.Category
		code   string
	}{
		{"bad credentials", 401, nil, `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}`, finding.InvalidCredentials, "Bad credentials"},
		{"bad credentials, older shape", 401, nil, `{"message":"Bad credentials","documentation_url":"https://developer.github.com/v3"}`, finding.InvalidCredentials, "Bad credentials"},
		{"Octokit HttpError", 0, nil, "HttpError: Bad credentials\n    at /app/node_modules/@octokit/request/dist-node/index.js:86:21", finding.InvalidCredentials, "Bad credentials"},
		{"PyGithub exception", 0, nil, `github.GithubException.BadCredentialsException: 401 {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}`, finding.InvalidCredentials, "Bad credentials"},
		{"integration token on /user", 403, nil, `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/users/users#get-the-authenticated-user","status":"403"}`, finding.InsufficientScope, "Resource not accessible by integration"},
		{"fine-grained token lacks permission", 403, h("X-Accepted-GitHub-Permissions", "members=read"), `{"message":"Resource not accessible by personal access token","documentation_url":"https://docs.github.com/rest/orgs/members#list-organization-members","status":"403"}`, finding.InsufficientScope, "Resource not accessible by personal access token"},
		{"SSO header", 403, h("X-GitHub-SSO", "required; url=https://github.com/orgs/octo-org/sso?authorization_request=AZSCKtL4U8yX1H3sCQIVnVgmjmon5fWxks5YrqhJgah0b2tlbl9pZM4EuMz4"),
			`{"message":"Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.","documentation_url":"https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/"}`, finding.SSOAuthorizationRequired, "X-GitHub-SSO"},
		{"SSO, Python dict", 0, nil, `Response: {'message': 'Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.', 'documentation_url': 'https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/', 'status': '403'}`, finding.SSOAuthorizationRequired, "X-GitHub-SSO"},
		{"primary rate limit by header", 403, h("X-RateLimit-Remaining", "0", "X-RateLimit-Limit", "5000", "X-RateLimit-Reset", "1700000000"), `{"message":"API rate limit exceeded for user ID 1234.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}`, finding.RateLimited, "API rate limit exceeded"},
		{"rate limit for an installation", 0, nil, "Error: API rate limit exceeded for installation ID 8440595.", finding.RateLimited, "API rate limit exceeded"},
		{"secondary rate limit", 403, nil, `{"documentation_url": "https://docs.github.com/en/free-pro-team@latest/rest/overview/resources-in-the-rest-api#secondary-rate-limits", "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`, finding.RateLimited, "secondary rate limit"},
		{"integration not found", 404, nil, `{"message":"Integration not found","documentation_url":"https://developer.github.com/v3"}`, finding.AppNotFound, "Integration not found"},
		{"JWT not decodable", 401, nil, `{"message":"A JSON web token could not be decoded","documentation_url":"https://docs.github.com/rest"}`, finding.InvalidCredentials, "A JSON web token could not be decoded"},
		{"exp too far", 0, nil, "RequestError [HttpError]: 'Expiration time' claim ('exp') is too far in the future - https://docs.github.com/enterprise-server@3.10/rest", finding.InvalidCredentials, "JWT time claims"},
		{"iat in the future", 401, nil, `{"message":"'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued","documentation_url":"https://developer.github.com/v3"}`, finding.InvalidCredentials, "JWT time claims"},
		{"installation suspended", 403, nil, `{"documentation_url":"https://docs.github.com/rest/reference/apps#create-an-installation-access-token-for-an-app","message":"This installation has been suspended","status":"403"}`, finding.AppNotInstalled, "installation suspended"},
		{"installation not found", 404, nil, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app","status":"404"}`, finding.AppNotInstalled, "Not Found"},
		{"repo not in installation", 422, nil, `{"message":"There is at least one repository that does not exist or is not accessible to the parent installation.","documentation_url":"https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app","status":"422"}`, finding.AppNotInstalled, "repository not accessible to the installation"},
		{"plain not found", 404, nil, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest/repos/repos#get-a-repository","status":"404"}`, finding.EndpointNotFound, "Not Found"},
		{"IP allow list", 403, nil, "{\"message\":\"Although you appear to have the correct authorization credentials, the `octo-org` organization has an IP allow list enabled, and your IP address is not permitted to access this resource.\",\"documentation_url\":\"https://docs.github.com/rest\"}", finding.PolicyBlocked, "IP allow list"},
		{"OAuth restrictions", 403, nil, "{\"message\":\"Although you appear to have the correct authorization credentials, the `octo-org` organization has enabled OAuth App access restrictions, meaning that data access to third-parties is limited.\",\"documentation_url\":\"https://docs.github.com/articles/restricting-access-to-your-organization-s-data/\"}", finding.PolicyBlocked, "OAuth App access restrictions"},
		{"account suspended", 403, nil, `{"message":"Sorry. Your account was suspended.","documentation_url":"https://docs.github.com/rest"}`, finding.AccountDisabled, "account suspended"},
		{"wrong OAuth client secret", 200, nil, `{"error":"incorrect_client_credentials","error_description":"The client_id and/or client_secret passed are incorrect.","error_uri":"https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials"}`, finding.InvalidCredentials, "incorrect_client_credentials"},
		{"wrong OAuth client secret, form-encoded", 0, nil, "error=incorrect_client_credentials&error_description=The+client_id+and%2For+client_secret+passed+are+incorrect.&error_uri=https%3A%2F%2Fdocs.github.com%2Fapps%2Fmanaging-oauth-apps%2Ftroubleshooting-oauth-app-access-token-request-errors%2F%23incorrect-client-credentials", finding.InvalidCredentials, "incorrect_client_credentials"},
		{"unknown GitHub message", 403, nil, `{"message":"Something new","documentation_url":"https://docs.github.com/rest"}`, finding.AccessDenied, "Something new"},
		{"server error", 502, nil, `{"message":"Server Error","documentation_url":"https://docs.github.com/rest"}`, finding.ServiceUnavailable, "HTTP 502"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := decode(connector.Answer{StatusCode: tc.status, Header: tc.header, Body: []byte(tc.body)})
			if !ok || f.Category != tc.cat || f.Code != tc.code {
				t.Fatalf("got %v %s %q, want %s %q\n%+v", ok, f.Category, f.Code, tc.cat, tc.code, f)
			}
			if f.Summary == "" || f.Detail == "" || len(f.Remediation) == 0 || strings.HasSuffix(f.Summary, ".") {
				t.Fatalf("finding not in house style: %+v", f)
			}
			if tc.header == nil {
				// The profile hook (text only) agrees.
				if g, ok := decode(connector.Answer{StatusCode: tc.status, Body: []byte(tc.body)}); !ok || g.Category != tc.cat {
					t.Fatalf("decode without headers: %v %s", ok, g.Category)
				}
			}
		})
	}
	t.Run("SSO link is the fix", func(t *testing.T) {
		f, _ := decodeGitHub(readGitHubAnswer(403, h("X-GitHub-SSO", "required; url=https://github.com/orgs/octo-org/sso?authorization_request=ABC"), `{"message":"Resource protected by organization SAML enforcement."}`))
		if !strings.Contains(f.Remediation[0], "https://github.com/orgs/octo-org/sso?authorization_request=ABC") {
			t.Fatalf("%q", f.Remediation)
		}
	})
	t.Run("accepted scopes are named", func(t *testing.T) {
		f, _ := decodeGitHub(readGitHubAnswer(404, h("X-Accepted-OAuth-Scopes", "admin:org, read:org, repo, user, write:org", "X-OAuth-Scopes", "gist"),
			`{"message":"Not Found","documentation_url":"https://docs.github.com/rest/orgs/members"}`))
		if !strings.Contains(f.Detail, "admin:org, read:org") || !strings.Contains(f.Detail, "the token has: gist") {
			t.Fatalf("%q", f.Detail)
		}
	})
	t.Run("accepted permissions are named", func(t *testing.T) {
		f, _ := decode(connector.Answer{StatusCode: 403, Body: []byte("HTTP/2 403\nx-accepted-github-permissions: members=read\n\n{\"message\":\"Resource not accessible by integration\",\"documentation_url\":\"https://docs.github.com/rest\"}")})
		if !strings.Contains(strings.Join(f.Remediation, " "), "members=read") {
			t.Fatalf("%q", f.Remediation)
		}
	})
	for _, text := range []string{"", `{"error":"invalid_client"}`, "connection refused", `{"ok":false,"error":"invalid_auth"}`} {
		if f, ok := decode(connector.Answer{Body: []byte(text)}); ok {
			t.Errorf("decode(%q) claimed it: %+v", text, f)
		}
	}
}

func TestGitHubRecognize(t *testing.T) {
	for _, text := range []string{
		`{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`,
		"HttpError: Bad credentials",
		"Resource not accessible by integration",
		"x-github-sso: required; url=https://github.com/orgs/x/sso",
		"RequestError [HttpError]: Integration not found",
	} {
		if !githubRecognize(text) {
			t.Errorf("githubRecognize(%q) = false", text)
		}
	}
	for _, text := range []string{"Bad credentials", `{"ok":false,"error":"invalid_auth"}`, "AADSTS7000215: Invalid client secret provided", `{"errorCode":"E0000011"}`} {
		if githubRecognize(text) {
			t.Errorf("githubRecognize(%q) = true", text)
		}
	}
}
