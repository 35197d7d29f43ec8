package contract

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/worktime/worktimetest"
)

// calendarYAML writes a calendar block (and its zone) into the base contract.
func calendarYAML(zone, country string, week [7][][2]int, closed, open []Date) string {
	var b strings.Builder
	fmt.Fprintf(&b, "calendar:\n  holidays: %s\n  business_hours:\n", country)
	for d := time.Sunday; d <= time.Saturday; d++ {
		var spans []string
		for _, s := range week[d] {
			spans = append(spans, fmt.Sprintf(`"%02d:%02d-%02d:%02d"`, s[0]/60, s[0]%60, s[1]/60, s[1]%60))
		}
		fmt.Fprintf(&b, "    %s: [%s]\n", strings.ToLower(d.String()), strings.Join(spans, ", "))
	}
	for _, list := range []struct {
		key   string
		dates []Date
	}{{"closed_days", closed}, {"open_days", open}} {
		if len(list.dates) > 0 {
			fmt.Fprintf(&b, "  %s:\n", list.key)
			for _, d := range list.dates {
				fmt.Fprintf(&b, "    - %s\n", d)
			}
		}
	}
	start, end := strings.Index(base, "calendar:\n"), strings.Index(base, "marketing:\n")
	return strings.Replace(base[:start]+b.String()+base[end:], "time_zone: Europe/Paris", "time_zone: "+zone, 1)
}

// weekTemplates are the kinds of weeks companies sign: office hours with and without lunch, a shop open on
// Sundays, evenings and weekends up to midnight, round the clock; randomWeekSpec adds random ones.
var weekTemplates = [][7][][2]int{
	{nil, {{540, 1080}}, {{540, 1080}}, {{540, 1080}}, {{540, 1080}}, {{540, 1080}}, nil},
	{nil, {{540, 750}, {810, 1080}}, {{540, 750}, {810, 1080}}, {{540, 750}, {810, 1080}}, {{540, 750}, {810, 1080}}, {{540, 750}, {810, 1020}}, nil},
	{{{600, 960}}, {{540, 1080}}, {{540, 1080}}, {{540, 1080}}, {{540, 1080}}, {{540, 1080}}, {{600, 960}}},
	{{{0, 1440}}, {{540, 1080}}, {{540, 1080}}, {{540, 1080}}, {{540, 1080}}, {{540, 1080}}, {{1200, 1440}}},
	{{{0, 1440}}, {{0, 1440}}, {{0, 1440}}, {{0, 1440}}, {{0, 1440}}, {{0, 1440}}, {{0, 1440}}},
}

func randomWeekSpec(r *rand.Rand) [7][][2]int {
	if r.Intn(3) > 0 {
		return weekTemplates[r.Intn(len(weekTemplates))]
	}
	for {
		var w [7][][2]int
		open := false
		for d := range w {
			prev := 0
			for i, n := 0, r.Intn(3); i < n && prev < 1440; i++ {
				s := prev + 30*r.Intn((1440-prev)/30)
				e := s + 30*(1+r.Intn((1440-s)/30))
				w[d] = append(w[d], [2]int{s, e})
				prev, open = e, true
			}
		}
		if open {
			return w
		}
	}
}

// contractCalendars are the countries (and a zone of theirs) whose holidays python-holidays lists exactly as the
// contract closes them (see differences), so the model can take its closed dates from python-holidays alone.
var contractCalendars = []struct{ country, zone string }{
	{"FR", "Europe/Paris"}, {"US", "America/New_York"}, {"US", "America/Los_Angeles"}, {"IE", "Europe/Dublin"},
	{"NL", "Europe/Amsterdam"}, {"SE", "Europe/Stockholm"}, {"DE", "Europe/Berlin"}, {"BE", "Europe/Brussels"},
}

// TestContractCalendarCrossCheck loads contracts with generated calendars (weeks open on weekends, holidays
// worked anyway, company closures) and compares their deadlines and business time with the naive model, whose
// closed dates come from python-holidays' reference rather than from the contract's own holiday code: this is
// where holidays observed in the year before, or falling on a day the company is open anyway, would show.
func TestContractCalendarCrossCheck(t *testing.T) {
	t.Parallel()
	ref := reference(t)
	const perCalendar = 60
	for ci, cc := range contractCalendars {
		t.Run(cc.country+" "+cc.zone, func(t *testing.T) {
			t.Parallel()
			r := rand.New(rand.NewSource(int64(8 + ci)))
			loc, err := time.LoadLocation(cc.zone)
			if err != nil {
				t.Fatal(err)
			}
			// Anchors: every holiday of 2024–2035 that python-holidays lists for the country (observed days
			// across year ends among them), and year ends.
			var anchors []time.Time
			for d := range ref[cc.country] {
				if d.Year >= 2024 && !(d.Year == 2035 && d.Month > time.October) {
					anchors = append(anchors, time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, loc))
				}
			}
			for y := 2024; y < 2035; y++ {
				anchors = append(anchors, time.Date(y, 12, 31, 17, 0, 0, 0, loc))
			}
			for i := 0; i < perCalendar; {
				anchor := anchors[r.Intn(len(anchors))]
				week := randomWeekSpec(r)
				var closed, open []Date
				for k := -8; k <= 8; k++ {
					d := DateOf(anchor.AddDate(0, 0, k))
					_, holiday := ref[cc.country][d]
					switch {
					case holiday && r.Intn(4) == 0:
						open = append(open, d)
					case !holiday && r.Intn(10) == 0:
						closed = append(closed, d)
					}
				}
				c, err := Parse("c.yaml", []byte(calendarYAML(cc.zone, cc.country, week, closed, open)))
				if err != nil {
					t.Fatalf("%v", err)
				}
				m := worktimetest.Model{Loc: loc, Hours: week, Closed: func(y int, mo time.Month, d int) bool {
					day := Date{y, mo, d}
					for _, o := range open {
						if o == day {
							return false
						}
					}
					for _, cl := range closed {
						if cl == day {
							return true
						}
					}
					_, holiday := ref[cc.country][day]
					return holiday
				}}
				from := anchor.Add(time.Duration(r.Intn(5*24*60)-3*24*60) * time.Minute)
				d := time.Duration(1+r.Intn(24*60)) * time.Minute
				want, ok := m.Add(from, d, 30*24*60)
				if !ok {
					continue
				}
				i++
				where := fmt.Sprintf("case %d: %s from %s, open_days %v, closed_days %v, week %v", i, cc.country,
					from.Format(time.RFC3339), open, closed, week)
				got, err := c.Calendar.Add(from, d)
				if err != nil || !got.Equal(want) {
					t.Fatalf("%s: Add(%s) = %s, %v; naive %s", where, d, got, err, want.In(loc))
				}
				to := from.Add(time.Duration(r.Intn(3*24*60)) * time.Minute)
				if got, want := c.Calendar.Between(from, to), m.Between(from, to); got != want {
					t.Fatalf("%s: Between(from, %s) = %s, naive %s", where, to, got, want)
				}
			}
		})
	}
}
