package handoff

import (
	"fmt"
	"strconv"
	"time"

	"github.com/handoff-sla/handoff/internal/outbox"
)

// StepKind is something the deadline checker finds due on a hand-off.
type StepKind string

// Steps.
const (
	// StepStuckMail: the SQL email is still unconfirmed StuckAfter after it was claimed or handed to SES.
	StepStuckMail StepKind = "stuck_mail"
	// StepInterruptedMail: the SQL email the checker was handing to SES is still sending InterruptedAfter after
	// (its run died, or SES's answer was lost).
	StepInterruptedMail StepKind = "interrupted_mail"
	// StepReminder: a reminder point of the first-contact deadline passed, no contact yet.
	StepReminder StepKind = "reminder"
	// StepFirstContactBreach: the first-contact deadline passed, no contact (or one made after it, that no
	// breach was recorded for).
	StepFirstContactBreach StepKind = "breach.first_contact"
	// StepFeedbackReminder: a reminder point of the feedback deadline passed, no answer yet.
	StepFeedbackReminder StepKind = "reminder.feedback"
	// StepFeedbackBreach: the feedback deadline passed, no answer (or one given after it, that no breach was
	// recorded for).
	StepFeedbackBreach StepKind = "breach.feedback"
)

// Step is one thing due: a reminder's index in N; the instant it fell due in Due.
type Step struct {
	Kind StepKind
	N    int
	Due  time.Time
}

// Due lists what is due at now, in the order to do it. Reminders whose instant passed together (the checker
// was stopped) give one step, the latest; none is given once their deadline itself passed. While the SQL email
// is unconfirmed only its staleness can be due: the deadlines wait for it. An SQL email the checker claimed and
// never handed to SES is no step: the checker sends it through its gate (CheckerMailToSend).
func (h Handoff) Due(now time.Time) []Step {
	if h.Ended() {
		return nil
	}
	if h.Mail.Status == outbox.MailBounced {
		if h.BounceDue() {
			return []Step{{Kind: StepBounced, Due: h.BouncedAt}}
		}
		return nil // held: nothing is asked of a rep who never had the SQL
	}
	if h.Mail.Outstanding() {
		switch at := h.mailCheckAt(); {
		case at.After(now), h.CheckerMailToSend():
			return nil
		case h.checkerMailInterrupted():
			return []Step{{Kind: StepInterruptedMail, Due: at}}
		default:
			return []Step{{Kind: StepStuckMail, Due: at}}
		}
	}
	var steps []Step
	switch {
	case h.FirstContactBreached:
	case h.ContactedLate():
		// Contacted after the deadline, before a pass of the checker saw it: the breach is recorded all the same.
		steps = append(steps, Step{Kind: StepFirstContactBreach, Due: h.FirstContactDue})
	case h.Contacted():
	case !h.FirstContactDue.After(now):
		steps = append(steps, Step{Kind: StepFirstContactBreach, Due: h.FirstContactDue})
	default:
		if n := h.remindersDue(now); n > h.Reminded {
			steps = append(steps, Step{Kind: StepReminder, N: n - 1, Due: h.Reminders[n-1]})
		}
	}
	switch {
	case h.FeedbackBreached:
	case h.AnsweredLate():
		steps = append(steps, Step{Kind: StepFeedbackBreach, Due: h.FeedbackDue})
	case !h.Answered():
		if !h.FeedbackDue.After(now) {
			steps = append(steps, Step{Kind: StepFeedbackBreach, Due: h.FeedbackDue})
		} else if n := pointsDue(h.FeedbackReminders, now); n > h.FeedbackReminded {
			steps = append(steps, Step{Kind: StepFeedbackReminder, N: n - 1, Due: h.FeedbackReminders[n-1]})
		}
	}
	if s, ok := h.outcomeStep(now); ok {
		steps = append(steps, s)
	}
	return steps
}

// remindersDue counts the first-contact reminder instants at or before now.
func (h Handoff) remindersDue(now time.Time) int { return pointsDue(h.Reminders, now) }

// pointsDue counts the instants at or before now.
func pointsDue(points []time.Time, now time.Time) int {
	n := 0
	for n < len(points) && !points[n].After(now) {
		n++
	}
	return n
}

// EventKind is the kind of an SLA event the checker records.
type EventKind string

