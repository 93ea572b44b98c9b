package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/handshake-tf/terraform-provider-handshake/internal/provider"
)

// version is set by the build (-ldflags "-X main.version=…": goreleaser
// from the tag, `make build` from git describe); "dev" for a plain go build.
var version = "dev"

func main() {
	var debug, showVersion bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.BoolVar(&showVersion, "version", false, "print the provider version and exit")
	flag.Parse()
	if showVersion {
		fmt.Println(version)
		return
	}

	quietLogsUnlessAsked()

	// HANDSHAKE_CPUPROFILE=<file> and HANDSHAKE_MEMPROFILE=<file> profile
	// one provider process (make bench-fleet); Terraform starts the
	// provider, so an environment variable is the only switch that reaches it.
	if file := os.Getenv("HANDSHAKE_CPUPROFILE"); file != "" {
		if stop := startCPUProfile(file); stop != nil {
			defer stop()
		}
	}

	if file := os.Getenv("HANDSHAKE_MEMPROFILE"); file != "" {
		defer writeHeapProfile(file)
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/handshake-tf/handshake",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// quietLogsUnlessAsked turns the plugin's logs off when no TF_LOG* variable
// asks for them. Without one the SDK logs at trace level and Terraform parses
// and then discards every line; at fleet scale that was a fifth of the
// provider's CPU. Any TF_LOG* variable keeps the usual behaviour.
func quietLogsUnlessAsked() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") {
			return
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
		_ = os.Setenv(name, "off")
	}
}

// writeHeapProfile records what is still live when the provider stops.
func writeHeapProfile(file string) {
	f, err := os.Create(file)
	if err != nil {
		log.Printf("HANDSHAKE_MEMPROFILE: %v", err)
		return
	}
	defer func() { _ = f.Close() }()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		log.Printf("HANDSHAKE_MEMPROFILE: %v", err)
	}
}

func startCPUProfile(file string) func() {
	f, err := os.Create(file)
	if err != nil {
		log.Printf("HANDSHAKE_CPUPROFILE: %v", err)
		return nil
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Printf("HANDSHAKE_CPUPROFILE: %v", err)
		_ = f.Close()
		return nil
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }
}
