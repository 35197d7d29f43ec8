// Package monthly is the report function's handler: on the 1st of each month it computes the previous month's SLA
// report, stores it as the month's report of record, and emails it to leadership — once.
//
// Once: the month's record (store.Reports) is created with the figures and the email claimed, in one conditional
// write; the email then goes through the outbox like every Handoff email (package outbox: a gate, claimed →
// sending, a conditional write that one invocation alone can make) and is confirmed after (sent, with SES's
// message ID). A run that finds the month stored reuses its figures, never recomputes them: the schedule fired
// twice, a Lambda retry, an on-demand run all see the same report, and only the first through the gate sends it. Every email of a month is
// rendered from the stored figures.
//
// Where a run can stop, and what the next one does (each also in the README):
//   - before the record is stored: nothing was written or sent; the next run computes and sends.
//   - after the record, before the gate: the email is claimed; the next run passes the gate and sends it.
//   - after the gate, before SES answered, or after SES accepted but before the confirmation: the email stays
//     sending and whether it left is unknown. Another run leaves it alone while its sender may be alive; Lambda's
//     retry of the same invocation (the same request ID), or any run once the sender is surely dead (after
//     Lambda's longest timeout), sends it again, saying it may be a duplicate. This errs on the side of a
//     duplicate: leadership receiving the report twice, the second copy saying so, is better than not at all.
//   - a definite SES refusal puts the email back to claimed, and the run fails, so that Lambda's retry sends it.
//
// A re-send is asked for explicitly ({"month":"2026-11","resend":true}) and sends exactly one more copy, counted
// on the record. It passes its own gate, keyed by the invocation's request ID, so a Lambda retry of the same
// request never sends a second copy; when a re-send stops between the gate and the confirmation, it is not sent
// again (it errs on the side of a missing copy: whoever asked sees the failure and may ask again).
package monthly

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/invite"
	"github.com/handoff-sla/handoff/internal/mailtag"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/report/records"
)

// Months reads a month's records as of an instant (store.Months).
type Months interface {
	Read(ctx context.Context, m contract.Month, asOf time.Time) (records.Input, error)
}

// Reports keeps the report of record of each month (store.Reports).
type Reports interface {
	Create(ctx context.Context, st records.Stored) (records.Stored, error)
	Get(ctx context.Context, m contract.Month, withFigures bool) (records.Stored, error)
	Update(ctx context.Context, m contract.Month, change func(*records.Stored) error) (records.Stored, error)
}

// Sender sends an email (ses.SES).
type Sender = outbox.Sender[email.Message]

// AbandonedAfter is how long after its sender moved it to sending an email's outcome is surely unknown: Lambda's
// longest timeout, after which the invocation that was sending it has ended.
const AbandonedAfter = 15 * time.Minute

// Reporter computes, stores and sends the monthly reports.
type Reporter struct {
	contract *contract.Contract
	months   Months
	reports  Reports
	sender   Sender
	now      func() time.Time
	log      *slog.Logger
}

// New builds a Reporter.
func New(c *contract.Contract, months Months, reports Reports, sender Sender, now func() time.Time, log *slog.Logger) *Reporter {
	return &Reporter{contract: c, months: months, reports: reports, sender: sender, now: now, log: log}
}

