package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/worktime"
	"github.com/handoff-sla/handoff/internal/worktime/worktimetest"
)

var (
	fuzzZones = []string{"Europe/Paris", "America/New_York", "Atlantic/Azores", "America/Havana", "America/Santiago",
		"Australia/Lord_Howe", "Asia/Beirut", "Africa/Cairo", "Antarctica/Troll", "Pacific/Chatham", "Pacific/Apia",
		"Europe/Dublin", "Asia/Kathmandu", "UTC"}
	fuzzCountries = []string{"AT", "BE", "CA", "CH", "DE", "DK", "ES", "FR", "GB", "IE", "IT", "NL", "SE", "US"}
)

// fuzzCalendarBlock writes a contract calendar from fuzz bytes: opening hours (worktimetest.FuzzHours), then a
// few closed and open days. Invalid calendars are FuzzParse's business; a week with no hours is still refused.
func fuzzCalendarBlock(country uint8, spec []byte) string {
	in := worktimetest.FuzzBytes(spec)
	hours := worktimetest.FuzzHours(&in)
	next := in.Next
	var b strings.Builder
	fmt.Fprintf(&b, "  holidays: %s\n  business_hours:\n", fuzzCountries[int(country)%len(fuzzCountries)])
	for d := time.Sunday; d <= time.Saturday; d++ {
		var spans []string
		for _, s := range hours[d] {
			spans = append(spans, fmt.Sprintf(`"%02d:%02d-%02d:%02d"`, s[0]/60, s[0]%60, s[1]/60, s[1]%60))
		}
		fmt.Fprintf(&b, "    %s: [%s]\n", strings.ToLower(d.String()), strings.Join(spans, ", "))
	}
	for _, key := range []string{"closed_days", "open_days"} {
		if n := next() % 4; n > 0 {
			fmt.Fprintf(&b, "  %s:\n", key)
			for day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); n > 0; n-- {
				day = day.AddDate(0, 0, next()*3)
				fmt.Fprintf(&b, "    - %s\n", day.Format("2006-01-02"))
			}
		}
	}
	return b.String()
}

// FuzzDeadline runs `handoff deadline` on the shipped contract with a fuzzed calendar, start and hours: it never
// panics, exits 0, 1 or 2, and when it answers, the answer is on the minute, has the requested business time
// since the start, and its last minute is open.
func FuzzDeadline(f *testing.F) {
	office := []byte{0, 1, 36, 72, 1, 36, 72, 1, 36, 72, 1, 36, 72, 1, 36, 72, 0}
	f.Add(uint8(0), uint8(7), office, "2026-11-27T17:30:00+01:00", "4")
	f.Add(uint8(2), uint8(7), []byte{1, 0, 96, 1, 36, 72, 1, 36, 72, 1, 36, 72, 1, 36, 72, 1, 36, 72, 1, 80, 96}, "2026-03-27T19:00:00-01:00", "4")
	f.Add(uint8(1), uint8(13), office, "2027-12-31T09:00:00-05:00", "1h30m")
	f.Add(uint8(0), uint8(7), []byte{0, 1, 36, 40}, "2026-11-30T10:00:00.5+01:00", "2000")
	f.Add(uint8(5), uint8(3), []byte{3, 8, 10, 10, 12, 90, 96}, "9999-12-31T23:59:59Z", "0.001")
	f.Fuzz(func(t *testing.T, zone, country uint8, week []byte, from, hours string) {
		path := variant(t, fuzzZones[int(zone)%len(fuzzZones)], fuzzCalendarBlock(country, week))
		var out, errOut bytes.Buffer
		code := Run([]string{"deadline", "--contract", path, "--from", from, "--hours", hours}, &out, &errOut, fixedNow)
		if code != 0 {
			if code != 1 && code != 2 || errOut.Len() == 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut.String())
			}
			return
		}
		first, _, _ := strings.Cut(out.String(), "\n")
		due, err := time.Parse(time.RFC3339, first)
		if err != nil {
			t.Fatalf("the answer %q is not RFC 3339: %v", first, err)
		}
		c, err := contract.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		start := fixedNow()
		if from != "" {
			start, _ = time.Parse(time.RFC3339, from)
		}
		d, _ := businessHours(hours)
		if !due.Equal(due.Truncate(worktime.Resolution)) {
			t.Fatalf("%s is not on the minute", first)
		}
		if got := c.Calendar.Between(start, due); got != d {
			t.Fatalf("from %s, %s is %s of business time later, not %s", from, first, got, d)
		}
		if !c.Calendar.IsOpen(due.Add(-worktime.Resolution)) {
			t.Fatalf("from %s + %s: the minute before %s is closed", from, hours, first)
		}
	})
}
