package report

import (
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/report/records"
)

// The records the report reads live in package records (see there), a leaf that the store fills without linking
// this package's rendering; they go by the same names here.
type (
	// Input is a month's records; see records.Input.
	Input = records.Input
	// Created is a lead's creation; see records.Created.
	Created = records.Created
	// Transition is a change of stage; see records.Transition.
	Transition = records.Transition
	// Handoff is one SQL hand-off as it stands; see records.Handoff.
	Handoff = records.Handoff
	// Assignment is a rep taking an SQL; see records.Assignment.
	Assignment = records.Assignment
	// Stage is a lead's stage; see records.Stage.
	Stage = records.Stage
	// EventKind is the kind of an SLA event (handoff.EventKind).
	EventKind = records.EventKind
	// Event is an SLA event of the month; see records.Event.
	Event = records.Event
	// Current is a lead's present state; see records.Current.
	Current = records.Current
	// Hold is a lead kept from sales for want of consent; see records.Hold.
	Hold = records.Hold
)

// The stages the report counts.
const (
	Subscriber  = records.Subscriber
	NewLead     = records.NewLead
	MQL         = records.MQL
	SQL         = records.SQL
	Opportunity = records.Opportunity
	Customer    = records.Customer
	Lost        = records.Lost
)

// Answers a rep gives an SQL.
const (
	Accepted = records.Accepted
	Rejected = records.Rejected
)

// The SLA events the report counts (see records).
const (
	Reminder            = records.Reminder
	FeedbackReminder    = records.FeedbackReminder
	AwayEscalation      = records.AwayEscalation
	FirstContactBreach  = records.FirstContactBreach
	FeedbackBreachEvent = records.FeedbackBreachEvent
	Reassignment        = records.Reassignment
	OutcomeMissing      = records.OutcomeMissing
	OutcomeInTime       = records.OutcomeInTime
)

// Months is how many months the trend and the funnel show: the reported month and the five before it.
const Months = records.Months

// Window is the months the report of m reads, oldest first: m and the five months before it.
func Window(m contract.Month) []contract.Month { return records.Window(m) }

// rank orders the stages up to SQL; any stage past SQL ranks as SQL.
func rank(s Stage) int {
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
