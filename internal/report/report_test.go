package report

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
)

// testContract: Paris, Monday to Thursday 09:00–12:30 and 13:30–18:00 (8h), Friday to 17:00 (7h), French
// holidays (14 July 2026 is a Tuesday). Marketing's target changes in July: 4 SQLs and 10 MQLs a month until
// June, 5 SQLs and no MQL figure from July. Sales commit to contact 75% of SQLs within 4h.
const testContract = `version: "2026.07-1"
company: Test & Fils <SAS>
locale: fr
time_zone: Europe/Paris
calendar:
  holidays: FR
  business_hours:
    monday: ["09:00-12:30", "13:30-18:00"]
    tuesday: ["09:00-12:30", "13:30-18:00"]
    wednesday: ["09:00-12:30", "13:30-18:00"]
    thursday: ["09:00-12:30", "13:30-18:00"]
    friday: ["09:00-12:30", "13:30-17:00"]
marketing:
  targets:
    - from: 2026-01
      to: 2026-06
      sqls: 4
      mqls: 10
    - from: 2026-07
      sqls: 5
sales:
  first_contact_deadline: 4h
  feedback_deadline: 16h
  reminders: ["50%", "80%"]
  contact_rate_target: 75%
roster:
  managers:
    - id: mia
      name: Mia Manager
      email: mia@test.fr
  reps:
    - id: anna
      name: Anna <b>Admin</b> & Co
      email: anna@test.fr
      manager: mia
    - id: bruno
      name: Bruno Lefèvre
      email: bruno@test.fr
      manager: mia
recipients:
  leadership: [boss@test.fr]
sender: "Handoff <sla@test.fr>"
`

func parseContract(t testing.TB, yaml string) *contract.Contract {
	t.Helper()
	c, err := contract.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var paris, _ = time.LoadLocation("Europe/Paris")

// at is a wall-clock time in Paris, "2026-07-01 10:00".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
	if err != nil {
		panic(err)
	}
	return t
}

const (
	site    = "site-contact"
	webinar = "webflow-webinar"
	linkdin = "zapier-linkedin"
	track   = "tracking"
)

