package store_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// queried counts the activities DynamoDB reads for Query calls (ScannedCount: what a key condition lets
// through, before any filter — what read capacity is paid for) and the capacity units it reports.
type queried struct {
	mu       sync.Mutex
	items    int
	capacity float64
}

func (q *queried) reset() (int, float64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n, c := q.items, q.capacity
	q.items, q.capacity = 0, 0
	return n, c
}

// withQueryCount is the fixture's client, its Query calls asking for and counting their consumed capacity.
func withQueryCount(db *dynamodb.Client, q *queried) *dynamodb.Client {
	count := middleware.InitializeMiddlewareFunc("countQueried", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		if qi, ok := in.Parameters.(*dynamodb.QueryInput); ok {
			qi.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
		}
		out, md, err := next.HandleInitialize(ctx, in)
		if qo, ok := out.Result.(*dynamodb.QueryOutput); ok && err == nil {
			q.mu.Lock()
			q.items += int(qo.ScannedCount)
			if qo.ConsumedCapacity != nil && qo.ConsumedCapacity.CapacityUnits != nil {
				q.capacity += *qo.ConsumedCapacity.CapacityUnits
			}
			q.mu.Unlock()
		}
		return out, md, err
	})
	return dynamodb.New(db.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error { return s.Initialize.Add(count, middleware.Before) })
	})
}

