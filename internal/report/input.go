package report

import (
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
)

// Input is what the report of one month reads: the records of the `by-month` index, as plain values. The store
// fills it with one Query per kind and month (begins_with(monthSk, "<kind>#")) and one batch of lead reads;
// never a Scan. Window() gives the months to read.
//
//   - Created: kind "lead#", the reported month only.
//   - Transitions: kind "stage." (every stage) of the reported month, and "stage.opportunity#",
//     "stage.customer#", "stage.lost#" of the five months before it (the funnel of their cohorts).
//   - Handoffs: kind "handoff#" of the six months of the window (the trend and the funnel's cohorts; those of
//     the reported month make the sales section and the CSV).
//   - Events: kinds "reminder#", "feedback_reminder#", "breach.first_contact#", "breach.feedback#",
//     "reassignment#" of the reported month.
//   - Current: the leads handed off in the reported month, read by ID (BatchGetItem, projected on stage and
//     belowSqlThreshold).
//
// Records may come in any order. A record of a month outside the window is ignored.
type Input struct {
	// Month is the month reported, in the contract's time zone.
	Month contract.Month
	// AsOf is when the figures are taken (the schedule's instant): anything recorded after it is not counted,
	// so computing the same month again from the same records gives the same report. A deadline after AsOf
	// that was not met yet is pending, not missed. Zero takes everything recorded.
	AsOf        time.Time
	Created     []Created
	Transitions []Transition
	Handoffs    []Handoff
	Events      []Event
	Current     map[string]Current
}

// Created is a lead created by ingestion (record "lead#<at>#<leadId>").
type Created struct {
	LeadID string
	At     time.Time
	// Stage at creation: subscriber (an unknown email seen by tracking) or lead (a form). A subscriber counts
	// as a new lead only when it becomes one (a Transition from subscriber).
	Stage       Stage
	Source      string // the source that created it
	UTMCampaign string
}

// Transition is a change of stage recorded by scoring or by an answer (record "stage.<to>#<at>#<leadId>").
type Transition struct {
	LeadID          string
	From, To        Stage
	At              time.Time
	ContractVersion string
	Source          string // the lead's first source
	UTMCampaign     string
	// Amount and Currency of the deal_won, for To == customer: the decimal the CRM sent as ingestion
	// normalised it ("18500.00"), and an ISO 4217 code.
	Amount   string
	Currency string
}

// Handoff is one SQL hand-off (record "handoff#<at>#<leadId>"), as it stands when read: a lead handed off
// again after a rejection has one Handoff per hand-off.
type Handoff struct {
	LeadID          string
	At              time.Time // the hand-off instant: the SLA clock starts
	ContractVersion string
	RepID           string       // who holds it now
	Assignments     []Assignment // every assignment, the first at the hand-off; a reassignment adds one
	FirstContactDue time.Time    // for the current rep
	FeedbackDue     time.Time

	ContactedAt    time.Time // zero until contacted (an answer counts as a contact)
	ContactChannel string    // phone | email | meeting
	ContactRepID   string    // who made the contact
	// ContactedWithinDeadline is false as soon as any first-contact breach happened on this hand-off.
	ContactedWithinDeadline bool

	Answer                 string // accepted | rejected | ""
	AnsweredAt             time.Time
	RejectReason           string // one of the contract's notify.reject_reasons
	RejectComment          string // free text, required for "other"
	FeedbackWithinDeadline bool

	FirstContactBreaches int
	FeedbackBreach       bool
	Reminders            int
	Reassignments        int

	Source      string // the lead's source, denormalised at hand-off time
	UTMCampaign string
}

// Assignment is a rep taking an SQL: their own first-contact clock starts at At.
type Assignment struct {
	RepID string
	At    time.Time
}

// Stage is a lead's stage, as package lead names it (subscriber -> lead -> mql -> sql -> accepted | rejected ->
// opportunity -> customer | lost). Not lead.Stage itself: package lead links a phone-number library of several
// megabytes that the report's Lambda has no use for.
type Stage string

// The stages the report counts.
const (
	Subscriber  Stage = "subscriber"
	NewLead     Stage = "lead"
	MQL         Stage = "mql"
	SQL         Stage = "sql"
	Opportunity Stage = "opportunity"
	Customer    Stage = "customer"
	Lost        Stage = "lost"
)

// rank orders the stages up to SQL; any stage past SQL ranks as SQL.
func (s Stage) rank() int {
	switch s {
	case "", Subscriber:
		return 0
	case NewLead:
		return 1
	case MQL:
		return 2
	}
	return 3
}

// Answers a rep gives an SQL.
const (
	Accepted = "accepted"
	Rejected = "rejected"
)

// EventKind is the kind of an SLA event, as its record's monthSk prefix names it.
type EventKind string

// The SLA events the deadline checker records.
const (
	Reminder            EventKind = "reminder"
	FeedbackReminder    EventKind = "feedback_reminder"
	FirstContactBreach  EventKind = "breach.first_contact"
	FeedbackBreachEvent EventKind = "breach.feedback"
	Reassignment        EventKind = "reassignment"
)

// Event is an SLA event of the month (deadline checker): a reminder, a breach, a reassignment.
type Event struct {
	Kind            EventKind
	LeadID          string
	At              time.Time
	RepID           string // the rep concerned
	ContractVersion string
	FromRep, ToRep  string // reassignments
}

// Current is a lead's present state, read by ID.
type Current struct {
	Stage Stage
	// BelowSQLThreshold: an SQL whose score decayed below the contract's SQL threshold since.
	BelowSQLThreshold bool
}

// Months is how many months the trend and the funnel show: the reported month and the five before it.
const Months = 6

// Window is the months the report of m reads, oldest first: m and the five months before it.
func Window(m contract.Month) []contract.Month {
	out := make([]contract.Month, Months)
	for i := Months - 1; i >= 0; i-- {
		out[i] = m
		m = m.Prev()
	}
	return out
}