// july is a month of records (July 2026), every figure of which is worked out by hand in TestJuly.
//
//	H0 carl (who has since left the roster) got an SQL on Tue 30 June 17:00; in July he let it breach first
//	   contact (Wed 1 July 12:00) and feedback (Thu 2 July 17:00), after two reminders to contact (10:00 and
//	   11:12: 50% and 80% of 4h) and one to answer (Wed 17:00, 50% of 16h); at the second point to answer
//	   (Thu 13:48, 80%) he was away, so his manager was told instead (an escalation, not a reminder).
//	H1 anna  Wed 1 Jul 10:00 -> contacted 11:30 (1h30)                          accepted
//	H2 bruno Thu 2 Jul 17:30 -> contacted Fri 10:00 (30 min + 1h = 1h30)          rejected no_budget
//	H3 anna  Fri 3 Jul 16:30 -> contacted Mon 6 11:00 (30 min + 2h = 2h30)        rejected other + comment
//	H4 bruno Mon 13 Jul 17:00 -> contacted Wed 15 10:00 (1h + 14 July + 1h = 2h)  no answer: feedback breached
//	H5 carl  Mon 20 Jul 09:00, breached at 14:00 and reassigned to anna, who made contact at 16:00 (2h on her
//	   clock, late for the SQL)                                                  accepted
//	H6 bruno Mon 27 Jul 10:00, the lead of H2 again -> contacted 16:00 (2h30 + 2h30 = 5h, late) accepted
//	H7 anna  Fri 31 Jul 16:00 (tracking, a subscriber turned SQL); contact due Mon 3 Aug 12:00, after the
//	   report (Sat 1 Aug 08:00): pending. The contact made on Mon 3 Aug 09:30 is after AsOf and not counted.
func july() Input {
	v6, v7 := "2026.06-1", "2026.07-1"
	h := func(lead, repID, handed, source, campaign, version string) Handoff {
		return Handoff{LeadID: lead, At: at(handed), RepID: repID, Assignments: []Assignment{{RepID: repID, At: at(handed)}},
			Source: source, UTMCampaign: campaign, ContractVersion: version}
	}
	h0 := h("l0", "carl", "2026-06-30 17:00", site, "", v6)
	h0.FirstContactDue, h0.FeedbackDue = at("2026-07-01 12:00"), at("2026-07-02 17:00")
	h0.FirstContactBreaches, h0.FeedbackBreach = 1, true

	h1 := h("l1", "anna", "2026-07-01 10:00", site, "ete", v6)
	h1.FirstContactDue, h1.FeedbackDue = at("2026-07-01 15:00"), at("2026-07-03 10:00")
	h1.ContactedAt, h1.ContactRepID, h1.ContactChannel, h1.ContactedWithinDeadline = at("2026-07-01 11:30"), "anna", "phone", true
	h1.Answer, h1.AnsweredAt, h1.FeedbackWithinDeadline = Accepted, at("2026-07-01 15:00"), true

	h2 := h("l2", "bruno", "2026-07-02 17:30", webinar, "webinar-juin", v6)
	h2.FirstContactDue, h2.FeedbackDue = at("2026-07-03 12:00"), at("2026-07-06 16:30")
	h2.ContactedAt, h2.ContactRepID, h2.ContactedWithinDeadline = at("2026-07-03 10:00"), "bruno", true
	h2.Answer, h2.AnsweredAt, h2.RejectReason, h2.FeedbackWithinDeadline = Rejected, at("2026-07-03 11:00"), "no_budget", true

	h3 := h("l3", "anna", "2026-07-03 16:30", webinar, "webinar-juin", v6)
	h3.FirstContactDue, h3.FeedbackDue = at("2026-07-06 12:30"), at("2026-07-07 16:30")
	h3.ContactedAt, h3.ContactRepID, h3.ContactedWithinDeadline = at("2026-07-06 11:00"), "anna", true
	h3.Answer, h3.AnsweredAt, h3.FeedbackWithinDeadline = Rejected, at("2026-07-06 12:00"), true
	h3.RejectReason, h3.RejectComment = "other", "=cmd|' /C calc'!A0 <script>alert(1)</script>"

	h4 := h("l4", "bruno", "2026-07-13 17:00", site, "", v6)
	h4.FirstContactDue, h4.FeedbackDue = at("2026-07-15 12:00"), at("2026-07-16 17:00")
	h4.ContactedAt, h4.ContactRepID, h4.ContactedWithinDeadline = at("2026-07-15 10:00"), "bruno", true
	h4.FeedbackBreach = true

	h5 := h("l5", "anna", "2026-07-20 09:00", linkdin, "linkedin-q3", v6)
	h5.Assignments = []Assignment{{RepID: "carl", At: at("2026-07-20 09:00")}, {RepID: "anna", At: at("2026-07-20 14:00")}}
	h5.FirstContactDue, h5.FeedbackDue = at("2026-07-20 18:00"), at("2026-07-22 09:00")
	h5.ContactedAt, h5.ContactRepID, h5.ContactedWithinDeadline = at("2026-07-20 16:00"), "anna", false
	h5.FirstContactBreaches, h5.Reassignments, h5.Reminders = 1, 1, 2
	h5.Answer, h5.AnsweredAt, h5.FeedbackWithinDeadline = Accepted, at("2026-07-20 17:00"), true

	h6 := h("l2", "bruno", "2026-07-27 10:00", webinar, "webinar-juin", v7)
	h6.FirstContactDue, h6.FeedbackDue = at("2026-07-27 15:00"), at("2026-07-29 10:00")
	h6.ContactedAt, h6.ContactRepID, h6.ContactedWithinDeadline = at("2026-07-27 16:00"), "bruno", false
	h6.FirstContactBreaches, h6.Reminders = 1, 2
	h6.Answer, h6.AnsweredAt, h6.FeedbackWithinDeadline = Accepted, at("2026-07-28 10:00"), true

	h7 := h("l7", "anna", "2026-07-31 16:00", track, "", v7)
	h7.FirstContactDue, h7.FeedbackDue = at("2026-08-03 12:00"), at("2026-08-04 17:00")
	h7.ContactedAt, h7.ContactRepID, h7.ContactedWithinDeadline = at("2026-08-03 09:30"), "anna", true

	// Earlier cohorts: March (accepted, opportunity, lost), May (two customers in two currencies, one rejected).
	m2 := h("m2", "anna", "2026-03-10 10:00", site, "", v6)
	m2.Answer, m2.AnsweredAt = Accepted, at("2026-03-11 10:00")
	m1 := h("m1", "bruno", "2026-05-05 10:00", site, "", v6)
	m1.Answer, m1.AnsweredAt = Accepted, at("2026-05-06 10:00")
	m3 := h("m3", "anna", "2026-05-20 10:00", webinar, "", v6)
	m3.Answer, m3.AnsweredAt = Accepted, at("2026-05-21 10:00")
	m4 := h("m4", "bruno", "2026-05-25 10:00", webinar, "", v6)
	m4.Answer, m4.AnsweredAt, m4.RejectReason = Rejected, at("2026-05-26 10:00"), "not_a_fit"

	tr := func(lead string, from, to Stage, when, source, campaign string) Transition {
		return Transition{LeadID: lead, From: from, To: to, At: at(when), Source: source, UTMCampaign: campaign, ContractVersion: v6}
	}
	ev := func(kind EventKind, lead, repID, when string) Event {
		return Event{Kind: kind, LeadID: lead, At: at(when), RepID: repID, ContractVersion: v6}
	}
	customer := func(lead, when, amount, currency string) Transition {
		t := tr(lead, Opportunity, Customer, when, site, "")
		t.Amount, t.Currency = amount, currency
		return t
	}
	reassigned := ev(Reassignment, "l5", "carl", "2026-07-20 14:00")
	reassigned.FromRep, reassigned.ToRep = "carl", "anna"
	return Input{
		Month: contract.Month{Year: 2026, Month: time.July},
		AsOf:  at("2026-08-01 08:00"),
		Created: []Created{
			{LeadID: "l1", At: at("2026-07-01 08:00"), Stage: NewLead, Source: site, UTMCampaign: "ete"},
			{LeadID: "l4", At: at("2026-07-10 11:00"), Stage: NewLead, Source: site},
			{LeadID: "l8", At: at("2026-07-15 09:00"), Stage: NewLead, Source: linkdin, UTMCampaign: "linkedin-q3"},
			{LeadID: "l7", At: at("2026-07-29 10:00"), Stage: Subscriber, Source: track},                  // counts when it becomes a lead
			{LeadID: "l9", At: at("2026-07-20 10:00"), Stage: Subscriber, Source: site},                   // never does
			{LeadID: "l12", At: at("2026-07-31 23:30"), Stage: NewLead, Source: site, UTMCampaign: "ete"}, // 21:30 UTC, July in Paris
			{LeadID: "l10", At: at("2026-06-30 23:30"), Stage: NewLead, Source: site},                     // June
			{LeadID: "l13", At: at("2026-08-01 00:30"), Stage: NewLead, Source: site},                     // 22:30 UTC on 31 July: August in Paris
		},
		Transitions: []Transition{
			tr("l1", NewLead, MQL, "2026-07-01 09:00", site, "ete"),
			tr("l1", MQL, SQL, "2026-07-01 10:00", site, "ete"),
			tr("l2", MQL, SQL, "2026-07-02 17:30", webinar, "webinar-juin"),
			tr("l2", "rejected", SQL, "2026-07-27 10:00", webinar, "webinar-juin"),
			tr("l3", NewLead, SQL, "2026-07-03 16:30", webinar, "webinar-juin"), // a hand-raiser: an MQL too
			tr("l4", NewLead, MQL, "2026-07-12 10:00", site, ""),
			tr("l4", MQL, SQL, "2026-07-13 17:00", site, ""),
			tr("l5", MQL, SQL, "2026-07-20 09:00", linkdin, "linkedin-q3"),
			tr("l7", Subscriber, SQL, "2026-07-31 16:00", track, ""),
			tr("l8", NewLead, MQL, "2026-07-16 10:00", linkdin, "linkedin-q3"),
			tr("l8", MQL, NewLead, "2026-07-25 02:00", linkdin, "linkedin-q3"),
			tr("l8", NewLead, MQL, "2026-07-28 10:00", linkdin, "linkedin-q3"), // MQL twice in the month: one MQL
			tr("l11", NewLead, MQL, "2026-08-01 00:30", site, ""),              // August in Paris
			tr("l1", "accepted", Opportunity, "2026-07-20 10:00", site, "ete"),
			tr("m2", "accepted", Opportunity, "2026-04-02 10:00", site, ""),
			tr("m2", Opportunity, Lost, "2026-05-05 10:00", site, ""),
			tr("m1", "accepted", Opportunity, "2026-06-01 10:00", site, ""),
			customer("m1", "2026-07-10 10:00", "12000.50", "EUR"),
			tr("m3", "accepted", Opportunity, "2026-06-15 10:00", webinar, ""),
			customer("m3", "2026-06-30 12:00", "8000.00", "USD"),
			customer("old", "2026-07-05 10:00", "99999.00", "EUR"), // handed off before the window: no cohort
		},
		Handoffs: []Handoff{h7, h6, h5, h4, h3, h2, h1, h0, m2, m1, m3, m4}, // any order
		Events: []Event{
			ev(Reminder, "l0", "carl", "2026-07-01 10:00"),
			ev(Reminder, "l0", "carl", "2026-07-01 11:12"),
			ev(FirstContactBreach, "l0", "carl", "2026-07-01 12:00"),
			ev(FeedbackReminder, "l0", "carl", "2026-07-01 17:00"),
			ev(AwayEscalation, "l0", "carl", "2026-07-02 13:48"),
			ev(FeedbackBreachEvent, "l0", "carl", "2026-07-02 17:00"),
			ev(FeedbackBreachEvent, "l4", "bruno", "2026-07-16 17:00"),
			ev(Reminder, "l5", "carl", "2026-07-20 11:00"),
			ev(Reminder, "l5", "carl", "2026-07-20 12:12"),
			ev(FirstContactBreach, "l5", "carl", "2026-07-20 14:00"),
			reassigned,
			ev(Reminder, "l2", "bruno", "2026-07-27 12:00"),
			{Kind: Reminder, LeadID: "l2", RepID: "bruno", At: at("2026-07-27 14:12"), ContractVersion: v7},
			{Kind: FirstContactBreach, LeadID: "l2", RepID: "bruno", At: at("2026-07-27 15:00"), ContractVersion: v7},
			ev(Reminder, "m9", "bruno", "2026-06-15 10:00"), // June
			ev(Reminder, "l7", "anna", "2026-08-03 10:00"),  // August, after the report
		},
		Current: map[string]Current{
			"l1": {Stage: Opportunity, BelowSQLThreshold: true},
			"l2": {Stage: "accepted", BelowSQLThreshold: true}, // two hand-offs, one lead
			"l3": {Stage: "rejected"}, "l4": {Stage: SQL}, "l5": {Stage: "accepted"}, "l7": {Stage: SQL},
		},
	}
}

