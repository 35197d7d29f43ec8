package soak

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
)

// A small soak through the whole local stack: 40 leads over three business days with a fifth of the functions'
// DynamoDB and SES calls failing and a stream consumer's or scheduled job's process killed about every tenth
// invocation; after the redrive every invariant holds. (make soak is the same at 5,000 leads over the month.)
func TestASmallSoakHoldsItsInvariants(t *testing.T) {
	root, err := localaws.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	res, err := Run(ctx, Config{Root: root, Leads: 40, Days: 3, Seed: 3, FaultRate: 0.2, CrashEvery: 10, StateDir: t.TempDir(), Out: &out})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Log(res.Markdown())
	if sum(res.Faults) == 0 || sum(res.Crashes) == 0 {
		t.Errorf("the soak injected %d faults and %d crashes: it tested nothing", sum(res.Faults), sum(res.Crashes))
	}
	// Each function's first crash is due within its first five invocations, and the report's one run is crashed:
	// the busy stream consumer, the minute's job and the monthly one all died mid-invocation at least once.
	for _, fn := range []string{"ScoreFunction", "DeadlinesFunction", "ReportFunction"} {
		if res.Crashes[fn] == 0 {
			t.Errorf("%s was never crashed (crashes: %v)", fn, res.Crashes)
		}
	}
	if !res.Passed() {
		t.Errorf("an invariant failed:\n%s\n%s", res.Markdown(), out.String())
	}
}
