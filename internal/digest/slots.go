package digest

import (
	"fmt"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
)

// Slot is the contract's weekly slot at or before t: the digest of that week is due from then on, and shares the
// pieces published since the slot before (Previous). Computed on the calendar of the digest's zone, so a week
// with a clock change is still Monday 08:30 to Monday 08:30 (a slot in the hour skipped in spring is the instant
// Go's time.Date gives it, an hour later).
func Slot(d *contract.Digest, t time.Time) time.Time {
	local := t.In(d.Location)
	back := (int(local.Weekday()) - int(d.Day) + 7) % 7
	y, m, day := local.AddDate(0, 0, -back).Date()
	s := time.Date(y, m, day, d.Hour, d.Minute, 0, 0, d.Location)
	if s.After(t) {
		y, m, day = s.AddDate(0, 0, -7).Date()
		s = time.Date(y, m, day, d.Hour, d.Minute, 0, 0, d.Location)
	}
	return s
}

// Previous is the slot a week before slot s.
func Previous(d *contract.Digest, s time.Time) time.Time {
	y, m, day := s.In(d.Location).AddDate(0, 0, -7).Date()
	return time.Date(y, m, day, d.Hour, d.Minute, 0, 0, d.Location)
}

// Week is the ISO 8601 week of slot s in the digest's zone ("2026-W50"): with the rep, the key of a digest.
func Week(d *contract.Digest, s time.Time) string {
	y, w := s.In(d.Location).ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}
