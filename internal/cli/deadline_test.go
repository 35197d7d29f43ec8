package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
)

// variant writes the shipped contract with its time zone and calendar block replaced, as the issue's
// reproducers describe them ("the shipped contract with the calendar block changed").
func variant(t *testing.T, zone, calendar string) string {
	t.Helper()
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start, end := strings.Index(text, "\ncalendar:\n"), strings.Index(text, "\nmarketing:\n")
	if start < 0 || end < start {
		t.Fatal("the shipped contract has no calendar block before marketing")
	}
	text = text[:start] + "\ncalendar:\n" + calendar + text[end:]
	text = strings.Replace(text, "time_zone: Europe/Paris", "time_zone: "+zone, 1)
	path := filepath.Join(t.TempDir(), "contract.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// officeDays are Monday to Friday, 09:00–18:00.
const officeDays = `  business_hours:
    monday:    ["09:00-18:00"]
    tuesday:   ["09:00-18:00"]
    wednesday: ["09:00-18:00"]
    thursday:  ["09:00-18:00"]
    friday:    ["09:00-18:00"]
`

// weekendOpen is the issue's calendar for zones that change clocks at midnight: office hours in the week,
// Saturday evening until midnight and all of Sunday.
const weekendOpen = "  holidays: FR\n" + officeDays + "    saturday:  [\"20:00-24:00\"]\n    sunday:    [\"00:00-24:00\"]\n"

const usOffice = "  holidays: US\n" + officeDays

// TestDeadlineIssue8 holds the reproducers of issue 8, each through `handoff deadline` as the issue gives it.
func TestDeadlineIssue8(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		zone, calendar string
		from, hours    string
		want           string // the first line: the deadline, RFC 3339 in the contract's zone
	}{
		// 1. Clocks that change at midnight, west of UTC: Saturday 20:00–24:00 is four real hours, ending where
		// Sunday begins (01:00 on the night the clocks go forward).
		{"azores, midnight spring forward", "Atlantic/Azores", weekendOpen, "2026-03-27T19:00:00-01:00", "4", "2026-03-29T01:00:00Z"},
		{"havana, midnight spring forward", "America/Havana", weekendOpen, "2026-03-06T19:00:00-05:00", "4", "2026-03-08T01:00:00-04:00"},
		{"santiago, midnight spring forward", "America/Santiago", weekendOpen, "2026-09-04T19:00:00-04:00", "4", "2026-09-06T01:00:00-03:00"},
		// 2. New Year's Day 2028 is a Saturday, observed on Friday 31 December 2027.
		{"us new year observed the year before", "America/New_York", usOffice, "2027-12-31T09:00:00-05:00", "1", "2028-01-03T10:00:00-05:00"},
		{"us new year observed the year before, 2032", "America/New_York", usOffice, "2032-12-30T17:30:00-05:00", "1", "2033-01-03T09:30:00-05:00"},
		// 3. Independence Day 2027 is a Sunday, observed on Monday 5 July: a shop open on Sundays closes both.
		{"us holiday on a day open anyway", "America/New_York", usOffice + "    sunday:    [\"10:00-16:00\"]\n",
			"2027-07-03T12:00:00-04:00", "1", "2027-07-06T10:00:00-04:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := variant(t, tc.zone, tc.calendar)
			var out, errOut bytes.Buffer
			if code := Run([]string{"deadline", "--contract", path, "--from", tc.from, "--hours", tc.hours}, &out, &errOut, fixedNow); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			if first, _, _ := strings.Cut(out.String(), "\n"); first != tc.want {
				t.Errorf("deadline = %s, want %s\n%s", first, tc.want, out.String())
			}
		})
	}
}

// TestDeadlineLongDeadlinesDoNotPanic is the issue's fourth reproducer: valid contracts whose deadlines span
// more than ten years of calendar days. The clock answers; nothing panics.
func TestDeadlineLongDeadlinesDoNotPanic(t *testing.T) {
	t.Parallel()
	mondayOnly := "  holidays: FR\n  business_hours:\n    monday: [\"09:00-10:00\"]\n"
	var closedMondays strings.Builder
	closedMondays.WriteString(mondayOnly + "  closed_days:\n")
	for _, d := range mondays("2027-01-04", "2037-01-05") {
		closedMondays.WriteString("    - " + d + "\n")
	}
	tests := []struct {
		name, calendar, from, hours, want string
	}{
		// The 500th Monday after 30 November 2026 that is not a French public holiday.
		{"monday 09:00-10:00 only, 500h", mondayOnly, "2026-11-30T10:00:00+01:00", "500", nthOpenMonday(t, "2026-12-07", 500) + "T10:00:00+01:00"},
		// Every Monday closed from January 2027 to January 2037: the first open hour is on 12 January 2037.
		{"every monday closed for ten years, 1h", closedMondays.String(), "2026-12-28T10:00:00+01:00", "1", "2037-01-12T10:00:00+01:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := variant(t, "Europe/Paris", tc.calendar)
			var out, errOut bytes.Buffer
			code := Run([]string{"deadline", "--contract", path, "--from", tc.from, "--hours", tc.hours}, &out, &errOut, fixedNow)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			if first, _, _ := strings.Cut(out.String(), "\n"); first != tc.want {
				t.Errorf("deadline = %s, want %s", first, tc.want)
			}
		})
	}
}

