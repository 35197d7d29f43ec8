package demo

import (
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/report"
)

// The headline is read back from the text part report.Render writes, in both languages, whatever the figures.
func TestParseHeadline(t *testing.T) {
	feb := contract.Month{Year: 2027, Month: time.February}
	for _, tc := range []struct {
		name                                        string
		locale                                      contract.Locale
		sqls, inTime, accepted, answered, customers int
		revenue                                     string
	}{
		{"fr", "fr", 18, 14, 11, 18, 1, "12 500 EUR"},
		{"en", "en", 18, 14, 11, 18, 1, "EUR 12,500"},
		{"fr all in time", "fr", 3, 3, 0, 3, 0, ""},
		{"en one of seven", "en", 7, 1, 6, 7, 2, ""},
		{"fr many", "fr", 997, 996, 500, 997, 3, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var revenue []report.Money
			if tc.revenue != "" {
				revenue = []report.Money{{Currency: "EUR", Amount: "12500.00"}}
			}
			r := report.Report{Month: feb, AsOf: time.Date(2027, 3, 1, 7, 0, 0, 0, time.UTC), Company: "Maintenia SAS", Locale: tc.locale,
				TimeZone: "Europe/Paris", Contract: "2027.02-1",
				Marketing: report.Marketing{Leads: 30, MQLs: 20, SQLs: tc.sqls, SQLGoal: report.Goal{Actual: tc.sqls, Target: 55},
					Trend: []report.TrendMonth{
						{Month: contract.Month{Year: 2027, Month: time.January}, Goal: report.Goal{Actual: 4, Target: 55}},
						{Month: feb, Goal: report.Goal{Actual: tc.sqls, Target: 55}}}},
				Sales: report.Sales{SQLs: tc.sqls, FirstContactDeadline: 4 * time.Hour, FeedbackDeadline: 16 * time.Hour, ContactTarget: 90,
					Contact: report.Ratio{N: tc.inTime, D: tc.sqls}, Acceptance: report.Ratio{N: tc.accepted, D: tc.answered}},
				Funnel: []report.Cohort{
					{Month: contract.Month{Year: 2027, Month: time.January}, SQLs: 4, Accepted: 2, Customers: 1},
					{Month: feb, SQLs: tc.sqls, Accepted: tc.accepted, Opportunities: tc.customers, Customers: tc.customers, Revenue: revenue,
						InProgress: tc.accepted - tc.customers}},
			}
			e, err := report.Render(r)
			if err != nil {
				t.Fatal(err)
			}
			h, err := ParseHeadline(tc.locale, feb, e.Text)
			if err != nil {
				t.Fatalf("%v\n%s", err, e.Text)
			}
			if h.SQLs != tc.sqls || h.InTime != tc.inTime || h.Accepted != tc.accepted || h.Rejected != tc.answered-tc.accepted ||
				h.Customers != tc.customers || (tc.revenue != "" && h.Revenue != tc.revenue) {
				t.Errorf("read %+v from\n%s", h, e.Text)
			}
		})
	}
}

// A report without the lines the headline needs is refused, saying which.
func TestParseHeadlineRefuses(t *testing.T) {
	for _, text := range []string{"", "SQL transmis aux ventes : six", "SQL transmis aux ventes : 6\n"} {
		if _, err := ParseHeadline("fr", DefaultMonth, text); err == nil {
			t.Errorf("%q: no error", text)
		}
	}
}
