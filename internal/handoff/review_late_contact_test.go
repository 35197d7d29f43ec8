package handoff_test

import (
	"os"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
)

// TestReviewLateContactBeforeTheCheckerIsNotWithinDeadline (independent review of issue 13): the monthly report
// reads "contacted within the deadline" and "answered within the deadline" from the hand-off
// (ContactedWithinDeadline / AnsweredWithinDeadline, and store.Months recomputes them the same way: no breach
// recorded). A contact recorded after the first-contact deadline, but before the deadline checker's next pass (it
// runs each minute; hours when it is failing or throttled), records no breach — Due skips a contacted SQL — so the
// SQL counts as contacted in time although it was late by the contract's own clock.
func TestReviewLateContactBeforeTheCheckerIsNotWithinDeadline(t *testing.T) {
	data, err := os.ReadFile("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := contract.Parse("contract.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	paris := c.Location
	at := time.Date(2026, 11, 16, 9, 0, 0, 0, paris) // Monday
	d, err := handoff.DeadlinesFrom(c, at)
	if err != nil {
		t.Fatal(err)
	}
	h := handoff.New(handoff.Key{LeadID: "ld_1", At: at}, handoff.Assignment{RepID: "thomas-martin", At: at}, d, c.Version, at)
	h.Mail.Start(at)
	h.Mail.Sent("m1", at)
	// Due 14:00 (4h: 09:00-12:30, 13:30-14:00). The rep calls at 15:30, before any checker pass after 14:00.
	late := time.Date(2026, 11, 16, 15, 30, 0, 0, paris)
	if !late.After(h.FirstContactDue) {
		t.Fatalf("fixture: due %v", h.FirstContactDue)
	}
	if _, err := h.Record(handoff.Response{Action: handoff.Contacted, Channel: "phone", At: late, RepID: "thomas-martin", By: "page"}, c.Calendar); err != nil {
		t.Fatal(err)
	}
	if h.ContactedWithinDeadline() {
		t.Errorf("contacted at 15:30, due at 14:00 (%d business minutes after the hand-off, deadline 240): counted within the deadline",
			h.Contact.BusinessMinutes)
	}
	// The same for the answer: due Tuesday 17 18:00; answered Wednesday 10:00 before the checker's pass.
	answer := time.Date(2026, 11, 18, 10, 0, 0, 0, paris)
	if !answer.After(h.FeedbackDue) {
		t.Fatalf("fixture: feedback due %v", h.FeedbackDue)
	}
	if _, err := h.Record(handoff.Response{Action: handoff.Accept, At: answer, RepID: "thomas-martin", By: "page"}, c.Calendar); err != nil {
		t.Fatal(err)
	}
	if h.AnsweredWithinDeadline() {
		t.Errorf("answered %v, due %v: counted within the feedback deadline", answer, h.FeedbackDue)
	}
}
