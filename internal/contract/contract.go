// Package contract is the marketing–sales SLA as both teams sign it: one YAML file with the calendar business
// hours are counted in, marketing's monthly targets, sales' deadlines, the roster and who receives what.
//
// Load validates strictly (unknown keys, wrong types, dangling references, overlaps, gaps) and reports every
// problem at once with its line and key path; a Contract that loaded is safe to use without further checks.
package contract

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/worktime"
)

// Locale is the language of every email and page Handoff produces.
type Locale string

// Supported locales.
const (
	French  Locale = "fr"
	English Locale = "en"
)

// Locales are the languages a contract may choose; every email and page has its words in each (package words,
// whose tests walk this list).
var Locales = []Locale{French, English}

// Contract is a loaded, valid SLA contract.
type Contract struct {
	// Version names this text of the contract; it is recorded with every stage transition and breach, so a
	// report can say which rules were in force.
	Version string
	// Digest is the SHA-256 of the file, hex: two deployments with the same Version but different texts differ.
	Digest     string
	Company    string
	Locale     Locale
	Location   *time.Location
	Calendar   *worktime.Calendar
	Country    string
	ClosedDays []Date
	OpenDays   []Date
	Marketing  Marketing
	Sales      Sales
	Roster     Roster
	Recipients Recipients
	Sender     *mail.Address
	// Sources are the webhooks allowed to post leads, activities and sales outcomes.
	Sources []Source
	// ActivityTypes are the custom activity types marketing declared, besides the built-in ones.
	ActivityTypes []string
	// ActivityLabels are what sales read for a custom activity type, by its id, when activity_types gives one
	// ({id, label}); a type without one is named by a scoring rule's label (checked at load).
	ActivityLabels map[string]Label
	// Scoring is how leads become MQLs and SQLs; nil when the contract has no scoring section.
	Scoring *Scoring
	// Routing is who receives SQLs; nil when the contract has no routing section.
	Routing *Routing
	Notify  Notify
	// Consent is which form question asks for consent and what a missing answer means (a refusal always holds a
	// lead from sales); without a consent section, a missing answer is allowed.
	Consent Consent
	// Retention is how long what Handoff stores about people is kept (the defaults when the contract says
	// nothing).
	Retention Retention
	// Warnings are likely mistakes that do not make the contract invalid (a short `matches` alternative without
	// a word boundary), by line; `contract check` prints them.
	Warnings []Problem
}

// SourceKind says which route a source may post to.
type SourceKind string

// Source kinds.
const (
	FormSource     SourceKind = "form"       // form submissions: create or update a lead
	ActivitySource SourceKind = "activities" // tracking: page views, downloads, webinars, clicks...
	OutcomeSource  SourceKind = "outcomes"   // the CRM: opportunity created, won, lost
	ContentSource  SourceKind = "content"    // the CMS: pieces published for sales (content.go)
)

// Source is one webhook sender: how it signs, how its payload is shaped, where its fields go.
type Source struct {
	ID     string
	Kind   SourceKind
	Format string // generic | typeform | webflow
	Auth   string // standard-webhooks | typeform | webflow | shared-secret
	// Secret is a reference, never the secret: ssm:/name (SecureString), secretsmanager:name or env:NAME.
	Secret   string
	Honeypot string            // a field humans never fill; a submission with it set is discarded
	Mapping  map[string]string // source field -> lead field (a content source: -> content field)
	// BaseURL, for a content source whose CMS sends a slug rather than a URL (Webflow): the piece's URL is
	// BaseURL followed by its slug.
	BaseURL string
}

// Source finds a source by ID.
func (c *Contract) Source(id string) (Source, bool) {
	for _, s := range c.Sources {
		if s.ID == id {
			return s, true
		}
	}
	return Source{}, false
}

