package report

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/report/reporttest"
)

// testContract: see reporttest.JulyContract.
const testContract = reporttest.JulyContract

func parseContract(t testing.TB, yaml string) *contract.Contract {
	t.Helper()
	c, err := contract.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// at is a wall-clock time in Paris, "2026-07-01 10:00".
func at(s string) time.Time { return reporttest.At(s) }

const (
	site    = reporttest.Site
	webinar = reporttest.Webinar
	linkdin = reporttest.LinkedIn
	track   = reporttest.Tracking
)

// july is reporttest.July: every figure of it is worked out by hand in TestJuly.
func july() Input { return reporttest.July() }

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
	// Times to first contact overall, each the lead's wait from its hand-off: 1h30, 1h30, 2h30, 2h, 6h (l5,
	// 09:00–16:00 less lunch, though anna contacted it 2h after its reassignment to her), 5h. Sorted 1h30 1h30 2h
	// 2h30 5h 6h: median = rank ⌈3⌉ = 2h, p90 = rank ⌈5.4⌉ = 6h (an interpolating method would say 5h30).
	if want := (Times{6, 2 * time.Hour, 6 * time.Hour}); s.TimeToContact != want {
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
	// The month's SQLs per rep, each on their own clock: anna contacted H5 2h after it was reassigned to her,
	// within her 4h (3 of 3); carl missed it (the breach it was taken from him for: 0 of 1). Reminders and
	// escalations are those of July's SQLs: carl's two reminders and his breach on H5.
	wantReps := []RepLine{
		{RepID: "anna", Name: "Anna <b>Admin</b> & Co", Assigned: 4, Contact: Ratio{3, 3},
			TimeToContact: Times{3, 2 * time.Hour, 2*time.Hour + 30*time.Minute}},
		{RepID: "bruno", Name: "Bruno Lefèvre", Assigned: 3, Contact: Ratio{2, 3}, TimeToContact: Times{3, 2 * time.Hour, 5 * time.Hour},
			FirstContactBreaches: 1, FeedbackBreaches: 1, Reminders: 2, Escalations: 1},
		{RepID: "carl", Name: "carl", Left: true, Assigned: 1, Taken: 1, Contact: Ratio{0, 1}, FirstContactBreaches: 1, Reminders: 2, Escalations: 1},
	}
	if !reflect.DeepEqual(s.Reps, wantReps) {
		t.Errorf("reps =\n%+v\nwant\n%+v", s.Reps, wantReps)
	}
	// What happened in July to H0, June's SQL, after June's report (taken at the start of July here): carl's two
	// reminders and one to answer, his breach (escalated), the escalation while he was away, his feedback breach.
	wantEarlier := []RepLine{{RepID: "carl", Name: "carl", Left: true, FirstContactBreaches: 1, FeedbackBreaches: 1, Reminders: 3, Escalations: 2}}
	if !reflect.DeepEqual(s.Earlier, wantEarlier) || !s.Since.Equal(at("2026-07-01 00:00")) {
		t.Errorf("earlier SQLs since %s =\n%+v\nwant\n%+v", s.Since, s.Earlier, wantEarlier)
	}
	// The CSV's counts add up to the table's: H5 counts carl's two reminders though anna holds it.
	var rows, table RepLine
	for _, row := range r.SQLs {
		rows.Assigned += 1 + row.Reassignments
		rows.Taken += row.Reassignments
		rows.FirstContactBreaches += row.FirstContactBreaches
		rows.Reminders += row.Reminders
		if row.FeedbackBreach {
			rows.FeedbackBreaches++
		}
	}
	for _, rep := range s.Reps {
		table = table.plus(rep)
	}
	table.Escalations = 0
	if rows != table || rows.Reminders != 4 {
		t.Errorf("the CSV sums to %+v, the per-rep table to %+v", rows, table)
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
		{Kind: MostBreaches, Subject: "Bruno Lefèvre", N: 2},
		{Kind: TopRejectReason, Subject: "no_budget", N: 1, D: 2, Tied: []Point{{Kind: TopRejectReason, Subject: "other", N: 1, D: 2}}},
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
	// Each the lead's wait from its hand-off (l5's from 09:00, not from its reassignment at 14:00).
	hand := map[string]time.Duration{"l1": 90 * time.Minute, "l3": 150 * time.Minute, "l4": 2 * time.Hour, "l5": 6 * time.Hour}
	starts := map[string]time.Time{"l1": at("2026-07-01 10:00"), "l3": at("2026-07-03 16:30"), "l4": at("2026-07-13 17:00"),
		"l5": at("2026-07-20 09:00")}
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
// then: five hand-offs; H5's deadline (14:00) has not passed, so it is pending, though the hand-off as read holds
// carl's breach and its reassignment to anna (both after noon).
func TestAsOfMidMonth(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	in := july()
	in.AsOf = at("2026-07-20 12:00")
	r := Compute(c, in)
	if r.Marketing.SQLs != 5 || len(r.SQLs) != 5 || r.SQLs[4].LeadID != "l5" {
		t.Fatalf("SQLs = %d, rows %d", r.Marketing.SQLs, len(r.SQLs))
	}
	if s := r.Sales; s.Contact != (Ratio{4, 4}) || s.ContactPending != 1 || s.TimeToContact.Count != 4 || s.Acceptance != (Ratio{1, 3}) {
		t.Errorf("contact = %+v (pending %d), %d times, acceptance %+v", s.Contact, s.ContactPending, s.TimeToContact.Count, s.Acceptance)
	}
	if row := r.SQLs[4]; row.RepID != "carl" || row.Contact != Pending || row.Reassignments != 0 || row.FirstContactBreaches != 0 || row.Reminders != 1 {
		t.Errorf("l5 at noon = %+v; want carl's, pending, one reminder (11:00)", row)
	}
	// By noon: on July's SQLs, carl's reminder on l5 (11:00; 12:12 is after noon); on June's, his two reminders
	// on l0, his reminder to answer it, his breach and the escalation while he was away, his feedback breach.
	for _, rep := range r.Sales.Reps {
		if rep.RepID == "carl" && rep != (RepLine{RepID: "carl", Name: "carl", Left: true, Assigned: 1, Reminders: 1}) {
			t.Errorf("carl = %+v", rep)
		}
	}
	want := []RepLine{{RepID: "carl", Name: "carl", Left: true, FirstContactBreaches: 1, FeedbackBreaches: 1, Reminders: 3, Escalations: 2}}
	if !reflect.DeepEqual(r.Sales.Earlier, want) {
		t.Errorf("earlier = %+v", r.Sales.Earlier)
	}
}

// TestContactedLateBeforeTheChecker: the checker stops looking at a hand-off once it is contacted, so a contact
// made after the deadline, before the checker's pass, leaves no breach event behind. It is late all the same, and
// the rep's breach; the manager was not told (no escalation).
func TestContactedLateBeforeTheChecker(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	h := Handoff{LeadID: "l1", At: at("2026-07-06 10:00"), RepID: "anna", Assignments: []Assignment{{RepID: "anna", At: at("2026-07-06 10:00")}},
		FirstContactDue: at("2026-07-06 14:00"), FeedbackDue: at("2026-07-08 10:00"),
		ContactedAt: at("2026-07-06 14:30"), ContactRepID: "anna"}
	r := Compute(c, Input{Month: contract.Month{Year: 2026, Month: 7}, AsOf: at("2026-08-01 08:00"), Handoffs: []Handoff{h}})
	if r.Sales.Contact != (Ratio{0, 1}) || r.SQLs[0].Contact != Late {
		t.Errorf("contact = %+v, row %q; want 0 of 1, late", r.Sales.Contact, r.SQLs[0].Contact)
	}
	if len(r.Sales.Reps) != 1 || r.Sales.Reps[0].Contact != (Ratio{0, 1}) || r.Sales.Reps[0].FirstContactBreaches != 1 || r.Sales.Reps[0].Escalations != 0 {
		t.Errorf("reps = %+v; want anna late on 1 of 1, one breach, no escalation", r.Sales.Reps)
	}
}
