// Package report computes the monthly SLA report both teams and leadership read — marketing's commitment, sales'
// commitment and the shared funnel, judged against the contract — and renders it as an email: HTML that mail
// clients display (tables, inline styles, charts as inline PNGs), a plain-text part, and a CSV of the month's SQLs.
//
// It is pure: the store fills an Input from the month's records (see Input), Compute judges them, Render writes
// the parts an email is built from. Nothing here knows DynamoDB or SES.
//
// How the figures are counted:
//   - SQLs are hand-offs: a lead rejected and handed off again later is a second SQL (marketing delivered it
//     again, and sales' clock starts again). Leads and MQLs are distinct leads entering the stage in the month
//     (a lead that becomes MQL twice in a month counts once; one that goes straight to SQL counts as an MQL).
//   - Conversion rates are ratios of the month's counts (MQLs / new leads, SQLs / MQLs), not a cohort: an SQL of
//     the month may have become MQL the month before, so a rate can exceed 100%.
//   - Sales' figures are about the SQLs handed off in the month, as they stood at AsOf: what was recorded after
//     it (a contact, an answer, a breach, a reassignment, a change of stage) does not count, and a deadline still
//     running then is pending, left out of the rate. So the month computed again later gives the same figures.
//     Per rep, every count is over those SQLs (reminders, breaches, escalations, reassignments included), so the
//     per-rep table and the CSV add up. What happened after the previous report (Since) to SQLs of earlier
//     months is counted apart (Sales.Earlier): their own report could not show it.
//   - Breaches are read on the clock: a deadline passed without the contact (or the answer) in time, whether
//     or not the checker had recorded it by AsOf. Reminders and escalations are the ones recorded (sent).
//   - Business time is the contract calendar's clock (Calendar.Between), the clock of `handoff deadline`. A
//     rep's time to first contact runs from their own assignment (a reassigned SQL restarts the clock for the
//     new rep); the overall figure is over the same contacts.
//   - Percentiles are nearest-rank: the p-th percentile of n sorted values is the value of rank ⌈p·n/100⌉. It is
//     always a time that was measured, and "90th percentile 3h20" reads exactly as the SLA does: at least 90% of
//     the SQLs were contacted within 3h20. The median is the 50th percentile by the same rule (the lower middle
//     value when n is even).
//   - The funnel follows each hand-off (the cohort is its month) to accepted, opportunity and customer; a
//     stage reached later counts the earlier ones (a customer was an opportunity). A transition belongs to the
//     lead's latest hand-off before it. A cohort is open while some of its SQLs are neither rejected, lost nor
//     customers.
package report

import (
	"cmp"
	"math/big"
	"slices"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/report/records"
)

// Report is one month of the SLA, judged. Render turns it into an email; it holds no contract, so a stored
// report renders the same later.
type Report struct {
	Month    contract.Month
	AsOf     time.Time
	Company  string
	Locale   contract.Locale
	TimeZone string
	// Contract is the version the month is judged against; Recorded, the versions the month's records were
	// made under (they differ when the contract changed during or since the month).
	Contract  string
	Recorded  []string
	Marketing Marketing
	Sales     Sales
	Funnel    []Cohort // the window's months, oldest first
	Discuss   []Point  // for the SLA review, most important first
	SQLs      []SQLRow // the month's hand-offs, in hand-off order: the CSV
	// CRMCare is sales' CRM care in the month, per rep (sales.outcome_within).
	CRMCare CRMCare
	// Ideas is sales' ideas and field feedback (ideas.go); nil when nobody wrote in the quarter to date.
	Ideas *Ideas `json:",omitempty"`
	// Commitments judges every commitment of the contract, one line each (see Judge); empty in a report stored
	// before they were judged, which renders as it did.
	Commitments []Commitment `json:",omitempty"`
}

// Marketing is marketing's side: SQLs (and MQLs) delivered against the target in force that month.
type Marketing struct {
	Leads, MQLs, SQLs int
	SQLGoal, MQLGoal  Goal
	// Again counts the month's SQLs whose lead had been handed off before within the window (a lead handed off
	// again after a rejection).
	Again      int
	BySource   []Breakdown
	ByCampaign []Breakdown
	LeadToMQL  Ratio
	MQLToSQL   Ratio
	// BelowThreshold counts the month's SQLs whose score has since decayed below the SQL threshold.
	BelowThreshold int
	// HeldRefused and HeldMissing count the leads that qualified for sales in the month and were kept from them
	// for want of consent — their latest answer was no, or they never answered where the contract holds such
	// leads — and that had not consented (and been handed off) by AsOf: SQLs marketing delivered that sales may
	// not receive. A lead counts once, under its latest hold.
	HeldRefused int          `json:",omitempty"`
	HeldMissing int          `json:",omitempty"`
	Trend       []TrendMonth // the window's months, oldest first
}

