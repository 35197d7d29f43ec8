package handoff

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/handoff-sla/handoff/internal/outbox"
)

// Updater changes a hand-off under the store's condition on its version (store.Handoffs).
type Updater interface {
	Update(ctx context.Context, k Key, now time.Time, change Change) (Handoff, error)
}

// SQLMailGate is the gate of a hand-off's SQL email (an outbox.Gate), whose record is the hand-off's Mail. Notify
// sends the SQL email through it, and so does the deadline checker (to the rep it reassigned the SQL to, or
// again when stuck). Its policy: an SQL email that cannot be sent (outbox.ErrUnsendable: composed for a lead
// whose latest answer to the consent question is no) withdraws the hand-off (Withdraw) in the same conditional
// write — the email abandoned, nothing more checked or sent, marketing ops told — unless the rep answered
// meanwhile (then the rep has the SQL).
type SQLMailGate struct {
	store Updater
	key   Key
	// Handoff is the hand-off as the gate passed it, or found it.
	Handoff Handoff
	// Withdrawn reports that Settle withdrew the hand-off.
	Withdrawn bool
}

// NewSQLMailGate is the gate of the SQL email of hand-off k, for one try.
func NewSQLMailGate(store Updater, k Key) *SQLMailGate { return &SQLMailGate{store: store, key: k} }

// Pass moves the SQL email from claimed to sending, if it is claimed.
func (g *SQLMailGate) Pass(ctx context.Context, now time.Time) (outbox.Mail, bool, error) {
	h, err := g.store.Update(ctx, g.key, now, func(h *Handoff) ([]Event, error) {
		if !h.Mail.Start(now) {
			return nil, ErrNoChange
		}
		return nil, nil
	})
	g.Handoff = h
	switch {
	case errors.Is(err, ErrNoChange):
		return h.Mail, false, nil
	case err != nil:
		return h.Mail, false, fmt.Errorf("the gate of the SQL email of %s: %w", g.key, err)
	}
	return h.Mail, true, nil
}

// Settle records the outcome if the SQL email is still sending since this gate's instant: answered meanwhile
// (which confirms it), or settled, or given up as interrupted while another hand-over is under way (which settles
// itself), it is left alone.
func (g *SQLMailGate) Settle(ctx context.Context, now time.Time, s outbox.Settlement) error {
	gated := Stamp(g.Handoff.Mail.SendingAt)
	withdrawn := false
	_, err := g.store.Update(ctx, g.key, now, func(h *Handoff) ([]Event, error) {
		withdrawn = false
		if h.Mail.Status != outbox.MailSending || Stamp(h.Mail.SendingAt) != gated {
			return nil, ErrNoChange
		}
		if s.Outcome == outbox.Unsendable {
			if h.Answered() {
				return nil, ErrNoChange // the rep has the SQL
			}
			withdrawn = true
			return []Event{h.Withdraw(now)}, nil
		}
		s.Apply(&h.Mail, now)
		return nil, nil
	})
	switch {
	case errors.Is(err, ErrNoChange):
		return nil
	case err != nil:
		return fmt.Errorf("settle the SQL email of %s: %w", g.key, err)
	}
	g.Withdrawn = withdrawn
	return nil
}

// Log logs what one try of the SQL email did, one line per outcome (no personal data: the lead's ID); a refusal
// is the caller's error to log.
func (g *SQLMailGate) Log(ctx context.Context, log *slog.Logger, res outbox.Result) {
	h, k := g.Handoff, g.key
	switch res.Outcome {
	case outbox.NotPassed:
		if res.Mail.Status == outbox.MailSending {
			log.WarnContext(ctx, "SQL email being sent elsewhere or its outcome unknown: not sending it again", "leadId", k.LeadID)
		}
	case outbox.Unsendable:
		if g.Withdrawn {
			log.WarnContext(ctx, "SQL email not sent: the lead's latest answer to the consent question is no; hand-off withdrawn, marketing ops told", "leadId", k.LeadID)
		}
	case outbox.Unknown:
		log.ErrorContext(ctx, "SQL email outcome unknown: left to the deadline checker, not resent", "leadId", k.LeadID, "error", res.Err.Error())
	case outbox.Sent:
		if res.Unconfirmed != nil {
			// The email left; only its confirmation failed. The checker will find it unconfirmed.
			log.ErrorContext(ctx, "SQL email sent but not confirmed", "leadId", k.LeadID, "error", res.Unconfirmed.Error())
		}
		log.InfoContext(ctx, "SQL handed off", "leadId", k.LeadID, "repId", h.Rep(), "team", h.Team(),
			"firstContactDue", h.FirstContactDue.UTC().Format(time.RFC3339), "messageId", res.MessageID, "possibleDuplicate", h.Mail.PossibleDuplicate)
	}
}