func TestJuly(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	r := Compute(c, july())

	if r.Contract != "2026.07-1" || !reflect.DeepEqual(r.Recorded, []string{"2026.06-1", "2026.07-1"}) {
		t.Errorf("versions = %s, recorded %v", r.Contract, r.Recorded)
	}

	m := r.Marketing
	// New leads: l1, l4, l8, l12 created as leads, l7 a subscriber that became an SQL. MQLs: l1, l3 (straight
	// to SQL), l4, l7, l8 (twice, once). SQLs: 7 hand-offs, l2 twice. Target from July: 5 SQLs, no MQL figure.
	if m.Leads != 5 || m.MQLs != 5 || m.SQLs != 7 {
		t.Errorf("leads, MQLs, SQLs = %d, %d, %d; want 5, 5, 7", m.Leads, m.MQLs, m.SQLs)
	}
	if m.SQLGoal != (Goal{7, 5}) || !m.SQLGoal.Met() || m.SQLGoal.Attainment().Percent() != 140 {
		t.Errorf("SQL goal = %+v", m.SQLGoal)
	}
	if m.MQLGoal.Set() {
		t.Errorf("MQL goal = %+v; July has no MQL target", m.MQLGoal)
	}
	if m.LeadToMQL != (Ratio{5, 5}) || m.MQLToSQL != (Ratio{7, 5}) {
		t.Errorf("conversions = %+v, %+v", m.LeadToMQL, m.MQLToSQL)
	}
	if m.BelowThreshold != 2 || m.Again != 1 {
		t.Errorf("below threshold = %d (want 2: l1, l2), again = %d (want 1: l2)", m.BelowThreshold, m.Again)
	}
	wantSources := []Breakdown{{webinar, 0, 1, 3}, {site, 3, 2, 2}, {track, 1, 1, 1}, {linkdin, 1, 1, 1}}
	if !reflect.DeepEqual(m.BySource, wantSources) {
		t.Errorf("by source = %+v\nwant %+v", m.BySource, wantSources)
	}
	wantCampaigns := []Breakdown{{"webinar-juin", 0, 1, 3}, {"", 2, 2, 2}, {"ete", 2, 1, 1}, {"linkedin-q3", 1, 1, 1}}
	if !reflect.DeepEqual(m.ByCampaign, wantCampaigns) {
		t.Errorf("by campaign = %+v\nwant %+v", m.ByCampaign, wantCampaigns)
	}
	// The target changed in July: 4 until June, 5 since.
	wantTrend := []TrendMonth{{contract.Month{Year: 2026, Month: 2}, Goal{0, 4}}, {contract.Month{Year: 2026, Month: 3}, Goal{1, 4}},
		{contract.Month{Year: 2026, Month: 4}, Goal{0, 4}}, {contract.Month{Year: 2026, Month: 5}, Goal{3, 4}},
		{contract.Month{Year: 2026, Month: 6}, Goal{1, 4}}, {contract.Month{Year: 2026, Month: 7}, Goal{7, 5}}}
	if !reflect.DeepEqual(m.Trend, wantTrend) {
		t.Errorf("trend = %+v\nwant %+v", m.Trend, wantTrend)
	}

	s := r.Sales
	// Contact: H1–H4 within, H5 and H6 late, H7 pending: 4 of 6, under the 75% target.
	if s.SQLs != 7 || s.Contact != (Ratio{4, 6}) || s.ContactPending != 1 || s.ContactTarget != 75 || s.ContactMet() {
		t.Errorf("contact = %+v, pending %d, target %d, met %v", s.Contact, s.ContactPending, s.ContactTarget, s.ContactMet())
	}
	// Times to first contact, each on the contacting rep's clock: 1h30, 1h30, 2h30, 2h, 2h (anna from her
	// assignment at 14:00), 5h. Sorted 1h30 1h30 2h 2h 2h30 5h: median = rank ⌈3⌉ = 2h, p90 = rank ⌈5.4⌉ = 5h
	// (an interpolating method would say 3h45).
	if want := (Times{6, 2 * time.Hour, 5 * time.Hour}); s.TimeToContact != want {
		t.Errorf("time to contact = %+v, want %+v", s.TimeToContact, want)
	}
	// Feedback: H1, H2, H3, H5, H6 in time, H4 breached, H7 pending. Accepted: H1, H5, H6 of 5 answers.
	if s.Feedback != (Ratio{5, 6}) || s.FeedbackPend != 1 || s.Acceptance != (Ratio{3, 5}) {
		t.Errorf("feedback = %+v (pending %d), acceptance = %+v", s.Feedback, s.FeedbackPend, s.Acceptance)
	}
	wantRejections := []Rejection{{Reason: "no_budget", Count: 1},
		{Reason: "other", Count: 1, Comments: []Comment{{"l3", "=cmd|' /C calc'!A0 <script>alert(1)</script>"}}}}
	if !reflect.DeepEqual(s.Rejections, wantRejections) {
		t.Errorf("rejections = %+v", s.Rejections)
	}
	wantReps := []RepLine{
		{RepID: "anna", Name: "Anna <b>Admin</b> & Co", SQLs: 4, Contact: Ratio{2, 3},
			TimeToContact: Times{3, 2 * time.Hour, 2*time.Hour + 30*time.Minute}},
		{RepID: "bruno", Name: "Bruno Lefèvre", SQLs: 3, Contact: Ratio{2, 3}, TimeToContact: Times{3, 2 * time.Hour, 5 * time.Hour},
			FirstContactBreaches: 1, FeedbackBreaches: 1, Reminders: 2, Escalations: 1},
		// carl: reminders 10:00, 11:12 (l0), 11:00, 12:12 (l5) and one to answer; escalations: two breaches and
		// the one while away.
		{RepID: "carl", Name: "carl", Left: true, FirstContactBreaches: 2, FeedbackBreaches: 1, Reminders: 5, Escalations: 3, Reassigned: 1},
	}
	if !reflect.DeepEqual(s.Reps, wantReps) {
		t.Errorf("reps =\n%+v\nwant\n%+v", s.Reps, wantReps)
	}

	eur, usd := Money{"EUR", "12000.50"}, Money{"USD", "8000.00"}
	wantFunnel := []Cohort{
		{Month: contract.Month{Year: 2026, Month: 2}},
		{Month: contract.Month{Year: 2026, Month: 3}, SQLs: 1, Accepted: 1, Opportunities: 1, Lost: 1},
		{Month: contract.Month{Year: 2026, Month: 4}},
		{Month: contract.Month{Year: 2026, Month: 5}, SQLs: 3, Accepted: 2, Opportunities: 2, Customers: 2, Rejected: 1,
			Revenue: []Money{eur, usd}},
		{Month: contract.Month{Year: 2026, Month: 6}, SQLs: 1, InProgress: 1},
		{Month: contract.Month{Year: 2026, Month: 7}, SQLs: 7, Accepted: 3, Opportunities: 1, Rejected: 2, InProgress: 5},
	}
	if !reflect.DeepEqual(r.Funnel, wantFunnel) {
		t.Errorf("funnel =\n%+v\nwant\n%+v", r.Funnel, wantFunnel)
	}
	if r.Funnel[4].Open() != true || r.Funnel[3].Open() || r.Funnel[5].Open() != true {
		t.Error("open cohorts: June and July are, May is not")
	}

	wantDiscuss := []Point{
		{Kind: ContactTargetMissed, N: 4, D: 6, Target: 75},
		{Kind: MostBreaches, Subject: "carl", Left: true, N: 3},
		{Kind: TopRejectReason, Subject: "no_budget", N: 1, D: 2},
		{Kind: SourceMostlyRejected, Subject: webinar, N: 2, D: 3},
	}
	if !reflect.DeepEqual(r.Discuss, wantDiscuss) {
		t.Errorf("discuss =\n%+v\nwant\n%+v", r.Discuss, wantDiscuss)
	}

	// The CSV's rows: one per hand-off of July, in hand-off order.
	var leads []string
	var statuses []string
	for _, row := range r.SQLs {
		leads = append(leads, row.LeadID)
		statuses = append(statuses, string(row.Contact)+"/"+string(row.Feedback))
	}
	if got := strings.Join(leads, " "); got != "l1 l2 l3 l4 l5 l2 l7" {
		t.Errorf("rows = %s", got)
	}
	if got := strings.Join(statuses, " "); got != "within/within within/within within/within within/missed late/within late/within pending/pending" {
		t.Errorf("statuses = %s", got)
	}
	if r.SQLs[6].ContactedAt != (time.Time{}) || r.SQLs[4].RepName != "Anna <b>Admin</b> & Co" || r.SQLs[4].ContactRepID != "anna" {
		t.Errorf("rows 5 and 7 = %+v\n%+v", r.SQLs[4], r.SQLs[6])
	}
}

