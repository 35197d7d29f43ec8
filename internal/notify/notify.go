// Package notify hands an SQL to sales: it assigns the lead to a rep (routing), starts the rep's deadlines in
// business time, claims the hand-off, and emails the rep — exactly once, whatever the stream redelivers.
//
// Exactly once: the hand-off is claimed (a conditional write, with the round-robin count) before the email is
// sent; the email then goes through the outbox (package outbox: a gate, claimed → sending, that one caller alone
// passes; the send; the confirmation) with the hand-off's record as its gate (handoff.SQLMailGate). A redelivered
// record finds the claim and goes through the gate only if nobody has: a crash between the claim and the send is
// completed by the stream's retry. A definite SES refusal (throttling included, once the SDK's retryer has given
// up) puts the email back to claimed, and the record fails, for the stream's retry. When the outcome is unknown
// (a timeout after SES may have accepted it) the email stays sending: nobody sends it again blindly, and the
// deadline checker resolves it after handoff.StuckAfter (sent once more, marked as a possible duplicate,
// marketing ops told). A hand-over to SES lasts outbox.SendTimeout at most, which lets the checker resend the
// SQL email it claimed itself as soon as handoff.InterruptedAfter has passed.
//
// Consent: the SQL email is composed from the lead as read past the gate, and never for a lead whose latest answer
// to the consent question is no (a no recorded after the lead became an SQL, before the rep had the email — SES
// refused it, the stream retries): the hand-off is withdrawn instead (handoff.Withdraw, by the gate) — the email
// abandoned, nothing more checked or sent, marketing ops told — and the record is done.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/routing"
	"github.com/handoff-sla/handoff/internal/scoring"
)

// Leads reads the lead handed off (store.Leads).
type Leads interface {
	Get(ctx context.Context, id string) (lead.Lead, error)
	Activities(ctx context.Context, id string) ([]lead.Activity, error)
	// RecentContent is the newest pieces of content, for the SQL email's relevant pieces.
	RecentContent(ctx context.Context, n int) ([]content.Piece, error)
}

// Handoffs keeps hand-offs and the routing counters (store.Handoffs).
type Handoffs interface {
	TeamLoads(ctx context.Context, team string) (map[string]routing.Load, error)
	Claim(ctx context.Context, h *handoff.Handoff, count *routing.Count, now time.Time) (handoff.Handoff, error)
	Update(ctx context.Context, k handoff.Key, now time.Time, change handoff.Change) (handoff.Handoff, error)
}

// Sender sends an email (ses.SES).
type Sender = outbox.Sender[email.Message]

// Notifier hands SQLs to sales.
type Notifier struct {
	contract *contract.Contract
	leads    Leads
	handoffs Handoffs
	sender   Sender
	links    email.LinkSigner
	now      func() time.Time
	log      *slog.Logger
	// concurrency bounds the SQL emails of one batch sent at once (ConcurrentRecords).
	concurrency int
}

// New builds a Notifier; the contract must have a routing section.
func New(c *contract.Contract, leads Leads, handoffs Handoffs, sender Sender, links email.LinkSigner, now func() time.Time, log *slog.Logger, opts ...Option) (*Notifier, error) {
	if c.Routing == nil {
		return nil, errors.New("the contract has no routing section")
	}
	if len(links.Key) < 16 {
		return nil, errors.New("the feedback link key is shorter than 16 bytes")
	}
	n := &Notifier{contract: c, leads: leads, handoffs: handoffs, sender: sender, links: links, now: now, log: log, concurrency: DefaultConcurrentSends}
	for _, o := range opts {
		o(n)
	}
	return n, nil
}

// Option tunes a Notifier.
type Option func(*Notifier)

// DefaultConcurrentSends is how many of a batch's SQL emails are sent at once by default: a batch's claims are
// made one after another, its emails (each its own lead's: no conflict) side by side. With the template's
// BatchSize of 10 and reserved concurrency of 2, at most 20 sends run at once across the function, which the
// SDK's retryer and the outbox absorb when SES throttles (a refusal puts the email back to claimed, and the
// record is retried by the stream).
const DefaultConcurrentSends = 10

