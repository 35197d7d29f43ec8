package bench

import (
	"strings"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	ms := func(xs ...int) []time.Duration {
		out := make([]time.Duration, len(xs))
		for i, x := range xs {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // unsorted on purpose
	}
	for _, c := range []struct {
		name string
		ds   []time.Duration
		p    float64
		want time.Duration
	}{
		{"empty", nil, 95, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"p50 of 1..100", ms(hundred...), 50, 50 * time.Millisecond},
		{"p95 of 1..100", ms(hundred...), 95, 95 * time.Millisecond},
		{"p99 of 1..100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p100 is the max", ms(3, 1, 2), 100, 3 * time.Millisecond},
		{"p95 of 3 is the max", ms(3, 1, 2), 95, 3 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Percentile(c.ds, c.p); got != c.want {
				t.Errorf("Percentile(p%.0f) = %v, want %v", c.p, got, c.want)
			}
		})
	}
}

func TestCheckRefusesRowsTheFileMustNotShow(t *testing.T) {
	for _, c := range []struct {
		name string
		row  Row
		want string
	}{
		{"missed without a reason", Goal("speed", "p95 3 s", "p95 ≤ 1 s", false, ""), "missed with no reason"},
		{"no figure", Row{Name: "x", Verdict: Info}, "no figure"},
		{"verdict without goal", Row{Name: "x", Figure: "1", Verdict: Met}, "a verdict with no goal"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := Check([]Row{c.row})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Check = %v, want an error saying %q", err, c.want)
			}
		})
	}
	if err := Check([]Row{Goal("speed", "p95 0.4 s", "p95 ≤ 1 s", true, ""), Goal("mem", "300 MB", "≤ 256 MB", false, "the heap holds the month"),
		{Name: "count", Figure: "3", Verdict: Info}}); err != nil {
		t.Fatalf("Check refused good rows: %v", err)
	}
}

func TestWriteShowsEachGoalBesideItsFigureAndWhyAMissIsOne(t *testing.T) {
	var b strings.Builder
	err := Write(&b, Run{Date: time.Date(2026, 12, 7, 14, 0, 0, 0, time.UTC), Took: 90 * time.Second, Cores: 2, CPU: "Test CPU",
		Baseline: Baseline{PutItemP50: 1500 * time.Microsecond, PutItemP95: 3 * time.Millisecond, SHA256: 40 * time.Millisecond, PutItemsPerSecond: 812.4},
		Rows: []Row{
			Goal("speed to lead at 50 SQLs/s", "p95 3.0 s", "p95 ≤ 1 s", false, "notify | sends one at a time"),
			{Name: "requests per SQL", Figure: "12", Verdict: Info},
		}})
	if err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"on 2026-12-07 14:00 UTC, in 1m30s, on 2 cores",
		"Test CPU",
		"PutItem round trip p50 1.50 ms, p95 3.00 ms; DynamoDB Local's most, 812 PutItems/s from 8 goroutines; hashing 64 MiB with SHA-256 40.00 ms",
		"| speed to lead at 50 SQLs/s | p95 3.0 s | p95 ≤ 1 s | **missed** | — |",
		"| requests per SQL | 12 | — | — | — |",
		`- **speed to lead at 50 SQLs/s**: notify | sends one at a time`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("BENCHMARKS.md lacks %q:\n%s", want, got)
		}
	}
}
