package samlocal

import (
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

func TestScheduleNext(t *testing.T) {
	t.Parallel()
	paris, _ := time.LoadLocation("Europe/Paris")
	tests := []struct {
		expr, zone, after, want string
	}{
		{"rate(5 minutes)", "", "2026-11-27T10:02:30Z", "2026-11-27T10:07:00Z"},
		{"rate(1 day)", "", "2026-11-27T10:00:00Z", "2026-11-28T10:00:00Z"},
		{"cron(0 8 1 * ? *)", "", "2026-11-27T10:00:00Z", "2026-12-01T08:00:00Z"},
		{"cron(0 8 1 * ? *)", "Europe/Paris", "2026-11-27T10:00:00Z", "2026-12-01T07:00:00Z"},
		{"cron(0 8 1 * ? *)", "Europe/Paris", "2026-03-15T10:00:00Z", "2026-04-01T06:00:00Z"}, // summer time
		{"cron(0/15 9-17 ? * MON-FRI *)", "", "2026-11-27T17:50:00Z", "2026-11-30T09:00:00Z"},
		{"cron(0/15 9-17 ? * MON-FRI *)", "", "2026-11-27T10:01:00Z", "2026-11-27T10:15:00Z"},
		{"cron(30 2 L * ? *)", "", "2026-02-10T00:00:00Z", "2026-02-28T02:30:00Z"},
		{"cron(0 0 1 JAN ? 2027)", "", "2026-11-27T00:00:00Z", "2027-01-01T00:00:00Z"},
		{"cron(0 0 1 JAN ? 2025)", "", "2026-11-27T00:00:00Z", ""},
		{"at(2026-12-01T08:00:00)", "Europe/Paris", "2026-11-27T00:00:00Z", "2026-12-01T07:00:00Z"},
		{"at(2026-12-01T08:00:00)", "", "2026-12-02T00:00:00Z", ""},
	}
	for _, tc := range tests {
		s, err := parseSchedule(tc.expr, tc.zone)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		after, _ := time.Parse(time.RFC3339, tc.after)
		got := s.next(after)
		if tc.want == "" {
			if !got.IsZero() {
				t.Errorf("%s after %s = %s, want never", tc.expr, tc.after, got)
			}
			continue
		}
		want, _ := time.Parse(time.RFC3339, tc.want)
		if !got.Equal(want) {
			t.Errorf("%s (%s) after %s = %s, want %s", tc.expr, tc.zone, tc.after, got.In(paris), want)
		}
	}
}

func TestScheduleRejects(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{
		"rate(0 minutes)", "rate(1 minutes)", "rate(5 minute)", "rate(5 weeks)", "cron(0 8 1 * *)",
		"cron(0 8 1 * MON *)", "cron(0 8 ? * ? *)", "cron(60 8 1 * ? *)", "cron(0 8 ? * 2#1 *)",
		"every day", "at(tomorrow)",
	} {
		if _, err := parseSchedule(expr, ""); err == nil {
			t.Errorf("%s parsed; want an error", expr)
		}
	}
	if _, err := parseSchedule("rate(1 day)", "Mars/Olympus"); err == nil {
		t.Error("unknown zone accepted")
	}
}

// TestContextAttributesChecked: an input naming a context attribute the stack does not replace, or one in a rule's
// input (EventBridge rules have no such keywords), stops the stack at start rather than reach the function as is.
func TestContextAttributesChecked(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		sd   samtemplate.Schedule
		want string
	}{
		{samtemplate.Schedule{V2: true, Input: `{"at": "<aws.scheduler.scheduled-time>", "n": "<aws.scheduler.attempt-number>"}`}, ""},
		{samtemplate.Schedule{V2: true, Input: `{"at": "<aws.scheduler.scheduled_time>"}`}, "<aws.scheduler.scheduled_time> is not one of"},
		{samtemplate.Schedule{V2: false, Input: `{"at": "<aws.scheduler.scheduled-time>"}`}, "not a rule's"},
	} {
		err := checkContextAttributes(tc.sd)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s (V2 %v): %v, want %q", tc.sd.Input, tc.sd.V2, err, tc.want)
		}
	}
}
