// Command sandbox runs the vendor emulations on 127.0.0.1 for `make demo`:
// it prints the base URLs as JSON on one line, then serves until its standard
// input closes or it is interrupted.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/handshake-tf/terraform-provider-handshake/internal/sandbox"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address of the plain HTTP listener (loopback only)")
	flag.Parse()
	s := sandbox.StartOn(*addr)
	defer s.Close()
	out := map[string]any{"url": s.URL, "untrusted_tls_url": s.UntrustedTLSURL, "vendors": sandbox.Vendors()}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	done := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(done) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	select {
	case <-done:
	case <-sig:
	}
}
