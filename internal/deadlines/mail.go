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
	"github.com/handoff-sla/handoff/internal/notify"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// maxThrottleRetries is how many times a throttled email is tried again within one check.
const maxThrottleRetries = 3

// deliver takes the email of event id of h through its gate: the caller that moves it from claimed to sending
// sends it; an email already sent (or abandoned) is only taken off the pending list; one left sending past
// handoff.StuckAfter (its outcome unknown) is abandoned and marketing ops are told, never sent again. It
// returns the hand-off as it now stands.
func (c *Checker) deliver(ctx context.Context, h handoff.Handoff, id string) (handoff.Handoff, error) {
	now := c.clock()
	e, mine, err := c.handoffs.StartEventMail(ctx, h.Key, id, now)
	if errors.Is(err, handoff.ErrNotFound) {
		// Recorded with the hand-off in one transaction, so this is damage: say so, and stop coming back for it.
		c.log.ErrorContext(ctx, "pending SLA event not found; dropped from the hand-off", "leadId", h.LeadID, "event", id)
		return c.settled(ctx, h, id, nil, "")
	}
	if err != nil {
		return h, err
	}
	if !mine {
		switch e.Mail.Status {
		case outbox.MailSending:
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
		default: // sent, abandoned, or an event without an email: nothing left to do
			return c.settled(ctx, h, id, nil, "")
		}
	}
	if c.crashed("after-gate") {
		return h, errCrashed
	}
	settle := func(m outbox.Mail) error {
		return c.handoffs.SettleEventMail(context.WithoutCancel(ctx), h.Key, id, outbox.MailSending, m)
	}
	// The lead's details are read here, for the email only: the hand-off keeps no copy of them. A lead that is
	// gone (erased, or past its retention) is named by its ID and the email goes; a failed read puts the email
	// back to claimed, still pending, for the next run.
	l, err := c.leads.Get(ctx, h.LeadID)
	var shown *lead.Lead
	switch {
	case err == nil:
		shown = &l
	case !errors.Is(err, lead.ErrNotFound):
		m := e.Mail
		m.Refused()
		return h, errors.Join(fmt.Errorf("the lead of %s for the email of %s: %w", h.Key, id, err), settle(m))
	}
	msg, err := email.EventMessage(c.contract, h, shown, e, c.links.Links(h, now), now, c.earlierReminders(ctx, h.Key, e)...)
	if err != nil {
		abandoned := e.Mail
		abandoned.Status = outbox.MailAbandoned
		if serr := settle(abandoned); serr != nil {
			return h, errors.Join(err, serr)
		}
		// Nobody to send it to (they left the roster; no marketing ops for an alert) or another composing
		// error: given up, and ops told unless it was their own alert.
		c.log.WarnContext(ctx, "SLA event email not composed; given up", "leadId", h.LeadID, "event", id, "error", err.Error())
		return c.settled(ctx, h, id, &e, handoff.ReasonUncomposable)
	}
	for try := 0; ; try++ {
		messageID, err := c.sender.Send(ctx, msg)
		switch {
		case err == nil:
			if c.crashed("after-send") {
				return h, errCrashed
			}
			m := e.Mail
			m.Sent(messageID, c.clock())
			if err := settle(m); err != nil {
				// It left; the record says sending: a later run abandons it as unknown and tells ops.
				return h, fmt.Errorf("confirm the email of %s of %s: %w", id, h.Key, err)
			}
			c.log.InfoContext(ctx, "SLA event email sent", "leadId", h.LeadID, "event", id, "kind", string(e.Kind), "repId", e.RepID,
				"due", e.Due.UTC().Format(time.RFC3339), "delayMs", c.clock().Sub(e.Due).Milliseconds(), "messageId", messageID)
			return c.settled(ctx, h, id, nil, "")
		case errors.Is(err, outbox.ErrThrottled) && try < maxThrottleRetries:
			select {
			case <-ctx.Done():
				m := e.Mail
				m.Refused()
				return h, errors.Join(ctx.Err(), settle(m))
			case <-time.After(c.Backoff(try)):
			}
		case errors.Is(err, outbox.ErrThrottled), errors.Is(err, outbox.ErrRejected):
			m := e.Mail
			m.Refused()
			if m.Attempts < outbox.MaxMailAttempts {
				// Claimed again: still pending, the next run tries again.
				return h, errors.Join(fmt.Errorf("email of %s of %s refused: %w", id, h.Key, err), settle(m))
			}
			m.Status = outbox.MailAbandoned
			if err := settle(m); err != nil {
				return h, err
			}
			return c.settled(ctx, h, id, &e, fmt.Sprintf(handoff.ReasonRefused, m.Attempts))
		default:
			c.log.ErrorContext(ctx, "SLA event email outcome unknown: left as sending, never resent", "leadId", h.LeadID, "event", id, "error", err.Error())
			return h, nil
		}
	}
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

// sendSQL sends the SQL email of a hand-off to the rep who holds it, through notify's gate: after a
// reassignment, or again when it was stuck. A refusal leaves it claimed: not a failure of the check, the stuck
// path takes it again (and abandons it after outbox.MaxMailAttempts).
func (c *Checker) sendSQL(ctx context.Context, k handoff.Key) error {
	err := c.sendSQLOnce(ctx, k)
	if errors.Is(err, outbox.ErrRejected) || errors.Is(err, outbox.ErrThrottled) {
		c.log.WarnContext(ctx, "SQL email refused; claimed again for a later run", "leadId", k.LeadID, "error", err.Error())
		return nil
	}
	return err
}

func (c *Checker) sendSQLOnce(ctx context.Context, k handoff.Key) error {
	sender, crashed := c.sender, false
	if c.Crash != nil {
		// The crash points of the SQL email, between its gate and SES's answer, and after that answer: the
		// process dies there, so nothing is recorded of the send (notify.Send takes the error as an unknown
		// outcome and leaves the email sending, as a dead process would).
		sender = senderFunc(func(ctx context.Context, m email.Message) (string, error) {
			if crashed = c.crashed("after-sql-gate"); crashed {
				return "", errCrashed
			}
			id, err := c.sender.Send(ctx, m)
			if err == nil {
				if crashed = c.crashed("after-sql-send"); crashed {
					return "", errCrashed
				}
			}
			return id, err
		})
	}
	err := notify.Send(ctx, c.contract, c.handoffs, sender, c.clock, c.log, c.Backoff, k, func(h handoff.Handoff) (email.Message, error) {
		l, err := c.leads.Get(ctx, k.LeadID)
		if err != nil {
			return email.Message{}, err
		}
		acts, err := c.leads.Activities(ctx, k.LeadID)
		if err != nil {
			return email.Message{}, err
		}
		now := c.clock()
		return email.SQLMessage(c.contract, l, acts, h, c.links.Links(h, now), now)
	})
	if crashed {
		return errCrashed
	}
	return err
}

// senderFunc is a notify.Sender of a function.
type senderFunc func(ctx context.Context, m email.Message) (string, error)

func (f senderFunc) Send(ctx context.Context, m email.Message) (string, error) { return f(ctx, m) }
