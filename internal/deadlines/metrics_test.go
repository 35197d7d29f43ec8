package deadlines_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/deadlines"
	"github.com/handoff-sla/handoff/internal/deadlines/crashtest"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/metrics"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// metricLines collects the checker's metric lines, one Write each.
type metricLines struct {
	mu    sync.Mutex
	lines []string
}

func (m *metricLines) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lines = append(m.lines, string(p))
	return len(p), nil
}

// sums adds up each metric's values, after checking every line is the EMF document the alarms read: namespace,
// the Function dimension, one count, and nothing else (no lead, rep or person).
func (m *metricLines) sums(t *testing.T) map[string]int {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int{}
	for _, l := range m.lines {
		var doc struct {
			AWS struct {
				Timestamp         int64
				CloudWatchMetrics []struct {
					Namespace  string
					Dimensions [][]string
					Metrics    []struct{ Name, Unit string }
				}
			} `json:"_aws"`
			Function string
		}
		if err := json.Unmarshal([]byte(l), &doc); err != nil || !strings.HasSuffix(l, "}\n") {
			t.Fatalf("not an EMF line: %q (%v)", l, err)
		}
		var members map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &members); err != nil {
			t.Fatal(err)
		}
		d := doc.AWS.CloudWatchMetrics
		if len(d) != 1 || d[0].Namespace != "Handoff/test" || len(d[0].Dimensions) != 1 || strings.Join(d[0].Dimensions[0], ",") != "Function" ||
			doc.Function != "deadlines" || len(d[0].Metrics) != 1 || d[0].Metrics[0].Unit != "Count" || len(members) != 3 {
			t.Fatalf("unexpected metric line %s", l)
		}
		var n int
		if err := json.Unmarshal(members[d[0].Metrics[0].Name], &n); err != nil {
			t.Fatalf("metric %s has no count: %s", d[0].Metrics[0].Name, l)
		}
		out[d[0].Metrics[0].Name] += n
	}
	return out
}

// withMetrics gives the fixture's checker a recorder writing to the returned lines.
func (f *fixture) withMetrics() *metricLines {
	f.t.Helper()
	lines := &metricLines{}
	r, err := metrics.New(lines, "Handoff/test", "deadlines", time.Now)
	if err != nil {
		f.t.Fatal(err)
	}
	f.checker.Metrics = r
	return lines
}

