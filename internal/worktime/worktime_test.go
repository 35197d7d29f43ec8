package worktime

import (
	"testing"
	"time"
	_ "time/tzdata"
)

var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func hm(h, m int) int { return h*60 + m }

// officeWeek is Monday–Friday 9:00–18:00.
func officeWeek() Week {
	var w Week
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = []Span{{hm(9, 0), hm(18, 0)}}
	}
	return w
}

// frenchHolidays2026 are the public holidays the tests rely on (the contract takes them from rickar/cal).
func frenchHolidays2026(y int, m time.Month, d int) bool {
	return holidays2026[date{y, m, d}]
}

type date struct {
	y int
	m time.Month
	d int
}

var holidays2026 = map[date]bool{{2026, 4, 6}: true, {2026, 5, 1}: true, {2026, 5, 8}: true, {2026, 5, 14}: true,
	{2026, 5, 25}: true, {2026, 12, 25}: true, {2027, 1, 1}: true}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
	if err != nil {
		panic(err)
	}
	return t
}

func mustCal(t *testing.T, w Week, closed ClosedFunc) *Calendar {
	t.Helper()
	c, err := New(paris, w, closed)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAdd(t *testing.T) {
	t.Parallel()
	lunch := officeWeek()
	for d := time.Monday; d <= time.Friday; d++ {
		lunch[d] = []Span{{hm(9, 0), hm(12, 30)}, {hm(14, 0), hm(18, 0)}}
	}
	noWednesday := officeWeek()
	noWednesday[time.Wednesday] = nil
	allDay := Week{}
	for d := range allDay {
		allDay[d] = []Span{{0, MinutesPerDay}}
	}

	tests := []struct {
		name string
		week Week
		from string
		d    time.Duration
		want string
	}{
		{"friday evening rolls to monday", officeWeek(), "2026-11-27 17:30", 4 * time.Hour, "2026-11-30 12:30"},
		{"monday holiday pushes to tuesday", officeWeek(), "2026-04-03 17:30", 4 * time.Hour, "2026-04-07 12:30"},
		{"saturday 23:00 starts monday 9:00", officeWeek(), "2026-11-28 23:00", 4 * time.Hour, "2026-11-30 13:00"},
		{"spans ascension and whit monday", officeWeek(), "2026-05-13 17:00", 64 * time.Hour, "2026-05-26 18:00"},
		{"ending on a close returns the close", officeWeek(), "2026-11-30 09:00", 9 * time.Hour, "2026-11-30 18:00"},
		{"starting exactly at the close", officeWeek(), "2026-11-27 18:00", time.Hour, "2026-11-30 10:00"},
		{"starting exactly at the open", officeWeek(), "2026-11-30 09:00", time.Hour, "2026-11-30 10:00"},
		{"a day with no hours is skipped", noWednesday, "2026-12-01 17:00", 2 * time.Hour, "2026-12-03 10:00"},
		{"lunch break is not counted", lunch, "2026-11-30 11:30", 2 * time.Hour, "2026-11-30 15:00"},
		{"arriving during lunch", lunch, "2026-11-30 13:00", 30 * time.Minute, "2026-11-30 14:30"},
		{"over the march clock change (office)", officeWeek(), "2026-03-27 17:00", 2 * time.Hour, "2026-03-30 10:00"},
		{"over the october clock change (office)", officeWeek(), "2026-10-23 17:00", 2 * time.Hour, "2026-10-26 10:00"},
		{"24h desk through the skipped hour", allDay, "2026-03-28 22:00", 6 * time.Hour, "2026-03-29 05:00"},
		{"zero duration returns from", officeWeek(), "2026-11-28 23:00", 0, "2026-11-28 23:00"},
		{"christmas and new year", officeWeek(), "2026-12-24 17:00", 10 * time.Hour, "2026-12-28 18:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := mustCal(t, tc.week, frenchHolidays2026)
			got, err := c.Add(at(tc.from), tc.d)
			if err != nil {
				t.Fatal(err)
			}
			if want := at(tc.want); !got.Equal(want) {
				t.Errorf("Add(%s, %s) = %s, want %s", tc.from, tc.d, got, want)
			}
			if got.Location() != paris {
				t.Errorf("result is in %s, want the calendar's zone", got.Location())
			}
		})
	}
}

