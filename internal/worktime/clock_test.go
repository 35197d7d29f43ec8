package worktime

import (
	"errors"
	"testing"
	"time"
)

// weekendOpen is office hours in the week, Saturday 20:00–24:00 and all of Sunday: spans that end at 24:00 and
// start at 00:00, where zones that change their clocks at midnight go wrong.
func weekendOpen() Week {
	w := officeWeek()
	w[time.Saturday] = []Span{{hm(20, 0), MinutesPerDay}}
	w[time.Sunday] = []Span{{0, MinutesPerDay}}
	return w
}

func allDay() Week {
	var w Week
	for d := range w {
		w[d] = []Span{{0, MinutesPerDay}}
	}
	return w
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestClockChanges: each case is worked out by hand from the zone's rules (tzdata), in UTC so that nothing in the
// expectation depends on how wall times are resolved.
func TestClockChanges(t *testing.T) {
	t.Parallel()
	sundayNight := officeWeek()
	sundayNight[time.Sunday] = []Span{{hm(0, 30), hm(1, 30)}}
	lordHowe := officeWeek()
	lordHowe[time.Sunday] = []Span{{hm(1, 30), hm(2, 30)}}
	tests := []struct {
		name, zone string
		week       Week
		from       string
		d          time.Duration
		want       string
	}{
		// Azores (UTC-1, summer UTC+0) goes forward at 00:00 on 29 March 2026 (01:00Z): Saturday 20:00–24:00 is
		// 21:00Z–01:00Z, four hours; Sunday starts at 01:00 local, 01:00Z.
		{"azores: saturday to 24:00 before a midnight change", "Atlantic/Azores", weekendOpen(), "2026-03-27T20:00:00Z", 4 * time.Hour, "2026-03-29T01:00:00Z"},
		{"azores: one hour more is sunday's first", "Atlantic/Azores", weekendOpen(), "2026-03-27T20:00:00Z", 5 * time.Hour, "2026-03-29T02:00:00Z"},
		{"azores: sunday of the change has 23 hours", "Atlantic/Azores", weekendOpen(), "2026-03-29T01:00:00Z", 23 * time.Hour, "2026-03-30T00:00:00Z"},
		// ...and back at 01:00 local on 25 October (01:00Z): 00:00–01:00 happens twice, Sunday has 25 hours.
		{"azores: sunday of the change back has 25 hours", "Atlantic/Azores", weekendOpen(), "2026-10-25T00:00:00Z", 25 * time.Hour, "2026-10-26T01:00:00Z"},
		// Havana (UTC-5, summer UTC-4) goes forward at 00:00 on 8 March 2026 (05:00Z), back at 01:00 on 1 November.
		{"havana: saturday to 24:00 before a midnight change", "America/Havana", weekendOpen(), "2026-03-07T00:00:00Z", 4 * time.Hour, "2026-03-08T05:00:00Z"},
		{"havana: 00:30-01:30 in the repeated hour counts 1h30", "America/Havana", sundayNight, "2026-11-01T04:00:00Z", 90 * time.Minute, "2026-11-01T06:30:00Z"},
		// Santiago (UTC-4, summer UTC-3) goes forward at 24:00 on Saturday 5 September 2026 (04:00Z), back at 24:00
		// on Saturday 4 April (03:00Z): that Saturday 23:00–24:00 happens twice, 20:00–24:00 is five hours.
		{"santiago: saturday to 24:00 before a midnight change", "America/Santiago", weekendOpen(), "2026-09-05T00:00:00Z", 4 * time.Hour, "2026-09-06T04:00:00Z"},
		{"santiago: saturday evening of the change back is 5h", "America/Santiago", weekendOpen(), "2026-04-04T22:00:00Z", 5 * time.Hour, "2026-04-05T04:00:00Z"},
		// East of UTC: Beirut (UTC+2, summer UTC+3) goes forward at 00:00 on Sunday 29 March 2026 (28 March 22:00Z)
		// and back at 00:00 on Sunday 25 October, to 23:00 on Saturday (24 October 21:00Z).
		{"beirut: saturday to 24:00 before a midnight change", "Asia/Beirut", weekendOpen(), "2026-03-28T17:00:00Z", 4 * time.Hour, "2026-03-28T22:00:00Z"},
		{"beirut: saturday evening of the change back is 5h", "Asia/Beirut", weekendOpen(), "2026-10-24T17:00:00Z", 5 * time.Hour, "2026-10-24T22:00:00Z"},
		// Cairo (UTC+2, summer UTC+3): forward at 00:00 on Friday 24 April 2026, back at 24:00 on Thursday 29 October.
		{"cairo: thursday to 18:00 then friday from 09:00", "Africa/Cairo", officeWeek(), "2026-04-23T15:00:00Z", 2 * time.Hour, "2026-04-24T07:00:00Z"},
		{"cairo: a 24h desk counts real hours over a skipped midnight", "Africa/Cairo", allDay(), "2026-04-23T21:00:00Z", 2 * time.Hour, "2026-04-23T23:00:00Z"},
		// Lord Howe (UTC+10:30, summer UTC+11) moves by 30 minutes: back at 02:00 on 5 April 2026 (15:00Z), forward
		// at 02:00 on 4 October (15:30Z). Sunday 01:30–02:30 is 1h30 in April and 30 min in October.
		{"lord howe: half-hour repeated", "Australia/Lord_Howe", lordHowe, "2026-04-04T14:00:00Z", 90 * time.Minute, "2026-04-04T16:00:00Z"},
		{"lord howe: half-hour skipped", "Australia/Lord_Howe", lordHowe, "2026-10-03T14:00:00Z", 30 * time.Minute, "2026-10-03T15:30:00Z"},
		// Troll (UTC+0, summer UTC+2) jumps two hours at 01:00Z: 01:00–03:00 local does not exist on 29 March 2026.
		{"troll: two skipped hours", "Antarctica/Troll", sundayNight, "2026-03-28T12:00:00Z", 30 * time.Minute, "2026-03-29T01:00:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(mustLoad(tc.zone), tc.week, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Add(utc(tc.from), tc.d)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(utc(tc.want)) {
				t.Errorf("Add(%s, %s) = %s (%s), want %s", tc.from, tc.d, got.UTC().Format(time.RFC3339), got.Format(time.RFC3339), tc.want)
			}
			if back := c.Between(utc(tc.from), got); back != tc.d {
				t.Errorf("Between(from, Add(from, %s)) = %s", tc.d, back)
			}
		})
	}
}

