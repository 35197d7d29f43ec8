package samlocal

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// schedule computes when an EventBridge schedule expression fires: rate(...), cron(...) (AWS's six fields) or
// at(...) (EventBridge Scheduler's one-time form), in a time zone.
type schedule interface {
	// next is the first firing strictly after t, or the zero time when there is none.
	next(t time.Time) time.Time
}

func parseSchedule(expr, zone string) (schedule, error) {
	loc := time.UTC
	if zone != "" {
		var err error
		if loc, err = time.LoadLocation(zone); err != nil {
			return nil, fmt.Errorf("schedule time zone %q: %w", zone, err)
		}
	}
	body := func(prefix string) (string, bool) {
		if strings.HasPrefix(expr, prefix+"(") && strings.HasSuffix(expr, ")") {
			return strings.TrimSpace(expr[len(prefix)+1 : len(expr)-1]), true
		}
		return "", false
	}
	if b, ok := body("rate"); ok {
		return parseRate(b)
	}
	if b, ok := body("cron"); ok {
		return parseCron(b, loc)
	}
	if b, ok := body("at"); ok {
		t, err := time.ParseInLocation("2006-01-02T15:04:05", b, loc)
		if err != nil {
			return nil, fmt.Errorf("at(%s): want yyyy-mm-ddThh:mm:ss", b)
		}
		return atSchedule(t), nil
	}
	return nil, fmt.Errorf("schedule %q: want rate(...), cron(...) or at(...)", expr)
}

type atSchedule time.Time

func (a atSchedule) next(t time.Time) time.Time {
	if at := time.Time(a); at.After(t) {
		return at
	}
	return time.Time{}
}

// rateSchedule fires every period; locally the first firing is one period after the stack starts.
type rateSchedule time.Duration

func parseRate(b string) (schedule, error) {
	f := strings.Fields(b)
	if len(f) != 2 {
		return nil, fmt.Errorf("rate(%s): want rate(<n> <unit>)", b)
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("rate(%s): the value must be a positive whole number", b)
	}
	unit := map[string]time.Duration{"minute": time.Minute, "minutes": time.Minute, "hour": time.Hour,
		"hours": time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour}[f[1]]
	if unit == 0 || (n == 1) != !strings.HasSuffix(f[1], "s") {
		return nil, fmt.Errorf("rate(%s): the unit must be minute(s), hour(s) or day(s), singular for 1", b)
	}
	return rateSchedule(time.Duration(n) * unit), nil
}

func (r rateSchedule) next(t time.Time) time.Time {
	return t.Add(time.Duration(r)).Truncate(time.Minute)
}

// cronSchedule is AWS's cron: minutes hours day-of-month month day-of-week year, one of the two day fields '?'.
type cronSchedule struct {
	loc                            *time.Location
	minutes, hours, dom, months    map[int]bool
	dow, years                     map[int]bool // dow: 1 = Sunday ... 7 = Saturday
	lastDayOfMonth, anyDOM, anyDOW bool
}

func parseCron(b string, loc *time.Location) (schedule, error) {
	f := strings.Fields(b)
	if len(f) != 6 {
		return nil, fmt.Errorf("cron(%s): want six fields: minutes hours day-of-month month day-of-week year", b)
	}
	c := &cronSchedule{loc: loc}
	var err error
	fail := func(field string, e error) error { return fmt.Errorf("cron(%s): %s: %v", b, field, e) }
	if c.minutes, err = cronField(f[0], 0, 59, nil); err != nil {
		return nil, fail("minutes", err)
	}
	if c.hours, err = cronField(f[1], 0, 23, nil); err != nil {
		return nil, fail("hours", err)
	}
	switch f[2] {
	case "?":
		c.anyDOM = true
	case "L":
		c.lastDayOfMonth = true
	default:
		if c.dom, err = cronField(f[2], 1, 31, nil); err != nil {
			return nil, fail("day-of-month", err)
		}
	}
	months := map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
	if c.months, err = cronField(f[3], 1, 12, months); err != nil {
		return nil, fail("month", err)
	}
	if f[4] == "?" {
		c.anyDOW = true
	} else {
		days := map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
		if c.dow, err = cronField(f[4], 1, 7, days); err != nil {
			return nil, fail("day-of-week", err)
		}
	}
	if c.anyDOM == c.anyDOW {
		return nil, fmt.Errorf("cron(%s): exactly one of day-of-month and day-of-week must be '?'", b)
	}
	if c.years, err = cronField(f[5], 1970, 2199, nil); err != nil {
		return nil, fail("year", err)
	}
	return c, nil
}

