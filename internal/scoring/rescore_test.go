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

// TestBelowSQLAtsKeepEachFall: an SQL whose score is under the threshold records the instant of its first fall
// after its hand-off, once; the instant stays when the lead is handed off again, and a fall after the new
// hand-off is recorded beside it — so a month's report computed again later still sees the first.
func TestBelowSQLAtsKeepEachFall(t *testing.T) {
	t.Parallel()
	c, err := contract.Load("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// An SQL (handed off two months ago) whose score is far from the threshold now: a page view, long decayed.
	handed := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	l := lead.Lead{ID: "ld_1", Stage: lead.StageSQL, SQLAt: handed, Contact: lead.Contact{Email: "ana@gmail.com", Country: "FR"}}
	acts := []lead.Activity{{ID: "a1", Type: "page_view", OccurredAt: handed, Properties: map[string]string{"url": "https://maintenia.fr/"}}}
	fell := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	ch, _ := Rescore(c, l, acts, fell)
	if ch == nil || !ch.BelowSQL || len(ch.BelowSQLAts) != 1 || !ch.BelowSQLAts[0].Equal(fell) {
		t.Fatalf("the first fall: %+v", ch)
	}
	l.Score = lead.Score{Total: ch.Result.Total, Fit: ch.Result.Fit, Behaviour: ch.Result.Behaviour, Qualifies: ch.Result.Qualifies,
		BelowSQL: true, BelowSQLAts: ch.BelowSQLAts}
	exp, _ := json.Marshal(ch.Result.Explanation)
	l.Score.Explanation, l.DecayAt = string(exp), ch.DecayAt
	if again, _ := Rescore(c, l, acts, fell.Add(time.Hour)); again != nil && len(again.BelowSQLAts) != 1 {
		t.Errorf("still below the next hour: %v, want the first fall only", again.BelowSQLAts)
	}
	// Handed off again on 3 December (a new demo request after a rejection), and below the threshold again later.
	l.SQLAt = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	second := time.Date(2027, 2, 20, 2, 0, 0, 0, time.UTC)
	ch, _ = Rescore(c, l, acts, second)
	if ch == nil || len(ch.BelowSQLAts) != 2 || !ch.BelowSQLAts[0].Equal(fell) || !ch.BelowSQLAts[1].Equal(second) {
		t.Errorf("after a second hand-off: %+v, want the first fall kept and the second added", ch)
	}
}