// Held is the month's leads held from sales for want of consent.
func (m Marketing) Held() int { return m.HeldRefused + m.HeldMissing }

// Goal is a count against a monthly target; Target is 0 when the contract sets none.
type Goal struct{ Actual, Target int }

// Set reports whether there is a target.
func (g Goal) Set() bool { return g.Target > 0 }

// Met reports whether the target is set and reached.
func (g Goal) Met() bool { return g.Set() && g.Actual >= g.Target }

// Attainment is Actual / Target.
func (g Goal) Attainment() Ratio { return Ratio{g.Actual, g.Target} }

// Breakdown is leads, MQLs and SQLs of one source or one campaign.
type Breakdown struct {
	Key               string // "" when the records name none
	Leads, MQLs, SQLs int
}

// TrendMonth is one month of the trend: SQLs delivered against the target then in force.
type TrendMonth struct {
	Month contract.Month
	Goal
}

// Ratio is N out of D; it has no value when D is 0.
type Ratio struct{ N, D int }

// Defined reports whether the ratio has a value.
func (r Ratio) Defined() bool { return r.D > 0 }

// Percent is 100·N/D (0 when undefined).
func (r Ratio) Percent() float64 {
	if r.D == 0 {
		return 0
	}
	return 100 * float64(r.N) / float64(r.D)
}

// AtLeast reports whether N/D reaches pct percent, exactly (no rounding).
func (r Ratio) AtLeast(pct int) bool { return r.D > 0 && r.N*100 >= pct*r.D }

// Sales is sales' side: each SQL of the month contacted within the deadline, and answered within its own.
type Sales struct {
	SQLs                 int
	FirstContactDeadline time.Duration
	FeedbackDeadline     time.Duration
	// Contact: SQLs contacted within the deadline, out of those whose deadline is decided (contacted, or due).
	Contact        Ratio
	ContactPending int
	// ContactTarget is the contract's target rate in percent, 0 when none.
	ContactTarget int
	TimeToContact Times
	Feedback      Ratio // answered within the feedback deadline, out of those decided
	FeedbackPend  int
	Acceptance    Ratio // accepted out of answered
	Rejections    []Rejection
	// Reps is the month's SQLs per rep; its counts add up to the CSV's.
	Reps []RepLine
	// Earlier is, per rep, what happened after Since (the previous report's instant) and by AsOf to SQLs of
	// earlier months (breaches, reminders, escalations and reassignments, as recorded; Assigned and the rates
	// are not used): their own reports could not show it.
	Earlier []RepLine
	Since   time.Time
}

// ContactMet reports whether the contract's contact target is set and met (false while nothing is decided).
func (s Sales) ContactMet() bool { return s.ContactTarget > 0 && s.Contact.AtLeast(s.ContactTarget) }

// Times summarises business times to first contact.
type Times struct {
	Count       int
	Median, P90 time.Duration
}

// RepLine is one rep's month: what became of the month's SQLs assigned to them, as it stood at AsOf.
type RepLine struct {
	RepID, Name string
	// Left: the records name a rep the contract's roster no longer has.
	Left bool
	// Assigned counts the assignments of the month's SQLs to them (an SQL reassigned to them counts for them
	// too); Taken, those taken from them by a reassignment. Summed over the reps, Assigned less Taken is the
	// month's SQLs.
	Assigned, Taken int
	// Contact: of their assignments, those they contacted within the deadline of their own assignment, out of
	// those decided (a taken one is missed).
	Contact       Ratio
	TimeToContact Times // the contacts they made, from their own assignment
	// On the clock: FirstContactBreaches counts their assignments whose deadline passed without their contact
	// (contacted late, missed, or taken); FeedbackBreaches, the SQLs they held whose feedback deadline passed
	// without an answer in time. Recorded events: Reminders (to contact and to answer) sent to them, and
	// Escalations, the times their manager was told about one of their SQLs (a first-contact breach, a reminder
	// point reached while they were away).
	FirstContactBreaches, FeedbackBreaches, Reminders, Escalations int
}

