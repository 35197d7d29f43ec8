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
