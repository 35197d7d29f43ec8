package routing

import (
	"fmt"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/region"
	"github.com/handoff-sla/handoff/internal/words"
)

// InTeam chooses a rep of team t for a lead at place: the team's weighted round-robin among its available reps
// whose territory covers the place (roster.reps[].territories: FR covers FR and every FR-…, FR-HDF covers
// FR-HDF), else — none covers it, none of them is available, or the lead's place is unknown — among all its
// available reps. ok is false when nobody in the team is available.
//
// The team keeps one count per rep, whoever the round-robin ran among: the counts a lead's choice is made on,
// and updated on condition (Count), are the same either way, so concurrent hand-offs stay fair, and a rep who
// receives more leads of their own territory receives fewer of the leads nobody covers. A territory only narrows
// who may receive a lead: it never takes one away from the team (a lead outside every territory still goes to
// the team's round-robin), and a team whose reps declare no territory works as before.
func InTeam(c *contract.Contract, t contract.Team, place region.Place, loads map[string]Load, at time.Time) (Choice, bool) {
	w := words.ForRouting(c.Locale)
	where := placeName(c.Locale, place)
	covering, declared := coverers(c, t, place)
	note := ""
	if len(covering) > 0 {
		if ch, ok := pick(c, t, covering, loads, at); ok {
			if len(covering) == 1 {
				ch.Reason = fmt.Sprintf(w.Covers, teamName(t), nameOf(ch.Rep), where) + ch.Reason
			} else {
				ch.Reason = fmt.Sprintf(w.Covering, teamName(t), where) + ch.Reason
			}
			return ch, true
		}
		note = fmt.Sprintf(w.NoneFree, where)
	} else if declared && where != "" {
		note = fmt.Sprintf(w.NotCovered, where)
	}
	ch, ok := pick(c, t, t.Reps, loads, at)
	if ok {
		ch.Reason = fmt.Sprintf(w.Team, teamName(t)) + ch.Reason + note
	}
	return ch, ok
}

// coverers are the team's reps whose territory covers the place, in the team's order; declared says whether
// any of the team's reps has territories.
func coverers(c *contract.Contract, t contract.Team, place region.Place) (out []string, declared bool) {
	for _, id := range t.Reps {
		rep, _ := c.Rep(id)
		declared = declared || len(rep.Territories) > 0
		for _, ter := range rep.Territories {
			if region.Covers(ter, place) {
				out = append(out, id)
				break
			}
		}
	}
	return out, declared
}

// placeName names the lead's place in the reasons: its region's name in language l when the words know it, else
// the region as it is (a country code, a sender's text), "" when unknown.
func placeName(l contract.Locale, p region.Place) string {
	if p.Region == "" {
		return p.Country
	}
	name, _ := words.RegionName(l, region.Canonical(p.Region))
	if name == region.Canonical(p.Region) {
		return p.Region
	}
	return name
}

// derived is what starts a reason when the lead's region was derived: from which postal code or country, and the
// region; "" when the lead gave its region, or it is unknown.
func derived(c *contract.Contract, p region.Place) string {
	w := words.ForRouting(c.Locale)
	switch p.From {
	case region.PostalCode:
		return fmt.Sprintf(w.FromPostalCode, p.PostalCode, placeName(c.Locale, p)) + w.Then
	case region.Country:
		return fmt.Sprintf(w.FromCountry, placeName(c.Locale, p)) + w.Then
	}
	return ""
}
