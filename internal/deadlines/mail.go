package deadlines

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// deliver takes the email of event id of h through the outbox: the caller that moves it from claimed to sending
// sends it; an email already sent (or abandoned) is only taken off the pending list; one left sending past
// handoff.StuckAfter (its outcome unknown) is abandoned and marketing ops are told, never sent again. It
// returns the hand-off as it now stands.
func (c *Checker) deliver(ctx context.Context, h handoff.Handoff, id string) (handoff.Handoff, error) {
	now := c.clock()
	gate := &eventGate{handoffs: c.handoffs, key: h.Key, id: id}
	res, err := outbox.Send(ctx, gate, c.sender, c.clock, func(ctx context.Context, _ outbox.Mail) (email.Message, error) {
		// The lead's details are read here, for the email only: the hand-off keeps no copy of them. A lead that
		// is gone (erased, or past its retention) is named by its ID and the email goes; a failed read puts the
		// email back to claimed, still pending, for the next run.
		l, err := c.leads.Get(ctx, h.LeadID)
		var shown *lead.Lead
		switch {
		case err == nil:
			shown = &l
		case !errors.Is(err, lead.ErrNotFound):
			return email.Message{}, fmt.Errorf("the lead of %s for the email of %s: %w", h.Key, id, err)
		}
		e := gate.event
		m, err := email.EventMessage(c.contract, h, shown, e, c.links.Links(h, now), now, c.earlierReminders(ctx, h.Key, e)...)
		if err != nil {
			// Nobody to send it to (they left the roster; no marketing ops for an alert) or another composing
			// error: given up, and ops told unless it was their own alert.
			return m, fmt.Errorf("%w: %w", outbox.ErrUnsendable, err)
		}
		return m, nil
	})
	e := gate.event
	switch {
	case errors.Is(err, handoff.ErrNotFound) && res.Outcome == outbox.NotPassed:
		// Recorded with the hand-off in one transaction, so this is damage: say so, and stop coming back for it.
		c.log.ErrorContext(ctx, "pending SLA event not found; dropped from the hand-off", "leadId", h.LeadID, "event", id)
		return c.settled(ctx, h, id, nil, "")
	case res.Outcome == outbox.Refused && gate.abandoned:
		return c.settled(ctx, h, id, &e, fmt.Sprintf(handoff.ReasonRefused, gate.mail.Attempts))
	case err != nil:
		return h, fmt.Errorf("the email of %s of %s: %w", id, h.Key, err)
	}
	switch res.Outcome {
	case outbox.NotPassed:
		if e.Mail.Status != outbox.MailSending {
			return c.settled(ctx, h, id, nil, "") // sent, abandoned, or an event without an email: nothing left to do
		}
		if now.Before(e.Mail.SendingAt.Add(handoff.StuckAfter)) {
			return h, nil // another run is sending it
		}
		abandoned := e.Mail
		abandoned.Status = outbox.MailAbandoned
		if err := c.handoffs.SettleEventMail(ctx, h.Key, id, outbox.MailSending, abandoned); err != nil {
			return h, err
		}
		c.log.ErrorContext(ctx, "SLA event email outcome unknown: not sent again, marketing ops told", "leadId", h.LeadID, "event", id)
		return c.settled(ctx, h, id, &e, handoff.ReasonUnknownNotResent)
	case outbox.Unsendable:
		c.log.WarnContext(ctx, "SLA event email not composed; given up", "leadId", h.LeadID, "event", id, "error", res.Err.Error())
		return c.settled(ctx, h, id, &e, handoff.ReasonUncomposable)
	case outbox.Sent:
		if res.Unconfirmed != nil {
			// It left; the record says sending: a later run abandons it as unknown and tells ops.
			return h, fmt.Errorf("confirm the email of %s of %s: %w", id, h.Key, res.Unconfirmed)
		}
		c.log.InfoContext(ctx, "SLA event email sent", "leadId", h.LeadID, "event", id, "kind", string(e.Kind), "repId", e.RepID,
			"due", e.Due.UTC().Format(time.RFC3339), "delayMs", c.clock().Sub(e.Due).Milliseconds(), "messageId", res.MessageID)
		return c.settled(ctx, h, id, nil, "")
	default: // outbox.Unknown
		c.log.ErrorContext(ctx, "SLA event email outcome unknown: left as sending, never resent", "leadId", h.LeadID, "event", id, "error", res.Err.Error())
		return h, nil
	}
}

// eventGate is the gate of an SLA event's email (an outbox.Gate), whose record is the event's Mail. Its policy:
// refused by SES outbox.MaxMailAttempts times, or impossible to compose, the email is abandoned (and the caller
// tells marketing ops); refused fewer times, it is claimed again, still pending, for the next run.
type eventGate struct {
	handoffs Handoffs
	key      handoff.Key
	id       string
	event    handoff.Event // as the gate passed or found it
	mail     outbox.Mail   // as settled
	// abandoned: Settle gave the email up after SES refused it outbox.MaxMailAttempts times.
	abandoned bool
}

