package store

import (
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
)

// Retention. Every item that holds personal data, or names a person's record (a lead ID), carries expiresAt:
// the instant (epoch seconds, a Number: what DynamoDB's TTL reads) after which it is no longer kept. DynamoDB
// deletes it within days of that instant; until then the store treats an expired lead, and an expired claim of
// an email, as gone. expiresAt is computed from the contract's retention (Tables.Retention) whenever the store
// writes the item whole, or writes what its period counts from — so a change of the contract applies to the
// items written from then on, and `handoff retention backfill` applies it to the others:
//
//	lead profile, email claim  retention.leads from the last thing heard of the lead (creation, submission,
//	                           activity, answer), rounded up to the next midnight UTC (so that a lead active all
//	                           day moves it once); the profile and its claim always hold the same instant
//	activity                   retention.activities from its instant
//	delivery marker (SEEN#)    retention.activities from the delivery: it lives as long as the activities it
//	                           brought, whose replay it recognises
//	delivery answer            DeliveryTTL (48 h), as before
//	creation, stage change     retention.handoffs from its instant
//	hand-off, its SLA events   retention.handoffs from the hand-off's instant: they go together
//	report of record, figures  retention.handoffs from the end of the month reported: it goes with the month's
//	                           last hand-off
//
// Routing counts (ROUTING#), open SQLs (LOAD) and discarded-submission counts (STATS#) name reps and sources,
// never a lead: they have no expiresAt.

// retention is the retention the store applies: the contract's, each period left zero (Tables built by hand, in
// tests and tools) being its default.
func (t Tables) retention() contract.Retention {
	r, d := t.Retention, contract.DefaultRetention
	if r.Leads <= 0 {
		r.Leads = d.Leads
	}
	if r.Activities <= 0 {
		r.Activities = d.Activities
	}
	if r.Handoffs <= 0 {
		r.Handoffs = d.Handoffs
	}
	return r
}

// leadExpiry is when a lead last heard of at lastHeard expires, with the claim of its email.
func (t Tables) leadExpiry(lastHeard time.Time) int64 {
	at := contract.AddMonths(lastHeard, t.retention().Leads)
	if day := at.Truncate(24 * time.Hour); !day.Equal(at) {
		at = day.Add(24 * time.Hour)
	}
	return at.Unix()
}

// activityExpiry is when an activity of that instant (or the marker of a delivery received then) expires.
func (t Tables) activityExpiry(at time.Time) int64 {
	return contract.AddMonths(at, t.retention().Activities).Unix()
}

// recordExpiry is when an SLA record of that instant expires (a hand-off's events: the hand-off's instant).
func (t Tables) recordExpiry(at time.Time) int64 {
	return contract.AddMonths(at, t.retention().Handoffs).Unix()
}

// reportExpiry is when the report of record of month m expires: retention.handoffs after the month's end in the
// contract's zone, with the last of the month's hand-offs.
func (t Tables) reportExpiry(m contract.Month) int64 {
	zone := t.Zone
	if zone == nil {
		zone = time.UTC
	}
	next := m.Next()
	return t.recordExpiry(time.Date(next.Year, next.Month, 1, 0, 0, 0, 0, zone))
}

// expired reports an item past its expiresAt (0: none) on the real clock — DynamoDB's TTL runs on it too.
func expired(expiresAt int64) bool { return expiresAt > 0 && expiresAt <= time.Now().Unix() }

// lastHeard is the last instant the lead was heard of: its creation, its latest submission (updatedAt), its
// latest activity received (an answer of sales included).
func lastHeard(created, updated time.Time, received []time.Time) time.Time {
	last := created
	for _, t := range append([]time.Time{updated}, received...) {
		if t.After(last) {
			last = t
		}
	}
	return last
}
