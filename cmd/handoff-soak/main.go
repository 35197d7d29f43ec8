// Command handoff-soak is `make soak`: a month of leads through the local stack with AWS's failures injected and
// processes crashed, the failures redriven, the invariants checked (internal/soak), SOAK.md written. It exits
// non-zero when an invariant fails.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/demo"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/soak"
)

func main() {
	var cfg soak.Config
	flag.IntVar(&cfg.Leads, "leads", 5000, "leads posted over the month")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "decides the people, their fates, the faults and the crashes")
	flag.Float64Var(&cfg.FaultRate, "faults", 0.10, "share of the functions' DynamoDB and SES calls that fail")
	flag.IntVar(&cfg.CrashEvery, "crash-every", 300, "a stream consumer's or scheduled job's process is killed about every n of its invocations (0: never)")
	flag.IntVar(&cfg.Workers, "workers", 4, "senders posting at once")
	flag.IntVar(&cfg.Days, "days", 0, "business days with leads, spread over the month (0: every one long enough for a first-contact deadline)")
	month := flag.String("month", demo.DefaultMonth.String(), "the month lived through (YYYY-MM)")
	out := flag.String("out", "SOAK.md", "where the result is written (\"\": not written)")
	flag.Parse()
	m, err := time.Parse("2006-01", *month)
	if err != nil {
		fmt.Fprintf(os.Stderr, "handoff-soak: --month: YYYY-MM, got %q\n", *month)
		os.Exit(2)
	}
	cfg.Month = contract.Month{Year: m.Year(), Month: m.Month()}
	if cfg.Root, err = localaws.RepoRoot(); err != nil {
		fmt.Fprintln(os.Stderr, "handoff-soak:", err)
		os.Exit(1)
	}
	cfg.Out = os.Stdout
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := soak.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "handoff-soak:", err)
		os.Exit(1)
	}
	md := res.Markdown()
	fmt.Println()
	fmt.Print(md)
	if *out != "" {
		file := *out
		if !filepath.IsAbs(file) {
			file = filepath.Join(cfg.Root, file) // make soak runs it from the repository's root
		}
		if err := os.WriteFile(file, []byte(md), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "handoff-soak:", err)
			os.Exit(1)
		}
	}
	if !res.Passed() {
		fmt.Fprintln(os.Stderr, "handoff-soak: an invariant failed (see above)")
		os.Exit(1)
	}
}