// TestTimeToContactIsTheDeadlineClock checks each time to first contact against the contract calendar's own
// clock (the one `handoff deadline` uses) and against the hand count.
func TestTimeToContactIsTheDeadlineClock(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	r := Compute(c, july())
	hand := map[string]time.Duration{"l1": 90 * time.Minute, "l3": 150 * time.Minute, "l4": 2 * time.Hour, "l5": 2 * time.Hour}
	starts := map[string]time.Time{"l1": at("2026-07-01 10:00"), "l3": at("2026-07-03 16:30"), "l4": at("2026-07-13 17:00"),
		"l5": at("2026-07-20 14:00")}
	for _, row := range r.SQLs {
		want, ok := hand[row.LeadID]
		if !ok {
			continue
		}
		if row.TimeToContact != want {
			t.Errorf("%s: time to contact %s, want %s (by hand)", row.LeadID, row.TimeToContact, want)
		}
		if clock := c.Calendar.Between(starts[row.LeadID], row.ContactedAt); clock != row.TimeToContact {
			t.Errorf("%s: time to contact %s, the calendar says %s", row.LeadID, row.TimeToContact, clock)
		}
		if due, err := c.Calendar.Add(starts[row.LeadID], row.TimeToContact); err != nil || !due.Equal(row.ContactedAt) {
			t.Errorf("%s: %s of business time after the clock start is %s, not the contact %s", row.LeadID, row.TimeToContact, due, row.ContactedAt)
		}
	}
}

