// Package digest is the weekly email that shares with each rep the content marketing published for them
// (package content): the digest function runs on a schedule (template.yaml, every 15 minutes) and, once the
// contract's weekly slot (marketing.digest: day, time, zone) has passed, sends each rep the pieces listed since
// the slot before (content.Piece.SharedFrom: the later of publication and first receipt, so a piece received
// after its week's digest ran goes in the next one) whose audience matches them (content.ForRep), with
// marketing's "why it matters".
//
// Exactly once per rep and week: a rep's digest is recorded (store.Content.ClaimDigest: a conditional write keyed
// by the rep and the ISO week of the slot) with the pieces it shares and its email claimed, then sent through the
// outbox like every Handoff email (a gate, claimed → sending, one caller alone passes it; the send; the
// settlement). A run that finds the digest recorded and sent, or sending, sends nothing: the schedule firing
// twice, or every quarter of an hour all week, sends one digest. A rep with nothing new that week gets no email
// and no record. Where a run can stop:
//   - before the record: nothing was written; the next run records and sends it.
//   - after the record, before the gate, or after SES refused it (claimed again): the next run sends it; refused
//     outbox.MaxMailAttempts times, it is abandoned.
//   - after the gate, SES's answer unknown: it stays sending and is not sent again (a digest missing is better
//     than two; the record says so).
//
// Only the current week's digest is sent: a week the function did not run at all (an outage longer than a week)
// is not sent late.
package digest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// Store keeps the pieces and the digests (store.Content).
type Store interface {
	Published(ctx context.Context, from, to time.Time) ([]content.Piece, error)
	DigestsOfWeek(ctx context.Context, m contract.Month, week string) (map[string]content.Digest, error)
	ClaimDigest(ctx context.Context, d content.Digest) (content.Digest, error)
	UpdateDigest(ctx context.Context, m contract.Month, week, rep string, change func(*outbox.Mail) bool) (content.Digest, bool, error)
}

// Sender sends an email (ses.SES).
type Sender = outbox.Sender[email.Message]

// Digester sends the weekly digests.
type Digester struct {
	contract *contract.Contract
	store    Store
	exists   error // the store's "already recorded" error
	sender   Sender
	now      func() time.Time
	log      *slog.Logger
	// IdeasURL, when set, gives each rep their link to the ideas and field feedback page (the ideas feature).
	IdeasURL func(rep contract.Rep, now time.Time) string
}

// New builds a Digester; exists is the error the store's ClaimDigest returns for a digest already recorded.
func New(c *contract.Contract, store Store, exists error, sender Sender, now func() time.Time, log *slog.Logger) *Digester {
	return &Digester{contract: c, store: store, exists: exists, sender: sender, now: now, log: log}
}

// Request is the schedule's input, {"scheduledTime": "<aws.scheduler.scheduled-time>"}; without it (an
// invocation by hand, {}), the clock's now.
type Request struct {
	ScheduledTime *time.Time `json:"scheduledTime"`
}

// Outcome is what a run did.
type Outcome struct {
	Week    string `json:"week"`
	Due     bool   `json:"due"`     // false: the contract has no digest
	Sent    int    `json:"sent"`    // digests sent by this run
	Nothing int    `json:"nothing"` // reps with nothing new this week
	Done    int    `json:"done"`    // reps whose digest was recorded before (sent, sending or abandoned)
	Failed  int    `json:"failed"`
}

// Handle runs one invocation: every rep's digest of the current week, each on its own; the error says how many
// failed (the next run sends them).
func (d *Digester) Handle(ctx context.Context, payload json.RawMessage) (Outcome, error) {
	var req Request
	if len(payload) > 0 {
		if err := json.Unmarshal(payload, &req); err != nil {
			d.log.ErrorContext(ctx, "digest refused", "error", err.Error())
			return Outcome{}, fmt.Errorf("bad request: the payload is {\"scheduledTime\": \"…\"} or {}: %w", err)
		}
	}
	at := d.now()
	if req.ScheduledTime != nil && !req.ScheduledTime.IsZero() {
		at = *req.ScheduledTime
	}
	out, err := d.Run(ctx, at)
	if err != nil {
		d.log.ErrorContext(ctx, "digest failed", "week", out.Week, "sent", out.Sent, "failed", out.Failed, "error", err.Error())
		return out, err
	}
	d.log.InfoContext(ctx, "digest", "week", out.Week, "due", out.Due, "sent", out.Sent, "nothing", out.Nothing, "done", out.Done)
	return out, nil
}

