// Package outbox is the one way every Handoff email leaves — the SQL email to a rep, the deadline checker's
// reminders, escalations and alerts, the monthly report — exactly as often as its record says, whatever the
// retries, overlaps and crashes.
//
// Each email has a record (Mail) kept with the decision that calls for it: it is claimed when that decision is
// recorded, in the same conditional write. Then Send takes it through four steps, the same for every email:
//
//   - gate: claimed → sending, a conditional write (Gate.Pass). Whoever makes the move sends; anyone else
//     finds the email sending, sent or abandoned, and sends nothing. A crash before the gate leaves it claimed:
//     the next try (the stream's retry, the checker's next run, Lambda's retry) passes the gate and sends it.
//   - compose: the email is made from the record as it passed the gate (compose). Nothing was handed to SES if
//     it fails: the email is claimed again for a later try, or, when it can never be composed
//     (ErrUnsendable), settled as its caller's policy says (abandoned, the hand-off withdrawn).
//   - send: SES gets the email within SendTimeout of the gate or not at all. Throttling is retried by the SDK's
//     retryer alone (see package email/ses), never by a loop on top of it, which would multiply the attempts.
//   - settle: the outcome is recorded only if the email is still this hand-over's (Gate.Settle): sent, with
//     SES's message ID; or claimed again when nothing left (ErrThrottled past the SDK's retries, ErrRejected,
//     ErrUnavailable: SES never reached), for a later try.
//
// When the outcome is unknown — a timeout or a reset connection after SES may have accepted the email, or a
// crash between the gate and the confirmation — the email stays sending: nobody sends it again blindly. Who
// resolves it is the caller's policy, with what it knows of its sender: the deadline checker resends an SQL
// email after handoff.StuckAfter (or its own after handoff.InterruptedAfter), marked as a possible duplicate,
// and abandons its own emails, telling marketing ops; the monthly report is taken over by Lambda's retry of the
// same invocation or once its sender is surely dead. An email that left but whose confirmation failed is sent
// (Result.Unconfirmed): the record still says sending, and the same rule applies to it.
//
// The package holds no AWS code: a Sender is the SES adapter, a Gate the caller's own record in DynamoDB.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SendTimeout bounds one hand-over of an email to SES, from its gate (claimed → sending) to SES's answer: Send
// gives up after it, leaving the email sending, its outcome unknown. So an email sending for longer is being
// sent by nobody — whoever passed its gate died, or gave up (handoff.InterruptedAfter counts on it).
const SendTimeout = 20 * time.Second

// Gate is an email's record, as its caller keeps it: one Gate value for one try of one email.
type Gate interface {
	// Pass is the gate, a conditional write: the email moves from claimed to sending (Mail.Start) at now,
	// and passed reports whether this caller made the move. m is the email as passed, or as found when not
	// passed (sending elsewhere, sent, abandoned).
	Pass(ctx context.Context, now time.Time) (m Mail, passed bool, err error)
	// Settle records how this hand-over ended, only if the email is still this hand-over's (sending since the
	// gate's instant): otherwise another try owns it now (or it was confirmed another way), and Settle does
	// nothing and returns nil. The caller's policy decides what an outcome does (Settlement.Apply for the
	// common one): abandon after MaxMailAttempts refusals, withdraw a hand-off, count a re-send.
	Settle(ctx context.Context, now time.Time, s Settlement) error
}

// Sender hands an email to SES and returns its message ID (email/ses.SES). An email that surely did not leave
// is ErrThrottled, ErrRejected or ErrUnavailable, wrapped; any other error leaves unknown whether it left.
type Sender[M any] interface {
	Send(ctx context.Context, m M) (string, error)
}

// Outcome is how one try of an email ended.
type Outcome int