func TestAddOctoberRepeatedHour(t *testing.T) {
	t.Parallel()
	var allDay Week
	for d := range allDay {
		allDay[d] = []Span{{0, MinutesPerDay}}
	}
	c := mustCal(t, allDay, nil)
	from := time.Date(2026, 10, 24, 22, 0, 0, 0, paris) // CEST, UTC+2
	got, err := c.Add(from, 6*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// 6 real hours later: 02:00 UTC, which is 03:00 CET after the clocks went back.
	if want := time.Date(2026, 10, 25, 2, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("got %s, want %s", got, want)
	}
	if h, _, _ := got.Clock(); h != 3 {
		t.Errorf("local hour = %d, want 3", h)
	}
}

func TestBetween(t *testing.T) {
	t.Parallel()
	var allDay Week
	for d := range allDay {
		allDay[d] = []Span{{0, MinutesPerDay}}
	}
	sundayMorning := officeWeek()
	sundayMorning[time.Sunday] = []Span{{hm(1, 0), hm(4, 0)}}
	tests := []struct {
		name string
		week Week
		a, b string
		want time.Duration
	}{
		{"one office day", officeWeek(), "2026-11-30 00:00", "2026-12-01 00:00", 9 * time.Hour},
		{"over a weekend", officeWeek(), "2026-11-27 17:30", "2026-11-30 12:30", 4 * time.Hour},
		{"reversed is negative", officeWeek(), "2026-11-30 12:30", "2026-11-27 17:30", -4 * time.Hour},
		{"same instant", officeWeek(), "2026-11-30 10:00", "2026-11-30 10:00", 0},
		{"march sunday has 23 hours", allDay, "2026-03-29 00:00", "2026-03-30 00:00", 23 * time.Hour},
		{"october sunday has 25 hours", allDay, "2026-10-25 00:00", "2026-10-26 00:00", 25 * time.Hour},
		{"01:00-04:00 loses an hour in march", sundayMorning, "2026-03-29 00:00", "2026-03-29 12:00", 2 * time.Hour},
		{"01:00-04:00 gains an hour in october", sundayMorning, "2026-10-25 00:00", "2026-10-25 12:00", 4 * time.Hour},
		{"whit monday counts nothing", officeWeek(), "2026-05-25 00:00", "2026-05-26 00:00", 0},
		{"ends on an opening", officeWeek(), "2026-11-27 18:00", "2026-11-30 09:00", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := mustCal(t, tc.week, frenchHolidays2026)
			if got := c.Between(at(tc.a), at(tc.b)); got != tc.want {
				t.Errorf("Between(%s, %s) = %s, want %s", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestIsOpenAndNextOpen(t *testing.T) {
	t.Parallel()
	c := mustCal(t, officeWeek(), frenchHolidays2026)
	tests := []struct {
		at       string
		open     bool
		nextOpen string
	}{
		{"2026-11-30 09:00", true, "2026-11-30 09:00"},
		{"2026-11-30 08:59", false, "2026-11-30 09:00"},
		{"2026-11-30 18:00", false, "2026-12-01 09:00"},
		{"2026-11-28 23:00", false, "2026-11-30 09:00"},
		{"2026-05-13 18:30", false, "2026-05-15 09:00"}, // Ascension on the 14th
	}
	for _, tc := range tests {
		if got := c.IsOpen(at(tc.at)); got != tc.open {
			t.Errorf("IsOpen(%s) = %v, want %v", tc.at, got, tc.open)
		}
		if got, err := c.NextOpen(at(tc.at)); err != nil || !got.Equal(at(tc.nextOpen)) {
			t.Errorf("NextOpen(%s) = %s, %v; want %s", tc.at, got, err, tc.nextOpen)
		}
	}
}

func TestNewRejectsBadWeeks(t *testing.T) {
	t.Parallel()
	overlap := officeWeek()
	overlap[time.Monday] = []Span{{hm(9, 0), hm(12, 0)}, {hm(11, 0), hm(14, 0)}}
	empty := officeWeek()
	empty[time.Tuesday] = []Span{{hm(9, 0), hm(9, 0)}}
	late := officeWeek()
	late[time.Friday] = []Span{{hm(9, 0), MinutesPerDay + 1}}
	tests := map[string]Week{"no hours at all": {}, "overlapping spans": overlap, "empty span": empty, "past midnight": late}
	for name, w := range tests {
		if _, err := New(paris, w, nil); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
	if _, err := New(nil, officeWeek(), nil); err == nil {
		t.Error("nil location accepted")
	}
}

func BenchmarkAddFourHoursOverWeekend(b *testing.B) {
	c, err := New(paris, officeWeek(), frenchHolidays2026)
	if err != nil {
		b.Fatal(err)
	}
	from := at("2026-11-27 17:30")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Add(from, 4*time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddBeyondHorizon is the worst case of one call: a calendar that never opens again, walked for
// HorizonYears before the error.
func BenchmarkAddBeyondHorizon(b *testing.B) {
	c, err := New(paris, officeWeek(), func(y int, _ time.Month, _ int) bool { return y >= 2027 })
	if err != nil {
		b.Fatal(err)
	}
	from := at("2026-12-31 18:00")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Add(from, time.Hour); err == nil {
			b.Fatal("found business time in a closed calendar")
		}
	}
}
