package handoff

import (
	"slices"
	"time"

	"github.com/handoff-sla/handoff/internal/outbox"
)

// Bounces and complaints. SES accepts an email, then may report (through the configuration set's event
// destination) that it never reached its recipient — a bounce, permanent (the address takes no mail) or
// transient (SES retried for a while and gave up: a full mailbox, a server down) — or that the recipient marked
// it as spam (a complaint). Each report is recorded on the hand-off whose email it was (RecordBounce: an
// EventBounced, no email), once however often it is delivered (by SES's feedback ID, under the hand-off's
// version).
//
// The SQL email matters: a rep whose SQL email bounced for good, or who complained of it, never had the SQL (or
// refused it), so their deadlines must not run. RecordBounce marks the hand-off's Mail bounced; the deadline
// checker then finds StepBounced due at once and settles it (HandleBounce) in one conditional write: marketing ops
// are told (an EventUndelivered with its email, which the checker delivers through the outbox like its other
// alerts) and the SQL is reassigned to the next rep or held, as sales.on_bounce says. A transient bounce, a
// bounce of any other email (a reminder, an escalation, an alert), or of an SQL email the rep has answered or
// acted on since, is recorded and changes nothing else.
//
//	sent ──(permanent bounce | complaint)──▶ bounced ──(checker: StepBounced)──▶ reassigned: the next rep's SQL email claimed
//	                                                                      └──▶ held: no deadline runs, ops pass it on

// BounceKind is what SES reported of an email it had accepted.
type BounceKind string

// Bounce kinds.
const (
	// BouncePermanent: a hard bounce — the address does not exist or refuses mail for good.
	BouncePermanent BounceKind = "permanent"
	// BounceTransient: a soft bounce SES gave up on after retrying (mailbox full, server down): the address may
	// work another time. Recorded only.
	BounceTransient BounceKind = "transient"
	// BounceComplaint: the recipient marked the email as spam.
	BounceComplaint BounceKind = "complaint"
)

// Bounce is one report of SES on an email of a hand-off. It holds no address: whose email it was is the
// assignment's rep (or the event's recipients), which the hand-off already names.
type Bounce struct {
	// ID is SES's feedback ID of the report: the same report delivered twice is recorded once.
	ID      string
	Kind    BounceKind
	SubType string    // SES's bounceSubType or complaintFeedbackType ("General", "NoEmail", "abuse"), as reported
	At      time.Time // SES's instant of the bounce or complaint
	// The email it was: About "" for the SQL email, else the kind of the event whose email it was; Assignment is
	// the assignment the email was for (the SQL email's), N the event's N.
	About      EventKind
	Assignment int
	N          int
	// Copy: SES names only addresses in copy of the SQL email (the rep's manager), not the rep's: the rep had it.
	Copy bool
}

// EventBounced records SES's report of a bounce or a complaint (no email: what it changes, if anything, is the
// hand-off's; marketing ops hear of an SQL email's through HandleBounce's EventUndelivered).
const EventBounced EventKind = "mail.bounced"

// StepBounced: the SQL email of the rep who holds the SQL bounced for good or was complained of; nothing has been
// done about it yet (HandleBounce).
const StepBounced StepKind = "bounced"

// Reasons of the alert to marketing ops about a bounced SQL email (HandleBounce), in English for the record;
// the emails say them in the contract's language.
const (
	ReasonBounced    = "the SQL email bounced: the rep's address refuses mail (a permanent bounce reported by SES), so the rep never had it"
	ReasonComplained = "the rep marked the SQL email as spam (a complaint reported by SES)"
)

// RecordBounce records SES's report b on the hand-off: an EventBounced, and, for the SQL email of the rep who
// holds the SQL now, bounced for good or complained of while they had not acted on it, the Mail marked bounced
// (StepBounced is then due at once). A report already recorded (its ID) changes nothing: ErrNoChange. Nothing
// is recorded on a hand-off whose person was erased.
func (h *Handoff) RecordBounce(b Bounce, now time.Time) ([]Event, error) {
	if !h.Erased.IsZero() || b.ID != "" && slices.Contains(h.Bounces, b.ID) {
		return nil, ErrNoChange
	}
	takes := h.TakesSQL(b)
	h.Bounces = append(h.Bounces, b.ID)
	e := h.event(EventBounced, len(h.Bounces)-1, now, b.At, false)
	e.Reason = string(b.Kind)
	if b.SubType != "" {
		e.Reason += "/" + b.SubType
	}
	e.About, e.AboutAssignment, e.AboutN = b.About, b.Assignment, b.N
	if b.Assignment >= 0 && b.Assignment < len(h.Assignments) {
		e.RepID = h.Assignments[b.Assignment].RepID
	}
	// The alert commitment measures the rep's email: a bounce of the manager's copy alone (Copy) leaves it kept.
	if b.About == "" && b.Assignment == 0 && b.Kind == BouncePermanent && !b.Copy && h.AlertBouncedAt.IsZero() {
		h.AlertBouncedAt = b.At
	}
	if takes {
		h.Mail.Status = outbox.MailBounced
		h.BouncedAt, h.BounceKind, h.BounceHandled, h.BounceHeld = b.At, b.Kind, false, false
	}
	return []Event{e}, nil
}

// TakesSQL reports a report that takes the SQL email from the rep who holds the SQL now: a permanent bounce or a
// complaint of their SQL email (sending or sent: SES may report before the send is settled) that names them, not
// only a copy, while they have neither contacted the lead nor answered — a rep who did has the SQL whatever
// became of the email — on a hand-off still followed, and not recorded already.
func (h Handoff) TakesSQL(b Bounce) bool {
	return b.About == "" && b.Kind != BounceTransient && !b.Copy && b.Assignment == len(h.Assignments)-1 &&
		!slices.Contains(h.Bounces, b.ID) && h.Erased.IsZero() &&
		(h.Mail.Status == outbox.MailSending || h.Mail.Status == outbox.MailSent) &&
		!h.Contacted() && !h.Answered() && h.Withdrawn.IsZero()
}

// BounceDue reports an SQL email bounced that HandleBounce has not dealt with.
func (h Handoff) BounceDue() bool { return h.Mail.Status == outbox.MailBounced && !h.BounceHandled }

// HandleBounce deals with the bounced SQL email of the rep who holds the SQL (StepBounced): marketing ops are told
// (an EventUndelivered with its email; ToRepID names the rep it went to next, if any) and the SQL goes to next
// with a fresh clock from now (d) — the SQL email to them claimed, sent by the checker — or, next nil (the
// contract holds bounced SQLs, or nobody else may take it), is held: no deadline runs against the rep who never
// had it, and ops pass it on by hand.
func (h *Handoff) HandleBounce(next *Assignment, d Deadlines, now time.Time) []Event {
	h.BounceHandled = true
	alert := h.event(EventUndelivered, h.Undelivered, now, h.BouncedAt, true)
	alert.Reason = ReasonBounced
	if h.BounceKind == BounceComplaint {
		alert.Reason = ReasonComplained
	}
	alert.AboutAssignment, alert.AboutDue = alert.Assignment, h.Assignments[len(h.Assignments)-1].At
	h.Undelivered++
	if next == nil {
		h.BounceHeld = true
		return []Event{alert}
	}
	alert.ToRepID = next.RepID
	return []Event{alert, h.Reassign(*next, d, now)}
}

// Held reports an SQL held after its email bounced (HandleBounce): nobody holds it, no deadline runs.
func (h Handoff) Held() bool { return h.Mail.Status == outbox.MailBounced && h.BounceHeld }