// TestMetricsCountBreachesOnceAndCompletedRuns: SQLs breached on first contact and on feedback, by runs that
// overlap and repeat on every instant. SLABreaches adds up to the breach events in the table — never a second
// time for the run that lost the race or came after — and CheckerRunsCompleted to the runs that returned no
// error; a run that failed counts no completion.
func TestMetricsCountBreachesOnceAndCompletedRuns(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "on_breach: reassign", "on_breach: escalate")
	lines := f.withMetrics()
	var hs []handoff.Handoff
	for i := 0; i < 3; i++ {
		hs = append(hs, f.sql([]string{"FR-IDF", "FR-NAQ", "FR-ARA"}[i], paris(t, "2026-11-30 10:00")))
	}
	completed := 0
	var mu sync.Mutex
	hammer := func(at string) {
		var wg sync.WaitGroup
		for i := 0; i < 3; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.runErr(paris(t, at)); err != nil {
					t.Errorf("run at %s: %v", at, err)
					return
				}
				mu.Lock()
				completed++
				mu.Unlock()
			}()
		}
		wg.Wait()
		f.run(paris(t, at))
		f.run(paris(t, at))
		completed += 2
	}
	for _, at := range []string{"2026-11-30 12:00", "2026-11-30 15:00"} {
		hammer(at) // the reminders, then the first-contact breaches
	}
	for _, h := range hs {
		f.answer(h.Key, handoff.Response{Action: handoff.Contacted, Channel: "email", At: paris(t, "2026-11-30 16:00"), RepID: f.get(h.Key).Rep(), By: "crm"})
	}
	for _, at := range []string{"2026-12-01 15:00", "2026-12-02 10:00", "2026-12-02 10:01"} {
		hammer(at) // the feedback reminders, then the feedback breaches, then nothing more
	}
	breachEvents := 0
	for _, h := range hs {
		for id := range f.events(h.Key) {
			if strings.HasPrefix(id, "breach.") {
				breachEvents++
			}
		}
	}
	if breachEvents != 6 {
		t.Fatalf("%d breach events recorded, want 6 (3 first contact, 3 feedback): the test does not cover both kinds", breachEvents)
	}
	got := lines.sums(t)
	if got[deadlines.MetricSLABreaches] != breachEvents {
		t.Errorf("%s adds up to %d, want %d: one per breach recorded", deadlines.MetricSLABreaches, got[deadlines.MetricSLABreaches], breachEvents)
	}
	if got[deadlines.MetricRunsCompleted] != completed {
		t.Errorf("%s adds up to %d, want %d runs completed", deadlines.MetricRunsCompleted, got[deadlines.MetricRunsCompleted], completed)
	}
	if len(got) != 2 {
		t.Errorf("metrics %v, want only %s and %s", got, deadlines.MetricSLABreaches, deadlines.MetricRunsCompleted)
	}
	for _, l := range lines.lines {
		for _, h := range hs {
			if strings.Contains(l, h.LeadID) || strings.Contains(l, f.marker) || strings.Contains(l, h.Rep()) {
				t.Errorf("a metric line names a lead, its company or a rep: %s", l)
			}
		}
	}

	// A run that fails (here before it could read anything) completes nothing.
	before := got[deadlines.MetricRunsCompleted]
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.clock.Set(paris(t, "2026-12-02 10:02"))
	if _, err := f.checker.Run(ctx, 0); err == nil {
		t.Fatal("a run on a cancelled context returned no error")
	}
	if after := lines.sums(t)[deadlines.MetricRunsCompleted]; after != before {
		t.Errorf("a failed run counted as completed (%d -> %d)", before, after)
	}
}

// TestABreachIsNeverCountedTwice: the run that records a breach dies as its transaction commits, before it
// could write anything more — the metric line included, as a Lambda that dies there would. The runs after it
// send the breach's email but record nothing, so they count nothing: a breach is counted at most once (a crash
// in that instant loses its count; the alarm's threshold is about bursts, and EMF itself may deliver a line twice).
func TestABreachIsNeverCountedTwice(t *testing.T) {
	t.Parallel()
	for _, crash := range []bool{false, true} {
		name := map[bool]string{false: "no crash", true: "crash after the record"}[crash]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, "on_breach: reassign", "on_breach: escalate")
			lines := f.withMetrics()
			h := f.sql("FR-NAQ", paris(t, "2026-11-30 10:00"))
			f.run(paris(t, "2026-11-30 12:00")) // the reminder
			if crash {
				f.proc.CrashAt(crashtest.AfterRecord)
			}
			f.runErr(paris(t, "2026-11-30 15:00")) // the breach (the crashed run's error is the point)
			if crash != f.proc.Died() {
				t.Fatalf("crash %v, died %v", crash, f.proc.Died())
			}
			for _, at := range []string{"2026-11-30 15:01", "2026-11-30 15:02", "2026-12-01 09:00"} {
				f.run(paris(t, at))
			}
			if e := f.events(h.Key)["breach.first_contact#0.0"]; e.Mail.Status != outbox.MailSent {
				t.Fatalf("the breach's email is %q; events %s", e.Mail.Status, ids(f.events(h.Key)))
			}
			want := 1
			if crash {
				want = 0 // the dead process wrote nothing; the runs after recorded nothing
			}
			if got := lines.sums(t)[deadlines.MetricSLABreaches]; got != want {
				t.Errorf("%s adds up to %d, want %d", deadlines.MetricSLABreaches, got, want)
			}
		})
	}
}
