// Package handoff is an SQL's hand-off to sales as the contract defines it, in one place: who holds the SQL, the
// deadlines the rep runs against in business time, what sales answered, and what happens when the deadlines
// pass (reminders, breaches, escalation, reassignment). It holds no AWS code: the notify, feedback, ingest and
// deadlines handlers, and the monthly report, all use these rules, so they cannot drift apart.
//
// A hand-off's life:
//
//	claimed ──▶ sending ──▶ sent ──▶ contacted ──▶ answered (accepted | rejected)
//	   (the SQL email)          │          ▲
//	                            ▼          │ a contact after the deadline still counts; the breach stays
//	          reminders, first-contact breach ──▶ escalation ──▶ reassignment (a fresh clock for the next rep)
//	          feedback deadline passed ──▶ feedback breach, the rep reminded and the manager told
//
//	accepted ──▶ outcome deadline (sales.outcome_within) ──▶ an outcome from the CRM by then, or one reminder
//	             (outcome.go: CRM care)
//
// An SQL email never leaves once the lead's latest answer to the consent question is no: the hand-off whose
// email it was is withdrawn instead (Withdraw) — the email abandoned, nothing more checked or sent, marketing
// ops told.
//
// A lead rejected by sales goes back to marketing and may become an SQL again: that is a new hand-off, with
// its own key (the instant it became an SQL again) and its own deadlines.
package handoff

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// Key names one hand-off: the lead and the instant it became an SQL.
type Key struct {
	LeadID string
	At     time.Time
}

// String is "ld_…@2026-11-27T16:30:00.000Z", for logs and links.
func (k Key) String() string { return k.LeadID + "@" + Stamp(k.At) }

// ParseKey reads what String wrote.
func ParseKey(s string) (Key, error) {
	id, at, ok := strings.Cut(s, "@")
	t, err := time.Parse(time.RFC3339Nano, at)
	if !ok || id == "" || err != nil {
		return Key{}, fmt.Errorf("not a hand-off key: %q", s)
	}
	return Key{LeadID: id, At: t.UTC()}, nil
}

// Stamp writes an instant the way every record stores it: UTC, RFC 3339, milliseconds (sortable as text).
func Stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// Assignment is one rep holding the SQL, from At.
type Assignment struct {
	RepID  string
	Team   string // "" for a kept owner or the fallback
	Reason string // in words sales read: "territoire Nord, round-robin (12 assigned before, weight 1)"
	At     time.Time
}

// Errors of a hand-off's store.
var (
	ErrNotFound = errors.New("no such hand-off")
	ErrClaimed  = errors.New("the hand-off is claimed already")
	// ErrErased: the person behind the lead was forgotten; the hand-off takes no answer.
	ErrErased = errors.New("the lead was erased")
	// ErrNoChange: an update has nothing to write.
	ErrNoChange = errors.New("nothing to change")
)

// Change decides a change of a hand-off: it changes h and returns the SLA events to record with it, or
// ErrNoChange to write nothing. The store calls it with the hand-off as last written, again if another writer
// got there first.
type Change func(h *Handoff) ([]Event, error)

// Contact is the first contact with the lead.
type Contact struct {
	At      time.Time
	Channel string // phone | email | meeting; "" when implied by an answer
	RepID   string
	By      string // "page" or the CRM source's ID
	// BusinessMinutes is the business time from the clock start of the rep who made it to the contact.
	BusinessMinutes int
}

// Decision is sales' answer on the SQL: accepted, or rejected with a reason.
type Decision struct {
	Verdict string // Accepted | Rejected
	At      time.Time
	RepID   string
	Reason  string // a contract reject reason
	Comment string // required for "other"
	By      string // "page" or the CRM source's ID
}

// Verdicts.
const (
	Accepted = "accepted"
	Rejected = "rejected"
)

