package smartsheet

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/handshake-tf/terraform-provider-handshake/internal/connector"
	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
	"github.com/handshake-tf/terraform-provider-handshake/internal/services/servicetest"
)

// Real bodies and error texts; each names where it was seen
// (/work/research/smartsheet.md §4–5 has the details).
func TestDecode(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status int
		body   string
		cat    finding.Category
		code   string
		has    string // in the detail
	}{
		// source: SmartsheetApi test recording (pretty-printed body), find_string id 47692198274
		{"1002 pretty-printed", 401, "{\n  \"errorCode\" : 1002,\n  \"message\" : \"Your Access Token is invalid.\",\n  \"refId\" : \"rno24bb0fcqi\"\n}",
			finding.InvalidCredentials, "1002", "refId rno24bb0fcqi"},
		// source: third-party app README, live check of GET /2.0/users/me (2026-08-03)
		{"1002 compact", 401, `{"errorCode":1002,"message":"Your Access Token is invalid."}`, finding.InvalidCredentials, "1002", "another Smartsheet region"},
		// source: same live check, no Authorization header
		{"1004 without a token", 403, `{"errorCode":1004,"message":"You are not authorized to perform this action."}`, finding.AccessDenied, "1004", "not authorized"},
		// source: Smartsheet error-code list (developers.smartsheet.com), 1003
		{"1003 expired", 401, `{"errorCode":1003,"message":"Your Access Token has expired.","refId":"1xk3pa9b2cq7"}`, finding.ExpiredCredentials, "1003", "7 days"},
		// source: Smartsheet error-code list, 1013; seed 003 (event reporting)
		{"1013 plan", 403, `{"errorCode":1013,"message":"The operation you are attempting to perform is not supported by your plan.","refId":"e8rz1vb2m3hq"}`,
			finding.LicenseRequired, "1013", "Event Reporting"},
		// source: seed 003 (Defender for Cloud Apps connector error table)
		{"seed 003 bare message", 0, "Operation you are attempting to perform is not supported by your plan", finding.LicenseRequired, "1013", "Enterprise"},
		// source: Smartsheet error-code list, 1005
		{"1005 SSO", 401, `{"errorCode":1005,"message":"Single Sign-On is required for this account.","refId":"a1"}`, finding.PolicyBlocked, "1005", "SSO"},
		// source: Smartsheet error-code list, 1030
		{"1030 assume user", 401, `{"errorCode":1030,"message":"You are unable to assume the user specified.","refId":"a2"}`, finding.AccessDenied, "1030", "Assume-User"},
		// source: SmartsheetApi test recording of /token (refId 17dq2c99oz19p)
		{"1071 refresh token", 400, "{\n  \"errorCode\" : 1071,\n  \"message\" : \"Invalid Grant. The authorization code or refresh token provided was invalid.\",\n  \"error\" : \"invalid_grant\",\n  \"refId\" : \"17dq2c99oz19p\"\n}",
			finding.RevokedCredentials, "1071", "17dq2c99oz19p"},
		// source: vendor blog "Rate Limits, Retry Logic, and Error Handling"
		{"4003 rate limit", 429, `{"errorCode": 4003, "message": "Rate limit exceeded."}`, finding.RateLimited, "4003", "Retry-After"},
		// source: Python SDK SystemMaintenanceError; message from the older API docs
		{"4001 maintenance", 503, `{"errorCode":4001,"message":"Smartsheet.com is currently offline for system maintenance. Please check back again shortly.","refId":"m1"}`,
			finding.ServiceUnavailable, "4001", "maintenance"},
		// source: Python SDK log line quoted in an issue ({"result": …} wrapper)
		{"Python SDK 1006", 0, `{"result": {"code": 1006, "errorCode": 1006, "message": "Not Found", "name": "ApiError", "recommendation": "Do not retry without fixing the problem. ", "refId": "yn5cfd", "shouldRetry": false, "statusCode": 404}}`,
			finding.EndpointNotFound, "1006", "yn5cfd"},
		// source: Cortex XSOAR docs quoting the Python SDK
		{"Python SDK 1018", 0, `"result": {"code": 1018, "errorCode": 1018, "message": "The value 'test' was not valid for the parameter 'transferTo'.", "name": "ApiError", "recommendation": "Do not retry without fixing the problem. ", "refId": "1uxmonxvg9wxl", "shouldRetry": false, "statusCode": 400}`,
			finding.UnexpectedResponse, "1018", "transferTo"},
		// source: production log quoted in a test (_SERIALIZED_403): a non-JSON 403 wrapped by the SDK
		{"Python SDK non-JSON 403", 0, `{"result": {"code": 0, "errorCode": 0, "name": "ApiError", "recommendation": "Do not retry without fixing the problem. ", "shouldRetry": false, "statusCode": 403}}`,
			finding.UnexpectedResponse, "0", "proxy"},
		// source: dmfigol/simple-smartsheet#15
		{"simple-smartsheet", 0, "simple_smartsheet.exceptions.SmartsheetHTTPClientError: HTTP response code 401 - Error code 1002 - Your Access Token is invalid.",
			finding.InvalidCredentials, "1002", "Your Access Token is invalid"},
		// source: Node SDK README (shape of the rejection; partial)
		{"Node SDK", 0, "{ statusCode: 401, errorCode: 1003, message: 'Your Access Token has expired.', refId: 'q9wz01mbx3' }", finding.ExpiredCredentials, "1003", "q9wz01mbx3"},
		// source: Java SDK class names (guess on the text)
		{"Java SDK", 0, "com.smartsheet.api.AuthorizationException: Your Access Token is invalid.", finding.InvalidCredentials, "1002", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := servicetest.CheckDecoded(t, Decode, tt.status, tt.body, tt.cat, tt.code)
			if !strings.Contains(f.Detail, tt.has) {
				t.Fatalf("detail lacks %q: %s", tt.has, f.Detail)
			}
			if !Recognize(tt.body) && !genericBody[tt.name] {
				t.Errorf("Recognize does not claim %q", tt.body)
			}
		})
	}
}

