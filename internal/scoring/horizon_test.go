package scoring_test

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
)

// readBounded is what the store reads for a re-score (store.Leads.RescoreFrom): the landmarks that occurred
// before From, then the activities from From on (the key condition sk >= stamp(From), instants to the
// millisecond); the whole history when From says so.
func readBounded(rd scoring.Reading, l lead.Lead, marks *scoring.Landmarks, all []lead.Activity) ([]lead.Activity, bool) {
	from, ok := rd.From(l, marks)
	if !ok {
		return all, false
	}
	from = from.Truncate(time.Millisecond)
	var out []lead.Activity
	for _, a := range marks.Acts {
		if a.OccurredAt.Before(from) {
			out = append(out, a)
		}
	}
	for _, a := range all {
		if !a.OccurredAt.Before(from) {
			out = append(out, a)
		}
	}
	return out, true
}

// TestBoundedReadScoresAsTheWholeHistory follows generated leads through their lives — a long imported history,
// then activities arriving on time, late (dated up to three years back), ahead of the clock and far in the
// future, some on the exact edges (the horizon's start, the landmarks' Through, the hand-off), CRM outcomes and
// sales' answers, gaps longer than the horizon, a clock set back, decay runs, a changed country or contract — and at each
// re-score compares what the bounded read gives (the horizon's activities and the landmarks) with what the
// whole history gives: the same change to save (score, explanation, stage, move, decay) and the same result.
func TestBoundedReadScoresAsTheWholeHistory(t *testing.T) {
	t.Parallel()
	base, err := contract.Load("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	leads, rescores, bounded, fails := 150, 0, 0, 0
	var read, whole int
	stages := map[lead.Stage]int{}
	for seed := 0; seed < leads && fails < 5; seed++ {
		g := gen{rand.New(rand.NewSource(int64(seed)))}
		c := lifeContract(g, base)
		l := lead.Lead{ID: "ld_life", Stage: []lead.Stage{lead.StageSubscriber, lead.StageLead}[g.r.Intn(2)],
			Contact: lead.Contact{Email: "x@forges.fr", JobTitle: g.pick(genTitles...), CompanySize: g.pick(genSizes...),
				Country: g.pick(genCountries...), Industry: g.pick(genIndustries...)},
			Consent: &lead.Consent{Given: true}}
		now := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(g.r.Int63n(int64(300 * 24 * time.Hour))))
		next := 0
		var all []lead.Activity
		add := func(at time.Time) time.Time {
			next++
			a := g.lifeActivity(fmt.Sprintf("ac_%x_%03d", g.r.Intn(16), next), at.Truncate(time.Millisecond))
			all = append(all, a)
			return a.OccurredAt
		}
		for i, n := 0, g.r.Intn(300); i < n; i++ { // imported: up to three years before the first re-score
			add(now.Add(-time.Duration(g.r.Int63n(int64(3 * 365 * 24 * time.Hour)))))
		}
		var marks *scoring.Landmarks
		horizon, _ := scoring.Horizon(c.Scoring)
		for step := 0; step < 40; step++ {
			switch g.r.Intn(6) {
			case 0:
				now = now.Add(time.Duration(g.r.Int63n(int64(2 * max(horizon, 400*24*time.Hour))))) // a long silence
			case 1:
				now = now.Add(time.Duration(g.r.Intn(600)) * time.Millisecond)
			case 2:
				if g.r.Intn(5) == 0 { // a clock set back (the local stack's): before the landmarks' Through
					now = now.Add(-time.Duration(g.r.Int63n(int64(3 * 24 * time.Hour))))
					break
				}
				fallthrough
			default:
				now = now.Add(time.Duration(g.r.Int63n(int64(10 * 24 * time.Hour))))
			}
			var arrived time.Time
			for i, n := 0, g.r.Intn(4); i < n; i++ {
				var at time.Time
				switch g.r.Intn(12) {
				case 0, 1: // late, up to three years back
					at = now.Add(-time.Duration(g.r.Int63n(int64(3 * 365 * 24 * time.Hour))))
				case 2: // the horizon's start, on either side
					at = now.Add(-horizon + time.Duration(g.r.Intn(3)-1)*time.Millisecond)
				case 3: // the landmarks' Through, the hand-off instant
					if marks != nil {
						at = marks.Through.Add(time.Duration(g.r.Intn(3)-1) * time.Millisecond)
					} else {
						at = l.SQLAt
					}
				case 4: // ahead of the clock, within what ingest accepts, or far ahead
					at = now.Add(time.Duration(g.r.Int63n(int64(scoring.AheadAccepted))))
					if g.r.Intn(3) == 0 {
						at = now.Add(time.Duration(g.r.Int63n(int64(60 * 24 * time.Hour))))
					}
				case 5: // a whole number of days old: windows and caps on their edges
					at = now.Add(-time.Duration(g.r.Intn(120)) * 24 * time.Hour)
				default:
					at = now.Add(-time.Duration(g.r.Int63n(int64(48 * time.Hour))))
				}
				if at.IsZero() {
					at = now
				}
				if t := add(at); arrived.IsZero() || t.Before(arrived) {
					arrived = t
				}
			}
			if l.Stage == lead.StageSQL && g.r.Intn(3) == 0 { // sales answer, or the CRM speaks
				at := l.SQLAt.Add(time.Duration(g.r.Int63n(int64(max(now.Sub(l.SQLAt), 0)) + 1)))
				next++
				a := lead.Activity{ID: fmt.Sprintf("ac_%x_%03d", g.r.Intn(16), next), OccurredAt: at.Truncate(time.Millisecond),
					Type: g.pick(lead.SalesAccepted, lead.SalesRejected, lead.SalesRejected, lead.OpportunityCreated), Properties: map[string]string{"reason": "no_budget"}}
				all = append(all, a)
				if arrived.IsZero() || a.OccurredAt.Before(arrived) {
					arrived = a.OccurredAt
				}
			}
			switch g.r.Intn(25) {
			case 0:
				l.Contact.Country = g.pick(genCountries...) // numbers read another way: landmarks stand for nothing
			case 1:
				c = lifeContract(g, base) // a new contract
				horizon, _ = scoring.Horizon(c.Scoring)
			}
			sort.Slice(all, func(i, j int) bool { return storeOrder(all[i], all[j]) })

			wantCh, want := scoring.Rescore(c, l, all, now)
			rd := scoring.Reading{Contract: c, Now: now, Arrived: arrived}
			acts, ok := readBounded(rd, l, marks, all)
			gotCh, got := scoring.Rescore(c, l, acts, now)
			rescores++
			read += len(acts)
			whole += len(all)
			if ok {
				bounded++
			}
			if !reflect.DeepEqual(gotCh, wantCh) || !reflect.DeepEqual(got, want) {
				fails++
				t.Errorf("lead %d, re-score %d at %s (bounded %v, %d of %d activities read):\n got %+v\n%+v\nwant %+v\n%+v",
					seed, step, now.Format(time.RFC3339Nano), ok, len(acts), len(all), gotCh, got, wantCh, want)
				break
			}
			stages[l.Stage]++
			if wantCh != nil {
				l = saved(l, wantCh)
			}
			if wantCh != nil || g.r.Intn(3) == 0 { // landmarks are written with a change, else now and then
				m := rd.Landmarks(l, acts, now.Truncate(time.Millisecond))
				marks = &m
			}
		}
	}
	t.Logf("%d re-scores, %d of them bounded; %d activities read instead of %d; stages %v", rescores, bounded, read, whole, stages)
	if bounded < rescores/2 || read*2 > whole {
		t.Errorf("the bounded read was used %d times out of %d, reading %d activities of %d: the test exercises too little of it",
			bounded, rescores, read, whole)
	}
}

