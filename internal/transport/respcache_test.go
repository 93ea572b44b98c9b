package transport

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
)

func TestResponseCacheSharesIdenticalCalls(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		wantCalls  int64
		otherToken bool
		method     string
	}{
		{name: "ok answers are shared", status: 200, wantCalls: 1},
		{name: "definitive refusals are shared", status: 401, wantCalls: 1},
		{name: "rate limits are not kept", status: 429, wantCalls: 10},
		{name: "outages are not kept", status: 503, wantCalls: 10},
		{name: "another credential is another call", status: 200, wantCalls: 10, otherToken: true},
		{name: "only GETs are shared", status: 200, wantCalls: 10, method: http.MethodPost},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c ResponseCache
			var calls atomic.Int64
			var wg sync.WaitGroup
			for i := range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					method := tc.method
					if method == "" {
						method = http.MethodGet
					}
					req, _ := http.NewRequest(method, "https://api.example.com/v1/me", nil)
					token := "token-a"
					if tc.otherToken {
						token = "token-" + string(rune('a'+i))
					}
					req.Header.Set("Authorization", "Bearer "+token)
					resp, _, err := c.Do(context.Background(), req, func(context.Context) (CachedResponse, error) {
						calls.Add(1)
						return CachedResponse{StatusCode: tc.status, Body: []byte(`{}`)}, nil
					})
					if err != nil || resp.StatusCode != tc.status {
						t.Errorf("got %d, %v", resp.StatusCode, err)
					}
				}()
				if tc.wantCalls > 1 {
					wg.Wait() // sequential: each caller sees what the last kept
				}
			}
			wg.Wait()
			if got := calls.Load(); got != tc.wantCalls {
				t.Errorf("fetches = %d, want %d", got, tc.wantCalls)
			}
		})
	}
}

func TestResponseKeyHidesTheCredential(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/v1/me", nil)
	req.Header.Set("Authorization", "Bearer s3cr3t-token-value")
	key := ResponseKey(req)
	if len(key) != 64 {
		t.Fatalf("key %q is not a SHA-256 hex digest", key)
	}
	other, _ := http.NewRequest(http.MethodGet, "https://api.example.com/v1/me", nil)
	other.Header.Set("Authorization", "Bearer another-token")
	if ResponseKey(other) == key {
		t.Fatal("two credentials share a key")
	}
}
