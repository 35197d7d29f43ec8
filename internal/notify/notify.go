// Package notify hands an SQL to sales: it assigns the lead to a rep (routing), starts the rep's deadlines in
// business time, claims the hand-off, and emails the rep — exactly once, whatever the stream redelivers.
//
// Exactly once: the hand-off is claimed (a conditional write, with the round-robin count) before the email is
// sent; the email then passes a gate (claimed → sending, a conditional write: whoever makes the move sends) and
// is confirmed after (sent, with SES's message ID). A redelivered record finds the claim and goes through the
// gate only if nobody has: a crash between the claim and the send is completed by the stream's retry. A definite
// SES refusal puts the email back to claimed, for the retry; throttling is retried with backoff first. When the
// outcome is unknown (a timeout after SES may have accepted it) the email stays sending: nobody sends it again
// blindly, and the deadline checker resolves it after handoff.StuckAfter (sent once more, marked as a possible
// duplicate, marketing ops told). A hand-over to SES lasts handoff.SendTimeout at most (Send), which lets the
// checker resend the SQL email it claimed itself as soon as handoff.InterruptedAfter has passed.
//
// Consent: the SQL email is composed from the lead as read past the gate, and never for a lead whose latest answer
// to the consent question is no (a no recorded after the lead became an SQL, before the rep had the email — SES
// refused it, the stream retries): the hand-off is withdrawn instead (handoff.Withdraw) — the email abandoned,
// nothing more checked or sent, marketing ops told — and the record is done.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-lambda-go/events"

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
}

// Handoffs keeps hand-offs and the routing counters (store.Handoffs).
type Handoffs interface {
	TeamLoads(ctx context.Context, team string) (map[string]routing.Load, error)
	Claim(ctx context.Context, h *handoff.Handoff, count *routing.Count, now time.Time) (handoff.Handoff, error)
	Update(ctx context.Context, k handoff.Key, now time.Time, change handoff.Change) (handoff.Handoff, error)
}

// Sender sends an email (email.SES).
type Sender interface {
	Send(ctx context.Context, m email.Message) (string, error)
}

// Notifier hands SQLs to sales.
type Notifier struct {
	contract *contract.Contract
	leads    Leads
	handoffs Handoffs
	sender   Sender
	links    email.LinkSigner
	now      func() time.Time
	log      *slog.Logger
	// Backoff is the wait before retry n after throttling (tests shorten it).
	Backoff func(n int) time.Duration
}

// New builds a Notifier; the contract must have a routing section.
func New(c *contract.Contract, leads Leads, handoffs Handoffs, sender Sender, links email.LinkSigner, now func() time.Time, log *slog.Logger) (*Notifier, error) {
	if c.Routing == nil {
		return nil, errors.New("the contract has no routing section")
	}
	if len(links.Key) < 16 {
		return nil, errors.New("the feedback link key is shorter than 16 bytes")
	}
	return &Notifier{contract: c, leads: leads, handoffs: handoffs, sender: sender, links: links, now: now, log: log,
		Backoff: func(n int) time.Duration { return time.Duration(200<<n) * time.Millisecond }}, nil
}

// HandleStream consumes the leads stream (filtered to SQL transitions by the template). Each record is handled
// on its own; a failed one is reported by SequenceNumber.
func (n *Notifier) HandleStream(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var resp events.DynamoDBEventResponse
	for _, rec := range ev.Records {
		id := rec.Change.NewImage["leadId"]
		if id.DataType() != events.DataTypeString || rec.Change.NewImage["stage"].DataType() != events.DataTypeString ||
			rec.Change.NewImage["stage"].String() != string(lead.StageSQL) {
			continue
		}
		if err := n.Handoff(ctx, id.String()); err != nil {
			n.log.ErrorContext(ctx, "hand-off failed", "leadId", id.String(), "error", err.Error())
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
		}
	}
	return resp, nil
}

// maxAssignAttempts bounds the re-choices when concurrent hand-offs keep changing a team's counts.
const maxAssignAttempts = 30

