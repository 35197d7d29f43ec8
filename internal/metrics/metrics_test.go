package metrics_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/metrics"
)

// units are the MetricDefinition units the EMF specification allows.
var units = map[string]bool{"Seconds": true, "Microseconds": true, "Milliseconds": true, "Bytes": true, "Kilobytes": true,
	"Megabytes": true, "Gigabytes": true, "Terabytes": true, "Bits": true, "Kilobits": true, "Megabits": true, "Gigabits": true,
	"Terabits": true, "Percent": true, "Count": true, "Bytes/Second": true, "Kilobytes/Second": true, "Megabytes/Second": true,
	"Gigabytes/Second": true, "Terabytes/Second": true, "Bits/Second": true, "Kilobits/Second": true, "Megabits/Second": true,
	"Gigabits/Second": true, "Terabits/Second": true, "Count/Second": true, "None": true}

// checkEMF fails unless line is one EMF document as the specification describes it: a JSON object alone on its
// line, whose _aws member holds an integer Timestamp (milliseconds) and CloudWatchMetrics, an array of metric
// directives each with a Namespace (1-255 characters), Dimensions (arrays of at most 30 dimension keys, each a
// string member of the root) and Metrics (at most 100 definitions with a Name, whose value is a number member
// of the root, and an optional Unit among CloudWatch's). It returns the root's members.
func checkEMF(t *testing.T, line string) map[string]json.RawMessage {
	t.Helper()
	if !strings.HasSuffix(line, "\n") || strings.Count(line, "\n") != 1 {
		t.Fatalf("not one line ended by a newline: %q", line)
	}
	var root map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("not a JSON object: %v: %s", err, line)
	}
	if dec.More() {
		t.Fatalf("data after the object: %s", line)
	}
	var aws struct {
		Timestamp         *json.Number
		CloudWatchMetrics *[]struct {
			Namespace  *string
			Dimensions *[][]string
			Metrics    *[]struct {
				Name *string
				Unit *string
			}
		}
	}
	raw, ok := root["_aws"]
	if !ok {
		t.Fatalf("no _aws member: %s", line)
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	d.DisallowUnknownFields() // "objects defined by this specification MUST NOT contain any additional members"
	if err := d.Decode(&aws); err != nil {
		t.Fatalf("_aws: %v: %s", err, raw)
	}
	if aws.Timestamp == nil {
		t.Fatalf("_aws has no Timestamp: %s", raw)
	}
	if _, err := aws.Timestamp.Int64(); err != nil {
		t.Fatalf("Timestamp is not an integer: %s", *aws.Timestamp)
	}
	if aws.CloudWatchMetrics == nil || len(*aws.CloudWatchMetrics) == 0 {
		t.Fatalf("_aws has no CloudWatchMetrics: %s", raw)
	}
	for _, dir := range *aws.CloudWatchMetrics {
		if dir.Namespace == nil || len(*dir.Namespace) == 0 || len(*dir.Namespace) > 255 {
			t.Fatalf("a directive's Namespace is missing or not 1-255 characters: %s", raw)
		}
		if dir.Dimensions == nil || dir.Metrics == nil {
			t.Fatalf("a directive lacks Dimensions or Metrics: %s", raw)
		}
		for _, set := range *dir.Dimensions {
			if len(set) > 30 {
				t.Fatalf("a dimension set has more than 30 keys: %v", set)
			}
			for _, key := range set {
				var v string
				if err := json.Unmarshal(root[key], &v); err != nil {
					t.Fatalf("dimension %s is not a string member of the root: %s", key, line)
				}
			}
		}
		if len(*dir.Metrics) == 0 || len(*dir.Metrics) > 100 {
			t.Fatalf("a directive has %d metrics (1-100)", len(*dir.Metrics))
		}
		for _, m := range *dir.Metrics {
			if m.Name == nil || *m.Name == "" {
				t.Fatalf("a metric definition has no Name: %s", raw)
			}
			if m.Unit != nil && !units[*m.Unit] {
				t.Fatalf("metric %s has unit %q, not one of CloudWatch's", *m.Name, *m.Unit)
			}
			var n json.Number
			dn := json.NewDecoder(bytes.NewReader(root[*m.Name]))
			dn.UseNumber()
			if err := dn.Decode(&n); err != nil {
				t.Fatalf("metric %s has no number member in the root: %s", *m.Name, line)
			}
		}
	}
	return root
}

