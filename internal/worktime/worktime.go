// Package worktime does business-time arithmetic: adding N business hours to an instant and measuring the
// business time between two instants, in one time zone, with per-weekday opening hours and closed days.
//
// The SLA's deadlines are all expressed in business hours, so this package is the heart of the contract: a lead
// that arrives on Friday at 17:30 with a 4-hour deadline and 9:00–18:00 hours is due on Monday at 12:30.
//
// The rules, which the README's "SLA clock" section states for the teams:
//
//   - An instant is business time when its local date, in the calendar's zone, is not closed and its local
//     wall-clock time falls in one of that weekday's spans. That is decided instant by instant, so clock changes
//     need no special case: the hour skipped in spring has no instants, and a span loses whatever part of it falls
//     there; the hour repeated in autumn happens twice, and an open wall-clock time in it counts twice; a span
//     ending at 24:00 runs until the next local date begins (00:00, or 01:00 where clocks go forward at
//     midnight). The same holds for zones that change at midnight, by 30 minutes, or by two hours.
//   - The clock ticks once per Resolution (a minute). Durations are whole ticks; an instant between two ticks
//     counts from the next one (Tick), so every deadline is a whole minute and prints exactly as it is stored.
//   - Add returns the instant at which the duration has elapsed; when that is exactly the close of a span, it is
//     the closing instant (not the next opening).
//   - Add and NextOpen look at most HorizonYears ahead and return an error wrapping ErrBeyondHorizon beyond:
//     never a panic, and never an unbounded walk, whatever the calendar.
package worktime

import (
	"errors"
	"fmt"
	"time"
)

// Resolution is the tick of the SLA clock: the smallest business time it counts and the grid every computed
// instant lies on. The contract and the CLI refuse durations that are not a whole number of ticks.
const Resolution = time.Minute

// HorizonYears is how far ahead of the start Add and NextOpen look. It bounds the work of one call (a deadline
// checker computes many per run); the contract refuses deadlines that could fall further (see contract's
// horizon check).
const HorizonYears = 20

// ErrBeyondHorizon is wrapped by the error of Add and NextOpen when the answer is more than HorizonYears away.
var ErrBeyondHorizon = errors.New("beyond the clock's horizon")

// MinutesPerDay is the end of the last possible span: a span may end at 24:00 (midnight of the next day).
const MinutesPerDay = 24 * 60

// Tick returns t rounded up to the clock's resolution: the first tick at or after t.
func Tick(t time.Time) time.Time {
	r := t.Truncate(Resolution)
	if r.Before(t) {
		r = r.Add(Resolution)
	}
	return r
}

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

// Hours is the wall-clock opening time of a weekday: the business time of an open date of that weekday, unless
// the clocks change on it.
func (w Week) Hours(wd time.Weekday) time.Duration {
	var total int
	for _, s := range w[wd] {
		total += s.End - s.Start
	}
	return time.Duration(total) * time.Minute
}

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

// interval is one stretch of business time as UTC instants: [from, to).
type interval struct{ from, to time.Time }

// window is how much time one call of intervals covers: short enough that the usual deadline (hours away) costs
// little, long enough that walking years stays cheap.
const window = 24 * time.Hour

// intervals appends the business time within [from, to) to out, in order, adjacent stretches merged.
//
// It walks the instants, not the dates: between two clock changes the offset is constant, so the wall clock is
// the instant shifted by it, and a span of a local date is the instants whose shifted value falls in it. That
// needs no normalisation of wall times that do not exist (skipped) or exist twice (repeated), which is where
// time.Date's choices would leak in.
func (c *Calendar) intervals(out []interval, from, to time.Time) []interval {
	for t := from; t.Before(to); {
		local := t.In(c.loc)
		_, offset := local.Zone()
		end := to
		if _, next := local.ZoneBounds(); next.After(t) && next.Before(to) {
			end = next
		}
		shift := time.Duration(offset) * time.Second
		wallFrom, wallTo := t.UTC().Add(shift), end.UTC().Add(shift)
		y, m, d := wallFrom.Date()
		for day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); day.Before(wallTo); day = day.AddDate(0, 0, 1) {
			if c.closed(day.Date()) {
				continue
			}
			for _, s := range c.week[day.Weekday()] {
				lo := latest(day.Add(time.Duration(s.Start)*time.Minute), wallFrom)
				hi := earliest(day.Add(time.Duration(s.End)*time.Minute), wallTo)
				if lo.Before(hi) {
					// Offsets of whole minutes (every zone since 1972) keep these on the grid already; older
					// local mean times had seconds, and rounding up keeps every answer on a tick.
					out = appendMerged(out, interval{Tick(lo.Add(-shift)), Tick(hi.Add(-shift))})
				}
			}
		}
		t = end
	}
	return out
}

