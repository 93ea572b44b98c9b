package vendortext

import (
	"encoding/json"
	"strings"
)

// Object is a JSON object found in text: Doc is its JSON (repaired or
// converted when it was not JSON as found), Map its decoded members
// (numbers as json.Number).
type Object struct {
	Doc string
	Map map[string]any
}

// maxObjectStarts bounds the '{' positions tried, so a long log full of
// braces costs little.
const maxObjectStarts = 16

// Objects returns up to max JSON objects in text, in order: the whole text
// when it is one; else each balanced {...} that parses tolerantly (a JSON
// object, a Python dict repr, or an object cut short whose strings and
// brackets are closed for it).
func Objects(text string, max int) []Object {
	text = strings.TrimPrefix(text, "\ufeff")
	trimmed := strings.TrimSpace(text)
	if m, ok := ParseObject(trimmed); ok {
		return []Object{{trimmed, m}}
	}
	var out []Object
	starts := 0
	for i := 0; i < len(text) && starts < maxObjectStarts && len(out) < max; i++ {
		if text[i] != '{' {
			continue
		}
		starts++
		doc, end := balanced(text, i)
		if o, ok := Tolerant(doc); ok {
			out = append(out, o)
			// Later objects may hold more (a log with several bodies);
			// look past this one only.
			if end > i {
				i = end - 1
			}
		}
	}
	return out
}

// Tolerant parses s as a JSON object, or as a Python dict repr, or as a
// truncated object whose strings and brackets are closed for it.
func Tolerant(s string) (Object, bool) {
	if m, ok := ParseObject(s); ok {
		return Object{s, m}, true
	}
	if !strings.Contains(s, "'") && !strings.Contains(s, "True") && !strings.Contains(s, "False") && !strings.Contains(s, "None") {
		return Object{}, false
	}
	if p, ok := pythonToJSON(s); ok {
		if m, ok := ParseObject(p); ok {
			return Object{p, m}, true
		}
	}
	return Object{}, false
}

// ParseObject parses s as exactly one JSON object (trailing text refused),
// with numbers as json.Number.
func ParseObject(s string) (map[string]any, bool) {
	if len(s) < 2 || s[0] != '{' {
		return nil, false
	}
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if d.Decode(&m) != nil || m == nil {
		return nil, false
	}
	// Trailing garbage is not an object of its own.
	if _, err := d.Token(); err == nil {
		return nil, false
	}
	return m, true
}

// balanced returns the object starting at s[start] ('{') up to its matching
// brace, honouring "…" and '…' strings and escapes. When the text ends
// first, the open string and brackets are closed, so a body cut short by a
// log line still decodes. end is the index after the object in s.
func balanced(s string, start int) (doc string, end int) {
	var stack []byte
	var quote byte
	esc := false
	for i := start; i < len(s); i++ {
		c := s[i]
		if quote != 0 {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == quote:
				quote = 0
			}
			continue
		}
		switch c {
		case '"', '\'':
			quote = c
		case '{':
			stack = append(stack, '}')
		case '[':
			stack = append(stack, ']')
		case '}', ']':
			if len(stack) == 0 || stack[len(stack)-1] != c {
				return s[start : i+1], i + 1 // unbalanced: let the parser reject it
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return s[start : i+1], i + 1
			}
		}
	}
	// Truncated: close what is open.
	var b strings.Builder
	b.WriteString(strings.TrimRightFunc(s[start:], func(r rune) bool { return r == '\r' || r == '\n' }))
	if esc {
		b.WriteByte('\\')
	}
	if quote != 0 {
		b.WriteByte(quote)
	}
	for i := len(stack) - 1; i >= 0; i-- {
		b.WriteByte(stack[i])
	}
	return b.String(), len(s)
}

// pythonToJSON converts a Python dict repr ({'error': 'x', 'ok': False,
// 'n': None}) to JSON. ok is false when s has nothing to convert.
func pythonToJSON(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s) + 8)
	changed := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\'':
			// Copy a string, re-quoted with double quotes.
			j := i + 1
			var body strings.Builder
			for j < len(s) && s[j] != c {
				if s[j] == '\\' && j+1 < len(s) {
					if s[j+1] == '\'' {
						body.WriteByte('\'')
					} else {
						body.WriteByte(s[j])
						body.WriteByte(s[j+1])
					}
					j += 2
					continue
				}
				if s[j] == '"' {
					body.WriteString(`\"`)
				} else {
					body.WriteByte(s[j])
				}
				j++
			}
			if c == '\'' {
				changed = true
			}
			b.WriteByte('"')
			b.WriteString(body.String())
			b.WriteByte('"')
			i = j + 1
		case isWordStart(s, i, "True"):
			b.WriteString("true")
			i += 4
			changed = true
		case isWordStart(s, i, "False"):
			b.WriteString("false")
			i += 5
			changed = true
		case isWordStart(s, i, "None"):
			b.WriteString("null")
			i += 4
			changed = true
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), changed
}

func isWordStart(s string, i int, w string) bool {
	if !strings.HasPrefix(s[i:], w) {
		return false
	}
	if i > 0 && IsWordByte(s[i-1]) {
		return false
	}
	end := i + len(w)
	return end >= len(s) || !IsWordByte(s[end])
}