// TestSameReportLater: computing July again after more has happened (an answer, a contact, a new hand-off, all
// after AsOf) gives the same report.
func TestSameReportLater(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	first := Compute(c, july())
	later := july()
	for i := range later.Handoffs {
		h := &later.Handoffs[i]
		if h.LeadID == "l4" {
			h.Answer, h.AnsweredAt = Accepted, at("2026-08-03 10:00")
		}
		if h.LeadID == "l0" {
			h.ContactedAt, h.ContactRepID = at("2026-08-03 11:00"), "anna"
		}
	}
	later.Handoffs = append(later.Handoffs, Handoff{LeadID: "l99", At: at("2026-08-01 09:00"), RepID: "anna"})
	later.Transitions = append(later.Transitions, Transition{LeadID: "l1", To: Customer, At: at("2026-08-02 10:00"), Amount: "1.00", Currency: "EUR"})
	if again := Compute(c, later); !reflect.DeepEqual(first, again) {
		t.Errorf("the report changed with facts recorded after it was taken:\n%+v\n%+v", first.Funnel, again.Funnel)
	}
}

func TestEmptyMonth(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	r := Compute(c, Input{Month: contract.Month{Year: 2026, Month: time.September}, AsOf: at("2026-10-01 08:00")})
	m, s := r.Marketing, r.Sales
	if m.Leads != 0 || m.MQLs != 0 || m.SQLs != 0 || m.LeadToMQL.Defined() || m.MQLToSQL.Defined() || len(m.BySource) != 0 {
		t.Errorf("marketing = %+v", m)
	}
	if s.Contact.Defined() || s.Feedback.Defined() || s.Acceptance.Defined() || s.TimeToContact != (Times{}) || len(s.Reps) != 0 {
		t.Errorf("sales = %+v", s)
	}
	if len(r.Funnel) != Months || len(m.Trend) != Months || len(r.SQLs) != 0 {
		t.Errorf("funnel %d months, trend %d, rows %d", len(r.Funnel), len(m.Trend), len(r.SQLs))
	}
	// Nothing delivered against a target of 5 is a missed target; no contact to judge is not a missed one.
	want := []Point{{Kind: SQLTargetMissed, N: 0, D: 5}}
	if !reflect.DeepEqual(r.Discuss, want) {
		t.Errorf("discuss = %+v", r.Discuss)
	}
	e, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	// Sales has a target, but nothing to judge: neither met nor missed, nor "no target".
	if !strings.Contains(e.HTML, "objectif 75\u00a0% · —") || strings.Contains(e.HTML, "non tenu · objectif 75") {
		t.Error("an empty month judges sales' contact rate")
	}
	if len(e.Inline) != 1 || !strings.Contains(e.HTML, "cid:"+e.Inline[0].ContentID) {
		t.Errorf("an empty month has the trend chart only: %d inline parts", len(e.Inline))
	}
	if lines := strings.Count(string(e.Attachments[0].Data), "\r\n"); lines != 1 {
		t.Errorf("the CSV of an empty month has %d lines, want its header only", lines)
	}
}

