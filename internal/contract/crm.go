package contract

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// MaxOutcomeDays bounds sales.outcome_within: about a quarter of business days. Beyond it the delay says nothing
// about filling in the CRM "regularly".
const MaxOutcomeDays = 65

// outcomeDays reads sales.outcome_within, a whole number of business days such as "10d".
func (r *reader) outcomeDays(n *yaml.Node, path string) int {
	s, ok := r.scalar(n, path, `a number of business days such as "10d"`)
	if !ok {
		return 0
	}
	digits, found := strings.CutSuffix(strings.TrimSpace(s), "d")
	v, err := strconv.Atoi(digits)
	switch {
	case !found || err != nil || digits == "" || digits[0] == '+' || digits[0] == '-' && v == 0:
		r.fail(n, path, `must be a number of business days such as "10d", got %q`, s)
	case v <= 0:
		r.fail(n, path, "must be at least 1 business day, got %q", s)
	case v > MaxOutcomeDays:
		r.fail(n, path, "must be at most %dd (business days), got %q", MaxOutcomeDays, s)
	default:
		return v
	}
	return 0
}

// OutcomeDue is when an SQL accepted at accepted must have an outcome in the CRM (an opportunity, a deal won or
// lost): the close of business of the Nth business day after the day of acceptance (that day not counted), N
// being sales.outcome_within. A business day is a local date with business time (calendar.business_hours, less
// holidays and closed days). It reports false when the contract does not measure it (no outcome_within).
func (c *Contract) OutcomeDue(accepted time.Time) (time.Time, bool, error) {
	n := c.Sales.OutcomeWithin
	if n <= 0 {
		return time.Time{}, false, nil
	}
	local := accepted.In(c.Location)
	day := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, c.Location)
	for counted := 0; ; {
		open, err := c.Calendar.NextOpen(day)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("outcome deadline: %w", err)
		}
		o := open.In(c.Location)
		start := time.Date(o.Year(), o.Month(), o.Day(), 0, 0, 0, 0, c.Location)
		next := time.Date(o.Year(), o.Month(), o.Day()+1, 0, 0, 0, 0, c.Location)
		if counted++; counted == n {
			// The day's business time all elapsed: the close of its last span.
			due, err := c.Calendar.Add(start, c.Calendar.Between(start, next))
			if err != nil {
				return time.Time{}, false, fmt.Errorf("outcome deadline: %w", err)
			}
			return due.UTC(), true, nil
		}
		day = next
	}
}

// ReviewMeeting is the monthly SLA review meeting both teams hold (marketing.review_meeting): "first tuesday,
// 10:00, 45 min" — the Nth (or last) weekday of each month, at a local time of the contract's zone, for a
// duration. The monthly report invites both teams' managers to the next one.
type ReviewMeeting struct {
	// Week is 1 to 4 (the first to fourth such weekday of the month), or -1 for the last.
	Week     int
	Weekday  time.Weekday
	Hour     int
	Minute   int
	Duration time.Duration
}

// In is the meeting's start in month m, in loc.
func (rm ReviewMeeting) In(m Month, loc *time.Location) time.Time {
	first := time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, loc)
	var day int
	if rm.Week > 0 {
		day = 1 + (int(rm.Weekday)-int(first.Weekday())+7)%7 + 7*(rm.Week-1)
	} else {
		last := first.AddDate(0, 1, -1)
		day = last.Day() - (int(last.Weekday())-int(rm.Weekday)+7)%7
	}
	return time.Date(m.Year, m.Month, day, rm.Hour, rm.Minute, 0, 0, loc)
}

// Next is the first meeting whose local date is on or after the local date of t (a meeting earlier the same day
// still counts: the report is sent in the morning of the 1st).
func (rm ReviewMeeting) Next(t time.Time, loc *time.Location) time.Time {
	local := t.In(loc)
	m := MonthOf(local)
	at := rm.In(m, loc)
	if DateOf(at).Before(DateOf(local)) {
		at = rm.In(m.Next(), loc)
	}
	return at
}

var (
	ordinals = map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1,
		"premier": 1, "première": 1, "1er": 1, "1re": 1, "deuxième": 2, "troisième": 3, "quatrième": 4, "dernier": -1, "dernière": -1}
	weekdayNames = map[string]time.Weekday{"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
		"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
		"lundi": time.Monday, "mardi": time.Tuesday, "mercredi": time.Wednesday, "jeudi": time.Thursday, "vendredi": time.Friday,
		"samedi": time.Saturday, "dimanche": time.Sunday}
	meetingTime     = regexp.MustCompile(`^([01]?\d|2[0-3])[:h]([0-5]\d)$`)
	meetingDuration = regexp.MustCompile(`^(\d{1,3})\s*(min|minutes|m)$`)
)

// reviewMeetingExample is how the key is written, for the messages.
const reviewMeetingExample = `"first tuesday, 10:00, 45 min"`

// reviewMeeting reads marketing.review_meeting: "<first|second|third|fourth|last> <weekday>, HH:MM, N min"
// (English or French words: "premier mardi, 10:00, 45 min").
func (r *reader) reviewMeeting(n *yaml.Node, path string) *ReviewMeeting {
	r.reviewMeetingNode = n
	s, ok := r.scalar(n, path, "a meeting such as "+reviewMeetingExample)
	if !ok {
		return nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		r.fail(n, path, "must be <which weekday>, <time>, <duration> such as %s, got %q", reviewMeetingExample, s)
		return nil
	}
	var rm ReviewMeeting
	bad := false
	when := strings.Fields(strings.ToLower(parts[0]))
	week, okWeek := 0, false
	var wd time.Weekday
	okDay := false
	if len(when) == 2 {
		week, okWeek = ordinals[when[0]]
		wd, okDay = weekdayNames[when[1]]
	}
	if !okWeek || !okDay {
		r.fail(n, path, "must start with first, second, third, fourth or last and a weekday (\"first tuesday\"), got %q", strings.TrimSpace(parts[0]))
		bad = true
	}
	rm.Week, rm.Weekday = week, wd
	if m := meetingTime.FindStringSubmatch(strings.TrimSpace(parts[1])); m == nil {
		r.fail(n, path, "the time must be HH:MM (24-hour clock, in time_zone), got %q", strings.TrimSpace(parts[1]))
		bad = true
	} else {
		rm.Hour, _ = strconv.Atoi(m[1])
		rm.Minute, _ = strconv.Atoi(m[2])
	}
	if m := meetingDuration.FindStringSubmatch(strings.ToLower(strings.TrimSpace(parts[2]))); m == nil {
		r.fail(n, path, "the duration must be minutes such as \"45 min\", got %q", strings.TrimSpace(parts[2]))
		bad = true
	} else if v, _ := strconv.Atoi(m[1]); v < 5 || v > 480 {
		r.fail(n, path, "the duration must be from 5 to 480 minutes, got %d", v)
		bad = true
	} else {
		rm.Duration = time.Duration(v) * time.Minute
	}
	if bad {
		return nil
	}
	return &rm
}

// String writes the meeting as the contract does, in English: "first tuesday, 10:00, 45 min".
func (rm ReviewMeeting) String() string {
	week := map[int]string{1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}[rm.Week]
	return fmt.Sprintf("%s %s, %02d:%02d, %d min", week, strings.ToLower(rm.Weekday.String()), rm.Hour, rm.Minute, int(rm.Duration/time.Minute))
}
