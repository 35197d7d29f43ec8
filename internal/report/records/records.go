// Package records is what the monthly SLA report reads and keeps, as plain values: a month's records (Input, filled
// by the store from the `by-month` index) and the report of record of a month (Stored: its figures and the state of
// its emails).
//
// It is a leaf of package report so that internal/store can fill and read these values without linking the
// report's rendering (charts with their embedded font, templates) into every function that uses the store.
// Package report names every type here under the same name (report.Input, report.Handoff…).
package records

import (
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/ideas"
)

// Input is what the report of one month reads: the records of the `by-month` index, as plain values. The store
// fills it with one Query per kind, month and shard of the month (begins_with(monthSk, "<kind>#")) and one batch of lead reads;
// never a Scan. Window() gives the months to read.
//
//   - Created: kind "lead#", the reported month only.
//   - Transitions: kind "stage." (every stage) of the reported month and of the months after it up to AsOf (a
//     lead's stage at AsOf, the funnel's progress until AsOf), and "stage.opportunity#", "stage.customer#",
//     "stage.lost#" of the five months before it (the funnel of their cohorts).
//   - Handoffs: kind "handoff#" of the six months of the window (the trend and the funnel's cohorts; those of
//     the reported month make the sales section and the CSV).
//   - Events: the kinds of EventKinds ("reminder#", "reminder.feedback#", "escalation.away#",
//     "breach.first_contact#", "breach.feedback#", "reassignment#") of the reported month and of the months after
//     it up to AsOf: those of the month's hand-offs are what happened to them by AsOf; those of earlier hand-offs
//     after Since are what happened to earlier SQLs since the last report.
//   - Holds: kind "held#" of the reported month: the leads that qualified for sales and were kept from them for
//     want of consent (a hold released by consent is a Transition to sql after it).
//   - Current: the leads handed off in the reported month, read by ID (BatchGetItem, projected on stage,
//     belowSqlThreshold and belowSqlAts).
//
// Records may come in any order. A record of a month outside the window, or after AsOf, is ignored.
type Input struct {
	// Month is the month reported, in the contract's time zone.
	Month contract.Month
	// AsOf is when the figures are taken (the schedule's instant): anything recorded after it is not counted,
	// so computing the same month again from the same records gives the same report. A deadline after AsOf
	// that was not met yet is pending, not missed. Zero takes everything recorded.
	AsOf time.Time
	// Since is the as-of instant of the previous month's report: what happened after it to SQLs of earlier
	// months is reported with this month (it was not in theirs). Zero is the start of Month.
	Since       time.Time
	Created     []Created
	Transitions []Transition
	Handoffs    []Handoff
	Events      []Event
	Holds       []Hold
	Current     map[string]Current
	// Ideas are sales' ideas and field feedback recorded in Month's quarter up to AsOf (ideas.go).
	Ideas []ideas.Record
	// Alerts: the store read when each hand-off of Month was alerted (Handoff.AlertedAt), by key (the by-month
	// index projects no email state). False: the alert commitment is not measured.
	Alerts bool `json:",omitempty"`
	// Digests are the weekly content digests whose slot falls in Month, up to AsOf (one per rep and week that had
	// something new; package content). DigestsRead: the store read them (false: the content commitment is not
	// measured).
	Digests     []WeeklyDigest `json:",omitempty"`
	DigestsRead bool           `json:",omitempty"`
	// Listed are the content pieces listed (the later of publication and first receipt) from eight days before
	// Month to its end, up to AsOf, read with the digests: the report finds the weeks that had something for a
	// rep and no digest recorded (the digest never ran).
	Listed []ListedPiece `json:",omitempty"`
}

// ListedPiece is a content piece as the report reads it: its key, when it was listed, and who it is for.
type ListedPiece struct {
	Key                  string
	SharedFrom           time.Time
	Segments, Industries []string
}

// WeeklyDigest is one rep's weekly content digest as the report counts it: due at Slot, sent or not (given up, or its
// outcome unknown: not known to have reached the rep), and the pieces it shared (their keys, content.Piece.Key:
// the report counts each piece once however many reps and weeks shared it).
type WeeklyDigest struct {
	RepID  string
	Slot   time.Time
	Pieces []string
	Sent   bool
}

// Hold is a lead that qualified for sales and was kept from them for want of consent (record
// "held#<at>#<leadId>"), as scoring records it when the hold starts. Consent given later hands the lead off: a
// Transition to sql after At.
type Hold struct {
	LeadID      string
	At          time.Time
	Reason      string // HeldRefused or HeldMissing
	Source      string // the lead's first source
	UTMCampaign string
}