func TestMonthWithoutTarget(t *testing.T) {
	t.Parallel()
	noTarget := strings.NewReplacer("    - from: 2026-01\n      to: 2026-06\n      sqls: 4\n      mqls: 10\n", "",
		"  contact_rate_target: 75%\n", "").Replace(testContract)
	c := parseContract(t, noTarget)
	in := july()
	in.Month = contract.Month{Year: 2026, Month: time.June}
	in.AsOf = at("2026-07-01 08:00")
	r := Compute(c, in)
	if r.Marketing.SQLGoal.Set() || r.Marketing.SQLGoal.Met() || r.Marketing.SQLs != 1 {
		t.Errorf("June's SQL goal = %+v", r.Marketing.SQLGoal)
	}
	if r.Sales.ContactTarget != 0 || r.Sales.ContactMet() {
		t.Errorf("contact target = %d", r.Sales.ContactTarget)
	}
	if want := []Point{{Kind: NoSQLTarget}}; !reflect.DeepEqual(r.Discuss, want) {
		t.Errorf("discuss = %+v, want %+v", r.Discuss, want)
	}
	e, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Aucun objectif de SQL n&#39;est en vigueur pour juin 2026", "pas d&#39;objectif"} {
		if !strings.Contains(e.HTML, w) {
			t.Errorf("html lacks %q", w)
		}
	}
}

