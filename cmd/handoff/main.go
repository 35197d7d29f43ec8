// Command handoff lets the marketing and sales teams try their SLA contract before they sign it.
package main

import (
	"os"
	"time"

	"github.com/handoff-sla/handoff/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr, time.Now))
}
