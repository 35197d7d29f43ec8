package report_test

// An independent review of the monthly report against the README ("The monthly SLA report", "How the figures are
// counted"; "Deadlines") and the doc comments of records.Input and of report's exported types. The expectations
// here are built from those texts alone (oracle below), on months generated the way the deadline checker records
// them (simulation below).

import (
	"bytes"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/report/records"
	"github.com/handoff-sla/handoff/internal/worktime"
)

const indepContractYAML = `version: "ind-1"
company: "Indép & Cie"
locale: %s
time_zone: Europe/Paris
calendar:
  holidays: FR
  business_hours:
    monday: [%s]
    tuesday: [%s]
    wednesday: [%s]
    thursday: [%s]
    friday: [%s]
marketing:
  targets:
    - from: 2025-01
      sqls: 10
      mqls: 20
sales:
  first_contact_deadline: 4h
  feedback_deadline: 16h
  reminders: ["50%%", "80%%"]
  feedback_reminders: ["75%%"]
  on_breach: %s
  contact_rate_target: 90%%
roster:
  managers:
    - id: mia
      name: Mia Manager
      email: mia@test.fr
  reps:
    - id: ann
      name: Ann Archer
      email: ann@test.fr
      manager: mia
    - id: bob
      name: Bob Baker
      email: bob@test.fr
      manager: mia
      out_of_office:
        - from: 2026-03-09
          to: 2026-03-13
        - from: 2026-11-16
          to: 2026-11-20
    - id: cat
      name: Cat Carter
      email: cat@test.fr
      manager: mia
    - id: dan
      name: Dan Dufour
      email: dan@test.fr
      manager: mia
recipients:
  leadership: [boss@test.fr]
sender: "Handoff <sla@test.fr>"
`

const officeHours = `"09:00-12:30", "13:30-18:00"`

// indepHours are the business hours the random months are drawn with: office hours, round the clock (deadlines
// at any instant, the 08:00 schedule included), and hours opening at 08:00.
var indepHours = []string{officeHours, `"00:00-24:00"`, `"08:00-12:00", "13:00-17:00"`}

