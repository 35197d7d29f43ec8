// Package bench is `make bench`: the whole pipeline's speed, cost and memory measured against the goals the
// team set, written to BENCHMARKS.md as one table (each goal beside its figure, met or missed and why).
//
// Each row family is a Suite in its own file of this package (speed to lead, scoring, the monthly report,
// deadlines, ingest, requests per operation, bootstraps, cost). Suites run one after the other, never side by
// side, so no figure is another's noise; machine-dependent figures are given beside a baseline measured in the
// same run (Baseline), so that two runs on two machines compare.
package bench

import (
	"context"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// Verdict says how a figure stands against its goal.
type Verdict int

const (
	// Info is a figure with no goal (a count, a baseline, a model's input).
	Info Verdict = iota
	// Met is a figure within its goal.
	Met
	// Missed is a figure outside its goal; the row's Why says why.
	Missed
)

func (v Verdict) String() string {
	switch v {
	case Met:
		return "met"
	case Missed:
		return "**missed**"
	}
	return "—"
}

// Row is one line of the table.
type Row struct {
	Name    string  // what is measured: "speed to lead at 50 SQLs/s"
	Figure  string  // the figure(s): "p50 0.21 s · p95 0.48 s · p99 0.90 s (500 SQLs, 0 lost)"
	Goal    string  // the goal, or "" for Info
	Verdict Verdict // Met or Missed when Goal is set
	// Relative is the machine-dependent figure in units of the run's baseline ("= 420 PutItem round trips"),
	// or "" when the figure does not depend on the machine (a count).
	Relative string
	// Why explains a missed goal (required then), or anything a reader must know to trust the figure.
	Why string
}

// Goal returns a row with its verdict: met when ok, else missed with why.
func Goal(name, figure, goal string, ok bool, why string) Row {
	v := Met
	if !ok {
		v = Missed
	}
	return Row{Name: name, Figure: figure, Goal: goal, Verdict: v, Why: why}
}

// Suite measures a family of rows.
type Suite struct {
	Name string // short, for -only: "speed", "scoring", "report", "deadlines", "ingest", "requests", "bootstrap", "cost"
	// Order places the suite in the table (ascending); cost runs last as it models from the others' counts.
	Order int
	Run   func(ctx context.Context, env *Env) ([]Row, error)
}

var (
	suitesMu sync.Mutex
	suites   []Suite
)

// Register adds a suite; each suite's file calls it from init.
func Register(s Suite) {
	suitesMu.Lock()
	defer suitesMu.Unlock()
	suites = append(suites, s)
}

// Suites returns the registered suites in table order.
func Suites() []Suite {
	suitesMu.Lock()
	defer suitesMu.Unlock()
	out := append([]Suite(nil), suites...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}

// Env is what a suite gets: the repository, the run's size, a progress writer, the baseline, and the figures
// suites share (the counted requests, invocations and GB-seconds the cost model reads).
type Env struct {
	Root string
	// Quick runs smaller workloads, to develop a suite; a quick run never writes BENCHMARKS.md.
	Quick    bool
	Progress io.Writer
	Baseline Baseline

	mu     sync.Mutex
	shared map[string]float64
}

// NewEnv returns an environment for a run.
func NewEnv(root string, quick bool, progress io.Writer) *Env {
	if progress == nil {
		progress = io.Discard
	}
	return &Env{Root: root, Quick: quick, Progress: progress, shared: map[string]float64{}}
}

// Share records a figure for later suites (the cost model), under a key its reader documents.
func (e *Env) Share(key string, v float64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.shared[key] = v
}

// Shared returns a figure an earlier suite recorded.
func (e *Env) Shared(key string) (float64, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.shared[key]
	return v, ok
}

// Logf prints progress.
func (e *Env) Logf(format string, args ...any) {
	fmt.Fprintf(e.Progress, format+"\n", args...)
}

// Relative expresses a duration in the baseline's DynamoDB Local round trips.
func (e *Env) Relative(d time.Duration) string {
	if e.Baseline.PutItemP50 <= 0 {
		return ""
	}
	return fmt.Sprintf("= %.0f PutItem round trips", float64(d)/float64(e.Baseline.PutItemP50))
}
