package scoring_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
)

// BenchmarkScoreLongHistory: a lead with a long history (page views, clicks, downloads over two years) under
// the shipped contract, as the score function and the decay job re-score it; the caps' sliding window keeps it
// linear in the activities.
func BenchmarkScoreLongHistory(b *testing.B) {
	c, err := contract.Load("../../infra/contract/contract.yaml")
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	for _, n := range []int{100, 2000} {
		acts := make([]lead.Activity, n)
		types := []string{"page_view", "page_view", "email_click", "content_download", "webinar_attended"}
		for i := range acts {
			acts[i] = lead.Activity{ID: fmt.Sprintf("ac_%05d", i), Type: types[i%len(types)],
				OccurredAt: at.Add(-time.Duration(i) * 9 * time.Hour), Properties: map[string]string{"url": "https://maintenia.fr/tarifs"}}
		}
		p := scoring.Profile{"job_title": "Directrice technique", "company_size": "1 200", "country": "FR", "industry": "Industrie", "free_mail": "false"}
		b.Run(fmt.Sprint(n, "-activities"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				scoring.Score(c.Scoring, p, acts, at)
			}
		})
	}
}