// Request is what the function is invoked with: the schedule's input, {"scheduledTime": "<the scheduled
// instant>"} (EventBridge Scheduler's context attribute <aws.scheduler.scheduled-time>; the month reported is
// the one before that instant, in the contract's zone), or a month asked for on demand, possibly to be sent
// again. A scheduled event's notification (Time) is taken too, should the schedule lose its input.
type Request struct {
	Month  string `json:"month"`  // "2026-11"
	Resend bool   `json:"resend"` // send one more copy of a month already sent

	ScheduledTime *time.Time `json:"scheduledTime"`

	Time *time.Time `json:"time"`
	// The rest of a scheduled event's notification, accepted and not used.
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// Outcome is what a run did.
type Outcome struct {
	Month     string    `json:"month"`
	Status    string    `json:"status"` // see the Status* constants
	MessageID string    `json:"messageId,omitempty"`
	AsOf      time.Time `json:"asOf"`
	Digest    string    `json:"digest"`
	SQLs      int       `json:"sqls"`
	Resends   int       `json:"resends"`
}

// Statuses of an Outcome.
const (
	StatusSent        = "sent"         // the month's email left now
	StatusResent      = "resent"       // one more copy left now
	StatusAlreadySent = "already sent" // nothing to do: the month's email had left
	StatusInProgress  = "in progress"  // another run is sending it now
)

// ErrBadRequest: the invocation's payload is not one the function takes.
var ErrBadRequest = errors.New("bad request")

// Handle runs one invocation.
func (r *Reporter) Handle(ctx context.Context, payload json.RawMessage) (Outcome, error) {
	req, m, asOf, err := r.parse(payload)
	if err != nil {
		r.log.ErrorContext(ctx, "report refused", "error", err.Error())
		return Outcome{}, err
	}
	out, err := r.run(ctx, m, asOf, req.Resend)
	if err != nil {
		r.log.ErrorContext(ctx, "report failed", "month", m.String(), "resend", req.Resend, "error", err.Error())
		return out, err
	}
	r.log.InfoContext(ctx, "report "+out.Status, "month", out.Month, "messageId", out.MessageID, "digest", out.Digest,
		"sqls", out.SQLs, "resends", out.Resends, "asOf", out.AsOf.UTC().Format(time.RFC3339))
	return out, nil
}

// parse reads the payload strictly (a misspelt "resend" is an error, not a silent first send) and decides the
// month and the instant its figures are taken at if they are computed now.
func (r *Reporter) parse(payload json.RawMessage) (Request, contract.Month, time.Time, error) {
	var req Request
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, contract.Month{}, time.Time{}, fmt.Errorf("%w: the payload is %q or a scheduled event: %v", ErrBadRequest, `{"month":"2026-11","resend":false}`, err)
	}
	loc, now := r.contract.Location, r.now()
	switch {
	case req.Month != "":
		m, err := records.ParseMonth(req.Month)
		if err != nil {
			return req, m, time.Time{}, fmt.Errorf("%w: month: %v", ErrBadRequest, err)
		}
		if end := records.Start(m.Next(), loc); end.After(now) {
			return req, m, time.Time{}, fmt.Errorf("%w: month: %s is not over (it ends %s, %s)", ErrBadRequest, m, end.Format("2006-01-02 15:04"), loc)
		}
		return req, m, now, nil
	case req.ScheduledTime != nil && !req.ScheduledTime.IsZero():
		req.Time = req.ScheduledTime
		fallthrough
	case req.Time != nil && !req.Time.IsZero():
		if req.Resend {
			return req, contract.Month{}, time.Time{}, fmt.Errorf("%w: resend: a re-send names its month", ErrBadRequest)
		}
		return req, contract.MonthOf(req.Time.In(loc)).Prev(), req.Time.UTC(), nil
	}
	return req, contract.Month{}, time.Time{}, fmt.Errorf("%w: month: required (%s), unless the event is a schedule's", ErrBadRequest, `{"month":"2026-11"}`)
}

func (r *Reporter) run(ctx context.Context, m contract.Month, asOf time.Time, resend bool) (Outcome, error) {
	st, err := r.reports.Get(ctx, m, false)
	if errors.Is(err, records.ErrNoReport) {
		st, err = r.store(ctx, m, asOf)
	}
	if err != nil {
		return Outcome{Month: m.String()}, err
	}
	if resend && st.Mail.Status == outbox.MailSent {
		return r.resend(ctx, st)
	}
	return r.send(ctx, st)
}

