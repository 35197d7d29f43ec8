// Package bounces records what SES reports of the emails it accepted — bounces and complaints, published by the
// configuration set every email names (template.yaml, SesConfigurationSet) to EventBridge, which invokes
// BouncesFunction — on the record each email was sent for, found by the email's tags (package mailtag):
//
//   - an SQL email or an SLA event's email (a reminder, an escalation, an alert): on its hand-off
//     (handoff.RecordBounce, one conditional write under the hand-off's version). A permanent bounce or a
//     complaint of the SQL email of the rep who holds the SQL, who has not acted on it, marks the email bounced:
//     their deadlines stop, and the deadline checker tells marketing ops and reassigns or holds the SQL
//     (sales.on_bounce) at its next run. A bounce that names only a copy (the manager in Cc) is recorded only.
//   - the monthly report, a digest, an idea's email to ops: recorded by month (Others), logged. The report's
//     tells marketing ops too: an email claimed with the record, sent through the outbox (gate, send, settle), so
//     once however often the event comes (a retry after a crash sends what the crash left claimed; one left
//     sending, its outcome unknown, is not sent again).
//
// Exactly once: SES's feedback ID is recorded with the report it names, in the same conditional write, so a
// second delivery of the same event (EventBridge delivers at least once; Lambda retries) changes nothing. An
// event that names no Handoff email, or one that is gone (the person erased, the record expired), is logged and
// dropped: retrying cannot help. A failed write is the invocation's error: Lambda retries it, then the event goes
// to the function's on-failure queue.
//
// No addresses are kept or logged: the recipients SES names are compared with the rep's address, in memory.
package bounces

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/mailtag"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// Handoffs changes a hand-off under its version (store.Handoffs).
type Handoffs interface {
	Update(ctx context.Context, k handoff.Key, now time.Time, change handoff.Change) (handoff.Handoff, error)
}

// Others records, each once, the bounces and complaints of the emails that are not a hand-off's — the monthly
// report, a digest, an idea's email to marketing ops — named by their tags (IDs only): recorded reports whether
// it was new; withMail claims the email to marketing ops with the record, whose gate StartMail and SettleMail
// are (store.Bounces).
type Others interface {
	Record(ctx context.Context, ref mailtag.Ref, messageID, feedbackID string, kind handoff.BounceKind, subType string, at time.Time, withMail bool) (recorded bool, err error)
	StartMail(ctx context.Context, feedbackID string, at, now time.Time) (outbox.Mail, bool, error)
	SettleMail(ctx context.Context, feedbackID string, at, sendingAt time.Time, m outbox.Mail) error
}

// Sender sends an email (ses.SES).
type Sender = outbox.Sender[email.Message]

// Handler handles SES's events.
type Handler struct {
	contract *contract.Contract
	handoffs Handoffs
	others   Others
	sender   Sender
	now      func() time.Time
	log      *slog.Logger
}

// New builds a Handler.
func New(c *contract.Contract, handoffs Handoffs, others Others, sender Sender, now func() time.Time, log *slog.Logger) *Handler {
	return &Handler{contract: c, handoffs: handoffs, others: others, sender: sender, now: now, log: log}
}

// Outcome is what an event did.
type Outcome string

// Outcomes.
const (
	Recorded  Outcome = "recorded"  // recorded; nothing else changed
	SQLBounce Outcome = "sql"       // the SQL email marked bounced: the checker tells ops and reassigns or holds it
	Duplicate Outcome = "duplicate" // recorded already: nothing changed
	Dropped   Outcome = "dropped"   // names no Handoff email, or one whose record is gone
)

// Handle is one event, as EventBridge invokes the function.
func (h *Handler) Handle(ctx context.Context, ev Event) error {
	_, err := h.Process(ctx, ev)
	return err
}

// Process records ev and says what it did; the error is one a retry may cure (a failed write).
func (h *Handler) Process(ctx context.Context, ev Event) (Outcome, error) {
	n, err := Read(ev)
	if err != nil {
		h.log.WarnContext(ctx, "SES event not read: dropped", "eventId", ev.ID, "detailType", ev.DetailType, "error", err.Error())
		return Dropped, nil
	}
	log := h.log.With("messageId", n.MessageID, "bounce", string(n.Kind), "subType", n.SubType)
	ref, err := mailtag.Parse(n.Tags)
	if err != nil {
		log.WarnContext(ctx, "SES event about an email without Handoff's tags: dropped", "error", err.Error())
		return Dropped, nil
	}
	log = log.With("kind", ref.Kind)
	switch ref.Kind {
	case mailtag.KindSQL, mailtag.KindEvent:
		return h.onHandoff(ctx, log, n, ref)
	}
	tell := ref.Kind == mailtag.KindReport // leadership did not get the month's report: ops send it again
	recorded, err := h.others.Record(ctx, ref, n.MessageID, n.FeedbackID, n.Kind, n.SubType, n.At, tell)
	if err != nil {
		return "", fmt.Errorf("record the %s of %s email %s: %w", n.Kind, ref.Kind, n.MessageID, err)
	}
	if recorded {
		// Not a hand-off's: nobody's deadline depends on it; the logs (and the alarms) say it.
		log.WarnContext(ctx, "email bounced or complained of: recorded", "month", ref.Month, "week", ref.Week, "repId", ref.RepID)
	}
	if tell {
		// Also on a second delivery: it finishes what a crash left claimed (the gate lets one sender through).
		if err := h.tellOps(ctx, log, ref, n); err != nil {
			return "", err
		}
	}
	if !recorded {
		log.InfoContext(ctx, "SES event recorded already: nothing changed")
		return Duplicate, nil
	}
	return Recorded, nil
}