// Why a lead was held, as package lead names it (lead.HoldReason).
const (
	HeldRefused = "consent_refused" // its latest answer was no
	HeldMissing = "consent_missing" // it never answered, and the contract holds such leads
)

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
// again after a rejection has one Handoff per hand-off. What it was at an earlier instant (the report's AsOf)
// follows from the instants recorded: every assignment, every clock (set of deadlines) with the instant it
// started, the contact and the answer, and the hand-off's SLA events.
type Handoff struct {
	LeadID          string
	At              time.Time // the hand-off instant: the SLA clock starts
	ContractVersion string
	RepID           string       // who holds it now
	Assignments     []Assignment // every assignment, the first at the hand-off; a reassignment adds one
	// Clocks are every set of deadlines it ran against, in order (the hand-off's, each reassignment's, each
	// resend of a stuck SQL email's). Hand-offs recorded before clocks were kept have none: their current
	// deadlines below stand for the last assignment's, and an earlier assignment's deadline is taken as the
	// instant it was reassigned (a reassignment happens at the breach).
	Clocks          []Clock
	FirstContactDue time.Time // the current deadlines
	FeedbackDue     time.Time

	ContactedAt    time.Time // zero until contacted (an answer counts as a contact)
	ContactChannel string    // phone | email | meeting
	ContactRepID   string    // who made the contact

	Answer        string // accepted | rejected | ""
	AnsweredAt    time.Time
	RejectReason  string // one of the contract's notify.reject_reasons
	RejectComment string // free text, required for "other"

	Source      string // the lead's source, denormalised at hand-off time
	UTMCampaign string

	// AlertedAt is when the SQL email of its first assignment was settled sent (the item's alertedAt, written
	// once: a reassignment's email does not change it); for a hand-off stored before alertedAt was kept and
	// never reassigned, its email's sending instant (it is the first one). Zero when not sent yet, never, or not
	// read (Input.Alerts). The report counts it alerted iff AlertedAt is at or before AsOf.
	AlertedAt time.Time
	// AlertBouncedAt is when SES reported that first SQL email bounced for good (the item's alertBouncedAt,
	// written once): from then on the SQL counts as not alerted — the rep never had the email.
	AlertBouncedAt time.Time
	// AlertUnknown: stored without alertedAt and reassigned, so whether its first email was sent is no longer
	// held — left out of the alert figure.
	AlertUnknown bool
}

// Clock is one set of deadlines of a hand-off (handoff.Clock): for the assignment of that index, from From.
type Clock struct {
	Assignment                   int
	From                         time.Time
	FirstContactDue, FeedbackDue time.Time
}

// Assignment is a rep taking an SQL: their own first-contact clock starts at At.
type Assignment struct {
	RepID string
	At    time.Time
}

// Stage is a lead's stage, as package lead names it (subscriber -> lead -> mql -> sql -> accepted | rejected ->
// opportunity -> customer | lost). Not lead.Stage itself: the report reads stored text, and this package stays a
// leaf.
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

// Answers a rep gives an SQL.
const (
	Accepted = handoff.Accepted
	Rejected = handoff.Rejected
)

// EventKind is the kind of an SLA event, as the deadline checker records it (handoff.EventKind): its record's
// monthSk starts with it.
type EventKind = handoff.EventKind

// The SLA events the report counts, per rep: reminders of both kinds, breaches, reassignments, and the
// escalation to the manager of a rep who is away (an escalation, not a breach). The checker's alerts to
// marketing ops about emails (mail.stuck, mail.undelivered) are not the rep's doing and are not read.
const (
	Reminder            = handoff.EventReminder
	FeedbackReminder    = handoff.EventFeedbackReminder
	AwayEscalation      = handoff.EventAwayEscalation
	FirstContactBreach  = handoff.EventFirstContactBreach
	FeedbackBreachEvent = handoff.EventFeedbackBreach
	Reassignment        = handoff.EventReassignment
)

// CRM care's events (sales.outcome_within): an accepted SQL's outcome deadline passed, with or without an outcome.
const (
	OutcomeMissing = handoff.EventOutcomeMissing
	OutcomeInTime  = handoff.EventOutcomeInTime
)

// EventKinds are the kinds the report reads, one Query each.
var EventKinds = []EventKind{Reminder, FeedbackReminder, AwayEscalation, FirstContactBreach, FeedbackBreachEvent, Reassignment,
	OutcomeMissing, OutcomeInTime}

// Event is an SLA event (deadline checker): a reminder, a breach, an escalation, a reassignment.
type Event struct {
	Kind   EventKind
	LeadID string
	// HandoffAt names the hand-off it happened to (zero in records that lack it: the lead's latest hand-off
	// before At); Assignment is the index of the assignment that held the SQL then.
	HandoffAt       time.Time
	Assignment      int
	At              time.Time // when it was recorded
	Due             time.Time // the deadline or reminder instant it concerns
	RepID           string    // the rep concerned
	ContractVersion string
	FromRep, ToRep  string // reassignments
}

// Current is a lead's present state, read by ID.
type Current struct {
	Stage Stage
	// BelowSQLThreshold: an SQL whose score decayed below the contract's SQL threshold since.
	BelowSQLThreshold bool
	// BelowSQLAts are the instants the lead's score, an SQL, first fell below the SQL threshold after each of its
	// hand-offs (kept when it climbs back, or is handed off again): the fall belongs to the latest hand-off before
	// it. Empty when it never fell, or when the lead was recorded before they were kept (BelowSQLThreshold alone
	// tells then, for its latest hand-off, as it stands).
	BelowSQLAts []time.Time
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
