// Command demosummary prints one line per connector and credential of a
// state (`terraform show -json` after the demo applies its saved plan to a
// scratch state), under the provider version that made it: what `make demo`
// ends with. Live results are known only after apply (a plan promises
// nothing it cannot keep), so the summary reads the state, not the plan.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
)

type state struct {
	Values struct {
		RootModule struct {
			Resources []struct {
				Address string         `json:"address"`
				Type    string         `json:"type"`
				Values  map[string]any `json:"values"`
			} `json:"resources"`
		} `json:"root_module"`
	} `json:"values"`
}

func main() {
	providerVersion := flag.String("provider-version", "", "the version the provider reports (terraform-provider-handshake -version)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: demosummary [-provider-version v] state.json")
		os.Exit(2)
	}
	raw, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var st state
	if err := json.Unmarshal(raw, &st); err != nil {
		fmt.Fprintln(os.Stderr, "not a terraform state:", err)
		os.Exit(1)
	}
	var rows []string
	for _, rc := range st.Values.RootModule.Resources {
		a := rc.Values
		switch rc.Type {
		case "handshake_connector":
			rows = append(rows, fmt.Sprintf("%s\t%s\t%s\t%s", str(a["name"]), str(a["service"]), str(a["status"]), categories(a["findings"])))
		case "handshake_credential":
			rows = append(rows, fmt.Sprintf("%s\tcredential (%s)\t%s\t%s", rc.Address, str(a["type"]), str(a["expiry_status"]), expiry(a)))
		}
	}
	sort.Strings(rows)
	if *providerVersion != "" {
		fmt.Println("Handshake provider " + *providerVersion)
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(w, "CONNECTOR\tSERVICE\tSTATUS\tFINDINGS")
	for _, r := range rows {
		_, _ = fmt.Fprintln(w, r)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func str(v any) string {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return "-"
}

func categories(v any) string {
	list, _ := v.([]any)
	if len(list) == 0 {
		return "ok"
	}
	var out []string
	for _, item := range list {
		f, _ := item.(map[string]any)
		out = append(out, fmt.Sprintf("%s %s @ %s", f["severity"], f["category"], f["attribute"]))
	}
	return strings.Join(out, "; ")
}

func expiry(a map[string]any) string {
	if s, ok := a["expires_at"].(string); ok {
		return "expires " + s
	}
	return ""
}
