package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/report/records"
)

// Seed writes a month's records as ingest, score, notify and the deadline checker write them — the same item
// constructors, keys and index attributes — with BatchWriteItem, writers calls at a time: the fixtures of
// the report's tests and benchmarks (a month of 100,000 leads in minutes rather than hours through the
// functions). No function calls it. Leads are written only as far as the report reads them (in.Current).
func Seed(ctx context.Context, db DB, t Tables, in records.Input, writers int) error {
	c := newClient(db)
	now := in.AsOf
	if now.IsZero() {
		now = time.Now()
	}
	var items []writeItem
	sla := func(v any) { items = append(items, writeItem{t.SLA, marshal(v)}) }
	for _, cr := range in.Created {
		sla(t.newCreatedItem(cr.LeadID, string(cr.Stage), cr.At, cr.Source, "", "", cr.UTMCampaign))
	}
	for _, tr := range in.Transitions {
		sla(transitionItem{From: string(tr.From), Cause: "seed", ContractVersion: tr.ContractVersion, Source: tr.Source,
			UTMCampaign: tr.UTMCampaign, Amount: tr.Amount, Currency: tr.Currency}.keyed(t, tr.LeadID, string(tr.To), tr.At))
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
		sla(t.newEventItem(ev))
	}
	for _, rh := range in.Handoffs {
		h := seededHandoff(rh, events[handoff.Key{LeadID: rh.LeadID, At: rh.At}])
		sla(t.newHandoffItem(&h, now))
	}
	for id, cur := range in.Current {
		items = append(items, writeItem{t.Leads, marshal(leadItem{PK: leadPK(id), SK: profileSK, Type: "lead", LeadID: id,
			Stage: string(cur.Stage), BelowSQL: cur.BelowSQLThreshold, BelowSQLAts: stamps(cur.BelowSQLAts), CreatedAt: stamp(now), UpdatedAt: stamp(now), Version: 1,
			ExpiresAt: t.leadExpiry(now)})})
	}
	const perCall = 25
	return parallel(ctx, (len(items)+perCall-1)/perCall, writers, func(ctx context.Context, b int) error {
		req := map[string][]types.WriteRequest{}
		for _, it := range items[b*perCall : min((b+1)*perCall, len(items))] {
			req[it.table] = append(req[it.table], types.WriteRequest{PutRequest: &types.PutRequest{Item: it.item}})
		}
		for attempt := 0; len(req) > 0; attempt++ {
			if attempt == 3*maxAttempts {
				return fmt.Errorf("seed: unprocessed items after %d attempts: %w", attempt, ErrConflict)
			}
			out, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
			if err != nil {
				return fmt.Errorf("seed: %w", err)
			}
			req = out.UnprocessedItems
			if len(req) > 0 {
				backoff(ctx, attempt)
			}
		}
		return nil
	})
}

type writeItem struct {
	table string
	item  map[string]types.AttributeValue
}

// seededHandoff is the hand-off a report record describes, as the handlers would have left it: its SQL email
// sent, its clocks, its contact and answer recorded, its breaches and reminders counted from its events.
func seededHandoff(rh records.Handoff, events []handoff.Event) handoff.Handoff {
	h := handoff.Handoff{Key: handoff.Key{LeadID: rh.LeadID, At: rh.At}, ContractVersion: rh.ContractVersion, Source: rh.Source,
		UTMCampaign: rh.UTMCampaign, Mail: outbox.Mail{Status: outbox.MailSent, ClaimedAt: rh.At, SendingAt: rh.At, SentAt: rh.At, MessageID: "seed"},
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
