package cli

import (
	"fmt"
	"strings"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/scoring"
)

// note is an explanation line as ops read it in the terminal, in English and with the rule's condition as the
// contract writes it ("job_title matches (?i)…"): the scoring records data (package scoring), each surface
// phrases it — sales' emails in the contract's language, without conditions; this command for whoever tunes
// the rules.
func note(rules *contract.Scoring, e scoring.Contribution) string {
	if e.Note != "" && e.Field == "" && !e.Capped && e.Decay == 0 {
		return e.Note // a line recorded before explanations were data
	}
	cond := func() string {
		for _, f := range rules.Fit {
			if f.ID == e.Rule {
				return f.When.String()
			}
		}
		for _, d := range rules.Disqualifiers {
			if d.ID == e.Rule {
				return d.When.String()
			}
		}
		return ""
	}
	paren := func(s string) string {
		if s == "" {
			return ""
		}
		return " (" + s + ")"
	}
	switch e.Kind {
	case "fit":
		if e.Unread {
			return fmt.Sprintf("%s %s: %s: not counted", e.Field, cond(), e.Read)
		}
		return fmt.Sprintf("%s %s%s", e.Field, cond(), paren(e.Read))
	case "hand_raiser":
		return "asked to talk to sales: SQL whatever the score"
	case "disqualifier":
		switch {
		case e.Field == "":
			return "never MQL or SQL"
		case e.Unread:
			return fmt.Sprintf("%s %s: %s: not applied", e.Field, cond(), e.Read)
		}
		return fmt.Sprintf("%s %s%s: never MQL or SQL", e.Field, cond(), paren(e.Read))
	}
	var parts []string
	for _, b := range rules.Behaviour {
		if b.ID != e.Rule {
			continue
		}
		if e.Capped {
			parts = append(parts, fmt.Sprintf("capped at %g per %d days", b.CapPoints, b.CapDays))
		}
		if b.WindowDays > 0 {
			parts = append(parts, fmt.Sprintf("counts for %d days", b.WindowDays))
		}
		if e.Decay > 0 {
			parts = append(parts, fmt.Sprintf("%g decayed to %.0f%% (half-life %g days)", e.Base, e.Decay*100, b.HalfLifeDays))
		}
	}
	return strings.Join(parts, "; ")
}
