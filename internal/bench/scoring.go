package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/rescore"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// The scoring suite: what scoring one new activity costs as a lead's history grows. Against its own DynamoDB
// Local (the tables of template.yaml), with the store and the score function's code (rescore.Scorer), leads with
// 10, 1,000 and 10,000 activities over three years (those of 1,000 and 10,000 hold the same 500 inside the
// example contract's scoring horizon, ~400 days, the rest before it) are each scored once (which stores their
// landmarks), then get 50 new activities, each saved by ingest's code and scored as the score function scores
// it. Per scored activity: the read capacity DynamoDB reports (ReturnConsumedCapacity TOTAL on every read,
// summed: the lead and its history), the activities the Query read, and the time of the re-score (mean, p95).
// For comparison, the re-score from the whole history (the code before issue 21) is timed and counted on a few.
//
// Shared (env.Share) for the cost suite:
//
//	scoring.rcu_per_activity  read capacity units per scored activity (the lead of 1,000 activities, which
//	                          reads as much as the one of 10,000: the horizon's activities and the lead)

func init() { Register(Suite{Name: "scoring", Order: 20, Run: runScoring}) }

// scoringSizes are the histories measured: total activities, and how many of them lie inside the horizon.
type scoringSize struct{ total, inside int }

func runScoring(ctx context.Context, env *Env) ([]Row, error) {
	sizes := []scoringSize{{10, 10}, {1000, 500}, {10000, 500}}
	scored, before := 50, 5
	if env.Quick {
		sizes = []scoringSize{{10, 10}, {300, 100}, {1000, 100}}
		scored, before = 10, 2
	}
	tpl, c, err := project(env)
	if err != nil {
		return nil, err
	}
	svc, names, err := tablesOnDynamoDB(ctx, env, tpl, "")
	if err != nil {
		return nil, fmt.Errorf("scoring: %w", err)
	}
	defer svc.Stop()
	raw := localaws.DynamoDB(svc.Endpoint)
	// Activities kept four years (the example keeps 24 months), so that DynamoDB Local's TTL deletes none of
	// the three years'.
	tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"],
		SLA: names["SlaTable"], Zone: c.Location, Retention: contract.Retention{Leads: 60, Activities: 48, Handoffs: 60}}
	meter := &readMeter{}
	db := meter.client(raw)
	leads := store.NewLeads(db, tables)
	horizon, _ := scoring.Horizon(c.Scoring)

	var clockMu sync.Mutex
	now := time.Now().UTC()
	clock := func() time.Time {
		clockMu.Lock()
		defer clockMu.Unlock()
		now = now.Add(time.Second)
		return now
	}
	scorer, err := rescore.New(c, leads, clock, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		return nil, err
	}

	type result struct {
		size                 scoringSize
		rcu, items           float64 // per scored activity
		mean, p95            time.Duration
		wholeRCU, wholeItems float64
		wholeMean            time.Duration
		firstRCU, firstItems float64 // the first re-score: no landmarks yet, the whole history
	}
	var results []result
	for i, size := range sizes {
		env.Logf("   scoring: a lead with %d activities (%d inside the horizon)", size.total, size.inside)
		start := clock()
		id, err := seedHistory(ctx, leads, db, tables, fmt.Sprint("bench-", i), size, start, horizon)
		if err != nil {
			return nil, err
		}
		r := result{size: size}
		meter.reset()
		if _, err := scorer.Rescore(ctx, id); err != nil {
			return nil, err
		}
		r.firstRCU, r.firstItems = meter.reset()

		// The whole history, as before: timed and counted on a few new activities.
		var took []time.Duration
		for k := range before {
			at := clock()
			if err := saveActivity(ctx, leads, id, fmt.Sprintf("whole-%d-%d", i, k), at); err != nil {
				return nil, err
			}
			meter.reset()
			began := time.Now()
			if _, err := leads.Rescore(ctx, id, func(l lead.Lead, acts []lead.Activity) *scoring.Change {
				ch, _ := scoring.Rescore(c, l, acts, at)
				return ch
			}); err != nil {
				return nil, err
			}
			took = append(took, time.Since(began))
			rcu, items := meter.reset()
			r.wholeRCU += rcu / float64(before)
			r.wholeItems += items / float64(before)
		}
		r.wholeMean = scoringMean(took)

		// Now: each new activity scored as the score function scores it.
		took = took[:0]
		for k := range scored {
			at := clock()
			if err := saveActivity(ctx, leads, id, fmt.Sprintf("new-%d-%d", i, k), at); err != nil {
				return nil, err
			}
			meter.reset()
			began := time.Now()
			if _, err := scorer.RescoreArrived(ctx, id, at); err != nil {
				return nil, err
			}
			took = append(took, time.Since(began))
			rcu, items := meter.reset()
			r.rcu += rcu / float64(scored)
			r.items += items / float64(scored)
		}
		r.mean, r.p95 = scoringMean(took), Percentile(took, 95)
		results = append(results, r)
		env.Logf("   scoring: %d activities: %.1f RCU, %.0f read, mean %s per scored activity (whole history: %.1f RCU, %.0f read, %s)",
			size.total, r.rcu, r.items, r.mean.Round(time.Millisecond), r.wholeRCU, r.wholeItems, r.wholeMean.Round(time.Millisecond))
	}

	var rows []Row
	mid, big := results[len(results)-2], results[len(results)-1]
	figure := ""
	for _, r := range results {
		figure += fmt.Sprintf("%s%d activities: %.1f RCU (%.0f read)", scoringSep(figure), r.size.total, r.rcu, r.items)
	}
	ok := big.rcu <= mid.rcu*1.1+1 && big.items <= mid.items*1.1+1
	why := ""
	if !ok {
		why = fmt.Sprintf("the lead of %d activities reads %.1f RCU, the one of %d %.1f: the read grows with the history", big.size.total, big.rcu, mid.size.total, mid.rcu)
	}
	rows = append(rows, Goal(fmt.Sprintf("scoring: read capacity per scored activity (%d new activities each)", scored), figure,
		fmt.Sprintf("bounded by the horizon's activities (same at %d and %d)", mid.size.total, big.size.total), ok, why))
	for _, r := range results {
		rows = append(rows, Row{Name: fmt.Sprintf("scoring: time per scored activity, %d activities", r.size.total),
			Figure:   fmt.Sprintf("mean %s · p95 %s (%d scored; %.0f activities read per re-score)", scoringMS(r.mean), scoringMS(r.p95), scored, r.items),
			Relative: env.Relative(r.mean), Verdict: Info})
	}
	figure = ""
	for _, r := range results {
		figure += fmt.Sprintf("%s%d activities: %.1f RCU (%.0f read), mean %s", scoringSep(figure), r.size.total, r.wholeRCU, r.wholeItems, scoringMS(r.wholeMean))
	}
	first := ""
	for _, r := range results {
		first += fmt.Sprintf("%s%.1f RCU (%.0f read)", scoringSep(first), r.firstRCU, r.firstItems)
	}
	rows = append(rows, Row{Name: "scoring: from the whole history (before issue 21), per scored activity", Figure: figure,
		Relative: env.Relative(big.wholeMean), Verdict: Info,
		Why: fmt.Sprintf("the same code reading every activity, %d scored per lead; a lead's first re-score (no landmarks stored yet) reads it all too: %s", before, first)})
	env.Share("scoring.rcu_per_activity", mid.rcu)
	return rows, nil
}

