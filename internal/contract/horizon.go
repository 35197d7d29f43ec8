package contract

import (
	"fmt"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/handoff-sla/handoff/internal/worktime"
)

// The SLA clock (worktime) looks HorizonYears ahead of a hand-off and answers an error beyond: that bounds the
// work of every deadline computation. Load makes sure no deadline of the contract can reach that far, so no
// hand-off ever gets that error: it refuses a deadline longer than the business time the calendar guarantees in
// any HorizonYears.
//
// The guarantee is a lower bound, computed from the rules rather than by walking twenty years of every possible
// start (too slow for a cold start): a window of HorizonYears holds at least that many full weeks of the weekly
// hours (less the hours clocks going back can take off its end), minus the hours of every date the window's
// years close (the worst run of years for public holidays, all the contract's closed_days at once) and of the
// business hours skipped when clocks go forward. Holidays and clock changes are taken from boundYears, long
// enough for their patterns to repeat.

// boundYears are the years whose holidays and clock changes the bound is computed from.
const boundFirstYear, boundLastYear = 2000, 2099

// checkHorizon reports each deadline of sales (a mapping node, for the line) that the calendar may not reach.
func (r *reader) checkHorizon(spec calendarSpec, loc *time.Location, sales Sales, salesNode *yaml.Node) {
	guaranteed := guaranteedBusinessTime(spec, loc)
	for _, d := range []struct {
		key string
		d   time.Duration
	}{{"first_contact_deadline", sales.FirstContact}, {"feedback_deadline", sales.Feedback}} {
		if d.d > guaranteed {
			r.fail(valueOf(salesNode, d.key), join("sales", d.key),
				"%s of business time may not be reached: the SLA clock looks %d years ahead of a hand-off, and this calendar "+
					"can have as little as %s of business time in %d years (business_hours, holidays and closed_days)",
				businessTime(d.d), worktime.HorizonYears, businessTime(guaranteed), worktime.HorizonYears)
		}
	}
}

// businessTime renders 2000h or 1h30m.
func businessTime(d time.Duration) string {
	if h, m := d/time.Hour, d%time.Hour/time.Minute; m != 0 {
		return fmt.Sprintf("%dh%02dm", h, m)
	}
	return fmt.Sprintf("%dh", d/time.Hour)
}

// valueOf is the value node of key in a mapping node, or the mapping itself when the key is absent.
func valueOf(n *yaml.Node, key string) *yaml.Node {
	for i := 0; n != nil && i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return n
}

// guaranteedBusinessTime is a lower bound of the business time in any HorizonYears of the calendar.
func guaranteedBusinessTime(spec calendarSpec, loc *time.Location) time.Duration {
	const day, week = 24 * time.Hour, 7 * 24 * time.Hour
	var weekly time.Duration
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		weekly += spec.week.Hours(wd)
	}
	open := map[Date]bool{}
	for _, d := range spec.open {
		open[d] = true
	}
	lost := func(d Date) time.Duration {
		if open[d] {
			return 0
		}
		return spec.week.Hours(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday())
	}

	// Per year: hours lost to public holidays and to clocks going forward, hours clocks going back take off.
	n := boundLastYear - boundFirstYear + 1
	loss, back := make([]time.Duration, n), make([]time.Duration, n)
	for i := range n {
		for d := range holidaysIn(spec.country, boundFirstYear+i) {
			loss[i] += lost(d)
		}
	}
	for _, ch := range clockChanges(loc) {
		i := ch.at.Year() - boundFirstYear
		if jump := ch.after - ch.before; jump > 0 {
			loss[i] += skippedHours(spec.week, ch.at.UTC().Add(ch.before), ch.at.UTC().Add(ch.after))
		} else {
			back[i] -= jump
		}
	}
	// A window of HorizonYears (at least 365 days each) touches at most HorizonYears+2 calendar years.
	span := worktime.HorizonYears + 2
	worstLoss, worstBack := maxRun(loss, span), maxRun(back, span)

	var listed time.Duration
	for _, d := range spec.closed {
		if _, holiday := holidaysIn(spec.country, d.Year)[d]; !holiday {
			listed += lost(d)
		}
	}
	window := time.Duration(worktime.HorizonYears*365)*day - worstBack
	guaranteed := time.Duration(window/week)*weekly - worstLoss - listed
	return max(guaranteed, 0)
}

// skippedHours is the opening time of the week within the wall-clock range [from, to) (as UTC values): what a
// clock going forward removes from a day, if the day is open.
func skippedHours(w worktime.Week, from, to time.Time) time.Duration {
	var total time.Duration
	y, m, d := from.Date()
	for date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); date.Before(to); date = date.AddDate(0, 0, 1) {
		for _, s := range w[date.Weekday()] {
			lo := max(date.Add(time.Duration(s.Start)*time.Minute).UnixNano(), from.UnixNano())
			hi := min(date.Add(time.Duration(s.End)*time.Minute).UnixNano(), to.UnixNano())
			if lo < hi {
				total += time.Duration(hi - lo)
			}
		}
	}
	return total
}

// maxRun is the largest sum of span consecutive values.
func maxRun(values []time.Duration, span int) time.Duration {
	var sum, best time.Duration
	for i, v := range values {
		sum += v
		if i >= span {
			sum -= values[i-span]
		}
		best = max(best, sum)
	}
	return best
}

// clockChange is one change of a zone's UTC offset.
type clockChange struct {
	at            time.Time
	before, after time.Duration
}

var clockChangeCache sync.Map // zone name -> []clockChange

// clockChanges lists a zone's offset changes within boundYears.
func clockChanges(loc *time.Location) []clockChange {
	if cached, ok := clockChangeCache.Load(loc.String()); ok {
		return cached.([]clockChange)
	}
	var out []clockChange
	end := time.Date(boundLastYear+1, 1, 1, 0, 0, 0, 0, time.UTC)
	for t := time.Date(boundFirstYear, 1, 1, 0, 0, 0, 0, time.UTC); ; {
		_, next := t.In(loc).ZoneBounds()
		if next.IsZero() || !next.Before(end) || !next.After(t) {
			break
		}
		_, before := next.Add(-time.Nanosecond).In(loc).Zone()
		_, after := next.In(loc).Zone()
		out = append(out, clockChange{next, time.Duration(before) * time.Second, time.Duration(after) * time.Second})
		t = next
	}
	clockChangeCache.Store(loc.String(), out)
	return out
}