// tellOps sends marketing ops the email about the report's bounce through the outbox, its record the bounce's.
// A refusal is the invocation's error (Lambda retries it; after outbox.MaxMailAttempts SES refusals it is
// abandoned); an outcome unknown is left sending and never resent.
func (h *Handler) tellOps(ctx context.Context, log *slog.Logger, ref mailtag.Ref, n Notice) error {
	gate := &opsGate{others: h.others, feedbackID: n.FeedbackID, at: n.At}
	res, err := outbox.Send(ctx, gate, h.sender, h.now, func(context.Context, outbox.Mail) (email.Message, error) {
		return email.ReportBounceMessage(h.contract, ref.Month, n.Kind)
	})
	switch res.Outcome {
	case outbox.Sent:
		log.InfoContext(ctx, "marketing ops told of the report's bounce", "month", ref.Month, "opsMessageId", res.MessageID)
	case outbox.Unsendable:
		log.WarnContext(ctx, "marketing ops not told of the report's bounce: the email cannot be composed", "month", ref.Month, "error", res.Err.Error())
	case outbox.Unknown:
		log.ErrorContext(ctx, "the email to marketing ops about the report's bounce: outcome unknown, not resent", "month", ref.Month, "error", res.Err.Error())
	case outbox.NotPassed:
		if res.Mail.Status == outbox.MailSending {
			log.WarnContext(ctx, "the email to marketing ops about the report's bounce is being sent elsewhere, or its outcome is unknown", "month", ref.Month)
		}
	}
	if err != nil {
		return fmt.Errorf("tell marketing ops of the report's bounce (%s): %w", ref.Month, err)
	}
	return nil
}

// opsGate is the gate of the email to ops about a bounce (an outbox.Gate), its record the bounce's: SES refusing
// it outbox.MaxMailAttempts times abandons it.
type opsGate struct {
	others     Others
	feedbackID string
	at         time.Time
	passed     outbox.Mail
}

func (g *opsGate) Pass(ctx context.Context, now time.Time) (outbox.Mail, bool, error) {
	m, ok, err := g.others.StartMail(ctx, g.feedbackID, g.at, now)
	g.passed = m
	return m, ok, err
}

func (g *opsGate) Settle(ctx context.Context, now time.Time, s outbox.Settlement) error {
	m := g.passed
	s.Apply(&m, now)
	if s.Outcome == outbox.Refused && m.Attempts >= outbox.MaxMailAttempts {
		m.Status = outbox.MailAbandoned
	}
	return g.others.SettleMail(ctx, g.feedbackID, g.at, g.passed.SendingAt, m)
}

// onHandoff records the event on the hand-off the email was sent for.
func (h *Handler) onHandoff(ctx context.Context, log *slog.Logger, n Notice, ref mailtag.Ref) (Outcome, error) {
	k := handoff.Key{LeadID: ref.LeadID, At: ref.HandoffAt}
	b := handoff.Bounce{ID: n.FeedbackID, Kind: n.Kind, SubType: n.SubType, At: n.At, Assignment: ref.Assignment}
	if ref.Kind == mailtag.KindEvent {
		b.About, b.N = handoff.EventKind(ref.Event), ref.N
	}
	log = log.With("leadId", k.LeadID, "assignment", ref.Assignment, "event", ref.Event)
	var sqlBounced bool
	updated, err := h.handoffs.Update(ctx, k, h.now(), func(ho *handoff.Handoff) ([]handoff.Event, error) {
		b.Copy = ref.Kind == mailtag.KindSQL && !h.repBounced(*ho, ref.Assignment, n.Recipients)
		sqlBounced = ho.TakesSQL(b)
		return ho.RecordBounce(b, h.now())
	})
	switch {
	case errors.Is(err, handoff.ErrNoChange):
		log.InfoContext(ctx, "SES event recorded already (or the person was erased): nothing changed")
		return Duplicate, nil
	case errors.Is(err, handoff.ErrNotFound):
		log.WarnContext(ctx, "SES event about a hand-off that is gone: dropped")
		return Dropped, nil
	case err != nil:
		return "", fmt.Errorf("record the %s of email %s on %s: %w", n.Kind, n.MessageID, k, err)
	}
	if sqlBounced {
		log.WarnContext(ctx, "SQL email bounced or complained of: the rep's deadlines stop; the deadline checker tells marketing ops and "+
			string(h.contract.Sales.OnBounce)+"s the SQL", "repId", updated.Rep())
		return SQLBounce, nil
	}
	log.InfoContext(ctx, "email bounced or complained of: recorded on its hand-off", "copyOnly", b.Copy)
	return Recorded, nil
}

// repBounced reports whether the recipients SES names include the address of the rep the SQL email of assignment
// i was for — not only a copy (the manager in Cc). A rep no longer in the roster cannot be compared: SES's word is
// taken (the email is taken as bounced).
func (h *Handler) repBounced(ho handoff.Handoff, i int, recipients []string) bool {
	if i < 0 || i >= len(ho.Assignments) {
		return false
	}
	rep, ok := h.contract.Rep(ho.Assignments[i].RepID)
	if !ok || len(recipients) == 0 {
		return true
	}
	for _, r := range recipients {
		if r == strings.ToLower(strings.TrimSpace(rep.Email)) {
			return true
		}
	}
	return false
}