// plus is the sum of two lines' counts (the total row of the per-rep table).
func (r RepLine) plus(o RepLine) RepLine {
	r.Assigned, r.Taken = r.Assigned+o.Assigned, r.Taken+o.Taken
	r.FirstContactBreaches, r.FeedbackBreaches = r.FirstContactBreaches+o.FirstContactBreaches, r.FeedbackBreaches+o.FeedbackBreaches
	r.Reminders, r.Escalations = r.Reminders+o.Reminders, r.Escalations+o.Escalations
	return r
}

// Breaches is the rep's breaches of the month, first contact and feedback.
func (r RepLine) Breaches() int { return r.FirstContactBreaches + r.FeedbackBreaches }

// Rejection is one reason sales gave, with the comments when the reason is "other".
type Rejection struct {
	Reason   string
	Count    int
	Comments []Comment
}

// Comment is a rep's free text on a rejection.
type Comment struct{ LeadID, Text string }

// OtherReason is the reject reason that needs a comment.
const OtherReason = "other"

// Cohort is the SQLs handed off in one month, followed to customers.
type Cohort struct {
	Month                                    contract.Month
	SQLs, Accepted, Opportunities, Customers int
	Rejected, Lost, InProgress               int
	Revenue                                  []Money // per currency, never summed across currencies
	// Unpriced counts customers whose deal_won amount could not be read.
	Unpriced int
}

// Open reports whether some SQLs of the cohort are still in progress.
func (c Cohort) Open() bool { return c.InProgress > 0 }

// Money is an amount in one currency, a decimal with two decimals ("18500.00").
type Money struct{ Currency, Amount string }

// Status is where a deadline stands for one SQL.
type Status string

// Statuses of a deadline.
const (
	Within  Status = "within"  // done within the deadline
	Late    Status = "late"    // done after it
	Missed  Status = "missed"  // not done, and the deadline passed (or was breached)
	Pending Status = "pending" // not done yet, the deadline still runs
)

// SQLRow is one hand-off of the month, as the CSV lists it.
type SQLRow struct {
	LeadID                                         string
	HandedOffAt                                    time.Time
	Source                                         string
	UTMCampaign                                    string
	RepID, RepName                                 string
	ContactedAt                                    time.Time // zero: not contacted (by AsOf)
	ContactChannel                                 string
	ContactRepID                                   string
	TimeToContact                                  time.Duration // business time the lead waited, from the hand-off
	Contact                                        Status
	Answer                                         string
	AnsweredAt                                     time.Time
	RejectReason                                   string
	RejectComment                                  string
	Feedback                                       Status
	FirstContactBreaches, Reminders, Reassignments int
	FeedbackBreach                                 bool
	Stage                                          Stage // at AsOf
	BelowThreshold                                 bool
	ContractVersion                                string
}

// PointKind is one kind of point for the SLA review.
type PointKind string

// Points the report raises.
const (
	NoSQLTarget          PointKind = "no_sql_target"          // no target in force this month
	SQLTargetMissed      PointKind = "sql_target_missed"      // N SQLs, D target
	MQLTargetMissed      PointKind = "mql_target_missed"      // N MQLs, D target
	ContactTargetMissed  PointKind = "contact_target_missed"  // N within, D decided, Target %
	MostBreaches         PointKind = "most_breaches"          // Subject rep, N breaches
	TopRejectReason      PointKind = "top_reject_reason"      // Subject reason, N of D rejections
	SourceMostlyRejected PointKind = "source_mostly_rejected" // Subject source, N rejected of D answered
)

// Point is one thing to discuss at the SLA review.
type Point struct {
	Kind    PointKind
	Subject string // a rep's name, a reason, a source
	Left    bool   // the rep is no longer on the roster
	N, D    int
	Target  int
	// Tied are the other subjects with the same count (most breaches, top reason): a tie is named, not settled
	// by the order of a list.
	Tied []Point `json:",omitempty"`
}

// MinAnsweredForSource is how many answered SQLs a source needs before "mostly rejected" is said of it: one
// rejection out of one is not a pattern.
const MinAnsweredForSource = 3

