package transport

import (
	"context"
	"errors"
	"sync"
)

// sharedCalls runs at most one call per key at a time and keeps the answers
// worth keeping, so that the many connectors of one run that need the same
// answer (a token, a probe call) ask the service once. The token cache and
// the response cache are both built on it.
type sharedCalls[T any] struct {
	mu      sync.Mutex
	entries map[string]*sharedCall[T]
}

type sharedCall[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// do returns the kept answer for key, waits for a call in flight, or calls
// fetch. keep decides whether an answer is remembered for later callers;
// fresh whether a remembered value may still be used. shared reports
// whether the answer came from another caller's fetch.
func (s *sharedCalls[T]) do(ctx context.Context, key string, fetch func(context.Context) (T, error),
	keep func(T, error) bool, fresh func(T) bool) (val T, shared bool, err error) {
	for {
		s.mu.Lock()
		if s.entries == nil {
			s.entries = map[string]*sharedCall[T]{}
		}
		e, ok := s.entries[key]
		if !ok {
			e = &sharedCall[T]{done: make(chan struct{})}
			s.entries[key] = e
			s.mu.Unlock()
			e.val, e.err = fetch(ctx)
			if !keep(e.val, e.err) {
				s.forget(key, e)
			}
			close(e.done)
			return e.val, false, e.err
		}
		s.mu.Unlock()

		select {
		case <-e.done:
		case <-ctx.Done():
			var zero T
			return zero, false, ctx.Err()
		}
		switch {
		case e.err != nil && (errors.Is(e.err, context.Canceled) || errors.Is(e.err, context.DeadlineExceeded)) && ctx.Err() == nil:
			continue // the first caller gave up; try ourselves
		case e.err != nil:
			var zero T
			return zero, true, e.err
		case fresh != nil && !fresh(e.val):
			s.forget(key, e)
			continue
		}
		return e.val, true, nil
	}
}

// put remembers val under key.
func (s *sharedCalls[T]) put(key string, val T) {
	e := &sharedCall[T]{done: make(chan struct{}), val: val}
	close(e.done)
	s.mu.Lock()
	if s.entries == nil {
		s.entries = map[string]*sharedCall[T]{}
	}
	s.entries[key] = e
	s.mu.Unlock()
}

func (s *sharedCalls[T]) forget(key string, e *sharedCall[T]) {
	s.mu.Lock()
	if s.entries[key] == e {
		delete(s.entries, key)
	}
	s.mu.Unlock()
}
