package workday

import (
	"net/http"
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/probe"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  int
		body    string
		cat     finding.Category
		code    string
		mention string
	}{
		// source: seed 003 (Microsoft Defender for Cloud Apps troubleshooting, Workday row 2), verbatim with the escaping lost.
		{name: "seed 003 invalid_grant", body: `"code":400,"serverResponse" … body":"{"error":"invalid_grant"}`,
			cat: finding.AccountDisabled, code: "invalid_grant", mention: "View Sign-on History"},
		// source: seed 003, Workday row 3.
		{name: "seed 003 invalid_client", body: `"code":401,"serverResponse": … body":"{"error":"invalid_client"}"`,
			cat: finding.InvalidCredentials, code: "invalid_client", mention: "Generate New API Client Secret"},
		// source: seed 003, Workday row 1.
		{name: "seed 003 permission denied", body: `Get events: {"code":403,"serverResponse"` + "\n" + `Get users: {"code":403,"serverResponse"` + "\n…\n" + `"body":"{"error":"permission denied"}"`,
			cat: finding.AccessDenied, code: "permission denied", mention: "Activate Pending Security Policy Changes"},
		// source: seed 003 body as a Node connector logs it, with its escapes (research §5).
		{name: "escaped serverResponse", body: `{"code":400,"serverResponse":{"headers":{},"body":"{\"error\":\"invalid_grant\"}"}}`,
			cat: finding.AccountDisabled, code: "invalid_grant", mention: "locked or disabled"},
		// source: seed 003 body as the token endpoint sends it (live).
		{name: "bare token endpoint body", status: 401, body: `{"error":"invalid_client"}`,
			cat: finding.InvalidCredentials, code: "invalid_client", mention: "disabled"},
		// source: research §5, Python requests' raise_for_status (Grove, Sekoia, XSOAR Workday connectors).
		{name: "python requests 403 on activityLogging", body: `requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: https://wd2-impl-services1.workday.com/ccx/api/privacy/v1/acme/activityLogging?from=2026-01-01T00:00:00Z`,
			cat: finding.AccessDenied, code: "403", mention: "System Auditing"},
		// source: research §5, Grove's RequestFailedException around the token call.
		{name: "grove 400 on the token endpoint", body: `grove.exceptions.RequestFailedException: 400 Client Error: Bad Request for url: https://wd2-impl-services1.workday.com/ccx/oauth2/acme/token`,
			cat: finding.AccountDisabled, code: "400", mention: "probably"},
		// source: research §5, axios in faros-ai's workday source: message plus response.data.
		{name: "axios with response data", body: `AxiosError: Request failed with status code 401 {"error":"invalid_client"}`,
			cat: finding.InvalidCredentials, code: "invalid_client", mention: "Client ID"},
		// source: research §4 row 6 (errdex catalogue of Workday REST 401).
		{name: "invalid_token", status: 401, body: `{"error":"invalid_token","error_description":"The access token is invalid or has expired"}`,
			cat: finding.InvalidCredentials, code: "invalid_token", mention: "tenant"},
		// source: research §5, Workday Web Services SOAP fault (guess; kept because SOAP logs are pasted into diagnose).
		{name: "SOAP authentication fault", status: 500, body: `<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client.authenticationError</faultcode><faultstring>invalid username or password</faultstring></SOAP-ENV:Fault>`,
			cat: finding.InvalidCredentials, code: "authenticationError", mention: "Integration System User"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := servicetest.CheckDecoded(t, Decode, tc.status, tc.body, tc.cat, tc.code)
			all := f.Summary + " " + f.Detail + " " + strings.Join(f.Remediation, " ")
			if !strings.Contains(all, tc.mention) {
				t.Errorf("finding does not mention %q:\n%s", tc.mention, all)
			}
		})
	}
}

func TestDecodeLiveSteps(t *testing.T) {
	// An unknown tenant: the host answers the token URL with an empty 404 (research §4 row 5).
	f, tgt, ok := decode(connector.Answer{Step: probe.StepToken, StatusCode: http.StatusNotFound})
	if !ok || f.Category != finding.TenantNotFound || tgt != tTenant {
		t.Fatalf("404 on the token endpoint: %v %+v", ok, f)
	}
	// Rate limits and outages stay with the generic decoders (rate_limited, service_unavailable).
	for _, st := range []int{429, 500, 503} {
		if _, _, ok := decode(connector.Answer{Step: probe.StepAPI, StatusCode: st, Body: []byte("<html>maintenance</html>")}); ok {
			t.Errorf("status %d on the API was claimed", st)
		}
	}
	// Another vendor's error text is not Workday's.
	if _, ok := Decode(connector.Answer{Body: []byte(`{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`)}); ok {
		t.Error("Okta's body was claimed")
	}
}

func TestRecognize(t *testing.T) {
	for text, want := range map[string]bool{
		`POST https://wd5-services1.myworkday.com/ccx/oauth2/acme/token: 400`: true,
		`"body":"{\"error\":\"permission denied\"}"`:                          true,
		`{"error":"invalid_grant"}`:                                           false, // every OAuth server says this
		`AADSTS700016: Application not found`:                                 false,
	} {
		if got := Recognize(text); got != want {
			t.Errorf("Recognize(%q) = %v, want %v", text, got, want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`"code":400,"serverResponse" … body":"{"error":"invalid_grant"}`,
		`{"code":403,"serverResponse":{"body":"{\"error\":\"permission denied\"}"}}`,
		`403 Client Error: Forbidden for url: https://x.workday.com/ccx/api/v1/a/workers`,
		`{"error":`, "\xff\xfe", `"error":"\\"`, `{"error":null}`,
	} {
		f.Add(0, seed, "")
		f.Add(404, seed, probe.StepToken)
	}
	f.Fuzz(func(t *testing.T, status int, body, step string) {
		fd, ok := Decode(connector.Answer{Step: step, StatusCode: status, Body: []byte(body)})
		if !ok {
			return
		}
		if fd.Category == "" || fd.Summary == "" || len(fd.Remediation) == 0 || fd.Severity != finding.Error {
			t.Fatalf("incomplete finding for %q: %+v", body, fd)
		}
	})
}
