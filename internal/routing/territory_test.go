package routing

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/region"
	"github.com/handoff-sla/handoff/internal/scoring"
)

var (
	lille   = region.Place{Region: "FR-HDF", Country: "FR", From: region.PostalCode, PostalCode: "59000"}
	lyon    = region.Place{Region: "FR-ARA", Country: "FR"}
	belgium = region.Place{Region: "BE", Country: "BE", From: region.Country}
)

// territorial: a, b cover Hauts-de-France, c all of France, d declares no territory.
func territorial() (*contract.Contract, contract.Team) {
	c := contractWith(contract.Rep{ID: "a", Name: "Anne", Territories: []string{"FR-HDF"}},
		contract.Rep{ID: "b", Name: "Bruno", Territories: []string{"FR-IDF", "FR-HDF"}},
		contract.Rep{ID: "c", Name: "Chloé", Territories: []string{"FR", "BE-X"}},
		contract.Rep{ID: "d", Name: "David"})
	return c, contract.Team{ID: "t", Label: "Nord", Reps: []string{"a", "b", "c", "d"}}
}

// TestInTeam: the round-robin runs among the available reps who cover the lead's place, else among all.
func TestInTeam(t *testing.T) {
	t.Parallel()
	c, team := territorial()
	even := map[string]Load{"a": {Assigned: 5, Known: true}, "b": {Assigned: 5, Known: true}, "c": {Assigned: 5, Known: true}, "d": {Assigned: 0, Known: true}}
	for _, tc := range []struct {
		name   string
		place  region.Place
		loads  map[string]Load
		away   []string
		rep    string
		reason string
	}{
		{"covered by a region and a country: the fewest among them, not d", lille, map[string]Load{
			"a": {Assigned: 6, Known: true}, "b": {Assigned: 5, Known: true}, "c": {Assigned: 7, Known: true}, "d": {Known: true}},
			nil, "b", "Nord, round-robin among the reps covering Hauts-de-France (5 assigned before, weight 1)"},
		{"covered by the country only: that rep", lyon, even, nil, "c", "Nord, Chloé covers Auvergne-Rhône-Alpes"},
		{"covered by nobody: all the team", belgium, even, nil, "d", "Nord, round-robin (0 assigned before, weight 1); nobody in the team covers BE"},
		{"place unknown: all the team, nothing said", region.Place{}, even, nil, "d", "Nord, round-robin (0 assigned before, weight 1)"},
		{"those who cover it away: all the team", lille, even, []string{"a", "b", "c"}, "d",
			"Nord, round-robin (0 assigned before, weight 1); skipped Anne out of office, Bruno out of office, Chloé out of office; nobody available covers Hauts-de-France"},
		{"one who covers it away: the others who do", lille, even, []string{"a"}, "b",
			"Nord, round-robin among the reps covering Hauts-de-France (5 assigned before, weight 1); skipped Anne out of office"},
	} {
		c := *c
		c.Roster.Reps = slices.Clone(c.Roster.Reps)
		for i, r := range c.Roster.Reps {
			if slices.Contains(tc.away, r.ID) {
				c.Roster.Reps[i].OutOfOffice = away()
			}
		}
		ch, ok := InTeam(&c, team, tc.place, tc.loads, monday)
		if !ok || ch.Rep.ID != tc.rep || ch.Reason != tc.reason {
			t.Errorf("%s: %s, %q; want %s, %q", tc.name, ch.Rep.ID, ch.Reason, tc.rep, tc.reason)
		}
	}
}

// TestTerritoriesKeepTheTeamsCountsFair: the counts are the team's whoever the round-robin ran among. 300 leads
// of Hauts-de-France go to the three reps who cover it, 100 each, and none to the rep who covers nothing (counted
// from the team's first lead, at 0); then 400 leads nobody covers even the team's counts out: that rep receives
// the first 100, then all four share the rest — 175 leads each in all.
func TestTerritoriesKeepTheTeamsCountsFair(t *testing.T) {
	t.Parallel()
	c, team := territorial()
	loads := map[string]Load{}
	count := func(n int, p region.Place) map[string]int {
		got := map[string]int{}
		for i := 0; i < n; i++ {
			ch, ok := InTeam(c, team, p, loads, monday)
			if !ok {
				t.Fatalf("nobody at lead %d", i)
			}
			cnt := CountFor(team, ch, loads)
			// As the store counts: a rep new to the team starts at the baseline, a new team all at 0 together.
			for _, id := range cnt.StartTeam {
				loads[id] = Load{Known: true}
			}
			l := loads[ch.Rep.ID]
			if !l.Known {
				l = Load{Assigned: cnt.Baseline, Known: true}
			}
			l.Assigned++
			loads[ch.Rep.ID] = l
			got[ch.Rep.ID]++
		}
		return got
	}
	if got := count(300, lille); got["a"] != 100 || got["b"] != 100 || got["c"] != 100 || got["d"] != 0 {
		t.Errorf("Hauts-de-France leads: %v", got)
	}
	if got := count(400, belgium); got["a"] != 75 || got["b"] != 75 || got["c"] != 75 || got["d"] != 175 {
		t.Errorf("uncovered leads: %v", got)
	}
}