// ConcurrentRecords lets a batch send up to k SQL emails of different leads at once (default
// DefaultConcurrentSends; 1: one after another). The claims stay one after another whatever k: measured on the
// local stack (make bench, speed to lead; 300 SQLs at 20/s, all for one team), claiming 5 at once with 2 batches
// at once made it slower — p95 38 s against 19 s one after another — and cost 24.8 DynamoDB requests per SQL
// against 12.9: the claims of one team's SQLs conflict on the team's round-robin counts (routing.ErrCountChanged)
// and choose again. The sends have no such conflict: each is its own hand-off's.
func ConcurrentRecords(k int) Option {
	return func(n *Notifier) { n.concurrency = max(1, k) }
}

// HandleStream consumes the leads stream (filtered to SQL transitions by the template), in two passes:
//   - the claims, one record after another in the batch's order (routing, the hand-off, the team's counts);
//   - the claimed hand-offs' SQL emails, those of different leads at once (ConcurrentRecords), a lead's in order.
//
// A failed record is reported by SequenceNumber, and so is every later record of its lead, left unhandled so
// that they do not overtake it; the failures are listed in the batch's order. Lambda retries the batch from the
// lowest sequence number reported: the first failed record, and everything after it again (idempotent: the
// claims and the outbox make a redelivered record change nothing).
func (n *Notifier) HandleStream(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	// The batch's SQL records, grouped by lead in order of first appearance.
	var order []string
	byLead := map[string][]int{}
	for i, rec := range ev.Records {
		id := rec.Change.NewImage["leadId"]
		if id.DataType() != events.DataTypeString || rec.Change.NewImage["stage"].DataType() != events.DataTypeString ||
			rec.Change.NewImage["stage"].String() != string(lead.StageSQL) {
			continue
		}
		if _, ok := byLead[id.String()]; !ok {
			order = append(order, id.String())
		}
		byLead[id.String()] = append(byLead[id.String()], i)
	}
	failed := make([]bool, len(ev.Records))
	fail := func(id string, recs []int, err error) {
		n.log.ErrorContext(ctx, "hand-off failed", "leadId", id, "error", err.Error())
		for _, j := range recs {
			failed[j] = true // each lead's own indexes only: the send pass writes them from one goroutine per lead
		}
	}
	// Each lead's emails go as soon as its claims are made, while the next leads are claimed.
	sem := make(chan struct{}, n.concurrency)
	var wg sync.WaitGroup
	loads := newBatchLoads(n.handoffs)
	for _, id := range order {
		recs := byLead[id]
		var todo []int // the records whose hand-off is claimed, with its key
		var keys []handoff.Key
		for k, rec := range recs {
			key, ok, err := n.claim(ctx, id, loads)
			if err != nil {
				fail(id, recs[k:], err)
				break
			}
			if ok {
				todo, keys = append(todo, rec), append(keys, key)
			}
		}
		if len(todo) == 0 {
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			for i, key := range keys {
				if err := n.send(ctx, key); err != nil {
					fail(id, recs[slices.Index(recs, todo[i]):], err)
					return
				}
			}
		}()
	}
	wg.Wait()
	var resp events.DynamoDBEventResponse
	for i, rec := range ev.Records {
		if failed[i] {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
		}
	}
	return resp, nil
}

// maxAssignAttempts bounds the re-choices when concurrent hand-offs keep changing a team's counts.
const maxAssignAttempts = 30

// Handoff assigns, claims and emails one SQL: the lead's hand-off for the instant it last became an SQL.
func (n *Notifier) Handoff(ctx context.Context, leadID string) error {
	k, ok, err := n.claim(ctx, leadID, n.handoffs)
	if err != nil || !ok {
		return err
	}
	return n.send(ctx, k)
}

