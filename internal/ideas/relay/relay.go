// Package relay sends marketing ops the email of each idea and field feedback a rep records (package ideas),
// exactly once, through the outbox.
//
// Why the deadline checker sends them, not the page: the page records the submission with its email claimed, in
// the same transaction (store.Ideas.Record) — the record is the outbox item, listed as pending. The checker runs
// every minute and takes every pending email through its gate (claimed → sending, one conditional write: whoever
// makes it sends), sends it and settles it; settled, it leaves the pending list. So a crash anywhere — the page's
// Lambda after recording, the checker before or after the gate — loses nothing and sends nothing twice: a claimed
// email is sent by the next run, an email past its gate by nobody else. One path for every email, the same whether
// or not something crashed, and the public page neither links SES nor may send email. The cost is up to a minute
// between the POST and the email, which marketing ops do not notice.
//
// An email left sending longer than handoff.InterruptedAfter (its sender died after the gate, SES may or may not
// have taken it) is abandoned, as the checker does with its own emails: at most once, never a blind resend. The
// submission is not lost: the monthly report lists it. An email refused outbox.MaxMailAttempts times is
// abandoned too. Logs name the rep and the submission, never the text.
package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/ideas"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// Store is the submissions' store (store.Ideas).
type Store interface {
	Pending(ctx context.Context) ([]ideas.Key, error)
	StartMail(ctx context.Context, k ideas.Key, now time.Time) (ideas.Record, bool, error)
	SettleMail(ctx context.Context, k ideas.Key, sendingAt time.Time, m outbox.Mail) error
	Abandon(ctx context.Context, r ideas.Record) error
	DropPending(ctx context.Context, k ideas.Key) error
}

// Relay sends the pending emails.
type Relay struct {
	contract *contract.Contract
	store    Store
	sender   outbox.Sender[email.Message]
	now      func() time.Time
	log      *slog.Logger
}

// New builds a Relay.
func New(c *contract.Contract, st Store, sender outbox.Sender[email.Message], now func() time.Time, log *slog.Logger) *Relay {
	return &Relay{contract: c, store: st, sender: sender, now: now, log: log}
}

// Result sums up a run.
type Result struct {
	Sent      int `json:"sent"`
	Abandoned int `json:"abandoned"`
	Failed    int `json:"failed"` // left for the next run
}

// Run sends every pending email once; what fails stays pending for the next run. The error joins the failures.
func (r *Relay) Run(ctx context.Context) (Result, error) {
	var res Result
	keys, err := r.store.Pending(ctx)
	if err != nil {
		return res, err
	}
	var errs []error
	for _, k := range keys {
		if ctx.Err() != nil {
			break // the rest stay pending for the next run
		}
		g := &gate{store: r.store, k: k}
		out, err := outbox.Send(ctx, g, r.sender, r.now, func(context.Context, outbox.Mail) (email.Message, error) {
			return email.IdeaMessage(r.contract, g.rec)
		})
		switch {
		case errors.Is(err, ideas.ErrNotFound):
			// Its record is gone (deleted by hand, expired): nothing to send, off the list.
			if err := r.store.DropPending(ctx, k); err != nil {
				res.Failed++
				errs = append(errs, err)
			}
		case err != nil:
			res.Failed++
			errs = append(errs, fmt.Errorf("ideas email %s/%s: %w", k.RepID, k.ID, err))
		case out.Outcome == outbox.Sent:
			res.Sent++
			r.log.InfoContext(ctx, "ideas email sent", "repId", k.RepID, "submission", k.ID, "messageId", out.MessageID)
		case out.Outcome == outbox.Unsendable || g.abandoned:
			res.Abandoned++
			r.log.WarnContext(ctx, "ideas email abandoned; the monthly report lists the submission", "repId", k.RepID, "submission", k.ID, "reason", errText(out.Err))
		case out.Outcome == outbox.NotPassed && out.Mail.Status == outbox.MailSending && r.now().Sub(out.Mail.SendingAt) > handoff.InterruptedAfter:
			if err := r.store.Abandon(ctx, g.rec); err != nil {
				res.Failed++
				errs = append(errs, err)
				continue
			}
			res.Abandoned++
			r.log.WarnContext(ctx, "ideas email interrupted, its outcome unknown: abandoned; the monthly report lists the submission", "repId", k.RepID, "submission", k.ID)
		case out.Outcome == outbox.Unknown:
			r.log.WarnContext(ctx, "ideas email outcome unknown; left sending", "repId", k.RepID, "submission", k.ID, "error", errText(out.Err))
		}
	}
	return res, errors.Join(errs...)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// gate is one try of one submission's email (outbox.Gate), on its record.
type gate struct {
	store     Store
	k         ideas.Key
	rec       ideas.Record
	abandoned bool
}

func (g *gate) Pass(ctx context.Context, now time.Time) (outbox.Mail, bool, error) {
	rec, passed, err := g.store.StartMail(ctx, g.k, now)
	g.rec = rec
	return rec.Mail, passed, err
}

// Settle records the common outcome, and gives the email up after outbox.MaxMailAttempts refusals.
func (g *gate) Settle(ctx context.Context, now time.Time, s outbox.Settlement) error {
	m := g.rec.Mail
	s.Apply(&m, now)
	if m.Status == outbox.MailClaimed && m.Attempts >= outbox.MaxMailAttempts {
		m.Status = outbox.MailAbandoned
	}
	g.abandoned = m.Status == outbox.MailAbandoned
	return g.store.SettleMail(ctx, g.k, g.rec.Mail.SendingAt, m)
}

// Drain is Run for the deadline checker's minute (deadlines.Drainer): the run's outcome logged, its failures
// returned.
func (r *Relay) Drain(ctx context.Context) error {
	res, err := r.Run(ctx)
	if res != (Result{}) {
		r.log.InfoContext(ctx, "ideas emails", "sent", res.Sent, "abandoned", res.Abandoned, "failed", res.Failed)
	}
	return err
}
