package handoff

import (
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// TestTheOutcomeDeadline: an acceptance schedules the contract's outcome deadline (10 business days in the
// example); the hand-off stays due for it and is due once at that instant; a rejection, an answer already given
// and a contract without the key schedule none.
func TestTheOutcomeDeadline(t *testing.T) {
	t.Parallel()
	accepted := paris(t, "2026-11-30 11:00")
	due := paris(t, "2026-12-14 18:00") // 1–4, 7–11, 14 December: 8 December is no holiday in France
	for _, tc := range []struct {
		name     string
		answers  []Response
		measured bool
		want     time.Time
	}{
		{"accepted", []Response{{Action: Accept, At: accepted, By: "page"}}, true, due},
		{"accepted from the CRM after a contact", []Response{{Action: Contacted, Channel: "phone", At: accepted.Add(-time.Hour), By: "crm"},
			{Action: Accept, At: accepted, By: "crm"}}, true, due},
		{"rejected", []Response{{Action: Reject, Reason: "not_a_fit", At: accepted, By: "page"}}, true, time.Time{}},
		{"accepted twice: the first stands", []Response{{Action: Accept, At: accepted, By: "page"},
			{Action: Accept, At: accepted.AddDate(0, 0, 7), By: "crm"}}, true, due},
		{"not measured", []Response{{Action: Accept, At: accepted, By: "page"}}, false, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, h := sent(t)
			if !tc.measured {
				cc := *c
				cc.Sales.OutcomeWithin = 0
				c = &cc
			}
			for _, r := range tc.answers {
				if _, err := h.Answer(r, c); err != nil {
					t.Fatal(err)
				}
			}
			if !h.OutcomeDue.Equal(tc.want) {
				t.Fatalf("outcome due %s, want %s", h.OutcomeDue, tc.want)
			}
			if tc.want.IsZero() {
				if next := h.NextCheck(accepted); !next.IsZero() && !next.Before(h.FeedbackDue.Add(time.Second)) {
					t.Errorf("next check %s with no outcome deadline", next)
				}
				return
			}
			if next := h.NextCheck(accepted); !next.Equal(due) {
				t.Errorf("next check %s, want the outcome deadline %s", next, due)
			}
			if steps := h.Due(due.Add(-time.Minute)); len(steps) != 0 {
				t.Errorf("due a minute before: %+v", steps)
			}
			steps := h.Due(due)
			if len(steps) != 1 || steps[0].Kind != StepOutcome || !steps[0].Due.Equal(due) {
				t.Fatalf("due at the deadline: %+v", steps)
			}
		})
	}
}

// TestCheckOutcome: the outcome deadline is looked at once; without an outcome the rep who accepted is reminded
// (an event with its email pending), with one nothing is sent; either way the hand-off leaves the checks.
func TestCheckOutcome(t *testing.T) {
	t.Parallel()
	for _, inTime := range []bool{false, true} {
		c, h := sent(t)
		if _, err := h.Answer(Response{Action: Accept, At: paris(t, "2026-11-30 11:00"), By: "page"}, c); err != nil {
			t.Fatal(err)
		}
		now := h.OutcomeDue.Add(20 * time.Second)
		e := h.CheckOutcome(inTime, now)
		switch {
		case inTime && (e.Kind != EventOutcomeInTime || e.Mail.Status != "" || len(h.Pending) != 0):
			t.Errorf("in time: %+v, pending %v", e, h.Pending)
		case !inTime && (e.Kind != EventOutcomeMissing || e.Mail.Status != outbox.MailClaimed || len(h.Pending) != 1 || h.Pending[0] != "outcome.missing#0.0"):
			t.Errorf("missing: %+v, pending %v", e, h.Pending)
		}
		if e.RepID != "thomas-martin" || !e.Due.Equal(h.OutcomeDue) {
			t.Errorf("event for %s due %s", e.RepID, e.Due)
		}
		h.Pending = nil
		if steps := h.Due(now.Add(time.Hour)); len(steps) != 0 {
			t.Errorf("due again: %+v", steps)
		}
		if next := h.NextCheck(now); !next.IsZero() {
			t.Errorf("next check %s after the look", next)
		}
	}
}

// TestOutcomeBy: an outcome counts when it is the CRM's (opportunity, won, lost), received from the hand-off to
// the deadline, both included.
func TestOutcomeBy(t *testing.T) {
	t.Parallel()
	c, h := sent(t)
	if _, err := h.Answer(Response{Action: Accept, At: paris(t, "2026-11-30 11:00"), By: "page"}, c); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		kind     string
		received time.Time
		want     bool
	}{
		{"opportunity in time", lead.OpportunityCreated, paris(t, "2026-12-03 10:00"), true},
		{"won at the deadline", lead.DealWon, h.OutcomeDue, true},
		{"lost at the hand-off", lead.DealLost, h.At, true},
		{"after the deadline", lead.OpportunityCreated, h.OutcomeDue.Add(time.Millisecond), false},
		{"before the hand-off: an earlier SQL's", lead.DealLost, h.At.Add(-time.Minute), false},
		{"not an outcome", lead.SalesAccepted, paris(t, "2026-12-03 10:00"), false},
		{"a page view", "page_view", paris(t, "2026-12-03 10:00"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			acts := []lead.Activity{{Type: "page_view", ReceivedAt: h.At.Add(time.Hour)}, {Type: tc.kind, ReceivedAt: tc.received}}
			if got := h.OutcomeBy(acts); got != tc.want {
				t.Errorf("OutcomeBy = %v, want %v", got, tc.want)
			}
		})
	}
}