// TestNewcomerWithATerritory: a rep who joins starts at the team's baseline even when only reps with bigger
// counts cover the lead — level with the team, not below it.
func TestNewcomerWithATerritory(t *testing.T) {
	t.Parallel()
	c, team := territorial()
	loads := map[string]Load{"a": {Assigned: 50, Known: true}, "b": {Assigned: 60, Known: true}, "c": {Assigned: 40, Known: true}, "d": {Assigned: 10, Known: true}}
	c.Roster.Reps = append(c.Roster.Reps, contract.Rep{ID: "e", Name: "Emma", Weight: 1, Territories: []string{"FR-HDF"}})
	team.Reps = append(team.Reps, "e")
	ch, ok := InTeam(c, team, lille, loads, monday)
	if !ok || ch.Rep.ID != "e" || ch.Baseline != 10 || ch.NewTeam {
		t.Errorf("%+v", ch)
	}
	if cnt := CountFor(team, ch, loads); cnt.Seen.Known || cnt.Baseline != 10 || cnt.StartTeam != nil {
		t.Errorf("count %+v", cnt)
	}
}

// TestChooseSaysWhereTheRegionCameFrom: in the contract's language, the region derived from a postal code or
// a country, then the team and the territory.
func TestChooseSaysWhereTheRegionCameFrom(t *testing.T) {
	t.Parallel()
	c := contractWith(contract.Rep{ID: "thomas-martin", Name: "Thomas Martin", Territories: []string{"FR-IDF", "FR-HDF"}},
		contract.Rep{ID: "amelie-robert", Name: "Amélie Robert", Territories: []string{"FR", "BE"}},
		contract.Rep{ID: "julien-petit", Name: "Julien Petit", Territories: []string{"FR-NAQ"}})
	c.Routing = &contract.Routing{Teams: []contract.Team{
		{ID: "nord", Label: "territoire Nord", Reps: []string{"thomas-martin"}, When: map[string]contract.Condition{"region": {In: []string{"FR-IDF", "FR-HDF", "FR-GES", "FR-NOR"}}}},
		{ID: "reste", Label: "territoire Sud et Ouest", Reps: []string{"julien-petit"}},
	}, Fallback: "amelie-robert"}
	loads := loadsOf{}
	for _, tc := range []struct {
		name   string
		locale contract.Locale
		p      scoring.Profile
		rep    string
		reason string
	}{
		{"Lille by its postal code", contract.French, scoring.Profile{"postal_code": "59000", "region": "FR-HDF", scoring.RegionFrom: "postal_code"}, "thomas-martin",
			"région déduite du code postal 59000 : Hauts-de-France ; territoire Nord, Thomas Martin couvre Hauts-de-France"},
		{"in English", contract.English, scoring.Profile{"postal_code": "59000", "region": "FR-HDF", "country": "FR", scoring.RegionFrom: "postal_code"}, "thomas-martin",
			"region derived from postal code 59000: Hauts-de-France; territoire Nord, Thomas Martin covers Hauts-de-France"},
		{"Grand Est: nobody covers it", contract.French, scoring.Profile{"postal_code": "67000", "region": "FR-GES", scoring.RegionFrom: "postal_code"}, "thomas-martin",
			"région déduite du code postal 67000 : Grand Est ; territoire Nord, à tour de rôle ; aucun commercial de l'équipe ne couvre Grand Est"},
		{"given by the sender: nothing derived", contract.French, scoring.Profile{"region": "FR-IDF", "country": "FR"}, "thomas-martin",
			"territoire Nord, Thomas Martin couvre Île-de-France"},
		{"Belgium by its country", contract.French, scoring.Profile{"country": "BE", "region": "BE", scoring.RegionFrom: "country"}, "julien-petit",
			"région déduite du pays : BE ; territoire Sud et Ouest, à tour de rôle ; aucun commercial de l'équipe ne couvre BE"},
	} {
		c := *c
		c.Locale = tc.locale
		ch, _, err := Choose(context.Background(), &c, loads, tc.p, nil, monday)
		if err != nil || ch.Rep.ID != tc.rep || ch.Reason != tc.reason {
			t.Errorf("%s: %s %q, %v; want %s %q", tc.name, ch.Rep.ID, ch.Reason, err, tc.rep, tc.reason)
		}
		if strings.Contains(ch.Reason, "round") && tc.locale == contract.French {
			t.Errorf("%s: English in %q", tc.name, ch.Reason)
		}
	}
}
