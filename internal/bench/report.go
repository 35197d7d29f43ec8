package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/monthly"
	"github.com/handoff-sla/handoff/internal/report/records"
	"github.com/handoff-sla/handoff/internal/report/reporttest"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/store/storetest"
)

// The report suite: the monthly report function's run for a month of 100,000 new leads and 10,000 SQLs (and the
// hand-offs of the five months before, for the trend and the funnel), on a DynamoDB Local it starts with the
// template's tables. The month is seeded as the functions write it (storetest.Seed: the store's own items, batch
// writes; not measured), then one run of the function's handler (monthly.Reporter.Handle, {"month":"2026-11"})
// is measured end to end: the month's reads, the figures computed, stored as the report of record, rendered and
// turned into the raw MIME message SES would get (the sender builds it and keeps nothing).
//
// Shared with later suites (Env.Share):
//
//	report.dynamo_requests  DynamoDB requests of that one run (every operation, reads and the record's writes)
//	report.seconds          its duration end to end, in seconds
func init() {
	Register(Suite{Name: "report", Order: 30, Run: runReport})
}

// Goals of the issue: the month's report within 30 s on DynamoDB Local, within 256 MB of heap.
const (
	reportGoal     = 30 * time.Second
	reportHeapGoal = 256 << 20
)

func runReport(ctx context.Context, env *Env) ([]Row, error) {
	leads, sqls := 100_000, 10_000
	if env.Quick {
		leads, sqls = 10_000, 1_000
	}
	tpl, c, err := project(env)
	if err != nil {
		return nil, err
	}
	svc, names, err := tablesOnDynamoDB(ctx, env, tpl, "bench-")
	if err != nil {
		return nil, err
	}
	defer svc.Stop()
	tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"],
		SLA: names["SlaTable"], Zone: c.Location, Retention: c.Retention}

	m := contract.Month{Year: 2026, Month: time.November}
	asOf, loaded, err := seedMonth(ctx, env, c, m, tables, localaws.DynamoDB(svc.Endpoint), leads, sqls)
	if err != nil {
		return nil, err
	}
	env.Logf("   seeded %d leads, %d SQLs in %s", leads, sqls, loaded.Round(time.Second))

	db, calls := countingDynamoDB(svc.Endpoint)
	months := &timedMonths{Months: store.NewMonths(db, tables)}
	sender := &rawSender{}
	r := monthly.New(c, months, store.NewReports(db, tables), sender, func() time.Time { return asOf }, discardLogger())

	runtime.GC()
	heap := startHeapSampler()
	start := time.Now()
	out, err := r.Handle(ctx, json.RawMessage(`{"month":"`+m.String()+`"}`))
	took := time.Since(start)
	peak, base := heap.stop()
	if err != nil {
		return nil, fmt.Errorf("the report of %s: %w", m, err)
	}
	if out.Status != monthly.StatusSent || out.SQLs != sqls {
		return nil, fmt.Errorf("the report of %s: %s with %d SQLs, want sent with %d", m, out.Status, out.SQLs, sqls)
	}
	requests := calls.Load()
	env.Share("report.dynamo_requests", float64(requests))
	env.Share("report.seconds", took.Seconds())

	name := fmt.Sprintf("monthly report, %s leads", thousands(leads))
	used := peak - min(base, peak)
	endToEnd := Goal(name+": end to end",
		fmt.Sprintf("%.1f s (read %.1f s, compute + store + render %.1f s; %s SQLs, a %.1f MB message)", took.Seconds(),
			months.took.Seconds(), (took-months.took).Seconds(), thousands(sqls), float64(sender.size)/(1<<20)),
		"≤ 30 s", took <= reportGoal,
		whyIf(took > reportGoal, "DynamoDB Local on two shared cores serves the month's pages far slower than DynamoDB; the read is most of it"))
	endToEnd.Relative = env.Relative(took)
	return []Row{
		endToEnd,
		Goal(name+": peak heap", fmt.Sprintf("%.0f MB (heap in use, sampled every 2 ms, above the %.0f MB before the run)",
			float64(used)/(1<<20), float64(base)/(1<<20)), "≤ 256 MB", used <= reportHeapGoal,
			whyIf(used > reportHeapGoal, "the month's records are held whole while the figures are computed")),
		{Name: name + ": DynamoDB requests", Figure: fmt.Sprintf("%d (%s)", requests, calls.String()), Verdict: Info,
			Why: fmt.Sprintf("each kind of each month read on the %d shards of by-month, all at once", store.MonthShards)},
	}, nil
}

