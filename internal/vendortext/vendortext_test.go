package vendortext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestOneLine(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"", 10, ""},
		{"  Invalid\r\n  client\tsecret  ", 100, "Invalid client secret"},
		{"bell\x07 and\x00nul", 100, "bell and nul"},
		{"C1\u0085next\u2028line", 100, "C1 next line"},
		{"bad \xff utf8", 100, "bad utf8"},
		{"abcdef ghij", 7, "abcdef…"}, // the space before the cut goes
		{"añb", 2, "a…"},              // never half a rune
		{"exactly10!", 10, "exactly10!"},
	} {
		got := OneLine(c.in, c.max)
		if got != c.want {
			t.Errorf("OneLine(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("OneLine(%q) is not valid UTF-8", c.in)
		}
	}
}

func TestObjects(t *testing.T) {
	docs := func(os []Object) []string {
		var out []string
		for _, o := range os {
			out = append(out, o.Doc)
		}
		return out
	}
	for _, c := range []struct {
		name, text string
		max        int
		want       []string
	}{
		{"whole body", "\ufeff {\"error\":\"x\"} ", 4, []string{`{"error":"x"}`}},
		{"embedded", `HttpError 400: {"error":"invalid_grant"} at line 3`, 4, []string{`{"error":"invalid_grant"}`}},
		{"python repr", `RefreshError: ('invalid_grant: Bad Request', {'error': 'invalid_grant', 'ok': False})`, 4,
			[]string{`{"error": "invalid_grant", "ok": false}`}},
		{"truncated", `Ex: {"error":"x","error_description":"cut he`, 4, []string{`{"error":"x","error_description":"cut he"}`}},
		{"max", `{"a":1} {"b":2} {"c":3}`, 2, []string{`{"a":1}`, `{"b":2}`}},
		{"no object", "nothing {here", 4, nil},
	} {
		if got := docs(Objects(c.text, c.max)); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s: Objects = %q, want %q", c.name, got, c.want)
		}
	}
	if os := Objects(`{"n": 401}`, 1); len(os) != 1 || os[0].Map["n"] == nil {
		t.Errorf("Map not filled: %+v", os)
	}
}

func FuzzObjects(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `x {'a': None} y`, `{"a":"\`, `{{{{`, `}{`, ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, o := range Objects(s, 8) {
			if _, ok := ParseObject(o.Doc); !ok {
				t.Fatalf("Objects(%q) returned %q, which is not a JSON object", s, o.Doc)
			}
		}
		if got := OneLine(s, 50); len(got) > 50+len("…") || strings.ContainsAny(got, "\r\n\t") {
			t.Fatalf("OneLine(%q) = %q", s, got)
		}
	})
}
