package main

import (
	"context"
	"flag"
	"fmt"
	"log"

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

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/handshake-tf/handshake",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