// TestDeadlinePrecision is the issue's fifth reproducer: what is below the clock's resolution is refused, and
// the printed instant is the one computed (and stored), sub-minute parts included.
func TestDeadlinePrecision(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if code := Run([]string{"deadline", "--contract", example, "--from", "2026-11-28T04:00:00+01:00", "--hours", "0.001"}, &out, &errOut, fixedNow); code != 2 {
		t.Errorf("--hours 0.001: exit %d, want 2; stdout %q", code, out.String())
	}
	if !strings.Contains(errOut.String(), "--hours must be a whole number of minutes") {
		t.Errorf("stderr = %q", errOut.String())
	}
	// A start with seconds counts from the next whole minute, and says so.
	out.Reset()
	errOut.Reset()
	if code := Run([]string{"deadline", "--contract", example, "--from", "2026-11-30T10:00:30.5+01:00", "--hours", "1"}, &out, &errOut, fixedNow); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	want := "2026-11-30T11:01:00+01:00\n1h of business time after Mon 30 Nov 2026 10:00:30.5 (counted from 10:01) is Mon 30 Nov 2026 11:01 (Europe/Paris)\n"
	if out.String() != want {
		t.Errorf("stdout = %q\nwant     %q", out.String(), want)
	}
	// Before 1911 Paris kept local mean time, UTC+0:09:21, whose seconds RFC 3339 cannot write: the answer is given
	// in UTC rather than as another instant.
	out.Reset()
	if code := Run([]string{"deadline", "--contract", example, "--from", "1900-06-01T09:00:00Z", "--hours", "1"}, &out, &errOut, fixedNow); code != 0 ||
		!strings.HasPrefix(out.String(), "1900-06-01T10:00:00Z\n") {
		t.Errorf("local mean time: exit %d, stdout %q", code, out.String())
	}
	// What is printed is the instant notify computes and the store writes (UTC, milliseconds), not a rounding of it.
	c, err := contract.Load(example)
	if err != nil {
		t.Fatal(err)
	}
	due, err := c.Calendar.Add(time.Date(2026, 11, 30, 9, 0, 30, 5e8, time.UTC), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	printed, _ := time.Parse(time.RFC3339, "2026-11-30T11:01:00+01:00")
	if !printed.Equal(due) || due.UTC().Format("2006-01-02T15:04:05.000Z") != "2026-11-30T10:01:00.000Z" {
		t.Errorf("printed %s, computed %s", printed, due)
	}
}

// mondays lists the Mondays from first to last (both Mondays), YYYY-MM-DD.
func mondays(first, last string) []string {
	var out []string
	for d := mustDate(first); !d.After(mustDate(last)); d = d.AddDate(0, 0, 7) {
		out = append(out, d.Format("2006-01-02"))
	}
	return out
}

func mustDate(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// nthOpenMonday counts Mondays from first (a Monday), skipping French public holidays, and returns the nth.
func nthOpenMonday(t *testing.T, first string, n int) string {
	t.Helper()
	c, err := contract.Load(example)
	if err != nil {
		t.Fatal(err)
	}
	holidays := map[string]bool{}
	for y := 2026; y <= 2040; y++ {
		for _, d := range c.Holidays(y) {
			holidays[d.String()] = true
		}
	}
	for d := mustDate(first); ; d = d.AddDate(0, 0, 7) {
		if !holidays[d.Format("2006-01-02")] {
			if n--; n == 0 {
				return d.Format("2006-01-02")
			}
		}
	}
}

// TestContractCheckRefusesUnreachableDeadlines: `contract check` refuses a deadline the clock may not reach, and
// says how far it looks; `deadline` answers an error, not a panic, for a duration beyond that.
func TestContractCheckRefusesUnreachableDeadlines(t *testing.T) {
	t.Parallel()
	mondayOnly := "  holidays: FR\n  business_hours:\n    monday: [\"09:00-10:00\"]\n"
	data, err := os.ReadFile(variant(t, "Europe/Paris", mondayOnly))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "long.yaml")
	if err := os.WriteFile(path, bytes.Replace(data, []byte("feedback_deadline: 16h"), []byte("feedback_deadline: 2000h"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Run([]string{"contract", "check", path}, &out, &errOut, fixedNow); code != 1 {
		t.Fatalf("contract check: exit %d; stdout %s", code, out.String())
	}
	want := "long.yaml:36: sales.feedback_deadline: 2000h of business time may not be reached: the SLA clock looks 20 years ahead " +
		"of a hand-off, and this calendar can have as little as 970h of business time in 20 years (business_hours, holidays and closed_days)\n" +
		"1 problem(s): the contract is not valid\n"
	if !strings.HasSuffix(errOut.String(), want) {
		t.Errorf("stderr = %q\nwant      %q", errOut.String(), want)
	}

	out.Reset()
	errOut.Reset()
	short := variant(t, "Europe/Paris", mondayOnly)
	if code := Run([]string{"deadline", "--contract", short, "--from", "2026-11-30T10:00:00+01:00", "--hours", "1500"}, &out, &errOut, fixedNow); code != 1 {
		t.Fatalf("deadline beyond the horizon: exit %d; stdout %s", code, out.String())
	}
	if !strings.Contains(errOut.String(), "does not fit in 20 years: beyond the clock's horizon") {
		t.Errorf("stderr = %q", errOut.String())
	}
}