func scoringSep(s string) string {
	if s == "" {
		return ""
	}
	return " · "
}

func scoringMS(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func scoringMean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}

// seedHistory makes a lead (a form three years before now, as ingest stores it) and writes its history
// straight into the table (the store's own items, 25 to a BatchWriteItem): size.inside activities within the
// horizon before now, the others spread over the years before it.
func seedHistory(ctx context.Context, leads *store.Leads, db *dynamodb.Client, t store.Tables, name string, size scoringSize, now time.Time, horizon time.Duration) (string, error) {
	first := now.AddDate(-3, 0, 0)
	d := webhook.Delivery{Source: "site", ID: name, BodyHash: "h-" + name, At: now}
	rec, err := leads.SaveSubmission(ctx, d, lead.Submission{OccurredAt: first, Contact: lead.Contact{Email: name + "@forges-bench.fr",
		JobTitle: "Responsable maintenance", Company: "Forges", CompanySize: "250", Country: "FR"}},
		lead.Activity{ID: lead.ActivityID("site", name, 0), Type: lead.FormSubmit, OccurredAt: first, ReceivedAt: now, Source: "site", DeliveryID: name},
		func(string) webhook.Answer { return webhook.Answer{Status: 202} })
	if err != nil {
		return "", err
	}
	inside := horizon - 15*24*time.Hour // within the horizon, with room for the run's own minutes
	outside := now.Sub(first) - horizon - 24*time.Hour
	kinds := []string{"page_view", "page_view", "page_view", "email_click", "content_download", "webinar_attended"}
	urls := []string{"https://maintenia.fr/tarifs", "https://maintenia.fr/blog/gmao", "https://maintenia.fr/"}
	var reqs []types.WriteRequest
	flush := func() error {
		for len(reqs) > 0 {
			out, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{t.Activities: reqs}})
			if err != nil {
				return fmt.Errorf("seed the history of %s: %w", name, err)
			}
			reqs = out.UnprocessedItems[t.Activities]
		}
		return nil
	}
	for i := range size.total - 1 {
		var at time.Time
		if i < size.inside {
			at = now.Add(-inside / time.Duration(size.inside) * time.Duration(i+1))
		} else {
			at = first.Add(outside / time.Duration(size.total-size.inside) * time.Duration(i-size.inside))
		}
		a := lead.Activity{ID: lead.ActivityID("tracking", name, i), LeadID: rec.LeadID, Type: kinds[i%len(kinds)], OccurredAt: at, ReceivedAt: at,
			Source: "tracking", DeliveryID: name, Properties: map[string]string{}}
		if a.Type == "page_view" {
			a.Properties["url"] = urls[i%len(urls)]
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: store.ActivityItem(t, a).Attributes}})
		if len(reqs) == 25 {
			if err := flush(); err != nil {
				return "", err
			}
		}
	}
	return rec.LeadID, flush()
}