func indepContract(t testing.TB, locale, onBreach, hours string) *contract.Contract {
	t.Helper()
	y := fmt.Sprintf(indepContractYAML, locale, hours, hours, hours, hours, hours, onBreach)
	c, err := contract.Parse("indep.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ---------------------------------------------------------------------------------------------------------------
// Simulation: a world of hand-offs recorded as notify, the feedback page and the deadline checker record them.

type simHandoff struct {
	LeadID, Source, Campaign string
	At                       time.Time
	Assignments              []records.Assignment
	Clocks                   []records.Clock
	ContactAt                time.Time
	ContactRep, Channel      string
	AnswerAt                 time.Time
	Answer, Reason, Comment  string
	Events                   []records.Event
	BelowAt                  time.Time
}

type world struct {
	scramble    *rand.Rand
	c           *contract.Contract
	created     []records.Created
	transitions []records.Transition
	handoffs    []*simHandoff
}

var rosterIDs = []string{"ann", "bob", "cat", "dan", "zoe"} // zoe has left the roster

func (w *world) away(rep string, at time.Time) bool {
	r, ok := w.c.Rep(rep)
	return ok && r.Away(at, w.c.Location)
}

func mustAdd(c *contract.Contract, from time.Time, d time.Duration) time.Time {
	t, err := c.Calendar.Add(from, d)
	if err != nil {
		panic(err)
	}
	return t
}

func lag(r *rand.Rand) time.Duration {
	return time.Duration(1+r.Intn(50))*time.Second + time.Duration(r.Intn(1000))*time.Millisecond
}

// intendedAt is when a rep would act, from start: somewhere in business time, or at any hour.
func intendedAt(r *rand.Rand, c *contract.Contract, start time.Time, maxBusiness time.Duration) time.Time {
	if r.Intn(4) == 0 {
		return start.Add(time.Duration(r.Int63n(int64(3 * 24 * time.Hour))))
	}
	mins := time.Duration(r.Int63n(int64(maxBusiness/time.Minute)+1)) * time.Minute
	return mustAdd(c, start, mins).Add(time.Duration(r.Intn(60)) * time.Second)
}

// simulate runs one hand-off to its end, recording what notify, the page and the checker would.
func (w *world) simulate(r *rand.Rand, h *simHandoff, rep string) {
	c := w.c
	fc, fb := c.Sales.FirstContact, c.Sales.Feedback
	h.Assignments = []records.Assignment{{RepID: rep, At: h.At}}
	clockFrom := h.At
	h.Clocks = []records.Clock{{Assignment: 0, From: h.At, FirstContactDue: mustAdd(c, h.At, fc), FeedbackDue: mustAdd(c, h.At, fb)}}
	if r.Intn(10) == 0 { // notify's SQL email stuck: the checker resends it 5 minutes later, the clock restarts
		clockFrom = h.At.Add(5*time.Minute + lag(r))
		h.Clocks = append(h.Clocks, records.Clock{Assignment: 0, From: clockFrom, FirstContactDue: mustAdd(c, clockFrom, fc), FeedbackDue: mustAdd(c, clockFrom, fb)})
	}
	// The checker may be down for a while around the deadlines (a run failing every minute): what falls due then
	// is handled when it comes back.
	var downFrom, downTo time.Time
	if r.Intn(6) == 0 {
		downFrom = mustAdd(c, h.At, time.Duration(r.Intn(int(fb/time.Minute)))*time.Minute)
		downTo = downFrom.Add(time.Duration(1+r.Intn(30*60)) * time.Minute)
	}
	passOf := func(x time.Time) time.Time {
		if !downFrom.IsZero() && !x.Before(downFrom) && x.Before(downTo) {
			x = downTo
		}
		return x.Add(lag(r))
	}
	ev := func(kind records.EventKind, at, due time.Time) *records.Event {
		h.Events = append(h.Events, records.Event{Kind: kind, LeadID: h.LeadID, HandoffAt: h.At, Assignment: len(h.Assignments) - 1,
			At: at, Due: due, RepID: h.Assignments[len(h.Assignments)-1].RepID, ContractVersion: c.Version})
		return &h.Events[len(h.Events)-1]
	}
	// What the current rep means to do: contact (maybe never) and answer (maybe never).
	var tc, ta time.Time
	plan := func() {
		tc, ta = time.Time{}, time.Time{}
		if r.Intn(6) != 0 {
			tc = intendedAt(r, c, clockFrom, 7*time.Hour)
		}
		if r.Intn(5) != 0 {
			base := clockFrom
			if !tc.IsZero() && r.Intn(4) != 0 {
				base = tc
			}
			ta = intendedAt(r, c, base, 20*time.Hour)
		}
		if !ta.IsZero() && (tc.IsZero() || ta.Before(tc)) {
			tc = ta // an answer is a contact
		}
	}
	plan()
	awayEscalated := false // once per clock
	for {
		cur := len(h.Assignments) - 1
		holder := h.Assignments[cur].RepID
		fcd := mustAdd(c, clockFrom, fc)
		reminders, _ := c.ReminderTimes(clockFrom)
		awayEscalated = false
		for i, p := range reminders {
			pass := passOf(p)
			if !tc.IsZero() && !tc.After(pass) {
				break
			}
			if !fcd.After(pass) {
				break // the deadline itself passed: no reminder, the breach
			}
			if i+1 < len(reminders) && !reminders[i+1].After(pass) {
				continue // passed together: one step, the latest
			}
			if w.away(holder, p) {
				if !awayEscalated {
					awayEscalated = true
					ev(records.AwayEscalation, pass, p)
				}
				continue
			}
			ev(records.Reminder, pass, p)
		}
		if !tc.IsZero() && !tc.After(fcd) {
			break // contacted within
		}
		pass := passOf(fcd)
		if !tc.IsZero() && !tc.After(pass) {
			ev(records.FirstContactBreach, pass, fcd) // contacted late, before the checker's pass
			break
		}
		ev(records.FirstContactBreach, pass, fcd)
		if c.Sales.OnBreach != contract.Reassign {
			break
		}
		var next []string
		for _, id := range []string{"ann", "bob", "cat", "dan"} {
			held := false
			for _, a := range h.Assignments {
				held = held || a.RepID == id
			}
			if !held && !w.away(id, pass) {
				next = append(next, id)
			}
		}
		if len(next) == 0 {
			break // the rep keeps it
		}
		to := next[r.Intn(len(next))]
		e := ev(records.Reassignment, pass, fcd)
		e.FromRep, e.ToRep = holder, to
		h.Assignments = append(h.Assignments, records.Assignment{RepID: to, At: pass})
		clockFrom = pass
		h.Clocks = append(h.Clocks, records.Clock{Assignment: cur + 1, From: pass, FirstContactDue: mustAdd(c, pass, fc), FeedbackDue: mustAdd(c, pass, fb)})
		if r.Intn(5) == 0 { // SES refused the new rep's SQL email: resent 5 minutes later, the clock restarts
			clockFrom = pass.Add(5*time.Minute + lag(r))
			h.Clocks = append(h.Clocks, records.Clock{Assignment: cur + 1, From: clockFrom, FirstContactDue: mustAdd(c, clockFrom, fc), FeedbackDue: mustAdd(c, clockFrom, fb)})
		}
		plan()
	}
	holder := h.Assignments[len(h.Assignments)-1].RepID
	// The answer, by the rep who holds it.
	if !tc.IsZero() {
		h.ContactAt, h.ContactRep, h.Channel = tc, holder, []string{"phone", "email", "meeting"}[r.Intn(3)]
	}
	if !ta.IsZero() {
		if h.ContactAt.IsZero() || h.ContactAt.After(ta) {
			h.ContactAt, h.ContactRep, h.Channel = ta, holder, ""
		}
		h.AnswerAt = ta
		if r.Intn(2) == 0 {
			h.Answer = records.Accepted
		} else {
			h.Answer, h.Reason = records.Rejected, []string{"not_a_fit", "no_budget", "duplicate", "other"}[r.Intn(4)]
			if h.Reason == "other" {
				h.Comment = "trop petit"
			}
		}
	}
	// Feedback reminders and breach, on the clock of the rep who holds it.
	fbd := mustAdd(c, clockFrom, fb)
	fbrem, _ := c.FeedbackReminderTimes(clockFrom)
	for i, p := range fbrem {
		pass := passOf(p)
		if !ta.IsZero() && !ta.After(pass) {
			break
		}
		if !fbd.After(pass) {
			break
		}
		if i+1 < len(fbrem) && !fbrem[i+1].After(pass) {
			continue
		}
		if w.away(holder, p) {
			if !awayEscalated {
				awayEscalated = true
				ev(records.AwayEscalation, pass, p)
			}
			continue
		}
		ev(records.FeedbackReminder, pass, p)
	}
	if ta.IsZero() || ta.After(fbd) {
		// Not answered by the deadline (or answered late, before the checker's pass: recorded all the same).
		ev(records.FeedbackBreachEvent, passOf(fbd), fbd)
	}
	if h.Answer == "" && r.Intn(5) == 0 {
		h.BelowAt = h.At.Add(time.Duration(1+r.Intn(20*24)) * time.Hour)
	}
	sort.SliceStable(h.Events, func(i, j int) bool { return h.Events[i].At.Before(h.Events[j].At) })
}

// genWorld builds the hand-offs of month m and of the five months before it (and a few of the month after).
func genWorld(r *rand.Rand, c *contract.Contract, m contract.Month, n int) *world {
	w := &world{c: c}
	loc := c.Location
	seq := 0
	sources := []string{"site", "typeform", "linkedin"}
	for k, mm := range append(records.Window(m), m.Next()) {
		count := n
		if mm != m {
			count = r.Intn(n/2 + 2)
		}
		start := records.Start(mm, loc)
		end := records.Start(mm.Next(), loc)
		for i := 0; i < count; i++ {
			seq++
			id := fmt.Sprintf("L%03d-%d", seq, k)
			at := start.Add(time.Duration(r.Int63n(int64(end.Sub(start)))))
			if r.Intn(8) == 0 { // the last hours of the month: deadlines run into the next one
				at = end.Add(-time.Duration(r.Int63n(int64(30 * time.Hour))))
			}
			at = at.Truncate(time.Millisecond)
			src := sources[r.Intn(len(sources))]
			camp := []string{"", "spring", "autumn"}[r.Intn(3)]
			created := at.Add(-time.Duration(1+r.Intn(200)) * time.Hour)
			w.created = append(w.created, records.Created{LeadID: id, At: created, Stage: records.NewLead, Source: src, UTMCampaign: camp})
			if r.Intn(2) == 0 {
				w.transitions = append(w.transitions, records.Transition{LeadID: id, From: records.NewLead, To: records.MQL, At: created.Add(30 * time.Minute), ContractVersion: c.Version, Source: src, UTMCampaign: camp})
			}
			for again := 0; again < 2; again++ {
				h := &simHandoff{LeadID: id, Source: src, Campaign: camp, At: at}
				from := records.MQL
				if again > 0 {
					from = "rejected"
				}
				w.transitions = append(w.transitions, records.Transition{LeadID: id, From: from, To: records.SQL, At: at, ContractVersion: c.Version, Source: src, UTMCampaign: camp})
				w.simulate(r, h, rosterIDs[r.Intn(len(rosterIDs))])
				w.handoffs = append(w.handoffs, h)
				switch h.Answer {
				case records.Accepted:
					w.transitions = append(w.transitions, records.Transition{LeadID: id, From: records.SQL, To: "accepted", At: h.AnswerAt, ContractVersion: c.Version, Source: src, UTMCampaign: camp})
					if r.Intn(2) == 0 {
						o := h.AnswerAt.Add(time.Duration(1+r.Intn(400)) * time.Hour)
						w.transitions = append(w.transitions, records.Transition{LeadID: id, From: "accepted", To: records.Opportunity, At: o, ContractVersion: c.Version, Source: src, UTMCampaign: camp})
						if r.Intn(2) == 0 {
							w.transitions = append(w.transitions, records.Transition{LeadID: id, From: records.Opportunity, To: records.Customer, At: o.Add(time.Duration(1+r.Intn(400)) * time.Hour), ContractVersion: c.Version, Source: src, UTMCampaign: camp, Amount: "1200.00", Currency: "EUR"})
						}
					}
				case records.Rejected:
					w.transitions = append(w.transitions, records.Transition{LeadID: id, From: records.SQL, To: "rejected", At: h.AnswerAt, ContractVersion: c.Version, Source: src, UTMCampaign: camp})
				}
				if h.Answer != records.Rejected || r.Intn(3) != 0 {
					break
				}
				at = h.AnswerAt.Add(time.Duration(1+r.Intn(72))*time.Hour + time.Duration(r.Intn(60000))*time.Millisecond)
			}
		}
	}
	return w
}

// read is the month's records as the store reads them at instant at (everything recorded by then), for a report
// of m as of asOf since since. Records of the month after asOf's month are left in: the report must ignore them.
func (w *world) read(m contract.Month, asOf, since, at time.Time) records.Input {
	loc := w.c.Location
	start := records.Start(m, loc)
	winStart := records.Start(records.Window(m)[0], loc)
	end := records.Start(m.Next(), loc)
	in := records.Input{Month: m, AsOf: asOf, Since: since, Current: map[string]records.Current{}}
	upTo := func(t time.Time) bool { return !t.IsZero() && !t.After(at) }
	for _, cr := range w.created {
		if upTo(cr.At) && !cr.At.Before(start) && cr.At.Before(end) {
			in.Created = append(in.Created, cr)
		}
	}
	for _, tr := range w.transitions {
		if !upTo(tr.At) {
			continue
		}
		if !tr.At.Before(start) || (!tr.At.Before(winStart) && (tr.To == records.Opportunity || tr.To == records.Customer || tr.To == records.Lost)) {
			in.Transitions = append(in.Transitions, tr)
		}
	}
	for _, h := range w.handoffs {
		if !upTo(h.At) || h.At.Before(winStart) || !h.At.Before(end) {
			continue
		}
		rh := records.Handoff{LeadID: h.LeadID, At: h.At, ContractVersion: w.c.Version, Source: h.Source, UTMCampaign: h.Campaign}
		for _, a := range h.Assignments {
			if upTo(a.At) {
				rh.Assignments = append(rh.Assignments, a)
			}
		}
		for _, ck := range h.Clocks {
			if upTo(ck.From) {
				rh.Clocks = append(rh.Clocks, ck)
			}
		}
		rh.RepID = rh.Assignments[len(rh.Assignments)-1].RepID
		last := rh.Clocks[len(rh.Clocks)-1]
		rh.FirstContactDue, rh.FeedbackDue = last.FirstContactDue, last.FeedbackDue
		if upTo(h.ContactAt) {
			rh.ContactedAt, rh.ContactChannel, rh.ContactRepID = h.ContactAt, h.Channel, h.ContactRep
		}
		if upTo(h.AnswerAt) {
			rh.Answer, rh.AnsweredAt, rh.RejectReason, rh.RejectComment = h.Answer, h.AnswerAt, h.Reason, h.Comment
		}
		in.Handoffs = append(in.Handoffs, rh)
		for _, e := range h.Events {
			if upTo(e.At) && !e.At.Before(start) {
				in.Events = append(in.Events, e)
			}
		}
	}
	if w.scramble != nil { // any order, any zone
		r := w.scramble
		r.Shuffle(len(in.Created), func(i, j int) { in.Created[i], in.Created[j] = in.Created[j], in.Created[i] })
		r.Shuffle(len(in.Transitions), func(i, j int) { in.Transitions[i], in.Transitions[j] = in.Transitions[j], in.Transitions[i] })
		r.Shuffle(len(in.Handoffs), func(i, j int) { in.Handoffs[i], in.Handoffs[j] = in.Handoffs[j], in.Handoffs[i] })
		r.Shuffle(len(in.Events), func(i, j int) { in.Events[i], in.Events[j] = in.Events[j], in.Events[i] })
		for i := range in.Handoffs {
			h := &in.Handoffs[i]
			h.At, h.ContactedAt, h.AnsweredAt = h.At.UTC(), h.ContactedAt.UTC(), h.AnsweredAt.UTC()
			h.Assignments = append([]records.Assignment(nil), h.Assignments...)
			for j := range h.Assignments {
				h.Assignments[j].At = h.Assignments[j].At.UTC()
			}
		}
		for i := range in.Events {
			in.Events[i].At, in.Events[i].HandoffAt = in.Events[i].At.UTC(), in.Events[i].HandoffAt.UTC()
			if r.Intn(4) == 0 { // records that lack it: the lead's latest hand-off before At
				in.Events[i].HandoffAt = time.Time{}
			}
		}
	}
	// Current: the month's leads as they stand at `at`.
	for _, h := range w.handoffs {
		if h.At.Before(start) || !h.At.Before(end) || !upTo(h.At) {
			continue
		}
		cur := records.Current{Stage: w.stageAt(h.LeadID, at)}
		for _, x := range w.handoffs { // every fall recorded by then, each after its own hand-off
			if x.LeadID == h.LeadID && upTo(x.BelowAt) {
				cur.BelowSQLAts = append(cur.BelowSQLAts, x.BelowAt)
			}
		}
		sort.Slice(cur.BelowSQLAts, func(i, j int) bool { return cur.BelowSQLAts[i].Before(cur.BelowSQLAts[j]) })
		cur.BelowSQLThreshold = upTo(w.latestHandoff(h.LeadID, at).BelowAt)
		in.Current[h.LeadID] = cur
	}
	return in
}

func (w *world) stageAt(lead string, at time.Time) records.Stage {
	var s records.Stage
	var when time.Time
	for _, tr := range w.transitions {
		if tr.LeadID == lead && !tr.At.After(at) && !tr.At.Before(when) {
			s, when = tr.To, tr.At
		}
	}
	return s
}

func (w *world) latestHandoff(lead string, at time.Time) *simHandoff {
	var out *simHandoff
	for _, h := range w.handoffs {
		if h.LeadID == lead && !h.At.After(at) {
			out = h
		}
	}
	return out
}

// ---------------------------------------------------------------------------------------------------------------
// Oracle: the figures the README's rules give, from the simulation's truth as of asOf.

type expRep struct {
	Assigned, Taken, Within, Decided        int
	FCB, FB, Reminders, Escalations         int
	Times                                   []time.Duration
	EarlierFCB, EarlierFB, EarlierReminders int
	EarlierEscalations, EarlierTaken        int
}

type expRow struct {
	LeadID                     string
	HandedOffAt                time.Time
	RepID                      string
	ContactedAt                time.Time
	TimeToContact              time.Duration
	Contact, Feedback          report.Status
	FCB, Reminders, Reassigned int
	FeedbackBreach             bool
	Stage                      records.Stage
	Below                      bool
}

type expectation struct {
	SQLs                             int
	Within, Decided, Pending         int
	FBWithin, FBDecided, FBPending   int
	Accepted, Answered               int
	Times                            []time.Duration
	Rows                             []expRow
	Reps                             map[string]*expRep
	BelowThreshold                   int
	EarlierByRep                     map[string]*expRep
	recordedBreachesOfMonthAfterAsOf int // breaches of the month's SQLs recorded after asOf (for the next report)
}

func (w *world) expect(m contract.Month, asOf, since time.Time) expectation {
	c := w.c
	loc := c.Location
	start, end := records.Start(m, loc), records.Start(m.Next(), loc)
	if since.IsZero() {
		since = start
	}
	by := func(t time.Time) bool { return !t.IsZero() && !t.After(asOf) }
	x := expectation{Reps: map[string]*expRep{}, EarlierByRep: map[string]*expRep{}}
	rep := func(mp map[string]*expRep, id string) *expRep {
		if mp[id] == nil {
			mp[id] = &expRep{}
		}
		return mp[id]
	}
	var month []*simHandoff
	for _, h := range w.handoffs {
		if !h.At.Before(start) && h.At.Before(end) && by(h.At) {
			month = append(month, h)
		}
		if h.At.Before(start) {
			for _, e := range h.Events {
				if e.At.After(since) && by(e.At) {
					rr := rep(x.EarlierByRep, e.RepID)
					switch e.Kind {
					case records.Reminder, records.FeedbackReminder:
						rr.EarlierReminders++
					case records.FirstContactBreach:
						rr.EarlierFCB++
						rr.EarlierEscalations++
					case records.AwayEscalation:
						rr.EarlierEscalations++
					case records.FeedbackBreachEvent:
						rr.EarlierFB++
					case records.Reassignment:
						rr.EarlierTaken++
					}
				}
			}
		}
	}
	sort.SliceStable(month, func(i, j int) bool { return month[i].At.Before(month[j].At) })
	for _, h := range month {
		x.SQLs++
		var as []records.Assignment
		for _, a := range h.Assignments {
			if by(a.At) {
				as = append(as, a)
			}
		}
		k := len(as) - 1
		clockOf := func(i int) records.Clock { // the clock in force for assignment i at asOf
			var out records.Clock
			for _, ck := range h.Clocks {
				if ck.Assignment == i && by(ck.From) {
					out = ck
				}
			}
			return out
		}
		contacted := by(h.ContactAt)
		answered := by(h.AnswerAt)
		row := expRow{LeadID: h.LeadID, HandedOffAt: h.At, RepID: as[k].RepID, Reassigned: k,
			Stage: w.stageAt(h.LeadID, asOf)}
		if contacted {
			row.ContactedAt = h.ContactAt
			row.TimeToContact = c.Calendar.Between(h.At, h.ContactAt)
			x.Times = append(x.Times, row.TimeToContact)
		}
		// The lead's first contact: within only by the first rep, at or before the deadline in force.
		switch {
		case contacted && k == 0 && !h.ContactAt.After(clockOf(0).FirstContactDue):
			row.Contact = report.Within
		case contacted:
			row.Contact = report.Late
		case k > 0 || !clockOf(0).FirstContactDue.After(asOf):
			row.Contact = report.Missed
		default:
			row.Contact = report.Pending
		}
		switch row.Contact {
		case report.Within:
			x.Within++
			x.Decided++
		case report.Pending:
			x.Pending++
		default:
			x.Decided++
		}
		// Per rep, each assignment on its own clock.
		for i, a := range as {
			rr := rep(x.Reps, a.RepID)
			rr.Assigned++
			ck := clockOf(i)
			if i < k {
				rr.Taken++
				rr.Decided++
				rr.FCB++
				row.FCB++
				continue
			}
			switch {
			case contacted && h.ContactRep == a.RepID && !h.ContactAt.After(ck.FirstContactDue):
				rr.Within++
				rr.Decided++
			case contacted:
				rr.Decided++
				rr.FCB++
				row.FCB++
			case !ck.FirstContactDue.After(asOf):
				rr.Decided++
				rr.FCB++
				row.FCB++
			}
			if contacted && h.ContactRep == a.RepID {
				rr.Times = append(rr.Times, c.Calendar.Between(a.At, h.ContactAt))
			}
		}
		fbd := clockOf(k).FeedbackDue
		switch {
		case answered && !h.AnswerAt.After(fbd):
			row.Feedback = report.Within
		case answered:
			row.Feedback = report.Late
		case !fbd.After(asOf):
			row.Feedback = report.Missed
		default:
			row.Feedback = report.Pending
		}
		switch row.Feedback {
		case report.Within:
			x.FBWithin++
			x.FBDecided++
		case report.Pending:
			x.FBPending++
		default:
			x.FBDecided++
		}
		if row.Feedback == report.Late || row.Feedback == report.Missed {
			row.FeedbackBreach = true
			rep(x.Reps, as[k].RepID).FB++
		}
		if answered {
			x.Answered++
			if h.Answer == records.Accepted {
				x.Accepted++
			}
		}
		for _, e := range h.Events {
			if !by(e.At) {
				if e.Kind == records.FirstContactBreach {
					x.recordedBreachesOfMonthAfterAsOf++
				}
				continue
			}
			switch e.Kind {
			case records.Reminder, records.FeedbackReminder:
				row.Reminders++
				rep(x.Reps, e.RepID).Reminders++
			case records.FirstContactBreach, records.AwayEscalation:
				rep(x.Reps, e.RepID).Escalations++
			}
		}
		if by(h.BelowAt) {
			row.Below = true
			x.BelowThreshold++
		}
		x.Rows = append(x.Rows, row)
	}
	return x
}

func nearestRank(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := (p*len(s) + 99) / 100
	if rank < 1 {
		rank = 1
	}
	return s[rank-1]
}

func times(ds []time.Duration) report.Times {
	return report.Times{Count: len(ds), Median: nearestRank(ds, 50), P90: nearestRank(ds, 90)}
}

// compare lists how r differs from x, one line per difference.
func compare(x expectation, r report.Report) []string {
	var d []string
	diff := func(what string, want, got any) {
		if fmt.Sprint(want) != fmt.Sprint(got) {
			d = append(d, fmt.Sprintf("%s: want %v, got %v", what, want, got))
		}
	}
	s := r.Sales
	diff("Sales.SQLs", x.SQLs, s.SQLs)
	diff("Sales.Contact", report.Ratio{N: x.Within, D: x.Decided}, s.Contact)
	diff("Sales.ContactPending", x.Pending, s.ContactPending)
	diff("Sales.Feedback", report.Ratio{N: x.FBWithin, D: x.FBDecided}, s.Feedback)
	diff("Sales.FeedbackPend", x.FBPending, s.FeedbackPend)
	diff("Sales.Acceptance", report.Ratio{N: x.Accepted, D: x.Answered}, s.Acceptance)
	diff("Sales.TimeToContact", times(x.Times), s.TimeToContact)
	diff("Marketing.BelowThreshold", x.BelowThreshold, r.Marketing.BelowThreshold)
	got := map[string]report.RepLine{}
	for _, l := range s.Reps {
		got[l.RepID] = l
	}
	for id, e := range x.Reps {
		l := got[id]
		diff("rep "+id+" Assigned", e.Assigned, l.Assigned)
		diff("rep "+id+" Taken", e.Taken, l.Taken)
		diff("rep "+id+" Contact", report.Ratio{N: e.Within, D: e.Decided}, l.Contact)
		diff("rep "+id+" TimeToContact", times(e.Times), l.TimeToContact)
		diff("rep "+id+" FirstContactBreaches", e.FCB, l.FirstContactBreaches)
		diff("rep "+id+" FeedbackBreaches", e.FB, l.FeedbackBreaches)
		diff("rep "+id+" Reminders", e.Reminders, l.Reminders)
		diff("rep "+id+" Escalations", e.Escalations, l.Escalations)
		_, onRoster := map[string]bool{"ann": true, "bob": true, "cat": true, "dan": true}[id]
		diff("rep "+id+" Left", !onRoster, l.Left)
	}
	for id := range got {
		if x.Reps[id] == nil {
			d = append(d, "unexpected rep line "+id)
		}
	}
	egot := map[string]report.RepLine{}
	for _, l := range s.Earlier {
		egot[l.RepID] = l
	}
	for id, e := range x.EarlierByRep {
		l := egot[id]
		diff("earlier "+id+" FirstContactBreaches", e.EarlierFCB, l.FirstContactBreaches)
		diff("earlier "+id+" FeedbackBreaches", e.EarlierFB, l.FeedbackBreaches)
		diff("earlier "+id+" Reminders", e.EarlierReminders, l.Reminders)
		diff("earlier "+id+" Escalations", e.EarlierEscalations, l.Escalations)
		diff("earlier "+id+" Taken", e.EarlierTaken, l.Taken)
	}
	for id, l := range egot {
		if x.EarlierByRep[id] == nil && (l.Reminders+l.Breaches()+l.Escalations+l.Taken) > 0 {
			d = append(d, "unexpected earlier line "+id)
		}
	}
	if len(x.Rows) != len(r.SQLs) {
		d = append(d, fmt.Sprintf("rows: want %d, got %d", len(x.Rows), len(r.SQLs)))
		return d
	}
	for i, e := range x.Rows {
		g := r.SQLs[i]
		p := "row " + e.LeadID + "@" + e.HandedOffAt.Format("01-02T15:04") + " "
		diff(p+"LeadID", e.LeadID, g.LeadID)
		diff(p+"HandedOffAt", e.HandedOffAt.UTC(), g.HandedOffAt.UTC())
		diff(p+"RepID", e.RepID, g.RepID)
		diff(p+"ContactedAt", e.ContactedAt.UTC(), g.ContactedAt.UTC())
		diff(p+"TimeToContact", e.TimeToContact, g.TimeToContact)
		diff(p+"Contact", e.Contact, g.Contact)
		diff(p+"Feedback", e.Feedback, g.Feedback)
		diff(p+"FirstContactBreaches", e.FCB, g.FirstContactBreaches)
		diff(p+"Reminders", e.Reminders, g.Reminders)
		diff(p+"Reassignments", e.Reassigned, g.Reassignments)
		diff(p+"FeedbackBreach", e.FeedbackBreach, g.FeedbackBreach)
		diff(p+"Stage", e.Stage, g.Stage)
		diff(p+"BelowThreshold", e.Below, g.BelowThreshold)
	}
	return d
}

// addUp lists where the per-rep table and the CSV rows do not reconcile (README: "they add up").
func addUp(r report.Report) []string {
	var assigned, taken, fcb, fb, rem int
	for _, l := range r.Sales.Reps {
		assigned += l.Assigned
		taken += l.Taken
		fcb += l.FirstContactBreaches
		fb += l.FeedbackBreaches
		rem += l.Reminders
	}
	var rowFCB, rowFB, rowRem, rowReass int
	for _, row := range r.SQLs {
		rowFCB += row.FirstContactBreaches
		rowRem += row.Reminders
		rowReass += row.Reassignments
		if row.FeedbackBreach {
			rowFB++
		}
	}
	var d []string
	check := func(what string, a, b int) {
		if a != b {
			d = append(d, fmt.Sprintf("%s: %d ≠ %d", what, a, b))
		}
	}
	check("ΣAssigned−ΣTaken vs SQLs", assigned-taken, len(r.SQLs))
	check("ΣTaken vs Σrow.Reassignments", taken, rowReass)
	check("Σrep FirstContactBreaches vs Σrow", fcb, rowFCB)
	check("Σrep FeedbackBreaches vs rows with FeedbackBreach", fb, rowFB)
	check("Σrep Reminders vs Σrow.Reminders", rem, rowRem)
	check("Sales.SQLs vs rows", r.Sales.SQLs, len(r.SQLs))
	return d
}

func encode(t testing.TB, r report.Report) []byte {
	t.Helper()
	b, err := report.Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// randomAsOf is an instant to take month m's figures at: mostly after the month (the schedule's 08:00 on the 1st,
// or later), sometimes in its last days.
func randomAsOf(r *rand.Rand, c *contract.Contract, m contract.Month) time.Time {
	end := records.Start(m.Next(), c.Location)
	switch r.Intn(5) {
	case 0:
		return end.Add(8 * time.Hour)
	case 1:
		return end.Add(-time.Duration(r.Int63n(int64(72 * time.Hour))))
	default:
		return end.Add(time.Duration(r.Int63n(int64(6 * 24 * time.Hour)))).Truncate(time.Second)
	}
}

var indepMonths = []contract.Month{{Year: 2026, Month: time.March}, {Year: 2026, Month: time.May}, {Year: 2026, Month: time.November},
	{Year: 2026, Month: time.December}, {Year: 2027, Month: time.February}}

type failures struct {
	t     *testing.T
	n     int
	kinds map[string]int
	first map[string]string
}

func (f *failures) add(seed int64, what string, lines []string) {
	for _, l := range lines {
		f.n++
		k := what + ": " + kindOf(l)
		if f.kinds[k] == 0 {
			f.first[k] = fmt.Sprintf("seed %d: %s", seed, l)
		}
		f.kinds[k]++
	}
}

// kindOf strips the identifiers from a difference to group it.
func kindOf(l string) string {
	f := strings.Fields(l)
	var out []string
	for _, w := range f {
		if strings.HasPrefix(w, "L") && strings.Contains(w, "@") || w == "ann" || w == "bob" || w == "cat" || w == "dan" || w == "zoe" {
			continue
		}
		out = append(out, w)
		if strings.HasSuffix(w, ":") {
			break
		}
	}
	return strings.Join(out, " ")
}

func (f *failures) report() {
	keys := make([]string, 0, len(f.kinds))
	for k := range f.kinds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f.t.Errorf("%d× %s\n    e.g. %s", f.kinds[k], k, f.first[k])
	}
}

// TestIndependentRandomMonths computes many generated months as of T, from the records as they stood at T and
// as they stand later (more history appended after T): the encoded reports must be identical (as-of), agree with
// the oracle, and add up.
func TestIndependentRandomMonths(t *testing.T) {
	t.Parallel()
	const n = 200
	f := &failures{t: t, kinds: map[string]int{}, first: map[string]string{}}
	comparisons := 0
	var stats struct{ sqls, pending, reassigned, breaches, earlier int }
	for seed := int64(1); seed <= int64(n); seed++ {
		r := rand.New(rand.NewSource(seed))
		onBreach := []string{"reassign", "escalate"}[r.Intn(2)]
		c := indepContract(t, []string{"fr", "en"}[r.Intn(2)], onBreach, indepHours[r.Intn(len(indepHours))])
		m := indepMonths[r.Intn(len(indepMonths))]
		w := genWorld(r, c, m, 1+r.Intn(30))
		asOf := randomAsOf(r, c, m)
		var since time.Time
		if r.Intn(2) == 0 {
			since = records.Start(m, c.Location).Add(8 * time.Hour)
		}
		base := report.Compute(c, w.read(m, asOf, since, asOf))
		want := encode(t, base)
		for _, later := range []time.Duration{time.Second, time.Duration(r.Int63n(int64(5 * 24 * time.Hour))), 60 * 24 * time.Hour} {
			w.scramble = rand.New(rand.NewSource(seed))
			gotR := report.Compute(c, w.read(m, asOf, since, asOf.Add(later)))
			w.scramble = nil
			got := encode(t, gotR)
			comparisons++
			if !bytes.Equal(want, got) {
				f.add(seed, "as-of", []string{fmt.Sprintf("records read %v after T: %s", later, firstDiff(base, gotR))})
			}
		}
		x := w.expect(m, asOf, since)
		f.add(seed, "oracle", compare(x, base))
		stats.sqls += x.SQLs
		stats.pending += x.Pending + x.FBPending
		for _, row := range x.Rows {
			stats.reassigned += row.Reassigned
			stats.breaches += row.FCB
		}
		for _, e := range x.EarlierByRep {
			stats.earlier += e.EarlierReminders + e.EarlierFCB + e.EarlierFB + e.EarlierEscalations + e.EarlierTaken
		}
		f.add(seed, "add-up", addUp(base))
		comparisons += 2
	}
	t.Logf("%d random months, %d comparisons, %d differences; %d SQLs (%d deadlines pending at T, %d reassignments, %d first-contact breaches), %d earlier months' events",
		n, comparisons, f.n, stats.sqls, stats.pending, stats.reassigned, stats.breaches, stats.earlier)
	f.report()
}

// firstDiff names the first figure that differs between two reports.
func firstDiff(a, b report.Report) string {
	ja, jb := string(mustJSON(a)), string(mustJSON(b))
	i := 0
	for i < len(ja) && i < len(jb) && ja[i] == jb[i] {
		i++
	}
	lo := max(0, i-120)
	return fmt.Sprintf("…%s… vs …%s…", ja[lo:min(len(ja), i+60)], jb[lo:min(len(jb), i+60)])
}

func mustJSON(r report.Report) []byte {
	b, _ := report.Encode(r)
	return b
}

// TestIndependentConsecutiveMonths takes month M as of T1, then M+1 as of T2 with Since = T1 (its previous report
// of record): every reminder, escalation, reassignment and breach of M's SQLs must be in exactly one of the two
// reports (README: "so that every breach, reminder and escalation is in exactly one report").
func TestIndependentConsecutiveMonths(t *testing.T) {
	t.Parallel()
	n := 300
	type tot struct{ rem, esc, taken, fcb, fb int }
	bad := map[string]int{}
	first := map[string]string{}
	doubles := 0
	for seed := int64(1); seed <= int64(n); seed++ {
		r := rand.New(rand.NewSource(1000 + seed))
		c := indepContract(t, "en", []string{"reassign", "escalate"}[r.Intn(2)], indepHours[r.Intn(len(indepHours))])
		m := indepMonths[r.Intn(len(indepMonths))]
		w := genWorld(r, c, m, 1+r.Intn(30))
		// Only M's hand-offs, so that M+1's Earlier is about them alone.
		start, end := records.Start(m, c.Location), records.Start(m.Next(), c.Location)
		var keep []*simHandoff
		for _, h := range w.handoffs {
			if !h.At.Before(start) && h.At.Before(end) {
				keep = append(keep, h)
			}
		}
		w.handoffs = keep
		t1 := end.Add(8 * time.Hour)
		if r.Intn(3) == 0 {
			t1 = end.Add(time.Duration(r.Int63n(int64(4 * 24 * time.Hour)))).Truncate(time.Second)
		}
		t2 := records.Start(m.Next().Next(), c.Location).Add(8 * time.Hour)
		rm := report.Compute(c, w.read(m, t1, time.Time{}, t1))
		rn := report.Compute(c, w.read(m.Next(), t2, t1, t2))
		var a, b, all tot
		for _, l := range rm.Sales.Reps {
			a.rem, a.esc, a.taken, a.fcb, a.fb = a.rem+l.Reminders, a.esc+l.Escalations, a.taken+l.Taken, a.fcb+l.FirstContactBreaches, a.fb+l.FeedbackBreaches
		}
		for _, l := range rn.Sales.Earlier {
			b.rem, b.esc, b.taken, b.fcb, b.fb = b.rem+l.Reminders, b.esc+l.Escalations, b.taken+l.Taken, b.fcb+l.FirstContactBreaches, b.fb+l.FeedbackBreaches
		}
		// Everything of M's SQLs by T2: recorded events, and breaches on the clock by T1 not recorded yet.
		for _, h := range keep {
			for _, e := range h.Events {
				if e.At.After(t2) {
					continue
				}
				switch e.Kind {
				case records.Reminder, records.FeedbackReminder:
					all.rem++
				case records.AwayEscalation:
					all.esc++
				case records.FirstContactBreach:
					all.esc++
					all.fcb++
					if !e.Due.After(t1) && e.At.After(t1) {
						doubles++
					}
				case records.FeedbackBreachEvent:
					all.fb++
					if !e.Due.After(t1) && e.At.After(t1) {
						doubles++
					}
				case records.Reassignment:
					all.taken++
				}
			}
		}
		check := func(what string, x, y, want int) {
			if x+y != want {
				if bad[what] == 0 {
					first[what] = fmt.Sprintf("seed %d (%s, T1 %s): M counts %d, M+1's Earlier %d, %d happened", 1000+seed, m, t1.Format(time.RFC3339), x, y, want)
				}
				bad[what]++
			}
		}
		check("reminders", a.rem, b.rem, all.rem)
		check("escalations", a.esc, b.esc, all.esc)
		check("reassignments", a.taken, b.taken, all.taken)
		check("first-contact breaches", a.fcb, b.fcb, all.fcb)
		check("feedback breaches", a.fb, b.fb, all.fb)
	}
	t.Logf("%d pairs of months; breaches on the clock at T1 recorded after it: %d", n, doubles)
	for k, v := range bad {
		t.Errorf("%d× %s: %s", v, k, first[k])
	}
}

// ---------------------------------------------------------------------------------------------------------------
// Reproducers: each a scenario where the code disagrees with the README.

func paris(t testing.TB, s string) time.Time {
	t.Helper()
	loc, _ := time.LoadLocation("Europe/Paris")
	at, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// sql is a hand-off to rep at `at`, on its first clock, as notify records it.
func sql(t testing.TB, c *contract.Contract, lead, rep string, at time.Time) records.Handoff {
	fcd, fbd := mustAdd(c, at, c.Sales.FirstContact), mustAdd(c, at, c.Sales.Feedback)
	return records.Handoff{LeadID: lead, At: at, ContractVersion: c.Version, RepID: rep,
		Assignments:     []records.Assignment{{RepID: rep, At: at}},
		Clocks:          []records.Clock{{Assignment: 0, From: at, FirstContactDue: fcd, FeedbackDue: fbd}},
		FirstContactDue: fcd, FeedbackDue: fbd, Source: "site"}
}

func repTotals(ls []report.RepLine) (fcb, fb int) {
	for _, l := range ls {
		fcb += l.FirstContactBreaches
		fb += l.FeedbackBreaches
	}
	return
}

// TestIndependentBreachInTwoReports: November's report of record is taken on demand on Tuesday 1 December at
// 11:00:05 (`{"month":"2026-11"}` takes it as of now). An SQL of 30 November 16:00 had until 11:00 that morning to
// be contacted (4h): on the clock it is a breach, and November counts it. The checker records the breach at
// 11:00:10, after November's instant; December's report, whose Since is November's as-of instant, lists it again
// under "earlier months' SQLs". README: "what happened after the previous month's report of record was taken
// ... to SQLs handed off before the month is listed apart, so that every breach, reminder and escalation is in
// exactly one report".
func TestIndependentBreachInTwoReports(t *testing.T) {
	c := indepContract(t, "en", "escalate", officeHours)
	nov, dec := contract.Month{Year: 2026, Month: time.November}, contract.Month{Year: 2026, Month: time.December}
	h := sql(t, c, "L1", "ann", paris(t, "2026-11-30 16:00:00"))
	if want := paris(t, "2026-12-01 11:00:00"); !h.FirstContactDue.Equal(want) {
		t.Fatalf("deadline %s, want %s", h.FirstContactDue, want)
	}
	t1 := paris(t, "2026-12-01 11:00:05")
	breach := records.Event{Kind: records.FirstContactBreach, LeadID: "L1", HandoffAt: h.At, At: paris(t, "2026-12-01 11:00:10"),
		Due: h.FirstContactDue, RepID: "ann", ContractVersion: c.Version}
	rn := report.Compute(c, records.Input{Month: nov, AsOf: t1, Handoffs: []records.Handoff{h}})
	t2 := paris(t, "2027-01-01 08:00:00")
	rd := report.Compute(c, records.Input{Month: dec, AsOf: t2, Since: t1, Handoffs: []records.Handoff{h}, Events: []records.Event{breach}})
	nFCB, _ := repTotals(rn.Sales.Reps)
	dFCB, _ := repTotals(rd.Sales.Earlier)
	if nFCB+dFCB != 1 {
		t.Errorf("one breach: November counts %d (on the clock at %s), December's earlier SQLs %d (recorded at %s): in %d reports",
			nFCB, t1.Format("15:04:05"), dFCB, breach.At.Format("15:04:05"), nFCB+dFCB)
	}
}

// TestIndependentFeedbackBreachInTwoReports: the same with the feedback deadline, passed by the as-of instant and
// recorded by the checker just after it.
func TestIndependentFeedbackBreachInTwoReports(t *testing.T) {
	c := indepContract(t, "en", "escalate", officeHours)
	nov, dec := contract.Month{Year: 2026, Month: time.November}, contract.Month{Year: 2026, Month: time.December}
	h := sql(t, c, "L1", "ann", paris(t, "2026-11-27 10:00:00"))
	h.ContactedAt, h.ContactChannel, h.ContactRepID = paris(t, "2026-11-27 11:00:00"), "phone", "ann"
	t1 := h.FeedbackDue.Add(5 * time.Second)
	breach := records.Event{Kind: records.FeedbackBreachEvent, LeadID: "L1", HandoffAt: h.At, At: h.FeedbackDue.Add(10 * time.Second),
		Due: h.FeedbackDue, RepID: "ann", ContractVersion: c.Version}
	if !t1.After(records.Start(dec, c.Location)) {
		t.Fatalf("feedback deadline %s is not in December", h.FeedbackDue)
	}
	rn := report.Compute(c, records.Input{Month: nov, AsOf: t1, Handoffs: []records.Handoff{h}})
	rd := report.Compute(c, records.Input{Month: dec, AsOf: paris(t, "2027-01-01 08:00:00"), Since: t1, Handoffs: []records.Handoff{h},
		Events: []records.Event{breach}})
	_, nFB := repTotals(rn.Sales.Reps)
	_, dFB := repTotals(rd.Sales.Earlier)
	if nFB+dFB != 1 {
		t.Errorf("one feedback breach (deadline %s): November counts %d, December's earlier SQLs %d: in %d reports",
			h.FeedbackDue.Format("2006-01-02 15:04"), nFB, dFB, nFB+dFB)
	}
}

// TestIndependentBelowThresholdOfEarlierHandoff: a lead handed off on 2 November, rejected the same day, hands up
// again and is handed off on 10 November; its score falls below the SQL threshold on 20 November. records.Current:
// BelowSQLAts are the instants the lead's score "first fell below the SQL threshold after each of its hand-offs". The
// fall is the second SQL's; README counts "SQLs of the month whose score fell below the SQL threshold after their
// hand-off": one SQL, not both (the first was rejected and handed off again before it).
func TestIndependentBelowThresholdOfEarlierHandoff(t *testing.T) {
	c := indepContract(t, "en", "escalate", officeHours)
	nov := contract.Month{Year: 2026, Month: time.November}
	h1 := sql(t, c, "L1", "ann", paris(t, "2026-11-02 10:00:00"))
	h1.ContactedAt, h1.ContactRepID = paris(t, "2026-11-02 11:00:00"), "ann"
	h1.Answer, h1.AnsweredAt, h1.RejectReason = records.Rejected, paris(t, "2026-11-02 11:00:00"), "not_a_fit"
	h2 := sql(t, c, "L1", "bob", paris(t, "2026-11-10 10:00:00"))
	h2.ContactedAt, h2.ContactRepID = paris(t, "2026-11-10 11:00:00"), "bob"
	in := records.Input{Month: nov, AsOf: paris(t, "2026-12-01 08:00:00"), Handoffs: []records.Handoff{h1, h2},
		Transitions: []records.Transition{
			{LeadID: "L1", From: records.MQL, To: records.SQL, At: h1.At},
			{LeadID: "L1", From: records.SQL, To: "rejected", At: h1.AnsweredAt},
			{LeadID: "L1", From: "rejected", To: records.SQL, At: h2.At},
		},
		Current: map[string]records.Current{"L1": {Stage: records.SQL, BelowSQLThreshold: true, BelowSQLAts: []time.Time{paris(t, "2026-11-20 03:00:00")}}}}
	r := report.Compute(c, in)
	if r.Marketing.BelowThreshold != 1 {
		t.Errorf("Marketing.BelowThreshold = %d, want 1 (the second hand-off's score fell)", r.Marketing.BelowThreshold)
	}
	for _, row := range r.SQLs {
		if want := row.HandedOffAt.Equal(h2.At); row.BelowThreshold != want {
			t.Errorf("row handed off %s: BelowThreshold %v, want %v", row.HandedOffAt.In(c.Location).Format("02 Jan"), row.BelowThreshold, want)
		}
	}
}

// TestIndependentBelowThresholdAsOf: an SQL of 2 November whose score fell below the threshold on 20 November,
// taken as of 1 December 08:00. After that instant the rep rejects it (1 December) and the lead is handed off again
// (3 December), whose score is above the threshold: the lead keeps the instant of the first fall. November
// computed again as of the same instant must give the same report (README: a score falling below the threshold
// recorded after the instant does not count, "so computing a month again later gives the same report, figure by
// figure"), but the fall before the instant is no longer in the records the report reads.
func TestIndependentBelowThresholdAsOf(t *testing.T) {
	c := indepContract(t, "en", "escalate", officeHours)
	nov := contract.Month{Year: 2026, Month: time.November}
	asOf := paris(t, "2026-12-01 08:00:00")
	h := sql(t, c, "L1", "ann", paris(t, "2026-11-02 10:00:00"))
	h.ContactedAt, h.ContactRepID = paris(t, "2026-11-02 11:00:00"), "ann"
	trs := []records.Transition{{LeadID: "L1", From: records.MQL, To: records.SQL, At: h.At}}
	then := records.Input{Month: nov, AsOf: asOf, Handoffs: []records.Handoff{h}, Transitions: trs,
		Current: map[string]records.Current{"L1": {Stage: records.SQL, BelowSQLThreshold: true, BelowSQLAts: []time.Time{paris(t, "2026-11-20 03:00:00")}}}}
	later := then
	h.Answer, h.AnsweredAt, h.RejectReason = records.Rejected, paris(t, "2026-12-01 10:00:00"), "not_a_fit"
	later.Handoffs = []records.Handoff{h}
	later.Transitions = append(append([]records.Transition(nil), trs...),
		records.Transition{LeadID: "L1", From: records.SQL, To: "rejected", At: h.AnsweredAt},
		records.Transition{LeadID: "L1", From: "rejected", To: records.SQL, At: paris(t, "2026-12-03 10:00:00")})
	// The new hand-off's score is its own (not below now); the fall of 20 November stays on the lead.
	later.Current = map[string]records.Current{"L1": {Stage: records.SQL, BelowSQLAts: []time.Time{paris(t, "2026-11-20 03:00:00")}}}
	a, b := report.Compute(c, then), report.Compute(c, later)
	if !bytes.Equal(encode(t, a), encode(t, b)) {
		t.Errorf("November as of %s changed with what was recorded after it: BelowThreshold %d then, %d later",
			asOf.Format(time.RFC3339), a.Marketing.BelowThreshold, b.Marketing.BelowThreshold)
	}
}

var _ = worktime.Tick

// TestIndependentBoundaries: instants exactly at the deadline, at AsOf and at Since.
func TestIndependentBoundaries(t *testing.T) {
	c := indepContract(t, "en", "escalate", officeHours)
	nov := contract.Month{Year: 2026, Month: time.November}
	a := sql(t, c, "A", "ann", paris(t, "2026-11-02 10:00:30"))
	if want := paris(t, "2026-11-02 15:01:00"); !a.FirstContactDue.Equal(want) {
		t.Fatalf("A's deadline %s, want %s (counted from the next whole minute)", a.FirstContactDue, want)
	}
	a.ContactedAt, a.ContactRepID = a.FirstContactDue, "ann" // at the deadline: within
	b := sql(t, c, "B", "bob", paris(t, "2026-11-30 16:00:00"))
	asOf := b.FirstContactDue // B's deadline is the as-of instant: missed, not pending
	cc := sql(t, c, "C", "cat", paris(t, "2026-11-30 16:01:00"))
	old := sql(t, c, "E", "dan", paris(t, "2026-10-30 16:00:00"))
	since := paris(t, "2026-11-01 08:00:00")
	in := records.Input{Month: nov, AsOf: asOf, Since: since, Handoffs: []records.Handoff{a, b, cc, old}, Events: []records.Event{
		{Kind: records.Reminder, LeadID: "B", HandoffAt: b.At, At: asOf, Due: asOf, RepID: "bob"},
		{Kind: records.Reminder, LeadID: "C", HandoffAt: cc.At, At: asOf.Add(time.Nanosecond), Due: asOf, RepID: "cat"},
		{Kind: records.Reminder, LeadID: "E", HandoffAt: old.At, At: since, Due: since, RepID: "dan"},
		{Kind: records.FeedbackReminder, LeadID: "E", HandoffAt: old.At, At: since.Add(time.Millisecond), Due: since, RepID: "dan"},
	}}
	r := report.Compute(c, in)
	st := map[string]report.Status{}
	for _, row := range r.SQLs {
		st[row.LeadID] = row.Contact
	}
	if st["A"] != report.Within || st["B"] != report.Missed || st["C"] != report.Pending {
		t.Errorf("contact statuses %v, want A within, B missed, C pending", st)
	}
	if r.Sales.Contact != (report.Ratio{N: 1, D: 2}) || r.Sales.ContactPending != 1 {
		t.Errorf("contact %+v pending %d, want 1/2 and 1 pending", r.Sales.Contact, r.Sales.ContactPending)
	}
	rem := map[string]int{}
	for _, l := range r.Sales.Reps {
		rem[l.RepID] = l.Reminders
	}
	if rem["bob"] != 1 || rem["cat"] != 0 {
		t.Errorf("reminders %v: the one at AsOf counts, the one after does not", rem)
	}
	var e int
	for _, l := range r.Sales.Earlier {
		e += l.Reminders
	}
	if e != 1 {
		t.Errorf("earlier reminders %d, want 1 (the one at Since was the previous report's)", e)
	}
}

// TestIndependentOneSQLPlural: a month with one SQL, contacted late, the contact target missed. The English text
// says "(0 of 1 SQLs)"; one SQL is singular (the report writes "1 contact", and French "0 SQL sur 1").
func TestIndependentOneSQLPlural(t *testing.T) {
	c := indepContract(t, "en", "escalate", officeHours)
	h := sql(t, c, "L1", "ann", paris(t, "2026-11-02 10:00:00"))
	h.ContactedAt, h.ContactRepID = paris(t, "2026-11-02 16:00:00"), "ann"
	r := report.Compute(c, records.Input{Month: contract.Month{Year: 2026, Month: time.November}, AsOf: paris(t, "2026-12-01 08:00:00"),
		Handoffs: []records.Handoff{h}})
	e, err := report.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	for part, s := range map[string]string{"text": e.Text, "HTML": e.HTML} {
		if i := strings.Index(s, " 1 SQLs"); i >= 0 {
			t.Errorf("%s part: …%s…", part, s[max(0, i-60):min(len(s), i+12)])
		}
	}
}
