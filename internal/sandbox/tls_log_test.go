package sandbox

import (
	"bytes"
	"log"
	"net/http"
	"testing"
)

// TestUntrustedTLSListenerQuiet: a client refusing the untrusted listener's
// certificate (what every probe of it does) leaves no log line, while other
// server errors still get through.
func TestUntrustedTLSListenerQuiet(t *testing.T) {
	s := Start()
	defer s.Close()
	var buf bytes.Buffer
	s.tls.Config.ErrorLog = log.New(dropTLSHandshakeErrors{&buf}, "", 0)
	if _, err := http.Get(s.UntrustedTLSURL + "/health"); err == nil {
		t.Fatal("the untrusted certificate was accepted")
	}
	s.tls.Config.ErrorLog.Printf("http: panic serving 127.0.0.1:1: boom")
	s.Close() // waits for the handshake's goroutine, so its log line (if any) is written
	if got := buf.String(); got != "http: panic serving 127.0.0.1:1: boom\n" {
		t.Fatalf("log = %q, want only the non-handshake line", got)
	}
}
