// Command gen writes package region's table (table_gen.go) from the Etalab package installed in
// infra/local/node_modules: run it with go generate ./internal/region after updating the package there.
package main

import (
	"fmt"
	"os"

	"github.com/handoff-sla/handoff/internal/region/regiongen"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gen NODE_MODULES OUT.go")
		os.Exit(2)
	}
	d, err := regiongen.Read(os.Args[1])
	if err == nil {
		var src []byte
		if src, err = regiongen.Source(d); err == nil {
			err = os.WriteFile(os.Args[2], src, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
