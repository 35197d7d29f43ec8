// Command handoff-local runs the whole pipeline on this machine without Docker (`make run`): DynamoDB Local, SES
// local and moto's SSM and Secrets Manager on free loopback ports, the tables and functions exactly as template.yaml declares them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	var o runOptions
	flag.StringVar(&o.APIAddr, "api", "127.0.0.1:3000", "address of the local HTTP API")
	flag.DurationVar(&o.ClockOffset, "clock-offset", 0, "shift the clock of schedules and functions, e.g. 72h, to demo deadlines")
	flag.StringVar(&o.Stage, "stage", "dev", "value of the template's Stage parameter (dev, staging, prod): names the tables and the secrets' paths")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "handoff-local:", err)
		os.Exit(1)
	}
}
