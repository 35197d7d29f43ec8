// Package routing decides who receives an SQL: the first team of the contract whose conditions the lead meets
// and that has a rep available, then, inside the team, weighted round-robin — the available rep with the fewest
// assignments for their weight — skipping reps out of office or at capacity, and among the reps whose territory
// covers the lead's place when one of them is available (territory.go). A lead that has an owner keeps it.
//
// "Fewest assignments" makes round-robin fair over time (an absence is not made up by a double share) and safe
// under concurrency when the count is updated with a condition on the value read.
package routing

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/words"
)

// Load is a rep's standing in a team: assignments received in it, and SQLs awaiting their feedback (all teams).
type Load struct {
	Assigned int
	Open     int
	Known    bool // false when the rep has never been counted in this team
}

// Choice is the rep chosen and why, in words sales can read.
type Choice struct {
	Rep    contract.Rep
	Team   string // "" for the fallback
	Reason string
	// Baseline is the assignment count a rep new to the team starts from (level with the others).
	Baseline int
	// NewTeam is true when no rep of the team was ever counted: every rep's count starts at 0 together, so a
	// team's first assignments are not mistaken for a newcomer joining.
	NewTeam bool
}

// Teams returns the contract's teams whose conditions the lead meets, in order.
func Teams(r *contract.Routing, p scoring.Profile) []contract.Team {
	var out []contract.Team
	for _, t := range r.Teams {
		ok := true
		for field, cond := range t.When {
			// Numbers in text ("1,200") are read as the lead's country writes them, as scoring does.
			if met, _ := cond.Check(p[field], contract.Numbers{Country: p["country"]}); !met {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, t)
		}
	}
	return out
}

// Pick chooses a rep of a team at instant at, given each rep's load; ok is false when nobody is available.
func Pick(c *contract.Contract, t contract.Team, loads map[string]Load, at time.Time) (Choice, bool) {
	ch, ok := pick(c, t, t.Reps, loads, at)
	if ok {
		ch.Reason = fmt.Sprintf(words.ForRouting(c.Locale).Team, teamName(t)) + ch.Reason
	}
	return ch, ok
}

// pick chooses among some of a team's reps (candidates): the available one with the fewest assignments for
// their weight. The counts are the team's, and so is the baseline a rep new to it starts from: narrowing the
// round-robin to the reps who cover a lead's territory changes who may receive it, not how the team's counts
// are kept (see InTeam). The reason it returns holds what follows the team's name: the chosen rep's count when
// the round-robin ran among several, and the reps passed over.
func pick(c *contract.Contract, t contract.Team, candidates []string, loads map[string]Load, at time.Time) (Choice, bool) {
	w := words.ForRouting(c.Locale)
	baseline := baselineFor(c, t, loads)
	best, bestScore, bestKnown := "", math.Inf(1), true
	var skipped []string
	for _, id := range candidates {
		rep, _ := c.Rep(id)
		l := loads[id]
		assigned := l.Assigned
		if !l.Known {
			assigned = int(math.Floor(baseline * float64(rep.Weight)))
		}
		switch {
		case rep.Away(at, c.Location):
			skipped = append(skipped, fmt.Sprintf(w.Away, nameOf(rep)))
			continue
		case rep.MaxOpenSQLs > 0 && l.Open >= rep.MaxOpenSQLs:
			skipped = append(skipped, fmt.Sprintf(w.Capacity, nameOf(rep), l.Open))
			continue
		}
		score := float64(assigned) / float64(rep.Weight)
		// On a tie a rep never counted in the team goes first: otherwise, in a new team, the first rep counted
		// would win every tie against the others valued at the baseline.
		if score < bestScore || (score == bestScore && !l.Known && bestKnown) {
			best, bestScore, bestKnown = id, score, l.Known
		}
	}
	if best == "" {
		return Choice{}, false
	}
	rep, _ := c.Rep(best)
	reason := ""
	if len(candidates) > 1 {
		reason += fmt.Sprintf(w.Load, loadOf(loads, rep.ID, baseline, rep.Weight), rep.Weight)
	}
	if len(skipped) > 0 {
		reason += w.Skipped + join(skipped)
	}
	newTeam := true
	for _, id := range t.Reps {
		newTeam = newTeam && !loads[id].Known
	}
	return Choice{Rep: rep, Team: t.ID, Reason: reason, Baseline: int(math.Floor(baseline * float64(rep.Weight))), NewTeam: newTeam}, true
}

// teamName is how a reason names a team: by its label, else by its ID.
func teamName(t contract.Team) string {
	if t.Label != "" {
		return t.Label
	}
	return t.ID
}

// nameOf is how a reason names a rep: by name, else by ID.
func nameOf(r contract.Rep) string {
	if r.Name != "" {
		return r.Name
	}
	return r.ID
}

func loadOf(loads map[string]Load, id string, baseline float64, weight int) int {
	if l := loads[id]; l.Known {
		return l.Assigned
	}
	return int(math.Floor(baseline * float64(weight)))
}

