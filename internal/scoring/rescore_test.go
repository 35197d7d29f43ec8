package scoring

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
)

// TestRescoreWritesOnlyWhatChanged: a re-score that would store what is stored is no change (a redelivered
// record writes nothing); the stage the exact score reaches is compared too, since rounding can hide a crossing
// (69.996 and 70.001 both show as 70); a lead due for decay always changes, to leave today's run.
func TestRescoreWritesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	c, err := contract.Load("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	l := lead.Lead{ID: "ld_1", Stage: lead.StageAccepted, Contact: lead.Contact{Email: "ana@forges.fr", JobTitle: "Directrice technique", Country: "FR"}}
	acts := []lead.Activity{{ID: "a1", Type: "webinar_attended", OccurredAt: now.Add(-48 * time.Hour), Properties: map[string]string{"webinar": "w"}}}
	first, r := Rescore(c, l, acts, now)
	if first == nil || first.Move != nil {
		t.Fatalf("a lead never scored: change %+v", first)
	}
	exp, _ := json.Marshal(r.Explanation)
	l.Score = lead.Score{Total: r.Total, Fit: r.Fit, Behaviour: r.Behaviour, Explanation: string(exp), Qualifies: r.Qualifies, BelowSQL: first.BelowSQL}
	l.DecayAt = first.DecayAt
	if again, _ := Rescore(c, l, acts, now.Add(time.Minute)); again != nil {
		t.Errorf("a redelivered record changes %+v", again)
	}
	// Stored from an exact score on the other side of a threshold, with the same rounded total and lines.
	hidden := l
	hidden.Score.Qualifies = lead.StageSQL
	if r.Qualifies == lead.StageSQL {
		hidden.Score.Qualifies = lead.StageMQL
	}
	if ch, _ := Rescore(c, hidden, acts, now.Add(time.Minute)); ch == nil {
		t.Error("a crossing hidden by rounding is no change")
	}
	if ch, _ := Rescore(c, l, acts, l.DecayAt.Add(time.Minute)); ch == nil || !ch.DecayAt.After(l.DecayAt) {
		t.Errorf("a lead due for decay: change %+v", ch)
	}
}