// lifeContract is the contract with generated scoring rules, most of them decaying (a rule that counts forever
// makes the horizon unbounded: the whole history is read), with hand-raisers tested on a property sometimes.
func lifeContract(g gen, base *contract.Contract) *contract.Contract {
	c := *base
	c.Scoring = g.rules()
	for i := range c.Scoring.Behaviour {
		if b := &c.Scoring.Behaviour[i]; b.HalfLifeDays == 0 && b.WindowDays == 0 && g.r.Intn(8) != 0 {
			b.HalfLifeDays = []float64{1, 14, 60, 2.5}[g.r.Intn(4)]
		}
	}
	if g.r.Intn(2) == 0 {
		c.Scoring.HandRaisers = append(c.Scoring.HandRaisers, contract.HandRaiser{ID: "pricing", Type: "page_view",
			Where: map[string]contract.Condition{"url": {Contains: "/TARIFS"}}})
	}
	if g.r.Intn(2) == 0 {
		c.Scoring.HandRaisers = append(c.Scoring.HandRaisers, contract.HandRaiser{ID: "demo", Type: "demo_request"})
	}
	if g.r.Intn(2) == 0 {
		c.Scoring.Disqualifiers = append(c.Scoring.Disqualifiers, contract.Disqualifier{ID: "unsub", Activity: "unsubscribed"})
	}
	c.Version = fmt.Sprint(g.r.Int())
	return &c
}

// lifeActivity is an activity of any type a lead's history holds: the generator's, hand-raisers, unsubscribes,
// CRM outcomes and sales' answers.
func (g gen) lifeActivity(id string, at time.Time) lead.Activity {
	typ := g.pick(genTypes...)
	switch n := g.r.Intn(200); {
	case n < 6:
		typ = "demo_request"
	case n < 8:
		typ = "unsubscribed"
	case n < 9:
		typ = g.pick(lead.OpportunityCreated, lead.DealWon, lead.DealLost, lead.DealLost)
	case n < 14:
		typ = g.pick(lead.SalesAccepted, lead.SalesRejected, lead.SalesRejected)
	}
	a := lead.Activity{ID: id, Type: typ, OccurredAt: at, Properties: map[string]string{}}
	switch typ {
	case "page_view":
		a.Properties["url"] = g.pick(genURLs...)
	case lead.SalesRejected:
		a.Properties["reason"] = g.pick("not_a_fit", "no_budget")
	case lead.DealWon:
		a.Properties["amount"], a.Properties["currency"] = fmt.Sprint(g.r.Intn(90000)), "EUR"
	}
	return a
}

func storeOrder(a, b lead.Activity) bool {
	return a.OccurredAt.Before(b.OccurredAt) || a.OccurredAt.Equal(b.OccurredAt) && a.ID < b.ID
}

// saved is the lead as the store keeps it after a change (store.scoreUpdate).
func saved(l lead.Lead, ch *scoring.Change) lead.Lead {
	r := ch.Result
	exp, _ := json.Marshal(r.Explanation)
	l.Stage = ch.Stage
	l.Score = lead.Score{Total: r.Total, Fit: r.Fit, Behaviour: r.Behaviour, Explanation: string(exp), Qualifies: r.Qualifies,
		BelowSQL: ch.BelowSQL, BelowSQLAts: ch.BelowSQLAts, At: ch.At, ContractVersion: ch.ContractVersion}
	if ch.Move != nil {
		l.StageAt = ch.At
		if ch.Move.To == lead.StageSQL {
			l.SQLAt = ch.At.Truncate(time.Millisecond)
		}
	}
	l.DecayAt, l.Held = ch.DecayAt, ch.Held
	return l
}
