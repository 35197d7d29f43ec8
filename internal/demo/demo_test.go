package demo_test

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/demo"
	"github.com/handoff-sla/handoff/internal/devstack/samlocal"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/readme"
)

func TestMain(m *testing.M) { testenv.Main(m, testenv.WithSES(), testenv.WithSecrets()) }

// TestDemoMonth runs the demo's month on the local stack (two days of leads, make demo's seed) and checks the
// monthly report SES local received against what the demo did: its SQLs, those contacted in time, those
// rejected and the deal won — counted from the demo's own record, whatever the seed made of them. What it
// prints, with the lines `make demo` prints around it, is README.md's block (the same run: no other).
func TestDemoMonth(t *testing.T) {
	logs := &testenv.SyncBuffer{}
	began := time.Now()
	s, err := samlocal.Start(context.Background(), samlocal.Options{
		Root: testenv.Root(), Template: testenv.Template(), TableNames: testenv.Tables(t),
		BuildTags: []string{platform.LocalBuildTag}, ClockOffsetEnv: platform.ClockOffsetEnv,
		DynamoEndpoint: testenv.DynamoEndpoint(t), SESEndpoint: testenv.SESEndpoint(t), SecretsEndpoint: testenv.SecretsEndpoint(t),
		StateDir: t.TempDir(), PollInterval: 50 * time.Millisecond, Logs: io.MultiWriter(testenv.LogWriter(t), logs),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	c, err := contract.Load(filepath.Join(testenv.Root(), "infra", "contract", "contract.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const days = 2
	var out strings.Builder
	fmt.Fprintf(&out, "$ make demo ARGS=\"--days %d\"\n", days)
	demo.Starting(&out, demo.LogFile)
	demo.Ready(&out, time.Since(began))
	demo.Living(&out, demo.DefaultMonth, demo.DefaultSeed, days)
	started := time.Now()
	res, err := demo.Run(context.Background(), demo.Config{Stack: s.URL(), Mail: testenv.SESEndpoint(t), Contract: c,
		Secrets: testenv.DemoSecrets(t), Seed: demo.DefaultSeed, Days: days, Out: &out})
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	demo.Done(&out, time.Since(started), res, testenv.SESEndpoint(t), s.URL(), true)
	readme.Hold(t, "make-demo", out.String(),
		readme.Vary(`ready in (\d+\.\d)s`, "the time the stack took to start"),
		readme.Vary(`A month in (\d+)s`, "the time the month took"),
		readme.Vary(`\[\w{3} \d\d \w{3} \d\d:(\d\d)\]`, "a step's minute on the stack's clock, which runs while the demo waits for the stack"),
		readme.Vary(`127\.0\.0\.1:(\d+)`, "the servers' free ports"))
	h, rec := res.Headline, res.Record
	if len(rec.SQLs) != 6 || rec.Won() != 1 || rec.InTime() == len(rec.SQLs) || rec.Rejected() == 0 || rec.Reassignments != len(rec.SQLs)-rec.InTime() {
		t.Fatalf("the demo's month does not show every case: %d SQLs, %d in time, %d rejected, %d won, %d reassigned",
			len(rec.SQLs), rec.InTime(), rec.Rejected(), rec.Won(), rec.Reassignments)
	}
	if !strings.Contains(h.Subject, c.Company) {
		t.Errorf("the report's subject %q", h.Subject)
	}
	for _, f := range []struct {
		what      string
		got, want int
	}{
		{"SQLs", h.SQLs, len(rec.SQLs)},
		{"contacted in time", h.InTime, rec.InTime()},
		{"rejected", h.Rejected, rec.Rejected()},
		{"accepted", h.Accepted, len(rec.SQLs) - rec.Rejected()},
		{"won", h.Customers, rec.Won()},
	} {
		if f.got != f.want {
			t.Errorf("the report says %d %s, the demo did %d", f.got, f.what, f.want)
		}
	}
	if h.Revenue == "" || h.Revenue == "—" {
		t.Errorf("the won deal brought no revenue in the report: %q", h.Revenue)
	}
}