// seedMonth writes the month's records (reporttest.Synthetic) as the functions would and returns the report's
// instant; the fixture's memory is let go on return.
func seedMonth(ctx context.Context, env *Env, c *contract.Contract, m contract.Month, t store.Tables, db *dynamodb.Client,
	leads, sqls int) (time.Time, time.Duration, error) {
	in := reporttest.Synthetic(c, m, leads, sqls, 7)
	env.Logf("   seeding %d creations, %d stage changes, %d hand-offs, %d SLA events, %d leads", len(in.Created),
		len(in.Transitions), len(in.Handoffs), len(in.Events), len(in.Current))
	start := time.Now()
	if err := storetest.Seed(ctx, db, t, in, 8); err != nil {
		return time.Time{}, 0, err
	}
	return in.AsOf, time.Since(start), nil
}

// timedMonths times the month's reads.
type timedMonths struct {
	*store.Months
	took time.Duration
}

func (t *timedMonths) Read(ctx context.Context, m contract.Month, asOf time.Time) (records.Input, error) {
	start := time.Now()
	in, err := t.Months.Read(ctx, m, asOf)
	t.took += time.Since(start)
	return in, err
}

// rawSender builds the raw message SES would get and keeps its size only.
type rawSender struct{ size int }

func (s *rawSender) Send(_ context.Context, m email.Message) (string, error) {
	raw, err := m.Raw(time.Now())
	if err != nil {
		return "", err
	}
	s.size = len(raw)
	return "bench-report", nil
}

// requestCounter counts DynamoDB requests by operation (one per call, whatever the SDK's retries).
type requestCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *requestCounter) add(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[op]++
}

func (c *requestCounter) Load() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := 0
	for _, v := range c.n {
		t += v
	}
	return t
}

func (c *requestCounter) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var s string
	for _, op := range []string{"Query", "BatchGetItem", "GetItem", "PutItem", "TransactWriteItems", "UpdateItem"} {
		if c.n[op] > 0 {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprintf("%d %s", c.n[op], op)
		}
	}
	return s
}

// countingDynamoDB is a client of the DynamoDB Local at endpoint whose calls are counted.
func countingDynamoDB(endpoint string) (*dynamodb.Client, *requestCounter) {
	c := &requestCounter{n: map[string]int{}}
	count := middleware.InitializeMiddlewareFunc("countCalls", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		c.add(awsmiddleware.GetOperationName(ctx))
		return next.HandleInitialize(ctx, in)
	})
	client := localaws.DynamoDB(endpoint)
	return dynamodb.New(client.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error { return s.Initialize.Add(count, middleware.Before) })
	}), c
}

// heapSampler samples the heap in use (runtime.MemStats.HeapInuse) every 2 ms from its start, after a collection,
// until stop: the most the run held at once.
type heapSampler struct {
	base uint64
	peak atomic.Uint64
	done chan struct{}
	wg   sync.WaitGroup
}

func startHeapSampler() *heapSampler {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h := &heapSampler{base: ms.HeapInuse, done: make(chan struct{})}
	h.peak.Store(ms.HeapInuse)
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		var ms runtime.MemStats
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-h.done:
				return
			case <-tick.C:
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > h.peak.Load() {
				h.peak.Store(ms.HeapInuse)
			}
		}
	}()
	return h
}

func (h *heapSampler) stop() (peak, base uint64) {
	close(h.done)
	h.wg.Wait()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return max(h.peak.Load(), ms.HeapInuse), h.base
}
