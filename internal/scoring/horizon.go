package scoring

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
)

// A score needs far less of a lead's history than the whole of it. Re-scoring reads only the activities of the
// horizon (and those after it), plus a handful of landmarks kept on the lead; the result is the one the whole
// history gives — score, explanation and stage (horizon_test.go checks it on random histories).
//
// What the score and the stage read of the history, and how far back:
//   - behaviour points: an activity counts within its rule's window_days, or until its half-life decay falls
//     under 1% (minFactor: log2(100) ≈ 6.64 half-lives); a rule with neither counts forever, and then the
//     horizon is unbounded (the whole history is read). Horizon is the longest of these.
//   - caps: an activity's room under a cap is what the fresher activities within per_days of it left
//     (behaviour walks freshest first and looks at fresher ones only), so the points counted inside the horizon
//     never depend on an older activity: a cap does not widen the horizon.
//   - Decays: set only by an activity that gives points, so inside the horizon.
//   - the scoring instant (scoringInstant) looks at activities after now: inside what is read.
//   - hand-raisers (the freshest matching activity, however old), disqualifying activities (the freshest of the
//     type), the CRM's outcomes (the latest of each), the latest sales rejection, the first form submission (a
//     subscriber's move to lead): one activity each, the landmarks, picked from the history read and kept on
//     the lead for the next re-score.
//   - sales' answer to the current hand-off (the first activity at or after the hand-off, sqlAt): needs nothing
//     older than the landmarks' Through. An answer the landmarks stand for occurred before Through, so the
//     re-score that picked them read it; if it was at or after sqlAt, the lead was an SQL then (sqlAt is the
//     instant of the re-score that made it one, and no landmarks are picked after an instant later than their
//     re-score's), and that re-score moved the lead on to accepted or rejected.
//
// The equality holds for histories the store can hold: each activity ID once (an activity's key derives from
// the delivery that brought it, and a delivery is stored once), so Distinct has nothing to merge across the
// horizon's start. A landmark goes when its activity expires (retention.activities), as the activity does.
//
// Landmarks stand for every activity that occurred before their Through: a re-score reads from the earliest of
// the horizon's start, Through and the activities that brought it (a late arrival, dated long ago,
// widens the read that scores it), and adds the landmarks that occurred before that. Landmarks picked for other
// rules (the contract changed) or for another reading of numbers (the lead's country changed), or after the
// re-score's instant (a clock set back), stand for nothing: the whole history is read, and they are picked again.

// minFactor is the decay under which a contribution is dropped (behaviour).
const minFactor = 0.01

// Horizon is how long before the scoring instant an activity can still give behaviour points under the rules,
// with a day to spare for rounding; bounded is false when a rule neither decays nor has a window.
func Horizon(rules *contract.Scoring) (d time.Duration, bounded bool) {
	for _, b := range rules.Behaviour {
		var rule time.Duration
		switch {
		case b.WindowDays > 0:
			rule = time.Duration(b.WindowDays) * day
		case b.HalfLifeDays > 0:
			rule = time.Duration(math.Ceil(b.HalfLifeDays*math.Log2(1/minFactor)*24)) * time.Hour
		default:
			return 0, false
		}
		d = max(d, rule)
	}
	return d + day, true
}

// Landmarks are the few activities of a lead's history that its score and stage read however old they are
// (see the top of this file), picked from every activity that occurred before Through.
type Landmarks struct {
	// Rules is what they were picked for (landmarkRules): the rules that pick them and how numbers are read.
	Rules   string
	Through time.Time
	// Acts are in the store's order: by instant, then ID.
	Acts []lead.Activity
}

// Reading says how a re-score at Now reads a lead's history.
type Reading struct {
	Contract *contract.Contract
	Now      time.Time
	// Arrived is the earliest instant of the activities that brought the re-score (zero: none, a decay run).
	Arrived time.Time
	// Whole asks for the whole history (an activity whose instant is unknown brought the re-score).
	Whole bool
}

