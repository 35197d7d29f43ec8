// Command handoff-bench is `make bench`: it measures the baseline, runs every suite of internal/bench one after
// the other and writes BENCHMARKS.md. -only runs some suites and prints their rows (it never writes the file);
// -quick shrinks the workloads to develop a suite.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/handoff-sla/handoff/internal/bench"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
)

func main() {
	only := flag.String("only", "", "comma-separated suites to run (prints their rows; BENCHMARKS.md is left alone)")
	quick := flag.Bool("quick", false, "smaller workloads, to develop a suite (never written to BENCHMARKS.md)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *only, *quick); err != nil {
		fmt.Fprintln(os.Stderr, "handoff-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, only string, quick bool) error {
	root, err := localaws.RepoRoot()
	if err != nil {
		return err
	}
	began := time.Now()
	want := map[string]bool{}
	for _, s := range strings.Split(only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			want[s] = true
		}
	}
	var selected []bench.Suite
	all := len(want) == 0 // not len(want) below: want empties as the named suites are found
	for _, s := range bench.Suites() {
		if all || want[s.Name] {
			selected = append(selected, s)
			delete(want, s.Name)
		}
	}
	for name := range want {
		return fmt.Errorf("-only: no suite %q", name)
	}
	env := bench.NewEnv(root, quick, os.Stderr)
	env.Logf("baseline: DynamoDB Local PutItem round trips, SHA-256 of 64 MiB")
	if env.Baseline, err = bench.MeasureBaseline(ctx, root); err != nil {
		return err
	}
	var rows []bench.Row
	for _, s := range selected {
		env.Logf("== %s", s.Name)
		start := time.Now()
		r, err := s.Run(ctx, env)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		env.Logf("   %s: %d rows in %s", s.Name, len(r), time.Since(start).Round(time.Second))
		rows = append(rows, r...)
	}
	if err := bench.Check(rows); err != nil {
		return err
	}
	res := bench.Run{Date: began, Took: time.Since(began), Cores: runtime.NumCPU(), CPU: cpuModel(), Baseline: env.Baseline, Rows: rows}
	var out bytes.Buffer
	if err := bench.Write(&out, res); err != nil {
		return err
	}
	if only != "" || quick {
		_, err := os.Stdout.Write(out.Bytes())
		return err
	}
	path := filepath.Join(root, "BENCHMARKS.md")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		return err
	}
	env.Logf("wrote %s", path)
	return nil
}

// cpuModel reads the processor's name where the system says it (Linux); "" elsewhere.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
