// Package vendortext reads free text from vendors and users (error bodies, exception
// messages, logs): one-line excerpts of it and the JSON objects embedded in it.
package vendortext

import (
	"strings"
	"unicode/utf8"
)

// OneLine keeps s printable, on one line and at most max bytes (plus "…"
// when cut): invalid UTF-8 is dropped, control characters (C0, DEL, C1,
// U+2028/U+2029) become spaces, runs of white space one space, and a cut
// falls on a rune boundary.
func OneLine(s string, max int) string {
	if s == "" {
		return ""
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = strings.TrimRight(s[:cut], " ") + "…"
	}
	return s
}

// ContainsAny reports whether s contains any of subs.
func ContainsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// IsWordByte reports whether c can be part of an identifier (ASCII letter,
// digit or underscore).
func IsWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