func appendMerged(out []interval, iv interval) []interval {
	if !iv.from.Before(iv.to) {
		return out
	}
	if n := len(out); n > 0 && !iv.from.After(out[n-1].to) {
		if iv.to.After(out[n-1].to) {
			out[n-1].to = iv.to
		}
		return out
	}
	return append(out, iv)
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Add returns the instant at which d of business time has elapsed after from (counted from Tick(from)), in the
// calendar's zone. When the count ends exactly at the close of a span, that closing instant is returned. A zero d
// returns Tick(from). d must be a non-negative whole number of ticks; an answer more than HorizonYears away is an
// error wrapping ErrBeyondHorizon.
func (c *Calendar) Add(from time.Time, d time.Duration) (time.Time, error) {
	if d < 0 || d%Resolution != 0 {
		return time.Time{}, fmt.Errorf("worktime: %s is not a non-negative whole number of %s", d, Resolution)
	}
	start := Tick(from).UTC()
	if d == 0 {
		return start.In(c.loc), nil
	}
	limit := start.AddDate(HorizonYears, 0, 0)
	remaining := d
	var buf [8]interval
	for w := start; w.Before(limit); w = w.Add(window) {
		for _, iv := range c.intervals(buf[:0], w, earliest(w.Add(window), limit)) {
			n := iv.to.Sub(iv.from)
			if remaining <= n {
				return iv.from.Add(remaining).In(c.loc), nil
			}
			remaining -= n
		}
	}
	return time.Time{}, fmt.Errorf("worktime: %s of business time after %s does not fit in %d years: %w",
		d, start.In(c.loc).Format(time.RFC3339), HorizonYears, ErrBeyondHorizon)
}

// Between returns the business time elapsed from Tick(a) to Tick(b); negative when b is before a. It saturates at
// the largest time.Duration, as time.Time.Sub does, and walks every day in between: it is meant for spans of
// days or years, not millennia.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -c.Between(b, a)
	}
	from, to := Tick(a).UTC(), Tick(b).UTC()
	var total time.Duration
	var buf [8]interval
	for w := from; w.Before(to); w = w.Add(window) {
		for _, iv := range c.intervals(buf[:0], w, earliest(w.Add(window), to)) {
			n := iv.to.Sub(iv.from)
			if total > maxDuration-n {
				return maxDuration
			}
			total += n
		}
	}
	return total
}

const maxDuration = time.Duration(1<<63 - 1)

// IsOpen reports whether t falls in business time: whether the tick it lies in counts.
func (c *Calendar) IsOpen(t time.Time) bool {
	tick := t.Truncate(Resolution).UTC()
	var buf [2]interval
	return len(c.intervals(buf[:0], tick, tick.Add(Resolution))) > 0
}

// NextOpen returns t when it is open, else the next instant business time starts, in the calendar's zone; an
// opening more than HorizonYears away is an error wrapping ErrBeyondHorizon.
func (c *Calendar) NextOpen(t time.Time) (time.Time, error) {
	tick := t.Truncate(Resolution).UTC()
	limit := tick.AddDate(HorizonYears, 0, 0)
	var buf [8]interval
	for w := tick; w.Before(limit); w = w.Add(window) {
		if ivs := c.intervals(buf[:0], w, earliest(w.Add(window), limit)); len(ivs) > 0 {
			return latest(ivs[0].from, t).In(c.loc), nil
		}
	}
	return time.Time{}, fmt.Errorf("worktime: no business time within %d years after %s: %w",
		HorizonYears, t.In(c.loc).Format(time.RFC3339), ErrBeyondHorizon)
}
