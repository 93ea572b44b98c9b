package diagnose

import (
	"strings"
	"testing"

	"github.com/handshake-tf/terraform-provider-handshake/internal/finding"
)

func TestExtractObjects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		text string
		want []string // objects, in order
	}{
		{"whole body", `{"error":"x"}`, []string{`{"error":"x"}`}},
		{"embedded", `Foo: {"error":"x"} trailing`, []string{`{"error":"x"}`}},
		{"skips an invalid object", `{"error":"code":"AF20023"} then {"error":"y"}`, []string{`{"error":"y"}`}},
		{"truncated", `Ex: {"error":"x","error_description":"cut he`, []string{`{"error":"x","error_description":"cut he"}`}},
		{"truncated inside an array", `{"error":"x","error_codes":[7000`, []string{`{"error":"x","error_codes":[7000]}`}},
		{"braces inside strings", `{"error":"x","error_description":"a } and { b"}`, []string{`{"error":"x","error_description":"a } and { b"}`}},
		{"python repr", `{'error': 'x', 'ok': False, 'n': None, 'q': "it's"}`, []string{`{"error": "x", "ok": false, "n": null, "q": "it's"}`}},
		{"nested JSON string", `{"body":"{\"error\":\"x\"}"}`, []string{`{"body":"{\"error\":\"x\"}"}`, `{"error":"x"}`}},
		{"two objects in a log", `first {"a":1} second {"error":"x"}`, []string{`{"a":1}`, `{"error":"x"}`}},
		{"no object", `nothing here`, nil},
	}
	for _, c := range cases {
		x := extract(c.text)
		if strings.Join(x.objects, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s: objects = %q, want %q", c.name, x.objects, c.want)
		}
	}
}

func TestFindStatus(t *testing.T) {
	t.Parallel()
	cases := map[string]int{
		"HttpRequestFailure: Server returned: 401 Unauthorized":        0 + 401,
		"Request failed with status code 402. Payment Required":        402,
		"GoogleJsonResponseException: 403 Forbidden":                   403,
		"TokenResponseException: 400 Bad Request":                      400,
		"The remote server returned an error: (400) Bad Request.":      400,
		"HTTP/1.1 429 Too Many Requests":                               429,
		"received HTTP status 401 from the token endpoint":             401,
		`{"message":"Bad credentials","status":"401"}`:                 401,
		`{"message":"Client must be authenticated","status-code":401}`: 401,
		`"code":403,"serverResponse"`:                                  403,
		"503 Server Error: Service Unavailable for url: https://x":     503,
		"statusCode=502":                       502,
		"AADSTS7000215: Invalid client secret": 0,
		`{"errorCode":1002,"message":"Your Access Token is invalid."}`: 0,
		"Trace ID: 404a-bb":    0,
		"retry in 300 seconds": 0,
		`{"error_codes":[500011],"error":"invalid_resource"}`:                 0,
		"Version 200 Released":                                                0,
		`{"error":{"code":"Authorization_RequestDenied","message":"denied"}}`: 0,
	}
	for text, want := range cases {
		if got := extract(text).status; got != want {
			t.Errorf("status(%q) = %d, want %d", text, got, want)
		}
	}
}

// TestBoundedInput: a huge message is read only up to MaxMessage, and
// classification still works on its beginning.
func TestBoundedInput(t *testing.T) {
	t.Parallel()
	big := `{"error":"invalid_grant","error_description":"Invalid refresh token","pad":"` + strings.Repeat("x{[", 4<<20) + `"}`
	r := Diagnose(fakeCatalog(nil), "", 400, big)
	check(t, r, want{category: finding.RevokedCredentials, code: "invalid_grant"})

	hidden := strings.Repeat("a", MaxMessage) + `{"error":"invalid_grant"}`
	r = Diagnose(nil, "", 0, hidden)
	if r.Code == "invalid_grant" {
		t.Errorf("read past MaxMessage: %+v", r)
	}
	if len(r.Cause) > maxCause+8 || len(r.Summary) > maxSummary+8 {
		t.Errorf("unbounded texts: %d, %d", len(r.Cause), len(r.Summary))
	}

	// Many braces: the number of objects tried is bounded.
	r = Diagnose(nil, "", 0, strings.Repeat("{", MaxMessage))
	checkShape(t, r)
	r = Diagnose(nil, "", 0, strings.Repeat(`{"a":`, MaxMessage/5))
	checkShape(t, r)
}

func TestInvalidUTF8(t *testing.T) {
	t.Parallel()
	r := Diagnose(nil, "", 401, "{\"error\":\"invalid_client\",\"error_description\":\"bad \xff\xfe bytes\"}")
	check(t, r, want{category: finding.InvalidCredentials, code: "invalid_client"})
}