// TestResolution: the clock counts whole minutes; a start between two counts from the next one, and a duration
// below a minute is refused.
func TestResolution(t *testing.T) {
	t.Parallel()
	c := mustCal(t, officeWeek(), nil)
	got, err := c.Add(at("2026-11-30 10:00").Add(500*time.Millisecond), time.Hour)
	if err != nil || !got.Equal(at("2026-11-30 11:01")) {
		t.Errorf("Add(10:00:00.5, 1h) = %s, %v; want 11:01", got, err)
	}
	if got, err := c.Add(at("2026-11-30 10:00").Add(time.Second), 0); err != nil || !got.Equal(at("2026-11-30 10:01")) {
		t.Errorf("Add(10:00:01, 0) = %s, %v; want 10:01", got, err)
	}
	for _, d := range []time.Duration{30 * time.Second, time.Hour + time.Nanosecond, -time.Minute} {
		if got, err := c.Add(at("2026-11-30 10:00"), d); err == nil {
			t.Errorf("Add(%s) = %s, want an error", d, got)
		}
	}
	if got := c.Between(at("2026-11-30 10:00").Add(time.Second), at("2026-11-30 11:00").Add(time.Second)); got != time.Hour {
		t.Errorf("Between over whole minutes from mid-minute instants = %s, want 1h", got)
	}
	if !c.IsOpen(at("2026-11-30 17:59").Add(59*time.Second)) || c.IsOpen(at("2026-11-30 08:59").Add(59*time.Second)) {
		t.Error("IsOpen of an instant is not the state of its minute")
	}
	if got, err := c.NextOpen(at("2026-11-30 10:00").Add(time.Second)); err != nil || !got.Equal(at("2026-11-30 10:00").Add(time.Second)) {
		t.Errorf("NextOpen of an open instant = %s, %v; want the instant itself", got, err)
	}
}

// TestHorizon: no panic, ever; beyond HorizonYears, an error the caller can recognise.
func TestHorizon(t *testing.T) {
	t.Parallel()
	closedFrom := func(y0 int) ClosedFunc {
		return func(y int, _ time.Month, _ int) bool { return y >= y0 }
	}
	mondayHour := Week{}
	mondayHour[time.Monday] = []Span{{hm(9, 0), hm(10, 0)}}
	tests := []struct {
		name   string
		week   Week
		closed ClosedFunc
		from   string
		d      time.Duration
		want   string // "" for ErrBeyondHorizon
	}{
		{"every day closed", officeWeek(), closedFrom(0), "2026-11-30 10:00", time.Hour, ""},
		{"closed from a date on", officeWeek(), closedFrom(2027), "2026-12-31 17:30", time.Hour, ""},
		// The panics: one hour a week for 500 hours takes about ten years of calendar (the 500th Monday
		// after 7 December 2026 is 30 June 2036).
		{"monday 09:00-10:00, 500h", mondayHour, nil, "2026-11-30 10:00", 500 * time.Hour, "2036-06-30 10:00"},
		{"monday 09:00-10:00, more than 20 years", mondayHour, nil, "2026-11-30 10:00", 1100 * time.Hour, ""},
		{"ten closed years, then open", officeWeek(), func(y int, _ time.Month, _ int) bool { return y >= 2027 && y < 2037 }, "2026-12-31 17:30", time.Hour, "2037-01-01 09:30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := mustCal(t, tc.week, tc.closed)
			got, err := c.Add(at(tc.from), tc.d)
			if tc.want == "" {
				if !errors.Is(err, ErrBeyondHorizon) {
					t.Errorf("Add = %s, %v; want ErrBeyondHorizon", got, err)
				}
				return
			}
			if err != nil || !got.Equal(at(tc.want)) {
				t.Errorf("Add = %s, %v; want %s", got, err, tc.want)
			}
		})
	}
	c := mustCal(t, officeWeek(), closedFrom(2027))
	if got, err := c.NextOpen(at("2026-12-31 18:00")); !errors.Is(err, ErrBeyondHorizon) {
		t.Errorf("NextOpen on a calendar closed for ever = %s, %v", got, err)
	}
	if got := c.Between(at("2026-12-31 09:00"), at("2126-12-31 09:00")); got != 9*time.Hour {
		t.Errorf("Between over a century = %s", got)
	}
}