// Compute judges the month of in against c: the contract in force (its calendar, its targets for each month,
// its sales target, its roster for names).
func Compute(c *contract.Contract, in Input) Report {
	k := computer{c: c, in: in, window: Window(in.Month)}
	r := Report{Month: in.Month, AsOf: in.AsOf, Company: c.Company, Locale: c.Locale, TimeZone: c.Location.String(),
		Contract: c.Version}
	k.handoffs()
	r.Marketing = k.marketing()
	r.Sales, r.SQLs = k.sales()
	r.CRMCare = k.crmCare()
	r.Funnel = k.funnel()
	r.Recorded = k.versions()
	r.Discuss = discuss(r)
	r.Ideas = ideasOf(c, in)
	r.Commitments = Judge(k.commitmentFigures(r))
	// Instants in UTC, as stored: the report of the same records encodes to the same bytes whatever zone its
	// input's instants were read in.
	r.AsOf, r.Sales.Since = utc(r.AsOf), utc(r.Sales.Since)
	for i := range r.SQLs {
		row := &r.SQLs[i]
		row.HandedOffAt, row.ContactedAt, row.AnsweredAt = utc(row.HandedOffAt), utc(row.ContactedAt), utc(row.AnsweredAt)
	}
	return r
}

// utc is t in UTC; the zero instant stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// computer holds what the parts of Compute share.
type computer struct {
	c      *contract.Contract
	in     Input
	window []contract.Month
	// byMonth holds the hand-offs of each window month (index as in window), in hand-off order.
	byMonth [Months][]*Handoff
	// byLead holds every hand-off of the window per lead, in hand-off order.
	byLead map[string][]*Handoff
	// events holds the events of each hand-off of the window; transitions, every change of stage per lead.
	events      map[handoffKey][]*Event
	transitions map[string][]*Transition
}

// happened reports whether t is set and not after AsOf.
func (k *computer) happened(t time.Time) bool {
	return !t.IsZero() && (k.in.AsOf.IsZero() || !t.After(k.in.AsOf))
}

// slot is the index in the window of t's month, or -1.
func (k *computer) slot(t time.Time) int {
	m := contract.MonthOf(t.In(k.c.Location))
	for i, w := range k.window {
		if w == m {
			return i
		}
	}
	return -1
}

const current = Months - 1 // the reported month's slot

// start is the first instant of the window.
func (k *computer) start() time.Time { return records.Start(k.window[0], k.c.Location) }

func (k *computer) handoffs() {
	k.byLead = make(map[string][]*Handoff)
	for i := range k.in.Handoffs {
		h := &k.in.Handoffs[i]
		s := k.slot(h.At)
		if s < 0 || !k.happened(h.At) {
			continue
		}
		k.byMonth[s] = append(k.byMonth[s], h)
		k.byLead[h.LeadID] = append(k.byLead[h.LeadID], h)
	}
	order := func(a, b *Handoff) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.LeadID, b.LeadID))
	}
	for i := range k.byMonth {
		slices.SortFunc(k.byMonth[i], order)
	}
	for _, hs := range k.byLead {
		slices.SortFunc(hs, order)
	}
	k.indexEvents()
	k.transitions = map[string][]*Transition{}
	for i := range k.in.Transitions {
		t := &k.in.Transitions[i]
		k.transitions[t.LeadID] = append(k.transitions[t.LeadID], t)
	}
}