// store computes the month's report as of asOf and stores it, its email claimed; when another run stored it
// first, that one is the report of record.
func (r *Reporter) store(ctx context.Context, m contract.Month, asOf time.Time) (records.Stored, error) {
	rep, err := Compute(ctx, r.contract, r.months, r.reports, m, asOf)
	if err != nil {
		return records.Stored{}, err
	}
	figures, err := report.Encode(rep)
	if err != nil {
		return records.Stored{}, err
	}
	now := r.now()
	st, err := r.reports.Create(ctx, records.Stored{Month: m, AsOf: asOf, ComputedAt: now, Contract: r.contract.Version, Figures: figures,
		SQLs: len(rep.SQLs), Mail: outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: now}})
	if errors.Is(err, records.ErrReported) {
		return st, nil
	}
	return st, err
}

// Compute reads month m's records as of asOf and judges them against c, as the report function does for its
// report of record (and `handoff report` to show one): what happened to earlier months' SQLs counts from the
// instant the previous month's report of record was taken at (the start of m when there is none).
func Compute(ctx context.Context, c *contract.Contract, months Months, reports Reports, m contract.Month, asOf time.Time) (report.Report, error) {
	in, err := months.Read(ctx, m, asOf)
	if err != nil {
		return report.Report{}, err
	}
	prev, err := reports.Get(ctx, m.Prev(), false)
	switch {
	case err == nil:
		in.Since = prev.AsOf
	case !errors.Is(err, records.ErrNoReport):
		return report.Report{}, fmt.Errorf("the report of record of %s: %w", m.Prev(), err)
	}
	return report.Compute(c, in), nil
}

// send sends the month's email through the outbox, with the record's Mail as its gate (monthGate).
func (r *Reporter) send(ctx context.Context, st records.Stored) (Outcome, error) {
	gate := &monthGate{reports: r.reports, month: st.Month, by: requestID(ctx), stored: st}
	res, err := outbox.Send(ctx, gate, r.sender, r.now, func(ctx context.Context, m outbox.Mail) (email.Message, error) {
		return r.compose(ctx, st.Month, report.Copy{PossibleDuplicate: m.PossibleDuplicate})
	})
	st = gate.stored
	switch {
	case err != nil && res.Outcome == outbox.Refused:
		return outcome(st, ""), fmt.Errorf("the report of %s: %w", st.Month, err)
	case err != nil:
		return outcome(st, ""), err
	case res.Outcome == outbox.NotPassed && res.Mail.Status == outbox.MailSent:
		return outcome(st, StatusAlreadySent), nil
	case res.Outcome == outbox.NotPassed:
		return outcome(st, StatusInProgress), nil
	case res.Outcome == outbox.Unknown:
		return outcome(st, ""), fmt.Errorf("the report of %s may or may not have left (left sending; a retry of this invocation sends it again): %w", st.Month, res.Err)
	case res.Unconfirmed != nil:
		return outcome(st, ""), fmt.Errorf("the report of %s left (message %s) but was not confirmed: %w", st.Month, res.MessageID, res.Unconfirmed)
	}
	out := outcome(st, StatusSent)
	out.MessageID = res.MessageID
	return out, nil
}

// monthGate is the gate of a month's email (an outbox.Gate), whose record is the report of record's Mail. Its
// policy: the invocation that passed it is recorded (MailBy); an email left sending is taken over — sent again,
// marked as a possible duplicate — by Lambda's retry of that invocation (the same request ID) once that
// invocation's hand-over to SES is over (outbox.SendTimeout), or by any run once AbandonedAfter has passed (its
// sender is surely dead).
type monthGate struct {
	reports Reports
	month   contract.Month
	by      string         // this invocation's request ID
	stored  records.Stored // as the gate passed or found it
}

