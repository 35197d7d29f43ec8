package deadlines_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/deadlines"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/store/storetest"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// itemsRead counts the items DynamoDB returns to reads (Query, GetItem, BatchGetItem): what a run pays for in
// read capacity, whatever the number of calls.
type itemsRead struct{ n atomic.Int64 }

func countingReads(b *testing.B, reads *itemsRead) *dynamodb.Client {
	count := middleware.InitializeMiddlewareFunc("countItems", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		out, md, err := next.HandleInitialize(ctx, in)
		switch r := out.Result.(type) {
		case *dynamodb.QueryOutput:
			reads.n.Add(int64(len(r.Items)))
		case *dynamodb.GetItemOutput:
			if r.Item != nil {
				reads.n.Add(1)
			}
		case *dynamodb.BatchGetItemOutput:
			for _, items := range r.Responses {
				reads.n.Add(int64(len(items)))
			}
		}
		return out, md, err
	})
	client := localaws.DynamoDB(testenv.DynamoEndpoint(b))
	return dynamodb.New(client.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error { return s.Initialize.Add(count, middleware.After) })
	})
}

// BenchmarkDeadlineRun: 100,000 hand-offs stored, 1,000 of them due at the same minute (the worst burst: SQLs
// handed off together reach their reminder together). One run of the schedule, started at a random phase of the
// minute before (here 30 s before), with the one-minute window of the template. Reports the items read per due
// hand-off (goal ≤ 1.2), the leads read for the emails (one per email: the hand-off keeps no copy of the
// person's details) and the delay from the due instant to the email accepted by SES (goal: p95 ≤ 60 s), on
// DynamoDB Local and SES local. EventBridge Scheduler's own delivery latency is not in it.
func BenchmarkDeadlineRun(b *testing.B) {
	const stored, due = 100_000, 1_000
	c, err := contract.Load(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		b.Fatal(err)
	}
	names := testenv.Tables(b)
	tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"], SLA: names["SlaTable"], Zone: c.Location}
	loc := c.Location
	monday := func(h, m int) time.Time { return time.Date(2026, 11, 30, h, m, 0, 0, loc) }

	// The fixture: due hand-offs were handed off at 10:01 (first reminder at 12:01); the others later on Monday
	// (reminders from 12:02 on), spread over the afternoon.
	hs := make([]handoff.Handoff, 0, stored)
	reps := []string{"thomas-martin", "sophie-bernard", "julien-petit", "amelie-robert"}
	// The due hand-offs' leads are stored (their reminders show them: one read each); the others are never emailed.
	ids := make([]string, due)
	leads := store.NewLeads(testenv.DynamoDB(b), tables)
	var seeding sync.WaitGroup
	seedErrs, seedSem := make(chan error, due), make(chan struct{}, 8)
	for i := range ids {
		seeding.Add(1)
		go func() {
			defer seeding.Done()
			seedSem <- struct{}{}
			defer func() { <-seedSem }()
			at, id := monday(10, 1), fmt.Sprintf("bench%06d", i)
			d := webhook.Delivery{Source: "site-contact", ID: "d-" + id, BodyHash: "h", At: at}
			saved, err := leads.SaveSubmission(context.Background(), d, lead.Submission{OccurredAt: at,
				Contact: lead.Contact{Email: id + "@bench.fr", FirstName: "Lead", LastName: id, Company: "Bench " + id, Phone: "+33472000000"}},
				lead.Activity{ID: "a-" + id, Type: lead.FormSubmit, OccurredAt: at, ReceivedAt: at, Source: d.Source, DeliveryID: d.ID},
				func(string) webhook.Answer { return webhook.Answer{Status: 202} })
			ids[i] = saved.LeadID
			seedErrs <- err
		}()
	}
	seeding.Wait()
	close(seedErrs)
	for err := range seedErrs {
		if err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < stored; i++ {
		at := monday(10, 1)
		if i >= due {
			at = monday(10, 2).Add(time.Duration(i%300) * time.Minute)
		}
		d, err := handoff.DeadlinesFrom(c, at)
		if err != nil {
			b.Fatal(err)
		}
		id := fmt.Sprintf("ld_bench%06d", i)
		if i < due {
			id = ids[i]
		}
		h := handoff.New(handoff.Key{LeadID: id, At: at}, handoff.Assignment{RepID: reps[i%len(reps)], At: at}, d, c.Version, at)
		h.LeadCompany = fmt.Sprintf("Bench %d", i)
		h.Mail.Start(at)
		h.Mail.Sent("seeded", at)
		hs = append(hs, *h)
	}
	seeder := store.NewHandoffs(testenv.DynamoDB(b), tables)
	began := time.Now()
	var wg sync.WaitGroup
	chunks := slices.Collect(slices.Chunk(hs, 2_500))
	errs := make(chan error, len(chunks))
	sem := make(chan struct{}, 8)
	for _, chunk := range chunks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs <- storetest.SeedHandoffs(context.Background(), testenv.DynamoDB(b), tables, chunk, monday(10, 1))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d hand-offs in %s", stored, time.Since(began).Round(time.Second))

	var reads, leadReads itemsRead
	handoffs := store.NewHandoffs(countingReads(b, &reads), tables)
	// A clock at real speed, started 30 s before the due minute.
	start, origin := time.Now(), monday(12, 0).Add(30*time.Second)
	now := func() time.Time { return origin.Add(time.Since(start)) }
	checker, err := deadlines.New(c, handoffs, store.NewLeads(countingReads(b, &leadReads), tables), ses.New(ses.NewClient(testenv.SESConfig(b))),
		email.LinkSigner{Key: linkKey, BaseURL: "https://sla.maintenia.fr"}, now, testenv.Logger(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	res, err := checker.Run(context.Background(), time.Minute)
	b.StopTimer()
	if err != nil || res.Checked != due {
		b.Fatalf("run: %+v %v", res, err)
	}
	var delays []time.Duration
	for _, h := range hs[:due] {
		e, err := seeder.Event(context.Background(), h.Key, "reminder#0.0")
		if err != nil || e.Mail.Status != outbox.MailSent {
			b.Fatalf("reminder of %s: %+v %v", h.Key, e, err)
		}
		delays = append(delays, e.Mail.SentAt.Sub(e.Due))
	}
	slices.Sort(delays)
	pct := func(p int) float64 { return delays[(len(delays)*p+99)/100-1].Seconds() }
	b.ReportMetric(float64(reads.n.Load())/due, "items-read/due")
	b.ReportMetric(float64(leadReads.n.Load())/due, "lead-reads/due") // the reminder shows the lead, from its profile
	b.ReportMetric(pct(50), "p50-delay-s")
	b.ReportMetric(pct(95), "p95-delay-s")
	b.ReportMetric(delays[len(delays)-1].Seconds(), "max-delay-s")
	b.ReportMetric(0, "ns/op") // one run, its time is in the delays
}