// TestRescoreFromReadsOnlyTheHorizon: a lead with three years of activities (a demo request two years ago, a
// deal lost a year and a half ago) is re-scored once from its whole history, which stores its landmarks; from
// then on a re-score reads, by key condition, only the activities since the horizon's start (the contract's
// longest: 60-day half-life, ~400 days) — counted by DynamoDB's ScannedCount — and a late activity dated before
// the horizon widens the read to its instant. Each re-score saves what the whole history gives.
func TestRescoreFromReadsOnlyTheHorizon(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// Activities kept four years, so that DynamoDB Local's TTL deletes none of the three years'.
	f.tables.Retention = contract.Retention{Leads: 60, Activities: 48, Handoffs: 60}
	f.leads = store.NewLeads(f.db, f.tables)
	q := &queried{}
	leads := store.NewLeads(withQueryCount(f.db, q), f.tables)
	ctx := context.Background()
	start := at.AddDate(-3, 0, 0)
	id := f.submit("horizon@forges.fr", "horizon-1", start, lead.Contact{JobTitle: "Directrice technique", Country: "FR"}).LeadID

	// 300 activities over three years, 25 to a delivery.
	seeded := []time.Time{start}
	var acts []lead.Activity
	for i := range 300 {
		occurred := start.Add(3 * 365 * 24 * time.Hour / 300 * time.Duration(i)).Add(time.Duration(i) * time.Minute)
		a := lead.Activity{Type: "page_view", OccurredAt: occurred, Properties: map[string]string{"url": "https://maintenia.fr/tarifs"}}
		switch i {
		case 100:
			a = lead.Activity{Type: "demo_request", OccurredAt: occurred}
		case 150:
			a = lead.Activity{Type: lead.DealLost, OccurredAt: occurred}
		}
		acts = append(acts, a)
		seeded = append(seeded, occurred)
	}
	for i := 0; i < len(acts); i += 25 {
		record(t, f.leads, id, fmt.Sprint("seed-", i), acts[i:i+25], start)
	}

	horizon, bounded := scoring.Horizon(f.c.Scoring)
	if !bounded || horizon < 390*24*time.Hour || horizon > 410*24*time.Hour {
		t.Fatalf("the contract's horizon is %v (bounded %v), want about 400 days", horizon, bounded)
	}
	since := func(from time.Time) int {
		n := 0
		for _, s := range seeded {
			if !s.Before(from.Truncate(time.Millisecond)) {
				n++
			}
		}
		return n
	}

	// rescore re-scores at now, checks that what it saves is what the whole history gives, and returns how many
	// activities its Query calls read.
	rescore := func(name string, now, arrived time.Time) int {
		t.Helper()
		q.reset()
		var got, want *scoring.Change
		_, err := leads.RescoreFrom(ctx, id, scoring.Reading{Contract: f.c, Now: now, Arrived: arrived}, func(l lead.Lead, acts []lead.Activity) *scoring.Change {
			whole, err := f.leads.Activities(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			got, _ = scoring.Rescore(f.c, l, acts, now)
			want, _ = scoring.Rescore(f.c, l, whole, now)
			return got
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: saved %+v\nthe whole history gives %+v", name, got, want)
		}
		n, capacity := q.reset()
		t.Logf("%s: %d activities read, %.1f capacity units", name, n, capacity)
		return n
	}

	now := at
	if n := rescore("first re-score, no landmarks yet", now, time.Time{}); n != len(seeded) {
		t.Errorf("the first re-score read %d activities, want the whole history (%d)", n, len(seeded))
	}

	now = now.Add(time.Hour)
	record(t, f.leads, id, "new-1", []lead.Activity{{Type: "page_view", OccurredAt: now, Properties: map[string]string{"url": "/"}}}, now)
	seeded = append(seeded, now)
	if n, want := rescore("a new activity", now, now), since(now.Add(-horizon)); n != want || n >= len(seeded)/2 {
		t.Errorf("read %d activities, want the %d since the horizon's start (of %d)", n, want, len(seeded))
	}

	now = now.Add(24 * time.Hour)
	if n, want := rescore("a decay run", now, time.Time{}), since(now.Add(-horizon)); n != want {
		t.Errorf("read %d activities, want the %d since the horizon's start", n, want)
	}

	// A late activity, dated two and a half years ago: read with everything since.
	late := start.Add(180 * 24 * time.Hour)
	now = now.Add(time.Hour)
	record(t, f.leads, id, "late-1", []lead.Activity{{Type: "content_download", OccurredAt: late}}, now)
	seeded = append(seeded, late)
	if n, want := rescore("a late activity", now, late), since(late); n != want {
		t.Errorf("read %d activities, want the %d since the late one", n, want)
	}
	now = now.Add(time.Hour)
	if n, want := rescore("the next re-score", now, now), since(now.Add(-horizon)); n != want {
		t.Errorf("read %d activities, want the %d since the horizon's start", n, want)
	}

	// Landmarks picked for other rules stand for nothing: the whole history, once.
	other := *f.c
	rules := *f.c.Scoring
	rules.HandRaisers = append(rules.HandRaisers[:len(rules.HandRaisers):len(rules.HandRaisers)], rules.HandRaisers[0])
	rules.HandRaisers[len(rules.HandRaisers)-1].ID = "demo-again"
	other.Scoring = &rules
	q.reset()
	if _, err := leads.RescoreFrom(ctx, id, scoring.Reading{Contract: &other, Now: now}, func(l lead.Lead, acts []lead.Activity) *scoring.Change {
		ch, _ := scoring.Rescore(&other, l, acts, now)
		return ch
	}); err != nil {
		t.Fatal(err)
	}
	if n, _ := q.reset(); n != len(seeded) {
		t.Errorf("under new rules: read %d activities, want the whole history (%d)", n, len(seeded))
	}
}

// record stores activities of a lead as one delivery.
func record(t *testing.T, leads *store.Leads, id, delivery string, acts []lead.Activity, received time.Time) {
	t.Helper()
	d := webhook.Delivery{Source: "tracking", ID: delivery, BodyHash: "h-" + delivery, At: received}
	batch := make([]lead.Activity, len(acts))
	for i, a := range acts {
		a.ID, a.Source, a.DeliveryID, a.ReceivedAt = lead.ActivityID(d.Source, d.ID, i), d.Source, d.ID, received
		batch[i] = a
	}
	if _, err := leads.SaveActivities(context.Background(), d, lead.LeadRef{ID: id}, batch, false, ok); err != nil {
		t.Fatal(err)
	}
}
