// Package worktime does business-time arithmetic: adding N business hours to an instant and measuring the
// business time between two instants, in one time zone, with per-weekday opening hours and closed days.
//
// The SLA's deadlines are all expressed in business hours, so this package is the heart of the contract: a lead
// that arrives on Friday at 17:30 with a 4-hour deadline and 9:00–18:00 hours is due on Monday at 12:30.
//
// Opening hours are wall-clock times in the calendar's zone. An instant is open when its local date is not
// closed and its local wall-clock time falls in one of that weekday's spans. On the nights clocks change, a span
// boundary that falls in the skipped hour resolves to the instant of the change, and one that falls in the
// repeated hour resolves to its first occurrence; spans that do not touch 02:00–03:00 are exact either way.
package worktime

import (
	"fmt"
	"time"
)

// MinutesPerDay is the end of the last possible span: a span may end at 24:00 (midnight of the next day).
const MinutesPerDay = 24 * 60

// Span is an opening period of a day, in minutes after local midnight: [Start, End).
type Span struct {
	Start, End int
}

// String renders the span as the contract writes it, e.g. "09:00-12:30".
func (s Span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, s.End/60, s.End%60)
}

// Week holds the opening spans of each weekday, indexed by time.Weekday. A weekday with no span is closed.
type Week [7][]Span

// ClosedFunc reports whether a local date is closed all day (public holiday, company closure).
type ClosedFunc func(year int, month time.Month, day int) bool

// Calendar answers business-time questions in one zone. It is immutable and safe for concurrent use, provided
// its ClosedFunc is.
type Calendar struct {
	loc    *time.Location
	week   Week
	closed ClosedFunc
}

// New builds a calendar. The week must have at least one open span (otherwise no deadline could ever fall due),
// and each day's spans must be sorted, non-empty and non-overlapping, within [0, 24:00].
func New(loc *time.Location, week Week, closed ClosedFunc) (*Calendar, error) {
	if loc == nil {
		return nil, fmt.Errorf("worktime: nil location")
	}
	open := false
	for wd, spans := range week {
		prevEnd := -1
		for _, s := range spans {
			if s.Start < 0 || s.End > MinutesPerDay || s.Start >= s.End {
				return nil, fmt.Errorf("worktime: %s: span %s is empty or out of the day", time.Weekday(wd), s)
			}
			if s.Start < prevEnd {
				return nil, fmt.Errorf("worktime: %s: span %s overlaps or precedes the one before", time.Weekday(wd), s)
			}
			prevEnd = s.End
			open = true
		}
	}
	if !open {
		return nil, fmt.Errorf("worktime: the week has no opening hours")
	}
	if closed == nil {
		closed = func(int, time.Month, int) bool { return false }
	}
	return &Calendar{loc: loc, week: week, closed: closed}, nil
}

// Location is the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// interval is one opening period as absolute instants: [from, to).
type interval struct{ from, to time.Time }

// day returns the opening intervals of a local date (year, month, day may be denormalised, as in time.Date).
func (c *Calendar) day(y int, m time.Month, d int) []interval {
	date := time.Date(y, m, d, 12, 0, 0, 0, c.loc) // noon: never inside a clock change
	y, m, d = date.Date()
	if c.closed(y, m, d) {
		return nil
	}
	spans := c.week[date.Weekday()]
	out := make([]interval, 0, len(spans))
	for _, s := range spans {
		from, to := c.boundary(y, m, d, s.Start), c.boundary(y, m, d, s.End)
		if from.Before(to) {
			out = append(out, interval{from, to})
		}
	}
	return out
}

// boundary is the first instant of local date y-m-d whose wall clock reaches the given minute of the day.
func (c *Calendar) boundary(y int, m time.Month, d, minute int) time.Time {
	t := time.Date(y, m, d, minute/60, minute%60, 0, 0, c.loc)
	if minute == MinutesPerDay {
		return t
	}
	start, end := t.ZoneBounds()
	if h, mi, _ := t.Clock(); h*60+mi == minute {
		// The wall time exists, maybe twice (clocks went back): time.Date does not promise which occurrence it
		// returns, so look for an earlier one in the zone before.
		if !start.IsZero() && t.Sub(start) < 2*time.Hour {
			_, prevOffset := start.Add(-time.Second).Zone()
			if _, offset := t.Zone(); prevOffset > offset {
				earlier := t.Add(-time.Duration(prevOffset-offset) * time.Second)
				if eh, em, _ := earlier.Clock(); earlier.Before(start) && eh*60+em == minute {
					return earlier
				}
			}
		}
		return t
	}
	// The wall time was skipped by a clock change: the boundary is the change itself.
	if h, mi, _ := t.Clock(); h*60+mi > minute {
		return start
	}
	return end
}

// Add returns the instant at which d of business time has elapsed after from. When the count ends exactly at
// the close of a span, that closing instant is returned (not the next opening). A non-positive d returns from.
func (c *Calendar) Add(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return from
	}
	local := from.In(c.loc)
	y, m, dd := local.Date()
	remaining := d
	for i := 0; ; i++ {
		for _, iv := range c.day(y, m, dd+i) {
			if !iv.to.After(from) {
				continue
			}
			start := iv.from
			if start.Before(from) {
				start = from
			}
			avail := iv.to.Sub(start)
			if remaining <= avail {
				return start.Add(remaining).In(c.loc)
			}
			remaining -= avail
		}
		mustOpenWithin(i)
	}
}

// maxClosedDays bounds the search for an opening. New guarantees an open weekday, and closed days come from
// holidays and a finite list, so only a ClosedFunc that closes everything could reach it.
const maxClosedDays = 3660

func mustOpenWithin(days int) {
	if days > maxClosedDays {
		panic("worktime: no business hours within ten years; the ClosedFunc closes every day")
	}
}

// Between returns the business time elapsed from a to b; negative when b is before a.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -c.Between(b, a)
	}
	la := a.In(c.loc)
	y, m, d := la.Date()
	var total time.Duration
	for i := 0; ; i++ {
		// Intervals of day i start no earlier than its local midnight; stop once that is past b.
		if time.Date(y, m, d+i, 0, 0, 0, 0, c.loc).After(b) {
			return total
		}
		for _, iv := range c.day(y, m, d+i) {
			from, to := iv.from, iv.to
			if from.Before(a) {
				from = a
			}
			if to.After(b) {
				to = b
			}
			if from.Before(to) {
				total += to.Sub(from)
			}
		}
	}
}

// IsOpen reports whether t falls in business hours.
func (c *Calendar) IsOpen(t time.Time) bool {
	y, m, d := t.In(c.loc).Date()
	for _, iv := range c.day(y, m, d) {
		if !t.Before(iv.from) && t.Before(iv.to) {
			return true
		}
	}
	return false
}

// NextOpen returns t when it is open, else the next instant business hours start.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	y, m, d := t.In(c.loc).Date()
	for i := 0; ; i++ {
		for _, iv := range c.day(y, m, d+i) {
			if iv.to.After(t) {
				if iv.from.After(t) {
					return iv.from.In(c.loc)
				}
				return t.In(c.loc)
			}
		}
		mustOpenWithin(i)
	}
}
