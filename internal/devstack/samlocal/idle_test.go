package samlocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// busyWith fails unless the stack is busy now, for a reason that contains want.
func busyWith(t *testing.T, f *fixture, want string) {
	t.Helper()
	busy := f.stack.Busy(context.Background())
	for _, b := range busy {
		if strings.Contains(b, want) {
			return
		}
	}
	t.Fatalf("busy with %q, want a reason naming %q", busy, want)
}

func waitIdle(t *testing.T, f *fixture) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := f.stack.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestIdleWhileAFunctionRuns: an HTTP invocation in flight keeps the stack busy, the route says so (503 with the
// reason) and WaitIdle returns when it ends.
func TestIdleWhileAFunctionRuns(t *testing.T) {
	t.Parallel()
	f := start(t, Options{}, nil)
	waitIdle(t, f) // the pollers have listed their shards, nothing was written
	sent := time.Now()
	go func() {
		resp, err := http.Get(f.stack.URL() + "/sleep") // sleeps 5 s, past its 2 s timeout: Lambda ends it at 2 s
		if err == nil {
			resp.Body.Close()
		}
	}()
	waitFor(t, "the invocation started", func() bool { return len(f.stack.Busy(context.Background())) > 0 })
	busyWith(t, f, "invocation of EchoFunction")

	resp, err := http.Get(f.stack.URL() + "/_local/idle?wait=50ms")
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Idle bool
		Busy []string
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || out.Idle || !strings.Contains(strings.Join(out.Busy, ";"), "invocation of EchoFunction") {
		t.Errorf("GET /_local/idle during the invocation: %d %+v", resp.StatusCode, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	var busy *BusyError
	if err := f.stack.WaitIdle(ctx); !errors.As(err, &busy) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitIdle with a short deadline during the invocation: %v", err)
	}
	cancel()

	resp, err = http.Get(f.stack.URL() + "/_local/idle?wait=30s")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The invocation cannot end before its timeout: idle sooner would be idle while it ran.
	if resp.StatusCode != http.StatusOK || time.Since(sent) < 2*time.Second {
		t.Errorf("idle: %d after %s, before the invocation's 2 s timeout ended it", resp.StatusCode, time.Since(sent))
	}
	for _, bad := range []string{"soon", "-1s", "11m"} {
		resp, err := http.Get(f.stack.URL() + "/_local/idle?wait=" + bad)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("wait=%s: %d, want 400", bad, resp.StatusCode)
		}
	}
}

// TestIdleCountsRecordsThePollerHasNotRead: a record written while the poller sleeps between two reads is
// counted by its sequence number, before the poller sees it; WaitIdle returns once it is delivered.
func TestIdleCountsRecordsThePollerHasNotRead(t *testing.T) {
	t.Parallel()
	f := start(t, Options{PollInterval: 3 * time.Second}, nil)
	waitIdle(t, f)
	// The poller met an empty stream and sleeps for seconds: only the sequence numbers show the record. Should it
	// wake between the write and the check (a few milliseconds in 3 s), the attempt proves nothing and another
	// record is written: the test fails only when the stack says idle with an unread record, never by chance.
	for attempt := 1; ; attempt++ {
		id := fmt.Sprintf("unread-%d", attempt)
		putItems(t, f.db, f.tables["SourceTable"], item(id, "keep", false))
		busy := f.stack.Busy(context.Background())
		if n := seen(t, f, id); n != 0 {
			if attempt == 5 {
				t.Fatalf("the poller was awake at each of %d writes: the test proves nothing", attempt)
			}
			waitIdle(t, f)
			continue
		}
		if !slices.ContainsFunc(busy, func(b string) bool { return strings.Contains(b, "stream mapping RecorderFunction/Items: shard") }) {
			t.Fatalf("busy with %q while a record is unread, want its shard named", busy)
		}
		waitIdle(t, f)
		if n := seen(t, f, id); n != 1 {
			t.Errorf("idle, and the record was handed over %d times, want 1", n)
		}
		break
	}
	// A record the filters drop is finished too: the stack goes idle without an invocation.
	putItems(t, f.db, f.tables["SourceTable"], item("skipped", "skip", false))
	busyWith(t, f, "stream mapping RecorderFunction/Items")
	waitIdle(t, f)
	if n := seen(t, f, "skipped"); n != 0 {
		t.Errorf("the filtered record was handed over %d times", n)
	}
}

// TestIdleWaitsForRetriesAndBisection: records being retried (with a backoff between attempts) and bisected
// halves keep the stack busy until every record is delivered or at its on-failure destination; then the counts
// are final, with no waiting for them.
func TestIdleWaitsForRetriesAndBisection(t *testing.T) {
	t.Parallel()
	f := start(t, Options{RetryBackoff: func(int) time.Duration { return 400 * time.Millisecond }}, nil)
	waitIdle(t, f)
	putItems(t, f.db, f.tables["SourceTable"], item("ok", "keep", false), item("bad", "keep", true))
	putItems(t, f.db, f.tables["BisectTable"], item("a", "x", false), item("c", "x", true), item("d", "x", false))
	waitFor(t, "the first attempt", func() bool { return seen(t, f, "bad") >= 1 })
	busyWith(t, f, "stream mapping RecorderFunction/Items") // between two attempts
	waitIdle(t, f)
	// [ok bad]: bad fails -> [bad] retried twice (MaximumRetryAttempts: 2) -> the destination.
	// [a c d] fails -> [a] ok, [c d] fails -> [c] fails 3 times (to the destination), [d] ok.
	for pk, n := range map[string]int{"ok": 1, "bad": 3, "a": 2, "c": 5, "d": 3} {
		if got := seen(t, f, pk); got != n {
			t.Errorf("record %s handed over %d times when idle, want %d", pk, got, n)
		}
	}
	for _, file := range []string{"RecorderFunction-Items.jsonl", "RecorderFunction-Bisect.jsonl"} {
		if _, err := os.Stat(filepath.Join(f.state, "failures", file)); err != nil {
			t.Errorf("idle before the on-failure destination got its record: %v", err)
		}
	}
}

// TestIdleWaitsForADueSchedule: with the clock moved to just before a schedule's instant, the stack is idle;
// once the instant passes it is busy until the firing has run.
func TestIdleWaitsForADueSchedule(t *testing.T) {
	t.Parallel()
	paris, _ := time.LoadLocation("Europe/Paris")
	f := start(t, Options{ClockOffsetEnv: "TICK_CLOCK_OFFSET"}, nil)
	const fired = `msg="schedule fired" function=TickFunction event=Nightly`
	// Each attempt moves the clock to a second before a night's 02:00 (TickFunction/Nightly: cron(0 2 * * ? *)).
	// On a loaded machine the firing may have run and ended before the check looks: that attempt proves nothing,
	// and the next night is tried. The test fails only when the stack says idle at a due instant not yet fired.
	for night := 0; night < 5; night++ {
		nightly := time.Date(2026, 12, 2+night, 2, 0, 0, 0, paris)
		if err := f.stack.SetClockOffset(time.Until(nightly.Add(-time.Second))); err != nil {
			t.Fatal(err)
		}
		waitIdle(t, f)
		before := strings.Count(f.logs.String(), fired)
		if !f.stack.now().Before(nightly) {
			continue
		}
		waitFor(t, "the instant", func() bool { return !f.stack.now().Before(nightly) })
		busy := f.stack.Busy(context.Background())
		if len(busy) == 0 {
			if strings.Count(f.logs.String(), fired) == before {
				t.Fatal("idle at the schedule's instant, before its firing ran")
			}
			continue
		}
		waitIdle(t, f)
		if strings.Count(f.logs.String(), fired) != before+1 {
			t.Errorf("idle, and the schedule has not fired once:\n%s", f.logs.String())
		}
		return
	}
	t.Fatal("at each of 5 nights the firing had ended before the check: the test proves nothing")
}
