package diagnose_test

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/diagnose"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services"
)

// vendorCase is one raw error as a user would paste it into
// provider::handshake::diagnose, and the diagnosis it must get.
type vendorCase struct {
	name      string
	service   string // "" to let diagnose infer it
	status    int
	message   string
	category  finding.Category
	code      string
	retryable bool
	fixHas    string // a remediation must contain this, when set
}

func runVendorCases(t *testing.T, wantService string, cases []vendorCase) {
	t.Helper()
	cat := services.Catalog()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := diagnose.Diagnose(cat, tc.service, tc.status, tc.message)
			if r.Category != tc.category || (tc.code != "" && r.Code != tc.code) || r.Retryable != tc.retryable {
				t.Fatalf("got %s %q retryable=%v, want %s %q retryable=%v\nsummary: %s\ncause: %s",
					r.Category, r.Code, r.Retryable, tc.category, tc.code, tc.retryable, r.Summary, r.Cause)
			}
			if r.Service != wantService {
				t.Fatalf("service %q, want %q", r.Service, wantService)
			}
			if r.Summary == "" || r.Cause == "" || len(r.Remediation) == 0 {
				t.Fatalf("incomplete diagnosis: %+v", r)
			}
			if tc.fixHas != "" && !strings.Contains(strings.Join(r.Remediation, "\n"), tc.fixHas) {
				t.Fatalf("no remediation mentions %q: %q", tc.fixHas, r.Remediation)
			}
		})
	}
}