// Handoff assigns, claims and emails one SQL: the lead's hand-off for the instant it last became an SQL.
func (n *Notifier) Handoff(ctx context.Context, leadID string) error {
	for attempt := 0; attempt < maxAssignAttempts; attempt++ {
		l, err := n.leads.Get(ctx, leadID)
		if errors.Is(err, lead.ErrNotFound) {
			n.log.WarnContext(ctx, "SQL of an unknown lead", "leadId", leadID)
			return nil
		}
		if err != nil {
			return err
		}
		h, count, err := n.assign(ctx, l)
		if err != nil {
			return err
		}
		claimed, err := n.handoffs.Claim(ctx, h, count, n.now())
		switch {
		case errors.Is(err, handoff.ErrClaimed):
			// Delivered before: the gate decides whether its email is still to send.
		case errors.Is(err, routing.ErrCountChanged):
			// Another SQL was assigned meanwhile: wait a little (jittered, so racers spread) and choose again.
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(1+rand.IntN(5*(attempt+1))) * time.Millisecond):
			}
			continue
		case errors.Is(err, lead.ErrNotFound):
			n.log.WarnContext(ctx, "SQL of a lead erased meanwhile", "leadId", leadID)
			return nil
		case err != nil:
			return err
		}
		return Send(ctx, n.contract, n.handoffs, n.sender, n.now, n.log, n.Backoff, claimed.Key, func(h handoff.Handoff) (email.Message, error) {
			// The lead as it is now, past the gate: a no recorded since it was read above keeps the email in.
			l, err := n.leads.Get(ctx, leadID)
			if err != nil {
				return email.Message{}, err
			}
			acts, err := n.leads.Activities(ctx, leadID)
			if err != nil {
				return email.Message{}, err
			}
			return email.SQLMessage(n.contract, l, acts, h, n.links.Links(h, n.now()), n.now())
		})
	}
	return fmt.Errorf("hand-off of %s: assignment kept conflicting", leadID)
}

// assign chooses the rep — the lead's owner if it has one, else the first matching team with someone available,
// else the fallback — and makes the claimed hand-off, its clock starting at the hand-off instant.
func (n *Notifier) assign(ctx context.Context, l lead.Lead) (*handoff.Handoff, *routing.Count, error) {
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
	} else if a, count, err = Choose(ctx, c, n.handoffs, scoring.ProfileOf(l), nil, now); err != nil {
		return nil, nil, err
	}
	h := handoff.New(handoff.Key{LeadID: l.ID, At: at}, a, d, c.Version, now)
	h.LeadCompany, h.Source, h.UTMCampaign = l.Contact.Company, l.Source, l.Attribution.UTMCampaign
	return h, count, nil
}

// LoadReader reads a team's loads (store.Handoffs).
type LoadReader interface {
	TeamLoads(ctx context.Context, team string) (map[string]routing.Load, error)
}

// Choose picks a rep for a lead by the contract's routing: the first matching team with someone available (not
// away, under capacity, not excluded), by weighted round-robin inside it; else the fallback. The count is nil
// for the fallback.
func Choose(ctx context.Context, c *contract.Contract, loads LoadReader, p scoring.Profile, exclude []string, now time.Time) (handoff.Assignment, *routing.Count, error) {
	for _, t := range routing.Teams(c.Routing, p) {
		ls, err := loads.TeamLoads(ctx, t.ID)
		if err != nil {
			return handoff.Assignment{}, nil, err
		}
		if ch, ok := routing.Pick(c, without(t, exclude), ls, now); ok {
			return handoff.Assignment{RepID: ch.Rep.ID, Team: t.ID, Reason: ch.Reason, At: now}, routing.CountFor(t, ch, ls), nil
		}
	}
	rep, _ := c.Rep(c.Routing.Fallback)
	return handoff.Assignment{RepID: rep.ID, Reason: routing.FallbackReason(c), At: now}, nil, nil
}

// without is a team without some reps (the rep who breached, on a reassignment).
func without(t contract.Team, exclude []string) contract.Team {
	if len(exclude) == 0 {
		return t
	}
	var reps []string
	for _, id := range t.Reps {
		keep := true
		for _, x := range exclude {
			keep = keep && x != id
		}
		if keep {
			reps = append(reps, id)
		}
	}
	t.Reps = reps
	return t
}

// withdraw ends the hand-off whose SQL email went through its gate (gated: the instant of that hand-over) for a
// lead whose latest answer to the consent question is no: the email does not leave, nothing more is checked or
// sent about the SQL, and marketing ops are told by the deadline checker, which delivers the alert recorded here
// (handoff.Withdraw). Nothing is left to retry: not an error.
func withdraw(ctx context.Context, gate MailGate, now func() time.Time, log *slog.Logger, k handoff.Key, gated string) error {
	_, err := gate.Update(context.WithoutCancel(ctx), k, now(), func(h *handoff.Handoff) ([]handoff.Event, error) {
		if h.Mail.Status != outbox.MailSending || handoff.Stamp(h.Mail.SendingAt) != gated || h.Answered() {
			return nil, handoff.ErrNoChange // answered meanwhile (the rep has the SQL), or settled elsewhere
		}
		return []handoff.Event{h.Withdraw(now())}, nil
	})
	switch {
	case errors.Is(err, handoff.ErrNoChange):
		return nil
	case err != nil:
		return fmt.Errorf("withdraw the hand-off %s: %w", k, err)
	}
	log.WarnContext(ctx, "SQL email not sent: the lead's latest answer to the consent question is no; hand-off withdrawn, marketing ops told", "leadId", k.LeadID)
	return nil
}

