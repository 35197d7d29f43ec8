// Package worktimetest holds the reference model business time is checked against, for tests only.
//
// The model is deliberately naive and shares nothing with worktime: it walks real minutes one by one and decides
// each from its local wall clock (is the local date closed? is the local hour and minute inside a span of that
// weekday?). It knows nothing about clock changes, 24:00, or year boundaries, so it cannot share a mistake about
// them with the implementation.
package worktimetest

import "time"

// Model is a calendar as the contract describes it.
type Model struct {
	Loc *time.Location
	// Hours are the opening spans of each weekday (indexed by time.Weekday), in minutes after local midnight:
	// [start, end), end at most 24*60.
	Hours [7][][2]int
	// Closed reports whether a local date is closed; nil closes nothing.
	Closed func(year int, month time.Month, day int) bool
}

// Open reports whether the minute that starts at t (or contains it) is business time.
func (m Model) Open(t time.Time) bool {
	l := t.In(m.Loc)
	y, mo, d := l.Date()
	if m.Closed != nil && m.Closed(y, mo, d) {
		return false
	}
	h, mi, _ := l.Clock()
	minute := h*60 + mi
	for _, s := range m.Hours[l.Weekday()] {
		if minute >= s[0] && minute < s[1] {
			return true
		}
	}
	return false
}

// nextMinute is t rounded up to a whole minute: the clock counts whole minutes, from the next one.
func nextMinute(t time.Time) time.Time {
	r := t.Truncate(time.Minute)
	if r.Before(t) {
		r = r.Add(time.Minute)
	}
	return r
}

// Add walks minutes from the next whole minute after from until d of them were open, and returns the end of the
// last one. It gives up (zero time, false) after maxMinutes minutes of walking.
func (m Model) Add(from time.Time, d time.Duration, maxMinutes int) (time.Time, bool) {
	t := nextMinute(from)
	need := int(d / time.Minute)
	if need == 0 {
		return t, true
	}
	for i := 0; i < maxMinutes; i, t = i+1, t.Add(time.Minute) {
		if m.Open(t) {
			need--
			if need == 0 {
				return t.Add(time.Minute), true
			}
		}
	}
	return time.Time{}, false
}

// Between counts the open minutes from the next whole minute after a to the next whole minute after b (a <= b).
func (m Model) Between(a, b time.Time) time.Duration {
	var total time.Duration
	for t, end := nextMinute(a), nextMinute(b); t.Before(end); t = t.Add(time.Minute) {
		if m.Open(t) {
			total += time.Minute
		}
	}
	return total
}

// FuzzBytes hands fuzz input out one byte at a time, zero once it is used up.
type FuzzBytes []byte

// Next returns the next byte.
func (b *FuzzBytes) Next() int {
	if len(*b) == 0 {
		return 0
	}
	v := int((*b)[0])
	*b = (*b)[1:]
	return v
}

// FuzzHours decodes opening hours from fuzz bytes, for the fuzz targets of worktime and of the CLI: per weekday
// a count of spans (0–3) and their bounds on a 15-minute grid from 00:00 to 24:00, always sorted and valid.
func FuzzHours(b *FuzzBytes) (hours [7][][2]int) {
	for d := range hours {
		prev := 0 // in quarters of an hour; 96 is 24:00
		for n := b.Next() % 4; n > 0 && prev < 96; n-- {
			s := prev + b.Next()%(96-prev)
			e := s + 1 + b.Next()%(96-s)
			hours[d] = append(hours[d], [2]int{s * 15, e * 15})
			prev = e
		}
	}
	return hours
}