func TestDiagnoseGitHub(t *testing.T) {
	runVendorCases(t, "github", []vendorCase{
		{name: "Bad credentials, current shape", service: "github", status: 401,
			message:  `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}`,
			category: finding.InvalidCredentials, code: "Bad credentials", fixHas: "Personal access tokens"},
		{name: "Bad credentials with CRLF and a request id", service: "github", status: 401,
			message:  "HTTP/1.1 401 Unauthorized\r\nX-GitHub-Request-Id: C7B4:6D2F:1A2B3C:1B2C3D:65A1B2C3\r\nContent-Type: application/json; charset=utf-8\r\n\r\n{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\"}",
			category: finding.InvalidCredentials, code: "Bad credentials"},
		{name: "Bad credentials, inferred from the docs link", status: 401,
			message:  `{"message":"Bad credentials","documentation_url":"https://developer.github.com/v3"}`,
			category: finding.InvalidCredentials, code: "Bad credentials"},
		{name: "Octokit HttpError, inferred", status: 0,
			message:  "HttpError: Bad credentials\n    at /home/runner/work/_actions/node_modules/@octokit/request/dist-node/index.js:66:23",
			category: finding.InvalidCredentials, code: "Bad credentials"},
		{name: "PyGithub exception, inferred",
			message:  `github.GithubException.BadCredentialsException: 401 {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}`,
			category: finding.InvalidCredentials, code: "Bad credentials"},
		{name: "installation token on /user", status: 403,
			message:  `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/users/users#get-the-authenticated-user","status":"403"}`,
			category: finding.InsufficientScope, code: "Resource not accessible by integration", fixHas: "Permissions & events"},
		{name: "accepted permissions from a header dump", status: 403,
			message:  "x-accepted-github-permissions: members=read\n{\"message\":\"Resource not accessible by integration\",\"documentation_url\":\"https://docs.github.com/rest/orgs/members\"}",
			category: finding.InsufficientScope, code: "Resource not accessible by integration", fixHas: "members=read"},
		{name: "fine-grained token lacks a permission", service: "github", status: 403,
			message:  `{"message":"Resource not accessible by personal access token","documentation_url":"https://docs.github.com/rest/orgs/members#list-organization-members","status":"403"}`,
			category: finding.InsufficientScope, code: "Resource not accessible by personal access token"},
		{name: "SAML SSO with the X-GitHub-SSO header pasted", status: 403,
			message:  "X-GitHub-SSO: required; url=https://github.com/orgs/octo-org/sso?authorization_request=AZSCKtL4U8yX1H3sCQIVnVgmjmon5fWx\n{\"message\":\"Resource protected by organization SAML enforcement. You must grant your personal token access to this organization.\",\"documentation_url\":\"https://help.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/\"}",
			category: finding.SSOAuthorizationRequired, code: "X-GitHub-SSO", fixHas: "https://github.com/orgs/octo-org/sso"},
		{name: "SAML SSO, OAuth token wording, Python dict", service: "github",
			message:  `Response: {'message': 'Resource protected by organization SAML enforcement. You must grant your OAuth token access to this organization.', 'documentation_url': 'https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/', 'status': '403'}`,
			category: finding.SSOAuthorizationRequired, code: "X-GitHub-SSO"},
		{name: "primary rate limit", status: 403,
			message:  `{"message":"API rate limit exceeded for user ID 66129609.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}`,
			category: finding.RateLimited, code: "API rate limit exceeded", retryable: true},
		{name: "rate limit for an IP, older wording", status: 403,
			message:  `{"message":"API rate limit exceeded for 203.0.113.7. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}`,
			category: finding.RateLimited, code: "API rate limit exceeded", retryable: true},
		{name: "secondary rate limit, PyGithub", status: 0,
			message:  `github.GithubException.RateLimitExceededException: 403 {"documentation_url": "https://docs.github.com/en/free-pro-team@latest/rest/overview/resources-in-the-rest-api#secondary-rate-limits", "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`,
			category: finding.RateLimited, code: "secondary rate limit", retryable: true},
		{name: "Integration not found", status: 404,
			message:  "RequestError [HttpError]: Integration not found\n    at /home/runner/work/_actions/actions/create-github-app-token/v1/dist/main.cjs:2900:25",
			category: finding.AppNotFound, code: "Integration not found", fixHas: "App ID or Client ID"},
		{name: "JWT could not be decoded", service: "github", status: 401,
			message:  `{"message":"A JSON web token could not be decoded","documentation_url":"https://docs.github.com/rest"}`,
			category: finding.InvalidCredentials, code: "A JSON web token could not be decoded"},
		{name: "exp too far in the future, GHES", status: 0,
			message:  "Failed to create token for \"ORG\" (attempt 1): 'Expiration time' claim ('exp') is too far in the future - https://docs.github.com/enterprise-server@3.10/rest",
			category: finding.InvalidCredentials, code: "JWT time claims", fixHas: "clock"},
		{name: "iat rejected, old API docs", status: 401,
			message:  `{"message":"'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued","documentation_url":"https://developer.github.com/v3"}`,
			category: finding.InvalidCredentials, code: "JWT time claims"},
		{name: "installation suspended, Octokit log line",
			message:  `{"level":"error","message":"Unhandled Rejection at:","reason":{"message":"This installation has been suspended - https://docs.github.com/rest/reference/apps#create-an-installation-access-token-for-an-app","name":"HttpError","response":{"data":{"documentation_url":"https://docs.github.com/rest/reference/apps#create-an-installation-access-token-for-an-app","message":"This installation has been suspended","status":"403"}}}}`,
			category: finding.AppNotInstalled, code: "installation suspended", fixHas: "unsuspend"},
		{name: "no installation on the organization", service: "github", status: 404,
			message:  `{"message":"Not Found","documentation_url":"https://docs.github.com/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app","status":"404"}`,
			category: finding.AppNotInstalled, code: "Not Found", fixHas: "Install the app"},
		{name: "repository outside the installation", status: 422,
			message:  `{"message":"There is at least one repository that does not exist or is not accessible to the parent installation.","documentation_url":"https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app","status":"422"}`,
			category: finding.AppNotInstalled, code: "repository not accessible to the installation"},
		{name: "IP allow list", status: 403,
			message:  "{\"message\":\"Although you appear to have the correct authorization credentials, the `octo-org` organization has an IP allow list enabled, and your IP address is not permitted to access this resource.\",\"documentation_url\":\"https://docs.github.com/rest/orgs/orgs#get-an-organization\",\"status\":\"403\"}",
			category: finding.PolicyBlocked, code: "IP allow list"},
		{name: "private repository answered 404", service: "github", status: 404,
			message:  `{"message":"Not Found","documentation_url":"https://docs.github.com/rest/repos/repos#get-a-repository","status":"404"}`,
			category: finding.EndpointNotFound, code: "Not Found", fixHas: "access to the resource"},
		{name: "suspended account", service: "github", status: 403,
			message:  `{"message":"Sorry. Your account was suspended.","documentation_url":"https://docs.github.com/rest"}`,
			category: finding.AccountDisabled, code: "account suspended"},
		{name: "wrong OAuth app secret, form-encoded", status: 200,
			message:  "error=incorrect_client_credentials&error_description=The+client_id+and%2For+client_secret+passed+are+incorrect.&error_uri=https%3A%2F%2Fdocs.github.com%2Fapps%2Fmanaging-oauth-apps%2Ftroubleshooting-oauth-app-access-token-request-errors%2F%23incorrect-client-credentials",
			category: finding.InvalidCredentials, code: "incorrect_client_credentials"},
	})
}

// TestDiagnoseGitHubNoSecrets: Octokit dumps request headers; the token in
// them never reaches the diagnosis.
func TestDiagnoseGitHubNoSecrets(t *testing.T) {
	const token = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
	msg := `RequestError [HttpError]: Bad credentials {"status":401,"request":{"method":"GET","url":"https://api.github.com/user","headers":{"authorization":"token ` +
		token + `"}},"response":{"data":{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}}}`
	r := diagnose.Diagnose(services.Catalog(), "", 0, msg)
	if r.Category != finding.InvalidCredentials || r.Service != "github" {
		t.Fatalf("%+v", r)
	}
	if strings.Contains(r.Summary+r.Cause+r.Code+strings.Join(r.Remediation, ""), token) {
		t.Fatalf("the token reached the diagnosis: %+v", r)
	}
}
