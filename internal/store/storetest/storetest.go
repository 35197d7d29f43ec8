// Package storetest writes the fixtures of tests and benchmarks straight into the tables, in bulk: a month of
// report records (Seed) or a hundred thousand hand-offs (SeedHandoffs) in minutes rather than hours through the
// functions. Only _test.go files import it, so no function binary links it (TestNoFunctionLinksIt); the items
// are the store's own (store.CreatedItem, store.HandoffItem…), so fixtures cannot drift from what the functions
// write.
package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"golang.org/x/sync/errgroup"

	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/report/records"
	"github.com/handoff-sla/handoff/internal/store"
)

// Seed writes a month's records as ingest, score, notify and the deadline checker write them — the same items,
// keys and index attributes — with BatchWriteItem, writers calls at a time: the fixtures of the report's tests
// and benchmarks. Leads are written only as far as the report reads them (in.Current).
func Seed(ctx context.Context, db store.DB, t store.Tables, in records.Input, writers int) error {
	now := in.AsOf
	if now.IsZero() {
		now = time.Now()
	}
	var items []store.Item
	for _, cr := range in.Created {
		items = append(items, store.CreatedItem(t, cr))
	}
	for _, tr := range in.Transitions {
		items = append(items, store.TransitionItem(t, tr, "seed"))
	}
	byLead := map[string][]time.Time{} // hand-off instants, in order: the hand-off an event belongs to
	for _, rh := range in.Handoffs {
		byLead[rh.LeadID] = append(byLead[rh.LeadID], rh.At)
	}
	for _, ats := range byLead {
		slices.SortFunc(ats, func(a, b time.Time) int { return a.Compare(b) })
	}
	events := map[handoff.Key][]handoff.Event{}
	seq := map[string]int{}
	for _, e := range in.Events {
		k := handoff.Key{LeadID: e.LeadID, At: e.HandoffAt}
		if k.At.IsZero() {
			k.At = e.At
			for _, at := range byLead[e.LeadID] {
				if !at.After(e.At) {
					k.At = at
				}
			}
		}
		id := k.String() + string(e.Kind) + "#" + strconv.Itoa(e.Assignment)
		n := seq[id]
		seq[id]++
		ev := handoff.Event{Handoff: k, Kind: e.Kind, Assignment: e.Assignment, N: n, At: e.At, Due: cmp.Or(e.Due, e.At),
			RepID: cmp.Or(e.FromRep, e.RepID), ToRepID: e.ToRep, ContractVersion: e.ContractVersion}
		events[k] = append(events[k], ev)
		items = append(items, store.EventItem(t, ev))
	}
	for _, rh := range in.Handoffs {
		h := seededHandoff(rh, events[handoff.Key{LeadID: rh.LeadID, At: rh.At}])
		items = append(items, store.HandoffItem(t, &h, now))
	}
	for id, cur := range in.Current {
		items = append(items, store.CurrentLeadItem(t, id, cur, now))
	}
	return write(ctx, db, items, writers)
}

// SeedHandoffs writes hand-offs as given, unconditionally and without any of Claim's or Update's side effects
// (round-robin counts, open SQLs, the lead's owner, events): the load fixtures of the deadline checker's benchmark.
func SeedHandoffs(ctx context.Context, db store.DB, t store.Tables, hs []handoff.Handoff, now time.Time) error {
	items := make([]store.Item, len(hs))
	for i := range hs {
		items[i] = store.HandoffItem(t, &hs[i], now)
	}
	return write(ctx, db, items, 1)
}

// seededHandoff is the hand-off a report record describes, as the handlers would have left it: its SQL email
// sent, its clocks, its contact and answer recorded, its breaches and reminders counted from its events.
func seededHandoff(rh records.Handoff, events []handoff.Event) handoff.Handoff {
	h := handoff.Handoff{Key: handoff.Key{LeadID: rh.LeadID, At: rh.At}, ContractVersion: rh.ContractVersion, Source: rh.Source,
		UTMCampaign: rh.UTMCampaign, Mail: outbox.Mail{Status: outbox.MailSent, ClaimedAt: rh.At, SendingAt: rh.At, SentAt: rh.At, MessageID: "seed"}, AlertedAt: rh.At,
		FirstContactDue: rh.FirstContactDue, FeedbackDue: rh.FeedbackDue, Version: 1}
	for _, a := range rh.Assignments {
		h.Assignments = append(h.Assignments, handoff.Assignment{RepID: a.RepID, Reason: "seed", At: a.At})
		h.ClockFrom = a.At
	}
	for _, c := range rh.Clocks {
		h.Clocks = append(h.Clocks, handoff.Clock{Assignment: c.Assignment, From: c.From, FirstContactDue: c.FirstContactDue, FeedbackDue: c.FeedbackDue})
	}
	last := len(rh.Assignments) - 1
	for _, e := range events {
		switch e.Kind {
		case handoff.EventReminder:
			if e.Assignment == last {
				h.Reminders = append(h.Reminders, e.Due)
				h.Reminded++
			}
		case handoff.EventFeedbackReminder:
			h.FeedbackReminders = append(h.FeedbackReminders, e.Due)
			h.FeedbackReminded++
		case handoff.EventFirstContactBreach:
			h.FirstContactBreaches++
			h.FirstContactBreached = e.Assignment == last
		case handoff.EventFeedbackBreach:
			h.FeedbackBreached = true
		case handoff.EventReassignment:
			h.Reassignments++
		}
	}
	if !rh.ContactedAt.IsZero() {
		h.Contact = handoff.Contact{At: rh.ContactedAt, Channel: rh.ContactChannel, RepID: cmp.Or(rh.ContactRepID, rh.RepID), By: "page"}
	}
	if rh.Answer != "" {
		h.Decision = handoff.Decision{Verdict: rh.Answer, At: rh.AnsweredAt, RepID: rh.RepID, Reason: rh.RejectReason, Comment: rh.RejectComment, By: "page"}
	}
	return h
}

// perCall is BatchWriteItem's limit.
const perCall = 25

// maxAttempts bounds the retries of one call's unprocessed items (DynamoDB Local returns some under load).
const maxAttempts = 30

// write puts items with BatchWriteItem, 25 a call and writers calls at a time, retrying unprocessed items
// with a growing pause; the first error cancels the rest and is returned.
func write(ctx context.Context, db store.DB, items []store.Item, writers int) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(writers, 1))
	for batch := range slices.Chunk(items, perCall) {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error { return writeBatch(ctx, db, batch) })
	}
	return g.Wait()
}

func writeBatch(ctx context.Context, db store.DB, batch []store.Item) error {
	req := map[string][]types.WriteRequest{}
	for _, it := range batch {
		req[it.Table] = append(req[it.Table], types.WriteRequest{PutRequest: &types.PutRequest{Item: it.Attributes}})
	}
	for attempt := 0; len(req) > 0; attempt++ {
		if attempt == maxAttempts {
			return fmt.Errorf("seed: unprocessed items after %d attempts", attempt)
		}
		out, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		if req = out.UnprocessedItems; len(req) > 0 {
			select {
			case <-ctx.Done():
				return context.Cause(ctx)
			case <-time.After(time.Duration(5<<min(attempt, 6)) * time.Millisecond):
			}
		}
	}
	return nil
}
