package email

import (
	"github.com/handoff-sla/handoff/internal/words"
)

// outcomeMissing: the outcome deadline of an SQL the rep accepted passed with no outcome in the CRM (CRM care,
// sales.outcome_within): the rep who accepted it is reminded, once. No answer buttons: the outcome is recorded in
// the CRM, which posts it to Handoff, and nothing here changes state.
func (b *eventMail) outcomeMissing(Links) error {
	t := words.ForCRM(b.c.Locale)
	rep := b.toRep(b.e.RepID)
	b.v.Subject = b.w(t.OutcomeSubject, b.who())
	b.v.Hello = b.w(b.t.EventHello, rep)
	b.v.Paras = []string{b.w(t.OutcomeIntro, b.cm.Day(b.h.Decision.At.In(b.c.Location), true))}
	b.v.Due, b.v.DueNote = b.instant(b.e.Due), t.OutcomeDueNote
	if n := b.c.Sales.OutcomeWithin; n > 0 && b.e.ContractVersion == b.c.Version {
		// The delay as the contract in force set it (another version may have set another).
		b.v.DueNote += " · " + b.w(t.OutcomeDelay, b.w(t.OutcomeDays.For(n), b.cm.Int(n)))
	}
	b.v.After = []string{t.OutcomeCounts}
	b.v.Sections = []section{b.lead()}
	b.v.NextTitle, b.v.Next = b.t.EventTodo, []string{t.OutcomeTodo, t.OutcomeOnce}
	return nil
}
