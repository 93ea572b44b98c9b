package transport

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// roundTripper adds the user agent, per-host limits, body caps and retries
// to the pooled transport.
type roundTripper struct{ c *Client }

// Retryable reports whether an HTTP status is retried: 429 and 5xx (except
// 501 Not Implemented and 505, which never change on a retry).
func Retryable(status int) bool {
	return status == http.StatusTooManyRequests ||
		(status >= 500 && status != http.StatusNotImplemented && status != http.StatusHTTPVersionNotSupported)
}

func (t *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.c
	ctx := req.Context()
	if c.opts.UserAgent != "" && req.Header.Get("User-Agent") == "" {
		req = req.Clone(ctx)
		req.Header.Set("User-Agent", c.opts.UserAgent)
	}
	start := time.Now()
	trace := traceFrom(ctx)
	for attempt := 0; ; attempt++ {
		r := req
		if attempt > 0 && req.Body != nil && req.Body != http.NoBody {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r = req.Clone(ctx)
			r.Body = body
		}
		release, err := c.acquire(ctx, req.URL.Host)
		if err != nil {
			return nil, err
		}
		resp, err := c.base.RoundTrip(r)
		if err != nil {
			release()
			return nil, err
		}
		resp.Body = &cappedBody{rc: resp.Body, left: c.opts.MaxBodyBytes, limit: c.opts.MaxBodyBytes, release: release}
		if !Retryable(resp.StatusCode) || attempt >= c.opts.MaxRetries {
			return resp, nil
		}
		if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
			return resp, nil // cannot replay the body
		}
		wait, ok := t.backoff(ctx, attempt, resp, start)
		if !ok {
			return resp, nil // waiting would outlast the budget: report this answer
		}
		trace.add(resp.StatusCode, wait)
		drain(resp.Body)
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		}
	}
}

// backoff decides how long to wait before the next attempt, and whether to
// retry at all: never past the context deadline or the client timeout, and
// never for a Retry-After longer than RetryWaitMax.
func (t *roundTripper) backoff(ctx context.Context, attempt int, resp *http.Response, start time.Time) (time.Duration, bool) {
	o := t.c.opts
	var wait time.Duration
	if ra, ok := RetryAfter(resp.Header, time.Now()); ok {
		if ra > o.RetryWaitMax {
			return 0, false
		}
		wait = ra
	} else {
		wait = o.RetryWaitMin << attempt
		if wait > o.RetryWaitMax || wait <= 0 {
			wait = o.RetryWaitMax
		}
		// ±20% jitter so that many connectors do not retry in lockstep.
		wait += time.Duration((rand.Float64()*0.4 - 0.2) * float64(wait))
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait+50*time.Millisecond {
		return 0, false
	}
	if time.Since(start)+wait > o.Timeout {
		return 0, false
	}
	return wait, true
}

// RetryAfter parses a Retry-After header (delta-seconds or HTTP-date).
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(365*24*time.Hour/time.Second) {
			secs = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		d := at.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// drain reads a little of a body that is about to be discarded so the
// connection can be reused, then closes it.
func drain(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, 64<<10)
	_ = body.Close()
}

// Trace records the retries made while serving requests under one context,
// so a check can say "succeeded after two 503s".
type Trace struct {
	mu       sync.Mutex
	statuses []int
	waited   time.Duration
}

type traceKey struct{}

// WithTrace returns a context whose requests record their retries in the
// returned Trace.
func WithTrace(ctx context.Context) (context.Context, *Trace) {
	t := &Trace{}
	return context.WithValue(ctx, traceKey{}, t), t
}

func traceFrom(ctx context.Context) *Trace {
	t, _ := ctx.Value(traceKey{}).(*Trace)
	return t
}

func (t *Trace) add(status int, wait time.Duration) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.statuses = append(t.statuses, status)
	t.waited += wait
}

// Retries returns the statuses that were retried, in order, and the total
// time spent waiting between attempts.
func (t *Trace) Retries() ([]int, time.Duration) {
	if t == nil {
		return nil, 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]int(nil), t.statuses...), t.waited
}

// Reset forgets what was recorded so far.
func (t *Trace) Reset() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.statuses, t.waited = nil, 0
}
