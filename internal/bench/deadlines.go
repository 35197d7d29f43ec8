package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/handoff-sla/handoff/internal/deadlines"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/store/storetest"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// The deadline checker's rows: with 100,000 hand-offs stored, 1,000 of them due within the same minute (the
// worst burst: SQLs handed off together reach their reminder together), one run of the schedule as the
// DeadlinesFunction makes it — the real checker and store on DynamoDB Local, its emails to SES local, its
// Workers and the invocation's deadline (the template's Timeout) as in Lambda — started at a phase of the minute
// before the due instant (30 s), with the template's one-minute window. "Due → email" is from the instant a
// reminder falls due to SES local accepting it (the SentAt the checker records from SES's answer). EventBridge
// Scheduler's own delivery latency and a cold start are not in it.
func init() {
	Register(Suite{Name: "deadlines", Order: 40, Run: runDeadlines})
}

func runDeadlines(ctx context.Context, env *Env) ([]Row, error) {
	stored, due := 100_000, 1_000
	if env.Quick {
		stored, due = 5_000, 200
	}
	tpl, c, err := project(env)
	if err != nil {
		return nil, err
	}
	var timeout time.Duration
	for _, f := range tpl.Functions {
		if f.LogicalID == "DeadlinesFunction" {
			timeout = time.Duration(f.Timeout) * time.Second
		}
	}
	if timeout == 0 {
		return nil, fmt.Errorf("no DeadlinesFunction in template.yaml")
	}
	modules := filepath.Join(env.Root, "infra", "local", "node_modules")
	dyn, err := localaws.StartDynamoDB(ctx, modules, nil)
	if err != nil {
		return nil, err
	}
	defer dyn.Stop()
	mail, err := localaws.StartSES(ctx, modules, nil)
	if err != nil {
		return nil, err
	}
	defer mail.Stop()
	db := localaws.DynamoDB(dyn.Endpoint)
	names, err := localaws.CreateTables(ctx, db, tpl.Tables, func(t samtemplate.Table) (string, error) { return "bench-" + t.LogicalID, nil })
	if err != nil {
		return nil, err
	}
	tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"], SLA: names["SlaTable"], Zone: c.Location}

	// The fixture: the due hand-offs were handed off on a Monday at 10:01 (first reminder at 12:01); the others
	// later that day (reminders from 12:02 on), spread over the afternoon. The due ones' leads are stored (their
	// reminders show them); the others' are never read.
	monday := func(h, m int) time.Time { return time.Date(2026, 11, 30, h, m, 0, 0, c.Location) }
	env.Logf("   seeding %d leads and %d hand-offs", due, stored)
	began := time.Now()
	leads := store.NewLeads(db, tables)
	ids := make([]string, due)
	if err := parallel(ctx, due, 8, func(i int) error {
		at, id := monday(10, 1), fmt.Sprintf("bench%06d", i)
		d := webhook.Delivery{Source: "site-contact", ID: "d-" + id, BodyHash: "h", At: at}
		saved, err := leads.SaveSubmission(ctx, d, lead.Submission{OccurredAt: at,
			Contact: lead.Contact{Email: id + "@bench.fr", FirstName: "Lead", LastName: id, Company: "Bench " + id, Phone: "+33472000000"}},
			lead.Activity{ID: "a-" + id, Type: lead.FormSubmit, OccurredAt: at, ReceivedAt: at, Source: d.Source, DeliveryID: d.ID},
			func(string) webhook.Answer { return webhook.Answer{Status: 202} })
		ids[i] = saved.LeadID
		return err
	}); err != nil {
		return nil, fmt.Errorf("seed leads: %w", err)
	}
	reps := []string{"thomas-martin", "sophie-bernard", "julien-petit", "amelie-robert"}
	hs := make([]handoff.Handoff, 0, stored)
	for i := range stored {
		at, id := monday(10, 1), fmt.Sprintf("ld_bench%06d", i)
		if i < due {
			id = ids[i]
		} else {
			at = monday(10, 2).Add(time.Duration(i%300) * time.Minute)
		}
		d, err := handoff.DeadlinesFrom(c, at)
		if err != nil {
			return nil, err
		}
		h := handoff.New(handoff.Key{LeadID: id, At: at}, handoff.Assignment{RepID: reps[i%len(reps)], At: at}, d, c.Version, at)
		h.LeadCompany = fmt.Sprintf("Bench %d", i)
		h.Mail.Start(at)
		h.Mail.Sent("seeded", at)
		hs = append(hs, *h)
	}
	chunks := slices.Collect(slices.Chunk(hs, 1_000))
	if err := parallel(ctx, len(chunks), 8, func(i int) error {
		return storetest.SeedHandoffs(ctx, db, tables, chunks[i], monday(10, 1))
	}); err != nil {
		return nil, fmt.Errorf("seed hand-offs: %w", err)
	}
	env.Logf("   seeded in %s", time.Since(began).Round(time.Second))

	var reads, leadReads atomic.Int64
	sesCfg := aws.Config{Region: localaws.Region, Credentials: credentials.NewStaticCredentialsProvider(localaws.AccessKey, localaws.SecretKey, "")}
	// A clock at real speed, started 30 s before the due minute.
	origin, start := monday(12, 0).Add(30*time.Second), time.Now()
	now := func() time.Time { return origin.Add(time.Since(start)) }
	checker, err := deadlines.New(c, store.NewHandoffs(countingItems(db, &reads), tables), store.NewLeads(countingItems(db, &leadReads), tables),
		ses.New(ses.NewClient(sesCfg, aws.String(mail.Endpoint))),
		email.LinkSigner{Key: []byte("bench-feedback-link-key-0123456789"), BaseURL: "https://sla.example.com"}, now, discardLogger())
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithTimeout(ctx, timeout) // the invocation's deadline, as Lambda gives it
	defer cancel()
	res, err := checker.Run(runCtx, time.Minute)
	ran := time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("the run: %w", err)
	}
	seeder := store.NewHandoffs(db, tables)
	var delays []time.Duration
	var lastSent time.Time
	for _, h := range hs[:due] {
		e, err := seeder.Event(ctx, h.Key, "reminder#0.0")
		if err != nil {
			return nil, fmt.Errorf("reminder of %s: %w", h.Key, err)
		}
		if e.Mail.Status != outbox.MailSent {
			return nil, fmt.Errorf("reminder of %s: %s, not sent", h.Key, e.Mail.Status)
		}
		delays = append(delays, e.Mail.SentAt.Sub(e.Due))
		if e.Mail.SentAt.After(lastSent) {
			lastSent = e.Mail.SentAt
		}
	}
	if res.Checked != due || res.Failed > 0 || res.Left > 0 {
		return nil, fmt.Errorf("the run checked %d (failed %d, left %d), want the %d due", res.Checked, res.Failed, res.Left, due)
	}
	perDue := float64(reads.Load()) / float64(due)
	p50, p95, worst := Percentile(delays, 50), Percentile(delays, 95), slices.Max(delays)
	// The burst is worked off from the due instant to the last reminder accepted: what one run sustains.
	burst := lastSent.Sub(monday(12, 1))
	rate := float64(due) / burst.Seconds()
	fixture := fmt.Sprintf("%s hand-offs stored, %s due within one minute", thousands(stored), thousands(due))
	return []Row{
		Goal("deadline checker: items read per due hand-off",
			fmt.Sprintf("%.2f (%s hand-off items read for %s due; %s stored) · leads read for the emails %.2f per due", perDue, thousands(int(reads.Load())), thousands(due), thousands(stored), float64(leadReads.Load())/float64(due)),
			"≤ 1.05", perDue <= 1.05, whyIf(perDue > 1.05, "the checker reads more than what is due: its Query on the due-checks index takes more than the due items")+
				"Items DynamoDB returned to the checker's reads of the SLA table (Query, GetItem, BatchGetItem), counted on its client; the leads (one per reminder: the hand-off keeps no copy of the person's details) apart."),
		Goal("deadline checker: due → email at "+fixture,
			fmt.Sprintf("p50 %s · p95 %s · max %s (%s reminders, one run)", secs(p50), secs(p95), secs(worst), thousands(due)),
			"p95 ≤ 60 s", p95 <= time.Minute, whyIf(p95 > time.Minute, "one run does not work off the burst within the minute on this machine (see the events/s row)")+
				"The real checker and store (DeadlinesFunction's code, its 16 workers, the template's Timeout as the invocation's deadline) on DynamoDB Local and SES local, started 30 s before the due minute with the schedule's one-minute window; from the instant each reminder falls due to SES local accepting it. EventBridge Scheduler's delivery and a cold start are not in it; DynamoDB Local is far slower than DynamoDB."),
		{Name: "deadline checker: events one run sustains", Figure: fmt.Sprintf("%.0f events/s (%s reminders recorded and emailed in %s after the due instant; the run took %s)", rate, thousands(due), secs(burst), secs(ran)),
			Verdict: Info, Relative: relative(env, burst/time.Duration(due), " per event"),
			Why: "One event = the hand-off's transaction recording the reminder, its lead read, its email through the outbox to SES local, SES's answer recorded."},
	}, nil
}

// countingItems is db with a count of the items its reads return (Query, GetItem, BatchGetItem): what a run
// pays for in read capacity, whatever the number of calls.
func countingItems(db *dynamodb.Client, n *atomic.Int64) *dynamodb.Client {
	count := middleware.InitializeMiddlewareFunc("countItems", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		out, md, err := next.HandleInitialize(ctx, in)
		switch r := out.Result.(type) {
		case *dynamodb.QueryOutput:
			n.Add(int64(len(r.Items)))
		case *dynamodb.GetItemOutput:
			if r.Item != nil {
				n.Add(1)
			}
		case *dynamodb.BatchGetItemOutput:
			for _, items := range r.Responses {
				n.Add(int64(len(items)))
			}
		}
		return out, md, err
	})
	return dynamodb.New(db.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error { return s.Initialize.Add(count, middleware.After) })
	})
}

// parallel runs fn(0..n-1) on at most workers goroutines and returns the first error.
func parallel(ctx context.Context, n, workers int, fn func(i int) error) error {
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		next  atomic.Int64
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}
