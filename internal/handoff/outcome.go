package handoff

import (
	"slices"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
)

// CRM care (sales.outcome_within): an SQL the rep accepted must have an outcome in the CRM — an opportunity, a
// deal won or lost, posted by an `outcomes` source — within the contract's business days of the acceptance. The
// deadline is scheduled when the acceptance is recorded (Answer) and kept on the hand-off (OutcomeDue), which
// keeps it in the checker's due-checks index until the checker looks, once, at that instant: it reads the lead's
// outcomes and records one event — EventOutcomeInTime (no email) when one was received by then, else
// EventOutcomeMissing, whose email reminds the rep who accepted it. An outcome that arrives first changes nothing
// on the hand-off: the check finds it and sends nothing. The events are the report's CRM-care figures, by the
// month their deadline fell in.
//
// An acceptance is recorded once per hand-off (the first answer stands), and an SQL is never reassigned once
// answered, so the rep who accepted is the one reminded and counted. A lead rejected and handed off again is a new
// hand-off, with its own acceptance and its own outcome deadline; outcomes received before its hand-off are the
// earlier SQL's and do not count for it.

// CRM-care events.
const (
	// EventOutcomeMissing: the outcome deadline passed with no outcome in the CRM; the rep who accepted the SQL
	// is reminded, once.
	EventOutcomeMissing EventKind = "outcome.missing"
	// EventOutcomeInTime: the outcome deadline passed with an outcome in the CRM (no email).
	EventOutcomeInTime EventKind = "outcome.in_time"
)

// StepOutcome: the outcome deadline of an accepted SQL passed, not yet looked at.
const StepOutcome StepKind = "outcome"

// Answer records a valid response (Record) and, for an acceptance, schedules the contract's outcome deadline
// (contract.OutcomeDue; none when the contract does not measure it). The feedback page and the CRM both answer
// through it.
func (h *Handoff) Answer(r Response, c *contract.Contract) (recorded bool, err error) {
	ok, err := h.Record(r, c.Calendar)
	if err != nil || !ok || h.Decision.Verdict != Accepted {
		return ok, err
	}
	due, measured, err := c.OutcomeDue(h.Decision.At)
	if err != nil {
		return false, err
	}
	if measured {
		h.OutcomeDue = due
	}
	return true, nil
}

// outcomeDue is the outcome deadline still to be looked at (zero when none).
func (h Handoff) outcomeDue() time.Time {
	if h.OutcomeChecked || h.Decision.Verdict != Accepted {
		return time.Time{}
	}
	return h.OutcomeDue
}

// outcomeStep is the outcome deadline's step when it is due at now.
func (h Handoff) outcomeStep(now time.Time) (Step, bool) {
	due := h.outcomeDue()
	if due.IsZero() || due.After(now) {
		return Step{}, false
	}
	return Step{Kind: StepOutcome, Due: due}, true
}

// Outcomes are the CRM's outcome activities (an opportunity created, a deal won or lost).
var Outcomes = []string{lead.OpportunityCreated, lead.DealWon, lead.DealLost}

// OutcomeBy reports whether acts (a lead's activities) hold an outcome for this SQL received by the outcome
// deadline: received at or after the hand-off (an earlier one is an earlier SQL's) and at or before OutcomeDue.
// When it was received, not when the CRM says it happened: the commitment is to fill the CRM in.
func (h Handoff) OutcomeBy(acts []lead.Activity) bool {
	return slices.ContainsFunc(acts, func(a lead.Activity) bool {
		return slices.Contains(Outcomes, a.Type) && !a.ReceivedAt.Before(h.At) && !a.ReceivedAt.After(h.OutcomeDue)
	})
}

// CheckOutcome records what the outcome deadline found: an outcome in time (no email) or none, in which case the
// rep who accepted the SQL is reminded. Once: the deadline is looked at no more.
func (h *Handoff) CheckOutcome(inTime bool, now time.Time) Event {
	h.OutcomeChecked = true
	kind := EventOutcomeMissing
	if inTime {
		kind = EventOutcomeInTime
	}
	e := h.event(kind, 0, now, h.OutcomeDue, !inTime)
	e.RepID = h.Decision.RepID
	return e
}