// SLA events.
const (
	EventReminder           EventKind = "reminder"             // to the rep: first contact is due soon
	EventFeedbackReminder   EventKind = "reminder.feedback"    // to the rep: the answer is due soon
	EventAwayEscalation     EventKind = "escalation.away"      // to the manager: the rep is out of office
	EventFirstContactBreach EventKind = "breach.first_contact" // escalation to the manager (and marketing ops)
	EventReassignment       EventKind = "reassignment"         // the SQL email goes to the next rep (the hand-off's Mail)
	EventFeedbackBreach     EventKind = "breach.feedback"      // to the rep, the manager in copy
	EventStuckMail          EventKind = "mail.stuck"           // to marketing ops: the SQL email was resent
	EventUndelivered        EventKind = "mail.undelivered"     // to marketing ops: an email was abandoned
)

// EventKinds are every SLA event kind, for readers that go through them all (the report).
var EventKinds = []EventKind{EventReminder, EventFeedbackReminder, EventAwayEscalation, EventFirstContactBreach,
	EventReassignment, EventFeedbackBreach, EventStuckMail, EventUndelivered, EventBounced}

// OpsAlert reports the kinds whose email goes to marketing ops: an alert whose own email fails is not alerted
// about again.
func (k EventKind) OpsAlert() bool { return k == EventStuckMail || k == EventUndelivered }

// Event is one SLA event: recorded once, with its instant and the contract in force, indexed by month for the
// report; most send one email, whose progress Mail holds.
type Event struct {
	Handoff Key
	Kind    EventKind
	// Assignment is the index of the assignment that held the SQL when the event happened (for a reassignment,
	// the one it was taken from): a reassigned SQL's new rep has reminders and breaches of their own.
	Assignment int
	// N tells events of one kind apart within an assignment: a reminder's index, the resend's attempt, the
	// count of undelivered alerts; 0 for what happens once per assignment.
	N   int
	At  time.Time // when it was recorded
	Due time.Time // the deadline or reminder instant it concerns

	RepID     string // the rep concerned (the breaching rep, the one reminded, the one reassigned from)
	ManagerID string // the manager told, when there is one
	ToRepID   string // reassignment: the rep who takes the SQL
	// BusinessMinutesLate is how late the breach was recorded (business time after the deadline).
	BusinessMinutesLate int
	Reason              string // reassignment: why this rep; the alerts to ops: a Reason constant
	// About is, on an EventUndelivered, the kind of the email given up ("" for the SQL email); AboutAssignment
	// and AboutN are its event's (which rep's, which reminder), AboutDue the instant it concerned (a reminder's
	// instant, the deadline missed; for the SQL email, the assignment's). AboutDue is zero on an alert recorded
	// before these were kept, which then names the email by its kind alone.
	About           EventKind
	AboutAssignment int
	AboutN          int
	AboutDue        time.Time
	ContractVersion string

	Mail outbox.Mail // zero Status: the event sends no email
}

// ID names the event within its hand-off — kind#assignment.n: "reminder#0.1" (the second reminder of the first
// rep), "breach.first_contact#1.0" (the second rep's breach)…; recording an ID twice is refused by the store, so
// an event happens once.
func (e Event) ID() string {
	return string(e.Kind) + "#" + strconv.Itoa(e.Assignment) + "." + strconv.Itoa(e.N)
}

func (h *Handoff) event(kind EventKind, n int, now, due time.Time, withMail bool) Event {
	e := Event{Handoff: h.Key, Kind: kind, Assignment: len(h.Assignments) - 1, N: n, At: now, Due: due, RepID: h.Rep(), ContractVersion: h.ContractVersion}
	if withMail {
		e.Mail = outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: now}
		h.Pending = append(h.Pending, e.ID())
	}
	return e
}

// Remind records reminder n for the rep who holds the SQL; the reminders before it are dealt with too.
func (h *Handoff) Remind(n int, now time.Time) Event {
	e := h.event(EventReminder, n, now, h.Reminders[n], true)
	h.Reminded = n + 1
	return e
}

// RemindFeedback records feedback reminder n for the rep who holds the SQL; the ones before it are dealt with.
func (h *Handoff) RemindFeedback(n int, now time.Time) Event {
	e := h.event(EventFeedbackReminder, n, now, h.FeedbackReminders[n], true)
	h.FeedbackReminded = n + 1
	return e
}

