package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/store"
)

// HandOff hands a lead's SQL (handed off at at) to a rep as notify would — claimed, its deadlines from the
// contract, its email sent — and returns the hand-off.
func HandOff(t testing.TB, hs *store.Handoffs, c *contract.Contract, leadID, repID string, at time.Time) handoff.Handoff {
	t.Helper()
	d, err := handoff.DeadlinesFrom(c, at)
	if err != nil {
		t.Fatal(err)
	}
	h := handoff.New(handoff.Key{LeadID: leadID, At: at}, handoff.Assignment{RepID: repID, Reason: "test", At: at}, d, c.Version, at)
	h.LeadCompany = "ACME Industrie"
	if _, err := hs.Claim(context.Background(), h, nil, at); err != nil {
		t.Fatal(err)
	}
	sent, err := hs.Update(context.Background(), h.Key, at, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.Mail.Start(at)
		h.Mail.Sent("test-message", at)
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sent
}
