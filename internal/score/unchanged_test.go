package score

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
)

// TestUnchangedComparesTheExactStage: an accepted lead whose exact score fell from 70.001 to 69.999 shows the
// same rounded score and explanation, but no longer qualifies for SQL; the stored qualifiesFor must follow.
func TestUnchangedComparesTheExactStage(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	lines := []scoring.Contribution{{Rule: "x", Kind: "behaviour", Points: 70}}
	exp, _ := json.Marshal(lines)
	stored := Lead{Stage: lead.StageAccepted, Total: 70, Qualifies: lead.StageSQL, Explanation: string(exp)}
	for _, tc := range []struct {
		name      string
		qualifies lead.Stage
		want      bool
	}{{"same stage reached", lead.StageSQL, true}, {"rounding hides a crossing", lead.StageMQL, false}} {
		u := Update{Stage: lead.StageAccepted, Result: scoring.Result{Total: 70, Behaviour: 70, Qualifies: tc.qualifies, Explanation: lines}}
		if got := unchanged(stored, u, now); got != tc.want {
			t.Errorf("%s: unchanged = %v, want %v", tc.name, got, tc.want)
		}
	}
}