func (k *computer) marketing() Marketing {
	type origin struct{ source, campaign string }
	leads := map[string]origin{}
	mqls := map[string]origin{}
	for _, l := range k.in.Created {
		if rank(l.Stage) >= 1 && k.slot(l.At) == current && k.happened(l.At) {
			if _, seen := leads[l.LeadID]; !seen {
				leads[l.LeadID] = origin{l.Source, l.UTMCampaign}
			}
		}
	}
	for _, t := range k.in.Transitions {
		if k.slot(t.At) != current || !k.happened(t.At) {
			continue
		}
		from, to := rank(t.From), rank(t.To)
		if from < 1 && to >= 1 {
			if _, seen := leads[t.LeadID]; !seen {
				leads[t.LeadID] = origin{t.Source, t.UTMCampaign}
			}
		}
		if from < 2 && to >= 2 {
			if _, seen := mqls[t.LeadID]; !seen {
				mqls[t.LeadID] = origin{t.Source, t.UTMCampaign}
			}
		}
	}
	month := k.byMonth[current]
	m := Marketing{Leads: len(leads), MQLs: len(mqls), SQLs: len(month)}
	target, _ := k.c.TargetFor(k.in.Month)
	m.SQLGoal = Goal{m.SQLs, target.SQLs}
	m.MQLGoal = Goal{m.MQLs, target.MQLs}
	m.LeadToMQL, m.MQLToSQL = Ratio{m.MQLs, m.Leads}, Ratio{m.SQLs, m.MQLs}

	bySource, byCampaign := map[string]*Breakdown{}, map[string]*Breakdown{}
	add := func(o origin, f func(*Breakdown)) {
		for _, kv := range []struct {
			m   map[string]*Breakdown
			key string
		}{{bySource, o.source}, {byCampaign, o.campaign}} {
			b := kv.m[kv.key]
			if b == nil {
				b = &Breakdown{Key: kv.key}
				kv.m[kv.key] = b
			}
			f(b)
		}
	}
	for _, o := range leads {
		add(o, func(b *Breakdown) { b.Leads++ })
	}
	for _, o := range mqls {
		add(o, func(b *Breakdown) { b.MQLs++ })
	}
	below := map[string]bool{}
	for _, h := range month {
		add(origin{h.Source, h.UTMCampaign}, func(b *Breakdown) { b.SQLs++ })
		if k.below(h) {
			below[h.LeadID] = true
		}
		if k.byLead[h.LeadID][0] != h {
			m.Again++
		}
	}
	m.BelowThreshold = len(below)
	m.HeldRefused, m.HeldMissing = k.held()
	m.BySource, m.ByCampaign = sortedBreakdowns(bySource), sortedBreakdowns(byCampaign)
	for i, w := range k.window {
		t, _ := k.c.TargetFor(w)
		m.Trend = append(m.Trend, TrendMonth{Month: w, Goal: Goal{len(k.byMonth[i]), t.SQLs}})
	}
	return m
}

// held counts the leads held from sales in the month for want of consent, by reason, as of AsOf: a hold started
// in the month by AsOf and not released by then (a move to SQL after it: consent given, then the hand-off). A
// lead held twice counts once, under its latest hold.
func (k *computer) held() (refused, missing int) {
	latest := map[string]*Hold{}
	for i := range k.in.Holds {
		h := &k.in.Holds[i]
		if k.slot(h.At) != current || !k.happened(h.At) {
			continue
		}
		if prev, ok := latest[h.LeadID]; !ok || h.At.After(prev.At) {
			latest[h.LeadID] = h
		}
	}
	for id, h := range latest {
		released := false
		for _, t := range k.transitions[id] {
			if t.To == SQL && !t.At.Before(h.At) && k.happened(t.At) {
				released = true
			}
		}
		switch {
		case released:
		case h.Reason == records.HeldMissing:
			missing++
		default:
			refused++
		}
	}
	return refused, missing
}

// sortedBreakdowns orders by SQLs, then MQLs, then leads (most first), then key.
func sortedBreakdowns(m map[string]*Breakdown) []Breakdown {
	out := make([]Breakdown, 0, len(m))
	for _, b := range m {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b Breakdown) int {
		return cmp.Or(cmp.Compare(b.SQLs, a.SQLs), cmp.Compare(b.MQLs, a.MQLs), cmp.Compare(b.Leads, a.Leads),
			cmp.Compare(a.Key, b.Key))
	})
	return out
}