func (g *eventGate) Pass(ctx context.Context, now time.Time) (outbox.Mail, bool, error) {
	e, mine, err := g.handoffs.StartEventMail(ctx, g.key, g.id, now)
	g.event = e
	return e.Mail, mine, err
}

// Settle records the outcome on the event, on the condition that its email is still sending (the store's
// error says when it is not: a later run found it stuck and abandoned it).
func (g *eventGate) Settle(ctx context.Context, now time.Time, s outbox.Settlement) error {
	m := g.event.Mail
	s.Apply(&m, now)
	refusedBySES := errors.Is(s.Err, outbox.ErrThrottled) || errors.Is(s.Err, outbox.ErrRejected)
	if s.Outcome == outbox.Refused && refusedBySES && m.Attempts >= outbox.MaxMailAttempts {
		m.Status = outbox.MailAbandoned
	}
	if err := g.handoffs.SettleEventMail(ctx, g.key, g.id, outbox.MailSending, m); err != nil {
		return err
	}
	g.mail, g.abandoned = m, s.Outcome == outbox.Refused && m.Status == outbox.MailAbandoned
	return nil
}

// earlierReminders are, for an alert about a reminder given up, the rep's reminders before it as stored: the
// alert says which of them left. Those never recorded (passed together with a later one) are not there; one that
// cannot be read is left out (the alert goes all the same, saying less).
func (c *Checker) earlierReminders(ctx context.Context, k handoff.Key, alert handoff.Event) []handoff.Event {
	if alert.Kind != handoff.EventUndelivered || alert.About != handoff.EventReminder && alert.About != handoff.EventFeedbackReminder || alert.AboutDue.IsZero() {
		return nil
	}
	var out []handoff.Event
	for n := 0; n < alert.AboutN; n++ {
		id := handoff.Event{Kind: alert.About, Assignment: alert.AboutAssignment, N: n}.ID()
		e, err := c.handoffs.Event(ctx, k, id)
		switch {
		case errors.Is(err, handoff.ErrNotFound):
		case err != nil:
			c.log.WarnContext(ctx, "earlier reminder not read; the alert goes without it", "leadId", k.LeadID, "event", id, "error", err.Error())
		default:
			out = append(out, e)
		}
	}
	return out
}

// settled takes event id off the hand-off's pending list; when undelivered is set, its email was abandoned and
// marketing ops are told why (an EventUndelivered, whose own email goes at once).
func (c *Checker) settled(ctx context.Context, h handoff.Handoff, id string, undelivered *handoff.Event, why string) (handoff.Handoff, error) {
	var alert string
	updated, err := c.handoffs.UpdateFrom(context.WithoutCancel(ctx), h, c.clock(), func(h *handoff.Handoff) ([]handoff.Event, error) {
		alert = ""
		if undelivered != nil {
			if !slices.Contains(h.Pending, id) {
				return nil, handoff.ErrNoChange
			}
			u, ok := h.Undeliverable(*undelivered, why, c.clock())
			if !ok {
				return nil, nil
			}
			alert = u.ID()
			return []handoff.Event{u}, nil
		}
		if !h.Confirmed(id) {
			return nil, handoff.ErrNoChange
		}
		return nil, nil
	})
	if errors.Is(err, handoff.ErrNoChange) {
		return updated, nil
	}
	if err != nil {
		return h, fmt.Errorf("settle %s of %s: %w", id, h.Key, err)
	}
	if alert != "" {
		return c.deliver(ctx, updated, alert)
	}
	return updated, nil
}

// sendSQL sends the SQL email of a hand-off to the rep who holds it, through the outbox with the hand-off's gate
// (handoff.SQLMailGate, as notify does): after a reassignment, or again when it was stuck. A refusal leaves it
// claimed: not a failure of the check, the stuck path takes it again (and abandons it after
// outbox.MaxMailAttempts).
func (c *Checker) sendSQL(ctx context.Context, k handoff.Key) error {
	gate := handoff.NewSQLMailGate(c.handoffs, k)
	res, err := outbox.Send(ctx, gate, c.sender, c.clock, func(ctx context.Context, _ outbox.Mail) (email.Message, error) {
		return email.ComposeSQL(ctx, c.contract, c.leads, gate.Handoff, c.links, c.clock())
	})
	gate.Log(ctx, c.log, res)
	if res.Outcome == outbox.Refused && (errors.Is(res.Err, outbox.ErrRejected) || errors.Is(res.Err, outbox.ErrThrottled) ||
		errors.Is(res.Err, outbox.ErrUnavailable)) {
		c.log.WarnContext(ctx, "SQL email not sent; claimed again for a later run", "leadId", k.LeadID, "error", err.Error())
		return nil
	}
	if err != nil {
		return fmt.Errorf("the SQL email of %s: %w", k, err)
	}
	return nil
}