func (g *monthGate) Pass(ctx context.Context, now time.Time) (outbox.Mail, bool, error) {
	st, err := g.reports.Update(ctx, g.month, func(s *records.Stored) error {
		switch {
		case s.Mail.Start(now):
		case s.Mail.Status == outbox.MailSending && (g.by != "" && s.MailBy == g.by && now.Sub(s.Mail.SendingAt) >= outbox.SendTimeout ||
			now.Sub(s.Mail.SendingAt) >= AbandonedAfter):
			// The invocation that passed the gate ended without a confirmation: the email may have left. The same
			// invocation takes it over only once its hand-over to SES is surely over (outbox.SendTimeout): Lambda
			// may deliver one event twice, and the second delivery must not send while the first is sending.
			s.Mail.SendingAt, s.Mail.Attempts, s.Mail.PossibleDuplicate = now, s.Mail.Attempts+1, true
		default:
			return records.ErrNoChange
		}
		s.MailBy = g.by
		return nil
	})
	if errors.Is(err, records.ErrNoChange) {
		g.stored = st
		return st.Mail, false, nil
	}
	if err != nil {
		return st.Mail, false, fmt.Errorf("the gate of the report of %s: %w", g.month, err)
	}
	g.stored = st
	return st.Mail, true, nil
}

// Settle records the outcome unless another run took over an email it found abandoned.
func (g *monthGate) Settle(ctx context.Context, now time.Time, s outbox.Settlement) error {
	_, err := g.reports.Update(ctx, g.month, func(st *records.Stored) error {
		if st.Mail.Status != outbox.MailSending || st.MailBy != g.by {
			return records.ErrNoChange
		}
		s.Apply(&st.Mail, now)
		return nil
	})
	switch {
	case errors.Is(err, records.ErrNoChange):
		return nil
	case err != nil:
		return fmt.Errorf("settle the report of %s: %w", g.month, err)
	}
	return nil
}

// Errors of a re-send that stopped.
var (
	errResendUnknown = errors.New("this re-send stopped between SES and its confirmation earlier: it may have left, and it is not sent again; ask for another re-send if it did not arrive")
	errResendBusy    = errors.New("another re-send of this month is being sent; try again in a minute")
)

// resend sends one more copy of a month's report through the outbox, with its own gate keyed by the invocation
// (resendGate).
func (r *Reporter) resend(ctx context.Context, st records.Stored) (Outcome, error) {
	gate := &resendGate{reports: r.reports, month: st.Month, by: requestID(ctx), stored: st}
	res, err := outbox.Send(ctx, gate, r.sender, r.now, func(ctx context.Context, _ outbox.Mail) (email.Message, error) {
		return r.compose(ctx, st.Month, report.Copy{Resend: gate.stored.Resends + 1})
	})
	st = gate.stored
	copyN := st.Resends + 1
	switch {
	case err != nil && res.Outcome == outbox.Refused:
		return outcome(st, ""), fmt.Errorf("the re-send of %s: %w", st.Month, err)
	case err != nil:
		return outcome(st, ""), err
	case res.Outcome == outbox.NotPassed:
		return outcome(st, StatusResent), nil // this request's copy left already (the invocation was delivered twice)
	case res.Outcome == outbox.Unknown:
		return outcome(st, ""), fmt.Errorf("the re-send of %s may or may not have left: %w", st.Month, res.Err)
	case res.Unconfirmed != nil:
		return outcome(st, ""), fmt.Errorf("the re-send of %s left (message %s) but was not confirmed: %w", st.Month, res.MessageID, res.Unconfirmed)
	}
	out := outcome(st, StatusResent)
	out.MessageID, out.Resends = res.MessageID, copyN
	return out, nil
}

// resendGate is the gate of a re-send (an outbox.Gate), whose record is the report of record's Resend, keyed by
// the invocation that asked (ResendBy): a Lambda retry of the same request never sends a second copy, and a
// re-send that stopped between its gate and its confirmation is not sent again (errResendUnknown).
type resendGate struct {
	reports Reports
	month   contract.Month
	by      string
	stored  records.Stored
}

