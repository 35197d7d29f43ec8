package monthly

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/report/reporttest"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/store/storetest"
)

// BenchmarkMonthFromDynamoDB is the report function's work for a big month — 100,000 new leads and 10,000 SQLs
// (and the hand-offs of the five months before, for the trend and the funnel: 47,500 in all), written to DynamoDB
// Local as the functions write them — from the reads to the MIME message SES would get: Months.Read (one Query
// per kind, month and shard, the month's leads by BatchGetItem), Compute, Encode (the stored figures), Render, and the
// raw message. Loading the fixture takes minutes and is not timed (load-s says how long).
//
// peak-heap-MB is the most heap in use sampled every 2 ms during a run (what the Lambda's memory must hold beyond
// the runtime), ddb-requests the requests of one run; email-KB the raw message's size, figures-KB the stored
// figures (gzip) before compression is what goes to the store.
func BenchmarkMonthFromDynamoDB(b *testing.B) {
	c, err := contract.Load(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		b.Fatal(err)
	}
	m := contract.Month{Year: 2026, Month: time.November}
	in := reporttest.Synthetic(c, m, 100_000, 10_000, 7)
	names := testenv.Tables(b)
	tables := store.TablesFrom(testenv.TableEnv(b, names), c)
	start := time.Now()
	if err := storetest.Seed(context.Background(), testenv.DynamoDB(b), tables, in, 8); err != nil {
		b.Fatal(err)
	}
	loaded := time.Since(start)
	asOf := in.AsOf
	in = reporttest.Synthetic(c, m, 0, 0, 0) // let the fixture's memory go
	db, calls := testenv.CountingDynamoDB(b)
	months := store.NewMonths(db, tables)
	r := &Reporter{contract: c}

	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}()
	calls.Reset()
	var sqls, emailBytes, figuresBytes int
	var reading, reporting time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		got, err := months.Read(context.Background(), m, asOf)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		reading += t1.Sub(t0)
		rep := report.Compute(c, got)
		figures, err := report.Encode(rep)
		if err != nil {
			b.Fatal(err)
		}
		back, err := report.Decode(figures)
		if err != nil {
			b.Fatal(err)
		}
		e, err := report.Render(back)
		if err != nil {
			b.Fatal(err)
		}
		raw, err := r.message(e).Raw(time.Now())
		if err != nil {
			b.Fatal(err)
		}
		sqls, emailBytes, figuresBytes = len(rep.SQLs), len(raw), len(figures)
		reporting += time.Since(t1)
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	b.ReportMetric(loaded.Seconds(), "load-s")
	b.ReportMetric(reading.Seconds()/float64(b.N), "read-s")
	b.ReportMetric(reporting.Seconds()/float64(b.N), "report-s")
	b.ReportMetric(float64(peak.Load()-min(base, peak.Load()))/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(calls.Total())/float64(b.N), "ddb-requests")
	b.ReportMetric(float64(sqls), "sqls")
	b.ReportMetric(float64(emailBytes)/1024, "email-KB")
	b.ReportMetric(float64(figuresBytes)/1024, "figures-KB")
	runtime.KeepAlive(in)
}