// Handoff is one SQL's hand-off: the record the handlers change and the report reads.
type Handoff struct {
	Key
	ContractVersion string
	// LeadCompany is the lead's company when it was handed off: the organisation the SQL is about, which the
	// checker's subjects and the ops list name. The person's own details (name, title, email, phone) are not
	// copied here: the lead's profile is their one copy, read when an email or the page shows them.
	LeadCompany string
	// Where the lead came from, for the report (denormalised at hand-off time).
	Source, UTMCampaign string

	// Assignments in order: the last one holds the SQL now.
	Assignments []Assignment
	// Mail is the SQL email to the rep who holds it now.
	Mail outbox.Mail
	// AlertedAt is when the SQL email of the first assignment was settled sent (Mail.SentAt then): the alert to
	// sales of the new SQL. Written once (NoteAlerted), never changed after: a reassignment's email replaces
	// Mail, not this, so the report reads as of its instant what it read then. Zero until then, and on hand-offs
	// stored before it was kept (see NoteAlerted).
	AlertedAt time.Time
	// AlertBouncedAt is when SES reported the first assignment's SQL email bounced for good at the rep's address
	// (RecordBounce; not the manager's copy alone): written once; the report counts an SQL alerted only if its
	// alert did not bounce by its as-of instant.
	AlertBouncedAt time.Time
	// BouncedAt is when SES reported the current SQL email bounced for good or complained of (Mail is then
	// bounced), BounceKind which; BounceHandled: the checker dealt with it (HandleBounce); BounceHeld: the SQL
	// was held rather than reassigned. Bounces are the SES feedback IDs recorded, each once (RecordBounce).
	BouncedAt     time.Time
	BounceKind    BounceKind
	BounceHandled bool
	BounceHeld    bool
	Bounces       []string
	// ClockFrom is when the current rep's deadlines started: the hand-off, a resend of a stuck SQL email, or
	// the reassignment to them.
	ClockFrom       time.Time
	FirstContactDue time.Time
	FeedbackDue     time.Time
	// Reminders are the current rep's reminder instants of first contact; Reminded counts those dealt with.
	Reminders []time.Time
	Reminded  int
	// FeedbackReminders are the current rep's reminder instants to answer; FeedbackReminded counts those dealt with.
	FeedbackReminders []time.Time
	FeedbackReminded  int
	// Clocks are every set of deadlines the hand-off ran against, in order: the hand-off's, each reassignment's,
	// each resend of a stuck SQL email's. The report reads the one in force at its as-of instant, so that what
	// happened after that instant changes nothing in a report computed again.
	Clocks []Clock

	Contact  Contact  // zero until the lead is contacted
	Decision Decision // zero until sales answer
	// OutcomeDue is when the accepted SQL must have its outcome in the CRM (sales.outcome_within, scheduled by
	// Answer); zero when the contract does not measure it. OutcomeChecked: the checker looked at it (CheckOutcome).
	OutcomeDue     time.Time
	OutcomeChecked bool

	// What the deadline checker recorded (each also an SLA event, with its detail).
	FirstContactBreaches int  // reps who let the first-contact deadline pass (a reassigned SQL can have two)
	FirstContactBreached bool // the current rep let it pass (no more first-contact checks for them)
	FeedbackBreached     bool // the feedback deadline passed without an answer
	AwayEscalated        bool // the current rep was out of office at a reminder: their manager was told
	Reassignments        int
	Undelivered          int // emails abandoned (each an EventUndelivered to marketing ops)
	Resends              int // times the SQL email was resent by the checker (each an EventStuckMail)
	// Pending lists the SLA events whose email is not confirmed sent yet (see Event): the checker comes back
	// for them at once.
	Pending []string

	// Erased is when the person behind the lead was forgotten (erasure): the hand-off stays, without what
	// identifies them, as a count of the reports; nothing more is checked, sent or recorded on it.
	Erased time.Time
	// Withdrawn is when the hand-off ended because the lead's latest answer to the consent question was no when
	// its SQL email was to leave (Withdraw): the email was not sent, nothing more is checked or sent about it.
	Withdrawn time.Time

	// Version is the store's optimistic lock: each write is conditional on the version read.
	Version int64
}

// Forget erases what identifies the person on the hand-off — their company's name (a sole trader's is their
// own), the rep's free-text comment; the details older items copied go with the write, which stores the hand-off
// whole — and ends it: no more checks, no email left pending. It reports whether anything changed.
func (h *Handoff) Forget(now time.Time) bool {
	if !h.Erased.IsZero() {
		return false
	}
	h.LeadCompany = ""
	h.Decision.Comment = ""
	h.Pending = nil
	h.Erased = now
	return true
}

// Ended reports a hand-off on which nothing more is checked or sent: its person erased, or withdrawn.
func (h Handoff) Ended() bool { return !h.Erased.IsZero() || !h.Withdrawn.IsZero() }

// Rep is the rep who holds the SQL now.
func (h Handoff) Rep() string {
	if len(h.Assignments) == 0 {
		return ""
	}
	return h.Assignments[len(h.Assignments)-1].RepID
}

// Team is the team the current rep was chosen in ("" for a kept owner or the fallback).
func (h Handoff) Team() string {
	if len(h.Assignments) == 0 {
		return ""
	}
	return h.Assignments[len(h.Assignments)-1].Team
}

// Contacted reports a first contact recorded.
func (h Handoff) Contacted() bool { return !h.Contact.At.IsZero() }