// claim assigns and claims the lead's hand-off for the instant it last became an SQL, or finds it claimed
// before; ok is false when there is nothing to send (the lead is unknown or was erased meanwhile).
// loads is where the choice reads the teams' loads (a batch's batchLoads, kept up to date with its claims).
func (n *Notifier) claim(ctx context.Context, leadID string, loads routing.LoadReader) (_ handoff.Key, ok bool, _ error) {
	cache, _ := loads.(*batchLoads)
	for attempt := 0; attempt < maxAssignAttempts; attempt++ {
		l, err := n.leads.Get(ctx, leadID)
		if errors.Is(err, lead.ErrNotFound) {
			n.log.WarnContext(ctx, "SQL of an unknown lead", "leadId", leadID)
			return handoff.Key{}, false, nil
		}
		if err != nil {
			return handoff.Key{}, false, err
		}
		h, count, err := n.assign(ctx, l, loads)
		if err != nil {
			return handoff.Key{}, false, err
		}
		claimed, err := n.handoffs.Claim(ctx, h, count, n.now())
		switch {
		case errors.Is(err, handoff.ErrClaimed):
			// Delivered before: the gate decides whether its email is still to send.
		case errors.Is(err, routing.ErrCountChanged):
			// Another SQL was assigned meanwhile: wait a little (jittered, so racers spread), read the loads again
			// and choose again.
			if cache != nil {
				cache.forget()
			}
			select {
			case <-ctx.Done():
				return handoff.Key{}, false, ctx.Err()
			case <-time.After(time.Duration(1+rand.IntN(5*(attempt+1))) * time.Millisecond):
			}
			continue
		case errors.Is(err, lead.ErrNotFound):
			n.log.WarnContext(ctx, "SQL of a lead erased meanwhile", "leadId", leadID)
			return handoff.Key{}, false, nil
		case err != nil:
			return handoff.Key{}, false, err
		default:
			if cache != nil {
				cache.claimed(h.Assignments[len(h.Assignments)-1].RepID, count)
			}
		}
		return claimed.Key, true, nil
	}
	return handoff.Key{}, false, fmt.Errorf("hand-off of %s: assignment kept conflicting", leadID)
}

// assign chooses the rep — the lead's owner if it has one, else the first matching team with someone available,
// else the fallback — and makes the claimed hand-off, its clock starting at the hand-off instant.
func (n *Notifier) assign(ctx context.Context, l lead.Lead, loads routing.LoadReader) (*handoff.Handoff, *routing.Count, error) {
	c := n.contract
	now := n.now()
	at := l.SQLAt
	if at.IsZero() {
		at = now
	}
	d, err := handoff.DeadlinesFrom(c, at)
	if err != nil {
		return nil, nil, fmt.Errorf("deadlines of %s: %w", l.ID, err)
	}
	a := handoff.Assignment{At: now}
	var count *routing.Count
	if rep, ok := c.Rep(l.Owner); ok {
		a.RepID, a.Reason = rep.ID, routing.OwnerReason(c, rep.Name)
	} else {
		ch, cnt, err := routing.Choose(ctx, c, loads, scoring.ProfileIn(l, c.Country), nil, now)
		if err != nil {
			return nil, nil, err
		}
		a, count = handoff.Assignment{RepID: ch.Rep.ID, Team: ch.Team, Reason: ch.Reason, At: now}, cnt
	}
	h := handoff.New(handoff.Key{LeadID: l.ID, At: at}, a, d, c.Version, now)
	h.LeadCompany, h.Source, h.UTMCampaign = l.Contact.Company, l.Source, l.Attribution.UTMCampaign
	return h, count, nil
}

// send sends the SQL email of hand-off k through the outbox (see the package comment). A refusal is an error,
// so that the stream retries; an unknown outcome is logged and left to the deadline checker.
func (n *Notifier) send(ctx context.Context, k handoff.Key) error {
	gate := handoff.NewSQLMailGate(n.handoffs, k)
	res, err := outbox.Send(ctx, gate, n.sender, n.now, func(ctx context.Context, _ outbox.Mail) (email.Message, error) {
		return email.ComposeSQL(ctx, n.contract, n.leads, gate.Handoff, n.links, n.now())
	})
	gate.Log(ctx, n.log, res)
	if err != nil {
		return fmt.Errorf("the SQL email of %s: %w", k, err)
	}
	return nil
}
