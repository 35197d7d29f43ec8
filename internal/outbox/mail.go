package outbox

import (
	"errors"
	"time"
)

// MailStatus is where an email stands on its way out. The move from claimed to sending is the gate that makes
// an email go at most once: whoever makes it (a conditional write) sends; nobody sends a mail already sending.
type MailStatus string

// Mail statuses.
const (
	// MailClaimed: recorded with the decision that calls for it, not handed to SES yet. Safe to send.
	MailClaimed MailStatus = "claimed"
	// MailSending: being handed to SES. If it stays so (a crash or a timeout after SES may have accepted it),
	// whether it left is unknown: it is not sent again without saying it may be a duplicate.
	MailSending MailStatus = "sending"
	// MailSent: SES accepted it (MessageID).
	MailSent MailStatus = "sent"
	// MailAbandoned: not sent, and no longer tried — refused MaxMailAttempts times, or (for the checker's own
	// emails) its outcome unknown. Marketing ops are told (an EventUndelivered).
	MailAbandoned MailStatus = "abandoned"
	// MailBounced: SES accepted it, then reported that it never reached its recipient (a permanent bounce) or
	// that the recipient marked it as spam (a complaint): not sent, as far as anyone waiting on it goes. Only an
	// SQL email is marked so (handoff.RecordBounce); it is never sent again to the same address.
	MailBounced MailStatus = "bounced"
)

// MaxMailAttempts is how many tries past the gate that did not end in Sent an email gets before it is abandoned.
// A try that failed before SES was asked (the lead not read, the time out) counts too: an email that keeps failing
// to be composed must end in an alert as surely as one SES keeps refusing.
const MaxMailAttempts = 5

// Mail is the state of one email.
type Mail struct {
	Status    MailStatus
	ClaimedAt time.Time
	SendingAt time.Time // the last hand-over to SES
	SentAt    time.Time
	MessageID string
	Attempts  int // tries past the gate that did not end in Sent (refused, not composed in time, or outcome unknown)
	// PossibleDuplicate marks a resend of an email whose first send may have left: the email says so.
	PossibleDuplicate bool
}

// Outstanding reports a mail not confirmed sent.
func (m Mail) Outstanding() bool { return m.Status == MailClaimed || m.Status == MailSending }

// Start is the gate: a claimed email moves to sending, and the caller that made the move (under the store's
// condition) is the one to hand it to SES. Anything else (sending, sent) is not this caller's to send.
func (m *Mail) Start(now time.Time) bool {
	if m.Status != MailClaimed {
		return false
	}
	m.Status, m.SendingAt = MailSending, now
	return true
}

// Sent records SES's acceptance.
func (m *Mail) Sent(messageID string, now time.Time) {
	m.Status, m.SentAt, m.MessageID = MailSent, now, messageID
}

// Refused records a try after which nothing left — SES said no, or throttled it past the SDK's retries, or it was
// never handed to SES (composing failed, the time ran out): claimed again, for a later try.
func (m *Mail) Refused() {
	m.Status = MailClaimed
	m.Attempts++
}

// Send errors, by what a caller can do about them. A Sender returns them wrapped; any other error of a Sender
// (a timeout, a reset connection) leaves unknown whether the email left.
var (
	// ErrThrottled: SES refused for now (rate or quota), after the SDK's own retries; nothing was sent; try
	// again later.
	ErrThrottled = errors.New("ses: throttled")
	// ErrRejected: SES refused this message for good (bad address, unverified sender, suspended account).
	ErrRejected = errors.New("ses: rejected")
	// ErrUnavailable: SES could not be reached (the connection was never made: refused, no route, its name not
	// resolved), after the SDK's own retries; nothing was sent; try again later. Not SES's refusal: it does not
	// count towards giving an email up.
	ErrUnavailable = errors.New("ses: unreachable")
)