// Answered reports an answer recorded.
func (h Handoff) Answered() bool { return h.Decision.Verdict != "" }

// ContactedWithinDeadline reports a first contact made before any first-contact deadline passed.
func (h Handoff) ContactedWithinDeadline() bool {
	return h.Contacted() && ContactedWithin(h.Contact.At, h.FirstContactDue, h.FirstContactBreaches)
}

// ContactedLate reports a first contact made after the deadline of the rep who made it.
func (h Handoff) ContactedLate() bool { return h.Contacted() && h.Contact.At.After(h.FirstContactDue) }

// AnsweredLate reports an answer given after the feedback deadline.
func (h Handoff) AnsweredLate() bool { return h.Answered() && h.Decision.At.After(h.FeedbackDue) }

// AnsweredWithinDeadline reports an answer given by the feedback deadline.
func (h Handoff) AnsweredWithinDeadline() bool {
	return h.Answered() && AnsweredWithin(h.Decision.At, h.FeedbackDue, h.FeedbackBreached)
}

// ContactedWithin is the rule for a contact made at: by the (current) deadline, with no breach recorded before.
// Both, because the deadline checker stops looking at a hand-off once it is contacted: a contact made after the
// deadline but before the checker's pass leaves no breach behind, and is late all the same.
func ContactedWithin(at, due time.Time, breaches int) bool {
	return breaches == 0 && !at.After(due)
}

// AnsweredWithin is the rule for an answer given at: by the feedback deadline, with no feedback breach recorded.
func AnsweredWithin(at, due time.Time, breached bool) bool { return !breached && !at.After(due) }

// Month is the report month of the hand-off, in the contract's zone.
func (h Handoff) Month(loc *time.Location) contract.Month { return contract.MonthOf(h.At.In(loc)) }

// StuckAfter is how long the SQL email may stay unconfirmed before the checker deals with it (a crashed or
// timed-out send): long enough for the stream's own retries. It applies to notify's SQL email, and to one the
// checker claimed that SES refused; the checker's own left sending goes sooner (InterruptedAfter).
const StuckAfter = 5 * time.Minute

// InterruptedAfter is how long an SQL email the checker claimed (CheckerMail) may stay sending before the
// checker takes its sending as interrupted and sends it again: outbox.SendTimeout, and a margin for the clocks of two
// Lambda instances and the gate's own write. A run that dies after the gate is followed within a minute by the
// next, which finds it past this bound.
const InterruptedAfter = outbox.SendTimeout + 10*time.Second

// NextCheck is the next instant the deadline checker must look at the hand-off: at once when an event's email
// awaits confirmation; while the SQL email is unconfirmed, when it goes stale (the deadlines wait for it: nobody
// is chased for an SQL they may not have received); otherwise the next reminder, the first-contact deadline and
// the feedback deadline, among those still pending. Zero when nothing is left, or the lead was erased: the
// hand-off leaves the index. A withdrawn hand-off is looked at only for the emails of its events (the alert
// that says it was withdrawn).
//
// While the checker's own SQL email is being handed to SES, the events' emails wait with it (InterruptedAfter at
// most): the run sending it delivers them right after, and if it died, the run that takes the hand-off then
// resends the SQL email and delivers them in one look — rather than one run delivering them now and the next
// finding the SQL email stale, up to a minute later.
func (h Handoff) NextCheck(now time.Time) time.Time {
	if !h.Erased.IsZero() {
		return time.Time{}
	}
	if !h.Withdrawn.IsZero() {
		if len(h.Pending) > 0 {
			return now
		}
		return time.Time{}
	}
	var next time.Time
	consider := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	if len(h.Pending) > 0 && !(h.checkerMailInterrupted() && h.mailCheckAt().After(now)) {
		consider(now)
	}
	if h.Mail.Status == outbox.MailBounced {
		// Nobody had the SQL email: no deadline runs. The bounce is dealt with at once; a held SQL waits for ops.
		if h.BounceDue() {
			consider(now)
		}
		return next
	}
	if h.Mail.Outstanding() {
		consider(h.mailCheckAt())
		return next
	}
	if !h.Contacted() {
		if h.Reminded < len(h.Reminders) {
			consider(h.Reminders[h.Reminded])
		}
		if !h.FirstContactBreached {
			consider(h.FirstContactDue)
		}
	} else if h.ContactedLate() && !h.FirstContactBreached {
		consider(h.FirstContactDue) // the breach is still to be recorded
	}
	if !h.Answered() && !h.FeedbackBreached {
		if h.FeedbackReminded < len(h.FeedbackReminders) {
			consider(h.FeedbackReminders[h.FeedbackReminded])
		}
		consider(h.FeedbackDue)
	} else if h.AnsweredLate() && !h.FeedbackBreached {
		consider(h.FeedbackDue) // the breach is still to be recorded
	}
	consider(h.outcomeDue())
	return next
}

