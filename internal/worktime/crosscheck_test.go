package worktime

import (
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/worktime/worktimetest"
)

// crossCheckZones are the calendars of the cross-check: the two the contract is used with most, and every kind
// of clock change there is — midnight changes west of UTC (Azores, Havana, Santiago) and east (Beirut, Cairo),
// half-hour (Lord Howe), two hours (Troll), odd offsets (Chatham, UTC+12:45), a zone that stopped changing in
// 2024 (Asuncion), and the usual 02:00–03:00 (Paris, New York).
var crossCheckZones = []string{"Europe/Paris", "America/New_York", "Atlantic/Azores", "America/Havana",
	"America/Santiago", "Australia/Lord_Howe", "Asia/Beirut", "Africa/Cairo", "Antarctica/Troll", "Pacific/Chatham",
	"America/Asuncion"}

// casesPerZone × len(crossCheckZones) is the number of generated cases (1,100).
const casesPerZone = 100

// model is the naive minute-by-minute walk of the same calendar.
func model(loc *time.Location, w Week, closed ClosedFunc) worktimetest.Model {
	m := worktimetest.Model{Loc: loc, Closed: closed}
	for d, spans := range w {
		for _, s := range spans {
			m.Hours[d] = append(m.Hours[d], [2]int{s.Start, s.End})
		}
	}
	return m
}

// randomWeek draws opening hours: 0–3 spans a day, on boundaries that include midnight (00:00 and 24:00), the
// hours clocks change at (00:00–03:00, including half hours and 01:45/02:45 for Chatham), and office hours;
// weekends are open as often as not.
func randomWeek(r *rand.Rand) Week {
	bounds := []int{0, hm(0, 30), hm(1, 0), hm(1, 30), hm(1, 45), hm(2, 0), hm(2, 30), hm(2, 45), hm(3, 0), hm(3, 30),
		hm(3, 45), hm(7, 30), hm(9, 0), hm(12, 0), hm(12, 30), hm(13, 30), hm(17, 0), hm(18, 0), hm(20, 0), hm(22, 0),
		hm(23, 0), hm(23, 30), MinutesPerDay}
	switch r.Intn(8) {
	case 0:
		return allDay()
	case 1:
		return weekendOpen()
	}
	for {
		var w Week
		for d := range w {
			prev := -1
			for i, n := 0, r.Intn(4); i < n; i++ {
				var starts []int
				for _, b := range bounds[:len(bounds)-1] {
					if b >= prev {
						starts = append(starts, b)
					}
				}
				if len(starts) == 0 {
					break
				}
				s := starts[r.Intn(len(starts))]
				var ends []int
				for _, b := range bounds {
					if b > s {
						ends = append(ends, b)
					}
				}
				e := ends[r.Intn(min(len(ends), 1+r.Intn(8)))]
				w[d] = append(w[d], Span{s, e})
				prev = e
			}
		}
		if _, err := New(time.UTC, w, nil); err == nil {
			return w
		}
	}
}

// anchors are the instants mistakes hide around, for one zone: its clock changes from 2024 to 2035, year ends,
// and a few ordinary weeks.
func anchors(loc *time.Location, r *rand.Rand) []time.Time {
	var out []time.Time
	for t := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); ; {
		_, next := t.In(loc).ZoneBounds()
		if next.IsZero() || next.Year() > 2035 {
			break
		}
		out = append(out, next)
		t = next
	}
	for y := 2024; y <= 2035; y++ {
		out = append(out, time.Date(y, 12, 31, 12, 0, 0, 0, loc))
		out = append(out, time.Date(y, time.Month(1+r.Intn(12)), 1+r.Intn(28), r.Intn(24), 0, 0, 0, loc))
	}
	return out
}

// closedAround closes a few random dates near an instant, and always the dates around New Year, so that walks
// cross closed year ends (the US closes 31 December when New Year's Day is a Saturday).
func closedAround(r *rand.Rand, t time.Time) ClosedFunc {
	closed := map[[3]int]bool{}
	for i := -10; i <= 10; i++ {
		if r.Intn(6) == 0 {
			y, m, d := t.AddDate(0, 0, i).Date()
			closed[[3]int{y, int(m), d}] = true
		}
	}
	return func(y int, m time.Month, d int) bool {
		return closed[[3]int{y, int(m), d}] || (m == time.December && d == 31 && y%2 == 1) || (m == time.January && d == 1)
	}
}

// TestCrossCheckAgainstNaive compares Add, Between, IsOpen and NextOpen with the naive model on generated
// calendars and instants: every zone of crossCheckZones, casesPerZone cases each.
func TestCrossCheckAgainstNaive(t *testing.T) {
	t.Parallel()
	for zi, zone := range crossCheckZones {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			loc := mustLoad(zone)
			r := rand.New(rand.NewSource(int64(20261127 + zi)))
			points := anchors(loc, r)
			for i := 0; i < casesPerZone; {
				anchor := points[r.Intn(len(points))]
				from := anchor.Add(time.Duration(r.Intn(6*24*60)-3*24*60) * time.Minute)
				if r.Intn(4) == 0 {
					from = from.Add(time.Duration(r.Int63n(int64(time.Minute))))
				}
				w, closed := randomWeek(r), closedAround(r, anchor)
				d := time.Duration(1+r.Intn(8*60)) * time.Minute
				if r.Intn(3) == 0 {
					d = time.Duration(1+r.Intn(40*60)) * time.Minute
				}
				c, err := New(loc, w, closed)
				if err != nil {
					t.Fatal(err)
				}
				m := model(loc, w, closed)
				want, ok := m.Add(from, d, 40*24*60)
				if !ok {
					continue // too sparse for the model's walk: draw another case
				}
				i++
				where := fmt.Sprintf("case %d: from %s (%s), week %v", i, from.In(loc).Format(time.RFC3339Nano), from.UTC().Format(time.RFC3339Nano), w)
				got, err := c.Add(from, d)
				if err != nil || !got.Equal(want) {
					t.Fatalf("%s: Add(%s) = %s, %v; naive %s", where, d, got.UTC(), err, want.UTC())
				}
				if back := c.Between(from, got); back != d {
					t.Fatalf("%s: Between(from, Add(from, %s)) = %s", where, d, back)
				}
				if more, err := c.Add(from, d+Resolution); err != nil || !more.After(got) {
					t.Fatalf("%s: Add(%s) = %s is not after Add(%s) = %s (%v)", where, d+Resolution, more, d, got, err)
				}
				to := from.Add(time.Duration(r.Intn(2*24*60)) * time.Minute)
				if got, want := c.Between(from, to), m.Between(from, to); got != want {
					t.Fatalf("%s: Between(from, %s) = %s, naive %s", where, to.UTC(), got, want)
				}
				if got, want := c.IsOpen(from), m.Open(from); got != want {
					t.Fatalf("%s: IsOpen = %v, naive %v", where, got, want)
				}
				next, err := c.NextOpen(from)
				if err != nil {
					t.Fatalf("%s: NextOpen: %v", where, err)
				}
				if !m.Open(next) || (next.After(from) && m.Between(from, next) != 0) || next.Before(from) {
					t.Fatalf("%s: NextOpen = %s is not the first open instant", where, next.UTC())
				}
			}
		})
	}
}