func (k *computer) sales() (Sales, []SQLRow) {
	month := k.byMonth[current]
	s := Sales{SQLs: len(month), FirstContactDeadline: k.c.Sales.FirstContact, FeedbackDeadline: k.c.Sales.Feedback,
		ContactTarget: k.c.Sales.ContactRateTarget, Since: k.since()}
	reps := tallies{}
	var all []time.Duration
	rejections := map[string]*Rejection{}
	rows := make([]SQLRow, 0, len(month))
	for _, h := range month {
		v := k.view(h)
		row := SQLRow{LeadID: h.LeadID, HandedOffAt: h.At, Source: h.Source, UTMCampaign: h.UTMCampaign, RepID: v.holder(),
			Reassignments: len(v.assignments) - 1, Stage: k.stage(h.LeadID), BelowThreshold: k.below(h), ContractVersion: h.ContractVersion}

		row.Contact = v.contact(k)
		tally(&s.Contact, &s.ContactPending, row.Contact)
		// Each rep is judged on their own clock: a rep the SQL was taken from on breach missed it; the rep who
		// held it at AsOf is judged against the deadline that started at their assignment.
		for i, a := range v.assignments {
			r := reps.of(a.RepID)
			r.Assigned++
			st := v.repStatus(k, i)
			tally(&r.Contact, &r.pending, st)
			if i < len(v.assignments)-1 {
				r.Taken++
			}
			if st == Late || st == Missed {
				r.FirstContactBreaches++
				row.FirstContactBreaches++
			}
		}
		if v.contacted {
			who := cmp.Or(h.ContactRepID, v.holder())
			row.ContactedAt, row.ContactChannel, row.ContactRepID = h.ContactedAt, h.ContactChannel, who
			// Overall, the lead's wait from the hand-off (what "90 % were contacted within" promises); per rep,
			// from their own assignment (a rep who took a reassigned SQL is not charged for the one who missed it).
			row.TimeToContact = max(0, k.c.Calendar.Between(h.At, h.ContactedAt))
			all = append(all, row.TimeToContact)
			r := reps.of(who)
			r.times = append(r.times, max(0, k.c.Calendar.Between(v.clockStart(who), h.ContactedAt)))
		}

		row.Feedback = v.feedback(k)
		tally(&s.Feedback, &s.FeedbackPend, row.Feedback)
		if row.Feedback == Late || row.Feedback == Missed {
			row.FeedbackBreach = true
			reps.of(v.holder()).FeedbackBreaches++
		}
		for _, e := range v.events {
			switch e.Kind {
			case Reminder, FeedbackReminder:
				row.Reminders++
				reps.of(e.RepID).Reminders++
			case FirstContactBreach, AwayEscalation:
				reps.of(e.RepID).Escalations++
			}
		}
		if v.answered {
			row.Answer, row.AnsweredAt = h.Answer, h.AnsweredAt
			s.Acceptance.D++
			if h.Answer == Accepted {
				s.Acceptance.N++
			}
			if h.Answer == Rejected {
				row.RejectReason, row.RejectComment = h.RejectReason, h.RejectComment
				rj := rejections[h.RejectReason]
				if rj == nil {
					rj = &Rejection{Reason: h.RejectReason}
					rejections[h.RejectReason] = rj
				}
				rj.Count++
				if h.RejectReason == OtherReason && h.RejectComment != "" {
					rj.Comments = append(rj.Comments, Comment{h.LeadID, h.RejectComment})
				}
			}
		}
		rows = append(rows, row)
	}
	s.TimeToContact = summarise(all)
	s.Reps = k.repLines(reps)
	names := map[string]string{}
	for _, r := range s.Reps {
		names[r.RepID] = r.Name
	}
	for i := range rows {
		rows[i].RepName = names[rows[i].RepID]
	}
	s.Earlier = k.repLines(k.earlier(s.Since))
	s.Rejections = k.sortedRejections(rejections)
	return s, rows
}

// since is the instant from which what happened to earlier months' SQLs is this report's: Input.Since, else
// the start of the month.
func (k *computer) since() time.Time {
	start := records.Start(k.in.Month, k.c.Location)
	if k.in.Since.Before(start) {
		return start
	}
	return k.in.Since
}

// earlier counts, per rep, the events recorded after since (and by AsOf) on SQLs handed off before the month:
// what their own month's report, taken at since, could not show — breaches whose deadline passed after since
// (the report at since read the others on the clock), reminders, escalations and reassignments recorded after it.
func (k *computer) earlier(since time.Time) tallies {
	reps := tallies{}
	start := records.Start(k.in.Month, k.c.Location)
	for i := range k.in.Events {
		e := &k.in.Events[i]
		if !k.happened(e.At) || !e.At.After(since) {
			continue
		}
		if h := k.handoffOf(e); h != nil && !h.At.Before(start) {
			continue // one of the month's SQLs: counted with them
		}
		// A breach is read on the clock: one whose deadline had passed at since was its own month's report's
		// (recorded after since, its escalation was not).
		counted := !e.Due.IsZero() && !e.Due.After(since)
		switch e.Kind {
		case FirstContactBreach:
			if !counted {
				reps.of(e.RepID).FirstContactBreaches++
			}
			reps.of(e.RepID).Escalations++
		case AwayEscalation:
			reps.of(e.RepID).Escalations++
		case FeedbackBreachEvent:
			if !counted {
				reps.of(e.RepID).FeedbackBreaches++
			}
		case Reminder, FeedbackReminder:
			reps.of(e.RepID).Reminders++
		case Reassignment:
			reps.of(cmp.Or(e.FromRep, e.RepID)).Taken++
		}
	}
	return reps
}

// tallies are RepLines being counted, by rep ID.
type tallies map[string]*repTally

// of is rep id's tally, started at zero.
func (t tallies) of(id string) *repTally {
	r := t[id]
	if r == nil {
		r = &repTally{RepLine: RepLine{RepID: id}}
		t[id] = r
	}
	return r
}