// CheckerMail reports an SQL email the deadline checker claimed — to the rep it reassigned the SQL to, or to
// resend one left unconfirmed — rather than notify's first: the checker knows how long its own sending can last.
func (h Handoff) CheckerMail() bool { return h.Reassignments > 0 || h.Resends > 0 }

// CheckerMailToSend reports an SQL email the checker claimed and never handed to SES: its run died between the
// record and the gate. Sending it is safe at any time (the gate lets one sender through), and the checker does
// it as soon as it comes back to the hand-off, as the run would have.
func (h Handoff) CheckerMailToSend() bool {
	return h.CheckerMail() && h.Mail.Status == outbox.MailClaimed && h.Mail.SendingAt.IsZero()
}

// checkerMailInterrupted reports an SQL email the checker was handing to SES when its run died (or SES's answer
// was lost).
func (h Handoff) checkerMailInterrupted() bool {
	return h.CheckerMail() && h.Mail.Status == outbox.MailSending
}

// mailCheckAt is when the checker must look at the unconfirmed SQL email: notify's StuckAfter after its claim
// or hand-over to SES (the stream retries first); the checker's own, InterruptedAfter after its claim when never
// handed to SES or after its hand-over (nothing can still be sending it then); the checker's own that SES
// refused (claimed again after a hand-over), StuckAfter after its claim.
func (h Handoff) mailCheckAt() time.Time {
	m := h.Mail
	switch {
	case h.CheckerMailToSend():
		return m.ClaimedAt.Add(InterruptedAfter)
	case h.checkerMailInterrupted():
		return m.SendingAt.Add(InterruptedAfter)
	case m.Status == outbox.MailSending:
		return m.SendingAt.Add(StuckAfter)
	}
	return m.ClaimedAt.Add(StuckAfter)
}

// Deadlines are a rep's deadlines, counted in business time from the start of their clock.
type Deadlines struct {
	From              time.Time
	FirstContact      time.Time
	Feedback          time.Time
	Reminders         []time.Time
	FeedbackReminders []time.Time
}

// DeadlinesFrom computes the contract's deadlines for a clock starting at from.
func DeadlinesFrom(c *contract.Contract, from time.Time) (Deadlines, error) {
	first, err := c.FirstContactDue(from)
	if err != nil {
		return Deadlines{}, fmt.Errorf("first-contact deadline: %w", err)
	}
	feedback, err := c.FeedbackDue(from)
	if err != nil {
		return Deadlines{}, fmt.Errorf("feedback deadline: %w", err)
	}
	reminders, err := c.ReminderTimes(from)
	if err != nil {
		return Deadlines{}, fmt.Errorf("reminders: %w", err)
	}
	feedbackReminders, err := c.FeedbackReminderTimes(from)
	if err != nil {
		return Deadlines{}, fmt.Errorf("feedback reminders: %w", err)
	}
	return Deadlines{From: from, FirstContact: first, Feedback: feedback, Reminders: reminders, FeedbackReminders: feedbackReminders}, nil
}

// Clock is one set of deadlines a hand-off ran against from From, for the assignment of that index.
type Clock struct {
	Assignment                   int
	From                         time.Time
	FirstContactDue, FeedbackDue time.Time
}

// startClock gives the current rep a fresh set of deadlines.
func (h *Handoff) startClock(d Deadlines) {
	h.ClockFrom, h.FirstContactDue, h.FeedbackDue, h.Reminders, h.Reminded = d.From, d.FirstContact, d.Feedback, d.Reminders, 0
	h.FeedbackReminders, h.FeedbackReminded = d.FeedbackReminders, 0
	h.AwayEscalated, h.FirstContactBreached = false, false
	h.Clocks = append(h.Clocks, Clock{Assignment: len(h.Assignments) - 1, From: d.From, FirstContactDue: d.FirstContact, FeedbackDue: d.Feedback})
}

// New is a claimed hand-off to a rep: the SQL email about to leave, the clock starting at the hand-off instant.
func New(k Key, a Assignment, d Deadlines, contractVersion string, now time.Time) *Handoff {
	h := &Handoff{Key: k, ContractVersion: contractVersion, Assignments: []Assignment{a},
		Mail: outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: now}}
	h.startClock(d)
	return h
}

// minutes is a duration in whole minutes (the clock's resolution), never negative.
func minutes(d time.Duration) int {
	if d < 0 {
		return 0
	}
	return int(d / time.Minute)
}
