package digest

import (
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
)

func TestSlot(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	monday := &contract.Digest{Day: time.Monday, Hour: 8, Minute: 30, Location: paris}
	friday := &contract.Digest{Day: time.Friday, Hour: 17, Minute: 0, Location: paris}
	at := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, paris) }
	for _, tc := range []struct {
		name       string
		d          *contract.Digest
		now        time.Time
		slot, prev time.Time
		week       string
	}{
		{"Monday after the slot", monday, at(2026, 12, 7, 8, 31), at(2026, 12, 7, 8, 30), at(2026, 11, 30, 8, 30), "2026-W50"},
		{"Monday at the slot", monday, at(2026, 12, 7, 8, 30), at(2026, 12, 7, 8, 30), at(2026, 11, 30, 8, 30), "2026-W50"},
		{"Monday before the slot: last week's", monday, at(2026, 12, 7, 8, 29), at(2026, 11, 30, 8, 30), at(2026, 11, 23, 8, 30), "2026-W49"},
		{"Sunday", monday, at(2026, 12, 13, 23, 0), at(2026, 12, 7, 8, 30), at(2026, 11, 30, 8, 30), "2026-W50"},
		{"across the new year (ISO week 53)", monday, at(2027, 1, 1, 12, 0), at(2026, 12, 28, 8, 30), at(2026, 12, 21, 8, 30), "2026-W53"},
		{"the week clocks go back: 8:30 local both sides", monday, at(2026, 10, 26, 9, 0), at(2026, 10, 26, 8, 30), at(2026, 10, 19, 8, 30), "2026-W44"},
		{"a Friday slot, on Thursday", friday, at(2026, 12, 10, 10, 0), at(2026, 12, 4, 17, 0), at(2026, 11, 27, 17, 0), "2026-W49"},
		{"an instant in UTC", monday, time.Date(2026, 12, 7, 7, 30, 0, 0, time.UTC), at(2026, 12, 7, 8, 30), at(2026, 11, 30, 8, 30), "2026-W50"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Slot(tc.d, tc.now)
			if !s.Equal(tc.slot) {
				t.Fatalf("slot %s, want %s", s, tc.slot)
			}
			if p := Previous(tc.d, s); !p.Equal(tc.prev) {
				t.Errorf("previous %s, want %s", p, tc.prev)
			}
			if w := Week(tc.d, s); w != tc.week {
				t.Errorf("week %s, want %s", w, tc.week)
			}
		})
	}
}