// Run sends the digests of the week whose slot is the latest at or before at.
func (d *Digester) Run(ctx context.Context, at time.Time) (Outcome, error) {
	dg := d.contract.Marketing.Digest
	if dg == nil {
		return Outcome{}, nil // no digest in the contract: "not measured"
	}
	slot := Slot(dg, at)
	prev := Previous(dg, slot)
	week, month := Week(dg, slot), contract.MonthOf(slot.In(dg.Location))
	out := Outcome{Week: week, Due: true}
	recorded, err := d.store.DigestsOfWeek(ctx, month, week)
	if err != nil {
		return out, err
	}
	pieces, err := d.store.Published(ctx, prev, slot)
	if err != nil {
		return out, err
	}
	var errs []error
	for _, rep := range d.contract.Roster.Reps {
		rec, ok := recorded[rep.ID]
		if !ok {
			mine := forRep(d.contract, rep, pieces)
			if len(mine) == 0 {
				out.Nothing++
				continue
			}
			keys := make([]string, len(mine))
			for i, p := range mine {
				keys[i] = p.Key()
			}
			rec, err = d.store.ClaimDigest(ctx, content.Digest{Week: week, Slot: slot, Month: month, RepID: rep.ID, Pieces: keys,
				Mail: outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: d.now()}})
			if err != nil && !errors.Is(err, d.exists) {
				out.Failed++
				errs = append(errs, fmt.Errorf("rep %s: %w", rep.ID, err))
				continue
			}
		}
		if rec.Mail.Status != outbox.MailClaimed {
			out.Done++
			continue
		}
		res, err := outbox.Send(ctx, &gate{store: d.store, month: month, week: week, rep: rep.ID}, d.sender, d.now,
			func(context.Context, outbox.Mail) (email.Message, error) {
				return d.Compose(rep, rec, pieces, prev, slot)
			})
		switch {
		case err != nil:
			out.Failed++
			errs = append(errs, fmt.Errorf("rep %s: %w", rep.ID, err))
		case res.Outcome == outbox.Sent:
			out.Sent++
		default:
			out.Done++
		}
	}
	return out, errors.Join(errs...)
}

// forRep is, of the period's pieces (oldest first), those for rep, newest first.
func forRep(c *contract.Contract, rep contract.Rep, pieces []content.Piece) []content.Piece {
	var out []content.Piece
	for i := len(pieces) - 1; i >= 0; i-- {
		if content.ForRep(c, rep, pieces[i]) {
			out = append(out, pieces[i])
		}
	}
	return out
}

// gate is a rep's digest's record as the outbox's gate.
type gate struct {
	store     Store
	month     contract.Month
	week, rep string
	sendingAt time.Time
}

func (g *gate) Pass(ctx context.Context, now time.Time) (outbox.Mail, bool, error) {
	d, passed, err := g.store.UpdateDigest(ctx, g.month, g.week, g.rep, func(m *outbox.Mail) bool { return m.Start(now) })
	if err != nil {
		return d.Mail, false, fmt.Errorf("the gate of the digest of %s for %s: %w", g.week, g.rep, err)
	}
	g.sendingAt = d.Mail.SendingAt
	return d.Mail, passed, nil
}

func (g *gate) Settle(ctx context.Context, now time.Time, s outbox.Settlement) error {
	_, _, err := g.store.UpdateDigest(ctx, g.month, g.week, g.rep, func(m *outbox.Mail) bool {
		if m.Status != outbox.MailSending || !m.SendingAt.Truncate(time.Millisecond).Equal(g.sendingAt.Truncate(time.Millisecond)) {
			return false // another try owns it now
		}
		s.Apply(m, now)
		if m.Status == outbox.MailClaimed && m.Attempts >= outbox.MaxMailAttempts {
			m.Status = outbox.MailAbandoned
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("settle the digest of %s for %s: %w", g.week, g.rep, err)
	}
	return nil
}
