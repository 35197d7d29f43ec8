package contract

import (
	"strings"
	"testing"
	"time"
)

// TestCRMKeys: sales.outcome_within and marketing.review_meeting are optional; when given they are read, and a
// bad value is reported with its line and key.
func TestCRMKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		yaml    string
		within  int
		meeting *ReviewMeeting
		want    []string
	}{
		{"absent: not measured, no meeting", base, 0, nil, nil},
		{"ten business days", edit(t, "  reminders: [\"50%\", \"80%\"]\n", "  reminders: [\"50%\", \"80%\"]\n  outcome_within: 10d\n"), 10, nil, nil},
		{"days without unit", edit(t, "  reminders: [\"50%\", \"80%\"]\n", "  reminders: [\"50%\", \"80%\"]\n  outcome_within: 10\n"), 0, nil,
			[]string{`c.yaml:26: sales.outcome_within: must be a number of business days such as "10d", got "10"`}},
		{"hours", edit(t, "  reminders: [\"50%\", \"80%\"]\n", "  reminders: [\"50%\", \"80%\"]\n  outcome_within: 80h\n"), 0, nil,
			[]string{`c.yaml:26: sales.outcome_within: must be a number of business days such as "10d", got "80h"`}},
		{"zero", edit(t, "  reminders: [\"50%\", \"80%\"]\n", "  reminders: [\"50%\", \"80%\"]\n  outcome_within: 0d\n"), 0, nil,
			[]string{`c.yaml:26: sales.outcome_within: must be at least 1 business day, got "0d"`}},
		{"negative", edit(t, "  reminders: [\"50%\", \"80%\"]\n", "  reminders: [\"50%\", \"80%\"]\n  outcome_within: -3d\n"), 0, nil,
			[]string{`c.yaml:26: sales.outcome_within: must be at least 1 business day, got "-3d"`}},
		{"too long", edit(t, "  reminders: [\"50%\", \"80%\"]\n", "  reminders: [\"50%\", \"80%\"]\n  outcome_within: 400d\n"), 0, nil,
			[]string{`c.yaml:26: sales.outcome_within: must be at most 65d (business days), got "400d"`}},
		{"a list", edit(t, "  reminders: [\"50%\", \"80%\"]\n", "  reminders: [\"50%\", \"80%\"]\n  outcome_within: [10d]\n"), 0, nil,
			[]string{`c.yaml:26: sales.outcome_within: must be a number of business days such as "10d", got a list`}},
		{"meeting in English", edit(t, "      mqls: 200\n", "      mqls: 200\n  review_meeting: \"first Tuesday, 10:00, 45 min\"\n"), 0,
			&ReviewMeeting{Week: 1, Weekday: time.Tuesday, Hour: 10, Duration: 45 * time.Minute}, nil},
		{"meeting in French", edit(t, "      mqls: 200\n", "      mqls: 200\n  review_meeting: \"dernier jeudi, 16h30, 60 min\"\n"), 0,
			&ReviewMeeting{Week: -1, Weekday: time.Thursday, Hour: 16, Minute: 30, Duration: time.Hour}, nil},
		{"meeting without a weekday", edit(t, "      mqls: 200\n", "      mqls: 200\n  review_meeting: \"first, 10:00, 45 min\"\n"), 0, nil,
			[]string{`c.yaml:22: marketing.review_meeting: must start with first, second, third, fourth or last and a weekday ("first tuesday"), got "first"`}},
		{"meeting at 25:00 for 0 min", edit(t, "      mqls: 200\n", "      mqls: 200\n  review_meeting: \"fifth friday, 25:00, 0 min\"\n"), 0, nil,
			[]string{
				`c.yaml:22: marketing.review_meeting: must start with first, second, third, fourth or last and a weekday ("first tuesday"), got "fifth friday"`,
				`c.yaml:22: marketing.review_meeting: the time must be HH:MM (24-hour clock, in time_zone), got "25:00"`,
				`c.yaml:22: marketing.review_meeting: the duration must be from 5 to 480 minutes, got 0`}},
		{"meeting in two parts", edit(t, "      mqls: 200\n", "      mqls: 200\n  review_meeting: \"first tuesday at 10:00\"\n"), 0, nil,
			[]string{`c.yaml:22: marketing.review_meeting: must be <which weekday>, <time>, <duration> such as "first tuesday, 10:00, 45 min", got "first tuesday at 10:00"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse("c.yaml", []byte(tc.yaml))
			if tc.want != nil {
				checkProblems(t, err, tc.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Sales.OutcomeWithin != tc.within {
				t.Errorf("outcome_within %d, want %d", c.Sales.OutcomeWithin, tc.within)
			}
			switch got := c.Marketing.ReviewMeeting; {
			case (got == nil) != (tc.meeting == nil):
				t.Errorf("review meeting %+v, want %+v", got, tc.meeting)
			case got != nil && *got != *tc.meeting:
				t.Errorf("review meeting %+v, want %+v", *got, *tc.meeting)
			case got != nil:
				// Written back, it reads the same.
				again, err := Parse("c.yaml", []byte(strings.Replace(tc.yaml, "review_meeting: ", "review_meeting: \""+got.String()+"\" # ", 1)))
				if err != nil || *again.Marketing.ReviewMeeting != *got {
					t.Errorf("%q read back: %v, %v", got.String(), again, err)
				}
			}
		})
	}
}

// TestOutcomeDue: the close of business of the Nth business day after the day of acceptance, in the contract's
// calendar: weekends, public holidays and closed days are no business days; a short Friday closes at its hour.
func TestOutcomeDue(t *testing.T) {
	t.Parallel()
	yaml := edit(t, "  reminders: [\"50%\", \"80%\"]\n", "  reminders: [\"50%\", \"80%\"]\n  outcome_within: 3d\n")
	yaml = replaceOnce(t, yaml, `    friday: ["09:00-18:00"]`, `    friday: ["09:00-12:00", "13:00-16:00"]`)
	c, err := Parse("c.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	paris := c.Location
	for _, tc := range []struct {
		name     string
		accepted time.Time
		want     time.Time
	}{
		{"Monday morning: Thursday evening", time.Date(2026, 11, 30, 9, 5, 0, 0, paris), time.Date(2026, 12, 3, 18, 0, 0, 0, paris)},
		{"Monday night: the same", time.Date(2026, 11, 30, 23, 30, 0, 0, paris), time.Date(2026, 12, 3, 18, 0, 0, 0, paris)},
		{"Tuesday: Friday, closing at 16:00", time.Date(2026, 12, 1, 10, 0, 0, 0, paris), time.Date(2026, 12, 4, 16, 0, 0, 0, paris)},
		{"Saturday: Wednesday", time.Date(2026, 12, 5, 10, 0, 0, 0, paris), time.Date(2026, 12, 9, 18, 0, 0, 0, paris)},
		// 24 December closed, 25 a holiday, the weekend, 28–30 count; 31 is open in this calendar.
		{"before Christmas", time.Date(2026, 12, 23, 11, 0, 0, 0, paris), time.Date(2026, 12, 30, 18, 0, 0, 0, paris)},
		// 1 January a holiday: 4, 5, 6 January.
		{"New Year's Eve", time.Date(2026, 12, 31, 15, 0, 0, 0, paris), time.Date(2027, 1, 6, 18, 0, 0, 0, paris)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, measured, err := c.OutcomeDue(tc.accepted)
			if err != nil || !measured || !got.Equal(tc.want) {
				t.Errorf("OutcomeDue(%s) = %s, %v, %v; want %s", tc.accepted, got.In(paris), measured, err, tc.want)
			}
		})
	}
	plain, err := Parse("c.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if _, measured, err := plain.OutcomeDue(time.Now()); measured || err != nil {
		t.Errorf("without outcome_within: measured %v, %v", measured, err)
	}
}

// TestReviewMeetingNext: the first meeting on or after a date, in the contract's zone, the first to fourth or the
// last weekday of a month.
func TestReviewMeetingNext(t *testing.T) {
	t.Parallel()
	paris, _ := time.LoadLocation("Europe/Paris")
	firstTuesday := ReviewMeeting{Week: 1, Weekday: time.Tuesday, Hour: 10, Duration: 45 * time.Minute}
	lastFriday := ReviewMeeting{Week: -1, Weekday: time.Friday, Hour: 14, Minute: 30, Duration: time.Hour}
	thirdMonday := ReviewMeeting{Week: 3, Weekday: time.Monday, Hour: 9, Duration: time.Hour}
	for _, tc := range []struct {
		name string
		rm   ReviewMeeting
		from time.Time
		want time.Time
	}{
		{"1 December: Tuesday the 1st itself", firstTuesday, time.Date(2026, 12, 1, 8, 0, 0, 0, paris), time.Date(2026, 12, 1, 10, 0, 0, 0, paris)},
		{"1 December, after the hour: the same day", firstTuesday, time.Date(2026, 12, 1, 11, 0, 0, 0, paris), time.Date(2026, 12, 1, 10, 0, 0, 0, paris)},
		{"1 January 2027 (a Friday): the 5th", firstTuesday, time.Date(2027, 1, 1, 6, 0, 0, 0, paris), time.Date(2027, 1, 5, 10, 0, 0, 0, paris)},
		{"2 December: next month's", firstTuesday, time.Date(2026, 12, 2, 6, 0, 0, 0, paris), time.Date(2027, 1, 5, 10, 0, 0, 0, paris)},
		{"last Friday of February 2027", lastFriday, time.Date(2027, 2, 1, 6, 0, 0, 0, paris), time.Date(2027, 2, 26, 14, 30, 0, 0, paris)},
		{"last Friday of July 2026 is the 31st", lastFriday, time.Date(2026, 7, 1, 6, 0, 0, 0, paris), time.Date(2026, 7, 31, 14, 30, 0, 0, paris)},
		{"third Monday of March 2027", thirdMonday, time.Date(2027, 3, 1, 6, 0, 0, 0, paris), time.Date(2027, 3, 15, 9, 0, 0, 0, paris)},
		{"the instant's date in the zone, not UTC", firstTuesday, time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC), time.Date(2026, 12, 1, 10, 0, 0, 0, paris)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.rm.Next(tc.from, paris); !got.Equal(tc.want) {
				t.Errorf("Next(%s) = %s, want %s", tc.from, got, tc.want)
			}
		})
	}
}

func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("no %q", old)
	}
	return strings.Replace(s, old, new, 1)
}