// repTally is a RepLine being counted.
type repTally struct {
	RepLine
	pending int
	times   []time.Duration
}

// tally counts a status into a rate (within out of decided) and a pending count.
func tally(r *Ratio, pending *int, s Status) {
	switch s {
	case Within:
		r.N++
		r.D++
	case Late, Missed:
		r.D++
	default:
		*pending++
	}
}

// summarise gives the count, median and 90th percentile (nearest rank) of ds; it sorts ds.
func summarise(ds []time.Duration) Times {
	slices.Sort(ds)
	return Times{Count: len(ds), Median: Percentile(ds, 50), P90: Percentile(ds, 90)}
}

// Percentile is the p-th percentile (0 < p ≤ 100) of sorted values by the nearest-rank method: the value of
// rank ⌈p·n/100⌉ (1-based). It is 0 for no values.
func Percentile(sorted []time.Duration, p int) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := (p*n + 99) / 100
	return sorted[min(max(rank, 1), n)-1]
}

// repLines orders the reps as the roster does; reps who left follow, by ID.
func (k *computer) repLines(reps tallies) []RepLine {
	delete(reps, "")
	out := make([]RepLine, 0, len(reps))
	for _, r := range k.c.Roster.Reps {
		if t := reps[r.ID]; t != nil {
			t.Name = r.Name
			t.TimeToContact = summarise(t.times)
			out = append(out, t.RepLine)
			delete(reps, r.ID)
		}
	}
	left := make([]RepLine, 0, len(reps))
	for id, t := range reps {
		t.Name, t.Left = id, true
		t.TimeToContact = summarise(t.times)
		left = append(left, t.RepLine)
	}
	slices.SortFunc(left, func(a, b RepLine) int { return cmp.Compare(a.RepID, b.RepID) })
	return append(out, left...)
}

// sortedRejections orders by count (most first), then as the contract lists the reasons.
func (k *computer) sortedRejections(m map[string]*Rejection) []Rejection {
	order := map[string]int{}
	for i, r := range k.c.Notify.RejectReasons {
		order[r] = i + 1
	}
	rank := func(reason string) int {
		if i, ok := order[reason]; ok {
			return i
		}
		return len(order) + 1
	}
	out := make([]Rejection, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Rejection) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(rank(a.Reason), rank(b.Reason)), cmp.Compare(a.Reason, b.Reason))
	})
	return out
}

// progress is how far one hand-off went.
type progress struct {
	opportunity, customer, lost bool
}

func (k *computer) funnel() []Cohort {
	reached := map[*Handoff]*progress{}
	revenue := [Months]map[string]*big.Rat{}
	unpriced := [Months]int{}
	for _, t := range k.in.Transitions {
		// The window's cohorts, followed until AsOf (into the month after theirs).
		if t.To != Opportunity && t.To != Customer && t.To != Lost || !k.happened(t.At) || t.At.Before(k.start()) {
			continue
		}
		h := latestBefore(k.byLead[t.LeadID], t.At)
		if h == nil {
			continue
		}
		p := reached[h]
		if p == nil {
			p = &progress{}
			reached[h] = p
		}
		switch t.To {
		case Opportunity:
			p.opportunity = true
		case Lost:
			p.lost = true
		case Customer:
			if p.customer {
				continue // one deal per hand-off: a redelivered deal_won is not revenue twice
			}
			p.customer = true
			s := k.slot(h.At)
			amount, ok := new(big.Rat).SetString(t.Amount)
			if !ok || t.Currency == "" || amount.Sign() < 0 {
				unpriced[s]++
				continue
			}
			if revenue[s] == nil {
				revenue[s] = map[string]*big.Rat{}
			}
			if revenue[s][t.Currency] == nil {
				revenue[s][t.Currency] = new(big.Rat)
			}
			revenue[s][t.Currency].Add(revenue[s][t.Currency], amount)
		}
	}
	out := make([]Cohort, Months)
	for i, w := range k.window {
		c := Cohort{Month: w, SQLs: len(k.byMonth[i]), Unpriced: unpriced[i]}
		for _, h := range k.byMonth[i] {
			p := reached[h]
			if p == nil {
				p = &progress{}
			}
			answered := h.Answer != "" && k.happened(h.AnsweredAt)
			accepted := answered && h.Answer == Accepted || p.opportunity || p.customer
			switch {
			case p.customer:
				c.Customers++
			case !accepted && answered && h.Answer == Rejected:
				c.Rejected++
			case p.lost:
				c.Lost++
			default:
				c.InProgress++
			}
			if accepted {
				c.Accepted++
			}
			if p.opportunity || p.customer {
				c.Opportunities++
			}
		}
		for cur, sum := range revenue[i] {
			c.Revenue = append(c.Revenue, Money{Currency: cur, Amount: sum.FloatString(2)})
		}
		slices.SortFunc(c.Revenue, func(a, b Money) int { return cmp.Compare(a.Currency, b.Currency) })
		out[i] = c
	}
	return out
}

