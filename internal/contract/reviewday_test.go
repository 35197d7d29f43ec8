package contract

import (
	"strings"
	"testing"
	"time"
)

// TestReviewMeetingDay: the meeting set on a weekday without business hours, or at a time outside them, is a
// warning with its line; the invitation's meeting moves off a public holiday or closed day to the next business
// day, at the same time.
func TestReviewMeetingDay(t *testing.T) {
	t.Parallel()
	with := func(meeting string) string {
		return edit(t, "      mqls: 200\n", "      mqls: 200\n  review_meeting: \""+meeting+"\"\n")
	}
	for _, tc := range []struct {
		meeting string
		warning string
	}{
		{"first tuesday, 10:00, 45 min", ""},
		{"first tuesday, 17:15, 45 min", ""}, // ends at the close
		{"first saturday, 10:00, 45 min", `c.yaml:22: marketing.review_meeting: falls on a saturday, a day without business hours (calendar.business_hours): the invitation moves it to the next business day, at the same time`},
		{"last sunday, 10:00, 45 min", `c.yaml:22: marketing.review_meeting: falls on a sunday, a day without business hours (calendar.business_hours): the invitation moves it to the next business day, at the same time`},
		{"first tuesday, 08:00, 45 min", `c.yaml:22: marketing.review_meeting: runs from 08:00 to 08:45, outside the business hours of a tuesday (09:00-18:00)`},
		{"first tuesday, 17:30, 60 min", `c.yaml:22: marketing.review_meeting: runs from 17:30 to 18:30, outside the business hours of a tuesday (09:00-18:00)`},
	} {
		c, err := Parse("c.yaml", []byte(with(tc.meeting)))
		if err != nil {
			t.Fatalf("%s: %v", tc.meeting, err)
		}
		var warnings []string
		for _, w := range c.Warnings {
			if w.Path == "marketing.review_meeting" {
				warnings = append(warnings, w.String("c.yaml"))
			}
		}
		if got := strings.Join(warnings, "\n"); got != tc.warning {
			t.Errorf("%s: warnings %q, want %q", tc.meeting, got, tc.warning)
		}
	}

	paris, _ := time.LoadLocation("Europe/Paris")
	for _, tc := range []struct {
		name, meeting string
		asOf, want    time.Time
		moved         bool
	}{
		{"an open Tuesday", "first tuesday, 10:00, 45 min", time.Date(2026, 12, 1, 6, 0, 0, 0, paris), time.Date(2026, 12, 1, 10, 0, 0, 0, paris), false},
		{"1 May 2029, a public holiday", "first tuesday, 10:00, 45 min", time.Date(2029, 5, 1, 6, 0, 0, 0, paris), time.Date(2029, 5, 2, 10, 0, 0, 0, paris), true},
		{"24 December 2026, a closed day, then Christmas", "fourth thursday, 14:00, 60 min", time.Date(2026, 12, 1, 6, 0, 0, 0, paris), time.Date(2026, 12, 28, 14, 0, 0, 0, paris), true},
		{"a Saturday: the Monday", "first saturday, 10:00, 45 min", time.Date(2026, 12, 1, 6, 0, 0, 0, paris), time.Date(2026, 12, 7, 10, 0, 0, 0, paris), true},
	} {
		c, err := Parse("c.yaml", []byte(with(tc.meeting)))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, moved, ok, err := c.ReviewMeetingAt(tc.asOf)
		if err != nil || !ok || !got.Equal(tc.want) || moved != tc.moved {
			t.Errorf("%s: %s moved %v (%v, %v), want %s moved %v", tc.name, got, moved, ok, err, tc.want, tc.moved)
		}
	}
	c, err := Parse("c.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := c.ReviewMeetingAt(time.Now()); ok || err != nil {
		t.Errorf("no meeting: %v, %v", ok, err)
	}
}