// Marketing holds marketing's commitments.
type Marketing struct {
	// Targets are effective-dated, sorted, contiguous and non-overlapping; the last may be open-ended.
	Targets []Target
	// ReviewMeeting is the monthly SLA review both teams hold (marketing.review_meeting); nil: none scheduled, the
	// monthly report carries no invitation.
	ReviewMeeting *ReviewMeeting
	// Digest is the weekly email of the content published for sales (content.go); nil: no digest, "not
	// measured".
	Digest *Digest
}

// Target is the monthly commitment in force from From to To (inclusive; To is zero when open-ended).
type Target struct {
	From, To Month
	SQLs     int
	MQLs     int // 0 when marketing committed to no MQL figure
}

// Sales holds sales' commitments, counted in business time from the hand-off of an SQL.
type Sales struct {
	FirstContact time.Duration
	Feedback     time.Duration
	// Reminders are percentages of the first-contact deadline, increasing, each in (0, 100).
	Reminders []int
	// FeedbackReminders are percentages of the feedback deadline, likewise: the rep is reminded to accept or
	// reject before the deadline passes.
	FeedbackReminders []int
	// OnBreach is what a first-contact breach does beyond telling the rep's manager.
	OnBreach BreachAction
	// OnBounce is what an SQL email that bounced (or was complained of) does: BounceReassign by default.
	OnBounce BounceAction
	// EscalateToMarketingOps copies marketing ops on every escalation to a manager.
	EscalateToMarketingOps bool
	// ContactRateTarget is the share of SQLs sales commit to contact within the first-contact deadline, in
	// percent (0, 100]; 0 when the contract sets no target.
	ContactRateTarget int
	// OutcomeWithin is how many business days after accepting an SQL the rep has to record its outcome in the
	// CRM (an opportunity, a deal won or lost): see OutcomeDue. 0 when the contract does not measure it (no
	// reminder, "not measured" in the report).
	OutcomeWithin int
	// FeedbackCategories are what a rep's field feedback is about (sales.feedback_categories, ideas.go);
	// DefaultFeedbackCategories when the contract lists none.
	FeedbackCategories []FeedbackCategory
	// FeedbackPerMonth is how many field feedbacks each rep commits to a month; 0: not measured.
	FeedbackPerMonth int
	// IdeasPerQuarter is how many content ideas each rep commits to a quarter; 0: not measured.
	IdeasPerQuarter int
}

// BreachAction is what a first-contact breach does.
type BreachAction string

// Breach actions.
const (
	// Escalate: the rep's manager is told; the rep keeps the SQL.
	Escalate BreachAction = "escalate"
	// Reassign: the manager is told and the SQL goes to the next eligible rep by the routing rules (the reps
	// who held it excluded), with a fresh deadline.
	Reassign BreachAction = "reassign"
)

// Roster is the sales team.
type Roster struct {
	Managers []Manager
	Reps     []Rep
}

// Manager receives escalations for the reps who report to them.
type Manager struct {
	ID, Name, Email string
}

// Rep is a sales representative who receives SQLs.
type Rep struct {
	ID, Name, Email string
	Manager         string // a Manager ID
	Territories     []string
	Segments        []string
	OutOfOffice     []Absence // sorted, non-overlapping
	Weight          int       // share of round-robin assignments (default 1)
	MaxOpenSQLs     int       // capacity: SQLs awaiting feedback at most; 0 is no limit
}

// Absence is an out-of-office period, whole days, both ends included.
type Absence struct {
	From, To Date
}

// Recipients lists who receives the reports and operational alerts.
type Recipients struct {
	Leadership   []string
	MarketingOps []string
}

// TargetFor returns the marketing target in force in month m.
func (c *Contract) TargetFor(m Month) (Target, bool) {
	for _, t := range c.Marketing.Targets {
		if !m.Before(t.From) && (t.To.IsZero() || !t.To.Before(m)) {
			return t, true
		}
	}
	return Target{}, false
}

// Rep finds a rep by ID.
func (c *Contract) Rep(id string) (Rep, bool) {
	for _, r := range c.Roster.Reps {
		if r.ID == id {
			return r, true
		}
	}
	return Rep{}, false
}