// EscalateAway records that the rep is out of office at a reminder point (the step s, a first-contact or a
// feedback reminder): no reminder to someone away; their manager is told once, at the first such point.
func (h *Handoff) EscalateAway(s Step, managerID string, now time.Time) (Event, bool) {
	if s.Kind == StepFeedbackReminder {
		h.FeedbackReminded = s.N + 1
	} else {
		h.Reminded = s.N + 1
	}
	if h.AwayEscalated {
		return Event{}, false
	}
	h.AwayEscalated = true
	e := h.event(EventAwayEscalation, 0, now, s.Due, true)
	e.ManagerID = managerID
	return e, true
}

// BreachFirstContact records that the rep who holds the SQL let the first-contact deadline pass: an
// escalation to their manager. The breach stays on this rep whatever happens next.
func (h *Handoff) BreachFirstContact(managerID string, minutesLate int, now time.Time) Event {
	e := h.event(EventFirstContactBreach, 0, now, h.FirstContactDue, true)
	e.ManagerID, e.BusinessMinutesLate = managerID, minutesLate
	h.FirstContactBreaches++
	h.FirstContactBreached = true
	h.Reminded = len(h.Reminders)
	return e
}

// Reassign gives the SQL to the next rep after a breach: a fresh clock from now, and the SQL email to them
// (the hand-off's Mail, claimed again).
func (h *Handoff) Reassign(a Assignment, d Deadlines, now time.Time) Event {
	e := h.event(EventReassignment, 0, now, h.FirstContactDue, false)
	e.ToRepID, e.Reason = a.RepID, a.Reason
	h.Assignments = append(h.Assignments, a)
	h.Reassignments++
	h.startClock(d)
	h.Mail = outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: now}
	return e
}

// BreachFeedback records that the feedback deadline passed without an answer: the rep is reminded to answer,
// their manager in copy. An answer given late, before the checker saw the deadline pass, is a breach recorded
// with no email: there is nothing left to ask for.
func (h *Handoff) BreachFeedback(managerID string, minutesLate int, now time.Time) Event {
	e := h.event(EventFeedbackBreach, 0, now, h.FeedbackDue, !h.Answered())
	e.ManagerID, e.BusinessMinutesLate = managerID, minutesLate
	h.FeedbackBreached = true
	return e
}

// ResendStuck deals with an SQL email left unconfirmed: it goes once more — marked as a possible duplicate when
// it may have left already (it was being handed to SES) — and the rep's deadlines count from this send. The
// first resend tells marketing ops (an EventStuckMail with an email); later ones are recorded without one. An
// email whose hand-overs to SES failed outbox.MaxMailAttempts times (refused, or outcome unknown) is abandoned instead
// (an EventUndelivered to marketing ops), and the deadlines count from now all the same, so that the breach, if
// any, reaches the manager.
func (h *Handoff) ResendStuck(d Deadlines, now time.Time) Event {
	reason := ReasonNeverHanded
	if h.Mail.Status == outbox.MailSending {
		reason = ReasonUnknownResent
	}
	return h.resend(d, true, reason, now)
}

// ResendInterrupted deals with an SQL email the checker itself was handing to SES when its run died (or SES's
// answer was lost), InterruptedAfter ago: nobody can still be sending it (outbox.SendTimeout), and it may have
// left. It goes once more, at once, marked as a possible duplicate, and the rep's deadlines still count from where
// they did — the reassignment, or the resend — since the rep loses a minute, not their clock. Marketing ops are
// told at the first resend, and the email abandoned after outbox.MaxMailAttempts hand-overs, as ResendStuck does (d is
// the clock from now, used only then).
func (h *Handoff) ResendInterrupted(d Deadlines, now time.Time) Event {
	return h.resend(d, false, ReasonInterrupted, now)
}