// genericBody names the cases whose text could be any API's: Recognize
// must not claim them (diagnose needs the service named).
var genericBody = map[string]bool{"Python SDK non-JSON 403": true, "4003 rate limit": true, "1004 without a token": true}

// Other vendors' bodies are not Smartsheet's.
func TestDecodeNotSmartsheet(t *testing.T) {
	for _, body := range []string{
		`{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`,
		`{"ok":false,"error":"invalid_auth"}`,
		`{"code":"390144","message":"JWT token is invalid."}`,
		"<html><body>Forbidden</body></html>",
	} {
		if _, ok := Decode(connector.Answer{StatusCode: 401, Body: []byte(body)}); ok {
			t.Errorf("decoded %s", body)
		}
		if Recognize(body) {
			t.Errorf("recognized %s", body)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"{\n  \"errorCode\" : 1002,\n  \"message\" : \"Your Access Token is invalid.\",\n  \"refId\" : \"rno24bb0fcqi\"\n}",
		`{"result": {"code": 0, "errorCode": 0, "name": "ApiError"}}`, `{"errorCode":99999}`, `{"errorCode":-1}`, `{"error":"invalid_client"}`,
		"Error code 1013 - not supported by your plan", `{"errorCode":1e400}`} {
		f.Add(403, s)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		fd, ok := Decode(connector.Answer{StatusCode: status, Body: []byte(body), Step: stepEvents})
		_ = Recognize(body)
		if !ok {
			return
		}
		if fd.Category == "" || fd.Code == "" || fd.Summary == "" || len(fd.Remediation) == 0 {
			t.Fatalf("incomplete finding %+v", fd)
		}
		if !utf8.ValidString(fd.Detail) || strings.ContainsAny(fd.Detail, "\r\n") {
			t.Fatalf("detail not one clean line: %q", fd.Detail)
		}
	})
}