// TestTargetChangesMidYear: June is judged against the first half's target (4 SQLs, 10 MQLs), July against
// the second's (5 SQLs, no MQL figure), from the same contract.
func TestTargetChangesMidYear(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	in := july()
	in.Month, in.AsOf = contract.Month{Year: 2026, Month: time.June}, at("2026-07-01 08:00")
	june := Compute(c, in).Marketing
	if june.SQLGoal != (Goal{1, 4}) || june.MQLGoal != (Goal{0, 10}) || june.MQLGoal.Met() {
		t.Errorf("June = SQL %+v, MQL %+v", june.SQLGoal, june.MQLGoal)
	}
	july := Compute(c, july()).Marketing
	if july.SQLGoal.Target != 5 || july.MQLGoal.Set() {
		t.Errorf("July = SQL %+v, MQL %+v", july.SQLGoal, july.MQLGoal)
	}
}

func TestPercentileNearestRank(t *testing.T) {
	t.Parallel()
	mins := func(ms ...int) []time.Duration {
		out := make([]time.Duration, len(ms))
		for i, m := range ms {
			out[i] = time.Duration(m) * time.Minute
		}
		return out
	}
	for _, tc := range []struct {
		name        string
		sorted      []time.Duration
		median, p90 time.Duration
	}{
		{"none", nil, 0, 0},
		{"one", mins(42), 42 * time.Minute, 42 * time.Minute},
		{"two: the lower middle", mins(10, 20), 10 * time.Minute, 20 * time.Minute},
		{"ten: the 9th", mins(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 5 * time.Minute, 9 * time.Minute},
		{"eleven: the 10th", mins(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 6 * time.Minute, 10 * time.Minute},
		{"twenty: the 18th", mins(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20), 10 * time.Minute, 18 * time.Minute},
	} {
		if got := Percentile(tc.sorted, 50); got != tc.median {
			t.Errorf("%s: median = %s, want %s", tc.name, got, tc.median)
		}
		if got := Percentile(tc.sorted, 90); got != tc.p90 {
			t.Errorf("%s: p90 = %s, want %s", tc.name, got, tc.p90)
		}
	}
}

func TestWindow(t *testing.T) {
	t.Parallel()
	got := Window(contract.Month{Year: 2027, Month: time.March})
	var s []string
	for _, m := range got {
		s = append(s, m.String())
	}
	if strings.Join(s, " ") != "2026-10 2026-11 2026-12 2027-01 2027-02 2027-03" {
		t.Errorf("window = %v", s)
	}
}

// TestAsOfMidMonth: a report of the month in progress (on demand, 20 July at noon) counts what happened by
// then: five hand-offs; H5's contact at 16:00 has not happened, but its breach is on the hand-off as read, so
// it is missed rather than pending.
func TestAsOfMidMonth(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	in := july()
	in.AsOf = at("2026-07-20 12:00")
	r := Compute(c, in)
	if r.Marketing.SQLs != 5 || len(r.SQLs) != 5 || r.SQLs[4].LeadID != "l5" {
		t.Fatalf("SQLs = %d, rows %d", r.Marketing.SQLs, len(r.SQLs))
	}
	if s := r.Sales; s.Contact != (Ratio{4, 5}) || s.TimeToContact.Count != 4 || s.Acceptance != (Ratio{1, 3}) {
		t.Errorf("contact = %+v, %d times, acceptance %+v", s.Contact, s.TimeToContact.Count, s.Acceptance)
	}
	// Events by noon: carl's two reminders on l0, his reminder to answer it, and one on l5 (11:00; 12:12 is after
	// noon); his breach on l0 and the escalation while he was away.
	for _, rep := range r.Sales.Reps {
		if rep.RepID == "carl" && (rep.Reminders != 4 || rep.FirstContactBreaches != 1 || rep.Escalations != 2 || rep.Reassigned != 0) {
			t.Errorf("carl = %+v", rep)
		}
	}
}
