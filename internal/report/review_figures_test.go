package report_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/report"
)

func check[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// TestReviewNovemberFigures checks every figure of the hand-computed November against the values worked out by
// hand (see reviewNovember).
func TestReviewNovemberFigures(t *testing.T) {
	c := reviewContract(t)
	r := report.Compute(c, reviewNovember())

	m := r.Marketing
	check(t, "SQLs", m.SQLs, 7)
	check(t, "SQL goal", m.SQLGoal, report.Goal{Actual: 7, Target: 4})
	check(t, "SQL goal met", m.SQLGoal.Met(), true)
	check(t, "MQL goal set", m.MQLGoal.Set(), false)
	check(t, "leads", m.Leads, 4)
	check(t, "MQLs", m.MQLs, 3)
	check(t, "lead->MQL", m.LeadToMQL, report.Ratio{N: 3, D: 4})
	check(t, "MQL->SQL", m.MQLToSQL, report.Ratio{N: 7, D: 3})
	check(t, "again", m.Again, 1)
	check(t, "below threshold", m.BelowThreshold, 1)
	src := map[string]report.Breakdown{}
	for _, b := range m.BySource {
		src[b.Key] = b
	}
	check(t, "site", src["site-contact"], report.Breakdown{Key: "site-contact", Leads: 2, MQLs: 2, SQLs: 5})
	check(t, "tracking", src["tracking"], report.Breakdown{Key: "tracking", Leads: 1, MQLs: 1})
	check(t, "webinar", src["webflow-webinar"], report.Breakdown{Key: "webflow-webinar", Leads: 1, SQLs: 1})
	check(t, "linkedin", src["zapier-linkedin"], report.Breakdown{Key: "zapier-linkedin", SQLs: 1})
	check(t, "sources", len(m.BySource), 4)
	camp := map[string]report.Breakdown{}
	for _, b := range m.ByCampaign {
		camp[b.Key] = b
	}
	check(t, "c1", camp["c1"], report.Breakdown{Key: "c1", Leads: 1, MQLs: 1, SQLs: 2})
	check(t, "c2", camp["c2"], report.Breakdown{Key: "c2", Leads: 1, SQLs: 1})
	check(t, "no campaign", camp[""], report.Breakdown{Key: "", Leads: 2, MQLs: 2, SQLs: 4})
	wantTrend := []report.Goal{{0, 3}, {0, 3}, {0, 3}, {1, 3}, {3, 4}, {7, 4}}
	for i, tm := range m.Trend {
		check(t, fmt.Sprintf("trend %s", tm.Month), tm.Goal, wantTrend[i])
	}

	s := r.Sales
	check(t, "sales SQLs", s.SQLs, 7)
	check(t, "contact", s.Contact, report.Ratio{N: 4, D: 6})
	check(t, "contact pending", s.ContactPending, 1)
	check(t, "contact met", s.ContactMet(), false)
	// Overall, the lead's wait from the hand-off: L4 waited 6h (Mon 09:00–16:00, less lunch), though ann
	// contacted it 2h after her assignment (her own line says so).
	check(t, "ttc", s.TimeToContact, report.Times{Count: 6, Median: 2 * time.Hour, P90: 6 * time.Hour})
	check(t, "feedback", s.Feedback, report.Ratio{N: 5, D: 6})
	check(t, "feedback pending", s.FeedbackPend, 1)
	check(t, "acceptance", s.Acceptance, report.Ratio{N: 2, D: 5})
	if len(s.Rejections) != 2 || s.Rejections[0].Reason != "not_a_fit" || s.Rejections[0].Count != 2 ||
		s.Rejections[1].Reason != "other" || s.Rejections[1].Count != 1 || len(s.Rejections[1].Comments) != 1 ||
		s.Rejections[1].Comments[0] != (report.Comment{LeadID: "L3", Text: "Already a customer"}) {
		t.Errorf("rejections = %+v", s.Rejections)
	}
	reps := map[string]report.RepLine{}
	for _, rl := range s.Reps {
		reps[rl.RepID] = rl
	}
	ann, bob, carl := reps["ann"], reps["bob"], reps["carl"]
	check(t, "ann name", ann.Name, "Ann Archer")
	check(t, "ann assigned", ann.Assigned, 5)
	check(t, "ann taken", ann.Taken, 0)
	check(t, "ann ttc", ann.TimeToContact, report.Times{Count: 4, Median: 90 * time.Minute, P90: 2 * time.Hour})
	check(t, "ann reminders", ann.Reminders, 1)
	check(t, "bob ttc", bob.TimeToContact, report.Times{Count: 1, Median: 4 * time.Hour, P90: 4 * time.Hour})
	check(t, "bob breaches", bob.FirstContactBreaches, 1)
	check(t, "bob escalations", bob.Escalations, 1)
	check(t, "bob reminders", bob.Reminders, 2)
	check(t, "bob assigned", bob.Assigned, 2)
	check(t, "bob taken", bob.Taken, 1)
	check(t, "carl left", carl.Left, true)
	check(t, "carl ttc", carl.TimeToContact, report.Times{Count: 1, Median: 5 * time.Hour, P90: 5 * time.Hour})
	check(t, "carl breaches", carl.Breaches(), 2)
	check(t, "carl contact", carl.Contact, report.Ratio{N: 0, D: 1})

	wantCohorts := map[string]report.Cohort{
		"2026-09": {SQLs: 1, Accepted: 1, Lost: 1},
		"2026-10": {SQLs: 3, Accepted: 2, Opportunities: 2, Customers: 2, Rejected: 1,
			Revenue: []report.Money{{Currency: "EUR", Amount: "12000.50"}, {Currency: "USD", Amount: "5000.00"}}},
		"2026-11": {SQLs: 7, Accepted: 2, Opportunities: 1, Customers: 1, Rejected: 3, InProgress: 3,
			Revenue: []report.Money{{Currency: "GBP", Amount: "1000.00"}}},
	}
	for _, co := range r.Funnel {
		want, ok := wantCohorts[co.Month.String()]
		if !ok {
			if co.SQLs != 0 {
				t.Errorf("cohort %s = %+v, want empty", co.Month, co)
			}
			continue
		}
		want.Month = co.Month
		if fmt.Sprint(co) != fmt.Sprint(want) {
			t.Errorf("cohort %s = %+v\nwant %+v", co.Month, co, want)
		}
	}
	check(t, "nov open", r.Funnel[5].Open(), true)
	check(t, "oct open", r.Funnel[4].Open(), false)

	var kinds []string
	for _, p := range r.Discuss {
		kinds = append(kinds, fmt.Sprintf("%s %s %d/%d", p.Kind, p.Subject, p.N, p.D))
	}
	want := []string{"contact_target_missed  4/6", "most_breaches carl 2/0", "top_reject_reason not_a_fit 2/3",
		"source_mostly_rejected site-contact 2/3"}
	check(t, "discuss", fmt.Sprint(kinds), fmt.Sprint(want))
	check(t, "recorded", fmt.Sprint(r.Recorded), "[v1]")
	check(t, "csv rows", len(r.SQLs), 7)
}

// TestReviewPerRepContactRateBlamesWhoMissed: after bob missed the first-contact deadline of L4 and it was
// reassigned to ann, who contacted it 2h after her own assignment (within her fresh 4h), the per-rep rate
// "contacted within the deadline" should count the miss against bob, not ann. The report counts each SQL on the
// rep who holds it now, so bob (who breached) shows 1/1 = 100% and ann (who was in time on every SQL she was given)
// shows 3/4 = 75%, below the 80% target.
func TestReviewPerRepContactRateBlamesWhoMissed(t *testing.T) {
	r := report.Compute(reviewContract(t), reviewNovember())
	for _, rl := range r.Sales.Reps {
		switch rl.RepID {
		case "ann":
			if rl.Contact.N != rl.Contact.D {
				t.Errorf("ann's contact rate = %d/%d: she was in time on every SQL she held (L4 was contacted 2h after her assignment); the miss is bob's", rl.Contact.N, rl.Contact.D)
			}
		case "bob":
			if rl.Contact.D != 2 || rl.Contact.N != 1 {
				t.Errorf("bob's contact rate = %d/%d, want 1/2: he made L3 in time and missed L4 (breach, reassigned)", rl.Contact.N, rl.Contact.D)
			}
		}
	}
}
