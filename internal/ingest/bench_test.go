package ingest_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

// Goals (issue #3): a new lead costs at most 2 DynamoDB requests (it costs 1); a known lead 2; a retried
// delivery 1, however late (a late duplicate is recognised inside the transaction, issue #9). Throughput is measured in-process against DynamoDB Local, which is far slower than DynamoDB: read it as a
// floor and a regression signal, not as production capacity.
func BenchmarkSubmission(b *testing.B) {
	cases := []struct {
		name  string
		email func(i int64) string
		id    func(i int64) string
	}{
		{"new-lead", func(i int64) string { return fmt.Sprintf("bench-%d@acme-%d.fr", i, i) }, func(i int64) string { return fmt.Sprint("n", i) }},
		{"known-lead", func(int64) string { return "bench@acme.fr" }, func(i int64) string { return fmt.Sprint("k", i) }},
		{"retried-delivery", func(int64) string { return "bench@acme.fr" }, func(int64) string { return "same" }},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			h := newHarness(b)
			if tc.name != "new-lead" { // warm: the lead (and the delivery) exist before timing
				h.do(h.signed("zapier-linkedin", "submissions", "application/json", "same", `{"email":"bench@acme.fr"}`))
			}
			var seq atomic.Int64
			h.calls.Reset()
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := seq.Add(1)
					body := `{"email":"bench@acme.fr"}`
					if tc.name != "retried-delivery" {
						body = fmt.Sprintf(`{"email":%q,"first_name":"Ana","job_title":"Acheteuse %d"}`, tc.email(i), i)
					}
					resp, err := h.h.Handle(context.Background(), h.signed("zapier-linkedin", "submissions", "application/json", tc.id(i), body))
					if err != nil || resp.StatusCode != 202 {
						b.Fatalf("%d %v %s", resp.StatusCode, err, resp.Body)
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(h.calls.Total())/float64(b.N), "ddb-requests/op")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
		})
	}
}