// Manager finds a manager by ID.
func (c *Contract) Manager(id string) (Manager, bool) {
	for _, m := range c.Roster.Managers {
		if m.ID == id {
			return m, true
		}
	}
	return Manager{}, false
}

// FirstContactDue is when sales must have contacted an SQL handed off at handoff. Load made sure the deadline
// is within the clock's horizon; the error is there for a contract built otherwise.
func (c *Contract) FirstContactDue(handoff time.Time) (time.Time, error) {
	return c.Calendar.Add(handoff, c.Sales.FirstContact)
}

// FeedbackDue is when sales must have accepted or rejected an SQL handed off at handoff.
func (c *Contract) FeedbackDue(handoff time.Time) (time.Time, error) {
	return c.Calendar.Add(handoff, c.Sales.Feedback)
}

// ReminderTimes are the instants reminders fall due for an SQL handed off at handoff, in order. A percentage of
// the deadline is rounded down to the clock's resolution (a reminder is never late).
func (c *Contract) ReminderTimes(handoff time.Time) ([]time.Time, error) {
	return c.points(handoff, c.Sales.FirstContact, c.Sales.Reminders)
}

// FeedbackReminderTimes are the instants the rep is reminded to answer, in order, rounded down likewise.
func (c *Contract) FeedbackReminderTimes(handoff time.Time) ([]time.Time, error) {
	return c.points(handoff, c.Sales.Feedback, c.Sales.FeedbackReminders)
}

func (c *Contract) points(from time.Time, deadline time.Duration, percents []int) ([]time.Time, error) {
	out := make([]time.Time, len(percents))
	for i, p := range percents {
		at, err := c.Calendar.Add(from, (deadline * time.Duration(p) / 100).Truncate(worktime.Resolution))
		if err != nil {
			return nil, err
		}
		out[i] = at
	}
	return out, nil
}

// Away reports whether the rep is out of office on the local date of t.
func (r Rep) Away(t time.Time, loc *time.Location) bool {
	d := DateOf(t.In(loc))
	for _, a := range r.OutOfOffice {
		if !d.Before(a.From) && !a.To.Before(d) {
			return true
		}
	}
	return false
}

// Month is a calendar month.
type Month struct {
	Year  int
	Month time.Month
}

// MonthOf is the month of t, in t's location.
func MonthOf(t time.Time) Month { return Month{t.Year(), t.Month()} }

// String renders "2026-07".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// IsZero reports whether m is the zero Month.
func (m Month) IsZero() bool { return m == Month{} }

// Before reports whether m is strictly before o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || (m.Year == o.Year && m.Month < o.Month)
}

// Next is the month after m.
func (m Month) Next() Month {
	if m.Month == time.December {
		return Month{m.Year + 1, time.January}
	}
	return Month{m.Year, m.Month + 1}
}

// Prev is the month before m.
func (m Month) Prev() Month {
	if m.Month == time.January {
		return Month{m.Year - 1, time.December}
	}
	return Month{m.Year, m.Month - 1}
}

// Date is a civil date, without a zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String renders "2026-12-24".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// Before reports whether d is strictly before o.
func (d Date) Before(o Date) bool {
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month != o.Month {
		return d.Month < o.Month
	}
	return d.Day < o.Day
}

// Problem is one thing wrong in a contract file.
type Problem struct {
	Line    int
	Path    string
	Message string
}

// ValidationError lists every problem found in a contract file.
type ValidationError struct {
	File     string
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s):", e.File, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String(e.File))
	}
	return b.String()
}

// String renders "contract.yaml:12: sales.first_contact_deadline: must be positive, got \"-2h\"".
func (p Problem) String(file string) string {
	loc := file
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d", file, p.Line)
	}
	if p.Path == "" {
		return loc + ": " + p.Message
	}
	return loc + ": " + p.Path + ": " + p.Message
}