// baselineFor is the fewest assignments per weight among the team's counted reps: a rep who joins starts there
// instead of receiving every SQL until caught up.
func baselineFor(c *contract.Contract, t contract.Team, loads map[string]Load) float64 {
	min := math.Inf(1)
	for _, id := range t.Reps {
		if l := loads[id]; l.Known {
			rep, _ := c.Rep(id)
			min = math.Min(min, float64(l.Assigned)/float64(rep.Weight))
		}
	}
	if math.IsInf(min, 1) {
		return 0
	}
	return min
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

// ErrCountChanged: another assignment changed a count the choice was made on; choose again.
var ErrCountChanged = errors.New("another assignment changed the rep's count")

// Count is how an assignment by round-robin updates the team's counters: only if each is still what the choice
// was made on, so that concurrent hand-offs stay fair (a refusal means: choose again).
type Count struct {
	Team, RepID string
	Seen        Load     // the rep's standing the choice was made on
	Baseline    int      // where a rep new to the team starts
	StartTeam   []string // the team's other reps, whose counts start at 0 with this one (a brand-new team)
	MaxOpen     int      // the rep's capacity (0: none), enforced when the SQL is claimed
}

// CountFor is the counting of a choice made in a team with the loads read.
func CountFor(t contract.Team, ch Choice, loads map[string]Load) *Count {
	c := &Count{Team: t.ID, RepID: ch.Rep.ID, Seen: loads[ch.Rep.ID], Baseline: ch.Baseline, MaxOpen: ch.Rep.MaxOpenSQLs}
	if ch.NewTeam {
		for _, id := range t.Reps {
			if id != ch.Rep.ID {
				c.StartTeam = append(c.StartTeam, id)
			}
		}
	}
	return c
}

// OwnerReason is the reason of an SQL kept by the rep who owns the lead, in the contract's language (sales read
// the reasons in the SQL email; their words are package words').
func OwnerReason(c *contract.Contract, repName string) string {
	return fmt.Sprintf(words.ForRouting(c.Locale).Owner, repName)
}

// FallbackReason is the reason of an SQL given to the fallback rep, in the contract's language.
func FallbackReason(c *contract.Contract) string { return words.ForRouting(c.Locale).Fallback }

// ReassignedReason is the reason of an SQL reassigned after rep from's breach (named by the roster, else by ID),
// followed by why the new rep, in the contract's language.
func ReassignedReason(c *contract.Contract, from, why string) string {
	name := from
	if r, ok := c.Rep(from); ok {
		name = r.Name
	}
	return fmt.Sprintf(words.ForRouting(c.Locale).Reassigned, name, why)
}

// BounceReassignedReason is the reason of an SQL reassigned because its email to the rep from bounced or was
// complained of (sales.on_bounce: reassign), followed by the new rep's own reason why.
func BounceReassignedReason(c *contract.Contract, from, why string) string {
	name := from
	if r, ok := c.Rep(from); ok {
		name = r.Name
	}
	return fmt.Sprintf(words.ForRouting(c.Locale).ReassignedBounced, name, why)
}

// LoadReader reads a team's loads (store.Handoffs).
type LoadReader interface {
	TeamLoads(ctx context.Context, team string) (map[string]Load, error)
}

// Choose picks a rep for a lead by the contract's routing: the first matching team with someone available (not
// away, under capacity, not excluded), by weighted round-robin inside it — among the reps whose territory covers
// the lead's place when one of them is available (InTeam); else the fallback (Team ""). The reason starts by
// saying where the lead's region came from when the lead gave none (its postal code, its country). The count
// to record with the assignment is nil for the fallback. Notify assigns SQLs with it, and the deadline checker
// reassigns them (excluding every rep who held the SQL).
func Choose(ctx context.Context, c *contract.Contract, loads LoadReader, p scoring.Profile, exclude []string, now time.Time) (Choice, *Count, error) {
	place := p.Place()
	for _, t := range Teams(c.Routing, p) {
		ls, err := loads.TeamLoads(ctx, t.ID)
		if err != nil {
			return Choice{}, nil, fmt.Errorf("the loads of team %s: %w", t.ID, err)
		}
		if ch, ok := InTeam(c, without(t, exclude), place, ls, now); ok {
			ch.Team = t.ID
			ch.Reason = derived(c, place) + ch.Reason
			return ch, CountFor(t, ch, ls), nil
		}
	}
	rep, _ := c.Rep(c.Routing.Fallback)
	return Choice{Rep: rep, Reason: derived(c, place) + FallbackReason(c)}, nil, nil
}

// without is a team without some reps (the reps who held the SQL, on a reassignment).
func without(t contract.Team, exclude []string) contract.Team {
	if len(exclude) == 0 {
		return t
	}
	var reps []string
	for _, id := range t.Reps {
		keep := true
		for _, x := range exclude {
			keep = keep && x != id
		}
		if keep {
			reps = append(reps, id)
		}
	}
	t.Reps = reps
	return t
}
