package worktime

import (
	"errors"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/worktime/worktimetest"
)

// fuzzZones are the zones FuzzAdd draws from: every kind of clock change (see crossCheckZones), historical
// oddities (local mean times with seconds, Apia's skipped day, Dublin's negative summer time) and no change.
var fuzzZones = append([]string{"UTC", "Pacific/Apia", "Europe/Dublin", "Asia/Kathmandu", "America/St_Johns",
	"Africa/Monrovia", "Asia/Tehran"}, crossCheckZones...)

// fuzzCalendar builds a calendar from fuzz bytes: per weekday a count of spans and their bounds on a 15-minute
// grid (00:00 to 24:00, always valid), then a rule for closed dates. It reports false for a week with no hours.
func fuzzCalendar(zone uint8, spec []byte) (*Calendar, bool) {
	in := worktimetest.FuzzBytes(spec)
	hours := worktimetest.FuzzHours(&in)
	var w Week
	for d, spans := range hours {
		for _, s := range spans {
			w[d] = append(w[d], Span{s[0], s[1]})
		}
	}
	next := in.Next
	mod, rest, fromYear := next(), next(), 2000+next()*4
	closed := func(y int, m time.Month, d int) bool {
		if mod > 128 && y >= fromYear { // closed for good from some year: the horizon is reached
			return true
		}
		return mod > 1 && (y*372+int(m)*31+d)%mod == rest%mod
	}
	c, err := New(mustLoad(fuzzZones[int(zone)%len(fuzzZones)]), w, closed)
	return c, err == nil
}

// FuzzAdd: for any calendar, start (years 1 to 9999, what RFC 3339 can write) and duration up to the contract's
// 2000h, Add never panics; it answers on the minute grid, at an instant whose last minute was open (inside
// business time or exactly at a close), with Between giving the duration back, monotonically in the duration; or
// it says the answer is beyond the horizon.
func FuzzAdd(f *testing.F) {
	f.Add(uint8(0), []byte{1, 36, 72, 1, 36, 72, 1, 36, 72, 1, 36, 72, 1, 36, 72, 0, 0}, int64(1795791600), int64(0), uint32(240))
	f.Add(uint8(9), []byte{1, 0, 96, 1, 36, 72, 1, 36, 72, 1, 36, 72, 1, 36, 72, 1, 36, 72, 1, 80, 96}, int64(1774738800), int64(5e8), uint32(300))
	f.Add(uint8(7), []byte{0, 1, 36, 40, 0, 0, 0, 0, 0, 200, 0, 6}, int64(1795791600), int64(0), uint32(30000))
	f.Add(uint8(1), []byte{2, 0, 8, 90, 96, 0, 0, 0, 0, 0, 1, 4, 6}, int64(-62135596800), int64(999999999), uint32(120000))
	f.Fuzz(func(t *testing.T, zone uint8, spec []byte, sec, nsec int64, minutes uint32) {
		c, ok := fuzzCalendar(zone, spec)
		if !ok {
			return
		}
		const first, last = -62135596800, 253402300799 // 0001-01-01 and 9999-12-31T23:59:59, UTC
		if sec < first || sec > last {
			sec = first + (sec%(last-first)+(last-first))%(last-first)
		}
		start := time.Unix(sec, (nsec%1e9+1e9)%1e9)
		d := time.Duration(minutes%(2000*60+1)) * Resolution

		got, err := c.Add(start, d)
		if err != nil {
			if !errors.Is(err, ErrBeyondHorizon) {
				t.Fatalf("Add(%s, %s): %v", start.UTC(), d, err)
			}
			if _, err := c.Add(start, d+Resolution); err == nil {
				t.Fatalf("Add(%s, %s) is beyond the horizon, but not with one minute more", start.UTC(), d)
			}
			return
		}
		where := start.UTC().Format(time.RFC3339Nano) + " in " + c.Location().String()
		switch {
		case !got.Equal(got.Truncate(Resolution)):
			t.Fatalf("Add(%s, %s) = %s is not on the minute", where, d, got.UTC())
		case got.Before(Tick(start)):
			t.Fatalf("Add(%s, %s) = %s is before the start", where, d, got.UTC())
		case d > 0 && !c.IsOpen(got.Add(-Resolution)):
			t.Fatalf("Add(%s, %s) = %s: its last minute is closed", where, d, got.UTC())
		case got.Location() != c.Location():
			t.Fatalf("Add returned a time in %s", got.Location())
		}
		if back := c.Between(start, got); back != d {
			t.Fatalf("Between(%s, Add(%s)) = %s", where, d, back)
		}
		if half, err := c.Add(start, d/2/Resolution*Resolution); err != nil || half.After(got) {
			t.Fatalf("Add(%s, %s) = %s is after Add(%s) = %s (%v)", where, d/2, half.UTC(), d, got.UTC(), err)
		}
		if more, err := c.Add(start, d+Resolution); err == nil && !more.After(got) {
			t.Fatalf("Add(%s, %s) = %s is not after Add(%s) = %s", where, d+Resolution, more.UTC(), d, got.UTC())
		}
	})
}
