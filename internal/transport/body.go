package transport

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// BodyTooLargeError is returned when reading past the response body cap.
type BodyTooLargeError struct{ Limit int64 }

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("response body is larger than %d bytes", e.Limit)
}

// cappedBody stops reading at limit bytes; it releases the per-host slot
// when the body is closed or fully read.
type cappedBody struct {
	rc      io.ReadCloser
	left    int64
	limit   int64
	release func()
	once    sync.Once
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// At the cap: find out whether the body goes on.
		var one [1]byte
		for {
			n, err := b.rc.Read(one[:])
			if n > 0 {
				return 0, &BodyTooLargeError{Limit: b.limit}
			}
			if err != nil {
				b.done()
				return 0, err
			}
		}
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if err != nil {
		b.done()
	}
	return n, err
}

func (b *cappedBody) Close() error {
	err := b.rc.Close()
	b.done()
	return err
}

func (b *cappedBody) done() { b.once.Do(b.release) }

// ReadBody reads at most limit bytes of resp's body and closes it. The
// second result reports whether the body was cut short.
func ReadBody(resp *http.Response, limit int64) ([]byte, bool, error) {
	defer resp.Body.Close()
	buf, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if int64(len(buf)) > limit {
		return buf[:limit], true, nil
	}
	if _, ok := err.(*BodyTooLargeError); ok {
		return buf, true, nil
	}
	return buf, false, err
}

// Discard drains a little of resp's body and closes it.
func Discard(resp *http.Response) { drain(resp.Body) }

// RedactURL renders u without user info, query or fragment, so that an API
// key passed as a query parameter never reaches a message or a log.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			return raw[:i]
		}
		return raw
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = ""
		u.ForceQuery = false
	}
	u.Fragment = ""
	u.RawFragment = ""
	return u.String()
}
