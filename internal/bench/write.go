package bench

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
)

// Run is a whole run's outcome, what BENCHMARKS.md shows.
type Run struct {
	Date     time.Time
	Took     time.Duration
	Cores    int
	CPU      string // the processor's model, when the system says
	Baseline Baseline
	Rows     []Row
}

// Write renders the run as BENCHMARKS.md.
func Write(w io.Writer, r Run) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\n")
	fmt.Fprintf(&b, "Written by `make bench` on %s, in %s, on %d cores (%s/%s", r.Date.UTC().Format("2006-01-02 15:04 MST"),
		r.Took.Round(time.Second), r.Cores, runtime.GOOS, runtime.GOARCH)
	if r.CPU != "" {
		fmt.Fprintf(&b, ", %s", r.CPU)
	}
	fmt.Fprintf(&b, ", %s). Do not edit: run `make bench` again.\n\n", runtime.Version())
	fmt.Fprintf(&b, "**Baseline of this run** (figures that depend on the machine are read against it): one DynamoDB Local "+
		"PutItem round trip p50 %s, p95 %s; DynamoDB Local's most, %.0f PutItems/s from 8 goroutines; hashing 64 MiB with SHA-256 %s.\n\n",
		ms(r.Baseline.PutItemP50), ms(r.Baseline.PutItemP95), r.Baseline.PutItemsPerSecond, ms(r.Baseline.SHA256))
	b.WriteString("| What | Figure | Goal | Verdict | Against the baseline |\n|---|---|---|---|---|\n")
	var notes []string
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", cell(row.Name), cell(row.Figure), cell(row.Goal), row.Verdict, cell(row.Relative))
		if row.Why != "" {
			notes = append(notes, fmt.Sprintf("- **%s**: %s", row.Name, row.Why))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n## Notes\n\n" + strings.Join(notes, "\n") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func cell(s string) string {
	if s == "" {
		return "—"
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// Check refuses a run BENCHMARKS.md must not show: a missed goal with no reason, a row with no figure.
func Check(rows []Row) error {
	var bad []string
	for _, r := range rows {
		switch {
		case r.Figure == "":
			bad = append(bad, r.Name+": no figure")
		case r.Verdict == Missed && r.Why == "":
			bad = append(bad, r.Name+": missed with no reason")
		case r.Verdict != Info && r.Goal == "":
			bad = append(bad, r.Name+": a verdict with no goal")
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("bench rows: %s", strings.Join(bad, "; "))
	}
	return nil
}