// saveActivity stores a new page view of a lead as ingest does.
func saveActivity(ctx context.Context, leads *store.Leads, id, delivery string, at time.Time) error {
	d := webhook.Delivery{Source: "tracking", ID: delivery, BodyHash: "h-" + delivery, At: at}
	a := lead.Activity{ID: lead.ActivityID("tracking", delivery, 0), Type: "page_view", OccurredAt: at, ReceivedAt: at, Source: "tracking",
		DeliveryID: delivery, Properties: map[string]string{"url": "https://maintenia.fr/tarifs"}}
	_, err := leads.SaveActivities(ctx, d, lead.LeadRef{ID: id}, []lead.Activity{a}, false, func(string) webhook.Answer { return webhook.Answer{Status: 202} })
	return err
}

// readMeter asks every read (GetItem, Query, BatchGetItem) for its consumed capacity and sums it, with the
// items Query calls read (ScannedCount).
type readMeter struct {
	mu         sync.Mutex
	rcu, items float64
}

func (m *readMeter) reset() (rcu, items float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rcu, items = m.rcu, m.items
	m.rcu, m.items = 0, 0
	return rcu, items
}

func (m *readMeter) client(db *dynamodb.Client) *dynamodb.Client {
	count := middleware.InitializeMiddlewareFunc("readMeter", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		switch p := in.Parameters.(type) {
		case *dynamodb.GetItemInput:
			p.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
		case *dynamodb.QueryInput:
			p.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
		case *dynamodb.BatchGetItemInput:
			p.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
		}
		out, md, err := next.HandleInitialize(ctx, in)
		if err != nil {
			return out, md, err
		}
		var used []*types.ConsumedCapacity
		var scanned float64
		switch o := out.Result.(type) {
		case *dynamodb.GetItemOutput:
			used = append(used, o.ConsumedCapacity)
		case *dynamodb.QueryOutput:
			used, scanned = append(used, o.ConsumedCapacity), float64(o.ScannedCount)
		case *dynamodb.BatchGetItemOutput:
			for i := range o.ConsumedCapacity {
				used = append(used, &o.ConsumedCapacity[i])
			}
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		m.items += scanned
		for _, c := range used {
			if c != nil && c.CapacityUnits != nil {
				m.rcu += *c.CapacityUnits
			}
		}
		return out, md, err
	})
	return dynamodb.New(db.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error { return s.Initialize.Add(count, middleware.Before) })
	})
}