// cronField expands "*", "5", "1-5", "MON-FRI", "0/15", "10-30/5" and comma lists into a set.
func cronField(s string, lo, hi int, names map[string]int) (map[int]bool, error) {
	set := map[int]bool{}
	val := func(x string) (int, error) {
		if n, ok := names[strings.ToUpper(x)]; ok {
			return n, nil
		}
		n, err := strconv.Atoi(x)
		if err != nil || n < lo || n > hi {
			return 0, fmt.Errorf("%q is not in %d-%d", x, lo, hi)
		}
		return n, nil
	}
	for _, part := range strings.Split(s, ",") {
		rng, stepStr, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			var err error
			if step, err = strconv.Atoi(stepStr); err != nil || step <= 0 {
				return nil, fmt.Errorf("bad step in %q", part)
			}
		}
		from, to := lo, hi
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err error
			if from, err = val(a); err != nil {
				return nil, err
			}
			if to, err = val(b); err != nil {
				return nil, err
			}
			if to < from {
				return nil, fmt.Errorf("range %q goes backwards", rng)
			}
		default:
			v, err := val(rng)
			if err != nil {
				return nil, fmt.Errorf("%v (L, W and # are not supported locally)", err)
			}
			from = v
			if !hasStep {
				to = v
			}
		}
		for v := from; v <= to; v += step {
			set[v] = true
		}
	}
	return set, nil
}

func (c *cronSchedule) dayMatches(t time.Time) bool {
	if c.anyDOM {
		return c.dow[int(t.Weekday())+1]
	}
	if c.lastDayOfMonth {
		return t.AddDate(0, 0, 1).Day() == 1
	}
	return c.dom[t.Day()]
}

func (c *cronSchedule) next(after time.Time) time.Time {
	t := after.In(c.loc).Truncate(time.Minute).Add(time.Minute)
	limit := t.AddDate(5, 0, 0)
	for t.Before(limit) {
		switch {
		case !c.years[t.Year()]:
			t = time.Date(t.Year()+1, 1, 1, 0, 0, 0, 0, c.loc)
		case !c.months[int(t.Month())]:
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, c.loc)
		case !c.dayMatches(t):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, c.loc)
		case !c.hours[t.Hour()]:
			t = t.Truncate(time.Hour).Add(time.Hour)
		case !c.minutes[t.Minute()]:
			t = t.Add(time.Minute)
		default:
			return t
		}
	}
	return time.Time{}
}

// contextAttributes are the keywords EventBridge Scheduler replaces in a schedule's input when it invokes the
// target (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html).
var contextAttributes = []string{"scheduled-time", "schedule-arn", "execution-id", "attempt-number"}

var contextAttribute = regexp.MustCompile(`<aws\.scheduler\.([^>]*)>`)

// checkContextAttributes refuses an input naming a context attribute the local stack does not replace (or a
// rule's input naming one: only EventBridge Scheduler replaces them), rather than send it as it is.
func checkContextAttributes(sd samtemplate.Schedule) error {
	for _, m := range contextAttribute.FindAllStringSubmatch(sd.Input, -1) {
		switch {
		case !sd.V2:
			//lint:ignore ST1005 the error starts with the template's property, spelt as SAM spells it (Input)
			return fmt.Errorf("Input: %s: context attributes are EventBridge Scheduler's (ScheduleV2), not a rule's", m[0])
		case !slices.Contains(contextAttributes, m[1]):
			//lint:ignore ST1005 the error starts with the template's property, spelt as SAM spells it (Input)
			return fmt.Errorf("Input: %s is not one of EventBridge Scheduler's context attributes (%s)", m[0], strings.Join(contextAttributes, ", "))
		}
	}
	return nil
}