// latestBefore is the last hand-off at or before t (hs in hand-off order), or nil.
func latestBefore(hs []*Handoff, t time.Time) *Handoff {
	var found *Handoff
	for _, h := range hs {
		if h.At.After(t) {
			break
		}
		found = h
	}
	return found
}

// versions lists the contract versions recorded on the month's records.
func (k *computer) versions() []string {
	seen := map[string]bool{}
	for _, h := range k.byMonth[current] {
		seen[h.ContractVersion] = true
	}
	for _, t := range k.in.Transitions {
		if k.slot(t.At) == current && k.happened(t.At) {
			seen[t.ContractVersion] = true
		}
	}
	for _, e := range k.in.Events {
		if k.slot(e.At) == current && k.happened(e.At) {
			seen[e.ContractVersion] = true
		}
	}
	delete(seen, "")
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// discuss draws the points for the SLA review from the figures.
func discuss(r Report) []Point {
	var out []Point
	m, s := r.Marketing, r.Sales
	switch {
	case !m.SQLGoal.Set():
		out = append(out, Point{Kind: NoSQLTarget})
	case !m.SQLGoal.Met():
		out = append(out, Point{Kind: SQLTargetMissed, N: m.SQLGoal.Actual, D: m.SQLGoal.Target})
	}
	if m.MQLGoal.Set() && !m.MQLGoal.Met() {
		out = append(out, Point{Kind: MQLTargetMissed, N: m.MQLGoal.Actual, D: m.MQLGoal.Target})
	}
	if s.ContactTarget > 0 && s.Contact.Defined() && !s.ContactMet() {
		out = append(out, Point{Kind: ContactTargetMissed, N: s.Contact.N, D: s.Contact.D, Target: s.ContactTarget})
	}
	most := 0
	for _, rep := range s.Reps {
		most = max(most, rep.Breaches())
	}
	var worst []Point
	for _, rep := range s.Reps {
		if most > 0 && rep.Breaches() == most {
			worst = append(worst, Point{Kind: MostBreaches, Subject: rep.Name, Left: rep.Left, N: most})
		}
	}
	if len(worst) > 0 {
		p := worst[0]
		if len(worst) > 1 {
			p.Tied = worst[1:]
		}
		out = append(out, p)
	}
	if len(s.Rejections) > 0 {
		total := 0
		for _, rj := range s.Rejections {
			total += rj.Count
		}
		p := Point{Kind: TopRejectReason, Subject: s.Rejections[0].Reason, N: s.Rejections[0].Count, D: total}
		for _, rj := range s.Rejections[1:] {
			if rj.Count == p.N {
				p.Tied = append(p.Tied, Point{Kind: TopRejectReason, Subject: rj.Reason, N: rj.Count, D: total})
			}
		}
		out = append(out, p)
	}
	type tallies struct{ rejected, answered int }
	bySource := map[string]*tallies{}
	for _, row := range r.SQLs {
		if row.Answer == "" {
			continue
		}
		t := bySource[row.Source]
		if t == nil {
			t = &tallies{}
			bySource[row.Source] = t
		}
		t.answered++
		if row.Answer == Rejected {
			t.rejected++
		}
	}
	var sources []Point
	for src, t := range bySource {
		if t.answered >= MinAnsweredForSource && 2*t.rejected > t.answered {
			sources = append(sources, Point{Kind: SourceMostlyRejected, Subject: src, N: t.rejected, D: t.answered})
		}
	}
	slices.SortFunc(sources, func(a, b Point) int {
		// Highest share first: a.N/a.D > b.N/b.D, compared without division.
		return cmp.Or(cmp.Compare(b.N*a.D, a.N*b.D), cmp.Compare(b.D, a.D), cmp.Compare(a.Subject, b.Subject))
	})
	return append(out, sources...)
}