// resend claims the SQL email again (or abandons it), the rep's clock restarted when restart is set.
func (h *Handoff) resend(d Deadlines, restart bool, reason string, now time.Time) Event {
	maybeSent := h.Mail.Status == outbox.MailSending
	attempts := h.Mail.Attempts
	if maybeSent {
		attempts++ // a hand-over whose outcome is unknown; a refusal was counted when it happened
	}
	if attempts >= outbox.MaxMailAttempts {
		// Given up: the deadlines count from now, so that the breach, if any, reaches the manager.
		assigned := h.Assignments[len(h.Assignments)-1].At
		h.startClock(d)
		h.Mail.Status, h.Mail.Attempts = outbox.MailAbandoned, attempts
		e := h.event(EventUndelivered, h.Undelivered, now, now, true)
		e.Reason = fmt.Sprintf(ReasonSQLAbandoned, attempts)
		e.AboutAssignment, e.AboutDue = e.Assignment, assigned
		h.Undelivered++
		return e
	}
	due := h.mailCheckAt()
	if restart {
		h.startClock(d)
	}
	e := h.event(EventStuckMail, h.Resends, now, due, h.Resends == 0)
	e.Reason = reason
	h.Resends++
	h.Mail = outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: now, Attempts: attempts, PossibleDuplicate: maybeSent || h.Mail.PossibleDuplicate}
	return e
}

// Withdraw ends a hand-off whose SQL email may not leave — the lead's latest answer to the consent question is
// no, and the rep who holds the SQL has not had the email (a refusal of SES, a resend, a reassignment): the email
// is abandoned, nothing more is checked or sent about the SQL (no reminder, deadline or breach: nothing is asked
// of a rep who was never given it), and marketing ops are told (an EventUndelivered about the SQL email, which
// says not to pass the lead on).
func (h *Handoff) Withdraw(now time.Time) Event {
	assigned := h.Assignments[len(h.Assignments)-1].At
	h.Mail.Status = outbox.MailAbandoned
	h.Withdrawn = now
	e := h.event(EventUndelivered, h.Undelivered, now, now, true)
	e.Reason = ReasonConsentRefused
	e.AboutAssignment, e.AboutDue = e.Assignment, assigned
	h.Undelivered++
	return e
}

// Reasons recorded on the alerts to marketing ops (in English, for the record and the logs; the emails say them
// in the contract's language, and a test pins their words to these).
const (
	ReasonNeverHanded   = "the SQL email was claimed but never handed to SES: it was sent now"
	ReasonUnknownResent = "the outcome of the SQL email is unknown: it was resent, marked as a possible duplicate"
	ReasonSQLAbandoned  = "the SQL email could not be sent after %d attempts: the rep must be told by hand"
	ReasonInterrupted   = "the checker's sending of the SQL email was interrupted (its run died, or SES's answer was lost): it was resent, marked as a possible duplicate, and the rep's deadlines did not move"
	// ReasonConsentRefused: the SQL email withheld (Withdraw).
	ReasonConsentRefused = "the lead's latest answer to the consent question is no: the SQL email was not sent, and the hand-off ended (no reminders, no deadlines)"
	// The checker's own emails, given up (Undeliverable).
	ReasonUnknownNotResent = "its outcome is unknown (its sending was interrupted): it was not sent again"
	ReasonRefused          = "SES refused it %d times"
	ReasonUncomposable     = "it could not be composed (someone it goes to is not in the contract)"
)

// Undeliverable gives up the email of event e (refused outbox.MaxMailAttempts times, or its outcome unknown: the
// checker's emails are never resent blindly): e leaves the pending list and marketing ops are told (an
// EventUndelivered about e's kind), unless e was itself an alert to them. why is one of the Reason constants.
func (h *Handoff) Undeliverable(e Event, why string, now time.Time) (Event, bool) {
	h.Confirmed(e.ID())
	if e.Kind.OpsAlert() {
		return Event{}, false
	}
	u := h.event(EventUndelivered, h.Undelivered, now, e.At, true)
	u.RepID, u.ManagerID, u.Reason, u.About = e.RepID, e.ManagerID, why, e.Kind
	u.AboutAssignment, u.AboutN, u.AboutDue = e.Assignment, e.N, e.Due
	h.Undelivered++
	return u, true
}

// Confirmed removes an event from the pending list once its email is settled.
func (h *Handoff) Confirmed(eventID string) bool {
	for i, id := range h.Pending {
		if id == eventID {
			h.Pending = append(h.Pending[:i], h.Pending[i+1:]...)
			return true
		}
	}
	return false
}