// From is the instant from which a re-score must read the lead's activities, given the landmarks stored on it
// (nil: none); ok is false when the whole history must be read.
func (r Reading) From(l lead.Lead, marks *Landmarks) (from time.Time, ok bool) {
	h, bounded := Horizon(r.Contract.Scoring)
	switch {
	case r.Whole, !bounded, marks == nil, r.Now.Before(marks.Through),
		marks.Rules != landmarkRules(r.Contract.Scoring, ProfileIn(l, r.Contract.Country)):
		return time.Time{}, false
	}
	from = r.Now.Add(-h)
	for _, t := range []time.Time{marks.Through, r.Arrived} {
		if !t.IsZero() && t.Before(from) {
			from = t
		}
	}
	return from, true
}

// Landmarks picks the landmarks of the activities read (the landmarks before them included) that occurred
// before through, which must not be after the re-score's instant.
func (r Reading) Landmarks(l lead.Lead, acts []lead.Activity, through time.Time) Landmarks {
	rules, p := r.Contract.Scoring, ProfileIn(l, r.Contract.Country)
	n := contract.Numbers{Country: p["country"], Locale: rules.Locale}
	picked := map[string]lead.Activity{}
	keep := func(key string, a lead.Activity, better func(a, b lead.Activity) bool) {
		if prev, ok := picked[key]; !ok || better(a, prev) {
			picked[key] = a
		}
	}
	latest := func(a, b lead.Activity) bool { // the first of the latest, in the store's order
		return a.OccurredAt.After(b.OccurredAt) || a.OccurredAt.Equal(b.OccurredAt) && a.ID < b.ID
	}
	first := func(a, b lead.Activity) bool { return storeOrder(a, b) }
	for _, a := range acts {
		if !a.OccurredAt.Before(through) {
			continue
		}
		for _, h := range rules.HandRaisers {
			if a.Type == h.Type && where(h.Where, a.Properties, n) {
				keep("hand_raiser\x00"+h.ID, a, fresher)
			}
		}
		for _, d := range rules.Disqualifiers {
			if d.Activity != "" && a.Type == d.Activity {
				keep("disqualifier\x00"+d.Activity, a, fresher)
			}
		}
		switch a.Type {
		case lead.DealWon, lead.DealLost, lead.OpportunityCreated, lead.SalesRejected:
			keep(a.Type, a, latest)
		case lead.FormSubmit:
			keep(a.Type, a, first)
		}
	}
	m := Landmarks{Rules: landmarkRules(rules, p), Through: through}
	seen := map[string]bool{} // an activity picked twice (a hand-raiser that is also the latest opportunity) is kept once
	for _, a := range picked {
		if k := a.ID + "\x00" + a.OccurredAt.String(); !seen[k] {
			seen[k] = true
			m.Acts = append(m.Acts, a)
		}
	}
	sort.Slice(m.Acts, func(i, j int) bool { return storeOrder(m.Acts[i], m.Acts[j]) })
	return m
}

// storeOrder is the order the store reads activities in: by instant, then ID.
func storeOrder(a, b lead.Activity) bool {
	return a.OccurredAt.Before(b.OccurredAt) || a.OccurredAt.Equal(b.OccurredAt) && a.ID < b.ID
}

// landmarkRules is a digest of what landmarks depend on: the hand-raisers' and activity disqualifiers' rules,
// and how the lead's numbers are read (its country, the contract's locale).
func landmarkRules(rules *contract.Scoring, p Profile) string {
	var b strings.Builder
	b.WriteString("v1\x00" + p["country"] + "\x00" + string(rules.Locale))
	for _, h := range rules.HandRaisers {
		b.WriteString("\x01" + h.ID + "\x00" + h.Type)
		keys := make([]string, 0, len(h.Where))
		for k := range h.Where {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b.WriteString("\x00" + k + "\x00" + h.Where[k].String())
		}
	}
	for _, d := range rules.Disqualifiers {
		if d.Activity != "" {
			b.WriteString("\x02" + d.Activity)
		}
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:12])
}
