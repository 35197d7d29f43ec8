package routing

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/scoring"
)

func contractWith(reps ...contract.Rep) *contract.Contract {
	paris, _ := time.LoadLocation("Europe/Paris")
	for i := range reps {
		if reps[i].Weight == 0 {
			reps[i].Weight = 1
		}
	}
	// A language, as a loaded contract always has: the reasons' words have no default language to fall back on.
	return &contract.Contract{Locale: contract.English, Location: paris, Roster: contract.Roster{Reps: reps}}
}

var monday = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

func away() []contract.Absence {
	return []contract.Absence{{From: contract.Date{Year: 2026, Month: 11, Day: 23}, To: contract.Date{Year: 2026, Month: 12, Day: 4}}}
}

// assign simulates n hand-offs in a row, counting as the store does.
func assign(t *testing.T, c *contract.Contract, team contract.Team, n int, loads map[string]Load) map[string]int {
	t.Helper()
	got := map[string]int{}
	for i := 0; i < n; i++ {
		ch, ok := Pick(c, team, loads, monday)
		if !ok {
			t.Fatalf("nobody available at SQL %d", i)
		}
		l := loads[ch.Rep.ID]
		if !l.Known {
			l = Load{Assigned: ch.Baseline, Known: true}
		}
		l.Assigned++
		loads[ch.Rep.ID] = l
		got[ch.Rep.ID]++
	}
	return got
}

func TestThousandSQLsFiveRepsOneAway(t *testing.T) {
	t.Parallel()
	c := contractWith(contract.Rep{ID: "a"}, contract.Rep{ID: "b"}, contract.Rep{ID: "c"}, contract.Rep{ID: "d"}, contract.Rep{ID: "e", OutOfOffice: away()})
	got := assign(t, c, contract.Team{ID: "t", Reps: []string{"a", "b", "c", "d", "e"}}, 1000, map[string]Load{})
	if got["e"] != 0 {
		t.Errorf("the rep out of office got %d", got["e"])
	}
	for _, id := range []string{"a", "b", "c", "d"} {
		if got[id] < 249 || got[id] > 251 {
			t.Errorf("%s got %d, want 250 ± 1 (%v)", id, got[id], got)
		}
	}
}

func TestWeightsCapacityAndNewcomers(t *testing.T) {
	t.Parallel()
	c := contractWith(contract.Rep{ID: "a", Weight: 2}, contract.Rep{ID: "b"}, contract.Rep{ID: "c", MaxOpenSQLs: 3})
	got := assign(t, c, contract.Team{ID: "t", Reps: []string{"a", "b"}}, 300, map[string]Load{})
	if got["a"] != 200 || got["b"] != 100 {
		t.Errorf("weights 2:1 gave %v", got)
	}
	// c is at capacity: skipped, and the reason says so.
	ch, ok := Pick(c, contract.Team{ID: "t", Label: "Nord", Reps: []string{"c", "b"}}, map[string]Load{"c": {Open: 3, Known: true}, "b": {Assigned: 40, Known: true}}, monday)
	if !ok || ch.Rep.ID != "b" || !strings.Contains(ch.Reason, "Nord, round-robin") || !strings.Contains(ch.Reason, "skipped c at capacity (3 open)") {
		t.Errorf("choice = %+v", ch)
	}
	// A newcomer starts level with the others, not at zero.
	loads := map[string]Load{"a": {Assigned: 400, Known: true}, "b": {Assigned: 200, Known: true}}
	team := contract.Team{ID: "t", Reps: []string{"a", "b", "c"}}
	got = assign(t, c, team, 30, loads)
	// Weights 2:1:1: fair shares of 30 are 15, 7.5 and 7.5.
	if got["c"] < 7 || got["c"] > 8 || got["a"] != 15 {
		t.Errorf("newcomer got %d of 30, want 7 or 8: %v", got["c"], got)
	}
	// Nobody available.
	if _, ok := Pick(contractWith(contract.Rep{ID: "x", OutOfOffice: away()}), contract.Team{Reps: []string{"x"}}, nil, monday); ok {
		t.Error("a team whose only rep is away picked someone")
	}
}

