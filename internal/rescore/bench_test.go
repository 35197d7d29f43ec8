package rescore_test

import (
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/lead"
)

// BenchmarkScoreActivity reports the DynamoDB requests the score function spends per activity: reading the
// lead and its history (2), and writing the new score (1, or 1 transaction with the transition). Redelivered
// records cost the 2 reads and no write.
func BenchmarkScoreActivity(b *testing.B) {
	for _, tc := range []struct {
		name      string
		redeliver bool
	}{{"new-activity", false}, {"redelivered", true}} {
		b.Run(tc.name, func(b *testing.B) {
			f := newFixture(b)
			id := f.submit("bench@acme-industrie.fr", "Acheteur", "10", "Banque")
			download := lead.Activity{Type: "content_download", Properties: map[string]string{"content": "livre blanc"}}
			first := f.record(id, download)
			f.handle(first)
			f.calls.Reset()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				recs := first
				if !tc.redeliver { // a new activity each time (stored outside the timer and the count)
					b.StopTimer()
					recs = f.record(id, download)
					b.StartTimer()
				}
				if resp, err := f.scorer.HandleStream(context.Background(), events.DynamoDBEvent{Records: recs}); err != nil || len(resp.BatchItemFailures) > 0 {
					b.Fatal(err, resp)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(f.calls.Total())/float64(b.N), "ddb-requests/op")
			b.ReportMetric(float64(f.calls.Of("UpdateItem")+f.calls.Of("TransactWriteItems"))/float64(b.N), "writes/op")
		})
	}
}