func TestCountWritesOneEMFLine(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 123e6, time.UTC)
	for _, tc := range []struct {
		name      string
		namespace string
		function  string
		metric    string
		n         int
	}{
		{"a run completed", "Handoff/prod", "deadlines", "CheckerRunsCompleted", 1},
		{"breaches", "Handoff/dev", "deadlines", "SLABreaches", 3},
		{"zero is a value", "Handoff/staging", "notify", "SLABreaches", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			r, err := metrics.New(&out, tc.namespace, tc.function, func() time.Time { return at })
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Count(tc.metric, tc.n); err != nil {
				t.Fatal(err)
			}
			root := checkEMF(t, out.String())
			want := fmt.Sprintf(`{"_aws":{"Timestamp":%d,"CloudWatchMetrics":[{"Namespace":%q,"Dimensions":[["Function"]],"Metrics":[{"Name":%q,"Unit":"Count"}]}]},"Function":%q,%q:%d}`,
				at.UnixMilli(), tc.namespace, tc.metric, tc.function, tc.metric, tc.n)
			if got := strings.TrimSuffix(out.String(), "\n"); got != want {
				t.Errorf("line\n got %s\nwant %s", got, want)
			}
			// Nothing but the metadata, the dimension and the count: no room for anything of a person.
			if len(root) != 3 {
				t.Errorf("the line has %d members, want _aws, Function and the metric: %s", len(root), out.String())
			}
		})
	}
}

func TestNewRefusesWhatCloudWatchWould(t *testing.T) {
	now := time.Now
	for _, tc := range []struct {
		name                string
		namespace, function string
		now                 func() time.Time
	}{
		{"no namespace", "", "deadlines", now},
		{"namespace too long", strings.Repeat("n", 256), "deadlines", now},
		{"no function", "Handoff/dev", "", now},
		{"no clock", "Handoff/dev", "deadlines", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := metrics.New(&bytes.Buffer{}, tc.namespace, tc.function, tc.now); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestCountRefusesANameThatIsNotAPlainKey(t *testing.T) {
	var out bytes.Buffer
	r, err := metrics.New(&out, "Handoff/dev", "deadlines", time.Now)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"", "_aws", "Function", `a"b`, "with space", strings.Repeat("m", 256), "1starts-with-a-digit"} {
		if err := r.Count(name, 1); err == nil {
			t.Errorf("%q accepted", name)
		}
	}
	if out.Len() != 0 {
		t.Errorf("a refused metric wrote %q", out.String())
	}
}

func TestANilRecorderRecordsNothing(t *testing.T) {
	var r *metrics.Recorder
	if err := r.Count("SLABreaches", 1); err != nil {
		t.Fatal(err)
	}
}

// writes records each Write call apart: a line split over two calls, or two lines in one, would show.
type writes struct {
	mu    sync.Mutex
	calls []string
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, string(p))
	return len(p), nil
}

func TestConcurrentCountsAreWholeLines(t *testing.T) {
	w := &writes{}
	r, err := metrics.New(w, "Handoff/dev", "deadlines", time.Now)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.Count("SLABreaches", 1); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if len(w.calls) != 32 {
		t.Fatalf("%d writes, want 32", len(w.calls))
	}
	for _, c := range w.calls {
		checkEMF(t, c)
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, fmt.Errorf("stdout closed") }

func TestAFailedWriteIsReturned(t *testing.T) {
	r, err := metrics.New(failing{}, "Handoff/dev", "deadlines", time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Count("CheckerRunsCompleted", 1); err == nil || !strings.Contains(err.Error(), "CheckerRunsCompleted") {
		t.Fatalf("got %v, want an error naming the metric", err)
	}
}
