package contract

import (
	"sort"
	"sync"
	"time"

	"github.com/rickar/cal/v2"
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
// list typed into the contract (Easter-based dates are easy to get wrong by hand).
var publicHolidays = map[string][]*cal.Holiday{
	"AT": at.Holidays, "BE": be.Holidays, "CA": ca.Holidays, "CH": ch.Holidays, "DE": de.Holidays,
	"DK": dk.Holidays, "ES": es.Holidays, "FR": fr.Holidays, "GB": gb.Holidays, "IE": ie.Holidays,
	"IT": it.Holidays, "NL": nl.Holidays, "SE": se.Holidays, "US": us.Holidays,
}

func countryCodes() []string {
	out := make([]string, 0, len(publicHolidays))
	for c := range publicHolidays {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// closedDays decides whether a date is closed: a public holiday of the country or a company closure, unless the
// contract lists it as worked anyway (France's Whit Monday "journée de solidarité" is the classic case).
type closedDays struct {
	holidays []*cal.Holiday
	closed   map[Date]bool
	open     map[Date]bool

	mu     sync.Mutex
	byYear map[int]map[Date]bool
}

func newClosedDays(spec calendarSpec) *closedDays {
	c := &closedDays{
		holidays: publicHolidays[spec.country],
		closed:   map[Date]bool{},
		open:     map[Date]bool{},
		byYear:   map[int]map[Date]bool{},
	}
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
	return c.closed[day] || c.publicHolidays(y)[day]
}

// publicHolidays computes a year's holidays once; deadlines are computed far more often than years change.
func (c *closedDays) publicHolidays(year int) map[Date]bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if days, ok := c.byYear[year]; ok {
		return days
	}
	days := map[Date]bool{}
	for _, h := range c.holidays {
		if h.Type != cal.ObservancePublic && h.Type != cal.ObservanceBank {
			continue
		}
		if _, observed := h.Calc(year); !observed.IsZero() {
			days[DateOf(observed)] = true
		}
	}
	c.byYear[year] = days
	return days
}

// Holidays lists the public holidays the contract's calendar closes in a year, for display.
func (c *Contract) Holidays(year int) []Date {
	days := newClosedDays(calendarSpec{country: c.Country}).publicHolidays(year)
	out := make([]Date, 0, len(days))
	for d := range days {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}