func TestTeams(t *testing.T) {
	t.Parallel()
	between := [2]float64{1000, 1e6}
	r := &contract.Routing{Teams: []contract.Team{
		{ID: "big", When: map[string]contract.Condition{"company_size": {Between: &between}}},
		{ID: "north", When: map[string]contract.Condition{"region": {In: []string{"FR-HDF", "FR-IDF"}}, "country": {Equals: "FR"}}},
		{ID: "rest"},
	}}
	for _, tc := range []struct {
		p    scoring.Profile
		want string
	}{
		{scoring.Profile{"company_size": "5 000", "region": "FR-HDF", "country": "FR"}, "big north rest"},
		{scoring.Profile{"company_size": "50", "region": "fr-idf", "country": "FR"}, "north rest"},
		{scoring.Profile{"region": "FR-HDF", "country": "BE"}, "rest"},
		{scoring.Profile{"company_size": "1.200", "country": "DE"}, "big rest"},        // a German form's 1200
		{scoring.Profile{"company_size": "1,200", "country": "US"}, "big rest"},        // an English form's 1200
		{scoring.Profile{"company_size": "1,200", "country": "FR"}, "rest"},            // 1.2 or 1200? not guessed
		{scoring.Profile{"company_size": "plus de 5000", "country": "FR"}, "big rest"}, // an open range: its stated end
	} {
		var ids []string
		for _, t := range Teams(r, tc.p) {
			ids = append(ids, t.ID)
		}
		if strings.Join(ids, " ") != tc.want {
			t.Errorf("%v -> %v, want %s", tc.p, ids, tc.want)
		}
	}
}

// TestReasonsInTheContractsLanguage: sales read the reason in the SQL email, in the contract's language.
func TestReasonsInTheContractsLanguage(t *testing.T) {
	t.Parallel()
	c := contractWith(contract.Rep{ID: "a", Name: "A"}, contract.Rep{ID: "b", Name: "B", MaxOpenSQLs: 2})
	c.Locale = contract.French
	team := contract.Team{ID: "nord", Label: "territoire Nord", Reps: []string{"a", "b"}}
	ch, ok := Pick(c, team, map[string]Load{"a": {Assigned: 4, Known: true}, "b": {Assigned: 1, Known: true, Open: 2}}, monday)
	if want := "territoire Nord, à tour de rôle (4 attribués avant, poids 1) ; écartés : B au complet (2 en cours)"; !ok || ch.Reason != want {
		t.Errorf("reason %q, want %q", ch.Reason, want)
	}
	if got := OwnerReason(c, "Julien Petit"); got != "déjà attribué à Julien Petit" {
		t.Errorf("owner reason %q", got)
	}
	if got := ReassignedReason(c, "a", "repli"); got != "réattribué après le dépassement du délai de A : repli" {
		t.Errorf("reassigned reason %q", got)
	}
	c.Locale = contract.English
	if got := FallbackReason(c); got != "fallback: no team had a rep available" {
		t.Errorf("fallback reason %q", got)
	}
	if got := ReassignedReason(c, "gone", "fallback"); got != "reassigned after gone missed the deadline: fallback" {
		t.Errorf("reassigned reason of a rep who left %q", got)
	}
}

// loadsOf is a LoadReader of fixed loads.
type loadsOf map[string]map[string]Load

func (l loadsOf) TeamLoads(_ context.Context, team string) (map[string]Load, error) {
	return l[team], nil
}

// TestChoose: the first matching team with someone available, the reps excluded (those who held the SQL, on a
// reassignment) skipped, then the next team, then the fallback — with the count to record, none for the fallback.
func TestChoose(t *testing.T) {
	t.Parallel()
	c := contractWith(contract.Rep{ID: "a"}, contract.Rep{ID: "b"}, contract.Rep{ID: "c"}, contract.Rep{ID: "z"})
	c.Routing = &contract.Routing{Teams: []contract.Team{
		{ID: "north", Reps: []string{"a", "b"}, When: map[string]contract.Condition{"region": {In: []string{"FR-HDF"}}}},
		{ID: "rest", Reps: []string{"c"}},
	}, Fallback: "z"}
	loads := loadsOf{"north": {"a": {Assigned: 3, Known: true}, "b": {Assigned: 5, Known: true}}}
	north := scoring.Profile{"region": "FR-HDF"}
	for _, tc := range []struct {
		name    string
		p       scoring.Profile
		exclude []string
		rep     string
		team    string
		counted bool
	}{
		{"the fewest assignments in the first matching team", north, nil, "a", "north", true},
		{"the rep who held it excluded", north, []string{"a"}, "b", "north", true},
		{"the team's reps all excluded: the next team", north, []string{"a", "b"}, "c", "rest", true},
		{"nobody left: the fallback", north, []string{"a", "b", "c"}, "z", "", false},
		{"another region: the next team", scoring.Profile{"region": "FR-ARA"}, nil, "c", "rest", true},
	} {
		ch, count, err := Choose(context.Background(), c, loads, tc.p, tc.exclude, monday)
		if err != nil || ch.Rep.ID != tc.rep || ch.Team != tc.team || (count != nil) != tc.counted || ch.Reason == "" {
			t.Errorf("%s: %+v, count %+v, %v", tc.name, ch, count, err)
		}
	}
}