func (g *resendGate) Pass(ctx context.Context, now time.Time) (outbox.Mail, bool, error) {
	st, err := g.reports.Update(ctx, g.month, func(s *records.Stored) error {
		mine := g.by != "" && s.ResendBy == g.by
		switch {
		case mine && s.Resend.Status == outbox.MailSent:
			return records.ErrNoChange
		case mine && s.Resend.Status == outbox.MailSending:
			return errResendUnknown
		case s.Resend.Status == outbox.MailSending && now.Sub(s.Resend.SendingAt) < AbandonedAfter:
			return errResendBusy
		}
		s.Resend, s.ResendBy = outbox.Mail{Status: outbox.MailSending, ClaimedAt: now, SendingAt: now}, g.by
		return nil
	})
	if errors.Is(err, records.ErrNoChange) {
		g.stored = st
		return st.Resend, false, nil
	}
	if err != nil {
		return st.Resend, false, fmt.Errorf("the gate of a re-send of %s: %w", g.month, err)
	}
	g.stored = st
	return st.Resend, true, nil
}

// Settle records the outcome unless another re-send took over; a copy sent is counted.
func (g *resendGate) Settle(ctx context.Context, now time.Time, s outbox.Settlement) error {
	_, err := g.reports.Update(ctx, g.month, func(st *records.Stored) error {
		if st.Resend.Status != outbox.MailSending || st.ResendBy != g.by {
			return records.ErrNoChange
		}
		s.Apply(&st.Resend, now)
		if s.Outcome == outbox.Sent {
			st.Resends++
		}
		return nil
	})
	switch {
	case errors.Is(err, records.ErrNoChange):
		return nil
	case err != nil:
		return fmt.Errorf("settle a re-send of %s: %w", g.month, err)
	}
	return nil
}

// compose renders the month's stored report as its email.
func (r *Reporter) compose(ctx context.Context, m contract.Month, cp report.Copy) (email.Message, error) {
	full, err := r.reports.Get(ctx, m, true)
	if err != nil {
		return email.Message{}, err
	}
	rep, err := report.Decode(full.Figures)
	if err != nil {
		return email.Message{}, err
	}
	e, err := report.RenderCopy(rep, cp)
	if err != nil {
		return email.Message{}, err
	}
	msg := r.message(e)
	msg.Tags = mailtag.Ref{Kind: mailtag.KindReport, Month: m.String()}.Tags()
	// The review meeting the report feeds (marketing.review_meeting): one per month, a copy sent again updates it.
	ics, ok, err := invite.Review(r.contract, m, full.AsOf, cp.Resend, r.now())
	if err != nil {
		return email.Message{}, err
	}
	if ok {
		msg.Attachments = append(msg.Attachments, ics)
	}
	return msg, nil
}

// message is the report's email: to leadership, marketing ops in copy (the contract's recipients).
func (r *Reporter) message(e report.Email) email.Message {
	c := r.contract
	m := email.Message{From: c.Sender, Subject: e.Subject, HTML: e.HTML, Text: e.Text}
	seen := map[string]bool{}
	for _, a := range c.Recipients.Leadership {
		if !seen[a] {
			seen[a] = true
			m.To = append(m.To, &mail.Address{Address: a})
		}
	}
	for _, a := range c.Recipients.MarketingOps {
		if !seen[a] {
			seen[a] = true
			m.Cc = append(m.Cc, &mail.Address{Address: a})
		}
	}
	m.Inline, m.Attachments = e.Inline, e.Attachments
	return m
}

func outcome(st records.Stored, status string) Outcome {
	return Outcome{Month: st.Month.String(), Status: status, AsOf: st.AsOf, Digest: st.Digest, SQLs: st.SQLs, Resends: st.Resends}
}

// requestID is the invocation's Lambda request ID: the same on Lambda's retries of an asynchronous invocation.
func requestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}
