package deadlines

import (
	"context"
	"fmt"
	"slices"

	"github.com/handoff-sla/handoff/internal/handoff"
)

// outcomeInTime reads, before the change, whether an accepted SQL whose outcome deadline is due has an outcome in
// the CRM received by then (handoff.OutcomeBy): the lead's activities, one Query, only for such a step. An outcome
// received after the deadline, before this run, does not count: the deadline is what the contract judges. It is
// read once per check; the change that records it runs again on a fresh hand-off only when another writer got
// there first, and the outcomes received by a past instant do not change.
func (c *Checker) outcomeInTime(ctx context.Context, h handoff.Handoff, steps []handoff.Step) (bool, error) {
	if !slices.ContainsFunc(steps, func(s handoff.Step) bool { return s.Kind == handoff.StepOutcome }) {
		return false, nil
	}
	acts, err := c.leads.Activities(ctx, h.LeadID)
	if err != nil {
		return false, fmt.Errorf("the outcomes of %s: %w", h.Key, err)
	}
	return h.OutcomeBy(acts), nil
}
