package scoring

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
)

// ProfileOf is what the fit rules see of a lead: its values by fit field (contract.FitFields), the empty ones
// left out (a rule tests a missing field as the empty string), and its region derived from its postal code or
// country when it gave none (see ProfileIn, which also reads a postal code without a country).
func ProfileOf(l lead.Lead) Profile {
	c, a := l.Contact, l.Attribution
	p := Profile{}
	for k, v := range map[string]string{
		"email": c.Email, "company": c.Company, "company_domain": c.CompanyDomain, "company_size": c.CompanySize,
		"country": c.Country, "region": c.Region, "industry": c.Industry, "job_title": c.JobTitle,
		"utm_source": a.UTMSource, "utm_medium": a.UTMMedium, "utm_campaign": a.UTMCampaign,
		"postal_code": c.PostalCode,
	} {
		if v != "" {
			p[k] = v
		}
	}
	if c.Email != "" {
		p["free_mail"] = strconv.FormatBool(c.FreeMail)
	}
	place(p, c, "")
	return p
}

// Change is a lead's new score and stage, to be saved only if the lead is still the one it was computed from.
type Change struct {
	Result   Result
	Stage    lead.Stage
	Move     *Move // nil when the stage does not change
	BelowSQL bool
	// BelowSQLAts are the instants the SQL first fell below the threshold after each hand-off (see lead.Score).
	BelowSQLAts []time.Time
	At          time.Time
	Month       string    // the report month of At, in the contract's zone
	DecayAt     time.Time // when to re-score for decay; zero takes the lead out of the decay index
	// Held is the lead's hold after this change (nil: not held); HoldStarts says it starts now, to be recorded
	// for the report once.
	Held       *lead.Hold
	HoldStarts bool
	// ContractVersion is the contract the score was computed under.
	ContractVersion string
}

// AheadAccepted is how far ahead of its clock ingest accepts an activity's instant (a sender whose clock runs
// fast).
const AheadAccepted = 5 * time.Minute

// Rescore recomputes a lead's score and stage at now from its whole history, and returns the score and the
// change to save, or a nil change when it would write what is already stored (a redelivered record: no write, no stream event, no version
// bump). A lead due for decay always gets a change, which moves it out of today's decay run.
//
// Only the values shown are stored (in cents), so a redelivery seconds later is still a no-op however the exact
// score decayed meanwhile; the stage the exact score reaches is compared too, since rounding can hide a crossing
// (69.996 and 70.001 both show as 70).
func Rescore(c *contract.Contract, l lead.Lead, acts []lead.Activity, now time.Time) (*Change, Result) {
	r := Score(c.Scoring, ProfileIn(l, c.Country), acts, scoringInstant(now, acts))
	stage, move, moved := Next(l.Stage, r, acts, l.SQLAt)
	// Consent decides whether a lead that qualifies goes to sales: here, where it would become an SQL, so that
	// notify (which only sees SQLs) never sees it. The decision is saved on the condition that the lead is still
	// the version read, and every submission bumps the version: a refusal recorded meanwhile is decided again.
	var held *lead.Hold
	starts := false
	if moved && move.To == lead.StageSQL {
		if why := HoldFor(c.Consent, l.Consent); why != "" {
			held = l.Held
			if held == nil || held.Reason != why {
				// A hold starts, or goes on for another reason (a lead held for want of an answer that answers
				// no): recorded from now, so that the report, as of any instant, counts the reason in force then.
				held, starts = &lead.Hold{At: now, Reason: why, Cause: move.Cause}, true
			}
			stage, move, moved = heldBack(l.Stage, move)
		}
	}
	ch := &Change{Result: r, Stage: stage, BelowSQL: BelowSQL(stage, r), At: now, Held: held, HoldStarts: starts,
		Month: contract.MonthOf(now.In(c.Location)).String(), ContractVersion: c.Version}
	if moved {
		ch.Move = &move
	}
	ch.BelowSQLAts = l.Score.BelowSQLAts
	if ch.BelowSQL {
		// The first fall after the latest hand-off (this one, when the lead becomes an SQL now) is recorded.
		handoff := l.SQLAt
		if moved && move.To == lead.StageSQL {
			handoff = now
		}
		if n := len(ch.BelowSQLAts); n == 0 || ch.BelowSQLAts[n-1].Before(handoff) {
			ch.BelowSQLAts = append(slices.Clip(ch.BelowSQLAts), now)
		}
	}
	if r.Decays {
		ch.DecayAt = now.Add(24 * time.Hour)
	}
	if moved {
		return ch, r
	}
	exp, _ := json.Marshal(r.Explanation)
	s := l.Score
	due := !l.DecayAt.IsZero() && !l.DecayAt.After(now)
	if l.Stage == stage && s.Total == r.Total && s.Qualifies == r.Qualifies && s.Explanation == string(exp) &&
		s.BelowSQL == ch.BelowSQL && slices.EqualFunc(s.BelowSQLAts, ch.BelowSQLAts, time.Time.Equal) && !due && l.DecayAt.IsZero() == ch.DecayAt.IsZero() &&
		(l.Held == nil) == (held == nil) && !starts {
		return nil, r
	}
	return ch, r
}

// HoldFor says whether a lead may be handed to sales under the contract's consent rules, given its latest
// answer: "" when it may, else why not. A refusal always holds; a lead that never answered is held when the
// contract says so (consent.missing: hold).
func HoldFor(rules contract.Consent, latest *lead.Consent) lead.HoldReason {
	switch {
	case latest.Refused():
		return lead.ConsentRefused
	case latest == nil && rules.Missing == contract.HoldMissing:
		return lead.ConsentMissing
	}
	return ""
}

// heldBack is where a held lead goes instead of SQL: it stays with marketing, as an MQL (a lead that qualified
// for sales is marketing-qualified: the report counts it among the month's MQLs, as it counts a hand-raiser
// that went straight to SQL); an MQL, or a rejected lead raising its hand again, stays where it is.
func heldBack(current lead.Stage, toSQL Move) (lead.Stage, Move, bool) {
	switch current {
	case lead.StageSubscriber, lead.StageLead:
		return lead.StageMQL, Move{From: current, To: lead.StageMQL, Cause: toSQL.Cause, Activity: toSQL.Activity}, true
	}
	return current, Move{}, false
}

// scoringInstant is now, or the latest activity ingest accepted ahead of the clock: scoring ignores what
// happens after its instant, and such an activity (a demo request) would otherwise wait for the next activity
// or the next day's decay run to count.
func scoringInstant(now time.Time, acts []lead.Activity) time.Time {
	at := now
	for _, a := range acts {
		if a.OccurredAt.After(at) && !a.OccurredAt.After(now.Add(AheadAccepted)) {
			at = a.OccurredAt
		}
	}
	return at
}
