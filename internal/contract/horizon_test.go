package contract

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/worktime"
)

// mondayHour is base with one hour a week: Monday 09:00–10:00.
func mondayHour(t *testing.T) string {
	t.Helper()
	return edit(t, "    monday: [\"09:00-18:00\"]\n    tuesday: [\"09:00-18:00\"]\n    wednesday: [\"09:00-18:00\"]\n    thursday: [\"09:00-18:00\"]\n    friday: [\"09:00-18:00\"]\n",
		"    monday: [\"09:00-10:00\"]\n")
}

// closedDaysFrom lists the weekdays (a mask of time.Weekday) from first to last as closed_days.
func closedDaysFrom(first, last string, days ...time.Weekday) string {
	var b strings.Builder
	b.WriteString("  closed_days:\n")
	from, _ := time.Parse("2006-01-02", first)
	to, _ := time.Parse("2006-01-02", last)
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		for _, wd := range days {
			if d.Weekday() == wd {
				b.WriteString("    - " + d.Format("2006-01-02") + "\n")
			}
		}
	}
	return b.String()
}

// TestHorizonRefusesUnreachableDeadlines: Load refuses a deadline the clock may not reach within its horizon,
// saying how far it looks, or finer than it counts; it accepts the long but reachable ones.
func TestHorizonRefusesUnreachableDeadlines(t *testing.T) {
	t.Parallel()
	monday := mondayHour(t)
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	tests := []struct {
		name string
		yaml string
		want []string // nil: valid
	}{
		// One hour a week is about 980h in 20 years once French holidays are off: 2000h cannot be promised.
		{"one hour a week, 2000h", strings.Replace(monday, "feedback_deadline: 16h", "feedback_deadline: 2000h", 1), []string{
			"c.yaml:20: sales.feedback_deadline: 2000h of business time may not be reached: the SLA clock looks 20 years ahead of a hand-off, " +
				"and this calendar can have as little as 970h of business time in 20 years (business_hours, holidays and closed_days)"}},
		{"one hour a week, 500h (the issue's panic)", strings.Replace(monday, "feedback_deadline: 16h", "feedback_deadline: 500h", 1), nil},
		// The other panic: every Monday closed for ten years; the clock still reaches the next one.
		{"one hour a week, ten years of Mondays closed", strings.Replace(monday, "  closed_days: [2026-12-24]\n",
			closedDaysFrom("2027-01-04", "2037-01-05", time.Monday), 1), nil},
		// Below the clock's resolution.
		{"a deadline in seconds", edit(t, "first_contact_deadline: 4h", "first_contact_deadline: 3h59m30s"), []string{
			`c.yaml:23: sales.first_contact_deadline: must be a whole number of minutes (the SLA clock's resolution), got "3h59m30s"`}},
		// Every working day closed for 21 years (5,479 dates, hence the lines): a hand-off before has no business
		// time within the horizon.
		{"twenty-one closed years", edit(t, "  closed_days: [2026-12-24]\n", closedDaysFrom("2027-01-01", "2047-12-31", weekdays...)), []string{
			"c.yaml:5501: sales.first_contact_deadline: 4h of business time may not be reached: the SLA clock looks 20 years ahead of a hand-off, " +
				"and this calendar can have as little as 0h of business time in 20 years (business_hours, holidays and closed_days)",
			"c.yaml:5502: sales.feedback_deadline: 16h of business time may not be reached: the SLA clock looks 20 years ahead of a hand-off, " +
				"and this calendar can have as little as 0h of business time in 20 years (business_hours, holidays and closed_days)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse("c.yaml", []byte(tc.yaml))
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				// And its deadlines are computed, from any start: here, just before the closures.
				for _, from := range []time.Time{time.Date(2026, 12, 28, 10, 0, 0, 0, c.Location), time.Date(2040, 2, 29, 9, 30, 0, 0, c.Location)} {
					if _, err := c.FeedbackDue(from); err != nil {
						t.Errorf("FeedbackDue(%s): %v", from, err)
					}
				}
				return
			}
			checkProblems(t, err, tc.want)
		})
	}
}

// TestGuaranteedIsALowerBound checks the bound against real windows of HorizonYears, walked by worktime, on
// calendars whose hours clock changes cut (two hours at Troll, half an hour at Lord Howe, midnight at Santiago and
// Cairo): never above what a window holds, and close enough (within 10%) not to refuse reasonable contracts.
func TestGuaranteedIsALowerBound(t *testing.T) {
	t.Parallel()
	office := weekTemplates[0]
	nights := [7][][2]int{{{0, 1440}}, {{60, 210}}, {{60, 210}}, {{60, 210}}, {{60, 210}}, {{60, 210}}, {{1200, 1440}}}
	tests := []struct {
		country, zone string
		week          [7][][2]int
		closed, open  []Date
	}{
		{"FR", "Europe/Paris", office, []Date{{2026, 12, 24}, {2030, 5, 31}}, []Date{{2027, 5, 17}}},
		{"US", "America/New_York", weekTemplates[2], nil, nil},
		{"GB", "Antarctica/Troll", nights, nil, nil},
		{"SE", "Australia/Lord_Howe", nights, nil, nil},
		{"US", "America/Santiago", weekTemplates[3], nil, nil},
		{"NL", "Africa/Cairo", weekTemplates[4], nil, []Date{{2030, 5, 5}}},
		{"FR", "Europe/Paris", [7][][2]int{1: {{540, 600}}}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s %s %v", tc.country, tc.zone, tc.week), func(t *testing.T) {
			t.Parallel()
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			spec := calendarSpec{country: tc.country, closed: tc.closed, open: tc.open}
			for d, spans := range tc.week {
				for _, s := range spans {
					spec.week[d] = append(spec.week[d], worktime.Span{Start: s[0], End: s[1]})
				}
			}
			c, err := worktime.New(loc, spec.week, newClosedDays(spec).isClosed)
			if err != nil {
				t.Fatal(err)
			}
			guaranteed := guaranteedBusinessTime(spec, loc)
			least := time.Duration(1<<63 - 1)
			for _, start := range []time.Time{time.Date(2024, 1, 1, 0, 0, 0, 0, loc), time.Date(2026, 12, 20, 17, 0, 0, 0, loc),
				time.Date(2031, 3, 29, 23, 30, 0, 0, loc), time.Date(2045, 10, 6, 12, 0, 0, 0, loc)} {
				held := c.Between(start, start.UTC().AddDate(worktime.HorizonYears, 0, 0))
				if held < guaranteed {
					t.Errorf("%d years from %s hold %s, less than the %s guaranteed", worktime.HorizonYears, start, held, guaranteed)
				}
				least = min(least, held)
			}
			if guaranteed < least*9/10 {
				t.Errorf("guaranteed %s is more than 10%% below the least a window held (%s)", guaranteed, least)
			}
		})
	}
}