// MailGate is what sending a hand-off's SQL email needs from storage.
type MailGate interface {
	Update(ctx context.Context, k handoff.Key, now time.Time, change handoff.Change) (handoff.Handoff, error)
}

// Send sends a hand-off's SQL email through the gate: only the caller that moves it from claimed to sending
// sends; the email is confirmed after, or put back to claimed on a definite refusal (and the error returned, so
// the caller's retry sends it). compose builds the email from the hand-off as it passed the gate. An unknown
// outcome is logged and left to the deadline checker (not an error: a retry must not send it blindly).
//
// The hand-over is bounded: SES gets the email within handoff.SendTimeout of the gate or not at all (the
// timeout starts before the gate's instant is taken), so that an SQL email sending for longer is known to be
// in flight nowhere — the deadline checker resends its own then, whoever passed the gate.
func Send(ctx context.Context, c *contract.Contract, gate MailGate, sender Sender, now func() time.Time, log *slog.Logger,
	backoff func(int) time.Duration, k handoff.Key, compose func(handoff.Handoff) (email.Message, error)) error {
	ctx, cancel := context.WithTimeout(ctx, handoff.SendTimeout)
	defer cancel()
	h, err := gate.Update(ctx, k, now(), func(h *handoff.Handoff) ([]handoff.Event, error) {
		if !h.Mail.Start(now()) {
			return nil, handoff.ErrNoChange
		}
		return nil, nil
	})
	if errors.Is(err, handoff.ErrNoChange) {
		if h.Mail.Status == outbox.MailSending {
			log.WarnContext(ctx, "SQL email being sent elsewhere or its outcome unknown: not sending it again", "leadId", k.LeadID)
		}
		return nil
	}
	if err != nil {
		return err
	}
	gated := handoff.Stamp(h.Mail.SendingAt)
	settle := func(change func(*outbox.Mail)) error {
		_, err := gate.Update(context.WithoutCancel(ctx), k, now(), func(h *handoff.Handoff) ([]handoff.Event, error) {
			if h.Mail.Status != outbox.MailSending || handoff.Stamp(h.Mail.SendingAt) != gated {
				// Answered meanwhile (which confirms it), or settled; or this hand-over was given up as
				// interrupted and another one is under way, which settles itself.
				return nil, handoff.ErrNoChange
			}
			change(&h.Mail)
			return nil, nil
		})
		if errors.Is(err, handoff.ErrNoChange) {
			return nil
		}
		return err
	}
	m, err := compose(h)
	if errors.Is(err, lead.ErrConsentRefused) {
		return withdraw(ctx, gate, now, log, k, gated)
	}
	if err != nil {
		return errors.Join(fmt.Errorf("compose the SQL email of %s: %w", k, err), settle((*outbox.Mail).Refused))
	}
	if err := ctx.Err(); err != nil {
		// Out of time before SES was asked: nothing left, so claimed again for a retry.
		return errors.Join(fmt.Errorf("SQL email not sent (claimed again for a retry): %w", err), settle((*outbox.Mail).Refused))
	}
	for try := 0; ; try++ {
		id, err := sender.Send(ctx, m)
		switch {
		case err == nil:
			if err := settle(func(m *outbox.Mail) { m.Sent(id, now()) }); err != nil {
				// The email left; only its confirmation failed. The checker will find it unconfirmed.
				log.ErrorContext(ctx, "SQL email sent but not confirmed", "leadId", k.LeadID, "error", err.Error())
			}
			log.InfoContext(ctx, "SQL handed off", "leadId", k.LeadID, "repId", h.Rep(), "team", h.Team(),
				"firstContactDue", h.FirstContactDue.UTC().Format(time.RFC3339), "messageId", id, "possibleDuplicate", h.Mail.PossibleDuplicate)
			return nil
		case errors.Is(err, outbox.ErrThrottled) && try < 3:
			log.WarnContext(ctx, "SES throttled; retrying", "leadId", k.LeadID, "try", try+1)
			select {
			case <-ctx.Done():
				return errors.Join(ctx.Err(), settle((*outbox.Mail).Refused))
			case <-time.After(backoff(try)):
			}
		case errors.Is(err, outbox.ErrThrottled), errors.Is(err, outbox.ErrRejected):
			return errors.Join(fmt.Errorf("SQL email not sent (claimed again for a retry): %w", err), settle((*outbox.Mail).Refused))
		default:
			log.ErrorContext(ctx, "SQL email outcome unknown: left to the deadline checker, not resent", "leadId", k.LeadID, "error", err.Error())
			return nil
		}
	}
}
