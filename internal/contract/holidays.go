package contract

import (
	"sort"
	"sync"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/ca"
	"github.com/rickar/cal/v2/ch"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/dk"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/us"
)

// publicHolidays are the national holidays by ISO 3166-1 country code, from a maintained library rather than a
// list typed into the contract (Easter-based dates are easy to get wrong by hand). rickar/cal's public and bank
// holidays are taken as they are, with the corrections that comparing them with python-holidays for 2024–2035
// found (holidays_test.go, where every remaining difference is justified).
var publicHolidays = map[string][]*cal.Holiday{
	"AT": public(at.Holidays),
	"BE": public(be.Holidays, easterSunday, whitSunday),
	"CA": public(ca.Holidays),
	"CH": public(ch.Holidays),
	"DE": public(de.Holidays),
	"DK": public(dk.Holidays, easterSunday, whitSunday),
	"ES": public(es.Holidays),
	"FR": public(fr.Holidays),
	"GB": public(gb.Holidays),
	// rickar/cal gives Ireland's public holidays no type (ObservanceUnknown): filtered by type, Ireland had none.
	"IE": ie.Holidays,
	"IT": public(it.Holidays, easterSunday, saintFrancis),
	// rickar/cal types King's Day and Liberation Day as neither public nor bank holidays.
	"NL": public(nl.Holidays, easterSunday, whitSunday, kingsDay, liberationDay),
	"SE": public(se.Holidays, easterSunday, whitSunday),
	"US": public(us.Holidays),
}

// public keeps the public and bank holidays of a rickar/cal list and adds the extra ones.
func public(list []*cal.Holiday, extra ...*cal.Holiday) []*cal.Holiday {
	var out []*cal.Holiday
	for _, h := range list {
		if h.Type == cal.ObservancePublic || h.Type == cal.ObservanceBank {
			out = append(out, h)
		}
	}
	return append(out, extra...)
}

var (
	// Easter Sunday and Whit Sunday are public holidays where the law names them (Belgium, Denmark, the
	// Netherlands, Sweden; Easter in Italy): it matters to a calendar open on Sundays.
	easterSunday = aa.Easter.Clone(&cal.Holiday{Name: "Easter Sunday", Type: cal.ObservancePublic})
	whitSunday   = aa.Pentecost.Clone(&cal.Holiday{Name: "Whit Sunday", Type: cal.ObservancePublic})

	// saintFrancis: Italy made 4 October (San Francesco d'Assisi, patron saint) a national holiday again from 2026.
	saintFrancis = &cal.Holiday{Name: "San Francesco d'Assisi", Type: cal.ObservancePublic, Month: time.October,
		Day: 4, StartYear: 2026, Func: cal.CalcDayOfMonth}

	// kingsDay is 27 April, moved (not observed in addition) to the 26th when the 27th is a Sunday.
	kingsDay = &cal.Holiday{Name: "Koningsdag", Type: cal.ObservancePublic, Month: time.April, Day: 27,
		Func: func(h *cal.Holiday, year int) time.Time {
			d := cal.CalcDayOfMonth(h, year)
			if d.Weekday() == time.Sunday {
				return d.AddDate(0, 0, -1)
			}
			return d
		}}

	// liberationDay (5 May) is a national day off once every five years (2025, 2030…), as most collective
	// agreements and python-holidays have it.
	liberationDay = &cal.Holiday{Name: "Bevrijdingsdag", Type: cal.ObservancePublic, Month: time.May, Day: 5,
		Func: func(h *cal.Holiday, year int) time.Time {
			if year%5 != 0 {
				return time.Time{}
			}
			return cal.CalcDayOfMonth(h, year)
		}}
)

func countryCodes() []string {
	out := make([]string, 0, len(publicHolidays))
	for c := range publicHolidays {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// holidayYear is one country's public holidays in one year.
type holidayYear struct {
	country string
	year    int
}

// holidayCache holds holidaysIn's answers: they depend on nothing but the country and the year, and deadlines
// are computed far more often than years change.
var holidayCache sync.Map // holidayYear -> map[Date]string

// holidaysIn lists the dates a country's public holidays close in a year, with their names. A holiday that has a
// substitute day (US, GB, CA, IE: the Monday after a Sunday, the Friday before a Saturday) closes both its own date
// and the substitute: a calendar open on the weekend would otherwise work on the holiday itself. The substitute of
// next year's holiday can fall in this year (New Year's Day 2028 is a Saturday, observed on Friday 31 December
// 2027), so the years on either side are computed too.
func holidaysIn(country string, year int) map[Date]string {
	key := holidayYear{country, year}
	if days, ok := holidayCache.Load(key); ok {
		return days.(map[Date]string)
	}
	days := map[Date]string{}
	add := func(t time.Time, name string) {
		if d := DateOf(t); !t.IsZero() && d.Year == year {
			if _, seen := days[d]; !seen {
				days[d] = name
			}
		}
	}
	for _, h := range publicHolidays[country] {
		for y := year - 1; y <= year+1; y++ {
			actual, observed := h.Calc(y)
			add(actual, h.Name)
			if !observed.Equal(actual) {
				add(observed, h.Name+" (observed)")
			}
		}
	}
	holidayCache.Store(key, days)
	return days
}

// closedDays decides whether a date is closed: a public holiday of the country or a company closure, unless the
// contract lists it as worked anyway (France's Whit Monday "journée de solidarité" is the classic case).
type closedDays struct {
	country string
	closed  map[Date]bool
	open    map[Date]bool
}

func newClosedDays(spec calendarSpec) *closedDays {
	c := &closedDays{country: spec.country, closed: map[Date]bool{}, open: map[Date]bool{}}
	for _, d := range spec.closed {
		c.closed[d] = true
	}
	for _, d := range spec.open {
		c.open[d] = true
	}
	return c
}

func (c *closedDays) isClosed(y int, m time.Month, d int) bool {
	day := Date{y, m, d}
	if c.open[day] {
		return false
	}
	if c.closed[day] {
		return true
	}
	_, holiday := holidaysIn(c.country, y)[day]
	return holiday
}

// Holidays lists the dates the contract's public holidays close in a year (substitute days included), for
// display.
func (c *Contract) Holidays(year int) []Date {
	days := holidaysIn(c.Country, year)
	out := make([]Date, 0, len(days))
	for d := range days {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}