// Outcomes of Send.
const (
	// NotPassed: somebody else passed the gate, or the email is settled (Result.Mail says which). Nothing sent.
	NotPassed Outcome = iota
	// Sent: SES accepted it (Result.MessageID).
	Sent
	// Refused: nothing left — SES refused it, or it was never handed to SES (composing failed, time ran out):
	// claimed again for a later try.
	Refused
	// Unsendable: compose said it can never be composed (ErrUnsendable): settled as the caller's gate says.
	Unsendable
	// Unknown: SES may have accepted it; left sending, never resent blindly.
	Unknown
)

// Settlement is the outcome a Gate records.
type Settlement struct {
	Outcome   Outcome // Sent, Refused or Unsendable
	MessageID string  // Sent
	Err       error   // why it was not sent (Refused, Unsendable)
}

// Apply is the common record of an outcome: sent with its message ID; claimed again after a refusal;
// abandoned when it cannot be composed.
func (s Settlement) Apply(m *Mail, now time.Time) {
	switch s.Outcome {
	case Sent:
		m.Sent(s.MessageID, now)
	case Refused:
		m.Refused()
	case Unsendable:
		m.Status = MailAbandoned
	}
}

// ErrUnsendable marks a compose error after which the email can never go (nobody to send it to, a lead who said
// no to being contacted): it is not claimed again but settled as Unsendable.
var ErrUnsendable = errors.New("the email cannot be sent")

// Result is what one try of an email did.
type Result struct {
	Outcome Outcome
	// Mail is the email as it passed the gate, or as the gate found it (NotPassed).
	Mail      Mail
	MessageID string // Sent
	// Err is why it was not sent (Refused, Unsendable) or why its outcome is unknown (Unknown).
	Err error
	// Unconfirmed, after Sent, is why its confirmation failed: the email left, its record still says sending.
	Unconfirmed error
}

// Send takes one email through its gate, composes it from the record as it passed, hands it to SES within
// SendTimeout, and settles the outcome (see the package comment). The error is the gate's, or, for Refused, why
// nothing left (joined with a failed settlement's), so that the caller's retry sends it; or a failed settlement
// of Unsendable. NotPassed, Sent and Unknown are not errors: nothing is left for a blind retry to do.
func Send[M any](ctx context.Context, gate Gate, sender Sender[M], now func() time.Time, compose func(context.Context, Mail) (M, error)) (Result, error) {
	// The bound starts before the gate's instant is taken: once SendTimeout has passed since the gate, the
	// email is in flight nowhere.
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	m, passed, err := gate.Pass(ctx, now())
	if err != nil {
		return Result{Mail: m}, err
	}
	if !passed {
		return Result{Outcome: NotPassed, Mail: m}, nil
	}
	res := Result{Mail: m}
	// Settlements outlive the bound: an outcome reached in time is recorded even when the time is up.
	settle := func(s Settlement) error { return gate.Settle(context.WithoutCancel(ctx), now(), s) }
	refuse := func(why error) (Result, error) {
		res.Outcome, res.Err = Refused, why
		return res, errors.Join(fmt.Errorf("not sent (claimed again for a retry): %w", why), settle(Settlement{Outcome: Refused, Err: why}))
	}
	msg, err := compose(ctx, m)
	switch {
	case errors.Is(err, ErrUnsendable):
		res.Outcome, res.Err = Unsendable, err
		if serr := settle(Settlement{Outcome: Unsendable, Err: err}); serr != nil {
			return res, fmt.Errorf("settle an email that cannot be sent (%v): %w", err, serr)
		}
		return res, nil
	case err != nil:
		return refuse(fmt.Errorf("compose: %w", err))
	}
	if err := ctx.Err(); err != nil {
		return refuse(err) // out of time before SES was asked: nothing left
	}
	id, err := sender.Send(ctx, msg)
	switch {
	case err == nil:
		res.Outcome, res.MessageID = Sent, id
		res.Unconfirmed = settle(Settlement{Outcome: Sent, MessageID: id})
		return res, nil
	case errors.Is(err, ErrThrottled), errors.Is(err, ErrRejected), errors.Is(err, ErrUnavailable):
		return refuse(err)
	default:
		res.Outcome, res.Err = Unknown, err
		return res, nil
	}
}
